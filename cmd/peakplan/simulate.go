package main

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/peakplan/peakplan/plan"
	"github.com/peakplan/peakplan/scenarios"
)

type simulateOptions struct {
	io       *streams
	planFile string
	scenario string
	format   string
	samples  int
	seed     int64
	seedSet  bool
}

func init() { registerCommand(newSimulateCmd) }

func newSimulateCmd(s *streams) *cobra.Command {
	opts := &simulateOptions{io: s}
	cmd := &cobra.Command{
		Use:   "simulate PLAN",
		Short: "Project a plan under the scenario's uncertainty: P10/P50/P90 of revenue, ROAS and profit",
		Long: `Run a Monte Carlo projection of a plan: its spend stays fixed while each
draw varies every channel's beta and every festival's uplift and cost index
by the spreads of the scenario's uncertainty block (scenario.md). Prints
P10/P50/P90 and the mean of revenue, ROAS and profit, the chance of a loss
and the chance that the plan beats spreading each channel's budget evenly
under the same draws. The same seed gives the same figures on any machine.

A loss is a profit below 0; without a margin in the scenario, revenue below
spend.`,
		Example: `  peakplan simulate plan.yaml
  peakplan simulate plan.yaml --samples 10000 --seed 42 --format json`,
		Args: usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.planFile = args[0]
			opts.seedSet = cmd.Flags().Changed("seed")
			if cmd.Flags().Changed("samples") && (opts.samples < 1 || opts.samples > scenarios.MaxSamples) {
				return usageErrorf("--samples must lie in 1..%d", scenarios.MaxSamples)
			}
			return simulateRun(opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.format, "format", "text", "output format: text or json")
	f.StringVar(&opts.scenario, "scenario", "", "the plan's scenario (default: the file the plan names)")
	f.IntVar(&opts.samples, "samples", 0, "number of draws (default: the scenario's uncertainty.samples)")
	f.Int64Var(&opts.seed, "seed", 0, "random seed (default: the scenario's uncertainty.seed)")
	return cmd
}

// simulateOutput is simulate's JSON (cli.md). Profit is left out without a
// margin, as in the plan document.
type simulateOutput struct {
	Samples              int             `json:"samples"`
	Seed                 int64           `json:"seed"`
	Revenue              plan.Quantiles  `json:"revenue"`
	ROAS                 plan.Quantiles  `json:"roas"`
	Profit               *plan.Quantiles `json:"profit,omitempty"`
	LossProbability      float64         `json:"loss_probability"`
	BeatsEvenProbability float64         `json:"beats_even_probability"`
}

func simulateRun(opts *simulateOptions) error {
	if opts.format != "text" && opts.format != "json" {
		return usageErrorf("unknown --format %q: use text or json", opts.format)
	}
	doc, _, sc, err := loadPlanWithScenario(opts.planFile, opts.scenario)
	if err != nil {
		return err
	}
	if sc == nil {
		if doc.Scenario.File == "" {
			return invalidError(fmt.Errorf("%s does not name its scenario; give it with --scenario", opts.planFile))
		}
		return invalidError(fmt.Errorf("%s names scenario %s, which is not there; give it with --scenario", opts.planFile, doc.Scenario.File))
	}
	if doc.Scenario.SHA256 != "" && sc.sha256 != doc.Scenario.SHA256 {
		fmt.Fprintf(opts.io.ErrOut, "peakplan: warning: scenario %s changed since the plan was made (its sha256 differs from the plan's)\n", sc.path)
	}
	spec := sc.res.Uncertainty
	if opts.samples > 0 {
		spec.Samples = opts.samples
	}
	if opts.seedSet {
		spec.Seed = opts.seed
	}
	if !simulationHasSpread(sc.res, spec) {
		fmt.Fprintf(opts.io.ErrOut, "peakplan: warning: %s states no uncertainty (every spread is 0), so every draw is the plan's own projection\n", sc.path)
	}
	sim, err := runSimulation(sc.res, doc.SpendMatrix(), spec, opts.io.ErrOut)
	if err != nil {
		return invalidError(err)
	}
	out := simulateOutput{
		Samples:              sim.Samples,
		Seed:                 sim.Seed,
		Revenue:              sim.Revenue,
		ROAS:                 sim.ROAS,
		LossProbability:      sim.LossProbability,
		BeatsEvenProbability: sim.BeatsEvenProbability,
	}
	if sc.res.HasMargin() {
		p := sim.Profit
		out.Profit = &p
	}
	if opts.format == "json" {
		enc := json.NewEncoder(opts.io.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	printSimulation(opts.io.Out, sim, sc.res, spec, opts.planFile)
	return nil
}

// simulatePlan runs the Monte Carlo projection of a plan document's spend
// and stores it in the document (doc.Simulation), with a progress bar on
// errOut when that is a terminal. optimize --simulate calls it with
// res.Uncertainty.
func simulatePlan(doc *plan.Document, res *scenarios.Resolved, spec scenarios.UncertaintySpec, errOut io.Writer) error {
	sim, err := runSimulation(res, doc.SpendMatrix(), spec, errOut)
	if err != nil {
		return err
	}
	doc.Simulation = sim
	return nil
}

// runSimulation is plan.Simulate with a progress bar on errOut when it is a
// terminal; redirected output stays free of control characters.
func runSimulation(res *scenarios.Resolved, spend [][]float64, spec scenarios.UncertaintySpec, errOut io.Writer) (*plan.Simulation, error) {
	var progress func(done, total int)
	if isTerminal(errOut) {
		bar := &progressBar{w: errOut, label: "simulating"}
		progress = bar.update
		defer bar.finish()
	}
	return plan.Simulate(res, spend, spec, progress)
}

// simulationHasSpread reports whether any draw can differ from the plan's projection.
func simulationHasSpread(res *scenarios.Resolved, spec scenarios.UncertaintySpec) bool {
	if len(res.Festivals) > 0 && (spec.UpliftCV > 0 || spec.CostIndexCV > 0) {
		return true
	}
	for _, ch := range res.Channels {
		if ch.BetaCV > 0 {
			return true
		}
	}
	return false
}

func printSimulation(w io.Writer, sim *plan.Simulation, res *scenarios.Resolved, spec scenarios.UncertaintySpec, planFile string) {
	cur := res.Currency
	fmt.Fprintf(w, "Monte Carlo projection of %s: %d draws, seed %d\n", planFile, sim.Samples, sim.Seed)
	betaNote := ""
	for _, ch := range res.Channels {
		if ch.BetaCV != spec.BetaCV {
			betaNote = " (some channels set their own)"
			break
		}
	}
	fmt.Fprintf(w, "Spread (cv): beta %s%s, festival uplift %s, cost index %s\n\n",
		percent(spec.BetaCV), betaNote, percent(spec.UpliftCV), percent(spec.CostIndexCV))

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "\tP10\tP50\tP90\tMean\t\n")
	row := func(name string, q plan.Quantiles, format func(float64) string) {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t\n", name, format(q.P10), format(q.P50), format(q.P90), format(q.Mean))
	}
	row(fmt.Sprintf("Revenue (%s)", cur), sim.Revenue, money)
	row("ROAS", sim.ROAS, func(v float64) string { return fmt.Sprintf("%.2f", v) })
	if res.HasMargin() {
		row(fmt.Sprintf("Profit (%s)", cur), sim.Profit, money)
	}
	tw.Flush()
	fmt.Fprintln(w)
	if res.HasMargin() {
		fmt.Fprintf(w, "Chance of a loss (profit below 0): %s\n", percent(sim.LossProbability))
	} else {
		fmt.Fprintf(w, "Chance of a loss (revenue below spend; the scenario has no margin): %s\n", percent(sim.LossProbability))
	}
	fmt.Fprintf(w, "Chance the plan beats even spreading (same draws): %s\n", percent(sim.BeatsEvenProbability))
}
