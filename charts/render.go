package charts

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Options control how the report is rendered.
type Options struct {
	Lang string // "en" (default when empty) or "zh"
}

// ErrScriptMissing is returned (wrapped) by Render when the ECharts script was
// not fetched into charts/assets before the build.
var ErrScriptMissing = errors.New("the ECharts script is missing: run `make assets`")

// The assets directory always holds a committed README, so this compiles
// whether or not fetch.sh has installed echarts.min.js.
//
//go:embed assets
var assetsFS embed.FS

//go:embed page.html.tmpl
var pageTemplateText string

//go:embed app.js
var appJS string

var pageTemplate = template.Must(template.New("page").Parse(pageTemplateText))

var (
	echartsOnce sync.Once
	echartsJS   string
	echartsErr  error
)

// loadECharts returns the embedded ECharts script (see loadEChartsFrom),
// checked once.
func loadECharts() (string, error) {
	echartsOnce.Do(func() { echartsJS, echartsErr = loadEChartsFrom(assetsFS) })
	return echartsJS, echartsErr
}

// loadEChartsFrom reads assets/echarts.min.js, checks it against the
// committed assets/echarts.min.js.sha256 and that it cannot end its <script>
// element early, and returns it with its newlines normalised.
func loadEChartsFrom(fsys fs.FS) (string, error) {
	b, err := fs.ReadFile(fsys, "assets/echarts.min.js")
	if err != nil || len(b) == 0 {
		return "", fmt.Errorf("charts: %w", ErrScriptMissing)
	}
	want, err := fs.ReadFile(fsys, "assets/echarts.min.js.sha256")
	if err != nil {
		return "", fmt.Errorf("charts: assets/echarts.min.js.sha256 is missing")
	}
	fields := strings.Fields(string(want))
	sum := sha256.Sum256(b)
	if len(fields) == 0 || !strings.EqualFold(fields[0], hex.EncodeToString(sum[:])) {
		return "", fmt.Errorf("charts: assets/echarts.min.js does not match echarts.min.js.sha256: run `make assets` again")
	}
	if err := scriptSafe(string(b)); err != nil {
		return "", fmt.Errorf("charts: refusing to inline assets/echarts.min.js: %w", err)
	}
	// The HTML parser turns CR LF and lone CR into LF before the script runs
	// (and before CSP hashes it): do the same, so the hash matches.
	return normalizeNewlines(string(b)), nil
}

func normalizeNewlines(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// scriptSafe refuses script text that could close its <script> element or
// put the HTML parser into its escaped states.
func scriptSafe(s string) error {
	l := strings.ToLower(s)
	for _, bad := range []string{"</script", "<!--", "<script"} {
		if strings.Contains(l, bad) {
			return fmt.Errorf("it contains %q", bad)
		}
	}
	return nil
}

type kpi struct {
	Label, Value, Sub string
	Tone              string // "good", "bad" or ""
}

type curveCard struct {
	ID, Name, Kind, Note string
	SCurve               bool
}

type tableRow struct {
	Name  string
	Cells []string
	Color string
}

type bandView struct {
	Name, Dates string
	Slump       bool
}

type quantRow struct {
	Label, P10, P50, P90, Mean string
}

type uncView struct {
	Rows                []quantRow
	Loss, Beats         string
	LossTone, BeatsTone string
	Samples             string
	HasHistogram        bool
}

type monthView struct {
	Channels []string
	Rows     []tableRow
	Totals   []string
}

type pageView struct {
	L          *labels
	Title      string
	Horizon    string
	Objective  string
	Status     string
	StatusOK   bool
	KPIs       []kpi
	Bands      []bandView
	Curves     []curveCard
	Split      []tableRow
	SplitTotal []string
	Frontier   bool
	Unc        *uncView
	Month      monthView
	HasEven    bool

	CSP     template.HTML
	ECharts template.JS
	App     template.JS
}

type pageData struct {
	Lang   string       `json:"lang"`
	Cur    string       `json:"cur"`
	Copied string       `json:"copied"`
	Charts []*chartSpec `json:"charts"`
}

// Render writes the report as one self-contained HTML page.
func Render(w io.Writer, r Report, o Options) error {
	var L *labels
	switch strings.ToLower(strings.TrimSpace(o.Lang)) {
	case "", "en":
		L = &labelsEN
	case "zh", "zh-cn", "zh-hans":
		L = &labelsZH
	default:
		return fmt.Errorf("charts: unknown language %q (want en or zh)", o.Lang)
	}
	lang := "en"
	if L == &labelsZH {
		lang = "zh"
	}
	ech, err := loadECharts()
	if err != nil {
		return err
	}
	if err := validate(&r); err != nil {
		return err
	}
	tl, err := buildTimeline(&r)
	if err != nil {
		return fmt.Errorf("charts: %w", err)
	}

	// Charts, in page order.
	var specs []*chartSpec
	battle, err := battleMap(&r, tl, L)
	if err != nil {
		return fmt.Errorf("charts: %w", err)
	}
	specs = append(specs, battle)
	revs, err := revenueCharts(&r, tl, L)
	if err != nil {
		return fmt.Errorf("charts: %w", err)
	}
	specs = append(specs, revs...)

	v := &pageView{L: L, Title: r.Title, HasEven: len(r.EvenRevenue) > 0}
	for i := range r.Channels {
		c := &r.Channels[i]
		if c.Curve == nil || len(c.Curve.Normal) == 0 {
			continue
		}
		spec := curveChart(i, c, L)
		specs = append(specs, spec)
		card := curveCard{ID: spec.ID, Name: c.Name, Kind: c.Kind, SCurve: c.Curve.SCurve}
		if c.Curve.BestAverage != nil {
			card.Note = L.BestAverageNote + " " + FormatMoney(c.Curve.BestAverage.X, r.Currency, lang)
		}
		v.Curves = append(v.Curves, card)
	}
	if len(r.Channels) > 0 {
		specs = append(specs, splitCharts(&r, L)...)
	}
	if r.Frontier != nil && len(r.Frontier.Points) > 0 {
		specs = append(specs, frontierChart(r.Frontier, L))
		v.Frontier = true
	}
	if r.Uncertainty != nil {
		v.Unc = uncertaintyView(r.Uncertainty, r.Currency, lang, L)
		if h := r.Uncertainty.Histogram; h != nil && len(h.Counts) > 0 && len(h.Edges) == len(h.Counts)+1 {
			specs = append(specs, histogramChart(r.Uncertainty, L))
			v.Unc.HasHistogram = true
		}
	}

	for _, b := range r.Festivals {
		v.Bands = append(v.Bands, bandView{Name: b.Name, Dates: bandDates(b), Slump: b.Uplift > 0 && b.Uplift < 1})
	}

	// Headline.
	v.Horizon = r.Horizon
	if v.Horizon == "" && len(r.Periods) > 0 {
		v.Horizon = r.Periods[0].Start + " – " + r.Periods[len(r.Periods)-1].End
	}
	v.Objective = r.Objective
	if t, ok := L.Objectives[strings.ToLower(r.Objective)]; ok {
		v.Objective = t
	}
	v.Status = r.SolverStatus
	if t, ok := L.Statuses[strings.ToLower(r.SolverStatus)]; ok {
		v.Status = t
	}
	v.StatusOK = strings.EqualFold(r.SolverStatus, "optimal")
	v.KPIs = headline(&r, lang, L)

	// Channel split table.
	for i, c := range r.Channels {
		share := 0.0
		if r.Spend > 0 {
			share = c.TotalSpend / r.Spend
		}
		v.Split = append(v.Split, tableRow{
			Name:  c.Name,
			Color: palette[i%len(palette)],
			Cells: []string{
				FormatMoney(c.TotalSpend, r.Currency, lang), FormatPercent(share, false),
				FormatMoney(c.TotalRevenue, r.Currency, lang), FormatRatio(c.ROAS),
			},
		})
	}
	v.SplitTotal = []string{
		FormatMoney(r.Spend, r.Currency, lang), FormatPercent(1, false),
		FormatMoney(r.Revenue, r.Currency, lang), FormatRatio(r.ROAS),
	}

	mt := r.MonthTable
	if len(mt.Months) == 0 {
		mt, err = deriveMonthTable(&r)
		if err != nil {
			return fmt.Errorf("charts: %w", err)
		}
	}
	v.Month = monthTableView(mt)

	// Scripts: the data travels as JSON (HTML-escaping encoder) in front of
	// the fixed page code; both scripts are pinned by hash in the page's CSP.
	data, err := marshalData(pageData{Lang: lang, Cur: CurrencySymbol(r.Currency), Copied: L.Copied, Charts: specs})
	if err != nil {
		return fmt.Errorf("charts: encoding chart options: %w", err)
	}
	app := normalizeNewlines("var PEAKPLAN = " + string(data) + ";\n" + appJS)
	if err := scriptSafe(app); err != nil {
		return fmt.Errorf("charts: page script is not safe to inline: %w", err)
	}
	v.ECharts = template.JS(ech)
	v.App = template.JS(app)
	v.CSP = template.HTML(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src ` +
		cspHash(ech) + ` ` + cspHash(app) + `; style-src 'unsafe-inline'; img-src data: blob:; font-src data:; base-uri 'none'; form-action 'none'">`)

	var buf bytes.Buffer
	if err := pageTemplate.Execute(&buf, v); err != nil {
		return fmt.Errorf("charts: %w", err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// bandDates shows a window as "10-20 – 11-11" (with years when it spans two).
func bandDates(b Band) string {
	f, err1 := parseDate(b.From)
	t, err2 := parseDate(b.To)
	switch {
	case err1 != nil || err2 != nil:
		return b.From + " – " + b.To
	case f.Year() != t.Year():
		return f.Format("2006-01-02") + " – " + t.Format("2006-01-02")
	case f.Equal(t):
		return f.Format("01-02")
	}
	return f.Format("01-02") + " – " + t.Format("01-02")
}

func cspHash(script string) string {
	sum := sha256.Sum256([]byte(script))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}

// validate checks the shapes and numbers Render relies on.
func validate(r *Report) error {
	n := len(r.Periods)
	finite := func(what string, v float64) error {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("charts: %s is %v", what, v)
		}
		return nil
	}
	for _, c := range []struct {
		what string
		v    float64
	}{{"spend", r.Spend}, {"revenue", r.Revenue}, {"roas", r.ROAS}, {"revenue uplift", r.RevenueUplift},
		{"festival spend share", r.FestivalSpendShare}, {"festival days share", r.FestivalDaysShare}, {"marginal roas", r.MarginalROAS}} {
		if err := finite(c.what, c.v); err != nil {
			return err
		}
	}
	if r.Profit != nil {
		if err := finite("profit", *r.Profit); err != nil {
			return err
		}
	}
	if r.ProfitUplift != nil {
		if err := finite("profit uplift", *r.ProfitUplift); err != nil {
			return err
		}
	}
	series := func(what string, v []float64, optional bool) error {
		if optional && len(v) == 0 {
			return nil
		}
		if len(v) != n {
			return fmt.Errorf("charts: %s has %d values for %d periods", what, len(v), n)
		}
		for i, x := range v {
			if err := finite(fmt.Sprintf("%s[%d]", what, i), x); err != nil {
				return err
			}
		}
		return nil
	}
	if err := series("even spend", r.EvenSpend, true); err != nil {
		return err
	}
	if err := series("even revenue", r.EvenRevenue, true); err != nil {
		return err
	}
	for _, c := range r.Channels {
		if err := series(fmt.Sprintf("channel %q spend", c.Name), c.Spend, false); err != nil {
			return err
		}
		if err := series(fmt.Sprintf("channel %q revenue", c.Name), c.Revenue, false); err != nil {
			return err
		}
		for _, x := range []float64{c.TotalSpend, c.TotalRevenue, c.ROAS} {
			if err := finite(fmt.Sprintf("channel %q totals", c.Name), x); err != nil {
				return err
			}
		}
		if cv := c.Curve; cv != nil {
			for _, pts := range [][]XY{cv.Normal, cv.Festival, cv.Operating} {
				for _, p := range pts {
					if math.IsNaN(p.X+p.Y) || math.IsInf(p.X+p.Y, 0) {
						return fmt.Errorf("charts: channel %q curve has a non-finite point", c.Name)
					}
				}
			}
		}
	}
	if fr := r.Frontier; fr != nil {
		for _, p := range fr.Points {
			if math.IsNaN(p.Budget+p.Revenue+p.ROAS+p.MarginalROAS) || math.IsInf(p.Budget+p.Revenue+p.ROAS+p.MarginalROAS, 0) {
				return fmt.Errorf("charts: frontier has a non-finite point")
			}
		}
	}
	if u := r.Uncertainty; u != nil && u.Histogram != nil && len(u.Histogram.Counts) > 0 &&
		len(u.Histogram.Edges) != len(u.Histogram.Counts)+1 {
		return fmt.Errorf("charts: histogram has %d edges for %d bins", len(u.Histogram.Edges), len(u.Histogram.Counts))
	}
	return nil
}

func headline(r *Report, lang string, L *labels) []kpi {
	cur := r.Currency
	evenRev := 0.0
	for _, x := range r.EvenRevenue {
		evenRev += x
	}
	tone := func(f float64) string {
		switch {
		case f > 0.0005:
			return "good"
		case f < -0.0005:
			return "bad"
		}
		return ""
	}
	out := []kpi{
		{Label: L.Spend, Value: FormatMoney(r.Spend, cur, lang)},
		{Label: L.Revenue, Value: FormatMoney(r.Revenue, cur, lang)},
		{Label: L.ROAS, Value: FormatRatio(r.ROAS)},
	}
	if len(r.EvenRevenue) > 0 {
		out[1].Sub = L.EvenRevenueIs + " " + FormatMoney(evenRev, cur, lang)
	}
	if r.Profit != nil {
		out = append(out, kpi{Label: L.Profit, Value: FormatMoney(*r.Profit, cur, lang), Tone: tone(*r.Profit)})
	}
	up := kpi{Label: L.UpliftRevenue, Value: FormatPercent(r.RevenueUplift, true), Sub: L.VsEven, Tone: tone(r.RevenueUplift)}
	out = append(out, up)
	if r.ProfitUplift != nil {
		out = append(out, kpi{Label: L.UpliftProfit, Value: FormatPercent(*r.ProfitUplift, true), Sub: L.VsEven, Tone: tone(*r.ProfitUplift)})
	}
	out = append(out,
		kpi{Label: L.FestivalConcentration,
			Value: FormatPercent(r.FestivalSpendShare, false),
			Sub:   fmt.Sprintf(L.FestivalShareFmt, FormatPercent(r.FestivalDaysShare, false))},
		kpi{Label: L.MarginalROAS, Value: FormatRatio(r.MarginalROAS), Sub: L.MarginalROASNote},
	)
	return out
}

func uncertaintyView(u *Uncertainty, cur, lang string, L *labels) *uncView {
	money := func(q Quantiles) quantRow {
		return quantRow{P10: FormatMoney(q.P10, cur, lang), P50: FormatMoney(q.P50, cur, lang), P90: FormatMoney(q.P90, cur, lang), Mean: FormatMoney(q.Mean, cur, lang)}
	}
	rev := money(u.Revenue)
	rev.Label = L.Revenue
	roas := quantRow{Label: L.ROAS, P10: FormatRatio(u.ROAS.P10), P50: FormatRatio(u.ROAS.P50), P90: FormatRatio(u.ROAS.P90), Mean: FormatRatio(u.ROAS.Mean)}
	v := &uncView{Rows: []quantRow{rev, roas}}
	if u.Profit != nil {
		p := money(*u.Profit)
		p.Label = L.Profit
		v.Rows = append(v.Rows, p)
	}
	v.Loss = FormatPercent(u.LossProbability, false)
	v.Beats = FormatPercent(u.BeatsEvenProbability, false)
	if u.LossProbability > 0.1 {
		v.LossTone = "bad"
	}
	if u.BeatsEvenProbability >= 0.5 {
		v.BeatsTone = "good"
	} else {
		v.BeatsTone = "bad"
	}
	if u.Samples > 0 {
		v.Samples = strconv.Itoa(u.Samples) + " " + L.Samples
	}
	return v
}

// deriveMonthTable spreads each period's spend over its days and sums it by
// calendar month.
func deriveMonthTable(r *Report) (MonthTable, error) {
	mt := MonthTable{}
	for _, c := range r.Channels {
		mt.Channels = append(mt.Channels, c.Name)
	}
	sums := map[string][]float64{}
	for i, p := range r.Periods {
		s, err := parseDate(p.Start)
		if err != nil {
			return mt, fmt.Errorf("period %d: bad start date %q", i+1, p.Start)
		}
		e, err := parseDate(p.End)
		if err != nil {
			return mt, fmt.Errorf("period %d: bad end date %q", i+1, p.End)
		}
		days := int(e.Sub(s)/(24*time.Hour)) + 1
		if days < 1 {
			continue
		}
		for d := s; !d.After(e); d = d.AddDate(0, 0, 1) {
			key := d.Format("2006-01")
			row := sums[key]
			if row == nil {
				row = make([]float64, len(r.Channels))
				sums[key] = row
			}
			for ci, c := range r.Channels {
				row[ci] += c.Spend[i] / float64(days)
			}
		}
	}
	for k := range sums {
		mt.Months = append(mt.Months, k)
	}
	sort.Strings(mt.Months)
	for _, m := range mt.Months {
		mt.Spend = append(mt.Spend, sums[m])
	}
	return mt, nil
}

func monthTableView(mt MonthTable) monthView {
	v := monthView{Channels: mt.Channels}
	totals := make([]float64, len(mt.Channels))
	grand := 0.0
	for i, m := range mt.Months {
		row := tableRow{Name: m}
		sum := 0.0
		for ci := range mt.Channels {
			x := 0.0
			if i < len(mt.Spend) && ci < len(mt.Spend[i]) {
				x = mt.Spend[i][ci]
			}
			row.Cells = append(row.Cells, formatPlain(x))
			totals[ci] += x
			sum += x
		}
		grand += sum
		row.Cells = append(row.Cells, formatPlain(sum))
		v.Rows = append(v.Rows, row)
	}
	for _, t := range totals {
		v.Totals = append(v.Totals, formatPlain(t))
	}
	v.Totals = append(v.Totals, formatPlain(grand))
	return v
}
