// Package optimize finds the spend per channel and period that optimises a
// scenario's objective, with GLPK, and proves how close to the optimum it is.
//
// The response curves are not linear, so the model bounds each cell's
// revenue from above by linear pieces: tangent lines where the curve is
// concave and chords where it is convex (the lower part of an S-curve). That
// model is a relaxation: its optimum is an upper bound on the true optimum,
// and the exact forward-model value of its spend is a lower bound. Rounds of
// refinement add tangents and breakpoints where the solution sits until the
// two meet within the target gap.
package optimize

import (
	"math"

	"github.com/peakplan/peakplan/optimize/glpk"
	"github.com/peakplan/peakplan/scenarios"
)

// Tolerances and sizes of the formulation.
const (
	// maxPointsPerCell caps the tangents of one cell, so a
	// stubborn cell cannot grow the model without end.
	maxPointsPerCell = 40
	// pointMergeTol: a new point closer than this (relative to the curve's
	// scale) to an existing one adds nothing.
	pointMergeTol = 1e-6
	// fallbackSpendFactor bounds one cell's spend, when the scenario gives
	// no limit at all, at this multiple of the revenue target.
	fallbackSpendFactor = 1000
)

// model is a linear model of a scenario, in money units of scale. In
// bound mode every channel is a set of cells whose revenue is bounded by
// tangents of its curve (of the concave envelope for S-curves), which makes
// a convex relaxation. In column-generation mode the channels with S-curves
// or minimum flights are instead convex combinations of whole schedules
// (see colgen.go).
type model struct {
	res   *scenarios.Resolved
	scale float64 // money unit of the model: values are divided by it
	nC    int
	nT    int

	cg []bool // channel c enters through schedules (column generation)

	x, a, w [][]int // columns per channel and period; -1 where absent

	upper    [][]float64 // scaled cap on x per cell
	amax     [][]float64 // scaled cap on exposure per cell
	rho      [][]float64 // revenue per unit of weekly revenue: d/7 * u
	tangents [][][]float64

	cellRows [][][]rowCoef // cg: the shared rows a cell's spend enters
	convRow  []int         // cg: sum_k lambda_k = 1

	budgetRow, targetRow, roasRow int
	targetExtra, roasExtra        float64 // tightening after a shortfall, scaled
	m                             *lp
}

// weekly is the scaled function that bounds a cell's weekly revenue: the
// curve itself, or for an S-curve its concave envelope (the line from the
// origin to the point of best average return, then the curve), so that the
// bound model is a relaxation.
func (md *model) weekly(c int, a float64) float64 {
	cv := md.res.Channels[c].Curve
	if cv.IsSCurve() {
		if star := cv.BestAverage() / md.scale; a < star {
			return a * cv.Weekly(star*md.scale) / (star * md.scale)
		}
	}
	return cv.Weekly(a*md.scale) / md.scale
}

// slope is the derivative of weekly.
func (md *model) slope(c int, a float64) float64 {
	cv := md.res.Channels[c].Curve
	if cv.IsSCurve() {
		if star := cv.BestAverage() / md.scale; a < star {
			return cv.Weekly(star*md.scale) / (star * md.scale)
		}
	}
	return cv.Slope(a * md.scale)
}

// nonconvex reports whether a channel needs whole schedules: an S-curve or
// a minimum flight size makes its revenue per cell non-concave in spend.
func nonconvex(ch *scenarios.ChannelPlan) bool {
	if ch.Curve.IsSCurve() {
		return true
	}
	for _, m := range ch.MinActive {
		if m > 0 {
			return true
		}
	}
	return false
}

// newModel prepares caps, scale and the first tangents of every cell. With
// columns set, channels with S-curves or minimum flights enter through
// schedules.
func newModel(res *scenarios.Resolved, columns bool) *model {
	return newModelWith(res, columns, false)
}

// newModelWith is newModel where, with every set, every channel enters
// through schedules: the master is then only the shared limits, whatever
// the number of cells.
func newModelWith(res *scenarios.Resolved, columns, every bool) *model {
	md := &model{res: res, nC: len(res.Channels), nT: len(res.Periods), budgetRow: -1, targetRow: -1, roasRow: -1}
	md.scale = moneyScale(res)
	md.cg = make([]bool, md.nC)
	md.upper = make([][]float64, md.nC)
	md.amax = make([][]float64, md.nC)
	md.rho = make([][]float64, md.nC)
	md.tangents = make([][][]float64, md.nC)
	for c := range res.Channels {
		ch := &res.Channels[c]
		md.cg[c] = columns && (every || nonconvex(ch))
		md.upper[c] = make([]float64, md.nT)
		md.amax[c] = make([]float64, md.nT)
		md.rho[c] = make([]float64, md.nT)
		md.tangents[c] = make([][]float64, md.nT)
		prev := 0.0
		for t, p := range res.Periods {
			weeks := float64(p.Days) / 7
			md.upper[c][t] = cellCap(res, c, t) / md.scale
			e := md.upper[c][t] / weeks / ch.CostIndex[t]
			theta := math.Pow(ch.Carryover, weeks)
			prev = (1-theta)*e + theta*prev
			md.amax[c][t] = prev
			md.rho[c][t] = weeks * ch.Uplift[t]
			md.tangents[c][t] = md.initialPoints(c, prev)
		}
	}
	return md
}

// spendModel returns an empty model of res over base's cells, in money
// units of scale, for the LPs whose only columns are spends: the
// linearised steps, the limit check, the knapsack's MIP and the chain
// bound's rows. (res may differ from base's: the marginal ROAS steps with
// more budget.)
func (base *model) spendModel(res *scenarios.Resolved, scale float64) *model {
	md := &model{res: res, scale: scale, nC: base.nC, nT: base.nT, budgetRow: -1, targetRow: -1, roasRow: -1,
		cg: make([]bool, base.nC), upper: base.upper}
	md.m = newLP()
	md.x = grid(md.nC, md.nT)
	return md
}

// anyNonconvex reports whether some channel has an S-curve or a minimum
// flight.
func anyNonconvex(res *scenarios.Resolved) bool {
	for c := range res.Channels {
		if nonconvex(&res.Channels[c]) {
			return true
		}
	}
	return false
}

// moneyScale picks the model's money unit so that spends, exposures and
// revenues are numbers near 1 to 1000, which keeps the simplex well
// conditioned: a tenth of the largest half saturation, or of the most the
// plan can spend when that is less. The simplex meets a limit to about
// 1e-7 of the unit; with a unit far above what the plan can spend (a
// half saturation of 3e12 beside a budget of 2,623), that slack is larger
// than the limits themselves.
func moneyScale(res *scenarios.Resolved) float64 {
	s := 0.0
	for _, ch := range res.Channels {
		if ch.Curve.Half > 0 {
			s = max(s, ch.Curve.Half)
		}
	}
	if reach := spendReach(res); reach > 0 && reach < s {
		s = reach
	}
	if s == 0 {
		if !math.IsInf(res.BudgetTotal, 1) && res.BudgetTotal > 0 {
			s = res.BudgetTotal / 1000
		} else {
			s = 1000
		}
	}
	return math.Max(s/10, 1e-6)
}

// spendReach is the most a plan can spend under the budget and the
// channels' own limits (+Inf without any).
func spendReach(res *scenarios.Resolved) float64 {
	caps := 0.0
	for c := range res.Channels {
		ch := &res.Channels[c]
		sum := 0.0
		for t := range res.Periods {
			sum += cellCap(res, c, t)
		}
		caps += math.Min(sum, ch.SpendMax)
	}
	return math.Min(caps, res.BudgetTotal)
}

// cellCap is the most channel c can spend in period t under the linear
// limits taken one at a time.
func cellCap(res *scenarios.Resolved, c, t int) float64 {
	ch := &res.Channels[c]
	if ch.AvailableDays[t] == 0 {
		return 0
	}
	u := math.Min(ch.Upper[t], ch.SpendMax)
	u = math.Min(u, res.BudgetTotal)
	for _, w := range res.Windows {
		if w.Share[t] > 0 && !math.IsInf(w.Max, 1) {
			u = math.Min(u, w.Max/w.Share[t])
		}
	}
	if math.IsInf(u, 1) {
		u = fallbackSpendFactor * math.Max(res.TargetRevenue, 1)
	}
	return math.Max(u, ch.Lower[t])
}

// initialPoints returns a cell's first tangent points: a geometric grid
// around the curve's scale (from the point of best average return on, for an
// S-curve's envelope), clipped to the exposures the cell can reach.
func (md *model) initialPoints(c int, amax float64) []float64 {
	ch := &md.res.Channels[c]
	if amax <= 0 || ch.Curve.Kind == scenarios.Linear {
		return nil
	}
	half := ch.Curve.Half / md.scale
	lo := 0.0
	var pts []float64
	if ch.Curve.IsSCurve() {
		lo = ch.Curve.BestAverage() / md.scale
		pts = append(pts, 0, lo) // the envelope's line, then the curve
	} else if !math.IsInf(md.slope(c, 0), 1) {
		pts = append(pts, 0)
	}
	for k := -3; k <= 5; k++ {
		pts = append(pts, half*math.Pow(2, float64(k)))
	}
	pts = append(pts, amax)
	out := pts[:0]
	for _, p := range pts {
		if (p == 0 || p >= lo) && p <= amax {
			out = append(out, p)
		}
	}
	return out
}

// build writes the whole model.
func (md *model) build() {
	res := md.res
	m := newLP()
	md.m = m
	md.x = grid(md.nC, md.nT)
	md.a = grid(md.nC, md.nT)
	md.w = grid(md.nC, md.nT)
	md.convRow = make([]int, md.nC)
	wt := md.objWeight()
	for c := range res.Channels {
		ch := &res.Channels[c]
		md.convRow[c] = -1
		if md.cg[c] {
			md.convRow[c] = m.row(1, 1, "", nil, nil)
			continue
		}
		first := -1
		for t := range res.Periods {
			if !md.cellOpen(c, t) {
				continue
			}
			if first < 0 {
				first = t
			}
			obj := 0.0
			switch res.Objective {
			case scenarios.MaximiseProfit:
				obj = -1
			case scenarios.MinimiseSpend:
				obj = 1
			}
			up := md.upper[c][t]
			lo := math.Min(ch.Lower[t]/md.scale, up)
			md.x[c][t] = m.col(lo, up, obj, glpk.Continuous)
		}
		if first < 0 {
			continue
		}
		prevA := -1
		for t := first; t < md.nT; t++ {
			p := res.Periods[t]
			weeks := float64(p.Days) / 7
			theta := math.Pow(ch.Carryover, weeks)
			md.a[c][t] = m.col(0, md.amax[c][t], 0, glpk.Continuous)
			// a_t - theta_t a_{t-1} - (1-theta_t) x_t/(weeks k_t) = 0
			m.row(0, 0, "", []int{md.a[c][t], prevA, md.x[c][t]},
				[]float64{1, -theta, -(1 - theta) / weeks / ch.CostIndex[t]})
			prevA = md.a[c][t]
			if ch.Curve.Kind == scenarios.Linear {
				// r = rho*roas*a exactly; the revenue sits on the exposure column.
				m.colObj[md.a[c][t]] += wt * md.rho[c][t] * ch.Curve.ROAS
				continue
			}
			// W is increasing, so W(amax) caps the cell even before any cut
			// (and is the only cap of a cell that can hold no exposure).
			md.w[c][t] = m.col(0, md.weekly(c, md.amax[c][t]), wt*md.rho[c][t], glpk.Continuous)
		}
	}
	rInd, rVal := md.revenueTerms()
	md.aggregateRows(rInd, rVal, 0)
	for c := range res.Channels {
		for t := 0; t < md.nT; t++ {
			if md.w[c][t] >= 0 {
				for _, p := range md.tangents[c][t] {
					md.tangentRow(c, t, p)
				}
			}
		}
	}
}

// objWeight is the objective coefficient of one unit of scaled revenue.
func (md *model) objWeight() float64 {
	switch md.res.Objective {
	case scenarios.MaximiseProfit:
		return md.res.Margin
	case scenarios.MinimiseSpend:
		return 0
	}
	return 1
}

// tangentRow adds w <= W(p) + W'(p)(a - p) for a concave cell. Every
// tangent of a concave curve lies above it, so the row keeps the model a
// relaxation wherever it touches; it touches where the row stays well
// scaled, since a row whose coefficients span many orders of magnitude
// can make the simplex stop short of the optimum and so below a plan
// that exists (a hill with shape 0.557 touched at 1e-9 of its half
// saturation gave a slope of 1.7e7 next to 1, and a bound 9e-5 too low).
// A curve with an infinite slope at 0 (hill with shape < 1) is touched no
// nearer to 0 than tangentFloor of its half saturation. A slope too flat
// to matter over the cell's exposures becomes the constant it is worth
// at the cell's cap.
func (md *model) tangentRow(c, t int, p float64) {
	half := md.res.Channels[c].Curve.Half / md.scale
	if math.IsInf(md.slope(c, 0), 1) {
		p = math.Max(p, half*tangentFloor)
	}
	wp, sp := md.weekly(c, p), md.slope(c, p)
	if reach := md.amax[c][t] - p; sp*math.Max(reach, p) <= flatCut*math.Max(wp, 1) {
		md.m.row(math.Inf(-1), wp+sp*math.Max(reach, 0), "", []int{md.w[c][t]}, []float64{1})
		return
	}
	md.m.row(math.Inf(-1), wp-sp*p, "", []int{md.w[c][t], md.a[c][t]}, []float64{1, -sp})
}

const (
	// tangentFloor is how near to 0, as a share of the half saturation,
	// a curve whose slope grows without bound at 0 is touched.
	tangentFloor = 1e-4
	// flatCut: a tangent whose slope changes the bound by less than this
	// share over the cell's exposures is taken as flat.
	flatCut = 1e-9
)

// revenueTerms returns the columns and coefficients of total revenue R
// (scaled).
func (md *model) revenueTerms() ([]int, []float64) {
	var ind []int
	var val []float64
	for c := range md.res.Channels {
		ch := &md.res.Channels[c]
		if md.cg[c] {
			continue // schedules bring their revenue with them
		}
		for t := 0; t < md.nT; t++ {
			if ch.Curve.Kind == scenarios.Linear {
				if md.a[c][t] >= 0 {
					ind = append(ind, md.a[c][t])
					val = append(val, md.rho[c][t]*ch.Curve.ROAS)
				}
			} else if md.w[c][t] >= 0 {
				ind = append(ind, md.w[c][t])
				val = append(val, md.rho[c][t])
			}
		}
	}
	return ind, val
}

// aggregateRows adds the limits over many cells: budget, windows, channel
// totals, groups, the revenue target and the ROAS floor. Each is named after
// the scenario field it comes from, for the infeasibility report. Revenue
// (scaled) is rConst + sum rVal[i]*col[rInd[i]]. Cells of schedule channels
// have no spend column: their coefficients are kept in cellRows, and each
// schedule column carries them (colgen.go).
func (md *model) aggregateRows(rInd []int, rVal []float64, rConst float64) {
	res := md.res
	inf := math.Inf(1)
	md.cellRows = make([][][]rowCoef, md.nC)
	for c := range md.cellRows {
		md.cellRows[c] = make([][]rowCoef, md.nT)
	}
	all := func(coef func(c, t int) float64) *rowAcc {
		acc := &rowAcc{}
		for c := range res.Channels {
			for t := 0; t < md.nT; t++ {
				if v := coef(c, t); v != 0 {
					md.term(acc, c, t, v)
				}
			}
		}
		return acc
	}
	one := func(c, t int) float64 { return 1 }
	if !math.IsInf(res.BudgetTotal, 1) {
		md.budgetRow = md.addRow(math.Inf(-1), res.BudgetTotal/md.scale, budgetRowName, all(one))
	}
	for i, w := range res.Windows {
		lo := w.Min / md.scale
		if lo == 0 {
			lo = math.Inf(-1)
		}
		md.addRow(lo, w.Max/md.scale, windowName(i), all(func(c, t int) float64 { return w.Share[t] }))
	}
	for c, ch := range res.Channels {
		if ch.SpendMin > 0 || !math.IsInf(ch.SpendMax, 1) {
			lo := ch.SpendMin / md.scale
			if lo == 0 {
				lo = math.Inf(-1)
			}
			md.addRow(lo, ch.SpendMax/md.scale, "channel "+quote(ch.Name)+" spend",
				all(func(c2, t int) float64 { return b2f(c2 == c) }))
		}
	}
	for gi, g := range res.Groups {
		// sum_{c in g} x - share * sum_all x, bounded below (min) or above (max)
		member := make(map[int]bool)
		for _, c := range g.Channels {
			member[c] = true
		}
		if g.MinShare > 0 {
			md.addRow(0, inf, groupName(gi, g.Name, true),
				all(func(c, t int) float64 { return b2f(member[c]) - g.MinShare }))
		}
		if g.MaxShare < 1 {
			md.addRow(math.Inf(-1), 0, groupName(gi, g.Name, false),
				all(func(c, t int) float64 { return b2f(member[c]) - g.MaxShare }))
		}
	}
	if res.Objective == scenarios.MinimiseSpend {
		acc := &rowAcc{ind: rInd, val: rVal}
		md.targetRow = md.addRow(res.TargetRevenue/md.scale+md.targetExtra-rConst, inf, "target_revenue", acc)
	}
	if res.MinROAS > 0 {
		acc := all(func(c, t int) float64 { return -res.MinROAS })
		// Revenue may sit on the spend columns themselves (the linearised
		// steps of polishing): merge, as GLPK refuses a column twice in a row.
		at := make(map[int]int, len(acc.ind))
		for i, j := range acc.ind {
			at[j] = i
		}
		for i, j := range rInd {
			if k, ok := at[j]; ok {
				acc.val[k] += rVal[i]
				continue
			}
			at[j] = len(acc.ind)
			acc.ind = append(acc.ind, j)
			acc.val = append(acc.val, rVal[i])
		}
		md.roasRow = md.addRow(md.roasExtra-rConst, inf, "min_roas", acc)
	}
}

// budgetRowName names the total budget's row after its scenario field.
const budgetRowName = "budget.total"

// rowCoef is a schedule channel cell's coefficient in a shared row.
type rowCoef struct {
	row  int
	coef float64
}

// rowAcc gathers a row's terms.
type rowAcc struct {
	ind   []int
	val   []float64
	cells []cellCoef
}

type cellCoef struct {
	c, t int
	coef float64
}

// term adds coef*x[c,t] to a row: on the spend column, or for a schedule
// channel into the cell's list of rows.
func (md *model) term(acc *rowAcc, c, t int, coef float64) {
	if j := md.x[c][t]; j >= 0 {
		acc.ind = append(acc.ind, j)
		acc.val = append(acc.val, coef)
	} else if md.cg[c] && md.cellOpen(c, t) {
		acc.cells = append(acc.cells, cellCoef{c: c, t: t, coef: coef})
	}
}

func (md *model) addRow(lo, up float64, name string, acc *rowAcc) int {
	r := md.m.row(lo, up, name, acc.ind, acc.val)
	for _, cc := range acc.cells {
		md.cellRows[cc.c][cc.t] = append(md.cellRows[cc.c][cc.t], rowCoef{row: r, coef: cc.coef})
	}
	return r
}

// cellOpen reports whether channel c may spend in period t.
func (md *model) cellOpen(c, t int) bool {
	return md.res.Channels[c].AvailableDays[t] > 0 && md.upper[c][t] > 0
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func grid(nC, nT int) [][]int {
	g := make([][]int, nC)
	for c := range g {
		g[c] = make([]int, nT)
		for t := range g[c] {
			g[c][t] = -1
		}
	}
	return g
}
