package optimize_test

import (
	"math"
	"testing"

	"github.com/peakplan/peakplan/plan"
	"github.com/peakplan/peakplan/scenarios"
)

// Scenarios with few channels where the best plan uses a flight pattern
// that column generation alone does not offer, found by an adversarial
// search against multi-start local searches on the forward model. Each
// comes with a witness plan that meets every limit (checked here); the
// optimiser must do at least as well.
var patternCases = []struct {
	name    string
	y       string
	witness [][]float64
}{
	{
		// A linear channel with carry-over and flights: the first plan left
		// budget unspent in a period it had switched off.
		name: "linear flights carry-over",
		y: `horizon: {start: 2027-01-07, end: 2027-04-21, granularity: week}
objective: revenue
budget:
  total: 74557.63
  windows:
    - {from: 2027-04-03, to: 2027-04-19, max: 1658.55}
festivals:
  - {name: f0, from: 2027-02-27, to: 2027-03-03, uplift: 3.460, cost_index: 1.547}
channels:
  - name: ch0
    response: {curve: linear, roas: 3.673}
    carryover: 0.661
    per_week: {max: 15743.27}
    min_active_per_week: 2098.68
`,
		witness: [][]float64{{0, 0, 0, 11584.55, 15743.26, 15743.26, 15743.26, 15743.26, 0, 0, 0, 0, 0, 0, 0, 0}},
	},
	{
		// One S-curve channel with carry-over: the best pulse is late,
		// where no price makes the dynamic programme put it.
		name: "one S-curve, late pulse",
		y: `horizon: {start: 2027-01-10, end: 2027-02-25, granularity: week}
objective: profit
margin: 0.3563
budget:
  total: 42302.75
festivals:
  - {name: f0, from: 2027-01-23, to: 2027-02-01, uplift: 1.158, cost_index: 1.336}
channels:
  - name: ch0
    response: {curve: hill, beta: 132013, half_saturation: 15067, shape: 2.162}
    carryover: 0.359
`,
		witness: [][]float64{{0, 0, 0, 0, 0, 26953.51, 15349.24, 0}},
	},
	{
		// The spend objective with a ROAS floor, a group and a window: the
		// ROAS row of polishing's step problem once listed a column twice,
		// so every step failed and the first plan spent 3.4 times too much.
		name: "spend, ROAS floor, group, window",
		y: `horizon: {start: 2027-01-21, end: 2027-02-19, granularity: day}
objective: spend
target_revenue: 97685.06
min_roas: 2.5648
budget:
  total: 93619.58
  windows:
    - {from: 2027-02-04, to: 2027-02-06, min: 5356.03, max: 8269.54}
festivals:
  - {name: f0, from: 2027-02-06, to: 2027-02-16, uplift: 1.447, cost_index: 1.523}
  - {name: f1, from: 2027-01-30, to: 2027-02-18, uplift: 2.760, cost_index: 1.443, channels: {ch1: {uplift: 1.026, cost_index: 1.560}}}
channels:
  - name: ch0
    response: {curve: hill, beta: 91412, half_saturation: 7510, shape: 2.855}
  - name: ch1
    response: {curve: hill, beta: 186459, half_saturation: 27375, shape: 1.619}
    carryover: 0.308
    per_week: {max: 58822.47}
    min_active_per_week: 2933.35
groups:
  - name: g0
    channels: [ch0]
    min_share: 0.2120
    max_share: 0.2698
`,
		witness: [][]float64{
			{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1783.05, 0, 1783.06, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1783.05, 0, 0},
			{0, 0, 0, 0, 0, 0, 0, 8403.21, 2501.04, 0, 0, 0, 0, 0, 3572.98, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
		},
	},
	{
		// Identical weeks switch on all together under any one price, so
		// no priced schedule fit the budget and the window, and the
		// scenario was once reported infeasible.
		name: "spend, flights, window: feasible",
		y: `horizon: {start: 2027-01-05, end: 2027-02-11, granularity: week}
objective: spend
target_revenue: 94646.37
budget:
  total: 22632.91
  windows:
    - {from: 2027-02-05, to: 2027-02-09, min: 1930.07}
channels:
  - name: ch0
    response: {curve: hill, beta: 89135, half_saturation: 7061, shape: 1.907}
    min_active_per_week: 4456.26
`,
		witness: [][]float64{{5820.68, 0, 4642.10, 6038.78, 0, 5431.71}},
	},
	{
		// The same with availability and a cap: one week alone must carry
		// the target.
		name: "spend, flights, availability: feasible",
		y: `horizon: {start: 2027-01-09, end: 2027-03-02, granularity: week}
objective: spend
target_revenue: 5210.45
budget:
  total: 12652.99
festivals:
  - {name: f0, from: 2027-01-09, to: 2027-01-09, uplift: 1.009, cost_index: 1.160}
  - {name: f1, from: 2027-01-29, to: 2027-02-09, uplift: 1.465, cost_index: 1.794}
channels:
  - name: ch0
    response: {curve: hill, beta: 44750, half_saturation: 8898, shape: 3.135}
    carryover: 0.111
    available: [{from: 2027-01-09, to: 2027-01-27}]
    per_week: {max: 15791.73}
    min_active_per_week: 4860.35
`,
		witness: [][]float64{{0, 5500, 0, 0, 0, 0, 0, 0, 0}},
	},
	{
		// A channel total floor that no priced schedule met exactly: the
		// schedules scaled to the floor make the choice feasible.
		name: "spend, flights, channel floor: feasible",
		y: `horizon: {start: 2027-02-01, end: 2027-02-21, granularity: day}
objective: spend
target_revenue: 122854.07
min_roas: 3.1520
budget:
  windows:
    - {from: 2027-02-17, to: 2027-02-19, max: 6979.38}
festivals:
  - {name: f0, from: 2027-02-01, to: 2027-02-20, uplift: 2.793, cost_index: 1.901}
  - {name: f1, from: 2027-02-08, to: 2027-02-19, uplift: 2.796, cost_index: 1.803}
channels:
  - name: ch0
    response: {curve: logistic, beta: 149612, half_saturation: 12476}
    per_week: {max: 32126.02}
    min_active_per_week: 2379.16
    spend: {min: 19598.92, max: 29279.70}
`,
		witness: [][]float64{{875.71, 2421.85, 0, 454.17, 2030.91, 2537.82, 930.83, 0, 1536.59, 488.42, 2010.65, 783.57, 1228.01, 1691.89, 0, 1625.36, 2635.99, 2062.74, 1274.24, 651.24, 0}},
	},
}

func TestPatternsBeyondColumnGeneration(t *testing.T) {
	for _, tc := range patternCases {
		t.Run(tc.name, func(t *testing.T) {
			res := loadYAML(t, tc.y)
			doc := plan.Build(res, tc.witness, plan.ScenarioRef{}, plan.SolverInfo{}, 0)
			if v := plan.Check(res, doc, nil); len(v) > 0 {
				t.Fatalf("the witness breaks a limit: %+v", v)
			}
			_, tot := plan.Evaluate(res, tc.witness)
			witness := plan.ObjectiveValue(res, tot)
			r := solve(t, res, tc.y)
			doc = plan.Build(res, r.Spend, plan.ScenarioRef{}, plan.SolverInfo{}, 0)
			if v := plan.Check(res, doc, nil); len(v) > 0 {
				t.Errorf("the plan breaks a limit: %+v", v)
			}
			t.Logf("witness %.2f, optimiser %.2f (bound %.2f, gap %.2e, %s)", witness, r.Objective, r.Bound, r.Gap, r.Status)
			worse := witness - r.Objective
			if res.Objective == scenarios.MinimiseSpend {
				worse = -worse
			}
			if worse > 1e-6*math.Abs(witness) {
				t.Errorf("objective %.2f is worse than the witness's %.2f", r.Objective, witness)
			}
		})
	}
}
