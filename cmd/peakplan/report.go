package main

import (
	"errors"

	"github.com/peakplan/peakplan/plan"
	"github.com/peakplan/peakplan/scenarios"
)

// writeReport writes the HTML report of a plan.
func writeReport(path string, doc *plan.Document, res *scenarios.Resolved, lang string) error {
	return errors.New("the HTML report is not available yet")
}
