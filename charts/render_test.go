package charts

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"math"
	"os"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

// requireScript skips a test that renders a page when the ECharts script was
// not fetched (make assets), and fails it under CI.
func requireScript(t *testing.T) {
	t.Helper()
	if _, err := loadECharts(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%v (CI is set, so this fails instead of skipping)", err)
		}
		t.Skipf("%v (this test renders a whole page)", err)
	}
}

func render(t *testing.T, r Report, lang string) string {
	t.Helper()
	requireScript(t)
	var b strings.Builder
	if err := Render(&b, r, Options{Lang: lang}); err != nil {
		t.Fatalf("Render: %v", err)
	}
	return b.String()
}

// appScript returns the page's own script (the second <script> element).
func appScript(t *testing.T, page string) string {
	t.Helper()
	parts := strings.Split(page, "<script>")
	if len(parts) != 3 {
		t.Fatalf("page has %d <script> elements, want 2", len(parts)-1)
	}
	return strings.SplitN(parts[2], "</script>", 2)[0]
}

func TestRenderEscapesPayloads(t *testing.T) {
	for _, lang := range []string{"en", "zh"} {
		page := render(t, fixtureReport(true), lang)
		// Everything but the ECharts library (which has markup in its strings).
		ech, _ := loadECharts()
		ours := strings.Replace(page, ech, "", 1)
		if len(ours) == len(page) {
			t.Fatal("the ECharts script is not inlined as is")
		}

		for _, raw := range []string{payloadScript, payloadTitle, payloadFest, "<script>alert", "<img", "onerror=alert(4)>", "<!--"} {
			if strings.Contains(ours, raw) {
				t.Errorf("%s: the page holds the raw payload %q", lang, raw)
			}
		}
		// Exactly two scripts, ECharts and ours, and no other </script.
		if n := strings.Count(strings.ToLower(page), "<script"); n != 2 {
			t.Errorf("%s: %d <script openings, want 2", lang, n)
		}
		if n := strings.Count(strings.ToLower(page), "</script"); n != 2 {
			t.Errorf("%s: %d </script, want 2", lang, n)
		}
		// The payloads are there, escaped: in HTML text as entities, in the
		// script data as \u003c.
		if !strings.Contains(page, "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Errorf("%s: the HTML-escaped channel name is missing", lang)
		}
		app := appScript(t, page)
		if !strings.Contains(app, `\u003c/script\u003e\u003cscript\u003ealert(1)\u003c/script\u003e`) {
			t.Errorf("%s: the JSON-escaped channel name is missing from the chart data", lang)
		}
		if strings.ContainsAny(app[:strings.Index(app, ";\n")], "<>") {
			t.Errorf("%s: the chart data holds a raw < or >", lang)
		}
		// __f__ appears only inside the payload, as data: go-echarts' function
		// mechanism is never used.
		if got, want := strings.Count(page, "__f__"), 2*strings.Count(page, payloadFunc); got != want || want == 0 {
			t.Errorf("%s: %d __f__ in the page, want %d (only the payload's)", lang, got, want)
		}
		if !strings.Contains(page, "天猫搜索") || !strings.Contains(page, "抖音直播") {
			t.Errorf("%s: CJK channel names are missing", lang)
		}
	}
}

func TestRenderCSPPinsBothScripts(t *testing.T) {
	page := render(t, fixtureReport(false), "en")
	m := regexp.MustCompile(`<meta http-equiv="Content-Security-Policy" content="([^"]+)">`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no CSP meta element")
	}
	csp := m[1]
	if !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "unsafe-eval") ||
		strings.Contains(strings.SplitN(csp, "style-src", 2)[0], "unsafe-inline") {
		t.Errorf("CSP too loose: %s", csp)
	}
	parts := strings.Split(page, "<script>")
	for i := 1; i < len(parts); i++ {
		body := strings.SplitN(parts[i], "</script>", 2)[0]
		if !strings.Contains(csp, cspHash(body)) {
			t.Errorf("script %d is not pinned by the CSP", i)
		}
	}
}

var sectionIDs = []string{`id="headline"`, `id="battle-map"`, `id="revenue"`, `id="scale-effects"`,
	`id="channel-split"`, `id="budget-frontier"`, `id="uncertainty"`, `id="month-table"`}

func TestRenderSectionsInOrder(t *testing.T) {
	page := render(t, fixtureReport(false), "en")
	last := -1
	for _, id := range sectionIDs {
		i := strings.Index(page, id)
		if i < 0 {
			t.Errorf("section %s missing", id)
			continue
		}
		if i < last {
			t.Errorf("section %s out of order", id)
		}
		last = i
	}
	for _, chart := range []string{"chart-battle", "chart-revenue", "chart-revenue-cum", "chart-curve-0", "chart-split",
		"chart-split-roas", "chart-frontier", "chart-histogram"} {
		if !strings.Contains(page, `id="`+chart+`"`) {
			t.Errorf("chart container %s missing", chart)
		}
	}
}

func TestRenderOptionalSections(t *testing.T) {
	r := fixtureReport(false)
	r.Frontier = nil
	r.Uncertainty = nil
	r.Profit = nil
	r.ProfitUplift = nil
	for i := range r.Channels {
		r.Channels[i].Curve = nil
	}
	page := render(t, r, "en")
	for _, absent := range []string{`id="budget-frontier"`, `id="uncertainty"`, `id="scale-effects"`,
		`id="chart-frontier"`, `id="chart-histogram"`, `"id":"frontier"`, `"id":"histogram"`, "curve-0",
		">Profit<", ">Profit vs even<"} {
		if strings.Contains(page, absent) {
			t.Errorf("%s present although the report has no data for it", absent)
		}
	}
	for _, present := range []string{`id="battle-map"`, `id="revenue"`, `id="channel-split"`, `id="month-table"`, ">Spend<"} {
		if !strings.Contains(page, present) {
			t.Errorf("%s missing", present)
		}
	}

	// Uncertainty without a histogram: the section, but no chart.
	r.Uncertainty = fixtureReport(false).Uncertainty
	r.Uncertainty.Histogram = nil
	page = render(t, r, "zh")
	if !strings.Contains(page, `id="uncertainty"`) || strings.Contains(page, `id="chart-histogram"`) {
		t.Error("uncertainty without histogram: want the section without its chart")
	}
	if !strings.Contains(page, "亏损概率") {
		t.Error("zh labels missing")
	}
}

func TestRenderLabelsByLanguage(t *testing.T) {
	r := fixtureReport(false)
	en := render(t, r, "en")
	zh := render(t, r, "zh")
	for _, s := range []string{`<html lang="en">`, "Battle map", "Incremental revenue", "¥95.9M"} {
		if !strings.Contains(en, s) {
			t.Errorf("en page lacks %q", s)
		}
	}
	for _, s := range []string{`<html lang="zh-CN">`, "作战地图", "增量收入", "¥9591万", "¥3000万"} {
		if !strings.Contains(zh, s) {
			t.Errorf("zh page lacks %q", s)
		}
	}
	if !strings.Contains(appScript(t, zh), `"lang":"zh"`) {
		t.Error("zh page data does not say zh")
	}
	var b strings.Builder
	if err := Render(&b, r, Options{Lang: "fr"}); err == nil {
		t.Error("unknown language accepted")
	}
}

func TestRenderRejectsBadInput(t *testing.T) {
	requireScript(t)
	bad := []func(r *Report){
		func(r *Report) { r.Channels[0].Spend = r.Channels[0].Spend[1:] },
		func(r *Report) { r.Channels[1].Revenue[3] = math.NaN() },
		func(r *Report) { r.EvenSpend = []float64{1} },
		func(r *Report) { r.Spend = math.Inf(1) },
		func(r *Report) { r.Periods[2].Start = "2027-13-01" },
		func(r *Report) { r.Festivals[0].To = "someday" },
		func(r *Report) { r.Uncertainty.Histogram.Edges = r.Uncertainty.Histogram.Edges[:3] },
	}
	for i, f := range bad {
		r := fixtureReport(false)
		f(&r)
		var b strings.Builder
		if err := Render(&b, r, Options{}); err == nil {
			t.Errorf("bad input %d accepted", i)
		} else if b.Len() != 0 {
			t.Errorf("bad input %d: wrote %d bytes before failing", i, b.Len())
		}
	}
	// An empty plan still renders.
	var b strings.Builder
	if err := Render(&b, Report{Title: "empty", Currency: "CNY"}, Options{}); err != nil {
		t.Errorf("empty report: %v", err)
	}
}

func TestDeriveMonthTable(t *testing.T) {
	r := Report{
		Periods: []Period{
			{Start: "2027-01-25", End: "2027-01-31", Days: 7},
			{Start: "2027-02-01", End: "2027-02-07", Days: 7},
			{Start: "2027-02-22", End: "2027-03-07", Days: 14}, // straddles February and March
		},
		Channels: []Channel{
			{Name: "a", Spend: []float64{700, 70, 1400}},
			{Name: "b", Spend: []float64{0, 7, 140}},
		},
	}
	mt, err := deriveMonthTable(&r)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(mt.Months, ",") != "2027-01,2027-02,2027-03" {
		t.Fatalf("months %v", mt.Months)
	}
	want := [][]float64{{700, 0}, {70 + 700, 7 + 70}, {700, 70}}
	for m := range want {
		for c := range want[m] {
			if math.Abs(mt.Spend[m][c]-want[m][c]) > 1e-9 {
				t.Errorf("month %s channel %s: %v, want %v", mt.Months[m], mt.Channels[c], mt.Spend[m][c], want[m][c])
			}
		}
	}
	v := monthTableView(mt)
	if got := v.Totals; strings.Join(got, ",") != "2170,147,2317" {
		t.Errorf("totals %v", got)
	}
}

func TestNewHistogram(t *testing.T) {
	h := NewHistogram([]float64{1, 2, 2, 3, math.NaN(), 4}, 3)
	if len(h.Edges) != 4 || len(h.Counts) != 3 {
		t.Fatalf("shape %d edges, %d counts", len(h.Edges), len(h.Counts))
	}
	if h.Counts[0] != 1 || h.Counts[1] != 2 || h.Counts[2] != 2 {
		t.Errorf("counts %v", h.Counts)
	}
	if NewHistogram([]float64{math.NaN()}, 3) != nil {
		t.Error("histogram of nothing")
	}
}

func TestLoadEChartsChecks(t *testing.T) {
	good := "/*! echarts */var echarts={};\r\n"
	sum := func(s string) string {
		h := sha256.Sum256([]byte(s))
		return hex.EncodeToString(h[:]) + "  echarts.min.js\n"
	}

	_, err := loadEChartsFrom(fstest.MapFS{"assets/README.md": {Data: []byte("x")}})
	if !errors.Is(err, ErrScriptMissing) || !strings.Contains(err.Error(), "make assets") {
		t.Errorf("missing script: %v", err)
	}
	_, err = loadEChartsFrom(fstest.MapFS{
		"assets/echarts.min.js":        {Data: []byte(good)},
		"assets/echarts.min.js.sha256": {Data: []byte(sum("something else"))},
	})
	if err == nil || !strings.Contains(err.Error(), "does not match") {
		t.Errorf("wrong hash: %v", err)
	}
	for _, evil := range []string{"var a='</SCRIPT>';", "var a='<!--';", "var a='<script';"} {
		_, err = loadEChartsFrom(fstest.MapFS{
			"assets/echarts.min.js":        {Data: []byte(evil)},
			"assets/echarts.min.js.sha256": {Data: []byte(sum(evil))},
		})
		if err == nil || !strings.Contains(err.Error(), "refusing") {
			t.Errorf("%q: %v", evil, err)
		}
	}
	js, err := loadEChartsFrom(fstest.MapFS{
		"assets/echarts.min.js":        {Data: []byte(good)},
		"assets/echarts.min.js.sha256": {Data: []byte(sum(good))},
	})
	if err != nil || strings.Contains(js, "\r") {
		t.Errorf("good script: %q, %v", js, err)
	}
}
