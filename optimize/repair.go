package optimize

import (
	"math"
	"time"

	"github.com/peakplan/peakplan/optimize/glpk"
	"github.com/peakplan/peakplan/plan"
)

// Repairing a plan far below the model's money unit. The simplex meets
// limits to about 1e-7 of the model's unit, and settle takes excesses of
// that size on rows of positive terms. A plan whose optimum spends a few
// units of money against caps of billions (a tiny revenue target, a ROAS
// floor of 100) can still pass a group's share, a row of mixed signs, by a
// large part of its own spend. repair moves such a plan to the nearest one
// (least total change of spend) that keeps every linear limit, solved in a
// money unit fitted to the plan's own spend, with its flight pattern kept.
const (
	// repairUnitShare: the repair's money unit is this share of the
	// plan's total spend.
	repairUnitShare = 0.1
	// repairTime bounds the repair's simplex; its model has three columns
	// a cell and the shared rows only.
	repairTime = 10 * time.Second
)

// repair replaces r's plan, when `peakplan check` would reject it, by the
// nearest plan that keeps every limit, or else by the plan of the floors
// alone; r is left as it is when neither keeps every limit.
func (s *solver) repair(r *Result) {
	if s.md == nil || r.Spend == nil || !s.breaksLimits(r.Spend) {
		return
	}
	replace := func(spend [][]float64) {
		_, tot := plan.Evaluate(s.res, spend)
		r.Spend, r.Objective = spend, plan.ObjectiveValue(s.res, tot)
		// The proven bound still bounds every plan; the gap and status
		// are measured again against it.
		if r.Bound != 0 && !math.IsInf(r.Bound, 0) && !math.IsNaN(r.Bound) {
			r.Gap = math.Max(relGap(r.Objective, r.Bound, s.maximise()), 0)
			if r.Gap > s.opts.Gap {
				r.Status = StatusFeasible
			}
		}
	}
	if spend := s.nearestWithinLimits(r.Spend); spend != nil && !s.breaksLimits(spend) {
		before := r.Objective
		replace(spend)
		s.trace("repair: %.8g, which broke a limit, becomes %.8g", before, r.Objective)
		return
	}
	if fp := s.floorPlan(); fp != nil && !s.breaksLimits(fp.Spend) {
		s.trace("repair: %.8g, which broke a limit, gives way to the floors' plan %.8g", r.Objective, fp.Objective)
		r.Status = StatusFeasible
		replace(fp.Spend)
		return
	}
	s.trace("repair: no plan near %.8g keeps every limit", r.Objective)
}

// breaksLimits tells whether `peakplan check` rejects the plan.
func (s *solver) breaksLimits(spend [][]float64) bool {
	doc := plan.Build(s.res, spend, plan.ScenarioRef{}, plan.SolverInfo{}, 0)
	return len(plan.Check(s.res, doc, nil)) > 0
}

// nearestWithinLimits returns the plan nearest to spend (least total
// change) that keeps every linear limit and spend's flight pattern, solved
// in a money unit fitted to spend, or nil.
func (s *solver) nearestWithinLimits(spend [][]float64) [][]float64 {
	total := planTotal(spend)
	if !(total > 0) {
		return nil
	}
	res := s.res
	unit := repairUnitShare * total
	md := s.md.spendOnly(res, unit)
	md.freeRevenueRows()
	m := md.m
	for c := range res.Channels {
		ch := &res.Channels[c]
		for t, j := range md.x[c] {
			if j < 0 {
				continue
			}
			switch {
			case spend[c][t] == 0 && m.colLo[j] == 0:
				m.colUp[j] = 0 // a dark cell stays dark: the flight pattern is kept
			case ch.MinActive[t] > 0:
				m.colLo[j] = math.Max(m.colLo[j], ch.MinActive[t]/unit)
			}
			if m.colLo[j] > m.colUp[j] {
				return nil
			}
		}
	}
	// x - x0 = above - below, the objective the sum of both
	for c := range res.Channels {
		for t, j := range md.x[c] {
			if j < 0 {
				continue
			}
			above := m.col(0, math.Inf(1), 1, glpk.Continuous)
			below := m.col(0, math.Inf(1), 1, glpk.Continuous)
			x0 := spend[c][t] / unit
			m.row(x0, x0, "", []int{j, above, below}, []float64{1, -1, 1})
		}
	}
	p, err := glpk.New()
	if err != nil {
		return nil
	}
	defer p.Close()
	if m.load(p, false) != nil {
		return nil
	}
	sr, err := p.Simplex(glpk.SimplexOptions{Method: glpk.DualPrimal, Presolve: true, TimeLimit: repairTime})
	if err != nil || sr.Code != nil || sr.Status != glpk.Optimal {
		return nil
	}
	vals, err := p.ColValues()
	if err != nil {
		return nil
	}
	out := make([][]float64, len(spend))
	for c := range out {
		out[c] = make([]float64, md.nT)
		for t, j := range md.x[c] {
			if j >= 0 {
				out[c][t] = math.Min(math.Max(vals[j], m.colLo[j]), m.colUp[j]) * unit
			}
		}
	}
	return out
}

// freeRevenueRows lifts the limits of the revenue target's and the ROAS
// floor's rows of a model built without revenue terms (aggregateRows with
// none): they would see no revenue, so the target could never be met and
// any spend would break the ROAS floor. Those limits are for the exact
// model to test.
func (md *model) freeRevenueRows() {
	for _, i := range []int{md.targetRow, md.roasRow} {
		if i >= 0 {
			md.m.rowLo[i], md.m.rowUp[i] = math.Inf(-1), math.Inf(1)
		}
	}
}
