package optimize

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"

	"github.com/peakplan/peakplan/plan"
	"github.com/peakplan/peakplan/scenarios"
)

// Defaults of a budget sweep, as multiples of the scenario's budget.total.
const (
	DefaultSweepFrom  = 0.5
	DefaultSweepTo    = 2.0
	DefaultSweepSteps = 16
)

// StatusInfeasible marks a sweep point whose budget cannot meet the
// scenario's other limits (e.g. channel minimums above it).
const StatusInfeasible = "infeasible"

// SweepOptions control a sweep.
type SweepOptions struct {
	Options // for every solve
	// Workers is the number of solves run at once; 0 means
	// runtime.NumCPU(). Each solve owns its GLPK problems, each on its own
	// locked OS thread, so solves may run concurrently.
	Workers int
	// Progress, when set, is called after each solve with the number done;
	// calls never overlap.
	Progress func(done, total int)
}

// SweepBudgets returns steps budgets from from*total to to*total, evenly
// spaced, both ends included.
func SweepBudgets(total, from, to float64, steps int) []float64 {
	if steps <= 1 {
		return []float64{from * total}
	}
	out := make([]float64, steps)
	for i := range out {
		out[i] = total * (from + (to-from)*float64(i)/float64(steps-1))
	}
	return out
}

// Sweep solves the scenario at each budget and returns the optimum at each,
// in increasing budget order, and the break-even budget (nil when the scenario
// has no margin or the marginal profit does not cross zero within the
// range).
//
// Each point maximises revenue with budget.total set to the budget, keeping
// every other limit: the frontier R(B) is the primitive from which profit
// (margin*R - B) and the profit optimum follow, whatever the scenario's own
// objective. A budget the other limits cannot meet gives an infeasible
// point; a solver failure ends the sweep with its error. The points are
// the same whatever the number of workers.
func Sweep(res *scenarios.Resolved, budgets []float64, opts SweepOptions) ([]plan.SweepPoint, *float64, error) {
	for _, b := range budgets {
		if !(b > 0) || math.IsInf(b, 0) {
			return nil, nil, fmt.Errorf("budget %v: a sweep budget must be positive and finite", b)
		}
	}
	budgets = slices.Clone(budgets)
	slices.Sort(budgets)
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	workers = min(workers, len(budgets))
	points := make([]plan.SweepPoint, len(budgets))
	errs := make([]error, len(budgets))
	jobs := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	done := 0
	for range workers {
		wg.Go(func() {
			for i := range jobs {
				points[i], errs[i] = sweepPoint(res, budgets[i], opts.Options)
				if opts.Progress != nil {
					mu.Lock()
					done++
					opts.Progress(done, len(budgets))
					mu.Unlock()
				}
			}
		})
	}
	for i := range budgets {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	// The first error in budget order, so the answer does not depend on
	// which solve finished first.
	for _, err := range errs {
		if err != nil {
			return nil, nil, err
		}
	}
	return points, BreakEven(points, res.Margin), nil
}

// sweepPoint solves at one budget. The scenario is copied shallowly: Solve
// only reads it.
func sweepPoint(res *scenarios.Resolved, budget float64, opts Options) (plan.SweepPoint, error) {
	at := *res
	at.BudgetTotal = budget
	at.Objective = scenarios.MaximiseRevenue
	at.TargetRevenue = 0
	pt := plan.SweepPoint{Budget: budget}
	r, err := Solve(&at, opts)
	if err != nil {
		var inf *InfeasibleError
		if errors.As(err, &inf) {
			pt.Status = StatusInfeasible
			return pt, nil
		}
		return pt, fmt.Errorf("budget %s: %w", plan.Amount(budget), err)
	}
	_, tot := plan.Evaluate(&at, r.Spend)
	pt.Revenue, pt.ROAS, pt.MarginalROAS, pt.Status = tot.Revenue, tot.ROAS, r.MarginalROAS, r.Status
	if res.HasMargin() {
		p := tot.Profit
		pt.Profit = &p
	}
	return pt, nil
}

// BreakEven returns the budget at which the marginal profit
// margin*marginal_roas - 1 crosses zero from above, interpolated linearly
// between the sweep points around the crossing, or nil when there is no
// margin or no such crossing within the range. Points must be in increasing
// budget order; infeasible points are skipped.
//
// With S-curves the marginal ROAS can fall, rise and fall again, so the
// profit has several local peaks: of the crossings the one with the highest
// profit is returned, and nil when the last point, still gaining from more
// budget, is more profitable than all of them (the break-even then lies
// beyond the range).
func BreakEven(points []plan.SweepPoint, margin float64) *float64 {
	if margin <= 0 {
		return nil
	}
	profitOf := func(p plan.SweepPoint) float64 {
		if p.Profit != nil {
			return *p.Profit
		}
		return margin*p.Revenue - p.Budget
	}
	var best *float64
	bestProfit := math.Inf(-1)
	prev := -1
	for i, p := range points {
		if p.Status == StatusInfeasible {
			continue
		}
		if prev >= 0 {
			a, b := points[prev], p
			fa, fb := margin*a.MarginalROAS-1, margin*b.MarginalROAS-1
			if fa >= 0 && fb < 0 {
				w := fa / (fa - fb)
				budget := a.Budget + w*(b.Budget-a.Budget)
				if profit := profitOf(a) + w*(profitOf(b)-profitOf(a)); profit > bestProfit {
					bestProfit, best = profit, &budget
				}
			}
		}
		prev = i
	}
	if prev >= 0 {
		if last := points[prev]; margin*last.MarginalROAS-1 > 0 && profitOf(last) > bestProfit {
			return nil
		}
	}
	return best
}
