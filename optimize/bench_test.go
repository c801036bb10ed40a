package optimize_test

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/peakplan/peakplan/optimize"
)

// Benchmarks on generated scenarios. Run with
//
//	go test -run='^$' -bench=. -benchtime=1x -benchmem ./optimize/
//
// BenchmarkDaily3Years50Channels is heavy and runs only when -bench names
// it: -bench=Daily3Years. PEAKPLAN_BENCH_TIME_LIMIT=10m overrides the time
// limits.

// benchFestivals are presets that every year of the horizon has.
const benchFestivals = `festivals:
  - preset: new-year-goods
  - preset: spring-festival
  - preset: women-day
  - preset: "618"
  - preset: qixi
  - preset: "99"
  - preset: national-day
  - preset: double11
    uplift: 3.2
    cost_index: 1.5
  - preset: double12
`

// benchScenario writes a scenario of nC channels over [start, end]. With
// concave set every curve is concave and carries over; otherwise the
// channels cycle through S-curves, concave hills, exponential, logistic
// and linear curves.
func benchScenario(seed uint64, start, end, gran string, nC int, concave bool, budget float64) string {
	r := rand.New(rand.NewPCG(seed, 3))
	var b strings.Builder
	fmt.Fprintf(&b, "name: bench\nhorizon: {start: %s, end: %s, granularity: %s}\n", start, end, gran)
	fmt.Fprintf(&b, "budget: {total: %.0f}\n", budget)
	b.WriteString(benchFestivals)
	b.WriteString("channels:\n")
	for c := range nC {
		beta, h := between(r, 1e5, 1e6), between(r, 2e4, 2e5)
		fmt.Fprintf(&b, "  - name: ch%02d\n", c)
		kind := c % 5
		if concave {
			kind = 1 + c%3
		}
		switch kind {
		case 0:
			fmt.Fprintf(&b, "    response: {curve: hill, beta: %.0f, half_saturation: %.0f, shape: %.2f}\n", beta, h, between(r, 1.5, 2.5))
		case 1:
			fmt.Fprintf(&b, "    response: {curve: hill, beta: %.0f, half_saturation: %.0f, shape: %.2f}\n", beta, h, between(r, 0.6, 1))
		case 2:
			fmt.Fprintf(&b, "    response: {curve: exponential, beta: %.0f, half_saturation: %.0f}\n", beta, h)
		case 3:
			fmt.Fprintf(&b, "    response: {curve: logistic, beta: %.0f, half_saturation: %.0f}\n", beta, h)
		default:
			fmt.Fprintf(&b, "    response: {curve: linear, roas: %.2f}\n    per_week: {max: %.0f}\n", between(r, 1.2, 2.5), h/2)
		}
		if concave || r.IntN(2) == 0 {
			fmt.Fprintf(&b, "    carryover: %.2f\n", between(r, 0.2, 0.7))
		}
	}
	return b.String()
}

// benchTimeLimitEnv overrides every benchmark's time limit (a Go duration
// such as 10m), to measure how long a solve takes past the default minute.
const benchTimeLimitEnv = "PEAKPLAN_BENCH_TIME_LIMIT"

func runBench(b *testing.B, y string, opts optimize.Options) {
	if v := os.Getenv(benchTimeLimitEnv); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			b.Fatalf("%s: %v", benchTimeLimitEnv, err)
		}
		opts.TimeLimit = d
	}
	res := loadYAML(b, y)
	b.ReportAllocs()
	b.ResetTimer()
	var last *optimize.Result
	for b.Loop() {
		r, err := optimize.Solve(res, opts)
		if err != nil {
			b.Fatalf("Solve: %v", err)
		}
		last = r
	}
	b.StopTimer()
	b.ReportMetric(last.Gap, "gap")
	b.ReportMetric(last.Objective, "objective")
	b.ReportMetric(float64(len(res.Channels)*len(res.Periods)), "cells")
	b.Logf("%d channels x %d periods: status %s, gap %.2e, objective %.0f, bound %.0f, %.1fs",
		len(res.Channels), len(res.Periods), last.Status, last.Gap, last.Objective, last.Bound, last.Seconds)
}

// BenchmarkWeekly: one year by week, 6 channels with every kind of curve.
func BenchmarkWeekly(b *testing.B) {
	runBench(b, benchScenario(1, "2027-01-01", "2027-12-31", "week", 6, false, 3e7), optimize.Options{})
}

// BenchmarkDaily: one year by day, 20 concave channels with carry-over.
func BenchmarkDaily(b *testing.B) {
	runBench(b, benchScenario(2, "2027-01-01", "2027-12-31", "day", 20, true, 1e8), optimize.Options{})
}

// BenchmarkDaily3Years50Channels: three years by day, 50 channels of every
// kind, with a 10-minute time limit. Heavy: it runs only when -bench names
// it explicitly.
func BenchmarkDaily3Years50Channels(b *testing.B) {
	if f := flag.Lookup("test.bench"); f == nil || !strings.Contains(f.Value.String(), "3Years") {
		b.Skip("heavy: run with -bench=Daily3Years")
	}
	runBench(b, benchScenario(3, "2027-01-01", "2029-12-31", "day", 50, false, 7.5e8), optimize.Options{TimeLimit: 10 * time.Minute})
}
