package main

import (
	"encoding/csv"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/xuri/excelize/v2"

	"github.com/peakplan/peakplan/plan"
	"github.com/peakplan/peakplan/scenarios"
)

// Number formats a finance analyst expects.
const (
	xlsxMoney = "#,##0"
	xlsxRatio = "0.00"
	xlsxShare = "0.0%"
	xlsxDate  = "yyyy-mm-dd"
)

// Column widths of the sheets, in characters.
const (
	xlsxDateWidth    = 12
	xlsxMoneyWidth   = 14
	xlsxNameWidth    = 24
	xlsxFestWidth    = 30
	xlsxSummaryWidth = 26
)

type exportOptions struct {
	io       *streams
	plan     string
	output   string
	scenario string
}

func init() { registerCommand(newExportCmd) }

func newExportCmd(s *streams) *cobra.Command {
	opts := &exportOptions{io: s}
	cmd := &cobra.Command{
		Use:   "export PLAN",
		Short: "Export a plan as CSV or XLSX, in long format (period, channel, spend, revenue)",
		Long: `Export a plan for spreadsheets and BI tools. The CSV has one row per period
and channel: period_start, period_end, channel, spend, revenue, festival (the
festivals covering the period, ";"-joined). The XLSX has that sheet, spend by
month and channel, and a summary with the totals and the even baseline.

Revenue is re-evaluated from the plan's spend when its scenario is found
(scenario.file, relative to the plan, or --scenario), else taken from the
file. Without -o the CSV goes to stdout.`,
		Example: `  peakplan export plan.yaml -o plan.csv
  peakplan export plan.yaml -o plan.xlsx`,
		Args: usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.plan = args[0]
			return exportRun(opts)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.output, "output", "o", "", "write to this file: .csv or .xlsx (default: CSV on stdout)")
	f.StringVar(&opts.scenario, "scenario", "", "re-evaluate against this scenario instead of the plan's scenario.file")
	return cmd
}

func exportRun(opts *exportOptions) error {
	ext := strings.ToLower(filepath.Ext(opts.output))
	if opts.output != "" && ext != ".csv" && ext != ".xlsx" {
		return usageErrorf("-o %s: the file must end in .csv or .xlsx", opts.output)
	}
	doc, _, sc, err := loadPlanWithScenario(opts.plan, opts.scenario)
	if err != nil {
		return err
	}
	var res *scenarios.Resolved
	if sc != nil {
		res = sc.res
		if sc.sha256 != doc.Scenario.SHA256 {
			fmt.Fprintf(opts.io.ErrOut, "peakplan: warning: the scenario of %s changed since the plan was made; revenue is re-evaluated with the scenario as it is now\n", opts.plan)
		}
	} else {
		fmt.Fprintf(opts.io.ErrOut, "peakplan: note: the scenario of %s was not found; revenue is taken from the file and festivals are left out\n", opts.plan)
	}
	switch {
	case opts.output == "":
		return writeExportCSV(opts.io.Out, doc, res)
	case ext == ".csv":
		err = writeFileAtomic(opts.output, func(w io.Writer) error { return writeExportCSV(w, doc, res) })
	default:
		err = writeFileAtomic(opts.output, func(w io.Writer) error { return writeExportXLSX(w, doc, res) })
	}
	if err != nil {
		return invalidError(err)
	}
	fmt.Fprintf(opts.io.Out, "Exported %s to %s\n", opts.plan, opts.output)
	return nil
}

// writeExportCSV writes the long format, numbers in full precision.
func writeExportCSV(w io.Writer, doc *plan.Document, res *scenarios.Resolved) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"period_start", "period_end", "channel", "spend", "revenue", "festival"})
	for _, r := range doc.LongRows(res) {
		_ = cw.Write([]string{r.PeriodStart, r.PeriodEnd, r.Channel, csvNum(r.Spend), csvNum(r.Revenue), strings.Join(r.Festivals, ";")})
	}
	cw.Flush()
	return cw.Error()
}

// xlsxStyles are the cell styles of the workbook.
type xlsxStyles struct {
	header, money, ratio, share, date, bold, boldMoney int
}

func newXLSXStyles(f *excelize.File) (xlsxStyles, error) {
	var s xlsxStyles
	var err error
	add := func(dst *int, st *excelize.Style) {
		if err == nil {
			*dst, err = f.NewStyle(st)
		}
	}
	numFmt := func(s string) *string { return &s }
	bold := &excelize.Font{Bold: true}
	add(&s.header, &excelize.Style{Font: bold, Border: []excelize.Border{{Type: "bottom", Color: "000000", Style: 1}}})
	add(&s.money, &excelize.Style{CustomNumFmt: numFmt(xlsxMoney)})
	add(&s.ratio, &excelize.Style{CustomNumFmt: numFmt(xlsxRatio)})
	add(&s.share, &excelize.Style{CustomNumFmt: numFmt(xlsxShare)})
	add(&s.date, &excelize.Style{CustomNumFmt: numFmt(xlsxDate)})
	add(&s.bold, &excelize.Style{Font: bold})
	add(&s.boldMoney, &excelize.Style{Font: bold, CustomNumFmt: numFmt(xlsxMoney)})
	return s, err
}

// xlsxSheet writes one sheet, remembering the first error.
type xlsxSheet struct {
	f    *excelize.File
	name string
	err  error
}

func (s *xlsxSheet) set(col, row int, v any, style int) {
	if s.err != nil {
		return
	}
	cell, err := excelize.CoordinatesToCellName(col, row)
	if err == nil {
		err = s.f.SetCellValue(s.name, cell, v)
	}
	if err == nil && style > 0 {
		err = s.f.SetCellStyle(s.name, cell, cell, style)
	}
	s.err = err
}

// header writes a bold header row and freezes it.
func (s *xlsxSheet) header(row int, titles []string, style int, freeze bool) {
	for i, t := range titles {
		s.set(i+1, row, t, style)
	}
	if freeze && s.err == nil {
		s.err = s.f.SetPanes(s.name, &excelize.Panes{Freeze: true, YSplit: row, TopLeftCell: fmt.Sprintf("A%d", row+1), ActivePane: "bottomLeft"})
	}
}

func (s *xlsxSheet) width(col int, w float64) {
	if s.err != nil {
		return
	}
	name, err := excelize.ColumnNumberToName(col)
	if err == nil {
		err = s.f.SetColWidth(s.name, name, name, w)
	}
	s.err = err
}

// writeExportXLSX writes the workbook: the long sheet, spend by month and
// channel, and the summary.
func writeExportXLSX(w io.Writer, doc *plan.Document, res *scenarios.Resolved) error {
	f := excelize.NewFile()
	defer f.Close()
	st, err := newXLSXStyles(f)
	if err != nil {
		return err
	}
	if err := f.SetSheetName("Sheet1", "Plan"); err != nil {
		return err
	}
	for _, name := range []string{"By month", "Summary"} {
		if _, err := f.NewSheet(name); err != nil {
			return err
		}
	}
	for _, write := range []func(*excelize.File, xlsxStyles, *plan.Document, *scenarios.Resolved) error{xlsxLong, xlsxMonths, xlsxSummary} {
		if err := write(f, st, doc, res); err != nil {
			return err
		}
	}
	f.SetActiveSheet(0)
	return f.Write(w)
}

func xlsxLong(f *excelize.File, st xlsxStyles, doc *plan.Document, res *scenarios.Resolved) error {
	s := &xlsxSheet{f: f, name: "Plan"}
	s.header(1, []string{"period_start", "period_end", "channel", "spend", "revenue", "festival"}, st.header, true)
	for i, r := range doc.LongRows(res) {
		row := i + 2
		for col, d := range []string{r.PeriodStart, r.PeriodEnd} {
			if t, err := time.Parse(time.DateOnly, d); err == nil {
				s.set(col+1, row, t, st.date)
			} else {
				s.set(col+1, row, d, 0)
			}
		}
		s.set(3, row, r.Channel, 0)
		s.set(4, row, r.Spend, st.money)
		s.set(5, row, r.Revenue, st.money)
		s.set(6, row, strings.Join(r.Festivals, ";"), 0)
	}
	for col, wd := range []float64{xlsxDateWidth, xlsxDateWidth, xlsxNameWidth, xlsxMoneyWidth, xlsxMoneyWidth, xlsxFestWidth} {
		s.width(col+1, wd)
	}
	return s.err
}

func xlsxMonths(f *excelize.File, st xlsxStyles, doc *plan.Document, _ *scenarios.Resolved) error {
	tab, err := doc.Months()
	if err != nil {
		return err
	}
	s := &xlsxSheet{f: f, name: "By month"}
	titles := append([]string{"month"}, tab.Channels...)
	titles = append(titles, "total")
	s.header(1, titles, st.header, true)
	colTotals := make([]float64, len(tab.Channels))
	grand := 0.0
	for m, month := range tab.Months {
		row := m + 2
		s.set(1, row, month, 0)
		sum := 0.0
		for c := range tab.Channels {
			x := tab.Spend[c][m]
			s.set(c+2, row, x, st.money)
			sum += x
			colTotals[c] += x
		}
		s.set(len(tab.Channels)+2, row, sum, st.boldMoney)
		grand += sum
	}
	row := len(tab.Months) + 2
	s.set(1, row, "total", st.bold)
	for c, x := range colTotals {
		s.set(c+2, row, x, st.boldMoney)
	}
	s.set(len(tab.Channels)+2, row, grand, st.boldMoney)
	s.width(1, xlsxDateWidth)
	for c := range len(tab.Channels) + 1 {
		s.width(c+2, xlsxMoneyWidth)
	}
	return s.err
}

func xlsxSummary(f *excelize.File, st xlsxStyles, doc *plan.Document, res *scenarios.Resolved) error {
	s := &xlsxSheet{f: f, name: "Summary"}
	row := 1
	kv := func(k string, v any, style int) {
		s.set(1, row, k, st.bold)
		s.set(2, row, v, style)
		row++
	}
	kv("scenario", doc.Scenario.Name, 0)
	kv("scenario file", doc.Scenario.File, 0)
	kv("scenario sha256", doc.Scenario.SHA256, 0)
	if doc.Currency != "" {
		kv("currency", doc.Currency, 0)
	}
	kv("objective", doc.Objective.Kind, 0)
	reeval := "no: taken from the plan file"
	if res != nil {
		reeval = "yes: re-evaluated from the spend with the scenario"
	}
	kv("revenue source", reeval, 0)
	row++

	s.header(row, []string{"", "plan", "even baseline", "uplift"}, st.header, false)
	row++
	line := func(k string, plan, even float64, style int, uplift *float64) {
		s.set(1, row, k, st.bold)
		s.set(2, row, plan, style)
		s.set(3, row, even, style)
		if uplift != nil {
			s.set(4, row, *uplift, st.share)
		}
		row++
	}
	line("spend", doc.Totals.Spend, doc.Baseline.Spend, st.money, nil)
	line("revenue", doc.Totals.Revenue, doc.Baseline.Revenue, st.money, &doc.Baseline.RevenueUplift)
	line("roas", doc.Totals.ROAS, doc.Baseline.ROAS, st.ratio, nil)
	if doc.Totals.Profit != nil && doc.Baseline.Profit != nil {
		line("profit", *doc.Totals.Profit, *doc.Baseline.Profit, st.money, doc.Baseline.ProfitUplift)
	}
	row++
	kv("festival days share", doc.Concentration.FestivalDaysShare, st.share)
	kv("festival spend share", doc.Concentration.FestivalSpendShare, st.share)
	kv("marginal roas", doc.MarginalROAS, st.ratio)
	row++

	s.header(row, []string{"channel", "spend", "revenue", "roas", "share of spend"}, st.header, false)
	row++
	for _, ch := range doc.Channels {
		share := 0.0
		if doc.Totals.Spend > 0 {
			share = ch.TotalSpend / doc.Totals.Spend
		}
		s.set(1, row, ch.Name, 0)
		s.set(2, row, ch.TotalSpend, st.money)
		s.set(3, row, ch.TotalRevenue, st.money)
		s.set(4, row, ch.ROAS, st.ratio)
		s.set(5, row, share, st.share)
		row++
	}
	s.set(1, row, "total", st.bold)
	s.set(2, row, doc.Totals.Spend, st.boldMoney)
	s.set(3, row, doc.Totals.Revenue, st.boldMoney)
	s.width(1, xlsxSummaryWidth)
	for c := 2; c <= 5; c++ {
		s.width(c, xlsxMoneyWidth)
	}
	return s.err
}
