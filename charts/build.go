package charts

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// chartSpec is one chart of the page: its ECharts options (built with
// go-echarts) and formatting hints that the page's fixed script turns into
// axis-label and tooltip formatters. No formatter is ever built from user
// text: hints are a closed set of keywords.
type chartSpec struct {
	ID     string         `json:"id"`
	Option map[string]any `json:"option"`
	Fmt    chartFmt       `json:"fmt"`
}

// Format keywords understood by the page script.
const (
	fmtMoney = "money"
	fmtRatio = "ratio"
	fmtPct   = "pct"
	fmtCount = "count"
)

type chartFmt struct {
	X       []string `json:"x,omitempty"`       // per x axis: a format keyword, or "" for ECharts' own labels
	Y       []string `json:"y,omitempty"`       // per y axis
	Series  []string `json:"series,omitempty"`  // per series: how its values read in the tooltip
	Head    []string `json:"head,omitempty"`    // tooltip header per data index (e.g. the period), shown as text
	HeadFmt string   `json:"headFmt,omitempty"` // format of the axis value in the tooltip header when Head is empty
	HeadPre string   `json:"headPre,omitempty"` // text before the header value, shown as text
	Total   string   `json:"total,omitempty"`   // label of a total row in the tooltip, shown as text
	Sum     []int    `json:"sum,omitempty"`     // the series that the total row adds up
}

// Colours: channels get the palette in order; festival bands are a soft red,
// slumps a soft grey-blue.
var palette = []string{
	"#2f6fed", "#17a589", "#f2a93b", "#7b5cd6", "#33b5d8",
	"#a0785a", "#e36fa8", "#6b7a8f", "#9bbf3b", "#d9534f",
}

const (
	colorEven        = "#4a5568"
	colorPlan        = "#2f6fed"
	colorProfit      = "#17a589"
	colorMarginal    = "#f2a93b"
	colorFestival    = "rgba(220, 53, 69, 0.10)"
	colorFestLabel   = "#b4232f"
	colorSlump       = "rgba(100, 116, 139, 0.16)"
	colorSlumpLbl    = "#475569"
	colorSlumpLegend = "#a3b1c6"
	colorAxis        = "#94a3b8"
	colorSplit       = "#eef1f5"
	colorText        = "#475569"
)

const dayMS = 24 * 60 * 60 * 1000

func parseDate(s string) (time.Time, error) {
	return time.Parse("2006-01-02", strings.TrimSpace(s))
}

func msOf(t time.Time) int64 { return t.UnixMilli() }

// timeline is the periods on a UTC millisecond time axis.
type timeline struct {
	start, end int64   // horizon start (00:00 of the first day) and end (24:00 of the last)
	mid        []int64 // each period's midpoint
	head       []string
}

func buildTimeline(r *Report) (*timeline, error) {
	tl := &timeline{}
	for i, p := range r.Periods {
		s, err := parseDate(p.Start)
		if err != nil {
			return nil, fmt.Errorf("period %d: bad start date %q", i+1, p.Start)
		}
		e, err := parseDate(p.End)
		if err != nil {
			return nil, fmt.Errorf("period %d: bad end date %q", i+1, p.End)
		}
		if e.Before(s) {
			return nil, fmt.Errorf("period %d: end %s before start %s", i+1, p.End, p.Start)
		}
		days := int64(e.Sub(s)/(24*time.Hour)) + 1
		s0, e1 := msOf(s), msOf(e)+dayMS
		if i == 0 || s0 < tl.start {
			tl.start = s0
		}
		if e1 > tl.end {
			tl.end = e1
		}
		tl.mid = append(tl.mid, s0+days*dayMS/2)
		head := p.Start
		if p.End != p.Start {
			head += " – " + p.End
		}
		var fests []string
		for _, b := range r.Festivals {
			bf, err1 := parseDate(b.From)
			bt, err2 := parseDate(b.To)
			if err1 == nil && err2 == nil && !bt.Before(s) && !bf.After(e) {
				fests = append(fests, b.Name)
			}
		}
		if len(fests) > 0 {
			head += " · " + strings.Join(fests, ", ")
		}
		tl.head = append(tl.head, head)
	}
	return tl, nil
}

func pointsBar(tl *timeline, v []float64) []opts.BarData {
	out := make([]opts.BarData, len(v))
	for i := range v {
		out[i] = opts.BarData{Value: []any{tl.mid[i], round2(v[i])}}
	}
	return out
}

func pointsLine(tl *timeline, v []float64) []opts.LineData {
	out := make([]opts.LineData, len(v))
	for i := range v {
		out[i] = opts.LineData{Value: []any{tl.mid[i], round2(v[i])}}
	}
	return out
}

func xyLine(pts []XY) []opts.LineData {
	out := make([]opts.LineData, len(pts))
	for i, p := range pts {
		out[i] = opts.LineData{Value: []float64{round2(p.X), round2(p.Y)}}
	}
	return out
}

// round2 keeps the page small: cents are noise on a chart.
func round2(v float64) float64 { return math.Round(v*100) / 100 }

func cumulate(v []float64) []float64 {
	out := make([]float64, len(v))
	s := 0.0
	for i, x := range v {
		s += x
		out[i] = s
	}
	return out
}

// Common option pieces.

func tooltipAxis(pointer string) charts.GlobalOpts {
	return charts.WithTooltipOpts(opts.Tooltip{
		Show:        opts.Bool(true),
		Trigger:     "axis",
		AxisPointer: &opts.AxisPointer{Type: pointer},
	})
}

func legendTop() charts.GlobalOpts {
	return charts.WithLegendOpts(opts.Legend{
		Show: opts.Bool(true), Type: "scroll", Top: "0", Left: "center",
		Icon: "roundRect", ItemWidth: 14, ItemHeight: 10,
		TextStyle: &opts.TextStyle{Color: colorText, FontSize: 12},
	})
}

func grid(top, bottom, left, right string) charts.GlobalOpts {
	return charts.WithGridOpts(opts.Grid{Top: top, Bottom: bottom, Left: left, Right: right, ContainLabel: opts.Bool(true)})
}

func splitLine() *opts.SplitLine {
	return &opts.SplitLine{Show: opts.Bool(true), LineStyle: &opts.LineStyle{Color: colorSplit}}
}

func axisLine() *opts.AxisLine {
	return &opts.AxisLine{Show: opts.Bool(true), LineStyle: &opts.LineStyle{Color: colorAxis}}
}

func timeXAxis(tl *timeline) opts.XAxis {
	return opts.XAxis{
		Type: "time", Min: tl.start, Max: tl.end,
		AxisLine:  axisLine(),
		AxisLabel: &opts.AxisLabel{Color: colorText, HideOverlap: opts.Bool(true)},
		SplitLine: &opts.SplitLine{Show: opts.Bool(false)},
	}
}

func valueYAxis(name string) opts.YAxis {
	return opts.YAxis{
		Type: "value", Name: name,
		AxisLabel: &opts.AxisLabel{Color: colorText},
		SplitLine: splitLine(),
	}
}

func common(extra ...charts.GlobalOpts) []charts.GlobalOpts {
	return append([]charts.GlobalOpts{
		charts.WithAnimation(false),
		charts.WithColorsOpts(palette),
	}, extra...)
}

// areaLabel and areaPoint spell out a markArea item in full: go-echarts'
// MarkAreaData has no label offset, which the stacked band labels need.
type areaLabel struct {
	Show       bool    `json:"show"`
	Position   string  `json:"position"`
	Color      string  `json:"color"`
	FontSize   float64 `json:"fontSize"`
	FontWeight string  `json:"fontWeight,omitempty"`
	Offset     [2]int  `json:"offset"`
}

type areaPoint struct {
	Name      string          `json:"name,omitempty"`
	XAxis     int64           `json:"xAxis"`
	ItemStyle *opts.ItemStyle `json:"itemStyle,omitempty"`
	Label     *areaLabel      `json:"label,omitempty"`
}

// labelWidthPx estimates how wide a band label draws at 11px.
func labelWidthPx(s string) float64 {
	w := 0.0
	for _, r := range s {
		if r > 0x2e80 {
			w += 11.5
		} else {
			w += 6.8
		}
	}
	return w
}

// bandSeries adds the festival (and slump) windows as named shaded bands: an
// empty line series per kind that only carries a markArea, so the legend can
// switch the bands on and off. With labelled set, band names are drawn at the
// top of the bands, moved down a line where they would overlap a neighbour
// (estimated for a plot about 1000 px wide).
func bandSeries(r *Report, tl *timeline, L *labels, labelled bool) ([]*charts.Line, error) {
	type band struct {
		from, to int64
		name     string
		slump    bool
	}
	var bands []band
	for i, b := range r.Festivals {
		from, err := parseDate(b.From)
		if err != nil {
			return nil, fmt.Errorf("festival %d (%s): bad from date %q", i+1, b.Name, b.From)
		}
		to, err := parseDate(b.To)
		if err != nil {
			return nil, fmt.Errorf("festival %d (%s): bad to date %q", i+1, b.Name, b.To)
		}
		if to.Before(from) {
			return nil, fmt.Errorf("festival %d (%s): to %s before from %s", i+1, b.Name, b.To, b.From)
		}
		bands = append(bands, band{msOf(from), msOf(to) + dayMS, b.Name, b.Uplift > 0 && b.Uplift < 1})
	}
	sort.SliceStable(bands, func(i, j int) bool { return bands[i].from < bands[j].from })

	pxPerMS := 1000.0 / math.Max(float64(tl.end-tl.start), dayMS)
	var levelEnd []float64 // right edge (px) of the last label on each level
	var peaks, slumps []interface{}
	for _, b := range bands {
		p0 := areaPoint{Name: b.name, XAxis: b.from, ItemStyle: &opts.ItemStyle{Color: colorFestival}}
		lbl := &areaLabel{Show: labelled, Position: "insideTop", Color: colorFestLabel, FontSize: 11, FontWeight: "bold"}
		if b.slump {
			p0.ItemStyle = &opts.ItemStyle{Color: colorSlump}
			lbl.Color, lbl.FontWeight = colorSlumpLbl, ""
		}
		if labelled {
			mid := float64((b.from+b.to)/2-tl.start) * pxPerMS
			half := labelWidthPx(b.name)/2 + 4
			level := 0
			for level < len(levelEnd) && levelEnd[level] > mid-half && level < 3 {
				level++
			}
			if level == len(levelEnd) {
				levelEnd = append(levelEnd, 0)
			}
			levelEnd[level] = mid + half
			lbl.Offset = [2]int{0, 15 * level}
		}
		p0.Label = lbl
		item := []areaPoint{p0, {XAxis: b.to}}
		if b.slump {
			slumps = append(slumps, item)
		} else {
			peaks = append(peaks, item)
		}
	}
	var out []*charts.Line
	add := func(name, color string, areas []interface{}) {
		if len(areas) == 0 {
			return
		}
		l := charts.NewLine()
		l.AddSeries(name, []opts.LineData{},
			charts.WithItemStyleOpts(opts.ItemStyle{Color: color}),
			charts.WithSeriesOpts(func(s *charts.SingleSeries) {
				s.MarkAreas = &opts.MarkAreas{Data: areas}
			}),
		)
		out = append(out, l)
	}
	add(L.Festivals, colorFestLabel, peaks)
	add(L.Slumps, colorSlumpLegend, slumps)
	return out, nil
}

// finish validates the chart and returns its options as a plain map.
func finish(c interface {
	Validate()
	JSON() map[string]interface{}
}, extra map[string]any) map[string]any {
	c.Validate()
	m := c.JSON()
	m["useUTC"] = true // the time axes are in UTC milliseconds
	for k, v := range extra {
		m[k] = v
	}
	return m
}

// battleMap: spend per period stacked by channel, festival bands, the even
// baseline's spend as a line.
func battleMap(r *Report, tl *timeline, L *labels) (*chartSpec, error) {
	bar := charts.NewBar()
	bar.SetGlobalOptions(common(
		tooltipAxis("shadow"), legendTop(), grid("40", "30", "12", "20"),
		charts.WithXAxisOpts(timeXAxis(tl)),
		charts.WithYAxisOpts(valueYAxis("")),
		charts.WithDataZoomOpts(opts.DataZoom{Type: "inside", XAxisIndex: 0}),
	)...)
	f := chartFmt{X: []string{""}, Y: []string{fmtMoney}, Head: tl.head, Total: L.Total}
	for i, c := range r.Channels {
		f.Sum = append(f.Sum, i)
		bar.AddSeries(c.Name, pointsBar(tl, c.Spend),
			charts.WithBarChartOpts(opts.BarChart{Stack: "spend", BarCategoryGap: "18%"}),
			charts.WithEmphasisOpts(opts.Emphasis{Focus: "series"}),
		)
		f.Series = append(f.Series, fmtMoney)
	}
	var overlays []charts.Overlaper
	if len(r.EvenSpend) > 0 {
		line := charts.NewLine()
		line.AddSeries(L.EvenSpend, pointsLine(tl, r.EvenSpend),
			charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false), Step: "middle"}),
			charts.WithLineStyleOpts(opts.LineStyle{Color: colorEven, Width: 2, Type: "dashed"}),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: colorEven}),
		)
		overlays = append(overlays, line)
		f.Series = append(f.Series, fmtMoney)
	}
	bands, err := bandSeries(r, tl, L, true)
	if err != nil {
		return nil, err
	}
	for _, b := range bands {
		overlays = append(overlays, b)
		f.Series = append(f.Series, "")
	}
	bar.Overlap(overlays...)
	return &chartSpec{ID: "battle", Option: finish(bar, nil), Fmt: f}, nil
}

// revenueCharts: revenue per period against even, and both cumulated.
func revenueCharts(r *Report, tl *timeline, L *labels) ([]*chartSpec, error) {
	total := make([]float64, len(r.Periods))
	for _, c := range r.Channels {
		for i, v := range c.Revenue {
			total[i] += v
		}
	}
	mk := func(id string, plan, even []float64, withBands, area bool) (*chartSpec, error) {
		line := charts.NewLine()
		line.SetGlobalOptions(common(
			tooltipAxis("line"), legendTop(), grid("44", "30", "12", "20"),
			charts.WithXAxisOpts(timeXAxis(tl)),
			charts.WithYAxisOpts(valueYAxis("")),
		)...)
		f := chartFmt{X: []string{""}, Y: []string{fmtMoney}, Head: tl.head}
		planOpts := []charts.SeriesOpts{
			charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false)}),
			charts.WithLineStyleOpts(opts.LineStyle{Color: colorPlan, Width: 2.5}),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: colorPlan}),
		}
		if area {
			planOpts = append(planOpts, charts.WithAreaStyleOpts(opts.AreaStyle{Color: colorPlan, Opacity: opts.Float(0.12)}))
		}
		line.AddSeries(L.PlanRevenue, pointsLine(tl, plan), planOpts...)
		f.Series = append(f.Series, fmtMoney)
		if len(even) > 0 {
			line.AddSeries(L.EvenRevenue, pointsLine(tl, even),
				charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false)}),
				charts.WithLineStyleOpts(opts.LineStyle{Color: colorEven, Width: 2, Type: "dashed"}),
				charts.WithItemStyleOpts(opts.ItemStyle{Color: colorEven}),
			)
			f.Series = append(f.Series, fmtMoney)
		}
		if withBands {
			bands, err := bandSeries(r, tl, L, false)
			if err != nil {
				return nil, err
			}
			for _, b := range bands {
				line.Overlap(b)
				f.Series = append(f.Series, "")
			}
		}
		return &chartSpec{ID: id, Option: finish(line, nil), Fmt: f}, nil
	}
	per, err := mk("revenue", total, r.EvenRevenue, true, true)
	if err != nil {
		return nil, err
	}
	var evenCum []float64
	if len(r.EvenRevenue) > 0 {
		evenCum = cumulate(r.EvenRevenue)
	}
	cum, err := mk("revenue-cum", cumulate(total), evenCum, false, true)
	if err != nil {
		return nil, err
	}
	return []*chartSpec{per, cum}, nil
}

func festivalSeriesName(L *labels, name string) string {
	if name == "" {
		return L.AtFestival
	}
	if L.HTMLLang == "en" {
		return "At " + name
	}
	return name + "期间"
}

// curveChart: one channel's response curves, operating points and the point
// of best average return.
func curveChart(i int, c *Channel, L *labels) *chartSpec {
	cv := c.Curve
	color := palette[i%len(palette)]
	line := charts.NewLine()
	line.SetGlobalOptions(common(
		tooltipAxis("line"),
		charts.WithLegendOpts(opts.Legend{
			Show: opts.Bool(true), Type: "scroll", Bottom: "0", Left: "center",
			ItemWidth: 14, ItemHeight: 8, TextStyle: &opts.TextStyle{Color: colorText, FontSize: 11},
		}),
		grid("14", "34", "8", "22"),
		charts.WithXAxisOpts(opts.XAxis{
			Type:     "value",
			AxisLine: axisLine(), AxisLabel: &opts.AxisLabel{Color: colorText, HideOverlap: opts.Bool(true)},
			SplitLine: splitLine(),
		}),
		charts.WithYAxisOpts(opts.YAxis{
			Type:      "value",
			AxisLabel: &opts.AxisLabel{Color: colorText}, SplitLine: splitLine(),
		}),
	)...)
	f := chartFmt{X: []string{fmtMoney}, Y: []string{fmtMoney}, HeadFmt: fmtMoney, HeadPre: L.WeeklySpend + " "}
	normalOpts := []charts.SeriesOpts{
		charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false), Smooth: opts.Bool(true)}),
		charts.WithLineStyleOpts(opts.LineStyle{Color: color, Width: 2.5}),
		charts.WithItemStyleOpts(opts.ItemStyle{Color: color}),
	}
	if cv.BestAverage != nil {
		x := round2(cv.BestAverage.X)
		normalOpts = append(normalOpts,
			charts.WithMarkAreaData([]opts.MarkAreaData{
				{XAxis: 0, MarkAreaStyle: opts.MarkAreaStyle{ItemStyle: &opts.ItemStyle{Color: "rgba(220, 53, 69, 0.06)"}}},
				{XAxis: x},
			}),
			charts.WithMarkLineNameXAxisItemOpts(opts.MarkLineNameXAxisItem{Name: L.BestAverage, XAxis: x}),
			charts.WithMarkLineStyleOpts(opts.MarkLineStyle{
				Symbol:    []string{"none", "none"},
				LineStyle: &opts.LineStyle{Color: colorFestLabel, Type: "dashed", Width: 1.5},
				Label:     &opts.Label{Show: opts.Bool(true), Position: "insideEndTop", Formatter: "{b}", Color: colorFestLabel, FontSize: 11},
			}),
		)
	}
	line.AddSeries(L.NormalWeek, xyLine(cv.Normal), normalOpts...)
	f.Series = append(f.Series, fmtMoney)
	if len(cv.Festival) > 0 {
		line.AddSeries(festivalSeriesName(L, cv.FestivalName), xyLine(cv.Festival),
			charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false), Smooth: opts.Bool(true)}),
			charts.WithLineStyleOpts(opts.LineStyle{Color: colorFestLabel, Width: 2, Type: "dashed"}),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: colorFestLabel}),
		)
		f.Series = append(f.Series, fmtMoney)
	}
	if len(cv.Operating) > 0 {
		sc := charts.NewScatter()
		data := make([]opts.ScatterData, len(cv.Operating))
		for j, p := range cv.Operating {
			data[j] = opts.ScatterData{Value: []float64{round2(p.X), round2(p.Y)}}
		}
		sc.AddSeries(L.OperatingPoints, data,
			charts.WithScatterChartOpts(opts.ScatterChart{SymbolSize: 7}),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: "#1e293b", Opacity: opts.Float(0.7), BorderColor: "#fff", BorderWidth: 1}),
		)
		line.Overlap(sc)
		f.Series = append(f.Series, fmtMoney)
	}
	return &chartSpec{ID: fmt.Sprintf("curve-%d", i), Option: finish(line, nil), Fmt: f}
}

// splitCharts: spend and revenue by channel, and ROAS by channel.
func splitCharts(r *Report, L *labels) []*chartSpec {
	names := make([]string, len(r.Channels))
	spend := make([]opts.BarData, len(r.Channels))
	rev := make([]opts.BarData, len(r.Channels))
	roas := make([]opts.BarData, len(r.Channels))
	for i, c := range r.Channels {
		names[i] = c.Name
		spend[i] = opts.BarData{Value: round2(c.TotalSpend)}
		rev[i] = opts.BarData{Value: round2(c.TotalRevenue)}
		roas[i] = opts.BarData{Value: round2(c.ROAS), ItemStyle: &opts.ItemStyle{Color: palette[i%len(palette)]}}
	}
	catAxis := opts.YAxis{
		Type: "category", Inverse: opts.Bool(true),
		AxisLine:  axisLine(),
		AxisLabel: &opts.AxisLabel{Color: colorText, Width: 120, Overflow: "truncate"},
	}
	valAxis := opts.XAxis{Type: "value", AxisLabel: &opts.AxisLabel{Color: colorText, HideOverlap: opts.Bool(true)}, SplitLine: splitLine()}

	a := charts.NewBar()
	a.SetGlobalOptions(common(
		tooltipAxis("shadow"), legendTop(), grid("40", "16", "8", "28"),
		charts.WithXAxisOpts(valAxis), charts.WithYAxisOpts(catAxis),
	)...)
	a.SetXAxis(names).XYReversal()
	a.AddSeries(L.Spend, spend, charts.WithItemStyleOpts(opts.ItemStyle{Color: "#94a3b8"}), charts.WithBarChartOpts(opts.BarChart{BarGap: "10%", BarCategoryGap: "35%"}))
	a.AddSeries(L.Revenue, rev, charts.WithItemStyleOpts(opts.ItemStyle{Color: colorPlan}))

	b := charts.NewBar()
	b.SetGlobalOptions(common(
		tooltipAxis("shadow"), charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}), grid("40", "16", "8", "36"),
		charts.WithXAxisOpts(valAxis), charts.WithYAxisOpts(catAxis),
	)...)
	b.SetXAxis(names).XYReversal()
	b.AddSeries(L.ROAS, roas,
		charts.WithBarChartOpts(opts.BarChart{BarCategoryGap: "35%"}),
		charts.WithLabelOpts(opts.Label{Show: opts.Bool(true), Position: "right", Color: colorText, FontSize: 11}),
		charts.WithMarkLineNameXAxisItemOpts(opts.MarkLineNameXAxisItem{Name: L.Total, XAxis: round2(r.ROAS)}),
		charts.WithMarkLineStyleOpts(opts.MarkLineStyle{
			Symbol:    []string{"none", "none"},
			LineStyle: &opts.LineStyle{Color: colorEven, Type: "dashed"},
			Label:     &opts.Label{Show: opts.Bool(true), Position: "start", Formatter: "{b} {c}", Color: colorText},
		}),
	)
	return []*chartSpec{
		{ID: "split", Option: finish(a, nil), Fmt: chartFmt{X: []string{fmtMoney}, Y: []string{""}, Series: []string{fmtMoney, fmtMoney}}},
		{ID: "split-roas", Option: finish(b, nil), Fmt: chartFmt{X: []string{""}, Y: []string{""}, Series: []string{fmtRatio}}},
	}
}

// frontierChart: optimal revenue and profit against budget, marginal ROAS,
// the current budget marked.
func frontierChart(fr *Frontier, L *labels) *chartSpec {
	line := charts.NewLine()
	line.SetGlobalOptions(common(
		tooltipAxis("line"), legendTop(), grid("48", "30", "12", "20"),
		charts.WithXAxisOpts(opts.XAxis{
			Type: "value", Scale: opts.Bool(true),
			AxisLine: axisLine(), AxisLabel: &opts.AxisLabel{Color: colorText, HideOverlap: opts.Bool(true)},
			SplitLine: splitLine(),
		}),
		charts.WithYAxisOpts(valueYAxis("")),
	)...)
	line.ExtendYAxis(opts.YAxis{
		Type: "value", Name: L.MarginalROAS, Position: "right",
		AxisLabel: &opts.AxisLabel{Color: colorText}, SplitLine: &opts.SplitLine{Show: opts.Bool(false)},
	})
	f := chartFmt{X: []string{fmtMoney}, Y: []string{fmtMoney, ""}, HeadFmt: fmtMoney, HeadPre: L.Budget + " "}
	var rev, prof, marg []opts.LineData
	hasProfit := false
	for _, p := range fr.Points {
		rev = append(rev, opts.LineData{Value: []float64{round2(p.Budget), round2(p.Revenue)}})
		marg = append(marg, opts.LineData{Value: []float64{round2(p.Budget), round2(p.MarginalROAS)}})
		if p.Profit != nil {
			hasProfit = true
			prof = append(prof, opts.LineData{Value: []float64{round2(p.Budget), round2(*p.Profit)}})
		}
	}
	revOpts := []charts.SeriesOpts{
		charts.WithLineChartOpts(opts.LineChart{Smooth: opts.Bool(false), SymbolSize: 5}),
		charts.WithLineStyleOpts(opts.LineStyle{Color: colorPlan, Width: 2.5}),
		charts.WithItemStyleOpts(opts.ItemStyle{Color: colorPlan}),
	}
	var marks []opts.MarkLineNameXAxisItem
	if fr.CurrentBudget > 0 {
		marks = append(marks, opts.MarkLineNameXAxisItem{Name: L.CurrentBudget, XAxis: round2(fr.CurrentBudget)})
	}
	if fr.BreakEvenBudget != nil {
		marks = append(marks, opts.MarkLineNameXAxisItem{Name: L.BreakEven, XAxis: round2(*fr.BreakEvenBudget)})
	}
	if len(marks) > 0 {
		revOpts = append(revOpts,
			charts.WithMarkLineNameXAxisItemOpts(marks...),
			charts.WithMarkLineStyleOpts(opts.MarkLineStyle{
				Symbol:    []string{"none", "none"},
				LineStyle: &opts.LineStyle{Color: colorFestLabel, Type: "dashed", Width: 1.5},
				Label:     &opts.Label{Show: opts.Bool(true), Position: "insideEndTop", Formatter: "{b}", Color: colorFestLabel},
			}))
	}
	line.AddSeries(L.OptimalRevenue, rev, revOpts...)
	f.Series = append(f.Series, fmtMoney)
	if hasProfit {
		line.AddSeries(L.OptimalProfit, prof,
			charts.WithLineChartOpts(opts.LineChart{SymbolSize: 5}),
			charts.WithLineStyleOpts(opts.LineStyle{Color: colorProfit, Width: 2.5}),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: colorProfit}),
		)
		f.Series = append(f.Series, fmtMoney)
	}
	line.AddSeries(L.MarginalROAS, marg,
		charts.WithLineChartOpts(opts.LineChart{YAxisIndex: 1, SymbolSize: 4}),
		charts.WithLineStyleOpts(opts.LineStyle{Color: colorMarginal, Width: 2, Type: "dashed"}),
		charts.WithItemStyleOpts(opts.ItemStyle{Color: colorMarginal}),
	)
	f.Series = append(f.Series, fmtRatio)
	return &chartSpec{ID: "frontier", Option: finish(line, nil), Fmt: f}
}

// histogramChart: the distribution of simulated revenue with P10/P50/P90.
func histogramChart(u *Uncertainty, L *labels) *chartSpec {
	h := u.Histogram
	bar := charts.NewBar()
	bar.SetGlobalOptions(common(
		tooltipAxis("shadow"), charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}), grid("36", "24", "12", "24"),
		charts.WithXAxisOpts(opts.XAxis{
			Type: "value", Scale: opts.Bool(true), Min: round2(h.Edges[0]), Max: round2(h.Edges[len(h.Edges)-1]),
			AxisLine: axisLine(), AxisLabel: &opts.AxisLabel{Color: colorText, HideOverlap: opts.Bool(true)},
			SplitLine: &opts.SplitLine{Show: opts.Bool(false)},
		}),
		charts.WithYAxisOpts(valueYAxis(L.Draws)),
	)...)
	data := make([]opts.BarData, len(h.Counts))
	for i, n := range h.Counts {
		data[i] = opts.BarData{Value: []float64{round2((h.Edges[i] + h.Edges[i+1]) / 2), float64(n)}}
	}
	bar.AddSeries(L.Draws, data,
		charts.WithBarChartOpts(opts.BarChart{BarCategoryGap: "8%"}),
		charts.WithItemStyleOpts(opts.ItemStyle{Color: "#8fb0f7"}),
		charts.WithMarkLineNameXAxisItemOpts(
			opts.MarkLineNameXAxisItem{Name: L.P10, XAxis: round2(u.Revenue.P10)},
			opts.MarkLineNameXAxisItem{Name: L.P50, XAxis: round2(u.Revenue.P50)},
			opts.MarkLineNameXAxisItem{Name: L.P90, XAxis: round2(u.Revenue.P90)},
		),
		charts.WithMarkLineStyleOpts(opts.MarkLineStyle{
			Symbol:    []string{"none", "none"},
			LineStyle: &opts.LineStyle{Color: colorEven, Type: "dashed"},
			Label:     &opts.Label{Show: opts.Bool(true), Position: "end", Formatter: "{b}", Color: colorText},
		}),
	)
	return &chartSpec{
		ID: "histogram", Option: finish(bar, nil),
		Fmt: chartFmt{X: []string{fmtMoney}, Y: []string{fmtCount}, Series: []string{fmtCount}, HeadFmt: fmtMoney},
	}
}

// NewHistogram bins draws into n equal bins between their minimum and
// maximum (NaN and infinite draws are left out); nil when no draw is finite.
func NewHistogram(draws []float64, n int) *Histogram {
	if n < 1 {
		n = 1
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, d := range draws {
		if math.IsNaN(d) || math.IsInf(d, 0) {
			continue
		}
		lo = math.Min(lo, d)
		hi = math.Max(hi, d)
	}
	if math.IsInf(lo, 1) {
		return nil
	}
	if hi == lo {
		hi = lo + 1
	}
	h := &Histogram{Edges: make([]float64, n+1), Counts: make([]int, n)}
	w := (hi - lo) / float64(n)
	for i := range h.Edges {
		h.Edges[i] = lo + float64(i)*w
	}
	h.Edges[n] = hi
	for _, d := range draws {
		if math.IsNaN(d) || math.IsInf(d, 0) {
			continue
		}
		i := int((d - lo) / w)
		if i >= n {
			i = n - 1
		}
		if i < 0 {
			i = 0
		}
		h.Counts[i]++
	}
	return h
}

// marshalData encodes the page data with HTML escaping on: <, > and & become
// \u003c, \u003e and \u0026 (and U+2028/U+2029 are escaped), so the result
// can stand inside a <script> element whatever text it carries.
func marshalData(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	// Defence in depth: the encoder never emits these, but never trust it blindly.
	if strings.ContainsAny(string(b), "<>") {
		return nil, fmt.Errorf("charts: page data is not script-safe")
	}
	return b, nil
}
