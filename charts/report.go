// Package charts renders a plan as one self-contained HTML report
// (spec/report.md): headline figures, the battle map, revenue over time, the
// channels' scale effects, the channel split, the budget frontier and the
// uncertainty (when present), and the plan as a month-by-channel table.
//
// The input is Report, a plain view model with no dependency on the plan or
// scenario packages; the caller fills it from a plan document. Chart options
// are built with go-echarts, marshalled with encoding/json (HTML escaping on)
// and written into a page of our own html/template, with ECharts inlined, so
// the page needs no network and every user text shows as text.
package charts

// Report is everything the HTML report shows.
//
// Units: every money amount is in the scenario's currency (Currency), as a
// plain number of currency units (yuan, not 万); shares, uplifts and
// probabilities are fractions (0.25 = 25%); ROAS values are revenue per unit
// of spend. Dates are ISO "YYYY-MM-DD" strings, both ends inclusive.
type Report struct {
	Title        string // scenario name
	Currency     string // ISO 4217 code, e.g. "CNY", "USD", "EUR"
	Horizon      string // free text shown as is, e.g. "2027-01-01 – 2027-12-31"; empty: derived from Periods
	Objective    string // "revenue", "profit" or "spend" (shown translated); other text is shown as is
	SolverStatus string // e.g. "optimal", "feasible"

	Spend   float64  // total spend of the plan
	Revenue float64  // total incremental revenue of the plan
	ROAS    float64  // Revenue / Spend
	Profit  *float64 // margin*Revenue - Spend; nil when the scenario has no margin

	RevenueUplift float64  // (R_plan - R_even) / R_even
	ProfitUplift  *float64 // likewise for profit; nil when there is no margin (or the even profit is 0)

	FestivalSpendShare float64 // share of spend on festival days
	FestivalDaysShare  float64 // share of horizon days covered by a festival
	MarginalROAS       float64 // revenue one more unit of budget would add at the optimum

	Periods  []Period  // the plan's periods in order
	Channels []Channel // in display order

	// The even baseline's totals over all channels, one value per period.
	EvenSpend   []float64
	EvenRevenue []float64

	// Festival windows shown as named bands on the time charts.
	Festivals []Band

	Frontier    *Frontier    // budget sweep; nil: the section is left out
	Uncertainty *Uncertainty // Monte Carlo results; nil: the section is left out

	// The plan as a month-by-channel table. When Months is empty, Render derives
	// it from Periods and the channels' spend, splitting a period that straddles
	// two months by its days.
	MonthTable MonthTable
}

// Period is one planning period; Days is the number of days in it.
type Period struct {
	Start string // "YYYY-MM-DD"
	End   string // "YYYY-MM-DD", inclusive
	Days  int
}

// Channel is one channel's part of the plan.
type Channel struct {
	Name string
	Kind string // response curve kind: "hill", "exponential", "logistic", "linear" (shown as is)

	Spend   []float64 // per period, same length as Report.Periods
	Revenue []float64 // incremental revenue per period, same length as Report.Periods

	TotalSpend   float64
	TotalRevenue float64
	ROAS         float64

	Curve *Curve // nil: no scale-effect chart for this channel
}

// XY is one point of a curve: X is weekly spend, Y weekly incremental revenue
// (both in currency units per week).
type XY struct {
	X, Y float64
}

// Curve is a channel's response curve sampled for display, at weekly rates:
// weekly revenue from a steady weekly spend (model.md, "Response").
type Curve struct {
	Normal       []XY   // in a normal week (uplift 1, cost index 1)
	Festival     []XY   // at the channel's strongest festival; empty: not drawn
	FestivalName string // the festival of Festival, e.g. "Double 11"
	Operating    []XY   // the plan's operating points (weekly-rate spend and revenue per period)
	BestAverage  *XY    // S-curves: the spend where revenue per unit of spend peaks; nil: none
	SCurve       bool   // the curve has scale effects (hill with shape > 1)
}

// Band is a festival window shaded on the time charts.
type Band struct {
	Name string
	From string // "YYYY-MM-DD"
	To   string // "YYYY-MM-DD", inclusive
	// Uplift is the festival's demand uplift; below 1 the band is drawn as a
	// slump (e.g. the Spring Festival logistics shutdown). 0 means unknown and
	// is drawn as a peak.
	Uplift float64
}

// Frontier is the result of a budget sweep.
type Frontier struct {
	Points          []FrontierPoint // in increasing budget
	CurrentBudget   float64         // the plan's budget, marked on the chart; 0: not marked
	BreakEvenBudget *float64        // where marginal profit reaches 0; nil: not marked
}

// FrontierPoint is the optimum at one budget.
type FrontierPoint struct {
	Budget       float64
	Revenue      float64
	Profit       *float64 // nil without a margin
	ROAS         float64
	MarginalROAS float64
}

// Uncertainty is the Monte Carlo projection of the plan.
type Uncertainty struct {
	Samples              int
	Revenue              Quantiles
	ROAS                 Quantiles
	Profit               *Quantiles // nil without a margin
	LossProbability      float64    // chance that profit < 0 (or revenue < spend without a margin)
	BeatsEvenProbability float64    // chance that the plan beats the even baseline
	Histogram            *Histogram // of revenue draws; nil: no histogram chart
}

// Quantiles summarise one simulated figure.
type Quantiles struct {
	P10, P50, P90, Mean float64
}

// Histogram counts draws in bins: bin i is [Edges[i], Edges[i+1]), so
// len(Edges) == len(Counts)+1.
type Histogram struct {
	Edges  []float64
	Counts []int
}

// MonthTable is the plan's spend by calendar month and channel.
type MonthTable struct {
	Months   []string    // "YYYY-MM"
	Channels []string    // column names
	Spend    [][]float64 // Spend[month][channel]
}
