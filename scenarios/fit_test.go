package scenarios

import (
	"math"
	"strings"
	"testing"
)

func TestFitPointsRecoversCurves(t *testing.T) {
	for _, want := range []Curve{
		{Kind: Hill, Beta: 900000, Half: 120000, Shape: 1.6},
		{Kind: Hill, Beta: 50000, Half: 8000, Shape: 0.7},
		{Kind: Hill, Beta: 2e6, Half: 300000, Shape: 3.5},
		{Kind: Exponential, Beta: 260000, Half: 45000},
		{Kind: Logistic, Beta: 90000, Half: 30000},
	} {
		var pts []Point
		for _, f := range []float64{0.25, 0.5, 1, 1.7, 3} {
			a := want.Half * f
			pts = append(pts, Point{Spend: a, Revenue: want.Weekly(a)})
		}
		fit, err := FitPoints(want.Kind, pts)
		if err != nil {
			t.Fatalf("%+v: %v", want, err)
		}
		got := fit.Curve
		rel := func(a, b float64) bool { return math.Abs(a-b) <= 1e-4*math.Max(1, math.Abs(b)) }
		if got.Kind != want.Kind || !rel(got.Beta, want.Beta) || !rel(got.Half, want.Half) || !rel(got.Shape, want.Shape) {
			t.Errorf("fit %+v, want %+v", got, want)
		}
		if fit.Points != len(pts) || fit.RMSE > 1e-3*want.Beta/1000 {
			t.Errorf("%+v: points %d, rmse %v", want, fit.Points, fit.RMSE)
		}
	}
}

func TestFitPointsRefuses(t *testing.T) {
	line := []Point{{Spend: 1000, Revenue: 3000}, {Spend: 2000, Revenue: 6000}, {Spend: 4000, Revenue: 12000}, {Spend: 8000, Revenue: 24000}}
	for _, tc := range []struct {
		name string
		kind CurveKind
		pts  []Point
		want string
	}{
		{"too few", Hill, line[:3], "too few"},
		{"linear data", Exponential, line, "do not bend towards saturation"},
		{"zero revenue", Logistic, []Point{{Spend: 1, Revenue: 0}, {Spend: 2, Revenue: 0}, {Spend: 3, Revenue: 0}}, "zero revenue"},
		{"negative spend", Logistic, []Point{{Spend: -1, Revenue: 1}, {Spend: 2, Revenue: 2}, {Spend: 3, Revenue: 3}}, "positive spend"},
		{"NaN", Logistic, []Point{{Spend: math.NaN(), Revenue: 1}, {Spend: 2, Revenue: 2}, {Spend: 3, Revenue: 3}}, "positive spend"},
		{"linear kind", Linear, line, "not \"linear\""},
	} {
		if _, err := FitPoints(tc.kind, tc.pts); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
}
