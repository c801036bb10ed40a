package scenarios

import (
	"fmt"
	"math"
)

// Fit describes a curve fitted from calibration points.
type Fit struct {
	Curve  Curve
	Points int
	RMSE   float64
}

// FitPoints fits a curve of the given kind to calibration points by least
// squares on revenue. For a fixed half_saturation (and shape) the best beta
// has a closed form, so the search runs over half_saturation (and shape)
// only: a grid in log space, then a pattern search around the best cell.
// The result is deterministic.
//
// The fit fails when the points cannot pin the curve down: too few points,
// or points that do not bend towards saturation within a hundred times the
// largest spend (a linear curve suits those).
func FitPoints(kind CurveKind, pts []Point) (*Fit, error) {
	switch kind {
	case Hill, Exponential, Logistic:
	default:
		return nil, fmt.Errorf("calibration points fit hill, exponential and logistic curves, not %q", kind)
	}
	need := curveParams(kind) + 1
	if len(pts) < need {
		return nil, fmt.Errorf("%d calibration points are too few for %s curve; give at least %d", len(pts), aCurve(kind), need)
	}
	maxSpend, maxRev := 0.0, 0.0
	for _, p := range pts {
		if !(p.Spend > 0) || !(p.Revenue >= 0) || math.IsInf(p.Spend, 0) || math.IsInf(p.Revenue, 0) {
			return nil, fmt.Errorf("a calibration point needs a positive spend and a revenue of at least 0")
		}
		maxSpend = max(maxSpend, p.Spend)
		maxRev = max(maxRev, p.Revenue)
	}
	if maxRev == 0 {
		return nil, fmt.Errorf("every calibration point has zero revenue, so there is no curve to fit")
	}
	// The mean revenue at each different spend, by spend.
	bySpend := map[float64][]float64{}
	for _, p := range pts {
		bySpend[p.Spend] = append(bySpend[p.Spend], p.Revenue)
	}
	if len(bySpend) < need {
		return nil, fmt.Errorf("the points have only %d different spends; %s curve needs at least %d different spends (points at the same spend count once)",
			len(bySpend), aCurve(kind), need)
	}
	lo, hi := math.Inf(1), 0.0
	for sp := range bySpend {
		lo, hi = min(lo, sp), max(hi, sp)
	}
	if meanOf(bySpend[hi]) <= meanOf(bySpend[lo]) {
		return nil, fmt.Errorf("revenue does not rise with spend across the points (at the largest spend it is no higher than at the smallest); a response curve needs revenue that rises with spend")
	}
	// Search bounds for half_saturation (log scale) and shape.
	loH, hiH := math.Log(maxSpend/1000), math.Log(maxSpend*100)
	loS, hiS := math.Log(0.2), math.Log(8.0)

	// sse returns the squared error and the best beta for given parameters.
	sse := func(logH, logS float64) (float64, float64) {
		c := Curve{Kind: kind, Beta: 1, Half: math.Exp(logH), Shape: math.Exp(logS)}
		var hy, hh float64
		for _, p := range pts {
			v := c.Saturation(p.Spend)
			hy += v * p.Revenue
			hh += v * v
		}
		if hh == 0 {
			return math.Inf(1), 0
		}
		beta := max(hy/hh, 0)
		var e float64
		for _, p := range pts {
			d := beta*c.Saturation(p.Spend) - p.Revenue
			e += d * d
		}
		return e, beta
	}
	clamp := func(v, lo, hi float64) float64 { return min(max(v, lo), hi) }

	hasShape := kind == Hill
	bestH, bestS := loH, 0.0
	bestE := math.Inf(1)
	const grid = 60
	shapes := 1
	if hasShape {
		shapes = grid
	}
	for i := 0; i <= grid; i++ {
		lh := loH + (hiH-loH)*float64(i)/grid
		for j := 0; j < shapes; j++ {
			ls := 0.0
			if hasShape {
				ls = loS + (hiS-loS)*float64(j)/float64(shapes-1)
			}
			if e, _ := sse(lh, ls); e < bestE {
				bestE, bestH, bestS = e, lh, ls
			}
		}
	}
	// Pattern search from the best grid cell: widen the step after a move,
	// halve it when no move helps. The iterations are bounded, so a long
	// shallow valley cannot keep the loop crawling.
	stepH, stepS := (hiH-loH)/grid, (hiS-loS)/grid
	maxH, maxS := stepH, stepS
	for iter := 0; iter < 600 && stepH > 1e-10; iter++ {
		improved := false
		for _, d := range [][2]float64{{1, 0}, {-1, 0}, {0, 1}, {0, -1}, {1, 1}, {-1, -1}, {1, -1}, {-1, 1}} {
			if !hasShape && d[1] != 0 {
				continue
			}
			lh := clamp(bestH+d[0]*stepH, loH, hiH)
			ls := bestS
			if hasShape {
				ls = clamp(bestS+d[1]*stepS, loS, hiS)
			}
			if e, _ := sse(lh, ls); e < bestE {
				bestE, bestH, bestS, improved = e, lh, ls, true
			}
		}
		if improved {
			stepH, stepS = min(2*stepH, maxH), min(2*stepS, maxS)
		} else {
			stepH, stepS = stepH/2, stepS/2
		}
	}
	_, beta := sse(bestH, bestS)
	const edge = 1e-6 // a parameter this close to its search limit ran into it
	switch {
	case bestH >= hiH-edge:
		return nil, fmt.Errorf("the points do not bend towards saturation: revenue keeps rising in proportion to spend; use a linear curve with roas, or add points at higher spend")
	case bestH <= loH+edge:
		return nil, fmt.Errorf("the points are saturated already at the smallest spend: revenue hardly changes across them, so they cannot show how it responds; add points at lower spend")
	case hasShape && (bestS >= hiS-edge || bestS <= loS+edge):
		return nil, fmt.Errorf("the points call for a shape at the limit of %.1f-%.0f (revenue jumps too steeply, or too gradually, between them); add points where revenue changes, or use another curve", math.Exp(loS), math.Exp(hiS))
	case !(beta > 0) || math.IsInf(beta, 0):
		return nil, fmt.Errorf("the points give no positive beta; check that revenue rises with spend")
	case beta > 1000*maxRev:
		return nil, fmt.Errorf("the fitted saturation level (beta %.3g) is over 1000 times the largest revenue measured: the points do not show where revenue saturates; add points at higher spend", beta)
	}
	c := Curve{Kind: kind, Beta: beta, Half: math.Exp(bestH)}
	if hasShape {
		c.Shape = math.Exp(bestS)
	}
	return &Fit{Curve: c, Points: len(pts), RMSE: math.Sqrt(bestE / float64(len(pts)))}, nil
}

func meanOf(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}
