package main

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/peakplan/peakplan/optimize"
	"github.com/peakplan/peakplan/plan"
	"github.com/peakplan/peakplan/scenarios"
)

type optimizeOptions struct {
	io        *streams
	scenario  string
	format    string
	output    string
	html      string
	lang      string
	timeLimit time.Duration
	gap       float64
	writeLP   string
	verbose   bool
	sweep     bool
	simulate  bool
}

func init() { registerCommand(newOptimizeCmd) }

func newOptimizeCmd(s *streams) *cobra.Command {
	opts := &optimizeOptions{io: s}
	cmd := &cobra.Command{
		Use:   "optimize SCENARIO",
		Short: "Find the best spend per channel and period, and show it against even spreading",
		Long: `Solve the scenario: decide how much each channel spends in each period so
that the objective (revenue, profit or spend) is optimal, prove how close to
the optimum the plan is, and compare it with spreading each channel's budget
evenly over the year. Every number printed is the exact model value of the
plan's spend.`,
		Example: `  peakplan optimize examples/skincare-2027.yaml
  peakplan optimize scenario.yaml -o plan.yaml --html report.html
  peakplan optimize scenario.yaml --format json > plan.json`,
		Args: usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.scenario = args[0]
			return optimizeRun(opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.format, "format", "text", "output format: text or json (the plan document)")
	f.StringVarP(&opts.output, "output", "o", "", "write the plan document to this file (YAML, or JSON for .json)")
	f.StringVar(&opts.html, "html", "", "write the HTML report to this file")
	f.StringVar(&opts.lang, "lang", "en", "report language: en or zh")
	f.DurationVar(&opts.timeLimit, "time-limit", optimize.DefaultTimeLimit, "stop the solver after this long and keep the best plan found")
	f.Float64Var(&opts.gap, "gap", optimize.DefaultGap, "stop when the plan is proven within this relative gap of the optimum")
	f.StringVar(&opts.writeLP, "write-lp", "", "write the first model in CPLEX LP format to this file")
	f.BoolVar(&opts.verbose, "verbose", false, "show the solver's log on stderr")
	f.BoolVar(&opts.sweep, "sweep", false, "also solve budgets from 0.5x to 2x budget.total and store the frontier in the plan")
	f.BoolVar(&opts.simulate, "simulate", false, "also run the Monte Carlo projection of the scenario's uncertainty block and store it in the plan")
	return cmd
}

func optimizeRun(opts *optimizeOptions) error {
	if opts.format != "text" && opts.format != "json" {
		return usageErrorf("unknown --format %q: use text or json", opts.format)
	}
	if opts.lang != "en" && opts.lang != "zh" {
		return usageErrorf("unknown --lang %q: use en or zh", opts.lang)
	}
	if opts.timeLimit <= 0 {
		return usageErrorf("--time-limit must be positive")
	}
	if !(opts.gap > 0 && opts.gap < 1) {
		return usageErrorf("--gap must lie between 0 and 1 (1e-4 = 0.01%%)")
	}
	sc, err := loadScenario(opts.scenario)
	if err != nil {
		return err
	}
	doc, err := solveScenario(sc, opts)
	if err != nil {
		return err
	}
	if opts.sweep {
		if math.IsInf(sc.res.BudgetTotal, 1) {
			return invalidError(fmt.Errorf("%s: --sweep takes multiples of budget.total, which the scenario does not give", sc.path))
		}
		budgets := optimize.SweepBudgets(sc.res.BudgetTotal, optimize.DefaultSweepFrom, optimize.DefaultSweepTo, optimize.DefaultSweepSteps)
		points, breakEven, err := optimize.Sweep(sc.res, budgets, optimize.SweepOptions{Options: optimize.Options{TimeLimit: opts.timeLimit, Gap: opts.gap}})
		if err != nil {
			return &exitError{code: exitSolver, err: err}
		}
		doc.Sweep = &plan.Sweep{Points: points, BreakEvenBudget: breakEven}
	}
	if opts.simulate {
		if err := simulatePlan(doc, sc.res, sc.res.Uncertainty, opts.io.ErrOut); err != nil {
			return invalidError(err)
		}
	}
	if opts.output != "" {
		doc.Scenario = scenarioRef(sc, opts.output)
		if err := writePlan(opts.output, doc); err != nil {
			return invalidError(err)
		}
	}
	if opts.html != "" {
		if err := writeReport(opts.html, doc, sc.res, opts.lang); err != nil {
			return invalidError(err)
		}
	}
	if opts.format == "json" {
		return doc.EncodeJSON(opts.io.Out)
	}
	printPlanSummary(opts.io.Out, doc, sc.res)
	if opts.output != "" {
		fmt.Fprintf(opts.io.Out, "\nPlan written to %s\n", opts.output)
	}
	if opts.html != "" {
		fmt.Fprintf(opts.io.Out, "Report written to %s\n", opts.html)
	}
	return nil
}

// solveScenario optimises and builds the plan document; solver errors map
// onto the exit codes of cli.md.
func solveScenario(sc *loadedScenario, opts *optimizeOptions) (*plan.Document, error) {
	so := optimize.Options{TimeLimit: opts.timeLimit, Gap: opts.gap}
	if opts.verbose {
		so.Verbose = opts.io.ErrOut
	}
	var lpFile *os.File
	if opts.writeLP != "" {
		f, err := os.Create(opts.writeLP)
		if err != nil {
			return nil, invalidError(fmt.Errorf("cannot write %s: %w", opts.writeLP, err))
		}
		lpFile = f
		so.WriteLP = f
		defer f.Close()
	}
	result, err := optimize.Solve(sc.res, so)
	if lpFile != nil {
		if cerr := lpFile.Close(); cerr != nil && err == nil {
			return nil, invalidError(cerr)
		}
	}
	if err != nil {
		var inf *optimize.InfeasibleError
		if errors.As(err, &inf) {
			return nil, invalidError(fmt.Errorf("%s: %v", sc.path, err))
		}
		return nil, &exitError{code: exitSolver, err: err}
	}
	info := plan.SolverInfo{
		Name:       "glpk",
		Status:     result.Status,
		MIPGap:     result.Gap,
		Seconds:    result.Seconds,
		Bound:      result.Bound,
		Iterations: result.Rounds,
	}
	return plan.Build(sc.res, result.Spend, scenarioRef(sc, ""), info, result.MarginalROAS), nil
}

// printPlanSummary prints the plan the way a marketing director reads it:
// channel totals, the month-by-channel table, the comparison with even
// spreading, the concentration into festivals and the solver's proof.
func printPlanSummary(w io.Writer, doc *plan.Document, res *scenarios.Resolved) {
	cur := doc.Currency
	fmt.Fprintf(w, "%s\n", res.Name)
	fmt.Fprintf(w, "%s to %s, %d %s periods, objective: %s\n\n", res.Start, res.End, len(res.Periods), res.Granularity, res.Objective)

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "Channel\tSpend (%s)\tRevenue (%s)\tROAS\tShare of spend\t\n", cur, cur)
	for _, ch := range doc.Channels {
		share := 0.0
		if doc.Totals.Spend > 0 {
			share = ch.TotalSpend / doc.Totals.Spend
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.2f\t%s\t\n", ch.Name, money(ch.TotalSpend), money(ch.TotalRevenue), ch.ROAS, percent(share))
	}
	fmt.Fprintf(tw, "Plan\t%s\t%s\t%.2f\t\t\n", money(doc.Totals.Spend), money(doc.Totals.Revenue), doc.Totals.ROAS)
	fmt.Fprintf(tw, "Even spreading\t%s\t%s\t%.2f\t\t\n", money(doc.Baseline.Spend), money(doc.Baseline.Revenue), doc.Baseline.ROAS)
	tw.Flush()

	fmt.Fprintln(w)
	fmt.Fprintf(w, "Revenue over even spreading: %s\n", signedPercent(doc.Baseline.RevenueUplift))
	if doc.Totals.Profit != nil {
		fmt.Fprintf(w, "Profit: %s %s (even spreading: %s, %s)\n", cur, money(*doc.Totals.Profit), money(*doc.Baseline.Profit), signedPercent(*doc.Baseline.ProfitUplift))
	}
	fmt.Fprintf(w, "Festivals: %s of the spend falls on the %s of days that festivals cover\n",
		percent(doc.Concentration.FestivalSpendShare), percent(doc.Concentration.FestivalDaysShare))
	fmt.Fprintf(w, "Marginal ROAS: %.2f (revenue that one more unit of budget would add)\n", doc.MarginalROAS)

	if tab, err := doc.Months(); err == nil && len(tab.Months) > 1 {
		fmt.Fprintf(w, "\nSpend by month (thousand %s)\n", cur)
		tw = tabwriter.NewWriter(w, 0, 0, 1, ' ', tabwriter.AlignRight)
		fmt.Fprint(tw, "Channel\t")
		for _, m := range tab.Months {
			fmt.Fprintf(tw, "%s\t", m)
		}
		fmt.Fprintln(tw)
		for c, name := range tab.Channels {
			fmt.Fprintf(tw, "%s\t", name)
			for _, x := range tab.Spend[c] {
				fmt.Fprintf(tw, "%s\t", money(x/1000))
			}
			fmt.Fprintln(tw)
		}
		tw.Flush()
	}

	s := doc.Solver
	fmt.Fprintf(w, "\nSolver: %s, %s in %.1f s. ", s.Name, s.Status, s.Seconds)
	switch {
	case s.Bound == 0 && s.MIPGap >= 1:
		fmt.Fprintln(w, "No bound was proven (the time ran out, or the models gave none); this plan comes from a local search.")
	case res.Objective == scenarios.MinimiseSpend:
		fmt.Fprintf(w, "Proven: no plan can spend less than %s; this plan is within %s of that.\n", money(s.Bound), percentGap(s.MIPGap))
	default:
		fmt.Fprintf(w, "Proven: no plan can reach more than %s; this plan is within %s of that.\n", money(s.Bound), percentGap(s.MIPGap))
	}
}

func percentGap(g float64) string {
	if g < 0.0001 {
		return fmt.Sprintf("%.3f%%", 100*g)
	}
	return fmt.Sprintf("%.2f%%", 100*g)
}
