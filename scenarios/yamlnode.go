package scenarios

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/peakplan/peakplan/scenarios/calendar"
)

// Bounds on untrusted files. A real scenario is a few kilobytes with tens of
// keys per mapping; these limits are orders of magnitude above that and far
// below what makes the YAML library slow (its duplicate-key check is
// quadratic in the keys of a mapping).
const (
	MaxFileBytes    = 4 << 20 // 4 MiB
	maxMappingKeys  = 2000    // keys in one mapping
	maxSequenceLen  = 20000   // items in one sequence
	maxNesting      = 64      // depth of nested collections
	maxVisitedNodes = 500000  // nodes walked, counting alias expansions
)

var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// parseYAML reads one YAML document into a node tree after checking size,
// encoding and the number of documents. It never panics.
func parseYAML(r io.Reader, e *errs) (doc *yaml.Node) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileBytes+1))
	if err != nil {
		e.add(Pos{}, "cannot read the file: %v", err)
		return nil
	}
	if len(data) > MaxFileBytes {
		e.add(Pos{}, "the file is larger than %d MiB; a scenario is a few kilobytes", MaxFileBytes>>20)
		return nil
	}
	if pos, ok := firstInvalidUTF8(data); !ok {
		e.add(pos, "the file is not UTF-8 text (invalid byte at this position); save it as UTF-8")
		return nil
	}
	e.lines = countLines(data)
	if len(bytes.TrimSpace(data)) == 0 {
		e.add(Pos{Line: 1, Col: 1}, "the file is empty; a scenario is a YAML mapping (see 'peakplan init')")
		return nil
	}
	defer func() {
		// The YAML library re-raises panics that are not its own; a file
		// must never crash the tool.
		if p := recover(); p != nil {
			e.add(Pos{}, "the YAML parser failed on this file: %v", p)
			doc = nil
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var first yaml.Node
	if err := dec.Decode(&first); err != nil {
		if errors.Is(err, io.EOF) {
			e.add(Pos{Line: 1, Col: 1}, "the file holds no YAML document")
			return nil
		}
		addYAMLError(e, err, data)
		return nil
	}
	var second yaml.Node
	if err := dec.Decode(&second); err == nil {
		e.add(Pos{Line: second.Line, Col: second.Column}, "the file holds more than one YAML document; a scenario is exactly one")
		return nil
	} else if !errors.Is(err, io.EOF) {
		addYAMLError(e, err, data)
		return nil
	}
	if first.Kind != yaml.DocumentNode || len(first.Content) != 1 {
		e.add(Pos{Line: 1, Col: 1}, "the file holds no YAML document")
		return nil
	}
	root := first.Content[0]
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" && root.Value == "" {
		e.add(Pos{Line: 1, Col: 1}, "the file holds an empty YAML document; a scenario is a mapping of fields (see 'peakplan init')")
		return nil
	}
	if !checkShape(root, e) {
		return nil
	}
	return root
}

// addYAMLError turns a library error ("yaml: line 3: ...") into a positioned
// error. The library gives only a line, so the column is reported as 1,
// except for tabs, which are found in the text.
func addYAMLError(e *errs, err error, data []byte) {
	msg := err.Error()
	if te, ok := err.(*yaml.TypeError); ok {
		msg = strings.Join(te.Errors, "; ")
	}
	for _, line := range strings.Split(msg, "\n") {
		if m := yamlLineRE.FindStringSubmatch(strings.TrimSpace(line)); m != nil {
			n, _ := strconv.Atoi(m[1])
			pos := Pos{Line: n, Col: 1}
			reason := m[2]
			if strings.Contains(reason, "tab character") {
				if p, ok := indentTab(data, n); ok {
					pos = p
				}
				reason = "a tab in the indentation; YAML indents with spaces only"
			}
			e.add(pos, "invalid YAML: %s%s", reason, yamlHint(reason))
			continue
		}
		e.add(Pos{Line: 1, Col: 1}, "invalid YAML: %s", strings.TrimPrefix(line, "yaml: "))
	}
}

// indentTab finds the first tab in the indentation of a line at or after
// line from (the library reports the line where the value it was reading
// began, not the tab's).
func indentTab(data []byte, from int) (Pos, bool) {
	for i, line := range strings.Split(string(data), "\n") {
		if i+1 < from {
			continue
		}
		for col, r := range []rune(line) {
			if r == '\t' {
				return Pos{Line: i + 1, Col: col + 1}, true
			}
			if r != ' ' {
				break
			}
		}
	}
	return Pos{}, false
}

// yamlHint adds what usually causes the library's terser complaints.
func yamlHint(reason string) string {
	switch {
	case strings.Contains(reason, "mapping values are not allowed"):
		return " (a value holding \": \" needs quotes, or the indentation is off)"
	case strings.Contains(reason, "did not find expected key"),
		strings.Contains(reason, "did not find expected '-' indicator"):
		return " (check the indentation of this line and the one before)"
	case strings.Contains(reason, "found character that cannot start any token"):
		return " (quote values that start with @ or `)"
	}
	return ""
}

// firstInvalidUTF8 returns the position of the first byte that is not UTF-8.
func firstInvalidUTF8(data []byte) (Pos, bool) {
	if utf8.Valid(data) {
		return Pos{}, true
	}
	line, col := 1, 1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return Pos{Line: line, Col: col}, false
		}
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
		i += size
	}
	return Pos{Line: line, Col: col}, false
}

// checkShape bounds the node tree before anything walks it for meaning:
// nesting, mapping sizes, sequence lengths, duplicate keys and the total
// number of nodes reached through aliases.
func checkShape(root *yaml.Node, e *errs) bool {
	visited := 0
	ok := true
	var walk func(n *yaml.Node, depth int)
	walk = func(n *yaml.Node, depth int) {
		if !ok {
			return
		}
		visited++
		if visited > maxVisitedNodes {
			e.add(posOf(n), "the file expands to more than %d YAML nodes (aliases included); a scenario is far smaller", maxVisitedNodes)
			ok = false
			return
		}
		if depth > maxNesting {
			e.add(posOf(n), "the file nests deeper than %d levels", maxNesting)
			ok = false
			return
		}
		switch n.Kind {
		case yaml.AliasNode:
			if n.Alias != nil {
				walk(n.Alias, depth+1)
			}
		case yaml.MappingNode:
			if len(n.Content)/2 > maxMappingKeys {
				e.add(posOf(n), "a mapping with %d keys is more than the %d allowed", len(n.Content)/2, maxMappingKeys)
				ok = false
				return
			}
			seen := make(map[string]*yaml.Node, len(n.Content)/2)
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i]
				if k.Kind == yaml.ScalarNode {
					if prev, dup := seen[k.Value]; dup {
						e.add(posOf(k), "%q is given twice in this mapping (first at line %d)", k.Value, prev.Line)
					} else {
						seen[k.Value] = k
					}
				}
				walk(k, depth+1)
				walk(n.Content[i+1], depth+1)
			}
		case yaml.SequenceNode:
			if len(n.Content) > maxSequenceLen {
				e.add(posOf(n), "a list with %d items is more than the %d allowed", len(n.Content), maxSequenceLen)
				ok = false
				return
			}
			for _, c := range n.Content {
				walk(c, depth+1)
			}
		}
	}
	walk(root, 0)
	return ok
}

func posOf(n *yaml.Node) Pos { return Pos{Line: n.Line, Col: n.Column} }

// resolveAlias follows aliases to the node they stand for.
func resolveAlias(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < maxNesting; i++ {
		n = n.Alias
	}
	return n
}

// reader walks a node tree for meaning, collecting errors as it goes.
type reader struct {
	*errs
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "nothing"
		}
		return fmt.Sprintf("%q", n.Value)
	}
	return "something else"
}

// fields reads a mapping whose keys are known in advance. Each handler gets
// the value node; unknown keys are errors that list the known ones.
func (r *reader) fields(n *yaml.Node, what string, handlers map[string]func(*yaml.Node)) bool {
	n = resolveAlias(n)
	if n.Kind != yaml.MappingNode {
		r.addBroken(posOf(n), "%s must be a mapping of fields, got %s", what, kindName(n))
		return false
	}
	unknown := false
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], resolveAlias(n.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			r.add(posOf(k), "a key in %s must be a plain name", what)
			unknown = true
			continue
		}
		if k.Value == "<<" {
			r.add(posOf(k), "merge keys (<<) are not supported; write the fields out")
			unknown = true
			continue
		}
		h, ok := handlers[k.Value]
		if !ok {
			r.add(posOf(k), "unknown field %q in %s%s (known: %s)", k.Value, what, didYouMean(k.Value, handlers), knownKeys(handlers))
			unknown = true
			continue
		}
		h(v)
	}
	if unknown {
		// A misspelt field is usually the one a later check finds missing
		// ("needs min or max"): say it once, at the misspelling.
		r.markBroken(posOf(n))
	}
	return true
}

func knownKeys(handlers map[string]func(*yaml.Node)) string {
	keys := make([]string, 0, len(handlers))
	for k := range handlers {
		keys = append(keys, k)
	}
	sortStrings(keys)
	return strings.Join(keys, ", ")
}

// list reads a sequence, calling item for each element.
func (r *reader) list(n *yaml.Node, what string, item func(i int, n *yaml.Node)) {
	n = resolveAlias(n)
	if n.Kind != yaml.SequenceNode {
		r.addBroken(posOf(n), "%s must be a list, got %s", what, kindName(n))
		return
	}
	for i, c := range n.Content {
		item(i, resolveAlias(c))
	}
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

// number reads a finite number.
func (r *reader) number(n *yaml.Node, what string) Num {
	p := posOf(n)
	if n.Kind != yaml.ScalarNode || isNull(n) {
		r.addBroken(p, "%s must be a number, got %s", what, kindName(n))
		return Num{Pos: p}
	}
	if n.Tag != "!!int" && n.Tag != "!!float" {
		r.add(p, "%s must be a number, got %q%s", what, n.Value, numberHint(n.Value))
		return Num{Pos: p}
	}
	var f float64
	if err := n.Decode(&f); err != nil {
		r.add(p, "%s must be a number, got %q", what, n.Value)
		return Num{Pos: p}
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		r.add(p, "%s must be a finite number, got %s", what, n.Value)
		return Num{Pos: p}
	}
	return Num{V: f, Set: true, Pos: p}
}

// integer reads a whole number.
func (r *reader) integer(n *yaml.Node, what string) Num {
	v := r.number(n, what)
	if v.Set && (v.V != math.Trunc(v.V) || math.Abs(v.V) > 1<<53) {
		r.add(v.Pos, "%s must be a whole number, got %s", what, n.Value)
		v.Set = false
	}
	return v
}

// text reads a scalar as text. Numbers are accepted as their literal text
// (a festival preset "618" is often written unquoted).
func (r *reader) text(n *yaml.Node, what string) Text {
	p := posOf(n)
	if n.Kind != yaml.ScalarNode || isNull(n) {
		r.addBroken(p, "%s must be text, got %s", what, kindName(n))
		return Text{Pos: p}
	}
	if n.Tag == "!!bool" {
		r.add(p, "%s must be text, got the yes/no value %s (quote it)", what, n.Value)
		return Text{Pos: p}
	}
	return Text{V: n.Value, Set: true, Pos: p}
}

// date reads an ISO date that exists.
func (r *reader) date(n *yaml.Node, what string) DateVal {
	p := posOf(n)
	if n.Kind != yaml.ScalarNode || isNull(n) {
		r.addBroken(p, "%s must be a date (YYYY-MM-DD), got %s", what, kindName(n))
		return DateVal{Pos: p}
	}
	d, err := calendar.ParseDate(n.Value)
	if err != nil {
		r.add(p, "%s: %s", what, dateProblem(n.Value, err))
		return DateVal{Pos: p}
	}
	return DateVal{D: d, Set: true, Pos: p}
}

// Num is an optional number with the position it was read from.
type Num struct {
	V   float64
	Set bool
	Pos Pos
}

// Text is optional text with its position.
type Text struct {
	V   string
	Set bool
	Pos Pos
}

// DateVal is an optional date with its position.
type DateVal struct {
	D   calendar.Date
	Set bool
	Pos Pos
}

// didYouMean suggests the known field closest to a misspelt one, if any is
// close enough to be the one meant.
func didYouMean(key string, handlers map[string]func(*yaml.Node)) string {
	best, bestDist := "", 3
	for k := range handlers {
		d := editDistance(strings.ToLower(key), k)
		if len(k) >= 3 && len(key) > len(k) && strings.HasPrefix(strings.ToLower(key), k) {
			d = 1 // "maximum" for "max"
		}
		if d < bestDist || (d == bestDist && best != "" && k < best) {
			best, bestDist = k, d
		}
	}
	if best == "" || bestDist*2 > len(best) {
		return ""
	}
	return fmt.Sprintf("; did you mean %q?", best)
}

// editDistance is the Levenshtein distance between two short strings.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > 64 || len(rb) > 64 {
		return 1 << 20
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

var thousandsRE = regexp.MustCompile(`^[-+]?\d{1,3}([,_ ]\d{3})+(\.\d+)?$`)

// numberHint explains the usual reasons a number was read as text.
func numberHint(v string) string {
	if _, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
		return " (text in quotes; write the number without quotes)"
	}
	if thousandsRE.MatchString(strings.TrimSpace(v)) {
		return " (write numbers without thousands separators: 1500000)"
	}
	if strings.HasSuffix(strings.TrimSpace(v), "%") {
		return " (write a share as a fraction: 35% is 0.35)"
	}
	return ""
}

var dateFormRE = regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})$`)

// dateProblem says why text is not a date: the wrong form, or a day that
// does not exist in that month.
func dateProblem(v string, err error) string {
	m := dateFormRE.FindStringSubmatch(v)
	if m == nil {
		return fmt.Sprintf("%q is not a date; write it as YYYY-MM-DD, e.g. 2027-06-18", v)
	}
	year, _ := strconv.Atoi(m[1])
	month, _ := strconv.Atoi(m[2])
	day, _ := strconv.Atoi(m[3])
	if month < 1 || month > 12 {
		return fmt.Sprintf("%s does not exist: there is no month %d", v, month)
	}
	days := calendar.MakeDate(year, time.Month(month)+1, 1).AddDays(-1).Day()
	if day < 1 || day > days {
		return fmt.Sprintf("%s does not exist: %s %d has %d days", v, time.Month(month), year, days)
	}
	return err.Error()
}

// countLines counts the lines of a file as YAML does: CR LF, CR, LF, NEL,
// LS and PS each end one.
func countLines(data []byte) int {
	n := 1
	for i := 0; i < len(data); i++ {
		switch {
		case data[i] == '\r':
			if i+1 < len(data) && data[i+1] == '\n' {
				i++
			}
			n++
		case data[i] == '\n':
			n++
		case bytes.HasPrefix(data[i:], []byte("\u0085")), bytes.HasPrefix(data[i:], []byte("\u2028")), bytes.HasPrefix(data[i:], []byte("\u2029")):
			n++
		}
	}
	return n
}
