package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/peakplan/peakplan/plan"
	"github.com/peakplan/peakplan/scenarios"
)

const simulateScenario = `version: 1
name: Simulated
horizon: {start: 2027-01-01, end: 2027-12-31, granularity: month}
margin: 0.5
budget: {total: 1200000}
festivals:
  - preset: double11
channels:
  - name: search
    response: {curve: exponential, beta: 150000, half_saturation: 30000}
    per_week: {max: 40000}
  - name: live
    response: {curve: hill, beta: 300000, half_saturation: 50000, shape: 2.0}
    carryover: 0.2
uncertainty: {samples: 400, seed: 3, beta_cv: 0.2, uplift_cv: 0.2, cost_index_cv: 0.1}
`

// writeSimulatedPlan writes a scenario and a plan of it (spend rising
// through the year) into a temporary directory.
func writeSimulatedPlan(t *testing.T) (dir string, doc *plan.Document, res *scenarios.Resolved) {
	t.Helper()
	dir = t.TempDir()
	sPath := filepath.Join(dir, "s.yaml")
	if err := os.WriteFile(sPath, []byte(simulateScenario), 0o644); err != nil {
		t.Fatal(err)
	}
	sc, err := loadScenario(sPath)
	if err != nil {
		t.Fatal(err)
	}
	res = sc.res
	spend := make([][]float64, len(res.Channels))
	for c := range spend {
		spend[c] = make([]float64, len(res.Periods))
		for p := range spend[c] {
			spend[c][p] = float64(10000 * (p + 1) * (c + 1))
		}
	}
	pPath := filepath.Join(dir, "plan.yaml")
	doc = plan.Build(res, spend, scenarioRef(sc, pPath), plan.SolverInfo{Name: "test", Status: "optimal"}, 0)
	if err := writePlan(pPath, doc); err != nil {
		t.Fatal(err)
	}
	return dir, doc, res
}

// simulatePlan stores the same figures that the simulate command prints,
// and the stored figures survive the plan file.
func TestSimulatePlanMatchesCommand(t *testing.T) {
	dir, doc, res := writeSimulatedPlan(t)
	var errOut bytes.Buffer
	if err := simulatePlan(doc, res, res.Uncertainty, &errOut); err != nil {
		t.Fatal(err)
	}
	if doc.Simulation == nil || doc.Simulation.Samples != 400 || doc.Simulation.Seed != 3 {
		t.Fatalf("stored simulation %+v", doc.Simulation)
	}
	if errOut.Len() != 0 {
		t.Errorf("a progress bar or message went to a non-terminal: %q", errOut.String())
	}

	var out, stderr bytes.Buffer
	code := run([]string{"simulate", filepath.Join(dir, "plan.yaml"), "--format", "json"}, &streams{In: strings.NewReader(""), Out: &out, ErrOut: &stderr})
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var got simulateOutput
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	s := doc.Simulation
	if got.Revenue != s.Revenue || got.ROAS != s.ROAS || got.Profit == nil || *got.Profit != s.Profit ||
		got.LossProbability != s.LossProbability || got.BeatsEvenProbability != s.BeatsEvenProbability {
		t.Errorf("command printed %+v, simulatePlan stored %+v", got, s)
	}

	path := filepath.Join(dir, "stored.yaml")
	if err := writePlan(path, doc); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	back, _, err := plan.Read(bytes.NewReader(data), path)
	if err != nil {
		t.Fatal(err)
	}
	if back.Simulation == nil || *back.Simulation != *s {
		t.Errorf("read back %+v, stored %+v", back.Simulation, s)
	}
}

func TestProgressBar(t *testing.T) {
	var w bytes.Buffer
	bar := &progressBar{w: &w, label: "simulating"}
	for done := 0; done <= 1000; done += 5 {
		bar.update(done, 1000)
	}
	// One redraw per percent, not per call.
	if n := strings.Count(w.String(), "\r"); n != 101 {
		t.Errorf("%d redraws, want 101", n)
	}
	if !strings.HasSuffix(w.String(), "\rsimulating ["+strings.Repeat("#", progressBarWidth)+"] 100%") {
		t.Errorf("last frame %q", w.String()[max(0, w.Len()-60):])
	}
	bar.finish()
	if !strings.HasSuffix(w.String(), "\r\033[K") {
		t.Errorf("clear did not erase the line")
	}
	var quiet bytes.Buffer
	(&progressBar{w: &quiet}).finish()
	if quiet.Len() != 0 {
		t.Errorf("clearing an undrawn bar wrote %q", quiet.String())
	}
	if isTerminal(&quiet) {
		t.Errorf("a buffer is not a terminal")
	}
}
