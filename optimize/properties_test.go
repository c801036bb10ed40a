package optimize_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/peakplan/peakplan/optimize"
	"github.com/peakplan/peakplan/plan"
	"github.com/peakplan/peakplan/scenarios"
)

// Properties of the optimiser on seeded random scenarios that exercise every
// limit of model.md. Each scenario is built around a witness plan that meets
// all its limits, so it is feasible by construction and the witness's value
// is a lower bound (upper for spend) that the optimiser's Bound must respect.

// limitTol is how far, relative to the limit, a plan may overstep a limit.
const limitTol = 1e-6

// boundTol is how far (relative) a plan may pass the proven bound: the
// limits' feasibility tolerance.
const boundTol = 1e-7

// promisedGap is the relative gap the product promises (0.05%).
const promisedGap = 5e-4

type propChannel struct {
	name                   string
	response               string
	carry                  float64
	availFrom, availTo     int // day offsets from the horizon start; -1: always available
	perMin, perMax, minAct float64
	spMin, spMax           float64 // NaN when absent
	scale                  float64 // typical weekly spend
}

type propWindow struct {
	from, to int
	min, max float64 // NaN when absent
}

type propGroup struct {
	members  []int
	min, max float64 // NaN when absent
}

type propScenario struct {
	start      time.Time
	days       int
	gran       string
	festivals  string
	channels   []propChannel
	windows    []propWindow
	groups     []propGroup
	objective  string
	margin     float64 // NaN when absent
	target     float64 // NaN when absent
	minROAS    float64 // NaN when absent
	budget     float64 // NaN when absent
	witness    [][]float64
	witnessObj float64
}

func nan() float64 { return math.NaN() }

func (g *propScenario) day(off int) string { return ymd(g.start.AddDate(0, 0, off)) }

// yaml writes the scenario; with base set only the parts that the
// witness needs (horizon, multipliers, curves, availability).
func (g *propScenario) yaml(base bool, budgetFactor float64) string {
	var b strings.Builder
	fmt.Fprintf(&b, "horizon: {start: %s, end: %s, granularity: %s}\n", g.day(0), g.day(g.days-1), g.gran)
	if base {
		b.WriteString("budget: {total: 1e12}\n")
	} else {
		fmt.Fprintf(&b, "objective: %s\n", g.objective)
		if !math.IsNaN(g.margin) {
			fmt.Fprintf(&b, "margin: %.4f\n", g.margin)
		}
		if !math.IsNaN(g.target) {
			fmt.Fprintf(&b, "target_revenue: %.2f\n", g.target)
		}
		if !math.IsNaN(g.minROAS) {
			fmt.Fprintf(&b, "min_roas: %.4f\n", g.minROAS)
		}
		if !math.IsNaN(g.budget) || len(g.windows) > 0 {
			b.WriteString("budget:\n")
			if !math.IsNaN(g.budget) {
				fmt.Fprintf(&b, "  total: %.2f\n", g.budget*budgetFactor)
			}
			if len(g.windows) > 0 {
				b.WriteString("  windows:\n")
				for _, w := range g.windows {
					fmt.Fprintf(&b, "    - {from: %s, to: %s", g.day(w.from), g.day(w.to))
					if !math.IsNaN(w.min) {
						fmt.Fprintf(&b, ", min: %.2f", w.min)
					}
					if !math.IsNaN(w.max) {
						fmt.Fprintf(&b, ", max: %.2f", w.max)
					}
					b.WriteString("}\n")
				}
			}
		}
	}
	b.WriteString(g.festivals)
	b.WriteString("channels:\n")
	for _, c := range g.channels {
		fmt.Fprintf(&b, "  - name: %s\n    response: %s\n", c.name, c.response)
		if c.carry > 0 {
			fmt.Fprintf(&b, "    carryover: %.3f\n", c.carry)
		}
		if c.availFrom >= 0 {
			fmt.Fprintf(&b, "    available: [{from: %s, to: %s}]\n", g.day(c.availFrom), g.day(c.availTo))
		}
		switch {
		case base && strings.Contains(c.response, "linear"):
			b.WriteString("    per_week: {max: 1e9}\n")
		case base:
		case c.perMin > 0 && c.perMax > 0:
			fmt.Fprintf(&b, "    per_week: {min: %.2f, max: %.2f}\n", c.perMin, c.perMax)
		case c.perMin > 0:
			fmt.Fprintf(&b, "    per_week: {min: %.2f}\n", c.perMin)
		case c.perMax > 0:
			fmt.Fprintf(&b, "    per_week: {max: %.2f}\n", c.perMax)
		}
		if base {
			continue
		}
		if c.minAct > 0 {
			fmt.Fprintf(&b, "    min_active_per_week: %.2f\n", c.minAct)
		}
		switch {
		case !math.IsNaN(c.spMin) && !math.IsNaN(c.spMax):
			fmt.Fprintf(&b, "    spend: {min: %.2f, max: %.2f}\n", c.spMin, c.spMax)
		case !math.IsNaN(c.spMin):
			fmt.Fprintf(&b, "    spend: {min: %.2f}\n", c.spMin)
		case !math.IsNaN(c.spMax):
			fmt.Fprintf(&b, "    spend: {max: %.2f}\n", c.spMax)
		}
	}
	if !base && len(g.groups) > 0 {
		b.WriteString("groups:\n")
		for i, gr := range g.groups {
			names := make([]string, len(gr.members))
			for j, m := range gr.members {
				names[j] = g.channels[m].name
			}
			fmt.Fprintf(&b, "  - name: g%d\n    channels: [%s]\n", i, strings.Join(names, ", "))
			if !math.IsNaN(gr.min) {
				fmt.Fprintf(&b, "    min_share: %.4f\n", gr.min)
			}
			if !math.IsNaN(gr.max) {
				fmt.Fprintf(&b, "    max_share: %.4f\n", gr.max)
			}
		}
	}
	return b.String()
}

// overlap counts the days of [a0, a1] inside [b0, b1].
func overlap(a0, a1, b0, b1 int) int { return max(0, min(a1, b1)-max(a0, b0)+1) }

// availDays computes n_{c,t} from the generator's own windows.
func (g *propScenario) availDays(res *scenarios.Resolved, c, t int) int {
	p := res.Periods[t]
	s, e := res.Start.DaysUntil(p.Start), res.Start.DaysUntil(p.End)
	ch := g.channels[c]
	if ch.availFrom < 0 {
		return e - s + 1
	}
	return overlap(s, e, ch.availFrom, ch.availTo)
}

func (g *propScenario) windowShare(res *scenarios.Resolved, w propWindow, t int) float64 {
	p := res.Periods[t]
	s, e := res.Start.DaysUntil(p.Start), res.Start.DaysUntil(p.End)
	return float64(overlap(s, e, w.from, w.to)) / float64(p.Days)
}

// round2 keeps the values the YAML writes with two decimals.
func round2(v float64) float64 { return math.Round(v*100) / 100 }

// genProps draws a scenario and its witness plan.
func genProps(t *testing.T, seed uint64) *propScenario {
	r := rand.New(rand.NewPCG(seed, 7))
	g := &propScenario{margin: nan(), target: nan(), minROAS: nan(), budget: nan()}
	switch k := r.IntN(5); {
	case k < 3:
		g.gran, g.start, g.days = "week", day0.AddDate(0, 0, r.IntN(7)), 7*(5+r.IntN(6))-r.IntN(7)
	case k == 3:
		g.gran, g.start, g.days = "day", day0.AddDate(0, 0, r.IntN(30)), 10+r.IntN(15)
	default:
		g.gran, g.start, g.days = "month", day0.AddDate(0, 0, r.IntN(28)), 80+r.IntN(60)
	}
	nC := 2 + r.IntN(3)
	names := make([]string, nC)
	for c := range nC {
		names[c] = fmt.Sprintf("ch%d", c)
		ch := propChannel{name: names[c], availFrom: -1, spMin: nan(), spMax: nan()}
		beta, h := math.Round(between(r, 2e4, 2e5)), math.Round(between(r, 5e3, 3e4))
		ch.scale = h
		switch r.IntN(5) {
		case 0:
			ch.response = fmt.Sprintf("{curve: hill, beta: %.0f, half_saturation: %.0f, shape: %.3f}", beta, h, between(r, 0.6, 1))
		case 1:
			ch.response = fmt.Sprintf("{curve: hill, beta: %.0f, half_saturation: %.0f, shape: %.3f}", beta, h, between(r, 1.5, 3))
		case 2:
			ch.response = fmt.Sprintf("{curve: exponential, beta: %.0f, half_saturation: %.0f}", beta, h)
		case 3:
			ch.response = fmt.Sprintf("{curve: logistic, beta: %.0f, half_saturation: %.0f}", beta, h)
		default:
			ch.response = fmt.Sprintf("{curve: linear, roas: %.3f}", between(r, 1.2, 4))
			ch.scale = 1e4
		}
		if r.IntN(2) == 0 {
			ch.carry = between(r, 0.1, 0.7)
		}
		if r.IntN(10) < 3 {
			ch.availFrom = r.IntN(g.days / 2)
			ch.availTo = ch.availFrom + g.days/3 + r.IntN(g.days-ch.availFrom-g.days/3)
		}
		g.channels = append(g.channels, ch)
	}
	g.festivals = randomFestivals(r, g.start, g.days, r.IntN(3), names)
	res := loadYAML(t, g.yaml(true, 1))
	nT := len(res.Periods)

	// The witness: a rate per cell, 0 or a random share of the channel's scale.
	g.witness = make([][]float64, nC)
	chTot := make([]float64, nC)
	for c := range nC {
		ch := &g.channels[c]
		g.witness[c] = make([]float64, nT)
		rates := make([]float64, nT)
		minRate, maxRate, allActive := math.Inf(1), 0.0, true
		for tt := range nT {
			n := g.availDays(res, c, tt)
			if n != res.Channels[c].AvailableDays[tt] {
				t.Fatalf("channel %d period %d: %d available days, the resolver says %d", c, tt, n, res.Channels[c].AvailableDays[tt])
			}
			if n == 0 {
				continue
			}
			if r.IntN(4) == 0 {
				allActive = false
				continue
			}
			rates[tt] = round2(ch.scale * between(r, 0.2, 1.5))
			minRate, maxRate = math.Min(minRate, rates[tt]), math.Max(maxRate, rates[tt])
			g.witness[c][tt] = rates[tt] * float64(n) / 7
			chTot[c] += g.witness[c][tt]
		}
		if maxRate > 0 && allActive && r.IntN(10) < 3 {
			ch.perMin = round2(minRate * between(r, 0.3, 0.95))
		}
		if strings.Contains(ch.response, "linear") || r.IntN(2) == 0 {
			ch.perMax = round2(math.Max(maxRate, ch.scale) * between(r, 1.01, 1.5))
		}
		if maxRate > 0 && r.IntN(4) == 0 {
			ch.minAct = round2(minRate * between(r, 0.5, 0.95))
		}
		if r.IntN(4) == 0 {
			ch.spMin = round2(chTot[c] * between(r, 0.3, 0.95))
		}
		if r.IntN(4) == 0 {
			ch.spMax = round2(chTot[c]*between(r, 1.01, 1.5) + 1)
		}
	}
	_, tot0 := plan.Evaluate(res, g.witness)
	X0, R0 := tot0.Spend, tot0.Revenue
	if X0 == 0 {
		t.Skip("empty witness")
	}
	for k := r.IntN(3); k > 0; k-- {
		w := propWindow{min: nan(), max: nan()}
		w.from = r.IntN(g.days - 3)
		w.to = w.from + 2 + r.IntN(g.days-w.from-2)
		s0 := 0.0
		for c := range nC {
			for tt := range nT {
				s0 += g.witness[c][tt] * g.windowShare(res, w, tt)
			}
		}
		if r.IntN(10) < 6 {
			w.max = round2(s0*between(r, 1.01, 1.3) + 1)
		}
		if r.IntN(10) < 4 || math.IsNaN(w.max) {
			w.min = round2(s0 * between(r, 0.5, 0.97))
		}
		g.windows = append(g.windows, w)
	}
	if r.IntN(10) < 4 {
		gr := propGroup{min: nan(), max: nan()}
		share := 0.0
		for c := range nC {
			if r.IntN(2) == 0 || (c == nC-1 && len(gr.members) == 0) {
				gr.members = append(gr.members, c)
				share += chTot[c] / X0
			}
		}
		if r.IntN(2) == 0 {
			gr.min = math.Floor(share*between(r, 0.5, 0.97)*1e4) / 1e4
		}
		if r.IntN(2) == 0 || math.IsNaN(gr.min) {
			gr.max = math.Min(1, math.Ceil(share*between(r, 1.03, 1.3)*1e4)/1e4)
		}
		g.groups = append(g.groups, gr)
	}
	switch r.IntN(3) {
	case 0:
		g.objective = "revenue"
		g.budget = round2(X0 * between(r, 1.01, 1.4))
	case 1:
		g.objective = "profit"
		g.margin = math.Round(between(r, 0.3, 0.9)*1e4) / 1e4
		g.budget = round2(X0 * between(r, 1.01, 1.4))
	default:
		g.objective = "spend"
		g.target = round2(R0 * between(r, 0.5, 0.95))
		if r.IntN(2) == 0 {
			g.budget = round2(X0 * between(r, 1.01, 1.4))
		}
	}
	if r.IntN(10) < 3 {
		g.minROAS = math.Floor(R0/X0*between(r, 0.3, 0.9)*1e4) / 1e4
	}
	switch g.objective {
	case "revenue":
		g.witnessObj = R0
	case "profit":
		g.witnessObj = g.margin*R0 - X0
	default:
		g.witnessObj = X0
	}
	return g
}

// checkLimits reports every limit of model.md that spend oversteps.
func (g *propScenario) checkLimits(res *scenarios.Resolved, spend [][]float64, budgetFactor float64) []string {
	var bad []string
	over := func(v, limit float64) bool { return v > limit+limitTol*math.Max(1, math.Abs(limit)) }
	_, tot := plan.Evaluate(res, spend)
	X := tot.Spend
	for c, ch := range g.channels {
		sum := 0.0
		for tt, p := range res.Periods {
			x := spend[c][tt]
			n := float64(g.availDays(res, c, tt))
			sum += x
			switch {
			case math.IsNaN(x) || x < -limitTol:
				bad = append(bad, fmt.Sprintf("%s period %d: spend %g", ch.name, tt, x))
			case n == 0 && x != 0:
				bad = append(bad, fmt.Sprintf("%s period %d (%s): spend %g on a period without available days", ch.name, tt, p.Start, x))
			case ch.perMin > 0 && over(ch.perMin*n/7, x):
				bad = append(bad, fmt.Sprintf("%s period %d: spend %g below per_week.min*n/7 = %g", ch.name, tt, x, ch.perMin*n/7))
			case ch.perMax > 0 && over(x, ch.perMax*n/7):
				bad = append(bad, fmt.Sprintf("%s period %d: spend %g above per_week.max*n/7 = %g", ch.name, tt, x, ch.perMax*n/7))
			case ch.minAct > 0 && x > limitTol && over(ch.minAct*n/7, x):
				bad = append(bad, fmt.Sprintf("%s period %d: flight %g below min_active_per_week*n/7 = %g", ch.name, tt, x, ch.minAct*n/7))
			}
		}
		if !math.IsNaN(ch.spMin) && over(ch.spMin, sum) {
			bad = append(bad, fmt.Sprintf("%s: total %g below spend.min %g", ch.name, sum, ch.spMin))
		}
		if !math.IsNaN(ch.spMax) && over(sum, ch.spMax) {
			bad = append(bad, fmt.Sprintf("%s: total %g above spend.max %g", ch.name, sum, ch.spMax))
		}
	}
	if !math.IsNaN(g.budget) && over(X, round2(g.budget*budgetFactor)) {
		bad = append(bad, fmt.Sprintf("total spend %g above budget.total %g", X, g.budget*budgetFactor))
	}
	for i, w := range g.windows {
		s := 0.0
		for c := range g.channels {
			for tt := range res.Periods {
				s += spend[c][tt] * g.windowShare(res, w, tt)
			}
		}
		if !math.IsNaN(w.max) && over(s, w.max) {
			bad = append(bad, fmt.Sprintf("budget.windows[%d]: spend inside %g above max %g", i, s, w.max))
		}
		if !math.IsNaN(w.min) && over(w.min, s) {
			bad = append(bad, fmt.Sprintf("budget.windows[%d]: spend inside %g below min %g", i, s, w.min))
		}
	}
	for i, gr := range g.groups {
		s := 0.0
		for _, c := range gr.members {
			for _, x := range spend[c] {
				s += x
			}
		}
		if !math.IsNaN(gr.min) && s < gr.min*X-limitTol*math.Max(1, X) {
			bad = append(bad, fmt.Sprintf("group g%d: share %g below min_share %g", i, s/X, gr.min))
		}
		if !math.IsNaN(gr.max) && s > gr.max*X+limitTol*math.Max(1, X) {
			bad = append(bad, fmt.Sprintf("group g%d: share %g above max_share %g", i, s/X, gr.max))
		}
	}
	if !math.IsNaN(g.minROAS) && over(g.minROAS*X, tot.Revenue) {
		bad = append(bad, fmt.Sprintf("revenue %g below min_roas*spend = %g", tot.Revenue, g.minROAS*X))
	}
	if !math.IsNaN(g.target) && over(g.target, tot.Revenue) {
		bad = append(bad, fmt.Sprintf("revenue %g below target_revenue %g", tot.Revenue, g.target))
	}
	return bad
}

func TestPropertiesRandomScenarios(t *testing.T) {
	for seed := uint64(1); seed <= 14; seed++ {
		t.Run(fmt.Sprintf("seed%d", seed), func(t *testing.T) {
			g := genProps(t, seed)
			y := g.yaml(false, 1)
			res := loadYAML(t, y)
			maximise := g.objective != "spend"
			defer func() {
				if t.Failed() {
					t.Logf("scenario:\n%s", y)
				}
			}()
			// The generator's own promise: the witness meets every limit.
			if bad := g.checkLimits(res, g.witness, 1); len(bad) > 0 {
				t.Fatalf("test generator: the witness violates %v\n%s", bad, y)
			}
			r := solve(t, res, y)
			if limit := testTimeLimit + 2*time.Second; time.Duration(r.Seconds*float64(time.Second)) > limit {
				t.Errorf("the solve took %.1fs with a time limit of %v", r.Seconds, testTimeLimit)
			}
			t.Logf("%s, %d channels x %d periods: objective %.4f (witness %.4f), bound %.4f, gap %.2e, %s, %.2fs",
				g.objective, len(res.Channels), len(res.Periods), r.Objective, g.witnessObj, r.Bound, r.Gap, r.Status, r.Seconds)

			// (a) every limit holds.
			for _, v := range g.checkLimits(res, r.Spend, 1) {
				t.Errorf("limit violated: %s", v)
			}
			// (b) the objective is the exact forward evaluation of the plan.
			_, tot := plan.Evaluate(res, r.Spend)
			exact := plan.ObjectiveValue(res, tot)
			if math.Abs(exact-r.Objective) > 1e-9*math.Max(1, math.Abs(exact)) {
				t.Errorf("reported objective %.10g, forward model of the plan %.10g", r.Objective, exact)
			}
			// (d) the bound is on the right side of the objective and of
			// the witness (a feasible plan); the gap is their distance.
			// Limits hold to the solver's feasibility tolerance (1e-7
			// relative, as GLPK's; check allows 1e-6), so a plan may pass
			// a bound by that much.
			tol := boundTol * math.Max(1, math.Max(math.Abs(r.Bound), math.Abs(g.witnessObj)))
			if maximise {
				if r.Bound < r.Objective-tol || r.Bound < g.witnessObj-tol {
					t.Errorf("bound %.6f below the objective %.6f or the witness %.6f", r.Bound, r.Objective, g.witnessObj)
				}
			} else if r.Bound > r.Objective+tol || r.Bound > g.witnessObj+tol {
				t.Errorf("bound %.6f above the objective %.6f or the witness %.6f", r.Bound, r.Objective, g.witnessObj)
			}
			if want := math.Abs(r.Bound-r.Objective) / math.Max(math.Abs(r.Bound), math.Abs(r.Objective)); math.Abs(r.Gap-want) > boundTol {
				t.Errorf("reported gap %.3e, |bound-objective|/max = %.3e", r.Gap, want)
			}
			// The plan is never worse than the witness the scenario was built
			// around.
			if (maximise && r.Objective < g.witnessObj-tol) || (!maximise && r.Objective > g.witnessObj+tol) {
				t.Errorf("objective %.6f worse than the witness %.6f", r.Objective, g.witnessObj)
			}
			// With concave curves and no flights the relaxation is exact, and
			// the product promises 0.05%. With S-curves or flights the proven
			// bound is the concave envelope's, which stays above the optimum
			// (docs/model.md); quality there is checked against independent
			// optima in knownanswer_test.go.
			if r.Gap > promisedGap && concaveWithoutFlights(res) {
				t.Errorf("gap %.3e above the promised %.g after %.2fs (status %s)", r.Gap, promisedGap, r.Seconds, r.Status)
			}
			if r.Status == optimize.StatusOptimal && r.Gap > optimize.DefaultGap*(1+1e-9) {
				t.Errorf("status optimal with gap %.3e above the target %.3e", r.Gap, optimize.DefaultGap)
			}
			// (c) more budget never makes the optimum worse.
			if math.IsNaN(g.budget) {
				return
			}
			y2 := g.yaml(false, 1.2)
			res2 := loadYAML(t, y2)
			r2 := solve(t, res2, y2)
			for _, v := range g.checkLimits(res2, r2.Spend, 1.2) {
				t.Errorf("budget x1.2: limit violated: %s", v)
			}
			slack := r2.Gap*math.Max(math.Abs(r2.Bound), math.Abs(r2.Objective)) + 1e-9*math.Max(1, math.Abs(r.Objective))
			t.Logf("budget x1.2: objective %.4f, bound %.4f, gap %.2e", r2.Objective, r2.Bound, r2.Gap)
			if maximise {
				if r2.Objective < r.Objective-slack {
					t.Errorf("budget x1.2 lowers the objective: %.6f -> %.6f (allowed gap %.3g)", r.Objective, r2.Objective, slack)
				}
				if r2.Bound < r.Objective-tol {
					t.Errorf("budget x1.2: bound %.6f below the plan found with less budget %.6f", r2.Bound, r.Objective)
				}
			} else {
				if r2.Objective > r.Objective+slack {
					t.Errorf("budget x1.2 raises the spend: %.6f -> %.6f", r.Objective, r2.Objective)
				}
				if r2.Bound > r.Objective+tol {
					t.Errorf("budget x1.2: bound %.6f above the plan found with less budget %.6f", r2.Bound, r.Objective)
				}
			}
		})
	}
}

func TestInfeasibleScenarios(t *testing.T) {
	for _, tc := range []struct {
		name string
		yaml string
		want []string // substrings of the error message
		not  []string // substrings it must not have
	}{
		{
			name: "per-week floor above a window's max",
			yaml: `
horizon: {start: 2027-01-04, end: 2027-03-28, granularity: week}
budget:
  total: 100000
  windows:
    - {from: 2027-01-04, to: 2027-01-31, max: 3000}
channels:
  - name: search
    response: {curve: exponential, beta: 50000, half_saturation: 5000}
    per_week: {min: 1000}
  - name: feeds
    response: {curve: logistic, beta: 50000, half_saturation: 5000}
`,
			want: []string{"budget.windows[0]", "per-week"},
		},
		{
			name: "target above saturation",
			yaml: `
horizon: {start: 2027-01-04, end: 2027-01-31, granularity: week}
objective: spend
target_revenue: 250000
channels:
  - name: search
    response: {curve: exponential, beta: 30000, half_saturation: 5000}
  - name: feeds
    response: {curve: hill, beta: 30000, half_saturation: 5000, shape: 1}
`, // at most 4 weeks * 60000 = 240000
			want: []string{"target_revenue"},
		},
		{
			// The relaxation leaves the flight out and meets every limit;
			// the ROAS floor is not what stands in the way.
			name: "a window's floor that only a flight beyond the budget could fill",
			yaml: `
horizon: {start: 2027-01-04, end: 2027-03-28, granularity: week}
min_roas: 0.5
budget:
  total: 3000
  windows:
    - {from: 2027-02-01, to: 2027-02-28, min: 100}
channels:
  - name: live
    response: {curve: hill, beta: 50000, half_saturation: 5000, shape: 2}
    per_week: {max: 8000}
    min_active_per_week: 5000
`,
			want: []string{"budget.windows[0]", "min_active_per_week"},
		},
		{
			name: "window minimum above the channels' caps inside it",
			yaml: `
horizon: {start: 2027-01-04, end: 2027-03-28, granularity: week}
budget:
  total: 100000
  windows:
    - {from: 2027-02-01, to: 2027-02-28, min: 20000}
channels:
  - name: search
    response: {curve: exponential, beta: 50000, half_saturation: 5000}
    per_week: {max: 2000}
  - name: feeds
    response: {curve: logistic, beta: 50000, half_saturation: 5000}
    per_week: {max: 2000}
`, // at most 4 weeks * 4000 = 16000 inside February
			want: []string{"budget.windows[0]"},
		},
		{
			name: "min_roas above every channel's return, with a target",
			yaml: `
horizon: {start: 2027-01-04, end: 2027-01-31, granularity: week}
objective: spend
target_revenue: 50000
min_roas: 3
channels:
  - name: search
    response: {curve: linear, roas: 2}
    per_week: {max: 100000}
  - name: feeds
    response: {curve: linear, roas: 2.5}
    per_week: {max: 100000}
`, // any revenue costs at least 1/2.5 of it, so R >= 3X only at X = 0
			want: []string{"min_roas"},
		},
		{
			name: "target beyond what the S-curve and its flights reach",
			yaml: flightSpendScenario(1277553), // 1% above what its budget buys
			want: []string{"target_revenue: out of reach of the exact curves"},
			// the flights fit the spend limits; only the curves miss
			not: []string{"min_active_per_week"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := loadYAML(t, tc.yaml)
			r, err := optimize.Solve(res, optimize.Options{TimeLimit: testTimeLimit})
			var ie *optimize.InfeasibleError
			if !errors.As(err, &ie) {
				if err == nil {
					_, tot := plan.Evaluate(res, r.Spend)
					t.Fatalf("want an InfeasibleError, got a plan: objective %g, spend %g, revenue %g", r.Objective, tot.Spend, tot.Revenue)
				}
				t.Fatalf("want an InfeasibleError, got %T: %v", err, err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("the message does not name %q:\n%v", w, err)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(err.Error(), w) {
					t.Errorf("the message names %q:\n%v", w, err)
				}
			}
			t.Logf("%v", err)
		})
	}
}

// concaveWithoutFlights reports whether every curve is concave and no channel
// has a minimum flight.
func concaveWithoutFlights(res *scenarios.Resolved) bool {
	for _, ch := range res.Channels {
		if ch.Curve.IsSCurve() {
			return false
		}
		for _, m := range ch.MinActive {
			if m > 0 {
				return false
			}
		}
	}
	return true
}

// TestBoundOnSteepCurves: a hill curve with shape below 1 has an infinite
// slope at 0. Its tangent cuts once touched it at 1e-9 of the half
// saturation, and the simplex, facing a slope of 1.7e7 next to 1, stopped
// at a basis it called optimal 9e-5 below the plan it then found. Every
// proven bound must stay on the right side of the plan.
func TestBoundOnSteepCurves(t *testing.T) {
	for _, y := range []string{
		`horizon: {start: 2027-01-08, end: 2027-11-09, granularity: month}
objective: revenue
budget:
  total: 2064703.54
  windows:
    - {from: 2027-08-16, to: 2027-10-01, max: 188607.83}
    - {from: 2027-10-02, to: 2027-10-04, min: 23342.55}
channels:
  - name: ch0
    response: {curve: exponential, beta: 143155, half_saturation: 14865}
  - name: ch1
    response: {curve: hill, beta: 65249, half_saturation: 10205, shape: 1.850}
    spend: {min: 209058.26}
  - name: ch2
    response: {curve: hill, beta: 116681, half_saturation: 28571, shape: 0.557}
    per_week: {max: 61362.69}
    min_active_per_week: 3481.97
`,
		`horizon: {start: 2027-01-29, end: 2027-09-19, granularity: month}
objective: spend
target_revenue: 1681476.93
min_roas: 5.0769
budget:
  windows:
    - {from: 2027-05-14, to: 2027-08-31, min: 107299.25}
festivals:
  - {name: f0, from: 2027-06-25, to: 2027-07-09, uplift: 2.036, cost_index: 1.122, channels: {ch1: {uplift: 1.859, cost_index: 1.195}}}
channels:
  - name: ch0
    response: {curve: hill, beta: 108262, half_saturation: 13836, shape: 1.841}
    per_week: {max: 21943.26}
    min_active_per_week: 3530.34
    spend: {min: 152432.12, max: 297603.06}
  - name: ch1
    response: {curve: hill, beta: 123847, half_saturation: 8443, shape: 0.611}
    spend: {max: 170621.03}
`,
	} {
		res := loadYAML(t, y)
		r := solve(t, res, y)
		doc := plan.Build(res, r.Spend, plan.ScenarioRef{}, plan.SolverInfo{}, 0)
		if v := plan.Check(res, doc, nil); len(v) > 0 {
			t.Errorf("the plan breaks a limit: %+v", v)
		}
		tol := boundTol * math.Max(1, math.Abs(r.Objective))
		past := r.Objective - r.Bound // how far the plan passes the bound
		if res.Objective == scenarios.MinimiseSpend {
			past = -past
		}
		if past > tol || r.Bound == 0 {
			t.Errorf("objective %.6f passes the proven bound %.6f (%s)\n%s", r.Objective, r.Bound, r.Status, y)
		}
	}
}

// TestPlansKeepLimitsExactly: plans from simplex vertices once spent a few
// cents past a budget or short of a window's floor, inside the simplex's
// tolerance but not inside the limit. The plan must keep every total limit
// to rounding.
func TestPlansKeepLimitsExactly(t *testing.T) {
	const exact = 1e-12
	for _, y := range []string{
		`horizon: {start: 2027-01-26, end: 2027-01-31, granularity: day}
objective: revenue
min_roas: 0.1771
budget:
  total: 17486.06
  windows:
    - {from: 2027-01-26, to: 2027-01-29, max: 11302.90}
    - {from: 2027-01-28, to: 2027-01-30, max: 6799.73}
channels:
  - name: ch0
    response: {curve: logistic, beta: 85725, half_saturation: 23768}
    carryover: 0.761
    per_week: {max: 44486.63}
  - name: ch1
    response: {curve: logistic, beta: 43518, half_saturation: 6465}
    spend: {min: 692.61}
groups:
  - name: g0
    channels: [ch1]
    min_share: 0.0705
`,
		`horizon: {start: 2027-01-06, end: 2027-03-02, granularity: week}
objective: spend
target_revenue: 548327.74
budget:
  total: 245019.94
  windows:
    - {from: 2027-02-07, to: 2027-02-11, min: 22392.61}
    - {from: 2027-02-15, to: 2027-02-23, max: 64565.97}
festivals:
  - {name: f0, from: 2027-01-26, to: 2027-02-06, uplift: 2.560, cost_index: 1.207}
  - {name: f1, from: 2027-02-15, to: 2027-02-20, uplift: 3.025, cost_index: 1.380}
channels:
  - name: ch0
    response: {curve: hill, beta: 34346, half_saturation: 13338, shape: 3.429}
    min_active_per_week: 1700.49
  - name: ch1
    response: {curve: hill, beta: 116755, half_saturation: 25297, shape: 2.188}
    per_week: {max: 44332.37}
    min_active_per_week: 12168.77
groups:
  - name: g0
    channels: [ch0]
    min_share: 0.1274
`,
	} {
		res := loadYAML(t, y)
		r := solve(t, res, y)
		total := 0.0
		for c := range r.Spend {
			for _, x := range r.Spend[c] {
				total += x
			}
		}
		if total > res.BudgetTotal*(1+exact) {
			t.Errorf("spend %.10f passes the budget %.2f", total, res.BudgetTotal)
		}
		for i, w := range res.Windows {
			in := 0.0
			for c := range r.Spend {
				for k, x := range r.Spend[c] {
					in += w.Share[k] * x
				}
			}
			if in > w.Max*(1+exact) || in < w.Min*(1-exact) {
				t.Errorf("window %d: %.10f outside [%.2f, %.2f]", i, in, w.Min, w.Max)
			}
		}
		if _, tot := plan.Evaluate(res, r.Spend); res.Objective == scenarios.MinimiseSpend && tot.Revenue < res.TargetRevenue {
			t.Errorf("revenue %.6f short of the target %.2f", tot.Revenue, res.TargetRevenue)
		}
	}
}

// TestSolverFailureKeepsAPlan: curves that saturate within a millionth of
// a unit of money leave the bound model's basis singular, and the simplex
// fails on it. A local search must still give the plan, which here is
// known: every week buys both channels' whole beta for almost nothing.
func TestSolverFailureKeepsAPlan(t *testing.T) {
	y := `name: steep
horizon: {start: 2027-01-01, end: 2027-12-31, granularity: week}
budget: {total: 1000000}
channels:
  - name: a
    response: {curve: hill, beta: 300000, half_saturation: 1e-6, shape: 1.5}
    carryover: 0.2
  - name: b
    response: {curve: exponential, beta: 100000, half_saturation: 0.001}
    carryover: 0.2
`
	res := loadYAML(t, y)
	r := solve(t, res, y)
	saturated := (300000.0 + 100000.0) * 365 / 7
	if r.Objective < saturated*(1-1e-6) {
		t.Errorf("objective %.2f, want the saturated %.2f", r.Objective, saturated)
	}
	keepsLimits(t, res, r.Spend)
}

// TestFloorsThatSpendTheBudget: per-week floors whose sum is the budget,
// to the last bit, leave exactly one plan. The dual simplex once called
// that infeasible by 2e-16.
func TestFloorsThatSpendTheBudget(t *testing.T) {
	y := `name: floors
horizon: {start: 2027-01-01, end: 2027-12-31, granularity: week}
budget: {total: 521428.5714285715}
channels:
  - name: a
    response: {curve: exponential, beta: 200000, half_saturation: 40000}
    carryover: 0.2
    per_week: {min: 10000}
  - name: b
    response: {curve: hill, beta: 300000, half_saturation: 60000, shape: 2.0}
    carryover: 0.2
`
	res := loadYAML(t, y)
	r := solve(t, res, y)
	for t2, x := range r.Spend[1] {
		if x > 1e-6 {
			t.Errorf("channel b spends %g in period %d; the floors of a take the whole budget", x, t2)
		}
	}
	for t2, x := range r.Spend[0] {
		if floor := res.Channels[0].Lower[t2]; math.Abs(x-floor) > 1e-6*floor {
			t.Errorf("channel a spends %g in period %d, want its floor %g", x, t2, floor)
		}
	}
	keepsLimits(t, res, r.Spend)
}

// TestRelaxationSurvivesAFailingSimplex: on this daily scenario GLPK's
// dual simplex fails in the third round of the cut model from its warm
// basis ("tcol[p] = 0.0") and the primal simplex stops just short of
// feasibility, which once made the scenario "infeasible". Cuts cannot make
// a feasible model infeasible, so the round is solved afresh: the plan must
// come back, keep every limit and be proven.
func TestRelaxationSurvivesAFailingSimplex(t *testing.T) {
	y := `horizon: {start: 2027-01-01, end: 2027-11-10, granularity: day}
objective: profit
margin: 0.781
budget:
  total: 7881163
  windows:
    - {from: 2027-09-28, to: 2027-10-15, min: 166527}
    - {from: 2027-08-08, to: 2027-08-20, max: 1282250}
    - {from: 2027-04-30, to: 2027-06-01, max: 1573350}
festivals:
  - preset: double11
    uplift: 3
    cost_index: 1.5
  - preset: "618"
  - preset: spring-festival
channels:
  - name: ch0
    response: {curve: linear, roas: 1.85}
    carryover: 0.35
    per_week: {max: 106238}
  - name: ch1
    response: {curve: logistic, beta: 241803, half_saturation: 58883}
    carryover: 0.17
    spend: {min: 259195}
  - name: ch2
    response: {curve: linear, roas: 1.62}
    carryover: 0.13
    per_week: {max: 162674}
  - name: ch3
    response: {curve: exponential, beta: 1412830, half_saturation: 165414}
`
	res := loadYAML(t, y)
	r := solve(t, res, y)
	if r.Status != optimize.StatusOptimal {
		t.Errorf("status %s, gap %.3g", r.Status, r.Gap)
	}
	keepsLimits(t, res, r.Spend)
}

// TestRaisedTargetIsNotInfeasibility: the relaxation raises the revenue
// target by what its plan fell short of on the exact curves; an S-curve
// with a minimum flight falls far short (its chord overstates small
// flights), and the raised target then exceeds the budget. That is no
// verdict on the scenario: an independent MILP solver found a plan
// spending 583,030 that keeps every limit.
func TestRaisedTargetIsNotInfeasibility(t *testing.T) {
	y := flightSpendScenario(1212637)
	res := loadYAML(t, y)
	r := solve(t, res, y)
	keepsLimits(t, res, r.Spend)
	if r.Status != optimize.StatusOptimal {
		t.Errorf("status %s, gap %.3g", r.Status, r.Gap)
	}
}

// flightSpendScenario is a daily spend scenario with an S-curve channel with
// minimum flights between two concave ones, under a budget window: at its
// budget it can earn at most 1.2649e6 (proven to 4e-9 with the revenue
// objective), less than the relaxation promises.
func flightSpendScenario(target float64) string {
	return fmt.Sprintf(`horizon: {start: 2027-01-01, end: 2027-03-01, granularity: day}
objective: spend
budget:
  total: 631158
  windows:
    - {from: 2027-01-01, to: 2027-01-21, max: 157789}
target_revenue: %g
festivals:
  - preset: spring-festival
  - {name: promo, from: 2027-02-20, to: 2027-02-26, uplift: 2.0, cost_index: 1.2}
channels:
  - name: ch0
    response: {curve: hill, beta: 98835, half_saturation: 91355, shape: 0.8}
    per_week: {max: 534940}
  - name: ch1
    response: {curve: hill, beta: 163898, half_saturation: 83003, shape: 2.0}
    per_week: {max: 322423}
    min_active_per_week: 39767
  - name: ch2
    response: {curve: hill, beta: 243707, half_saturation: 75917, shape: 0.8}
    per_week: {max: 351822}
`, target)
}

// TestROASFloorBeyondReach: R >= min_roas X holds at X = 0, so a ROAS
// floor above what any spend returns leaves the plan that spends nothing,
// proven optimal; one exactly at a linear channel's ROAS spends the budget.
func TestROASFloorBeyondReach(t *testing.T) {
	const head = "horizon: {start: 2027-01-01, end: 2027-12-31, granularity: week}\nbudget: {total: 1000000}\n"
	for _, tc := range []struct {
		name, body string
		spends     bool
	}{
		{"linear just below", "min_roas: 3.0000001\nchannels:\n  - name: a\n    response: {curve: linear, roas: 3}\n    per_week: {max: 50000}\n", false},
		{"exponential at its first unit", "min_roas: 5\nchannels:\n  - name: a\n    response: {curve: exponential, beta: 200000, half_saturation: 40000}\n", false},
		{"S-curve below its best average", "min_roas: 4\nchannels:\n  - name: a\n    response: {curve: hill, beta: 200000, half_saturation: 40000, shape: 2}\n    carryover: 0.3\n", false},
		{"linear at its ROAS", "min_roas: 3\nchannels:\n  - name: a\n    response: {curve: linear, roas: 3}\n    per_week: {max: 50000}\n", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			y := "name: roas\n" + head + tc.body
			res := loadYAML(t, y)
			r := solve(t, res, y)
			total := 0.0
			for _, row := range r.Spend {
				for _, x := range row {
					total += x
				}
			}
			if tc.spends && total < 1000000*(1-1e-9) {
				t.Errorf("spends %g, want the whole budget", total)
			}
			if !tc.spends && total != 0 {
				t.Errorf("spends %g, want nothing", total)
			}
			if r.Status != optimize.StatusOptimal {
				t.Errorf("status %s (bound %g, gap %g), want optimal", r.Status, r.Bound, r.Gap)
			}
			keepsLimits(t, res, r.Spend)
		})
	}
}

// keepsLimits fails the test when the plan breaks a limit of the scenario.
func keepsLimits(t *testing.T, res *scenarios.Resolved, spend [][]float64) {
	t.Helper()
	doc := plan.Build(res, spend, plan.ScenarioRef{}, plan.SolverInfo{}, 0)
	if v := plan.Check(res, doc, nil); len(v) > 0 {
		t.Errorf("the plan breaks a limit: %+v", v)
	}
}

// TestLimitsFarBelowTheMoneyUnit: scenarios whose limits are tiny beside
// the half saturations that once set the model's money unit. The simplex
// meets a limit to about 1e-7 of that unit, which was more than a floor of
// 0.13 in a one-day week (read back as no spend at all), a channel's total
// of 1.8 (spent 49) or a budget of 208,958 (passed by 13).
func TestLimitsFarBelowTheMoneyUnit(t *testing.T) {
	for _, y := range []string{
		`horizon: {start: 2027-01-05, end: 2027-07-05, granularity: week}
objective: spend
target_revenue: 1715610
channels:
  - name: c0
    response: {curve: exponential, beta: 356531000, half_saturation: 123.16}
    per_week: {max: 307413000}
    available:
      - {from: 2027-05-26, to: 2027-07-09}
  - name: c1
    response: {curve: exponential, beta: 8780130, half_saturation: 14148300}
    per_week: {max: 9455190000}
  - name: c2
    response: {curve: logistic, beta: 31211500, half_saturation: 2155420000}
    carryover: 0.5
    per_week: {min: 0.92711, max: 1.85422}
`,
		`horizon: {start: 2027-07-02, end: 2027-12-30, granularity: week}
budget: {total: 2623.31}
channels:
  - name: c0
    response: {curve: hill, beta: 0.405104, half_saturation: 0.174089, shape: 0.1}
    carryover: 0.9
    per_week: {min: 0.990846, max: 9.90846}
  - name: c1
    response: {curve: hill, beta: 2087520000, half_saturation: 3026460000000, shape: 0.1}
    spend: {max: 1.81192}
    min_active_per_week: 0.362384
`,
		`horizon: {start: 2027-03-22, end: 2027-09-19, granularity: week}
budget: {total: 208958}
channels:
  - name: c0
    response: {curve: hill, beta: 47060300, half_saturation: 1.24129, shape: 5}
    per_week: {max: 40566400}
  - name: c1
    response: {curve: hill, beta: 0.0591865, half_saturation: 3578640000, shape: 1.01}
    carryover: 0.5
    per_week: {max: 38.06}
  - name: c2
    response: {curve: hill, beta: 1758.19, half_saturation: 87268200, shape: 0.1}
    per_week: {max: 7996080000}
`,
		// Optima of a few units of money against caps of billions: the
		// group's share was passed by the simplex's tolerance (99.0% of
		// 1.006 against 99%) or by 30 points (the only plan keeping the
		// group and the ROAS floor spends nothing).
		`horizon: {start: 2027-02-23, end: 2028-02-21, granularity: week}
objective: spend
target_revenue: 55259
channels:
  - name: c0
    response: {curve: hill, beta: 17707700000, half_saturation: 381949, shape: 10}
    carryover: 0.9
    per_week: {max: 96755}
    min_active_per_week: 48377.5
  - name: c1
    response: {curve: hill, beta: 12545.2, half_saturation: 0.202234, shape: 1.01}
    per_week: {max: 184502000000}
  - name: c2
    response: {curve: hill, beta: 50433000, half_saturation: 0.0421015, shape: 1.01}
    carryover: 0.5
    spend: {max: 13414.1}
    min_active_per_week: 1341.41
  - name: c3
    response: {curve: logistic, beta: 744065, half_saturation: 64.4991}
    carryover: 0.99
    spend: {max: 1421120000}
groups:
  - name: g
    channels: [c0, c1]
    max_share: 0.99
`,
		`horizon: {start: 2027-05-09, end: 2027-05-15, granularity: week}
budget: {total: 2.64606e+09}
min_roas: 100
channels:
  - name: c0
    response: {curve: hill, beta: 1660.68, half_saturation: 13793.7, shape: 0.1}
    carryover: 0.9
    spend: {max: 24238.3}
    min_active_per_week: 24.2383
  - name: c1
    response: {curve: hill, beta: 41997.2, half_saturation: 7527070000000, shape: 0.5}
    carryover: 0.9
    spend: {max: 1570890000}
  - name: c2
    response: {curve: logistic, beta: 65148.3, half_saturation: 146727000000}
    carryover: 0.99
    per_week: {max: 264449000000}
    available:
      - {from: 2027-05-11, to: 2027-07-08}
groups:
  - name: g
    channels: [c0, c1]
    max_share: 0.5
`,
	} {
		res := loadYAML(t, y)
		keepsLimits(t, res, solve(t, res, y).Spend)
	}
}
