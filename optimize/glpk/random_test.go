package glpk

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize/convex/lp"
)

// tolCrossCheck is how far GLPK's optimum may be from gonum's on the
// random LPs, relative to max(1, |objective|). Both stop at a vertex of a
// well-conditioned problem with data of magnitude <= 20, so only rounding
// in a few dozen pivots separates them; gonum's own reduced-cost
// tolerance below is tighter.
const tolCrossCheck = 1e-7

// gonumTol is the reduced-cost optimality tolerance passed to lp.Simplex.
const gonumTol = 1e-10

// boxLimit bounds every column of the random LPs (via rows for columns
// that are not double-bounded), so they are never unbounded.
const boxLimit = 20.0

type randomLP struct {
	dir    Direction
	obj    []float64
	colB   []Bound
	rowB   []Bound
	a      [][]float64 // dense rows
	cutoff int         // rows >= cutoff are the box rows
}

// genLP makes a small feasible, bounded LP using every bound type for rows
// and columns. Feasibility: rows are built around a point x0 that lies
// within the column bounds.
func genLP(rng *rand.Rand) randomLP {
	n := 2 + rng.IntN(5)
	m := 1 + rng.IntN(5)
	val := func() float64 { return math.Round(rng.Float64()*100-50) / 10 } // [-5,5]
	var r randomLP
	if rng.IntN(2) == 0 {
		r.dir = Maximize
	}
	x0 := make([]float64, n)
	for j := 0; j < n; j++ {
		r.obj = append(r.obj, val())
		l := val()
		u := l + 0.5 + float64(rng.IntN(8))
		var b Bound
		switch rng.IntN(5) {
		case 0:
			b, x0[j] = Free(), val()
		case 1:
			b, x0[j] = Lower(l), l+rng.Float64()*3
		case 2:
			b, x0[j] = Upper(u), u-rng.Float64()*3
		case 3:
			b, x0[j] = Double(l, u), l+rng.Float64()*(u-l)
		case 4:
			b, x0[j] = Fixed(l), l
		}
		r.colB = append(r.colB, b)
	}
	fixedRows := 0
	for i := 0; i < m; i++ {
		row := make([]float64, n)
		act := 0.0
		for j := range row {
			if rng.IntN(3) > 0 {
				row[j] = val()
			}
			act += row[j] * x0[j]
		}
		row[rng.IntN(n)] += 1 // never an all-zero row
		act = 0
		for j := range row {
			act += row[j] * x0[j]
		}
		lo, up := act-rng.Float64()*4, act+rng.Float64()*4
		var b Bound
		k := rng.IntN(5)
		if k == 4 && fixedRows > 0 {
			k = 3 // more than one random equality risks dependent rows
		}
		switch k {
		case 0:
			b = Free()
		case 1:
			b = Lower(lo)
		case 2:
			b = Upper(up)
		case 3:
			b = Double(lo, up)
		case 4:
			b, fixedRows = Fixed(act), fixedRows+1
		}
		r.rowB = append(r.rowB, b)
		r.a = append(r.a, row)
	}
	r.cutoff = m
	for j, b := range r.colB {
		if b.typ == bFree || b.typ == bLower || b.typ == bUpper {
			row := make([]float64, n)
			row[j] = 1
			r.a = append(r.a, row)
			r.rowB = append(r.rowB, Double(-boxLimit, boxLimit))
		}
	}
	return r
}

func (r randomLP) load(t *testing.T, p *Problem) {
	t.Helper()
	must(t, p.SetObjDir(r.dir))
	if _, err := p.AddCols(len(r.obj), Cols{Bounds: r.colB, Obj: r.obj}); err != nil {
		t.Fatal(err)
	}
	beg := []int{0}
	var ind []int
	var val []float64
	for _, row := range r.a {
		for j, v := range row {
			if v != 0 {
				ind, val = append(ind, j), append(val, v)
			}
		}
		beg = append(beg, len(ind))
	}
	if _, err := p.AddRows(len(r.a), Rows{Bounds: r.rowB, Beg: beg, Ind: ind, Val: val}); err != nil {
		t.Fatal(err)
	}
}

// standardForm rewrites r as min cᵀy s.t. Ay = b, y >= 0 (plus a constant
// objective offset), the form gonum's lp.Simplex takes.
func (r randomLP) standardForm() (c []float64, a *mat.Dense, b []float64, offset float64) {
	n := len(r.obj)
	sign := 1.0
	if r.dir == Maximize {
		sign = -1 // max f = -min(-f)
	}
	// x_j = off[j] + sum over terms (y index, coefficient).
	type term struct {
		y    int
		coef float64
	}
	off := make([]float64, n)
	terms := make([][]term, n)
	nv := 0
	newVar := func() int { nv++; return nv - 1 }
	var eqs [][]term
	var rhs []float64
	for j, bd := range r.colB {
		switch bd.typ {
		case bFree:
			terms[j] = []term{{newVar(), 1}, {newVar(), -1}}
		case bLower:
			off[j], terms[j] = bd.lo, []term{{newVar(), 1}}
		case bUpper:
			off[j], terms[j] = bd.up, []term{{newVar(), -1}}
		case bDouble:
			y := newVar()
			off[j], terms[j] = bd.lo, []term{{y, 1}}
			eqs = append(eqs, []term{{y, 1}, {newVar(), 1}})
			rhs = append(rhs, bd.up-bd.lo)
		case bFixed:
			off[j] = bd.lo
		}
	}
	for i, row := range r.a {
		bd := r.rowB[i]
		if bd.typ == bFree {
			continue
		}
		var e []term
		base := 0.0
		for j, v := range row {
			base += v * off[j]
			for _, tm := range terms[j] {
				e = append(e, term{tm.y, v * tm.coef})
			}
		}
		if len(e) == 0 {
			continue // only fixed columns: holds at x0 by construction
		}
		switch bd.typ {
		case bLower:
			eqs = append(eqs, append(e, term{newVar(), -1}))
			rhs = append(rhs, bd.lo-base)
		case bUpper:
			eqs = append(eqs, append(e, term{newVar(), 1}))
			rhs = append(rhs, bd.up-base)
		case bDouble:
			s := newVar()
			eqs = append(eqs, append(e, term{s, -1}))
			rhs = append(rhs, bd.lo-base)
			eqs = append(eqs, []term{{s, 1}, {newVar(), 1}})
			rhs = append(rhs, bd.up-bd.lo)
		case bFixed:
			eqs = append(eqs, e)
			rhs = append(rhs, bd.lo-base)
		}
	}
	c = make([]float64, nv)
	for j, cj := range r.obj {
		offset += cj * off[j]
		for _, tm := range terms[j] {
			c[tm.y] += sign * cj * tm.coef
		}
	}
	if nv == 0 || len(eqs) == 0 {
		return c, nil, nil, offset // every column fixed: the point is the answer
	}
	a = mat.NewDense(len(eqs), nv, nil)
	for i, e := range eqs {
		s := 1.0
		if rhs[i] < 0 { // keep b >= 0
			s = -1
		}
		for _, tm := range e {
			a.Set(i, tm.y, a.At(i, tm.y)+s*tm.coef)
		}
		b = append(b, s*rhs[i])
	}
	return c, a, b, offset
}

func TestRandomLPsAgainstGonum(t *testing.T) {
	const seeds = 300
	// gonum's dense Bland simplex occasionally reports numerical trouble
	// on degenerate instances; those seeds are skipped, but only a few.
	const maxGonumFailures = seeds / 20
	rng := rand.New(rand.NewPCG(20240601, 1))
	compared, gonumFailed := 0, 0
	for seed := 0; seed < seeds; seed++ {
		r := genLP(rng)
		c, a, b, offset := r.standardForm()
		var fOpt float64
		var gerr error
		if a != nil {
			fOpt, _, gerr = lp.Simplex(c, a, b, gonumTol, nil)
		}
		if gerr != nil {
			if errors.Is(gerr, lp.ErrInfeasible) || errors.Is(gerr, lp.ErrUnbounded) {
				t.Errorf("seed %d: gonum says %v for a feasible bounded LP", seed, gerr)
			}
			gonumFailed++
			continue
		}
		want := offset + fOpt
		if r.dir == Maximize {
			want = offset - fOpt
		}
		for _, o := range []SimplexOptions{{}, {Presolve: true}, {Method: Dual}, {Method: Dual, LongStep: true}} {
			p := newProblem(t)
			r.load(t, p)
			res, err := p.Simplex(o)
			must(t, err)
			if res.Code != nil || res.Status != Optimal {
				t.Fatalf("seed %d %+v: code %v status %v", seed, o, res.Code, res.Status)
			}
			if !near(res.Objective, want, tolCrossCheck) {
				t.Errorf("seed %d %+v: GLPK %v, gonum %v", seed, o, res.Objective, want)
			}
			// The reported point must satisfy the model and give the
			// objective.
			x := got(p.ColValues())
			checkPoint(t, r, x, res.Objective)
			p.Close()
		}
		compared++
	}
	t.Logf("compared %d LPs, gonum failed numerically on %d", compared, gonumFailed)
	if gonumFailed > maxGonumFailures {
		t.Errorf("gonum failed on %d of %d seeds", gonumFailed, seeds)
	}
}

// tolFeas is the primal feasibility slack allowed when re-checking GLPK's
// point; GLPK's own primal tolerance (tol_bnd) is 1e-7 relative.
const tolFeas = 1e-6

func checkPoint(t *testing.T, r randomLP, x []float64, obj float64) {
	t.Helper()
	in := func(v float64, b Bound) bool {
		typ, lb, ub, _ := b.glpk()
		switch int(typ) {
		case glpLO:
			return v >= lb-tolFeas
		case glpUP:
			return v <= ub+tolFeas
		case glpDB, glpFX:
			return v >= lb-tolFeas && v <= ub+tolFeas
		}
		return true
	}
	f := 0.0
	for j, v := range x {
		if !in(v, r.colB[j]) {
			t.Errorf("x[%d] = %v outside %v", j, v, r.colB[j])
		}
		f += r.obj[j] * v
	}
	for i, row := range r.a {
		act := 0.0
		for j, v := range row {
			act += v * x[j]
		}
		if !in(act, r.rowB[i]) {
			t.Errorf("row %d activity %v outside %v", i, act, r.rowB[i])
		}
	}
	if !near(f, obj, tolCrossCheck) {
		t.Errorf("c·x = %v but objective %v", f, obj)
	}
}

// randomCovering loads min cᵀx s.t. Ax >= 1, 0 <= x <= 10 with a sparse
// random 0/1 matrix A (every row has entries, so it is feasible).
func randomCovering(t testing.TB, p *Problem, seed uint64, nCols, nRows int) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 2))
	obj := make([]float64, nCols)
	bnd := make([]Bound, nCols)
	for j := range obj {
		obj[j] = 1 + rng.Float64()
		bnd[j] = Double(0, 10)
	}
	if _, err := p.AddCols(nCols, Cols{Bounds: bnd, Obj: obj}); err != nil {
		t.Fatal(err)
	}
	beg := []int{0}
	var ind []int
	var val []float64
	rb := make([]Bound, nRows)
	for i := range rb {
		rb[i] = Lower(1)
		for _, j := range rng.Perm(nCols)[:5] {
			ind, val = append(ind, j), append(val, 1)
		}
		beg = append(beg, len(ind))
	}
	if _, err := p.AddRows(nRows, Rows{Bounds: rb, Beg: beg, Ind: ind, Val: val}); err != nil {
		t.Fatal(err)
	}
}

// addCuts adds rows sum_{j ≡ k mod 60} x_j >= 4, which the covering
// optimum (mostly zeros and ones) violates.
func addCuts(t testing.TB, p *Problem, nCols, nCuts int) {
	t.Helper()
	beg := []int{0}
	var ind []int
	var val []float64
	rb := make([]Bound, nCuts)
	for k := range rb {
		rb[k] = Lower(4)
		for j := k; j < nCols; j += 60 {
			ind, val = append(ind, j), append(val, 1)
		}
		beg = append(beg, len(ind))
	}
	if _, err := p.AddRows(nCuts, Rows{Bounds: rb, Beg: beg, Ind: ind, Val: val}); err != nil {
		t.Fatal(err)
	}
}
