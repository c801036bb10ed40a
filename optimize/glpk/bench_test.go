package glpk

import (
	"math/rand/v2"
	"testing"
)

// spendModel is a marketing-shaped LP: spend x[c][w] per channel and week
// with a return per unit, capped per cell, per week, per channel and in
// total.
type spendModel struct {
	nChan, nWeek int
	obj          []float64
	colB, rowB   []Bound
	beg, ind     []int
	val          []float64
}

func newSpendModel(nChan, nWeek int) *spendModel {
	rng := rand.New(rand.NewPCG(42, 5))
	m := &spendModel{nChan: nChan, nWeek: nWeek}
	col := func(c, w int) int { return c*nWeek + w }
	for c := 0; c < nChan; c++ {
		for w := 0; w < nWeek; w++ {
			m.obj = append(m.obj, 0.5+1.5*rng.Float64())
			m.colB = append(m.colB, Double(0, 50+100*rng.Float64()))
		}
	}
	m.beg = []int{0}
	row := func(b Bound, cols []int, vals []float64) {
		m.rowB = append(m.rowB, b)
		m.ind = append(m.ind, cols...)
		m.val = append(m.val, vals...)
		m.beg = append(m.beg, len(m.ind))
	}
	ones := func(n int) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = 1
		}
		return v
	}
	for w := 0; w < nWeek; w++ { // weekly budgets
		cols := make([]int, nChan)
		for c := range cols {
			cols[c] = col(c, w)
		}
		row(Upper(20*float64(nChan)), cols, ones(nChan))
	}
	for c := 0; c < nChan; c++ { // channel totals
		cols := make([]int, nWeek)
		for w := range cols {
			cols[w] = col(c, w)
		}
		row(Upper(30*float64(nWeek)), cols, ones(nWeek))
	}
	all := make([]int, nChan*nWeek) // total budget
	for j := range all {
		all[j] = j
	}
	row(Upper(15*float64(nChan*nWeek)), all, ones(len(all)))
	return m
}

func (m *spendModel) build(b *testing.B, oneColPerCall bool) *Problem {
	p, err := New()
	if err != nil {
		b.Fatal(err)
	}
	must(b, p.SetObjDir(Maximize))
	if oneColPerCall {
		for j := range m.obj {
			if _, err := p.AddCols(1, Cols{Bounds: m.colB[j : j+1], Obj: m.obj[j : j+1]}); err != nil {
				b.Fatal(err)
			}
		}
	} else if _, err := p.AddCols(len(m.obj), Cols{Bounds: m.colB, Obj: m.obj}); err != nil {
		b.Fatal(err)
	}
	if _, err := p.AddRows(len(m.rowB), Rows{Bounds: m.rowB, Beg: m.beg, Ind: m.ind, Val: m.val}); err != nil {
		b.Fatal(err)
	}
	return p
}

// BenchmarkSpendLP50k builds and solves a 50,000-column LP (50 channels ×
// 1000 weeks; 1051 rows, 150k nonzeros). BuildOneColumnPerCall shows what
// the bulk calls save: one thread round trip per column.
func BenchmarkSpendLP50k(b *testing.B) {
	m := newSpendModel(50, 1000)
	b.Run("BuildBulk", func(b *testing.B) {
		for b.Loop() {
			m.build(b, false).Close()
		}
	})
	b.Run("BuildOneColumnPerCall", func(b *testing.B) {
		for b.Loop() {
			m.build(b, true).Close()
		}
	})
	var objs []float64
	for _, s := range []struct {
		name  string
		solve func(p *Problem) (Result, error)
	}{
		// Primal simplex, because on this model (many double-bounded
		// columns) GLPK's dual simplex did not finish within 60 s, and
		// glp_interior took 84 s: it turns column bounds into rows and has
		// no dense-row handling for the total-budget row.
		{"BuildAndPrimalSimplex", func(p *Problem) (Result, error) { return p.Simplex(SimplexOptions{}) }},
		{"BuildAndPresolvedSimplex", func(p *Problem) (Result, error) { return p.Simplex(SimplexOptions{Presolve: true}) }},
	} {
		b.Run(s.name, func(b *testing.B) {
			for b.Loop() {
				p := m.build(b, false)
				res, err := s.solve(p)
				must(b, err)
				if res.Code != nil || res.Status != Optimal {
					b.Fatalf("code %v status %v", res.Code, res.Status)
				}
				if _, err := p.ColValues(); err != nil {
					b.Fatal(err)
				}
				objs = append(objs, res.Objective)
				p.Close()
			}
		})
	}
	for _, o := range objs {
		if !near(o, objs[0], tolExact) {
			b.Errorf("solvers disagree: %v vs %v", o, objs[0])
		}
	}
}
