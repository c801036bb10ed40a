package glpk

import (
	"math/rand/v2"
	"testing"
)

// spendModel is a marketing-shaped LP: spend x[c][w] per channel and week
// with a return per unit, capped per cell, per week, per channel and in
// total, and with limited week-to-week increases per channel.
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
	for c := 0; c < nChan; c++ { // ramp limits
		for w := 0; w+1 < nWeek; w++ {
			row(Upper(10), []int{col(c, w+1), col(c, w)}, []float64{1, -1})
		}
	}
	return m
}

func (m *spendModel) build(b *testing.B, oneRowPerCall bool) *Problem {
	p, err := New()
	if err != nil {
		b.Fatal(err)
	}
	must(b, p.SetObjDir(Maximize))
	if _, err := p.AddCols(len(m.obj), Cols{Bounds: m.colB, Obj: m.obj}); err != nil {
		b.Fatal(err)
	}
	if !oneRowPerCall {
		if _, err := p.AddRows(len(m.rowB), Rows{Bounds: m.rowB, Beg: m.beg, Ind: m.ind, Val: m.val}); err != nil {
			b.Fatal(err)
		}
		return p
	}
	for i, bd := range m.rowB {
		lo, hi := m.beg[i], m.beg[i+1]
		if _, err := p.AddRows(1, Rows{Bounds: []Bound{bd}, Beg: []int{0, hi - lo}, Ind: m.ind[lo:hi], Val: m.val[lo:hi]}); err != nil {
			b.Fatal(err)
		}
	}
	return p
}

// BenchmarkSpendLP50k builds and solves a 50,000-column LP (50 channels ×
// 1000 weeks, about 51k rows and 200k nonzeros).
func BenchmarkSpendLP50k(b *testing.B) {
	m := newSpendModel(50, 1000)
	b.Run("BuildBulk", func(b *testing.B) {
		for b.Loop() {
			m.build(b, false).Close()
		}
	})
	b.Run("BuildOneRowPerCall", func(b *testing.B) {
		for b.Loop() {
			m.build(b, true).Close()
		}
	})
	var objs []float64
	for _, s := range []struct {
		name  string
		solve func(p *Problem) (Result, error)
	}{
		{"BuildAndDualSimplex", func(p *Problem) (Result, error) { return p.Simplex(SimplexOptions{Method: DualPrimal}) }},
		{"BuildAndPresolvedSimplex", func(p *Problem) (Result, error) { return p.Simplex(SimplexOptions{Presolve: true}) }},
		{"BuildAndInterior", func(p *Problem) (Result, error) { return p.Interior(InteriorOptions{}) }},
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
		if !near(o, objs[0], tolIPM) {
			b.Errorf("solvers disagree: %v vs %v", o, objs[0])
		}
	}
}
