package scenarios

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/peakplan/peakplan/scenarios/calendar"
)

const (
	// historyRecoveryTol is how close the fitted weekly response at a
	// channel's typical spend must come to the true one, relative.
	historyRecoveryTol = 0.15
	// historyNoise is the relative noise on the synthetic weekly revenue.
	historyNoise = 0.05
	// historyMinR2 is the least share of variance a fit of data made by
	// the model itself must explain.
	historyMinR2 = 0.8
	// historyFitLimit bounds one fit's time on a loaded machine.
	historyFitLimit = 10 * time.Second
	// historyBase is the synthetic weekly revenue without media, about as
	// much as the media bring: with 5% noise, 156 weeks pin the response at
	// typical spend down to about 5% (one standard error).
	historyBase = 300000.0
	// historyWarmUp weeks of spend come before the recorded history, so
	// the data start mid-stream as real data do.
	historyWarmUp = 26
)

type synthChannel struct {
	name  string
	curve Curve
	theta float64
}

// synthHistory makes a weekly history from known curves: an always-on
// channel that follows the seasons, two flighted channels, a festival flag,
// a trend and multiplicative noise. It returns the CSV text too.
func synthHistory(seed uint64, weeks int, chans []synthChannel) (*History, string) {
	rng := rand.New(rand.NewPCG(seed, 77))
	total := historyWarmUp + weeks
	spend := make([][]float64, len(chans))
	for c := range chans {
		spend[c] = make([]float64, total)
	}
	festival := make([]float64, total)
	for w := range total {
		if k := w % 52; k == 23 || k == 24 || k == 44 || k == 45 {
			festival[w] = 1
		}
	}
	for c := range chans {
		// Flights: runs of weeks on and off. The first channel is on most
		// of the time, follows the seasons and pushes in festival weeks;
		// the others run shorter flights at varied levels.
		on, left := false, 0
		for w := range total {
			if left == 0 {
				on = !on
				switch {
				case on && c == 0:
					left = 4 + rng.IntN(9)
				case on:
					left = 2 + rng.IntN(5)
				case c == 0:
					left = 1 + rng.IntN(3)
				default:
					left = 1 + rng.IntN(5)
				}
			}
			left--
			switch {
			case !on:
			case c == 0:
				spend[c][w] = 50000 * (1 + 0.4*math.Sin(2*math.Pi*float64(w)/26)) * (0.6 + 0.8*rng.Float64()) * (1 + 0.5*festival[w])
			default:
				spend[c][w] = float64(30000*c) * (0.5 + 1.5*rng.Float64())
			}
		}
	}
	h := &History{File: "synthetic.csv", Events: []string{"festival"}, Flags: [][]float64{nil}}
	start := calendar.MakeDate(2024, time.January, 1) // a Monday
	var csv strings.Builder
	csv.WriteString("date,revenue")
	for _, ch := range chans {
		h.Channels = append(h.Channels, ch.name)
		h.Spend = append(h.Spend, nil)
		csv.WriteString("," + ch.name)
	}
	csv.WriteString(",event_festival\n")
	adstock := make([]float64, len(chans))
	for w := range total {
		y := historyBase + 1500*float64(w) + 250000*festival[w]
		for c, ch := range chans {
			adstock[c] = (1-ch.theta)*spend[c][w] + ch.theta*adstock[c]
			y += ch.curve.Weekly(adstock[c])
		}
		y *= 1 + historyNoise*rng.NormFloat64()
		if w < historyWarmUp {
			continue
		}
		d := start.AddDays(7 * (w - historyWarmUp))
		h.Weeks = append(h.Weeks, d)
		h.Revenue = append(h.Revenue, y)
		fmt.Fprintf(&csv, "%s,%.2f", d, y)
		for c := range chans {
			h.Spend[c] = append(h.Spend[c], spend[c][w])
			fmt.Fprintf(&csv, ",%.2f", spend[c][w])
		}
		h.Flags[0] = append(h.Flags[0], festival[w])
		fmt.Fprintf(&csv, ",%.0f\n", festival[w])
	}
	return h, csv.String()
}

func checkRecovery(t *testing.T, fit *HistoryFit, h *History, chans []synthChannel) {
	t.Helper()
	for c, ch := range chans {
		got := fit.Channels[c]
		var on []float64
		for _, x := range h.Spend[c] {
			if x > 0 {
				on = append(on, x)
			}
		}
		slices.Sort(on)
		typical := median(on)
		if math.Abs(got.TypicalSpend-typical) > 1e-9*typical {
			t.Errorf("%s: typical spend %v, want the median non-zero spend %v", ch.name, got.TypicalSpend, typical)
		}
		want := ch.curve.Weekly(typical)
		if d := math.Abs(got.TypicalRevenue-want) / want; d > historyRecoveryTol {
			t.Errorf("%s: weekly revenue at typical spend %.0f is %.0f, true %.0f (off by %.0f%%); fitted %+v carryover %.2f",
				ch.name, typical, got.TypicalRevenue, want, 100*d, got.Curve, got.Carryover)
		}
	}
	if fit.R2 < historyMinR2 {
		t.Errorf("R^2 = %.3f, want at least %v", fit.R2, historyMinR2)
	}
	if fit.MAPE > 3*historyNoise {
		t.Errorf("MAPE = %.3f with %v noise", fit.MAPE, historyNoise)
	}
}

func TestFitHistoryRecoversHillResponses(t *testing.T) {
	chans := []synthChannel{
		{"search", Curve{Kind: Hill, Beta: 300000, Half: 60000, Shape: 1.2}, 0.1},
		{"live", Curve{Kind: Hill, Beta: 500000, Half: 70000, Shape: 2.0}, 0.3},
		{"kol", Curve{Kind: Hill, Beta: 200000, Half: 50000, Shape: 1.5}, 0.5},
	}
	h, text := synthHistory(2027, 156, chans)
	// Through the CSV reader, so the test also covers reading.
	read, err := ReadHistory(strings.NewReader(text), "synthetic.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(read.Weeks) != 156 || !slices.Equal(read.Channels, []string{"search", "live", "kol"}) || !slices.Equal(read.Events, []string{"festival"}) {
		t.Fatalf("read %d weeks, channels %v, events %v", len(read.Weeks), read.Channels, read.Events)
	}
	start := time.Now()
	fit, err := FitHistory(read, HistoryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > historyFitLimit {
		t.Errorf("the fit took %v, want under %v", d, historyFitLimit)
	}
	t.Logf("fit in %v: R2 %.3f MAPE %.3f baseline %.0f trend %.0f events %+v warnings %q", time.Since(start), fit.R2, fit.MAPE, fit.Baseline, fit.Trend, fit.Events, fit.Warnings)
	checkRecovery(t, fit, read, chans)
	if fit.Curve != Hill || fit.Weeks != 156 || fit.From != h.Weeks[0] || fit.To != h.Weeks[155] {
		t.Errorf("fit header %v %d %s..%s", fit.Curve, fit.Weeks, fit.From, fit.To)
	}
	if len(fit.Events) != 1 || math.Abs(fit.Events[0].Effect-250000)/250000 > 0.5 {
		t.Errorf("festival effect %+v, true 250000", fit.Events)
	}
	for _, w := range fit.Warnings {
		if strings.Contains(w, "correlation") || strings.Contains(w, "hardly varies") {
			t.Errorf("unexpected warning on independent, varied spends: %s", w)
		}
	}
	checkEmittedChannels(t, fit)
}

func TestFitHistoryRecoversExponentialResponses(t *testing.T) {
	chans := []synthChannel{
		{"search", Curve{Kind: Exponential, Beta: 250000, Half: 45000}, 0.1},
		{"feed", Curve{Kind: Exponential, Beta: 400000, Half: 90000}, 0.4},
	}
	h, _ := synthHistory(11, 110, chans)
	fit, err := FitHistory(h, HistoryOptions{Curve: Exponential})
	if err != nil {
		t.Fatal(err)
	}
	checkRecovery(t, fit, h, chans)
}

// checkEmittedChannels loads the emitted channels block inside a scenario:
// it must be valid and carry the fitted numbers.
func checkEmittedChannels(t *testing.T, fit *HistoryFit) {
	t.Helper()
	block := string(fit.ChannelsYAML("synthetic.csv"))
	y := "horizon: {start: 2027-01-04, end: 2027-12-26}\nbudget: {total: 1000000}\n" + block
	res, err := Load(strings.NewReader(y), "emitted.yaml")
	if err != nil {
		t.Fatalf("the emitted channels do not load: %v\n%s", err, block)
	}
	for c, ch := range fit.Channels {
		got := res.Channels[c]
		if got.Name != ch.Name || got.Curve.Kind != fit.Curve {
			t.Errorf("emitted channel %d: %+v", c, got)
		}
		// Rounded to 4 significant digits.
		if math.Abs(got.Curve.Weekly(ch.TypicalSpend)-ch.TypicalRevenue) > 1e-2*ch.TypicalRevenue {
			t.Errorf("%s: emitted curve gives %v at typical spend, fitted %v", ch.Name, got.Curve.Weekly(ch.TypicalSpend), ch.TypicalRevenue)
		}
	}
}

func TestFitHistoryWarnsWhenChannelsMoveTogether(t *testing.T) {
	chans := []synthChannel{
		{"search", Curve{Kind: Hill, Beta: 300000, Half: 60000, Shape: 1.2}, 0.1},
		{"shopping", Curve{Kind: Hill, Beta: 200000, Half: 40000, Shape: 1.2}, 0.1},
		{"tv", Curve{Kind: Hill, Beta: 200000, Half: 50000, Shape: 1.5}, 0.3},
	}
	h, _ := synthHistory(5, 104, chans)
	// shopping spends in step with search; tv at one steady rate.
	for w := range h.Weeks {
		h.Spend[1][w] = 0.6*h.Spend[0][w] + 100
		h.Spend[2][w] = 50000 + float64(w%2)
	}
	fit, err := FitHistory(h, HistoryOptions{Curve: Exponential})
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(fit.Warnings, "\n")
	if !strings.Contains(all, "search and shopping spend together") {
		t.Errorf("no warning about search and shopping moving together:\n%s", all)
	}
	if !strings.Contains(all, "tv's spend hardly varies") {
		t.Errorf("no warning about tv's steady spend:\n%s", all)
	}
}

func TestFitHistoryRefuses(t *testing.T) {
	chans := []synthChannel{{"search", Curve{Kind: Hill, Beta: 300000, Half: 60000, Shape: 1.2}, 0.1}}
	short, _ := synthHistory(1, 20, chans)
	if _, err := FitHistory(short, HistoryOptions{}); err == nil || !strings.Contains(err.Error(), "too few") {
		t.Errorf("20 weeks: %v, want too few", err)
	}
	h, _ := synthHistory(1, 60, chans)
	if _, err := FitHistory(h, HistoryOptions{Curve: Logistic}); err == nil || !strings.Contains(err.Error(), "hill or exponential") {
		t.Errorf("logistic: %v", err)
	}
}

func TestReadHistoryErrors(t *testing.T) {
	const header = "date,revenue,search,event_d11\n"
	for _, tc := range []struct {
		name, csv string
		want      []string // "line:col: text" fragments
	}{
		{"no date column", "revenue,search\n1,2\n", []string{":1:1: the header has no date column"}},
		{"no revenue column", "date,search\n2027-01-04,2\n", []string{":1:1: the header has no revenue column"}},
		{"no channels", "date,revenue,event_x\n2027-01-04,1,0\n", []string{"no channel columns"}},
		{"duplicate column", "date,revenue,search,search\n", []string{":1:4: column \"search\" appears twice"}},
		{"not a Monday", header + "2027-01-05,100,10,0\n", []string{":2:1: date 2027-01-05 is a Tuesday", "(2027-01-04)"}},
		{"bad date", header + "2027-13-04,100,10,0\n", []string{":2:1: date \"2027-13-04\" is not a date"}},
		{"gap", header + "2027-01-04,100,10,0\n2027-01-18,100,10,0\n", []string{":3:1: weeks are missing between 2027-01-04 (line 2) and 2027-01-18", "week of 2027-01-11"}},
		{"out of order", header + "2027-01-11,100,10,0\n2027-01-04,100,10,0\n", []string{":3:1: date 2027-01-04 does not come after 2027-01-11 on line 2"}},
		{"non-numeric", header + "2027-01-04,100,1,500,0\n", []string{":2:1: this row has a different number of cells"}},
		{"text cell", header + "2027-01-04,abc,10,0\n2027-01-11,100,\"1,500\",0\n", []string{":2:12: revenue \"abc\" is not a number", ":3:16: spend of search \"1,500\" is not a number (write numbers without thousands"}},
		{"negative", header + "2027-01-04,100,-5,0\n", []string{":2:16: spend of search must not be negative"}},
		{"empty cell", header + "2027-01-04,,5,0\n", []string{":2:12: revenue is empty"}},
		{"bad flag", header + "2027-01-04,100,5,yes\n", []string{":2:18: event_d11 is \"yes\""}},
		{"NaN", header + "2027-01-04,NaN,5,0\n", []string{":2:12: revenue \"NaN\" is not a number"}},
		{"never spends", header + "2027-01-04,100,0,0\n2027-01-11,100,0,0\n", []string{":1:3: channel search spends nothing"}},
		{"empty", "", []string{"the file is empty"}},
		{"header only", header, []string{"no weeks"}},
		{"not UTF-8", "date,revenue,s\xff\n", []string{":1:15: the file is not UTF-8"}},
	} {
		_, err := ReadHistory(strings.NewReader(tc.csv), "h.csv")
		if err == nil {
			t.Errorf("%s: no error", tc.name)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not contain %q", tc.name, err, w)
			}
		}
	}
}

func TestReadHistoryBounds(t *testing.T) {
	var b strings.Builder
	b.WriteString("date,revenue")
	for i := range MaxHistoryChannels + 1 {
		fmt.Fprintf(&b, ",c%d", i)
	}
	if _, err := ReadHistory(strings.NewReader(b.String()+"\n"), "wide.csv"); err == nil || !strings.Contains(err.Error(), "channels") {
		t.Errorf("too many channels: %v", err)
	}
	b.Reset()
	b.WriteString("date,revenue,search\n")
	d := calendar.MakeDate(2000, time.January, 3)
	for range MaxHistoryWeeks + 1 {
		fmt.Fprintf(&b, "%s,100,10\n", d)
		d = d.AddDays(7)
	}
	if _, err := ReadHistory(strings.NewReader(b.String()), "long.csv"); err == nil || !strings.Contains(err.Error(), "more than") {
		t.Errorf("too many rows: %v", err)
	}
	big := strings.Repeat("x", MaxHistoryBytes+1)
	if _, err := ReadHistory(strings.NewReader(big), "big.csv"); err == nil || !strings.Contains(err.Error(), "larger") {
		t.Errorf("too large: %v", err)
	}
	// A BOM and CRLF line ends, as spreadsheets write them, are fine.
	ok := "\ufeffdate,revenue,search\r\n"
	d = calendar.MakeDate(2027, time.January, 4)
	for i := range 30 {
		ok += fmt.Sprintf("%s,%d,%d\r\n", d, 1000+i, 10*(i%3))
		d = d.AddDays(7)
	}
	h, err := ReadHistory(strings.NewReader(ok), "excel.csv")
	if err != nil || len(h.Weeks) != 30 || h.Channels[0] != "search" {
		t.Errorf("BOM and CRLF: %v", err)
	}
}

func TestYAMLStringQuotes(t *testing.T) {
	for _, name := range []string{"search", "618 live", "yes", "a: b", "#tag", "天猫 搜索", "1e3"} {
		var got struct{ N string }
		if err := yaml.Unmarshal([]byte("n: "+yamlString(name)), &got); err != nil || got.N != name {
			t.Errorf("yamlString(%q) = %s reads back as %q (%v)", name, yamlString(name), got.N, err)
		}
	}
}
