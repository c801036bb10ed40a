package plan

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/peakplan/peakplan/scenarios"
)

// CheckTol is the relative tolerance of Check: a limit counts as broken only
// when the plan passes it by more than this share of the limit (or of one
// money unit for limits near 0), so that the rounding of numbers in a
// hand-edited file never fails a check.
const CheckTol = 1e-6

// Violation is one limit of the scenario that a plan breaks. Channel,
// Period and Line name the number to change when there is one: for a limit
// on a sum, the largest contribution to it.
type Violation struct {
	Rule    string  `json:"rule"`    // the scenario field, e.g. "budget.windows[0].max"
	Channel string  `json:"channel"` // "" for limits on the whole plan
	Period  string  `json:"period"`  // start date of the period, "" when none
	Value   float64 `json:"value"`   // what the plan has
	Limit   float64 `json:"limit"`   // what the scenario allows
	Line    int     `json:"line"`    // line of the number in the plan file, 0 when none
	Message string  `json:"-"`       // the violation in words
}

// Check tests a plan's spend against every limit of its scenario (model.md)
// and returns all the limits it breaks, in the order of the scenario's
// fields. pos may be nil. A plan whose periods or channels do not line up
// with the scenario gets one violation saying so, since nothing else can be
// compared.
func Check(res *scenarios.Resolved, doc *Document, pos *Positions) []Violation {
	if v := mismatch(res, doc, pos); v != nil {
		return []Violation{*v}
	}
	ck := &checker{res: res, doc: doc, pos: pos, spend: doc.SpendMatrix()}
	ck.cells()
	ck.channelTotals()
	ck.budget()
	ck.groups()
	ck.revenue()
	return ck.out
}

// mismatch is the violation of a plan that does not fit the scenario.
func mismatch(res *scenarios.Resolved, doc *Document, pos *Positions) *Violation {
	err := doc.Matches(res)
	if err == nil {
		return nil
	}
	v := &Violation{Rule: "periods", Message: "the plan does not fit the scenario: " + err.Error()}
	samePeriods := len(doc.Periods) == len(res.Periods)
	for t := 0; samePeriods && t < len(res.Periods); t++ {
		p := res.Periods[t]
		samePeriods = doc.Periods[t].Start == p.Start.String() && doc.Periods[t].End == p.End.String()
	}
	if samePeriods {
		v.Rule = "channels"
		for c := range res.Channels {
			if c >= len(doc.Channels) || doc.Channels[c].Name != res.Channels[c].Name {
				if c < len(doc.Channels) {
					v.Channel, v.Line = doc.Channels[c].Name, pos.ChannelLine(c)
				}
				break
			}
		}
		v.Value, v.Limit = float64(len(doc.Channels)), float64(len(res.Channels))
	} else {
		v.Value, v.Limit = float64(len(doc.Periods)), float64(len(res.Periods))
	}
	return v
}

type checker struct {
	res   *scenarios.Resolved
	doc   *Document
	pos   *Positions
	spend [][]float64
	out   []Violation
}

// above reports v > limit beyond the tolerance.
func above(v, limit float64) bool {
	return !math.IsInf(limit, 1) && v > limit+CheckTol*math.Max(math.Abs(limit), 1)
}

// below reports v < limit beyond the tolerance.
func below(v, limit float64) bool {
	return v < limit-CheckTol*math.Max(math.Abs(limit), 1)
}

// cellViolation records a broken limit on one cell.
func (ck *checker) cellViolation(rule string, c, t int, value, limit float64, format string, args ...any) {
	ck.out = append(ck.out, Violation{
		Rule:    rule,
		Channel: ck.res.Channels[c].Name,
		Period:  ck.res.Periods[t].Start.String(),
		Value:   value,
		Limit:   limit,
		Line:    ck.pos.SpendLine(c, t),
		Message: fmt.Sprintf(format, args...),
	})
}

// sumViolation records a broken limit on a sum; the cell named is the
// largest weighted contribution (the number to cut), or none when weight is
// nil.
func (ck *checker) sumViolation(rule string, weight func(c, t int) float64, value, limit float64, format string, args ...any) {
	v := Violation{Rule: rule, Value: value, Limit: limit, Message: fmt.Sprintf(format, args...)}
	if weight != nil {
		best, bc, bt := 0.0, -1, -1
		for c := range ck.res.Channels {
			for t := range ck.res.Periods {
				if w := weight(c, t) * ck.spend[c][t]; w > best {
					best, bc, bt = w, c, t
				}
			}
		}
		if bc >= 0 {
			v.Channel, v.Period, v.Line = ck.res.Channels[bc].Name, ck.res.Periods[bt].Start.String(), ck.pos.SpendLine(bc, bt)
		}
	}
	ck.out = append(ck.out, v)
}

func (ck *checker) period(t int) string {
	p := ck.res.Periods[t]
	if p.Start == p.End {
		return "on " + p.Start.String()
	}
	return fmt.Sprintf("in %s to %s", p.Start, p.End)
}

// cells checks availability, the per-week floor and cap, and minimum
// flights, cell by cell.
func (ck *checker) cells() {
	for c := range ck.res.Channels {
		ch := &ck.res.Channels[c]
		for t := range ck.res.Periods {
			x := ck.spend[c][t]
			pre := fmt.Sprintf("channels[%d].", c)
			switch {
			case ch.AvailableDays[t] == 0:
				if above(x, 0) {
					ck.cellViolation(pre+"available", c, t, x, 0,
						"%s spends %s %s, when it is not available", ch.Name, Amount(x), ck.period(t))
				}
				continue
			case above(x, ch.Upper[t]):
				ck.cellViolation(pre+"per_week.max", c, t, x, ch.Upper[t],
					"%s spends %s %s, above its cap of %s (per_week.max for %d days)", ch.Name, Amount(x), ck.period(t), Amount(ch.Upper[t]), ch.AvailableDays[t])
			case below(x, ch.Lower[t]):
				ck.cellViolation(pre+"per_week.min", c, t, x, ch.Lower[t],
					"%s spends %s %s, below its floor of %s (per_week.min for %d days)", ch.Name, Amount(x), ck.period(t), Amount(ch.Lower[t]), ch.AvailableDays[t])
			}
			if m := ch.MinActive[t]; m > 0 && above(x, 0) && below(x, m) {
				ck.cellViolation(pre+"min_active_per_week", c, t, x, m,
					"%s spends %s %s, a flight below its minimum of %s: spend 0 or at least the minimum", ch.Name, Amount(x), ck.period(t), Amount(m))
			}
		}
	}
}

// channelTotals checks each channel's spend over the horizon.
func (ck *checker) channelTotals() {
	for c := range ck.res.Channels {
		ch := &ck.res.Channels[c]
		total := 0.0
		for _, x := range ck.spend[c] {
			total += x
		}
		only := func(cc, _ int) float64 { return b2f(cc == c) }
		if above(total, ch.SpendMax) {
			ck.sumViolation(fmt.Sprintf("channels[%d].spend.max", c), only, total, ch.SpendMax,
				"%s spends %s in total, above its spend.max of %s", ch.Name, Amount(total), Amount(ch.SpendMax))
		}
		if below(total, ch.SpendMin) {
			ck.out = append(ck.out, Violation{
				Rule: fmt.Sprintf("channels[%d].spend.min", c), Channel: ch.Name, Value: total, Limit: ch.SpendMin,
				Line:    ck.pos.ChannelLine(c),
				Message: fmt.Sprintf("%s spends %s in total, below its spend.min of %s", ch.Name, Amount(total), Amount(ch.SpendMin)),
			})
		}
	}
}

// budget checks budget.total and the cash-flow windows.
func (ck *checker) budget() {
	res := ck.res
	total := ck.total()
	all := func(_, _ int) float64 { return 1 }
	if above(total, res.BudgetTotal) {
		ck.sumViolation("budget.total", all, total, res.BudgetTotal,
			"the plan spends %s, above budget.total %s", Amount(total), Amount(res.BudgetTotal))
	}
	for _, w := range res.Windows {
		inside := 0.0
		for c := range res.Channels {
			for t := range res.Periods {
				inside += ck.spend[c][t] * w.Share[t]
			}
		}
		rule := fmt.Sprintf("budget.windows[%d]", w.Index)
		share := func(_, t int) float64 { return w.Share[t] }
		if above(inside, w.Max) {
			ck.sumViolation(rule+".max", share, inside, w.Max,
				"the plan spends %s from %s to %s, above the window's max of %s", Amount(inside), w.From, w.To, Amount(w.Max))
		}
		if below(inside, w.Min) {
			ck.sumViolation(rule+".min", nil, inside, w.Min,
				"the plan spends %s from %s to %s, below the window's min of %s", Amount(inside), w.From, w.To, Amount(w.Min))
		}
	}
}

// groups checks the groups' shares of total spend.
func (ck *checker) groups() {
	total := ck.total()
	for g, gl := range ck.res.Groups {
		in := map[int]bool{}
		spend := 0.0
		for _, c := range gl.Channels {
			in[c] = true
			for _, x := range ck.spend[c] {
				spend += x
			}
		}
		share := 0.0
		if total > 0 {
			share = spend / total
		}
		// Compared in money, so the tolerance scales with the plan.
		rule := fmt.Sprintf("groups[%d]", g)
		if gl.MaxShare < 1 && above(spend, gl.MaxShare*total) {
			ck.sumViolation(rule+".max_share", func(c, _ int) float64 { return b2f(in[c]) }, share, gl.MaxShare,
				"group %q takes %s of the spend, above its max_share of %s", gl.Name, pct(share), pct(gl.MaxShare))
		}
		if gl.MinShare > 0 && below(spend, gl.MinShare*total) {
			ck.sumViolation(rule+".min_share", nil, share, gl.MinShare,
				"group %q takes %s of the spend, below its min_share of %s", gl.Name, pct(share), pct(gl.MinShare))
		}
	}
}

// revenue checks the limits on the projection: min_roas and the revenue
// target, with the forward model on the plan's spend.
func (ck *checker) revenue() {
	res := ck.res
	if res.MinROAS <= 0 && !(res.Objective == scenarios.MinimiseSpend && res.TargetRevenue > 0) {
		return
	}
	_, tot := Evaluate(res, ck.spend)
	if res.MinROAS > 0 && tot.Spend > 0 && below(tot.Revenue, res.MinROAS*tot.Spend) {
		ck.sumViolation("min_roas", nil, tot.ROAS, res.MinROAS,
			"the plan's ROAS is %.4g, below min_roas %.4g", tot.ROAS, res.MinROAS)
	}
	if res.Objective == scenarios.MinimiseSpend && below(tot.Revenue, res.TargetRevenue) {
		ck.sumViolation("target_revenue", nil, tot.Revenue, res.TargetRevenue,
			"the plan's revenue is %s, below target_revenue %s", Amount(tot.Revenue), Amount(res.TargetRevenue))
	}
}

func (ck *checker) total() float64 {
	s := 0.0
	for c := range ck.spend {
		for _, x := range ck.spend[c] {
			s += x
		}
	}
	return s
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func pct(f float64) string { return strconv.FormatFloat(100*f, 'f', 1, 64) + "%" }

// Amount formats money with thousands separators and no decimals, the way
// the messages of a check show it.
func Amount(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Sprint(v)
	}
	s := strconv.FormatFloat(math.Abs(v), 'f', 0, 64)
	var b strings.Builder
	if v < 0 && s != "0" {
		b.WriteByte('-')
	}
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}
