package scenarios

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize"

	"github.com/peakplan/peakplan/scenarios/calendar"
)

// A weekly history (cli.md, "The history file of fit --history") and the
// quick calibration fitted to it:
//
//	revenue_w = baseline + trend*w + sum_e gamma_e*event_{e,w}
//	          + sum_c beta_c * H_c(a_{c,w})
//
// with the normalised geometric adstock of model.md, a_{c,w} = (1-theta_c)
// x_{c,w} + theta_c a_{c,w-1}, and hill or exponential saturation H_c. For
// fixed nonlinear parameters (theta_c, h_c, s_c) the linear ones solve by
// ridge-regularised least squares; Nelder-Mead searches the nonlinear ones
// in a transformed space that keeps them in range, from several
// deterministic starts. It is a quick calibration for planning, not a
// media-mix model: no priors on channel effects, no uncertainty intervals.

// Limits on a history file, so an untrusted file cannot make the fit run
// for hours.
const (
	MaxHistoryBytes    = 8 << 20
	MaxHistoryWeeks    = 1040 // twenty years of weeks
	MaxHistoryChannels = 20
	MaxHistoryEvents   = 30
	// MinHistoryWeeks is the least history worth fitting: half a year.
	MinHistoryWeeks = 26
	// historyWeeksPerParam is how many weeks each fitted parameter needs
	// at least.
	historyWeeksPerParam = 2
)

// History is a weekly history: one row per week.
type History struct {
	File     string
	Weeks    []calendar.Date // the Mondays, consecutive
	Revenue  []float64
	Channels []string
	Spend    [][]float64 // [channel][week]
	Events   []string    // event column names without the event_ prefix
	Flags    [][]float64 // [event][week], 0 or 1
}

// ReadHistory reads a history CSV strictly. Every problem found is returned
// as an ErrorList with the line (and the column, for a cell) it is on.
func ReadHistory(r io.Reader, name string) (*History, error) {
	e := &errs{file: name}
	data, err := io.ReadAll(io.LimitReader(r, MaxHistoryBytes+1))
	if err != nil {
		e.add(Pos{}, "%v", err)
		return nil, e.err()
	}
	if len(data) > MaxHistoryBytes {
		e.add(Pos{}, "the file is larger than %d MiB; a weekly history is a few hundred kilobytes", MaxHistoryBytes>>20)
		return nil, e.err()
	}
	if pos, valid := firstInvalidUTF8(data); !valid {
		e.add(pos, "the file is not UTF-8 text (save it as CSV UTF-8)")
		return nil, e.err()
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff")) // spreadsheet exports start with a BOM
	cr := csv.NewReader(bytes.NewReader(data))
	cr.ReuseRecord = true
	h := &History{File: name}

	header, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			e.add(Pos{}, "the file is empty; it needs a header row: date,revenue,<one column per channel>")
		} else {
			addCSVError(e, err)
		}
		return nil, e.err()
	}
	header = slices.Clone(header)
	cols := historyColumns(e, header, h)
	if len(e.list) > 0 {
		return nil, e.err()
	}

	var prev calendar.Date
	prevLine := 0 // the line of the previous row's date; 0 when unknown
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			addCSVError(e, err)
			return nil, e.err()
		}
		line, _ := cr.FieldPos(0)
		if len(h.Weeks) >= MaxHistoryWeeks {
			e.add(Pos{Line: line, Col: 1}, "more than %d weekly rows; fit at most twenty years", MaxHistoryWeeks)
			return nil, e.err()
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		cell := func(i int) (string, Pos) {
			l, c := cr.FieldPos(i)
			return strings.TrimSpace(rec[i]), Pos{Line: l, Col: c}
		}
		// The date: a Monday, one week after the row before. A bad date
		// is reported once: the next row is checked against its Monday, or
		// not at all when it is no date.
		v, pos := cell(cols.date)
		d, err := calendar.ParseDate(v)
		monday := d.AddDays(-(int(d.Weekday()) + 6) % 7)
		switch {
		case err != nil:
			e.add(pos, "date %q is not a date in the form YYYY-MM-DD", v)
		case d != monday:
			e.add(pos, "date %s is a %s; each row is one week, dated by its Monday (%s)", d, d.Weekday(), monday)
		}
		switch {
		case err != nil || prevLine == 0:
		case monday <= prev:
			e.add(pos, "date %s does not come after %s on line %d; give one row per week in date order", d, prev, prevLine)
		case monday != prev.AddDays(7):
			e.add(pos, "weeks are missing between %s (line %d) and %s: the week of %s has no row; give every week, with zero spend where nothing ran", prev, prevLine, d, prev.AddDays(7))
		}
		h.Weeks = append(h.Weeks, monday)
		prev, prevLine = monday, line
		if err != nil {
			prevLine = 0
		}

		v, pos = cell(cols.revenue)
		h.Revenue = append(h.Revenue, historyNumber(e, v, pos, "revenue"))
		for c, i := range cols.channels {
			v, pos = cell(i)
			h.Spend[c] = append(h.Spend[c], historyNumber(e, v, pos, fmt.Sprintf("spend of %s", h.Channels[c])))
		}
		for k, i := range cols.events {
			v, pos = cell(i)
			f := 0.0
			switch v {
			case "0":
			case "1":
				f = 1
			default:
				e.add(pos, "event_%s is %q; an event column holds 1 in the weeks of the event and 0 in the others", h.Events[k], v)
			}
			h.Flags[k] = append(h.Flags[k], f)
		}
		if len(e.list) >= MaxErrors {
			break
		}
	}
	if len(e.list) > 0 {
		return nil, e.err()
	}
	if len(h.Weeks) == 0 {
		e.add(Pos{Line: 1, Col: 1}, "the file has a header but no weeks")
		return nil, e.err()
	}
	for c, name := range h.Channels {
		if slices.Max(h.Spend[c]) == 0 {
			e.add(Pos{Line: 1, Col: cols.channels[c] + 1}, "channel %s spends nothing in any week, so its effect cannot be measured; remove the column", name)
		}
	}
	return h, e.err()
}

type historyCols struct {
	date, revenue int
	channels      []int
	events        []int
}

// historyColumns reads the header: date, revenue, channels, event_ flags.
func historyColumns(e *errs, header []string, h *History) historyCols {
	cols := historyCols{date: -1, revenue: -1}
	if len(header) > 2+MaxHistoryChannels+MaxHistoryEvents {
		e.add(Pos{Line: 1, Col: 1}, "the header has %d columns; at most %d channels and %d event columns are allowed", len(header), MaxHistoryChannels, MaxHistoryEvents)
		return cols
	}
	seen := map[string]bool{}
	for i, raw := range header {
		name := strings.TrimSpace(raw)
		pos := Pos{Line: 1, Col: i + 1}
		switch {
		case name == "":
			e.add(pos, "column %d has no name", i+1)
			continue
		case seen[name]:
			e.add(pos, "column %q appears twice", name)
			continue
		}
		seen[name] = true
		switch {
		case name == "date":
			cols.date = i
		case name == "revenue":
			cols.revenue = i
		case strings.HasPrefix(name, "event_"):
			cols.events = append(cols.events, i)
			h.Events = append(h.Events, strings.TrimPrefix(name, "event_"))
			h.Flags = append(h.Flags, nil)
		default:
			if utf8.RuneCountInString(name) > MaxNameRunes || strings.IndexFunc(name, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0 {
				e.add(pos, "column %q is not a channel name: up to %d printable characters", name, MaxNameRunes)
				continue
			}
			cols.channels = append(cols.channels, i)
			h.Channels = append(h.Channels, name)
			h.Spend = append(h.Spend, nil)
		}
	}
	if cols.date < 0 {
		e.add(Pos{Line: 1, Col: 1}, "the header has no date column (the Monday of each week)")
	}
	if cols.revenue < 0 {
		e.add(Pos{Line: 1, Col: 1}, "the header has no revenue column")
	}
	if len(cols.channels) == 0 {
		e.add(Pos{Line: 1, Col: 1}, "the header has no channel columns; after date and revenue give one spend column per channel")
	}
	if len(cols.channels) > MaxHistoryChannels {
		e.add(Pos{Line: 1, Col: 1}, "the header has %d channels; at most %d can be fitted together", len(cols.channels), MaxHistoryChannels)
	}
	if len(cols.events) > MaxHistoryEvents {
		e.add(Pos{Line: 1, Col: 1}, "the header has %d event columns; at most %d are allowed", len(cols.events), MaxHistoryEvents)
	}
	return cols
}

func historyNumber(e *errs, v string, pos Pos, what string) float64 {
	f, err := strconv.ParseFloat(v, 64)
	switch {
	case v == "":
		e.add(pos, "%s is empty; write 0 for none", what)
	case err != nil || math.IsNaN(f) || math.IsInf(f, 0):
		e.add(pos, "%s %q is not a number%s", what, v, cellHint(v))
	case f < 0:
		e.add(pos, "%s must not be negative, got %s", what, v)
	default:
		return f
	}
	return 0
}

// cellHint explains the usual reasons a spreadsheet cell is not a number.
func cellHint(v string) string {
	switch {
	case thousandsRE.MatchString(v):
		return " (write numbers without thousands separators: 1500000)"
	case strings.HasSuffix(v, "%"):
		return " (write a share as a fraction: 35% is 0.35)"
	case strings.IndexFunc(v, func(r rune) bool { return unicode.Is(unicode.Sc, r) }) >= 0:
		return " (write amounts without a currency sign)"
	}
	return ""
}

func addCSVError(e *errs, err error) {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		msg := pe.Err.Error()
		if errors.Is(pe.Err, csv.ErrFieldCount) {
			msg = "this row has a different number of cells than the header"
		}
		e.add(Pos{Line: pe.Line, Col: max(pe.Column, 1)}, "%s", msg)
		return
	}
	e.add(Pos{}, "%v", err)
}

// HistoryOptions choose the fitted curve family.
type HistoryOptions struct {
	Curve CurveKind // Hill (default) or Exponential
}

// HistoryFit is a fitted history.
type HistoryFit struct {
	Curve    CurveKind
	Weeks    int
	From, To calendar.Date
	Baseline float64 // weekly revenue without media or events in the first week
	Trend    float64 // change of the baseline per week
	Events   []EventEffect
	Channels []HistoryChannel
	R2       float64 // share of the revenue's variance the fit explains
	MAPE     float64 // mean absolute percentage error over weeks with revenue
	RMSE     float64
	Fitted   []float64 // fitted weekly revenue
	Warnings []string
}

// EventEffect is the extra weekly revenue of an event week.
type EventEffect struct {
	Name   string
	Effect float64
}

// HistoryChannel is one channel's fitted response.
type HistoryChannel struct {
	Name      string
	Curve     Curve
	Carryover float64
	// TypicalSpend is the median weekly spend of the weeks the channel ran;
	// TypicalRevenue is the weekly revenue a steady TypicalSpend brings
	// (Curve.Weekly), the figure the history pins down best.
	TypicalSpend   float64
	TypicalRevenue float64
	// Revenue is the revenue the fit attributes to the channel over the
	// history.
	Revenue float64
}

// Search space of the nonlinear parameters and the fit's regularisation.
const (
	maxHistoryCarryover = 0.95
	// half_saturation lies within these multiples of the channel's typical
	// spend; beyond them the history says nothing about it.
	minHalfRatio, maxHalfRatio = 0.02, 50
	minHistoryShape            = 0.5
	maxHistoryShape            = 5.0
	// historyRidge is the ridge penalty on the standardised linear
	// coefficients, relative to the number of weeks: small, to steady
	// nearly collinear columns without shrinking clear effects.
	historyRidge = 1e-4
	// historyPrior pulls half_saturation towards the typical spend and
	// shape towards 1 where the data are silent (a fraction of the total
	// sum of squares per unit of squared log distance).
	historyPrior = 1e-4
	// Nelder-Mead settings: the initial simplex size in the transformed
	// space, an evaluation budget per start, and convergence.
	nmSimplex       = 0.6
	nmEvalsPerParam = 300
	nmTolerance     = 1e-9
	nmStallIters    = 60
	// boundSlack is how close (in the transformed unit interval) a
	// parameter may come to its limit before the fit warns about it.
	boundSlack = 0.01
	// Warning thresholds.
	collinearCorrelation = 0.9
	flatSpendCV          = 0.1
	// historyPrefixWeeks is how many weeks the exposure before the history
	// is averaged from: the history is taken to start in a steady state.
	historyPrefixWeeks = 4
)

// historyStarts are the deterministic starting points of the search:
// carryover, half_saturation as a multiple of the typical spend, shape.
var historyStarts = [][3]float64{
	{0.3, 1, 1.5},
	{0.1, 0.5, 1},
	{0.6, 2, 2.5},
	{0.3, 3, 1.2},
	{0.5, 0.7, 3},
}

// FitHistory fits the model above to a history.
func FitHistory(h *History, opts HistoryOptions) (*HistoryFit, error) {
	kind := opts.Curve
	if kind == "" {
		kind = Hill
	}
	if kind != Hill && kind != Exponential {
		return nil, fmt.Errorf("a history fits hill or exponential curves, not %q", kind)
	}
	n, nC := len(h.Weeks), len(h.Channels)
	if n == 0 || nC == 0 || len(h.Revenue) != n || len(h.Spend) != nC || len(h.Flags) != len(h.Events) {
		return nil, fmt.Errorf("the history is incomplete: it needs weeks, revenue and channels")
	}
	var warnings []string
	// Events that never or always happen cannot be told from the baseline.
	var events []int
	for k, name := range h.Events {
		s := 0.0
		for _, f := range h.Flags[k] {
			s += f
		}
		if s == 0 || s == float64(n) {
			warnings = append(warnings, fmt.Sprintf("event_%s is the same in every week, so it is left out", name))
			continue
		}
		events = append(events, k)
	}
	perChannel := 2
	if kind == Hill {
		perChannel = 3
	}
	params := 2 + len(events) + nC*(1+perChannel)
	if need := max(MinHistoryWeeks, historyWeeksPerParam*params); n < need {
		return nil, fmt.Errorf("%d weeks are too few to fit %d parameters (baseline, trend, one per event and %d per channel with %s curves); give at least %d weeks",
			n, params, 1+perChannel, kind, need)
	}
	for c := range nC {
		if len(h.Spend[c]) != n || slices.Max(h.Spend[c]) <= 0 {
			return nil, fmt.Errorf("channel %s spends nothing in the history, so its effect cannot be measured", h.Channels[c])
		}
	}
	f := newHistoryFitter(h, kind, events)
	warnings = append(warnings, f.spendWarnings()...)

	best, bestVal := []float64(nil), math.Inf(1)
	for _, st := range historyStarts {
		u := f.startPoint(st)
		x, v := f.minimize(u)
		if v < bestVal {
			best, bestVal = x, v
		}
	}
	// Nelder-Mead stalls in more than a few dimensions; a restart from the
	// best point with a fresh simplex moves it on.
	if x, v := f.minimize(best); v < bestVal {
		best = x
	}
	return f.result(best, warnings), nil
}

// historyFitter holds the data and scratch space of one fit.
type historyFitter struct {
	h          *History
	kind       CurveKind
	events     []int
	n, nC      int
	perChannel int
	typical    []float64 // median non-zero weekly spend per channel
	prefix     []float64 // assumed exposure before the first week
	y          []float64
	sst        float64
	// scratch
	design *mat.Dense
	a      []float64
}

func newHistoryFitter(h *History, kind CurveKind, events []int) *historyFitter {
	n, nC := len(h.Weeks), len(h.Channels)
	f := &historyFitter{h: h, kind: kind, events: events, n: n, nC: nC, perChannel: 2, y: h.Revenue, a: make([]float64, n)}
	if kind == Hill {
		f.perChannel = 3
	}
	for c := range nC {
		var on []float64
		for _, x := range h.Spend[c] {
			if x > 0 {
				on = append(on, x)
			}
		}
		slices.Sort(on)
		f.typical = append(f.typical, median(on))
		k := min(historyPrefixWeeks, n)
		s := 0.0
		for _, x := range h.Spend[c][:k] {
			s += x
		}
		f.prefix = append(f.prefix, s/float64(k))
	}
	mean := 0.0
	for _, v := range f.y {
		mean += v
	}
	mean /= float64(n)
	for _, v := range f.y {
		f.sst += (v - mean) * (v - mean)
	}
	if f.sst == 0 {
		f.sst = 1 // a constant revenue: any scale will do
	}
	return f
}

func median(sorted []float64) float64 {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	if n%2 == 1 {
		return sorted[n/2]
	}
	return (sorted[n/2-1] + sorted[n/2]) / 2
}

func sigmoid(u float64) float64 { return 1 / (1 + math.Exp(-u)) }

func logit(p float64) float64 { return math.Log(p / (1 - p)) }

// channelParams maps channel c's block of the search vector to its
// carryover and curve (beta 1), and the unit-interval positions of each
// parameter (for the bound warnings).
func (f *historyFitter) channelParams(u []float64, c int) (theta float64, cv Curve, unit []float64) {
	b := u[c*f.perChannel:]
	unit = make([]float64, f.perChannel)
	for i := range unit {
		unit[i] = sigmoid(b[i])
	}
	theta = maxHistoryCarryover * unit[0]
	lo, hi := math.Log(minHalfRatio), math.Log(maxHalfRatio)
	cv = Curve{Kind: f.kind, Beta: 1, Half: f.typical[c] * math.Exp(lo+(hi-lo)*unit[1])}
	if f.kind == Hill {
		cv.Shape = minHistoryShape + (maxHistoryShape-minHistoryShape)*unit[2]
	}
	return theta, cv, unit
}

// startPoint maps a start (carryover, half ratio, shape) into the search
// space, the same for every channel.
func (f *historyFitter) startPoint(st [3]float64) []float64 {
	u := make([]float64, f.nC*f.perChannel)
	lo, hi := math.Log(minHalfRatio), math.Log(maxHalfRatio)
	for c := range f.nC {
		b := u[c*f.perChannel:]
		b[0] = logit(st[0] / maxHistoryCarryover)
		b[1] = logit((math.Log(st[1]) - lo) / (hi - lo))
		if f.kind == Hill {
			b[2] = logit((st[2] - minHistoryShape) / (maxHistoryShape - minHistoryShape))
		}
	}
	return u
}

// adstock writes channel c's normalised geometric adstock into out.
func (f *historyFitter) adstock(c int, theta float64, out []float64) {
	prev := f.prefix[c]
	for w, x := range f.h.Spend[c] {
		prev = (1-theta)*x + theta*prev
		out[w] = prev
	}
}

// linear solves the linear coefficients for the search vector u: the
// columns are 1, week/n, the events, and each channel's H(a); returns the
// coefficients (trend per n weeks) and the sum of squared errors.
func (f *historyFitter) linear(u []float64) (coef []float64, sse float64) {
	n, nE := f.n, len(f.events)
	p := 2 + nE + f.nC
	if f.design == nil {
		f.design = mat.NewDense(n, p, nil)
	}
	X := f.design
	for w := range n {
		X.Set(w, 0, 1)
		X.Set(w, 1, float64(w)/float64(n))
		for j, k := range f.events {
			X.Set(w, 2+j, f.h.Flags[k][w])
		}
	}
	for c := range f.nC {
		theta, cv, _ := f.channelParams(u, c)
		f.adstock(c, theta, f.a)
		for w := range n {
			X.Set(w, 2+nE+c, cv.Saturation(f.a[w]))
		}
	}
	// Channels whose coefficient comes out negative have no effect: drop
	// them and solve again (an active set; betas are at least 0).
	active := make([]bool, p)
	for j := range active {
		active[j] = true
	}
	for {
		coef = f.ridge(X, active)
		worst, worstVal := -1, 0.0
		for c := range f.nC {
			j := 2 + nE + c
			if active[j] && coef[j] < worstVal {
				worst, worstVal = j, coef[j]
			}
		}
		if worst < 0 {
			break
		}
		active[worst] = false
	}
	for w := range n {
		fit := 0.0
		for j := range p {
			fit += X.At(w, j) * coef[j]
		}
		d := f.y[w] - fit
		sse += d * d
	}
	return coef, sse
}

// ridge solves min ||y - X b||^2 + lambda*sum_j (sd_j b_j)^2 over the active
// columns, the intercept unpenalised, as an augmented least-squares problem.
func (f *historyFitter) ridge(X *mat.Dense, active []bool) []float64 {
	n, p := X.Dims()
	var idx []int
	for j, on := range active {
		if on {
			idx = append(idx, j)
		}
	}
	k := len(idx)
	A := mat.NewDense(n+k, k, nil)
	b := mat.NewVecDense(n+k, nil)
	lambda := historyRidge * float64(n)
	for jj, j := range idx {
		mean, sq := 0.0, 0.0
		for w := range n {
			v := X.At(w, j)
			A.Set(w, jj, v)
			mean += v
		}
		mean /= float64(n)
		for w := range n {
			d := X.At(w, j) - mean
			sq += d * d
		}
		sd := math.Sqrt(sq / float64(n))
		if j == 0 {
			continue
		}
		// A column that hardly varies gets a unit penalty so it stays
		// determined.
		A.Set(n+jj, jj, math.Sqrt(lambda)*math.Max(sd, 1e-12))
	}
	for w := range n {
		b.SetVec(w, f.y[w])
	}
	var sol mat.VecDense
	coef := make([]float64, p)
	if err := sol.SolveVec(A, b); err != nil {
		return coef
	}
	for jj, j := range idx {
		coef[j] = sol.AtVec(jj)
	}
	return coef
}

// objective is the scaled sum of squared errors plus the weak prior.
func (f *historyFitter) objective(u []float64) float64 {
	_, sse := f.linear(u)
	prior := 0.0
	for c := range f.nC {
		_, cv, _ := f.channelParams(u, c)
		l := math.Log(cv.Half / f.typical[c])
		prior += l * l
		if f.kind == Hill {
			ls := math.Log(cv.Shape)
			prior += ls * ls
		}
	}
	v := sse/f.sst + historyPrior*prior
	if math.IsNaN(v) {
		return math.Inf(1)
	}
	return v
}

func (f *historyFitter) minimize(u0 []float64) ([]float64, float64) {
	problem := optimize.Problem{Func: f.objective}
	settings := &optimize.Settings{
		FuncEvaluations: nmEvalsPerParam * len(u0),
		Converger:       &optimize.FunctionConverge{Absolute: nmTolerance, Relative: nmTolerance, Iterations: nmStallIters},
		Concurrent:      1, // the objective uses shared scratch space
	}
	res, err := optimize.Minimize(problem, u0, settings, &optimize.NelderMead{SimplexSize: nmSimplex})
	if res == nil || (err != nil && len(res.X) == 0) {
		return u0, f.objective(u0)
	}
	return slices.Clone(res.X), res.F
}

// result turns the best search vector into the report.
func (f *historyFitter) result(u []float64, warnings []string) *HistoryFit {
	coef, sse := f.linear(u)
	nE := len(f.events)
	h := f.h
	out := &HistoryFit{
		Curve:    f.kind,
		Weeks:    f.n,
		From:     h.Weeks[0],
		To:       h.Weeks[f.n-1],
		Baseline: coef[0],
		Trend:    coef[1] / float64(f.n),
		RMSE:     math.Sqrt(sse / float64(f.n)),
		R2:       1 - sse/f.sst,
		Fitted:   make([]float64, f.n),
	}
	for j, k := range f.events {
		out.Events = append(out.Events, EventEffect{Name: h.Events[k], Effect: coef[2+j]})
	}
	for w := range f.n {
		out.Fitted[w] = coef[0] + coef[1]*float64(w)/float64(f.n)
		for j, k := range f.events {
			out.Fitted[w] += coef[2+j] * h.Flags[k][w]
		}
	}
	for c := range f.nC {
		theta, cv, unit := f.channelParams(u, c)
		cv.Beta = coef[2+nE+c]
		f.adstock(c, theta, f.a)
		ch := HistoryChannel{Name: h.Channels[c], Curve: cv, Carryover: theta, TypicalSpend: f.typical[c]}
		ch.TypicalRevenue = cv.Weekly(ch.TypicalSpend)
		for w := range f.n {
			r := cv.Weekly(f.a[w])
			ch.Revenue += r
			out.Fitted[w] += r
		}
		out.Channels = append(out.Channels, ch)
		switch {
		case cv.Beta == 0:
			warnings = append(warnings, fmt.Sprintf("%s shows no measurable effect on revenue; its curve is zero", ch.Name))
			continue
		case unit[1] > 1-boundSlack:
			warnings = append(warnings, fmt.Sprintf("%s never comes near saturation in the history: beta and half_saturation are poorly determined (only the response at typical spend is); treat spends well above %s with caution", ch.Name, num(roundSig(slices.Max(h.Spend[c]), 3))))
		case unit[1] < boundSlack:
			warnings = append(warnings, fmt.Sprintf("%s looks saturated at every spend in the history: half_saturation is poorly determined; test lower spends", ch.Name))
		}
		if unit[0] > 1-boundSlack {
			warnings = append(warnings, fmt.Sprintf("%s's carryover runs to the limit %.2f: its effect lasts longer than the fit allows, or a trend is mistaken for it", ch.Name, maxHistoryCarryover))
		}
		if f.kind == Hill && (unit[2] > 1-boundSlack || unit[2] < boundSlack) {
			warnings = append(warnings, fmt.Sprintf("%s's shape runs to the limit of [%g, %g]: the history cannot pin it down", ch.Name, minHistoryShape, maxHistoryShape))
		}
	}
	var ape float64
	k := 0
	for w, y := range f.y {
		if y > 0 {
			ape += math.Abs(y-out.Fitted[w]) / y
			k++
		}
	}
	if k > 0 {
		out.MAPE = ape / float64(k)
	}
	out.Warnings = warnings
	return out
}

// spendWarnings points at channels the history cannot tell apart: spends
// that move together, or a spend that hardly moves.
func (f *historyFitter) spendWarnings() []string {
	var out []string
	h := f.h
	for c := range f.nC {
		m, sd := meanSD(h.Spend[c])
		if m > 0 && sd/m < flatSpendCV {
			out = append(out, fmt.Sprintf("%s's spend hardly varies (coefficient of variation %.0f%%): the history cannot show its curve; vary it, or measure it with a lift test and give response.points", h.Channels[c], 100*sd/m))
		}
	}
	for c := range f.nC {
		for d := c + 1; d < f.nC; d++ {
			if r := correlation(h.Spend[c], h.Spend[d]); r > collinearCorrelation {
				out = append(out, fmt.Sprintf("%s and %s spend together (correlation %.2f): the history cannot tell their effects apart, so their split is unreliable", h.Channels[c], h.Channels[d], r))
			}
		}
	}
	return out
}

func meanSD(v []float64) (mean, sd float64) {
	for _, x := range v {
		mean += x
	}
	mean /= float64(len(v))
	for _, x := range v {
		sd += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(sd / float64(len(v)))
}

func correlation(a, b []float64) float64 {
	ma, sa := meanSD(a)
	mb, sb := meanSD(b)
	if sa == 0 || sb == 0 {
		return 0
	}
	cov := 0.0
	for i := range a {
		cov += (a[i] - ma) * (b[i] - mb)
	}
	return cov / float64(len(a)) / (sa * sb)
}

// roundSig rounds v to the given number of significant digits.
func roundSig(v float64, digits int) float64 {
	if v == 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return v
	}
	p := math.Pow(10, float64(digits)-math.Ceil(math.Log10(math.Abs(v))))
	return math.Round(v*p) / p
}

// ChannelsYAML writes the fitted channels as a scenario's channels: block,
// ready to paste. kind is a placeholder the user should set; limits are
// the user's to add.
func (hf *HistoryFit) ChannelsYAML(source string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "# Fitted by peakplan fit --history from %s (%s to %s, %d weeks, R^2 %.2f).\n", source, hf.From, hf.To, hf.Weeks, hf.R2)
	b.WriteString("# A quick calibration: check each curve against what you know, set each\n# channel's kind, and add its limits (per_week, spend, available).\n")
	b.WriteString("channels:\n")
	for _, ch := range hf.Channels {
		fmt.Fprintf(&b, "  - name: %s\n", yamlString(ch.Name))
		b.WriteString("    kind: performance\n")
		b.WriteString("    response:\n")
		fmt.Fprintf(&b, "      curve: %s\n", hf.Curve)
		if ch.Curve.Beta == 0 {
			// No measurable effect: a curve with a tiny beta keeps the
			// scenario valid (beta must be positive) and plans no spend.
			fmt.Fprintf(&b, "      beta: 1 # no measurable effect in the history\n")
		} else {
			fmt.Fprintf(&b, "      beta: %s\n", num(roundSig(ch.Curve.Beta, 4)))
		}
		fmt.Fprintf(&b, "      half_saturation: %s\n", num(roundSig(ch.Curve.Half, 4)))
		if hf.Curve == Hill {
			fmt.Fprintf(&b, "      shape: %s\n", num(roundSig(ch.Curve.Shape, 3)))
		}
		fmt.Fprintf(&b, "    carryover: %s\n", num(roundSig(ch.Carryover, 2)))
	}
	return []byte(b.String())
}

// yamlString quotes a name when YAML would read it as something else.
func yamlString(s string) string {
	out, err := yaml.Marshal(s)
	if err != nil {
		return strconv.Quote(s)
	}
	return strings.TrimSuffix(string(out), "\n")
}
