package scenarios

import (
	"sort"

	"go.yaml.in/yaml/v3"
)

func sortStrings(s []string) { sort.Strings(s) }

// decodeScenario maps the node tree onto a Scenario, reporting unknown fields
// and wrong types. Ranges and cross-field rules are checked later.
func decodeScenario(root *yaml.Node, e *errs) *Scenario {
	r := &reader{errs: e}
	s := &Scenario{File: e.file, pos: posOf(resolveAlias(root))}
	hasHorizon := false
	ok := r.fields(root, "the scenario", map[string]func(*yaml.Node){
		"version":        func(n *yaml.Node) { s.Version = r.integer(n, "version") },
		"name":           func(n *yaml.Node) { s.Name = r.text(n, "name") },
		"currency":       func(n *yaml.Node) { s.Currency = r.text(n, "currency") },
		"horizon":        func(n *yaml.Node) { hasHorizon = true; s.Horizon = r.horizon(n) },
		"objective":      func(n *yaml.Node) { s.Objective = r.text(n, "objective") },
		"margin":         func(n *yaml.Node) { s.Margin = r.number(n, "margin") },
		"target_revenue": func(n *yaml.Node) { s.TargetRevenue = r.number(n, "target_revenue") },
		"min_roas":       func(n *yaml.Node) { s.MinROAS = r.number(n, "min_roas") },
		"budget":         func(n *yaml.Node) { s.Budget = r.budget(n) },
		"festivals": func(n *yaml.Node) {
			r.list(n, "festivals", func(_ int, n *yaml.Node) { s.Festivals = append(s.Festivals, r.festival(n)) })
		},
		"channels": func(n *yaml.Node) {
			s.channelsPos = posOf(n)
			r.list(n, "channels", func(_ int, n *yaml.Node) { s.Channels = append(s.Channels, r.channel(n)) })
		},
		"groups": func(n *yaml.Node) {
			r.list(n, "groups", func(_ int, n *yaml.Node) { s.Groups = append(s.Groups, r.group(n)) })
		},
		"uncertainty": func(n *yaml.Node) { u := r.uncertainty(n); s.Uncertainty = &u },
	})
	if !ok {
		return nil
	}
	if !hasHorizon {
		r.add(s.rootPos(), "the scenario has no horizon: add horizon with start and end dates")
	}
	return s
}

func (r *reader) horizon(n *yaml.Node) Horizon {
	h := Horizon{Pos: posOf(n)}
	r.fields(n, "horizon", map[string]func(*yaml.Node){
		"start":       func(n *yaml.Node) { h.Start = r.date(n, "horizon.start") },
		"end":         func(n *yaml.Node) { h.End = r.date(n, "horizon.end") },
		"granularity": func(n *yaml.Node) { h.Granularity = r.text(n, "horizon.granularity") },
	})
	return h
}

func (r *reader) budget(n *yaml.Node) Budget {
	b := Budget{Pos: posOf(n)}
	r.fields(n, "budget", map[string]func(*yaml.Node){
		"total": func(n *yaml.Node) { b.Total = r.number(n, "budget.total") },
		"windows": func(n *yaml.Node) {
			r.list(n, "budget.windows", func(_ int, n *yaml.Node) {
				w := BudgetWindow{Pos: posOf(n)}
				r.fields(n, "a budget window", map[string]func(*yaml.Node){
					"from": func(n *yaml.Node) { w.From = r.date(n, "from") },
					"to":   func(n *yaml.Node) { w.To = r.date(n, "to") },
					"min":  func(n *yaml.Node) { w.Min = r.number(n, "min") },
					"max":  func(n *yaml.Node) { w.Max = r.number(n, "max") },
				})
				b.Windows = append(b.Windows, w)
			})
		},
	})
	return b
}

func (r *reader) festival(n *yaml.Node) Festival {
	f := Festival{Pos: posOf(n)}
	r.fields(n, "a festival", map[string]func(*yaml.Node){
		"preset":     func(n *yaml.Node) { f.Preset = r.text(n, "preset") },
		"name":       func(n *yaml.Node) { f.Name = r.text(n, "name") },
		"from":       func(n *yaml.Node) { f.From = r.date(n, "from") },
		"to":         func(n *yaml.Node) { f.To = r.date(n, "to") },
		"uplift":     func(n *yaml.Node) { f.Uplift = r.number(n, "uplift") },
		"cost_index": func(n *yaml.Node) { f.CostIndex = r.number(n, "cost_index") },
		"channels": func(n *yaml.Node) {
			if n.Kind != yaml.MappingNode {
				r.addBroken(posOf(n), "a festival's channels must map channel names to {uplift, cost_index}, got %s", kindName(n))
				return
			}
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], resolveAlias(n.Content[i+1])
				o := FestivalOverride{Pos: posOf(k), Channel: r.text(k, "a channel name")}
				r.fields(v, "a channel override", map[string]func(*yaml.Node){
					"uplift":     func(n *yaml.Node) { o.Uplift = r.number(n, "uplift") },
					"cost_index": func(n *yaml.Node) { o.CostIndex = r.number(n, "cost_index") },
				})
				f.Overrides = append(f.Overrides, o)
			}
		},
	})
	return f
}

func (r *reader) rangeOf(n *yaml.Node, what string) Range {
	g := Range{Pos: posOf(n)}
	r.fields(n, what, map[string]func(*yaml.Node){
		"min": func(n *yaml.Node) { g.Min = r.number(n, what+".min") },
		"max": func(n *yaml.Node) { g.Max = r.number(n, what+".max") },
	})
	return g
}

func (r *reader) channel(n *yaml.Node) Channel {
	c := Channel{Pos: posOf(n)}
	hasResponse := false
	r.fields(n, "a channel", map[string]func(*yaml.Node){
		"name":                func(n *yaml.Node) { c.Name = r.text(n, "name") },
		"kind":                func(n *yaml.Node) { c.Kind = r.text(n, "kind") },
		"response":            func(n *yaml.Node) { hasResponse = true; c.Response = r.response(n) },
		"carryover":           func(n *yaml.Node) { c.Carryover = r.number(n, "carryover") },
		"spend":               func(n *yaml.Node) { c.Spend = r.rangeOf(n, "spend") },
		"per_week":            func(n *yaml.Node) { c.PerWeek = r.rangeOf(n, "per_week") },
		"min_active_per_week": func(n *yaml.Node) { c.MinActivePerWeek = r.number(n, "min_active_per_week") },
		"available": func(n *yaml.Node) {
			if l := resolveAlias(n); l.Kind == yaml.SequenceNode && len(l.Content) == 0 {
				// An empty list reads as "never" as easily as "always".
				r.add(posOf(n), "available must list at least one window; leave it out for the whole horizon")
				return
			}
			r.list(n, "available", func(_ int, n *yaml.Node) {
				w := Window{Pos: posOf(n)}
				r.fields(n, "an availability window", map[string]func(*yaml.Node){
					"from": func(n *yaml.Node) { w.From = r.date(n, "from") },
					"to":   func(n *yaml.Node) { w.To = r.date(n, "to") },
				})
				c.Available = append(c.Available, w)
			})
		},
	})
	if !hasResponse && resolveAlias(n).Kind == yaml.MappingNode {
		name := c.Name.V
		r.add(posOf(n), "channel %q has no response curve: add response with curve and its parameters", name)
	}
	return c
}

func (r *reader) response(n *yaml.Node) Response {
	p := Response{Pos: posOf(n)}
	r.fields(n, "response", map[string]func(*yaml.Node){
		"curve":           func(n *yaml.Node) { p.Curve = r.text(n, "curve") },
		"beta":            func(n *yaml.Node) { p.Beta = r.number(n, "beta") },
		"half_saturation": func(n *yaml.Node) { p.HalfSaturation = r.number(n, "half_saturation") },
		"shape":           func(n *yaml.Node) { p.Shape = r.number(n, "shape") },
		"roas":            func(n *yaml.Node) { p.ROAS = r.number(n, "roas") },
		"beta_cv":         func(n *yaml.Node) { p.BetaCV = r.number(n, "beta_cv") },
		"points": func(n *yaml.Node) {
			p.PointsPos = posOf(n)
			r.list(n, "points", func(_ int, n *yaml.Node) {
				if n.Kind != yaml.SequenceNode || len(n.Content) != 2 {
					r.add(posOf(n), "a calibration point must be a pair [weekly spend, weekly revenue], got %s", kindName(n))
					return
				}
				spend := r.number(resolveAlias(n.Content[0]), "a point's spend")
				rev := r.number(resolveAlias(n.Content[1]), "a point's revenue")
				if spend.Set && rev.Set {
					p.Points = append(p.Points, Point{Pos: posOf(n), Spend: spend.V, Revenue: rev.V})
				}
			})
		},
	})
	return p
}

func (r *reader) group(n *yaml.Node) Group {
	g := Group{Pos: posOf(n)}
	r.fields(n, "a group", map[string]func(*yaml.Node){
		"name": func(n *yaml.Node) { g.Name = r.text(n, "name") },
		"channels": func(n *yaml.Node) {
			r.list(n, "a group's channels", func(_ int, n *yaml.Node) {
				g.Channels = append(g.Channels, r.text(n, "a channel name"))
			})
		},
		"min_share": func(n *yaml.Node) { g.MinShare = r.number(n, "min_share") },
		"max_share": func(n *yaml.Node) { g.MaxShare = r.number(n, "max_share") },
	})
	return g
}

func (r *reader) uncertainty(n *yaml.Node) Uncertainty {
	u := Uncertainty{Pos: posOf(n)}
	r.fields(n, "uncertainty", map[string]func(*yaml.Node){
		"samples":       func(n *yaml.Node) { u.Samples = r.integer(n, "samples") },
		"seed":          func(n *yaml.Node) { u.Seed = r.integer(n, "seed") },
		"beta_cv":       func(n *yaml.Node) { u.BetaCV = r.number(n, "beta_cv") },
		"uplift_cv":     func(n *yaml.Node) { u.UpliftCV = r.number(n, "uplift_cv") },
		"cost_index_cv": func(n *yaml.Node) { u.CostIndexCV = r.number(n, "cost_index_cv") },
	})
	return u
}
