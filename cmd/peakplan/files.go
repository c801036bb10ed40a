package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/peakplan/peakplan/plan"
	"github.com/peakplan/peakplan/scenarios"
)

// writeFileAtomic writes through a temporary file in the same directory and
// renames it into place, so an interrupted run never leaves half a file.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	if err := write(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	return nil
}

// loadedScenario is a scenario file read from disk.
type loadedScenario struct {
	path   string
	sha256 string
	res    *scenarios.Resolved
}

// loadScenario reads and resolves a scenario file; errors are input errors
// (exit 1).
func loadScenario(path string) (*loadedScenario, error) {
	data, err := readBounded(path, scenarios.MaxFileBytes)
	if err != nil {
		return nil, invalidError(err)
	}
	res, err := scenarios.Load(bytes.NewReader(data), path)
	if err != nil {
		return nil, invalidError(err)
	}
	sum := sha256.Sum256(data)
	return &loadedScenario{path: path, sha256: hex.EncodeToString(sum[:]), res: res}, nil
}

// readBounded reads a whole file, refusing files larger than limit.
func readBounded(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %s", path, describeOpenError(err))
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s: the file is larger than %d MiB", path, limit>>20)
	}
	return data, nil
}

// scenarioRef names the scenario relative to the directory of the plan
// file, so plan and scenario can move together.
func scenarioRef(sc *loadedScenario, planPath string) plan.ScenarioRef {
	file := sc.path
	if planPath != "" {
		if absS, err := filepath.Abs(sc.path); err == nil {
			if absP, err := filepath.Abs(planPath); err == nil {
				if rel, err := filepath.Rel(filepath.Dir(absP), absS); err == nil {
					file = rel
				}
			}
		}
	}
	return plan.ScenarioRef{Name: sc.res.Name, File: filepath.ToSlash(file), SHA256: sc.sha256}
}

// writePlan writes a plan document as YAML, or JSON when the name ends in
// .json.
func writePlan(path string, doc *plan.Document) error {
	return writeFileAtomic(path, func(w io.Writer) error {
		if strings.EqualFold(filepath.Ext(path), ".json") {
			return doc.EncodeJSON(w)
		}
		return doc.EncodeYAML(w)
	})
}

// scenarioPath is where a plan's scenario is: the override when given, else
// the file the plan names, relative to the plan's own directory unless it is
// absolute; "" when the plan names none.
func scenarioPath(planPath string, doc *plan.Document, override string) string {
	if override != "" || doc.Scenario.File == "" {
		return override
	}
	path := filepath.FromSlash(doc.Scenario.File)
	if filepath.IsAbs(path) {
		return path
	}
	return filepath.Join(filepath.Dir(planPath), path)
}

// loadPlanWithScenario reads a plan and the scenario it was made from: the
// override when given, else the file the plan names relative to its own
// directory. When the scenario is found and lines up with the plan, the
// plan's projections are rebuilt from its spend with the forward model, so
// nothing written in the file is trusted. A missing scenario is not an
// error when no override was given (sc is nil then).
func loadPlanWithScenario(planPath, override string) (*plan.Document, *plan.Positions, *loadedScenario, error) {
	data, err := readBounded(planPath, plan.MaxFileBytes)
	if err != nil {
		return nil, nil, nil, invalidError(err)
	}
	doc, pos, err := plan.Read(bytes.NewReader(data), planPath)
	if err != nil {
		return nil, nil, nil, invalidError(err)
	}
	path := scenarioPath(planPath, doc, override)
	if path == "" {
		return doc, pos, nil, nil
	}
	sc, err := loadScenario(path)
	if err != nil {
		if override == "" {
			if _, statErr := os.Stat(path); statErr != nil {
				return doc, pos, nil, nil // the plan travels without its scenario
			}
		}
		return nil, nil, nil, err
	}
	if err := doc.Matches(sc.res); err != nil {
		return nil, nil, nil, invalidError(fmt.Errorf("%s does not fit scenario %s: %v", planPath, path, err))
	}
	rebuilt := plan.Build(sc.res, doc.SpendMatrix(), doc.Scenario, doc.Solver, doc.MarginalROAS)
	rebuilt.Sweep, rebuilt.Simulation = doc.Sweep, doc.Simulation
	if rebuilt.Scenario.Name == "" {
		rebuilt.Scenario.Name = sc.res.Name
	}
	return rebuilt, pos, sc, nil
}
