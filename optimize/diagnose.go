package optimize

import (
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/peakplan/peakplan/optimize/glpk"
)

// diagnoseTol: a limit whose elastic slack exceeds this share of the money
// unit is reported as part of the conflict.
const diagnoseTol = 1e-7

// diagnose explains an infeasible model: it solves the model again with
// every named limit made elastic (a penalised slack may violate it), the
// binaries relaxed, and reports the limits that had to give way, by how
// much. Per-cell bounds stay hard: validation has checked them one by one.
func (s *solver) diagnose(md *model) error {
	m, slacks := elastic(md.m, false)
	p, err := glpk.New()
	if err != nil {
		return &SolverError{Err: err}
	}
	defer p.Close()
	if err := m.load(p, false); err != nil {
		return &SolverError{Err: err}
	}
	r, err := p.Simplex(glpk.SimplexOptions{Method: glpk.DualPrimal, Presolve: true, TimeLimit: max(s.remaining(), 30*time.Second)})
	if err != nil {
		return &SolverError{Err: err}
	}
	if r.Status != glpk.Optimal {
		return &InfeasibleError{Conflicts: []string{"the per-week limits and availability of the channels"}}
	}
	vals, err := p.ColValues()
	if err != nil {
		return &SolverError{Err: err}
	}
	out := conflicts(md.m, slacks, vals, md.scale)
	if len(out) == 0 {
		// The relaxation meets every limit: what it overstates (S-curves
		// below their inflection) or leaves out (minimum flights) is what
		// stands in the way. The flights are tried first on the spend
		// limits alone.
		out = s.flightConflicts(md)
	}
	if len(out) == 0 {
		const exactOnly = ": out of reach of the exact curves within the other limits (only the relaxation, which overstates S-curves and leaves out minimum flights, reaches it)"
		if s.res.TargetRevenue > 0 {
			out = append(out, "target_revenue"+exactOnly)
		}
		if s.res.MinROAS > 0 {
			out = append(out, "min_roas"+exactOnly)
		}
		if len(out) == 0 && hasFlights(s.res) {
			out = append(out, "the minimum flight sizes (min_active_per_week) cannot fit the other limits")
		}
	}
	if len(out) > 0 {
		out = append(out, "(together with the channels' per-week limits and availability)")
	}
	return &InfeasibleError{Conflicts: out}
}

// elasticSlack is a penalised slack of a named row of an elastic model.
type elasticSlack struct {
	row  int
	col  int
	sign float64 // +1 when the slack raises the row (a lower limit gave way)
}

// elastic returns src with every named row made elastic and the slacks'
// sum as the objective (to minimise); integer columns stay integer when
// keepIntegers is set.
func elastic(src *lp, keepIntegers bool) (*lp, []elasticSlack) {
	m := newLP()
	for j := range src.colLo {
		kind := glpk.Continuous
		if keepIntegers {
			kind = src.colKind[j]
		}
		m.col(src.colLo[j], src.colUp[j], 0, kind)
	}
	var slacks []elasticSlack
	for i := range src.rowLo {
		ind := append([]int(nil), src.ind[src.beg[i]:src.beg[i+1]]...)
		val := append([]float64(nil), src.val[src.beg[i]:src.beg[i+1]]...)
		if src.rowName[i] != "" {
			if !math.IsInf(src.rowLo[i], -1) {
				j := m.col(0, math.Inf(1), 1, glpk.Continuous)
				ind, val = append(ind, j), append(val, 1)
				slacks = append(slacks, elasticSlack{row: i, col: j, sign: 1})
			}
			if !math.IsInf(src.rowUp[i], 1) {
				j := m.col(0, math.Inf(1), 1, glpk.Continuous)
				ind, val = append(ind, j), append(val, -1)
				slacks = append(slacks, elasticSlack{row: i, col: j, sign: -1})
			}
		}
		m.row(src.rowLo[i], src.rowUp[i], "", ind, val)
	}
	return m, slacks
}

// conflicts words the limits whose slacks the elastic solution vals uses.
func conflicts(src *lp, slacks []elasticSlack, vals []float64, scale float64) []string {
	var out []string
	seen := map[string]bool{}
	for _, sl := range slacks {
		v := vals[sl.col]
		if v <= diagnoseTol {
			continue
		}
		name := src.rowName[sl.row]
		if seen[name] {
			continue
		}
		seen[name] = true
		out = append(out, describeConflict(name, sl.sign, v*scale))
	}
	sort.Strings(out)
	return out
}

// describeConflict words a limit that had to give way. The amount comes
// from the relaxation, whose tangents overstate revenue: what the exact
// curves need can only be more, hence "at least".
func describeConflict(name string, sign, amount float64) string {
	switch name {
	case "target_revenue":
		return fmt.Sprintf("target_revenue: the channels fall short of it by at least %.0f", amount)
	case "min_roas":
		return "min_roas: the plan cannot earn that much revenue per unit of spend"
	}
	if sign > 0 {
		return fmt.Sprintf("%s: its minimum would have to drop by at least %.0f", name, amount)
	}
	return fmt.Sprintf("%s: its maximum would have to rise by at least %.0f", name, amount)
}

// flightConflicts returns the limits that the minimum flights force to
// give way on the spend limits alone (no curves, no revenue limits), with
// the flights themselves; nil when the flights fit. A channel whose flight
// costs more than the budget can still run, and a window's floor that only
// that channel could fill, is such a conflict: the relaxation, without the
// flights, does not see it.
func (s *solver) flightConflicts(base *model) []string {
	res := s.res
	if !hasFlights(res) {
		return nil
	}
	md := newLimitCheck(res, base).md // spend columns and the shared rows
	md.freeRevenueRows()
	// Each flight cell spends nothing or at least its flight.
	for c := range res.Channels {
		for t, j := range md.x[c] {
			flight := res.Channels[c].MinActive[t] / md.scale
			if j < 0 || flight <= 0 {
				continue
			}
			lo, up := md.m.colLo[j], md.m.colUp[j]
			switch {
			case flight > up:
				if lo > 0 {
					return []string{"the minimum flight sizes (min_active_per_week) cannot fit the channels' per-week limits"}
				}
				md.m.colUp[j] = 0
			case lo > 0:
				md.m.colLo[j] = math.Max(lo, flight)
			case !math.IsInf(up, 1):
				z := md.m.col(0, 1, 0, glpk.Binary)
				md.m.row(0, math.Inf(1), "", []int{j, z}, []float64{1, -flight})
				md.m.row(math.Inf(-1), 0, "", []int{j, z}, []float64{1, -up})
			}
		}
	}
	m, slacks := elastic(md.m, true)
	p, err := glpk.New()
	if err != nil {
		return nil
	}
	defer p.Close()
	if m.load(p, false) != nil {
		return nil
	}
	r, err := p.Intopt(glpk.MIPOptions{Presolve: true, TimeLimit: min(max(s.remaining(), flightCheckMinTime), flightCheckMaxTime)})
	if err != nil || (r.Status != glpk.Optimal && r.Status != glpk.Feasible) {
		return nil
	}
	vals, err := p.MIPColValues()
	if err != nil {
		return nil
	}
	out := conflicts(md.m, slacks, vals, md.scale)
	if len(out) > 0 {
		out = append(out, "the minimum flight sizes (min_active_per_week)")
	}
	return out
}

// flightCheckMinTime and flightCheckMaxTime bound the MIP of
// flightConflicts: a MIP over spend alone, which GLPK solves in
// milliseconds on scenarios of a year by week.
const (
	flightCheckMinTime = time.Second
	flightCheckMaxTime = 10 * time.Second
)
