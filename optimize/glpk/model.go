package glpk

/*
#include "wrap.h"
*/
import "C"

import (
	"fmt"
	"math"
	"unsafe"
)

// GLPK's own size limits (M_MAX, N_MAX, NNZ_MAX in its source); beyond
// them it aborts, so they are checked in Go.
const (
	maxRows = 100_000_000
	maxCols = 100_000_000
	maxNNZ  = 500_000_000
	// maxNameLen is the longest row or column name GLPK accepts, in bytes.
	maxNameLen = 255
)

// Direction is the optimization direction.
type Direction int

const (
	Minimize Direction = iota // GLPK's default
	Maximize
)

// Kind is the kind of a column (structural variable).
type Kind uint8

const (
	Continuous Kind = iota
	Integer
	// Binary is an integer column with bounds [0,1]; setting it replaces
	// the column's bounds.
	Binary
)

func (k Kind) glpk() (C.int, error) {
	switch k {
	case Continuous:
		return C.GLP_CV, nil
	case Integer:
		return C.GLP_IV, nil
	case Binary:
		return C.GLP_BV, nil
	}
	return 0, fmt.Errorf("invalid Kind %d", k)
}

type boundType uint8

const (
	bFree boundType = iota
	bLower
	bUpper
	bDouble
	bFixed
)

// Bound is the range of a row or column. Build it with Free, Lower, Upper,
// Double or Fixed. The zero Bound is Free. Infinite arguments are
// normalized (Lower(-Inf) is Free, Double(l, +Inf) is Lower(l), ...) so
// GLPK only ever sees finite numbers; NaN, and bounds that no value
// satisfies (Lower(+Inf), Double(2, 1), ...), are rejected when used.
type Bound struct {
	typ    boundType
	lo, up float64
}

// Free is the bound -Inf < x < +Inf.
func Free() Bound { return Bound{} }

// Lower is the bound lb <= x.
func Lower(lb float64) Bound { return Bound{typ: bLower, lo: lb} }

// Upper is the bound x <= ub.
func Upper(ub float64) Bound { return Bound{typ: bUpper, up: ub} }

// Double is the bound lb <= x <= ub.
func Double(lb, ub float64) Bound { return Bound{typ: bDouble, lo: lb, up: ub} }

// Fixed is the bound x = v.
func Fixed(v float64) Bound { return Bound{typ: bFixed, lo: v, up: v} }

func (b Bound) String() string {
	switch b.typ {
	case bFree:
		return "Free()"
	case bLower:
		return fmt.Sprintf("Lower(%g)", b.lo)
	case bUpper:
		return fmt.Sprintf("Upper(%g)", b.up)
	case bDouble:
		return fmt.Sprintf("Double(%g, %g)", b.lo, b.up)
	case bFixed:
		return fmt.Sprintf("Fixed(%g)", b.lo)
	}
	return fmt.Sprintf("Bound{invalid type %d}", b.typ)
}

// glpk normalizes b into GLPK's (type, lb, ub) with finite numbers only.
func (b Bound) glpk() (typ C.int, lb, ub float64, err error) {
	bad := func() (C.int, float64, float64, error) {
		return 0, 0, 0, fmt.Errorf("invalid bound %v", b)
	}
	if math.IsNaN(b.lo) || math.IsNaN(b.up) {
		return bad()
	}
	switch b.typ {
	case bFree:
		return C.GLP_FR, 0, 0, nil
	case bLower:
		if math.IsInf(b.lo, -1) {
			return C.GLP_FR, 0, 0, nil
		}
		if math.IsInf(b.lo, 1) {
			return bad()
		}
		return C.GLP_LO, b.lo, 0, nil
	case bUpper:
		if math.IsInf(b.up, 1) {
			return C.GLP_FR, 0, 0, nil
		}
		if math.IsInf(b.up, -1) {
			return bad()
		}
		return C.GLP_UP, 0, b.up, nil
	case bDouble:
		lo, up := b.lo, b.up
		switch {
		case lo > up || math.IsInf(lo, 1) || math.IsInf(up, -1):
			return bad()
		case math.IsInf(lo, -1) && math.IsInf(up, 1):
			return C.GLP_FR, 0, 0, nil
		case math.IsInf(lo, -1):
			return C.GLP_UP, 0, up, nil
		case math.IsInf(up, 1):
			return C.GLP_LO, lo, 0, nil
		case lo == up:
			return C.GLP_FX, lo, up, nil
		}
		return C.GLP_DB, lo, up, nil
	case bFixed:
		if math.IsInf(b.lo, 0) {
			return bad()
		}
		return C.GLP_FX, b.lo, b.lo, nil
	}
	return bad()
}

// Cols describes columns to add with AddCols. Every non-empty slice must
// have exactly n elements; a nil or empty slice means the default for all
// columns.
type Cols struct {
	Bounds []Bound   // default Free (note: not x >= 0)
	Obj    []float64 // objective coefficients, default 0
	Kinds  []Kind    // default Continuous
	Names  []string  // default unnamed; "" also means unnamed
}

// Rows describes rows to add with AddRows. Every non-empty per-row slice
// must have exactly n elements; a nil or empty slice means the default.
//
// Coefficients are given in compressed sparse row form: row k has the
// entries Ind[Beg[k]:Beg[k+1]] (0-based column indices) with values
// Val[Beg[k]:Beg[k+1]]. With Beg empty the new rows are empty. Column
// indices must be distinct within a row; zero values are dropped by GLPK.
type Rows struct {
	Bounds []Bound // default Free
	Names  []string
	Beg    []int // len n+1, Beg[0] == 0, non-decreasing, Beg[n] == len(Ind)
	Ind    []int
	Val    []float64
}

// SetObjDir sets the optimization direction.
func (p *Problem) SetObjDir(d Direction) error {
	var dir C.int
	switch d {
	case Minimize:
		dir = C.GLP_MIN
	case Maximize:
		dir = C.GLP_MAX
	default:
		return fmt.Errorf("glpk: SetObjDir: invalid Direction %d", d)
	}
	return p.do(func(s *state) error {
		return s.check("SetObjDir", C.gw_set_obj_dir(s.prob, dir))
	})
}

// SetObjConst sets the constant term of the objective.
func (p *Problem) SetObjConst(c float64) error {
	if !finite(c) {
		return fmt.Errorf("glpk: SetObjConst: non-finite constant %v", c)
	}
	return p.do(func(s *state) error {
		ind := []C.int{0, 0} // GLPK: column 0 is the constant term
		val := []C.double{0, C.double(c)}
		return s.check("SetObjConst", C.gw_set_obj_coefs(s.prob, 1, &ind[0], &val[0]))
	})
}

// SetObjCoefs sets the objective coefficients of the given columns.
func (p *Problem) SetObjCoefs(cols []int, coefs []float64) error {
	const op = "SetObjCoefs"
	if len(cols) != len(coefs) {
		return lenErr(op, "coefs", len(coefs), len(cols))
	}
	return p.do(func(s *state) error {
		ind, err := indices1(op, "column", cols, s.cols)
		if err != nil {
			return err
		}
		val, err := floats1(op, "coefficient", coefs)
		if err != nil || len(cols) == 0 {
			return err
		}
		return s.check(op, C.gw_set_obj_coefs(s.prob, C.int(len(cols)), &ind[0], &val[0]))
	})
}

// AddCols appends n columns and returns the index of the first one.
func (p *Problem) AddCols(n int, c Cols) (first int, err error) {
	const op = "AddCols"
	if err := checkLens(op, n, len(c.Bounds), "Bounds", len(c.Obj), "Obj",
		len(c.Kinds), "Kinds", len(c.Names), "Names"); err != nil {
		return 0, err
	}
	err = p.do(func(s *state) error {
		first = s.cols
		if n == 0 {
			return nil
		}
		if n > maxCols-s.cols {
			return fmt.Errorf("glpk: %s: more than %d columns", op, maxCols)
		}
		typ, lb, ub, err := bounds1(op, "column", c.Bounds, n)
		if err != nil {
			return err
		}
		var obj []C.double
		if len(c.Obj) > 0 {
			if obj, err = floats1(op, "objective coefficient", c.Obj); err != nil {
				return err
			}
		}
		var kind []C.int
		if len(c.Kinds) > 0 {
			kind = make([]C.int, n+1)
			for k, kd := range c.Kinds {
				if kind[k+1], err = kd.glpk(); err != nil {
					return fmt.Errorf("glpk: %s: column %d: %w", op, first+k, err)
				}
			}
		}
		names, off, err := packNames(op, c.Names)
		if err != nil {
			return err
		}
		rc := C.gw_add_cols(s.prob, C.int(n), &typ[0], &lb[0], &ub[0],
			ptrD(obj), ptrI(kind), ptrC(names), ptrI(off))
		if err := s.check(op, rc); err != nil {
			return err
		}
		s.cols += n
		return nil
	})
	return first, err
}

// AddRows appends n rows, with their coefficients if r.Beg is set, and
// returns the index of the first one.
//
// Rows added to a problem solved by the simplex method are basic in the
// stored basis, so that basis stays valid: a following Simplex with
// Presolve off (the default) and Method Dual starts from it (warm start).
// With Presolve on GLPK ignores any stored basis.
func (p *Problem) AddRows(n int, r Rows) (first int, err error) {
	const op = "AddRows"
	if err := checkLens(op, n, len(r.Bounds), "Bounds", len(r.Names), "Names"); err != nil {
		return 0, err
	}
	if len(r.Beg) == 0 && (len(r.Ind) > 0 || len(r.Val) > 0) {
		return 0, fmt.Errorf("glpk: %s: Ind/Val given without Beg", op)
	}
	err = p.do(func(s *state) error {
		first = s.rows
		if n == 0 {
			return nil
		}
		if n > maxRows-s.rows {
			return fmt.Errorf("glpk: %s: more than %d rows", op, maxRows)
		}
		typ, lb, ub, err := bounds1(op, "row", r.Bounds, n)
		if err != nil {
			return err
		}
		names, off, err := packNames(op, r.Names)
		if err != nil {
			return err
		}
		var beg, ind []C.int
		var val []C.double
		if len(r.Beg) > 0 {
			if beg, ind, val, err = s.csr(op, n, r.Beg, r.Ind, r.Val); err != nil {
				return err
			}
		}
		rc := C.gw_add_rows(s.prob, C.int(n), &typ[0], &lb[0], &ub[0],
			ptrC(names), ptrI(off), ptrI(beg), ptrI(ind), ptrD(val))
		if err := s.check(op, rc); err != nil {
			return err
		}
		s.rows += n
		return nil
	})
	return first, err
}

// csr validates a row-wise sparse block and converts it: beg stays 0-based
// (offsets), ind and val become 1-based arrays with 1-based column numbers.
func (s *state) csr(op string, n int, beg, ind []int, val []float64) ([]C.int, []C.int, []C.double, error) {
	if len(beg) != n+1 {
		return nil, nil, nil, lenErr(op, "Beg", len(beg), n+1)
	}
	if len(ind) != len(val) {
		return nil, nil, nil, lenErr(op, "Val", len(val), len(ind))
	}
	if len(ind) > maxNNZ {
		return nil, nil, nil, fmt.Errorf("glpk: %s: more than %d nonzeros", op, maxNNZ)
	}
	if beg[0] != 0 || beg[n] != len(ind) {
		return nil, nil, nil, fmt.Errorf("glpk: %s: Beg must start at 0 and end at len(Ind) = %d", op, len(ind))
	}
	cbeg := make([]C.int, n+1)
	for k := 0; k < n; k++ {
		if beg[k+1] < beg[k] {
			return nil, nil, nil, fmt.Errorf("glpk: %s: Beg decreases at %d", op, k+1)
		}
		cbeg[k+1] = C.int(beg[k+1])
		if i, ok := s.firstDup(ind[beg[k]:beg[k+1]], s.cols); !ok {
			return nil, nil, nil, fmt.Errorf("glpk: %s: row %d: duplicate column index %d", op, s.rows+k, i)
		}
	}
	cind, err := indices1(op, "column", ind, s.cols)
	if err != nil {
		return nil, nil, nil, err
	}
	cval, err := floats1(op, "coefficient", val)
	if err != nil {
		return nil, nil, nil, err
	}
	return cbeg, cind, cval, nil
}

// SetRowBounds sets the bounds of the given rows.
func (p *Problem) SetRowBounds(rows []int, b []Bound) error {
	return p.setBounds("SetRowBounds", "row", rows, b)
}

// SetColBounds sets the bounds of the given columns. For a Binary column
// this keeps it integer but with the new bounds.
func (p *Problem) SetColBounds(cols []int, b []Bound) error {
	return p.setBounds("SetColBounds", "column", cols, b)
}

func (p *Problem) setBounds(op, what string, idx []int, b []Bound) error {
	if len(idx) != len(b) {
		return lenErr(op, "bounds", len(b), len(idx))
	}
	return p.do(func(s *state) error {
		limit := s.rows
		if what == "column" {
			limit = s.cols
		}
		ind, err := indices1(op, what, idx, limit)
		if err != nil || len(idx) == 0 {
			return err
		}
		typ, lb, ub, err := bounds1(op, what, b, len(b))
		if err != nil {
			return err
		}
		n := C.int(len(idx))
		if what == "column" {
			return s.check(op, C.gw_set_col_bnds(s.prob, n, &ind[0], &typ[0], &lb[0], &ub[0]))
		}
		return s.check(op, C.gw_set_row_bnds(s.prob, n, &ind[0], &typ[0], &lb[0], &ub[0]))
	})
}

// SetColKinds sets the kinds of the given columns. Binary replaces the
// column's bounds with [0,1].
func (p *Problem) SetColKinds(cols []int, kinds []Kind) error {
	const op = "SetColKinds"
	if len(cols) != len(kinds) {
		return lenErr(op, "kinds", len(kinds), len(cols))
	}
	return p.do(func(s *state) error {
		ind, err := indices1(op, "column", cols, s.cols)
		if err != nil || len(cols) == 0 {
			return err
		}
		kd := make([]C.int, len(kinds)+1)
		for k, v := range kinds {
			if kd[k+1], err = v.glpk(); err != nil {
				return fmt.Errorf("glpk: %s: column %d: %w", op, cols[k], err)
			}
		}
		return s.check(op, C.gw_set_col_kinds(s.prob, C.int(len(cols)), &ind[0], &kd[0]))
	})
}

// SetRow replaces the coefficients of row i with the given sparse vector
// (distinct column indices).
func (p *Problem) SetRow(i int, cols []int, vals []float64) error {
	return p.setVec("SetRow", true, i, cols, vals, true)
}

// SetCol replaces the coefficients of column j with the given sparse
// vector (distinct row indices).
func (p *Problem) SetCol(j int, rows []int, vals []float64) error {
	return p.setVec("SetCol", false, j, rows, vals, true)
}

// setMatRowUnchecked is SetRow without the Go-side checks on the entries.
// It exists so tests can make GLPK itself hit a fatal error.
func (p *Problem) setMatRowUnchecked(i int, cols []int, vals []float64) error {
	return p.setVec("setMatRowUnchecked", true, i, cols, vals, false)
}

func (p *Problem) setVec(op string, row bool, i int, idx []int, vals []float64, validate bool) error {
	if len(idx) != len(vals) {
		return lenErr(op, "vals", len(vals), len(idx))
	}
	return p.do(func(s *state) error {
		self, other, what := s.rows, s.cols, "column"
		if !row {
			self, other, what = s.cols, s.rows, "row"
		}
		if i < 0 || i >= self {
			return fmt.Errorf("glpk: %s: index %d out of range [0,%d)", op, i, self)
		}
		var ind []C.int
		var val []C.double
		var err error
		if validate {
			if j, ok := s.firstDup(idx, other); !ok {
				return fmt.Errorf("glpk: %s: duplicate %s index %d", op, what, j)
			}
			if ind, err = indices1(op, what, idx, other); err != nil {
				return err
			}
			if val, err = floats1(op, "coefficient", vals); err != nil {
				return err
			}
		} else {
			ind = make([]C.int, len(idx)+1)
			val = make([]C.double, len(idx)+1)
			for k := range idx {
				ind[k+1], val[k+1] = C.int(idx[k]+1), C.double(vals[k])
			}
		}
		if row {
			return s.check(op, C.gw_set_mat_row(s.prob, C.int(i+1), C.int(len(idx)), &ind[0], &val[0]))
		}
		return s.check(op, C.gw_set_mat_col(s.prob, C.int(i+1), C.int(len(idx)), &ind[0], &val[0]))
	})
}

// LoadMatrix replaces the whole constraint matrix with the given triplets
// (row index, column index, value). Each (row, column) pair may appear only
// once.
func (p *Problem) LoadMatrix(rows, cols []int, vals []float64) error {
	const op = "LoadMatrix"
	if len(rows) != len(cols) || len(rows) != len(vals) {
		return fmt.Errorf("glpk: %s: rows, cols and vals have lengths %d, %d, %d", op, len(rows), len(cols), len(vals))
	}
	if len(rows) > maxNNZ {
		return fmt.Errorf("glpk: %s: more than %d nonzeros", op, maxNNZ)
	}
	return p.do(func(s *state) error {
		ia, err := indices1(op, "row", rows, s.rows)
		if err != nil {
			return err
		}
		ja, err := indices1(op, "column", cols, s.cols)
		if err != nil {
			return err
		}
		ar, err := floats1(op, "coefficient", vals)
		if err != nil {
			return err
		}
		if err := s.tripletDups(op, rows, cols); err != nil {
			return err
		}
		return s.check(op, C.gw_load_matrix(s.prob, C.int(len(rows)), &ia[0], &ja[0], &ar[0]))
	})
}

// tripletDups finds a repeated (row, col) pair in O(nnz + rows + cols):
// bucket the entries by row, then mark columns per row.
func (s *state) tripletDups(op string, rows, cols []int) error {
	start := make([]int32, s.rows+1)
	for _, r := range rows {
		start[r+1]++
	}
	for i := 0; i < s.rows; i++ {
		start[i+1] += start[i]
	}
	next := append([]int32(nil), start[:s.rows]...)
	order := make([]int32, len(rows))
	for k, r := range rows {
		order[next[r]] = int32(k)
		next[r]++
	}
	bucket := make([]int, 0, 16)
	for i := 0; i < s.rows; i++ {
		bucket = bucket[:0]
		for _, k := range order[start[i]:start[i+1]] {
			bucket = append(bucket, cols[k])
		}
		if j, ok := s.firstDup(bucket, s.cols); !ok {
			return fmt.Errorf("glpk: %s: duplicate entry (%d, %d)", op, i, j)
		}
	}
	return nil
}

// firstDup reports the first repeated index in idx. Indices outside
// [0,limit) are ignored here; the range check comes separately.
func (s *state) firstDup(idx []int, limit int) (int, bool) {
	if len(idx) < 2 {
		return 0, true
	}
	if len(s.mark) < limit {
		s.mark = make([]uint32, limit)
		s.stamp = 0
	}
	s.stamp++
	if s.stamp == 0 { // wrapped: old marks could collide
		clear(s.mark)
		s.stamp = 1
	}
	for _, j := range idx {
		if j < 0 || j >= limit {
			continue
		}
		if s.mark[j] == s.stamp {
			return j, false
		}
		s.mark[j] = s.stamp
	}
	return 0, true
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// indices1 converts 0-based indices to a 1-based GLPK array of 1-based
// indices, checking the range.
func indices1(op, what string, idx []int, limit int) ([]C.int, error) {
	out := make([]C.int, len(idx)+1)
	for k, j := range idx {
		if j < 0 || j >= limit {
			return nil, fmt.Errorf("glpk: %s: %s index %d out of range [0,%d)", op, what, j, limit)
		}
		out[k+1] = C.int(j + 1)
	}
	return out, nil
}

// floats1 copies v into a 1-based GLPK array, rejecting NaN and ±Inf
// (GLPK would happily solve with them and return NaN objectives).
func floats1(op, what string, v []float64) ([]C.double, error) {
	out := make([]C.double, len(v)+1)
	for k, x := range v {
		if !finite(x) {
			return nil, fmt.Errorf("glpk: %s: non-finite %s %v at position %d", op, what, x, k)
		}
		out[k+1] = C.double(x)
	}
	return out, nil
}

// bounds1 converts bounds (nil: n Free bounds) into 1-based GLPK arrays.
func bounds1(op, what string, b []Bound, n int) (typ []C.int, lb, ub []C.double, err error) {
	typ = make([]C.int, n+1)
	lb = make([]C.double, n+1)
	ub = make([]C.double, n+1)
	for k := 1; k <= n; k++ {
		typ[k] = C.GLP_FR
	}
	for k, bd := range b {
		t, l, u, err := bd.glpk()
		if err != nil {
			return nil, nil, nil, fmt.Errorf("glpk: %s: %s at position %d: %w", op, what, k, err)
		}
		typ[k+1], lb[k+1], ub[k+1] = t, C.double(l), C.double(u)
	}
	return typ, lb, ub, nil
}

// packNames validates names and packs them NUL-terminated into one buffer;
// off is 1-based with -1 for "no name".
func packNames(op string, names []string) ([]byte, []C.int, error) {
	if len(names) == 0 {
		return nil, nil, nil
	}
	size := 0
	for k, nm := range names {
		if err := checkName(nm); err != nil {
			return nil, nil, fmt.Errorf("glpk: %s: name at position %d: %w", op, k, err)
		}
		size += len(nm) + 1
	}
	if size > math.MaxInt32 {
		return nil, nil, fmt.Errorf("glpk: %s: names too long in total", op)
	}
	buf := make([]byte, 0, size+1)
	off := make([]C.int, len(names)+1)
	for k, nm := range names {
		if nm == "" {
			off[k+1] = -1
			continue
		}
		off[k+1] = C.int(len(buf))
		buf = append(buf, nm...)
		buf = append(buf, 0)
	}
	buf = append(buf, 0) // never empty, so &buf[0] is valid
	return buf, off, nil
}

// checkName applies GLPK's rules (at most 255 bytes, no control
// characters in the C locale) so that GLPK never aborts on a name.
func checkName(nm string) error {
	if len(nm) > maxNameLen {
		return fmt.Errorf("%d bytes long, GLPK allows %d", len(nm), maxNameLen)
	}
	for i := 0; i < len(nm); i++ {
		if c := nm[i]; c < 0x20 || c == 0x7f {
			return fmt.Errorf("control character %#x at byte %d", c, i)
		}
	}
	return nil
}

func checkLens(op string, n int, pairs ...any) error {
	if n < 0 {
		return fmt.Errorf("glpk: %s: negative count %d", op, n)
	}
	for k := 0; k < len(pairs); k += 2 {
		l := pairs[k].(int)
		if l != 0 && l != n {
			return lenErr(op, pairs[k+1].(string), l, n)
		}
	}
	return nil
}

func lenErr(op, what string, got, want int) error {
	return fmt.Errorf("glpk: %s: len(%s) = %d, want %d", op, what, got, want)
}

func ptrI(s []C.int) *C.int {
	if len(s) == 0 {
		return nil
	}
	return &s[0]
}

func ptrD(s []C.double) *C.double {
	if len(s) == 0 {
		return nil
	}
	return &s[0]
}

func ptrC(b []byte) *C.char {
	if len(b) == 0 {
		return nil
	}
	return (*C.char)(unsafe.Pointer(&b[0]))
}

// GLPK's bound type codes as Go constants, for tests (cgo is not
// available in _test.go files).
const (
	glpFR = int(C.GLP_FR)
	glpLO = int(C.GLP_LO)
	glpUP = int(C.GLP_UP)
	glpDB = int(C.GLP_DB)
	glpFX = int(C.GLP_FX)
)
