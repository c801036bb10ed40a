package glpk

/*
#include <stdint.h>
#include <stdlib.h>
#include "wrap.h"
*/
import "C"

import (
	"fmt"
	"io"
	"math"
	"runtime/cgo"
	"time"
	"unsafe"
)

// dblEpsilon is C's DBL_EPSILON; GLPK adds it to |objective| in the
// denominator of the relative MIP gap, and so does MIPResult.Gap.
const dblEpsilon = 2.220446049250313e-16

// glpDblMax is C's DBL_MAX, which GLPK uses as "no bound yet".
const glpDblMax = math.MaxFloat64

// Status is the status of a solution after a solver call.
type Status int

const (
	Undefined  Status = iota // GLP_UNDEF: no solution (yet)
	Optimal                  // GLP_OPT
	Feasible                 // GLP_FEAS: feasible, optimality not proven
	Infeasible               // GLP_INFEAS: the current solution is infeasible
	NoFeasible               // GLP_NOFEAS: proven to have no feasible solution
	Unbounded                // GLP_UNBND: objective unbounded
)

func (s Status) String() string {
	switch s {
	case Undefined:
		return "Undefined"
	case Optimal:
		return "Optimal"
	case Feasible:
		return "Feasible"
	case Infeasible:
		return "Infeasible"
	case NoFeasible:
		return "NoFeasible"
	case Unbounded:
		return "Unbounded"
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

func statusOf(st C.int) Status {
	switch st {
	case C.GLP_OPT:
		return Optimal
	case C.GLP_FEAS:
		return Feasible
	case C.GLP_INFEAS:
		return Infeasible
	case C.GLP_NOFEAS:
		return NoFeasible
	case C.GLP_UNBND:
		return Unbounded
	}
	return Undefined
}

// ReturnCode is a non-zero return code of a GLPK solver routine. It is an
// error, so Result.Code can be compared with ==, errors.Is or switched on.
type ReturnCode int

// GLPK's return codes.
const (
	EBADB   ReturnCode = C.GLP_EBADB
	ESING   ReturnCode = C.GLP_ESING
	ECOND   ReturnCode = C.GLP_ECOND
	EBOUND  ReturnCode = C.GLP_EBOUND
	EFAIL   ReturnCode = C.GLP_EFAIL
	EOBJLL  ReturnCode = C.GLP_EOBJLL
	EOBJUL  ReturnCode = C.GLP_EOBJUL
	EITLIM  ReturnCode = C.GLP_EITLIM
	ETMLIM  ReturnCode = C.GLP_ETMLIM
	ENOPFS  ReturnCode = C.GLP_ENOPFS
	ENODFS  ReturnCode = C.GLP_ENODFS
	EROOT   ReturnCode = C.GLP_EROOT
	ESTOP   ReturnCode = C.GLP_ESTOP
	EMIPGAP ReturnCode = C.GLP_EMIPGAP
	ENOFEAS ReturnCode = C.GLP_ENOFEAS
	ENOCVG  ReturnCode = C.GLP_ENOCVG
	EINSTAB ReturnCode = C.GLP_EINSTAB
	EDATA   ReturnCode = C.GLP_EDATA
	ERANGE  ReturnCode = C.GLP_ERANGE
)

var codeNames = map[ReturnCode][2]string{
	EBADB:   {"GLP_EBADB", "invalid basis"},
	ESING:   {"GLP_ESING", "singular matrix"},
	ECOND:   {"GLP_ECOND", "ill-conditioned matrix"},
	EBOUND:  {"GLP_EBOUND", "invalid bounds"},
	EFAIL:   {"GLP_EFAIL", "solver failed"},
	EOBJLL:  {"GLP_EOBJLL", "objective lower limit reached"},
	EOBJUL:  {"GLP_EOBJUL", "objective upper limit reached"},
	EITLIM:  {"GLP_EITLIM", "iteration limit exceeded"},
	ETMLIM:  {"GLP_ETMLIM", "time limit exceeded"},
	ENOPFS:  {"GLP_ENOPFS", "no primal feasible solution"},
	ENODFS:  {"GLP_ENODFS", "no dual feasible solution"},
	EROOT:   {"GLP_EROOT", "root LP optimum not provided"},
	ESTOP:   {"GLP_ESTOP", "search terminated by application"},
	EMIPGAP: {"GLP_EMIPGAP", "relative mip gap tolerance reached"},
	ENOFEAS: {"GLP_ENOFEAS", "no primal/dual feasible solution"},
	ENOCVG:  {"GLP_ENOCVG", "no convergence"},
	EINSTAB: {"GLP_EINSTAB", "numerical instability"},
	EDATA:   {"GLP_EDATA", "invalid data"},
	ERANGE:  {"GLP_ERANGE", "result out of range"},
}

// Name returns GLPK's name for the code, e.g. "GLP_ETMLIM".
func (c ReturnCode) Name() string {
	if n, ok := codeNames[c]; ok {
		return n[0]
	}
	return fmt.Sprintf("GLPK return code %d", int(c))
}

func (c ReturnCode) Error() string {
	if n, ok := codeNames[c]; ok {
		return "glpk: " + n[0] + " (" + n[1] + ")"
	}
	return "glpk: " + c.Name()
}

func codeErr(ret C.int) error {
	if ret == 0 {
		return nil
	}
	return ReturnCode(ret)
}

// Method selects the simplex variant.
type Method int

const (
	Primal     Method = iota // primal simplex (GLPK's default)
	Dual                     // dual simplex; the one that warm-starts after AddRows
	DualPrimal               // dual simplex, falling back to primal if it fails
)

// SimplexOptions are the options of Simplex. The zero value is GLPK's
// default: primal simplex, no presolve, no limits, silent.
type SimplexOptions struct {
	// Presolve runs GLPK's LP presolver; it ignores a stored basis and
	// reports an infeasible LP as Code ENOPFS with Status Undefined, where
	// without it the code is nil and the status NoFeasible.
	Presolve  bool
	Method    Method
	TimeLimit time.Duration // wall clock; 0 means none; rounded up to ms
	IterLimit int           // 0 means none
	// LongStep uses the long-step ratio test, which lets one iteration of
	// the dual simplex move many boxed columns from bound to bound.
	LongStep bool
	// Verbose receives GLPK's log if non-nil. Write errors are ignored, and
	// the writer must not call methods of the same Problem.
	Verbose io.Writer
}

// InteriorOptions are the options of Interior.
type InteriorOptions struct {
	Verbose io.Writer // as in SimplexOptions
}

// MIPOptions are the options of Intopt.
type MIPOptions struct {
	TimeLimit time.Duration // wall clock; 0 means none; rounded up to ms
	// NodeLimit stops the search (Code ESTOP, the incumbent kept) once
	// the branch-and-bound tree has created this many subproblems (one
	// more when a branch creates two at once); 0 means none. Unlike TimeLimit it stops every run at the same place.
	NodeLimit int
	// Gap stops the search once the relative gap between the incumbent and
	// the best bound is at most Gap (Code EMIPGAP); 0 means solve to
	// optimality.
	Gap float64
	// Presolve runs GLPK's MIP presolver. Without it the LP relaxation is
	// first solved by the simplex method (from the stored basis), as
	// glp_intopt requires.
	Presolve bool
	// Cuts enables all of GLPK's cut generators (MIR, Gomory, cover,
	// clique), which are off by default.
	Cuts bool
	// Pump runs the feasibility pump heuristic and Pseudocost branches by
	// pseudocosts (GLPK's defaults are neither): on the piecewise-linear
	// models of S-curves they find good plans much sooner. GLPK solves the
	// pump's LPs with no time limit, and on a badly scaled model one of
	// them can stall for minutes, past TimeLimit.
	Pump       bool
	Pseudocost bool
	// Start, when not nil, is a solution known to meet every row and
	// integrality (one value per column, in order): it becomes the first
	// incumbent, so the search returns nothing worse and prunes against
	// it from the start. GLPK does not check its rows. It needs Presolve
	// off, as the presolved problem has other columns.
	Start   []float64
	Verbose io.Writer // as in SimplexOptions
}

// Result is the outcome of an LP solve.
type Result struct {
	Code       error  // nil if GLPK returned 0, else a ReturnCode
	Status     Status // status of the solution after the call
	Objective  float64
	Iterations int    // simplex iterations of this call (0 for Interior)
	Msg        string // tail of what GLPK printed; without Verbose only its warnings and errors
}

// MIPResult is the outcome of Intopt.
type MIPResult struct {
	Code      error  // nil if GLPK returned 0, else a ReturnCode
	Status    Status // glp_mip_status after the call
	Objective float64
	// Bound is the best proven bound on the optimal objective: a lower
	// bound when minimizing, an upper one when maximizing. It equals
	// Objective when Status is Optimal and is -Inf (+Inf when maximizing)
	// when nothing is known.
	Bound float64
	// Gap is |Objective-Bound| / (|Objective|+DBL_EPSILON) as in GLPK;
	// +Inf without an integer feasible solution.
	Gap float64
	// Nodes is the count of subproblems the search created (the count
	// NodeLimit limits).
	Nodes int
	Msg   string
}

func msgLevel(w io.Writer) C.int {
	if w != nil {
		return C.GLP_MSG_ON
	}
	// Errors and warnings only: they are captured for Result.Msg and
	// never printed.
	return C.GLP_MSG_ERR
}

// handle registers w for the C terminal hook; release must be called.
func handle(w io.Writer) (h C.uintptr_t, release func()) {
	if w == nil {
		return 0, func() {}
	}
	ch := cgo.NewHandle(w)
	return C.uintptr_t(ch), ch.Delete
}

func msLimit(op string, d time.Duration) (C.int, error) {
	if d < 0 {
		return 0, fmt.Errorf("glpk: %s: negative TimeLimit %v", op, d)
	}
	if d == 0 {
		return math.MaxInt32, nil // GLPK's "no limit"
	}
	ms := (d + time.Millisecond - 1) / time.Millisecond
	if ms >= math.MaxInt32 {
		return math.MaxInt32, nil
	}
	return C.int(ms), nil
}

// Simplex solves the LP relaxation with the simplex method. The error is
// non-nil only for invalid options or a fatal GLPK error; solver outcomes
// are in Result.
//
// Without Presolve GLPK starts from the basis stored in the problem, which
// the previous Simplex left optimal. Rows added since then are basic in
// it, and changed finite bounds keep it dual feasible, so Method Dual
// re-solves in few iterations (warm start). Presolve ignores the basis.
func (p *Problem) Simplex(o SimplexOptions) (Result, error) {
	const op = "Simplex"
	var meth C.int
	switch o.Method {
	case Primal:
		meth = C.GLP_PRIMAL
	case Dual:
		meth = C.GLP_DUAL
	case DualPrimal:
		meth = C.GLP_DUALP
	default:
		return Result{}, fmt.Errorf("glpk: %s: invalid Method %d", op, o.Method)
	}
	tm, err := msLimit(op, o.TimeLimit)
	if err != nil {
		return Result{}, err
	}
	if o.IterLimit < 0 {
		return Result{}, fmt.Errorf("glpk: %s: negative IterLimit %d", op, o.IterLimit)
	}
	it := C.int(math.MaxInt32)
	if o.IterLimit > 0 && o.IterLimit < math.MaxInt32 {
		it = C.int(o.IterLimit)
	}
	h, release := handle(o.Verbose)
	defer release()
	var res Result
	err = p.do(func(s *state) error {
		parm := C.gw_smcp{
			msg_lev:   msgLevel(o.Verbose),
			meth:      meth,
			presolve:  boolInt(o.Presolve),
			it_lim:    it,
			tm_lim:    tm,
			long_step: boolInt(o.LongStep),
			writer:    h,
		}
		var out C.gw_lp_out
		if err := s.check(op, C.gw_simplex(s.prob, &parm, &out)); err != nil {
			return err
		}
		s.lastLP = C.GLP_SOL
		res = Result{
			Code:       codeErr(out.ret),
			Status:     statusOf(out.status),
			Objective:  float64(out.obj),
			Iterations: int(out.it_cnt),
			Msg:        lastOutput(),
		}
		return nil
	})
	return res, err
}

// Interior solves the LP relaxation with GLPK's interior-point method.
// It can beat the simplex method on large sparse LPs, but GLPK turns
// column bounds into rows and has no dense-row handling (one row over all
// columns made a 50k-column LP ten times slower), so measure first. It
// gives no basis, so it cannot warm-start a later Simplex. Afterwards the
// LP getters read the interior-point solution.
func (p *Problem) Interior(o InteriorOptions) (Result, error) {
	const op = "Interior"
	h, release := handle(o.Verbose)
	defer release()
	var res Result
	err := p.do(func(s *state) error {
		var out C.gw_lp_out
		if err := s.check(op, C.gw_interior(s.prob, msgLevel(o.Verbose), h, &out)); err != nil {
			return err
		}
		s.lastLP = C.GLP_IPT
		res = Result{
			Code:      codeErr(out.ret),
			Status:    statusOf(out.status),
			Objective: float64(out.obj),
			Msg:       lastOutput(),
		}
		return nil
	})
	return res, err
}

// Intopt solves the problem as a MIP by branch and cut (glp_intopt).
func (p *Problem) Intopt(o MIPOptions) (MIPResult, error) {
	const op = "Intopt"
	tm, err := msLimit(op, o.TimeLimit)
	if err != nil {
		return MIPResult{}, err
	}
	if !finite(o.Gap) || o.Gap < 0 {
		return MIPResult{}, fmt.Errorf("glpk: %s: invalid Gap %v", op, o.Gap)
	}
	if o.NodeLimit < 0 || o.NodeLimit > math.MaxInt32 {
		return MIPResult{}, fmt.Errorf("glpk: %s: invalid NodeLimit %d", op, o.NodeLimit)
	}
	var start []C.double
	if o.Start != nil {
		if o.Presolve {
			return MIPResult{}, fmt.Errorf("glpk: %s: a Start needs Presolve off", op)
		}
		// In C memory: the options struct that carries it is passed by
		// pointer, and cgo forbids Go pointers inside Go memory passed so.
		n := len(o.Start) + 1
		mem := C.malloc(C.size_t(n) * C.size_t(unsafe.Sizeof(C.double(0))))
		defer C.free(mem)
		start = unsafe.Slice((*C.double)(mem), n)
		start[0] = 0
		for j, v := range o.Start {
			if !finite(v) {
				return MIPResult{}, fmt.Errorf("glpk: %s: Start[%d] is %v", op, j, v)
			}
			start[j+1] = C.double(v)
		}
	}
	h, release := handle(o.Verbose)
	defer release()
	var res MIPResult
	err = p.do(func(s *state) error {
		if start != nil && len(start)-1 != s.cols {
			return fmt.Errorf("glpk: %s: Start has %d values for %d columns", op, len(start)-1, s.cols)
		}
		parm := C.gw_iocp{
			msg_lev:    msgLevel(o.Verbose),
			presolve:   boolInt(o.Presolve),
			tm_lim:     tm,
			node_lim:   C.int(o.NodeLimit),
			mip_gap:    C.double(o.Gap),
			cuts:       boolInt(o.Cuts),
			pump:       boolInt(o.Pump),
			pseudocost: boolInt(o.Pseudocost),
			start:      ptrD(start),
			writer:     h,
		}
		var out C.gw_mip_out
		if err := s.check(op, C.gw_intopt(s.prob, &parm, &out)); err != nil {
			return err
		}
		res = mipResult(&out)
		res.Msg = lastOutput()
		return nil
	})
	return res, err
}

func mipResult(out *C.gw_mip_out) MIPResult {
	r := MIPResult{
		Code:      codeErr(out.ret),
		Status:    statusOf(out.status),
		Objective: float64(out.obj),
		Nodes:     int(out.nodes),
	}
	// sign is +1 when minimizing: bounds are lower bounds, "better" is
	// smaller.
	sign := 1.0
	if out.dir == C.GLP_MAX {
		sign = -1
	}
	r.Bound = math.Inf(-int(sign))
	if out.have_bound != 0 && math.Abs(float64(out.bound)) < glpDblMax {
		r.Bound = float64(out.bound)
	}
	switch r.Status {
	case Optimal:
		r.Bound = r.Objective
	case NoFeasible:
		// The infimum over an empty set: nothing beats any value.
		r.Bound = math.Inf(int(sign))
	case Feasible:
		// A bound past the incumbent can only come from GLPK's rounding
		// of node bounds; the incumbent itself is a valid bound then.
		if sign*(r.Bound-r.Objective) > 0 {
			r.Bound = r.Objective
		}
	}
	r.Gap = math.Inf(1)
	if r.Status == Optimal || r.Status == Feasible {
		r.Gap = math.Abs(r.Objective-r.Bound) / (math.Abs(r.Objective) + dblEpsilon)
	}
	return r
}

func boolInt(b bool) C.int {
	if b {
		return 1
	}
	return 0
}

// ObjValue returns the objective value of the LP solution of the last
// Simplex or Interior call (the basic solution if neither ran yet).
func (p *Problem) ObjValue() (float64, error) {
	return p.obj("ObjValue", false)
}

// MIPObjValue returns the objective value of the MIP solution.
func (p *Problem) MIPObjValue() (float64, error) {
	return p.obj("MIPObjValue", true)
}

func (p *Problem) obj(op string, mip bool) (float64, error) {
	var v C.double
	err := p.do(func(s *state) error {
		sol := s.lastLP
		if mip {
			sol = C.GLP_MIP
		}
		return s.check(op, C.gw_get_obj(s.prob, sol, &v))
	})
	return float64(v), err
}

// ColValues returns the primal values of all columns in the last LP
// solution (see ObjValue).
func (p *Problem) ColValues() ([]float64, error) {
	return p.vals("ColValues", false, C.GW_COL_PRIM)
}

// ReducedCosts returns the reduced costs (column duals) of all columns in
// the last LP solution.
func (p *Problem) ReducedCosts() ([]float64, error) {
	return p.vals("ReducedCosts", false, C.GW_COL_DUAL)
}

// RowActivities returns the values of all rows (A·x) in the last LP
// solution.
func (p *Problem) RowActivities() ([]float64, error) {
	return p.vals("RowActivities", false, C.GW_ROW_PRIM)
}

// RowDuals returns the dual values (shadow prices) of all rows in the last
// LP solution.
func (p *Problem) RowDuals() ([]float64, error) {
	return p.vals("RowDuals", false, C.GW_ROW_DUAL)
}

// MIPColValues returns the values of all columns in the MIP solution.
func (p *Problem) MIPColValues() ([]float64, error) {
	return p.vals("MIPColValues", true, C.GW_COL_PRIM)
}

// MIPRowActivities returns the values of all rows in the MIP solution.
func (p *Problem) MIPRowActivities() ([]float64, error) {
	return p.vals("MIPRowActivities", true, C.GW_ROW_PRIM)
}

func (p *Problem) vals(op string, mip bool, what C.int) ([]float64, error) {
	var out []float64
	err := p.do(func(s *state) error {
		sol := s.lastLP
		if mip {
			sol = C.GLP_MIP
		}
		n := s.cols
		if what == C.GW_ROW_PRIM || what == C.GW_ROW_DUAL {
			n = s.rows
		}
		out = make([]float64, n)
		if n == 0 {
			return nil
		}
		// C writes straight into the Go slice: float64 is C's double and
		// the slice holds no Go pointers.
		return s.check(op, C.gw_get_vals(s.prob, sol, what, (*C.double)(&out[0]), C.int(n)))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
