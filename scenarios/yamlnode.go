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
		addYAMLError(e, err)
		return nil
	}
	var second yaml.Node
	if err := dec.Decode(&second); err == nil {
		e.add(Pos{Line: second.Line, Col: second.Column}, "the file holds more than one YAML document; a scenario is exactly one")
		return nil
	} else if !errors.Is(err, io.EOF) {
		addYAMLError(e, err)
		return nil
	}
	if first.Kind != yaml.DocumentNode || len(first.Content) != 1 {
		e.add(Pos{Line: 1, Col: 1}, "the file holds no YAML document")
		return nil
	}
	root := first.Content[0]
	if !checkShape(root, e) {
		return nil
	}
	return root
}

// addYAMLError turns a library error ("yaml: line 3: ...") into a positioned
// error. The library gives only a line, so the column is reported as 1.
func addYAMLError(e *errs, err error) {
	msg := err.Error()
	if te, ok := err.(*yaml.TypeError); ok {
		msg = strings.Join(te.Errors, "; ")
	}
	for _, line := range strings.Split(msg, "\n") {
		if m := yamlLineRE.FindStringSubmatch(strings.TrimSpace(line)); m != nil {
			n, _ := strconv.Atoi(m[1])
			e.add(Pos{Line: n, Col: 1}, "invalid YAML: %s", m[2])
			continue
		}
		e.add(Pos{Line: 1, Col: 1}, "invalid YAML: %s", strings.TrimPrefix(line, "yaml: "))
	}
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
		r.add(posOf(n), "%s must be a mapping of fields, got %s", what, kindName(n))
		return false
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], resolveAlias(n.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			r.add(posOf(k), "a key in %s must be a plain name", what)
			continue
		}
		if k.Value == "<<" {
			r.add(posOf(k), "merge keys (<<) are not supported; write the fields out")
			continue
		}
		h, ok := handlers[k.Value]
		if !ok {
			r.add(posOf(k), "unknown field %q in %s (known: %s)", k.Value, what, knownKeys(handlers))
			continue
		}
		h(v)
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
		r.add(posOf(n), "%s must be a list, got %s", what, kindName(n))
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
		r.add(p, "%s must be a number, got %s", what, kindName(n))
		return Num{Pos: p}
	}
	if n.Tag != "!!int" && n.Tag != "!!float" {
		r.add(p, "%s must be a number, got %q", what, n.Value)
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
		r.add(p, "%s must be text, got %s", what, kindName(n))
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
		r.add(p, "%s must be a date (YYYY-MM-DD), got %s", what, kindName(n))
		return DateVal{Pos: p}
	}
	d, err := calendar.ParseDate(n.Value)
	if err != nil {
		r.add(p, "%s: %v", what, err)
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
