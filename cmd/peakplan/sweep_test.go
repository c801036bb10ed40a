package main

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/peakplan/peakplan/optimize"
	"github.com/peakplan/peakplan/scenarios"
)

func TestParseBudgets(t *testing.T) {
	got, err := parseBudgets("3e6, 4000000,6e6")
	if err != nil || !slices.Equal(got, []float64{3e6, 4e6, 6e6}) {
		t.Errorf("parseBudgets = %v, %v", got, err)
	}
	for _, bad := range []string{"", "1e6,", "abc", "0", "-5", "NaN", "Inf"} {
		if _, err := parseBudgets(bad); err == nil {
			t.Errorf("parseBudgets(%q) accepted", bad)
		}
	}
}

// TestSweepProgressBar: the bar is drawn on stderr and cleared, and stdout
// stays clean.
func TestSweepProgressBar(t *testing.T) {
	res := loadTestScenario(t, workflowScenario)
	var errOut bytes.Buffer
	opts := &sweepOptions{io: &streams{ErrOut: &errOut}, scenario: "s.yaml", from: 0.5, to: 1, steps: 3,
		timeLimit: 10 * time.Second, gap: optimize.DefaultGap, progress: true}
	out, err := sweepScenario(res, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Points) != 3 || out.Points[2].Budget != res.BudgetTotal || out.Scenario != "Workflow test" {
		t.Errorf("sweep %+v", out)
	}
	bar := errOut.String()
	if !strings.Contains(bar, "\rsweep [") || !strings.Contains(bar, "] 100%") || !strings.HasSuffix(bar, "\r\033[K") {
		t.Errorf("progress output %q", bar)
	}
}

func loadTestScenario(t *testing.T, y string) *scenarios.Resolved {
	t.Helper()
	res, err := scenarios.Load(strings.NewReader(y), "s.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return res
}
