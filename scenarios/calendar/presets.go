package calendar

import (
	"fmt"
	"slices"
)

// FirstYear and LastYear bound the years the festival calendar knows: the
// lunar table in presets.yaml covers exactly these years, and every preset is
// refused outside them rather than guessed.
const (
	FirstYear = 2024
	LastYear  = 2035
)

// Preset is a built-in festival: its names and its default multipliers. Its
// dates depend on the year; ask Window for them.
type Preset struct {
	Key       string  // the key a scenario names it by, e.g. "double11"
	Name      string  // English name, e.g. "Double 11"
	NameZH    string  // Chinese name, e.g. "双十一"
	About     string  // the peak day and window in a sentence
	Uplift    float64 // default demand multiplier over the window (1 = normal)
	CostIndex float64 // default media price multiplier over the window (1 = normal)
}

// Window is a festival's span of days in one year, with the multipliers that
// apply on each of its days.
type Window struct {
	Preset    string // the preset's key
	Name      string // the preset's English name
	From, To  Date   // first and last day, both inclusive
	Peak      Date   // the festival's main day; From <= Peak <= To
	Uplift    float64
	CostIndex float64
}

// Days returns the number of days the window covers.
func (w Window) Days() int { return w.From.DaysUntil(w.To) + 1 }

// Contains reports whether day d lies in the window.
func (w Window) Contains(d Date) bool { return w.From <= d && d <= w.To }

// YearError reports a year outside FirstYear..LastYear, where the calendar
// has no dates rather than wrong ones.
type YearError struct {
	Year int
}

func (e *YearError) Error() string {
	return fmt.Sprintf("the festival calendar covers %d-%d; %d is outside it: give the window with from/to",
		FirstYear, LastYear, e.Year)
}

func checkYear(year int) error {
	if year < FirstYear || year > LastYear {
		return &YearError{Year: year}
	}
	return nil
}

// Presets returns the built-in presets in calendar order.
func Presets() []Preset { return slices.Clone(builtin.presets) }

// Lookup returns the preset with the given key.
func Lookup(key string) (Preset, bool) {
	i, ok := builtin.index[key]
	if !ok {
		return Preset{}, false
	}
	return builtin.presets[i], true
}

// Window returns the preset's window of the given year: the one whose peak
// lies in that year. Its From may fall in December of the year before (the
// new-year goods festival ahead of an early Spring Festival). Name, Uplift
// and CostIndex are taken from p, so a preset whose defaults were overridden
// yields windows with the overrides.
func (p Preset) Window(year int) (Window, error) {
	if err := checkYear(year); err != nil {
		return Window{}, err
	}
	i, ok := builtin.index[p.Key]
	if !ok {
		return Window{}, fmt.Errorf("%q is not a festival preset", p.Key)
	}
	w := builtin.windows[i][year-FirstYear]
	w.Name, w.Uplift, w.CostIndex = p.Name, p.Uplift, p.CostIndex
	return w, nil
}

// Windows expands the preset over the days from..to as the scenario format
// does: one window per calendar year the range touches, clipped to the range,
// leaving out windows that fall wholly outside it. Peak keeps the festival's
// day even when clipping cuts it off. It fails when the range touches a year
// outside the calendar.
func (p Preset) Windows(from, to Date) ([]Window, error) {
	if to < from {
		return nil, fmt.Errorf("the range %s to %s ends before it starts", from, to)
	}
	var out []Window
	for year := from.Year(); year <= to.Year(); year++ {
		w, err := p.Window(year)
		if err != nil {
			return nil, err
		}
		w.From, w.To = max(w.From, from), min(w.To, to)
		if w.From <= w.To {
			out = append(out, w)
		}
	}
	return out, nil
}

// Year returns the windows of every preset in the given year, sorted by
// start day (ties in calendar order).
func Year(year int) ([]Window, error) {
	if err := checkYear(year); err != nil {
		return nil, err
	}
	out := make([]Window, 0, len(builtin.presets))
	for _, p := range builtin.presets {
		w, err := p.Window(year)
		if err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	slices.SortStableFunc(out, func(a, b Window) int { return int(a.From) - int(b.From) })
	return out, nil
}
