package optimize

import (
	"errors"
	"math"
	"sort"
	"time"

	"github.com/peakplan/peakplan/optimize/glpk"
	"github.com/peakplan/peakplan/plan"
	"github.com/peakplan/peakplan/scenarios"
)

// The cell MIP solves a small scenario with S-curves or minimum flights as
// one mixed-integer program over its cells, by GLPK's branch and cut. It is
// the bound model (model.go) with, in addition:
//
//   - a binary per flight cell: x = 0 or x >= the flight;
//   - for an S-curve cell, its exposure split as a = sum_i delta_i + b: the
//     deltas run along chords of the curve's convex part (below its
//     inflection), filled in order by binaries z_i (delta_i full before
//     delta_{i+1} starts); b, the exposure above the inflection, opens only
//     when every chord is full, and earns v, bounded by tangents of the
//     curve above the inflection; the cell earns w <= sum_i slope_i delta_i + v.
//
// Chords of a convex function and tangents of a concave one lie above it, so
// the MIP is still a relaxation: its bound holds for every plan, and its
// plan, evaluated on the exact model and polished, is a candidate. Rounds add
// a chord point and tangents where the solution sits, and solve again.
//
// GLPK's cut generators and heuristics make the difference here: on a
// 4-channel, 14-week scenario with three S-curves and flights, branch and
// bound alone stopped 3.5% short after 100 s; with cuts it proved the
// optimum in 6 s.

const (
	// cellMIPChords is the number of chords on the convex part of an
	// S-curve cell in the first round: 8 made the search slower than they
	// tightened the bound (a 6-channel weekly scenario went from 9 s to
	// past 24 s), and the plan is polished on the exact curve anyway.
	cellMIPChords = 4
	// cellMIPMaxBinaries: a scenario that needs more binaries is solved
	// by windows (windowmip.go). Measured: up to 530 binaries (weekly, 4
	// to 6 channels) the MIP found plans 0.1% to 4.5% better than before;
	// at 720 and 738 (two channels by day for 90 days) it found nothing
	// in 30 s, time the exploration then lacked. Daily plans, whose
	// carry-over ties many cells together, take windows from
	// windowMIPBinaries on: one channel by day for 60 days (300
	// binaries) found nothing in 22 s as a whole; of six daily scenarios
	// of 300 to 600 binaries, windows found a plan 0.27% better on one
	// and the same plans on the others.
	cellMIPMaxBinaries = 600
	// cellMIPShare is the share of the remaining time the cell MIP may take.
	cellMIPShare = 0.4
	// cellMIPRounds bounds the rounds of refinement.
	cellMIPRounds = 6
	// cellMIPPolishShare is the share of the cell MIP's time left that
	// polishing one of its plans may take.
	cellMIPPolishShare = 0.25
	// aboveDensePoints tangents are spread evenly over the first
	// aboveDenseReach half saturations past an S-curve's inflection,
	// where plans spend: the bound over-estimates revenue between
	// tangents, and with the first 9 of model.go's geometric grid the
	// MIP promised 1.4% more than its plan earned.
	aboveDensePoints = 16
	aboveDenseReach  = 3.0
	// chordMergeTol: a chord point closer than this share of the convex
	// part to an existing one adds nothing.
	chordMergeTol = 1e-4
)

// inflection is the exposure at which an S-curve turns from convex to
// concave: for a hill curve with shape s > 1, h*((s-1)/(s+1))^(1/s).
func inflection(cv scenarios.Curve) float64 {
	if !cv.IsSCurve() {
		return 0
	}
	return cv.Half * math.Pow((cv.Shape-1)/(cv.Shape+1), 1/cv.Shape)
}

// cellMIP holds the refinement state between rounds.
type cellMIP struct {
	s  *solver
	md *model
	// chords[c][t] are the breakpoints (scaled exposure) on an S-curve
	// cell's convex part, from 0 to its top; above[c][t] the tangent
	// points of the part above the inflection, as exposure past it.
	chords, above [][][]float64
	// columns of the last build, per S-curve cell
	delta  [][][]int
	gates  [][][]int // z_i of an S-curve cell
	b, v   [][]int
	flight [][]int // binary of a flight cell, -1 where none
	// binaries the whole scenario needs, and per period
	binaries  int
	perPeriod []int
	// The MIP decides the periods [lo, hi); with fixed set, every other
	// cell keeps its spend there (see windowmip.go).
	lo, hi int
	fixed  [][]float64
}

// newCellMIP returns nil when the scenario has nothing non-concave.
func (s *solver) newCellMIP() *cellMIP {
	res := s.res
	if !anyNonconvex(res) {
		return nil
	}
	md := newModel(res, false)
	cm := &cellMIP{s: s, chords: make([][][]float64, md.nC), above: make([][][]float64, md.nC), perPeriod: make([]int, md.nT)}
	for c := range res.Channels {
		ch := &res.Channels[c]
		cm.chords[c] = make([][]float64, md.nT)
		cm.above[c] = make([][]float64, md.nT)
		infl := inflection(ch.Curve) / md.scale
		for t := 0; t < md.nT; t++ {
			if ch.MinActive[t] > 0 && ch.Lower[t] < ch.MinActive[t] && md.upper[c][t] > 0 {
				cm.perPeriod[t]++
			}
			amax := md.amax[c][t]
			if !ch.Curve.IsSCurve() || amax <= 0 {
				continue
			}
			top := math.Min(infl, amax)
			pts := make([]float64, cellMIPChords+1)
			for i := range pts {
				pts[i] = top * float64(i) / cellMIPChords
			}
			cm.chords[c][t] = pts
			cm.perPeriod[t] += cellMIPChords
			if amax > infl {
				// Dense where spend pays (up to a few half saturations),
				// geometric beyond.
				half := ch.Curve.Half / md.scale
				reach := amax - infl
				q := []float64{0, reach}
				near := math.Min(reach, aboveDenseReach*half)
				for i := 1; i < aboveDensePoints; i++ {
					q = append(q, near*float64(i)/aboveDensePoints)
				}
				for k := 2; k <= 6; k++ {
					if p := half*math.Pow(2, float64(k)) - infl; p > near && p < reach {
						q = append(q, p)
					}
				}
				sort.Float64s(q)
				cm.above[c][t] = q
			}
		}
	}
	for _, n := range cm.perPeriod {
		cm.binaries += n
	}
	s.trace("cell MIP: %d binaries", cm.binaries)
	return cm
}

// inWindow reports whether the MIP decides the cells of period t.
func (cm *cellMIP) inWindow(t int) bool {
	return cm.fixed == nil || (t >= cm.lo && t < cm.hi)
}

// build writes the round's MIP.
func (cm *cellMIP) build() *model {
	res := cm.s.res
	md := newModel(res, false)
	// Every tangent found so far: the relaxation's first (they sit where
	// the concave cells' spend goes), then the earlier rounds'.
	from := cm.s.md
	if cm.md != nil {
		from = cm.md
	}
	if from != nil {
		for c := range md.tangents {
			for t := range md.tangents[c] {
				md.tangents[c][t] = append([]float64(nil), from.tangents[c][t]...)
			}
		}
	}
	md.build()
	m := md.m
	cm.delta = make([][][]int, md.nC)
	cm.gates = make([][][]int, md.nC)
	cm.b, cm.v, cm.flight = grid(md.nC, md.nT), grid(md.nC, md.nT), grid(md.nC, md.nT)
	for c := range res.Channels {
		ch := &res.Channels[c]
		cv := ch.Curve
		cm.delta[c] = make([][]int, md.nT)
		cm.gates[c] = make([][]int, md.nT)
		infl := inflection(cv) / md.scale
		weekly := func(a float64) float64 { return cv.Weekly(a*md.scale) / md.scale }
		var fixedExposure []float64
		if cm.fixed != nil {
			fixedExposure = plan.Exposure(res, c, cm.fixed[c], ch.CostIndex, nil)
		}
		for t := 0; t < md.nT; t++ {
			if !cm.inWindow(t) {
				cm.fix(md, c, t, fixedExposure[t]/md.scale)
				continue
			}
			if j := md.x[c][t]; j >= 0 {
				least := ch.MinActive[t] / md.scale
				if lo, up := m.colLo[j], m.colUp[j]; least > 0 && lo < least {
					// least z <= x <= up z
					z := m.col(0, 1, 0, glpk.Binary)
					cm.flight[c][t] = z
					m.row(math.Inf(-1), 0, "", []int{j, z}, []float64{1, -up})
					m.row(0, math.Inf(1), "", []int{j, z}, []float64{1, -least})
				}
			}
			pts := cm.chords[c][t]
			if len(pts) < 2 || md.w[c][t] < 0 {
				continue
			}
			amax := md.amax[c][t]
			inflected := amax > infl // the cell can reach past the inflection
			n := len(pts) - 1
			deltas := make([]int, n)
			slopes := make([]float64, n)
			for i := range deltas {
				l := pts[i+1] - pts[i]
				deltas[i] = m.col(0, l, 0, glpk.Continuous)
				slopes[i] = (weekly(pts[i+1]) - weekly(pts[i])) / l
			}
			cm.delta[c][t] = deltas
			// z_i = 1: delta_i is full and delta_{i+1} may start.
			gates := n - 1
			if inflected {
				gates = n
			}
			zs := make([]int, gates)
			cm.gates[c][t] = zs
			for i := range zs {
				zs[i] = m.col(0, 1, 0, glpk.Binary)
				m.row(0, math.Inf(1), "", []int{deltas[i], zs[i]}, []float64{1, -(pts[i+1] - pts[i])})
				if i+1 < n {
					m.row(math.Inf(-1), 0, "", []int{deltas[i+1], zs[i]}, []float64{1, -(pts[i+2] - pts[i+1])})
				}
			}
			// a = sum delta + b; w <= sum slope delta + v
			aInd := append([]int{md.a[c][t]}, deltas...)
			aVal := []float64{1}
			wInd := append([]int{md.w[c][t]}, deltas...)
			wVal := []float64{1}
			for i := range deltas {
				aVal = append(aVal, -1)
				wVal = append(wVal, -slopes[i])
			}
			if inflected {
				reach := amax - infl
				gmax := weekly(amax) - weekly(infl)
				b := m.col(0, reach, 0, glpk.Continuous)
				v := m.col(0, gmax, 0, glpk.Continuous)
				cm.b[c][t], cm.v[c][t] = b, v
				last := zs[len(zs)-1]
				m.row(math.Inf(-1), 0, "", []int{b, last}, []float64{1, -reach})
				m.row(math.Inf(-1), 0, "", []int{v, last}, []float64{1, -gmax})
				for _, q := range cm.above[c][t] {
					g, sl := weekly(infl+q)-weekly(infl), cv.Slope((infl+q)*md.scale)
					if sl*reach <= flatCut*math.Max(gmax, 1) {
						continue // v <= gmax already says it
					}
					// v <= g + sl (b - q)
					m.row(math.Inf(-1), g-sl*q, "", []int{v, b}, []float64{1, -sl})
				}
				aInd, aVal = append(aInd, b), append(aVal, -1)
				wInd, wVal = append(wInd, v), append(wVal, -1)
			}
			m.row(0, 0, "", aInd, aVal)
			m.row(math.Inf(-1), 0, "", wInd, wVal)
		}
	}
	cm.md = md
	return md
}

// fix keeps a cell outside the window at its spend in cm.fixed. Its
// revenue is the curve's linearisation at its exposure a0 in that plan:
// exact while the window leaves its exposure alone (the periods before
// it), first-order where the window's carry-over reaches it (after it).
// A window's MIP is a search, not a bound, so the linearisation need not
// lie above the curve.
func (cm *cellMIP) fix(md *model, c, t int, a0 float64) {
	m := md.m
	if j := md.x[c][t]; j >= 0 {
		v := cm.fixed[c][t] / md.scale
		m.colLo[j], m.colUp[j] = v, v
	}
	ja, jw := md.a[c][t], md.w[c][t]
	if ja < 0 || jw < 0 {
		return
	}
	cv := md.res.Channels[c].Curve
	a0 = math.Min(a0, md.amax[c][t])
	if math.IsInf(cv.Slope(0), 1) {
		// as tangentRow: a well-scaled row, at most a little above the curve
		a0 = math.Max(a0, cv.Half/md.scale*tangentFloor)
	}
	g, sl := cv.Weekly(a0*md.scale)/md.scale, cv.Slope(a0*md.scale)
	// w <= g + sl (a - a0)
	m.row(math.Inf(-1), g-sl*a0, "", []int{jw, ja}, []float64{1, -sl})
}

// refine adds, where the round's solution sits, a chord point on the convex
// part and a tangent above the inflection of every S-curve cell, and the
// bound model's tangents of the other cells. It reports whether anything
// was added.
func (cm *cellMIP) refine(vals []float64) bool {
	md := cm.md
	added := refineTangents(md, vals) > 0
	for c := range md.res.Channels {
		for t := 0; t < md.nT; t++ {
			deltas := cm.delta[c][t]
			if len(deltas) == 0 {
				continue
			}
			low := 0.0
			for _, j := range deltas {
				low += vals[j]
			}
			pts := cm.chords[c][t]
			top := pts[len(pts)-1]
			if low > chordMergeTol*top && low < (1-chordMergeTol)*top && len(pts) <= maxPointsPerCell {
				near := false
				for _, p := range pts {
					near = near || math.Abs(p-low) <= chordMergeTol*top
				}
				if !near {
					pts = append(pts, low)
					sort.Float64s(pts)
					cm.chords[c][t] = pts
					added = true
				}
			}
			if j := cm.b[c][t]; j >= 0 && vals[j] > 0 {
				ch := &md.res.Channels[c]
				if addPoint(&cm.above[c][t], vals[j], ch.Curve.Half/md.scale) {
					added = true
				}
			}
		}
	}
	return added
}

// searchCells runs the cell MIP, when the scenario is small enough, on a
// plan that the column generation and polishing left short of its bound:
// it keeps the MIP's plan when that is better and returns the MIP's bound
// (the solver's no-bound if none).
func (s *solver) searchCells() float64 {
	cm := s.newCellMIP()
	if cm == nil {
		return s.noBound()
	}
	if cm.binaries > cellMIPMaxBinaries || (s.res.Granularity == scenarios.Day && cm.binaries > windowMIPBinaries) {
		s.searchWindows(cm)
		return s.noBound()
	}
	// The MIP's plans are polished on their own; the per-cell trust regions
	// that polishing adapts belong to the plan the solve goes on with.
	done := s.asideSteps()
	r, bound := cm.solve(time.Duration(cellMIPShare*float64(s.remaining())), s.best)
	replaced := r != nil && s.better(r.Objective, s.best.Objective)
	done(replaced)
	if replaced {
		s.trace("cell MIP: plan %.8g replaces %.8g", r.Objective, s.best.Objective)
		// The plan it replaces may still lead the exploration's moves to
		// a better local optimum than the MIP's plan does (2 channels by
		// week: 303,345 from it, 302,829 from the MIP's 301,352).
		s.exploreSeeds = append(s.exploreSeeds, s.best.Spend)
		s.best = r
	}
	return bound
}

// solve runs rounds of the cell MIP within limit. It returns the best
// plan it found (polished on the exact model, nil if none) and the
// tightest bound it proved (the solver's no-bound if none).
func (cm *cellMIP) solve(limit time.Duration, start *Result) (*Result, float64) {
	s := cm.s
	deadline := time.Now().Add(limit)
	bound := s.noBound()
	var best *Result
	incumbent := func() [][]float64 {
		if best != nil && (start == nil || s.better(best.Objective, start.Objective)) {
			return best.Spend
		}
		if start != nil {
			return start.Spend
		}
		return nil
	}
	for round := 1; round <= cellMIPRounds; round++ {
		left := time.Until(deadline)
		if left <= 0 {
			break
		}
		md := cm.build()
		from := incumbent()
		vals, mr, ok := cm.run(md, left, cm.startFrom(md, from))
		if !ok {
			s.trace("cell MIP round %d: no plan (%v, %v)", round, mr.Status, mr.Code)
			break
		}
		if !math.IsInf(mr.Bound, 0) && !math.IsNaN(mr.Bound) {
			bound = s.tighter(bound, mr.Bound*md.scale)
		}
		// A search that kept its start has nothing new to polish.
		if from == nil || !sameSpend(spendOf(md, vals), from) {
			if r := cm.plan(md, vals, deadline); r != nil && (best == nil || s.better(r.Objective, best.Objective)) {
				best = r
			}
		}
		s.trace("cell MIP round %d: %v, objective %.8g, bound %.8g, plan %.8g", round, mr.Status, mr.Objective*md.scale, bound, objectiveOf(best))
		if best != nil && relGap(best.Objective, bound, s.maximise()) <= s.opts.Gap {
			break
		}
		solved := mr.Status == glpk.Optimal || errors.Is(mr.Code, glpk.EMIPGAP)
		if !solved || !cm.refine(vals) {
			break // a search cut short gains nothing from finer pieces
		}
	}
	return best, bound
}

// run solves one round's MIP.
func (cm *cellMIP) run(md *model, limit time.Duration, start []float64) ([]float64, glpk.MIPResult, bool) {
	s := cm.s
	var mr glpk.MIPResult
	p, err := glpk.New()
	if err != nil {
		return nil, mr, false
	}
	defer p.Close()
	if md.m.load(p, s.maximise()) != nil {
		return nil, mr, false
	}
	if r, err := s.simplex(p); err != nil || r.Status != glpk.Optimal {
		return nil, mr, false
	}
	began := time.Now()
	spread := cm.boundSpread(md)
	pump := spread <= pumpMaxSpread
	if !pump {
		s.trace("cell MIP: spend bounds spread over %.1e, no feasibility pump", spread)
	}
	mr, err = p.Intopt(glpk.MIPOptions{TimeLimit: max(limit, minMIPTime), Gap: s.opts.Gap / 2, Cuts: true, Pump: pump, Pseudocost: true, Start: start, Verbose: s.opts.Verbose})
	s.trace("cell MIP: %d rows, %d columns, %d nodes in %.2fs of %.2fs (%v)", md.m.numRows(), md.m.numCols(), mr.Nodes, time.Since(began).Seconds(), limit.Seconds(), mr.Code)
	if err != nil || (mr.Status != glpk.Optimal && mr.Status != glpk.Feasible) {
		return nil, mr, false
	}
	vals, err := p.MIPColValues()
	if err != nil {
		return nil, mr, false
	}
	return vals, mr, true
}

// pumpMaxSpread: the feasibility pump runs only on a cell MIP whose
// spend bounds span at most this ratio. GLPK solves the pump's LPs with no
// time limit; on a scenario whose caps ran from 0.23 a week to flights of
// 1.1e11 (a spread of 3e12) one of them stalled for minutes, one run in
// three, where the time limit was 4 s. On ten scenarios of the harder
// profile of docs/benchmarks.md the spread ran from 3 to 1.1e6, and the
// pump was worth 0.16% and 0.27% on two of them.
const pumpMaxSpread = 1e8

// boundSpread is the ratio of the largest to the smallest positive spend
// bound (caps, floors and flights) of the MIP's cells, in the model's unit.
func (cm *cellMIP) boundSpread(md *model) float64 {
	lo, hi := math.Inf(1), 0.0
	note := func(v float64) {
		if v > 0 && !math.IsInf(v, 1) {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	for c := range md.x {
		ch := &md.res.Channels[c]
		for t, j := range md.x[c] {
			if j < 0 {
				continue
			}
			note(md.m.colLo[j])
			note(md.m.colUp[j])
			note(ch.MinActive[t] / md.scale)
		}
	}
	if hi == 0 {
		return 1
	}
	return hi / lo
}

// startFrom returns the MIP's columns for a plan that meets every limit
// (nil for none): its spend, the exposure its carry-over gives, revenue on
// the exact curve (below every chord and tangent), the chords filled in
// order and every flight that spends switched on. The MIP starts from it as
// its first incumbent, so it prunes against the plan in hand from the root.
func (cm *cellMIP) startFrom(md *model, spend [][]float64) []float64 {
	if spend == nil {
		return nil
	}
	res := cm.s.res
	vals := make([]float64, md.m.numCols())
	for c := range res.Channels {
		ch := &res.Channels[c]
		cv := ch.Curve
		weekly := func(a float64) float64 { return cv.Weekly(a*md.scale) / md.scale }
		exposure := plan.Exposure(res, c, spend[c], ch.CostIndex, nil)
		for t := 0; t < md.nT; t++ {
			if j := md.x[c][t]; j >= 0 {
				vals[j] = spend[c][t] / md.scale
			}
			if z := cm.flight[c][t]; z >= 0 && spend[c][t] > 0 {
				vals[z] = 1
			}
			ja := md.a[c][t]
			if ja < 0 {
				continue
			}
			a := math.Min(exposure[t]/md.scale, md.amax[c][t])
			vals[ja] = a
			if jw := md.w[c][t]; jw >= 0 {
				vals[jw] = weekly(a)
			}
			deltas := cm.delta[c][t]
			if len(deltas) == 0 {
				continue
			}
			pts := cm.chords[c][t]
			rest := a
			for i, j := range deltas {
				l := pts[i+1] - pts[i]
				d := math.Min(l, rest)
				vals[j] = d
				rest -= d
				if i < len(cm.gates[c][t]) && d >= l {
					vals[cm.gates[c][t][i]] = 1
				}
			}
			if jb := cm.b[c][t]; jb >= 0 && rest > 0 {
				top := pts[len(pts)-1]
				vals[jb] = rest
				vals[cm.v[c][t]] = math.Max(weekly(top+rest)-weekly(top), 0)
			}
		}
	}
	return vals
}

// plan reads the round's spend, with every flight cell the MIP switched
// off at 0 and every one it switched on at least at its flight, and
// polishes it on the exact model.
func (cm *cellMIP) plan(md *model, vals []float64, deadline time.Time) *Result {
	s := cm.s
	spend := spendOf(md, vals)
	for c := range spend {
		ch := &s.res.Channels[c]
		for t := range spend[c] {
			z := cm.flight[c][t]
			if z < 0 {
				continue
			}
			if vals[z] < 0.5 {
				spend[c][t] = 0
			} else if least := ch.MinActive[t]; spend[c][t] < least {
				spend[c][t] = math.Min(least, md.upper[c][t]*md.scale)
			}
		}
	}
	// The MIP's vertex may pass a limit by the simplex's tolerance.
	start := &Result{Spend: spend}
	s.settle(start)
	polishBy := time.Now().Add(time.Duration(cellMIPPolishShare * float64(time.Until(deadline))))
	// polishStart keeps only plans that meet every limit exactly.
	return s.polishStart(start.Spend, polishBy)
}

// objectiveOf is a result's objective, or NaN for none (for traces).
func objectiveOf(r *Result) float64 {
	if r == nil {
		return math.NaN()
	}
	return r.Objective
}
