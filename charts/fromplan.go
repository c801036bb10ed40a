package charts

import (
	"math"

	"github.com/peakplan/peakplan/plan"
	"github.com/peakplan/peakplan/scenarios"
)

// curveSamples is the number of points drawn per response curve.
const curveSamples = 80

// FromPlan fills the report's view model from a plan document and its
// scenario. The scenario gives the festival bands and the response curves;
// with res nil those parts are left out.
func FromPlan(doc *plan.Document, res *scenarios.Resolved) Report {
	r := Report{
		Title:              doc.Scenario.Name,
		Currency:           doc.Currency,
		Objective:          doc.Objective.Kind,
		SolverStatus:       doc.Solver.Status,
		Spend:              doc.Totals.Spend,
		Revenue:            doc.Totals.Revenue,
		ROAS:               doc.Totals.ROAS,
		Profit:             doc.Totals.Profit,
		RevenueUplift:      doc.Baseline.RevenueUplift,
		ProfitUplift:       doc.Baseline.ProfitUplift,
		FestivalSpendShare: doc.Concentration.FestivalSpendShare,
		FestivalDaysShare:  doc.Concentration.FestivalDaysShare,
		MarginalROAS:       doc.MarginalROAS,
	}
	if r.Currency == "" {
		r.Currency = "CNY"
	}
	for _, p := range doc.Periods {
		r.Periods = append(r.Periods, Period{Start: p.Start, End: p.End, Days: p.Days})
	}
	if len(doc.Periods) > 0 {
		r.Horizon = doc.Periods[0].Start + " – " + doc.Periods[len(doc.Periods)-1].End
	}
	nT := len(doc.Periods)
	r.EvenSpend = make([]float64, nT)
	r.EvenRevenue = make([]float64, nT)
	var even, evenRev [][]float64
	if res != nil {
		even = plan.EvenSpend(res, doc.SpendMatrix())
		evenRev, _ = plan.Evaluate(res, even)
	}
	for c, ch := range doc.Channels {
		out := Channel{Name: ch.Name, Spend: ch.Spend, Revenue: ch.Revenue,
			TotalSpend: ch.TotalSpend, TotalRevenue: ch.TotalRevenue, ROAS: ch.ROAS}
		if res != nil && c < len(res.Channels) {
			out.Kind = string(res.Channels[c].Curve.Kind)
			out.Curve = curveOf(doc, res, c)
			for t := 0; t < nT && t < len(even[c]); t++ {
				r.EvenSpend[t] += even[c][t]
				r.EvenRevenue[t] += evenRev[c][t]
			}
		}
		r.Channels = append(r.Channels, out)
	}
	if res != nil {
		for _, f := range res.Festivals {
			r.Festivals = append(r.Festivals, Band{Name: f.Name, From: f.From.String(), To: f.To.String(), Uplift: f.Uplift})
		}
	}
	if doc.Sweep != nil && len(doc.Sweep.Points) > 0 {
		fr := &Frontier{BreakEvenBudget: doc.Sweep.BreakEvenBudget}
		for _, p := range doc.Sweep.Points {
			fr.Points = append(fr.Points, FrontierPoint{Budget: p.Budget, Revenue: p.Revenue, Profit: p.Profit, ROAS: p.ROAS, MarginalROAS: p.MarginalROAS})
		}
		if res != nil && !math.IsInf(res.BudgetTotal, 1) {
			fr.CurrentBudget = res.BudgetTotal
		}
		r.Frontier = fr
	}
	if s := doc.Simulation; s != nil {
		u := &Uncertainty{
			Samples:              s.Samples,
			Revenue:              Quantiles(s.Revenue),
			ROAS:                 Quantiles(s.ROAS),
			LossProbability:      s.LossProbability,
			BeatsEvenProbability: s.BeatsEvenProbability,
		}
		if doc.Totals.Profit != nil {
			q := Quantiles(s.Profit)
			u.Profit = &q
		}
		r.Uncertainty = u
	}
	if tab, err := doc.Months(); err == nil {
		mt := MonthTable{Months: tab.Months, Channels: tab.Channels, Spend: make([][]float64, len(tab.Months))}
		for m := range tab.Months {
			mt.Spend[m] = make([]float64, len(tab.Channels))
			for c := range tab.Channels {
				mt.Spend[m][c] = tab.Spend[c][m]
			}
		}
		r.MonthTable = mt
	}
	return r
}

// curveOf samples channel c's response at weekly rates: in a normal week, at
// its strongest festival, and the plan's operating points.
func curveOf(doc *plan.Document, res *scenarios.Resolved, c int) *Curve {
	ch := &res.Channels[c]
	cv := ch.Curve
	out := &Curve{SCurve: cv.IsSCurve()}
	top := 0.0
	for t, x := range doc.Channels[c].Spend {
		if t >= len(doc.Periods) || x <= 0 {
			continue
		}
		weeks := float64(doc.Periods[t].Days) / 7
		sx := x / weeks
		sy := 0.0
		if t < len(doc.Channels[c].Revenue) {
			sy = doc.Channels[c].Revenue[t] / weeks
		}
		out.Operating = append(out.Operating, XY{X: sx, Y: sy})
		top = math.Max(top, sx)
	}
	switch {
	case cv.Half > 0:
		top = math.Max(top*1.3, cv.Half*3)
	case top == 0:
		top = 1
	default:
		top *= 1.3
	}
	// The strongest festival for this channel: the best uplift per cost.
	bestU, bestK, bestName := 1.0, 1.0, ""
	for i := range res.Festivals {
		f := &res.Festivals[i]
		u, k := f.UpliftFor(c), f.CostIndexFor(c)
		if u/k > bestU/bestK {
			bestU, bestK, bestName = u, k, f.Name
		}
	}
	for i := 0; i <= curveSamples; i++ {
		s := top * float64(i) / curveSamples
		out.Normal = append(out.Normal, XY{X: s, Y: cv.Weekly(s)})
		if bestName != "" {
			out.Festival = append(out.Festival, XY{X: s, Y: bestU * cv.Weekly(s/bestK)})
		}
	}
	out.FestivalName = bestName
	if cv.IsSCurve() {
		a := cv.BestAverage()
		out.BestAverage = &XY{X: a, Y: cv.Weekly(a)}
	}
	return out
}
