// Package plan holds the plan document, the forward model every projection
// comes from, the even baseline and the checks of a plan against its
// scenario.
package plan

import (
	"math"

	"github.com/peakplan/peakplan/scenarios"
)

// Totals are the headline figures of a projection.
type Totals struct {
	Spend   float64
	Revenue float64
	ROAS    float64
	Profit  float64 // margin*R - X; meaningful only when the scenario has a margin
}

// Inputs are the model inputs that simulations perturb: per channel and
// period the uplift and cost index, and per channel a factor on beta.
type Inputs struct {
	Uplift     [][]float64
	CostIndex  [][]float64
	BetaFactor []float64 // nil means 1 for every channel
}

// NominalInputs returns the scenario's own inputs.
func NominalInputs(res *scenarios.Resolved) Inputs {
	in := Inputs{Uplift: make([][]float64, len(res.Channels)), CostIndex: make([][]float64, len(res.Channels))}
	for c := range res.Channels {
		in.Uplift[c] = res.Channels[c].Uplift
		in.CostIndex[c] = res.Channels[c].CostIndex
	}
	return in
}

// Exposure returns the carried-over weekly-rate exposure a_{c,t} of one
// channel for its spend per period (model.md, Response steps 1 and 2).
func Exposure(res *scenarios.Resolved, c int, spend, costIndex []float64, out []float64) []float64 {
	ch := &res.Channels[c]
	if out == nil {
		out = make([]float64, len(res.Periods))
	}
	prev := 0.0
	for t, p := range res.Periods {
		weeks := float64(p.Days) / 7
		e := spend[t] / weeks / costIndex[t]
		theta := math.Pow(ch.Carryover, weeks)
		prev = (1-theta)*e + theta*prev
		out[t] = prev
	}
	return out
}

// ChannelRevenue returns r_{c,t} for one channel, written into out.
func ChannelRevenue(res *scenarios.Resolved, c int, spend []float64, in Inputs, out []float64) []float64 {
	ch := &res.Channels[c]
	out = Exposure(res, c, spend, in.CostIndex[c], out)
	curve := ch.Curve
	if in.BetaFactor != nil {
		curve.Beta *= in.BetaFactor[c]
		curve.ROAS *= in.BetaFactor[c]
	}
	for t, p := range res.Periods {
		out[t] = float64(p.Days) / 7 * in.Uplift[c][t] * curve.Weekly(out[t])
	}
	return out
}

// Evaluate runs the forward model on spend[c][t] with the scenario's inputs.
func Evaluate(res *scenarios.Resolved, spend [][]float64) (revenue [][]float64, totals Totals) {
	return EvaluateWith(res, spend, NominalInputs(res))
}

// EvaluateWith runs the forward model with the given inputs.
func EvaluateWith(res *scenarios.Resolved, spend [][]float64, in Inputs) (revenue [][]float64, totals Totals) {
	revenue = make([][]float64, len(res.Channels))
	for c := range res.Channels {
		revenue[c] = ChannelRevenue(res, c, spend[c], in, nil)
		for t := range res.Periods {
			totals.Spend += spend[c][t]
			totals.Revenue += revenue[c][t]
		}
	}
	totals.finish(res)
	return revenue, totals
}

// TotalsWith is EvaluateWith without keeping the per-cell revenue, for
// simulations; buf is scratch space of one period row.
func TotalsWith(res *scenarios.Resolved, spend [][]float64, in Inputs, buf []float64) Totals {
	var totals Totals
	for c := range res.Channels {
		buf = ChannelRevenue(res, c, spend[c], in, buf)
		for t := range res.Periods {
			totals.Spend += spend[c][t]
			totals.Revenue += buf[t]
		}
	}
	totals.finish(res)
	return totals
}

func (tot *Totals) finish(res *scenarios.Resolved) {
	if tot.Spend > 0 {
		tot.ROAS = tot.Revenue / tot.Spend
	}
	tot.Profit = res.Margin*tot.Revenue - tot.Spend
}

// EvenSpend is the baseline of model.md: each channel keeps its total but
// spreads it at one constant daily rate over its available days.
func EvenSpend(res *scenarios.Resolved, spend [][]float64) [][]float64 {
	even := make([][]float64, len(res.Channels))
	for c := range res.Channels {
		ch := &res.Channels[c]
		total := 0.0
		for _, x := range spend[c] {
			total += x
		}
		even[c] = make([]float64, len(res.Periods))
		days := ch.TotalAvailableDays()
		if days == 0 {
			continue
		}
		for t := range res.Periods {
			even[c][t] = total * float64(ch.AvailableDays[t]) / float64(days)
		}
	}
	return even
}

// FestivalSpendShare is the share of total spend that falls on festival
// days, counting a period by its share of festival days.
func FestivalSpendShare(res *scenarios.Resolved, spend [][]float64) float64 {
	var onFestival, total float64
	for c := range res.Channels {
		for t := range res.Periods {
			onFestival += spend[c][t] * res.FestivalDayShare[t]
			total += spend[c][t]
		}
	}
	if total == 0 {
		return 0
	}
	return onFestival / total
}

// Uplift returns (plan - base) / |base|, or 0 when base is 0. Dividing by
// the magnitude keeps the sign meaningful when the baseline loses money.
func Uplift(plan, base float64) float64 {
	if base == 0 {
		return 0
	}
	return (plan - base) / math.Abs(base)
}
