package plan_test

import (
	"bytes"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/peakplan/peakplan/plan"
	"github.com/peakplan/peakplan/scenarios"
)

// checkScenario has every kind of limit. Six months:
// Jan 31, Feb 28, Mar 31, Apr 30, May 31, Jun 30 days.
const checkScenario = `
horizon: {start: 2027-01-01, end: 2027-06-30, granularity: month}
budget:
  total: 600000
  windows:
    - {from: 2027-01-01, to: 2027-02-28, max: 150000}
    - {from: 2027-05-01, to: 2027-06-30, min: 100000}
min_roas: 0.5
channels:
  - name: a
    response: {curve: exponential, beta: 100000, half_saturation: 30000}
    per_week: {min: 1000, max: 20000}
  - name: b
    response: {curve: exponential, beta: 80000, half_saturation: 30000}
    min_active_per_week: 5000
    available: [{from: 2027-03-01, to: 2027-06-30}]
    spend: {min: 50000, max: 200000}
  - name: c
    response: {curve: logistic, beta: 60000, half_saturation: 20000}
groups:
  - name: brand
    channels: [c]
    min_share: 0.1
    max_share: 0.5
`

// goodSpend keeps every limit of checkScenario: total 460,000; Jan-Feb
// 100,000; May-Jun 180,000; c's share 26%.
func goodSpend() [][]float64 {
	return [][]float64{
		{30000, 30000, 30000, 30000, 30000, 30000},
		{0, 0, 40000, 40000, 40000, 40000},
		{20000, 20000, 20000, 20000, 20000, 20000},
	}
}

func checkDoc(res *scenarios.Resolved, spend [][]float64) *plan.Document {
	return plan.Build(res, spend, plan.ScenarioRef{File: "s.yaml"}, plan.SolverInfo{Status: "optimal"}, 0)
}

func rules(vs []plan.Violation) []string {
	var out []string
	for _, v := range vs {
		out = append(out, v.Rule)
	}
	sort.Strings(out)
	return out
}

func TestCheckGoodPlan(t *testing.T) {
	res := load(t, checkScenario)
	if vs := plan.Check(res, checkDoc(res, goodSpend()), nil); len(vs) != 0 {
		t.Fatalf("a plan within every limit has violations: %+v", vs)
	}
}

func TestCheckEachLimit(t *testing.T) {
	res := load(t, checkScenario)
	for _, tc := range []struct {
		name  string
		edit  func(x [][]float64)
		rules []string
	}{
		{"cap", func(x [][]float64) { x[0][0] = 100000 }, // cap 20000*31/7 = 88,571; Jan-Feb now 170,000
			[]string{"budget.windows[0].max", "channels[0].per_week.max"}},
		{"floor", func(x [][]float64) { x[0][1] = 1000 }, // floor 1000*28/7 = 4,000
			[]string{"channels[0].per_week.min"}},
		{"unavailable", func(x [][]float64) { x[1][0] = 10 },
			[]string{"channels[1].available"}},
		{"small flight", func(x [][]float64) { x[1][2] = 10000 }, // minimum 5000*31/7 = 22,143
			[]string{"channels[1].min_active_per_week"}},
		{"channel min", func(x [][]float64) { clear(x[1]) },
			[]string{"channels[1].spend.min"}},
		{"channel max", func(x [][]float64) { copy(x[1][2:], []float64{60000, 60000, 60000, 60000}) },
			[]string{"channels[1].spend.max"}},
		{"budget, group max, window", func(x [][]float64) {
			for t := range x[2] {
				x[2][t] = 100000
			}
		}, []string{"budget.total", "budget.windows[0].max", "groups[0].max_share"}},
		{"group min", func(x [][]float64) {
			for t := range x[2] {
				x[2][t] = 1000
			}
		}, []string{"groups[0].min_share"}},
		{"window min", func(x [][]float64) {
			x[0][4], x[0][5] = 5000, 5000
			x[1][4], x[1][5] = 0, 0
			x[2][4], x[2][5] = 1000, 1000
		}, []string{"budget.windows[1].min"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x := goodSpend()
			tc.edit(x)
			got := rules(plan.Check(res, checkDoc(res, x), nil))
			if !slices.Equal(got, tc.rules) {
				t.Errorf("rules %v, want %v", got, tc.rules)
			}
		})
	}
}

func TestCheckViolationFields(t *testing.T) {
	res := load(t, checkScenario)
	x := goodSpend()
	x[0][0] = 100000
	vs := plan.Check(res, checkDoc(res, x), nil)
	byRule := map[string]plan.Violation{}
	for _, v := range vs {
		byRule[v.Rule] = v
	}
	cp := byRule["channels[0].per_week.max"]
	if cp.Channel != "a" || cp.Period != "2027-01-01" || cp.Value != 100000 || !near(cp.Limit, 20000*31.0/7, 1e-12) {
		t.Errorf("cap violation %+v", cp)
	}
	if !strings.Contains(cp.Message, "a spends 100,000 in 2027-01-01 to 2027-01-31, above its cap of 88,571") {
		t.Errorf("cap message %q", cp.Message)
	}
	// A sum names its largest contribution: the number to cut.
	w := byRule["budget.windows[0].max"]
	if w.Channel != "a" || w.Period != "2027-01-01" || w.Value != 170000 || w.Limit != 150000 {
		t.Errorf("window violation %+v", w)
	}
}

func TestCheckRevenueLimits(t *testing.T) {
	res := load(t, strings.Replace(checkScenario, "min_roas: 0.5", "min_roas: 50", 1))
	vs := plan.Check(res, checkDoc(res, goodSpend()), nil)
	if got := rules(vs); !slices.Equal(got, []string{"min_roas"}) {
		t.Fatalf("rules %v, want min_roas", got)
	}
	_, tot := plan.Evaluate(res, goodSpend())
	if !near(vs[0].Value, tot.ROAS, 1e-12) || vs[0].Limit != 50 {
		t.Errorf("min_roas violation %+v, ROAS %v", vs[0], tot.ROAS)
	}

	target := load(t, `
objective: spend
target_revenue: 500000
horizon: {start: 2027-01-01, end: 2027-03-31, granularity: month}
channels:
  - name: a
    response: {curve: exponential, beta: 100000, half_saturation: 30000}
`)
	low := [][]float64{{1000, 1000, 1000}}
	vs = plan.Check(target, checkDoc(target, low), nil)
	if got := rules(vs); !slices.Equal(got, []string{"target_revenue"}) {
		t.Fatalf("rules %v, want target_revenue", got)
	}
	if vs[0].Limit != 500000 || vs[0].Value >= 500000 {
		t.Errorf("target violation %+v", vs[0])
	}
	high := [][]float64{{400000, 400000, 400000}}
	if vs := plan.Check(target, checkDoc(target, high), nil); len(vs) != 0 {
		t.Errorf("a plan above the target: %+v", vs)
	}
}

func TestCheckTolerance(t *testing.T) {
	res := load(t, checkScenario)
	limit := 20000 * 31.0 / 7 // March, outside the windows
	// What a person types when copying the cap from a report, and the
	// float noise of a solver, both pass.
	for _, v := range []float64{88571.43, limit * (1 + plan.CheckTol/10)} {
		x := goodSpend()
		x[0][2] = v
		if vs := plan.Check(res, checkDoc(res, x), nil); len(vs) != 0 {
			t.Errorf("spend %v at the cap %v: %+v", v, limit, vs)
		}
	}
	x := goodSpend()
	x[0][2] = limit * (1 + 10*plan.CheckTol)
	if got := rules(plan.Check(res, checkDoc(res, x), nil)); !slices.Equal(got, []string{"channels[0].per_week.max"}) {
		t.Errorf("spend past the tolerance: rules %v", got)
	}
}

func TestCheckMismatch(t *testing.T) {
	res := load(t, checkScenario)
	doc := checkDoc(res, goodSpend())
	short := *doc
	short.Periods = doc.Periods[:5]
	vs := plan.Check(res, &short, nil)
	if len(vs) != 1 || vs[0].Rule != "periods" || vs[0].Value != 5 || vs[0].Limit != 6 {
		t.Errorf("fewer periods: %+v", vs)
	}
	shifted := checkDoc(res, goodSpend())
	shifted.Periods[2].Start = "2027-03-02"
	if vs := plan.Check(res, shifted, nil); len(vs) != 1 || vs[0].Rule != "periods" || vs[0].Channel != "" {
		t.Errorf("a period with other dates: %+v", vs)
	}
	renamed := checkDoc(res, goodSpend())
	renamed.Channels[1].Name = "bb"
	vs = plan.Check(res, renamed, nil)
	if len(vs) != 1 || vs[0].Rule != "channels" || vs[0].Channel != "bb" || !strings.Contains(vs[0].Message, `"bb"`) {
		t.Errorf("renamed channel: %+v", vs)
	}
}

// TestCheckLines reads a plan file back and checks that a violation points
// at the line of the offending number.
func TestCheckLines(t *testing.T) {
	res := load(t, checkScenario)
	x := goodSpend()
	x[1][2] = 12345.5 // a flight below the minimum, in March
	var buf bytes.Buffer
	if err := checkDoc(res, x).EncodeYAML(&buf); err != nil {
		t.Fatal(err)
	}
	doc, pos, err := plan.Read(bytes.NewReader(buf.Bytes()), "plan.yaml")
	if err != nil {
		t.Fatal(err)
	}
	vs := plan.Check(res, doc, pos)
	if len(vs) != 1 || vs[0].Rule != "channels[1].min_active_per_week" || vs[0].Period != "2027-03-01" {
		t.Fatalf("violations %+v", vs)
	}
	lines := strings.Split(buf.String(), "\n")
	if l := vs[0].Line; l < 1 || l > len(lines) || strings.TrimSpace(lines[l-1]) != "- "+strconv.FormatFloat(12345.5, 'f', -1, 64) {
		t.Errorf("line %d does not hold the number: %q", vs[0].Line, lines[max(vs[0].Line-1, 0)])
	}
}

func TestAmount(t *testing.T) {
	for v, want := range map[float64]string{0: "0", 999: "999", 1000: "1,000", 1234567.5: "1,234,568", -1500: "-1,500", -0.2: "0"} {
		if got := plan.Amount(v); got != want {
			t.Errorf("Amount(%v) = %q, want %q", v, got, want)
		}
	}
}

func TestFestivalSpendAndLongRows(t *testing.T) {
	res := load(t, `
horizon: {start: 2027-10-01, end: 2027-11-30, granularity: month}
budget: {total: 100000}
festivals:
  - {name: Launch, from: 2027-10-01, to: 2027-10-10, uplift: 2}
  - {name: Sale, from: 2027-10-25, to: 2027-11-05, uplift: 2}
channels:
  - name: a
    response: {curve: exponential, beta: 100000, half_saturation: 30000}
  - name: b
    response: {curve: exponential, beta: 100000, half_saturation: 30000}
`)
	spend := [][]float64{{31000, 30000}, {0, 60000}}
	got := plan.FestivalSpend(res, spend)
	// Launch: 10 of October's 31 days; Sale: 7 October days, 5 November days.
	want := []float64{31000 * 10 / 31.0, 31000*7/31.0 + 90000*5/30.0}
	for f := range want {
		if !near(got[f], want[f], 1e-12) {
			t.Errorf("festival %d spend %v, want %v", f, got[f], want[f])
		}
	}
	doc := checkDoc(res, spend)
	rows := doc.LongRows(res)
	if len(rows) != 4 || rows[0].Channel != "a" || rows[1].Channel != "b" || rows[2].PeriodStart != "2027-11-01" {
		t.Fatalf("rows %+v", rows)
	}
	if !slices.Equal(rows[0].Festivals, []string{"Launch", "Sale"}) || !slices.Equal(rows[3].Festivals, []string{"Sale"}) {
		t.Errorf("festivals %v, %v", rows[0].Festivals, rows[3].Festivals)
	}
	if rows[3].Spend != 60000 || rows[3].Revenue != doc.Channels[1].Revenue[1] {
		t.Errorf("row %+v", rows[3])
	}
	if rows := doc.LongRows(nil); rows[0].Festivals != nil {
		t.Errorf("festivals without a scenario: %v", rows[0].Festivals)
	}
}
