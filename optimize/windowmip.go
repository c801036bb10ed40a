package optimize

import "time"

// Scenarios with more binaries than the cell MIP takes, and daily plans
// beyond one window (see cellMIPMaxBinaries), get it by windows instead: a
// large-neighbourhood search. The MIP decides the cells of a run of
// consecutive periods, with every other cell held at its spend in the plan
// in hand, and its plan, polished on the exact model, replaces that plan
// when better. The windows overlap by half and slide over the horizon;
// passes repeat while one of them finds a better plan.
//
// A window sees what the exploration's single moves do not: switching
// several flights on and off together, and moving a burst by days while
// its size changes. Cells after the window keep their spend, and their
// revenue follows the window's carry-over to first order (cellMIP.fix).

const (
	// windowMIPBinaries is the size of one window, in binaries: 24 days
	// of 2 S-curve channels with flights (5 binaries a cell). GLPK's
	// branch and cut solves most windows of this size within a second or
	// two, while at 720 binaries a whole scenario found nothing in 30 s
	// (cellMIPMaxBinaries).
	windowMIPBinaries = 240
	// windowMIPShare is the share of the remaining time the windows take.
	windowMIPShare = 0.4
	// windowMIPPasses bounds the passes over the horizon.
	windowMIPPasses = 4
	// windowMIPMinTime is the least time one window's MIP gets, unless
	// the windows' deadline is nearer.
	windowMIPMinTime = time.Second
)

// windows cuts the horizon into runs of consecutive periods holding about
// size binaries each, every run starting half way through the one before.
func (cm *cellMIP) windows(size int) [][2]int {
	nT := len(cm.perPeriod)
	var out [][2]int
	for lo := 0; lo < nT; {
		hi, n := lo, 0
		for hi < nT && (hi == lo || n+cm.perPeriod[hi] <= size) {
			n += cm.perPeriod[hi]
			hi++
		}
		out = append(out, [2]int{lo, hi})
		if hi == nT {
			break
		}
		// the next window starts at the middle of this one's binaries
		next, m := lo, 0
		for next < hi-1 && 2*(m+cm.perPeriod[next]) <= n {
			m += cm.perPeriod[next]
			next++
		}
		lo = max(next, lo+1)
	}
	return out
}

// searchWindows runs the cell MIP window by window on the plan in hand.
func (s *solver) searchWindows(cm *cellMIP) {
	wins := cm.windows(windowMIPBinaries)
	deadline := time.Now().Add(time.Duration(windowMIPShare * float64(s.remaining())))
	s.trace("window MIP: %d binaries, %d windows", cm.binaries, len(wins))
	for pass := 1; pass <= windowMIPPasses; pass++ {
		improved := false
		for i, w := range wins {
			left := time.Until(deadline)
			if left <= 0 {
				return
			}
			// an even share of what is left, but never past the deadline
			limit := min(max(left/time.Duration(len(wins)-i), windowMIPMinTime), left)
			if r := s.searchWindow(cm, w[0], w[1], limit); r != nil {
				s.trace("window MIP pass %d, periods %d-%d: plan %.8g replaces %.8g", pass, w[0], w[1]-1, r.Objective, s.best.Objective)
				s.best = r
				improved = true
			}
		}
		if !improved {
			return
		}
	}
}

// searchWindow solves the MIP of periods [lo, hi) with the other cells at
// the plan in hand, and returns its plan, polished, when it is better than
// that plan (nil otherwise).
func (s *solver) searchWindow(cm *cellMIP, lo, hi int, limit time.Duration) *Result {
	cm.lo, cm.hi, cm.fixed = lo, hi, s.best.Spend
	defer func() { cm.fixed = nil }()
	// One round: refining a window's pieces and solving again, as the
	// cell MIP does, left less time for the other windows and found less
	// (3 channels by day for 180 days, least spend: 225,222 after the
	// exploration with one round, 227,708 with rounds, as without
	// windows). The refined rounds mostly showed that a window's gain
	// was the pieces' over-estimate.
	md := cm.build()
	vals, _, ok := cm.run(md, limit, cm.startFrom(md, s.best.Spend))
	if !ok || sameSpend(spendOf(md, vals), s.best.Spend) {
		return nil // no plan, or the search kept its start
	}
	// The polish of a window's plan has the same trust regions to learn
	// as the cell MIP's.
	done := s.asideSteps()
	r := cm.plan(md, vals, time.Now().Add(limit))
	replaced := r != nil && s.better(r.Objective, s.best.Objective)
	done(replaced)
	if !replaced {
		return nil
	}
	return r
}

// sameSpend: a start read back from the MIP differs from the plan only by
// the scaling's rounding.
func sameSpend(a, b [][]float64) bool {
	for c := range a {
		if !sameSchedule(a[c], b[c]) {
			return false
		}
	}
	return true
}
