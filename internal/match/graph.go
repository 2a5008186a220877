package match

import (
	"slices"
	"strings"
)

// graph holds the eligible pairs of a bulk match in compressed rows: need
// i's pairs are res[start[i]:start[i+1]], in resource order, with their
// scores. At district scale a need is eligible for tens of resources out
// of thousands, so the pairs are found through an index rather than by
// scoring every need against every resource.
type graph struct {
	start []int32
	res   []int32
	score []int32
}

// key is a bucket of the index: the resources serving one category in one
// subtree (written without its final slash).
type key struct{ category, serves string }

func build(ns []Need, rs []Resource) graph {
	idx := index(rs)
	g := graph{start: make([]int32, len(ns)+1)}
	var cand []int32
	for i, n := range ns {
		cand = candidates(cand[:0], idx, n)
		slices.Sort(cand)
		for _, j := range cand {
			if c, ok := evaluate(n, rs[j]); ok {
				g.res = append(g.res, j)
				g.score = append(g.score, int32(c.total))
			}
		}
		g.start[i+1] = int32(len(g.res))
	}
	return g
}

func index(rs []Resource) map[key][]int32 {
	idx := make(map[key][]int32)
	for j, r := range rs {
		if r.Slots <= 0 {
			continue
		}
		s := serves(r)
		for c, cat := range r.Categories {
			if !slices.Contains(r.Categories[:c], cat) {
				k := key{cat, s}
				idx[k] = append(idx[k], int32(j))
			}
		}
	}
	return idx
}

// candidates appends the resources of n's category serving a subtree that
// holds n: every ancestor of n.Path, n.Path itself, and "" (everywhere).
// Score still decides; this only finds the few worth scoring.
func candidates(out []int32, idx map[key][]int32, n Need) []int32 {
	p := n.Path
	for i := 0; i < len(p); i++ {
		if p[i] == '/' {
			out = append(out, idx[key{n.Category, p[:i]}]...)
		}
	}
	if !strings.HasSuffix(p, "/") {
		out = append(out, idx[key{n.Category, p}]...)
	}
	return out
}

// plan writes an assignment (a resource index per need, -1 for none) as a
// Plan, with each pair's reasons.
func plan(ns []Need, rs []Resource, asg []int32) Plan {
	p := Plan{Pairs: []Pair{}, Unmatched: []int64{}}
	for i, j := range asg {
		if j < 0 {
			p.Unmatched = append(p.Unmatched, ns[i].ID)
			continue
		}
		sc, _ := Score(ns[i], rs[j])
		p.Pairs = append(p.Pairs, Pair{NeedID: ns[i].ID, Scored: sc})
		p.Total += sc.Score
	}
	return p
}
