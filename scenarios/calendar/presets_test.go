package calendar

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// The lunar dates of spec/data/lunar.md, typed in again here rather than read
// from presets.yaml, so that a typo in the data file cannot agree with itself.
var lunarMD = []struct {
	year                    int
	spring, qixi, midAutumn string
}{
	{2024, "2024-02-10", "2024-08-10", "2024-09-17"},
	{2025, "2025-01-29", "2025-08-29", "2025-10-06"},
	{2026, "2026-02-17", "2026-08-19", "2026-09-25"},
	{2027, "2027-02-06", "2027-08-08", "2027-09-15"},
	{2028, "2028-01-26", "2028-08-26", "2028-10-03"},
	{2029, "2029-02-13", "2029-08-16", "2029-09-22"},
	{2030, "2030-02-03", "2030-08-05", "2030-09-12"},
	{2031, "2031-01-23", "2031-08-24", "2031-10-01"},
	{2032, "2032-02-11", "2032-08-12", "2032-09-19"},
	{2033, "2033-01-31", "2033-08-01", "2033-09-08"},
	{2034, "2034-02-19", "2034-08-20", "2034-09-27"},
	{2035, "2035-02-08", "2035-08-10", "2035-09-16"},
}

func mustWindow(t *testing.T, key string, year int) Window {
	t.Helper()
	p, ok := Lookup(key)
	if !ok {
		t.Fatalf("Lookup(%q) found nothing", key)
	}
	w, err := p.Window(year)
	if err != nil {
		t.Fatalf("%s.Window(%d): %v", key, year, err)
	}
	return w
}

func TestLunarPeaksMatchLunarMD(t *testing.T) {
	if len(lunarMD) != LastYear-FirstYear+1 || lunarMD[0].year != FirstYear {
		t.Fatalf("the test table covers %d years from %d, the calendar %d-%d", len(lunarMD), lunarMD[0].year, FirstYear, LastYear)
	}
	for _, row := range lunarMD {
		for key, want := range map[string]string{"spring-festival": row.spring, "qixi": row.qixi, "mid-autumn": row.midAutumn} {
			if got := mustWindow(t, key, row.year).Peak.String(); got != want {
				t.Errorf("%s %d: peak %s, lunar.md says %s", key, row.year, got, want)
			}
		}
	}
}

func TestNewYearGoodsEndsAboutTwoWeeksBeforeSpringFestival(t *testing.T) {
	for _, row := range lunarMD {
		sf, _ := ParseDate(row.spring)
		w := mustWindow(t, "new-year-goods", row.year)
		if gap := w.To.DaysUntil(sf); gap < 13 || gap > 16 {
			t.Errorf("%d: new-year goods ends %s, %d days before Spring Festival %s; want 13-16", row.year, w.To, gap, sf)
		}
	}
	// The published 2025 festival: Jan 4-16.
	if w := mustWindow(t, "new-year-goods", 2025); w.From.String() != "2025-01-04" || w.To.String() != "2025-01-16" {
		t.Errorf("new-year goods 2025: %s to %s, want 2025-01-04 to 2025-01-16", w.From, w.To)
	}
	// Spring Festival 2031 is on Jan 23, so the window of 2031 starts in 2030.
	if w := mustWindow(t, "new-year-goods", 2031); w.From.Year() != 2030 || w.Peak.Year() != 2031 {
		t.Errorf("new-year goods 2031: %s to %s, peak %s; want a start in 2030 and the peak in 2031", w.From, w.To, w.Peak)
	}
}

func TestSpringFestivalIsASlumpFromNewYearsEve(t *testing.T) {
	for _, row := range lunarMD {
		w := mustWindow(t, "spring-festival", row.year)
		if w.Uplift >= 1 {
			t.Errorf("%d: spring-festival uplift %v, want a slump below 1", row.year, w.Uplift)
		}
		if w.From.DaysUntil(w.Peak) != 1 || w.Days() < 7 {
			t.Errorf("%d: spring-festival %s to %s; want New Year's Eve and at least a week", row.year, w.From, w.To)
		}
	}
}

// Black Friday computed another way: the fourth Thursday of November lies in
// Nov 22-28, so Black Friday is the only Friday of Nov 23-29.
func TestBlackFridayThroughCyberMonday(t *testing.T) {
	for year := FirstYear; year <= LastYear; year++ {
		var friday time.Time
		for day := 23; day <= 29; day++ {
			if d := time.Date(year, time.November, day, 0, 0, 0, 0, time.UTC); d.Weekday() == time.Friday {
				friday = d
			}
		}
		w := mustWindow(t, "black-friday", year)
		if want := friday.Format("2006-01-02"); w.Peak.String() != want || w.From.String() != want {
			t.Errorf("%d: black-friday from %s peak %s, want %s", year, w.From, w.Peak, want)
		}
		if want := friday.AddDate(0, 0, 3); w.To.String() != want.Format("2006-01-02") || want.Weekday() != time.Monday {
			t.Errorf("%d: black-friday ends %s, want Cyber Monday %s", year, w.To, want.Format("2006-01-02"))
		}
	}
}

func TestPublishedAndEstimatedDates(t *testing.T) {
	for _, tc := range []struct {
		key            string
		year           int
		from, to, peak string
	}{
		{"prime-day", 2024, "2024-07-16", "2024-07-17", "2024-07-16"},
		{"prime-day", 2025, "2025-07-08", "2025-07-11", "2025-07-08"},
		{"prime-day", 2026, "2026-07-14", "2026-07-17", "2026-07-14"}, // estimate: 2nd Tuesday
		{"618", 2024, "2024-05-20", "2024-06-20", "2024-06-18"},
		{"618", 2025, "2025-05-13", "2025-06-20", "2025-06-18"},
		{"double11", 2024, "2024-10-14", "2024-11-11", "2024-11-11"},
		{"double11", 2025, "2025-10-15", "2025-11-11", "2025-11-11"},
		{"double11", 2027, "2027-10-15", "2027-11-11", "2027-11-11"},
		{"99", 2027, "2027-09-09", "2027-09-18", "2027-09-09"},
		{"national-day", 2027, "2027-10-01", "2027-10-07", "2027-10-01"},
		{"women-day", 2027, "2027-03-01", "2027-03-08", "2027-03-08"},
		{"520", 2027, "2027-05-14", "2027-05-20", "2027-05-20"},
		{"double12", 2027, "2027-12-09", "2027-12-12", "2027-12-12"},
	} {
		w := mustWindow(t, tc.key, tc.year)
		if w.From.String() != tc.from || w.To.String() != tc.to || w.Peak.String() != tc.peak {
			t.Errorf("%s %d: %s to %s peak %s, want %s to %s peak %s",
				tc.key, tc.year, w.From, w.To, w.Peak, tc.from, tc.to, tc.peak)
		}
	}
}

func TestEveryWindowIsWellFormed(t *testing.T) {
	for year := FirstYear; year <= LastYear; year++ {
		ws, err := Year(year)
		if err != nil {
			t.Fatalf("Year(%d): %v", year, err)
		}
		if len(ws) != len(Presets()) {
			t.Fatalf("Year(%d): %d windows for %d presets", year, len(ws), len(Presets()))
		}
		for i, w := range ws {
			if w.From > w.To || !w.Contains(w.Peak) || w.Peak.Year() != year {
				t.Errorf("%s %d: %s to %s peak %s", w.Preset, year, w.From, w.To, w.Peak)
			}
			if i > 0 && ws[i-1].From > w.From {
				t.Errorf("Year(%d) is not sorted by start: %s before %s", year, ws[i-1].Preset, w.Preset)
			}
		}
	}
}

func TestYearsOutsideTheCalendarAreRefused(t *testing.T) {
	p, _ := Lookup("double11")
	for _, year := range []int{FirstYear - 1, LastYear + 1, 2040, 0} {
		_, err := p.Window(year)
		var ye *YearError
		if !errors.As(err, &ye) || ye.Year != year {
			t.Errorf("Window(%d): %v, want a YearError", year, err)
			continue
		}
		if msg := err.Error(); !strings.Contains(msg, "2024-2035") {
			t.Errorf("Window(%d): %q does not name the years the calendar knows", year, msg)
		}
		if _, err := Year(year); !errors.As(err, &ye) {
			t.Errorf("Year(%d): %v, want a YearError", year, err)
		}
	}
	if _, err := p.Windows(MakeDate(2035, 12, 1), MakeDate(2036, 1, 31)); err == nil {
		t.Error("Windows reaching into 2036 gave no error")
	}
}

func TestPresetsInCalendarOrder(t *testing.T) {
	want := []string{"new-year-goods", "spring-festival", "women-day", "520", "618", "prime-day",
		"qixi", "99", "mid-autumn", "national-day", "double11", "black-friday", "double12"}
	ps := Presets()
	if len(ps) != len(want) {
		t.Fatalf("%d presets, want %d", len(ps), len(want))
	}
	for i, p := range ps {
		if p.Key != want[i] {
			t.Errorf("preset %d is %q, want %q", i, p.Key, want[i])
		}
		if got, ok := Lookup(p.Key); !ok || got != p {
			t.Errorf("Lookup(%q) = %+v, %v", p.Key, got, ok)
		}
	}
	if _, ok := Lookup("singles-day"); ok {
		t.Error("Lookup found an unknown key")
	}
	d11, _ := Lookup("double11")
	if d11.NameZH != "双十一" || d11.Uplift <= 1.5 || d11.CostIndex < 1.5 || d11.CostIndex > 2 {
		t.Errorf("double11 defaults %+v are not those of a peak", d11)
	}
}

func TestWindowUsesTheCallersOverrides(t *testing.T) {
	p, _ := Lookup("double11")
	p.Uplift, p.CostIndex = 3.2, 1.5
	w, err := p.Window(2027)
	if err != nil || w.Uplift != 3.2 || w.CostIndex != 1.5 {
		t.Errorf("Window with overrides: %+v, %v", w, err)
	}
	if _, err := (Preset{Key: "nope"}).Window(2027); err == nil {
		t.Error("an unknown preset's Window gave no error")
	}
}

func TestWindowsExpandsAndClipsToARange(t *testing.T) {
	p, _ := Lookup("new-year-goods")
	// 2030-06-01..2031-01-05 touches 2030 (window in January, outside the
	// range) and 2031 (window from 2030-12-29, clipped at Jan 5).
	ws, err := p.Windows(MakeDate(2030, 6, 1), MakeDate(2031, 1, 5))
	if err != nil {
		t.Fatal(err)
	}
	if len(ws) != 1 || ws[0].From.String() != "2030-12-29" || ws[0].To.String() != "2031-01-05" || ws[0].Peak.String() != "2031-01-09" {
		t.Errorf("Windows = %+v", ws)
	}
}

func TestDataFileIsConsistent(t *testing.T) {
	if _, err := parse(presetsYAML); err != nil {
		t.Fatal(err)
	}
	// Plausibility of the lunar rows, independent of lunar.md: Qixi (7/7) to
	// Mid-Autumn (8/15) is one lunar month plus 8 days, and lunar years are
	// 353-355 or 383-385 days long.
	for i, row := range lunarMD {
		q, _ := ParseDate(row.qixi)
		m, _ := ParseDate(row.midAutumn)
		if gap := q.DaysUntil(m); gap != 37 && gap != 38 {
			t.Errorf("%d: Qixi to Mid-Autumn is %d days", row.year, gap)
		}
		if i > 0 {
			a, _ := ParseDate(lunarMD[i-1].spring)
			b, _ := ParseDate(row.spring)
			if n := a.DaysUntil(b); !(353 <= n && n <= 355) && !(383 <= n && n <= 385) {
				t.Errorf("%d: lunar year of %d days", row.year-1, n)
			}
		}
	}
}

// Mistakes the loader must catch, each a small edit of the real file.
func TestDataFileMistakesAreCaught(t *testing.T) {
	src := string(presetsYAML)
	for _, tc := range []struct{ name, old, new, want string }{
		{"unknown field", "    uplift: 2.8", "    uplfit: 2.8", "uplfit"},
		{"missing uplift", "    uplift: 2.8", "    # no uplift", "uplift"},
		{"window without the peak", "window: {start: -27, end: 0}", "window: {start: -27, end: -1}", "peak"},
		{"year override without the peak", "2024: {from: 2024-10-14, to: 2024-11-11}", "2024: {from: 2024-10-14, to: 2024-11-10}", "does not contain"},
		{"missing lunar year", "  - {year: 2030, spring_festival: 2030-02-03, qixi: 2030-08-05, mid_autumn: 2030-09-12}\n", "", "2030 is missing"},
		{"lunar date in the wrong year", "spring_festival: 2027-02-06", "spring_festival: 2026-02-06", "not in 2027"},
		{"impossible date", "qixi: 2027-08-08", "qixi: 2027-02-30", "2027-02-30"},
		{"duplicate key", "key: double12", "key: double11", "twice"},
		{"two peak rules", "peak: {month_day: \"12-12\"}", "peak: {month_day: \"12-12\", lunar: qixi}", "exactly one"},
		{"unknown lunar festival", "peak: {lunar: qixi}", "peak: {lunar: dragon_boat}", "dragon_boat"},
		{"override outside the calendar", "      2024: {from: 2024-07-16", "      2023: {from: 2023-07-11, to: 2023-07-12, peak: 2023-07-11}\n      2024: {from: 2024-07-16", "2023"},
	} {
		edited := strings.Replace(src, tc.old, tc.new, 1)
		if edited == src {
			t.Fatalf("%s: %q is not in presets.yaml", tc.name, tc.old)
		}
		_, err := parse([]byte(edited))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one mentioning %q", tc.name, err, tc.want)
		}
	}
}
