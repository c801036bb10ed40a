package optimize_test

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/peakplan/peakplan/optimize"
	"github.com/peakplan/peakplan/plan"
	"github.com/peakplan/peakplan/scenarios"
)

// marginalTol is how far the reported marginal ROAS may lie from the
// central difference of optima proven to marginalRefGap: the reference's
// own error is about 2 marginalRefGap R / (2 marginalRefStep B m), 3e-4
// on these scenarios.
const (
	marginalTol     = 5e-3
	marginalRefGap  = 1e-6
	marginalRefStep = 1e-2
)

// TestMarginalROASIsTheOptimumsSlope: marginal_roas is the revenue one
// more unit of budget adds at the optimum. It is compared with the
// central difference of the optimal revenue at budgets 1% above and
// below, each proven to 1e-6: on a daily year of five concave channels
// (the first-order path), with the revenue and the profit objective and
// with a budget window and a group, and on a weekly year (the cut model).
func TestMarginalROASIsTheOptimumsSlope(t *testing.T) {
	if testing.Short() {
		t.Skip("solves six scenarios to a gap of 1e-6")
	}
	// A window that caps Double 11 and a group's floor add prices of
	// their own, which the budget's must not absorb.
	const limits = "  windows:\n    - {from: 2027-11-01, to: 2027-11-15, max: 2500000}\n"
	const group = "groups:\n  - {name: search, channels: [ch00, ch01], min_share: 0.45}\n"
	cases := []struct {
		name, yaml, windows string
		budget              float64
	}{
		{"daily revenue", benchScenario(5, "2027-01-01", "2027-12-31", "day", 5, true, 3e7), "", 3e7},
		{"daily profit", "objective: profit\nmargin: 0.9\n" + benchScenario(6, "2027-01-01", "2027-12-31", "day", 5, true, 3e7), "", 3e7},
		{"daily profit, a window and a group", "objective: profit\nmargin: 0.8\n" + benchScenario(8, "2027-01-01", "2027-12-31", "day", 5, true, 3e7) + group, limits, 3e7},
		{"weekly revenue", benchScenario(7, "2027-01-01", "2027-12-31", "week", 6, true, 2e7), "", 2e7},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// solve returns the optimal plan's revenue and marginal ROAS.
			solve := func(budget, gap float64) (float64, float64) {
				t.Helper()
				y := strings.Replace(tc.yaml, budgetLine(tc.budget), fmt.Sprintf("budget:\n  total: %.0f\n%s", budget, tc.windows), 1)
				res, err := scenarios.Load(strings.NewReader(y), "marginal.yaml")
				if err != nil {
					t.Fatal(err)
				}
				r, err := optimize.Solve(res, optimize.Options{Gap: gap, TimeLimit: 2 * time.Minute})
				if err != nil {
					t.Fatal(err)
				}
				if r.Status != optimize.StatusOptimal {
					t.Fatalf("budget %v: %s, gap %.2g", budget, r.Status, r.Gap)
				}
				_, tot := plan.Evaluate(res, r.Spend)
				return tot.Revenue, r.MarginalROAS
			}
			_, got := solve(tc.budget, 0)
			delta := tc.budget * marginalRefStep
			up, _ := solve(tc.budget+delta, marginalRefGap)
			down, _ := solve(tc.budget-delta, marginalRefGap)
			want := (up - down) / (2 * delta)
			if math.Abs(got-want) > marginalTol*want {
				t.Errorf("marginal ROAS %.6g, the optimum's slope %.6g (%.2g off)", got, want, got/want-1)
			}
			t.Logf("marginal ROAS %.6g, slope %.6g", got, want)
		})
	}
}

// budgetLine is benchScenario's line of the total budget.
func budgetLine(b float64) string { return fmt.Sprintf("budget: {total: %.0f}\n", b) }
