package scenarios

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"
)

// Hostile files fail fast with a clear message and no panic. The time of
// each is logged, not asserted (machines differ); the test timeout catches
// a file that hangs.
func TestBounds(t *testing.T) {
	var keys strings.Builder
	for i := range 50000 {
		fmt.Fprintf(&keys, "k%d: %d\n", i, i)
	}
	var block strings.Builder // 1,000 levels of block mappings, one space deeper each
	for i := range 1000 {
		block.WriteString(strings.Repeat(" ", i) + "a:\n")
	}
	bomb := `a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
`
	// The bomb where a scenario would read it: aliases inside known fields.
	fieldBomb := strings.Replace(bomb, "a: &a", "horizon: {start: 2027-01-01, end: 2027-12-31}\nbudget: {total: 1}\nx: &a", 1) +
		"channels: *i\n"
	for _, tc := range []struct {
		name, src, want string
	}{
		{"50,000 keys", keys.String(), "a mapping with 50000 keys is more than the 2000 allowed"},
		{"10,000 nested lists", strings.Repeat("[", 10000) + strings.Repeat("]", 10000), "the file nests deeper than 64 levels"},
		{"10,000 nested mappings", strings.Repeat("{a: ", 10000) + "1" + strings.Repeat("}", 10000), "the file nests deeper than 64 levels"},
		{"1,000 nested block mappings", block.String(), "the file nests deeper than 64 levels"},
		{"billion laughs", bomb, "more than 500000 YAML nodes (aliases included)"},
		{"billion laughs in channels", fieldBomb, "more than 500000 YAML nodes (aliases included)"},
		{"5 MiB", "name: x\n# " + strings.Repeat("padding ", 5<<20/8) + "\n", "the file is larger than 4 MiB"},
		{"5 MiB on one line", strings.Repeat("x", 5<<20), "the file is larger than 4 MiB"},
		{"100,000 list items", "channels: [" + strings.Repeat("1,", 100000) + "1]\n", "a list with 100001 items is more than the 20000 allowed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			res, err := Load(bytes.NewReader([]byte(tc.src)), "hostile.yaml")
			t.Logf("%d bytes rejected in %v", len(tc.src), time.Since(start))
			if res != nil || err == nil {
				t.Fatalf("accepted")
			}
			list := errorList(t, err)
			if len(list) != 1 || !strings.Contains(list[0].Msg, tc.want) || !strings.HasPrefix(list[0].Error(), "hostile.yaml") {
				t.Errorf("got %v, want one error with %q", err, tc.want)
			}
		})
	}
}

// Aliases that stay within the bounds are followed, but a small file that
// repeats a long festival or a channel many times cannot make the loader
// do years of work per day.
func TestRepeatedWork(t *testing.T) {
	var b strings.Builder
	b.WriteString("horizon: {start: 2026-01-01, end: 2035-12-31, granularity: day}\nbudget: {total: 100}\n")
	b.WriteString("festivals:\n  - &f {name: x, from: 2026-01-01, to: 2035-12-31, uplift: 2}\n")
	b.WriteString(strings.Repeat("  - *f\n", 999))
	b.WriteString("channels:\n  - &c {name: a, response: {curve: exponential, beta: 1, half_saturation: 1}, available: [")
	b.WriteString(strings.Repeat("{from: 2026-01-01, to: 2035-12-31}, ", 100))
	b.WriteString("]}\n")
	b.WriteString(strings.Repeat("  - *c\n", 499))
	start := time.Now()
	_, err := Load(strings.NewReader(b.String()), "repeat.yaml")
	t.Logf("%d bytes rejected in %v", b.Len(), time.Since(start))
	list := errorList(t, err)
	if !strings.Contains(err.Error(), "the festival windows add up to 3652000 days; at most 40000") {
		t.Errorf("no festival-days error:\n%v", list[0])
	}
}
