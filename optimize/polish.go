package optimize

import (
	"math"
	"time"

	"github.com/peakplan/peakplan/optimize/glpk"
	"github.com/peakplan/peakplan/plan"
	"github.com/peakplan/peakplan/scenarios"
)

// Sequential linear programming with a trust region, on the exact forward
// model. The MIP decides which cells run (the combinatorial part of
// S-curves and minimum flights) on piecewise-linear bounds; polishing then
// moves the spends to a local optimum of the exact curves with the flight
// pattern fixed, so no approximation error is left in the plan.
const (
	polishMaxIters = 200
	// polishMinStep ends polishing when the trust region, relative to the
	// average active spend, shrinks below it.
	polishMinStep = 1e-7
	// polishStartStep is the first trust region, relative.
	polishStartStep = 0.25
	// polishImproveTol: a step must improve the objective by at least this
	// share to count as progress.
	polishImproveTol = 1e-12
	// polishStallSteps accepted steps that together gain less than
	// polishStallTol of the objective end polishing: the plan has
	// converged, and more steps only spend time.
	polishStallSteps = 10
	polishStallTol   = 1e-9
	// slopeFloor: slopes are taken at no less than this share of the
	// curve's scale.
	slopeFloor = 1e-9
)

// gradient returns dR/dx_{c,t} of the exact forward model: the adjoint of
// the carry-over recursion.
func gradient(res *scenarios.Resolved, spend [][]float64) [][]float64 {
	g := make([][]float64, len(res.Channels))
	for c := range res.Channels {
		ch := &res.Channels[c]
		a := plan.Exposure(res, c, spend[c], ch.CostIndex, nil)
		g[c] = make([]float64, len(res.Periods))
		lambda := 0.0 // dR/da_t including what a_t carries forward
		for t := len(res.Periods) - 1; t >= 0; t-- {
			weeks := float64(res.Periods[t].Days) / 7
			if t+1 < len(res.Periods) {
				lambda *= math.Pow(ch.Carryover, float64(res.Periods[t+1].Days)/7)
			}
			// A curve with an infinite slope at 0 (hill with shape < 1) is
			// differentiated just above it, so the LP sees a finite number.
			lambda += weeks * ch.Uplift[t] * ch.Curve.Slope(math.Max(a[t], ch.Curve.Half*slopeFloor))
			theta := math.Pow(ch.Carryover, weeks)
			g[c][t] = lambda * (1 - theta) / weeks / ch.CostIndex[t]
		}
	}
	return g
}

// polish improves a feasible plan in place and returns it with its exact
// objective.
func (s *solver) polish(spend [][]float64, obj float64, deadline time.Time) ([][]float64, float64) {
	return s.polishFor(spend, obj, deadline, polishMaxIters)
}

// polishFor is polish with a given number of steps.
func (s *solver) polishFor(spend [][]float64, obj float64, deadline time.Time, iters int) ([][]float64, float64) {
	res := s.res
	scale := s.md.scale
	step := polishStartStep
	var took time.Duration // the last step's time: a step that cannot finish is not started
	var accepted []float64 // the objective after each accepted step
	for iter := 0; iter < iters && step > polishMinStep && time.Now().Add(took).Before(deadline); iter++ {
		began := time.Now()
		cand, _, ok := s.linearStep(spend, step, scale)
		took = time.Since(began)
		if !ok {
			step /= 4
			continue
		}
		_, tot := plan.Evaluate(res, cand)
		if !s.exactlyFeasible(tot) {
			// The curves bend away from the linearisation: short of the
			// revenue target, the step is scaled up to meet it exactly
			// (the spend objective converges at its target that way, not
			// by ever smaller steps).
			fixed := s.meetTarget(cand)
			if fixed == nil || !s.limits().ok(fixed) {
				step /= 4
				continue
			}
			if _, tot = plan.Evaluate(res, fixed); !s.exactlyFeasible(tot) {
				step /= 4
				continue
			}
			cand = fixed
		}
		cobj := plan.ObjectiveValue(res, tot)
		threshold := obj // an infinite obj: any plan meeting the limits is better
		if !math.IsInf(obj, 0) {
			threshold += sign(s.maximise()) * polishImproveTol * math.Abs(obj)
		}
		if !s.better(cobj, threshold) {
			step /= 4
			continue
		}
		s.adaptCellSteps(spend, cand)
		spend, obj = cand, cobj
		s.trace("polish: step %.2g, objective %.10g", step, obj)
		accepted = append(accepted, obj)
		if n := len(accepted); n > polishStallSteps && math.Abs(obj-accepted[n-1-polishStallSteps]) <= polishStallTol*math.Abs(obj) {
			break
		}
		step = math.Min(step*2, 1)
	}
	return spend, obj
}

func sign(maximise bool) float64 {
	if maximise {
		return 1
	}
	return -1
}

// exactlyFeasible checks the limits that depend on revenue.
func (s *solver) exactlyFeasible(tot plan.Totals) bool {
	res := s.res
	if res.Objective == scenarios.MinimiseSpend && tot.Revenue < res.TargetRevenue {
		return false
	}
	if res.MinROAS > 0 && tot.Spend > 0 && tot.Revenue < res.MinROAS*tot.Spend {
		return false
	}
	return true
}

// linearStep solves the problem linearised at spend within the trust region
// (step relative to the cells' spends; +Inf for none). It returns the new
// spend and the change of the linearised objective, in money.
func (s *solver) linearStep(spend [][]float64, step, scale float64) ([][]float64, float64, bool) {
	res := s.res
	base := s.md
	md := base.spendModel(res, scale)
	g := gradient(res, spend)
	_, tot := plan.Evaluate(res, spend)

	active, sum := 0, 0.0
	for c := range spend {
		for _, x := range spend[c] {
			if x > 0 {
				active++
				sum += x
			}
		}
	}
	ref := scale
	if active > 0 {
		ref = sum / float64(active) / scale
	}
	var rInd []int
	var rVal []float64
	rConst := tot.Revenue / scale
	here := 0.0 // the linear objective at spend
	for c := range res.Channels {
		ch := &res.Channels[c]
		for t := 0; t < md.nT; t++ {
			j := base.x[c][t]
			if j < 0 {
				continue
			}
			lo, up := base.m.colLo[j], base.m.colUp[j]
			x := spend[c][t] / scale
			if ch.MinActive[t] > 0 {
				if x <= 0 {
					up = 0
				} else {
					lo = math.Max(lo, ch.MinActive[t]/scale)
				}
			}
			if !math.IsInf(step, 1) {
				d := step * math.Max(x, ref) * s.cellStep(c, t)
				lo, up = math.Max(lo, x-d), math.Min(up, x+d)
			}
			if up < lo {
				up = lo
			}
			var obj float64
			switch res.Objective {
			case scenarios.MaximiseRevenue:
				obj = g[c][t]
			case scenarios.MaximiseProfit:
				obj = res.Margin*g[c][t] - 1
			default:
				obj = 1
			}
			md.x[c][t] = md.m.col(lo, up, obj, glpk.Continuous)
			here += obj * x
			rInd = append(rInd, md.x[c][t])
			rVal = append(rVal, g[c][t])
			rConst -= g[c][t] * x
		}
	}
	md.aggregateRows(rInd, rVal, rConst)
	p, err := s.stepProblem(md)
	if err != nil {
		return nil, 0, false
	}
	// The dual simplex with the long-step ratio test: every column is
	// boxed and only the shared limits are rows, so one iteration moves
	// many cells from bound to bound. The primal simplex, which moves one
	// at a time, took 13.8 of the 18 s of a daily year with 20 channels
	// (BenchmarkDaily); with the long-step test that plan is proven in
	// under 4 s. Should the dual end without an optimum (a step around a
	// plan that keeps the limits is feasible, so even its "infeasible"
	// may be numerical), the primal decides from where it stopped.
	r, err := p.Simplex(glpk.SimplexOptions{Method: glpk.Dual, LongStep: true, TimeLimit: s.stepTimeLimit(md.m.numCols())})
	if err == nil && r.Status != glpk.Optimal {
		r, err = p.Simplex(glpk.SimplexOptions{Method: glpk.Primal, TimeLimit: s.stepTimeLimit(md.m.numCols())})
	}
	if err != nil || r.Status != glpk.Optimal {
		return nil, 0, false
	}
	vals, err := p.ColValues()
	if err != nil {
		return nil, 0, false
	}
	if s.stepProb != p {
		p.Close()
	}
	if !md.m.satisfied(vals) {
		return nil, 0, false // never trust a solve whose answer breaks a row
	}
	return spendOf(md, vals), (r.Objective - here) * scale, true
}

// stepProblem returns a GLPK problem holding a linearised step. Without
// revenue limits, whose rows change with the gradient, every step has the
// same rows, so one problem is kept and only its column bounds and
// objective change: the simplex then starts from the last basis.
func (s *solver) stepProblem(md *model) (*glpk.Problem, error) {
	reuse := md.targetRow < 0 && md.roasRow < 0
	if reuse && s.stepProb != nil && s.stepCols == md.m.numCols() && s.stepRows == md.m.numRows() {
		n := md.m.numCols()
		cols := make([]int, n)
		bounds := make([]glpk.Bound, n)
		for j := range cols {
			cols[j] = j
			bounds[j] = bound(md.m.colLo[j], md.m.colUp[j])
		}
		if err := s.stepProb.SetColBounds(cols, bounds); err == nil {
			if err := s.stepProb.SetObjCoefs(cols, md.m.colObj); err == nil {
				return s.stepProb, nil
			}
		}
		s.closeStepProblem()
	}
	p, err := glpk.New()
	if err != nil {
		return nil, err
	}
	if err := md.m.load(p, s.maximise()); err != nil {
		p.Close()
		return nil, err
	}
	if reuse {
		s.closeStepProblem()
		s.stepProb, s.stepCols, s.stepRows = p, md.m.numCols(), md.m.numRows()
	}
	return p, nil
}

func (s *solver) closeStepProblem() {
	if s.stepProb != nil {
		s.stepProb.Close()
		s.stepProb = nil
	}
}

// Per-cell trust regions, adapted like Rprop: a cell that keeps moving the
// same way gets a wider region, one that turns back a narrower one. It
// removes most of the zig-zag of a single trust region on thousands of
// cells.
const (
	cellStepGrow   = 1.5
	cellStepShrink = 0.5
	cellStepMax    = 8
	cellStepMin    = 1.0 / 64
)

// asideSteps sets polishing's per-cell trust regions aside while plans
// found elsewhere are polished: they belong to the plan the solve goes on
// with. The returned function ends that: it puts them back when those
// plans did not replace the plan in hand, and starts afresh when one did.
func (s *solver) asideSteps() (done func(replaced bool)) {
	steps, moves := s.cellSteps, s.lastMove
	s.cellSteps, s.lastMove = nil, nil
	return func(replaced bool) {
		if replaced {
			s.cellSteps, s.lastMove = nil, nil
		} else {
			s.cellSteps, s.lastMove = steps, moves
		}
	}
}

func (s *solver) cellStep(c, t int) float64 {
	if s.cellSteps == nil {
		return 1
	}
	return s.cellSteps[c][t]
}

func (s *solver) adaptCellSteps(from, to [][]float64) {
	if s.cellSteps == nil {
		s.cellSteps = make([][]float64, len(from))
		s.lastMove = make([][]float64, len(from))
		for c := range from {
			s.cellSteps[c] = make([]float64, len(from[c]))
			s.lastMove[c] = make([]float64, len(from[c]))
			for t := range s.cellSteps[c] {
				s.cellSteps[c][t] = 1
			}
		}
	}
	for c := range from {
		for t := range from[c] {
			move := to[c][t] - from[c][t]
			switch {
			case move*s.lastMove[c][t] > 0:
				s.cellSteps[c][t] = math.Min(s.cellSteps[c][t]*cellStepGrow, cellStepMax)
			case move*s.lastMove[c][t] < 0:
				s.cellSteps[c][t] = math.Max(s.cellSteps[c][t]*cellStepShrink, cellStepMin)
			}
			if move != 0 {
				s.lastMove[c][t] = move
			}
		}
	}
}

// A step problem's simplex gets stepTimePerCol per column, at least
// stepMinTime and at most stepMaxTime or what the solve has left: a
// degenerate step can cycle, and must not hold up the solve.
const (
	stepTimePerCol = time.Millisecond
	stepMinTime    = 100 * time.Millisecond
	stepMaxTime    = 30 * time.Second
)

func (s *solver) stepTimeLimit(cols int) time.Duration {
	d := min(max(time.Duration(cols)*stepTimePerCol, stepMinTime), stepMaxTime)
	return max(min(d, s.remaining()), stepMinTime)
}

// limits returns the solver's check of the linear limits, built once.
func (s *solver) limits() *limitCheck {
	if s.limitCheck == nil || s.limitCheck.base != s.md {
		s.limitCheck = newLimitCheck(s.res, s.md)
	}
	return s.limitCheck
}
