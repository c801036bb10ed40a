package optimize

import (
	"math"
	"time"

	"github.com/peakplan/peakplan/optimize/glpk"
	"github.com/peakplan/peakplan/plan"
	"github.com/peakplan/peakplan/scenarios"
)

// Reallocation by a separable knapsack. Prices cannot single out a pattern
// that only a total makes best: with S-curves the best use of a fixed sum
// is a subset of periods whose days add up to the right length (two short
// months rather than one long one), or one channel alone rather than two
// sharing the money. Pattern moves change one cell at a time and miss
// such jumps. The knapsack drops the shared limits other than the total
// and counts each cell as if it ran alone, so it does see them: over a
// spend grid it finds the best value of every total for each channel, and
// then the best split of the total between channels. Its plans are only
// candidates; explore polishes them on the exact model and keeps them
// only when they meet every limit and are better.
const (
	// allocSteps is the number of grid steps of the total.
	allocSteps = 200
	// allocMinSteps is the coarsest grid worth a knapsack.
	allocMinSteps = 40
	// allocMaxWork bounds cells × steps², the knapsack's work.
	allocMaxWork = 3e8
	// allocMaxEvals bounds the curve evaluations of the cells' values,
	// which counts the periods a cell's carry-over reaches.
	allocMaxEvals = 5e6
	// allocTailCut ends a cell's carry-over tail once its exposure falls
	// below this share of the first period's.
	allocTailCut = 1e-4
	// allocGrowth lets the objectives that choose their own total (profit,
	// spend) look this far above the plan's total.
	allocGrowth = 1.25
)

// allocation is a knapsack over a spend grid of step h.
type allocation struct {
	s     *solver
	h     float64
	steps int
	tail  int         // periods a cell's carry-over is followed
	theta [][]float64 // carry-over retention per channel and period
	// bonus is the value of a unit of spend in a cell that the shared
	// limits' multipliers add (nil for none).
	bonus [][]float64
}

func (s *solver) newAllocation(total float64, cells int) *allocation {
	steps := allocSteps
	if w := float64(cells) * float64(steps) * float64(steps); w > allocMaxWork {
		steps = int(math.Sqrt(allocMaxWork / float64(cells)))
	}
	if steps < allocMinSteps || !(total > 0) || math.IsInf(total, 0) {
		return nil
	}
	al := &allocation{s: s, h: total / float64(steps), steps: steps, theta: make([][]float64, len(s.res.Channels))}
	al.tail = min(len(s.res.Periods), int(allocMaxEvals/float64(cells*(steps+1))))
	for c := range s.res.Channels {
		ch := &s.res.Channels[c]
		al.theta[c] = make([]float64, len(s.res.Periods))
		for t, p := range s.res.Periods {
			al.theta[c][t] = math.Pow(ch.Carryover, float64(p.Days)/7)
		}
	}
	return al
}

// isolatedRevenue is the revenue of spend x in cell (c, t) when the
// channel spends nothing else: the period's own and what its carry-over
// brings to the periods after it.
func (al *allocation) isolatedRevenue(c, t int, x float64) float64 {
	res := al.s.res
	ch := &res.Channels[c]
	weeks := float64(res.Periods[t].Days) / 7
	a := (1 - al.theta[c][t]) * x / weeks / ch.CostIndex[t]
	rev := weeks * ch.Uplift[t] * ch.Curve.Weekly(a)
	first := a
	for j := t + 1; j < len(res.Periods) && j <= t+al.tail && ch.Carryover > 0; j++ {
		a *= al.theta[c][j]
		if a < allocTailCut*first {
			break
		}
		rev += float64(res.Periods[j].Days) / 7 * ch.Uplift[j] * ch.Curve.Weekly(a)
	}
	return rev
}

// cellValues returns the value of each grid spend k*h in cell (c, t):
// its isolated revenue, or -Inf where the cell's limits forbid it.
func (al *allocation) cellValues(c, t int) []float64 {
	s, ch := al.s, &al.s.res.Channels[c]
	v := make([]float64, al.steps+1)
	open := s.md.cellOpen(c, t)
	hi := 0.0
	if open {
		hi = s.md.upper[c][t] * s.md.scale
	}
	for k := range v {
		x := float64(k) * al.h
		switch {
		case k == 0 && ch.Lower[t] <= 0:
			v[k] = 0
		case k == 0 || !open || x > hi || x < ch.Lower[t] || x < ch.MinActive[t]:
			v[k] = math.Inf(-1)
		default:
			v[k] = al.isolatedRevenue(c, t, x)
			if al.bonus != nil {
				v[k] += al.bonus[c][t] * x
			}
		}
	}
	return v
}

// knapsack combines items, each a value per grid total, into the best
// value per total; pick[i][k] is item i's share of total k in that best.
func knapsack(items [][]float64, steps int) (best []float64, pick [][]int32) {
	best = make([]float64, steps+1)
	for k := 1; k <= steps; k++ {
		best[k] = math.Inf(-1)
	}
	next := make([]float64, steps+1)
	pick = make([][]int32, len(items))
	for i, v := range items {
		pick[i] = make([]int32, steps+1)
		for k := range next {
			next[k] = math.Inf(-1)
			for j := 0; j <= k; j++ {
				if math.IsInf(v[j], -1) || math.IsInf(best[k-j], -1) {
					continue
				}
				if w := best[k-j] + v[j]; w > next[k] {
					next[k], pick[i][k] = w, int32(j)
				}
			}
		}
		best, next = next, best
	}
	return best, pick
}

// unpick walks the picks back from total k into each item's grid steps.
func unpick(pick [][]int32, k int) []int {
	out := make([]int, len(pick))
	for i := len(pick) - 1; i >= 0; i-- {
		out[i] = int(pick[i][k])
		k -= out[i]
	}
	return out
}

// channel returns channel c's best value per grid total, with the
// channel's own total limits, and the picks to rebuild its spends.
func (al *allocation) channel(c int) ([]float64, [][]int32) {
	ch := &al.s.res.Channels[c]
	items := make([][]float64, len(al.s.res.Periods))
	for t := range items {
		items[t] = al.cellValues(c, t)
	}
	best, pick := knapsack(items, al.steps)
	for k := range best {
		x := float64(k) * al.h
		// The grid rounds: a total within half a step of a limit passes.
		if x < ch.SpendMin-al.h/2 || x > ch.SpendMax+al.h/2 {
			best[k] = math.Inf(-1)
		}
	}
	return best, pick
}

// spends turns channel picks at grid total k into the row of spends.
func (al *allocation) spends(pick [][]int32, k int) []float64 {
	row := make([]float64, len(pick))
	for t, j := range unpick(pick, k) {
		row[t] = float64(j) * al.h
	}
	return row
}

// reallocateChannel returns the plan with channel c's spend rearranged to
// the knapsack's best pattern for the same total, or nil.
func (s *solver) reallocateChannel(spend [][]float64, c int) [][]float64 {
	al := s.newAllocation(planTotal(spend[c:c+1]), len(s.res.Periods))
	if al == nil {
		return nil
	}
	best, pick := al.channel(c)
	if math.IsInf(best[al.steps], -1) {
		return nil
	}
	out := clonePlan(spend)
	out[c] = al.spends(pick, al.steps)
	return out
}

// reallocate returns the knapsack's best plan over every channel: for the
// revenue objective at the plan's total, for profit at the most
// profitable total, for spend at the least total that reaches the target.
// The knapsack knows only the total and each channel's limits; when its
// plan breaks a shared limit (a window's floor, a group's share), the
// limit gets a price, as in a Lagrangian relaxation, that makes a unit of
// spend in its cells worth more or less, raised until the plan keeps the
// limit or allocRepairRounds pass. It returns nil when no total qualifies.
func (s *solver) reallocate(spend [][]float64) [][]float64 {
	res := s.res
	_, tot := plan.Evaluate(res, spend)
	total, revenue := tot.Spend, tot.Revenue
	if res.Objective != scenarios.MaximiseRevenue {
		total = math.Min(total*allocGrowth, res.BudgetTotal)
	}
	cells := len(res.Channels) * len(res.Periods)
	var al *allocation
	var out [][]float64
	// A plan far short of the revenue target (one that leant on slack)
	// says little about the total: the spend objective doubles it until
	// the knapsack reaches the target.
	for range allocDoublings {
		if al = s.newAllocation(total, cells); al == nil {
			return nil
		}
		if out = al.plan(); out != nil || res.Objective != scenarios.MinimiseSpend || total >= res.BudgetTotal {
			break
		}
		total = math.Min(2*total, res.BudgetTotal)
	}
	lc := s.limits()
	if out == nil || lc.ok(out) || float64(cells)*float64(al.steps)*float64(al.steps)*allocRepairRounds > allocMaxWork {
		return out
	}
	// The limits the plan breaks get prices in the direction that keeps
	// them, all scaled by one factor: the least factor whose plan keeps
	// them is found by doubling and then bisection. A factor too high
	// leaves no total that reaches the objective's target (nil).
	rows := lc.md.m
	dir := make([]float64, rows.numRows())
	act := lc.activities(out)
	for i := range dir {
		dir[i] = lc.broken(i, act[i])
	}
	// The first price is the plan's average return on spend.
	unit := math.Max(revenue/math.Max(total, 1), 1e-9)
	keeps := func(p [][]float64) bool {
		act := lc.activities(p)
		for i, d := range dir {
			if d != 0 && lc.broken(i, act[i]) == d {
				return false
			}
		}
		return true
	}
	at := func(f float64) ([][]float64, bool, bool) { // plan, too low, too high
		price := make([]float64, len(dir))
		for i, d := range dir {
			price[i] = f * unit * d
		}
		al.bonus = lc.cellPrices(price)
		p := al.plan()
		if p == nil {
			return nil, false, true
		}
		return p, !keeps(p), false
	}
	var found [][]float64
	lo, hi := 0.0, 0.0
	for f, round := 1.0, 0; round < allocRepairRounds/2; f, round = 2*f, round+1 {
		p, low, high := at(f)
		if low {
			lo = f
			continue
		}
		hi = f
		if !high {
			found = p
		}
		break
	}
	for round := 0; hi > 0 && round < allocRepairRounds/2; round++ {
		f := (lo + hi) / 2
		p, low, high := at(f)
		if low {
			lo = f
		} else {
			hi = f
			if !high {
				found = p
			}
		}
	}
	al.bonus = nil
	if found != nil {
		return found
	}
	return out
}

// allocDoublings bounds the doublings of the total that look for one
// that reaches the revenue target.
const allocDoublings = 8

// allocRepairRounds bounds the rounds that price the limits a
// reallocation breaks.
const allocRepairRounds = 16

// plan solves the knapsack over every channel and picks the total the
// objective prefers, or returns nil.
func (al *allocation) plan() [][]float64 {
	res := al.s.res
	items := make([][]float64, len(res.Channels))
	picks := make([][][]int32, len(res.Channels))
	for c := range res.Channels {
		items[c], picks[c] = al.channel(c)
	}
	best, pick := knapsack(items, al.steps)
	chosen, value := -1, math.Inf(-1)
	for k, v := range best {
		if math.IsInf(v, -1) {
			continue
		}
		x := float64(k) * al.h
		rev := v
		if al.bonus != nil {
			// The value holds the limits' prices: the revenue itself
			// comes from the plan.
			cand := make([][]float64, len(res.Channels))
			for c, kc := range unpick(pick, k) {
				cand[c] = al.spends(picks[c], kc)
			}
			rev = al.revenueOf(cand)
		}
		if res.MinROAS > 0 && rev < res.MinROAS*x {
			continue
		}
		switch res.Objective {
		case scenarios.MaximiseProfit:
			v = res.Margin*rev - x + (v - rev)
		case scenarios.MinimiseSpend:
			if rev < res.TargetRevenue {
				continue
			}
			v = -x
		}
		if v > value {
			chosen, value = k, v
		}
		if res.Objective == scenarios.MinimiseSpend {
			break // the least total that reaches the target
		}
	}
	if chosen < 0 {
		return nil
	}
	out := make([][]float64, len(res.Channels))
	for c, k := range unpick(pick, chosen) {
		out[c] = al.spends(picks[c], k)
	}
	return out
}

// revenueOf is the knapsack's own measure of a plan: the sum of its
// cells' isolated revenues.
func (al *allocation) revenueOf(spend [][]float64) float64 {
	rev := 0.0
	for c := range spend {
		for t, x := range spend[c] {
			if x > 0 {
				rev += al.isolatedRevenue(c, t, x)
			}
		}
	}
	return rev
}

// planTotal is a plan's total spend.
func planTotal(spend [][]float64) float64 {
	total := 0.0
	for c := range spend {
		for _, x := range spend[c] {
			total += x
		}
	}
	return total
}

func clonePlan(spend [][]float64) [][]float64 {
	out := make([][]float64, len(spend))
	for c := range spend {
		out[c] = append([]float64(nil), spend[c]...)
	}
	return out
}

// rescue looks for a plan that meets every limit when no choice of one
// schedule per channel does: the knapsack reallocates the total of the
// choice that needed slack, priced to keep the shared limits, or else a
// MIP finds spends that meet every linear limit and minimum flight, as
// near as it can to aim (the master's mix of schedules), or else where
// they pay most; the plan is polished on the exact model. It returns nil when no plan meets
// every limit.
func (s *solver) rescue(spend, aim [][]float64) *Result {
	if s.md == nil {
		return nil
	}
	defer s.closeStepProblem()
	from := func(start [][]float64) *Result { return s.polishStart(start, time.Now().Add(s.remaining()/4)) }
	var best *Result
	keep := func(r *Result) {
		if r != nil && (best == nil || s.better(r.Objective, best.Objective)) {
			best = r
		}
	}
	keep(from(s.reallocate(spend)))
	if aim != nil {
		keep(from(s.flightMIP(aim)))
	}
	if best == nil {
		keep(from(s.flightMIP(nil)))
	}
	return best
}

// flightMIP returns spends that meet every linear limit and minimum
// flight, or nil: a MIP with a binary per flight cell (x = 0, or x at
// least the flight) and the shared rows but the revenue target and ROAS
// floor. It keeps as near as it can to aim (in total absolute change), or
// without one values each unit of spend at the channel's best return in
// its period, so that the money goes where it pays.
func (s *solver) flightMIP(aim [][]float64) [][]float64 {
	res, base := s.res, s.md
	md := base.spendModel(res, base.scale)
	type flight struct{ c, t, z int }
	var flights []flight
	var binaries []int
	for c := range res.Channels {
		ch := &res.Channels[c]
		ret := bestReturn(ch)
		for t := 0; t < md.nT; t++ {
			j := base.x[c][t]
			if j < 0 {
				continue
			}
			lo, up := base.m.colLo[j], base.m.colUp[j]
			if aim == nil {
				md.x[c][t] = md.m.col(lo, up, ret*ch.Uplift[t]/ch.CostIndex[t], glpk.Continuous)
			} else {
				// |x - aim| = over + under, each costing a unit.
				md.x[c][t] = md.m.col(lo, up, 0, glpk.Continuous)
				over := md.m.col(0, math.Inf(1), -1, glpk.Continuous)
				under := md.m.col(0, math.Inf(1), -1, glpk.Continuous)
				a := aim[c][t] / md.scale
				md.m.row(a, a, "", []int{md.x[c][t], over, under}, []float64{1, -1, 1})
			}
			if least := ch.MinActive[t] / md.scale; least > 0 && lo < least {
				z := md.m.col(0, 1, 0, glpk.Binary)
				binaries = append(binaries, z)
				flights = append(flights, flight{c, t, z})
				// least z <= x <= up z
				md.m.row(math.Inf(-1), 0, "", []int{md.x[c][t], z}, []float64{1, -up})
				md.m.row(0, math.Inf(1), "", []int{md.x[c][t], z}, []float64{1, -least})
			}
		}
	}
	if len(binaries) == 0 {
		return nil
	}
	md.aggregateRows(nil, nil, 0)
	for _, i := range []int{md.targetRow, md.roasRow} {
		if i >= 0 {
			md.m.rowLo[i], md.m.rowUp[i] = math.Inf(-1), math.Inf(1)
		}
	}
	p, err := glpk.New()
	if err != nil {
		return nil
	}
	defer p.Close()
	if md.m.load(p, true) != nil {
		return nil
	}
	if _, err := s.simplex(p); err != nil {
		return nil
	}
	mr, err := p.Intopt(glpk.MIPOptions{TimeLimit: max(s.remaining()/4, minMIPTime), Gap: flightMIPGap})
	if err != nil || (mr.Status != glpk.Optimal && mr.Status != glpk.Feasible) {
		return nil
	}
	vals, err := p.MIPColValues()
	if err != nil {
		return nil
	}
	out := make([][]float64, md.nC)
	for c := range out {
		out[c] = make([]float64, md.nT)
		for t, j := range md.x[c] {
			if j >= 0 {
				out[c][t] = vals[j] * md.scale
			}
		}
	}
	// A flight cell the MIP left off is off exactly.
	for _, f := range flights {
		if vals[f.z] < 0.5 {
			out[f.c][f.t] = 0
		}
	}
	return out
}

// flightMIPGap: the flight MIP looks for a feasible plan, which polishing
// then improves, so a loose gap will do.
const flightMIPGap = 1e-2
