package glpk

import (
	"bytes"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
)

// tolExact is for values GLPK computes from a handful of exact pivots on
// small integers, where only floating-point rounding separates them from
// the hand-computed answer.
const tolExact = 1e-9

// tolIPM is for the interior-point method, which stops at a relative
// duality gap around 1e-8 rather than at a vertex.
const tolIPM = 1e-6

func newProblem(t testing.TB) *Problem {
	t.Helper()
	p, err := New()
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(p.Close)
	return p
}

func near(a, b, tol float64) bool {
	return math.Abs(a-b) <= tol*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

func checkVec(t *testing.T, what string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: len %d, want %d", what, len(got), len(want))
	}
	for i := range want {
		if !near(got[i], want[i], tol) {
			t.Errorf("%s[%d] = %v, want %v", what, i, got[i], want[i])
		}
	}
}

// wyndor builds Hillier & Lieberman's Wyndor Glass LP:
//
//	max 3x + 5y  s.t.  x <= 4,  2y <= 12,  3x + 2y <= 18,  x, y >= 0.
//
// By hand: optimum (2, 6) with value 36; the first row is slack, the duals
// of the others are 3/2 and 1; both columns are basic (reduced costs 0).
func wyndor(t *testing.T) *Problem {
	t.Helper()
	p := newProblem(t)
	must(t, p.SetObjDir(Maximize))
	if _, err := p.AddCols(2, Cols{
		Bounds: []Bound{Lower(0), Lower(0)},
		Obj:    []float64{3, 5},
		Names:  []string{"x", "y"},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.AddRows(3, Rows{
		Bounds: []Bound{Upper(4), Upper(12), Upper(18)},
		Names:  []string{"plant1", "plant2", "plant3"},
		Beg:    []int{0, 1, 2, 4},
		Ind:    []int{0, 1, 0, 1},
		Val:    []float64{1, 2, 3, 2},
	}); err != nil {
		t.Fatal(err)
	}
	return p
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// got unwraps a (value, error) pair; a test with an error fails by panic.
func got[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestWyndorSimplex(t *testing.T) {
	for _, m := range []Method{Primal, Dual, DualPrimal} {
		for _, pre := range []bool{false, true} {
			p := wyndor(t)
			res, err := p.Simplex(SimplexOptions{Method: m, Presolve: pre})
			must(t, err)
			if res.Code != nil || res.Status != Optimal {
				t.Fatalf("method %d presolve %v: code %v status %v", m, pre, res.Code, res.Status)
			}
			if !near(res.Objective, 36, tolExact) {
				t.Errorf("objective %v, want 36", res.Objective)
			}
			obj, err := p.ObjValue()
			must(t, err)
			if obj != res.Objective {
				t.Errorf("ObjValue %v != Result.Objective %v", obj, res.Objective)
			}
			checkVec(t, "x", got(p.ColValues()), []float64{2, 6}, tolExact)
			checkVec(t, "row activity", got(p.RowActivities()), []float64{2, 12, 18}, tolExact)
			checkVec(t, "row dual", got(p.RowDuals()), []float64{0, 1.5, 1}, tolExact)
			checkVec(t, "reduced cost", got(p.ReducedCosts()), []float64{0, 0}, tolExact)
		}
	}
}

func TestWyndorInterior(t *testing.T) {
	p := wyndor(t)
	res, err := p.Interior(InteriorOptions{})
	must(t, err)
	if res.Code != nil || res.Status != Optimal {
		t.Fatalf("code %v status %v (%s)", res.Code, res.Status, res.Msg)
	}
	if !near(res.Objective, 36, tolIPM) {
		t.Errorf("objective %v, want 36", res.Objective)
	}
	checkVec(t, "x", got(p.ColValues()), []float64{2, 6}, tolIPM)
	checkVec(t, "row dual", got(p.RowDuals()), []float64{0, 1.5, 1}, tolIPM)
}

func TestObjConstAndMinimize(t *testing.T) {
	// min 2a + b + 10 s.t. a + b >= 3, a - b = 1, a,b free: a=2, b=1, obj 15.
	p := newProblem(t)
	if _, err := p.AddCols(2, Cols{}); err != nil {
		t.Fatal(err)
	}
	must(t, p.SetObjCoefs([]int{0, 1}, []float64{2, 1}))
	must(t, p.SetObjConst(10))
	if _, err := p.AddRows(2, Rows{Bounds: []Bound{Lower(3), Fixed(1)}}); err != nil {
		t.Fatal(err)
	}
	must(t, p.LoadMatrix([]int{0, 0, 1, 1}, []int{0, 1, 0, 1}, []float64{1, 1, 1, -1}))
	res, err := p.Simplex(SimplexOptions{})
	must(t, err)
	if res.Status != Optimal || !near(res.Objective, 15, tolExact) {
		t.Fatalf("status %v objective %v, want Optimal 15", res.Status, res.Objective)
	}
	checkVec(t, "x", got(p.ColValues()), []float64{2, 1}, tolExact)
	if p.NumRows() != 2 || p.NumCols() != 2 {
		t.Errorf("size %dx%d", p.NumRows(), p.NumCols())
	}
}

func TestBoundNormalization(t *testing.T) {
	inf := math.Inf(1)
	ok := []struct {
		b      Bound
		typ    int
		lb, ub float64
	}{
		{Bound{}, glpFR, 0, 0},
		{Free(), glpFR, 0, 0},
		{Lower(-inf), glpFR, 0, 0},
		{Upper(inf), glpFR, 0, 0},
		{Double(-inf, inf), glpFR, 0, 0},
		{Double(-inf, 3), glpUP, 0, 3},
		{Double(2, inf), glpLO, 2, 0},
		{Double(2, 2), glpFX, 2, 2},
		{Double(1, 2), glpDB, 1, 2},
		{Fixed(-4), glpFX, -4, -4},
	}
	for _, c := range ok {
		typ, lb, ub, err := c.b.glpk()
		if err != nil || int(typ) != c.typ || lb != c.lb || ub != c.ub {
			t.Errorf("%v -> (%d, %v, %v, %v), want (%d, %v, %v)", c.b, typ, lb, ub, err, c.typ, c.lb, c.ub)
		}
	}
	for _, b := range []Bound{
		Lower(inf), Upper(-inf), Double(2, 1), Double(inf, inf), Double(-inf, -inf),
		Fixed(inf), Fixed(math.NaN()), Lower(math.NaN()), Double(0, math.NaN()),
	} {
		if _, _, _, err := b.glpk(); err == nil {
			t.Errorf("%v accepted", b)
		}
	}
}

func TestNonFiniteRejectedBeforeC(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	p := newProblem(t)
	if _, err := p.AddCols(2, Cols{Bounds: []Bound{Lower(0), Lower(0)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.AddRows(1, Rows{Bounds: []Bound{Upper(1)}}); err != nil {
		t.Fatal(err)
	}
	bad := map[string]error{}
	_, bad["AddCols obj NaN"] = p.AddCols(1, Cols{Obj: []float64{nan}})
	_, bad["AddCols obj Inf"] = p.AddCols(1, Cols{Obj: []float64{inf}})
	_, bad["AddCols bound NaN"] = p.AddCols(1, Cols{Bounds: []Bound{Upper(nan)}})
	_, bad["AddRows coef Inf"] = p.AddRows(1, Rows{Beg: []int{0, 1}, Ind: []int{0}, Val: []float64{-inf}})
	bad["SetObjCoefs NaN"] = p.SetObjCoefs([]int{0}, []float64{nan})
	bad["SetObjCoefs Inf"] = p.SetObjCoefs([]int{1}, []float64{inf})
	bad["SetObjConst NaN"] = p.SetObjConst(nan)
	bad["SetRow Inf"] = p.SetRow(0, []int{0}, []float64{inf})
	bad["SetCol NaN"] = p.SetCol(0, []int{0}, []float64{nan})
	bad["LoadMatrix NaN"] = p.LoadMatrix([]int{0}, []int{1}, []float64{nan})
	bad["SetColBounds NaN"] = p.SetColBounds([]int{0}, []Bound{Double(nan, 1)})
	bad["SetRowBounds lb>ub"] = p.SetRowBounds([]int{0}, []Bound{Double(1, 0)})
	_, bad["Intopt Gap NaN"] = p.Intopt(MIPOptions{Gap: nan})
	for name, err := range bad {
		if err == nil {
			t.Errorf("%s: accepted", name)
		}
		var fe *FatalError
		if errors.As(err, &fe) {
			t.Errorf("%s: reached GLPK: %v", name, err)
		}
	}
	// Nothing was added or changed, and the problem still works.
	if p.NumCols() != 2 || p.NumRows() != 1 {
		t.Fatalf("size changed to %dx%d", p.NumRows(), p.NumCols())
	}
	must(t, p.SetObjCoefs([]int{0, 1}, []float64{1, 1}))
	res, err := p.Simplex(SimplexOptions{})
	must(t, err)
	if res.Status != Optimal || res.Objective != 0 {
		t.Fatalf("status %v obj %v", res.Status, res.Objective)
	}
}

func TestValidation(t *testing.T) {
	p := newProblem(t)
	if _, err := p.AddCols(3, Cols{}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.AddRows(2, Rows{}); err != nil {
		t.Fatal(err)
	}
	bad := map[string]error{}
	_, bad["AddCols len"] = p.AddCols(2, Cols{Obj: []float64{1}})
	_, bad["AddCols kind"] = p.AddCols(1, Cols{Kinds: []Kind{Kind(9)}})
	_, bad["long name"] = p.AddCols(1, Cols{Names: []string{strings.Repeat("a", 256)}})
	_, bad["control char"] = p.AddRows(1, Rows{Names: []string{"a\tb"}})
	_, bad["NUL"] = p.AddRows(1, Rows{Names: []string{"a\x00b"}})
	_, bad["negative n"] = p.AddRows(-1, Rows{})
	_, bad["Beg start"] = p.AddRows(1, Rows{Beg: []int{1, 1}, Ind: []int{0}, Val: []float64{1}})
	_, bad["Beg decreasing"] = p.AddRows(2, Rows{Beg: []int{0, 2, 1}, Ind: []int{0, 1}, Val: []float64{1, 1}})
	_, bad["AddRows dup"] = p.AddRows(1, Rows{Beg: []int{0, 2}, Ind: []int{1, 1}, Val: []float64{1, 2}})
	_, bad["AddRows range"] = p.AddRows(1, Rows{Beg: []int{0, 1}, Ind: []int{3}, Val: []float64{1}})
	bad["SetRow dup"] = p.SetRow(0, []int{2, 0, 2}, []float64{1, 1, 1})
	bad["SetRow row range"] = p.SetRow(2, nil, nil)
	bad["SetRow col range"] = p.SetRow(0, []int{-1}, []float64{1})
	bad["SetCol dup"] = p.SetCol(0, []int{1, 1}, []float64{1, 1})
	bad["LoadMatrix dup"] = p.LoadMatrix([]int{0, 1, 0}, []int{2, 2, 2}, []float64{1, 2, 3})
	bad["LoadMatrix range"] = p.LoadMatrix([]int{2}, []int{0}, []float64{1})
	bad["SetColKinds range"] = p.SetColKinds([]int{3}, []Kind{Integer})
	bad["SetObjDir"] = p.SetObjDir(Direction(7))
	_, bad["Simplex method"] = p.Simplex(SimplexOptions{Method: Method(9)})
	_, bad["Simplex iter"] = p.Simplex(SimplexOptions{IterLimit: -1})
	_, bad["Simplex time"] = p.Simplex(SimplexOptions{TimeLimit: -1})
	for name, err := range bad {
		if err == nil {
			t.Errorf("%s: accepted", name)
		}
		var fe *FatalError
		if errors.As(err, &fe) {
			t.Errorf("%s: reached GLPK: %v", name, err)
		}
	}
	// Valid edge cases: a 255-byte name, non-ASCII, zero coefficients.
	if _, err := p.AddCols(2, Cols{Names: []string{strings.Repeat("n", 255), "größe"}}); err != nil {
		t.Fatal(err)
	}
	must(t, p.SetRow(1, []int{0, 4}, []float64{0, 2}))
	if p.NumCols() != 5 || p.NumRows() != 2 {
		t.Fatalf("size %dx%d", p.NumRows(), p.NumCols())
	}
}

func TestInfeasibleLP(t *testing.T) {
	// x + y <= 1 and x + y >= 3 with x, y >= 0.
	build := func() *Problem {
		p := newProblem(t)
		if _, err := p.AddCols(2, Cols{Bounds: []Bound{Lower(0), Lower(0)}, Obj: []float64{1, 1}}); err != nil {
			t.Fatal(err)
		}
		if _, err := p.AddRows(2, Rows{
			Bounds: []Bound{Upper(1), Lower(3)},
			Beg:    []int{0, 2, 4}, Ind: []int{0, 1, 0, 1}, Val: []float64{1, 1, 1, 1},
		}); err != nil {
			t.Fatal(err)
		}
		return p
	}
	res, err := build().Simplex(SimplexOptions{})
	must(t, err)
	if res.Code != nil || res.Status != NoFeasible {
		t.Errorf("presolve off: code %v status %v, want nil NoFeasible", res.Code, res.Status)
	}
	res, err = build().Simplex(SimplexOptions{Presolve: true})
	must(t, err)
	if res.Code != ENOPFS || res.Status != Undefined {
		t.Errorf("presolve on: code %v status %v, want ENOPFS Undefined", res.Code, res.Status)
	}
	if !errors.Is(res.Code, ENOPFS) || !strings.Contains(res.Code.Error(), "GLP_ENOPFS") {
		t.Errorf("code error %q", res.Code)
	}
	// The MIP path reports the same pair either way.
	for _, pre := range []bool{false, true} {
		p := build()
		must(t, p.SetColKinds([]int{0}, []Kind{Integer}))
		mr, err := p.Intopt(MIPOptions{Presolve: pre})
		must(t, err)
		if mr.Code != ENOPFS || mr.Status == Optimal || mr.Status == Feasible {
			t.Errorf("MIP presolve %v: code %v status %v", pre, mr.Code, mr.Status)
		}
		t.Logf("MIP presolve %v: code %v status %v", pre, mr.Code, mr.Status)
	}
}

func TestUnboundedLP(t *testing.T) {
	p := newProblem(t)
	must(t, p.SetObjDir(Maximize))
	if _, err := p.AddCols(1, Cols{Bounds: []Bound{Lower(0)}, Obj: []float64{1}}); err != nil {
		t.Fatal(err)
	}
	res, err := p.Simplex(SimplexOptions{})
	must(t, err)
	if res.Code != nil || res.Status != Unbounded {
		t.Errorf("code %v status %v, want nil Unbounded", res.Code, res.Status)
	}
}

func TestFatalErrorRecovery(t *testing.T) {
	p := wyndor(t)
	// A duplicate column index reaches glp_set_mat_row, which would abort
	// the process without the error hook.
	err := p.setMatRowUnchecked(0, []int{0, 0}, []float64{1, 2})
	var fe *FatalError
	if !errors.As(err, &fe) {
		t.Fatalf("got %v, want *FatalError", err)
	}
	if !strings.Contains(fe.Output, "glp_set_mat_row") || !strings.Contains(fe.Output, "duplicate") {
		t.Errorf("GLPK's message missing from %q", fe.Output)
	}
	t.Logf("fatal error: %v", err)
	// The problem is dead: every call returns the same error.
	if _, err := p.Simplex(SimplexOptions{}); err != fe {
		t.Errorf("Simplex after fatal: %v", err)
	}
	if _, err := p.ColValues(); err != fe {
		t.Errorf("ColValues after fatal: %v", err)
	}
	if err := p.WriteLP(&bytes.Buffer{}); err != fe {
		t.Errorf("WriteLP after fatal: %v", err)
	}
	p.Close()
	p.Close()
	if _, err := p.Simplex(SimplexOptions{}); err != ErrClosed {
		t.Errorf("after Close: %v", err)
	}
	// An out-of-range row index, the other classic abort.
	q := wyndor(t)
	if err := q.setMatRowUnchecked(0, []int{7}, []float64{1}); !errors.As(err, &fe) {
		t.Errorf("out of range column: %v", err)
	}
	// New problems work, also on fresh threads after the env was freed.
	r := wyndor(t)
	res, err := r.Simplex(SimplexOptions{})
	must(t, err)
	if res.Status != Optimal || !near(res.Objective, 36, tolExact) {
		t.Fatalf("after recovery: %v %v", res.Status, res.Objective)
	}
}

func TestWriteLP(t *testing.T) {
	p := wyndor(t)
	var buf bytes.Buffer
	must(t, p.WriteLP(&buf))
	s := buf.String()
	for _, want := range []string{"Maximize", "obj: + 3 x + 5 y", "Subject To", "plant1: + x <= 4", "End"} {
		if !strings.Contains(s, want) {
			t.Errorf("LP text lacks %q:\n%s", want, s)
		}
	}
	// GLPK lists a row's terms newest first; only check they are there.
	i := strings.Index(s, "plant3:")
	if line, _, _ := strings.Cut(s[i+1:], "\n"); i < 0 || !strings.Contains(line, "3 x") ||
		!strings.Contains(line, "2 y") || !strings.HasSuffix(line, "<= 18") {
		t.Errorf("row plant3 wrong:\n%s", s)
	}
}

func TestVerboseOutput(t *testing.T) {
	p := wyndor(t)
	var buf bytes.Buffer
	res, err := p.Simplex(SimplexOptions{Verbose: &buf})
	must(t, err)
	if res.Status != Optimal {
		t.Fatal(res.Status)
	}
	// GLPK 5 prints one line per reported iteration: "*     2: obj = ...".
	if !strings.Contains(buf.String(), "obj =") {
		t.Errorf("verbose log lacks iteration lines: %q", buf.String())
	}
	// Silent by default: the log does not reach Msg at the errors-only
	// level.
	res, err = p.Simplex(SimplexOptions{})
	must(t, err)
	if strings.Contains(res.Msg, "obj =") {
		t.Errorf("silent solve produced a log: %q", res.Msg)
	}
}

func TestWarmStartAfterAddRows(t *testing.T) {
	// A random covering LP; after solving, add rows that cut off the
	// optimum and re-solve with the dual simplex from the stored basis.
	const nCols, nRows, nCuts = 1000, 500, 1
	build := func(cuts bool) *Problem {
		p := newProblem(t)
		randomCovering(t, p, 7, nCols, nRows)
		if cuts {
			addCuts(t, p, nCols, nCuts)
		}
		return p
	}
	warm := build(false)
	first, err := warm.Simplex(SimplexOptions{Method: Dual})
	must(t, err)
	if first.Status != Optimal {
		t.Fatal(first.Status)
	}
	addCuts(t, warm, nCols, nCuts)
	again, err := warm.Simplex(SimplexOptions{Method: Dual})
	must(t, err)
	cold, err := build(true).Simplex(SimplexOptions{Method: Dual})
	must(t, err)
	if again.Status != Optimal || cold.Status != Optimal {
		t.Fatalf("status warm %v cold %v", again.Status, cold.Status)
	}
	if !near(again.Objective, cold.Objective, tolExact) {
		t.Errorf("warm objective %v, cold %v", again.Objective, cold.Objective)
	}
	if again.Objective <= first.Objective {
		t.Errorf("cuts did not bind: %v -> %v", first.Objective, again.Objective)
	}
	t.Logf("iterations: first %d, warm re-solve %d, cold solve %d", first.Iterations, again.Iterations, cold.Iterations)
	if again.Iterations*4 > cold.Iterations {
		t.Errorf("warm re-solve took %d iterations, cold %d: basis not reused?", again.Iterations, cold.Iterations)
	}
}

func TestConcurrentProblems(t *testing.T) {
	const workers, sharers, rounds = 8, 4, 5
	var wg sync.WaitGroup
	errs := make(chan error, (workers+sharers)*rounds)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for r := 0; r < rounds; r++ {
				errs <- solveKnownKnapsack(uint64(100*w + r))
			}
		}(w)
	}
	// Meanwhile several goroutines share one Problem; calls serialize.
	shared := wyndor(t)
	for g := 0; g < sharers; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := 0; r < rounds; r++ {
				res, err := shared.Simplex(SimplexOptions{})
				if err == nil && (res.Status != Optimal || !near(res.Objective, 36, tolExact)) {
					err = errors.New("shared wyndor: wrong answer")
				}
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

func TestCloseWithoutUse(t *testing.T) {
	for i := 0; i < 50; i++ {
		p, err := New()
		must(t, err)
		p.Close()
	}
}

func TestSimplexIterLimit(t *testing.T) {
	p := newProblem(t)
	randomCovering(t, p, 3, 300, 150)
	res, err := p.Simplex(SimplexOptions{IterLimit: 5})
	must(t, err)
	if res.Code != EITLIM || res.Status == Optimal || res.Iterations != 5 {
		t.Errorf("code %v status %v iterations %d, want EITLIM after 5", res.Code, res.Status, res.Iterations)
	}
	// Continuing from where it stopped finishes the job.
	res, err = p.Simplex(SimplexOptions{})
	must(t, err)
	if res.Code != nil || res.Status != Optimal {
		t.Errorf("continued: code %v status %v", res.Code, res.Status)
	}
}

// TestLongStepOnBoxedColumns: on the kind of LP polishing solves, many
// boxed columns under a few shared rows (a budget, a window with a floor
// and a cap, a group share), the dual simplex with the long-step ratio
// test reaches the primal simplex's optimum, fresh and warm-started after
// the bounds and the objective change, in far fewer iterations: one
// iteration moves many columns from bound to bound.
func TestLongStepOnBoxedColumns(t *testing.T) {
	const n, rounds = 2000, 6
	rng := rand.New(rand.NewPCG(7, 7))
	lo, up, obj := make([]float64, n), make([]float64, n), make([]float64, n)
	for j := range obj {
		up[j] = 1 + rng.Float64()
		obj[j] = 1 + rng.Float64()
	}
	cols := make([]int, n)
	all, window, group := make([]float64, n), make([]float64, n), make([]float64, n)
	for j := range cols {
		cols[j] = j
		all[j] = 1
		if j < n/5 {
			window[j] = 1
		}
		group[j] = -0.3
		if j < n/4 {
			group[j] += 1
		}
	}
	var ind []int
	var val []float64
	beg := []int{0}
	for _, row := range [][]float64{all, window, group} {
		for j, v := range row {
			if v != 0 {
				ind, val = append(ind, j), append(val, v)
			}
		}
		beg = append(beg, len(ind))
	}
	load := func() *Problem {
		p := newProblem(t)
		must(t, p.SetObjDir(Maximize))
		bounds := make([]Bound, n)
		for j := range bounds {
			bounds[j] = Double(lo[j], up[j])
		}
		got(p.AddCols(n, Cols{Bounds: bounds, Obj: obj}))
		got(p.AddRows(3, Rows{Bounds: []Bound{Upper(0.4 * n), Double(0.05*n, 0.1*n), Lower(0)}, Beg: beg, Ind: ind, Val: val}))
		return p
	}
	dual, primal := load(), load()
	longStep := SimplexOptions{Method: Dual, LongStep: true}
	itDual, itPrimal := 0, 0
	for round := range rounds {
		rd := got(dual.Simplex(longStep))
		rp := got(primal.Simplex(SimplexOptions{}))
		if rd.Status != Optimal || rp.Status != Optimal {
			t.Fatalf("round %d: long-step dual %v, primal %v", round, rd.Status, rp.Status)
		}
		if !near(rd.Objective, rp.Objective, 1e-9) {
			t.Errorf("round %d: long-step dual %.12g, primal %.12g", round, rd.Objective, rp.Objective)
		}
		itDual += rd.Iterations
		itPrimal += rp.Iterations
		// A trust-region step: new boxes around the solution, new slopes.
		x := got(dual.ColValues())
		bounds := make([]Bound, n)
		for j := range bounds {
			d := 0.1 + 0.5*rng.Float64()
			lo[j], up[j] = math.Max(x[j]-d, 0), x[j]+d
			bounds[j] = Double(lo[j], up[j])
			obj[j] *= 0.8 + 0.4*rng.Float64()
		}
		for _, p := range []*Problem{dual, primal} {
			must(t, p.SetColBounds(cols, bounds))
			must(t, p.SetObjCoefs(cols, obj))
		}
	}
	t.Logf("iterations over %d solves: long-step dual %d, primal %d", rounds, itDual, itPrimal)
	if 5*itDual > itPrimal {
		t.Errorf("long-step dual took %d iterations, primal %d: not a fifth", itDual, itPrimal)
	}
}
