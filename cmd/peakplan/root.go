package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
)

// Exit codes of cli.md. Code 2 is left to the Go runtime, which uses it when
// it crashes, so a crash can never pass for an answer.
const (
	exitOK      = 0
	exitInvalid = 1  // invalid input, failed check, infeasible scenario
	exitSolver  = 3  // solver failure or time limit without a feasible plan
	exitUsage   = 64 // sysexits' EX_USAGE
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// streams are the command's standard input and outputs, so tests can run
// commands in-process and read what they print.
type streams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
}

func defaultStreams() *streams {
	return &streams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr}
}

// exitError carries an exit code with the error that caused it. A nil err
// means the command has already said what went wrong.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// usageErrorf reports a mistake in how the command was called (exit 64).
func usageErrorf(format string, args ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, args...)}
}

// invalidError reports bad input or a failed check (exit 1).
func invalidError(err error) error { return &exitError{code: exitInvalid, err: err} }

// silentExit ends with code after the command has printed its own diagnostics.
func silentExit(code int) error { return &exitError{code: code} }

// usageArgs wraps a cobra argument check so that its failure is a usage error.
func usageArgs(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := check(cmd, args); err != nil {
			return usageErrorf("%v", err)
		}
		return nil
	}
}

func newRootCmd(s *streams) *cobra.Command {
	root := &cobra.Command{
		Use:   "peakplan",
		Short: "Plan a year of marketing spend around the festival calendar",
		Long: `peakplan decides how much each channel spends in each period of a year,
concentrating the budget into the festival battles (618, Double 11, ...) where
demand and conversion peak, and proves how much that gains over spreading the
budget evenly.`,
		Example: `  peakplan init my-plan && peakplan optimize my-plan/scenario.yaml --html report.html
  peakplan calendar --year 2027
  peakplan check plans/2027.yaml --max-gap 1`,
		Version:       version,
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetIn(s.In)
	root.SetOut(s.Out)
	root.SetErr(s.ErrOut)
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return usageErrorf("%v\nRun '%s --help' for usage.", err, cmd.CommandPath())
	})
	for _, add := range commands {
		root.AddCommand(add(s))
	}
	return root
}

// commands lists the constructors of the subcommands; each command file adds
// its own in an init function, so commands stay one file each.
var commands []func(*streams) *cobra.Command

func registerCommand(newCmd func(*streams) *cobra.Command) {
	commands = append(commands, newCmd)
}

// run executes the command line and returns the process exit code.
func run(args []string, s *streams) int {
	root := newRootCmd(s)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintf(s.ErrOut, "peakplan: %v\n", ee.err)
		}
		return ee.code
	}
	// Errors cobra raises itself (unknown command, bad arguments) are usage errors.
	fmt.Fprintf(s.ErrOut, "peakplan: %v\n", err)
	return exitUsage
}
