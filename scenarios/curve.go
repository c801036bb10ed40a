package scenarios

import "math"

// Curve is a channel's response: the weekly incremental revenue that a
// steady weekly effective exposure a brings in a normal week.
type Curve struct {
	Kind  CurveKind
	Beta  float64 // weekly revenue at saturation (hill, exponential, logistic)
	Half  float64 // half_saturation: the curve's scale in weekly spend
	Shape float64 // hill only
	ROAS  float64 // linear only
}

// Saturation returns H(a) of model.md, in [0, 1); for linear curves it is
// not defined and Weekly should be used.
func (c Curve) Saturation(a float64) float64 {
	if a <= 0 {
		return 0
	}
	switch c.Kind {
	case Hill:
		// a^s/(a^s+h^s) written as 1/(1+(h/a)^s) so huge a or s cannot overflow.
		return 1 / (1 + math.Pow(c.Half/a, c.Shape))
	case Exponential:
		return -math.Expm1(-a / c.Half)
	case Logistic:
		return math.Tanh(a / (2 * c.Half))
	}
	return 0
}

// Weekly returns the weekly revenue of a steady weekly exposure a in a
// normal week: beta*H(a), or roas*a for linear curves.
func (c Curve) Weekly(a float64) float64 {
	if c.Kind == Linear {
		return c.ROAS * math.Max(a, 0)
	}
	return c.Beta * c.Saturation(a)
}

// Slope returns the derivative of Weekly at a (the right derivative at 0).
func (c Curve) Slope(a float64) float64 {
	a = math.Max(a, 0)
	switch c.Kind {
	case Linear:
		return c.ROAS
	case Hill:
		if a == 0 {
			switch {
			case c.Shape < 1:
				return math.Inf(1)
			case c.Shape == 1:
				return c.Beta / c.Half
			}
			return 0
		}
		// d/da 1/(1+q) with q=(h/a)^s is s*q/(a*(1+q)^2).
		q := math.Pow(c.Half/a, c.Shape)
		return c.Beta * c.Shape * q / (a * (1 + q) * (1 + q))
	case Exponential:
		return c.Beta / c.Half * math.Exp(-a/c.Half)
	case Logistic:
		ch := math.Cosh(a / (2 * c.Half))
		return c.Beta / (2 * c.Half * ch * ch)
	}
	return 0
}

// IsSCurve reports whether the curve has scale effects: convex near zero, so
// that small spends are mostly wasted.
func (c Curve) IsSCurve() bool { return c.Kind == Hill && c.Shape > 1 }

// BestAverage returns the exposure at which revenue per unit of exposure
// (Weekly(a)/a) peaks: for a hill curve with shape s > 1 it is
// h*(s-1)^(1/s), where the line from the origin touches the curve. Below it,
// the curve lies under that line. For concave curves it is 0.
func (c Curve) BestAverage() float64 {
	if !c.IsSCurve() {
		return 0
	}
	return c.Half * math.Pow(c.Shape-1, 1/c.Shape)
}
