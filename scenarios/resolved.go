package scenarios

import (
	"math"
	"slices"

	"github.com/peakplan/peakplan/scenarios/calendar"
)

// Resolved is a valid scenario turned into the per-period numbers of
// model.md. It is the one place these are computed: the optimiser, the
// projections, the baselines and the checks all read them from here.
type Resolved struct {
	Name        string
	Currency    string
	Start, End  calendar.Date
	Granularity Granularity
	Periods     []Period

	Objective     Objective
	Margin        float64 // 0 when the scenario has none
	TargetRevenue float64 // 0 when the scenario has none
	MinROAS       float64 // 0 when the scenario has none
	BudgetTotal   float64 // +Inf when the scenario has none

	Windows   []BudgetLimit
	Festivals []FestivalWindow
	Channels  []ChannelPlan
	Groups    []GroupLimit

	// FestivalDayShare[t] is the share of period t's days that some
	// festival covers.
	FestivalDayShare []float64
	// FestivalDaysShare is the share of the horizon's days that some
	// festival covers.
	FestivalDaysShare float64

	Uncertainty UncertaintySpec
}

// HasMargin reports whether profits can be computed.
func (r *Resolved) HasMargin() bool { return r.Margin > 0 }

// Period is one planning period, both dates inclusive.
type Period struct {
	Start, End calendar.Date
	Days       int
}

// BudgetLimit is a cash-flow window: the spend inside it, counting a period
// by Share[t] (its share of days inside the window), lies in [Min, Max].
type BudgetLimit struct {
	Index    int // position in budget.windows
	From, To calendar.Date
	Min      float64 // 0 when not given
	Max      float64 // +Inf when not given
	Share    []float64
}

// FestivalWindow is one expanded festival window, clipped to the horizon.
type FestivalWindow struct {
	Preset    string // preset key, "" for a custom festival
	Name      string
	From, To  calendar.Date
	Peak      calendar.Date
	Uplift    float64
	CostIndex float64
	// Per-channel overrides, by channel index.
	ChannelUplift    map[int]float64
	ChannelCostIndex map[int]float64
}

// UpliftFor returns the festival's uplift for channel c.
func (f *FestivalWindow) UpliftFor(c int) float64 {
	if v, ok := f.ChannelUplift[c]; ok {
		return v
	}
	return f.Uplift
}

// CostIndexFor returns the festival's cost index for channel c.
func (f *FestivalWindow) CostIndexFor(c int) float64 {
	if v, ok := f.ChannelCostIndex[c]; ok {
		return v
	}
	return f.CostIndex
}

// ChannelPlan is a channel with its limits and multipliers per period.
type ChannelPlan struct {
	Name      string
	Kind      string
	Curve     Curve
	Carryover float64 // weekly retention theta
	BetaCV    float64 // spread of beta for simulations
	Fit       *Fit    // set when the curve was fitted from calibration points

	SpendMin float64 // total over the horizon; 0 when not given
	SpendMax float64 // +Inf when not given

	AvailableDays []int     // n_{c,t}
	Uplift        []float64 // u_{c,t}
	CostIndex     []float64 // k_{c,t}
	Lower         []float64 // per_week.min * n/7
	Upper         []float64 // per_week.max * n/7, +Inf when not given, 0 when unavailable
	MinActive     []float64 // min_active_per_week * n/7; 0 when not given
}

// TotalAvailableDays returns the days the channel may spend on.
func (c *ChannelPlan) TotalAvailableDays() int {
	n := 0
	for _, d := range c.AvailableDays {
		n += d
	}
	return n
}

// GroupLimit bounds the share of total spend its channels take.
type GroupLimit struct {
	Name     string
	Channels []int
	MinShare float64 // 0 when not given
	MaxShare float64 // 1 when not given
}

// UncertaintySpec is the uncertainty block with defaults applied.
type UncertaintySpec struct {
	Given       bool
	Samples     int
	Seed        int64
	BetaCV      float64
	UpliftCV    float64
	CostIndexCV float64
}

// DefaultSamples is the number of Monte Carlo draws when none is given.
const DefaultSamples = 1000

// Days returns the number of days in the horizon.
func (r *Resolved) Days() int { return r.Start.DaysUntil(r.End) + 1 }

// PeriodOf returns the index of the period holding day d, or -1.
func (r *Resolved) PeriodOf(d calendar.Date) int {
	for t, p := range r.Periods {
		if p.Start <= d && d <= p.End {
			return t
		}
	}
	return -1
}

// Multipliers computes u_{c,t} and k_{c,t} of model.md with each festival's
// uplift and cost index scaled by the given factors (nil means 1), so that
// simulations draw festival factors with the same rule as the plan.
func (r *Resolved) Multipliers(upliftFactor, costFactor []float64) (uplift, cost [][]float64) {
	nC := len(r.Channels)
	uplift = make([][]float64, nC)
	cost = make([][]float64, nC)
	// Channels that no festival treats specially share one computation.
	var baseU, baseK []float64
	for c := range r.Channels {
		special := false
		for f := range r.Festivals {
			_, ou := r.Festivals[f].ChannelUplift[c]
			_, ok := r.Festivals[f].ChannelCostIndex[c]
			special = special || ou || ok
		}
		if special {
			uplift[c], cost[c] = r.multipliersOf(c, upliftFactor, costFactor)
			continue
		}
		if baseU == nil {
			baseU, baseK = r.multipliersOf(-1, upliftFactor, costFactor)
		}
		uplift[c], cost[c] = slices.Clone(baseU), slices.Clone(baseK)
	}
	return uplift, cost
}

// multipliersOf computes u_{c,t} and k_{c,t} for channel c; c = -1 gives the
// festivals' own values, without any channel's overrides.
func (r *Resolved) multipliersOf(c int, upliftFactor, costFactor []float64) (uplift, cost []float64) {
	dayU := make([]float64, r.Days())
	dayK := make([]float64, r.Days())
	for i := range dayU {
		dayU[i], dayK[i] = math.NaN(), math.NaN()
	}
	for f := range r.Festivals {
		fw := &r.Festivals[f]
		u, k := fw.UpliftFor(c), fw.CostIndexFor(c)
		if upliftFactor != nil {
			u *= upliftFactor[f]
		}
		if costFactor != nil {
			k *= costFactor[f]
		}
		for d := fw.From; d <= fw.To; d++ {
			i := r.Start.DaysUntil(d)
			// The largest multiplier of the festivals covering the day.
			if math.IsNaN(dayU[i]) || u > dayU[i] {
				dayU[i] = u
			}
			if math.IsNaN(dayK[i]) || k > dayK[i] {
				dayK[i] = k
			}
		}
	}
	uplift = make([]float64, len(r.Periods))
	cost = make([]float64, len(r.Periods))
	for t, p := range r.Periods {
		var su, sk float64
		for d := p.Start; d <= p.End; d++ {
			i := r.Start.DaysUntil(d)
			su += orOne(dayU[i])
			sk += orOne(dayK[i])
		}
		uplift[t] = su / float64(p.Days)
		cost[t] = sk / float64(p.Days)
	}
	return uplift, cost
}

func orOne(v float64) float64 {
	if math.IsNaN(v) {
		return 1
	}
	return v
}
