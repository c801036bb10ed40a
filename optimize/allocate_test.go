package optimize

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestKnapsackAgainstEnumeration: on random items, some grid steps
// forbidden, the knapsack's best value of every total equals the best of
// all combinations, and its picks rebuild a combination of that total and
// value.
func TestKnapsackAgainstEnumeration(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 7))
	for trial := range 200 {
		steps := 1 + rng.IntN(7)
		items := make([][]float64, 1+rng.IntN(4))
		for i := range items {
			items[i] = make([]float64, steps+1)
			for k := range items[i] {
				items[i][k] = rng.Float64() * 10
				if rng.IntN(4) == 0 {
					items[i][k] = math.Inf(-1)
				}
			}
		}
		best, pick := knapsack(items, steps)

		want := make([]float64, steps+1)
		for k := range want {
			want[k] = math.Inf(-1)
		}
		var enumerate func(i, used int, value float64)
		enumerate = func(i, used int, value float64) {
			if i == len(items) {
				want[used] = math.Max(want[used], value)
				return
			}
			for j := 0; used+j <= steps; j++ {
				if !math.IsInf(items[i][j], -1) {
					enumerate(i+1, used+j, value+items[i][j])
				}
			}
		}
		enumerate(0, 0, 0)

		for k := range want {
			if math.IsInf(want[k], -1) != math.IsInf(best[k], -1) || (!math.IsInf(want[k], -1) && math.Abs(best[k]-want[k]) > 1e-9) {
				t.Fatalf("trial %d total %d: knapsack %v, enumeration %v", trial, k, best[k], want[k])
			}
			if math.IsInf(best[k], -1) {
				continue
			}
			used, value := 0, 0.0
			for i, j := range unpick(pick, k) {
				used += j
				value += items[i][j]
			}
			if used != k || math.Abs(value-best[k]) > 1e-9 {
				t.Fatalf("trial %d total %d: picks use %d for %v, want %d for %v", trial, k, used, value, k, best[k])
			}
		}
	}
}
