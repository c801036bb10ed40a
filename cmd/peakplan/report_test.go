package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Channel and festival names that are injection payloads, and CJK names,
// must reach both HTML paths (optimize --html and report) only as inert
// text. The browser test in charts runs the page itself; this test pins the
// command paths to the same rendering.
func TestReportEscapesUserText(t *testing.T) {
	dir := t.TempDir()
	scenario := filepath.Join(dir, "s.yaml")
	const payloadScript = "</script><script>alert(1)</script>"
	const payloadFunc = "__f__alert(2)__f__"
	yaml := `name: "<img src=x onerror=alert(3)>"
horizon: {start: 2027-01-01, end: 2027-03-31, granularity: week}
budget: {total: 300000}
festivals:
  - {name: "</script><b>fest</b>", from: 2027-02-01, to: 2027-02-07, uplift: 2, cost_index: 1.2}
channels:
  - name: "` + payloadScript + `"
    response: {curve: exponential, beta: 100000, half_saturation: 30000}
  - name: "` + payloadFunc + `"
    response: {curve: hill, beta: 120000, half_saturation: 20000, shape: 2}
  - name: 天猫搜索
    response: {curve: logistic, beta: 80000, half_saturation: 15000}
`
	if err := os.WriteFile(scenario, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	planFile := filepath.Join(dir, "plan.yaml")
	html1 := filepath.Join(dir, "optimize.html")
	html2 := filepath.Join(dir, "report.html")
	if code, _, stderr := runPeakplan(t, "optimize", scenario, "-o", planFile, "--html", html1, "--time-limit", "20s"); code != 0 {
		t.Fatalf("optimize exited %d: %s", code, stderr)
	}
	if code, _, stderr := runPeakplan(t, "report", planFile, "-o", html2, "--lang", "zh"); code != 0 {
		t.Fatalf("report exited %d: %s", code, stderr)
	}
	for _, path := range []string{html1, html2} {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		page := string(data)
		for _, raw := range []string{payloadScript, "<img src=x onerror=alert(3)>", "</script><b>fest</b>"} {
			if strings.Contains(page, raw) {
				t.Errorf("%s holds the raw text %q", filepath.Base(path), raw)
			}
		}
		// The name must still be there, escaped, for the page to show it.
		if !strings.Contains(page, `\u003c/script\u003e\u003cscript\u003ealert(1)\u003c/script\u003e`) &&
			!strings.Contains(page, "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Errorf("%s lost the payload channel's name", filepath.Base(path))
		}
		if !strings.Contains(page, "天猫搜索") {
			t.Errorf("%s lost the CJK channel name", filepath.Base(path))
		}
	}
}
