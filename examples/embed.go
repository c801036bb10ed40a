// Package examples holds the example scenario that `peakplan init` writes
// and the README tours.
package examples

import _ "embed"

// ScenarioName is the example scenario's file name in this directory.
const ScenarioName = "skincare-2027.yaml"

// Scenario is the example scenario: a consumer skincare brand planning 2027
// with six channels, the year's festivals, a cash-flow window, a group and
// uncertainty. It is valid, and it is the file `peakplan init` writes.
//
//go:embed skincare-2027.yaml
var Scenario []byte
