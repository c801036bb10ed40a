package plan

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/peakplan/peakplan/scenarios"
)

// Monte Carlo simulation of a fixed plan under the scenario's stated
// uncertainty (scenario.md, Uncertainty).
//
// Each draw i has its own random stream, a PCG seeded from (seed, i), so the
// figures depend on the seed and the number of draws only: not on the
// machine, the number of cores or how the draws are shared among workers.
// Within a draw the normal variates are taken in a fixed order: one per
// channel for beta, then one per festival for uplift, then one per festival
// for the cost index. A variate is taken even where the cv is 0 (its factor
// is then exactly 1), so changing one spread leaves the other factors of
// every draw as they were.

// drawChunk is how many draws a worker takes at a time: large enough that
// handing out work costs nothing, small enough for a smooth progress bar.
const drawChunk = 64

// Simulate runs spec.Samples Monte Carlo draws of the plan's spend
// (spend[c][t], kept fixed) and summarises them.
//
// Per draw: a lognormal factor with mean 1 per channel on beta (roas for a
// linear curve), with the channel's BetaCV; one factor per festival on its
// uplift (spec.UpliftCV) and one on its cost index (spec.CostIndexCV),
// shared by every channel and day the festival covers. A festival preset
// that the horizon expands into one window per year is one festival and
// shares its factors across those windows. Both the plan and its even
// baseline are evaluated with the forward model under the same draw.
//
// Profit is margin*R - X and is left zero without a margin. A draw is a
// loss when its profit is negative, or, without a margin, when its revenue
// is below its spend. The plan beats even spreading in a draw when its
// revenue is strictly higher; both spend the same per channel, so this is
// also the profit comparison. progress, when not nil, is called from the
// calling goroutine with the draws done so far.
func Simulate(res *scenarios.Resolved, spend [][]float64, spec scenarios.UncertaintySpec, progress func(done, total int)) (*Simulation, error) {
	return simulate(res, spend, spec, progress, runtime.NumCPU())
}

// simulate is Simulate with a given number of workers; the result does not
// depend on it.
func simulate(res *scenarios.Resolved, spend [][]float64, spec scenarios.UncertaintySpec, progress func(done, total int), workers int) (*Simulation, error) {
	if err := checkSimulation(res, spend, spec); err != nil {
		return nil, err
	}
	n := spec.Samples
	s := newSampler(res, spend, spec)
	revenue := make([]float64, n)
	roas := make([]float64, n)
	profit := make([]float64, n)
	loss := make([]bool, n)
	beats := make([]bool, n)

	workers = max(1, min(workers, (n+drawChunk-1)/drawChunk))
	var next atomic.Int64
	done := make(chan int, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := s.newWorker()
			for {
				lo := int(next.Add(drawChunk)) - drawChunk
				if lo >= n {
					return
				}
				hi := min(lo+drawChunk, n)
				for i := lo; i < hi; i++ {
					p, e := w.draw(i)
					revenue[i], roas[i], profit[i] = p.Revenue, p.ROAS, p.Profit
					if res.HasMargin() {
						loss[i] = p.Profit < 0
					} else {
						loss[i] = p.Revenue < p.Spend
					}
					beats[i] = p.Revenue > e.Revenue
				}
				done <- hi - lo
			}
		}()
	}
	go func() { wg.Wait(); close(done) }()
	finished := 0
	for k := range done {
		finished += k
		if progress != nil {
			progress(finished, n)
		}
	}

	sim := &Simulation{
		Samples:              n,
		Seed:                 spec.Seed,
		Revenue:              Summarise(revenue),
		ROAS:                 Summarise(roas),
		LossProbability:      share(loss),
		BeatsEvenProbability: share(beats),
	}
	if res.HasMargin() {
		sim.Profit = Summarise(profit)
	}
	return sim, nil
}

func checkSimulation(res *scenarios.Resolved, spend [][]float64, spec scenarios.UncertaintySpec) error {
	if spec.Samples < 1 || spec.Samples > scenarios.MaxSamples {
		return fmt.Errorf("the number of draws must lie in 1..%d, got %d", scenarios.MaxSamples, spec.Samples)
	}
	for _, cv := range []struct {
		v    float64
		what string
	}{{spec.UpliftCV, "uplift_cv"}, {spec.CostIndexCV, "cost_index_cv"}} {
		if !(cv.v >= 0) || math.IsInf(cv.v, 0) {
			return fmt.Errorf("%s must be a finite number of at least 0, got %v", cv.what, cv.v)
		}
	}
	if len(spend) != len(res.Channels) {
		return fmt.Errorf("the plan has %d channels, the scenario %d", len(spend), len(res.Channels))
	}
	for c := range res.Channels {
		if cv := res.Channels[c].BetaCV; !(cv >= 0) || math.IsInf(cv, 0) {
			return fmt.Errorf("channel %q: beta_cv must be a finite number of at least 0, got %v", res.Channels[c].Name, cv)
		}
		if len(spend[c]) != len(res.Periods) {
			return fmt.Errorf("channel %q has %d spend values for %d periods", res.Channels[c].Name, len(spend[c]), len(res.Periods))
		}
		for _, x := range spend[c] {
			if !(x >= 0) || math.IsInf(x, 0) {
				return fmt.Errorf("channel %q spends %v in a period; spend must be finite and at least 0", res.Channels[c].Name, x)
			}
		}
	}
	return nil
}

// share is the fraction of true values.
func share(b []bool) float64 {
	k := 0
	for _, v := range b {
		if v {
			k++
		}
	}
	return float64(k) / float64(len(b))
}

// sampler holds what every draw shares, read-only.
type sampler struct {
	res          *scenarios.Resolved
	spend, even  [][]float64
	seed         uint64
	betaSigma    []float64 // per channel
	group        []int     // festival window -> festival
	groups       int
	upliftSigma  float64
	costSigma    float64
	festivalsVar bool   // whether festival factors change the multipliers
	nominal      Inputs // the scenario's multipliers, when they never change
}

func newSampler(res *scenarios.Resolved, spend [][]float64, spec scenarios.UncertaintySpec) *sampler {
	s := &sampler{
		res:         res,
		spend:       spend,
		even:        EvenSpend(res, spend),
		seed:        uint64(spec.Seed),
		betaSigma:   make([]float64, len(res.Channels)),
		upliftSigma: lognormalSigma(spec.UpliftCV),
		costSigma:   lognormalSigma(spec.CostIndexCV),
	}
	for c := range res.Channels {
		s.betaSigma[c] = lognormalSigma(res.Channels[c].BetaCV)
	}
	s.group, s.groups = FestivalGroups(res)
	s.festivalsVar = s.groups > 0 && (s.upliftSigma > 0 || s.costSigma > 0)
	if !s.festivalsVar {
		s.nominal = NominalInputs(res)
	}
	return s
}

// lognormalSigma is sigma of a lognormal factor with mean 1 and the given
// coefficient of variation: sigma^2 = ln(1 + cv^2); its mu is -sigma^2/2.
func lognormalSigma(cv float64) float64 { return math.Sqrt(math.Log1p(cv * cv)) }

// FestivalGroups maps each expanded festival window of res to the festival
// it belongs to, and returns the number of festivals. A preset that the
// horizon expands into one window per year is one festival: its windows
// share a key and a name. A custom festival is one window. Simulations draw
// one uplift and one cost index factor per festival.
func FestivalGroups(res *scenarios.Resolved) (group []int, n int) {
	group = make([]int, len(res.Festivals))
	seen := map[[2]string]int{}
	for f, fw := range res.Festivals {
		if fw.Preset == "" {
			group[f] = n
			n++
			continue
		}
		key := [2]string{fw.Preset, fw.Name}
		g, ok := seen[key]
		if !ok {
			g = n
			seen[key] = g
			n++
		}
		group[f] = g
	}
	return group, n
}

// worker is one goroutine's scratch space.
type worker struct {
	s           *sampler
	src         *rand.PCG
	beta        []distuv.LogNormal
	uplift      distuv.LogNormal
	cost        distuv.LogNormal
	betaFactor  []float64
	upliftGroup []float64
	costGroup   []float64
	upliftWin   []float64
	costWin     []float64
	buf         []float64
}

func (s *sampler) newWorker() *worker {
	nC, nF := len(s.res.Channels), len(s.res.Festivals)
	w := &worker{
		s:           s,
		src:         rand.NewPCG(0, 0),
		beta:        make([]distuv.LogNormal, nC),
		betaFactor:  make([]float64, nC),
		upliftGroup: make([]float64, s.groups),
		costGroup:   make([]float64, s.groups),
		upliftWin:   make([]float64, nF),
		costWin:     make([]float64, nF),
		buf:         make([]float64, len(s.res.Periods)),
	}
	// The distributions read the worker's source, which draw reseeds.
	for c, sg := range s.betaSigma {
		w.beta[c] = distuv.LogNormal{Mu: -sg * sg / 2, Sigma: sg, Src: w.src}
	}
	w.uplift = distuv.LogNormal{Mu: -s.upliftSigma * s.upliftSigma / 2, Sigma: s.upliftSigma, Src: w.src}
	w.cost = distuv.LogNormal{Mu: -s.costSigma * s.costSigma / 2, Sigma: s.costSigma, Src: w.src}
	return w
}

// drawSeed returns the PCG seed of draw i. SplitMix64 scrambles seed and
// index so that neighbouring draws start far apart in PCG's state space.
func drawSeed(seed uint64, i int) (uint64, uint64) {
	return splitMix64(seed), splitMix64(seed ^ splitMix64(uint64(i)+0x632be59bd9b4e019))
}

func splitMix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// draw evaluates the plan and its even baseline under draw i.
func (w *worker) draw(i int) (plan, even Totals) {
	s := w.s
	w.src.Seed(drawSeed(s.seed, i))
	for c := range w.beta {
		w.betaFactor[c] = w.beta[c].Rand()
	}
	for g := range w.upliftGroup {
		w.upliftGroup[g] = w.uplift.Rand()
	}
	for g := range w.costGroup {
		w.costGroup[g] = w.cost.Rand()
	}
	in := s.nominal
	if s.festivalsVar {
		for f, g := range s.group {
			w.upliftWin[f], w.costWin[f] = w.upliftGroup[g], w.costGroup[g]
		}
		in.Uplift, in.CostIndex = s.res.Multipliers(w.upliftWin, w.costWin)
	}
	in.BetaFactor = w.betaFactor
	plan = TotalsWith(s.res, s.spend, in, w.buf)
	even = TotalsWith(s.res, s.even, in, w.buf)
	return plan, even
}

// Summarise returns the P10, P50 and P90 and the mean of the values. The
// quantiles interpolate linearly between order statistics (Hyndman and
// Fan's type 7, the default of R and NumPy): the p-quantile of n sorted
// values x[0..n-1] is x[j] + g*(x[j+1]-x[j]) with h = (n-1)*p, j = floor(h),
// g = h - j. The mean is summed in draw order, so it is reproducible.
func Summarise(values []float64) Quantiles {
	if len(values) == 0 {
		return Quantiles{}
	}
	sum := 0.0
	for _, v := range values {
		sum += v
	}
	sorted := slices.Clone(values)
	slices.Sort(sorted)
	return Quantiles{
		P10:  Quantile(sorted, 0.1),
		P50:  Quantile(sorted, 0.5),
		P90:  Quantile(sorted, 0.9),
		Mean: sum / float64(len(values)),
	}
}

// Quantile returns the type 7 p-quantile of sorted values (see Summarise).
func Quantile(sorted []float64, p float64) float64 {
	n := len(sorted)
	if n == 0 {
		return math.NaN()
	}
	h := float64(n-1) * p
	j := int(math.Floor(h))
	if j >= n-1 {
		return sorted[n-1]
	}
	if j < 0 {
		return sorted[0]
	}
	g := h - float64(j)
	if g == 0 {
		return sorted[j]
	}
	return sorted[j] + g*(sorted[j+1]-sorted[j])
}
