package glpk

/*
#include <stdint.h>
*/
import "C"

import (
	"io"
	"runtime/cgo"
	"unsafe"
)

// peakplanGlpkTermOut receives GLPK's terminal output from the C term hook
// when the caller asked for verbose output.
//
//export peakplanGlpkTermOut
func peakplanGlpkTermOut(h C.uintptr_t, s *C.char, n C.int) {
	// A panic must not unwind through GLPK's C frames; verbose output is
	// best effort, so a failing writer is ignored.
	defer func() { _ = recover() }()
	w := cgo.Handle(h).Value().(io.Writer)
	_, _ = w.Write(C.GoBytes(unsafe.Pointer(s), n))
}
