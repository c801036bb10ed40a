package optimize

import (
	"math"
	"sort"

	"github.com/peakplan/peakplan/plan"
	"github.com/peakplan/peakplan/scenarios"
)

// Pricing a channel's schedule by dynamic programming over a grid of
// exposures: the state is the carried-over exposure a_{t-1}; a decision
// spends x_t, which moves the state to a_t = theta_t a_{t-1} + (1-theta_t)
// x_t/(weeks_t k_t). Revenue depends only on a_t, so the best schedule for
// given prices is found exactly up to the grid, S-curves and minimum flights
// included, in O(T G^2).
const (
	// dpGridPoints is the size of the exposure grid for a year of weeks;
	// gridPoints scales it with the number of periods so the O(T G^2)
	// programme stays fast on daily plans.
	dpGridPoints = 400
	// dpSaturation: exposures beyond the point where the curve is within
	// this share of its saturation add nothing worth a grid point.
	dpSaturation = 1e-5
	// dpGridLow is the smallest non-zero grid exposure, relative to the
	// curve's scale.
	dpGridLow = 1e-3
)

// pricer holds one channel's grid and per-period constants.
type pricer struct {
	res     *scenarios.Resolved
	c       int
	grid    []float64 // exposures, money per week, grid[0] = 0
	weekly  []float64 // Weekly(grid[j])
	theta   []float64
	perA    []float64 // spend per unit of exposure: weeks k / (1-theta)
	lo, up  []float64 // spend limits per period, money
	minimum []float64 // minimum flight per period, money (0 when none)
	value   [][]float64
}

func newPricer(res *scenarios.Resolved, md *model, c int) *pricer {
	ch := &res.Channels[c]
	nT := len(res.Periods)
	pr := &pricer{res: res, c: c, theta: make([]float64, nT), perA: make([]float64, nT),
		lo: make([]float64, nT), up: make([]float64, nT), minimum: make([]float64, nT)}
	top := 0.0
	for t, p := range res.Periods {
		weeks := float64(p.Days) / 7
		pr.theta[t] = math.Pow(ch.Carryover, weeks)
		pr.perA[t] = weeks * ch.CostIndex[t] / (1 - pr.theta[t])
		pr.up[t] = md.upper[c][t] * md.scale
		pr.lo[t] = math.Min(ch.Lower[t], pr.up[t])
		pr.minimum[t] = ch.MinActive[t]
		top = math.Max(top, md.amax[c][t]*md.scale)
	}
	scale := ch.Curve.Half
	if scale <= 0 {
		scale = top / 100
	}
	if sat := saturationExposure(ch.Curve); sat > 0 && sat < top {
		top = sat
	}
	low := math.Max(scale*dpGridLow, top*1e-6)
	pts := []float64{0}
	points := gridPoints(nT)
	if top > 0 {
		ratio := math.Pow(top/low, 1/float64(points-2))
		for v := low; v < top*(1+1e-12) && len(pts) < points+4; v *= ratio {
			pts = append(pts, v)
		}
		pts = append(pts, top)
		if ch.Curve.IsSCurve() {
			pts = append(pts, ch.Curve.BestAverage())
		}
		pts = append(pts, ch.Curve.Half)
	}
	sort.Float64s(pts)
	for _, p := range pts {
		if p <= top && (len(pr.grid) == 0 || p > pr.grid[len(pr.grid)-1]*(1+1e-12)) {
			pr.grid = append(pr.grid, p)
		}
	}
	pr.weekly = make([]float64, len(pr.grid))
	for j, g := range pr.grid {
		pr.weekly[j] = ch.Curve.Weekly(g)
	}
	pr.value = make([][]float64, nT+1)
	return pr
}

// gridPoints is the grid size for nT periods.
func gridPoints(nT int) int {
	switch {
	case nT <= 60:
		return dpGridPoints
	case nT <= 130:
		return dpGridPoints * 3 / 4
	}
	return dpGridPoints / 2
}

// saturationExposure is the exposure beyond which a saturating curve gains
// less than dpSaturation of its ceiling; 0 for curves that do not saturate.
func saturationExposure(cv scenarios.Curve) float64 {
	switch cv.Kind {
	case scenarios.Hill:
		// 1/(1+(h/a)^s) >= 1-eps  <=>  a >= h*((1-eps)/eps)^(1/s)
		return cv.Half * math.Pow((1-dpSaturation)/dpSaturation, 1/cv.Shape)
	case scenarios.Exponential:
		return cv.Half * -math.Log(dpSaturation)
	case scenarios.Logistic:
		// tanh(a/2h) >= 1-eps  <=>  a >= 2h*atanh(1-eps)
		return 2 * cv.Half * math.Atanh(1-dpSaturation)
	}
	return 0
}

// interp evaluates a value function between grid points.
func (pr *pricer) interp(v []float64, a float64) float64 {
	g := pr.grid
	if a <= 0 {
		return v[0]
	}
	j := sort.SearchFloat64s(g, a)
	if j >= len(g) {
		return v[len(g)-1]
	}
	if g[j] == a || j == 0 {
		return v[j]
	}
	f := (a - g[j-1]) / (g[j] - g[j-1])
	return v[j-1] + f*(v[j]-v[j-1])
}

// allowTol: a spend within this share of a period's limit or flight size
// counts as meeting it.
const allowTol = 1e-9

// allowed reports whether spend x obeys the period's limits and flight.
func (pr *pricer) allowed(t int, x float64) bool {
	const tol = allowTol
	if x < pr.lo[t]*(1-tol)-tol || x > pr.up[t]*(1+tol)+tol {
		return false
	}
	if x > tol && pr.minimum[t] > 0 && x < pr.minimum[t]*(1-tol) {
		return false
	}
	return true
}

// best returns the best decision in period t from exposure prev: the new
// exposure, the spend, and its value. revW and price weigh revenue and
// spend: the value of spending x to reach a is revW[t]*W(a) + price[t]*x +
// V_{t+1}(a).
func (pr *pricer) best(t int, prev float64, revW, price []float64) (float64, float64, float64) {
	next := pr.value[t+1]
	base := pr.theta[t] * prev
	var bestA, bestX, bestV float64
	consider := func(a, x, w, v float64) {
		val := revW[t]*w + price[t]*x + v
		if val > bestV {
			bestA, bestX, bestV = a, x, val
		}
	}
	bestA, bestX, bestV = pr.offGrid(t, base, revW, price)
	j0 := sort.SearchFloat64s(pr.grid, base*(1+1e-12))
	for j := j0; j < len(pr.grid); j++ {
		x := (pr.grid[j] - base) * pr.perA[t]
		if x > pr.up[t] {
			break
		}
		if !pr.allowed(t, x) {
			continue
		}
		consider(pr.grid[j], x, pr.weekly[j], next[j])
	}
	return bestA, bestX, bestV
}

// offGrid returns the best of the decisions off the grid in period t from
// carried exposure base: no spend, and spends at the limits. It returns the
// new exposure, the spend and the value (NaN, 0, -Inf when none is
// allowed).
func (pr *pricer) offGrid(t int, base float64, revW, price []float64) (float64, float64, float64) {
	ch := &pr.res.Channels[pr.c]
	next := pr.value[t+1]
	bestA, bestX, bestV := math.NaN(), 0.0, math.Inf(-1)
	for _, x := range [...]float64{0, pr.lo[t], math.Max(pr.lo[t], pr.minimum[t]), pr.up[t]} {
		if math.IsInf(x, 0) || !pr.allowed(t, x) {
			continue
		}
		a := base + x/pr.perA[t]
		if a > pr.grid[len(pr.grid)-1] {
			continue
		}
		if v := revW[t]*ch.Curve.Weekly(a) + price[t]*x + pr.interp(next, a); v > bestV {
			bestA, bestX, bestV = a, x, v
		}
	}
	return bestA, bestX, bestV
}

// schedule finds the spend per period that maximises
// sum_t revW[t]*W(a_t) + price[t]*x_t, and returns it.
func (pr *pricer) schedule(revW, price []float64) []float64 {
	nT := len(pr.res.Periods)
	G := len(pr.grid)
	pr.value[nT] = make([]float64, G)
	h := make([]float64, G)
	queue := make([]int, 0, G)
	for t := nT - 1; t >= 0; t-- {
		v := pr.value[t]
		if v == nil {
			v = make([]float64, G)
			pr.value[t] = v
		}
		pr.valueRow(t, revW, price, v, h, queue)
	}
	spend := make([]float64, nT)
	a := 0.0
	for t := 0; t < nT; t++ {
		na, x, val := pr.best(t, a, revW, price)
		if math.IsInf(val, -1) || math.IsNaN(na) {
			return nil // no schedule meets the limits from here
		}
		spend[t], a = x, na
	}
	return spend
}

// valueRow fills v with the value function of period t at every grid
// point: what best returns, in O(G) for the whole row. A decision that
// lands on grid point j from carried exposure base is worth
// h[j] - q*base with h[j] = revW W(g_j) + q g_j + V_{t+1}(g_j), q the value
// of a unit of exposure; the allowed j form a window that slides up as base
// grows, so a monotone queue gives each state's best in constant time.
func (pr *pricer) valueRow(t int, revW, price, v, h []float64, queue []int) {
	const tol = allowTol
	next := pr.value[t+1]
	G := len(pr.grid)
	perA, theta := pr.perA[t], pr.theta[t]
	q := price[t] * perA
	for j := range h {
		h[j] = revW[t]*pr.weekly[j] + q*pr.grid[j] + next[j]
	}
	xMin := math.Max(pr.lo[t]*(1-tol)-tol, 0)
	if pr.minimum[t] > 0 {
		xMin = math.Max(xMin, pr.minimum[t]*(1-tol))
	}
	queue = queue[:0]
	head, jLo, jHi := 0, 0, 0 // the window is [jLo, jHi)
	for i := range v {
		base := theta * pr.grid[i]
		_, _, best := pr.offGrid(t, base, revW, price)
		lo := math.Max(base*(1+1e-12), base+xMin/perA)
		for jLo < G && pr.grid[jLo] < lo {
			jLo++
		}
		for jHi < G && (pr.grid[jHi]-base)*perA <= pr.up[t] {
			for len(queue) > head && h[queue[len(queue)-1]] <= h[jHi] {
				queue = queue[:len(queue)-1]
			}
			queue = append(queue, jHi)
			jHi++
		}
		for head < len(queue) && queue[head] < jLo {
			head++
		}
		if head < len(queue) {
			best = math.Max(best, h[queue[head]]-q*base)
		}
		v[i] = best
	}
}

// shrunk returns the schedule with every spend scaled by f, or nil when a
// scaled spend breaks a period's floor or flight size.
func (pr *pricer) shrunk(spend []float64, f float64) []float64 {
	out := make([]float64, len(spend))
	for t, x := range spend {
		out[t] = x * f
		if !pr.allowed(t, out[t]) {
			return nil
		}
	}
	return out
}

// scheduleRevenue is the exact revenue of a channel's schedule.
func scheduleRevenue(res *scenarios.Resolved, c int, spend []float64) float64 {
	r := plan.ChannelRevenue(res, c, spend, plan.NominalInputs(res), nil)
	sum := 0.0
	for _, v := range r {
		sum += v
	}
	return sum
}
