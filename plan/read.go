package plan

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

	"github.com/peakplan/peakplan/scenarios"
)

// MaxFileBytes bounds a plan file: a daily three-year plan of 50 channels
// with one number a line is about 10 MiB.
const MaxFileBytes = 64 << 20

// maxPlanNodes bounds the YAML nodes of a plan file; maxPlanMappingKeys the
// keys of one mapping (a plan's mappings have a few dozen at most).
const (
	maxPlanNodes       = 20_000_000
	maxPlanMappingKeys = 1000
)

// Positions maps places in a plan file to their lines, so a check can point
// at the number that breaks a limit.
type Positions struct {
	spend map[[2]int]int // (channel, period) -> line
	chans map[int]int    // channel -> line of its name
}

// SpendLine returns the line of channel c's spend in period t, or 0.
func (p *Positions) SpendLine(c, t int) int {
	if p == nil {
		return 0
	}
	if l, ok := p.spend[[2]int{c, t}]; ok {
		return l
	}
	return p.chans[c]
}

// ChannelLine returns the line of channel c's name, or 0.
func (p *Positions) ChannelLine(c int) int {
	if p == nil {
		return 0
	}
	return p.chans[c]
}

var (
	yamlLine     = regexp.MustCompile(`line (\d+)`)
	yamlLinePfx  = regexp.MustCompile(`^(yaml: )?line \d+: `)
	yamlNotFound = regexp.MustCompile(`field (\S+) not found in type \S+`)
	yamlTypeName = regexp.MustCompile(` into [a-z.]*\.?[A-Za-z0-9_\[\]]+$`)
)

// tidyYAMLMessage turns the library's wording into the plan's terms.
func tidyYAMLMessage(msg string) string {
	msg = yamlLinePfx.ReplaceAllString(msg, "")
	msg = yamlNotFound.ReplaceAllString(msg, "unknown field \"$1\"")
	if strings.HasPrefix(msg, "cannot unmarshal") {
		msg = yamlTypeName.ReplaceAllString(msg, "") + " where the plan expects another type"
	}
	return msg
}

// Read reads a plan document (YAML or JSON) strictly: unknown fields, wrong
// types and non-finite numbers are errors with the file's line.
func Read(r io.Reader, name string) (doc *Document, pos *Positions, err error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileBytes+1))
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %v", name, err)
	}
	if len(data) > MaxFileBytes {
		return nil, nil, fmt.Errorf("%s: the file is larger than %d MiB", name, MaxFileBytes>>20)
	}
	if !utf8.Valid(data) {
		return nil, nil, fmt.Errorf("%s: the file is not UTF-8 text", name)
	}
	defer func() {
		if p := recover(); p != nil {
			doc, pos, err = nil, nil, fmt.Errorf("%s: the YAML parser failed on this file: %v", name, p)
		}
	}()
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, nil, planError(name, err)
	}
	if root.Kind != yaml.DocumentNode || len(root.Content) != 1 || root.Content[0].Kind != yaml.MappingNode {
		return nil, nil, fmt.Errorf("%s:1:1: a plan is a mapping with version, periods and channels", name)
	}
	if n := countNodes(root.Content[0], 0); n > maxPlanNodes {
		return nil, nil, fmt.Errorf("%s: the file is too large, too deep or has a mapping with too many keys to be a plan", name)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	doc = &Document{}
	if err := dec.Decode(doc); err != nil {
		return nil, nil, planError(name, err)
	}
	pos = positions(root.Content[0])
	if err := doc.validate(name, pos); err != nil {
		return nil, nil, err
	}
	return doc, pos, nil
}

func countNodes(n *yaml.Node, depth int) int {
	// Deep nesting and huge mappings (whose duplicate-key check is
	// quadratic) have no place in a plan.
	if depth > 100 || (n.Kind == yaml.MappingNode && len(n.Content)/2 > maxPlanMappingKeys) {
		return maxPlanNodes + 1
	}
	c := 1
	for _, k := range n.Content {
		c += countNodes(k, depth+1)
		if c > maxPlanNodes {
			return c
		}
	}
	return c
}

func planError(name string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if te, ok := err.(*yaml.TypeError); ok {
		var parts []string
		for _, e := range te.Errors {
			if m := yamlLine.FindStringSubmatch(e); m != nil {
				parts = append(parts, fmt.Sprintf("%s:%s:1: %s", name, m[1], tidyYAMLMessage(e)))
			} else {
				parts = append(parts, name+": "+tidyYAMLMessage(e))
			}
		}
		return errors.New(strings.Join(parts, "\n"))
	}
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		return fmt.Errorf("%s:%s:1: %s", name, m[1], tidyYAMLMessage(msg))
	}
	return fmt.Errorf("%s: %s", name, msg)
}

// positions finds the line of every spend number.
func positions(root *yaml.Node) *Positions {
	p := &Positions{spend: map[[2]int]int{}, chans: map[int]int{}}
	chans := mapValue(root, "channels")
	if chans == nil || chans.Kind != yaml.SequenceNode {
		return p
	}
	for c, ch := range chans.Content {
		p.chans[c] = ch.Line
		if nm := mapValue(ch, "name"); nm != nil {
			p.chans[c] = nm.Line
		}
		sp := mapValue(ch, "spend")
		if sp == nil || sp.Kind != yaml.SequenceNode {
			continue
		}
		for t, v := range sp.Content {
			p.spend[[2]int{c, t}] = v.Line
		}
	}
	return p
}

func mapValue(n *yaml.Node, key string) *yaml.Node {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// validate checks the document's own consistency (not its limits, which
// need the scenario).
func (d *Document) validate(name string, pos *Positions) error {
	var errs []string
	add := func(line int, format string, args ...any) {
		if line > 0 {
			errs = append(errs, fmt.Sprintf("%s:%d:1: %s", name, line, fmt.Sprintf(format, args...)))
		} else {
			errs = append(errs, fmt.Sprintf("%s: %s", name, fmt.Sprintf(format, args...)))
		}
	}
	if d.Version != Version {
		add(0, "plan version %d is not supported; this peakplan reads version %d", d.Version, Version)
	}
	if len(d.Periods) == 0 {
		add(0, "the plan has no periods")
	}
	if len(d.Channels) == 0 {
		add(0, "the plan has no channels")
	}
	for c, ch := range d.Channels {
		if len(ch.Spend) != len(d.Periods) {
			add(pos.ChannelLine(c), "channel %q has %d spend values for %d periods", ch.Name, len(ch.Spend), len(d.Periods))
		}
		for t, x := range ch.Spend {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				add(pos.SpendLine(c, t), "channel %q spends a non-finite amount in period %d", ch.Name, t+1)
			} else if x < 0 {
				add(pos.SpendLine(c, t), "channel %q spends a negative amount (%s) in period %d", ch.Name, strconv.FormatFloat(x, 'f', -1, 64), t+1)
			}
		}
	}
	if len(errs) > 0 {
		return errors.New(strings.Join(errs, "\n"))
	}
	return nil
}

// Matches reports how the plan's periods and channels differ from the
// scenario's, or nil when they line up.
func (d *Document) Matches(res *scenarios.Resolved) error {
	if len(d.Periods) != len(res.Periods) {
		return fmt.Errorf("the plan has %d periods, the scenario %d", len(d.Periods), len(res.Periods))
	}
	for t, p := range res.Periods {
		if d.Periods[t].Start != p.Start.String() || d.Periods[t].End != p.End.String() {
			return fmt.Errorf("period %d is %s to %s in the plan but %s to %s in the scenario", t+1, d.Periods[t].Start, d.Periods[t].End, p.Start, p.End)
		}
	}
	if len(d.Channels) != len(res.Channels) {
		return fmt.Errorf("the plan has %d channels, the scenario %d", len(d.Channels), len(res.Channels))
	}
	for c, ch := range res.Channels {
		if d.Channels[c].Name != ch.Name {
			return fmt.Errorf("channel %d is %q in the plan but %q in the scenario", c+1, d.Channels[c].Name, ch.Name)
		}
	}
	return nil
}
