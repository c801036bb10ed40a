package optimize

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/peakplan/peakplan/plan"
	"github.com/peakplan/peakplan/scenarios"
)

// TestBoundDPAgainstExhaustiveSearch: the bounding programme of one channel
// (S-curve or concave, carry-over, floors, caps, minimum flights) never
// falls below the best schedule that an exhaustive search over a spend grid
// followed by coordinate refinement finds on the exact forward model, and
// stays within a small share of it.
func TestBoundDPAgainstExhaustiveSearch(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 11))
	for inst := 0; inst < 8; inst++ {
		weeks := 4
		half := 10000 * (1 + rng.Float64())
		shape := []float64{2.5, 0.8, 1.6, 3}[inst%4]
		carry := []float64{0, 0.3, 0.6, 0.5}[inst/2%4]
		var b strings.Builder
		fmt.Fprintf(&b, "horizon: {start: 2027-01-04, end: 2027-01-%02d, granularity: week}\n", 3+7*weeks)
		b.WriteString("budget: {total: 1000000}\n")
		b.WriteString("festivals:\n  - {name: peak, from: 2027-01-18, to: 2027-01-22, uplift: 2.5, cost_index: 1.3}\n")
		fmt.Fprintf(&b, "channels:\n  - name: a\n    response: {curve: hill, beta: %.2f, half_saturation: %.2f, shape: %.2f}\n    carryover: %.2f\n",
			half*(2+rng.Float64()), half, shape, carry)
		if inst%3 == 1 {
			fmt.Fprintf(&b, "    min_active_per_week: %.2f\n", 0.8*half)
		}
		if inst%3 == 2 {
			fmt.Fprintf(&b, "    per_week: {min: %.2f, max: %.2f}\n", 0.1*half, 3*half)
		} else {
			fmt.Fprintf(&b, "    per_week: {max: %.2f}\n", 3*half)
		}
		y := b.String()
		t.Run(fmt.Sprintf("inst%d_shape%.1f_carry%.1f", inst, shape, carry), func(t *testing.T) {
			res, err := scenarios.Load(strings.NewReader(y), "test.yaml")
			if err != nil {
				t.Fatalf("%v\n%s", err, y)
			}
			md := newModelWith(res, true, true)
			md.build()
			nT := len(res.Periods)
			revW := make([]float64, nT)
			price := make([]float64, nT)
			lambda := 0.4 + 0.6*rng.Float64()
			for tt := range price {
				revW[tt] = md.rho[0][tt]
				price[tt] = -lambda
			}
			value := func(spend []float64) float64 {
				r := plan.ChannelRevenue(res, 0, spend, plan.NominalInputs(res), nil)
				v := 0.0
				for tt, x := range spend {
					v += r[tt] + price[tt]*x
				}
				return v
			}
			ch := &res.Channels[0]
			allowed := func(tt int, x float64) bool {
				up := md.upper[0][tt] * md.scale
				if x < ch.Lower[tt]-1e-9 || x > up+1e-9 {
					return false
				}
				return x == 0 || x >= ch.MinActive[tt]-1e-9
			}
			// Exhaustive search over a grid of spends per period.
			const steps = 16
			best, bestSpend := math.Inf(-1), make([]float64, nT)
			spend := make([]float64, nT)
			var walk func(tt int)
			walk = func(tt int) {
				if tt == nT {
					if v := value(spend); v > best {
						best = v
						copy(bestSpend, spend)
					}
					return
				}
				up := md.upper[0][tt] * md.scale
				cands := []float64{0, ch.Lower[tt], ch.MinActive[tt], up}
				for s := 1; s < steps; s++ {
					cands = append(cands, up*float64(s)/steps)
				}
				for _, x := range cands {
					if allowed(tt, x) {
						spend[tt] = x
						walk(tt + 1)
					}
				}
			}
			walk(0)
			// Coordinate refinement with shrinking steps.
			for step := md.upper[0][0] * md.scale / steps; step > 1e-6; step /= 2 {
				for improved := true; improved; {
					improved = false
					for tt := range bestSpend {
						for _, d := range []float64{step, -step} {
							old := bestSpend[tt]
							bestSpend[tt] = old + d
							if allowed(tt, bestSpend[tt]) {
								if v := value(bestSpend); v > best+1e-12 {
									best, improved = v, true
									continue
								}
							}
							bestSpend[tt] = old
						}
					}
				}
			}
			bound := newBoundDP(res, md, 0, 1+2e-5).value(revW, price)
			t.Logf("search %.6f, bound %.6f (%.2e above)", best, bound, (bound-best)/math.Abs(best))
			if bound < best-1e-9*math.Abs(best) {
				t.Errorf("bound %.9g below a schedule worth %.9g: not a bound", bound, best)
			}
			if bound > best+1e-3*math.Abs(best) {
				t.Errorf("bound %.9g more than 0.1%% above the best schedule found, %.9g", bound, best)
			}
		})
	}
}
