package optimize

import (
	"errors"
	"math"
	"runtime"
	"sort"
	"sync"
	"time"

	"github.com/peakplan/peakplan/optimize/glpk"
	"github.com/peakplan/peakplan/plan"
	"github.com/peakplan/peakplan/scenarios"
)

// Column generation (Dantzig-Wolfe) for channels with S-curves or minimum
// flights. The master LP holds the concave channels as cells with tangent
// cuts, and each non-concave channel as a convex combination of whole
// schedules; the shared limits (budget, windows, groups, revenue target,
// ROAS floor) price spend per period, and a dynamic programme finds the
// schedule with the best reduced value under those prices. When no schedule
// improves the master, a small MIP picks exactly one schedule per channel,
// and polishing moves the spends to a local optimum of the exact curves.
const (
	maxColumnRounds = 200
	// reducedTol: a schedule must improve the master by this share of its
	// objective to enter.
	reducedTol = 1e-9
	// stallTol and maxStalledRounds end column generation when the master's
	// objective stops moving.
	stallTol         = 1e-9
	maxStalledRounds = 10
	// elasticPenalty prices a unit (scaled) of violated limit while the
	// master has too few schedules to meet every limit.
	elasticPenalty = 1e4
	// elasticTol: slack above this means the limits cannot be met.
	elasticTol = 1e-6
	// cgShare is the share of the remaining time that column generation may
	// take before the final MIP.
	cgShare = 0.6
	// minMIPTime is the least time the schedule MIP gets, even past the
	// time limit, so that a plan is found at all.
	minMIPTime = 200 * time.Millisecond
	// maxRepairs bounds the re-solves after a plan missed a revenue limit.
	maxRepairs = 20
)

type schedule struct {
	col     int
	spend   []float64
	revenue float64
}

type master struct {
	s       *solver
	md      *model
	p       *glpk.Problem
	sched   [][]schedule
	slacks  []int
	pricers []*pricer
	// order ranks each channel's periods, best first (see diversify)
	order [][]int
	// laddered: the ladders were offered after a choice that needed slack
	laddered bool
}

func (s *solver) columnGeneration(every bool) (*Result, error) {
	md := newModelWith(s.res, true, every)
	md.build()
	p, err := glpk.New()
	if err != nil {
		return nil, &SolverError{Err: err}
	}
	defer p.Close()
	ms := &master{s: s, md: md, p: p, sched: make([][]schedule, md.nC), pricers: make([]*pricer, md.nC), order: make([][]int, md.nC)}
	if err := md.m.load(p, s.maximise()); err != nil {
		return nil, &SolverError{Err: err}
	}
	if err := ms.addSlacks(); err != nil {
		return nil, err
	}
	seeds := make([][][]float64, md.nC)
	ms.eachChannel(func(c int) {
		ms.pricers[c] = newPricer(s.res, md, c)
		seeds[c] = ms.seed(c)
	})
	for c := range s.res.Channels {
		if !md.cg[c] {
			continue
		}
		for _, sp := range seeds[c] {
			if err := ms.add(c, sp); err != nil {
				return nil, err
			}
		}
		if len(ms.sched[c]) == 0 {
			return nil, &InfeasibleError{Conflicts: []string{"channel " + quote(s.res.Channels[c].Name) + ": its per-week limits and minimum flight cannot all hold"}}
		}
	}
	deadline := time.Now().Add(time.Duration(float64(s.remaining()) * cgShare))
	lastObj, stalled := math.NaN(), 0
	rounds := 0
	var lastDuals []float64
	for round := 0; round < maxColumnRounds && time.Now().Before(deadline); round++ {
		rounds = round + 1
		r, err := s.simplex(p)
		if err != nil {
			if isTimeout(err) {
				break
			}
			return nil, err
		}
		if r.Status != glpk.Optimal {
			return nil, &SolverError{Err: errors.New("the master problem could not be solved")}
		}
		vals, err := p.ColValues()
		if err != nil {
			return nil, &SolverError{Err: err}
		}
		duals, err := p.RowDuals()
		if err != nil {
			return nil, &SolverError{Err: err}
		}
		lastDuals = duals
		first := md.m.numRows()
		cuts := refineTangents(md, vals)
		if cuts > 0 {
			if err := md.m.loadRows(p, first); err != nil {
				return nil, &SolverError{Err: err}
			}
		}
		cols, err := ms.price(duals, math.Max(1, math.Abs(r.Objective)))
		if err != nil {
			return nil, err
		}
		// Degenerate pivots can admit schedules that do not move the
		// objective; a few such rounds in a row end the search.
		if !math.IsNaN(lastObj) && math.Abs(r.Objective-lastObj) <= stallTol*math.Max(1, math.Abs(r.Objective)) && cuts == 0 {
			stalled++
		} else {
			stalled = 0
		}
		lastObj = r.Objective
		if stalled >= maxStalledRounds {
			break
		}
		s.trace("master round %d: objective %.8g, %d cuts, %d schedules", round, r.Objective*md.scale, cuts, cols)
		if cuts == 0 && cols == 0 {
			break
		}
	}
	if lastDuals != nil {
		if err := ms.diversify(lastDuals); err != nil {
			return nil, err
		}
		// The duals after diversification price the most schedules.
		if duals, err := p.RowDuals(); err == nil {
			lastDuals = duals
		}
		s.duals = &masterDuals{rowName: md.m.rowName, value: lastDuals}
	}
	res, err := ms.integerPlan()
	if res != nil {
		res.Rounds = rounds
	}
	return res, err
}

// addSlacks makes every shared limit elastic at a high price, so that the
// master is feasible before it has the schedules to meet the limits.
func (ms *master) addSlacks() error {
	md := ms.md
	pen := -elasticPenalty
	if !ms.s.maximise() {
		pen = elasticPenalty
	}
	for i, name := range md.m.rowName {
		if name == "" {
			continue
		}
		for _, sign := range []float64{1, -1} {
			if (sign > 0 && math.IsInf(md.m.rowLo[i], -1)) || (sign < 0 && math.IsInf(md.m.rowUp[i], 1)) {
				continue
			}
			j, err := ms.p.AddCols(1, glpk.Cols{Bounds: []glpk.Bound{glpk.Lower(0)}, Obj: []float64{pen}})
			if err != nil {
				return &SolverError{Err: err}
			}
			if err := ms.p.SetCol(j, []int{i}, []float64{sign}); err != nil {
				return &SolverError{Err: err}
			}
			ms.slacks = append(ms.slacks, j)
		}
	}
	return nil
}

// seed returns a channel's first schedules: the least it may spend, and
// schedules priced at a range of returns per unit of spend, so the master
// starts with flights of several sizes.
func (ms *master) seed(c int) [][]float64 {
	res := ms.s.res
	pr := ms.pricers[c]
	nT := len(res.Periods)
	revW := make([]float64, nT)
	price := make([]float64, nT)
	var out [][]float64
	// Least spend: revenue ignored, every unit of spend costly.
	for t := range price {
		price[t] = -1
	}
	if sp := pr.schedule(revW, price); sp != nil {
		out = append(out, sp)
	}
	ch := &res.Channels[c]
	ret := bestReturn(ch)
	for _, f := range []float64{0.95, 0.8, 0.6, 0.4, 0.25} {
		for t, p := range res.Periods {
			revW[t] = float64(p.Days) / 7 * ch.Uplift[t]
			price[t] = -f * ret
		}
		if sp := pr.schedule(revW, price); sp != nil {
			out = append(out, sp)
		}
	}
	return out
}

// bestReturn is the channel's best revenue per unit of exposure in a normal
// week: at the point of best average return for S-curves, at the start for
// concave ones.
func bestReturn(ch *scenarios.ChannelPlan) float64 {
	cv := ch.Curve
	switch {
	case cv.Kind == scenarios.Linear:
		return cv.ROAS
	case cv.IsSCurve():
		a := cv.BestAverage()
		return cv.Weekly(a) / a
	}
	s := cv.Slope(0)
	if math.IsInf(s, 1) {
		s = cv.Slope(cv.Half * 1e-3)
	}
	return s
}

// spendCost is the objective coefficient of a unit of spend.
func (md *model) spendCost() float64 {
	switch md.res.Objective {
	case scenarios.MaximiseProfit:
		return -1
	case scenarios.MinimiseSpend:
		return 1
	}
	return 0
}

// add puts a schedule into the master as a column: its revenue in the
// objective and the revenue rows, its spend in every shared row its cells
// enter, and 1 in the channel's convexity row.
func (ms *master) add(c int, spend []float64) error {
	md, res := ms.md, ms.s.res
	for _, old := range ms.sched[c] {
		if sameSchedule(old.spend, spend) {
			return nil
		}
	}
	rev := scheduleRevenue(res, c, spend)
	total := 0.0
	entries := map[int]float64{md.convRow[c]: 1}
	for t, x := range spend {
		total += x
		for _, rc := range md.cellRows[c][t] {
			entries[rc.row] += rc.coef * x / md.scale
		}
	}
	for _, r := range []int{md.targetRow, md.roasRow} {
		if r >= 0 {
			entries[r] += rev / md.scale
		}
	}
	obj := (md.objWeight()*rev + md.spendCost()*total) / md.scale
	j, err := ms.p.AddCols(1, glpk.Cols{Bounds: []glpk.Bound{glpk.Lower(0)}, Obj: []float64{obj}})
	if err != nil {
		return &SolverError{Err: err}
	}
	rows := make([]int, 0, len(entries))
	for r := range entries {
		rows = append(rows, r)
	}
	sort.Ints(rows) // deterministic column order
	vals := make([]float64, len(rows))
	for i, r := range rows {
		vals[i] = entries[r]
	}
	if err := ms.p.SetCol(j, rows, vals); err != nil {
		return &SolverError{Err: err}
	}
	ms.sched[c] = append(ms.sched[c], schedule{col: j, spend: spend, revenue: rev})
	return nil
}

func sameSchedule(a, b []float64) bool {
	for t := range a {
		if math.Abs(a[t]-b[t]) > 1e-9*math.Max(1, math.Abs(a[t])) {
			return false
		}
	}
	return true
}

// prices returns, per schedule channel, the weights of the pricing problem
// under the master's duals: sigma*(alpha*R + sum_t p_t x_t) with
// revW[t] = sigma*alpha*rho_t and price[t] = sigma*p_t, where alpha is the
// value of revenue and p_t the value of a unit of spend in period t.
func (ms *master) prices(duals []float64, c int) (revW, price []float64) {
	return pricesFor(ms.md, duals, c, sign(ms.s.maximise()))
}

// eachChannel runs f for every schedule channel, on all cores: the dynamic
// programmes of different channels share nothing.
func (ms *master) eachChannel(f func(c int)) {
	parallelChannels(ms.md.nC, func(c int) bool { return ms.md.cg[c] }, f)
}

// parallelChannels runs f for the channels c < n that use(c) admits, on all
// cores.
func parallelChannels(n int, use func(c int) bool, f func(c int)) {
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < runtime.NumCPU(); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range next {
				f(c)
			}
		}()
	}
	for c := 0; c < n; c++ {
		if use(c) {
			next <- c
		}
	}
	close(next)
	wg.Wait()
}

// revenueValue is alpha: the master's value of a unit of revenue.
func (ms *master) revenueValue(duals []float64) float64 { return ms.md.objWeightWith(duals) }

// Diversification of the final schedules.
const (
	// The final prices of spend are scaled by diversifySteps factors from
	// diversifyLow to diversifyHigh, so that schedules of every size are on
	// offer.
	diversifySteps = 40
	diversifyLow   = 0.1
	diversifyHigh  = 20
	// diversifyRankSpread makes the last-ranked period this much (relative)
	// dearer than the first, so that periods that tie under the duals
	// (identical weeks) switch on one at a time as the price falls.
	diversifyRankSpread = 1.0
)

// rankPriceTol: prices of spend closer than this (relative) rank as equal.
const rankPriceTol = 1e-9

// diversifyShrink scales priced schedules down.
var diversifyShrink = []float64{0.97, 0.9, 0.8}

// diversify adds, for every schedule channel, schedules priced around the
// final duals. Pricing alone proposes schedules at the duals' ties, where
// identical periods all switch on or off together, and the master mixes
// them; choosing one schedule per channel then needs schedules of every
// size in between.
func (ms *master) diversify(duals []float64) error {
	res := ms.s.res
	nT := len(res.Periods)
	steps := diversifySteps
	if nT > 130 {
		steps = diversifySteps / 4 // a daily dynamic programme costs 50 times a weekly one
	}
	found := make([][][]float64, len(res.Channels))
	ms.eachChannel(func(c int) {
		if !nonconvex(&res.Channels[c]) {
			return
		}
		revW, price := ms.prices(duals, c)
		ch := &res.Channels[c]
		// Rank periods: the best price of spend first (a cash-flow window
		// that must be filled makes its periods cheap), then the best
		// ratio of uplift to cost.
		order := make([]int, nT)
		for t := range order {
			order[t] = t
		}
		sort.SliceStable(order, func(i, j int) bool {
			a, b := order[i], order[j]
			if d := price[a] - price[b]; math.Abs(d) > rankPriceTol*(math.Abs(price[a])+math.Abs(price[b])) {
				return d > 0
			}
			return ch.Uplift[a]/ch.CostIndex[a] > ch.Uplift[b]/ch.CostIndex[b]
		})
		rank := make([]float64, nT)
		for r, t := range order {
			rank[t] = float64(r) / float64(nT)
		}
		scaled := make([]float64, nT)
		// The ranks switch periods on from the best first, and, reversed,
		// from the worst first: a limit the duals do not price (a window's
		// minimum met by the master's mix) may need the periods that rank
		// last.
		for _, spread := range []float64{0, diversifyRankSpread, -diversifyRankSpread} {
			for i := 0; i < steps; i++ {
				f := diversifyLow * math.Pow(diversifyHigh/diversifyLow, float64(i)/float64(steps-1))
				for t := range scaled {
					// price is minus the value of spend: scaling it up makes
					// spend dearer (for both signs of sigma).
					r := rank[t]
					if spread < 0 {
						r = 1 - r
					}
					scaled[t] = price[t] * f * (1 + math.Abs(spread)*r)
				}
				sp := ms.pricers[c].schedule(revW, scaled)
				if sp == nil {
					continue
				}
				found[c] = append(found[c], sp)
				// The same flights a little smaller, so that one fits a
				// budget the priced schedule just overshoots; polishing
				// sizes them exactly afterwards.
				for _, shrink := range diversifyShrink {
					if small := ms.pricers[c].shrunk(sp, shrink); small != nil {
						found[c] = append(found[c], small)
					}
				}
			}
		}
		ms.order[c] = order
	})
	return ms.addAll(found)
}

// addAll adds the schedules found for each channel and solves the master
// again, so that it sees them before the integer choice.
func (ms *master) addAll(found [][][]float64) error {
	for c, list := range found {
		for _, sp := range list {
			if err := ms.add(c, sp); err != nil {
				return err
			}
		}
	}
	_, err := ms.s.simplex(ms.p)
	return err
}

// The ladder of schedules, offered when no choice of one schedule per
// channel meets the limits: on plans of at most ladderPeriods periods, the
// k best-ranked periods (and, reversed, the k worst) are priced at
// ladderFactors times the final prices and the others barred, for every k.
// Identical periods switch on all together under any one price, so a
// budget or a revenue target that one period alone fits is otherwise never
// offered a schedule that meets it.
const (
	ladderPeriods = 60
	// ladderBar makes spend in a barred period this many times dearer
	// than anything it could earn.
	ladderBar = 1e3
)

var ladderFactors = []float64{0.5, 1, 2}

// addLadders adds every non-convex channel's ladder under the duals.
func (ms *master) addLadders(duals []float64) error {
	found := make([][][]float64, len(ms.sched))
	ms.eachChannel(func(c int) {
		if !nonconvex(&ms.s.res.Channels[c]) || ms.order[c] == nil {
			return
		}
		revW, price := ms.prices(duals, c)
		found[c] = ms.ladder(c, revW, price, ms.order[c])
		found[c] = append(found[c], ms.fitTotals(c, found[c])...)
	})
	return ms.addAll(found)
}

// fitTotals returns the channel's schedules, those found and those in the
// master, scaled to its total spend limits where they fall outside them
// (and where the scaled schedule keeps its flights and caps).
func (ms *master) fitTotals(c int, found [][]float64) [][]float64 {
	ch := &ms.s.res.Channels[c]
	if ch.SpendMin <= 0 && math.IsInf(ch.SpendMax, 1) {
		return nil
	}
	all := append([][]float64(nil), found...)
	for _, sc := range ms.sched[c] {
		all = append(all, sc.spend)
	}
	var out [][]float64
	for _, sp := range all {
		total := 0.0
		for _, x := range sp {
			total += x
		}
		var f float64
		switch {
		case total <= 0:
			continue
		case total < ch.SpendMin:
			f = ch.SpendMin / total * (1 + fitMargin)
		case total > ch.SpendMax:
			f = ch.SpendMax / total * (1 - fitMargin)
		default:
			continue
		}
		if fit := ms.pricers[c].shrunk(sp, f); fit != nil {
			out = append(out, fit)
		}
	}
	return out
}

// fitMargin keeps a schedule scaled to a total limit just inside it.
const fitMargin = 1e-9

// ladder returns channel c's ladder schedules under the final prices;
// order ranks the periods, best first.
func (ms *master) ladder(c int, revW, price []float64, order []int) [][]float64 {
	nT := len(order)
	ret := bestReturn(&ms.s.res.Channels[c])
	bar := 0.0
	for t := range price {
		bar = math.Max(bar, math.Abs(price[t])+revW[t]*ret)
	}
	bar *= -ladderBar
	var out [][]float64
	scaled := make([]float64, nT)
	for _, reversed := range []bool{false, true} {
		for k := 1; k < nT; k++ {
			for _, f := range ladderFactors {
				for i, t := range order {
					open := i < k
					if reversed {
						open = i >= nT-k
					}
					scaled[t] = bar
					if open {
						scaled[t] = price[t] * f
					}
				}
				if sp := ms.pricers[c].schedule(revW, scaled); sp != nil {
					out = append(out, sp)
				}
			}
		}
	}
	return out
}

// price runs the dynamic programme of every schedule channel under the
// master's duals and adds the schedules that improve it.
func (ms *master) price(duals []float64, objScale float64) (int, error) {
	md, res := ms.md, ms.s.res
	sigma := 1.0
	if !ms.s.maximise() {
		sigma = -1
	}
	added := 0
	type priced struct {
		spend []float64
		price []float64
	}
	results := make([]priced, len(res.Channels))
	ms.eachChannel(func(c int) {
		revW, price := ms.prices(duals, c)
		results[c] = priced{spend: ms.pricers[c].schedule(revW, price), price: price}
	})
	for c := range res.Channels {
		sp, price := results[c].spend, results[c].price
		if !md.cg[c] || sp == nil {
			continue
		}
		// The reduced value, exact on the schedule's revenue; price carries
		// sigma, which the sum takes back out.
		rev := scheduleRevenue(res, c, sp)
		d := ms.revenueValue(duals) * rev
		for t, x := range sp {
			d += sigma * price[t] * x
		}
		d = d/md.scale - duals[md.convRow[c]]
		if sigma*d > reducedTol*objScale {
			before := len(ms.sched[c])
			if err := ms.add(c, sp); err != nil {
				return 0, err
			}
			if len(ms.sched[c]) > before {
				added++
			}
		}
	}
	return added, nil
}

// integerPlan solves the master with one schedule per channel.
func (ms *master) integerPlan() (*Result, error) {
	md, s := ms.md, ms.s
	var cols []int
	for c := range ms.sched {
		if !nonconvex(&s.res.Channels[c]) {
			continue // a mix of a concave channel's schedules is a schedule
		}
		for _, sc := range ms.sched[c] {
			cols = append(cols, sc.col)
		}
	}
	kinds := make([]glpk.Kind, len(cols))
	for i := range kinds {
		kinds[i] = glpk.Binary
	}
	if len(cols) > 0 {
		if err := ms.p.SetColKinds(cols, kinds); err != nil {
			return nil, &SolverError{Err: err}
		}
	}
	lp, err := s.simplex(ms.p)
	if err != nil {
		return nil, err
	}
	// The master's own plan, a mix of schedules, is where a rescue aims.
	var mixed [][]float64
	lpVals, err := ms.p.ColValues()
	if err == nil {
		mixed = ms.spendOf(lpVals)
	}
	var mr glpk.MIPResult
	var vals []float64
	for attempt := 0; ; attempt++ {
		var err error
		mr, err = ms.p.Intopt(glpk.MIPOptions{TimeLimit: max(s.remaining()/2, minMIPTime), Gap: s.opts.Gap / 4, Verbose: s.opts.Verbose})
		if err != nil {
			return nil, &SolverError{Err: err}
		}
		if mr.Status != glpk.Optimal && mr.Status != glpk.Feasible {
			break
		}
		if vals, err = ms.p.MIPColValues(); err != nil {
			return nil, &SolverError{Err: err}
		}
		_, tot := plan.Evaluate(s.res, ms.spendOf(vals))
		if s.exactlyFeasible(tot) || attempt >= maxRepairs || s.remaining() <= 0 {
			break
		}
		// The concave channels' tangents promised revenue the curves do
		// not give: cut there, ask for the shortfall on top, choose again.
		first := md.m.numRows()
		if refineTangents(md, vals) > 0 {
			if err := md.m.loadRows(ms.p, first); err != nil {
				return nil, &SolverError{Err: err}
			}
		}
		s.tighten(md, ms.p, tot)
	}
	if mr.Status != glpk.Optimal && mr.Status != glpk.Feasible {
		return nil, &SolverError{Err: errors.New("no combination of schedules meets the limits within the time limit")}
	}
	s.trace("schedule MIP: %v %v objective %.8g", mr.Status, mr.Code, mr.Objective*md.scale)
	for _, j := range ms.slacks {
		if vals[j] > elasticTol {
			if !ms.laddered && len(s.res.Periods) <= ladderPeriods && s.duals != nil {
				// No one schedule per channel meets the limits: offer the
				// ladders and choose again.
				ms.laddered = true
				if err := ms.addLadders(s.duals.value); err != nil {
					return nil, err
				}
				return ms.integerPlan()
			}
			if r := ms.fromMix(ms.spendOf(vals), lpVals, mixed, lp.Objective*md.scale, nil); r != nil {
				s.trace("schedule MIP needs slack; a plan from the master's mix gives %.8g", r.Objective)
				return r, nil
			}
			return nil, s.diagnose(newBuiltModel(s.res))
		}
	}
	spend := ms.spendOf(vals)
	_, tot := plan.Evaluate(s.res, spend)
	if !s.exactlyFeasible(tot) {
		return nil, &SolverError{Err: errors.New("no plan meeting the revenue target or ROAS floor exactly was found")}
	}
	choice := &Result{Spend: spend, Objective: plan.ObjectiveValue(s.res, tot)}
	if lp.Status == glpk.Optimal {
		// The master may have mixed schedules that no single choice can
		// mix (each too large for the budget alone, say), and the choice
		// then leaves much of its value behind.
		choice = ms.fromMix(spend, lpVals, mixed, lp.Objective*md.scale, choice)
	}
	return choice, nil
}

// fromMix improves on a choice of schedules (nil for none that meets the
// limits) far below the master's objective: the master's mix cut short in
// time first, and when that too stays more than poorChoiceGap below, the
// rescues. It returns the best plan that meets every limit, or nil.
func (ms *master) fromMix(spend [][]float64, lpVals []float64, mixed [][]float64, lpObj float64, choice *Result) *Result {
	s := ms.s
	poor := func() bool { return choice == nil || relGap(choice.Objective, lpObj, s.maximise()) > poorChoiceGap }
	if !poor() {
		return choice
	}
	// The trials polish plans of their own; the per-cell trust regions
	// that polishing adapts belong to the plan the solve goes on with.
	defer s.asideSteps()(false)
	keep := func(r *Result, how string) {
		if r != nil && (choice == nil || s.better(r.Objective, choice.Objective)) {
			s.trace("%s: %.8g (the master's mix %.8g)", how, r.Objective, lpObj)
			choice = r
		}
	}
	if mixed != nil {
		keep(s.polishStart(ms.truncated(lpVals, mixed), time.Now().Add(s.remaining()/4)), "the master's mix cut short in time")
	}
	if poor() {
		// A rescue's polished plan that is itself far below the master
		// holds exploration back more than the choice does (a spend
		// objective with a ROAS floor ended 2% worse from one): it
		// replaces a choice only when it comes near the master.
		if r := s.rescue(spend, mixed); choice == nil || (r != nil && relGap(r.Objective, lpObj, s.maximise()) <= poorChoiceGap) {
			keep(r, "a rescue")
		}
	}
	return choice
}

// truncated turns the master's mix into a plan: each schedule channel
// follows its heaviest schedule in its best periods (ms.order), as long as
// the mix's total for the channel lasts, and is dark in the rest; the other
// channels keep the mix. A mix of a schedule that runs all year with the
// empty one, a third each, is then the same schedule for a third of the
// year rather than at a third of its size, which under an S-curve or a
// minimum flight is worth far more.
func (ms *master) truncated(vals []float64, mixed [][]float64) [][]float64 {
	out := clonePlan(mixed)
	for c, list := range ms.sched {
		if !nonconvex(&ms.s.res.Channels[c]) || ms.order[c] == nil {
			continue
		}
		heaviest, weight := -1, 0.0
		for k, sc := range list {
			if w := vals[sc.col] * planTotal([][]float64{sc.spend}); w > weight {
				heaviest, weight = k, w
			}
		}
		if heaviest < 0 {
			continue
		}
		follow := list[heaviest].spend
		budget := planTotal(mixed[c : c+1])
		row := make([]float64, len(follow))
		used := 0.0
		for _, t := range ms.order[c] {
			if follow[t] > 0 && used+follow[t] <= budget*(1+fitMargin) {
				row[t] = follow[t]
				used += follow[t]
			}
		}
		out[c] = row
	}
	return out
}

// poorChoiceGap: a choice of schedules this far below the master's mix of
// them is worth a rescue.
const poorChoiceGap = 0.05

// spendOf reads the plan out of the master's values: schedule channels take
// their chosen schedule exactly.
func (ms *master) spendOf(vals []float64) [][]float64 {
	spend := spendOf(ms.md, vals)
	for c := range ms.sched {
		if len(ms.sched[c]) == 0 {
			continue
		}
		// The chosen schedule, or for a concave channel the mix of its
		// schedules (worth at least the mix of their revenues).
		for t := range spend[c] {
			spend[c][t] = 0
		}
		for _, sc := range ms.sched[c] {
			if l := vals[sc.col]; l > 1e-12 {
				for t, x := range sc.spend {
					spend[c][t] += l * x
				}
			}
		}
	}
	return spend
}

func newBuiltModel(res *scenarios.Resolved) *model {
	md := newModel(res, false)
	md.build()
	return md
}
