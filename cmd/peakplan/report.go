package main

import (
	"bytes"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/peakplan/peakplan/charts"
	"github.com/peakplan/peakplan/plan"
	"github.com/peakplan/peakplan/scenarios"
)

type reportOptions struct {
	io       *streams
	planFile string
	scenario string
	output   string
	lang     string
}

func init() { registerCommand(newReportCmd) }

func newReportCmd(s *streams) *cobra.Command {
	opts := &reportOptions{io: s}
	cmd := &cobra.Command{
		Use:   "report PLAN",
		Short: "Write the HTML report of a plan",
		Long: `Write one self-contained HTML report of a plan: the headline figures, the
battle map around the festivals, revenue against even spreading, each
channel's scale effects, the channel split, and the plan month by month. The
page works offline: open it from a disk or an e-mail attachment.`,
		Example: `  peakplan report plan.yaml -o report.html
  peakplan report plan.yaml -o 报告.html --lang zh`,
		Args: usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.planFile = args[0]
			return reportRun(opts)
		},
	}
	cmd.Flags().StringVarP(&opts.output, "output", "o", "report.html", "the HTML file to write")
	cmd.Flags().StringVar(&opts.scenario, "scenario", "", "the plan's scenario (default: the file the plan names)")
	cmd.Flags().StringVar(&opts.lang, "lang", "en", "labels in en (English) or zh (Chinese)")
	return cmd
}

func reportRun(opts *reportOptions) error {
	if opts.lang != "en" && opts.lang != "zh" {
		return usageErrorf("unknown --lang %q: use en or zh", opts.lang)
	}
	doc, _, sc, err := loadPlanWithScenario(opts.planFile, opts.scenario)
	if err != nil {
		return err
	}
	var res *scenarios.Resolved
	if sc != nil {
		res = sc.res
	}
	if err := writeReport(opts.output, doc, res, opts.lang); err != nil {
		return invalidError(err)
	}
	fmt.Fprintf(opts.io.Out, "Report written to %s\n", opts.output)
	return nil
}

// writeReport renders the report into memory first, so a failure leaves no
// file, then writes it atomically.
func writeReport(path string, doc *plan.Document, res *scenarios.Resolved, lang string) error {
	var buf bytes.Buffer
	if err := charts.Render(&buf, charts.FromPlan(doc, res), charts.Options{Lang: lang}); err != nil {
		return err
	}
	return writeFileAtomic(path, func(w io.Writer) error {
		_, err := w.Write(buf.Bytes())
		return err
	})
}
