// Package scenarios loads, validates and resolves peakplan scenario files.
//
// Load reads a scenario strictly from a reader and reports every problem it
// finds as "file:line:col: reason". Resolve turns a valid scenario into the
// per-period numbers the optimiser and the projections consume, so nothing
// downstream re-derives them.
package scenarios

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Pos is a position in a scenario file; Line and Col count from 1, and a zero
// Line means the position is unknown.
type Pos struct {
	Line int
	Col  int
}

// Error is one problem found in a file.
type Error struct {
	File string
	Pos  Pos
	Msg  string
}

func (e *Error) Error() string {
	switch {
	case e.Pos.Line > 0 && e.File != "":
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Pos.Line, e.Pos.Col, e.Msg)
	case e.File != "":
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	case e.Pos.Line > 0:
		return fmt.Sprintf("%d:%d: %s", e.Pos.Line, e.Pos.Col, e.Msg)
	}
	return e.Msg
}

// ErrorList collects every problem of a file, so a user fixes them in one go.
type ErrorList []*Error

func (l ErrorList) Error() string {
	msgs := make([]string, len(l))
	for i, e := range l {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "\n")
}

// sortByPos orders errors by position, keeping the order of equal positions.
func (l ErrorList) sortByPos() {
	sort.SliceStable(l, func(i, j int) bool {
		if l[i].Pos.Line != l[j].Pos.Line {
			return l[i].Pos.Line < l[j].Pos.Line
		}
		return l[i].Pos.Col < l[j].Pos.Col
	})
}

// errs accumulates errors of one file.
type errs struct {
	file string
	list ErrorList
	// broken holds the positions of nodes reported as the wrong kind (a
	// list where a mapping belongs, ...). Every later complaint about the
	// same node ("needs a start date") follows from that one and would only
	// bury it, so it is dropped.
	broken map[Pos]bool
	// lines is the file's number of lines, when known. The YAML library
	// places a missing value at the end of the file, which may be past
	// the last line when that has no line break; such positions are
	// moved to the last line.
	lines int
}

func (e *errs) add(pos Pos, format string, args ...any) {
	if pos.Line > 0 && e.broken[pos] {
		return
	}
	if e.lines > 0 && pos.Line > e.lines {
		pos = Pos{Line: e.lines, Col: 1}
	}
	e.list = append(e.list, &Error{File: e.file, Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

// addBroken reports a node of the wrong kind and silences later complaints
// about it.
func (e *errs) addBroken(pos Pos, format string, args ...any) {
	e.add(pos, format, args...)
	e.markBroken(pos)
}

// markBroken silences later complaints about the node at pos.
func (e *errs) markBroken(pos Pos) {
	if pos.Line > 0 {
		if e.broken == nil {
			e.broken = make(map[Pos]bool)
		}
		e.broken[pos] = true
	}
}

// num formats a number for a message as a person writes it: 1500000, not
// 1.5e+06.
func num(v float64) string {
	// Twelve significant digits hide binary rounding (0.7+0.4 shows as 1.1).
	v, _ = strconv.ParseFloat(strconv.FormatFloat(v, 'g', 12, 64), 64)
	if math.Abs(v) < 1e15 {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// MaxErrors is the most problems reported for one file; past it, one more
// entry says how many were left out.
const MaxErrors = 100

func (e *errs) err() error {
	if len(e.list) == 0 {
		return nil
	}
	e.list.sortByPos()
	if n := len(e.list); n > MaxErrors {
		e.list = append(e.list[:MaxErrors:MaxErrors], &Error{File: e.file, Pos: e.list[MaxErrors].Pos,
			Msg: fmt.Sprintf("and %d more problems; fix these first", n-MaxErrors)})
	}
	return e.list
}
