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
	src := md.m
	m := newLP()
	for j := range src.colLo {
		m.col(src.colLo[j], src.colUp[j], 0, glpk.Continuous)
	}
	type slack struct {
		row  int
		col  int
		sign float64 // +1 when the slack raises the row (a lower limit gave way)
	}
	var slacks []slack
	for i := range src.rowLo {
		ind := append([]int(nil), src.ind[src.beg[i]:src.beg[i+1]]...)
		val := append([]float64(nil), src.val[src.beg[i]:src.beg[i+1]]...)
		if src.rowName[i] != "" {
			if !math.IsInf(src.rowLo[i], -1) {
				j := m.col(0, math.Inf(1), 1, glpk.Continuous)
				ind, val = append(ind, j), append(val, 1)
				slacks = append(slacks, slack{row: i, col: j, sign: 1})
			}
			if !math.IsInf(src.rowUp[i], 1) {
				j := m.col(0, math.Inf(1), 1, glpk.Continuous)
				ind, val = append(ind, j), append(val, -1)
				slacks = append(slacks, slack{row: i, col: j, sign: -1})
			}
		}
		m.row(src.rowLo[i], src.rowUp[i], "", ind, val)
	}
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
		out = append(out, describeConflict(name, sl.sign, v*md.scale))
	}
	sort.Strings(out)
	if len(out) == 0 {
		// The relaxation meets every limit: what it overstates (S-curves
		// below their inflection) or leaves out (minimum flights) is what
		// stands in the way.
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
