package optimize

import (
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/peakplan/peakplan/optimize/glpk"
	"github.com/peakplan/peakplan/plan"
	"github.com/peakplan/peakplan/scenarios"
)

// Defaults of Options.
const (
	// DefaultGap is the relative gap between the plan's exact objective and
	// the proven bound at which refinement stops: 0.01%, well inside the
	// 0.05% the product promises.
	DefaultGap = 1e-4
	// DefaultTimeLimit bounds one optimisation.
	DefaultTimeLimit = time.Minute
	// maxRounds bounds the refinement rounds.
	maxRounds = 60
	// cutTol: a cell whose model revenue exceeds its curve by more than
	// this share of the objective's scale gets a new tangent.
	cutTol = 1e-9
	// feasibilityTol: how far below the revenue target or ROAS floor an
	// exact evaluation may fall, relative, before the model is tightened.
	feasibilityTol = 1e-9
	// overshootTol: an overshoot of the revenue limits smaller than this
	// share is left alone.
	overshootTol = 1e-7
	// zeroSpend: spends below this share of the money unit are noise of the
	// simplex and are set to 0.
	zeroSpend = 1e-9
)

// Options control a solve.
type Options struct {
	Gap       float64       // target relative gap; 0 means DefaultGap
	TimeLimit time.Duration // 0 means DefaultTimeLimit
	Verbose   io.Writer     // GLPK's log, when set
	WriteLP   io.Writer     // the first model in CPLEX LP format, when set
}

// Status of a result.
const (
	StatusOptimal  = "optimal"  // within the target gap of the proven bound
	StatusFeasible = "feasible" // a plan, but the time limit came first
)

// Result is an optimised plan.
type Result struct {
	Spend        [][]float64 // [channel][period]
	Status       string
	Objective    float64 // exact forward-model value of the objective
	Bound        float64 // proven bound on the optimum
	Gap          float64 // relative distance between Objective and Bound
	MarginalROAS float64
	Rounds       int
	Seconds      float64
}

// InfeasibleError says which limits of a scenario cannot hold together.
type InfeasibleError struct {
	Conflicts []string
}

func (e *InfeasibleError) Error() string {
	if len(e.Conflicts) == 0 {
		return "the scenario is infeasible: its limits cannot all hold together"
	}
	return "the scenario is infeasible: these limits cannot all hold together:\n  - " + strings.Join(e.Conflicts, "\n  - ")
}

// SolverError is a failure of the solver, or a time limit reached before any
// plan was found.
type SolverError struct {
	Err error
}

func (e *SolverError) Error() string { return "solver: " + e.Err.Error() }
func (e *SolverError) Unwrap() error { return e.Err }

// Solve finds the plan that optimises the scenario's objective.
func Solve(res *scenarios.Resolved, opts Options) (*Result, error) {
	if opts.Gap <= 0 {
		opts.Gap = DefaultGap
	}
	if opts.TimeLimit <= 0 {
		opts.TimeLimit = DefaultTimeLimit
	}
	s := &solver{res: res, opts: opts, start: time.Now()}
	defer s.closeStepProblem()
	r, err := s.run()
	var inf *InfeasibleError
	if errors.As(err, &inf) || isSolverFailure(err) {
		// No plan, or a verdict of infeasibility, from the models: the
		// floors alone may still make a plan. (Any other error, writing
		// the LP file say, stands.)
		if fp := s.floorPlan(); fp != nil {
			r, err = fp, nil
		}
	}
	if r != nil {
		s.settle(r)
		s.repair(r)
		// No proven bound (the time ran out first) is reported as a bound of
		// 0 and a gap of 1, never as an infinity that JSON cannot carry.
		if math.IsInf(r.Bound, 0) || math.IsNaN(r.Bound) || math.IsNaN(r.Gap) {
			r.Bound, r.Gap = 0, 1
		}
		if math.IsNaN(r.MarginalROAS) || math.IsInf(r.MarginalROAS, 0) {
			r.MarginalROAS = 0
		}
	}
	return r, err
}

type solver struct {
	res   *scenarios.Resolved
	opts  Options
	start time.Time
	md    *model // the model whose spend columns the polish uses
	best  *Result
	// stepProb keeps the linearised problem of polishing between steps.
	stepProb           *glpk.Problem
	stepCols, stepRows int
	// cellSteps scale each cell's trust region; lastMove is its last move.
	cellSteps, lastMove [][]float64
	// duals of the last column-generation master, for the Lagrangian bound
	duals *masterDuals
	bound boundProgress
	// limitCheck tests plans against the linear limits (see limits)
	limitCheck *limitCheck
	// exploreSeeds are plans the exploration restarts from, first
	exploreSeeds [][][]float64
}

func (s *solver) remaining() time.Duration { return s.opts.TimeLimit - time.Since(s.start) }

func (s *solver) maximise() bool { return s.res.Objective != scenarios.MinimiseSpend }

func (s *solver) run() (*Result, error) {
	// The convex relaxation: its optimum bounds every plan, and when no
	// channel has an S-curve or a minimum flight its refined solution is the
	// plan itself.
	md := newModel(s.res, false)
	md.build()
	s.md = md
	if s.opts.WriteLP != nil {
		if err := writeLP(md, s.opts.WriteLP, s.maximise()); err != nil {
			return nil, err
		}
	}
	if r := s.roasOutOfReach(); r != nil {
		return r, nil
	}
	var relaxed *Result
	var bound float64
	var err error
	if largeNonconvex(s.res, md) {
		// The cut model of a large scenario with S-curves or flights is
		// beyond the simplex. Every channel enters through schedules
		// instead, so the master holds only the shared limits; no bound is
		// proven.
		return s.schedulesOnly(md)
	}
	if useFirstOrder(s.res, md) {
		relaxed, bound, err = s.firstOrder(md)
	} else {
		relaxed, bound, err = s.relaxation(md)
	}
	if err != nil {
		if !isTimeout(err) && !isSolverFailure(err) {
			return nil, err
		}
		// The time ran out before the relaxation was solved, or the
		// simplex failed on it (a curve steep enough near 0 can leave its
		// basis singular): keep what a local search finds, with no proven
		// bound.
		return s.fallback(md, max(fallbackTime, s.remaining()))
	}
	s.trace("relaxation: bound %.6g", bound)
	if relaxed != nil && !anyNonconvex(s.res) {
		s.best = relaxed
	} else {
		cg, err := s.columnGeneration(false)
		if err != nil && relaxed == nil {
			if !isTimeout(err) {
				return nil, err
			}
			fb, err := s.fallback(md, fallbackTime)
			if err != nil {
				return nil, err
			}
			fb.Bound = bound
			fb.Gap = relGap(fb.Objective, bound, s.maximise())
			return fb, nil
		}
		s.md = md // polish moves every cell's spend
		s.best = relaxed
		if cg != nil {
			// The relaxation's own plan (feasible when there are no
			// flights) sometimes polishes to a better local optimum.
			cg.Spend, cg.Objective = s.polish(cg.Spend, cg.Objective, s.polishDeadline())
			if s.best == nil || s.better(cg.Objective, s.best.Objective) {
				s.best = cg
			}
		}
	}
	if s.best == nil {
		return nil, &SolverError{Err: errors.New("no feasible plan was found within the time limit")}
	}
	if relGap(s.best.Objective, bound, s.maximise()) > s.opts.Gap {
		if b, ok := s.dualBound(s.best.Objective, boundFirstShare); ok {
			bound = s.tighter(bound, b)
		}
	}
	s.trace("before polish: %.8g", s.best.Objective)
	s.best.Spend, s.best.Objective = s.polish(s.best.Spend, s.best.Objective, s.polishDeadline())
	s.trace("after polish: %.8g", s.best.Objective)
	if relGap(s.best.Objective, bound, s.maximise()) > s.opts.Gap {
		bound = s.tighter(bound, s.searchCells())
	}
	if relGap(s.best.Objective, bound, s.maximise()) > s.opts.Gap {
		s.explore()
		if b, ok := s.dualBound(s.best.Objective, boundTimeShare); ok {
			bound = s.tighter(bound, b)
		}
	}
	s.best.Bound = bound
	s.best.Gap = relGap(s.best.Objective, bound, s.maximise())
	if s.best.Gap <= s.opts.Gap {
		s.best.Status = StatusOptimal
	} else {
		s.best.Status = StatusFeasible
	}
	s.best.MarginalROAS = s.marginalROAS()
	s.best.Seconds = time.Since(s.start).Seconds()
	return s.best, nil
}

// schedulesOnly solves a large scenario with S-curves or flights by column
// generation over every channel, polishes the plan and keeps it, or the
// local search's when that is better.
func (s *solver) schedulesOnly(md *model) (*Result, error) {
	cg, err := s.columnGeneration(true)
	if err != nil && !isTimeout(err) {
		var inf *InfeasibleError
		if errors.As(err, &inf) {
			return nil, err
		}
	}
	s.md = md
	if cg == nil {
		return s.fallback(md, max(s.remaining(), fallbackTime))
	}
	cg.Bound = s.noBound()
	if b, ok := s.dualBound(cg.Objective, boundTimeShare); ok {
		cg.Bound = b
	}
	cg.Spend, cg.Objective = s.polish(cg.Spend, cg.Objective, s.polishDeadline())
	cg.Gap = relGap(cg.Objective, cg.Bound, s.maximise())
	cg.Status = StatusFeasible
	if cg.Gap <= s.opts.Gap {
		cg.Status = StatusOptimal
	}
	s.best = cg
	// Re-optimising a plan of this size for the margin would take longer
	// than the rest of the solve; the master's price of budget says the same.
	cg.MarginalROAS = s.dualMarginalROAS()
	cg.Seconds = time.Since(s.start).Seconds()
	return cg, nil
}

// roasOutOfReach returns the empty plan, proven optimal, when the ROAS
// floor is beyond every unit of spend: with concave curves (W(0) = 0 and a
// finite slope there) revenue is at most the gradient at the empty plan
// times spend, so when no cell's first unit returns min_roas, no plan that
// spends meets the floor.
func (s *solver) roasOutOfReach() *Result {
	res, md := s.res, s.md
	if res.MinROAS <= 0 || res.Objective == scenarios.MinimiseSpend {
		return nil
	}
	for c := range res.Channels {
		if cv := res.Channels[c].Curve; cv.IsSCurve() || math.IsInf(cv.Slope(0), 1) {
			return nil
		}
	}
	empty := make([][]float64, md.nC)
	for c := range empty {
		empty[c] = make([]float64, md.nT)
	}
	if !s.limits().ok(empty) {
		return nil
	}
	g := gradient(res, empty)
	for c := range g {
		for t, v := range g[c] {
			if md.x[c][t] >= 0 && !(v < res.MinROAS) {
				return nil
			}
		}
	}
	_, tot := plan.Evaluate(res, empty)
	obj := plan.ObjectiveValue(res, tot)
	s.trace("min_roas %g is beyond every cell's first unit of spend: the plan spends nothing", res.MinROAS)
	return &Result{Spend: empty, Objective: obj, Bound: obj, Status: StatusOptimal, Seconds: time.Since(s.start).Seconds()}
}

// floorPlan returns the plan that spends only the per-week floors, polished,
// when it keeps every limit. Under a ROAS floor that no spend reaches (the
// best return of every curve just below it), spending nothing is the plan,
// and R >= min_roas X holds at X = 0; the relaxation, whose tangents
// overstate revenue, keeps finding spend that the exact curves then fail,
// until its tightened ROAS row calls the scenario infeasible.
func (s *solver) floorPlan() *Result {
	md := s.md
	if md == nil {
		return nil
	}
	spend := make([][]float64, md.nC)
	for c := range spend {
		spend[c] = make([]float64, md.nT)
		for t := range spend[c] {
			if md.x[c][t] >= 0 {
				spend[c][t] = s.res.Channels[c].Lower[t]
			}
		}
	}
	if !s.limits().ok(spend) {
		return nil
	}
	_, tot := plan.Evaluate(s.res, spend)
	if !s.exactlyFeasible(tot) {
		return nil
	}
	s.closeStepProblem()
	obj := plan.ObjectiveValue(s.res, tot)
	spend, obj = s.polish(spend, obj, s.polishDeadline())
	return &Result{Spend: spend, Objective: obj, Status: StatusFeasible, Bound: math.NaN(), Gap: 1,
		Seconds: time.Since(s.start).Seconds()}
}

// fallbackTime is what a scenario whose relaxation outran the time limit
// gets to find a plan by local search.
const fallbackTime = 30 * time.Second

// fallback finds a feasible plan by sequential linear programming on the
// exact model, from two starts: an even spread, and the vertex of the limits
// that the gradient at an almost empty plan points to (which concentrates
// spend, as S-curves want). Channels with minimum flights stay dark, which
// keeps every flight rule. There is no proven bound: Bound is 0 and Gap 1.
func (s *solver) fallback(md *model, budget time.Duration) (*Result, error) {
	s.md = md
	s.closeStepProblem()
	dark := func(c int) bool { return hasFlights(s.res) && nonconvex(&s.res.Channels[c]) }
	tiny := make([][]float64, md.nC)
	even := evenStart(s.res, md)
	for c := range tiny {
		tiny[c] = make([]float64, md.nT)
		for t := range tiny[c] {
			if dark(c) {
				even[c][t] = 0
				continue
			}
			if j := md.x[c][t]; j >= 0 {
				tiny[c][t] = math.Max(md.m.colLo[j], md.m.colUp[j]*startSpendShare) * md.scale
			}
		}
	}
	var best *Result
	for i, start := range []struct {
		spend [][]float64
		step  float64
	}{{even, 1}, {tiny, math.Inf(1)}} {
		s.closeStepProblem()
		spend, _, ok := s.linearStep(start.spend, start.step, md.scale)
		if !ok {
			continue
		}
		_, tot := plan.Evaluate(s.res, spend)
		if !s.exactlyFeasible(tot) {
			continue
		}
		obj := plan.ObjectiveValue(s.res, tot)
		spend, obj = s.polishFor(spend, obj, time.Now().Add(budget/2), polishMaxIters)
		s.trace("fallback start %d: %.8g", i, obj)
		if best == nil || s.better(obj, best.Objective) {
			best = &Result{Spend: spend, Objective: obj}
		}
	}
	if best == nil {
		return nil, &SolverError{Err: errors.New("no feasible plan was found within the time limit")}
	}
	best.Status, best.Gap = StatusFeasible, 1
	best.Seconds = time.Since(s.start).Seconds()
	return best, nil
}

// trace logs the solver's progress when verbose.
func (s *solver) trace(format string, args ...any) {
	if s.opts.Verbose != nil {
		fmt.Fprintf(s.opts.Verbose, "peakplan %6.2fs: "+format+"\n", append([]any{time.Since(s.start).Seconds()}, args...)...)
	}
}

func writeLP(md *model, w io.Writer, maximise bool) error {
	p, err := glpk.New()
	if err != nil {
		return &SolverError{Err: err}
	}
	defer p.Close()
	if err := md.m.load(p, maximise); err != nil {
		return &SolverError{Err: err}
	}
	if err := p.WriteLP(w); err != nil {
		return &SolverError{Err: err}
	}
	return nil
}

// relaxation refines the convex model by tangent cuts until its optimum and
// the exact value of its plan meet. It returns the best plan that is
// feasible as it stands (nil when minimum flights make it unusable) and the
// proven bound.
func (s *solver) relaxation(md *model) (*Result, float64, error) {
	p, err := glpk.New()
	if err != nil {
		return nil, 0, &SolverError{Err: err}
	}
	defer func() { p.Close() }()
	if err := md.m.load(p, s.maximise()); err != nil {
		return nil, 0, &SolverError{Err: err}
	}
	bound := s.noBound()
	var best *Result
	flights := hasFlights(s.res)
	feasible, fresh := false, false
	for round := 1; round <= maxRounds && s.remaining() > 0; round++ {
		r, err := s.simplex(p)
		if err != nil {
			if best != nil && isTimeout(err) {
				break
			}
			return nil, 0, err
		}
		if r.Status == glpk.NoFeasible || r.Status == glpk.Infeasible || errors.Is(r.Code, glpk.ENOPFS) {
			if md.targetExtra != 0 || md.roasExtra != 0 {
				// The raise of the revenue target or the ROAS floor is a
				// guess at what the cuts still miss (an S-curve's chord
				// overstates small flights by far), not a limit of the
				// scenario: only the model at the scenario's own limits
				// can call it infeasible. When that one is feasible, its
				// optimum is the bound, and the schedules find the plan.
				b, ok := s.untightenedBound(md, p)
				if !ok {
					return nil, 0, s.diagnose(md)
				}
				s.trace("relaxation round %d: the raised revenue limits cannot hold; bound %.8g", round, b)
				return best, s.tighter(bound, b), nil
			}
			if !feasible || md.targetRow >= 0 || md.roasRow >= 0 {
				return nil, 0, s.diagnose(md)
			}
			// Cuts only bound revenue from above: without a revenue
			// limit they cannot make a model that was feasible
			// infeasible. The simplex lost its way from a warm basis
			// (GLPK's dual simplex stopped on "tcol[p] = 0.0" on a daily
			// scenario, and the primal simplex then settled 8e-6 short of
			// feasibility): solve the same model once afresh, and
			// otherwise keep what the earlier rounds found.
			if fresh {
				s.trace("relaxation round %d: the simplex fails on a feasible model; keeping the earlier rounds", round)
				break
			}
			fresh = true
			q, err := glpk.New()
			if err != nil {
				break
			}
			p.Close()
			p = q
			if err := md.m.load(p, s.maximise()); err != nil {
				return nil, 0, &SolverError{Err: err}
			}
			s.trace("relaxation round %d: the simplex fails on a feasible model; solving it afresh", round)
			round--
			continue
		}
		feasible = true
		if r.Status == glpk.Unbounded {
			return nil, 0, &SolverError{Err: errors.New("the model is unbounded; give the channels spend limits")}
		}
		if r.Status != glpk.Optimal {
			return nil, 0, &SolverError{Err: fmt.Errorf("the simplex ended with status %v (%v)", r.Status, r.Code)}
		}
		vals, err := p.ColValues()
		if err != nil {
			return nil, 0, &SolverError{Err: err}
		}
		if md.targetExtra == 0 && md.roasExtra == 0 {
			// Only the untightened model is a relaxation.
			bound = s.tighter(bound, r.Objective*md.scale)
		}
		spend := spendOf(md, vals)
		_, tot := plan.Evaluate(s.res, spend)
		if !s.exactlyFeasible(tot) {
			// The relaxation promised revenue the curves do not give: ask for
			// the shortfall on top, and solve again (warm).
			s.tighten(md, p, tot)
			continue
		}
		// A feasible plan that overshoots a raised limit gives some back
		// next round.
		relaxedLimit := s.tighten(md, p, tot)
		if !flights {
			obj := plan.ObjectiveValue(s.res, tot)
			if best == nil || s.better(obj, best.Objective) {
				best = &Result{Spend: spend, Objective: obj, Rounds: round}
			}
			if relGap(best.Objective, bound, s.maximise()) <= s.opts.Gap/2 {
				break
			}
		}
		first := md.m.numRows()
		cuts := refineTangents(md, vals)
		s.trace("relaxation round %d: bound %.8g, %d simplex iterations, %d cuts", round, bound, r.Iterations, cuts)
		if cuts == 0 && !relaxedLimit {
			break
		}
		if err := md.m.loadRows(p, first); err != nil {
			return nil, 0, &SolverError{Err: err}
		}
	}
	if md.targetExtra != 0 || md.roasExtra != 0 {
		// The plan needed a tightened model; the bound comes from the
		// untightened one with every cut found since.
		if b, ok := s.untightenedBound(md, p); ok {
			bound = s.tighter(bound, b)
		}
	}
	return best, bound, nil
}

// noBound is the bound before any is proven: +Inf when maximising.
func (s *solver) noBound() float64 { return math.Inf(int(sign(s.maximise()))) }

// tighter returns the better of two bounds: the smaller when maximising.
func (s *solver) tighter(a, b float64) float64 {
	if s.maximise() {
		return math.Min(a, b)
	}
	return math.Max(a, b)
}

// untightenedBound re-solves the relaxation with the revenue target and ROAS
// floor at their scenario values, keeping the cuts, and returns its optimum.
func (s *solver) untightenedBound(md *model, p *glpk.Problem) (float64, bool) {
	for _, r := range []struct {
		row   int
		extra *float64
	}{{md.targetRow, &md.targetExtra}, {md.roasRow, &md.roasExtra}} {
		if r.row < 0 || *r.extra == 0 {
			continue
		}
		md.m.rowLo[r.row] -= *r.extra
		*r.extra = 0
		if err := p.SetRowBounds([]int{r.row}, []glpk.Bound{bound(md.m.rowLo[r.row], md.m.rowUp[r.row])}); err != nil {
			return 0, false
		}
	}
	res, err := s.simplex(p)
	if err != nil || res.Status != glpk.Optimal {
		return 0, false
	}
	return res.Objective * md.scale, true
}

func hasFlights(res *scenarios.Resolved) bool {
	for c := range res.Channels {
		for _, m := range res.Channels[c].MinActive {
			if m > 0 {
				return true
			}
		}
	}
	return false
}

// simplex solves the loaded LP, warm from its last basis, falling back to a
// fresh primal simplex with presolve when the warm start fails.
func (s *solver) simplex(p *glpk.Problem) (glpk.Result, error) {
	r, err := p.Simplex(glpk.SimplexOptions{Method: glpk.DualPrimal, TimeLimit: max(s.remaining(), time.Millisecond), Verbose: s.opts.Verbose})
	if err != nil {
		return r, &SolverError{Err: err}
	}
	if errors.Is(r.Code, glpk.ETMLIM) {
		return r, &SolverError{Err: errTimeLimit}
	}
	if r.Status != glpk.Optimal && r.Status != glpk.Unbounded {
		// The dual simplex can call a model infeasible by the last bits
		// of a limit that per-week floors meet exactly (a budget equal to
		// their sum); the primal simplex, from the basis it left, decides.
		r, err = p.Simplex(glpk.SimplexOptions{Method: glpk.Primal, TimeLimit: max(s.remaining(), time.Millisecond), Verbose: s.opts.Verbose})
		if err != nil {
			return r, &SolverError{Err: err}
		}
		if errors.Is(r.Code, glpk.ETMLIM) {
			return r, &SolverError{Err: errTimeLimit}
		}
	}
	if r.Code != nil && r.Status != glpk.Optimal {
		r, err = p.Simplex(glpk.SimplexOptions{Method: glpk.Primal, Presolve: true, TimeLimit: max(s.remaining(), time.Millisecond), Verbose: s.opts.Verbose})
		if err != nil {
			return r, &SolverError{Err: err}
		}
		if errors.Is(r.Code, glpk.ETMLIM) {
			return r, &SolverError{Err: errTimeLimit}
		}
	}
	return r, nil
}

// tighten moves the revenue target and the ROAS floor rows by what the
// exact evaluation fell short of, or back by what it overshot while the rows
// are raised, so that the raise converges to what the cuts still miss. It
// reports whether a row moved.
func (s *solver) tighten(md *model, p *glpk.Problem, tot plan.Totals) bool {
	res := s.res
	moved := false
	adjust := func(row int, extra *float64, need float64) {
		if row < 0 {
			return
		}
		// need > 0: short; need < 0: overshoot, given back while raised.
		d := need / md.scale
		if d < 0 {
			d = math.Max(d, -*extra)
		}
		if d == 0 || (d < 0 && -d <= overshootTol*math.Abs(md.m.rowLo[row])) {
			return
		}
		*extra += d
		md.m.rowLo[row] += d
		moved = true
		if p != nil {
			_ = p.SetRowBounds([]int{row}, []glpk.Bound{bound(md.m.rowLo[row], md.m.rowUp[row])})
		}
	}
	if res.Objective == scenarios.MinimiseSpend {
		adjust(md.targetRow, &md.targetExtra, res.TargetRevenue*(1+feasibilityTol)-tot.Revenue)
	}
	if res.MinROAS > 0 {
		adjust(md.roasRow, &md.roasExtra, res.MinROAS*tot.Spend*(1+feasibilityTol)-tot.Revenue)
	}
	return moved
}

func isTimeout(err error) bool {
	var se *SolverError
	return errors.As(err, &se) && errors.Is(se.Err, errTimeLimit)
}

var errTimeLimit = errors.New("the time limit was reached")

// isSolverFailure reports whether err is a failure of the solver rather
// than a verdict on the scenario.
func isSolverFailure(err error) bool {
	var se *SolverError
	return errors.As(err, &se)
}

// spendOf reads the spend matrix out of the column values, in money.
func spendOf(md *model, vals []float64) [][]float64 {
	spend := make([][]float64, md.nC)
	for c := range spend {
		spend[c] = make([]float64, md.nT)
		for t := range spend[c] {
			if j := md.x[c][t]; j >= 0 {
				x := vals[j]
				// Clamp simplex noise back into the column's bounds.
				x = math.Max(x, md.m.colLo[j])
				x = math.Min(x, md.m.colUp[j])
				if x < zeroSpend && md.m.colLo[j] <= 0 {
					// (a floor, however small beside the model's money
					// unit, is a limit, not noise)
					x = 0
				}
				spend[c][t] = x * md.scale
			}
		}
	}
	return spend
}

func (s *solver) better(a, b float64) bool {
	if s.maximise() {
		return a > b
	}
	return a < b
}

// relGap is the relative distance from a plan's objective to the bound.
// gapMoneyTol: a bound less than this much money from the plan proves it
// optimal, whatever the ratio (a plan that spends nothing, bounded by
// 1e-8, is not 100% from its optimum).
const gapMoneyTol = 1e-6

func relGap(obj, bound float64, maximise bool) float64 {
	d := bound - obj
	if !maximise {
		d = obj - bound
	}
	if d <= gapMoneyTol {
		return 0
	}
	den := math.Max(math.Abs(bound), math.Abs(obj))
	return d / den
}

// refineTangents adds a tangent at the solution of every cell whose model
// revenue exceeds its bounding function there, and reports how many.
func refineTangents(md *model, vals []float64) int {
	added := 0
	for c := range md.res.Channels {
		ch := &md.res.Channels[c]
		if ch.Curve.Kind == scenarios.Linear || md.cg[c] {
			continue
		}
		tol := cutTol * (md.weekly(c, md.amax[c][md.nT-1]+1) + 1)
		for t := 0; t < md.nT; t++ {
			if md.w[c][t] < 0 {
				continue
			}
			a, w := vals[md.a[c][t]], vals[md.w[c][t]]
			if w-md.weekly(c, a) <= tol {
				continue
			}
			if addPoint(&md.tangents[c][t], a, ch.Curve.Half/md.scale) {
				md.tangentRow(c, t, a)
				added++
			}
		}
	}
	return added
}

// addPoint inserts p into the sorted points unless one is already close.
func addPoint(pts *[]float64, p, unit float64) bool {
	if len(*pts) >= maxPointsPerCell {
		return false
	}
	for _, q := range *pts {
		if math.Abs(q-p) <= pointMergeTol*math.Max(unit, 1e-12) {
			return false
		}
	}
	*pts = append(*pts, p)
	sort.Float64s(*pts)
	return true
}

// marginalROAS is the revenue that one more unit of budget would add at the
// optimum, measured by re-optimising the plan locally (the flight pattern
// fixed) with marginalStep more budget. The plan must have been polished
// to a standstill first, or the re-optimisation also gains what the plan
// still lacked. For the spend objective, where the budget does not bind,
// it is the revenue the last unit of spend brings. It is 0 when more
// budget would not be spent.
func (s *solver) marginalROAS() float64 {
	res := s.res
	_, base := plan.Evaluate(res, s.best.Spend)
	switch res.Objective {
	case scenarios.MinimiseSpend:
		// At the optimum every cell strictly inside its limits returns the
		// same revenue per unit of spend at the margin; average it over
		// those cells, weighted by spend.
		g := gradient(res, s.best.Spend)
		var num, den float64
		for c := range res.Channels {
			for t, x := range s.best.Spend[c] {
				j := s.md.x[c][t]
				if j < 0 || x <= 0 {
					continue
				}
				lo, up := s.md.m.colLo[j]*s.md.scale, s.md.m.colUp[j]*s.md.scale
				if x > lo*(1+1e-6)+1e-9 && x < up*(1-1e-6) {
					num += g[c][t] * x
					den += x
				}
			}
		}
		if den == 0 {
			return 0
		}
		return num / den
	default:
		if math.IsInf(res.BudgetTotal, 1) || base.Spend < res.BudgetTotal*(1-1e-6) {
			return 0 // the budget does not bind
		}
		more := *res
		sub := &solver{res: &more, opts: s.opts, start: time.Now(), md: s.md}
		defer sub.closeStepProblem()
		delta := math.Max(res.BudgetTotal*marginalStep, s.md.scale*1e-3)
		more.BudgetTotal = res.BudgetTotal + delta
		spend, _ := sub.polish(s.best.Spend, s.best.Objective, time.Now().Add(min(marginalTime, max(s.remaining(), marginalMinTime))))
		_, tot := plan.Evaluate(res, spend)
		return math.Max(tot.Revenue-base.Revenue, 0) / delta
	}
}

// polishDeadline ends the final polish early enough to leave the marginal
// ROAS its measurement time.
func (s *solver) polishDeadline() time.Time {
	return s.start.Add(s.opts.TimeLimit - min(marginalTime, s.opts.TimeLimit/10))
}

// dualMarginalROAS is the marginal ROAS read off the column-generation
// master's price of the total budget: the revenue one more unit of budget
// adds to the convexified problem. It is 0 when the budget does not bind or
// there are no duals.
func (s *solver) dualMarginalROAS() float64 {
	res := s.res
	if s.duals == nil || math.IsInf(res.BudgetTotal, 1) || res.Objective == scenarios.MinimiseSpend {
		return 0
	}
	_, tot := plan.Evaluate(res, s.best.Spend)
	if tot.Spend < res.BudgetTotal*(1-1e-6) {
		return 0
	}
	for i, name := range s.duals.rowName {
		if name != budgetRowName {
			continue
		}
		y := math.Max(s.duals.value[i], 0)
		if res.Objective == scenarios.MaximiseProfit {
			// y = margin dR/dB - 1
			return (y + 1) / res.Margin
		}
		return y
	}
	return 0
}

// The step and time of the marginal ROAS measurement.
const (
	marginalStep    = 1e-3
	marginalTime    = 5 * time.Second
	marginalMinTime = 200 * time.Millisecond
)

func windowName(i int) string { return "budget.windows[" + strconv.Itoa(i) + "]" }

func quote(s string) string { return strconv.Quote(s) }

func groupName(i int, name string, lower bool) string {
	if lower {
		return fmt.Sprintf("group %q min_share", name)
	}
	return fmt.Sprintf("group %q max_share", name)
}
