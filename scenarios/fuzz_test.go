package scenarios

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzLoad feeds the loader arbitrary bytes, starting from every scenario
// file of the repository, good and bad. Load must never panic; it either
// resolves the file or returns an ErrorList whose every entry points inside
// the file (or at no line at all).
func FuzzLoad(f *testing.F) {
	var seeds []string
	for _, pattern := range []string{"../testdata/scenarios/*/*.yaml", "../examples/*.yaml"} {
		files, err := filepath.Glob(pattern)
		if err != nil {
			f.Fatal(err)
		}
		seeds = append(seeds, files...)
	}
	if len(seeds) < 40 {
		f.Fatalf("only %d seed files", len(seeds))
	}
	for _, path := range seeds {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := Load(bytes.NewReader(data), "fuzz.yaml")
		if err == nil {
			if res == nil {
				t.Fatal("no error and no scenario")
			}
			checkResolved(t, res)
			return
		}
		if res != nil {
			t.Fatal("an error and a scenario")
		}
		var list ErrorList
		if !errors.As(err, &list) || len(list) == 0 {
			t.Fatalf("error %v (%T) is not a non-empty ErrorList", err, err)
		}
		lines := yamlLines(data)
		for _, e := range list {
			if e.File != "fuzz.yaml" || e.Msg == "" {
				t.Errorf("error without file or message: %#v", e)
			}
			if e.Pos.Line < 0 || e.Pos.Line > lines || (e.Pos.Line > 0 && e.Pos.Col < 1) || (e.Pos.Line == 0 && e.Pos.Col != 0) {
				t.Errorf("position %d:%d outside a file of %d lines: %s", e.Pos.Line, e.Pos.Col, lines, e)
			}
		}
	})
}

// checkResolved asserts the invariants every resolved scenario keeps.
func checkResolved(t *testing.T, res *Resolved) {
	t.Helper()
	days := 0
	for i, p := range res.Periods {
		if p.Days < 1 || p.Start.DaysUntil(p.End)+1 != p.Days || (i > 0 && res.Periods[i-1].End.AddDays(1) != p.Start) {
			t.Fatalf("period %d: %+v", i, p)
		}
		days += p.Days
	}
	if days != res.Days() || len(res.Periods) == 0 || len(res.Channels) == 0 {
		t.Fatalf("%d days in periods, %d in the horizon, %d channels", days, res.Days(), len(res.Channels))
	}
	for _, c := range res.Channels {
		if len(c.Uplift) != len(res.Periods) || len(c.Upper) != len(res.Periods) || len(c.AvailableDays) != len(res.Periods) {
			t.Fatalf("channel %q has arrays of the wrong length", c.Name)
		}
		for i := range res.Periods {
			if !(c.Uplift[i] > 0) || !(c.CostIndex[i] > 0) || c.Lower[i] < 0 || c.Lower[i] > c.Upper[i] ||
				c.AvailableDays[i] < 0 || c.AvailableDays[i] > res.Periods[i].Days {
				t.Fatalf("channel %q, period %d: uplift %v cost %v limits %v..%v n %d", c.Name, i, c.Uplift[i], c.CostIndex[i], c.Lower[i], c.Upper[i], c.AvailableDays[i])
			}
		}
	}
	if !(res.FestivalDaysShare >= 0 && res.FestivalDaysShare <= 1) {
		t.Fatalf("festival days share %v", res.FestivalDaysShare)
	}
}

// yamlLines counts lines as YAML does: CR LF, CR, LF, NEL, LS and PS each
// end a line.
func yamlLines(data []byte) int {
	s := string(data)
	n := 1
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\r':
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
			n++
		case s[i] == '\n':
			n++
		case strings.HasPrefix(s[i:], "\u0085"), strings.HasPrefix(s[i:], "\u2028"), strings.HasPrefix(s[i:], "\u2029"):
			n++
		}
	}
	return n
}
