package optimize

import (
	"math"

	"github.com/peakplan/peakplan/optimize/glpk"
)

// lp is a model held in Go before it is loaded into GLPK in a few bulk
// calls: sparse rows in compressed form, no dense matrices.
type lp struct {
	colLo, colUp, colObj []float64
	colKind              []glpk.Kind
	rowLo, rowUp         []float64
	rowName              []string
	beg, ind             []int
	val                  []float64
}

func newLP() *lp { return &lp{beg: []int{0}} }

// col adds a column with bounds [lo, up] (infinite for none).
func (m *lp) col(lo, up, obj float64, kind glpk.Kind) int {
	m.colLo = append(m.colLo, lo)
	m.colUp = append(m.colUp, up)
	m.colObj = append(m.colObj, obj)
	m.colKind = append(m.colKind, kind)
	return len(m.colLo) - 1
}

// row adds lo <= sum val[i]*x[ind[i]] <= up. Entries with a negative column
// (a variable that does not exist) or a zero value are dropped.
func (m *lp) row(lo, up float64, name string, ind []int, val []float64) int {
	for i, j := range ind {
		if j < 0 || val[i] == 0 {
			continue
		}
		m.ind = append(m.ind, j)
		m.val = append(m.val, val[i])
	}
	m.beg = append(m.beg, len(m.ind))
	m.rowLo = append(m.rowLo, lo)
	m.rowUp = append(m.rowUp, up)
	m.rowName = append(m.rowName, name)
	return len(m.rowLo) - 1
}

func (m *lp) numRows() int { return len(m.rowLo) }
func (m *lp) numCols() int { return len(m.colLo) }

// bound turns an interval with infinite ends into a GLPK bound: GLPK must
// never see an infinity.
func bound(lo, up float64) glpk.Bound {
	loInf, upInf := math.IsInf(lo, -1), math.IsInf(up, 1)
	switch {
	case loInf && upInf:
		return glpk.Free()
	case loInf:
		return glpk.Upper(up)
	case upInf:
		return glpk.Lower(lo)
	case lo == up:
		return glpk.Fixed(lo)
	}
	return glpk.Double(lo, up)
}

// load creates a GLPK problem holding the model.
func (m *lp) load(p *glpk.Problem, maximise bool) error {
	dir := glpk.Minimize
	if maximise {
		dir = glpk.Maximize
	}
	if err := p.SetObjDir(dir); err != nil {
		return err
	}
	nc := m.numCols()
	cb := make([]glpk.Bound, nc)
	for j := range cb {
		cb[j] = bound(m.colLo[j], m.colUp[j])
	}
	if _, err := p.AddCols(nc, glpk.Cols{Bounds: cb, Obj: m.colObj, Kinds: m.colKind}); err != nil {
		return err
	}
	return m.loadRows(p, 0)
}

// loadRows adds the rows from index `from` on to a problem that already
// holds the earlier ones.
func (m *lp) loadRows(p *glpk.Problem, from int) error {
	n := m.numRows() - from
	if n == 0 {
		return nil
	}
	rb := make([]glpk.Bound, n)
	for i := range rb {
		rb[i] = bound(m.rowLo[from+i], m.rowUp[from+i])
	}
	off := m.beg[from]
	beg := make([]int, n+1)
	for i := range beg {
		beg[i] = m.beg[from+i] - off
	}
	_, err := p.AddRows(n, glpk.Rows{Bounds: rb, Beg: beg, Ind: m.ind[off:], Val: m.val[off:]})
	return err
}

// rowTol is the violation, relative to the row's size, above which a
// solution is said to break a row.
const rowTol = 1e-7

// satisfied reports whether column values meet every row and bound.
func (m *lp) satisfied(vals []float64) bool { return m.within(vals, rowTol, -1, -1) }

// within reports whether column values meet every bound and every row but
// the skipped ones (-1 for none) to the relative tolerance tol.
func (m *lp) within(vals []float64, tol float64, skip1, skip2 int) bool {
	for j, v := range vals {
		if v < m.colLo[j]-tol*(1+math.Abs(m.colLo[j])) || v > m.colUp[j]+tol*(1+math.Abs(m.colUp[j])) {
			return false
		}
	}
	for i := range m.rowLo {
		if i == skip1 || i == skip2 {
			continue
		}
		act, size := 0.0, 1.0
		for k := m.beg[i]; k < m.beg[i+1]; k++ {
			act += m.val[k] * vals[m.ind[k]]
			size += math.Abs(m.val[k] * vals[m.ind[k]])
		}
		if act < m.rowLo[i]-tol*size || act > m.rowUp[i]+tol*size {
			return false
		}
	}
	return true
}
