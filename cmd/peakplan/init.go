package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/peakplan/peakplan/examples"
)

func init() { registerCommand(newInitCmd) }

// initFileName is the name of the scenario that init writes.
const initFileName = "scenario.yaml"

type initOptions struct {
	io    *streams
	dir   string
	force bool
}

func newInitCmd(s *streams) *cobra.Command {
	opts := &initOptions{io: s}
	cmd := &cobra.Command{
		Use:   "init [DIR]",
		Short: "Write a complete example scenario to start from",
		Long: `Write a complete example scenario, DIR/scenario.yaml (DIR defaults to the
current directory, and is created if needed): a skincare brand planning 2027
with six channels, the year's festivals, a cash-flow limit, a channel group
and uncertainty. Edit it, then validate and optimise it.

An existing scenario.yaml is never overwritten unless --force is given.`,
		Example: `  # Start a plan in a new directory
  $ peakplan init plan-2027
  $ peakplan validate plan-2027/scenario.yaml

  # Start over, replacing an edited scenario
  $ peakplan init --force plan-2027`,
		Args: usageArgs(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.dir = "."
			if len(args) == 1 {
				opts.dir = args[0]
			}
			return initRun(opts)
		},
	}
	cmd.Flags().BoolVarP(&opts.force, "force", "f", false, "overwrite an existing scenario.yaml")
	return cmd
}

func initRun(opts *initOptions) error {
	if opts.dir == "" {
		return usageErrorf("the directory name is empty")
	}
	path := filepath.Join(opts.dir, initFileName)
	if err := os.MkdirAll(opts.dir, 0o755); err != nil {
		return invalidError(fmt.Errorf("cannot create directory %s: %v", opts.dir, pathReason(err)))
	}
	if fi, err := os.Lstat(path); err == nil && fi.IsDir() {
		return invalidError(fmt.Errorf("%s is a directory; choose another DIR", path))
	}
	if err := writeNewFile(path, examples.Scenario, opts.force); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return invalidError(fmt.Errorf("%s already exists; edit it, choose another DIR, or use --force to overwrite it", path))
		}
		return invalidError(err)
	}
	out := opts.io.Out
	fmt.Fprintf(out, "Wrote %s: an example scenario to start from (a skincare brand planning 2027).\n", path)
	fmt.Fprintf(out, "Next: edit it, then run\n  peakplan validate %s\n  peakplan optimize %s\n", path, path)
	return nil
}

// writeNewFile writes data to path through a temporary file in the same
// directory, so the file appears whole or not at all. Without overwrite it
// fails with fs.ErrExist when path exists, even if the file appears between
// a check and the write: the temporary file is hard-linked into place, which
// never replaces a file, and falls back to a rename only where the file
// system has no hard links.
func writeNewFile(path string, data []byte, overwrite bool) error {
	dir := filepath.Dir(path)
	if !overwrite {
		if _, err := os.Lstat(path); err == nil {
			return fs.ErrExist
		}
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("cannot write %s: %v", path, pathReason(err))
	}
	defer os.Remove(tmp.Name()) // after a link, or when anything failed
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("cannot write %s: %v", path, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("cannot write %s: %v", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("cannot write %s: %v", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("cannot write %s: %v", path, err)
	}
	if overwrite {
		if err := os.Rename(tmp.Name(), path); err != nil {
			return fmt.Errorf("cannot write %s: %v", path, pathReason(err))
		}
		return nil
	}
	err = os.Link(tmp.Name(), path)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, fs.ErrExist):
		return fs.ErrExist
	}
	// No hard links here (some network and FAT file systems): check again
	// and rename, which leaves only a tiny window.
	if _, statErr := os.Lstat(path); statErr == nil {
		return fs.ErrExist
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("cannot write %s: %v", path, pathReason(err))
	}
	return nil
}

// pathReason says in words why a file operation failed.
func pathReason(err error) string {
	var pe *fs.PathError
	switch {
	case errors.Is(err, fs.ErrPermission):
		return "permission denied"
	case errors.Is(err, fs.ErrNotExist):
		return "no such directory"
	case errors.As(err, &pe):
		return pe.Err.Error()
	}
	return err.Error()
}
