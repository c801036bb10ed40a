package scenarios

import (
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/peakplan/peakplan/scenarios/calendar"
)

// The expectations in this file are computed independently of the code
// under test: periods from the time package's ISO weeks and months, daily
// multipliers from festival tables written out here, shares by counting
// days one at a time.

const goodDir = "../testdata/scenarios/good"

func loadGood(t *testing.T, name string) *Resolved {
	t.Helper()
	res, err := loadFile(t, filepath.Join(goodDir, name))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return res
}

func day(s string) time.Time {
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return d
}

func toDate(d time.Time) calendar.Date { return calendar.Date(d.Unix() / 86400) }

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

// span is a period as the test computes it.
type span struct {
	from, to time.Time
	days     int
}

// groupDays cuts [start, end] into runs of consecutive days that share a key.
func groupDays(start, end time.Time, key func(time.Time) [2]int) []span {
	var out []span
	for d := start; !d.After(end); d = d.AddDate(0, 0, 1) {
		if n := len(out); n > 0 && key(out[n-1].to) == key(d) {
			out[n-1].to = d
			out[n-1].days++
			continue
		}
		out = append(out, span{from: d, to: d, days: 1})
	}
	return out
}

func isoWeeks(start, end time.Time) []span {
	return groupDays(start, end, func(d time.Time) [2]int { y, w := d.ISOWeek(); return [2]int{y, w} })
}

func months(start, end time.Time) []span {
	return groupDays(start, end, func(d time.Time) [2]int { return [2]int{d.Year(), int(d.Month())} })
}

func checkPeriods(t *testing.T, res *Resolved, want []span) {
	t.Helper()
	if len(res.Periods) != len(want) {
		t.Fatalf("%d periods, want %d", len(res.Periods), len(want))
	}
	total := 0
	for i, p := range res.Periods {
		w := want[i]
		if p.Start != toDate(w.from) || p.End != toDate(w.to) || p.Days != w.days {
			t.Errorf("period %d: %s..%s (%d days), want %s..%s (%d)", i, p.Start, p.End, p.Days,
				w.from.Format(time.DateOnly), w.to.Format(time.DateOnly), w.days)
		}
		total += p.Days
	}
	if total != res.Days() {
		t.Errorf("periods hold %d days, the horizon %d", total, res.Days())
	}
}

// fest is a festival window as the test knows it, with per-channel
// overrides by channel name.
type fest struct {
	from, to string
	u, k     float64
	chU, chK map[string]float64
}

// daily returns u_c(d) and k_c(d) of model.md: the largest multiplier of the
// festivals covering the day, 1 when none does.
func daily(fs []fest, channel string, d time.Time) (u, k float64) {
	u, k = math.NaN(), math.NaN()
	for _, f := range fs {
		if d.Before(day(f.from)) || d.After(day(f.to)) {
			continue
		}
		fu, fk := f.u, f.k
		if v, ok := f.chU[channel]; ok {
			fu = v
		}
		if v, ok := f.chK[channel]; ok {
			fk = v
		}
		if math.IsNaN(u) || fu > u {
			u = fu
		}
		if math.IsNaN(k) || fk > k {
			k = fk
		}
	}
	if math.IsNaN(u) {
		u, k = 1, 1
	}
	return u, k
}

// checkMultipliers compares u_{c,t} and k_{c,t} of every channel and period
// with the means of the daily values.
func checkMultipliers(t *testing.T, res *Resolved, fs []fest) {
	t.Helper()
	for _, c := range res.Channels {
		for i, p := range res.Periods {
			var su, sk float64
			for d := p.Start.Time(); !d.After(p.End.Time()); d = d.AddDate(0, 0, 1) {
				u, k := daily(fs, c.Name, d)
				su += u
				sk += k
			}
			wu, wk := su/float64(p.Days), sk/float64(p.Days)
			if !near(c.Uplift[i], wu) || !near(c.CostIndex[i], wk) {
				t.Errorf("%s, period %s: uplift %v cost %v, want %v %v", c.Name, p.Start, c.Uplift[i], c.CostIndex[i], wu, wk)
			}
		}
	}
}

// checkFestivalShares counts the days some festival covers.
func checkFestivalShares(t *testing.T, res *Resolved, fs []fest) {
	t.Helper()
	covered := func(d time.Time) bool {
		for _, f := range fs {
			if !d.Before(day(f.from)) && !d.After(day(f.to)) {
				return true
			}
		}
		return false
	}
	total := 0
	for i, p := range res.Periods {
		n := 0
		for d := p.Start.Time(); !d.After(p.End.Time()); d = d.AddDate(0, 0, 1) {
			if covered(d) {
				n++
			}
		}
		total += n
		if !near(res.FestivalDayShare[i], float64(n)/float64(p.Days)) {
			t.Errorf("period %s: festival day share %v, want %d/%d", p.Start, res.FestivalDayShare[i], n, p.Days)
		}
	}
	if !near(res.FestivalDaysShare, float64(total)/float64(res.Days())) {
		t.Errorf("festival days share %v, want %d/%d", res.FestivalDaysShare, total, res.Days())
	}
}

func channelIndex(t *testing.T, res *Resolved, name string) int {
	t.Helper()
	for i, c := range res.Channels {
		if c.Name == name {
			return i
		}
	}
	t.Fatalf("no channel %q", name)
	return -1
}

func periodIndex(t *testing.T, res *Resolved, start string) int {
	t.Helper()
	i := res.PeriodOf(toDate(day(start)))
	if i < 0 || res.Periods[i].Start != toDate(day(start)) {
		t.Fatalf("no period starts on %s", start)
	}
	return i
}

// The festivals of weekly-full.yaml, with the preset windows of 2027 as
// `peakplan calendar --year 2027` lists them.
var weeklyFullFestivals = []fest{
	{from: "2027-02-05", to: "2027-02-13", u: 0.6, k: 0.85},                                              // spring-festival
	{from: "2027-05-13", to: "2027-06-20", u: 2.2, k: 1.7},                                               // 618, cost_index overridden
	{from: "2027-10-15", to: "2027-11-11", u: 3.2, k: 1.5, chU: map[string]float64{"tmall_search": 3.5}}, // double11
	{from: "2027-09-05", to: "2027-09-12", u: 1.4, k: 1.2},                                               // 99 with its own window
	{from: "2027-03-18", to: "2027-03-21", u: 2.0, k: 1.2},                                               // Spring sale
	{from: "2027-06-14", to: "2027-06-20", u: 1.5, k: 1.1,
		chU: map[string]float64{"douyin_live": 4.0}, chK: map[string]float64{"douyin_live": 2.0}}, // Brand week
	{from: "2027-07-19", to: "2027-08-01", u: 0.8, k: 0.9}, // Summer lull
}

func TestWeeklyFull(t *testing.T) {
	res := loadGood(t, "weekly-full.yaml")
	checkPeriods(t, res, isoWeeks(day("2027-01-01"), day("2027-12-31")))
	// ISO weeks: the first runs Friday to Sunday, the last Monday to Friday,
	// every other one Monday to Sunday.
	first, last := res.Periods[0], res.Periods[len(res.Periods)-1]
	if first.Days != 3 || last.Days != 5 || len(res.Periods) != 53 {
		t.Errorf("first %d days, last %d days, %d periods; want 3, 5, 53", first.Days, last.Days, len(res.Periods))
	}
	for _, p := range res.Periods[1:] {
		if p.Start.Weekday() != time.Monday {
			t.Errorf("period %s starts on a %s", p.Start, p.Start.Weekday())
		}
	}

	if res.Name != "Weekly, everything" || res.Currency != "USD" || res.Granularity != Week ||
		res.Objective != MaximiseRevenue || res.Margin != 0.5 || res.MinROAS != 1.5 || res.BudgetTotal != 6000000 {
		t.Errorf("top-level fields: %+v", res)
	}

	checkMultipliers(t, res, weeklyFullFestivals)
	checkFestivalShares(t, res, weeklyFullFestivals)

	tmall, douyin := channelIndex(t, res, "tmall_search"), channelIndex(t, res, "douyin_live")
	wechat, outdoor := channelIndex(t, res, "wechat_moments"), channelIndex(t, res, "outdoor")
	// The same facts by hand, for the reader.
	for _, tc := range []struct {
		what    string
		c       int
		week    string
		u, k    float64
		isShare bool
	}{
		// Spring sale covers Thursday to Sunday of the week of March 15.
		{"a festival covering 4 of 7 days", tmall, "2027-03-15", (3*1 + 4*2.0) / 7, (3*1 + 4*1.2) / 7, false},
		// Brand week lies inside 618: the larger uplift, 618's, wins...
		{"two festivals overlapping", tmall, "2027-06-14", 2.2, 1.7, false},
		// ...except for douyin_live, whose own Brand week uplift is larger.
		{"a per-channel override", douyin, "2027-06-14", 4.0, 2.0, false},
		{"the double11 override", tmall, "2027-11-08", (4*3.5 + 3) / 7, (4*1.5 + 3) / 7, false},
		{"double11 without override", douyin, "2027-11-08", (4*3.2 + 3) / 7, (4*1.5 + 3) / 7, false},
		// A slump: uplift below 1.
		{"the summer lull", wechat, "2027-07-19", 0.8, 0.9, false},
		{"spring festival, 6 of 7 days", wechat, "2027-02-08", (6*0.6 + 1) / 7, (6*0.85 + 1) / 7, false},
	} {
		i := periodIndex(t, res, tc.week)
		c := res.Channels[tc.c]
		if !near(c.Uplift[i], tc.u) || !near(c.CostIndex[i], tc.k) {
			t.Errorf("%s: week of %s, %s: uplift %v, cost %v; want %v, %v", tc.what, tc.week, c.Name, c.Uplift[i], c.CostIndex[i], tc.u, tc.k)
		}
	}
	if i := periodIndex(t, res, "2027-07-19"); res.Channels[wechat].Uplift[i] >= 1 {
		t.Errorf("the summer lull is not a slump")
	}

	// Availability and per-week limits scaled by n/7.
	avail := func(d time.Time) bool {
		return (!d.Before(day("2027-03-03")) && !d.After(day("2027-11-30"))) ||
			(!d.Before(day("2027-12-20")) && !d.After(day("2027-12-22")))
	}
	o := res.Channels[outdoor]
	for i, p := range res.Periods {
		n := 0
		for d := p.Start.Time(); !d.After(p.End.Time()); d = d.AddDate(0, 0, 1) {
			if avail(d) {
				n++
			}
		}
		if o.AvailableDays[i] != n || !near(o.Lower[i], 7000*float64(n)/7) || !near(o.Upper[i], 70000*float64(n)/7) {
			t.Errorf("outdoor, period %s: n %d lower %v upper %v; want n %d", p.Start, o.AvailableDays[i], o.Lower[i], o.Upper[i], n)
		}
	}
	for week, n := range map[string]int{"2027-02-22": 0, "2027-03-01": 5, "2027-03-08": 7, "2027-11-29": 2, "2027-12-06": 0, "2027-12-20": 3} {
		if i := periodIndex(t, res, week); o.AvailableDays[i] != n {
			t.Errorf("outdoor, week of %s: %d available days, want %d", week, o.AvailableDays[i], n)
		}
	}
	if i := periodIndex(t, res, "2027-02-22"); o.Upper[i] != 0 {
		t.Errorf("outdoor may spend %v in a week it is unavailable", o.Upper[i])
	}
	// min_active_per_week scales the same way; the first week has 3 days.
	d := res.Channels[douyin]
	if !near(d.MinActive[0], 42000*3.0/7) || !near(d.MinActive[1], 42000) || !near(d.Upper[0], 250000*3.0/7) {
		t.Errorf("douyin_live: min active %v, %v; upper %v", d.MinActive[0], d.MinActive[1], d.Upper[0])
	}
	if !math.IsInf(res.Channels[tmall].SpendMax, 1) || res.Channels[wechat].SpendMin != 100000 || res.Channels[wechat].SpendMax != 900000 {
		t.Errorf("spend limits: tmall max %v, wechat %v..%v", res.Channels[tmall].SpendMax, res.Channels[wechat].SpendMin, res.Channels[wechat].SpendMax)
	}
	if !math.IsInf(res.Channels[wechat].Upper[5], 1) || res.Channels[wechat].Lower[5] != 0 {
		t.Errorf("wechat without per_week: %v..%v", res.Channels[wechat].Lower[5], res.Channels[wechat].Upper[5])
	}

	// Budget windows: a period counts by its share of days in the window.
	if len(res.Windows) != 2 {
		t.Fatalf("%d budget windows", len(res.Windows))
	}
	for wi, w := range []struct {
		from, to string
		min, max float64
	}{{"2027-01-01", "2027-03-31", 0, 1500000}, {"2027-10-06", "2027-11-11", 2000000, math.Inf(1)}} {
		bl := res.Windows[wi]
		if bl.Index != wi || bl.Min != w.min || bl.Max != w.max {
			t.Errorf("window %d: %+v", wi, bl)
		}
		for i, p := range res.Periods {
			in := 0
			for d := p.Start.Time(); !d.After(p.End.Time()); d = d.AddDate(0, 0, 1) {
				if !d.Before(day(w.from)) && !d.After(day(w.to)) {
					in++
				}
			}
			if !near(bl.Share[i], float64(in)/float64(p.Days)) {
				t.Errorf("window %d, period %s: share %v, want %d/%d", wi, p.Start, bl.Share[i], in, p.Days)
			}
		}
	}
	for _, tc := range []struct {
		w     int
		week  string
		share float64
	}{{0, "2027-01-01", 1}, {0, "2027-03-29", 3.0 / 7}, {0, "2027-04-05", 0}, {1, "2027-10-04", 5.0 / 7}, {1, "2027-11-08", 4.0 / 7}} {
		if got := res.Windows[tc.w].Share[periodIndex(t, res, tc.week)]; !near(got, tc.share) {
			t.Errorf("window %d, week of %s: share %v, want %v", tc.w, tc.week, got, tc.share)
		}
	}

	// Groups, by channel index.
	if len(res.Groups) != 2 || res.Groups[0].Name != "brand building" || len(res.Groups[0].Channels) != 2 ||
		res.Groups[0].Channels[0] != wechat || res.Groups[0].Channels[1] != outdoor ||
		res.Groups[0].MinShare != 0.1 || res.Groups[0].MaxShare != 0.5 ||
		res.Groups[1].MinShare != 0 || res.Groups[1].MaxShare != 0.6 {
		t.Errorf("groups: %+v", res.Groups)
	}

	// Uncertainty, with douyin_live's own beta_cv.
	u := res.Uncertainty
	if !u.Given || u.Samples != 2000 || u.Seed != 7 || u.BetaCV != 0.2 || u.UpliftCV != 0.15 || u.CostIndexCV != 0.1 {
		t.Errorf("uncertainty %+v", u)
	}
	if res.Channels[douyin].BetaCV != 0.3 || res.Channels[tmall].BetaCV != 0.2 {
		t.Errorf("beta_cv: douyin %v, tmall %v", res.Channels[douyin].BetaCV, res.Channels[tmall].BetaCV)
	}

	// Curves as given.
	if c := res.Channels[douyin].Curve; c.Kind != Hill || c.Beta != 420000 || c.Half != 70000 || c.Shape != 2.2 || res.Channels[douyin].Carryover != 0.2 {
		t.Errorf("douyin_live curve %+v", c)
	}
	if c := res.Channels[outdoor].Curve; c.Kind != Linear || c.ROAS != 1.8 {
		t.Errorf("outdoor curve %+v", c)
	}

	// Festival windows: the preset with its own window keeps its peak.
	var ninetyNine *FestivalWindow
	for i := range res.Festivals {
		if res.Festivals[i].Preset == "99" {
			ninetyNine = &res.Festivals[i]
		}
	}
	if ninetyNine == nil || ninetyNine.From != toDate(day("2027-09-05")) || ninetyNine.To != toDate(day("2027-09-12")) ||
		ninetyNine.Peak != toDate(day("2027-09-09")) || ninetyNine.Uplift != 1.4 {
		t.Errorf("the 99 window: %+v", ninetyNine)
	}
}

func TestDaily(t *testing.T) {
	res := loadGood(t, "daily.yaml")
	if res.Granularity != Day || len(res.Periods) != 30 {
		t.Fatalf("%s, %d periods", res.Granularity, len(res.Periods))
	}
	checkPeriods(t, res, groupDays(day("2027-11-01"), day("2027-11-30"), func(d time.Time) [2]int { return [2]int{d.YearDay(), 0} }))
	fs := []fest{
		{from: "2027-11-01", to: "2027-11-11", u: 2.8, k: 1.8}, // double11, clipped
		{from: "2027-11-26", to: "2027-11-29", u: 3.0, k: 1.7}, // black-friday
		{from: "2027-11-09", to: "2027-11-12", u: 4.0, k: 1.2}, // Final push
	}
	checkMultipliers(t, res, fs)
	checkFestivalShares(t, res, fs)
	c := res.Channels[0]
	// By hand: where Final push overlaps Double 11, the larger of each
	// multiplier wins, independently of each other.
	for dd, want := range map[int][2]float64{1: {2.8, 1.8}, 9: {4.0, 1.8}, 11: {4.0, 1.8}, 12: {4.0, 1.2}, 13: {1, 1}, 26: {3.0, 1.7}, 30: {1, 1}} {
		if c.Uplift[dd-1] != want[0] || c.CostIndex[dd-1] != want[1] {
			t.Errorf("November %d: uplift %v cost %v, want %v", dd, c.Uplift[dd-1], c.CostIndex[dd-1], want)
		}
	}
	if !near(res.FestivalDaysShare, 16.0/30) {
		t.Errorf("festival days share %v, want 16/30", res.FestivalDaysShare)
	}
	for i := range res.Periods {
		if !near(c.Upper[i], 10000) {
			t.Errorf("day %d: upper %v, want 70000/7", i, c.Upper[i])
		}
	}
	// The double11 window is clipped to the horizon but keeps its peak.
	fw := res.Festivals[0]
	if fw.Preset != "double11" || fw.From != toDate(day("2027-11-01")) || fw.Peak != toDate(day("2027-11-11")) {
		t.Errorf("double11: %+v", fw)
	}
}

func TestMonthly(t *testing.T) {
	res := loadGood(t, "monthly.yaml")
	checkPeriods(t, res, months(day("2027-01-15"), day("2027-12-10")))
	if res.Periods[0].Days != 17 || res.Periods[len(res.Periods)-1].Days != 10 || len(res.Periods) != 12 {
		t.Errorf("first %d days, last %d, %d periods", res.Periods[0].Days, res.Periods[len(res.Periods)-1].Days, len(res.Periods))
	}
	fs := []fest{{from: "2027-10-15", to: "2027-11-11", u: 2.8, k: 1.8}}
	checkMultipliers(t, res, fs)
	checkFestivalShares(t, res, fs)
	c := res.Channels[0]
	oct, nov := periodIndex(t, res, "2027-10-01"), periodIndex(t, res, "2027-11-01")
	if !near(c.Uplift[oct], (14+17*2.8)/31) || !near(c.Uplift[nov], (19+11*2.8)/30) {
		t.Errorf("October %v, November %v", c.Uplift[oct], c.Uplift[nov])
	}
	w := res.Windows[0]
	for month, share := range map[string]float64{"2027-02-01": 0, "2027-03-01": 22.0 / 31, "2027-04-01": 1, "2027-05-01": 20.0 / 31, "2027-06-01": 0} {
		if got := w.Share[periodIndex(t, res, month)]; !near(got, share) {
			t.Errorf("window share of %s: %v, want %v", month, got, share)
		}
	}
	// Available Feb 10-23 and from June: a month's limit is per_week.max * n/7.
	for month, n := range map[string]int{"2027-01-15": 0, "2027-02-01": 14, "2027-03-01": 0, "2027-06-01": 30, "2027-12-01": 10} {
		i := periodIndex(t, res, month)
		if c.AvailableDays[i] != n || !near(c.Upper[i], 35000*float64(n)/7) {
			t.Errorf("%s: n %d upper %v, want n %d", month, c.AvailableDays[i], c.Upper[i], n)
		}
	}
}

func TestMultiYear(t *testing.T) {
	res := loadGood(t, "multi-year.yaml")
	checkPeriods(t, res, isoWeeks(day("2026-07-01"), day("2028-06-30")))
	if res.Days() != 731 || res.Periods[0].Days != 5 || res.Periods[len(res.Periods)-1].Days != 5 {
		t.Errorf("%d days; first period %d days, last %d", res.Days(), res.Periods[0].Days, res.Periods[len(res.Periods)-1].Days)
	}
	// An ISO week is not cut at New Year.
	if i := periodIndex(t, res, "2026-12-28"); res.Periods[i].End != toDate(day("2027-01-03")) {
		t.Errorf("the week of 2026-12-28 ends %s", res.Periods[i].End)
	}
	// One window per calendar year the horizon touches, clipped, the ones
	// wholly outside left out (618 of 2026, new-year goods of 2026).
	want := []struct{ preset, from, to, peak string }{
		{"new-year-goods", "2027-01-12", "2027-01-24", "2027-01-23"},
		{"new-year-goods", "2028-01-01", "2028-01-13", "2028-01-12"},
		{"spring-festival", "2027-02-05", "2027-02-13", "2027-02-06"},
		{"spring-festival", "2028-01-25", "2028-02-02", "2028-01-26"},
		{"618", "2027-05-13", "2027-06-20", "2027-06-18"},
		{"618", "2028-05-13", "2028-06-20", "2028-06-18"},
		{"double11", "2026-10-15", "2026-11-11", "2026-11-11"},
		{"double11", "2027-10-15", "2027-11-11", "2027-11-11"},
	}
	if len(res.Festivals) != len(want) {
		t.Fatalf("%d festival windows, want %d: %+v", len(res.Festivals), len(want), res.Festivals)
	}
	var fs []fest
	for i, w := range want {
		f := res.Festivals[i]
		if f.Preset != w.preset || f.From != toDate(day(w.from)) || f.To != toDate(day(w.to)) || f.Peak != toDate(day(w.peak)) {
			t.Errorf("window %d: %s %s..%s peak %s, want %+v", i, f.Preset, f.From, f.To, f.Peak, w)
		}
		p, _ := calendar.Lookup(w.preset)
		fs = append(fs, fest{from: w.from, to: w.to, u: p.Uplift, k: p.CostIndex})
	}
	checkMultipliers(t, res, fs)
	checkFestivalShares(t, res, fs)
}

func TestCJK(t *testing.T) {
	res := loadGood(t, "cjk.yaml")
	if res.Name != "护肤品牌 2027 年度计划" || len(res.Channels) != 3 || res.Channels[1].Name != "抖音直播" || res.Channels[0].Kind != "效果" {
		t.Fatalf("names: %q, %+v", res.Name, res.Channels)
	}
	long := res.Channels[2].Name
	if n := len([]rune(long)); n != MaxNameRunes {
		t.Errorf("the long name has %d characters, want exactly %d", n, MaxNameRunes)
	}
	if res.Groups[0].Name != "品牌建设" || res.Groups[0].Channels[0] != 2 {
		t.Errorf("group %+v", res.Groups[0])
	}
	if res.Festivals[0].Name != "双十一" || res.Festivals[0].Preset != "double11" {
		t.Errorf("a preset renamed: %+v", res.Festivals[0])
	}
	fs := []fest{
		{from: "2027-10-15", to: "2027-11-11", u: 2.8, k: 1.8},
		{from: "2027-08-08", to: "2027-08-10", u: 1.8, k: 1, chU: map[string]float64{"抖音直播": 2.5}, chK: map[string]float64{"抖音直播": 1.3}},
	}
	checkMultipliers(t, res, fs)
	i := periodIndex(t, res, "2027-08-02") // Sunday August 8 is its last day
	if !near(res.Channels[1].Uplift[i], (6+2.5)/7) || !near(res.Channels[0].Uplift[i], (6+1.8)/7) || !near(res.Channels[1].CostIndex[i], (6+1.3)/7) {
		t.Errorf("week of August 2: 抖音直播 %v, 天猫搜索 %v", res.Channels[1].Uplift[i], res.Channels[0].Uplift[i])
	}
}

func TestCurves(t *testing.T) {
	res := loadGood(t, "curves.yaml")
	for _, tc := range []struct {
		name              string
		kind              CurveKind
		beta, half, shape float64
		fitted            bool
	}{
		{"hill_params", Hill, 500000, 100000, 2, false},
		{"exponential_params", Exponential, 200000, 50000, 0, false},
		{"logistic_params", Logistic, 90000, 30000, 0, false},
		{"hill_points", Hill, 500000, 100000, 2, true},
		{"exponential_points", Exponential, 200000, 50000, 0, true},
		{"logistic_points", Logistic, 90000, 30000, 0, true},
	} {
		c := res.Channels[channelIndex(t, res, tc.name)]
		rel := func(a, b float64) bool { return math.Abs(a-b) <= 1e-4*math.Max(1, math.Abs(b)) }
		if c.Curve.Kind != tc.kind || !rel(c.Curve.Beta, tc.beta) || !rel(c.Curve.Half, tc.half) || !rel(c.Curve.Shape, tc.shape) {
			t.Errorf("%s: %+v, want beta %v half %v shape %v", tc.name, c.Curve, tc.beta, tc.half, tc.shape)
		}
		if tc.fitted != (c.Fit != nil) {
			t.Errorf("%s: fit %+v", tc.name, c.Fit)
		}
		if c.Fit != nil && (c.Fit.RMSE > 1 || c.Fit.Curve != c.Curve) {
			t.Errorf("%s: fit %+v", tc.name, c.Fit)
		}
	}
	lin := res.Channels[channelIndex(t, res, "linear_roas")]
	if lin.Curve.Kind != Linear || lin.Curve.ROAS != 2.5 || lin.SpendMax != 400000 {
		t.Errorf("linear: %+v", lin)
	}
	// The lift tests of scenario.md fit an S-curve; the fit has an error.
	lt := res.Channels[channelIndex(t, res, "hill_lift_tests")]
	if lt.Fit == nil || lt.Fit.Points != 4 || lt.Fit.RMSE <= 0 || !lt.Curve.IsSCurve() {
		t.Errorf("lift tests: %+v", lt.Fit)
	}
}

func TestMinimalDefaults(t *testing.T) {
	res := loadGood(t, "minimal.yaml")
	if res.Name != "minimal" || res.Currency != "CNY" || res.Granularity != Week || res.Objective != MaximiseRevenue ||
		res.Margin != 0 || res.HasMargin() || res.MinROAS != 0 || res.TargetRevenue != 0 || res.BudgetTotal != 1000000 {
		t.Errorf("defaults: %+v", res)
	}
	c := res.Channels[0]
	if c.Carryover != 0 || c.SpendMin != 0 || !math.IsInf(c.SpendMax, 1) || c.Kind != "" || c.BetaCV != 0 {
		t.Errorf("channel defaults: %+v", c)
	}
	for i := range res.Periods {
		if c.Uplift[i] != 1 || c.CostIndex[i] != 1 || c.Lower[i] != 0 || !math.IsInf(c.Upper[i], 1) || c.MinActive[i] != 0 ||
			c.AvailableDays[i] != res.Periods[i].Days {
			t.Fatalf("period %d: %+v", i, c)
		}
	}
	if c.TotalAvailableDays() != 365 || res.FestivalDaysShare != 0 || len(res.Windows) != 0 || len(res.Groups) != 0 {
		t.Errorf("totals: %d days, share %v", c.TotalAvailableDays(), res.FestivalDaysShare)
	}
	if u := res.Uncertainty; u.Given || u.Samples != DefaultSamples || u.BetaCV != 0 {
		t.Errorf("uncertainty defaults: %+v", u)
	}
}

func TestObjectives(t *testing.T) {
	p := loadGood(t, "profit.yaml")
	if p.Objective != MaximiseProfit || p.Margin != 0.4 || !p.HasMargin() || p.MinROAS != 2 || p.BudgetTotal != 2000000 {
		t.Errorf("profit: %+v", p)
	}
	s := loadGood(t, "spend.yaml")
	if s.Objective != MinimiseSpend || s.TargetRevenue != 10000000 || !math.IsInf(s.BudgetTotal, 1) || s.Granularity != Month {
		t.Errorf("spend: %+v", s)
	}
}

func TestExample(t *testing.T) {
	res, err := loadFile(t, "../examples/skincare-2027.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if res.Name != "Skincare brand, 2027 annual plan" || len(res.Channels) != 6 || len(res.Periods) != 53 {
		t.Errorf("example: %q, %d channels, %d periods", res.Name, len(res.Channels), len(res.Periods))
	}
}

// MakePeriods against the time package over random ranges.
func TestMakePeriodsRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 300 {
		start := day("2024-01-01").AddDate(0, 0, rng.IntN(4000))
		end := start.AddDate(0, 0, rng.IntN(800))
		for g, want := range map[Granularity][]span{
			Week:  isoWeeks(start, end),
			Month: months(start, end),
			Day:   groupDays(start, end, func(d time.Time) [2]int { return [2]int{d.Year(), d.YearDay()} }),
		} {
			got := MakePeriods(toDate(start), toDate(end), g)
			if len(got) != len(want) {
				t.Fatalf("%s %s..%s: %d periods, want %d", g, start, end, len(got), len(want))
			}
			for i := range got {
				if got[i].Start != toDate(want[i].from) || got[i].End != toDate(want[i].to) || got[i].Days != want[i].days {
					t.Fatalf("%s %s..%s: period %d is %+v, want %+v", g, start, end, i, got[i], want[i])
				}
			}
		}
	}
}

// Multipliers with factors scales each festival's values before taking the
// largest, as simulations need.
func TestMultipliersWithFactors(t *testing.T) {
	res := loadGood(t, "daily.yaml")
	uf := []float64{1, 1, 0.5} // Final push drops to uplift 2.0, below Double 11's 2.8
	kf := []float64{2, 1, 1}   // Double 11 costs 3.6
	u, k := res.Multipliers(uf, kf)
	if u[0][9] != 2.8 || u[0][11] != 2.0 || k[0][0] != 3.6 || k[0][11] != 1.2 {
		t.Errorf("Nov 10: %v, Nov 12: %v, cost Nov 1: %v, Nov 12: %v", u[0][9], u[0][11], k[0][0], k[0][11])
	}
	u0, _ := res.Multipliers(nil, nil)
	if u0[0][11] != 4.0 {
		t.Errorf("without factors Nov 12 is %v", u0[0][11])
	}
}

// A channel's override does not leak to other channels, and channels
// without overrides get equal but separate slices.
func TestMultipliersSeparateSlices(t *testing.T) {
	res := loadGood(t, "weekly-full.yaml")
	u, _ := res.Multipliers(nil, nil)
	u[2][0] = 99
	if u[3][0] == 99 {
		t.Errorf("two channels share one slice")
	}
}
