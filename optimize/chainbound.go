package optimize

import (
	"math"
	"time"

	"github.com/peakplan/peakplan/optimize/glpk"
	"github.com/peakplan/peakplan/scenarios"
)

// A Lagrangian bound for concave scenarios, tight to second order.
//
// The Frank-Wolfe gap of the first-order path linearises every curve over
// the whole feasible set, so it shrinks only as fast as the plan's
// gradients approach their optimal values: on a daily plan of a year with
// 20 channels it still says 0.6% when the plan is within 0.002%. This bound
// relaxes the shared limits with multipliers pi and each channel's carry-over
// equation a_t = theta_t a_{t-1} + kappa_t x_t with multipliers mu_t. What
// is left separates into one-dimensional problems per cell:
//
//	L(pi, mu) = sum_i pi_i b_i
//	          + sum_{c,t} max_{x in [lo, up]} (mu_t kappa_t - P_t) x
//	          + sum_{c,t} max_{a in [0, amax]} w rho_t W(a) - (mu_t - theta_{t+1} mu_{t+1}) a
//
// where P_t is the cell's price of spend (its objective cost and pi's rows)
// and w the weight of revenue in the objective. Every term has an exact
// maximum (a box end for x; for a concave W, where its slope meets the
// price), and L bounds the optimum for any mu and any pi of the right signs.
// Near the optimum the best mu of a cell whose spend lies between its limits
// is P_t/kappa_t, which makes its x-term vanish; the cost of mu being a
// little off then falls on the exposure terms, and those grow with the
// square of the error instead of linearly. Cells at a limit take the plan's
// own adjoint (the exposure's marginal value including what it carries
// forward), pushed to the side of P_t/kappa_t their limit allows.
//
// The multipliers pi start from the duals of the last trust-region step of
// polishing and are refined one at a time by golden-section search, since
// every pi gives a valid bound.
const (
	// chainConjIters bisects a cell's exposure problem to 2^-60 of its
	// range; the bound then adds the slope times the remaining width, so
	// it stays an upper bound whatever is left.
	chainConjIters = 60
	// chainSearchWidth is the first bracket of a multiplier's search,
	// relative to its value; chainSearchWidens bounds how often a minimum
	// on the bracket's edge widens it fourfold.
	chainSearchWidth  = 0.05
	chainSearchWidens = 3
	// chainSearchIters golden-section steps shrink a bracket to about
	// 5e-4 of its width: the bound is flat near its least value.
	chainSearchIters = 16
	// chainBoundRows: beyond this many shared rows with a price the
	// search keeps the duals as they are.
	chainBoundRows = 12
)

// chainBounder holds what the bound needs of a concave scenario.
type chainBounder struct {
	s          *solver
	base       *model
	rows       *model      // the shared limits over one column per open cell
	theta      [][]float64 // carry-over per period
	kappa      [][]float64 // exposure per unit of spend
	weight     float64     // the objective's weight on revenue
	spendPrice float64     // the objective's price of spend
}

func newChainBounder(s *solver, base *model) *chainBounder {
	res := s.res
	cb := &chainBounder{s: s, base: base, weight: base.objWeight()}
	if res.Objective == scenarios.MaximiseProfit {
		cb.spendPrice = 1
	}
	md := base.spendModel(res, base.scale)
	cb.theta = make([][]float64, md.nC)
	cb.kappa = make([][]float64, md.nC)
	for c := range res.Channels {
		ch := &res.Channels[c]
		cb.theta[c] = make([]float64, md.nT)
		cb.kappa[c] = make([]float64, md.nT)
		for t, p := range res.Periods {
			weeks := float64(p.Days) / 7
			cb.theta[c][t] = math.Pow(ch.Carryover, weeks)
			cb.kappa[c][t] = (1 - cb.theta[c][t]) / weeks / ch.CostIndex[t]
			if base.x[c][t] >= 0 {
				md.x[c][t] = md.m.col(0, 0, 0, glpk.Continuous)
			}
		}
	}
	md.aggregateRows(nil, nil, 0)
	cb.rows = md
	return cb
}

// prices returns P_t of every cell for the multipliers pi, in money per
// unit of spend, and the multipliers' constant sum_i pi_i b_i in money
// (+Inf when a multiplier points to a limit that is not there).
func (cb *chainBounder) prices(pi []float64) ([][]float64, float64) {
	m := cb.rows.m
	byCol := make([]float64, m.numCols())
	for j := range byCol {
		byCol[j] = cb.spendPrice
	}
	constant := 0.0
	for i := range m.rowLo {
		if pi[i] == 0 {
			continue
		}
		b := m.rowUp[i]
		if pi[i] < 0 {
			b = m.rowLo[i]
		}
		if math.IsInf(b, 0) {
			return nil, math.Inf(1)
		}
		constant += pi[i] * b * cb.rows.scale
		for k := m.beg[i]; k < m.beg[i+1]; k++ {
			byCol[m.ind[k]] += pi[i] * m.val[k]
		}
	}
	out := make([][]float64, cb.rows.nC)
	for c := range out {
		out[c] = make([]float64, cb.rows.nT)
		for t, j := range cb.rows.x[c] {
			if j >= 0 {
				out[c][t] = byCol[j]
			}
		}
	}
	return out, constant
}

// value returns L(pi, mu) with mu chosen from the plan spend, whose
// gradient is grad (dR/dx per cell).
func (cb *chainBounder) value(pi []float64, spend, grad [][]float64) float64 {
	price, total := cb.prices(pi)
	if math.IsInf(total, 1) {
		return total
	}
	res, md := cb.s.res, cb.base
	for c := range res.Channels {
		ch := &res.Channels[c]
		nT := len(res.Periods)
		mu := 0.0 // mu_{t+1}
		for t := nT - 1; t >= 0; t-- {
			kappa := cb.kappa[c][t]
			lambda := cb.weight * grad[c][t] / kappa
			up, lo := 0.0, 0.0
			open := md.cellOpen(c, t)
			if open {
				up = md.upper[c][t] * md.scale
				lo = math.Min(ch.Lower[t], up)
			}
			x := spend[c][t]
			at := price[c][t] / kappa // the mu that makes the x-term vanish
			var m float64
			switch {
			case !open:
				m = lambda
			case x <= lo*(1+1e-12)+1e-12 && x < up:
				m = math.Min(lambda, at)
			case x >= up*(1-1e-12):
				m = math.Max(lambda, at)
			default:
				m = at
			}
			if open {
				if coef := m*kappa - price[c][t]; coef > 0 {
					total += coef * up
				} else {
					total += coef * lo
				}
			}
			nu := m
			if t+1 < nT {
				nu -= cb.theta[c][t+1] * mu
			}
			rho := cb.weight * float64(res.Periods[t].Days) / 7 * ch.Uplift[t]
			total += exposureValue(ch.Curve.Weekly, ch.Curve.Slope, rho, nu, md.amax[c][t]*md.scale)
			mu = m
		}
	}
	return total
}

// exposureValue bounds max_{a in [0, amax]} rho W(a) - nu a from above for
// a concave W with slope dW.
func exposureValue(w, dw func(float64) float64, rho, nu, amax float64) float64 {
	f := func(a float64) float64 { return rho*w(a) - nu*a }
	d := func(a float64) float64 { return rho*dw(a) - nu }
	if amax <= 0 || d(0) <= 0 {
		return f(0)
	}
	if d(amax) >= 0 {
		return f(amax)
	}
	lo, hi := 0.0, amax
	for range chainConjIters {
		mid := 0.5 * (lo + hi)
		if d(mid) > 0 {
			lo = mid
		} else {
			hi = mid
		}
	}
	dl := d(lo)
	if math.IsInf(dl, 1) {
		return math.Inf(1)
	}
	// The tangent at lo lies above the concave function over [lo, hi].
	return f(lo) + math.Max(dl, 0)*(hi-lo)
}

// bound returns the least L found from the multipliers start, searching
// each priced row in turn until deadline.
func (cb *chainBounder) bound(start []float64, spend [][]float64, deadline time.Time) float64 {
	grad := gradient(cb.s.res, spend)
	m := cb.rows.m
	if len(start) != m.numRows() {
		start = make([]float64, m.numRows())
	}
	pi := make([]float64, len(start))
	for i, v := range start {
		// A dual of the wrong sign for the limits there are (a rounding
		// of the simplex) prices nothing.
		if (v > 0 && !math.IsInf(m.rowUp[i], 1)) || (v < 0 && !math.IsInf(m.rowLo[i], -1)) {
			pi[i] = v
		}
	}
	best := cb.value(pi, spend, grad)
	var priced []int
	for i, v := range pi {
		if v != 0 {
			priced = append(priced, i)
		}
	}
	if len(priced) > chainBoundRows {
		return best
	}
	passes := 1
	if len(priced) > 1 {
		passes = 2
	}
	for range passes {
		for _, i := range priced {
			at := func(v float64) float64 {
				old := pi[i]
				pi[i] = v
				f := cb.value(pi, spend, grad)
				pi[i] = old
				return f
			}
			width := chainSearchWidth
			for range chainSearchWidens + 1 {
				if !time.Now().Before(deadline) {
					return best
				}
				v, f, edge := goldenMin(at, pi[i], width, deadline)
				if f < best {
					best, pi[i] = f, v
				}
				if !edge {
					break
				}
				width *= 4
			}
		}
	}
	return best
}

// goldenMin searches v(1-width) .. v(1+width) (kept on v's side of 0) for
// the least f, and reports whether it lies at the bracket's edge.
func goldenMin(f func(float64) float64, v, width float64, deadline time.Time) (float64, float64, bool) {
	lo, hi := v*(1-width), v*(1+width)
	if lo > hi {
		lo, hi = hi, lo
	}
	if v > 0 {
		lo = math.Max(lo, 0)
	} else {
		hi = math.Min(hi, 0)
	}
	a, b := lo, hi
	phi := (math.Sqrt(5) - 1) / 2
	x1, x2 := b-phi*(b-a), a+phi*(b-a)
	f1, f2 := f(x1), f(x2)
	for k := 0; k < chainSearchIters && time.Now().Before(deadline); k++ {
		if f1 <= f2 {
			b, x2, f2 = x2, x1, f1
			x1 = b - phi*(b-a)
			f1 = f(x1)
		} else {
			a, x1, f1 = x1, x2, f2
			x2 = a + phi*(b-a)
			f2 = f(x2)
		}
	}
	v, fv := x1, f1
	if f2 < f1 {
		v, fv = x2, f2
	}
	span := hi - lo
	edge := v-lo < 0.02*span || hi-v < 0.02*span
	return v, fv, edge
}

// stepDuals returns the duals of the shared rows in the last linearised
// step, or nil when no step problem is kept.
func (s *solver) stepDuals() []float64 {
	if s.stepProb == nil {
		return nil
	}
	d, err := s.stepProb.RowDuals()
	if err != nil {
		return nil
	}
	return d
}
