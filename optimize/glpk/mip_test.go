package glpk

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// tolInt is how far a MIP column value may be from an integer; GLPK's own
// integrality tolerance (tol_int) is 1e-5.
const tolInt = 1e-5

// tolMIPObj compares MIP objectives with integer data, where GLPK's
// values differ from exact integers by rounding only.
const tolMIPObj = 1e-9

// knapsack is max v·x s.t. W·x <= cap (one row per constraint), x_j
// integer in [0, ub_j]. With minimize set it is posed as min (-v)·x.
type knapsack struct {
	v, ub    []int
	w        [][]int
	cap      []int
	minimize bool
}

func genKnapsack(seed uint64, n, m, maxUB int) knapsack {
	rng := rand.New(rand.NewPCG(seed, 3))
	k := knapsack{minimize: seed%2 == 1}
	for j := 0; j < n; j++ {
		k.v = append(k.v, 5+rng.IntN(36))
		k.ub = append(k.ub, 1+rng.IntN(maxUB))
	}
	for i := 0; i < m; i++ {
		row, sum := make([]int, n), 0
		for j := range row {
			row[j] = 5 + rng.IntN(26)
			sum += row[j] * k.ub[j]
		}
		k.w = append(k.w, row)
		k.cap = append(k.cap, sum*2/5)
	}
	return k
}

// genHard makes a multi-dimensional knapsack with weights in [100,1000]
// and values correlated with them, which GLPK's branch and bound needs
// from tenths of seconds (n=30, m=5) to far more than seconds (n>=40).
func genHard(seed uint64, n, m int) knapsack {
	rng := rand.New(rand.NewPCG(seed, 4))
	k := knapsack{minimize: seed%2 == 1}
	k.w = make([][]int, m)
	for j := 0; j < n; j++ {
		s := 0
		for i := range k.w {
			a := 100 + rng.IntN(901)
			k.w[i] = append(k.w[i], a)
			s += a
		}
		k.v = append(k.v, s/m+rng.IntN(100))
		k.ub = append(k.ub, 1)
	}
	for i := range k.w {
		s := 0
		for _, a := range k.w[i] {
			s += a
		}
		k.cap = append(k.cap, s/2)
	}
	return k
}

func (k knapsack) load(p *Problem) error {
	n := len(k.v)
	obj := make([]float64, n)
	bnd := make([]Bound, n)
	kinds := make([]Kind, n)
	for j := range obj {
		obj[j] = float64(k.v[j])
		if k.minimize {
			obj[j] = -obj[j]
		}
		bnd[j], kinds[j] = Double(0, float64(k.ub[j])), Integer
		if k.ub[j] == 1 {
			kinds[j] = Binary
		}
	}
	if !k.minimize {
		if err := p.SetObjDir(Maximize); err != nil {
			return err
		}
	}
	if _, err := p.AddCols(n, Cols{Bounds: bnd, Obj: obj, Kinds: kinds}); err != nil {
		return err
	}
	var rows, cols []int
	var vals []float64
	rb := make([]Bound, len(k.w))
	for i, row := range k.w {
		rb[i] = Upper(float64(k.cap[i]))
		for j, a := range row {
			rows, cols, vals = append(rows, i), append(cols, j), append(vals, float64(a))
		}
	}
	if _, err := p.AddRows(len(rb), Rows{Bounds: rb}); err != nil {
		return err
	}
	return p.LoadMatrix(rows, cols, vals)
}

// objective returns the model's objective at x (negated value if
// minimizing).
func (k knapsack) objective(x []int) int {
	f := 0
	for j, xj := range x {
		f += k.v[j] * xj
	}
	if k.minimize {
		return -f
	}
	return f
}

func (k knapsack) feasible(x []int) bool {
	for i, row := range k.w {
		s := 0
		for j, a := range row {
			s += a * x[j]
		}
		if s > k.cap[i] {
			return false
		}
	}
	return true
}

// brute enumerates every x and returns the best model objective.
func (k knapsack) brute() int {
	x := make([]int, len(k.v))
	best := math.MinInt
	var rec func(j int)
	rec = func(j int) {
		if j == len(x) {
			if k.feasible(x) && k.objective(x)*k.sign() > best {
				best = k.objective(x) * k.sign()
			}
			return
		}
		for x[j] = 0; x[j] <= k.ub[j]; x[j]++ {
			rec(j + 1)
		}
		x[j] = 0
	}
	rec(0)
	return best * k.sign()
}

// sign is +1 for maximization: sign*objective is "larger is better".
func (k knapsack) sign() int {
	if k.minimize {
		return -1
	}
	return 1
}

// checkIncumbent verifies that the MIP solution in p is integral,
// feasible and has the reported objective; it returns x.
func (k knapsack) checkIncumbent(p *Problem, obj float64) ([]int, error) {
	xf, err := p.MIPColValues()
	if err != nil {
		return nil, err
	}
	x := make([]int, len(xf))
	for j, v := range xf {
		x[j] = int(math.Round(v))
		if math.Abs(v-float64(x[j])) > tolInt || x[j] < 0 || x[j] > k.ub[j] {
			return nil, fmt.Errorf("x[%d] = %v not integral in [0,%d]", j, v, k.ub[j])
		}
	}
	if !k.feasible(x) {
		return nil, fmt.Errorf("MIP solution %v infeasible", x)
	}
	if f := float64(k.objective(x)); !near(f, obj, tolMIPObj) {
		return nil, fmt.Errorf("objective at x is %v, reported %v", f, obj)
	}
	return x, nil
}

func solveKnownKnapsack(seed uint64) error {
	k := genKnapsack(seed, 12, 1+int(seed%3), 1)
	p, err := New()
	if err != nil {
		return err
	}
	defer p.Close()
	if err := k.load(p); err != nil {
		return err
	}
	res, err := p.Intopt(MIPOptions{Presolve: seed%3 == 0})
	if err != nil {
		return err
	}
	want := float64(k.brute())
	if res.Code != nil || res.Status != Optimal || !near(res.Objective, want, tolMIPObj) {
		return fmt.Errorf("seed %d: code %v status %v objective %v, brute force %v", seed, res.Code, res.Status, res.Objective, want)
	}
	if res.Bound != res.Objective || res.Gap != 0 {
		return fmt.Errorf("seed %d: optimal but bound %v gap %v", seed, res.Bound, res.Gap)
	}
	_, err = k.checkIncumbent(p, res.Objective)
	return err
}

func TestKnapsackBruteForce(t *testing.T) {
	for seed := uint64(0); seed < 24; seed++ {
		if err := solveKnownKnapsack(seed); err != nil {
			t.Error(err)
		}
	}
}

func TestBoundedIntegerBruteForce(t *testing.T) {
	for seed := uint64(0); seed < 12; seed++ {
		k := genKnapsack(seed, 8, 2, 3)
		want := float64(k.brute())
		for _, o := range []MIPOptions{{}, {Presolve: true}, {Cuts: true}, {Cuts: true, Pump: true, Pseudocost: true}} {
			p := newProblem(t)
			must(t, k.load(p))
			res, err := p.Intopt(o)
			must(t, err)
			if res.Code != nil || res.Status != Optimal || !near(res.Objective, want, tolMIPObj) {
				t.Errorf("seed %d %+v: code %v status %v objective %v, brute force %v", seed, o, res.Code, res.Status, res.Objective, want)
				continue
			}
			obj := got(p.MIPObjValue())
			if obj != res.Objective {
				t.Errorf("MIPObjValue %v != %v", obj, res.Objective)
			}
			if _, err := k.checkIncumbent(p, obj); err != nil {
				t.Errorf("seed %d: %v", seed, err)
			}
			act := got(p.MIPRowActivities())
			for i := range act {
				if act[i] > float64(k.cap[i])+tolFeas {
					t.Errorf("row %d activity %v > cap %d", i, act[i], k.cap[i])
				}
			}
		}
	}
}

// checkBound verifies an interrupted MIP result: the incumbent is valid
// and opt (the true optimum, if known) lies between it and res.Bound.
func checkBound(t *testing.T, k knapsack, p *Problem, res MIPResult, opt *float64) {
	t.Helper()
	sign := float64(k.sign()) // +1: maximizing, bound is an upper bound
	if res.Status != Feasible && res.Status != Optimal {
		if !math.IsInf(res.Gap, 1) {
			t.Errorf("no incumbent (%v) but gap %v", res.Status, res.Gap)
		}
		// Unknown is +Inf when maximizing; the other infinity would claim
		// infeasibility.
		if math.IsNaN(res.Bound) || math.IsInf(res.Bound, -k.sign()) && res.Status != NoFeasible {
			t.Errorf("no incumbent (%v) but bound %v", res.Status, res.Bound)
		}
		return
	}
	if _, err := k.checkIncumbent(p, res.Objective); err != nil {
		t.Error(err)
	}
	if sign*(res.Bound-res.Objective) < 0 {
		t.Errorf("bound %v is on the wrong side of objective %v", res.Bound, res.Objective)
	}
	if opt != nil && (sign*(*opt-res.Objective) < -tolMIPObj || sign*(res.Bound-*opt) < -tolMIPObj) {
		t.Errorf("optimum %v not between objective %v and bound %v", *opt, res.Objective, res.Bound)
	}
	wantGap := math.Abs(res.Objective-res.Bound) / (math.Abs(res.Objective) + dblEpsilon)
	if res.Gap != wantGap {
		t.Errorf("gap %v, want %v", res.Gap, wantGap)
	}
}

func TestMIPBoundIsSound(t *testing.T) {
	// Instances GLPK solves within about a second, so the optimum is known;
	// interrupted runs must bracket it. Seed 0 maximizes, seed 1
	// minimizes; presolve makes GLPK solve a minimization internally.
	// maxLPGap is a sanity cap: the LP bound of these instances is within
	// about 1% of the optimum, so a "bound" far off means it is not the
	// tree's bound at all.
	const maxLPGap = 0.05
	for seed := uint64(0); seed < 2; seed++ {
		k := genHard(seed, 30, 5)
		p := newProblem(t)
		must(t, k.load(p))
		full, err := p.Intopt(MIPOptions{})
		must(t, err)
		if full.Code != nil || full.Status != Optimal {
			t.Fatalf("seed %d: full solve %v %v", seed, full.Code, full.Status)
		}
		opt := full.Objective
		for _, o := range []MIPOptions{
			{TimeLimit: 30 * time.Millisecond},
			{TimeLimit: 30 * time.Millisecond, Presolve: true},
			{Gap: 0.002},
			{Gap: 0.002, Presolve: true},
		} {
			p := newProblem(t)
			must(t, k.load(p))
			res, err := p.Intopt(o)
			must(t, err)
			t.Logf("seed %d %+v: code %v status %v obj %v bound %v gap %.5f (optimum %v)", seed, o, res.Code, res.Status, res.Objective, res.Bound, res.Gap, opt)
			checkBound(t, k, p, res, &opt)
			if res.Code == nil {
				continue // solved before the limit: nothing more to check
			}
			if o.Gap > 0 && (res.Code != EMIPGAP || res.Gap > o.Gap) {
				t.Errorf("code %v gap %v, want EMIPGAP with gap <= %v", res.Code, res.Gap, o.Gap)
			}
			if o.TimeLimit > 0 && res.Code != ETMLIM {
				t.Errorf("code %v, want ETMLIM", res.Code)
			}
			if res.Status == Feasible && !(res.Gap <= maxLPGap) {
				t.Errorf("gap %v: bound not from the search tree", res.Gap)
			}
		}
	}
}

func TestMIPTimeLimitKeepsIncumbent(t *testing.T) {
	// This instance runs for minutes; GLPK finds incumbents within
	// milliseconds.
	k := genHard(0, 60, 5)
	for _, pre := range []bool{false, true} {
		p := newProblem(t)
		must(t, k.load(p))
		start := time.Now()
		res, err := p.Intopt(MIPOptions{TimeLimit: 300 * time.Millisecond, Presolve: pre})
		must(t, err)
		t.Logf("presolve %v: %v, code %v status %v obj %v bound %v gap %.5f", pre, time.Since(start), res.Code, res.Status, res.Objective, res.Bound, res.Gap)
		if res.Code != ETMLIM || res.Status != Feasible {
			t.Fatalf("code %v status %v, want ETMLIM Feasible", res.Code, res.Status)
		}
		checkBound(t, k, p, res, nil)
		if !errors.Is(res.Code, ETMLIM) {
			t.Errorf("errors.Is(%v, ETMLIM) false", res.Code)
		}
	}
	// With 1 ms there may or may not be an incumbent; the report must be
	// consistent either way.
	k = genHard(1, 100, 10)
	for _, pre := range []bool{false, true} {
		p := newProblem(t)
		must(t, k.load(p))
		res, err := p.Intopt(MIPOptions{TimeLimit: time.Millisecond, Presolve: pre})
		must(t, err)
		t.Logf("1ms presolve %v: code %v status %v obj %v bound %v", pre, res.Code, res.Status, res.Objective, res.Bound)
		if res.Code != ETMLIM {
			t.Errorf("code %v, want ETMLIM", res.Code)
		}
		checkBound(t, k, p, res, nil)
	}
}

// TestMIPNodeLimitIsReproducible: a search stopped by a node limit ends
// where it ends on every run (same incumbent, values and bound), and a
// larger limit continues the same search, so it is never worse. The
// instance runs for minutes without a limit.
func TestMIPNodeLimitIsReproducible(t *testing.T) {
	k := genHard(0, 60, 5)
	sign := float64(k.sign())
	for _, pre := range []bool{false, true} {
		run := func(limit int) (MIPResult, []float64) {
			p := newProblem(t)
			must(t, k.load(p))
			res, err := p.Intopt(MIPOptions{NodeLimit: limit, Presolve: pre})
			must(t, err)
			if res.Code != ESTOP || res.Status != Feasible || res.Nodes < limit || res.Nodes > limit+1 {
				// a branch creates two subproblems at once
				t.Fatalf("presolve %v, limit %d: code %v status %v after %d nodes, want ESTOP Feasible after %d or one more", pre, limit, res.Code, res.Status, res.Nodes, limit)
			}
			checkBound(t, k, p, res, nil)
			vals, err := p.MIPColValues()
			must(t, err)
			return res, vals
		}
		a, va := run(300)
		b, vb := run(300)
		if a.Objective != b.Objective || a.Bound != b.Bound || !slices.Equal(va, vb) {
			t.Errorf("presolve %v: two runs differ: %v/%v and %v/%v", pre, a.Objective, a.Bound, b.Objective, b.Bound)
		}
		c, _ := run(3000)
		t.Logf("presolve %v: 300 nodes %v (bound %v), 3000 nodes %v (bound %v)", pre, a.Objective, a.Bound, c.Objective, c.Bound)
		if sign*(c.Objective-a.Objective) < 0 || sign*(c.Bound-a.Bound) > 0 {
			t.Errorf("presolve %v: 3000 nodes %v/%v, worse than 300 nodes' %v/%v", pre, c.Objective, c.Bound, a.Objective, a.Bound)
		}
	}
	p := newProblem(t)
	must(t, k.load(p))
	if _, err := p.Intopt(MIPOptions{NodeLimit: -1}); err == nil {
		t.Error("NodeLimit -1: no error")
	}
}

// TestStartIsFirstIncumbent: market-split problems (binary x, rows
// A x = b built from a hidden x*), where GLPK finds no solution at all
// within seconds, come back with x* or better as the incumbent when x* is
// the Start; a Start of the wrong length, with a NaN, or with presolve is
// refused.
func TestStartIsFirstIncumbent(t *testing.T) {
	for seed := uint64(0); seed < 4; seed++ {
		p, hidden, value := marketSplit(t, seed, 40, 4)
		res, err := p.Intopt(MIPOptions{TimeLimit: 50 * time.Millisecond, Start: hidden})
		must(t, err)
		if res.Status != Optimal && res.Status != Feasible {
			t.Fatalf("seed %d: status %v with a start", seed, res.Status)
		}
		if res.Objective < value-tolMIPObj {
			t.Errorf("seed %d: incumbent %v worse than the start's %v", seed, res.Objective, value)
		}
	}
	p, hidden, _ := marketSplit(t, 9, 5, 1)
	for name, o := range map[string]MIPOptions{
		"short":    {Start: hidden[:2]},
		"NaN":      {Start: []float64{0, 0, math.NaN(), 0, 0}},
		"presolve": {Start: hidden, Presolve: true},
	} {
		if _, err := p.Intopt(o); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// marketSplit returns max c x over binary x subject to A x = A x* for a
// random hidden x*, with x* and its objective.
func marketSplit(t *testing.T, seed uint64, n, m int) (*Problem, []float64, float64) {
	rng := rand.New(rand.NewPCG(seed, 5))
	hidden := make([]float64, n)
	obj := make([]float64, n)
	bnd := make([]Bound, n)
	kinds := make([]Kind, n)
	value := 0.0
	for j := range hidden {
		hidden[j] = float64(rng.IntN(2))
		obj[j] = float64(1 + rng.IntN(10))
		value += obj[j] * hidden[j]
		bnd[j], kinds[j] = Double(0, 1), Binary
	}
	p := newProblem(t)
	must(t, p.SetObjDir(Maximize))
	_, err := p.AddCols(n, Cols{Bounds: bnd, Obj: obj, Kinds: kinds})
	must(t, err)
	rb := make([]Bound, m)
	var rows, cols []int
	var vals []float64
	for i := range rb {
		b := 0.0
		for j := range hidden {
			a := float64(rng.IntN(100))
			rows, cols, vals = append(rows, i), append(cols, j), append(vals, a)
			b += a * hidden[j]
		}
		rb[i] = Fixed(b)
	}
	_, err = p.AddRows(m, Rows{Bounds: rb})
	must(t, err)
	must(t, p.LoadMatrix(rows, cols, vals))
	return p, hidden, value
}
