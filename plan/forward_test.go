package plan_test

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/peakplan/peakplan/plan"
	"github.com/peakplan/peakplan/scenarios"
)

// The forward model checked against model.md by hand-computed examples; no
// number below comes from running the code under test.

func load(t *testing.T, y string) *scenarios.Resolved {
	t.Helper()
	res, err := scenarios.Load(strings.NewReader(y), "test.yaml")
	if err != nil {
		t.Fatalf("scenario does not load: %v\n%s", err, y)
	}
	return res
}

// close reports whether a and b agree to a relative tolerance (absolute
// near 0).
func near(a, b, rel float64) bool {
	return math.Abs(a-b) <= rel*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

func assertNear(t *testing.T, what string, got, want, rel float64) {
	t.Helper()
	if !near(got, want, rel) {
		t.Errorf("%s = %.12g, want %.12g (rel tol %g)", what, got, want, rel)
	}
}

func hill(a, beta, h, s float64) float64 {
	if a <= 0 {
		return 0
	}
	return beta * math.Pow(a, s) / (math.Pow(a, s) + math.Pow(h, s))
}

// zeros returns a spend matrix of nC channels and nT periods.
func zeros(nC, nT int) [][]float64 {
	m := make([][]float64, nC)
	for c := range m {
		m[c] = make([]float64, nT)
	}
	return m
}

func TestCarryOverHandExample(t *testing.T) {
	// 2027-01-04 is a Monday: four full ISO weeks.
	res := load(t, `
horizon: {start: 2027-01-04, end: 2027-01-31, granularity: week}
budget: {total: 10000}
channels:
  - name: tv
    response: {curve: hill, beta: 1000, half_saturation: 200, shape: 1.5}
    carryover: 0.5
`)
	if len(res.Periods) != 4 {
		t.Fatalf("periods = %d, want 4", len(res.Periods))
	}
	spend := zeros(1, 4)
	spend[0][0] = 700
	a := plan.Exposure(res, 0, spend[0], res.Channels[0].CostIndex, nil)
	want := []float64{350, 175, 87.5, 43.75} // (1-0.5)*700, then halved each week
	for i := range want {
		assertNear(t, fmt.Sprintf("a[%d]", i), a[i], want[i], 1e-12)
	}
	rev, tot := plan.Evaluate(res, spend)
	sum := 0.0
	for i := range want {
		r := hill(want[i], 1000, 200, 1.5) // a full week: d/7 = 1, u = 1
		assertNear(t, fmt.Sprintf("r[%d]", i), rev[0][i], r, 1e-12)
		sum += r
	}
	assertNear(t, "total revenue", tot.Revenue, sum, 1e-12)
	assertNear(t, "total spend", tot.Spend, 700, 1e-15)
	assertNear(t, "roas", tot.ROAS, sum/700, 1e-12)
}

func TestCarryOverPartialFirstWeek(t *testing.T) {
	// 2027-01-06 is a Wednesday: the first period is Wed..Sun, 5 days.
	res := load(t, `
horizon: {start: 2027-01-06, end: 2027-01-24, granularity: week}
budget: {total: 10000}
channels:
  - name: tv
    response: {curve: exponential, beta: 1000, half_saturation: 300}
    carryover: 0.5
`)
	days := []int{5, 7, 7}
	if len(res.Periods) != len(days) {
		t.Fatalf("periods = %d, want %d", len(res.Periods), len(days))
	}
	for i, d := range days {
		if res.Periods[i].Days != d {
			t.Fatalf("period %d has %d days, want %d", i, res.Periods[i].Days, d)
		}
	}
	x := []float64{500, 140, 0}
	spend := [][]float64{x}
	theta1 := math.Pow(0.5, 5.0/7)
	e1 := 7.0 / 5 * 500
	a1 := (1 - theta1) * e1
	a2 := 0.5*140 + 0.5*a1
	a3 := 0.5 * a2
	got := plan.Exposure(res, 0, x, res.Channels[0].CostIndex, nil)
	for i, w := range []float64{a1, a2, a3} {
		assertNear(t, fmt.Sprintf("a[%d]", i), got[i], w, 1e-12)
	}
	rev, _ := plan.Evaluate(res, spend)
	H := func(a float64) float64 { return 1 - math.Exp(-a/300) }
	assertNear(t, "r[0]", rev[0][0], 5.0/7*1000*H(a1), 1e-12)
	assertNear(t, "r[1]", rev[0][1], 1000*H(a2), 1e-12)
	assertNear(t, "r[2]", rev[0][2], 1000*H(a3), 1e-12)
}

func TestSteadyStateSettlesAtWeeklySpend(t *testing.T) {
	const S, beta, h = 5000.0, 20000.0, 4000.0
	for _, g := range []struct {
		gran  string
		end   string
		perWk float64 // spend per period as a share of S
	}{
		{"week", "2028-12-31", 1},
		{"day", "2027-12-31", 1.0 / 7},
	} {
		t.Run(g.gran, func(t *testing.T) {
			res := load(t, fmt.Sprintf(`
horizon: {start: 2027-01-04, end: %s, granularity: %s}
budget: {total: 1e9}
channels:
  - name: c
    response: {curve: logistic, beta: %g, half_saturation: %g}
    carryover: 0.8
`, g.end, g.gran, beta, h))
			nT := len(res.Periods)
			spend := zeros(1, nT)
			for i := range spend[0] {
				spend[0][i] = S * float64(res.Periods[i].Days) / 7
			}
			a := plan.Exposure(res, 0, spend[0], res.Channels[0].CostIndex, nil)
			// After a year at theta=0.8 per week, 0.8^52 ~ 1e-5 of the start is left.
			assertNear(t, "settled exposure", a[nT-1], S, 1e-4)
			// Exposure rises monotonically towards S and never overshoots.
			for i := 1; i < nT; i++ {
				if a[i] < a[i-1]-1e-9 || a[i] > S*(1+1e-12) {
					t.Fatalf("a[%d]=%g after a[%d]=%g: not a monotone approach to %g", i, a[i], i-1, a[i-1], S)
				}
			}
			rev, _ := plan.Evaluate(res, spend)
			weeks := float64(res.Periods[nT-1].Days) / 7
			assertNear(t, "weekly revenue at steady state", rev[0][nT-1]/weeks, beta*math.Tanh(S/(2*h)), 1e-4)
		})
	}
}

func TestMonthlyPeriods(t *testing.T) {
	res := load(t, `
horizon: {start: 2028-01-01, end: 2028-12-31, granularity: month}
budget: {total: 1e9}
channels:
  - name: flat
    response: {curve: hill, beta: 7000, half_saturation: 1000, shape: 1}
  - name: carry
    response: {curve: hill, beta: 7000, half_saturation: 1000, shape: 1}
    carryover: 0.6
`)
	if len(res.Periods) != 12 {
		t.Fatalf("periods = %d, want 12", len(res.Periods))
	}
	const rate = 1500.0 // weekly rate
	spend := zeros(2, 12)
	for m := 0; m < 12; m++ {
		first := time.Date(2028, time.Month(m+1), 1, 0, 0, 0, 0, time.UTC)
		d := int(first.AddDate(0, 1, 0).Sub(first).Hours() / 24) // 2028 is a leap year
		if res.Periods[m].Days != d {
			t.Fatalf("month %d has %d days, want %d", m+1, res.Periods[m].Days, d)
		}
		spend[0][m] = rate * float64(d) / 7
		spend[1][m] = rate * float64(d) / 7
	}
	rev, _ := plan.Evaluate(res, spend)
	H := func(a float64) float64 { return a / (a + 1000) }
	prev := 0.0
	for m, p := range res.Periods {
		wk := float64(p.Days) / 7
		// Without carry-over a steady weekly rate gives the curve's weekly
		// revenue, scaled by d_t/7.
		assertNear(t, fmt.Sprintf("flat r[%d]", m), rev[0][m], wk*7000*H(rate), 1e-12)
		// With carry-over: theta_t = theta^(d_t/7), e_t = rate.
		th := math.Pow(0.6, wk)
		prev = (1-th)*rate + th*prev
		assertNear(t, fmt.Sprintf("carry r[%d]", m), rev[1][m], wk*7000*H(prev), 1e-12)
	}
	assertNear(t, "February/January revenue ratio", rev[0][1]/rev[0][0], 29.0/31, 1e-12)
}

func TestUpliftAndCostIndex(t *testing.T) {
	base := `
horizon: {start: 2027-01-04, end: 2027-01-24, granularity: week}
budget: {total: 1e9}
channels:
  - name: a
    response: {curve: exponential, beta: 9000, half_saturation: 2000}
    carryover: 0.3
  - name: b
    response: {curve: hill, beta: 9000, half_saturation: 2000, shape: 2}
`
	// Week 2 (Jan 11..17) fully covered: cost index 2 for everyone, uplift 3;
	// channel b has its own uplift 1.5. Week 3: a 3-day festival with uplift
	// 3 and a 2-day one overlapping it with uplift 2 and cost 1.4.
	fest := base + `
festivals:
  - {name: peak, from: 2027-01-11, to: 2027-01-17, uplift: 3, cost_index: 2, channels: {b: {uplift: 1.5}}}
  - {name: late, from: 2027-01-20, to: 2027-01-22, uplift: 3}
  - {name: overlap, from: 2027-01-22, to: 2027-01-23, uplift: 2, cost_index: 1.4}
`
	r0, r1 := load(t, base), load(t, fest)
	x := [][]float64{{3000, 3000, 3000}, {2500, 2500, 2500}}
	// Week 3 daily uplift: 20th..22nd 3 (the larger of 3 and 2 on the 22nd), 23rd 2, else 1.
	wantU := [][]float64{{1, 3, (3*3 + 2 + 3) / 7.0}, {1, 1.5, (3*3 + 2 + 3) / 7.0}}
	wantK := []float64{1, 2, (1.4*2 + 5) / 7.0}
	for c := 0; c < 2; c++ {
		for w := 0; w < 3; w++ {
			assertNear(t, fmt.Sprintf("u[%d][%d]", c, w), r1.Channels[c].Uplift[w], wantU[c][w], 1e-12)
			assertNear(t, fmt.Sprintf("k[%d][%d]", c, w), r1.Channels[c].CostIndex[w], wantK[w], 1e-12)
		}
	}
	// Cost index 2 halves the exposure bought in week 2.
	for c := 0; c < 2; c++ {
		a0 := plan.Exposure(r0, c, x[c], r0.Channels[c].CostIndex, nil)
		a1 := plan.Exposure(r1, c, x[c], r1.Channels[c].CostIndex, nil)
		th := r0.Channels[c].Carryover
		assertNear(t, "a week 1 unchanged", a1[0], a0[0], 1e-12)
		assertNear(t, "a week 2", a1[1], (1-th)*x[c][1]/2+th*a1[0], 1e-12)
		assertNear(t, "a week 3", a1[2], (1-th)*x[c][2]/wantK[2]+th*a1[1], 1e-12)
	}
	// Uplift multiplies the revenue at the same exposure: with the cost index
	// compensated by doubling spend in week 2 (channel b has no carry-over),
	// revenue is exactly uplift times the base.
	xb := [][]float64{{0, 0, 0}, {2500, 5000, 2500 * wantK[2]}}
	rev0, _ := plan.Evaluate(r0, [][]float64{{0, 0, 0}, {2500, 2500, 2500}})
	rev1, _ := plan.Evaluate(r1, xb)
	for w := 0; w < 3; w++ {
		assertNear(t, fmt.Sprintf("b revenue week %d", w), rev1[1][w], wantU[1][w]*rev0[1][w], 1e-12)
	}
	// An uplift of 3 triples revenue: channel a in week 2 (exposure taken
	// from the model, then the curve by hand).
	a1 := plan.Exposure(r1, 0, x[0], r1.Channels[0].CostIndex, nil)
	rev, _ := plan.Evaluate(r1, x)
	assertNear(t, "a revenue week 2", rev[0][1], 3*9000*(1-math.Exp(-a1[1]/2000)), 1e-12)
}

func TestEvenBaselineAndFestivalShare(t *testing.T) {
	// Weeks: Wed Jan 6..Sun Jan 10 (5 days), then Jan 11..17, 18..24, 25..31,
	// and Mon Feb 1..Wed Feb 3 (3 days).
	res := load(t, `
horizon: {start: 2027-01-06, end: 2027-02-03, granularity: week}
budget: {total: 1e9}
festivals:
  - {name: f1, from: 2027-01-09, to: 2027-01-12, uplift: 2}
  - {name: f2, from: 2027-01-30, to: 2027-02-02, uplift: 1.5}
channels:
  - name: all
    response: {curve: exponential, beta: 1000, half_saturation: 100}
  - name: some
    response: {curve: exponential, beta: 1000, half_saturation: 100}
    available:
      - {from: 2027-01-08, to: 2027-01-14}
      - {from: 2027-01-28, to: 2027-02-03}
  - name: none
    response: {curve: exponential, beta: 1000, half_saturation: 100}
    available:
      - {from: 2027-01-20, to: 2027-01-20}
`)
	wantDays := []int{5, 7, 7, 7, 3}
	// Days available to "some" in each period, counted by hand.
	wantAvail := []int{3, 4, 0, 4, 3}
	for i, d := range wantDays {
		if res.Periods[i].Days != d {
			t.Fatalf("period %d: %d days, want %d", i, res.Periods[i].Days, d)
		}
		if res.Channels[1].AvailableDays[i] != wantAvail[i] {
			t.Fatalf("period %d: %d available days, want %d", i, res.Channels[1].AvailableDays[i], wantAvail[i])
		}
	}
	spend := [][]float64{{100, 0, 0, 900, 0}, {0, 700, 0, 0, 0}, {0, 0, 50, 0, 0}}
	even := plan.EvenSpend(res, spend)
	for i := range wantDays {
		assertNear(t, "even all", even[0][i], 1000*float64(wantDays[i])/29, 1e-12)
		assertNear(t, "even some", even[1][i], 700*float64(wantAvail[i])/14, 1e-12)
		w := 0.0
		if i == 2 {
			w = 50
		}
		assertNear(t, "even none", even[2][i], w, 1e-12)
	}
	// Festival days per period: Jan 9,10 | 11,12 | - | 30,31 | Feb 1,2.
	fshare := []float64{2.0 / 5, 2.0 / 7, 0, 2.0 / 7, 2.0 / 3}
	on, tot := 0.0, 0.0
	for c := range spend {
		for i := range spend[c] {
			on += spend[c][i] * fshare[i]
			tot += spend[c][i]
		}
	}
	assertNear(t, "festival spend share", plan.FestivalSpendShare(res, spend), on/tot, 1e-12)
	assertNear(t, "festival days share", res.FestivalDaysShare, 8.0/29, 1e-12)
	if plan.FestivalSpendShare(res, zeros(3, 5)) != 0 {
		t.Error("festival spend share of an empty plan is not 0")
	}
	// Concentrating into festival weeks raises the share above the days share,
	// the even baseline of a channel available all along matches it.
	allEven := [][]float64{even[0], {0, 0, 0, 0, 0}, {0, 0, 0, 0, 0}}
	assertNear(t, "even plan share", plan.FestivalSpendShare(res, allEven), 8.0/29, 1e-12)
}

func TestCurves(t *testing.T) {
	curves := []scenarios.Curve{
		{Kind: scenarios.Hill, Beta: 1000, Half: 300, Shape: 2.5},
		{Kind: scenarios.Hill, Beta: 1000, Half: 300, Shape: 1},
		{Kind: scenarios.Hill, Beta: 1000, Half: 300, Shape: 0.6},
		{Kind: scenarios.Exponential, Beta: 800, Half: 250},
		{Kind: scenarios.Logistic, Beta: 800, Half: 250},
		{Kind: scenarios.Linear, ROAS: 2.7},
	}
	direct := func(c scenarios.Curve, a float64) float64 {
		switch c.Kind {
		case scenarios.Hill:
			return hill(a, c.Beta, c.Half, c.Shape)
		case scenarios.Exponential:
			return c.Beta * (1 - math.Exp(-a/c.Half))
		case scenarios.Logistic:
			e := math.Exp(-a / c.Half)
			return c.Beta * (1 - e) / (1 + e)
		}
		return c.ROAS * a
	}
	for _, c := range curves {
		name := fmt.Sprintf("%s/%g", c.Kind, c.Shape)
		t.Run(name, func(t *testing.T) {
			if c.Weekly(0) != 0 {
				t.Errorf("Weekly(0) = %g", c.Weekly(0))
			}
			for _, a := range []float64{1, 17, 120, 300, 299.5, 700, 2500, 9000} {
				assertNear(t, fmt.Sprintf("Weekly(%g)", a), c.Weekly(a), direct(c, a), 1e-12)
				if c.Kind == scenarios.Logistic {
					assertNear(t, "logistic = tanh(a/2h)", c.Saturation(a), math.Tanh(a/(2*c.Half)), 1e-12)
				}
				hstep := 1e-4 * a
				num := (direct(c, a+hstep) - direct(c, a-hstep)) / (2 * hstep)
				assertNear(t, fmt.Sprintf("Slope(%g)", a), c.Slope(a), num, 1e-6)
			}
			if c.Kind == scenarios.Hill || c.Kind == scenarios.Exponential || c.Kind == scenarios.Logistic {
				assertNear(t, "Weekly(h) for hill is beta/2", c.Weekly(c.Half), map[scenarios.CurveKind]float64{
					scenarios.Hill: c.Beta / 2, scenarios.Exponential: c.Beta * (1 - math.Exp(-1)),
					scenarios.Logistic: c.Beta * math.Tanh(0.5)}[c.Kind], 1e-12)
			}
		})
	}
}

func TestBestAverage(t *testing.T) {
	for _, s := range []float64{1.3, 2, 2.7, 4} {
		c := scenarios.Curve{Kind: scenarios.Hill, Beta: 5000, Half: 800, Shape: s}
		best, bestA := -1.0, 0.0
		const n = 400000
		for i := 1; i <= n; i++ {
			a := 4 * c.Half * float64(i) / n
			if v := c.Weekly(a) / a; v > best {
				best, bestA = v, a
			}
		}
		got := c.BestAverage()
		if math.Abs(got-bestA) > 4*c.Half/n*2 {
			t.Errorf("shape %g: BestAverage = %g, grid search %g", s, got, bestA)
		}
		// At the best average the line from the origin is tangent: slope = average.
		assertNear(t, fmt.Sprintf("shape %g tangent", s), c.Slope(got), c.Weekly(got)/got, 1e-9)
	}
	for _, c := range []scenarios.Curve{
		{Kind: scenarios.Hill, Beta: 1, Half: 1, Shape: 1},
		{Kind: scenarios.Exponential, Beta: 1, Half: 1},
		{Kind: scenarios.Logistic, Beta: 1, Half: 1},
	} {
		if c.BestAverage() != 0 || c.IsSCurve() {
			t.Errorf("%s/%g: a concave curve has BestAverage %g, IsSCurve %v", c.Kind, c.Shape, c.BestAverage(), c.IsSCurve())
		}
	}
}

func TestEvaluateTotalsAndProfit(t *testing.T) {
	res := load(t, `
horizon: {start: 2027-01-04, end: 2027-01-17, granularity: week}
objective: profit
margin: 0.4
budget: {total: 1e6}
channels:
  - name: a
    response: {curve: linear, roas: 3}
    per_week: {max: 1000}
  - name: b
    response: {curve: hill, beta: 1000, half_saturation: 100, shape: 2}
`)
	spend := [][]float64{{500, 0}, {100, 200}}
	_, tot := plan.Evaluate(res, spend)
	wantR := 3*500.0 + 500 + hill(200, 1000, 100, 2)
	assertNear(t, "revenue", tot.Revenue, wantR, 1e-12)
	assertNear(t, "profit", tot.Profit, 0.4*wantR-800, 1e-12)
	assertNear(t, "objective", plan.ObjectiveValue(res, tot), 0.4*wantR-800, 1e-12)
	_, zero := plan.Evaluate(res, zeros(2, 2))
	if zero.ROAS != 0 || zero.Revenue != 0 {
		t.Errorf("empty plan: %+v", zero)
	}
}
