package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/peakplan/peakplan/scenarios"
	"github.com/peakplan/peakplan/scenarios/calendar"
)

const pointsScenario = `horizon: {start: 2027-01-01, end: 2027-06-30, granularity: month}
budget: {total: 600000}
channels:
  - name: search
    response: {curve: exponential, beta: 200000, half_saturation: 40000}
  - name: 小红书 KOL
    response:
      curve: hill
      points: [[20000, 30000], [60000, 210000], [120000, 480000], [250000, 700000]]
  - name: feed
    response:
      curve: logistic
      points: [[10000, 40000], [30000, 95000], [80000, 150000]]
`

func runFit(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(append([]string{"fit"}, args...), &streams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
	return code, out.String(), errOut.String()
}

// fit --format json reports exactly the curves the scenario resolves to.
func TestFitPointsJSONIsTheResolvedFit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pts.yaml")
	if err := os.WriteFile(path, []byte(pointsScenario), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runFit(t, path, "--format", "json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got struct{ Channels []fitChannel }
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	res, err := scenarios.Load(strings.NewReader(pointsScenario), "pts.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var want []fitChannel
	for _, ch := range res.Channels {
		if f := ch.Fit; f != nil {
			want = append(want, fitChannel{Name: ch.Name, Curve: string(f.Curve.Kind), Beta: f.Curve.Beta,
				HalfSaturation: f.Curve.Half, Shape: f.Curve.Shape, RMSE: f.RMSE, Points: f.Points})
		}
	}
	if len(got.Channels) != 2 || len(want) != 2 || got.Channels[0] != want[0] || got.Channels[1] != want[1] {
		t.Errorf("fit printed %+v, the scenario resolves to %+v", got.Channels, want)
	}

	// The text table lists each point with the curve's value there.
	code, stdout, _ = runFit(t, path)
	if code != exitOK || !strings.Contains(stdout, "小红书 KOL: hill curve fitted to 4 points") || strings.Count(stdout, "fitted to") != 2 {
		t.Errorf("exit %d, text:\n%s", code, stdout)
	}
}

// The history fit reads, fits and emits a block that loads as channels.
func TestFitHistoryEmitsLoadableChannels(t *testing.T) {
	dir := t.TempDir()
	var csv strings.Builder
	csv.WriteString("date,revenue,search,live\n")
	monday := calendar.MakeDate(2025, time.January, 6)
	for w := range 60 {
		s := float64(20000 + 15000*(w%4))
		l := 0.0
		if w%5 < 2 {
			l = float64(40000 + 10000*(w%3))
		}
		rev := 200000 + 3*s/(1+s/50000) + 2*l/(1+l/80000) + float64(1000*(w%7))
		fmt.Fprintf(&csv, "%s,%.2f,%.0f,%.0f\n", monday.AddDays(7*w), rev, s, l)
	}
	hPath := filepath.Join(dir, "h.csv")
	if err := os.WriteFile(hPath, []byte(csv.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	emit := filepath.Join(dir, "channels.yaml")
	code, stdout, stderr := runFit(t, "--history", hPath, "--curve", "exponential", "--emit-channels", emit, "--format", "json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var out historyOutput
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	if out.Weeks != 60 || len(out.Channels) != 2 || out.Curve != "exponential" || out.Warnings == nil || out.Events == nil {
		t.Errorf("history output %+v", out)
	}
	block, err := os.ReadFile(emit)
	if err != nil {
		t.Fatal(err)
	}
	y := "horizon: {start: 2027-01-01, end: 2027-12-31}\nbudget: {total: 1000000}\n" + string(block)
	res, err := scenarios.Load(strings.NewReader(y), "emitted.yaml")
	if err != nil {
		t.Fatalf("emitted block does not load: %v\n%s", err, block)
	}
	for c, ch := range out.Channels {
		if res.Channels[c].Name != ch.Name || res.Channels[c].Curve.Kind != scenarios.Exponential {
			t.Errorf("emitted channel %d = %+v, fitted %+v", c, res.Channels[c], ch)
		}
	}
}
