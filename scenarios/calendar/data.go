package calendar

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// presetsYAML holds the presets' defaults and the lunar dates. They are data
// so that they can be reviewed and updated without touching the logic.
//
//go:embed presets.yaml
var presetsYAML []byte

// maxWindowDays bounds a window's length; the longest real one (618 with its
// presale) is about six weeks, so anything longer is a typo in the data.
const maxWindowDays = 60

// table is the parsed data: the presets in calendar order and each preset's
// window for every year of the calendar.
type table struct {
	presets []Preset
	index   map[string]int                     // key -> position in presets
	windows [][LastYear - FirstYear + 1]Window // by preset, then year
}

// builtin is parsed once at start-up. The file is embedded, so an error in it
// is a programming error caught by the package's tests, not a user's mistake.
var builtin = mustParse(presetsYAML)

func mustParse(data []byte) *table {
	t, err := parse(data)
	if err != nil {
		panic("calendar: presets.yaml: " + err.Error())
	}
	return t
}

// The file's shape; presets.yaml documents the fields.
type presetsFile struct {
	Lunar   []lunarRow  `yaml:"lunar"`
	Presets []presetRow `yaml:"presets"`
}

type lunarRow struct {
	Year           int       `yaml:"year"`
	SpringFestival dateValue `yaml:"spring_festival"`
	Qixi           dateValue `yaml:"qixi"`
	MidAutumn      dateValue `yaml:"mid_autumn"`
}

type presetRow struct {
	Key       string          `yaml:"key"`
	Name      string          `yaml:"name"`
	NameZH    string          `yaml:"name_zh"`
	About     string          `yaml:"about"`
	Peak      peakRule        `yaml:"peak"`
	Window    offsets         `yaml:"window"`
	Years     map[int]yearRow `yaml:"years"`
	Uplift    float64         `yaml:"uplift"`
	CostIndex float64         `yaml:"cost_index"`
}

type peakRule struct {
	MonthDay   string      `yaml:"month_day"`
	Lunar      string      `yaml:"lunar"`
	NthWeekday *nthWeekday `yaml:"nth_weekday"`
	Offset     int         `yaml:"offset"`
}

type nthWeekday struct {
	Month   int    `yaml:"month"`
	Weekday string `yaml:"weekday"`
	N       int    `yaml:"n"`
}

// offsets are days relative to the peak; pointers tell a missing field from 0.
type offsets struct {
	Start *int `yaml:"start"`
	End   *int `yaml:"end"`
}

type yearRow struct {
	From dateValue `yaml:"from"`
	To   dateValue `yaml:"to"`
	Peak dateValue `yaml:"peak"` // optional: the rule's peak when absent
}

// dateValue reads a YYYY-MM-DD scalar, remembering whether one was given
// (Date's zero value is a real day, 1970-01-01).
type dateValue struct {
	Date
	set bool
}

func (v *dateValue) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: want a date YYYY-MM-DD", n.Line)
	}
	d, err := ParseDate(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %v", n.Line, err)
	}
	v.Date, v.set = d, true
	return nil
}

// lunarKinds are the lunar festivals the table gives, by the name a peak rule
// uses for them.
var lunarKinds = map[string]func(lunarRow) dateValue{
	"spring_festival": func(r lunarRow) dateValue { return r.SpringFestival },
	"qixi":            func(r lunarRow) dateValue { return r.Qixi },
	"mid_autumn":      func(r lunarRow) dateValue { return r.MidAutumn },
}

// parse reads and checks the data file and computes every window, so that
// any inconsistency shows at start-up (and in the tests), not on some date.
func parse(data []byte) (*table, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var f presetsFile
	if err := dec.Decode(&f); err != nil {
		return nil, err
	}
	lunar, err := checkLunar(f.Lunar)
	if err != nil {
		return nil, err
	}
	if len(f.Presets) == 0 {
		return nil, errors.New("no presets")
	}
	t := &table{index: map[string]int{}}
	for _, row := range f.Presets {
		p, windows, err := row.build(lunar)
		if err != nil {
			return nil, fmt.Errorf("preset %q: %v", row.Key, err)
		}
		if _, dup := t.index[p.Key]; dup {
			return nil, fmt.Errorf("preset %q is listed twice", p.Key)
		}
		t.index[p.Key] = len(t.presets)
		t.presets = append(t.presets, p)
		t.windows = append(t.windows, windows)
	}
	return t, nil
}

// checkLunar requires exactly one row per calendar year, each with all three
// dates inside its own year, and returns the rows by year offset.
func checkLunar(rows []lunarRow) ([]lunarRow, error) {
	byYear := make([]lunarRow, LastYear-FirstYear+1)
	seen := make([]bool, len(byYear))
	for _, r := range rows {
		if err := checkYear(r.Year); err != nil {
			return nil, fmt.Errorf("lunar table: %v", err)
		}
		i := r.Year - FirstYear
		if seen[i] {
			return nil, fmt.Errorf("lunar table: %d is listed twice", r.Year)
		}
		seen[i] = true
		for kind, get := range lunarKinds {
			d := get(r)
			if !d.set {
				return nil, fmt.Errorf("lunar table: %d has no %s", r.Year, kind)
			}
			if d.Year() != r.Year {
				return nil, fmt.Errorf("lunar table: %s %s is not in %d", kind, d.Date, r.Year)
			}
		}
		byYear[i] = r
	}
	for i, ok := range seen {
		if !ok {
			return nil, fmt.Errorf("lunar table: %d is missing", FirstYear+i)
		}
	}
	return byYear, nil
}

// build checks one preset and computes its window for every calendar year.
func (row presetRow) build(lunar []lunarRow) (Preset, [LastYear - FirstYear + 1]Window, error) {
	var windows [LastYear - FirstYear + 1]Window
	p := Preset{Key: row.Key, Name: row.Name, NameZH: row.NameZH, About: row.About,
		Uplift: row.Uplift, CostIndex: row.CostIndex}
	switch {
	case p.Key == "" || p.Name == "" || p.NameZH == "" || p.About == "":
		return p, windows, errors.New("key, name, name_zh and about are all required")
	case !(p.Uplift > 0) || !(p.CostIndex > 0) || p.Uplift > 100 || p.CostIndex > 100:
		return p, windows, fmt.Errorf("uplift %v and cost_index %v must be positive and finite", p.Uplift, p.CostIndex)
	case row.Window.Start == nil || row.Window.End == nil:
		return p, windows, errors.New("window needs start and end")
	case *row.Window.Start > 0 || *row.Window.End < 0:
		return p, windows, fmt.Errorf("window %d..%d days around the peak does not contain the peak",
			*row.Window.Start, *row.Window.End)
	}
	peakOf, err := row.Peak.compile(lunar)
	if err != nil {
		return p, windows, err
	}
	for year := range row.Years {
		if err := checkYear(year); err != nil {
			return p, windows, fmt.Errorf("years: %v", err)
		}
	}
	for i := range windows {
		year := FirstYear + i
		peak, err := peakOf(year)
		if err != nil {
			return p, windows, err
		}
		w := Window{Preset: p.Key, Name: p.Name, Peak: peak,
			From: peak.AddDays(*row.Window.Start), To: peak.AddDays(*row.Window.End),
			Uplift: p.Uplift, CostIndex: p.CostIndex}
		if y, ok := row.Years[year]; ok {
			if !y.From.set || !y.To.set {
				return p, windows, fmt.Errorf("years: %d needs from and to", year)
			}
			w.From, w.To = y.From.Date, y.To.Date
			if y.Peak.set {
				w.Peak = y.Peak.Date
			}
		}
		switch {
		case w.Peak.Year() != year:
			return p, windows, fmt.Errorf("the peak of %d falls on %s, outside that year", year, w.Peak)
		case !w.Contains(w.Peak):
			return p, windows, fmt.Errorf("the window of %d, %s to %s, does not contain its peak %s", year, w.From, w.To, w.Peak)
		case w.Days() > maxWindowDays:
			return p, windows, fmt.Errorf("the window of %d, %s to %s, is longer than %d days", year, w.From, w.To, maxWindowDays)
		}
		windows[i] = w
	}
	return p, windows, nil
}

// compile turns a peak rule into a function from year to peak day, after
// checking that exactly one kind of rule is given.
func (r peakRule) compile(lunar []lunarRow) (func(year int) (Date, error), error) {
	kinds := 0
	for _, given := range []bool{r.MonthDay != "", r.Lunar != "", r.NthWeekday != nil} {
		if given {
			kinds++
		}
	}
	if kinds != 1 {
		return nil, errors.New("peak needs exactly one of month_day, lunar and nth_weekday")
	}
	shift := func(d Date) Date { return d.AddDays(r.Offset) }
	switch {
	case r.MonthDay != "":
		return func(year int) (Date, error) {
			// ParseDate rather than MakeDate, so "02-30" is refused, not moved to March.
			d, err := ParseDate(fmt.Sprintf("%04d-%s", year, r.MonthDay))
			if err != nil {
				return 0, fmt.Errorf("month_day %q is not a day of %d", r.MonthDay, year)
			}
			return shift(d), nil
		}, nil
	case r.Lunar != "":
		get, ok := lunarKinds[r.Lunar]
		if !ok {
			return nil, fmt.Errorf("lunar %q is not one of spring_festival, qixi and mid_autumn", r.Lunar)
		}
		return func(year int) (Date, error) { return shift(get(lunar[year-FirstYear]).Date), nil }, nil
	default:
		nw := r.NthWeekday
		wd, ok := parseWeekday(nw.Weekday)
		if !ok || nw.Month < 1 || nw.Month > 12 || nw.N < 1 || nw.N > 4 {
			return nil, fmt.Errorf("nth_weekday needs a month 1-12, a weekday name and n 1-4, not %+v", *nw)
		}
		return func(year int) (Date, error) {
			return shift(nthWeekdayOf(year, time.Month(nw.Month), wd, nw.N)), nil
		}, nil
	}
}

func parseWeekday(name string) (time.Weekday, bool) {
	for wd := time.Sunday; wd <= time.Saturday; wd++ {
		if strings.EqualFold(wd.String(), name) {
			return wd, true
		}
	}
	return 0, false
}

// nthWeekdayOf returns the n-th given weekday of the month, e.g. the fourth
// Thursday of November (n from 1, at most 4 so it always exists).
func nthWeekdayOf(year int, month time.Month, wd time.Weekday, n int) Date {
	first := MakeDate(year, month, 1)
	ahead := (int(wd) - int(first.Weekday()) + 7) % 7
	return first.AddDays(ahead + 7*(n-1))
}
