package scenarios

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// loadFile loads a file the way the CLI does, naming it by its path.
func loadFile(t *testing.T, path string) (*Resolved, error) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return Load(bytes.NewReader(data), path)
}

// errorList asserts that err is a non-empty ErrorList and returns it.
func errorList(t *testing.T, err error) ErrorList {
	t.Helper()
	var list ErrorList
	if !errors.As(err, &list) || len(list) == 0 {
		t.Fatalf("error %v (%T) is not a non-empty ErrorList", err, err)
	}
	return list
}

const badDir = "../testdata/scenarios/bad"

// Every file under testdata/scenarios/bad, with the problem it must report:
// the position of the offending node and a fragment of the sentence. Each
// file holds one mistake, so exactly one error is expected.
var badFiles = []struct {
	file      string
	line, col int
	want      string
}{
	// Dates and windows.
	{"date-not-exist.yaml", 2, 10, "2027-02-30 does not exist: February 2027 has 28 days"},
	{"month-13.yaml", 3, 8, "there is no month 13"},
	{"end-before-start.yaml", 3, 8, "the horizon ends (2027-05-31) before it starts (2027-06-01)"},
	{"horizon-too-long.yaml", 3, 8, "at most 3660 days (ten years)"},
	{"window-outside-horizon.yaml", 7, 14, "the budget window 2028-01-01 to 2028-03-31 lies outside the horizon"},
	{"festival-outside-horizon.yaml", 8, 11, "lies outside the horizon 2027-01-01 to 2027-12-31"},
	{"window-to-before-from.yaml", 14, 32, "the availability window ends (2027-05-01) before it starts (2027-06-01)"},
	{"budget-window-no-limit.yaml", 7, 7, "a budget window needs min or max"},
	{"window-max-nan.yaml", 7, 47, "max must be a finite number, got .nan"},
	{"window-max-negative.yaml", 7, 47, "budget window.max must not be negative, got -1"},
	{"available-empty.yaml", 13, 16, "available must list at least one window"},
	{"window-min-above-total.yaml", 7, 47, "the budget window's min 2000000 is above budget.total 1000000"},
	{"unknown-granularity.yaml", 4, 16, `granularity "fortnight" is not one of day, week, month`},
	// Money and rates.
	{"negative-money.yaml", 5, 10, "budget.total must not be negative, got -500"},
	{"nan-money.yaml", 13, 21, "per_week.max must be a finite number, got .nan"},
	{"inf-money.yaml", 5, 10, "budget.total must be a finite number, got .inf"},
	{"carryover-one.yaml", 13, 16, "carryover 1 must lie in [0, 1)"},
	{"carryover-negative.yaml", 13, 16, "carryover -0.1 must lie in [0, 1)"},
	{"shape-zero.yaml", 12, 14, "shape must be positive, got 0"},
	{"margin-above-one.yaml", 2, 9, "margin 35 must lie in (0, 1]"},
	{"festival-uplift-zero.yaml", 8, 13, "uplift must be positive (1 = normal), got 0"},
	{"min-active-above-max.yaml", 14, 26, "min_active_per_week 50000 is above per_week.max 40000, so the channel could never run"},
	// Names and references.
	{"channel-twice.yaml", 13, 11, `channel "search" is named twice (first at line 7)`},
	{"group-unknown-channel.yaml", 15, 24, `group "brand" names channel "outdoor", which the scenario does not define`},
	{"override-unknown-channel.yaml", 12, 7, `festival override names channel "douyin_live", which the scenario does not define`},
	{"long-name.yaml", 7, 11, "the channel name is 73 characters long; at most 64 are allowed"},
	{"control-char-name.yaml", 7, 11, "control or invisible character (U+0007)"},
	{"bad-currency.yaml", 1, 11, `currency "yuan" is not an ISO 4217 code`},
	{"version-2.yaml", 1, 10, "version 2 is not supported"},
	// Objectives.
	{"profit-without-margin.yaml", 1, 12, "objective profit needs a margin"},
	{"revenue-without-total.yaml", 4, 12, "objective revenue needs budget.total"},
	{"spend-without-target.yaml", 1, 12, "objective spend needs target_revenue"},
	{"unknown-objective.yaml", 1, 12, `objective "roas" is not one of revenue, profit, spend`},
	// Limits that cannot all hold.
	{"minimums-above-budget.yaml", 5, 10, "the channels' minimums (spend.min and per_week.min) add up to 1321429, above budget.total 1000000"},
	{"per-week-min-above-max.yaml", 13, 21, "per_week.min 50000 is above per_week.max 40000"},
	{"group-min-shares.yaml", 21, 16, `groups "performance" and "brand" share no channel, yet their min_share add up to 1.1, above 1`},
	{"group-min-above-max.yaml", 16, 16, `group "brand": min_share 0.6 is above max_share 0.4`},
	// Curves.
	{"unknown-curve.yaml", 9, 14, `curve "sigmoid" is not one of hill, exponential, logistic, linear`},
	{"linear-without-limit.yaml", 9, 14, `a linear curve never saturates, so channel "search" needs an upper limit`},
	{"points-too-few.yaml", 11, 9, `channel "search" has 3 calibration points; a hill curve has 3 parameters, so it needs at least 4`},
	{"points-negative.yaml", 12, 11, "a calibration point's weekly spend must be positive, got -60000"},
	{"points-and-parameters.yaml", 10, 13, "beta does not apply to an exponential curve (give either points or parameters)"},
	{"channel-without-response.yaml", 7, 5, `channel "search" has no response curve`},
	// Festivals and uncertainty.
	{"unknown-preset.yaml", 7, 13, `unknown festival preset "singles-day" (known: new-year-goods, spring-festival,`},
	{"lunar-outside-years.yaml", 7, 13, `festival preset "qixi": the festival calendar covers 2024-2035; 2036 is outside it`},
	{"negative-cv.yaml", 15, 12, "beta_cv must lie in [0, 10] (0.2 = 20% spread), got -0.2"},
	{"samples-zero.yaml", 14, 12, "samples must lie in 1..1000000, got 0"},
	// The file as a whole.
	{"not-utf8.yaml", 4, 10, "the file is not UTF-8 text"},
	{"list-top.yaml", 1, 1, "the scenario must be a mapping of fields, got a list"},
	{"scalar-top.yaml", 1, 1, `the scenario must be a mapping of fields, got "just a sentence, not a scenario"`},
	{"two-documents.yaml", 13, 1, "more than one YAML document"},
	{"empty.yaml", 1, 1, "the file is empty"},
	{"comments-only.yaml", 1, 1, "the file holds no YAML document"},
	{"syntax-tab.yaml", 3, 1, "a tab in the indentation; YAML indents with spaces only"},
	{"no-horizon.yaml", 1, 1, "the scenario has no horizon"},
	{"no-channels.yaml", 1, 1, "the scenario has no channels"},
	// Fields and types.
	{"unknown-top.yaml", 6, 1, `unknown field "budjet" in the scenario; did you mean "budget"?`},
	{"unknown-horizon.yaml", 4, 3, `unknown field "granularty" in horizon; did you mean "granularity"?`},
	{"unknown-channel-field.yaml", 13, 5, `unknown field "carry_over" in a channel; did you mean "carryover"?`},
	{"unknown-response.yaml", 13, 7, `unknown field "alpha" in response (known: beta, beta_cv, curve, half_saturation, points, roas, shape)`},
	{"unknown-festival.yaml", 8, 5, `unknown field "uplfit" in a festival; did you mean "uplift"?`},
	{"unknown-budget-window.yaml", 7, 42, `unknown field "maximum" in a budget window; did you mean "max"?`},
	{"duplicate-key.yaml", 14, 5, `"carryover" is given twice in this mapping (first at line 13)`},
	{"string-for-number.yaml", 5, 10, `budget.total must be a number, got "one million"`},
	{"quoted-number.yaml", 5, 10, "write the number without quotes"},
	{"thousands-separator.yaml", 5, 10, "write numbers without thousands separators"},
	{"list-for-mapping.yaml", 1, 10, "horizon must be a mapping of fields, got a list"},
	{"channels-not-list.yaml", 7, 3, "channels must be a list, got a mapping"},
	{"bool-for-text.yaml", 13, 11, "kind must be text, got the yes/no value true (quote it)"},
	{"merge-key.yaml", 14, 7, "merge keys (<<) are not supported"},
}

func TestBadFiles(t *testing.T) {
	listed := map[string]bool{"several-errors.yaml": true}
	for _, tc := range badFiles {
		listed[tc.file] = true
		t.Run(strings.TrimSuffix(tc.file, ".yaml"), func(t *testing.T) {
			path := filepath.Join(badDir, tc.file)
			res, err := loadFile(t, path)
			if res != nil {
				t.Errorf("a bad file returned a resolved scenario")
			}
			list := errorList(t, err)
			if len(list) != 1 {
				t.Errorf("%d errors, want exactly 1:\n%v", len(list), err)
			}
			e := list[0]
			if e.File != path || e.Pos.Line != tc.line || e.Pos.Col != tc.col || !strings.Contains(e.Msg, tc.want) {
				t.Errorf("got  %s\nwant %s:%d:%d: ...%s...", e, path, tc.line, tc.col, tc.want)
			}
			// The printed form names the file, the line and the column.
			if prefix := path + ":" + strconv.Itoa(tc.line) + ":" + strconv.Itoa(tc.col) + ": "; !strings.HasPrefix(e.Error(), prefix) {
				t.Errorf("%q does not start with %q", e.Error(), prefix)
			}
		})
	}
	// Every bad file is in the table, so none goes untested.
	files, err := filepath.Glob(filepath.Join(badDir, "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if !listed[filepath.Base(f)] {
			t.Errorf("%s is not in the table of bad files", f)
		}
	}
	if len(badFiles) < 35 {
		t.Errorf("only %d bad files", len(badFiles))
	}
}

// A file with many mistakes reports all of them in one run, in file order:
// type errors do not hide range errors elsewhere, and no mistake is
// reported twice.
func TestSeveralErrorsAllReported(t *testing.T) {
	path := filepath.Join(badDir, "several-errors.yaml")
	_, err := loadFile(t, path)
	list := errorList(t, err)
	want := []struct {
		line, col int
		msg       string
	}{
		{2, 12, "objective profit needs a margin"},
		{8, 10, "budget.total must not be negative, got -100"},
		{11, 13, "uplift must be positive (1 = normal), got -3"},
		{17, 24, "half_saturation must be positive, got 0"},
		{19, 16, "carryover 1.2 must lie in [0, 1)"},
		{20, 21, "per_week.min 50000 is above per_week.max 40000"},
		{21, 11, `channel "search" is named twice (first at line 13)`},
		{22, 23, `curve "sigmoid" is not one of hill, exponential, logistic, linear`},
		{23, 5, `unknown field "colour" in a channel`},
		{26, 16, `group "brand" names channel "outdoor", which the scenario does not define`},
		{27, 16, "min_share 2 must lie in [0, 1]"},
	}
	if len(list) != len(want) {
		t.Errorf("%d errors, want %d:\n%v", len(list), len(want), err)
	}
	for i := range min(len(list), len(want)) {
		e, w := list[i], want[i]
		if e.File != path || e.Pos.Line != w.line || e.Pos.Col != w.col || !strings.Contains(e.Msg, w.msg) {
			t.Errorf("error %d: got %s, want %d:%d: ...%s...", i, e, w.line, w.col, w.msg)
		}
	}
	// The combined message lists every error on its own line.
	if n := strings.Count(err.Error(), "\n") + 1; n != len(want) {
		t.Errorf("the error text has %d lines, want %d", n, len(want))
	}
}

// Mistakes that follow from one another are reported once: a list where a
// mapping belongs does not also "lack a start date", a value of the wrong
// type is not also "missing".
func TestNoFollowUpErrors(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      []string
	}{
		{"horizon not a mapping", "horizon: 2027\nbudget: {total: 1}\nchannels: [{name: a, response: {curve: exponential, beta: 1, half_saturation: 1}}]\n",
			[]string{`1:10: horizon must be a mapping of fields, got "2027"`}},
		{"budget total wrong type", "horizon: {start: 2027-01-01, end: 2027-12-31}\nbudget: {total: [1]}\nchannels: [{name: a, response: {curve: exponential, beta: 1, half_saturation: 1}}]\n",
			[]string{"2:17: budget.total must be a number, got a list"}},
		{"margin wrong type", "objective: profit\nmargin: high\nhorizon: {start: 2027-01-01, end: 2027-12-31}\nbudget: {total: 1}\nchannels: [{name: a, response: {curve: exponential, beta: 1, half_saturation: 1}}]\n",
			[]string{`2:9: margin must be a number, got "high"`}},
		{"response not a mapping", "horizon: {start: 2027-01-01, end: 2027-12-31}\nbudget: {total: 1}\nchannels:\n  - name: a\n    response: hill\n",
			[]string{`5:15: response must be a mapping of fields, got "hill"`}},
		{"festival not a mapping", "horizon: {start: 2027-01-01, end: 2027-12-31}\nbudget: {total: 1}\nfestivals: [double11]\nchannels: [{name: a, response: {curve: exponential, beta: 1, half_saturation: 1}}]\n",
			[]string{`3:13: a festival must be a mapping of fields, got "double11"`}},
		{"misspelt window field", "horizon: {start: 2027-01-01, end: 2027-12-31}\nbudget: {total: 1}\nchannels:\n  - name: a\n    response: {curve: exponential, beta: 1, half_saturation: 1}\n    available:\n      - {form: 2027-01-01, to: 2027-02-01}\n",
			[]string{`7:10: unknown field "form" in an availability window; did you mean "from"?`}},
		{"channel name too long, used by a group", "horizon: {start: 2027-01-01, end: 2027-12-31}\nbudget: {total: 1}\nchannels:\n  - name: " + strings.Repeat("x", 65) + "\n    response: {curve: exponential, beta: 1, half_saturation: 1}\ngroups: [{name: g, channels: [" + strings.Repeat("x", 65) + "], min_share: 0.1}]\n",
			[]string{"4:11: the channel name is 65 characters long"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(strings.NewReader(tc.src), "s.yaml")
			list := errorList(t, err)
			if len(list) != len(tc.want) {
				t.Errorf("%d errors, want %d:\n%v", len(list), len(tc.want), err)
			}
			for i := range min(len(list), len(tc.want)) {
				if !strings.HasPrefix(list[i].Error(), "s.yaml:"+tc.want[i]) {
					t.Errorf("got %s\nwant s.yaml:%s...", list[i], tc.want[i])
				}
			}
		})
	}
}

// Small files whose problem is where the YAML library places positions
// oddly: the position stays inside the file.
func TestOddPositions(t *testing.T) {
	for _, tc := range []struct {
		name, src, want string
	}{
		{"an empty document", "---", "1:1: the file holds an empty YAML document"},
		{"a document marker and a comment", "--- # nothing\n", "1:1: the file holds an empty YAML document"},
		{"a lone carriage return", "\r0", "2:1: the scenario must be a mapping of fields, got \"0\""},
		{"a missing value at the end", "horizon:", "1:9: horizon must be a mapping of fields, got nothing"},
		{"a byte order mark", "\ufeffhorizon: 1", "1:10: horizon must be a mapping of fields, got \"1\""},
	} {
		_, err := Load(strings.NewReader(tc.src), "s.yaml")
		list := errorList(t, err)
		if !strings.Contains("\n"+err.Error(), "\ns.yaml:"+tc.want) {
			t.Errorf("%s: got %v, want s.yaml:%s", tc.name, err, tc.want)
		}
		for _, e := range list {
			if e.Pos.Line > strings.Count(strings.ReplaceAll(tc.src, "\r", "\n"), "\n")+1 {
				t.Errorf("%s: %s lies past the end of the file", tc.name, e)
			}
		}
	}
}

// A file with a great many mistakes reports the first MaxErrors and says
// how many more there are.
func TestErrorsAreCapped(t *testing.T) {
	var b strings.Builder
	b.WriteString("horizon: {start: 2027-01-01, end: 2027-12-31}\nbudget: {total: 1}\nchannels:\n")
	for range 300 {
		b.WriteString("  - {name: a, response: {curve: exponential, beta: 1, half_saturation: 1}}\n")
	}
	_, err := Load(strings.NewReader(b.String()), "s.yaml")
	list := errorList(t, err)
	if len(list) != MaxErrors+1 || !strings.Contains(list[MaxErrors].Msg, "and 199 more problems") {
		t.Errorf("%d errors, the last %q", len(list), list[len(list)-1])
	}
}

// Parse then Resolve gives the same result as Load.
func TestParseThenResolve(t *testing.T) {
	data, err := os.ReadFile("../examples/skincare-2027.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s, err := Parse(bytes.NewReader(data), "skincare-2027.yaml")
	if err != nil {
		t.Fatal(err)
	}
	a, err := s.Resolve()
	if err != nil {
		t.Fatal(err)
	}
	b, err := Load(bytes.NewReader(data), "skincare-2027.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Periods) != len(b.Periods) || len(a.Channels) != len(b.Channels) || a.FestivalDaysShare != b.FestivalDaysShare {
		t.Errorf("Parse+Resolve and Load differ")
	}
	// Parse accepts what only Resolve rejects.
	s, err = Parse(strings.NewReader("horizon: {start: 2027-06-01, end: 2027-01-01}\nbudget: {total: 1}\nchannels: [{name: a, response: {curve: exponential, beta: 1, half_saturation: 1}}]\n"), "p.yaml")
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if _, err := s.Resolve(); err == nil || !strings.Contains(err.Error(), "p.yaml:1:") {
		t.Errorf("Resolve of a horizon that ends before it starts: %v", err)
	}
}
