package optimize

import (
	"math"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/peakplan/peakplan/optimize/glpk"
	"github.com/peakplan/peakplan/plan"
	"github.com/peakplan/peakplan/scenarios"
)

// Exploring flight patterns. Column generation offers each channel with an
// S-curve or a minimum flight the schedules that are best for some prices;
// when few channels share the limits, the best plan may use a pattern that
// no prices single out (a budget between two priced schedules), and
// polishing keeps the pattern it is given. While the bound leaves a gap,
// explore tries other patterns one move at a time: switch a dark cell on,
// switch an active cell off, move a cell's spend to a dark period, or shift
// a channel's whole pattern by some periods. Each
// candidate is polished on the exact model and kept when it meets every
// limit and is better.
const (
	// exploreShare and exploreMax bound the time exploring takes.
	exploreShare = 0.5
	exploreMax   = 20 * time.Second
	// explorePolishIters bounds the polishing of one candidate.
	explorePolishIters = 40
	// exploreTol: a candidate must beat the plan by this share to be kept.
	exploreTol = 1e-9
	// exploreKicks bounds the kicks out of a local optimum; a kick goes
	// to a plan at least exploreKickMin (relative) away in objective.
	exploreKicks   = 4
	exploreKickMin = 1e-6
)

// explore improves s.best by moves on the flight patterns of the channels
// with S-curves or minimum flights, until a full round of moves finds
// nothing or the time set aside runs out.
func (s *solver) explore() {
	if s.best == nil || !anyNonconvex(s.res) {
		return
	}
	began := time.Now()
	deadline := began.Add(min(time.Duration(float64(s.remaining())*exploreShare), exploreMax))
	half := began.Add(deadline.Sub(began) / 2)
	rng := rand.New(rand.NewPCG(1, 2)) // fixed: the same scenario gives the same plan
	// Iterated local search: when a round finds nothing, the best move
	// that made a feasible plan (though a worse one) kicks the search out
	// of its local optimum, exploreKicks times at most; the best plan seen
	// is kept. A kick whose search leads straight back to the best plan is
	// over at once, and the next candidate of the best plan's round kicks.
	best := &Result{Spend: s.best.Spend, Objective: s.best.Objective}
	kicks := 0
	same := func(a, b float64) bool { return math.Abs(a-b) <= exploreKickMin*math.Abs(b) }
	var kicked []float64 // the objectives kicked to
	fresh := func(obj float64) bool {
		for _, o := range append(kicked, best.Objective) {
			if same(obj, o) {
				return false
			}
		}
		return true
	}
	var pool []*Result // the last round without gain: its feasible candidates
	restarts := 0
	// The knapsack's plans from the first plan are the first restarts:
	// tried at once they can lead the single moves astray, tried as
	// restarts they are searches of their own.
	seeds := s.exploreSeeds
	for _, mv := range s.reallocations() {
		if sp := mv.apply(s, s.best.Spend); sp != nil {
			seeds = append(seeds, sp)
		}
	}
	for round := 0; time.Now().Before(deadline); round++ {
		improved, returned := false, false
		var cands []*Result
		moves := s.patternMoves()
		rng.Shuffle(len(moves), func(i, j int) { moves[i], moves[j] = moves[j], moves[i] })
		small := s.smallFlightsOff()
		moves = append(small, without(moves, small)...)
		// The knapsack's jumps come last, when the single moves have done
		// what they can: tried first, a jump to a better plan can lead
		// the single moves to a worse local optimum than they would have
		// reached.
		moves = append(moves, s.reallocations()...)
		for _, mv := range moves {
			if !time.Now().Before(deadline) || (len(seeds) > 0 && time.Now().After(half)) {
				break
			}
			cand := mv.apply(s, s.best.Spend)
			if cand == nil {
				continue
			}
			r := s.polishStart(cand, deadline)
			if r == nil {
				continue
			}
			spend, obj := r.Spend, r.Objective
			if s.better(obj, s.best.Objective+sign(s.maximise())*exploreTol*math.Abs(s.best.Objective)) {
				s.trace("explore: %s channel %d period %d -> %d: %.10g", mv.kind, mv.c, mv.t, mv.to, obj)
				s.best.Spend, s.best.Objective = spend, obj
				improved = true
				if kicks > 0 && same(obj, best.Objective) {
					returned = true
					break
				}
			} else {
				cands = append(cands, &Result{Spend: spend, Objective: obj})
			}
		}
		if s.better(s.best.Objective, best.Objective) {
			best.Spend, best.Objective = s.best.Spend, s.best.Objective
			pool = nil
		}
		// Half way through, the search from the first plan gives way to
		// the reallocations' own searches.
		halfway := len(seeds) > 0 && time.Now().After(half)
		if improved && !returned && !halfway {
			continue
		}
		if !returned {
			pool = cands
			sort.SliceStable(pool, func(i, j int) bool { return s.better(pool[i].Objective, pool[j].Objective) })
		}
		var kick *Result
		for _, r := range pool {
			if fresh(r.Objective) {
				kick = r
				break
			}
		}
		if kick == nil || kicks >= exploreKicks || halfway {
			// Out of kicks: a small scenario starts again from a random
			// plan, as a multi-start local search would.
			if kick = s.restart(rng, deadline, &restarts, &seeds); kick == nil {
				break
			}
			kicks = 0
		}
		kicks++
		kicked = append(kicked, kick.Objective)
		s.trace("explore: kick to %.10g", kick.Objective)
		s.best.Spend, s.best.Objective = kick.Spend, kick.Objective
		if s.better(kick.Objective, best.Objective) {
			// A restart can land above the best plan; the time may run
			// out before a round of moves would record it.
			best.Spend, best.Objective = kick.Spend, kick.Objective
			pool = nil
		}
	}
	s.best.Spend, s.best.Objective = best.Spend, best.Objective
	s.closeStepProblem()
}

// restart returns a polished plan that meets every limit from the next
// seed, or from a random start (up to exploreRestarts in all), or nil.
// Only small scenarios restart at random: each start costs a whole
// polish.
func (s *solver) restart(rng *rand.Rand, deadline time.Time, tried *int, seeds *[][][]float64) *Result {
	res, md := s.res, s.md
	for len(*seeds) > 0 && time.Now().Before(deadline) {
		start := (*seeds)[0]
		*seeds = (*seeds)[1:]
		if r := s.polishStart(start, deadline); r != nil {
			s.trace("explore: restart from a reallocation at %.10g", r.Objective)
			return r
		}
	}
	if len(res.Channels)*len(res.Periods) > restartMaxCells {
		return nil
	}
	total := planTotal(s.best.Spend)
	for ; *tried < exploreRestarts && time.Now().Before(deadline); *tried++ {
		// Each cell runs with a random chance, at a random share of its
		// cap; the plan is then scaled to the best plan's total.
		start := make([][]float64, len(res.Channels))
		density := 0.2 + 0.7*rng.Float64()
		sum := 0.0
		for c := range start {
			ch := &res.Channels[c]
			start[c] = make([]float64, len(res.Periods))
			for t := range start[c] {
				if !md.cellOpen(c, t) {
					continue
				}
				x := ch.Lower[t]
				if rng.Float64() < density {
					x = math.Max(x, rng.Float64()*math.Min(md.upper[c][t]*md.scale, total))
				}
				start[c][t] = x
				sum += x
			}
		}
		if sum <= 0 {
			continue
		}
		for c := range start {
			ch := &res.Channels[c]
			for t, x := range start[c] {
				if x > 0 {
					start[c][t] = math.Min(math.Max(x*total/sum, math.Max(ch.Lower[t], ch.MinActive[t])), md.upper[c][t]*md.scale)
				}
			}
		}
		if r := s.polishStart(start, deadline); r != nil {
			*tried++
			s.trace("explore: restart %d at %.10g", *tried, r.Objective)
			return r
		}
	}
	return nil
}

// polishStart polishes a candidate plan (scaled to the revenue target
// first) and returns it when it meets every limit, or nil. A candidate no
// polishing step improved stands as it is.
func (s *solver) polishStart(start [][]float64, deadline time.Time) *Result {
	cand := s.meetTarget(start)
	if cand == nil {
		return nil
	}
	s.closeStepProblem()
	spend, obj := s.polishFor(cand, -s.noBound(), deadline, explorePolishIters)
	if math.IsInf(obj, 0) {
		_, tot := plan.Evaluate(s.res, spend)
		if !s.exactlyFeasible(tot) {
			return nil
		}
		obj = plan.ObjectiveValue(s.res, tot)
	}
	if !s.limits().ok(spend) {
		return nil
	}
	return &Result{Spend: spend, Objective: obj}
}

const (
	// exploreRestarts bounds the random starts of a small scenario's
	// exploration, and restartMaxCells is what counts as small.
	exploreRestarts = 16
	restartMaxCells = 400
)

// patternMove is one change of a channel's flight pattern.
type patternMove struct {
	kind string // "reallocate", "on", "off", "move" or "shift"
	c, t int
	c2   int // the channel a move goes to
	to   int // the dark period a move goes to; a shift's offset
}

// patternMoves lists every move on the current plan.
func (s *solver) patternMoves() []patternMove {
	var moves []patternMove
	for c := range s.res.Channels {
		if !nonconvex(&s.res.Channels[c]) {
			continue
		}
		row := s.best.Spend[c]
		// Shifts move the channel's whole pattern by k periods.
		for k := 1 - len(row); k < len(row); k++ {
			if k != 0 {
				moves = append(moves, patternMove{kind: "shift", c: c, to: k})
			}
		}
		for t, x := range row {
			if !s.md.cellOpen(c, t) {
				continue
			}
			if x > 0 {
				moves = append(moves, patternMove{kind: "off", c: c, t: t})
				for c2 := range s.res.Channels {
					if !nonconvex(&s.res.Channels[c2]) {
						continue
					}
					for t2, x2 := range s.best.Spend[c2] {
						if x2 == 0 && s.md.cellOpen(c2, t2) {
							moves = append(moves, patternMove{kind: "move", c: c, t: t, c2: c2, to: t2})
						}
					}
				}
			} else {
				moves = append(moves, patternMove{kind: "on", c: c, t: t})
			}
		}
	}
	return moves
}

// smallFlightsOff lists, smallest first, the "off" moves of the cells
// where a channel with an S-curve or a flight spends less than
// smallFlightShare of its median active cell. Polishing stops at such
// cells (a few hundred spent in a day between two of thousands: a local
// optimum of the curve, wasted money); on a daily plan the random order of
// the tens of thousands of other moves reaches them late or not at all.
func (s *solver) smallFlightsOff() []patternMove {
	type small struct {
		mv patternMove
		x  float64
	}
	var list []small
	for c := range s.res.Channels {
		if !nonconvex(&s.res.Channels[c]) {
			continue
		}
		var active []float64
		for _, x := range s.best.Spend[c] {
			if x > 0 {
				active = append(active, x)
			}
		}
		if len(active) < 2 {
			continue
		}
		sort.Float64s(active)
		bar := smallFlightShare * active[len(active)/2]
		for t, x := range s.best.Spend[c] {
			if x > 0 && x < bar {
				list = append(list, small{patternMove{kind: "off", c: c, t: t}, x})
			}
		}
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].x < list[j].x })
	moves := make([]patternMove, len(list))
	for i, l := range list {
		moves[i] = l.mv
	}
	return moves
}

// without returns moves less those in drop, so that a move put first is
// not polished twice in a round.
func without(moves, drop []patternMove) []patternMove {
	if len(drop) == 0 {
		return moves
	}
	skip := make(map[patternMove]bool, len(drop))
	for _, mv := range drop {
		skip[mv] = true
	}
	out := moves[:0]
	for _, mv := range moves {
		if !skip[mv] {
			out = append(out, mv)
		}
	}
	return out
}

// smallFlightShare: see smallFlightsOff.
const smallFlightShare = 0.5

// reallocations lists the knapsack's moves: every channel's spend over
// all channels, and each channel with an S-curve or a minimum flight
// rearranged within its own total.
func (s *solver) reallocations() []patternMove {
	moves := []patternMove{{kind: "reallocate", c: -1}}
	for c := range s.res.Channels {
		if nonconvex(&s.res.Channels[c]) {
			moves = append(moves, patternMove{kind: "reallocate", c: c})
		}
	}
	return moves
}

// apply returns the plan with the move made, keeping the channel's total
// where it can: switching on takes the typical active spend from unspent
// budget first and then evenly from the channel's other cells; switching
// off spreads the cell's spend over the channel's other active cells; a
// move carries the whole spend. It returns nil when the move makes no
// sense here.
func (mv patternMove) apply(s *solver, spend [][]float64) [][]float64 {
	if mv.kind == "reallocate" {
		if mv.c < 0 {
			return s.reallocate(spend)
		}
		return s.reallocateChannel(spend, mv.c)
	}
	res, md := s.res, s.md
	ch := &res.Channels[mv.c]
	out := clonePlan(spend)
	row := out[mv.c]
	capOf := func(t int) float64 { return md.upper[mv.c][t] * md.scale }
	active, total := 0, 0.0
	for _, x := range row {
		if x > 0 {
			active++
			total += x
		}
	}
	switch mv.kind {
	case "on":
		amount := ch.MinActive[mv.t]
		if active > 0 {
			amount = math.Max(amount, total/float64(active))
		} else {
			amount = math.Max(amount, capOf(mv.t)/2)
		}
		amount = math.Max(math.Min(amount, capOf(mv.t)), ch.Lower[mv.t])
		if amount <= 0 {
			return nil
		}
		row[mv.t] = amount
		need := amount - s.unspent(spend)
		if need > 0 && total > 0 {
			f := math.Max(1-need/total, 0)
			for t := range row {
				if t != mv.t {
					row[t] *= f
				}
			}
		}
	case "off":
		// The cell's spend goes to the channel's other active cells, or
		// to every other active cell when it has none.
		x := row[mv.t]
		row[mv.t] = 0
		rows := out[mv.c : mv.c+1]
		if total-x <= 0 {
			rows = out
		}
		rest := 0.0
		for _, r := range rows {
			for _, v := range r {
				rest += v
			}
		}
		if rest > 0 {
			for i, r := range rows {
				c := i // rows is every channel, or the one channel alone
				if len(rows) == 1 {
					c = mv.c
				}
				for t := range r {
					if r[t] > 0 {
						r[t] = math.Min(r[t]*(rest+x)/rest, md.upper[c][t]*md.scale)
					}
				}
			}
		}
	case "shift":
		for t := range row {
			row[t] = 0
		}
		for t, x := range spend[mv.c] {
			if x == 0 {
				continue
			}
			t2 := t + mv.to
			if t2 < 0 || t2 >= len(row) || !md.cellOpen(mv.c, t2) {
				return nil
			}
			row[t2] = math.Max(math.Min(x, capOf(t2)), ch.Lower[t2])
		}
	case "move":
		out[mv.c2][mv.to] = math.Max(math.Min(row[mv.t], md.upper[mv.c2][mv.to]*md.scale), res.Channels[mv.c2].Lower[mv.to])
		row[mv.t] = 0
	}
	return out
}

// unspent is what the total budget leaves over the plan's spend (0 without
// a total).
func (s *solver) unspent(spend [][]float64) float64 {
	if math.IsInf(s.res.BudgetTotal, 1) {
		return 0
	}
	return math.Max(s.res.BudgetTotal-planTotal(spend), 0)
}

// limitCheck tests a plan against every linear limit: the cells' bounds,
// the minimum flights and the rows over many cells (not the revenue target
// and ROAS floor, which exactlyFeasible tests on the exact model).
type limitCheck struct {
	res   *scenarios.Resolved
	base  *model // the model it was built from
	md    *model // spend columns and the shared rows only
	vals  []float64
	cells [][2]int // the cell of each column, once cellOf needs it
}

func newLimitCheck(res *scenarios.Resolved, base *model) *limitCheck {
	md := base.spendOnly(res, base.scale)
	return &limitCheck{res: res, base: base, md: md, vals: make([]float64, md.m.numCols())}
}

// spendOnly returns a model of base's spend columns, with their bounds, and
// the rows shared by many cells, in the money unit unit. Its revenue
// target and ROAS rows have no revenue terms.
func (base *model) spendOnly(res *scenarios.Resolved, unit float64) *model {
	md := base.spendModel(res, unit)
	ratio := base.scale / unit
	for c := range res.Channels {
		for t := 0; t < md.nT; t++ {
			if j := base.x[c][t]; j >= 0 {
				md.x[c][t] = md.m.col(base.m.colLo[j]*ratio, base.m.colUp[j]*ratio, 0, glpk.Continuous)
			}
		}
	}
	md.aggregateRows(nil, nil, 0)
	return md
}

// limitTol is limitCheck's relative tolerance: far below the simplex's,
// since plans built by scaling and moving spend, unlike simplex vertices,
// could otherwise creep past a limit to gain what the tolerance allows.
const limitTol = 1e-10

func (lc *limitCheck) ok(spend [][]float64) bool {
	md := lc.md
	for c := range spend {
		ch := &lc.res.Channels[c]
		for t, x := range spend[c] {
			j := md.x[c][t]
			if j < 0 {
				if x != 0 {
					return false
				}
				continue
			}
			if x > 0 && x < ch.MinActive[t]*(1-limitTol) {
				return false
			}
			lc.vals[j] = x / md.scale
		}
	}
	return md.m.within(lc.vals, limitTol, md.targetRow, md.roasRow)
}

// settle moves a plan that passes a limit by no more than the simplex's
// tolerance onto it: a plan from a simplex vertex may spend a few cents
// past a budget, or short of a window's floor, and a plan file is held to
// its limits exactly. Rows of positive terms (budget, windows, channel
// totals) scale their cells; the cells are then clamped to their own
// limits. The objective, bound and gap are measured again.
func (s *solver) settle(r *Result) {
	if s.md == nil || r.Spend == nil {
		return
	}
	lc := s.limits()
	if lc.ok(r.Spend) {
		return
	}
	res, md, m := s.res, lc.md, lc.md.m
	spend := clonePlan(r.Spend)
	for range settleRounds {
		act := lc.activities(spend)
		for i := range act {
			if i == md.targetRow || i == md.roasRow {
				continue
			}
			pos, positive := 0.0, true // the row's activity in money
			for k := m.beg[i]; k < m.beg[i+1]; k++ {
				c, t := lc.cellOf(m.ind[k])
				positive = positive && m.val[k] > 0
				pos += m.val[k] * spend[c][t]
			}
			lo, up := m.rowLo[i]*md.scale, m.rowUp[i]*md.scale
			var need float64 // the change of the row's activity
			switch {
			case !positive || pos <= 0:
				continue
			case pos > up && pos <= up+settleTol*math.Abs(up)+simplexNoise*md.scale:
				need = up*(1-settleMargin) - pos
			case pos < lo && pos >= lo-settleTol*math.Abs(lo)-simplexNoise*md.scale:
				need = lo*(1+settleMargin) - pos
			default:
				continue
			}
			// Only cells that can move in that direction move: a cell at
			// its cap cannot rise, one at its floor or flight cannot fall.
			movable := func(c, t int) bool {
				x, ch := spend[c][t], &res.Channels[c]
				if need > 0 {
					return x > 0 && x < s.md.upper[c][t]*s.md.scale*(1-settleMargin)
				}
				return x > math.Max(ch.Lower[t], ch.MinActive[t])*(1+settleMargin)
			}
			free := 0.0
			for k := m.beg[i]; k < m.beg[i+1]; k++ {
				if c, t := lc.cellOf(m.ind[k]); movable(c, t) {
					free += m.val[k] * spend[c][t]
				}
			}
			if free <= 0 {
				continue
			}
			f := 1 + need/free
			for k := m.beg[i]; k < m.beg[i+1]; k++ {
				if c, t := lc.cellOf(m.ind[k]); movable(c, t) {
					spend[c][t] *= f
				}
			}
		}
		for c := range spend {
			ch := &res.Channels[c]
			for t, x := range spend[c] {
				if x > 0 {
					x = math.Max(math.Min(x, s.md.upper[c][t]*s.md.scale), math.Max(ch.Lower[t], ch.MinActive[t]))
				}
				spend[c][t] = x
			}
		}
		if lc.ok(spend) {
			break
		}
	}
	_, tot := plan.Evaluate(res, spend)
	if !lc.ok(spend) || !s.exactlyFeasible(tot) {
		return
	}
	r.Spend, r.Objective = spend, plan.ObjectiveValue(res, tot)
	if r.Bound != 0 && !math.IsInf(r.Bound, 0) {
		r.Gap = math.Max(relGap(r.Objective, r.Bound, s.maximise()), 0)
	}
}

const (
	// settleTol is the largest excess, relative, that settle moves, plus
	// simplexNoise of the model's money unit: the simplex meets bounds to
	// 1e-7 of it (GLPK's tol_bnd), which can be a large share of a small
	// limit.
	settleTol    = 1e-6
	simplexNoise = 1e-6
	// settleMargin keeps a settled row this far inside its limit, so
	// that rounding leaves it there.
	settleMargin = 1e-12
	settleRounds = 3
)

// cellOf returns the cell of a spend column.
func (lc *limitCheck) cellOf(j int) (int, int) {
	if lc.cells == nil {
		lc.cells = make([][2]int, lc.md.m.numCols())
		for c := range lc.md.x {
			for t, jj := range lc.md.x[c] {
				if jj >= 0 {
					lc.cells[jj] = [2]int{c, t}
				}
			}
		}
	}
	ct := lc.cells[j]
	return ct[0], ct[1]
}

// broken tells which way row i's activity act breaks the row beyond
// limitTol: +1 below its floor, -1 above its cap, 0 within it, or for the
// revenue target and ROAS floor, which the exact model measures.
func (lc *limitCheck) broken(i int, act float64) float64 {
	m := lc.md.m
	switch {
	case i == lc.md.targetRow || i == lc.md.roasRow:
		return 0
	case act < m.rowLo[i]-limitTol*(1+math.Abs(m.rowLo[i])):
		return 1
	case act > m.rowUp[i]+limitTol*(1+math.Abs(m.rowUp[i])):
		return -1
	}
	return 0
}

// activities returns the rows' activities at a plan, in the rows' units.
func (lc *limitCheck) activities(spend [][]float64) []float64 {
	md := lc.md
	for c := range spend {
		for t, x := range spend[c] {
			if j := md.x[c][t]; j >= 0 {
				lc.vals[j] = x / md.scale
			}
		}
	}
	m := md.m
	act := make([]float64, m.numRows())
	for i := range act {
		for k := m.beg[i]; k < m.beg[i+1]; k++ {
			act[i] += m.val[k] * lc.vals[m.ind[k]]
		}
	}
	return act
}

// cellPrices returns, per cell, the value that the rows' prices give one
// unit of its spend; a row's price is per unit of money it counts.
func (lc *limitCheck) cellPrices(price []float64) [][]float64 {
	md := lc.md
	out := make([][]float64, len(md.x))
	for c := range md.x {
		out[c] = make([]float64, len(md.x[c]))
	}
	m := md.m
	for i, p := range price {
		if p == 0 {
			continue
		}
		for k := m.beg[i]; k < m.beg[i+1]; k++ {
			c, t := lc.cellOf(m.ind[k])
			out[c][t] += p * m.val[k]
		}
	}
	return out
}

// meetTarget scales a candidate's spends up, within the cells' caps, until
// it reaches the revenue target of the spend objective: polishing, whose
// trust region is small, then trims it. It returns the candidate unchanged
// for the other objectives, and nil when even the caps fall short.
func (s *solver) meetTarget(spend [][]float64) [][]float64 {
	res := s.res
	if spend == nil || res.Objective != scenarios.MinimiseSpend {
		return spend
	}
	scaled := func(f float64) [][]float64 {
		out := make([][]float64, len(spend))
		for c := range spend {
			out[c] = make([]float64, len(spend[c]))
			for t, x := range spend[c] {
				out[c][t] = math.Min(x*f, s.md.upper[c][t]*s.md.scale)
			}
		}
		return out
	}
	reaches := func(sp [][]float64) bool {
		_, tot := plan.Evaluate(res, sp)
		return tot.Revenue >= res.TargetRevenue*(1+feasibilityTol)
	}
	if reaches(spend) {
		return spend
	}
	lo, hi := 1.0, 2.0
	for !reaches(scaled(hi)) {
		if hi > meetTargetMaxFactor {
			return nil
		}
		lo, hi = hi, hi*2
	}
	for range meetTargetBisections {
		mid := (lo + hi) / 2
		if reaches(scaled(mid)) {
			hi = mid
		} else {
			lo = mid
		}
	}
	return scaled(hi)
}

// meetTargetMaxFactor and meetTargetBisections bound the search of
// meetTarget.
const (
	meetTargetMaxFactor  = 1 << 10
	meetTargetBisections = 30
)
