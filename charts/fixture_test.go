package charts

import (
	"math"
	"sort"
	"time"
)

// Payloads that must show as text and run nothing.
const (
	payloadScript = `</script><script>alert(1)</script>`
	payloadFunc   = `__f__alert(2)__f__`
	payloadTitle  = `Peak 2027 <img src=x onerror=alert(4)> & "friends"`
	payloadFest   = `<!--<script>alert(3)</script>`
)

type fxChannel struct {
	name, kind     string
	beta, h, shape float64 // weekly saturation revenue, half-saturation weekly spend, hill shape
	share          float64 // share of the budget
	festBoost      float64 // how strongly the plan concentrates this channel into peaks
}

type fxFestival struct {
	name, from, to string
	uplift, cost   float64
	weight         float64 // spend concentration in the plan
}

// fixtureReport builds a report that looks like a real year of a Chinese
// e-commerce brand: weekly periods of 2027, spend concentrated into 618 and
// Double 11, a Spring Festival slump in February. hostile swaps two channel
// names, the title and one festival name for script payloads.
func fixtureReport(hostile bool) Report {
	chans := []fxChannel{
		{"天猫搜索", "hill", 2_100_000, 300_000, 1.8, 0.30, 1.0},
		{"抖音直播", "hill", 2_600_000, 420_000, 2.4, 0.26, 1.4},
		{"Xiaohongshu KOL", "hill", 900_000, 160_000, 1.6, 0.14, 0.8},
		{"JD Union", "exponential", 800_000, 200_000, 1, 0.12, 0.9},
		{"Baidu brand", "logistic", 520_000, 110_000, 1, 0.10, 0.5},
		{"Weibo feed", "hill", 420_000, 140_000, 0.9, 0.08, 0.6},
	}
	fests := []fxFestival{
		{"Spring Festival", "2027-01-30", "2027-02-17", 0.55, 0.9, 0.25},
		{"38 Queen's Day", "2027-03-01", "2027-03-08", 1.3, 1.1, 1.6},
		{"618", "2027-05-28", "2027-06-18", 1.9, 1.35, 4.2},
		{"99 Sale", "2027-09-05", "2027-09-09", 1.2, 1.05, 1.4},
		{"Double 11", "2027-10-20", "2027-11-11", 2.3, 1.45, 5.5},
		{"Double 12", "2027-12-08", "2027-12-12", 1.35, 1.15, 1.8},
	}
	title := "Brand X · 2027 plan"
	if hostile {
		chans[2].name = payloadScript
		chans[5].name = payloadFunc
		fests[3].name = payloadFest
		title = payloadTitle
	}
	const budget = 30_000_000.0
	const margin = 0.45

	// ISO weeks of 2027, clipped to the year.
	start := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(2027, 12, 31, 0, 0, 0, 0, time.UTC)
	type per struct {
		s, e time.Time
		days int
	}
	var periods []per
	for d := start; !d.After(end); {
		e := d
		for e.Weekday() != time.Sunday && e.Before(end) {
			e = e.AddDate(0, 0, 1)
		}
		periods = append(periods, per{d, e, int(e.Sub(d).Hours()/24) + 1})
		d = e.AddDate(0, 0, 1)
	}
	// Daily calendar: uplift, cost index and the plan's concentration weight.
	dayInfo := func(d time.Time) (u, k, w float64, fest bool) {
		u, k, w = 1, 1, 1
		for _, f := range fests {
			from, _ := time.Parse("2006-01-02", f.from)
			to, _ := time.Parse("2006-01-02", f.to)
			if !d.Before(from) && !d.After(to) {
				fest = fest || f.uplift >= 1
				if f.uplift < 1 {
					u, k, w = math.Min(u, f.uplift), math.Min(k, f.cost), math.Min(w, f.weight)
				} else {
					u, k, w = math.Max(u, f.uplift), math.Max(k, f.cost), math.Max(w, f.weight)
				}
			}
		}
		return
	}
	pu := make([]float64, len(periods))
	pk := make([]float64, len(periods))
	pw := make([]float64, len(periods))
	festDays, totalDays := 0, 0
	pFest := make([]float64, len(periods))
	for i, p := range periods {
		for d := p.s; !d.After(p.e); d = d.AddDate(0, 0, 1) {
			u, k, w, f := dayInfo(d)
			pu[i] += u / float64(p.days)
			pk[i] += k / float64(p.days)
			pw[i] += w
			totalDays++
			if f {
				festDays++
				pFest[i]++
			}
		}
		pFest[i] /= float64(p.days)
	}
	hill := func(c fxChannel, a float64) float64 {
		switch c.kind {
		case "exponential":
			return 1 - math.Exp(-a/c.h)
		case "logistic":
			return (1 - math.Exp(-a/c.h)) / (1 + math.Exp(-a/c.h))
		}
		if a <= 0 {
			return 0
		}
		return math.Pow(a, c.shape) / (math.Pow(a, c.shape) + math.Pow(c.h, c.shape))
	}
	revenue := func(c fxChannel, i int, x float64) float64 {
		d := float64(periods[i].days)
		e := 7 / d * x / pk[i]
		return d / 7 * c.beta * pu[i] * hill(c, e)
	}

	r := Report{
		Title: title, Currency: "CNY", Horizon: "2027-01-01 – 2027-12-31",
		Objective: "profit", SolverStatus: "optimal",
		Festivals: nil,
	}
	for _, f := range fests {
		r.Festivals = append(r.Festivals, Band{Name: f.name, From: f.from, To: f.to, Uplift: f.uplift})
	}
	for _, p := range periods {
		r.Periods = append(r.Periods, Period{Start: p.s.Format("2006-01-02"), End: p.e.Format("2006-01-02"), Days: p.days})
	}
	r.EvenSpend = make([]float64, len(periods))
	r.EvenRevenue = make([]float64, len(periods))
	festSpend := 0.0
	for _, c := range chans {
		total := budget * c.share
		wsum := 0.0
		ws := make([]float64, len(periods))
		for i := range periods {
			ws[i] = math.Pow(pw[i]/float64(periods[i].days), c.festBoost) * float64(periods[i].days)
			wsum += ws[i]
		}
		ch := Channel{Name: c.name, Kind: c.kind}
		maxU, fname := 1.0, ""
		maxK := 1.0
		for _, f := range fests {
			if f.uplift > maxU {
				maxU, fname, maxK = f.uplift, f.name, f.cost
			}
		}
		cv := &Curve{FestivalName: fname, SCurve: c.kind == "hill" && c.shape > 1}
		for i := range periods {
			x := total * ws[i] / wsum
			y := revenue(c, i, x)
			ch.Spend = append(ch.Spend, x)
			ch.Revenue = append(ch.Revenue, y)
			ch.TotalSpend += x
			ch.TotalRevenue += y
			festSpend += x * pFest[i]
			d := float64(periods[i].days)
			cv.Operating = append(cv.Operating, XY{x * 7 / d, y * 7 / d})
			xe := total * d / float64(totalDays)
			r.EvenSpend[i] += xe
			r.EvenRevenue[i] += revenue(c, i, xe)
		}
		ch.ROAS = ch.TotalRevenue / ch.TotalSpend
		top := 3.2 * c.h
		for j := 0; j <= 60; j++ {
			x := top * float64(j) / 60
			cv.Normal = append(cv.Normal, XY{x, c.beta * hill(c, x)})
			cv.Festival = append(cv.Festival, XY{x, c.beta * maxU * hill(c, x/maxK)})
		}
		if cv.SCurve {
			x := c.h * math.Pow(c.shape-1, 1/c.shape)
			cv.BestAverage = &XY{x, c.beta * hill(c, x)}
		}
		ch.Curve = cv
		r.Channels = append(r.Channels, ch)
		r.Spend += ch.TotalSpend
		r.Revenue += ch.TotalRevenue
	}
	r.ROAS = r.Revenue / r.Spend
	profit := margin*r.Revenue - r.Spend
	r.Profit = &profit
	evenRev := 0.0
	for _, v := range r.EvenRevenue {
		evenRev += v
	}
	r.RevenueUplift = (r.Revenue - evenRev) / evenRev
	evenProfit := margin*evenRev - r.Spend
	pu2 := (profit - evenProfit) / math.Abs(evenProfit)
	r.ProfitUplift = &pu2
	r.FestivalSpendShare = festSpend / r.Spend
	r.FestivalDaysShare = float64(festDays) / float64(totalDays)
	r.MarginalROAS = 2.35

	// Budget sweep: a concave frontier around the plan.
	fr := &Frontier{CurrentBudget: budget}
	for b := 10e6; b <= 60e6+1; b += 2.5e6 {
		rev := r.Revenue * math.Pow(b/budget, 0.72)
		p := margin*rev - b
		mr := 0.72 * rev / b
		fr.Points = append(fr.Points, FrontierPoint{Budget: b, Revenue: rev, Profit: &p, ROAS: rev / b, MarginalROAS: mr})
	}
	be := budget * math.Pow(0.72*margin*r.Revenue/budget, 1/0.28)
	fr.BreakEvenBudget = &be
	r.Frontier = fr

	// Monte Carlo: deterministic pseudo-normal draws.
	seed := uint64(7)
	next := func() float64 {
		seed = seed*6364136223846793005 + 1442695040888963407
		return float64(seed>>11) / float64(1<<53)
	}
	draws := make([]float64, 2000)
	for i := range draws {
		z := 0.0
		for j := 0; j < 12; j++ {
			z += next()
		}
		draws[i] = r.Revenue * (1 + 0.12*(z-6))
	}
	q := func(p float64) float64 {
		s := append([]float64(nil), draws...)
		sort.Float64s(s)
		return s[int(p*float64(len(s)-1))]
	}
	mean := 0.0
	for _, d := range draws {
		mean += d / float64(len(draws))
	}
	rq := Quantiles{P10: q(0.1), P50: q(0.5), P90: q(0.9), Mean: mean}
	pq := Quantiles{P10: margin*rq.P10 - r.Spend, P50: margin*rq.P50 - r.Spend, P90: margin*rq.P90 - r.Spend, Mean: margin*rq.Mean - r.Spend}
	r.Uncertainty = &Uncertainty{
		Samples: len(draws), Revenue: rq,
		ROAS:   Quantiles{P10: rq.P10 / r.Spend, P50: rq.P50 / r.Spend, P90: rq.P90 / r.Spend, Mean: rq.Mean / r.Spend},
		Profit: &pq, LossProbability: 0.04, BeatsEvenProbability: 0.93,
		Histogram: NewHistogram(draws, 32),
	}
	return r
}
