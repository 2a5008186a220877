// Package hotspot finds hot spots (未诉先办): grid × category × week cells
// whose count of demands is unusual against that place's own baseline,
// with false-discovery control across all cells; recurring problems (the
// same address or text coming back after being resolved); monthly topics
// (每月一题) made from them, each a root-cause service project of the
// lists capability; and whether a closed topic's fix worked. The model is
// written up in docs/hotspots.md.
package hotspot

import (
	"cmp"
	"math"
	"slices"
)

// Model's settings; docs/hotspots.md explains each.
const (
	// BaselineWeeks is how many weeks before the tested one form a cell's baseline.
	BaselineWeeks = 8
	// Alpha is the false-discovery rate the flagged cells keep to (Benjamini–Hochberg).
	Alpha = 0.05
	// MinCount is the fewest demands a flagged cell holds: one or two
	// demands in a quiet grid may be improbable but are nobody's hot spot.
	MinCount = 3
	// priorWeeks is the weight, in weeks, of the category's district-wide
	// per-grid rate in a cell's baseline, so a grid with no history is not
	// expected to have exactly none.
	priorWeeks = 1.0
)

// Cell is one grid and category over the baseline weeks and the tested
// one: Counts[0..len-2] are the baseline weeks, oldest first, and the last
// is the tested week.
type Cell struct {
	Grid     string // area path of the grid
	Category string
	Counts   []int
	// Hot marks the baseline weeks (len(Counts)-1, nil: none) the cell was
	// flagged in before: they are left out of its baseline, so a hot spot
	// lasting weeks is judged against the normal before it, not against
	// itself (a hot spot does not become the new normal).
	Hot []bool
}

// minUsual is the fewest baseline weeks a cell is judged on: a hot spot
// flagged in more than BaselineWeeks−minUsual of them has become the
// place's normal, and all its weeks count again.
const minUsual = 3

// hot reports whether baseline week w of c was flagged before and is left
// out of its baseline.
func (c Cell) hot(w int) bool {
	if w >= len(c.Hot) || !c.Hot[w] {
		return false
	}
	n := 0
	for _, h := range c.Hot {
		if !h {
			n++
		}
	}
	return n >= minUsual
}

// Result is a cell tested against its baseline.
type Result struct {
	Cell
	Observed int     // demands in the tested week
	Expected float64 // the baseline's expectation for that week
	Size     float64 // negative binomial size (smaller: more spread)
	P        float64 // P(X ≥ Observed) under the baseline
	Q        float64 // Benjamini–Hochberg adjusted p-value
	Flagged  bool    // Q ≤ Alpha and Observed ≥ MinCount
}

// Ratio is how many times the expectation the cell received.
func (r Result) Ratio() float64 {
	if r.Expected <= 0 {
		return math.Inf(1)
	}
	return float64(r.Observed) / r.Expected
}

// Detect tests every cell (each with the same number of weeks, at least
// two) against its own baseline and controls the false-discovery rate at
// alpha across them all. grids is the number of grids in the district, so a
// category's per-grid rate counts the grids that had none of it. Results
// come back flagged first, most unusual (smallest P) first.
//
// A cell's count in week w is taken as Poisson with mean λ·e_w, where e_w
// is the category's district-wide level that week (the other grids' total
// over their baseline mean, shrunk toward flat: the weekly and seasonal
// pattern) and λ the cell's own rate, Gamma-distributed after its usual
// baseline weeks (a Gamma(m, 1) prior from the category's per-grid rate m,
// updated by the counts and levels). The tested week's count is then
// negative binomial; the district's overdispersion, measured on the
// baseline weeks, widens it further. docs/hotspots.md has the whole model.
func Detect(cells []Cell, grids int, alpha float64) []Result {
	if len(cells) == 0 {
		return nil
	}
	n := len(cells[0].Counts) - 1 // baseline weeks
	type catStats struct {
		totals []float64 // district total per week
		prior  float64   // per-grid weekly rate over the baseline
	}
	cats := map[string]*catStats{}
	for _, c := range cells {
		cs := cats[c.Category]
		if cs == nil {
			cs = &catStats{totals: make([]float64, n+1)}
			cats[c.Category] = cs
		}
		for w, x := range c.Counts {
			cs.totals[w] += float64(x)
		}
	}
	// Overdispersion by moments: the cells' excess of sample variance over
	// their mean, against their squared means; one figure for the
	// district, since a category's own would be decided by its few
	// largest grids (and by any hot spot among them).
	phi := overdispersion(cells, n)
	for _, cs := range cats {
		base := 0.0
		for _, t := range cs.totals[:n] {
			base += t
		}
		cs.prior = base / float64(n) / float64(max(grids, 1))
	}
	out := make([]Result, len(cells))
	for i, c := range cells {
		cs := cats[c.Category]
		others := make([]float64, n+1) // the other grids' totals: a hot spot does not raise its own baseline
		mean := 0.0
		for w := range others {
			others[w] = cs.totals[w] - float64(c.Counts[w])
			if w < n {
				mean += others[w] / float64(n)
			}
		}
		shape, rate := cs.prior*priorWeeks, priorWeeks
		for w := range n {
			if !c.hot(w) {
				shape += float64(c.Counts[w])
				rate += exposure(others[w], mean)
			}
		}
		obs := c.Counts[n]
		mu := exposure(others[n], mean) * shape / rate
		size := math.Inf(1)
		if inv := 1/shape + phi; shape > 0 && inv > 0 {
			size = 1 / inv
		}
		out[i] = Result{Cell: c, Observed: obs, Expected: mu, Size: size, P: UpperTail(obs, mu, size)}
	}
	ps := make([]float64, len(out))
	for i, r := range out {
		ps[i] = r.P
	}
	for i, q := range BH(ps) {
		out[i].Q = q
		out[i].Flagged = q <= alpha && out[i].Observed >= MinCount
	}
	slices.SortStableFunc(out, func(a, b Result) int {
		if a.Flagged != b.Flagged {
			if a.Flagged {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(a.P, b.P), cmp.Compare(b.Ratio(), a.Ratio()))
	})
	return out
}

// trimShare is the share of cells, the most spread, left out of the
// overdispersion: hot spots in a baseline that no run flagged would
// otherwise widen every cell's expectation (and hide the next hot spot).
const trimShare = 0.02

// overdispersion is φ in Var = μ + φμ², by moments over the cells'
// usual baseline weeks — Σ(s² − m) / Σm² — leaving out the trimShare of
// cells with the largest s²/m. One figure for the district: a category's
// own would be decided by its few largest grids.
func overdispersion(cells []Cell, n int) float64 {
	type mv struct{ m, v float64 }
	var xs []mv
	for _, c := range cells {
		if m, v := meanVar(c.usual(n)); m > 0 {
			xs = append(xs, mv{m, v})
		}
	}
	slices.SortFunc(xs, func(a, b mv) int { return cmp.Compare(a.v/a.m, b.v/b.m) })
	xs = xs[:len(xs)-int(trimShare*float64(len(xs)))]
	num, den := 0.0, 0.0
	for _, x := range xs {
		num += x.v - x.m
		den += x.m * x.m
	}
	if den <= 0 {
		return 0
	}
	return max(0, num/den)
}

// usual are the counts of the first n weeks that were not hot.
func (c Cell) usual(n int) []int {
	if !slices.Contains(c.Hot, true) {
		return c.Counts[:n]
	}
	out := make([]int, 0, n)
	for w, x := range c.Counts[:n] {
		if !c.hot(w) {
			out = append(out, x)
		}
	}
	return out
}

// levelPrior is the pseudo-count, in demands a week, that shrinks a
// category's weekly district level toward flat: a small category's level
// from a few dozen demands is mostly noise (±1/√n), a large one's is not.
const levelPrior = 25

// exposure is a week's district level against the baseline mean, shrunk
// toward 1 by levelPrior (1 when the category had nothing elsewhere, so a
// cell is judged on its own).
func exposure(week, mean float64) float64 {
	return (week + levelPrior) / (mean + levelPrior)
}

// meanVar is the mean and sample variance (n-1) of xs.
func meanVar(xs []int) (float64, float64) {
	if len(xs) < 2 {
		return 0, 0
	}
	m := 0.0
	for _, x := range xs {
		m += float64(x)
	}
	m /= float64(len(xs))
	v := 0.0
	for _, x := range xs {
		v += (float64(x) - m) * (float64(x) - m)
	}
	return m, v / float64(len(xs)-1)
}

// UpperTail is P(X ≥ k) for X negative binomial with mean mu and size r
// (Var = mu + mu²/r); r = +Inf is Poisson. mu = 0 gives 1 for k = 0 and 0
// otherwise.
func UpperTail(k int, mu, r float64) float64 {
	if k <= 0 {
		return 1
	}
	if mu <= 0 {
		return 0
	}
	logPMF := func(x int) float64 {
		fx := float64(x)
		if math.IsInf(r, 1) {
			return fx*math.Log(mu) - mu - lgamma(fx+1)
		}
		return lgamma(fx+r) - lgamma(r) - lgamma(fx+1) + r*math.Log(r/(r+mu)) + fx*math.Log(mu/(r+mu))
	}
	if float64(k) <= mu+1 {
		// Near or below the mean: one minus the lower sum loses nothing that matters.
		lower := 0.0
		for x := range k {
			lower += math.Exp(logPMF(x))
		}
		return min(1, max(0, 1-lower))
	}
	// Above the mean the terms only fall: sum them until they stop counting.
	sum := 0.0
	for x := k; ; x++ {
		t := math.Exp(logPMF(x))
		sum += t
		if t <= sum*1e-15 || x > k+100_000 {
			break
		}
	}
	return min(1, sum)
}

func lgamma(x float64) float64 {
	v, _ := math.Lgamma(x)
	return v
}

// BH returns the Benjamini–Hochberg adjusted p-values (q-values) of ps, in
// their order: a cell is a discovery at false-discovery rate α when its
// q ≤ α. q_(i) = min over j ≥ i of m·p_(j)/j, at most 1.
func BH(ps []float64) []float64 {
	m := len(ps)
	idx := make([]int, m)
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		switch {
		case ps[a] < ps[b]:
			return -1
		case ps[a] > ps[b]:
			return 1
		}
		return 0
	})
	q := make([]float64, m)
	run := 1.0
	for rank := m; rank >= 1; rank-- {
		i := idx[rank-1]
		run = min(run, ps[i]*float64(m)/float64(rank))
		q[i] = run
	}
	return q
}

// Series is a cell's weekly counts over a span of weeks, oldest first.
type Series struct {
	Grid, Category string
	Counts         []int
}

// Weekly runs the weekly job over every week of the series that has a
// whole baseline before it, in order, as the job runs week after week:
// the cells flagged in a week stay out of the later weeks' baselines. It
// returns each tested week's results (as Detect's: flagged first) by week
// index. Cells with no demand in a
// week's window are not tested that week, as the rollups hold no row.
func Weekly(series []Series, grids int, alpha float64) map[int][]Result {
	if len(series) == 0 {
		return nil
	}
	weeks := len(series[0].Counts)
	hot := make([][]bool, len(series))
	for i := range hot {
		hot[i] = make([]bool, weeks)
	}
	out := map[int][]Result{}
	idx := make([]int, 0, len(series))
	for t := BaselineWeeks; t < weeks; t++ {
		cells := make([]Cell, 0, len(series))
		idx = idx[:0]
		for i, s := range series {
			win := s.Counts[t-BaselineWeeks : t+1]
			if !slices.ContainsFunc(win, func(x int) bool { return x > 0 }) {
				continue
			}
			cells = append(cells, Cell{Grid: s.Grid, Category: s.Category, Counts: win, Hot: hot[i][t-BaselineWeeks : t]})
			idx = append(idx, i)
		}
		at := make(map[[2]string]int, len(cells))
		for k, c := range cells {
			at[[2]string{c.Grid, c.Category}] = idx[k]
		}
		res := Detect(cells, grids, alpha)
		out[t] = res
		for _, r := range res {
			if !r.Flagged {
				break // flagged results come first
			}
			hot[at[[2]string{r.Grid, r.Category}]][t] = true
		}
	}
	return out
}
