package match_test

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"gongzhi/internal/match"
	"gongzhi/internal/week"
)

// district generates a realistic district for the benchmarks: 13 streets
// of 20 residential areas each (codes as the area package writes them,
// /310104/310104001/310104001001/), laid out on a map about 8 × 8 km, and
// twelve need categories whose demand and supply differ (parking and
// elderly care are asked for far more than they are offered, venues and
// volunteers the other way round). Resources serve their street (40 %) or
// their residential area (60 %), name one to three categories, have 1–5
// slots and weekly windows (evenings, weekends, office hours, nights or any
// time); 70 % are on the map. Needs lie in a residential area or one of its
// grids, have windows (a quarter any time), are on the map 85 % of the
// time and are low, normal or high in urgency 25/55/20 %.
type district struct {
	ns []match.Need
	rs []match.Resource
}

type category struct {
	name         string
	need, supply int // relative weights
}

var categories = []category{
	{"parking", 20, 5}, {"elderly_care", 18, 8}, {"meals", 10, 8}, {"childcare", 8, 6},
	{"venue", 6, 15}, {"volunteer", 6, 18}, {"legal", 5, 6}, {"medical", 7, 6},
	{"culture", 8, 12}, {"education", 5, 6}, {"psychological", 3, 3}, {"employment", 4, 7},
}

func pick(rng *rand.Rand, weight func(category) int) string {
	total := 0
	for _, c := range categories {
		total += weight(c)
	}
	x := rng.IntN(total)
	for _, c := range categories {
		if x -= weight(c); x < 0 {
			return c.name
		}
	}
	return categories[0].name
}

type place struct {
	street, residential string
	lat, lng            float64
}

func places(rng *rand.Rand) []place {
	var out []place
	for s := 1; s <= 13; s++ {
		street := fmt.Sprintf("/310104/310104%03d/", s)
		lat, lng := 31.15+0.018*float64(s%4), 121.41+0.021*float64(s/4) // streets about 2 km apart
		for a := 1; a <= 20; a++ {
			out = append(out, place{street, fmt.Sprintf("%s310104%03d%03d/", street, s, a),
				lat + (rng.Float64()-0.5)*0.016, lng + (rng.Float64()-0.5)*0.018})
		}
	}
	return out
}

func newDistrict(tb testing.TB, needs, resources int, seed uint64) district {
	return newDistrictWide(tb, needs, resources, 0, seed)
}

// newDistrictWide is newDistrict with wide per cent of the resources
// serving the whole district (a district-level fund or volunteer team),
// which joins every street into one connected component.
func newDistrictWide(tb testing.TB, needs, resources, wide int, seed uint64) district {
	rng := rand.New(rand.NewPCG(seed, 42))
	ps := places(rng)
	parse := func(texts ...string) []week.Windows {
		out := make([]week.Windows, len(texts))
		for i, s := range texts {
			out[i] = windows(tb, s)
		}
		return out
	}
	offered := parse("", "1-5 19:00-07:00", "6,7 08:00-12:00", "1-7 09:00-17:00", "1-5 08:00-18:00", "6 14:00-17:00", "1-7 18:00-22:00")
	asked := parse("", "", "1-5 18:00-21:00", "6,7 09:00-11:00", "1-7 08:00-20:00", "1-5 19:00-08:00", "2,4 14:00-16:00", "7 15:00-18:00")
	var d district
	for i := range needs {
		p := ps[rng.IntN(len(ps))]
		n := match.Need{ID: int64(1 + i), Category: pick(rng, func(c category) int { return c.need }), Path: p.residential,
			Windows: asked[rng.IntN(len(asked))], Urgency: []int{0, 1, 1, 2}[rng.IntN(4)]}
		if rng.IntN(2) == 0 {
			n.Path += fmt.Sprintf("%s%02d/", p.residential[len(p.street):len(p.residential)-1], 1+rng.IntN(6))
		}
		if rng.IntN(100) < 85 {
			n.Lat, n.Lng = p.lat+(rng.Float64()-0.5)*0.004, p.lng+(rng.Float64()-0.5)*0.004
		}
		d.ns = append(d.ns, n)
	}
	for j := range resources {
		p := ps[rng.IntN(len(ps))]
		r := match.Resource{ID: int64(1 + j), Path: p.residential, ServesPath: p.residential,
			Windows: offered[rng.IntN(len(offered))], Slots: 1 + rng.IntN(5)}
		r.Capacity = r.Slots + rng.IntN(3)
		switch x := rng.IntN(100); {
		case x < wide:
			r.ServesPath = "/310104/"
		case x < 40:
			r.ServesPath = p.street
		}
		for range 1 + rng.IntN(3) {
			r.Categories = append(r.Categories, pick(rng, func(c category) int { return c.supply }))
		}
		if rng.IntN(100) < 70 {
			r.Lat, r.Lng = p.lat+(rng.Float64()-0.5)*0.004, p.lng+(rng.Float64()-0.5)*0.004
		}
		d.rs = append(d.rs, r)
	}
	return d
}

// TestAssignDistrict holds a plan for a generated district (scarce
// resources, some serving the whole district) to its promises.
func TestAssignDistrict(t *testing.T) {
	d := newDistrictWide(t, 3000, 800, 5, 7)
	p := match.Assign(d.ns, d.rs)
	checkPlan(t, d.ns, d.rs, p)
	if g := match.Greedy(d.ns, d.rs); p.Greedy != g.Total || p.Total < g.Total {
		t.Fatalf("optimum %d, its greedy %d, Greedy %d", p.Total, p.Greedy, g.Total)
	}
	t.Logf("%d pairs, total %d, greedy %d", len(p.Pairs), p.Total, p.Greedy)
}

func TestRankAsSorted(t *testing.T) {
	d := newDistrict(t, 200, 3000, 3)
	d.rs[1].ID = d.rs[0].ID // duplicate IDs keep input order
	for i, n := range d.ns {
		var all []match.Scored
		for _, r := range d.rs {
			if sc, ok := match.Score(n, r); ok {
				all = append(all, sc)
			}
		}
		slices.SortStableFunc(all, func(a, b match.Scored) int {
			return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(a.ResourceID, b.ResourceID))
		})
		k := []int{0, 1, 5, 10, 1000}[i%5]
		want := all
		if k > 0 && k < len(all) {
			want = all[:k]
		}
		if got := match.Rank(n, d.rs, k); len(got)+len(want) > 0 && !reflect.DeepEqual(got, want) {
			t.Fatalf("need %d, k %d:\ngot  %v\nwant %v", n.ID, k, got, want)
		}
	}
}

func BenchmarkRank10k(b *testing.B) {
	d := newDistrict(b, 10000, 10000, 1)
	i, found := 0, 0
	for b.Loop() {
		found += len(match.Rank(d.ns[i%len(d.ns)], d.rs, 10))
		i++
	}
	b.ReportMetric(float64(found)/float64(i), "ranked/op")
}

func BenchmarkAssign10k(b *testing.B) { benchmarkAssign(b, newDistrict(b, 10000, 10000, 1)) }

// BenchmarkAssign10kScarce: a quarter of the resources, so three in four
// needs compete for a slot and searches run through displacement chains.
func BenchmarkAssign10kScarce(b *testing.B) { benchmarkAssign(b, newDistrict(b, 10000, 2500, 1)) }

// BenchmarkAssign10kDistrictWide: 5 % of the resources serve the whole
// district, so the graph is one connected component.
func BenchmarkAssign10kDistrictWide(b *testing.B) {
	benchmarkAssign(b, newDistrictWide(b, 10000, 10000, 5, 1))
}

func benchmarkAssign(b *testing.B, d district) {
	var p match.Plan
	for b.Loop() {
		p = match.Assign(d.ns, d.rs)
	}
	b.ReportMetric(float64(p.Total), "total")
	b.ReportMetric(float64(p.Greedy), "greedy")
	b.ReportMetric(float64(len(p.Pairs)), "pairs")
}

func BenchmarkGreedy10k(b *testing.B) {
	d := newDistrict(b, 10000, 10000, 1)
	for b.Loop() {
		match.Greedy(d.ns, d.rs)
	}
}
