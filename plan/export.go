package plan

import (
	"github.com/peakplan/peakplan/scenarios"
)

// LongRow is one channel in one period, the row of an export in long
// format.
type LongRow struct {
	PeriodStart string
	PeriodEnd   string
	Channel     string
	Spend       float64
	Revenue     float64
	Festivals   []string // names of the festivals covering some day of the period
}

// LongRows lists the plan period by period, channel by channel. res may be
// nil (the scenario was not found): the festivals are then unknown.
func (d *Document) LongRows(res *scenarios.Resolved) []LongRow {
	var covering [][]string
	if res != nil && len(res.Periods) == len(d.Periods) {
		covering = make([][]string, len(res.Periods))
		for t := range res.Periods {
			covering[t] = FestivalsCovering(res, t)
		}
	}
	var rows []LongRow
	for t, p := range d.Periods {
		for _, ch := range d.Channels {
			r := LongRow{PeriodStart: p.Start, PeriodEnd: p.End, Channel: ch.Name}
			if t < len(ch.Spend) {
				r.Spend = ch.Spend[t]
			}
			if t < len(ch.Revenue) {
				r.Revenue = ch.Revenue[t]
			}
			if covering != nil {
				r.Festivals = covering[t]
			}
			rows = append(rows, r)
		}
	}
	return rows
}

// FestivalsCovering returns the names of the festivals that cover some day
// of period t, each name once, in the scenario's order.
func FestivalsCovering(res *scenarios.Resolved, t int) []string {
	p := res.Periods[t]
	var names []string
	seen := map[string]bool{}
	for _, f := range res.Festivals {
		if f.From <= p.End && p.Start <= f.To && !seen[f.Name] {
			seen[f.Name] = true
			names = append(names, f.Name)
		}
	}
	return names
}

// FestivalSpend returns, per festival window of res.Festivals, the spend
// that falls inside it, counting a period by its share of days in the
// window (like the budget windows of model.md).
func FestivalSpend(res *scenarios.Resolved, spend [][]float64) []float64 {
	out := make([]float64, len(res.Festivals))
	for f, fw := range res.Festivals {
		for t, p := range res.Periods {
			lo, hi := max(p.Start, fw.From), min(p.End, fw.To)
			if lo > hi {
				continue
			}
			share := float64(lo.DaysUntil(hi)+1) / float64(p.Days)
			for c := range spend {
				out[f] += spend[c][t] * share
			}
		}
	}
	return out
}
