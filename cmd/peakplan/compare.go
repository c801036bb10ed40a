package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/peakplan/peakplan/optimize"
	"github.com/peakplan/peakplan/plan"
	"github.com/peakplan/peakplan/scenarios"
)

type compareOptions struct {
	io        *streams
	files     []string
	format    string
	solveOpts optimize.Options
}

func init() { registerCommand(newCompareCmd) }

func newCompareCmd(s *streams) *cobra.Command {
	opts := &compareOptions{io: s}
	cmd := &cobra.Command{
		Use:   "compare FILE...",
		Short: "Scenarios or plans side by side: spend, revenue, ROAS, profit, uplift over even",
		Long: `Compare scenarios and plans side by side. A scenario is optimised on the fly;
a plan is read, and its revenue re-evaluated from its spend when its scenario
(scenario.file, relative to the plan) is found, else taken from the file.
Shown per file: objective, spend, revenue, ROAS, profit, uplift over even
spreading and the share of spend on festival days; then the channel totals
and the festival battles (the spend falling in each festival window).`,
		Example: `  peakplan compare plans/cautious.yaml plans/bold.yaml
  peakplan compare scenario-a.yaml scenario-b.yaml --format csv > compare.csv`,
		Args: usageArgs(cobra.MinimumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.files = args
			return compareRun(opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.format, "format", "text", "output format: text, json or csv")
	f.DurationVar(&opts.solveOpts.TimeLimit, "time-limit", optimize.DefaultTimeLimit, "time limit of each scenario's solve")
	return cmd
}

// compareEntry is one file of a comparison.
type compareEntry struct {
	File               string             `json:"file"`
	Kind               string             `json:"kind"` // "scenario" or "plan"
	Name               string             `json:"name"`
	Reevaluated        bool               `json:"reevaluated"` // false: a plan's numbers as written
	Currency           string             `json:"currency,omitempty"`
	Objective          plan.ObjectiveInfo `json:"objective"`
	Spend              float64            `json:"spend"`
	Revenue            float64            `json:"revenue"`
	ROAS               float64            `json:"roas"`
	Profit             *float64           `json:"profit,omitempty"`
	RevenueUplift      float64            `json:"revenue_uplift"`
	ProfitUplift       *float64           `json:"profit_uplift,omitempty"`
	FestivalSpendShare float64            `json:"festival_spend_share"`
	Channels           []compareChannel   `json:"channels"`
	Festivals          []compareFestival  `json:"festivals"` // empty when the scenario is unknown

	scenarioChanged bool // a plan's scenario changed since the plan was made
}

type compareChannel struct {
	Name    string  `json:"name"`
	Spend   float64 `json:"spend"`
	Revenue float64 `json:"revenue"`
}

// compareFestival is a festival battle: the spend in one festival window.
type compareFestival struct {
	Name  string  `json:"name"`
	From  string  `json:"from"`
	To    string  `json:"to"`
	Spend float64 `json:"spend"`
}

func (f compareFestival) label() string { return fmt.Sprintf("%s (%s to %s)", f.Name, f.From, f.To) }

func compareRun(opts *compareOptions) error {
	switch opts.format {
	case "text", "json", "csv":
	default:
		return usageErrorf("unknown --format %q: use text, json or csv", opts.format)
	}
	if opts.solveOpts.TimeLimit <= 0 {
		return usageErrorf("--time-limit must be positive")
	}
	entries, err := compareFiles(opts.files, opts.solveOpts)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.Kind == "plan" && !e.Reevaluated {
			fmt.Fprintf(opts.io.ErrOut, "peakplan: note: %s: its scenario was not found; its numbers are taken from the file\n", e.File)
		}
		if e.scenarioChanged {
			fmt.Fprintf(opts.io.ErrOut, "peakplan: warning: %s: its scenario changed since the plan was made; the plan is evaluated with the scenario as it is now\n", e.File)
		}
	}
	switch opts.format {
	case "json":
		enc := json.NewEncoder(opts.io.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"files": entries})
	case "csv":
		return writeCompareCSV(opts.io.Out, entries)
	}
	printCompareText(opts.io.Out, entries)
	return nil
}

// compareFiles reads or solves each file, in order.
func compareFiles(files []string, so optimize.Options) ([]compareEntry, error) {
	var out []compareEntry
	for _, name := range files {
		data, err := readBounded(name, plan.MaxFileBytes)
		if err != nil {
			return nil, invalidError(err)
		}
		var e compareEntry
		if looksLikePlan(data) {
			doc, _, sc, err := loadPlanWithScenario(name, "")
			if err != nil {
				return nil, err
			}
			var res *scenarios.Resolved
			if sc != nil {
				res = sc.res
			}
			e = newCompareEntry(name, "plan", doc, res)
			e.scenarioChanged = sc != nil && sc.sha256 != doc.Scenario.SHA256
		} else {
			sc, err := loadScenario(name)
			if err != nil {
				return nil, err
			}
			doc, err := solveScenario(sc, &optimizeOptions{io: &streams{}, timeLimit: so.TimeLimit, gap: optimize.DefaultGap})
			if err != nil {
				return nil, err
			}
			e = newCompareEntry(name, "scenario", doc, sc.res)
		}
		out = append(out, e)
	}
	return out, nil
}

// newCompareEntry summarises a plan document; res is nil when the plan's
// scenario is unknown (its numbers are then the file's).
func newCompareEntry(file, kind string, doc *plan.Document, res *scenarios.Resolved) compareEntry {
	e := compareEntry{
		File:               file,
		Kind:               kind,
		Name:               doc.Scenario.Name,
		Reevaluated:        res != nil,
		Currency:           doc.Currency,
		Objective:          doc.Objective,
		Spend:              doc.Totals.Spend,
		Revenue:            doc.Totals.Revenue,
		ROAS:               doc.Totals.ROAS,
		Profit:             doc.Totals.Profit,
		RevenueUplift:      doc.Baseline.RevenueUplift,
		ProfitUplift:       doc.Baseline.ProfitUplift,
		FestivalSpendShare: doc.Concentration.FestivalSpendShare,
		Festivals:          []compareFestival{},
	}
	if res != nil && e.Name == "" {
		e.Name = res.Name
	}
	for _, ch := range doc.Channels {
		e.Channels = append(e.Channels, compareChannel{Name: ch.Name, Spend: ch.TotalSpend, Revenue: ch.TotalRevenue})
	}
	if res != nil {
		spend := plan.FestivalSpend(res, doc.SpendMatrix())
		for f, fw := range res.Festivals {
			e.Festivals = append(e.Festivals, compareFestival{Name: fw.Name, From: fw.From.String(), To: fw.To.String(), Spend: spend[f]})
		}
	}
	return e
}

// compareRow is one line of the side-by-side table: a label and a value
// per file ("" when the file has none).
type compareRow struct {
	key, label string
	cells      []string // formatted for text
	raw        []string // plain numbers for CSV
	vals       []*float64
	kind       string // "money", "ratio", "share", "text"
}

// compareRows lays out the comparison: the headline figures, then the
// channel totals and the festival battles over the union of the files'
// channels and festival windows, in the order first seen.
func compareRows(entries []compareEntry) (head, channels, festivals []compareRow) {
	n := len(entries)
	num := func(key, label, kind string, get func(e *compareEntry) *float64) compareRow {
		r := compareRow{key: key, label: label, kind: kind, cells: make([]string, n), raw: make([]string, n), vals: make([]*float64, n)}
		for i := range entries {
			if v := get(&entries[i]); v != nil {
				r.vals[i] = v
				r.cells[i] = formatKind(*v, kind)
				r.raw[i] = csvNum(*v)
			}
		}
		return r
	}
	text := func(key, label string, get func(e *compareEntry) string) compareRow {
		r := compareRow{key: key, label: label, kind: "text", cells: make([]string, n), raw: make([]string, n), vals: make([]*float64, n)}
		for i := range entries {
			r.cells[i] = get(&entries[i])
			r.raw[i] = r.cells[i]
		}
		return r
	}
	ptr := func(v float64) *float64 { return &v }
	head = []compareRow{
		text("kind", "Kind", func(e *compareEntry) string { return e.Kind }),
		text("name", "Name", func(e *compareEntry) string { return e.Name }),
		text("objective", "Objective", func(e *compareEntry) string { return e.Objective.Kind }),
		num("spend", "Spend", "money", func(e *compareEntry) *float64 { return ptr(e.Spend) }),
		num("revenue", "Revenue", "money", func(e *compareEntry) *float64 { return ptr(e.Revenue) }),
		num("roas", "ROAS", "ratio", func(e *compareEntry) *float64 { return ptr(e.ROAS) }),
		num("profit", "Profit", "money", func(e *compareEntry) *float64 { return e.Profit }),
		num("revenue_uplift", "Revenue over even", "uplift", func(e *compareEntry) *float64 { return ptr(e.RevenueUplift) }),
		num("profit_uplift", "Profit over even", "uplift", func(e *compareEntry) *float64 { return e.ProfitUplift }),
		num("festival_spend_share", "Festival spend share", "share", func(e *compareEntry) *float64 { return ptr(e.FestivalSpendShare) }),
	}
	var chNames []string
	seenCh := map[string]bool{}
	var fests []compareFestival
	seenF := map[compareFestival]bool{}
	for _, e := range entries {
		for _, ch := range e.Channels {
			if !seenCh[ch.Name] {
				seenCh[ch.Name] = true
				chNames = append(chNames, ch.Name)
			}
		}
		for _, f := range e.Festivals {
			key := compareFestival{Name: f.Name, From: f.From, To: f.To}
			if !seenF[key] {
				seenF[key] = true
				fests = append(fests, key)
			}
		}
	}
	for _, name := range chNames {
		channels = append(channels, num("channel:"+name, name, "money", func(e *compareEntry) *float64 {
			for _, ch := range e.Channels {
				if ch.Name == name {
					return ptr(ch.Spend)
				}
			}
			return nil
		}))
	}
	for _, key := range fests {
		festivals = append(festivals, num("festival:"+key.label(), key.label(), "money", func(e *compareEntry) *float64 {
			for _, f := range e.Festivals {
				if f.Name == key.Name && f.From == key.From && f.To == key.To {
					return ptr(f.Spend)
				}
			}
			return nil
		}))
	}
	return head, channels, festivals
}

func formatKind(v float64, kind string) string {
	switch kind {
	case "ratio":
		return fmt.Sprintf("%.2f", v)
	case "share":
		return percent(v)
	case "uplift":
		return signedPercent(v)
	}
	return money(v)
}

// difference formats second minus first, for a comparison of two files.
func (r compareRow) difference() string {
	if len(r.vals) != 2 || r.vals[0] == nil || r.vals[1] == nil {
		return ""
	}
	d := *r.vals[1] - *r.vals[0]
	switch r.kind {
	case "ratio":
		return fmt.Sprintf("%+.2f", d)
	case "share", "uplift":
		return fmt.Sprintf("%+.1f pts", 100*d)
	}
	s := money(d)
	if d >= 0.5 {
		s = "+" + s
	}
	return s
}

func printCompareText(w io.Writer, entries []compareEntry) {
	head, channels, festivals := compareRows(entries)
	cur := ""
	if len(entries) > 0 && entries[0].Currency != "" {
		cur = " (" + entries[0].Currency + ")"
		for _, e := range entries {
			if e.Currency != entries[0].Currency {
				cur = ""
			}
		}
	}
	two := len(entries) == 2
	moneyLabel := func(r compareRow) string {
		if r.kind == "money" && r.key != "" && !strings.Contains(r.key, ":") {
			return r.label + cur
		}
		return r.label
	}
	titles := []string{"Spend by channel" + cur, "Festival battles: spend in each window" + cur}
	// Labels are padded to one width so that they read left-aligned in a
	// table whose numbers align right.
	width := 0
	for _, rows := range [][]compareRow{head, channels, festivals} {
		for _, r := range rows {
			width = max(width, utf8.RuneCountInString(moneyLabel(r)))
		}
	}
	for _, t := range titles {
		width = max(width, utf8.RuneCountInString(t))
	}
	pad := func(s string) string { return s + strings.Repeat(" ", width-utf8.RuneCountInString(s)) }
	var buf bytes.Buffer
	tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', tabwriter.AlignRight)
	line := func(label string, cells []string, diff string) {
		fmt.Fprintf(tw, "%s\t%s\t", pad(label), strings.Join(cells, "\t"))
		if two {
			fmt.Fprintf(tw, "%s\t", diff)
		}
		fmt.Fprintln(tw)
	}
	files := make([]string, len(entries))
	for i, e := range entries {
		files[i] = e.File
	}
	line("", files, "Difference")
	for _, r := range head {
		line(moneyLabel(r), r.cells, r.difference())
	}
	blank := make([]string, len(entries))
	for i, rows := range [][]compareRow{channels, festivals} {
		if len(rows) == 0 {
			continue
		}
		line("", blank, "")
		line(titles[i], blank, "")
		for _, r := range rows {
			line(r.label, r.cells, r.difference())
		}
	}
	tw.Flush()
	// The right-aligned label column starts with the table's padding.
	for _, l := range strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n") {
		fmt.Fprintln(w, strings.TrimRight(strings.TrimPrefix(l, "  "), " "))
	}
}

// writeCompareCSV writes one row per figure and one column per file, for a
// spreadsheet.
func writeCompareCSV(w io.Writer, entries []compareEntry) error {
	head, channels, festivals := compareRows(entries)
	cw := csv.NewWriter(w)
	header := []string{"metric"}
	for _, e := range entries {
		header = append(header, e.File)
	}
	_ = cw.Write(header)
	for _, rows := range [][]compareRow{head, channels, festivals} {
		for _, r := range rows {
			_ = cw.Write(append([]string{r.key}, r.raw...))
		}
	}
	cw.Flush()
	return cw.Error()
}
