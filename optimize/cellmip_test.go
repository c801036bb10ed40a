package optimize_test

import "testing"

// TestFlightPatternAgainstIndependentMILP: four channels over 14 weeks,
// three of them S-curves, all with minimum flights. The witness is the
// optimum of an independent solver (COIN-OR CBC on a piecewise-linear MILP
// of the same model, polished on the forward model); before the cell MIP,
// the plan stopped 0.68% below it, in the flight pattern, not the amounts.
// The plan must come within 0.05% of it.
func TestFlightPatternAgainstIndependentMILP(t *testing.T) {
	res := loadYAML(t, `horizon: {start: 2027-05-11, end: 2027-08-09, granularity: week}
objective: revenue
budget: {total: 1641400}
channels:
  - name: ch0
    response: {curve: hill, beta: 563270, half_saturation: 343950, shape: 2.85}
    per_week: {max: 567450}
    min_active_per_week: 194690
  - name: ch1
    response: {curve: hill, beta: 670420, half_saturation: 147480, shape: 1.36}
    per_week: {max: 552870}
    min_active_per_week: 155620
    available: [{from: 2027-07-14, to: 2027-08-09}]
  - name: ch2
    response: {curve: exponential, beta: 549140, half_saturation: 132510}
    min_active_per_week: 78350
  - name: ch3
    response: {curve: hill, beta: 848480, half_saturation: 155050, shape: 1.19}
    carryover: 0.46
    per_week: {max: 231190}
    min_active_per_week: 182850
festivals:
  - {preset: "520", uplift: 3.12, cost_index: 1.29}
  - {preset: qixi}
`)
	witness := [][]float64{
		{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
		{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
		{111693, 140866, 78350, 0, 78350, 78350, 78350, 78350, 0, 78350, 78350, 0, 78350, 0},
		{198162, 198177, 0, 0, 0, 182850, 0, 0, 182850, 0, 0, 0, 0, 0},
	}
	nearWitness(t, res, witness, 5e-4)
}
