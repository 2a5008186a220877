package hotspot_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gongzhi/internal/hotspot"
)

// plant is a planted hot spot: a cell whose demands multiply by factor
// for weeks weeks from week from.
type plant struct {
	grid, cat, from, weeks int
	base, factor           float64
}

// synth is a synthetic district's weekly counts: grids × cats cells over
// weeks weeks. Each cell has its own rate (grids differ a lot: Gamma with
// shape 1.2 around the category's mean); the category rises and falls over
// the year and dips in holiday weeks, district-wide; each cell-week has its
// own extra noise (Gamma with shape 30: overdispersion the model must
// measure). Planted cells get base as their usual rate.
func synth(seed uint64, grids, cats, weeks int, plants []plant) []hotspot.Series {
	r := rand.New(rand.NewPCG(seed, 12))
	gamma := func(shape float64) float64 { // mean 1 (Marsaglia–Tsang)
		if shape < 1 {
			u := r.Float64()
			return gammaMT(r, shape+1) * math.Pow(u, 1/shape) / shape * shape
		}
		return gammaMT(r, shape) / shape
	}
	means := make([]float64, cats)
	phase := make([]float64, cats)
	for c := range cats {
		means[c] = 0.1 + 2.4*float64(c)/float64(max(cats-1, 1))
		phase[c] = 2 * math.Pi * r.Float64()
	}
	season := func(c, w int) float64 {
		f := 1 + 0.25*math.Sin(2*math.Pi*float64(w)/52+phase[c])
		if w%13 == 5 { // a holiday week
			f *= 0.6
		}
		return f
	}
	planted := map[[2]int]plant{}
	for _, p := range plants {
		planted[[2]int{p.grid, p.cat}] = p
	}
	out := make([]hotspot.Series, 0, grids*cats)
	for g := range grids {
		for c := range cats {
			rate := means[c] * gamma(1.2)
			p, isPlant := planted[[2]int{g, c}]
			if isPlant {
				rate = p.base
			}
			counts := make([]int, weeks)
			for w := range weeks {
				mu := rate * season(c, w) * gamma(30)
				if isPlant && w >= p.from && w < p.from+p.weeks {
					mu *= p.factor
				}
				counts[w] = poisson(r, mu)
			}
			out = append(out, hotspot.Series{Grid: fmt.Sprintf("/d/%d/", g), Category: fmt.Sprintf("c%02d", c), Counts: counts})
		}
	}
	return out
}

func gammaMT(r *rand.Rand, shape float64) float64 {
	d := shape - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := r.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := r.Float64()
		if math.Log(u) < 0.5*x*x+d-d*v+d*math.Log(v) {
			return d * v
		}
	}
}

func poisson(r *rand.Rand, mu float64) int {
	if mu > 50 {
		return max(0, int(math.Round(mu+math.Sqrt(mu)*r.NormFloat64())))
	}
	l, k, p := math.Exp(-mu), 0, 1.0
	for {
		p *= r.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

// groundTruthPlants are the planted hot spots of the synthetic district, as
// the demo plants them: grids whose demands of a category triple for six
// weeks (the night-noise grid by a bar street among them).
func groundTruthPlants() []plant {
	var ps []plant
	for i := range 10 {
		ps = append(ps, plant{grid: 17 + 29*i, cat: i % 12, from: 12 + 2*i, weeks: 6, base: 30 + float64(i%4)*2, factor: 3})
	}
	return ps
}

// TestGroundTruth: on a synthetic district of 300 grids × 12 categories
// over 40 weeks with ten planted hot spots (each tripling for six weeks),
// the weekly job, run week after week, finds at least 90% of the planted
// cell-weeks with at most 10% of what it flags false.
func TestGroundTruth(t *testing.T) {
	plants := groundTruthPlants()
	series := synth(20261205, 300, 12, 40, plants)
	truth := map[string]bool{}
	for _, p := range plants {
		for w := p.from; w < p.from+p.weeks; w++ {
			truth[fmt.Sprintf("/d/%d/ c%02d %d", p.grid, p.cat, w)] = true
		}
	}
	found, flagged, falses := 0, 0, 0
	for w, rs := range hotspot.Weekly(series, 300, hotspot.Alpha) {
		for _, r := range rs {
			if !r.Flagged {
				break
			}
			flagged++
			if truth[fmt.Sprintf("%s %s %d", r.Grid, r.Category, w)] {
				found++
			} else {
				falses++
			}
		}
	}
	recall, fdr := float64(found)/float64(len(truth)), float64(falses)/float64(max(flagged, 1))
	t.Logf("planted cell-weeks %d, flagged %d, found %d: recall %.3f, false discoveries %.3f", len(truth), flagged, found, recall, fdr)
	if recall < 0.9 || fdr > 0.1 {
		t.Errorf("recall %.3f (want ≥ 0.9), false-discovery rate %.3f (want ≤ 0.1)", recall, fdr)
	}
}

// TestGroundTruthEffect: a fix that halves a category in five grids is
// measured with an interval that contains one half, on the planted seed
// and in at least 90% of 200 other districts (a 95% interval should).
func TestGroundTruthEffect(t *testing.T) {
	measure := func(seed uint64) hotspot.Effect {
		r := rand.New(rand.NewPCG(seed, 7))
		var tb, ta, cb, ca int
		for g := range 200 {
			rate := 0.5 + 3*r.Float64()
			treated := g < 5
			if treated {
				rate = 6
			}
			for w := range 16 { // 8 weeks before, 8 after
				mu := rate * (1 + 0.3*math.Sin(float64(w)/3)) // the season moves everyone
				after := w >= 8
				if treated && after {
					mu *= 0.5
				}
				n := poisson(r, mu)
				switch {
				case treated && after:
					ta += n
				case treated:
					tb += n
				case after:
					ca += n
				default:
					cb += n
				}
			}
		}
		return hotspot.DiD(tb, ta, cb, ca)
	}
	e := measure(20261205)
	t.Logf("planted 0.50, measured %.2f (%.2f–%.2f): %s", e.Ratio, e.Low, e.High, e.Sentence())
	if e.Low > 0.5 || e.High < 0.5 || e.Direction != "fell" {
		t.Errorf("measured %.3f (%.3f–%.3f) %s; the interval should hold the planted 0.5 and say it fell", e.Ratio, e.Low, e.High, e.Direction)
	}
	in := 0
	for seed := range uint64(200) {
		if e := measure(seed); e.Low <= 0.5 && 0.5 <= e.High {
			in++
		}
	}
	if in < 180 {
		t.Errorf("the interval held the planted effect in %d of 200 districts, want at least 180", in)
	}
}

// TestGroundTruthSeeds: the same district drawn from ten other fixed seeds.
// A 5% false-discovery control and a recall of 0.9 hold on average, not in
// every district, so the test asserts the averages (deterministic: the
// seeds are fixed) and logs each seed's figures (docs/hotspots.md).
func TestGroundTruthSeeds(t *testing.T) {
	if testing.Short() {
		t.Skip("ten districts")
	}
	plants := groundTruthPlants()
	truth := map[string]bool{}
	for _, p := range plants {
		for w := p.from; w < p.from+p.weeks; w++ {
			truth[fmt.Sprintf("/d/%d/ c%02d %d", p.grid, p.cat, w)] = true
		}
	}
	var sumRecall, sumFDR float64
	const seeds = 10
	for seed := uint64(1); seed <= seeds; seed++ {
		found, flagged, falses := 0, 0, 0
		for w, rs := range hotspot.Weekly(synth(seed, 300, 12, 40, plants), 300, hotspot.Alpha) {
			for _, r := range rs {
				if !r.Flagged {
					break
				}
				flagged++
				if truth[fmt.Sprintf("%s %s %d", r.Grid, r.Category, w)] {
					found++
				} else {
					falses++
				}
			}
		}
		recall, fdr := float64(found)/float64(len(truth)), float64(falses)/float64(max(flagged, 1))
		t.Logf("seed %2d: flagged %3d, found %2d of %d: recall %.3f, false discoveries %.3f", seed, flagged, found, len(truth), recall, fdr)
		sumRecall += recall
		sumFDR += fdr
	}
	recall, fdr := sumRecall/seeds, sumFDR/seeds
	t.Logf("mean over %d seeds: recall %.3f, false discoveries %.3f", seeds, recall, fdr)
	if recall < 0.9 || fdr > 0.1 {
		t.Errorf("mean recall %.3f (want ≥ 0.9), mean false-discovery rate %.3f (want ≤ 0.1)", recall, fdr)
	}
}
