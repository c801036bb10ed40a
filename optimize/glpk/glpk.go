// Package glpk is a small cgo binding to GLPK 5 (GNU Linear Programming
// Kit) for building and solving LP and MILP models.
//
// Indices of rows and columns are 0-based on the Go side.
//
// # Threads
//
// GLPK keeps its environment (memory, hooks) per OS thread, and deleting a
// problem on a thread other than its creator's is fatal. Each Problem
// therefore owns one goroutine locked to one OS thread for its whole life;
// every GLPK call of that Problem runs there. Methods of one Problem may be
// called from any goroutine (they are serialized); different Problems run
// in parallel. Building a model costs one thread round trip per method
// call, so use the bulk methods (AddCols, AddRows, LoadMatrix, ...).
//
// # Errors
//
// Data that GLPK would abort the process on (bad indices, duplicate matrix
// entries, bad names, non-finite numbers) is rejected in Go first. If GLPK
// still hits a fatal error, its error hook unwinds back into the C wrapper
// of that call, the thread's GLPK environment is freed and the call returns
// a *FatalError carrying what GLPK printed. The Problem is then unusable:
// every later call returns the same *FatalError. Other Problems and new
// ones are unaffected.
//
// Solver outcomes are reported in two parts, as GLPK does: the return code
// of the solver routine (Result.Code, a ReturnCode or nil) and the status
// of the solution afterwards (Result.Status).
//
// GLPK never writes to the process's stdout: terminal output is captured
// and only forwarded to the io.Writer given as Verbose in solver options.
package glpk

/*
#cgo LDFLAGS: -lglpk
#include <stdio.h>
#include <stdlib.h>
#include "wrap.h"

static void gw_flush_stdout(void) { fflush(stdout); }
*/
import "C"

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
)

// ErrClosed is returned by methods of a closed Problem.
var ErrClosed = errors.New("glpk: problem is closed")

// FatalError reports that GLPK detected a fatal error (it would have
// aborted the process). The Problem it happened on is no longer usable.
type FatalError struct {
	Op     string // the binding's operation, e.g. "SetRow"
	Output string // what GLPK printed before giving up
}

func (e *FatalError) Error() string {
	return fmt.Sprintf("glpk: fatal GLPK error in %s (problem is no longer usable): %s", e.Op, e.Output)
}

// Problem is a GLPK problem object together with the OS thread it lives
// on. Create it with New and release it with Close.
type Problem struct {
	mu      sync.Mutex
	closed  bool
	w       *worker
	s       *state
	cleanup runtime.Cleanup
}

// state is the part of a Problem that only closures running on the worker
// touch (while the caller holds Problem.mu). It is separate from Problem
// so the GC cleanup can reach it without keeping the Problem alive.
type state struct {
	prob   *C.glp_prob
	rows   int
	cols   int
	fatal  error
	lastLP C.int // GLP_SOL or GLP_IPT: which LP solution the getters read

	// mark and stamp implement O(len) duplicate-index checks without
	// clearing an array per call.
	mark  []uint32
	stamp uint32
}

type worker struct {
	ops    chan func()
	reply  chan any // nil, or the value of a panic in the op
	exited chan struct{}
	s      *state
}

// New creates an empty problem (minimization, no rows, no columns) on a
// fresh OS thread.
func New() (*Problem, error) {
	w := &worker{
		ops:    make(chan func()),
		reply:  make(chan any),
		exited: make(chan struct{}),
		s:      &state{lastLP: C.GLP_SOL},
	}
	ready := make(chan error)
	go w.loop(ready)
	if err := <-ready; err != nil {
		<-w.exited
		return nil, err
	}
	p := &Problem{w: w, s: w.s}
	// A forgotten Close would leak the thread and GLPK memory.
	p.cleanup = runtime.AddCleanup(p, (*worker).shutdown, w)
	return p, nil
}

func (w *worker) loop(ready chan<- error) {
	defer close(w.exited)
	// Never unlocked: when this goroutine returns, Go ends the thread, so
	// no other goroutine ever runs on a thread with GLPK state.
	runtime.LockOSThread()
	var prob *C.glp_prob
	if C.gw_create(&prob) != C.GW_OK {
		ready <- &FatalError{Op: "New", Output: lastOutput()}
		return
	}
	w.s.prob = prob
	ready <- nil
	for f := range w.ops {
		w.reply <- runOp(f)
	}
}

func runOp(f func()) (pv any) {
	defer func() { pv = recover() }()
	f()
	return nil
}

// run executes f on the worker's thread and waits for it. A panic in f is
// re-raised in the caller's goroutine.
func (w *worker) run(f func()) {
	w.ops <- f
	if pv := <-w.reply; pv != nil {
		panic(pv)
	}
}

// shutdown deletes the problem on its own thread and ends the worker.
func (w *worker) shutdown() {
	s := w.s
	w.run(func() {
		if s.prob != nil {
			C.gw_delete(s.prob)
			s.prob = nil
		} else {
			// Already freed by a fatal error; make sure no env is left.
			C.gw_free_env()
		}
	})
	close(w.ops)
	<-w.exited
}

// Close deletes the problem and ends its thread. It waits for a call in
// progress on another goroutine. Calling Close again does nothing.
func (p *Problem) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return
	}
	p.closed = true
	p.cleanup.Stop()
	p.w.shutdown()
}

// do runs f on the problem's thread unless the problem is closed or dead.
func (p *Problem) do(f func(s *state) error) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return ErrClosed
	}
	if p.s.fatal != nil {
		return p.s.fatal
	}
	var err error
	p.w.run(func() { err = f(p.s) })
	return err
}

// NumRows returns the number of rows.
func (p *Problem) NumRows() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.s.rows
}

// NumCols returns the number of columns.
func (p *Problem) NumCols() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.s.cols
}

// check turns a wrapper's return code into an error. After GW_FATAL the
// wrapper has freed the thread's GLPK environment, problem included.
func (s *state) check(op string, rc C.int) error {
	if rc == C.GW_OK {
		return nil
	}
	s.prob = nil
	s.fatal = &FatalError{Op: op, Output: lastOutput()}
	return s.fatal
}

// lastOutput returns the tail of what GLPK printed during the last wrapper
// call on this thread.
func lastOutput() string {
	var n C.int
	p := C.gw_output(&n)
	return C.GoStringN(p, n)
}

// flushCStdout flushes C's stdout buffer, so a test can see whether GLPK
// wrote anything there.
func flushCStdout() { C.gw_flush_stdout() }
