package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func runCalendar(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(append([]string{"calendar"}, args...), &streams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
	return code, out.String(), errOut.String()
}

func TestCalendarJSON(t *testing.T) {
	code, stdout, stderr := runCalendar(t, "--year", "2027", "--format", "json")
	if code != exitOK {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	var entries []map[string]any
	if err := json.Unmarshal([]byte(stdout), &entries); err != nil {
		t.Fatalf("output is not a JSON list: %v\n%s", err, stdout)
	}
	if len(entries) != 13 {
		t.Errorf("%d entries, want 13", len(entries))
	}
	byKey := map[string]map[string]any{}
	for _, e := range entries {
		for _, field := range []string{"preset", "name", "from", "to", "peak", "uplift", "cost_index"} {
			if _, ok := e[field]; !ok {
				t.Errorf("entry %v has no %q", e, field)
			}
		}
		byKey[e["preset"].(string)] = e
	}
	for key, peak := range map[string]string{
		"spring-festival": "2027-02-06",
		"qixi":            "2027-08-08",
		"mid-autumn":      "2027-09-15",
		"double11":        "2027-11-11",
		"black-friday":    "2027-11-26",
	} {
		if got := byKey[key]["peak"]; got != peak {
			t.Errorf("%s peak %v, want %s", key, got, peak)
		}
	}
	d11 := byKey["double11"]
	if d11["to"] != "2027-11-11" || d11["name"] != "Double 11" || d11["uplift"].(float64) <= 1 {
		t.Errorf("double11 entry %v", d11)
	}
	if sf := byKey["spring-festival"]; sf["uplift"].(float64) >= 1 {
		t.Errorf("spring-festival uplift %v, want a slump below 1", sf["uplift"])
	}
	for i := 1; i < len(entries); i++ {
		if entries[i-1]["from"].(string) > entries[i]["from"].(string) {
			t.Errorf("entries not sorted by from: %v before %v", entries[i-1]["preset"], entries[i]["preset"])
		}
	}
}

func TestCalendarText(t *testing.T) {
	code, stdout, stderr := runCalendar(t, "--year", "2027")
	if code != exitOK {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	for _, want := range []string{"PRESET", "COST INDEX", "double11", "双十一", "2027-02-06", "2027-11-11"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("text output lacks %q:\n%s", want, stdout)
		}
	}
	// Aligned: the FROM column starts at the same place on every row.
	lines := strings.Split(strings.TrimSpace(stdout), "\n")[2:]
	col := strings.Index(lines[0], "FROM")
	for _, line := range lines[1:] {
		if line[col:col+4] != "2027" && line[col:col+4] != "2026" {
			t.Errorf("row not aligned under FROM: %q", line)
		}
	}
}

func TestCalendarErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--year", "2040"}, exitInvalid, "2024-2035"},
		{[]string{"--year", "2023", "--format", "json"}, exitInvalid, "2023 is outside"},
		{[]string{"--year", "2027", "--format", "yaml"}, exitUsage, "--format"},
		{[]string{"--yeer", "2027"}, exitUsage, "unknown flag"},
		{[]string{"--year", "next"}, exitUsage, "invalid argument"},
		{[]string{"2027"}, exitUsage, "unknown command"},
	} {
		code, stdout, stderr := runCalendar(t, tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.want) {
			t.Errorf("calendar %v: exit %d, stderr %q; want exit %d mentioning %q", tc.args, code, stderr, tc.code, tc.want)
		}
		if stdout != "" {
			t.Errorf("calendar %v printed %q on stdout", tc.args, stdout)
		}
	}
}

func TestCalendarRunDirectly(t *testing.T) {
	var out bytes.Buffer
	err := calendarRun(&calendarOptions{Out: &out, Year: 2036, Format: "text", yearFromClock: true})
	if err == nil || !strings.Contains(err.Error(), "current year") {
		t.Errorf("calendarRun for a clock year outside the calendar: %v", err)
	}
	if err := calendarRun(&calendarOptions{Out: &out, Year: 2024, Format: "json"}); err != nil {
		t.Errorf("calendarRun 2024: %v", err)
	}
}

func TestCalendarHelpHasAnExample(t *testing.T) {
	code, stdout, _ := runCalendar(t, "--help")
	if code != exitOK || !strings.Contains(stdout, "peakplan calendar --year 2027 --format json") {
		t.Errorf("help (exit %d) lacks the example:\n%s", code, stdout)
	}
}
