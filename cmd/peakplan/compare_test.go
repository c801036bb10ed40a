package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/peakplan/peakplan/optimize"
	"github.com/peakplan/peakplan/plan"
)

// TestCompareScenarioAndItsPlan: a scenario solved on the fly and the plan
// optimize wrote from it are the same numbers; an edited plan is
// re-evaluated.
func TestCompareScenarioAndItsPlan(t *testing.T) {
	scenario, planPath := optimizedPlan(t)
	edited := filepath.Join(filepath.Dir(planPath), "edited.yaml")
	data, err := os.ReadFile(planPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(edited, data, 0o644); err != nil {
		t.Fatal(err)
	}
	editPlan(t, edited, func(d *plan.Document) { d.Channels[1].Spend[9] = 0 }) // no feed in October

	entries, err := compareFiles([]string{scenario, planPath, edited}, optimize.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s, p, e := entries[0], entries[1], entries[2]
	if s.Kind != "scenario" || p.Kind != "plan" || !p.Reevaluated || !e.Reevaluated || s.Name != "Workflow test" {
		t.Fatalf("entries %+v", entries)
	}
	if !nearRel(s.Revenue, p.Revenue) || !nearRel(s.Spend, p.Spend) || len(s.Festivals) != 2 {
		t.Errorf("scenario %+v\nplan %+v", s, p)
	}
	if e.Revenue >= p.Revenue || e.Channels[1].Spend >= p.Channels[1].Spend {
		t.Errorf("edited plan not re-evaluated: %+v", e)
	}
	// Double 11 runs from October 15: the edit cut the battle's spend.
	if e.Festivals[1].Name != "Double 11" || e.Festivals[1].Spend >= p.Festivals[1].Spend {
		t.Errorf("festivals %+v vs %+v", e.Festivals, p.Festivals)
	}
}

func TestCompareRowsUnion(t *testing.T) {
	profit := 10.0
	a := compareEntry{File: "a", Spend: 100, ROAS: 2, Profit: &profit, FestivalSpendShare: 0.2,
		Channels:  []compareChannel{{Name: "x", Spend: 60}, {Name: "y", Spend: 40}},
		Festivals: []compareFestival{{Name: "F", From: "2027-01-01", To: "2027-01-02", Spend: 5}}}
	b := compareEntry{File: "b", Spend: 150, ROAS: 1.5, FestivalSpendShare: 0.25,
		Channels: []compareChannel{{Name: "y", Spend: 150}, {Name: "z", Spend: 0}}}
	head, channels, festivals := compareRows([]compareEntry{a, b})
	var names []string
	for _, r := range channels {
		names = append(names, r.label)
	}
	if strings.Join(names, ",") != "x,y,z" || channels[0].cells[1] != "" || channels[1].difference() != "+110" {
		t.Errorf("channel rows %+v", channels)
	}
	if len(festivals) != 1 || festivals[0].raw[1] != "" || festivals[0].difference() != "" {
		t.Errorf("festival rows %+v", festivals)
	}
	diffs := map[string]string{}
	for _, r := range head {
		diffs[r.key] = r.difference()
	}
	if diffs["spend"] != "+50" || diffs["roas"] != "-0.50" || diffs["festival_spend_share"] != "+5.0 pts" || diffs["profit"] != "" {
		t.Errorf("differences %v", diffs)
	}

	var sb strings.Builder
	if err := writeCompareCSV(&sb, []compareEntry{a, b}); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(sb.String())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != "metric,a,b" || rows[len(rows)-1][0] != "festival:F (2027-01-01 to 2027-01-02)" {
		t.Errorf("CSV %v", rows)
	}
}
