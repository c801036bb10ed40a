//go:build linux

package glpk

import (
	"io"
	"os"
	"syscall"
	"testing"
)

// TestGLPKNeverWritesStdout checks that GLPK's terminal output, including
// the message of a fatal error, is captured and never reaches fd 1.
func TestGLPKNeverWritesStdout(t *testing.T) {
	r, w, err := os.Pipe()
	must(t, err)
	defer r.Close()
	saved, err := syscall.Dup(1)
	must(t, err)
	must(t, syscall.Dup3(int(w.Fd()), 1, 0))
	restored := false
	restore := func() {
		if !restored {
			flushCStdout()
			_ = syscall.Dup3(saved, 1, 0)
			_ = syscall.Close(saved)
			_ = w.Close()
			restored = true
		}
	}
	defer restore()

	p := wyndor(t)
	_, err = p.Simplex(SimplexOptions{Presolve: true})
	must(t, err)
	k := genKnapsack(3, 10, 2, 1)
	q := newProblem(t)
	must(t, k.load(q))
	_, err = q.Intopt(MIPOptions{Presolve: true, Cuts: true})
	must(t, err)
	fatal := p.setMatRowUnchecked(0, []int{1, 1}, []float64{1, 1})

	restore()
	out, err := io.ReadAll(r)
	must(t, err)
	if fatal == nil {
		t.Fatal("misuse was not reported")
	}
	if len(out) > 0 {
		t.Errorf("GLPK wrote to stdout: %q", out)
	}
}
