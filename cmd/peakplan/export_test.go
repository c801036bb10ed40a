package main

import (
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/peakplan/peakplan/plan"
)

// exportTol: totals read back from an export agree with the plan's to this
// relative tolerance (CSV numbers are written in full precision; XLSX
// stores doubles).
const exportTol = 1e-9

func nearRel(a, b float64) bool {
	return math.Abs(a-b) <= exportTol*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

func TestExportCSVTotals(t *testing.T) {
	_, planPath := optimizedPlan(t)
	doc := readPlanFile(t, planPath)
	out := filepath.Join(filepath.Dir(planPath), "plan.csv")
	if code, _, stderr := runPeakplan(t, "export", planPath, "-o", out); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != "period_start,period_end,channel,spend,revenue,festival" {
		t.Errorf("header %v", rows[0])
	}
	if len(rows) != 1+len(doc.Periods)*len(doc.Channels) {
		t.Fatalf("%d rows", len(rows))
	}
	var spend, revenue float64
	festivalRows := 0
	for _, r := range rows[1:] {
		s, err1 := strconv.ParseFloat(r[3], 64)
		v, err2 := strconv.ParseFloat(r[4], 64)
		if err1 != nil || err2 != nil {
			t.Fatalf("row %v", r)
		}
		spend += s
		revenue += v
		if r[5] != "" {
			festivalRows++
		}
	}
	if !nearRel(spend, doc.Totals.Spend) || !nearRel(revenue, doc.Totals.Revenue) {
		t.Errorf("CSV totals %v, %v; plan %v, %v", spend, revenue, doc.Totals.Spend, doc.Totals.Revenue)
	}
	// 618 touches May and June, Double 11 October and November.
	if festivalRows != 4*len(doc.Channels) {
		t.Errorf("%d rows name a festival", festivalRows)
	}
}

func TestExportXLSX(t *testing.T) {
	_, planPath := optimizedPlan(t)
	doc := readPlanFile(t, planPath)
	out := filepath.Join(filepath.Dir(planPath), "plan.xlsx")
	if code, _, stderr := runPeakplan(t, "export", planPath, "-o", out); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); strings.Join(got, "|") != "Plan|By month|Summary" {
		t.Errorf("sheets %v", got)
	}
	raw := excelize.Options{RawCellValue: true}

	// The long sheet adds up to the plan.
	rows, err := f.GetRows("Plan", raw)
	if err != nil {
		t.Fatal(err)
	}
	var spend, revenue float64
	for _, r := range rows[1:] {
		spend += parseCell(t, r[3])
		revenue += parseCell(t, r[4])
	}
	if len(rows) != 1+len(doc.Periods)*len(doc.Channels) || !nearRel(spend, doc.Totals.Spend) || !nearRel(revenue, doc.Totals.Revenue) {
		t.Errorf("Plan sheet: %d rows, spend %v, revenue %v; plan %v, %v", len(rows), spend, revenue, doc.Totals.Spend, doc.Totals.Revenue)
	}
	if shown, _ := f.GetCellValue("Plan", "A2"); shown != "2027-01-01" {
		t.Errorf("period_start shows as %q", shown)
	}
	assertFormat(t, f, "Plan", "D2", xlsxMoney)
	assertFrozen(t, f, "Plan")

	// Month by channel: 12 months and a total row whose last cell is the
	// plan's spend.
	rows, err = f.GetRows("By month", raw)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 14 || rows[0][1] != "search" || rows[13][0] != "total" {
		t.Fatalf("By month rows %v", rows)
	}
	last := rows[13][len(rows[13])-1]
	if got := parseCell(t, last); !nearRel(got, doc.Totals.Spend) {
		t.Errorf("By month total %v, plan %v", got, doc.Totals.Spend)
	}
	assertFrozen(t, f, "By month")

	// The summary has the totals and the baseline.
	rows, err = f.GetRows("Summary", raw)
	if err != nil {
		t.Fatal(err)
	}
	found := map[string][]string{}
	for _, r := range rows {
		if len(r) > 0 {
			if _, dup := found[r[0]]; !dup {
				found[r[0]] = r
			}
		}
	}
	if r := found["revenue"]; len(r) < 4 || !nearRel(parseCell(t, r[1]), doc.Totals.Revenue) ||
		!nearRel(parseCell(t, r[2]), doc.Baseline.Revenue) || !nearRel(parseCell(t, r[3]), doc.Baseline.RevenueUplift) {
		t.Errorf("summary revenue row %v", r)
	}
	if r := found["total"]; len(r) < 2 || !nearRel(parseCell(t, r[1]), doc.Totals.Spend) {
		t.Errorf("summary total row %v", r)
	}
	if r := found["profit"]; len(r) < 3 || !nearRel(parseCell(t, r[1]), *doc.Totals.Profit) {
		t.Errorf("summary profit row %v", r)
	}
	for i, r := range rows {
		if len(r) > 0 && r[0] == "revenue" {
			cell, _ := excelize.CoordinatesToCellName(4, i+1)
			assertFormat(t, f, "Summary", cell, xlsxShare)
			cell, _ = excelize.CoordinatesToCellName(2, i+1)
			assertFormat(t, f, "Summary", cell, xlsxMoney)
			break
		}
	}
	for i, r := range rows {
		if len(r) > 0 && r[0] == "roas" {
			cell, _ := excelize.CoordinatesToCellName(2, i+1)
			assertFormat(t, f, "Summary", cell, xlsxRatio)
		}
	}
	// Written atomically: no temporary file is left beside it.
	entries, _ := os.ReadDir(filepath.Dir(out))
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
}

func parseCell(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("cell %q is not a number", s)
	}
	return v
}

func assertFormat(t *testing.T, f *excelize.File, sheet, cell, want string) {
	t.Helper()
	id, err := f.GetCellStyle(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	if st.CustomNumFmt == nil || *st.CustomNumFmt != want {
		t.Errorf("%s!%s number format %v, want %q", sheet, cell, st.CustomNumFmt, want)
	}
}

func assertFrozen(t *testing.T, f *excelize.File, sheet string) {
	t.Helper()
	p, err := f.GetPanes(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Freeze || p.YSplit != 1 {
		t.Errorf("%s: panes %+v, want the header row frozen", sheet, p)
	}
}

// TestExportWithoutScenario takes the numbers written in the plan.
func TestExportWithoutScenario(t *testing.T) {
	scenario, planPath := optimizedPlan(t)
	editPlan(t, planPath, func(d *plan.Document) {
		for c := range d.Channels {
			for i := range d.Channels[c].Revenue {
				d.Channels[c].Revenue[i] = 7
			}
		}
	})
	if err := os.Remove(scenario); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runPeakplan(t, "export", planPath)
	if code != exitOK || !strings.Contains(stderr, "was not found") {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if !strings.HasSuffix(lines[1], ",7,") {
		t.Errorf("row %q: want the file's revenue and no festival", lines[1])
	}
}
