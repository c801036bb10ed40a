package scenarios

import (
	"math"
	"strings"
	"testing"
)

// FitPoints must recover a curve from exact points of it, across the ranges
// calibration data come in, and must refuse points that cannot determine a
// curve with a reason a marketer can act on.

// pointsRecoveryTol is the relative error allowed on each recovered
// parameter from exact points.
const pointsRecoveryTol = 0.01

// pointsAt returns exact points of c at the given multiples of its
// half_saturation.
func pointsAt(c Curve, multiples ...float64) []Point {
	var pts []Point
	for _, m := range multiples {
		a := c.Half * m
		pts = append(pts, Point{Spend: a, Revenue: c.Weekly(a)})
	}
	return pts
}

func withinTol(got, want float64) bool {
	return math.Abs(got-want) <= pointsRecoveryTol*math.Abs(want)
}

func TestFitPointsRecoversFromExactPoints(t *testing.T) {
	for _, tc := range []struct {
		name  string
		curve Curve
		at    []float64
	}{
		{"hill S-curve, points around h", Curve{Kind: Hill, Beta: 700000, Half: 150000, Shape: 2.4}, []float64{0.3, 0.8, 1.5, 3}},
		{"hill, points below h only", Curve{Kind: Hill, Beta: 700000, Half: 150000, Shape: 2.4}, []float64{0.2, 0.35, 0.5, 0.7, 0.9}},
		{"hill, points above h only", Curve{Kind: Hill, Beta: 700000, Half: 150000, Shape: 2.4}, []float64{1.5, 2.5, 4, 6}},
		{"hill, steep", Curve{Kind: Hill, Beta: 1e6, Half: 1e5, Shape: 6}, []float64{0.5, 0.8, 1, 1.3, 2}},
		{"hill, very concave", Curve{Kind: Hill, Beta: 1e6, Half: 1e5, Shape: 0.35}, []float64{0.01, 0.1, 1, 10, 50}},
		{"hill, small money", Curve{Kind: Hill, Beta: 0.9, Half: 0.02, Shape: 1.6}, []float64{0.3, 0.8, 1.5, 3}},
		{"hill, huge money", Curve{Kind: Hill, Beta: 9e12, Half: 2e11, Shape: 1.6}, []float64{0.3, 0.8, 1.5, 3}},
		{"hill, unordered points", Curve{Kind: Hill, Beta: 50000, Half: 8000, Shape: 1.3}, []float64{2, 0.4, 5, 1}},
		{"exponential, deep in saturation", Curve{Kind: Exponential, Beta: 260000, Half: 45000}, []float64{1, 3, 6, 9}},
		{"exponential, early part only", Curve{Kind: Exponential, Beta: 260000, Half: 45000}, []float64{0.05, 0.1, 0.2}},
		{"exponential, unordered points", Curve{Kind: Exponential, Beta: 260000, Half: 45000}, []float64{2, 0.3, 1}},
		{"exponential, small money", Curve{Kind: Exponential, Beta: 12, Half: 0.5}, []float64{0.2, 0.9, 2.5}},
	} {
		fit, err := FitPoints(tc.curve.Kind, pointsAt(tc.curve, tc.at...))
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		got := fit.Curve
		if got.Kind != tc.curve.Kind || !withinTol(got.Beta, tc.curve.Beta) || !withinTol(got.Half, tc.curve.Half) ||
			(tc.curve.Kind == Hill && !withinTol(got.Shape, tc.curve.Shape)) {
			t.Errorf("%s: fitted %+v, want %+v within %v", tc.name, got, tc.curve, pointsRecoveryTol)
		}
		if fit.Points != len(tc.at) {
			t.Errorf("%s: %d points reported, want %d", tc.name, fit.Points, len(tc.at))
		}
		// Exact points leave (almost) no error: well under 0.1% of beta.
		if fit.RMSE > 1e-3*tc.curve.Beta {
			t.Errorf("%s: rmse %v on exact points", tc.name, fit.RMSE)
		}
	}
}

// pts builds points from spend, revenue pairs.
func pts(xy ...float64) []Point {
	var p []Point
	for i := 0; i+1 < len(xy); i += 2 {
		p = append(p, Point{Spend: xy[i], Revenue: xy[i+1]})
	}
	return p
}

func TestFitPointsTooFew(t *testing.T) {
	hill := Curve{Kind: Hill, Beta: 700000, Half: 150000, Shape: 2.4}
	exp := Curve{Kind: Exponential, Beta: 260000, Half: 45000}
	for _, tc := range []struct {
		name string
		kind CurveKind
		pts  []Point
	}{
		{"hill with 3 points", Hill, pointsAt(hill, 0.5, 1, 2)},
		{"exponential with 2 points", Exponential, pointsAt(exp, 0.5, 1)},
		{"no points", Hill, nil},
	} {
		_, err := FitPoints(tc.kind, tc.pts)
		if err == nil || !strings.Contains(err.Error(), "too few") || !strings.Contains(err.Error(), "at least") {
			t.Errorf("%s: error %v, want one saying the points are too few and how many are needed", tc.name, err)
		}
	}
}

// Points whose revenue falls as spend rises describe no response curve: a
// fit would be a step at the smallest spend. FitPoints must refuse them.
func TestFitPointsRejectsNonMonotone(t *testing.T) {
	for _, tc := range []struct {
		name string
		kind CurveKind
		pts  []Point
	}{
		{"falling, hill", Hill, pts(10000, 90000, 20000, 70000, 40000, 50000, 80000, 30000)},
		{"falling, exponential", Exponential, pts(10000, 90000, 20000, 70000, 40000, 50000)},
		{"falling, unordered", Logistic, pts(40000, 50000, 10000, 90000, 20000, 70000)},
	} {
		fit, err := FitPoints(tc.kind, tc.pts)
		if err == nil {
			t.Errorf("%s: accepted, fitted %+v (rmse %.0f); want an error saying revenue must rise with spend", tc.name, fit.Curve, fit.RMSE)
			continue
		}
		if msg := err.Error(); !containsAny(msg, "rise", "fall", "decreas", "increas") {
			t.Errorf("%s: error %q does not say that revenue must rise with spend", tc.name, msg)
		}
	}
}

// Points that cannot pin a curve down: a straight line (no saturation in
// sight), a flat line (saturated below the smallest spend), a step (shape
// without limit), and repeated spends that leave fewer distinct points than
// parameters.
func TestFitPointsRejectsUnidentifiable(t *testing.T) {
	for _, tc := range []struct {
		name  string
		kind  CurveKind
		pts   []Point
		words []string // the error must contain one of these
	}{
		{"straight line, hill", Hill, pts(1000, 3000, 2000, 6000, 4000, 12000, 8000, 24000), []string{"saturation", "linear"}},
		{"straight line, exponential", Exponential, pts(1000, 3000, 2000, 6000, 4000, 12000), []string{"saturation", "linear"}},
		{"flat, hill", Hill, pts(10000, 50000, 20000, 50000, 40000, 50000, 80000, 50000), []string{"flat", "saturat", "does not change", "rise"}},
		{"flat, exponential", Exponential, pts(10000, 50000, 20000, 50000, 40000, 50000), []string{"flat", "saturat", "does not change", "rise"}},
		// Nothing until the last point: any steeper S-curve fits better, so
		// shape runs to the search limit and beta explodes.
		{"step at the last point", Hill, pts(1000, 0, 2000, 0, 4000, 0, 8000, 24000), []string{"shape", "saturation", "limit", "steep"}},
		{"one spend repeated", Exponential, pts(10000, 50000, 10000, 52000, 10000, 51000), []string{"different spend", "distinct", "same spend"}},
		{"two spends for a hill", Hill, pts(10000, 50000, 10000, 52000, 40000, 90000, 40000, 91000), []string{"different spend", "distinct", "same spend"}},
	} {
		fit, err := FitPoints(tc.kind, tc.pts)
		if err == nil {
			t.Errorf("%s: accepted, fitted %+v; want an error", tc.name, fit.Curve)
			continue
		}
		if !containsAny(err.Error(), tc.words...) {
			t.Errorf("%s: error %q says none of %q", tc.name, err, tc.words)
		}
	}
}

func containsAny(s string, words ...string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}
