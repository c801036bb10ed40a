package charts

import (
	"bytes"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/peakplan/peakplan/plan"
	"github.com/peakplan/peakplan/scenarios"
)

// fuzzScenarios are the seeds' scenarios: by month and by day, every
// objective, festivals, a group.
var fuzzScenarios = []string{`
horizon: {start: 2027-01-01, end: 2027-06-30, granularity: month}
objective: profit
margin: 0.4
budget: {total: 600000}
festivals:
  - {preset: "618"}
channels:
  - name: search
    kind: performance
    response: {curve: exponential, beta: 100000, half_saturation: 30000}
  - name: live
    kind: brand
    response: {curve: hill, beta: 80000, half_saturation: 30000, shape: 2}
    carryover: 0.4
groups:
  - {name: brand, channels: [live], max_share: 0.6}
`, `
horizon: {start: 2027-11-01, end: 2027-11-20, granularity: day}
objective: spend
target_revenue: 50000
budget: {total: 90000}
festivals:
  - {preset: double11}
channels:
  - name: feed
    response: {curve: logistic, beta: 40000, half_saturation: 9000}
`}

// FuzzReportFromPlanFile: a plan file that reads without error renders,
// in both languages, to a page or to an error, never a panic. The report
// command renders a plan as written when its scenario is not at hand, so
// every field of the file reaches the charts.
func FuzzReportFromPlanFile(f *testing.F) {
	if _, err := loadECharts(); err != nil {
		if os.Getenv("CI") != "" {
			f.Fatalf("%v (CI is set, so this fails instead of skipping)", err)
		}
		f.Skipf("%v (this test renders whole pages)", err)
	}
	for i, y := range fuzzScenarios {
		res, err := scenarios.Load(strings.NewReader(y), "s.yaml")
		if err != nil {
			f.Fatal(err)
		}
		spend := make([][]float64, len(res.Channels))
		for c := range spend {
			spend[c] = make([]float64, len(res.Periods))
			for t := range spend[c] {
				spend[c][t] = float64((c+1)*(t%3+1)) * 1000
			}
		}
		doc := plan.Build(res, spend, plan.ScenarioRef{Name: "s", File: "s.yaml"}, plan.SolverInfo{Name: "glpk", Status: "optimal"}, 2.5)
		if i == 0 {
			profit := 1000.0
			even := 800000.0
			doc.Sweep = &plan.Sweep{Points: []plan.SweepPoint{
				{Budget: 300000, Revenue: 700000, Profit: &profit, ROAS: 2.3, MarginalROAS: 1.9, Status: "optimal"},
				{Budget: 600000, Revenue: 1100000, ROAS: 1.8, MarginalROAS: 1.1, Status: "feasible"},
			}, BreakEvenBudget: &even}
			doc.Simulation = &plan.Simulation{Samples: 500, Seed: 1,
				Revenue: plan.Quantiles{P10: 1, P50: 2, P90: 3, Mean: 2}, ROAS: plan.Quantiles{P10: 1, P50: 2, P90: 3, Mean: 2},
				LossProbability: 0.1, BeatsEvenProbability: 0.8}
		}
		for _, enc := range []func(io.Writer) error{doc.EncodeYAML, doc.EncodeJSON} {
			var b bytes.Buffer
			if err := enc(&b); err != nil {
				f.Fatal(err)
			}
			f.Add(b.Bytes())
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, _, err := plan.Read(bytes.NewReader(data), "fuzz.yaml")
		if err != nil {
			return
		}
		for _, lang := range []string{"en", "zh"} {
			if err := Render(io.Discard, FromPlan(doc, nil), Options{Lang: lang}); err != nil && err.Error() == "" {
				t.Fatal("an error without a message")
			}
		}
	})
}
