package plan

import (
	"fmt"

	"github.com/peakplan/peakplan/scenarios/calendar"
)

// MonthTable is spend by calendar month and channel.
type MonthTable struct {
	Months   []string    // "2027-01"
	Channels []string    // channel names
	Spend    [][]float64 // [channel][month]
}

// Months spreads each period's spend over the calendar months it touches in
// proportion to its days, so a week across a month end is split fairly.
func (d *Document) Months() (MonthTable, error) {
	var tab MonthTable
	index := map[string]int{}
	type share struct {
		month int
		frac  float64
	}
	shares := make([][]share, len(d.Periods))
	for i, p := range d.Periods {
		start, err := calendar.ParseDate(p.Start)
		if err != nil {
			return tab, fmt.Errorf("period %d: %v", i+1, err)
		}
		end, err := calendar.ParseDate(p.End)
		if err != nil {
			return tab, fmt.Errorf("period %d: %v", i+1, err)
		}
		if end < start {
			return tab, fmt.Errorf("period %d ends before it starts", i+1)
		}
		days := float64(start.DaysUntil(end) + 1)
		for day := start; day <= end; day++ {
			key := fmt.Sprintf("%04d-%02d", day.Year(), int(day.Month()))
			m, ok := index[key]
			if !ok {
				m = len(tab.Months)
				index[key] = m
				tab.Months = append(tab.Months, key)
			}
			if n := len(shares[i]); n > 0 && shares[i][n-1].month == m {
				shares[i][n-1].frac += 1 / days
			} else {
				shares[i] = append(shares[i], share{month: m, frac: 1 / days})
			}
		}
	}
	for _, ch := range d.Channels {
		tab.Channels = append(tab.Channels, ch.Name)
		row := make([]float64, len(tab.Months))
		for i, x := range ch.Spend {
			if i >= len(shares) {
				break
			}
			for _, s := range shares[i] {
				row[s.month] += x * s.frac
			}
		}
		tab.Spend = append(tab.Spend, row)
	}
	return tab, nil
}
