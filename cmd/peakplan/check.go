package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/peakplan/peakplan/optimize"
	"github.com/peakplan/peakplan/plan"
	"github.com/peakplan/peakplan/scenarios"
)

// noteTol: a total written in the plan file that differs from the
// re-evaluated one by more than this share is worth a note (someone edited
// the spend, or the scenario changed).
const noteTol = 1e-6

// gapTol absorbs rounding when comparing the plan's gap with --max-gap.
const gapTol = 1e-9

type checkOptions struct {
	io        *streams
	plan      string
	scenario  string
	format    string
	maxGap    float64 // percent; negative when not given
	timeLimit time.Duration
}

func init() { registerCommand(newCheckCmd) }

func newCheckCmd(s *streams) *cobra.Command {
	opts := &checkOptions{io: s}
	cmd := &cobra.Command{
		Use:   "check PLAN",
		Short: "Re-evaluate a (possibly hand-edited) plan against its scenario",
		Long: `Check a plan against the scenario it was made from: every limit (per-week
floors and caps, availability, minimum flights, channel totals, budget.total,
budget windows, group shares, min_roas, target_revenue), with the revenue
re-evaluated from the plan's spend; nothing written in the file is trusted.
The scenario is the plan's scenario.file (relative to the plan) unless
--scenario is given; a scenario changed since the plan was made is reported
but does not fail the check. With --max-gap the scenario is also solved and
the check fails when the plan is more than that many percent worse than the
optimum.

Exit code 0 when everything holds, 1 when a limit is broken, the gap is too
large or an input is invalid, 3 when the solver fails.`,
		Example: `  peakplan check plans/2027.yaml
  peakplan check --max-gap 1 plans/2027.yaml
  peakplan check --format github plans/2027.yaml   # annotations in a GitHub workflow`,
		Args: usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.plan = args[0]
			if !cmd.Flags().Changed("max-gap") {
				opts.maxGap = -1
			} else if !(opts.maxGap >= 0) || math.IsInf(opts.maxGap, 0) {
				return usageErrorf("--max-gap must be a percentage of at least 0 (1 = 1%%)")
			}
			return checkRun(opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.scenario, "scenario", "", "check against this scenario instead of the plan's scenario.file")
	f.StringVar(&opts.format, "format", "text", "output format: text, json or github")
	f.Float64Var(&opts.maxGap, "max-gap", 0, "also solve the scenario and fail when the plan is more than this many percent worse than the optimum")
	f.DurationVar(&opts.timeLimit, "time-limit", optimize.DefaultTimeLimit, "time limit of the solve for --max-gap")
	return cmd
}

// checkReport is the outcome of a check, in the JSON of cli.md.
type checkReport struct {
	OK              bool             `json:"ok"`
	ScenarioChanged bool             `json:"scenario_changed"`
	Violations      []plan.Violation `json:"violations"`
	Objective       float64          `json:"objective"`
	Optimum         *float64         `json:"optimum,omitempty"`
	Gap             *float64         `json:"gap,omitempty"`

	plan     string   // the plan file
	scenario string   // the scenario file used
	kind     string   // the objective's kind
	maxGap   float64  // percent, negative when not asked for
	gapFails bool     // the gap is above --max-gap
	notes    []string // differences between the file and the re-evaluation
}

func checkRun(opts *checkOptions) error {
	switch opts.format {
	case "text", "json", "github":
	default:
		return usageErrorf("unknown --format %q: use text, json or github", opts.format)
	}
	if opts.timeLimit <= 0 {
		return usageErrorf("--time-limit must be positive")
	}
	rep, err := checkPlan(opts)
	if err != nil {
		var ee *exitError
		if opts.format == "github" && errors.As(err, &ee) && ee.code == exitInvalid && ee.err != nil {
			// The workflow shows the problem on the file, like validate does.
			for _, p := range planProblems(opts.plan, ee.err) {
				fmt.Fprintln(opts.io.Out, githubAnnotation(opts.plan, p))
			}
			return silentExit(exitInvalid)
		}
		return err
	}
	switch opts.format {
	case "json":
		enc := json.NewEncoder(opts.io.Out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
		printCheckNotes(opts.io.ErrOut, rep)
	case "github":
		printCheckGitHub(opts.io.Out, rep)
	default:
		printCheckText(opts.io.Out, rep)
		printCheckNotes(opts.io.ErrOut, rep)
	}
	if !rep.OK {
		return silentExit(exitInvalid)
	}
	return nil
}

// checkPlan reads the plan and its scenario and checks one against the
// other. Errors carry their exit codes; a plan that breaks limits is not an
// error but a report with OK false.
func checkPlan(opts *checkOptions) (*checkReport, error) {
	data, err := readBounded(opts.plan, plan.MaxFileBytes)
	if err != nil {
		return nil, invalidError(err)
	}
	doc, pos, err := plan.Read(bytes.NewReader(data), opts.plan)
	if err != nil {
		return nil, invalidError(err)
	}
	path := scenarioPath(opts.plan, doc, opts.scenario)
	if path == "" {
		return nil, invalidError(fmt.Errorf("%s names no scenario file; give --scenario FILE", opts.plan))
	}
	sc, err := loadScenario(path)
	if err != nil {
		var ee *exitError
		if errors.As(err, &ee) && opts.scenario == "" {
			ee.err = fmt.Errorf("cannot check %s against its scenario (give --scenario FILE): %w", opts.plan, ee.err)
		}
		return nil, err
	}
	res := sc.res
	rep := &checkReport{
		plan:            opts.plan,
		scenario:        path,
		kind:            string(res.Objective),
		maxGap:          opts.maxGap,
		ScenarioChanged: sc.sha256 != doc.Scenario.SHA256,
		Violations:      plan.Check(res, doc, pos),
		Objective:       doc.Objective.Value,
	}
	if rep.Violations == nil {
		rep.Violations = []plan.Violation{}
	}
	if doc.Matches(res) == nil {
		// Never trust what the file says about revenue: evaluate its spend.
		_, tot := plan.Evaluate(res, doc.SpendMatrix())
		rep.Objective = plan.ObjectiveValue(res, tot)
		rep.notes = fileNotes(doc, tot, rep.Objective, string(res.Objective))
		if opts.maxGap >= 0 {
			r, err := optimize.Solve(res, optimize.Options{TimeLimit: opts.timeLimit})
			if err != nil {
				var inf *optimize.InfeasibleError
				if errors.As(err, &inf) {
					return nil, invalidError(fmt.Errorf("%s: %v", path, err))
				}
				return nil, &exitError{code: exitSolver, err: err}
			}
			opt := r.Objective
			gap := objectiveGap(rep.Objective, opt, res.Objective != scenarios.MinimiseSpend)
			rep.Optimum, rep.Gap = &opt, &gap
			rep.gapFails = gap > opts.maxGap/100+gapTol
			// The best plan found is a sure witness against a plan far below
			// it; a pass needs the optimum proven within the allowed gap.
			if !rep.gapFails && r.Gap > opts.maxGap/100+gapTol {
				return nil, &exitError{code: exitSolver, err: fmt.Errorf(
					"solver: the optimum is only known within %s, too loosely to judge a gap of %s%% (raise --time-limit)",
					percentGap(r.Gap), trimFloat(opts.maxGap))}
			}
		}
	}
	rep.OK = len(rep.Violations) == 0 && !rep.gapFails
	return rep, nil
}

// objectiveGap is how much worse obj is than the optimum, as a fraction of
// the optimum: less revenue or profit, or more spend. A plan that beats the
// solver's optimum (within its gap) has gap 0.
func objectiveGap(obj, opt float64, maximise bool) float64 {
	d := opt - obj
	if !maximise {
		d = obj - opt
	}
	if d <= 0 {
		return 0
	}
	den := math.Abs(opt)
	if den == 0 {
		den = math.Max(math.Abs(obj), 1)
	}
	return d / den
}

// fileNotes lists where the totals written in the plan differ from the
// re-evaluated ones.
func fileNotes(doc *plan.Document, tot plan.Totals, objective float64, kind string) []string {
	var notes []string
	differs := func(written, actual float64) bool {
		return math.Abs(written-actual) > noteTol*math.Max(math.Max(math.Abs(written), math.Abs(actual)), 1)
	}
	if differs(doc.Totals.Spend, tot.Spend) {
		notes = append(notes, fmt.Sprintf("the file's total spend %s differs from the sum of its spend %s", money(doc.Totals.Spend), money(tot.Spend)))
	}
	if differs(doc.Totals.Revenue, tot.Revenue) {
		notes = append(notes, fmt.Sprintf("the file's total revenue %s differs from the re-evaluated %s; the check uses the re-evaluated one", money(doc.Totals.Revenue), money(tot.Revenue)))
	}
	if doc.Objective.Kind != kind {
		notes = append(notes, fmt.Sprintf("the file's objective is %s, the scenario's %s", doc.Objective.Kind, kind))
	} else if kind == string(scenarios.MaximiseProfit) && differs(doc.Objective.Value, objective) {
		// Revenue and spend objectives are the totals noted above.
		notes = append(notes, fmt.Sprintf("the file's objective value %s differs from the re-evaluated %s", money(doc.Objective.Value), money(objective)))
	}
	return notes
}

func (rep *checkReport) changedMessage() string {
	return fmt.Sprintf("scenario %s changed since the plan was made (its sha256 differs from the plan's)", rep.scenario)
}

func (rep *checkReport) gapMessage() string {
	worse := "below"
	if rep.kind == string(scenarios.MinimiseSpend) {
		worse = "above"
	}
	return fmt.Sprintf("the plan's %s %s is %s %s the optimum %s (allowed: %s%%)",
		rep.kind, money(rep.Objective), percentGap(*rep.Gap), worse, money(*rep.Optimum), trimFloat(rep.maxGap))
}

func violationText(v plan.Violation) string { return v.Rule + ": " + v.Message }

func printCheckText(w io.Writer, rep *checkReport) {
	for _, v := range rep.Violations {
		if v.Line > 0 {
			fmt.Fprintf(w, "%s:%d: %s\n", rep.plan, v.Line, violationText(v))
		} else {
			fmt.Fprintf(w, "%s: %s\n", rep.plan, violationText(v))
		}
	}
	fmt.Fprintf(w, "Objective (%s): %s\n", rep.kind, money(rep.Objective))
	if rep.Gap != nil {
		verdict := "ok"
		if rep.gapFails {
			verdict = "too far"
		}
		fmt.Fprintf(w, "Optimum: %s; gap %s (allowed %s%%): %s\n", money(*rep.Optimum), percentGap(*rep.Gap), trimFloat(rep.maxGap), verdict)
	}
	switch n := len(rep.Violations); {
	case rep.OK:
		fmt.Fprintf(w, "%s: ok, every limit of %s holds\n", rep.plan, rep.scenario)
	case n == 0:
		fmt.Fprintf(w, "%s: failed: %s\n", rep.plan, rep.gapMessage())
	default:
		fmt.Fprintf(w, "%s: failed: %d %s of %s broken\n", rep.plan, n, plural(n, "limit", "limits"), rep.scenario)
	}
}

// printCheckNotes writes the warnings and notes that do not fail a check.
func printCheckNotes(w io.Writer, rep *checkReport) {
	if rep.ScenarioChanged {
		fmt.Fprintf(w, "peakplan: warning: %s\n", rep.changedMessage())
	}
	for _, n := range rep.notes {
		fmt.Fprintf(w, "peakplan: note: %s: %s\n", rep.plan, n)
	}
}

func printCheckGitHub(w io.Writer, rep *checkReport) {
	for _, v := range rep.Violations {
		fmt.Fprintln(w, githubCommand("error", rep.plan, v.Line, violationText(v)))
	}
	if rep.gapFails {
		fmt.Fprintln(w, githubCommand("error", rep.plan, 0, rep.gapMessage()))
	}
	if rep.ScenarioChanged {
		fmt.Fprintln(w, githubCommand("warning", rep.plan, 0, rep.changedMessage()))
	}
	for _, n := range rep.notes {
		fmt.Fprintln(w, githubCommand("notice", rep.plan, 0, n))
	}
}

// githubCommand formats a workflow command (::error file=F,line=L::msg),
// escaping what the runner treats specially.
func githubCommand(level, file string, line int, msg string) string {
	prop := strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
	esc := strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	loc := "file=" + prop.Replace(file)
	if line > 0 {
		loc += fmt.Sprintf(",line=%d", line)
	}
	return fmt.Sprintf("::%s %s::%s", level, loc, esc.Replace(msg))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// trimFloat prints a number without needless decimals (1, 0.5).
func trimFloat(f float64) string { return strings.TrimSuffix(fmt.Sprintf("%g", f), ".0") }
