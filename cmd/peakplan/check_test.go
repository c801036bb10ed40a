package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/peakplan/peakplan/plan"
)

// workflowScenario is a small monthly scenario for the finance commands:
// three concave channels, a cash-limited first quarter, a margin.
const workflowScenario = `name: Workflow test
currency: CNY
horizon: {start: 2027-01-01, end: 2027-12-31, granularity: month}
margin: 0.3
budget:
  total: 1200000
  windows:
    - {from: 2027-01-01, to: 2027-03-31, max: 100000}
festivals:
  - preset: "618"
  - preset: double11
channels:
  - name: search
    response: {curve: exponential, beta: 120000, half_saturation: 30000}
    per_week: {max: 40000}
  - name: feed
    response: {curve: logistic, beta: 160000, half_saturation: 25000}
    carryover: 0.3
  - name: kol
    response: {curve: exponential, beta: 60000, half_saturation: 15000}
    spend: {max: 300000}
`

// runPeakplan runs the command line in-process.
func runPeakplan(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(args, &streams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
	return code, out.String(), errOut.String()
}

// optimizedPlan writes workflowScenario into a fresh directory, optimises it
// into plan.yaml and returns both paths.
func optimizedPlan(t *testing.T) (scenario, planPath string) {
	t.Helper()
	dir := t.TempDir()
	scenario = filepath.Join(dir, "s.yaml")
	planPath = filepath.Join(dir, "plan.yaml")
	if err := os.WriteFile(scenario, []byte(workflowScenario), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runPeakplan(t, "optimize", scenario, "-o", planPath); code != exitOK {
		t.Fatalf("optimize: exit %d: %s", code, stderr)
	}
	return scenario, planPath
}

func readPlanFile(t *testing.T, path string) *plan.Document {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, _, err := plan.Read(f, path)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// editPlan rewrites a plan file after edit changed its document.
func editPlan(t *testing.T, path string, edit func(*plan.Document)) {
	t.Helper()
	doc := readPlanFile(t, path)
	edit(doc)
	if err := writePlan(path, doc); err != nil {
		t.Fatal(err)
	}
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestCheckJSONFields holds the JSON to cli.md's field names.
func TestCheckJSONFields(t *testing.T) {
	_, planPath := optimizedPlan(t)
	editPlan(t, planPath, func(d *plan.Document) { d.Channels[0].Spend[4] = 200000 })

	code, stdout, stderr := runPeakplan(t, "check", "--format", "json", planPath)
	if code != exitInvalid {
		t.Fatalf("exit %d, want 1; stderr %s", code, stderr)
	}
	var rep map[string]any
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	if got, want := keys(rep), []string{"objective", "ok", "scenario_changed", "violations"}; !slices.Equal(got, want) {
		t.Errorf("fields %v, want %v", got, want)
	}
	vs := rep["violations"].([]any)
	if len(vs) != 2 {
		t.Fatalf("violations %v", vs)
	}
	v := vs[0].(map[string]any)
	if got, want := keys(v), []string{"channel", "limit", "line", "period", "rule", "value"}; !slices.Equal(got, want) {
		t.Errorf("violation fields %v, want %v", got, want)
	}
	if v["rule"] != "channels[0].per_week.max" || v["channel"] != "search" || v["period"] != "2027-05-01" || v["value"] != 200000.0 || v["line"].(float64) < 1 {
		t.Errorf("violation %v", v)
	}

	code, stdout, _ = runPeakplan(t, "check", "--format", "json", "--max-gap", "1", planPath)
	rep = map[string]any{}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil || code != exitInvalid {
		t.Fatalf("exit %d, %v\n%s", code, err, stdout)
	}
	if got, want := keys(rep), []string{"gap", "objective", "ok", "optimum", "scenario_changed", "violations"}; !slices.Equal(got, want) {
		t.Errorf("fields with --max-gap %v, want %v", got, want)
	}
}

// TestCheckReevaluates: what the file says about revenue is ignored.
func TestCheckReevaluates(t *testing.T) {
	_, planPath := optimizedPlan(t)
	honest := readPlanFile(t, planPath)
	editPlan(t, planPath, func(d *plan.Document) {
		d.Totals.Revenue, d.Objective.Value = 1e12, 1e12
		for c := range d.Channels {
			for i := range d.Channels[c].Revenue {
				d.Channels[c].Revenue[i] = 1e9
			}
		}
	})
	rep, err := checkPlan(&checkOptions{plan: planPath, format: "text", maxGap: 0.01, timeLimit: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK || len(rep.Violations) != 0 || rep.ScenarioChanged {
		t.Errorf("report %+v", rep)
	}
	if math.Abs(rep.Objective-honest.Objective.Value) > 1e-6*honest.Objective.Value {
		t.Errorf("objective %v, want the re-evaluated %v", rep.Objective, honest.Objective.Value)
	}
	if rep.Gap == nil || *rep.Gap > 1e-4 || len(rep.notes) != 1 || !strings.Contains(rep.notes[0], "total revenue") {
		t.Errorf("gap %v, notes %q", rep.Gap, rep.notes)
	}
}

func TestCheckScenarioChanged(t *testing.T) {
	scenario, planPath := optimizedPlan(t)
	changed := strings.Replace(workflowScenario, "beta: 60000", "beta: 75000", 1)
	if err := os.WriteFile(scenario, []byte(changed), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runPeakplan(t, "check", planPath)
	if code != exitOK || !strings.Contains(stderr, "changed since the plan was made") || !strings.Contains(stdout, ": ok") {
		t.Errorf("exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
}

func TestObjectiveGap(t *testing.T) {
	for _, tc := range []struct {
		obj, opt float64
		maximise bool
		want     float64
	}{
		{95, 100, true, 0.05},
		{101, 100, true, 0},    // better than the solver's optimum
		{110, 100, false, 0.1}, // spend: more is worse
		{90, 100, false, 0},
		{-50, -40, true, 0.25}, // a loss-making optimum
		{-1, 0, true, 1},
	} {
		if got := objectiveGap(tc.obj, tc.opt, tc.maximise); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("objectiveGap(%v, %v, %v) = %v, want %v", tc.obj, tc.opt, tc.maximise, got, tc.want)
		}
	}
}

func TestGithubCommand(t *testing.T) {
	got := githubCommand("error", "plans/a,b:c.yaml", 12, "50% over\nthe cap")
	want := "::error file=plans/a%2Cb%3Ac.yaml,line=12::50%25 over%0Athe cap"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if got := githubCommand("warning", "p.yaml", 0, "m"); got != "::warning file=p.yaml::m" {
		t.Errorf("without a line: %s", got)
	}
}
