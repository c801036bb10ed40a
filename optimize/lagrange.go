package optimize

import (
	"math"
	"time"

	"github.com/peakplan/peakplan/scenarios"
)

// A Lagrangian bound for scenarios with S-curves and minimum flights.
//
// Relaxing the shared limits (budget, windows, channel totals, groups, the
// revenue target and the ROAS floor) with multipliers pi leaves one problem
// per channel: the best schedule when spend in period t is worth p_t and
// revenue alpha, under the channel's own per-period limits and flights, with
// the exact curve and carry-over. For any pi of the right signs,
//
//	L(pi) = sum_c max_schedule [alpha R_c + sum_t p_t x_t] + sum_i pi_i b_i
//
// bounds the optimum (b_i is the limit the sign of pi_i points to). At the
// duals of a converged column-generation master, L(pi) is the bound of the
// problem with each channel replaced by the convex hull of its schedules:
// much tighter than the per-cell concave envelope when exposure carries over.
//
// Each channel's problem is bounded from above by a dynamic programme over a
// geometric grid of exposures. Its value function V_t(a) (a = the exposure
// carried into period t) never falls as a rises, because more carried
// exposure lets the same spend buy more revenue. So rounding every exposure
// up to the next grid point, and paying for spend at the low end of its
// grid interval, can only overstate V: the result is a valid bound whatever
// the grid. The grid's ratio is chosen so that the carry-over of the most
// common period length maps grid points onto grid points exactly; rounding
// then happens only in periods that spend. For each state the best decision
// is a range maximum over grid points, which a monotone queue answers, so a
// channel costs O(T G).
const (
	// boundGridRange: the grid runs from this share of the largest
	// reachable exposure up to it; exposures below are rounded up to its
	// first non-zero point.
	boundGridRange = 1e-8
	// boundGridMaxPoints caps the grid's size.
	boundGridMaxPoints = 4 << 20
	// boundIndexTol absorbs the rounding of theta*g_i onto g_{i-m}.
	boundIndexTol = 1e-12
)

// boundDP is one channel's bounding programme.
type boundDP struct {
	grid   []float64 // exposures, money per week; grid[0] = 0
	weekly []float64 // Weekly(grid[k])
	slope  []float64 // Slope(grid[k])
	// inflection: W is convex below it and concave above (0 for concave
	// curves).
	inflection float64
	theta      []float64 // carry-over per period
	reach      []float64 // the most exposure that can be carried into a period
	perA       []float64 // spend per unit of exposure
	pieces     [][]spendRange
}

// spendRange is an interval of allowed spends in a period (lo == hi for a
// single point).
type spendRange struct{ lo, hi float64 }

func newBoundDP(res *scenarios.Resolved, md *model, c int, ratio float64) *boundDP {
	ch := &res.Channels[c]
	nT := len(res.Periods)
	b := &boundDP{theta: make([]float64, nT), perA: make([]float64, nT), reach: make([]float64, nT), pieces: make([][]spendRange, nT)}
	top := 0.0
	daysCount := map[int]int{}
	for t, p := range res.Periods {
		weeks := float64(p.Days) / 7
		b.theta[t] = math.Pow(ch.Carryover, weeks)
		b.perA[t] = weeks * ch.CostIndex[t] / (1 - b.theta[t])
		top = math.Max(top, md.amax[c][t]*md.scale)
		if t > 0 {
			b.reach[t] = md.amax[c][t-1] * md.scale * (1 + 1e-9)
		}
		daysCount[p.Days]++
		up := 0.0
		if md.cellOpen(c, t) {
			up = md.upper[c][t] * md.scale
		}
		lo := math.Min(ch.Lower[t], up)
		if m := ch.MinActive[t]; m > 0 && lo == 0 {
			b.pieces[t] = append(b.pieces[t], spendRange{0, 0})
			if lo = math.Max(m, lo); lo > up {
				continue
			}
		} else if m > 0 {
			lo = math.Max(lo, m)
			if lo > up {
				continue // no allowed spend: the period admits nothing
			}
		}
		b.pieces[t] = append(b.pieces[t], spendRange{lo, up})
	}
	if top <= 0 {
		b.grid = []float64{0}
		b.weekly = []float64{ch.Curve.Weekly(0)}
		b.slope = []float64{0}
		return b
	}
	top *= 1 + 1e-9
	// The ratio that maps the most common period's carry-over exactly.
	common, most := 0, -1
	for d, n := range daysCount {
		if n > most || (n == most && d < common) {
			common, most = d, n
		}
	}
	r := ratio
	if th := math.Pow(ch.Carryover, float64(common)/7); th > 0 && th < 1 {
		m := math.Ceil(math.Log(1/th) / math.Log(ratio))
		if m <= boundGridMaxPoints {
			r = math.Pow(th, -1/m)
		}
	}
	low := top * boundGridRange
	n := int(math.Ceil(math.Log(top/low)/math.Log(r))) + 1
	if n > boundGridMaxPoints {
		n = boundGridMaxPoints
		r = math.Pow(top/low, 1/float64(n-1))
	}
	b.grid = make([]float64, 0, n+2)
	b.grid = append(b.grid, 0)
	for i := 0; i < n; i++ {
		b.grid = append(b.grid, low*math.Pow(r, float64(i)))
	}
	if b.grid[len(b.grid)-1] < top {
		b.grid = append(b.grid, top)
	}
	b.weekly = make([]float64, len(b.grid))
	b.slope = make([]float64, len(b.grid))
	for k, g := range b.grid {
		b.weekly[k] = ch.Curve.Weekly(g)
		b.slope[k] = ch.Curve.Slope(g)
	}
	if cv := ch.Curve; cv.IsSCurve() {
		// W'' = 0 where a^s = h^s (s-1)/(s+1).
		b.inflection = cv.Half * math.Pow((cv.Shape-1)/(cv.Shape+1), 1/cv.Shape)
	}
	return b
}

// value returns an upper bound on max over the channel's schedules of
// sum_t revW[t] W(a_t) + price[t] x_t, from no exposure. revW must be
// non-negative; -Inf means no schedule meets the channel's own limits.
func (b *boundDP) value(revW, price []float64) float64 {
	G := len(b.grid)
	nT := len(b.theta)
	next := make([]float64, G) // bound on V_{t+1} at each grid point
	cur := make([]float64, G)
	h := make([]float64, G)
	queue := make([]int, 0, G)
	for t := nT - 1; t >= 0; t-- {
		// Exposure carried into t never exceeds reach[t]: grid points above
		// it take its value (V is monotone, and no real state lies there).
		top := b.ceilIndex(b.reach[t], 0)
		for i := 0; i <= top; i++ {
			cur[i] = math.Inf(-1)
		}
		p, perA, theta := price[t], b.perA[t], b.theta[t]
		q := p * perA // value of a unit of exposure bought now
		rw := revW[t]
		// h[k] bounds rw W(a) + q a + V_{t+1}(a) over the grid interval
		// (g_{k-1}, g_k]; landing there from carried exposure base is worth
		// h[k] - q base.
		for k := 1; k < G; k++ {
			h[k] = b.intervalMax(rw, q, k) + next[k]
		}
		for _, piece := range b.pieces[t] {
			queue = queue[:0]
			head := 0
			kLo, kHi, pushed := 0, 0, 1 // pushed: the next interior index to enter the queue
			loA, hiA := piece.lo/perA, piece.hi/perA
			for i := 0; i <= top; i++ {
				base := theta * b.grid[i]
				kLo = b.ceilIndex(base+loA, kLo)
				kHi = b.ceilIndex(base+hiA, kHi)
				best := b.edge(rw, next, kLo, base, piece, p, perA)
				if kHi > kLo {
					if e := b.edge(rw, next, kHi, base, piece, p, perA); e > best {
						best = e
					}
				}
				// Interior k in (kLo, kHi): the whole interval is allowed.
				if pushed <= kLo {
					pushed = kLo + 1
				}
				for ; pushed < kHi; pushed++ {
					for len(queue) > head && h[queue[len(queue)-1]] <= h[pushed] {
						queue = queue[:len(queue)-1]
					}
					queue = append(queue, pushed)
				}
				for head < len(queue) && queue[head] <= kLo {
					head++
				}
				if head < len(queue) && queue[head] < kHi {
					if v := h[queue[head]] - q*base; v > best {
						best = v
					}
				}
				if best > cur[i] {
					cur[i] = best
				}
			}
		}
		for i := top + 1; i < G; i++ {
			cur[i] = cur[top]
		}
		next, cur = cur, next
	}
	return next[0]
}

// intervalMax bounds psi(a) = rw W(a) + q a over the grid interval
// (g_{k-1}, g_k]: by its larger end where W is convex, by the tangents at
// both ends where W is concave, and otherwise by W's largest value with the
// larger spend term.
func (b *boundDP) intervalMax(rw, q float64, k int) float64 {
	l, u := b.grid[k-1], b.grid[k]
	psiL, psiU := rw*b.weekly[k-1]+q*l, rw*b.weekly[k]+q*u
	crude := rw*b.weekly[k] + q*l
	if q > 0 {
		crude = rw*b.weekly[k] + q*u
	}
	var m float64
	switch {
	case u <= b.inflection:
		m = psiL
		if psiU > m {
			m = psiU
		}
	case l >= b.inflection && b.slope[k-1] < math.MaxFloat64:
		d := u - l
		m = psiL
		if dl := rw*b.slope[k-1] + q; dl > 0 {
			m += dl * d
		}
		mu := psiU
		if du := rw*b.slope[k] + q; du < 0 {
			mu -= du * d
		}
		if mu < m {
			m = mu
		}
	default:
		return crude
	}
	if crude < m {
		return crude
	}
	return m
}

// ceilIndex is the first grid index at or above a (clamped to the last),
// searching forward from k.
func (b *boundDP) ceilIndex(a float64, k int) int {
	last := len(b.grid) - 1
	for k < last && b.grid[k] < a*(1-boundIndexTol) {
		k++
	}
	return k
}

// edge is the value of landing in grid interval k when only part of it is
// reachable with spend in the piece.
func (b *boundDP) edge(rw float64, next []float64, k int, base float64, piece spendRange, p, perA float64) float64 {
	xl := piece.lo
	if k > 0 {
		if v := (b.grid[k-1] - base) * perA; v > xl {
			xl = v
		}
	}
	xh := piece.hi
	if k < len(b.grid)-1 { // beyond the grid the reachable exposures end below it
		if v := (b.grid[k] - base) * perA; v < xh {
			xh = v
		}
	}
	if xl > xh {
		xl = xh
	}
	pay := p * xl
	if p > 0 {
		pay = p * xh
	}
	return rw*b.weekly[k] + next[k] + pay
}

// masterDuals are the final duals of a column-generation master, by row.
type masterDuals struct {
	rowName []string
	value   []float64
}

// Refinement of the Lagrangian bound: the grid's ratio starts coarse and
// shrinks by these steps while the gap stays above the target and the next
// step fits the time set aside. A step costs about as much more than the
// one before as its ratio is finer.
var boundGridSteps = []float64{1e-2, 2e-3, 5e-4, 1.5e-4, 5e-5, 1.5e-5}

// boundFirstShare and boundTimeShare are the shares of the remaining
// time that the Lagrangian bound may take before exploring the patterns
// (a coarse bound decides whether to explore) and after (the rest of the
// refinement): a better plan is worth more than a finer bound.
const (
	boundFirstShare = 0.1
	boundTimeShare  = 0.5
)

// boundStallShare stops refining once a finer grid gained less than this
// share of the gap left: the grid's error shrinks geometrically, so what
// remains is the relaxation's own gap, which no grid closes.
const boundStallShare = 0.01

// dualBound returns the best Lagrangian bound at the column-generation
// duals that share of the remaining time allows, refining the grid until
// the gap to the plan's objective obj is within the target; ok is false
// when there are no duals. A later call goes on from the grid where the
// last one stopped.
func (s *solver) dualBound(obj, share float64) (float64, bool) {
	if s.duals == nil {
		return 0, false
	}
	bd := &s.bound
	if bd.lg == nil {
		lg, ok := s.newLagrangian(s.duals)
		if !ok {
			return 0, false
		}
		bd.lg = lg
	}
	deadline := time.Now().Add(time.Duration(float64(s.remaining()) * share))
	for ; bd.next < len(boundGridSteps) && !bd.done; bd.next++ {
		step := boundGridSteps[bd.next]
		if bd.next > 0 {
			growth := boundGridSteps[bd.next-1] / step
			if time.Now().Add(time.Duration(float64(bd.took) * growth)).After(deadline) {
				break
			}
		}
		began := time.Now()
		b, ok := s.lagrangeBound(bd.lg, 1+step)
		bd.took = time.Since(began)
		if !ok {
			bd.done = true
			break
		}
		s.trace("Lagrangian bound %.8g (grid ratio 1+%.1e, %.2fs)", b, step, bd.took.Seconds())
		gained := math.Inf(1)
		if bd.found {
			gained = sign(s.maximise()) * (bd.best - b)
		}
		if !bd.found || s.better(bd.best, b) {
			bd.best, bd.found = b, true
		}
		if relGap(obj, bd.best, s.maximise()) <= s.opts.Gap || gained < boundStallShare*math.Abs(bd.best-obj) {
			bd.next++
			break
		}
	}
	return bd.best, bd.found
}

// boundProgress is where the refinement of the Lagrangian bound stands.
type boundProgress struct {
	lg    *lagrangian
	next  int           // the next grid step of boundGridSteps
	took  time.Duration // the last step's time
	best  float64
	found bool
	done  bool // the relaxation gives no bound
}

// lagrangian is the Lagrangian relaxation at a master's duals: every
// channel's pricing weights and the constant sum_i pi_i b_i, in money.
type lagrangian struct {
	ref         *model // every channel as schedules, for its shared rows
	revW, price [][]float64
	constant    float64
}

// newLagrangian relaxes the shared limits with the master's duals, or
// reports false when the duals cannot give a bound.
func (s *solver) newLagrangian(md *masterDuals) (*lagrangian, bool) {
	res := s.res
	// A model with every channel as schedules has every channel's
	// coefficients in the shared rows; its rows are found by name.
	ref := newModelWith(res, true, true)
	ref.build()
	byName := make(map[string]int)
	for i, name := range md.rowName {
		if name != "" {
			byName[name] = i
		}
	}
	sigma := sign(s.maximise())
	pi := make([]float64, ref.m.numRows())
	lg := &lagrangian{ref: ref, revW: make([][]float64, ref.nC), price: make([][]float64, ref.nC)}
	for i, name := range ref.m.rowName {
		if name == "" {
			continue
		}
		j, found := byName[name]
		if !found {
			return nil, false
		}
		y := md.value[j]
		// The sign of a dual says which limit binds: for a maximum, a
		// positive dual goes with the upper limit. A dual pointing at a
		// missing limit is noise and is dropped.
		lim := ref.m.rowUp[i]
		if sigma*y < 0 {
			lim = ref.m.rowLo[i]
		}
		if math.IsInf(lim, 0) || math.IsNaN(y) {
			y = 0
		}
		pi[i] = y
		if y != 0 {
			lg.constant += y * lim * ref.scale
		}
	}
	// The revenue weight must not be negative, or more exposure could be
	// worth less and the programme's rounding would not bound.
	if sigma*ref.objWeightWith(pi) < 0 {
		return nil, false
	}
	for c := range res.Channels {
		lg.revW[c], lg.price[c] = pricesFor(ref, pi, c, sigma)
	}
	return lg, true
}

// lagrangeBound returns the Lagrangian bound with a grid of the given
// ratio, or ok false when a channel has no schedule within its own limits.
func (s *solver) lagrangeBound(lg *lagrangian, ratio float64) (float64, bool) {
	res := s.res
	values := make([]float64, len(res.Channels))
	parallelChannels(len(res.Channels), func(int) bool { return true }, func(c int) {
		values[c] = newBoundDP(res, lg.ref, c, ratio).value(lg.revW[c], lg.price[c])
	})
	sigma := sign(s.maximise())
	total := lg.constant
	for _, v := range values {
		if math.IsInf(v, -1) {
			return 0, false
		}
		total += sigma * v
	}
	return total, true
}

// objWeightWith is alpha, the value of a unit of revenue, under duals pi of
// md's rows.
func (md *model) objWeightWith(pi []float64) float64 {
	alpha := md.objWeight()
	for _, r := range []int{md.targetRow, md.roasRow} {
		if r >= 0 {
			alpha -= pi[r]
		}
	}
	return alpha
}

// pricesFor returns channel c's pricing weights under duals pi of md's rows
// (see master.prices).
func pricesFor(md *model, pi []float64, c int, sigma float64) (revW, price []float64) {
	alpha := md.objWeightWith(pi)
	cost := md.spendCost()
	revW = make([]float64, md.nT)
	price = make([]float64, md.nT)
	for t := 0; t < md.nT; t++ {
		revW[t] = sigma * alpha * md.rho[c][t]
		p := cost
		for _, rc := range md.cellRows[c][t] {
			p -= pi[rc.row] * rc.coef
		}
		price[t] = sigma * p
	}
	return revW, price
}
