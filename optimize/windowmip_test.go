package optimize

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/peakplan/peakplan/optimize/glpk"
	"github.com/peakplan/peakplan/plan"
	"github.com/peakplan/peakplan/scenarios"
)

// TestWindowsCoverTheHorizon: on random binaries per period, the windows
// start at the first period and end at the last, each holds at most the
// size asked for (or one period that alone holds more), each starts after
// the one before and no later than its end, so no period is skipped.
func TestWindowsCoverTheHorizon(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for trial := 0; trial < 500; trial++ {
		nT := 1 + rng.IntN(400)
		cm := &cellMIP{perPeriod: make([]int, nT)}
		for i := range cm.perPeriod {
			if rng.IntN(4) > 0 {
				cm.perPeriod[i] = rng.IntN(12)
			}
		}
		size := 1 + rng.IntN(300)
		wins := cm.windows(size)
		if len(wins) == 0 || wins[0][0] != 0 || wins[len(wins)-1][1] != nT {
			t.Fatalf("trial %d: windows %v do not span 0..%d", trial, wins, nT)
		}
		for i, w := range wins {
			n := 0
			for p := w[0]; p < w[1]; p++ {
				n += cm.perPeriod[p]
			}
			if w[1] <= w[0] || (n > size && w[1]-w[0] > 1) {
				t.Fatalf("trial %d: window %v holds %d binaries, more than %d", trial, w, n, size)
			}
			if i > 0 && (w[0] <= wins[i-1][0] || w[0] > wins[i-1][1]) {
				t.Fatalf("trial %d: window %v does not follow %v", trial, w, wins[i-1])
			}
		}
	}
}

// windowScenario: two S-curve channels by day with carry-over, a flight
// and a window on the budget, for a month.
const windowScenario = `horizon: {start: 2027-06-01, end: 2027-06-30, granularity: day}
objective: profit
margin: 0.6
budget:
  total: 120000
  windows:
    - {from: 2027-06-10, to: 2027-06-14, max: 20000}
festivals:
  - {preset: "618"}
channels:
  - name: a
    response: {curve: hill, beta: 90000, half_saturation: 30000, shape: 2.4}
    carryover: 0.6
    min_active_per_week: 15000
  - name: b
    response: {curve: hill, beta: 50000, half_saturation: 12000, shape: 1.6}
    carryover: 0.3
    per_week: {max: 60000}
`

// windowStart is a plan that keeps every limit of windowScenario but
// spends evenly on every other day, far from its best.
func windowStart(res *scenarios.Resolved) [][]float64 {
	spend := make([][]float64, len(res.Channels))
	for c := range spend {
		spend[c] = make([]float64, len(res.Periods))
		for t := range spend[c] {
			if t%2 == 0 && (t < 9 || t > 13) {
				spend[c][t] = 2500 // a's flight is 15,000 a week: 2,143 a day
			}
		}
	}
	return spend
}

func newTestSolver(t *testing.T, y string) *solver {
	t.Helper()
	res, err := scenarios.Load(strings.NewReader(y), "test.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s := &solver{res: res, opts: Options{Gap: DefaultGap, TimeLimit: time.Minute}, start: time.Now()}
	s.md = newModel(res, false)
	s.md.build()
	return s
}

// TestWindowModelOfFixedCells: with no period in the window, every cell
// is held at the plan's spend, and the window model's optimum is the
// plan's exact objective: the fixed cells earn the curve at their
// exposure, not the relaxation's tangents.
func TestWindowModelOfFixedCells(t *testing.T) {
	s := newTestSolver(t, windowScenario)
	spend := windowStart(s.res)
	if !s.limits().ok(spend) {
		t.Fatal("the start breaks a limit")
	}
	_, tot := plan.Evaluate(s.res, spend)
	want := plan.ObjectiveValue(s.res, tot)
	cm := s.newCellMIP()
	nT := len(s.res.Periods)
	cm.lo, cm.hi, cm.fixed = nT, nT, spend
	md := cm.build()
	p, err := glpk.New()
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if err := md.m.load(p, true); err != nil {
		t.Fatal(err)
	}
	r, err := s.simplex(p)
	if err != nil || r.Status != glpk.Optimal {
		t.Fatalf("simplex: %v %v", r.Status, err)
	}
	got := r.Objective * md.scale
	if math.Abs(got-want) > 1e-7*math.Abs(want) {
		t.Errorf("the model of the fixed plan is worth %.6f, the plan %.6f", got, want)
	}
}

// TestWindowImprovesAPoorPlan: a window's MIP over the middle of the
// month, from a plan far from its best, returns a better plan that keeps
// every limit.
func TestWindowImprovesAPoorPlan(t *testing.T) {
	s := newTestSolver(t, windowScenario)
	spend := windowStart(s.res)
	_, tot := plan.Evaluate(s.res, spend)
	s.best = &Result{Spend: spend, Objective: plan.ObjectiveValue(s.res, tot)}
	cm := s.newCellMIP()
	r := s.searchWindow(cm, 8, 20, 20*time.Second)
	if r == nil {
		t.Fatalf("no better plan than %.2f", s.best.Objective)
	}
	if !s.limits().ok(r.Spend) {
		t.Error("the window's plan breaks a linear limit")
	}
	_, tot = plan.Evaluate(s.res, r.Spend)
	if !s.exactlyFeasible(tot) || math.Abs(plan.ObjectiveValue(s.res, tot)-r.Objective) > 1e-9*math.Abs(r.Objective) {
		t.Errorf("the window's plan is not what the forward model says of it")
	}
	if r.Objective <= s.best.Objective {
		t.Errorf("objective %.2f is not above the start's %.2f", r.Objective, s.best.Objective)
	}
	t.Logf("start %.2f, window's plan %.2f", s.best.Objective, r.Objective)
}
