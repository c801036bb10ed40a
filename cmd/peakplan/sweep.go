package main

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/peakplan/peakplan/optimize"
	"github.com/peakplan/peakplan/plan"
	"github.com/peakplan/peakplan/scenarios"
)

// maxSweepPoints bounds a sweep: each point is a full optimisation.
const maxSweepPoints = 1000

// ownBudgetTol: a sweep budget this close (relative) to the scenario's own
// budget is marked as the scenario's point in the text table.
const ownBudgetTol = 1e-9

type sweepOptions struct {
	io        *streams
	scenario  string
	format    string
	from, to  float64
	steps     int
	budgets   []float64
	timeLimit time.Duration
	gap       float64
	html      string
	lang      string
	progress  bool // draw a progress bar on stderr
}

func init() { registerCommand(newSweepCmd) }

func newSweepCmd(s *streams) *cobra.Command {
	opts := &sweepOptions{io: s}
	var budgets string
	cmd := &cobra.Command{
		Use:   "sweep SCENARIO",
		Short: "The budget frontier: optimal revenue, profit, ROAS and marginal ROAS over a range of budgets",
		Long: `Solve the scenario at a range of budgets and show what each buys: the
optimal revenue, the profit (when the scenario has a margin), the ROAS and the
marginal ROAS, the revenue one more unit of budget would add. Every point
maximises revenue with budget.total set to its budget and every other limit
kept. With a margin, the break-even budget is where one more unit of budget
stops paying for itself (margin * marginal ROAS = 1).

Budgets are multiples of the scenario's budget.total (--from, --to, --steps)
or explicit amounts (--budgets). The points are solved in parallel on all
cores.`,
		Example: `  peakplan sweep examples/skincare-2027.yaml
  peakplan sweep scenario.yaml --from 0.25 --to 3 --steps 12 --format csv > frontier.csv
  peakplan sweep scenario.yaml --budgets 3e6,4e6,6e6 --format json`,
		Args: usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.scenario = args[0]
			if cmd.Flags().Changed("budgets") {
				for _, name := range []string{"from", "to", "steps"} {
					if cmd.Flags().Changed(name) {
						return usageErrorf("give either --budgets or --from/--to/--steps, not both")
					}
				}
				list, err := parseBudgets(budgets)
				if err != nil {
					return usageErrorf("--budgets: %v", err)
				}
				opts.budgets = list
			}
			opts.progress = isTerminal(s.ErrOut)
			return sweepRun(opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.format, "format", "text", "output format: text, json or csv")
	f.Float64Var(&opts.from, "from", optimize.DefaultSweepFrom, "smallest budget, as a multiple of budget.total")
	f.Float64Var(&opts.to, "to", optimize.DefaultSweepTo, "largest budget, as a multiple of budget.total")
	f.IntVar(&opts.steps, "steps", optimize.DefaultSweepSteps, "number of budgets from --from to --to")
	f.StringVar(&budgets, "budgets", "", "comma-separated budgets in money (3e6,4e6,6e6) instead of --from/--to/--steps")
	f.DurationVar(&opts.timeLimit, "time-limit", optimize.DefaultTimeLimit, "time limit of each solve")
	f.Float64Var(&opts.gap, "gap", optimize.DefaultGap, "target relative gap of each solve")
	f.StringVar(&opts.html, "html", "", "also write the report of the plan at budget.total, with the frontier chart, to this file")
	f.StringVar(&opts.lang, "lang", "en", "report language: en or zh")
	return cmd
}

// parseBudgets reads "3e6,4e6,6e6" (spaces allowed).
func parseBudgets(s string) ([]float64, error) {
	var out []float64
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		v, err := strconv.ParseFloat(part, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not a number", part)
		}
		if !(v > 0) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("%q: a budget must be positive", part)
		}
		out = append(out, v)
	}
	return out, nil
}

// sweepResult is the JSON of cli.md.
type sweepResult struct {
	Scenario        string            `json:"scenario"`
	Points          []plan.SweepPoint `json:"points"`
	BreakEvenBudget *float64          `json:"break_even_budget"`
}

func sweepRun(opts *sweepOptions) error {
	switch opts.format {
	case "text", "json", "csv":
	default:
		return usageErrorf("unknown --format %q: use text, json or csv", opts.format)
	}
	if opts.timeLimit <= 0 {
		return usageErrorf("--time-limit must be positive")
	}
	if !(opts.gap > 0 && opts.gap < 1) {
		return usageErrorf("--gap must lie between 0 and 1 (1e-4 = 0.01%%)")
	}
	if opts.budgets == nil {
		if !(opts.from > 0) || !(opts.to >= opts.from) || math.IsInf(opts.to, 0) {
			return usageErrorf("--from and --to must be positive multiples of the budget with --from <= --to")
		}
		if opts.steps < 1 || opts.steps > maxSweepPoints {
			return usageErrorf("--steps must lie between 1 and %d", maxSweepPoints)
		}
	} else if len(opts.budgets) > maxSweepPoints {
		return usageErrorf("--budgets: at most %d budgets", maxSweepPoints)
	}
	sc, err := loadScenario(opts.scenario)
	if err != nil {
		return err
	}
	if opts.html != "" && opts.lang != "en" && opts.lang != "zh" {
		return usageErrorf("unknown --lang %q: use en or zh", opts.lang)
	}
	out, err := sweepScenario(sc.res, opts)
	if err != nil {
		return err
	}
	if opts.html != "" {
		// The frontier chart sits in the report of the scenario's own plan.
		doc, err := solveScenario(sc, &optimizeOptions{io: opts.io, timeLimit: opts.timeLimit, gap: opts.gap})
		if err != nil {
			return err
		}
		doc.Sweep = &plan.Sweep{Points: out.Points, BreakEvenBudget: out.BreakEvenBudget}
		if err := writeReport(opts.html, doc, sc.res, opts.lang); err != nil {
			return invalidError(err)
		}
		fmt.Fprintf(opts.io.ErrOut, "Report written to %s\n", opts.html)
	}
	switch opts.format {
	case "json":
		enc := json.NewEncoder(opts.io.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	case "csv":
		return writeSweepCSV(opts.io.Out, out, sc.res.HasMargin())
	}
	printSweepText(opts.io.Out, out, sc.res)
	return nil
}

// sweepScenario runs the sweep of opts on a resolved scenario.
func sweepScenario(res *scenarios.Resolved, opts *sweepOptions) (*sweepResult, error) {
	budgets := opts.budgets
	if budgets == nil {
		if math.IsInf(res.BudgetTotal, 1) {
			return nil, invalidError(fmt.Errorf("%s has no budget.total to take multiples of; give --budgets", opts.scenario))
		}
		budgets = optimize.SweepBudgets(res.BudgetTotal, opts.from, opts.to, opts.steps)
	}
	so := optimize.SweepOptions{Options: optimize.Options{TimeLimit: opts.timeLimit, Gap: opts.gap}}
	var bar *progressBar
	if opts.progress {
		bar = &progressBar{w: opts.io.ErrOut, label: "sweep"}
		so.Progress = bar.update
	}
	points, breakEven, err := optimize.Sweep(res, budgets, so)
	bar.finish()
	if err != nil {
		var se *optimize.SolverError
		if errors.As(err, &se) {
			return nil, &exitError{code: exitSolver, err: err}
		}
		return nil, invalidError(err)
	}
	return &sweepResult{Scenario: res.Name, Points: points, BreakEvenBudget: breakEven}, nil
}

func writeSweepCSV(w io.Writer, out *sweepResult, margin bool) error {
	cw := csv.NewWriter(w)
	head := []string{"budget", "revenue", "profit", "roas", "marginal_roas", "status"}
	if !margin {
		head = append(head[:2], head[3:]...)
	}
	_ = cw.Write(head)
	for _, p := range out.Points {
		row := []string{csvNum(p.Budget), csvNum(p.Revenue)}
		if margin {
			row = append(row, csvOptNum(p.Profit))
		}
		row = append(row, csvNum(p.ROAS), csvNum(p.MarginalROAS), p.Status)
		_ = cw.Write(row)
	}
	cw.Flush()
	return cw.Error()
}

func csvNum(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func csvOptNum(v *float64) string {
	if v == nil {
		return ""
	}
	return csvNum(*v)
}

func printSweepText(w io.Writer, out *sweepResult, res *scenarios.Resolved) {
	margin := res.HasMargin()
	fmt.Fprintf(w, "Budget frontier: %s\n\n", out.Scenario)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	cur := res.Currency
	fmt.Fprintf(tw, "Budget (%s)\tRevenue (%s)\t", cur, cur)
	if margin {
		fmt.Fprintf(tw, "Profit (%s)\t", cur)
	}
	fmt.Fprint(tw, "ROAS\tMarginal ROAS\tStatus\t\n")
	for _, p := range out.Points {
		mark := ""
		if !math.IsInf(res.BudgetTotal, 1) && math.Abs(p.Budget-res.BudgetTotal) <= ownBudgetTol*res.BudgetTotal {
			mark = "  <- the scenario's budget"
		}
		if p.Status == optimize.StatusInfeasible {
			// No plan: show no numbers rather than zeros.
			fmt.Fprintf(tw, "%s\t-\t", money(p.Budget))
			if margin {
				fmt.Fprint(tw, "-\t")
			}
			fmt.Fprintf(tw, "-\t-\t%s\t%s\n", p.Status, mark)
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t", money(p.Budget), money(p.Revenue))
		if margin {
			profit := ""
			if p.Profit != nil {
				profit = money(*p.Profit)
			}
			fmt.Fprintf(tw, "%s\t", profit)
		}
		fmt.Fprintf(tw, "%.2f\t%.2f\t%s\t%s\n", p.ROAS, p.MarginalROAS, p.Status, mark)
	}
	tw.Flush()
	if !margin {
		fmt.Fprintln(w, "\nNo margin in the scenario: profit and the break-even budget are not computed.")
		return
	}
	if out.BreakEvenBudget != nil {
		fmt.Fprintf(w, "\nBreak-even budget: %s %s (beyond it, one more unit of budget returns less than itself in profit at margin %g)\n",
			cur, money(*out.BreakEvenBudget), res.Margin)
		return
	}
	// Say on which side of the range it lies.
	for i := len(out.Points) - 1; i >= 0; i-- {
		if p := out.Points[i]; p.Status != optimize.StatusInfeasible {
			if res.Margin*p.MarginalROAS > 1 {
				fmt.Fprintln(w, "\nBreak-even budget: above this range (at its top, one more unit of budget still returns more than itself in profit)")
			} else {
				fmt.Fprintln(w, "\nBreak-even budget: below this range (nowhere in it does one more unit of budget return itself in profit)")
			}
			return
		}
	}
	fmt.Fprintln(w, "\nBreak-even budget: no budget in this range meets the scenario's other limits")
}
