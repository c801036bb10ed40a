package glpk

/*
#include <stdlib.h>
#include "wrap.h"
*/
import "C"

import (
	"fmt"
	"io"
	"os"
	"unsafe"
)

// WriteLP writes the model in CPLEX LP format. GLPK only writes to files,
// so this goes through a temporary file. Names that are not valid in that
// format are replaced by GLPK with generic ones (r_1, x_1, ...).
func (p *Problem) WriteLP(w io.Writer) error {
	const op = "WriteLP"
	f, err := os.CreateTemp("", "peakplan-glpk-*.lp")
	if err != nil {
		return fmt.Errorf("glpk: %s: %w", op, err)
	}
	name := f.Name()
	defer os.Remove(name)
	if err := f.Close(); err != nil {
		return fmt.Errorf("glpk: %s: %w", op, err)
	}
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	err = p.do(func(s *state) error {
		var ret C.int
		if err := s.check(op, C.gw_write_lp(s.prob, cname, &ret)); err != nil {
			return err
		}
		if ret != 0 {
			return fmt.Errorf("glpk: %s: glp_write_lp failed: %s", op, lastOutput())
		}
		return nil
	})
	if err != nil {
		return err
	}
	f, err = os.Open(name)
	if err != nil {
		return fmt.Errorf("glpk: %s: %w", op, err)
	}
	defer f.Close()
	if _, err := io.Copy(w, f); err != nil {
		return fmt.Errorf("glpk: %s: %w", op, err)
	}
	return nil
}
