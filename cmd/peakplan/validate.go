package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/peakplan/peakplan/plan"
	"github.com/peakplan/peakplan/scenarios"
)

type validateOptions struct {
	io     *streams
	files  []string
	format string
}

func init() { registerCommand(newValidateCmd) }

func newValidateCmd(s *streams) *cobra.Command {
	opts := &validateOptions{io: s}
	cmd := &cobra.Command{
		Use:   "validate FILE...",
		Short: "Check scenario and plan files; nothing is solved",
		Long: `Check scenario and plan files: YAML syntax, known fields, types, ranges
and the rules that tie fields together. Every problem is reported as
file:line:col: reason. Exit code 0 when every file holds, 1 otherwise.`,
		Example: `  peakplan validate examples/skincare-2027.yaml
  peakplan validate --format github plans/*.yaml   # annotations in a GitHub workflow`,
		Args: usageArgs(cobra.MinimumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.files = args
			return validateRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.format, "format", "text", "output format: text, json or github")
	return cmd
}

// fileReport is the outcome of checking one file.
type fileReport struct {
	File   string        `json:"file"`
	Kind   string        `json:"kind"`
	OK     bool          `json:"ok"`
	Errors []fileProblem `json:"errors"`
}

type fileProblem struct {
	Line    int    `json:"line,omitempty"`
	Col     int    `json:"col,omitempty"`
	Message string `json:"message"`
}

func validateRun(opts *validateOptions) error {
	switch opts.format {
	case "text", "json", "github":
	default:
		return usageErrorf("unknown --format %q: use text, json or github", opts.format)
	}
	reports := make([]fileReport, 0, len(opts.files))
	allOK := true
	for _, name := range opts.files {
		rep := validateFile(name)
		allOK = allOK && rep.OK
		reports = append(reports, rep)
	}
	switch opts.format {
	case "json":
		enc := json.NewEncoder(opts.io.Out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(map[string]any{"ok": allOK, "files": reports}); err != nil {
			return err
		}
	case "github":
		for _, rep := range reports {
			for _, p := range rep.Errors {
				fmt.Fprintln(opts.io.Out, githubAnnotation(rep.File, p))
			}
		}
	default:
		for _, rep := range reports {
			if rep.OK {
				fmt.Fprintf(opts.io.Out, "%s: ok (%s)\n", rep.File, rep.Kind)
				continue
			}
			for _, p := range rep.Errors {
				fmt.Fprintln(opts.io.ErrOut, formatProblem(rep.File, p))
			}
		}
	}
	if !allOK {
		return silentExit(exitInvalid)
	}
	return nil
}

func validateFile(name string) fileReport {
	rep := fileReport{File: name, Kind: "scenario"}
	data, err := readBounded(name, plan.MaxFileBytes)
	if err != nil {
		rep.Errors = []fileProblem{{Message: strings.TrimPrefix(err.Error(), name+": ")}}
		return rep
	}
	if looksLikePlan(data) {
		rep.Kind = "plan"
		_, _, err = plan.Read(bytes.NewReader(data), name)
		rep.Errors = planProblems(name, err)
	} else {
		if len(data) > scenarios.MaxFileBytes {
			rep.Errors = []fileProblem{{Message: fmt.Sprintf("the file is larger than %d MiB; a scenario is a few kilobytes", scenarios.MaxFileBytes>>20)}}
			return rep
		}
		_, err = scenarios.Load(bytes.NewReader(data), name)
		rep.Errors = problemsOf(err)
	}
	rep.OK = len(rep.Errors) == 0
	return rep
}

// looksLikePlan tells a plan document from a scenario: only plans have a
// top-level periods list.
func looksLikePlan(data []byte) bool {
	return bytes.HasPrefix(data, []byte("periods:")) || bytes.Contains(data, []byte("\nperiods:")) ||
		bytes.Contains(data, []byte(`"periods":`))
}

// planProblems splits plan.Read's "file:line:col: message" lines.
func planProblems(name string, err error) []fileProblem {
	if err == nil {
		return nil
	}
	var out []fileProblem
	for _, line := range strings.Split(err.Error(), "\n") {
		p := fileProblem{Message: strings.TrimPrefix(line, name+": ")}
		if rest, ok := strings.CutPrefix(line, name+":"); ok {
			var l, c int
			if n, _ := fmt.Sscanf(rest, "%d:%d:", &l, &c); n == 2 {
				p = fileProblem{Line: l, Col: c, Message: strings.TrimSpace(rest[strings.Index(rest[strings.Index(rest, ":")+1:], ":")+strings.Index(rest, ":")+2:])}
			}
		}
		out = append(out, p)
	}
	return out
}

// describeOpenError says why a file could not be opened, in words.
func describeOpenError(err error) string {
	switch {
	case errors.Is(err, os.ErrNotExist):
		return "no such file"
	case errors.Is(err, os.ErrPermission):
		return "permission denied"
	}
	return err.Error()
}

// problemsOf turns a loading error into positioned problems.
func problemsOf(err error) []fileProblem {
	if err == nil {
		return nil
	}
	var list scenarios.ErrorList
	if errors.As(err, &list) {
		out := make([]fileProblem, len(list))
		for i, e := range list {
			out[i] = fileProblem{Line: e.Pos.Line, Col: e.Pos.Col, Message: e.Msg}
		}
		return out
	}
	var one *scenarios.Error
	if errors.As(err, &one) {
		return []fileProblem{{Line: one.Pos.Line, Col: one.Pos.Col, Message: one.Msg}}
	}
	return []fileProblem{{Message: err.Error()}}
}

func formatProblem(file string, p fileProblem) string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d:%d: %s", file, p.Line, p.Col, p.Message)
	}
	return fmt.Sprintf("%s: %s", file, p.Message)
}

// githubAnnotation formats a problem as a GitHub workflow command, escaping
// the characters the runner treats specially.
func githubAnnotation(file string, p fileProblem) string {
	prop := strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
	msg := strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	loc := "file=" + prop.Replace(file)
	if p.Line > 0 {
		loc += fmt.Sprintf(",line=%d,col=%d", p.Line, p.Col)
	}
	return fmt.Sprintf("::error %s::%s", loc, msg.Replace(p.Message))
}
