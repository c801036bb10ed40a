package plan

import (
	"math"
	"math/rand/v2"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/peakplan/peakplan/scenarios"
)

// Sampling-error tolerances: a Monte Carlo figure must lie within
// simZTol standard errors of its expected value. 4.5 standard errors fail a
// correct implementation about once in 150,000 runs; the seeds are fixed, so
// a run either always passes or always fails.
const (
	simZTol = 4.5
	// simExactTol is the relative tolerance for figures that must equal a
	// deterministic value up to rounding (sums of equal numbers).
	simExactTol = 1e-12
	// simDensityStep is the half-width in probability of the difference
	// quotient that estimates a density at a quantile.
	simDensityStep = 0.05
	// simSpeedLimit bounds the best of simSpeedRuns runs of 10,000 draws of
	// a weekly annual plan with 6 channels. It takes about 0.3 s on 2 idle
	// cores (BenchmarkSimulate10k); the limit leaves room for loaded CI
	// machines and still catches a slowdown of ten times.
	simSpeedLimit = 3 * time.Second
	simSpeedRuns  = 3
)

// z-scores of the standard normal distribution.
const (
	z10 = -1.2815515655446004
	z90 = 1.2815515655446004
)

func simLoad(t testing.TB, y string) *scenarios.Resolved {
	t.Helper()
	res, err := scenarios.Load(strings.NewReader(y), "sim.yaml")
	if err != nil {
		t.Fatalf("scenario does not load: %v\n%s", err, y)
	}
	return res
}

func constantSpend(res *scenarios.Resolved, perPeriod float64) [][]float64 {
	spend := make([][]float64, len(res.Channels))
	for c := range spend {
		spend[c] = make([]float64, len(res.Periods))
		for t := range spend[c] {
			spend[c][t] = perPeriod
		}
	}
	return spend
}

func normalDensity(z float64) float64 { return math.Exp(-z*z/2) / math.Sqrt(2*math.Pi) }

// lognormalQuantileSE is the standard error of the sample p-quantile of n
// draws of R0 * exp(mu + sigma*Z), by the delta method:
// sqrt(p(1-p)/n) / density at the quantile.
func lognormalQuantileSE(r0, mu, sigma, z, p float64, n int) float64 {
	q := r0 * math.Exp(mu+sigma*z)
	density := normalDensity(z) / (sigma * q)
	return math.Sqrt(p*(1-p)/float64(n)) / density
}

// (a) One linear channel, no festivals: revenue is roas * factor * X with a
// lognormal factor, so every figure has a closed form.
func TestSimulateLinearClosedForm(t *testing.T) {
	const (
		roas   = 1.5
		margin = 0.9
		cv     = 0.3
		n      = 20000
		weekly = 10000.0
	)
	res := simLoad(t, `
horizon: {start: 2027-01-04, end: 2027-12-26, granularity: week}
margin: 0.9
budget: {total: 1000000}
channels:
  - name: search
    response: {curve: linear, roas: 1.5}
    carryover: 0.4
    per_week: {max: 100000}
uncertainty: {samples: 20000, seed: 11, beta_cv: 0.3}
`)
	// Spend only in the first half of the weeks, so that carry-over past the
	// horizon cannot lose any exposure: R0 = roas * X exactly.
	spend := constantSpend(res, 0)
	for t := range len(res.Periods) / 2 {
		spend[0][t] = weekly
	}
	_, nominal := Evaluate(res, spend)
	x := nominal.Spend
	r0 := nominal.Revenue
	if math.Abs(r0-roas*x) > 1e-6*r0 {
		t.Fatalf("nominal revenue %v, want roas*X = %v", r0, roas*x)
	}
	sim, err := Simulate(res, spend, res.Uncertainty, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sim.Samples != n || sim.Seed != 11 {
		t.Errorf("samples %d seed %d, want %d and 11", sim.Samples, sim.Seed, n)
	}
	sigma := math.Sqrt(math.Log(1 + cv*cv))
	mu := -sigma * sigma / 2
	for _, q := range []struct {
		name string
		got  float64
		z, p float64
	}{
		{"P10", sim.Revenue.P10, z10, 0.1},
		{"P50", sim.Revenue.P50, 0, 0.5},
		{"P90", sim.Revenue.P90, z90, 0.9},
	} {
		want := r0 * math.Exp(mu+sigma*q.z)
		se := lognormalQuantileSE(r0, mu, sigma, q.z, q.p, n)
		if d := math.Abs(q.got - want); d > simZTol*se {
			t.Errorf("revenue %s = %.2f, want %.2f (off by %.1f standard errors)", q.name, q.got, want, d/se)
		}
		// ROAS and profit are increasing functions of the factor.
		if d := math.Abs(sim.ROAS.P50 - roas*math.Exp(mu)); q.name == "P50" && d > simZTol*se/x {
			t.Errorf("ROAS P50 = %.4f, want %.4f", sim.ROAS.P50, roas*math.Exp(mu))
		}
		wantProfit := margin*want - x
		if d := math.Abs(profitQuantile(sim, q.name) - wantProfit); d > simZTol*margin*se {
			t.Errorf("profit %s = %.2f, want %.2f", q.name, profitQuantile(sim, q.name), wantProfit)
		}
	}
	meanSE := r0 * cv / math.Sqrt(n)
	if d := math.Abs(sim.Revenue.Mean - r0); d > simZTol*meanSE {
		t.Errorf("revenue mean = %.2f, want %.2f (the factor's mean is 1)", sim.Revenue.Mean, r0)
	}
	// A loss: margin*roas*f*X < X, i.e. f < 1/(margin*roas).
	pLoss := normalCDF((math.Log(1/(margin*roas)) - mu) / sigma)
	if d := math.Abs(sim.LossProbability - pLoss); d > simZTol*math.Sqrt(pLoss*(1-pLoss)/n) {
		t.Errorf("loss probability %.4f, want %.4f", sim.LossProbability, pLoss)
	}

	// Without a margin a loss is revenue below spend: f < 1/roas.
	noMargin := simLoad(t, strings.Replace(`
horizon: {start: 2027-01-04, end: 2027-12-26, granularity: week}
budget: {total: 1000000}
channels:
  - name: search
    response: {curve: linear, roas: ROAS}
    per_week: {max: 100000}
uncertainty: {samples: 20000, seed: 5, beta_cv: 0.3}
`, "ROAS", "1.2", 1))
	sim, err = Simulate(noMargin, constantSpend(noMargin, weekly), noMargin.Uncertainty, nil)
	if err != nil {
		t.Fatal(err)
	}
	pLoss = normalCDF((math.Log(1/1.2) - mu) / sigma)
	if d := math.Abs(sim.LossProbability - pLoss); d > simZTol*math.Sqrt(pLoss*(1-pLoss)/n) {
		t.Errorf("no margin: loss probability %.4f, want %.4f", sim.LossProbability, pLoss)
	}
	if sim.Profit != (Quantiles{}) {
		t.Errorf("no margin: profit %+v, want zeros", sim.Profit)
	}
}

func profitQuantile(sim *Simulation, name string) float64 {
	switch name {
	case "P10":
		return sim.Profit.P10
	case "P50":
		return sim.Profit.P50
	}
	return sim.Profit.P90
}

func normalCDF(z float64) float64 { return 0.5 * math.Erfc(-z/math.Sqrt2) }

// festivalScenario has S-curves, carry-over, a preset expanded over two
// years, a festival with a per-channel override, a per-channel beta_cv and
// a margin.
const festivalScenario = `
horizon: {start: 2027-05-03, end: 2028-07-02, granularity: week}
margin: 0.5
budget: {total: 5000000}
festivals:
  - preset: "618"
  - preset: double11
    uplift: 3.0
    cost_index: 1.6
  - name: Anniversary
    from: 2027-08-16
    to: 2027-08-22
    uplift: 1.8
    cost_index: 1.1
    channels:
      live: {uplift: 2.5, cost_index: 1.3}
channels:
  - name: live
    response: {curve: hill, beta: 400000, half_saturation: 60000, shape: 2.2, beta_cv: 0.4}
    carryover: 0.3
  - name: search
    response: {curve: exponential, beta: 250000, half_saturation: 40000}
    carryover: 0.1
  - name: kol
    response: {curve: logistic, beta: 120000, half_saturation: 30000}
    carryover: 0.5
uncertainty: {samples: 6000, seed: 3, beta_cv: 0.2, uplift_cv: 0.3, cost_index_cv: 0.2}
`

// peakySpend spends more in festival weeks, as an optimised plan would.
func peakySpend(res *scenarios.Resolved) [][]float64 {
	spend := make([][]float64, len(res.Channels))
	for c := range spend {
		spend[c] = make([]float64, len(res.Periods))
		for t := range spend[c] {
			spend[c][t] = float64(20000+10000*c) * (0.3 + 4*res.FestivalDayShare[t])
		}
	}
	return spend
}

// referenceDraws simulates the rule of scenario.md the plain way: its own
// random stream and normal sampler (Box-Muller), festival factors applied
// by editing a copy of the scenario, and the plain forward model.
func referenceDraws(res *scenarios.Resolved, spend [][]float64, n int) (revenue, roas, profit []float64, loss, beats []bool) {
	rng := rand.New(rand.NewPCG(20270618, 1111))
	normal := func() float64 {
		u1, u2 := 1-rng.Float64(), rng.Float64()
		return math.Sqrt(-2*math.Log(u1)) * math.Cos(2*math.Pi*u2)
	}
	factor := func(cv float64) float64 {
		s2 := math.Log(1 + cv*cv)
		return math.Exp(-s2/2 + math.Sqrt(s2)*normal())
	}
	u := res.Uncertainty
	even := EvenSpend(res, spend)
	for range n {
		rc := *res
		rc.Channels = slices.Clone(res.Channels)
		for c := range rc.Channels {
			f := factor(rc.Channels[c].BetaCV)
			rc.Channels[c].Curve.Beta *= f
			rc.Channels[c].Curve.ROAS *= f
		}
		// One factor per festival entry: windows of the same preset share it.
		fu, fk := map[string]float64{}, map[string]float64{}
		rc.Festivals = slices.Clone(res.Festivals)
		for i := range rc.Festivals {
			fw := &rc.Festivals[i]
			key := fw.Preset + "/" + fw.Name
			if fw.Preset == "" {
				key = "custom/" + fw.From.String()
			}
			if _, ok := fu[key]; !ok {
				fu[key], fk[key] = factor(u.UpliftCV), factor(u.CostIndexCV)
			}
			fw.Uplift *= fu[key]
			fw.CostIndex *= fk[key]
			cu, ck := map[int]float64{}, map[int]float64{}
			for c, v := range fw.ChannelUplift {
				cu[c] = v * fu[key]
			}
			for c, v := range fw.ChannelCostIndex {
				ck[c] = v * fk[key]
			}
			fw.ChannelUplift, fw.ChannelCostIndex = cu, ck
		}
		up, ci := rc.Multipliers(nil, nil)
		for c := range rc.Channels {
			rc.Channels[c].Uplift, rc.Channels[c].CostIndex = up[c], ci[c]
		}
		_, p := Evaluate(&rc, spend)
		_, e := Evaluate(&rc, even)
		revenue = append(revenue, p.Revenue)
		roas = append(roas, p.ROAS)
		profit = append(profit, p.Profit)
		loss = append(loss, p.Profit < 0)
		beats = append(beats, p.Revenue > e.Revenue)
	}
	return revenue, roas, profit, loss, beats
}

// quantileSE estimates the standard error of a sample p-quantile from the
// sample itself: sqrt(p(1-p)/n) over a difference-quotient density.
func quantileSE(sorted []float64, p float64) float64 {
	width := Quantile(sorted, p+simDensityStep) - Quantile(sorted, p-simDensityStep)
	density := 2 * simDensityStep / width
	return math.Sqrt(p*(1-p)/float64(len(sorted))) / density
}

func sampleVariance(v []float64) float64 {
	m := 0.0
	for _, x := range v {
		m += x
	}
	m /= float64(len(v))
	s := 0.0
	for _, x := range v {
		s += (x - m) * (x - m)
	}
	return s / float64(len(v)-1)
}

// (b) The simulation agrees with an independent implementation of the same
// rule within sampling error.
func TestSimulateMatchesIndependentReference(t *testing.T) {
	const nRef = 6000
	res := simLoad(t, festivalScenario)
	spend := peakySpend(res)
	sim, err := Simulate(res, spend, res.Uncertainty, nil)
	if err != nil {
		t.Fatal(err)
	}
	nSim := sim.Samples
	rev, roas, profit, loss, beats := referenceDraws(res, spend, nRef)
	for _, m := range []struct {
		name string
		got  Quantiles
		ref  []float64
	}{{"revenue", sim.Revenue, rev}, {"roas", sim.ROAS, roas}, {"profit", sim.Profit, profit}} {
		sorted := slices.Clone(m.ref)
		slices.Sort(sorted)
		ref := Summarise(m.ref)
		for _, q := range []struct {
			p         float64
			got, want float64
		}{{0.1, m.got.P10, ref.P10}, {0.5, m.got.P50, ref.P50}, {0.9, m.got.P90, ref.P90}} {
			// Both samples carry sampling error; the simulation's is
			// estimated from the reference's spread.
			se := quantileSE(sorted, q.p) * math.Sqrt(1+float64(nRef)/float64(nSim))
			if d := math.Abs(q.got - q.want); d > simZTol*se {
				t.Errorf("%s P%.0f = %.4g, reference %.4g (off by %.1f standard errors)", m.name, 100*q.p, q.got, q.want, d/se)
			}
		}
		se := math.Sqrt(sampleVariance(m.ref) * (1/float64(nRef) + 1/float64(nSim)))
		if d := math.Abs(m.got.Mean - ref.Mean); d > simZTol*se {
			t.Errorf("%s mean = %.4g, reference %.4g (off by %.1f standard errors)", m.name, m.got.Mean, ref.Mean, d/se)
		}
	}
	for _, pr := range []struct {
		name string
		got  float64
		ref  []bool
	}{{"loss", sim.LossProbability, loss}, {"beats even", sim.BeatsEvenProbability, beats}} {
		p := share(pr.ref)
		// The floor keeps a probability near 0 or 1 from needing an exact match.
		v := math.Max(p*(1-p), 1/float64(nRef))
		se := math.Sqrt(v * (1/float64(nRef) + 1/float64(nSim)))
		if d := math.Abs(pr.got - p); d > simZTol*se {
			t.Errorf("%s probability = %.4f, reference %.4f", pr.name, pr.got, p)
		}
	}
	// The scenario must make the comparison meaningful: spread-out results
	// and a non-trivial chance of beating even.
	if sim.Revenue.P90 <= sim.Revenue.P10*1.05 {
		t.Errorf("revenue P10..P90 = %v..%v: the draws hardly vary, the test proves little", sim.Revenue.P10, sim.Revenue.P90)
	}
}

// A preset that the horizon expands into two windows is one festival.
func TestFestivalGroupsShareAPresetAcrossYears(t *testing.T) {
	res := simLoad(t, festivalScenario)
	group, n := FestivalGroups(res)
	if n != 3 {
		t.Fatalf("%d festivals, want 3 (618 over two years, double11, the anniversary)", n)
	}
	var six18 []int
	for f, fw := range res.Festivals {
		if fw.Preset == "618" {
			six18 = append(six18, group[f])
		}
	}
	if len(six18) != 2 || six18[0] != six18[1] {
		t.Errorf("618 windows in groups %v, want two windows in one group", six18)
	}

	// Drawing the 618 factor once per festival makes both windows move
	// together: with only uplift_cv, the two years' 618 weeks keep their
	// ratio in every draw. Check it on the multipliers of one draw.
	s := newSampler(res, peakySpend(res), scenarios.UncertaintySpec{Samples: 1, Seed: 9, UpliftCV: 0.5})
	w := s.newWorker()
	w.draw(0)
	var f618 []float64
	for f, fw := range res.Festivals {
		if fw.Preset == "618" {
			f618 = append(f618, w.upliftWin[f])
		}
	}
	if f618[0] != f618[1] || f618[0] == 1 {
		t.Errorf("618 uplift factors %v, want one shared factor other than 1", f618)
	}
}

// (c) The same seed gives the same figures whatever the number of workers;
// another seed gives others.
func TestSimulateReproducible(t *testing.T) {
	res := simLoad(t, festivalScenario)
	spend := peakySpend(res)
	spec := res.Uncertainty
	spec.Samples = 1000
	first, err := simulate(res, spend, spec, nil, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, workers := range []int{1, 2, 3, 8} {
		got, err := simulate(res, spend, spec, nil, workers)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, first) {
			t.Errorf("%d workers: %+v\nwant %+v", workers, got, first)
		}
	}
	spec.Seed++
	other, err := simulate(res, spend, spec, nil, 2)
	if err != nil {
		t.Fatal(err)
	}
	if other.Revenue == first.Revenue {
		t.Errorf("seeds %d and %d give the same revenue figures", spec.Seed-1, spec.Seed)
	}
}

// (d) With no spread every draw is the deterministic projection.
func TestSimulateZeroSpreadIsDeterministic(t *testing.T) {
	y := strings.Replace(festivalScenario, "beta_cv: 0.4", "beta_cv: 0", 1)
	y = strings.Replace(y, "beta_cv: 0.2, uplift_cv: 0.3, cost_index_cv: 0.2", "beta_cv: 0, uplift_cv: 0, cost_index_cv: 0", 1)
	res := simLoad(t, y)
	spend := peakySpend(res)
	_, det := Evaluate(res, spend)
	_, even := Evaluate(res, EvenSpend(res, spend))
	sim, err := Simulate(res, spend, res.Uncertainty, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []struct {
		name string
		q    Quantiles
		want float64
	}{{"revenue", sim.Revenue, det.Revenue}, {"roas", sim.ROAS, det.ROAS}, {"profit", sim.Profit, det.Profit}} {
		for i, v := range []float64{m.q.P10, m.q.P50, m.q.P90, m.q.Mean} {
			if math.Abs(v-m.want) > simExactTol*math.Abs(m.want) {
				t.Errorf("%s figure %d = %.15g, want the deterministic %.15g", m.name, i, v, m.want)
			}
		}
	}
	wantBeats, wantLoss := 0.0, 0.0
	if det.Revenue > even.Revenue {
		wantBeats = 1
	}
	if det.Profit < 0 {
		wantLoss = 1
	}
	if sim.BeatsEvenProbability != wantBeats || sim.LossProbability != wantLoss {
		t.Errorf("beats even %v, loss %v; want %v and %v", sim.BeatsEvenProbability, sim.LossProbability, wantBeats, wantLoss)
	}
	if wantBeats != 1 {
		t.Errorf("the peaky plan should beat even spreading in this scenario (revenue %v vs %v)", det.Revenue, even.Revenue)
	}
}

func TestQuantileType7(t *testing.T) {
	v := []float64{1, 2, 3, 4}
	for _, c := range []struct{ p, want float64 }{{0, 1}, {0.1, 1.3}, {0.5, 2.5}, {0.9, 3.7}, {1, 4}} {
		if got := Quantile(v, c.p); math.Abs(got-c.want) > simExactTol*c.want {
			t.Errorf("Quantile(%v, %v) = %v, want %v", v, c.p, got, c.want)
		}
	}
	if got := Summarise([]float64{5}); got != (Quantiles{5, 5, 5, 5}) {
		t.Errorf("Summarise of one value = %+v", got)
	}
	if got := Summarise([]float64{4, 1, 3, 2}); got.Mean != 2.5 || got.P50 != 2.5 {
		t.Errorf("Summarise unsorted = %+v", got)
	}
}

func TestSimulateProgressAndErrors(t *testing.T) {
	res := simLoad(t, festivalScenario)
	spend := peakySpend(res)
	spec := res.Uncertainty
	spec.Samples = 500
	last := 0
	calls := 0
	if _, err := Simulate(res, spend, spec, func(done, total int) {
		calls++
		if total != 500 || done <= last || done > total {
			t.Errorf("progress(%d, %d) after %d", done, total, last)
		}
		last = done
	}); err != nil {
		t.Fatal(err)
	}
	if last != 500 || calls < 2 {
		t.Errorf("progress ended at %d after %d calls, want 500 after several", last, calls)
	}

	bad := []struct {
		name  string
		spend [][]float64
		spec  scenarios.UncertaintySpec
		want  string
	}{
		{"no draws", spend, scenarios.UncertaintySpec{Samples: 0}, "draws"},
		{"negative cv", spend, scenarios.UncertaintySpec{Samples: 10, UpliftCV: -1}, "uplift_cv"},
		{"missing channel", spend[:2], spec, "channels"},
		{"short channel", [][]float64{spend[0], spend[1][:3], spend[2]}, spec, "periods"},
		{"NaN spend", [][]float64{spend[0], spend[1], append([]float64{math.NaN()}, spend[2][1:]...)}, spec, "finite"},
	}
	for _, b := range bad {
		if _, err := Simulate(res, b.spend, b.spec, nil); err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%s: error %v, want one mentioning %q", b.name, err, b.want)
		}
	}
}

// exampleRun is the benchmark's workload: the example scenario (a weekly
// annual plan with 6 channels and nine festivals) with 10,000 draws.
func exampleRun(tb testing.TB) (*scenarios.Resolved, [][]float64, scenarios.UncertaintySpec) {
	data, err := os.ReadFile("../examples/skincare-2027.yaml")
	if err != nil {
		tb.Skip("example scenario not found:", err)
	}
	res := simLoad(tb, string(data))
	spec := res.Uncertainty
	spec.Samples = 10000
	return res, peakySpend(res), spec
}

func TestSimulateSpeed(t *testing.T) {
	if testing.Short() {
		t.Skip("timing test")
	}
	res, spend, spec := exampleRun(t)
	best := time.Duration(math.MaxInt64)
	for range simSpeedRuns {
		start := time.Now()
		if _, err := Simulate(res, spend, spec, nil); err != nil {
			t.Fatal(err)
		}
		best = min(best, time.Since(start))
		if best < simSpeedLimit/10 {
			break // clearly fast: no need for more runs
		}
	}
	if best > simSpeedLimit {
		t.Errorf("10,000 draws took %v at best, want under %v", best, simSpeedLimit)
	}
}

func BenchmarkSimulate10k(b *testing.B) {
	res, spend, spec := exampleRun(b)
	for b.Loop() {
		if _, err := Simulate(res, spend, spec, nil); err != nil {
			b.Fatal(err)
		}
	}
}
