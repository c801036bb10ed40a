package scenarios

import (
	"fmt"
	"io"
	"math"
	"path/filepath"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/peakplan/peakplan/scenarios/calendar"
)

// Limits on what a scenario may ask for, so that an untrusted file cannot
// make the tool plan for centuries or thousands of channels.
const (
	MaxHorizonDays = 3660 // ten years
	MaxChannels    = 500
	MaxFestivals   = 1000
	// MaxFestivalDays bounds the days of all festival windows together (a
	// day covered by two festivals counts twice). Thirteen presets over ten
	// years come to about 3,000.
	MaxFestivalDays = 40000
	MaxGroups       = 200
	MaxPoints       = 100  // calibration points of one channel
	MaxTotalPoints  = 2000 // calibration points of all channels together
	MaxNameRunes    = 64   // channel and group names, as scenario.md says
	MaxTitleRunes   = 200
	MaxSamples      = 1000000
	maxCV           = 10 // a coefficient of variation above this is a typo
	earliestYear    = 1900
	latestYear      = 2199
	defaultCurrency = "CNY"
)

var currencyRE = regexp.MustCompile(`^[A-Z]{3}$`)

// Load reads, validates and resolves a scenario. The name is used in error
// messages ("name:line:col: reason"). Every problem found is returned, as an
// ErrorList: type errors do not hide range errors elsewhere in the file.
func Load(r io.Reader, name string) (*Resolved, error) {
	e := &errs{file: name}
	root := parseYAML(r, e)
	if root == nil {
		return nil, e.err()
	}
	s := decodeScenario(root, e)
	if s == nil {
		return nil, e.err()
	}
	res := (&validator{errs: e, s: s}).resolve()
	if err := e.err(); err != nil {
		return nil, err
	}
	return res, nil
}

// Parse reads a scenario file: YAML syntax, known fields and value types.
// Ranges and cross-field rules are checked by Resolve.
func Parse(r io.Reader, name string) (*Scenario, error) {
	e := &errs{file: name}
	root := parseYAML(r, e)
	if root == nil {
		return nil, e.err()
	}
	s := decodeScenario(root, e)
	if err := e.err(); err != nil {
		return nil, err
	}
	return s, nil
}

// Resolve validates the scenario and computes the per-period numbers of
// model.md.
func (s *Scenario) Resolve() (*Resolved, error) {
	v := &validator{errs: &errs{file: s.File}, s: s}
	res := v.resolve()
	if err := v.err(); err != nil {
		return nil, err
	}
	return res, nil
}

type validator struct {
	*errs
	s           *Scenario
	res         *Resolved
	channel     map[string]int
	totalPoints int // calibration points fitted so far
}

func (v *validator) resolve() *Resolved {
	s := v.s
	res := &Resolved{Currency: defaultCurrency, BudgetTotal: math.Inf(1)}
	v.res = res

	if s.Version.Set && s.Version.V != 1 {
		v.add(s.Version.Pos, "version %s is not supported; this peakplan reads version 1", num(s.Version.V))
	}
	res.Name = strings.TrimSuffix(filepath.Base(s.File), filepath.Ext(s.File))
	if s.Name.Set {
		res.Name = s.Name.V
		v.checkName(s.Name, "the scenario's name", MaxTitleRunes)
	}
	if s.Currency.Set {
		if !currencyRE.MatchString(s.Currency.V) {
			v.add(s.Currency.Pos, "currency %q is not an ISO 4217 code such as CNY, USD or EUR", s.Currency.V)
		} else {
			res.Currency = s.Currency.V
		}
	}
	horizonOK := v.horizon()
	v.objective()
	v.channels()
	if horizonOK {
		v.festivals()
		v.budget()
		v.availability()
	}
	v.groups()
	v.uncertainty()
	if horizonOK && len(v.list) == 0 {
		v.feasibility()
	}
	return res
}

// checkName rejects empty, over-long and non-printable names.
func (v *validator) checkName(t Text, what string, maxRunes int) bool {
	switch {
	case strings.TrimSpace(t.V) == "":
		v.add(t.Pos, "%s is empty", what)
		return false
	case utf8.RuneCountInString(t.V) > maxRunes:
		v.add(t.Pos, "%s is %d characters long; at most %d are allowed", what, utf8.RuneCountInString(t.V), maxRunes)
		return false
	}
	for _, r := range t.V {
		if !unicode.IsPrint(r) {
			v.add(t.Pos, "%s holds a control or invisible character (%U); use printable text", what, r)
			return false
		}
	}
	return true
}

func (v *validator) horizon() bool {
	h := v.s.Horizon
	res := v.res
	if !h.Start.Set || !h.End.Set {
		if h.Pos.Line > 0 {
			if !h.Start.Set && h.Start.Pos.Line == 0 {
				v.add(h.Pos, "horizon needs a start date (YYYY-MM-DD)")
			}
			if !h.End.Set && h.End.Pos.Line == 0 {
				v.add(h.Pos, "horizon needs an end date (YYYY-MM-DD)")
			}
		}
		return false
	}
	res.Start, res.End = h.Start.D, h.End.D
	for _, d := range []DateVal{h.Start, h.End} {
		if y := d.D.Year(); y < earliestYear || y > latestYear {
			v.add(d.Pos, "the year %d is outside %d-%d", y, earliestYear, latestYear)
			return false
		}
	}
	if res.End < res.Start {
		v.add(h.End.Pos, "the horizon ends (%s) before it starts (%s)", res.End, res.Start)
		return false
	}
	if days := res.Days(); days > MaxHorizonDays {
		v.add(h.End.Pos, "the horizon is %d days long; at most %d days (ten years) are allowed", days, MaxHorizonDays)
		return false
	}
	res.Granularity = Week
	if h.Granularity.Set {
		switch g := Granularity(h.Granularity.V); g {
		case Day, Week, Month:
			res.Granularity = g
		default:
			v.add(h.Granularity.Pos, "granularity %q is not one of day, week, month", h.Granularity.V)
			return false
		}
	}
	res.Periods = MakePeriods(res.Start, res.End, res.Granularity)
	return true
}

// MakePeriods cuts [start, end] into days, ISO weeks (Monday to Sunday) or
// calendar months, clipped to the range.
func MakePeriods(start, end calendar.Date, g Granularity) []Period {
	var out []Period
	for d := start; d <= end; {
		var last calendar.Date
		switch g {
		case Day:
			last = d
		case Week:
			// Days until Sunday: Monday is 6 days before it.
			last = d.AddDays((7 - int(d.Weekday())) % 7)
		case Month:
			last = calendar.MakeDate(d.Year(), d.Month()+1, 1).AddDays(-1)
		}
		if last > end {
			last = end
		}
		out = append(out, Period{Start: d, End: last, Days: d.DaysUntil(last) + 1})
		d = last.AddDays(1)
	}
	return out
}

func (v *validator) objective() {
	s, res := v.s, v.res
	res.Objective = MaximiseRevenue
	if s.Objective.Set {
		switch o := Objective(s.Objective.V); o {
		case MaximiseRevenue, MaximiseProfit, MinimiseSpend:
			res.Objective = o
		default:
			v.add(s.Objective.Pos, "objective %q is not one of revenue, profit, spend", s.Objective.V)
		}
	}
	if s.Margin.Set {
		if s.Margin.V <= 0 || s.Margin.V > 1 {
			v.add(s.Margin.Pos, "margin %s must lie in (0, 1]: it is the gross margin on incremental revenue (0.35 = 35%%)", num(s.Margin.V))
		} else {
			res.Margin = s.Margin.V
		}
	}
	if s.TargetRevenue.Set {
		if s.TargetRevenue.V <= 0 {
			v.add(s.TargetRevenue.Pos, "target_revenue must be positive, got %s", num(s.TargetRevenue.V))
		} else {
			res.TargetRevenue = s.TargetRevenue.V
		}
	}
	if s.MinROAS.Set {
		if s.MinROAS.V <= 0 {
			v.add(s.MinROAS.Pos, "min_roas must be positive, got %s", num(s.MinROAS.V))
		} else {
			res.MinROAS = s.MinROAS.V
		}
	}
	if s.Budget.Total.Set {
		if s.Budget.Total.V < 0 {
			v.add(s.Budget.Total.Pos, "budget.total must not be negative, got %s", num(s.Budget.Total.V))
		} else {
			res.BudgetTotal = s.Budget.Total.V
		}
	}
	// A field given with a value of the wrong type was reported already;
	// "needs" is only said of fields that are missing.
	given := func(n Num) bool { return n.Set || n.Pos.Line > 0 }
	objPos := s.Objective.Pos
	if !s.Objective.Set {
		objPos = s.rootPos()
	}
	switch res.Objective {
	case MaximiseProfit:
		if !given(s.Margin) {
			v.add(objPos, "objective profit needs a margin (the gross margin on incremental revenue, e.g. margin: 0.35)")
		}
		fallthrough
	case MaximiseRevenue:
		if !given(s.Budget.Total) {
			pos := s.Budget.Pos
			if pos.Line == 0 {
				pos = objPos
			}
			v.add(pos, "objective %s needs budget.total, the most the plan may spend", res.Objective)
		}
	case MinimiseSpend:
		if !given(s.TargetRevenue) {
			v.add(objPos, "objective spend needs target_revenue, the incremental revenue the plan must reach")
		}
	}
}

func (v *validator) channels() {
	s, res := v.s, v.res
	v.channel = make(map[string]int)
	if len(s.Channels) == 0 {
		pos := s.channelsPos
		if pos.Line == 0 {
			pos = s.rootPos()
		}
		v.add(pos, "the scenario has no channels: add at least one under channels")
		return
	}
	if len(s.Channels) > MaxChannels {
		v.add(s.Channels[MaxChannels].Pos, "more than %d channels", MaxChannels)
		return
	}
	for i := range s.Channels {
		c := &s.Channels[i]
		cp := ChannelPlan{Name: c.Name.V, Kind: c.Kind.V, SpendMax: math.Inf(1)}
		if !c.Name.Set {
			if c.Name.Pos.Line == 0 {
				v.add(c.Pos, "a channel needs a name")
			}
		} else {
			// A name that breaks a rule still names the channel, so that
			// groups and overrides naming it raise no second error.
			v.checkName(c.Name, "the channel name", MaxNameRunes)
			if prev, dup := v.channel[c.Name.V]; dup {
				v.add(c.Name.Pos, "channel %q is named twice (first at line %d)", c.Name.V, s.Channels[prev].Name.Pos.Line)
			} else {
				v.channel[c.Name.V] = i
			}
		}
		if c.Kind.Set && utf8.RuneCountInString(c.Kind.V) > MaxNameRunes {
			v.add(c.Kind.Pos, "kind is longer than %d characters", MaxNameRunes)
		}
		cp.Curve, cp.Fit = v.response(c)
		if c.Response.BetaCV.Set {
			if c.Response.BetaCV.V < 0 || c.Response.BetaCV.V > maxCV {
				v.add(c.Response.BetaCV.Pos, "beta_cv must lie in [0, %d], got %s", maxCV, num(c.Response.BetaCV.V))
			}
			cp.BetaCV = c.Response.BetaCV.V
		} else {
			cp.BetaCV = math.NaN() // filled from the uncertainty block
		}
		if c.Carryover.Set {
			if c.Carryover.V < 0 || c.Carryover.V >= 1 {
				v.add(c.Carryover.Pos, "carryover %s must lie in [0, 1): it is the share of exposure kept from one week to the next", num(c.Carryover.V))
			}
			cp.Carryover = c.Carryover.V
		}
		v.rangeCheck(c.Spend, "spend")
		v.rangeCheck(c.PerWeek, "per_week")
		if c.Spend.Min.Set {
			cp.SpendMin = c.Spend.Min.V
		}
		if c.Spend.Max.Set {
			cp.SpendMax = c.Spend.Max.V
		}
		if c.MinActivePerWeek.Set {
			if c.MinActivePerWeek.V < 0 {
				v.add(c.MinActivePerWeek.Pos, "min_active_per_week must not be negative, got %s", num(c.MinActivePerWeek.V))
			} else if c.PerWeek.Max.Set && c.MinActivePerWeek.V > c.PerWeek.Max.V {
				v.add(c.MinActivePerWeek.Pos, "min_active_per_week %s is above per_week.max %s, so the channel could never run", num(c.MinActivePerWeek.V), num(c.PerWeek.Max.V))
			}
		}
		if cp.Curve.Kind == Linear && !c.PerWeek.Max.Set && !c.Spend.Max.Set {
			v.add(c.Response.Curve.Pos, "a linear curve never saturates, so channel %q needs an upper limit: per_week.max or spend.max", c.Name.V)
		}
		res.Channels = append(res.Channels, cp)
	}
}

// rangeCheck checks an optional min/max pair of money.
func (v *validator) rangeCheck(g Range, what string) {
	if g.Min.Set && g.Min.V < 0 {
		v.add(g.Min.Pos, "%s.min must not be negative, got %s", what, num(g.Min.V))
	}
	if g.Max.Set && g.Max.V < 0 {
		v.add(g.Max.Pos, "%s.max must not be negative, got %s", what, num(g.Max.V))
	}
	if g.Min.Set && g.Max.Set && g.Min.V > g.Max.V {
		v.add(g.Min.Pos, "%s.min %s is above %s.max %s", what, num(g.Min.V), what, num(g.Max.V))
	}
}

func (v *validator) response(c *Channel) (Curve, *Fit) {
	p := c.Response
	if !p.Curve.Set {
		if p.Pos.Line > 0 && p.Curve.Pos.Line == 0 {
			v.add(p.Pos, "response needs a curve: hill, exponential, logistic or linear")
		}
		return Curve{}, nil
	}
	kind := CurveKind(p.Curve.V)
	cv := Curve{Kind: kind}
	forbid := func(n Num, field, why string) {
		if n.Set {
			v.add(n.Pos, "%s does not apply to %s curve (%s)", field, aCurve(kind), why)
		}
	}
	positive := func(n Num, field string) float64 {
		if !n.Set {
			if n.Pos.Line == 0 { // given but invalid was reported already
				v.add(p.Pos, "%s curve needs %s", aCurve(kind), field)
			}
			return 0
		}
		if n.V <= 0 {
			v.add(n.Pos, "%s must be positive, got %s", field, num(n.V))
		}
		return n.V
	}
	switch kind {
	case Hill, Exponential, Logistic:
		forbid(p.ROAS, "roas", "roas is for linear curves")
		if kind != Hill {
			forbid(p.Shape, "shape", "only hill curves have a shape")
		}
		if len(p.Points) > 0 || p.PointsPos.Line > 0 {
			forbid(p.Beta, "beta", "give either points or parameters")
			forbid(p.HalfSaturation, "half_saturation", "give either points or parameters")
			forbid(p.Shape, "shape", "give either points or parameters")
			if !v.points(c, kind) {
				return cv, nil
			}
			fit, err := FitPoints(kind, p.Points)
			if err != nil {
				v.add(p.PointsPos, "channel %q: %v", c.Name.V, err)
				return cv, nil
			}
			return fit.Curve, fit
		}
		cv.Beta = positive(p.Beta, "beta")
		cv.Half = positive(p.HalfSaturation, "half_saturation")
		if kind == Hill {
			cv.Shape = positive(p.Shape, "shape")
		}
	case Linear:
		forbid(p.Beta, "beta", "a linear curve has a constant roas instead")
		forbid(p.HalfSaturation, "half_saturation", "a linear curve has a constant roas instead")
		forbid(p.Shape, "shape", "a linear curve has a constant roas instead")
		if len(p.Points) > 0 {
			v.add(p.PointsPos, "points are for hill, exponential and logistic curves; a linear curve takes roas")
		}
		cv.ROAS = positive(p.ROAS, "roas")
	default:
		v.add(p.Curve.Pos, "curve %q is not one of hill, exponential, logistic, linear", p.Curve.V)
	}
	return cv, nil
}

// aCurve says "a hill" or "an exponential" for a message.
func aCurve(kind CurveKind) string {
	if kind == Exponential {
		return "an " + string(kind)
	}
	return "a " + string(kind)
}

// curveParams is the number of parameters a calibration fit estimates.
func curveParams(kind CurveKind) int {
	if kind == Hill {
		return 3 // beta, half_saturation, shape
	}
	return 2 // beta, half_saturation
}

// points checks calibration points before they are fitted: enough of them,
// with different spends, none negative.
func (v *validator) points(c *Channel, kind CurveKind) bool {
	p := c.Response
	ok := true
	spends := map[float64]bool{}
	for _, pt := range p.Points {
		switch {
		case pt.Spend <= 0:
			v.add(pt.Pos, "a calibration point's weekly spend must be positive, got %s", num(pt.Spend))
			ok = false
		case pt.Revenue < 0:
			v.add(pt.Pos, "a calibration point's weekly revenue must not be negative, got %s", num(pt.Revenue))
			ok = false
		case spends[pt.Spend]:
			v.add(pt.Pos, "two calibration points have the same weekly spend %s; give each spend once (average repeated tests)", num(pt.Spend))
			ok = false
		}
		spends[pt.Spend] = true
	}
	if len(p.Points) > MaxPoints {
		v.add(p.PointsPos, "channel %q has %d calibration points; at most %d are allowed (summarise repeated tests)", c.Name.V, len(p.Points), MaxPoints)
		return false
	}
	v.totalPoints += len(p.Points)
	if v.totalPoints > MaxTotalPoints {
		v.add(p.PointsPos, "the channels have more than %d calibration points together", MaxTotalPoints)
		return false
	}
	if need := curveParams(kind) + 1; ok && len(spends) < need {
		v.add(p.PointsPos, "channel %q has %d calibration points; %s curve has %d parameters, so it needs at least %d points with different spends",
			c.Name.V, len(spends), aCurve(kind), curveParams(kind), need)
		ok = false
	}
	return ok
}

// window checks a date window against the horizon: it must end after it
// starts and overlap the horizon; a part outside the horizon is clipped.
func (v *validator) window(pos Pos, from, to DateVal, what string) (calendar.Date, calendar.Date, bool) {
	if !from.Set || !to.Set {
		if !from.Set && from.Pos.Line == 0 {
			v.add(pos, "%s needs from (YYYY-MM-DD)", what)
		}
		if !to.Set && to.Pos.Line == 0 {
			v.add(pos, "%s needs to (YYYY-MM-DD)", what)
		}
		return 0, 0, false
	}
	if to.D < from.D {
		v.add(to.Pos, "%s ends (%s) before it starts (%s)", what, to.D, from.D)
		return 0, 0, false
	}
	if to.D < v.res.Start || from.D > v.res.End {
		v.add(from.Pos, "%s %s to %s lies outside the horizon %s to %s", what, from.D, to.D, v.res.Start, v.res.End)
		return 0, 0, false
	}
	return max(from.D, v.res.Start), min(to.D, v.res.End), true
}

func (v *validator) festivals() {
	s, res := v.s, v.res
	if len(s.Festivals) > MaxFestivals {
		v.add(s.Festivals[MaxFestivals].Pos, "more than %d festivals", MaxFestivals)
		return
	}
	for i := range s.Festivals {
		f := &s.Festivals[i]
		var wins []FestivalWindow
		if f.Preset.Set {
			p, ok := calendar.Lookup(f.Preset.V)
			if !ok {
				keys := make([]string, 0)
				for _, p := range calendar.Presets() {
					keys = append(keys, p.Key)
				}
				v.add(f.Preset.Pos, "unknown festival preset %q (known: %s)", f.Preset.V, strings.Join(keys, ", "))
				continue
			}
			if f.Uplift.Set {
				p.Uplift = f.Uplift.V
			}
			if f.CostIndex.Set {
				p.CostIndex = f.CostIndex.V
			}
			name := p.Name
			if f.Name.Set {
				name = f.Name.V
				v.checkName(f.Name, "the festival name", MaxTitleRunes)
			}
			if f.From.Set || f.To.Set {
				// A preset with its own dates: the scenario overrides the window.
				from, to, ok := v.window(f.Pos, f.From, f.To, fmt.Sprintf("festival %q", name))
				if !ok {
					continue
				}
				peak := from
				if w, err := p.Window(from.Year()); err == nil && w.Peak >= from && w.Peak <= to {
					peak = w.Peak
				}
				wins = append(wins, FestivalWindow{Preset: p.Key, Name: name, From: from, To: to, Peak: peak, Uplift: p.Uplift, CostIndex: p.CostIndex})
			} else {
				cws, err := p.Windows(res.Start, res.End)
				if err != nil {
					v.add(f.Preset.Pos, "festival preset %q: %v", p.Key, err)
					continue
				}
				for _, w := range cws {
					wins = append(wins, FestivalWindow{Preset: p.Key, Name: name, From: w.From, To: w.To, Peak: w.Peak, Uplift: p.Uplift, CostIndex: p.CostIndex})
				}
			}
		} else {
			if !f.Name.Set {
				v.add(f.Pos, "a festival needs either a preset or a name with from and to dates")
				continue
			}
			v.checkName(f.Name, "the festival name", MaxTitleRunes)
			from, to, ok := v.window(f.Pos, f.From, f.To, fmt.Sprintf("festival %q", f.Name.V))
			if !ok {
				continue
			}
			fw := FestivalWindow{Name: f.Name.V, From: from, To: to, Peak: from, Uplift: 1, CostIndex: 1}
			if f.Uplift.Set {
				fw.Uplift = f.Uplift.V
			}
			if f.CostIndex.Set {
				fw.CostIndex = f.CostIndex.V
			}
			wins = append(wins, fw)
		}
		v.multiplier(f.Uplift, "uplift")
		v.multiplier(f.CostIndex, "cost_index")
		chU, chK := map[int]float64{}, map[int]float64{}
		for _, o := range f.Overrides {
			if !o.Channel.Set {
				continue // reported already
			}
			ci, ok := v.channel[o.Channel.V]
			if !ok {
				v.add(o.Channel.Pos, "festival override names channel %q, which the scenario does not define", o.Channel.V)
				continue
			}
			if o.Uplift.Set && v.multiplier(o.Uplift, "uplift") {
				chU[ci] = o.Uplift.V
			}
			if o.CostIndex.Set && v.multiplier(o.CostIndex, "cost_index") {
				chK[ci] = o.CostIndex.V
			}
		}
		for j := range wins {
			wins[j].ChannelUplift, wins[j].ChannelCostIndex = chU, chK
		}
		res.Festivals = append(res.Festivals, wins...)
	}
	festivalDays := 0
	for _, fw := range res.Festivals {
		festivalDays += fw.From.DaysUntil(fw.To) + 1
	}
	if festivalDays > MaxFestivalDays {
		v.add(s.Festivals[0].Pos, "the festival windows add up to %d days; at most %d are allowed (is a festival repeated, or a window years long?)", festivalDays, MaxFestivalDays)
		res.Festivals = nil
	}
	nT := len(res.Periods)
	res.FestivalDayShare = make([]float64, nT)
	covered := make([]bool, res.Days())
	for _, fw := range res.Festivals {
		for d := fw.From; d <= fw.To; d++ {
			covered[res.Start.DaysUntil(d)] = true
		}
	}
	total := 0
	for t, p := range res.Periods {
		n := 0
		for d := p.Start; d <= p.End; d++ {
			if covered[res.Start.DaysUntil(d)] {
				n++
			}
		}
		total += n
		res.FestivalDayShare[t] = float64(n) / float64(p.Days)
	}
	res.FestivalDaysShare = float64(total) / float64(res.Days())
}

// multiplier checks an uplift or cost index: positive, and not absurd.
func (v *validator) multiplier(n Num, what string) bool {
	if !n.Set {
		return false
	}
	if n.V <= 0 {
		v.add(n.Pos, "%s must be positive (1 = normal), got %s", what, num(n.V))
		return false
	}
	if n.V > 1000 {
		v.add(n.Pos, "%s %s is implausibly large (1 = normal)", what, num(n.V))
		return false
	}
	return true
}

func (v *validator) budget() {
	s, res := v.s, v.res
	for i, w := range s.Budget.Windows {
		from, to, ok := v.window(w.Pos, w.From, w.To, "the budget window")
		if !ok {
			continue
		}
		if !w.Min.Set && !w.Max.Set {
			if w.Min.Pos.Line == 0 && w.Max.Pos.Line == 0 {
				// A bad value was reported where it stands; only a
				// window without either key needs this.
				v.add(w.Pos, "a budget window needs min or max")
			}
			continue
		}
		bl := BudgetLimit{Index: i, From: from, To: to, Max: math.Inf(1)}
		v.rangeCheck(Range{Min: w.Min, Max: w.Max}, "budget window")
		if w.Min.Set {
			bl.Min = w.Min.V
			if w.Min.V > res.BudgetTotal {
				v.add(w.Min.Pos, "the budget window's min %s is above budget.total %s", num(w.Min.V), num(res.BudgetTotal))
			}
		}
		if w.Max.Set {
			bl.Max = w.Max.V
		}
		bl.Share = make([]float64, len(res.Periods))
		for t, p := range res.Periods {
			lo, hi := max(p.Start, from), min(p.End, to)
			if lo <= hi {
				bl.Share[t] = float64(lo.DaysUntil(hi)+1) / float64(p.Days)
			}
		}
		res.Windows = append(res.Windows, bl)
	}
}

// availability computes, per channel and period, the available days, the
// multipliers and the limits converted from weekly rates.
func (v *validator) availability() {
	s, res := v.s, v.res
	nT := len(res.Periods)
	// Check every window first. A scenario with errors is rejected, so the
	// per-period work below is spared: a small hostile file repeating a
	// channel must not cost seconds.
	type span struct{ from, to calendar.Date }
	windows := make([][]span, len(res.Channels))
	for i := range res.Channels {
		for _, w := range s.Channels[i].Available {
			if from, to, ok := v.window(w.Pos, w.From, w.To, "the availability window"); ok {
				windows[i] = append(windows[i], span{from, to})
			}
		}
	}
	if len(v.list) > 0 {
		return
	}
	uplift, cost := res.Multipliers(nil, nil)
	for i := range res.Channels {
		c := &s.Channels[i]
		cp := &res.Channels[i]
		// Windows are marked in a difference array, so that many windows
		// cost no more than one per day.
		open := make([]int, res.Days()+1)
		if len(c.Available) == 0 {
			open[0], open[res.Days()] = 1, -1
		}
		for _, w := range windows[i] {
			open[res.Start.DaysUntil(w.from)]++
			open[res.Start.DaysUntil(w.to)+1]--
		}
		avail := make([]bool, res.Days())
		for d, depth := 0, 0; d < len(avail); d++ {
			depth += open[d]
			avail[d] = depth > 0
		}
		cp.AvailableDays = make([]int, nT)
		cp.Lower = make([]float64, nT)
		cp.Upper = make([]float64, nT)
		cp.MinActive = make([]float64, nT)
		cp.Uplift, cp.CostIndex = uplift[i], cost[i]
		for t, p := range res.Periods {
			n := 0
			for d := p.Start; d <= p.End; d++ {
				if avail[res.Start.DaysUntil(d)] {
					n++
				}
			}
			cp.AvailableDays[t] = n
			weeks := float64(n) / 7
			if c.PerWeek.Min.Set {
				cp.Lower[t] = c.PerWeek.Min.V * weeks
			}
			cp.Upper[t] = math.Inf(1)
			if c.PerWeek.Max.Set {
				cp.Upper[t] = c.PerWeek.Max.V * weeks
			}
			if n == 0 {
				cp.Upper[t] = 0
			}
			if c.MinActivePerWeek.Set {
				cp.MinActive[t] = c.MinActivePerWeek.V * weeks
			}
		}
		if len(c.Available) > 0 && cp.TotalAvailableDays() == 0 {
			v.add(c.Available[0].Pos, "channel %q is never available within the horizon", cp.Name)
		}
	}
}

func (v *validator) groups() {
	s, res := v.s, v.res
	names := map[string]bool{}
	if len(s.Groups) > MaxGroups {
		v.add(s.Groups[MaxGroups].Pos, "more than %d groups", MaxGroups)
		return
	}
	for _, g := range s.Groups {
		gl := GroupLimit{Name: g.Name.V, MaxShare: 1}
		if !g.Name.Set {
			v.add(g.Pos, "a group needs a name")
		} else if v.checkName(g.Name, "the group name", MaxNameRunes) {
			if names[g.Name.V] {
				v.add(g.Name.Pos, "group %q is named twice", g.Name.V)
			}
			names[g.Name.V] = true
		}
		if len(g.Channels) == 0 {
			v.add(g.Pos, "group %q lists no channels", g.Name.V)
		}
		seen := map[int]bool{}
		for _, ch := range g.Channels {
			ci, ok := v.channel[ch.V]
			if !ok {
				if ch.Set {
					v.add(ch.Pos, "group %q names channel %q, which the scenario does not define", g.Name.V, ch.V)
				}
				continue
			}
			if seen[ci] {
				v.add(ch.Pos, "group %q lists channel %q twice", g.Name.V, ch.V)
				continue
			}
			seen[ci] = true
			gl.Channels = append(gl.Channels, ci)
		}
		for _, sh := range []struct {
			n    Num
			what string
		}{{g.MinShare, "min_share"}, {g.MaxShare, "max_share"}} {
			if sh.n.Set && (sh.n.V < 0 || sh.n.V > 1) {
				v.add(sh.n.Pos, "%s %s must lie in [0, 1] (0.25 = 25%% of total spend)", sh.what, num(sh.n.V))
			}
		}
		if !g.MinShare.Set && !g.MaxShare.Set {
			v.add(g.Pos, "group %q needs min_share or max_share", g.Name.V)
		}
		if g.MinShare.Set {
			gl.MinShare = g.MinShare.V
		}
		if g.MaxShare.Set {
			gl.MaxShare = g.MaxShare.V
		}
		if g.MinShare.Set && g.MaxShare.Set && g.MinShare.V > g.MaxShare.V {
			v.add(g.MinShare.Pos, "group %q: min_share %s is above max_share %s", g.Name.V, num(g.MinShare.V), num(g.MaxShare.V))
		}
		res.Groups = append(res.Groups, gl)
	}
}

func (v *validator) uncertainty() {
	s, res := v.s, v.res
	u := UncertaintySpec{Samples: DefaultSamples, Seed: 1}
	if s.Uncertainty != nil {
		su := s.Uncertainty
		u.Given = true
		if su.Samples.Set {
			if su.Samples.V < 1 || su.Samples.V > MaxSamples {
				v.add(su.Samples.Pos, "samples must lie in 1..%d, got %s", MaxSamples, num(su.Samples.V))
			} else {
				u.Samples = int(su.Samples.V)
			}
		}
		if su.Seed.Set {
			u.Seed = int64(su.Seed.V)
		}
		for _, cv := range []struct {
			n    Num
			dst  *float64
			what string
		}{{su.BetaCV, &u.BetaCV, "beta_cv"}, {su.UpliftCV, &u.UpliftCV, "uplift_cv"}, {su.CostIndexCV, &u.CostIndexCV, "cost_index_cv"}} {
			if !cv.n.Set {
				continue
			}
			if cv.n.V < 0 || cv.n.V > maxCV {
				v.add(cv.n.Pos, "%s must lie in [0, %d] (0.2 = 20%% spread), got %s", cv.what, maxCV, num(cv.n.V))
				continue
			}
			*cv.dst = cv.n.V
		}
	}
	res.Uncertainty = u
	for i := range res.Channels {
		if math.IsNaN(res.Channels[i].BetaCV) {
			res.Channels[i].BetaCV = u.BetaCV
		}
	}
}

// feasibility reports limits that cannot all hold together, before any
// solving starts.
func (v *validator) feasibility() {
	s, res := v.s, v.res
	floor := 0.0 // the least the channels must spend together
	for i := range res.Channels {
		c := &s.Channels[i]
		cp := &res.Channels[i]
		minSum, maxSum := 0.0, 0.0
		for t := range res.Periods {
			minSum += cp.Lower[t]
			maxSum += cp.Upper[t]
		}
		if c.PerWeek.Min.Set && c.PerWeek.Max.Set && c.PerWeek.Min.V > c.PerWeek.Max.V {
			continue // reported already
		}
		if minSum > cp.SpendMax*(1+feasibilitySlack) {
			v.add(c.Spend.Max.Pos, "channel %q: per_week.min adds up to %.0f over the horizon, above spend.max %s", cp.Name, minSum, num(cp.SpendMax))
		}
		if cp.SpendMin > maxSum*(1+feasibilitySlack) {
			v.add(c.Spend.Min.Pos, "channel %q: spend.min %s is more than it can spend within per_week.max on its available days (%.0f)", cp.Name, num(cp.SpendMin), maxSum)
		}
		floor += max(minSum, cp.SpendMin)
	}
	if floor > res.BudgetTotal*(1+feasibilitySlack) {
		v.add(s.Budget.Total.Pos, "the channels' minimums (spend.min and per_week.min) add up to %.0f, above budget.total %s", floor, num(res.BudgetTotal))
	}
	// Group minimum shares of disjoint groups cannot add up above 1.
	disjoint := func(a, b GroupLimit) bool {
		for _, x := range a.Channels {
			for _, y := range b.Channels {
				if x == y {
					return false
				}
			}
		}
		return true
	}
	allDisjoint, sum := true, 0.0
	for i, g := range res.Groups {
		sum += g.MinShare
		for j := i + 1; j < len(res.Groups); j++ {
			h := res.Groups[j]
			if !disjoint(g, h) {
				allDisjoint = false
			} else if g.MinShare+h.MinShare > 1+feasibilitySlack {
				v.add(s.Groups[j].MinShare.Pos, "groups %q and %q share no channel, yet their min_share add up to %s, above 1", g.Name, h.Name, num(g.MinShare+h.MinShare))
			}
		}
	}
	if allDisjoint && len(res.Groups) > 2 && sum > 1+feasibilitySlack {
		// Point at the min_share that takes the sum above 1.
		pos, acc := s.Groups[len(s.Groups)-1].Pos, 0.0
		for i, g := range res.Groups {
			acc += g.MinShare
			if acc > 1+feasibilitySlack {
				pos = s.Groups[i].MinShare.Pos
				break
			}
		}
		v.add(pos, "the groups share no channel, yet their min_share add up to %s, above 1", num(sum))
	}
}

// feasibilitySlack tolerates rounding in the sums of the feasibility checks.
const feasibilitySlack = 1e-9
