package plan

import (
	"bytes"
	"encoding/json"
	"io"
	"math"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/peakplan/peakplan/scenarios"
)

// Version is the plan document's format version.
const Version = 1

// Document is the plan document of cli.md. Field names are stable; new
// fields may be added.
type Document struct {
	Version       int           `json:"version" yaml:"version"`
	Scenario      ScenarioRef   `json:"scenario" yaml:"scenario"`
	Status        string        `json:"status" yaml:"status"`
	Objective     ObjectiveInfo `json:"objective" yaml:"objective"`
	Currency      string        `json:"currency,omitempty" yaml:"currency,omitempty"`
	Periods       []PeriodInfo  `json:"periods" yaml:"periods"`
	Channels      []ChannelPlan `json:"channels" yaml:"channels"`
	Totals        TotalsInfo    `json:"totals" yaml:"totals"`
	Baseline      BaselineInfo  `json:"baseline" yaml:"baseline"`
	Concentration Concentration `json:"concentration" yaml:"concentration"`
	MarginalROAS  float64       `json:"marginal_roas" yaml:"marginal_roas"`
	Solver        SolverInfo    `json:"solver" yaml:"solver"`
	Sweep         *Sweep        `json:"sweep,omitempty" yaml:"sweep,omitempty"`
	Simulation    *Simulation   `json:"simulation,omitempty" yaml:"simulation,omitempty"`
}

// ScenarioRef names the scenario a plan was made from. File is relative to
// the plan file; SHA256 lets check notice that the scenario changed.
type ScenarioRef struct {
	Name   string `json:"name" yaml:"name"`
	File   string `json:"file" yaml:"file"`
	SHA256 string `json:"sha256" yaml:"sha256"`
}

// ObjectiveInfo is the objective and its value for the plan: revenue,
// profit or spend, evaluated with the forward model.
type ObjectiveInfo struct {
	Kind  string  `json:"kind" yaml:"kind"`
	Value float64 `json:"value" yaml:"value"`
}

// PeriodInfo is one planning period.
type PeriodInfo struct {
	Start string `json:"start" yaml:"start"`
	End   string `json:"end" yaml:"end"`
	Days  int    `json:"days" yaml:"days"`
}

// ChannelPlan is one channel's spend and projected revenue per period.
type ChannelPlan struct {
	Name         string    `json:"name" yaml:"name"`
	Spend        []float64 `json:"spend" yaml:"spend"`
	Revenue      []float64 `json:"revenue" yaml:"revenue"`
	TotalSpend   float64   `json:"total_spend" yaml:"total_spend"`
	TotalRevenue float64   `json:"total_revenue" yaml:"total_revenue"`
	ROAS         float64   `json:"roas" yaml:"roas"`
}

// TotalsInfo are the plan's totals; Profit only when there is a margin.
type TotalsInfo struct {
	Spend   float64  `json:"spend" yaml:"spend"`
	Revenue float64  `json:"revenue" yaml:"revenue"`
	ROAS    float64  `json:"roas" yaml:"roas"`
	Profit  *float64 `json:"profit,omitempty" yaml:"profit,omitempty"`
}

// BaselineInfo is the even baseline and the plan's uplift over it.
type BaselineInfo struct {
	Strategy      string   `json:"strategy" yaml:"strategy"`
	Spend         float64  `json:"spend" yaml:"spend"`
	Revenue       float64  `json:"revenue" yaml:"revenue"`
	ROAS          float64  `json:"roas" yaml:"roas"`
	Profit        *float64 `json:"profit,omitempty" yaml:"profit,omitempty"`
	RevenueUplift float64  `json:"revenue_uplift" yaml:"revenue_uplift"`
	ProfitUplift  *float64 `json:"profit_uplift,omitempty" yaml:"profit_uplift,omitempty"`
}

// Concentration says how strongly the plan concentrates spend into the
// festivals.
type Concentration struct {
	FestivalDaysShare  float64 `json:"festival_days_share" yaml:"festival_days_share"`
	FestivalSpendShare float64 `json:"festival_spend_share" yaml:"festival_spend_share"`
}

// SolverInfo reports how the plan was found. Bound is the proven bound on
// the objective (an upper bound when maximising, a lower bound when
// minimising) and MIPGap the relative distance of the plan's exact value to
// it.
type SolverInfo struct {
	Name       string  `json:"name" yaml:"name"`
	Status     string  `json:"status" yaml:"status"`
	MIPGap     float64 `json:"mip_gap" yaml:"mip_gap"`
	Seconds    float64 `json:"seconds" yaml:"seconds"`
	Bound      float64 `json:"bound" yaml:"bound"`
	Iterations int     `json:"iterations,omitempty" yaml:"iterations,omitempty"`
}

// Sweep is the budget frontier stored in a plan by optimize --sweep.
type Sweep struct {
	Points          []SweepPoint `json:"points" yaml:"points"`
	BreakEvenBudget *float64     `json:"break_even_budget,omitempty" yaml:"break_even_budget,omitempty"`
}

// SweepPoint is the optimum at one budget.
type SweepPoint struct {
	Budget       float64  `json:"budget" yaml:"budget"`
	Revenue      float64  `json:"revenue" yaml:"revenue"`
	Profit       *float64 `json:"profit,omitempty" yaml:"profit,omitempty"`
	ROAS         float64  `json:"roas" yaml:"roas"`
	MarginalROAS float64  `json:"marginal_roas" yaml:"marginal_roas"`
	Status       string   `json:"status" yaml:"status"`
}

// Simulation is the Monte Carlo summary stored by optimize --simulate.
type Simulation struct {
	Samples              int       `json:"samples" yaml:"samples"`
	Seed                 int64     `json:"seed" yaml:"seed"`
	Revenue              Quantiles `json:"revenue" yaml:"revenue"`
	ROAS                 Quantiles `json:"roas" yaml:"roas"`
	Profit               Quantiles `json:"profit" yaml:"profit"`
	LossProbability      float64   `json:"loss_probability" yaml:"loss_probability"`
	BeatsEvenProbability float64   `json:"beats_even_probability" yaml:"beats_even_probability"`
}

// Quantiles summarise a distribution.
type Quantiles struct {
	P10  float64 `json:"p10" yaml:"p10"`
	P50  float64 `json:"p50" yaml:"p50"`
	P90  float64 `json:"p90" yaml:"p90"`
	Mean float64 `json:"mean" yaml:"mean"`
}

// Build makes the plan document of spend[c][t]: every revenue, total,
// baseline and share is the exact forward-model value of the spend.
func Build(res *scenarios.Resolved, spend [][]float64, ref ScenarioRef, solver SolverInfo, marginalROAS float64) *Document {
	doc := &Document{
		Version:      Version,
		Scenario:     ref,
		Status:       solver.Status,
		Currency:     res.Currency,
		Solver:       solver,
		MarginalROAS: marginalROAS,
	}
	for _, p := range res.Periods {
		doc.Periods = append(doc.Periods, PeriodInfo{Start: p.Start.String(), End: p.End.String(), Days: p.Days})
	}
	revenue, tot := Evaluate(res, spend)
	for c, ch := range res.Channels {
		cp := ChannelPlan{Name: ch.Name, Spend: append([]float64(nil), spend[c]...), Revenue: revenue[c]}
		for t := range res.Periods {
			cp.TotalSpend += spend[c][t]
			cp.TotalRevenue += revenue[c][t]
		}
		if cp.TotalSpend > 0 {
			cp.ROAS = cp.TotalRevenue / cp.TotalSpend
		}
		doc.Channels = append(doc.Channels, cp)
	}
	doc.Totals = TotalsInfo{Spend: tot.Spend, Revenue: tot.Revenue, ROAS: tot.ROAS}
	_, even := Evaluate(res, EvenSpend(res, spend))
	doc.Baseline = BaselineInfo{
		Strategy:      "even",
		Spend:         even.Spend,
		Revenue:       even.Revenue,
		ROAS:          even.ROAS,
		RevenueUplift: Uplift(tot.Revenue, even.Revenue),
	}
	if res.HasMargin() {
		p, ep := tot.Profit, even.Profit
		up := Uplift(p, ep)
		doc.Totals.Profit, doc.Baseline.Profit, doc.Baseline.ProfitUplift = &p, &ep, &up
	}
	doc.Concentration = Concentration{
		FestivalDaysShare:  res.FestivalDaysShare,
		FestivalSpendShare: FestivalSpendShare(res, spend),
	}
	doc.Objective = ObjectiveInfo{Kind: string(res.Objective), Value: ObjectiveValue(res, tot)}
	return doc
}

// ObjectiveValue is the scenario's objective evaluated on totals.
func ObjectiveValue(res *scenarios.Resolved, tot Totals) float64 {
	switch res.Objective {
	case scenarios.MaximiseProfit:
		return tot.Profit
	case scenarios.MinimiseSpend:
		return tot.Spend
	}
	return tot.Revenue
}

// SpendMatrix returns the plan's spend as [channel][period].
func (d *Document) SpendMatrix() [][]float64 {
	out := make([][]float64, len(d.Channels))
	for c, ch := range d.Channels {
		out[c] = ch.Spend
	}
	return out
}

// EncodeJSON writes the document as indented JSON.
func (d *Document) EncodeJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(d)
}

// EncodeYAML writes the document as YAML, one number a line so that a
// check can point at the line of an offending number, and numbers written
// out in full (1234567.5, not 1.2345675e+06) for people who edit plans.
func (d *Document) EncodeYAML(w io.Writer) error {
	var root yaml.Node
	if err := root.Encode(d); err != nil {
		return err
	}
	plainFloats(&root)
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&root); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

func plainFloats(n *yaml.Node) {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!float" {
		if f, err := strconv.ParseFloat(n.Value, 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
			n.Value = strconv.FormatFloat(f, 'f', -1, 64)
			if !strings.ContainsAny(n.Value, ".") {
				n.Value += ".0" // keep it a float for YAML readers
			}
		}
	}
	for _, c := range n.Content {
		plainFloats(c)
	}
}
