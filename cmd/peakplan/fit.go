package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/peakplan/peakplan/scenarios"
)

type fitOptions struct {
	io       *streams
	scenario string
	history  string
	format   string
	curve    string
	emit     string
}

func init() { registerCommand(newFitCmd) }

func newFitCmd(s *streams) *cobra.Command {
	opts := &fitOptions{io: s}
	cmd := &cobra.Command{
		Use:   "fit SCENARIO | fit --history FILE.csv",
		Short: "Fit response curves from calibration points or from a weekly history",
		Long: `With a scenario: show the curve of every channel that gives response.points
(steady weekly spend -> weekly revenue, from lift tests or past campaigns),
its parameters and how far the points lie from it.

With --history: fit a quick calibration to a weekly history (date, revenue,
one spend column per channel, optional event_ columns): a baseline with
trend, event effects, and per channel a carry-over and a hill or
exponential curve. It prints the curves, R^2 and MAPE, and warns where the
data cannot tell channels apart. --emit-channels writes the channels: block
to paste into a scenario. It is a quick calibration, not a media-mix model;
see docs/calibration.md.`,
		Example: `  peakplan fit scenario.yaml
  peakplan fit --history sales.csv
  peakplan fit --history sales.csv --curve exponential --emit-channels channels.yaml
  peakplan fit --history sales.csv --emit-channels -    # the YAML on stdout`,
		Args: usageArgs(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.scenario = args[0]
			}
			switch {
			case opts.history == "" && opts.scenario == "":
				return usageErrorf("give a SCENARIO to fit its calibration points, or --history FILE.csv")
			case opts.history != "" && opts.scenario != "":
				return usageErrorf("give either a SCENARIO or --history FILE.csv, not both")
			case opts.history == "" && cmd.Flags().Changed("curve"):
				return usageErrorf("--curve applies to --history; a scenario names each channel's curve")
			case opts.history == "" && opts.emit != "":
				return usageErrorf("--emit-channels applies to --history")
			}
			if opts.format != "text" && opts.format != "json" {
				return usageErrorf("unknown --format %q: use text or json", opts.format)
			}
			if opts.history != "" {
				return fitHistoryRun(opts)
			}
			return fitPointsRun(opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.format, "format", "text", "output format: text or json")
	f.StringVar(&opts.history, "history", "", "fit a weekly history CSV instead of a scenario's points")
	f.StringVar(&opts.curve, "curve", "hill", "curve family for --history: hill or exponential")
	f.StringVar(&opts.emit, "emit-channels", "", "write the fitted channels: block to this file (- for stdout, instead of the table)")
	return cmd
}

// fitChannel is one channel of fit --format json (cli.md). Shape is 0 for
// curves without one.
type fitChannel struct {
	Name           string  `json:"name"`
	Curve          string  `json:"curve"`
	Beta           float64 `json:"beta"`
	HalfSaturation float64 `json:"half_saturation"`
	Shape          float64 `json:"shape"`
	RMSE           float64 `json:"rmse"`
	Points         int     `json:"points"`
}

func fitPointsRun(opts *fitOptions) error {
	data, err := readBounded(opts.scenario, scenarios.MaxFileBytes)
	if err != nil {
		return invalidError(err)
	}
	// Parse keeps the points as written; Resolve fits them.
	sc, err := scenarios.Parse(bytes.NewReader(data), opts.scenario)
	if err != nil {
		return invalidError(err)
	}
	res, err := sc.Resolve()
	if err != nil {
		return invalidError(err)
	}
	points := map[string][]scenarios.Point{}
	for _, ch := range sc.Channels {
		points[ch.Name.V] = ch.Response.Points
	}
	out := struct {
		Channels []fitChannel `json:"channels"`
	}{Channels: []fitChannel{}}
	for _, ch := range res.Channels {
		if ch.Fit == nil {
			continue
		}
		c := ch.Fit.Curve
		out.Channels = append(out.Channels, fitChannel{
			Name: ch.Name, Curve: string(c.Kind), Beta: c.Beta, HalfSaturation: c.Half,
			Shape: c.Shape, RMSE: ch.Fit.RMSE, Points: ch.Fit.Points,
		})
	}
	if opts.format == "json" {
		return fitEncodeJSON(opts.io.Out, out)
	}
	w := opts.io.Out
	if len(out.Channels) == 0 {
		fmt.Fprintf(w, "No channel in %s gives response.points, so there is nothing to fit.\n", opts.scenario)
		return nil
	}
	first := true
	for _, ch := range res.Channels {
		if ch.Fit == nil {
			continue
		}
		if !first {
			fmt.Fprintln(w)
		}
		first = false
		printPointsFit(w, ch, points[ch.Name], res.Currency)
	}
	return nil
}

func printPointsFit(w io.Writer, ch scenarios.ChannelPlan, pts []scenarios.Point, cur string) {
	c := ch.Fit.Curve
	fmt.Fprintf(w, "%s: %s curve fitted to %d points\n", ch.Name, c.Kind, ch.Fit.Points)
	fmt.Fprintf(w, "  beta %s, half_saturation %s", money(c.Beta), money(c.Half))
	if c.Kind == scenarios.Hill {
		fmt.Fprintf(w, ", shape %.3g", c.Shape)
	}
	top := 0.0
	for _, p := range pts {
		top = math.Max(top, p.Revenue)
	}
	rel := ""
	if top > 0 {
		rel = fmt.Sprintf(" (%s of the largest revenue)", percent(ch.Fit.RMSE/top))
	}
	fmt.Fprintf(w, "\n  rmse %s%s\n", money(ch.Fit.RMSE), rel)
	if len(pts) == 0 {
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "\tWeekly spend (%s)\tRevenue\tCurve\tDifference\t\n", cur)
	for _, p := range pts {
		fitted := c.Weekly(p.Spend)
		fmt.Fprintf(tw, "\t%s\t%s\t%s\t%s\t\n", money(p.Spend), money(p.Revenue), money(fitted), money(fitted-p.Revenue))
	}
	tw.Flush()
}

// historyOutput is fit --history --format json.
type historyOutput struct {
	File     string           `json:"file"`
	Curve    string           `json:"curve"`
	Weeks    int              `json:"weeks"`
	From     string           `json:"from"`
	To       string           `json:"to"`
	R2       float64          `json:"r2"`
	MAPE     float64          `json:"mape"`
	RMSE     float64          `json:"rmse"`
	Baseline float64          `json:"baseline"`
	Trend    float64          `json:"trend"`
	Events   []historyEvent   `json:"events"`
	Channels []historyChannel `json:"channels"`
	Warnings []string         `json:"warnings"`
}

type historyEvent struct {
	Name   string  `json:"name"`
	Effect float64 `json:"effect"`
}

type historyChannel struct {
	Name           string  `json:"name"`
	Curve          string  `json:"curve"`
	Beta           float64 `json:"beta"`
	HalfSaturation float64 `json:"half_saturation"`
	Shape          float64 `json:"shape"`
	Carryover      float64 `json:"carryover"`
	TypicalSpend   float64 `json:"typical_spend"`
	TypicalRevenue float64 `json:"typical_revenue"`
	Revenue        float64 `json:"revenue"`
}

func fitHistoryRun(opts *fitOptions) error {
	kind := scenarios.CurveKind(opts.curve)
	if kind != scenarios.Hill && kind != scenarios.Exponential {
		return usageErrorf("unknown --curve %q: use hill or exponential", opts.curve)
	}
	data, err := readBounded(opts.history, scenarios.MaxHistoryBytes)
	if err != nil {
		return invalidError(err)
	}
	h, err := scenarios.ReadHistory(bytes.NewReader(data), opts.history)
	if err != nil {
		return invalidError(err)
	}
	fit, err := scenarios.FitHistory(h, scenarios.HistoryOptions{Curve: kind})
	if err != nil {
		return invalidError(fmt.Errorf("%s: %v", opts.history, err))
	}
	if opts.emit != "" && opts.emit != "-" {
		block := fit.ChannelsYAML(opts.history)
		if err := writeFileAtomic(opts.emit, func(w io.Writer) error { _, err := w.Write(block); return err }); err != nil {
			return invalidError(err)
		}
	}
	if opts.format == "json" {
		return fitEncodeJSON(opts.io.Out, historyJSON(fit, opts.history))
	}
	if opts.emit == "-" {
		for _, w := range fit.Warnings {
			fmt.Fprintf(opts.io.ErrOut, "peakplan: warning: %s\n", w)
		}
		_, err := opts.io.Out.Write(fit.ChannelsYAML(opts.history))
		return err
	}
	printHistoryFit(opts.io.Out, fit, opts.history)
	if opts.emit != "" {
		fmt.Fprintf(opts.io.Out, "\nChannels written to %s\n", opts.emit)
	}
	return nil
}

func historyJSON(fit *scenarios.HistoryFit, file string) historyOutput {
	out := historyOutput{
		File: file, Curve: string(fit.Curve), Weeks: fit.Weeks, From: fit.From.String(), To: fit.To.String(),
		R2: fit.R2, MAPE: fit.MAPE, RMSE: fit.RMSE, Baseline: fit.Baseline, Trend: fit.Trend,
		Events: []historyEvent{}, Channels: []historyChannel{}, Warnings: []string{},
	}
	for _, e := range fit.Events {
		out.Events = append(out.Events, historyEvent{Name: e.Name, Effect: e.Effect})
	}
	for _, ch := range fit.Channels {
		out.Channels = append(out.Channels, historyChannel{
			Name: ch.Name, Curve: string(ch.Curve.Kind), Beta: ch.Curve.Beta, HalfSaturation: ch.Curve.Half,
			Shape: ch.Curve.Shape, Carryover: ch.Carryover, TypicalSpend: ch.TypicalSpend,
			TypicalRevenue: ch.TypicalRevenue, Revenue: ch.Revenue,
		})
	}
	out.Warnings = append(out.Warnings, fit.Warnings...)
	return out
}

func printHistoryFit(w io.Writer, fit *scenarios.HistoryFit, file string) {
	fmt.Fprintf(w, "%s: %d weeks, %s to %s, %s curves\n", file, fit.Weeks, fit.From, fit.To, fit.Curve)
	fmt.Fprintf(w, "Fit: R^2 %.3f, MAPE %s, RMSE %s a week\n", fit.R2, percent(fit.MAPE), money(fit.RMSE))
	fmt.Fprintf(w, "Baseline: %s a week at the start, trend %s a week\n", money(fit.Baseline), fitSignedMoney(fit.Trend))
	for _, e := range fit.Events {
		fmt.Fprintf(w, "Event %s: %s a week\n", e.Name, fitSignedMoney(e.Effect))
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "Channel\tTypical spend\tRevenue at typical\tbeta\thalf_saturation\tshape\tcarryover\tRevenue over history\t\n")
	for _, ch := range fit.Channels {
		shape := "-"
		if ch.Curve.Kind == scenarios.Hill {
			shape = fmt.Sprintf("%.2f", ch.Curve.Shape)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%.2f\t%s\t\n", ch.Name, money(ch.TypicalSpend), money(ch.TypicalRevenue),
			money(ch.Curve.Beta), money(ch.Curve.Half), shape, ch.Carryover, money(ch.Revenue))
	}
	tw.Flush()
	fmt.Fprintln(w, "\nTypical spend is the median weekly spend of the weeks a channel ran; the")
	fmt.Fprintln(w, "revenue at it is what the history pins down best.")
	if len(fit.Warnings) > 0 {
		fmt.Fprintln(w, "\nWarnings:")
		for _, msg := range fit.Warnings {
			fmt.Fprintf(w, "  - %s\n", msg)
		}
	}
	fmt.Fprintln(w, "\nA quick calibration, not a media-mix model: see docs/calibration.md.")
}

func fitSignedMoney(v float64) string {
	if v >= 0 {
		return "+" + money(v)
	}
	return money(v)
}

func fitEncodeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
