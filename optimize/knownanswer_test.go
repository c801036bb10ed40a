package optimize_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/peakplan/peakplan/examples"
	"github.com/peakplan/peakplan/optimize"
	"github.com/peakplan/peakplan/plan"
	"github.com/peakplan/peakplan/scenarios"
)

// Known-answer tests: the optimiser's exact objective against optima
// computed independently in the test (closed form plus bisection, dynamic
// programming over a spend grid, multi-start local search on the forward
// model).

// testTimeLimit keeps every solve of the suite short.
const testTimeLimit = 5 * time.Second

func loadYAML(t testing.TB, y string) *scenarios.Resolved {
	t.Helper()
	res, err := scenarios.Load(strings.NewReader(y), "test.yaml")
	if err != nil {
		t.Fatalf("scenario does not load: %v\n%s", err, y)
	}
	return res
}

func solve(t testing.TB, res *scenarios.Resolved, y string) *optimize.Result {
	t.Helper()
	r, err := optimize.Solve(res, optimize.Options{TimeLimit: testTimeLimit})
	if err != nil {
		t.Fatalf("Solve: %v\nscenario:\n%s", err, y)
	}
	return r
}

var day0 = time.Date(2027, 1, 4, 0, 0, 0, 0, time.UTC) // a Monday

func ymd(t time.Time) string { return t.Format("2006-01-02") }

func between(r *rand.Rand, lo, hi float64) float64 { return lo + (hi-lo)*r.Float64() }

// randomFestivals writes n festival windows inside [start, start+days).
func randomFestivals(r *rand.Rand, start time.Time, days, n int, channels []string) string {
	if n == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("festivals:\n")
	for i := 0; i < n; i++ {
		l := 1 + r.IntN(min(20, days))
		from := start.AddDate(0, 0, r.IntN(days-l+1))
		fmt.Fprintf(&b, "  - {name: f%d, from: %s, to: %s, uplift: %.3f, cost_index: %.3f",
			i, ymd(from), ymd(from.AddDate(0, 0, l-1)), between(r, 0.6, 3.5), between(r, 0.7, 2))
		if len(channels) > 0 && r.IntN(3) == 0 {
			fmt.Fprintf(&b, ", channels: {%s: {uplift: %.3f, cost_index: %.3f}}",
				channels[r.IntN(len(channels))], between(r, 0.8, 4), between(r, 0.8, 1.6))
		}
		b.WriteString("}\n")
	}
	return b.String()
}

// TestExponentialKnownAnswer: concave exponential curves without carry-over
// and with only a total budget. At the optimum each cell's marginal revenue
// u*beta/(h*k)*exp(-a/h) equals one lambda unless the cell sits at 0 or at
// its cap; bisection on lambda gives the optimum.
func TestExponentialKnownAnswer(t *testing.T) {
	rng := rand.New(rand.NewPCG(20270104, 1))
	for inst := 0; inst < 6; inst++ {
		nC := 2 + rng.IntN(4)
		weeks := 8 + rng.IntN(46)
		start := day0.AddDate(0, 0, rng.IntN(7)) // partial first and last weeks
		days := 7*weeks - rng.IntN(7)
		var b strings.Builder
		fmt.Fprintf(&b, "horizon: {start: %s, end: %s, granularity: week}\n", ymd(start), ymd(start.AddDate(0, 0, days-1)))
		names := make([]string, nC)
		type chp struct{ beta, h, cap float64 }
		chs := make([]chp, nC)
		budget := 0.0
		for c := range nC {
			names[c] = fmt.Sprintf("ch%d", c)
			// Whole numbers, so the YAML carries exactly these values.
			chs[c] = chp{beta: math.Round(between(rng, 1e4, 1e6)), h: math.Round(between(rng, 1e3, 1e5)), cap: math.Inf(1)}
			if rng.IntN(2) == 0 {
				chs[c].cap = math.Round(chs[c].h * between(rng, 0.3, 3))
			}
			budget += float64(weeks) * chs[c].h * between(rng, 0.1, 1)
		}
		budget = math.Round(budget) // written exactly into the YAML
		fmt.Fprintf(&b, "budget: {total: %.2f}\n", budget)
		b.WriteString(randomFestivals(rng, start, days, rng.IntN(5), names))
		b.WriteString("channels:\n")
		for c, ch := range chs {
			fmt.Fprintf(&b, "  - name: %s\n    response: {curve: exponential, beta: %.2f, half_saturation: %.2f}\n", names[c], ch.beta, ch.h)
			if !math.IsInf(ch.cap, 1) {
				fmt.Fprintf(&b, "    per_week: {max: %.2f}\n", ch.cap)
			}
		}
		y := b.String()
		t.Run(fmt.Sprintf("inst%d_%dx%d", inst, nC, weeks), func(t *testing.T) {
			res := loadYAML(t, y)
			nT := len(res.Periods)
			// Cell c,t at spend x: r = d/7*u*beta*(1-exp(-7x/(d k h))).
			spendAt := func(lambda float64) ([][]float64, float64) {
				x := make([][]float64, nC)
				sum := 0.0
				for c := range nC {
					x[c] = make([]float64, nT)
					ch := &res.Channels[c]
					for tt, p := range res.Periods {
						d, u, k := float64(p.Days), ch.Uplift[tt], ch.CostIndex[tt]
						a := chs[c].h * math.Log(u*chs[c].beta/(chs[c].h*k*lambda))
						v := math.Max(a, 0) * d * k / 7
						v = math.Min(v, chs[c].cap*d/7)
						x[c][tt] = v
						sum += v
					}
				}
				return x, sum
			}
			lo, hi := 1e-300, 0.0
			for c := range nC {
				for tt := range nT {
					ch := &res.Channels[c]
					hi = math.Max(hi, ch.Uplift[tt]*chs[c].beta/(chs[c].h*ch.CostIndex[tt]))
				}
			}
			if _, s := spendAt(lo); s <= budget {
				t.Fatalf("instance generator: caps below budget")
			}
			for range 400 {
				mid := math.Sqrt(lo * hi)
				if _, s := spendAt(mid); s > budget {
					lo = mid
				} else {
					hi = mid
				}
			}
			xOpt, _ := spendAt(hi)
			opt := 0.0
			for c := range nC {
				for tt, p := range res.Periods {
					ch := &res.Channels[c]
					d := float64(p.Days)
					opt += d / 7 * ch.Uplift[tt] * chs[c].beta * -math.Expm1(-7*xOpt[c][tt]/(d*ch.CostIndex[tt]*chs[c].h))
				}
			}
			r := solve(t, res, y)
			_, tot := plan.Evaluate(res, r.Spend)
			if tot.Spend > budget*(1+1e-9) {
				t.Errorf("spend %.6f above budget %.6f", tot.Spend, budget)
			}
			gap := (opt - r.Objective) / opt
			t.Logf("independent optimum %.6f, optimiser %.6f (gap %.2e, reported gap %.2e, bound %.6f, %s)", opt, r.Objective, gap, r.Gap, r.Bound, r.Status)
			if gap > 5e-4 {
				t.Errorf("optimiser objective %.6f is %.4f%% below the independent optimum %.6f\nscenario:\n%s", r.Objective, 100*gap, opt, y)
			}
			if gap < -1e-7 {
				t.Errorf("optimiser objective %.6f beats the true optimum %.6f: the plan cannot be feasible\nscenario:\n%s", r.Objective, opt, y)
			}
			if r.Bound < opt*(1-1e-7) {
				t.Errorf("bound %.6f is below the true optimum %.6f: not a valid bound\nscenario:\n%s", r.Bound, opt, y)
			}
		})
	}
}

// cellValue is the revenue of one cell without carry-over at spend x.
func cellValue(res *scenarios.Resolved, c, tt int, x float64) float64 {
	ch := &res.Channels[c]
	d := float64(res.Periods[tt].Days)
	return d / 7 * ch.Uplift[tt] * ch.Curve.Weekly(7*x/(d*ch.CostIndex[tt]))
}

// TestSCurveDynamicProgramming: S-curves without carry-over, budget only
// (and optionally minimum flights), against the best plan on a spend grid,
// found exactly by dynamic programming over the cells.
func TestSCurveDynamicProgramming(t *testing.T) {
	rng := rand.New(rand.NewPCG(618, 11))
	for inst := 0; inst < 6; inst++ {
		weeks := 4 + rng.IntN(3)
		days := 7 * weeks
		withMin := inst%2 == 1
		var b strings.Builder
		fmt.Fprintf(&b, "horizon: {start: %s, end: %s, granularity: week}\n", ymd(day0), ymd(day0.AddDate(0, 0, days-1)))
		hs := []float64{between(rng, 1e4, 5e4), between(rng, 1e4, 5e4)}
		budget := math.Round(float64(weeks) * (hs[0] + hs[1]) / 2 * between(rng, 0.2, 1.2))
		fmt.Fprintf(&b, "budget: {total: %.2f}\n", budget)
		b.WriteString(randomFestivals(rng, day0, days, rng.IntN(3), []string{"a", "b"}))
		b.WriteString("channels:\n")
		minAct := []float64{0, 0}
		for c, name := range []string{"a", "b"} {
			fmt.Fprintf(&b, "  - name: %s\n    response: {curve: hill, beta: %.2f, half_saturation: %.2f, shape: %.3f}\n",
				name, between(rng, 2e4, 2e5), hs[c], between(rng, 2, 3))
			if withMin {
				minAct[c] = hs[c] * between(rng, 0.5, 1.2)
				fmt.Fprintf(&b, "    min_active_per_week: %.2f\n", minAct[c])
			}
		}
		y := b.String()
		t.Run(fmt.Sprintf("inst%d_2x%d_min%v", inst, weeks, withMin), func(t *testing.T) {
			res := loadYAML(t, y)
			nT := len(res.Periods)
			const steps = 500
			delta := budget / steps
			best := make([]float64, steps+1) // best[b]: revenue of the cells so far with at most b steps
			for c := range 2 {
				for tt := range nT {
					vals := make([]float64, steps+1)
					for s := range vals {
						x := float64(s) * delta
						if x > 0 && x < res.Channels[c].MinActive[tt] {
							vals[s] = math.Inf(-1) // a flight below the minimum
							continue
						}
						vals[s] = cellValue(res, c, tt, x)
					}
					next := make([]float64, steps+1)
					for bb := range next {
						v := math.Inf(-1)
						for s := 0; s <= bb; s++ {
							v = math.Max(v, best[bb-s]+vals[s])
						}
						next[bb] = v
					}
					best = next
				}
			}
			grid := best[steps]
			r := solve(t, res, y)
			checkFlights(t, res, r.Spend)
			_, tot := plan.Evaluate(res, r.Spend)
			if tot.Spend > budget*(1+1e-9) {
				t.Errorf("spend %.6f above budget %.6f", tot.Spend, budget)
			}
			t.Logf("grid optimum %.6f, optimiser %.6f (bound %.6f, gap %.2e, %s)", grid, r.Objective, r.Bound, r.Gap, r.Status)
			if r.Objective < grid*(1-1e-3) {
				t.Errorf("optimiser objective %.6f is %.3f%% below the grid optimum %.6f\nscenario:\n%s",
					r.Objective, 100*(grid-r.Objective)/grid, grid, y)
			}
			if r.Bound < grid*(1-1e-9) {
				t.Errorf("bound %.6f is below a feasible plan's revenue %.6f: not a valid bound\nscenario:\n%s", r.Bound, grid, y)
			}
		})
	}
}

// checkFlights asserts x = 0 or x >= min_active_per_week*n/7 on every cell.
func checkFlights(t *testing.T, res *scenarios.Resolved, spend [][]float64) {
	t.Helper()
	for c := range res.Channels {
		for tt := range res.Periods {
			x, m := spend[c][tt], res.Channels[c].MinActive[tt]
			if x > 1e-6 && x < m*(1-1e-7) {
				t.Errorf("channel %d period %d: flight %.6f below the minimum %.6f", c, tt, x, m)
			}
		}
	}
}

// localSearch improves a plan with a fixed total by moving spend between
// pairs of cells, with steps halving down to tol of the total.
func localSearch(res *scenarios.Resolved, x [][]float64, total float64) ([][]float64, float64) {
	nC, nT := len(x), len(x[0])
	eval := func(x [][]float64) float64 { _, tot := plan.Evaluate(res, x); return tot.Revenue }
	cur := eval(x)
	for step := total / 4; step > total*1e-7; step /= 2 {
		for improved := true; improved; {
			improved = false
			for i := 0; i < nC*nT; i++ {
				ci, ti := i/nT, i%nT
				if x[ci][ti] <= 0 {
					continue
				}
				for j := 0; j < nC*nT; j++ {
					if j == i {
						continue
					}
					cj, tj := j/nT, j%nT
					d := math.Min(step, x[ci][ti])
					x[ci][ti] -= d
					x[cj][tj] += d
					if v := eval(x); v > cur*(1+1e-13) {
						cur, improved = v, true
						if x[ci][ti] <= 0 {
							break
						}
						continue
					}
					x[ci][ti] += d
					x[cj][tj] -= d
				}
			}
		}
	}
	return x, cur
}

// gradientAscent is a first-order allocator: projected gradient ascent on
// {x >= 0, sum x = total} with a backtracking line search, from the start
// it is given, the way generic local optimisers are used.
func gradientAscent(res *scenarios.Resolved, x [][]float64, total float64) float64 {
	nC, nT := len(x), len(x[0])
	eval := func(x [][]float64) float64 { _, tot := plan.Evaluate(res, x); return tot.Revenue }
	cur := eval(x)
	step := total
	for it := 0; it < 3000 && step > 1e-12*total; it++ {
		g := make([]float64, nC*nT)
		for i := range g {
			c, tt := i/nT, i%nT
			h := 1e-6 * total
			x[c][tt] += h
			up := eval(x)
			x[c][tt] -= h
			g[i] = (up - cur) / h
		}
		for {
			y := make([]float64, nC*nT)
			for i := range y {
				y[i] = x[i/nT][i%nT] + step*g[i]/total
			}
			y = projectSimplex(y, total)
			cand := make([][]float64, nC)
			for c := range cand {
				cand[c] = y[c*nT : (c+1)*nT]
			}
			if v := eval(cand); v > cur*(1+1e-12) {
				x, cur = cand, v
				step *= 2
				break
			}
			step /= 2
			if step <= 1e-12*total {
				break
			}
		}
	}
	return cur
}

// projectSimplex is the Euclidean projection onto {y >= 0, sum y = s}.
func projectSimplex(v []float64, s float64) []float64 {
	u := append([]float64(nil), v...)
	// sort descending
	for i := 1; i < len(u); i++ {
		for j := i; j > 0 && u[j] > u[j-1]; j-- {
			u[j], u[j-1] = u[j-1], u[j]
		}
	}
	cum, theta := 0.0, 0.0
	for i, ui := range u {
		cum += ui
		if th := (cum - s) / float64(i+1); ui-th > 0 {
			theta = th
		}
	}
	out := make([]float64, len(v))
	for i := range v {
		out[i] = math.Max(v[i]-theta, 0)
	}
	return out
}

// TestSCurveCarryOverMultiStart: S-curves with carry-over against the best
// of many local searches on the exact forward model.
func TestSCurveCarryOverMultiStart(t *testing.T) {
	rng := rand.New(rand.NewPCG(1111, 12))
	for inst := 0; inst < 4; inst++ {
		nC := 1 + inst%2
		weeks := 6 + rng.IntN(3)
		days := 7 * weeks
		var b strings.Builder
		fmt.Fprintf(&b, "horizon: {start: %s, end: %s, granularity: week}\n", ymd(day0), ymd(day0.AddDate(0, 0, days-1)))
		hsum := 0.0
		var chs strings.Builder
		names := []string{"a", "b"}[:nC]
		for _, name := range names {
			h := between(rng, 1e4, 5e4)
			hsum += h
			fmt.Fprintf(&chs, "  - name: %s\n    response: {curve: hill, beta: %.2f, half_saturation: %.2f, shape: %.3f}\n    carryover: %.3f\n",
				name, between(rng, 5e4, 3e5), h, between(rng, 2, 3), between(rng, 0.2, 0.7))
		}
		budget := math.Round(float64(weeks) * hsum / float64(nC) * between(rng, 0.25, 1))
		fmt.Fprintf(&b, "budget: {total: %.2f}\n", budget)
		b.WriteString(randomFestivals(rng, day0, days, rng.IntN(3), names))
		b.WriteString("channels:\n")
		b.WriteString(chs.String())
		y := b.String()
		t.Run(fmt.Sprintf("inst%d_%dx%d", inst, nC, weeks), func(t *testing.T) {
			res := loadYAML(t, y)
			nT := len(res.Periods)
			lr := rand.New(rand.NewPCG(uint64(inst), 99))
			bestLocal := 0.0
			for start := 0; start < 24; start++ {
				x := make([][]float64, nC)
				w := make([]float64, nC*nT)
				sum := 0.0
				for i := range w {
					// Sparse random starts: most cells empty, as good S-curve plans are.
					if lr.IntN(3) == 0 || start == 0 {
						w[i] = lr.ExpFloat64()
					}
					sum += w[i]
				}
				if sum == 0 {
					w[0], sum = 1, 1
				}
				for c := range x {
					x[c] = make([]float64, nT)
					for tt := range x[c] {
						x[c][tt] = budget * w[c*nT+tt] / sum
					}
				}
				_, v := localSearch(res, x, budget)
				bestLocal = math.Max(bestLocal, v)
			}
			r := solve(t, res, y)
			t.Logf("best of local searches %.6f, optimiser %.6f (bound %.6f, gap %.2e, %s)", bestLocal, r.Objective, r.Bound, r.Gap, r.Status)
			if r.Objective < bestLocal*(1-1e-3) {
				t.Errorf("optimiser objective %.6f is %.3f%% below the best local search %.6f\nscenario:\n%s",
					r.Objective, 100*(bestLocal-r.Objective)/bestLocal, bestLocal, y)
			}
			if r.Bound < bestLocal*(1-1e-9) {
				t.Errorf("bound %.6f is below a feasible plan's revenue %.6f\nscenario:\n%s", r.Bound, bestLocal, y)
			}
		})
	}
}

// TestBeatsEvenSplitLocalOptimum: budgets too small to saturate every week
// of an S-curve. A first-order allocator (projected gradient ascent, what
// generic optimisers do) started from the even split either cannot leave it
// (without carry-over every week has the same gradient: the even split is a
// stationary point) or, with carry-over, climbs to a local optimum of spread
// spending. The optimiser must clearly beat it and match the best pulsed
// plan found by local searches from concentrated starts.
func TestBeatsEvenSplitLocalOptimum(t *testing.T) {
	for _, tc := range []struct {
		name         string
		shape, theta float64
		rate         float64 // even weekly spend / half_saturation
		minRatio     float64 // optimiser / gradient ascent at least
	}{
		{"no-carryover", 3, 0, 0.5, 2},
		{"carryover", 4, 0.2, 1, 1.02},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const h, weeks = 40000.0, 8
			budget := tc.rate * h * weeks
			y := fmt.Sprintf(`
horizon: {start: 2027-01-04, end: 2027-02-28, granularity: week}
budget: {total: %.0f}
channels:
  - name: a
    response: {curve: hill, beta: 200000, half_saturation: %.0f, shape: %g}
    carryover: %g
`, budget, h, tc.shape, tc.theta)
			res := loadYAML(t, y)
			even := [][]float64{make([]float64, weeks)}
			for i := range even[0] {
				even[0][i] = budget / weeks
			}
			_, evenTot := plan.Evaluate(res, even)
			ga := gradientAscent(res, [][]float64{append([]float64(nil), even[0]...)}, budget)
			best := 0.0 // local searches from k equal pulses spread over the weeks
			for k := 1; k <= weeks; k++ {
				x := [][]float64{make([]float64, weeks)}
				for i := 0; i < k; i++ {
					x[0][i*weeks/k] = budget / float64(k)
				}
				_, v := localSearch(res, x, budget)
				best = math.Max(best, v)
			}
			r := solve(t, res, y)
			t.Logf("even split %.2f, gradient ascent from it %.2f, best pulsed local search %.2f, optimiser %.2f (bound %.2f, %s)",
				evenTot.Revenue, ga, best, r.Objective, r.Bound, r.Status)
			if r.Objective < tc.minRatio*ga {
				t.Errorf("optimiser %.2f does not beat the even-split local optimum %.2f by a factor %g\nscenario:%s", r.Objective, ga, tc.minRatio, y)
			}
			if r.Objective < best*(1-1e-3) {
				t.Errorf("optimiser %.2f below the best pulsed local search %.2f\nscenario:%s", r.Objective, best, y)
			}
		})
	}
}

// TestExampleProvenWithinPromise: the example scenario (S-curves with
// carry-over, minimum flights, a cash-flow window, a group) is proven within
// the promised 0.05%: the Lagrangian bound from the column-generation duals
// closes what the S-curves' concave envelope (1% above) cannot.
func TestExampleProvenWithinPromise(t *testing.T) {
	res := loadYAML(t, string(examples.Scenario))
	r, err := optimize.Solve(res, optimize.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("objective %.2f, bound %.2f, gap %.2e, %s, %.1fs", r.Objective, r.Bound, r.Gap, r.Status, r.Seconds)
	if r.Bound < r.Objective {
		t.Errorf("bound %.2f below the plan's objective %.2f", r.Bound, r.Objective)
	}
	if r.Gap > 5e-4 {
		t.Errorf("gap %.2e: the example is not proven within 0.05%%", r.Gap)
	}
}
