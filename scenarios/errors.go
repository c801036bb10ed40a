// Package scenarios loads, validates and resolves peakplan scenario files.
//
// Load reads a scenario strictly from a reader and reports every problem it
// finds as "file:line:col: reason". Resolve turns a valid scenario into the
// per-period numbers the optimiser and the projections consume, so nothing
// downstream re-derives them.
package scenarios

import (
	"fmt"
	"sort"
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
}

func (e *errs) add(pos Pos, format string, args ...any) {
	e.list = append(e.list, &Error{File: e.file, Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

func (e *errs) err() error {
	if len(e.list) == 0 {
		return nil
	}
	e.list.sortByPos()
	return e.list
}
