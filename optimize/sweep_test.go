package optimize_test

import (
	"math"
	"slices"
	"testing"

	"github.com/peakplan/peakplan/optimize"
	"github.com/peakplan/peakplan/plan"
)

// monotoneTol: how far, relative, the optimal revenue may fall as the
// budget rises. Each point is optimal within the solver's gap, so two
// points can differ by about that much in the wrong direction.
const monotoneTol = 2 * optimize.DefaultGap

// sweepScenario: three concave channels, a cash-flow window, margin 0.3.
const sweepScenario = `
name: sweep
horizon: {start: 2027-01-01, end: 2027-12-31, granularity: month}
margin: 0.3
budget:
  total: 1200000
  windows:
    - {from: 2027-01-01, to: 2027-03-31, max: 100000}
festivals:
  - preset: "618"
  - preset: double11
channels:
  - name: search
    response: {curve: exponential, beta: 120000, half_saturation: 30000}
    per_week: {max: 40000}
  - name: feed
    response: {curve: logistic, beta: 160000, half_saturation: 25000}
    carryover: 0.3
  - name: kol
    response: {curve: exponential, beta: 60000, half_saturation: 15000}
    spend: {max: 300000}
`

// flightScenario has an S-curve and a minimum flight, so each point is a
// MIP; weekly over a quarter to stay fast.
const flightScenario = `
name: flights
horizon: {start: 2027-10-04, end: 2027-12-26, granularity: week}
margin: 0.4
budget: {total: 400000}
festivals:
  - preset: double11
channels:
  - name: search
    response: {curve: exponential, beta: 90000, half_saturation: 25000}
  - name: live
    response: {curve: hill, beta: 150000, half_saturation: 40000, shape: 2}
    min_active_per_week: 15000
`

func TestSweepFrontier(t *testing.T) {
	for _, y := range []string{sweepScenario, flightScenario} {
		res := loadYAML(t, y)
		t.Run(res.Name, func(t *testing.T) {
			budgets := append(optimize.SweepBudgets(res.BudgetTotal, 0.5, 2, 7), res.BudgetTotal)
			var calls []int
			points, _, err := optimize.Sweep(res, budgets, optimize.SweepOptions{
				Progress: func(done, total int) {
					if total != len(budgets) {
						t.Errorf("progress total %d, want %d", total, len(budgets))
					}
					calls = append(calls, done)
				},
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(points) != len(budgets) || len(calls) != len(budgets) || calls[len(calls)-1] != len(budgets) {
				t.Fatalf("%d points and progress %v for %d budgets", len(points), calls, len(budgets))
			}
			own := -1
			for i, p := range points {
				// A MIP may end "feasible": proven within its gap of a
				// bound that the convex relaxation gives, not optimal.
				if p.Status != optimize.StatusOptimal && p.Status != optimize.StatusFeasible {
					t.Errorf("budget %v: status %s", p.Budget, p.Status)
				}
				if p.Budget == res.BudgetTotal {
					own = i
				}
				if i == 0 {
					continue
				}
				q := points[i-1]
				if p.Budget < q.Budget {
					t.Errorf("points out of order: %v after %v", p.Budget, q.Budget)
				}
				// More budget never buys less revenue.
				if p.Revenue < q.Revenue*(1-monotoneTol) {
					t.Errorf("revenue falls from %v at %v to %v at %v", q.Revenue, q.Budget, p.Revenue, p.Budget)
				}
				if p.Profit == nil || !near(*p.Profit, res.Margin*p.Revenue-p.Revenue/p.ROAS, 1e-9) {
					t.Errorf("budget %v: profit %v", p.Budget, p.Profit)
				}
			}
			// The point at the scenario's own budget is optimize's answer.
			r, err := optimize.Solve(res, optimize.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if own < 0 || !near(points[own].Revenue, r.Objective, math.Max(2*optimize.DefaultGap, r.Gap)) {
				t.Errorf("sweep at the scenario's budget: %+v; optimize: %v (gap %v)", points[own], r.Objective, r.Gap)
			}
		})
	}
}

func TestSweepDeterministic(t *testing.T) {
	res := loadYAML(t, sweepScenario)
	budgets := []float64{1.5e6, 6e5, 9e5, 1.2e6}
	one, be1, err := optimize.Sweep(res, budgets, optimize.SweepOptions{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	many, be2, err := optimize.Sweep(res, budgets, optimize.SweepOptions{Workers: 4})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.IsSortedFunc(one, func(a, b plan.SweepPoint) int { return int(a.Budget - b.Budget) }) {
		t.Errorf("points not in budget order: %+v", one)
	}
	for i := range one {
		a, b := one[i], many[i]
		if a.Budget != b.Budget || !near(a.Revenue, b.Revenue, 1e-9) || !near(a.MarginalROAS, b.MarginalROAS, 1e-6) || a.Status != b.Status {
			t.Errorf("point %d: one worker %+v, four %+v", i, a, b)
		}
	}
	if (be1 == nil) != (be2 == nil) || (be1 != nil && !near(*be1, *be2, 1e-6)) {
		t.Errorf("break-even %v vs %v", be1, be2)
	}
	if budgets[0] != 1.5e6 {
		t.Errorf("Sweep reordered the caller's budgets: %v", budgets)
	}
}

func TestSweepBreakEvenIsProfitPeak(t *testing.T) {
	res := loadYAML(t, sweepScenario)
	budgets := optimize.SweepBudgets(res.BudgetTotal, 0.5, 2, 10)
	points, be, err := optimize.Sweep(res, budgets, optimize.SweepOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if be == nil {
		t.Fatal("no break-even budget; margin 0.3 crosses within 0.5x to 2x")
	}
	// Profit rises up to the break-even budget and falls after it, so the
	// most profitable point lies within one step of it.
	best := 0
	for i, p := range points {
		if *p.Profit > *points[best].Profit {
			best = i
		}
		f := res.Margin*p.MarginalROAS - 1
		if (p.Budget < *be && f < 0) || (p.Budget > *be && f > 0) {
			t.Errorf("budget %v: marginal profit %v on the wrong side of break-even %v", p.Budget, f, *be)
		}
	}
	step := budgets[1] - budgets[0]
	if math.Abs(points[best].Budget-*be) > step {
		t.Errorf("most profitable budget %v is more than a step from break-even %v", points[best].Budget, *be)
	}
}

func TestSweepInfeasibleAndInvalid(t *testing.T) {
	res := loadYAML(t, `
horizon: {start: 2027-01-01, end: 2027-06-30, granularity: month}
budget: {total: 500000}
channels:
  - name: a
    response: {curve: exponential, beta: 100000, half_saturation: 30000}
  - name: b
    response: {curve: exponential, beta: 100000, half_saturation: 30000}
    spend: {min: 200000}
`)
	points, be, err := optimize.Sweep(res, []float64{100000, 500000}, optimize.SweepOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if points[0].Status != optimize.StatusInfeasible || points[0].Revenue != 0 || points[1].Status != optimize.StatusOptimal {
		t.Errorf("points %+v", points)
	}
	if be != nil || points[1].Profit != nil {
		t.Errorf("no margin, yet break-even %v, profit %v", be, points[1].Profit)
	}
	for _, bad := range []float64{0, -1, math.NaN(), math.Inf(1)} {
		if _, _, err := optimize.Sweep(res, []float64{bad}, optimize.SweepOptions{}); err == nil {
			t.Errorf("budget %v accepted", bad)
		}
	}
}

// TestSweepSpendObjective: the frontier maximises revenue whatever the
// scenario's own objective, so a spend scenario sweeps too.
func TestSweepSpendObjective(t *testing.T) {
	res := loadYAML(t, `
objective: spend
target_revenue: 2000000
horizon: {start: 2027-01-01, end: 2027-12-31, granularity: month}
channels:
  - name: a
    response: {curve: exponential, beta: 100000, half_saturation: 30000}
`)
	points, _, err := optimize.Sweep(res, []float64{100000, 400000}, optimize.SweepOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range points {
		if p.Status != optimize.StatusOptimal || !near(p.Revenue/p.ROAS, p.Budget, 1e-6) {
			t.Errorf("point %+v does not spend its budget", p)
		}
	}
}

func TestBreakEven(t *testing.T) {
	pt := func(b, r, m float64) plan.SweepPoint {
		profit := 0.5*r - b
		return plan.SweepPoint{Budget: b, Revenue: r, MarginalROAS: m, Profit: &profit, Status: "optimal"}
	}
	// margin 0.5: marginal profit 0.5*m - 1 is 1, 0.5, -0.5: it crosses
	// halfway between 200 and 300.
	pts := []plan.SweepPoint{pt(100, 500, 4), pt(200, 800, 3), pt(300, 1000, 1)}
	if be := optimize.BreakEven(pts, 0.5); be == nil || *be != 250 {
		t.Errorf("break-even %v, want 250", be)
	}
	if be := optimize.BreakEven(pts, 0); be != nil {
		t.Errorf("no margin: %v", *be)
	}
	if be := optimize.BreakEven(pts[:2], 0.5); be != nil {
		t.Errorf("no crossing: %v", *be)
	}
	// An infeasible point is skipped.
	inf := plan.SweepPoint{Budget: 150, Status: optimize.StatusInfeasible}
	if be := optimize.BreakEven([]plan.SweepPoint{pts[0], inf, pts[1], pts[2]}, 0.5); be == nil || *be != 250 {
		t.Errorf("with an infeasible point: %v", be)
	}
	// S-curves: marginal ROAS falls, rises and falls again; the crossing
	// with the higher profit wins.
	s := []plan.SweepPoint{pt(100, 300, 3), pt(200, 500, 1), pt(300, 900, 4), pt(400, 1400, 1)}
	if be := optimize.BreakEven(s, 0.5); be == nil || !near(*be, 300+100*1/1.5, 1e-12) {
		t.Errorf("S-curve break-even %v, want %v", be, 300+100*1/1.5)
	}
	// A first peak, then profit rising again to the end of the range: the
	// break-even lies beyond it.
	s = []plan.SweepPoint{pt(100, 300, 3), pt(200, 500, 1), pt(300, 900, 4), pt(400, 1400, 3)}
	if be := optimize.BreakEven(s, 0.5); be != nil {
		t.Errorf("rising at the end of the range: break-even %v", *be)
	}
}

func TestSweepBudgets(t *testing.T) {
	got := optimize.SweepBudgets(1000, 0.5, 2, 4)
	if !slices.Equal(got, []float64{500, 1000, 1500, 2000}) {
		t.Errorf("SweepBudgets = %v", got)
	}
	if got := optimize.SweepBudgets(1000, 0.5, 2, 1); !slices.Equal(got, []float64{500}) {
		t.Errorf("one step: %v", got)
	}
}

// near reports whether a and b agree to a relative tolerance (absolute
// near 0).
func near(a, b, rel float64) bool {
	return math.Abs(a-b) <= rel*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}
