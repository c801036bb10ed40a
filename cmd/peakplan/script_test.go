package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets the test binary stand in for the peakplan command in the
// scripts, so they run the real command line, exit codes included.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"peakplan": func() { os.Exit(run(os.Args[1:], defaultStreams())) },
	})
}

// TestScript runs the end-to-end scripts in testdata/script. Besides the
// standard commands they have
//
//	exits CODE [exec] PROGRAM [ARGS...]
//
// which runs a program and checks its exact exit code (testscript's `! exec`
// only tells zero from non-zero), and the variables $SCENARIOS (the
// repository's testdata/scenarios) and $EXAMPLE (the example scenario).
func TestScript(t *testing.T) {
	scenariosDir, err := filepath.Abs("../../testdata/scenarios")
	if err != nil {
		t.Fatal(err)
	}
	example, err := filepath.Abs("../../examples/skincare-2027.yaml")
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		Setup: func(env *testscript.Env) error {
			env.Setenv("SCENARIOS", scenariosDir)
			env.Setenv("EXAMPLE", example)
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exits": cmdExits,
		},
	})
}

func cmdExits(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("exits takes the expected code instead of !")
	}
	if len(args) < 2 {
		ts.Fatalf("usage: exits CODE [exec] PROGRAM [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exits: bad code %q", args[0])
	}
	cmd := args[1:]
	if cmd[0] == "exec" && len(cmd) > 1 {
		cmd = cmd[1:] // "exits 1 exec peakplan ..." reads like the exec it replaces
	}
	got := 0
	if err := ts.Exec(cmd[0], cmd[1:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("exits: %v", err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited with %d, want %d", cmd[0], got, want)
	}
}
