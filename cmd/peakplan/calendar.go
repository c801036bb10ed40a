package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/peakplan/peakplan/scenarios/calendar"
	"github.com/spf13/cobra"
)

func init() { registerCommand(newCalendarCmd) }

type calendarOptions struct {
	Out    io.Writer
	Year   int
	Format string // text | json
	// yearFromClock says Year was not given but taken from the clock, which
	// changes what an out-of-range year's error tells the user to do.
	yearFromClock bool
}

func newCalendarCmd(s *streams) *cobra.Command {
	opts := &calendarOptions{Out: s.Out}
	cmd := &cobra.Command{
		Use:   "calendar [--year Y]",
		Short: "List the built-in festivals with their windows, peak days and defaults",
		Long: fmt.Sprintf(`List the built-in festival presets of one year: each preset's key (what a
scenario's festivals entry names), its window of days, its peak day and its
default uplift (demand multiplier) and cost index (media price multiplier).
A scenario can override the defaults.

The window of a year is the one whose peak lies in that year; the new-year
goods festival before an early Spring Festival starts in the December before.
The calendar covers %d-%d; the year defaults to the current one.`, calendar.FirstYear, calendar.LastYear),
		Example: `  # The festivals of 2027 as a table
  $ peakplan calendar --year 2027

  # The same as JSON, for scripts
  $ peakplan calendar --year 2027 --format json`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !cmd.Flags().Changed("year") {
				opts.Year, opts.yearFromClock = time.Now().Year(), true
			}
			return calendarRun(opts)
		},
	}
	cmd.Flags().IntVar(&opts.Year, "year", 0, "the year to list (default the current year)")
	cmd.Flags().StringVar(&opts.Format, "format", "text", "output format: text or json")
	return cmd
}

// calendarEntry is one window in the JSON output (cli.md).
type calendarEntry struct {
	Preset    string  `json:"preset"`
	Name      string  `json:"name"`
	From      string  `json:"from"`
	To        string  `json:"to"`
	Peak      string  `json:"peak"`
	Uplift    float64 `json:"uplift"`
	CostIndex float64 `json:"cost_index"`
}

func calendarRun(opts *calendarOptions) error {
	if opts.Format != "text" && opts.Format != "json" {
		return usageErrorf("--format must be text or json, not %q", opts.Format)
	}
	windows, err := calendar.Year(opts.Year)
	if ye := (*calendar.YearError)(nil); errors.As(err, &ye) {
		// The package's message speaks to scenario authors; say what to do here.
		hint := "choose a year inside it with --year"
		if opts.yearFromClock {
			hint = "the current year is not covered: choose one with --year"
		}
		return invalidError(fmt.Errorf("the festival calendar covers %d-%d; %d is outside it: %s",
			calendar.FirstYear, calendar.LastYear, ye.Year, hint))
	}
	if err != nil {
		return invalidError(err)
	}
	if opts.Format == "json" {
		entries := make([]calendarEntry, len(windows))
		for i, w := range windows {
			entries[i] = calendarEntry{Preset: w.Preset, Name: w.Name, From: w.From.String(),
				To: w.To.String(), Peak: w.Peak.String(), Uplift: w.Uplift, CostIndex: w.CostIndex}
		}
		enc := json.NewEncoder(opts.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(entries)
	}
	return writeCalendarTable(opts.Out, opts.Year, windows)
}

// writeCalendarTable prints the windows as an aligned table. The Chinese name
// comes last because tabwriter counts a CJK character as one column while
// terminals draw it two wide, which would skew any column after it.
func writeCalendarTable(out io.Writer, year int, windows []calendar.Window) error {
	fmt.Fprintf(out, "Festivals of %d (default uplift and cost index; a scenario can override them)\n\n", year)
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PRESET\tNAME\tFROM\tTO\tPEAK\tDAYS\tUPLIFT\tCOST INDEX\t中文")
	for _, w := range windows {
		p, _ := calendar.Lookup(w.Preset)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\n", w.Preset, w.Name, w.From, w.To, w.Peak,
			w.Days(), strconv.FormatFloat(w.Uplift, 'f', 2, 64), strconv.FormatFloat(w.CostIndex, 'f', 2, 64), p.NameZH)
	}
	return tw.Flush()
}
