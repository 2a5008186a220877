package match

import (
	"cmp"
	"slices"
)

// Rank returns the k resources that best meet n, best first, ties broken
// by resource ID; k ≤ 0 returns every eligible one. It keeps the best k in
// a bounded heap while it scans, so 10,000 resources cost one pass of
// scoring and no sort of them all.
func Rank(n Need, rs []Resource, k int) []Scored {
	if k <= 0 || k > len(rs) {
		k = len(rs)
	}
	h := make(worstFirst, 0, min(k, 64))
	for j := range rs {
		c, ok := evaluate(n, rs[j])
		if !ok {
			continue
		}
		e := ranked{score: c.total, id: rs[j].ID, j: j}
		switch {
		case len(h) < k:
			h.push(e)
		case better(e, h[0]):
			h[0] = e
			h.down(0)
		}
	}
	slices.SortFunc(h, func(a, b ranked) int {
		if better(a, b) {
			return -1
		}
		return 1
	})
	out := make([]Scored, len(h))
	for i, e := range h {
		out[i], _ = Score(n, rs[e.j])
	}
	return out
}

type ranked struct {
	score int
	id    int64
	j     int
}

// better orders a ranking: higher score first, then lower resource ID, then
// input order (for duplicate IDs).
func better(a, b ranked) bool {
	if c := cmp.Or(cmp.Compare(b.score, a.score), cmp.Compare(a.id, b.id), cmp.Compare(a.j, b.j)); c != 0 {
		return c < 0
	}
	return false
}

// worstFirst is a binary heap with the worst of the kept entries on top.
type worstFirst []ranked

func (h *worstFirst) push(e ranked) {
	*h = append(*h, e)
	s := *h
	for i := len(s) - 1; i > 0; {
		p := (i - 1) / 2
		if !better(s[p], s[i]) {
			break
		}
		s[p], s[i] = s[i], s[p]
		i = p
	}
}

func (h worstFirst) down(i int) {
	for {
		w, l, r := i, 2*i+1, 2*i+2
		if l < len(h) && better(h[w], h[l]) {
			w = l
		}
		if r < len(h) && better(h[w], h[r]) {
			w = r
		}
		if w == i {
			return
		}
		h[w], h[i] = h[i], h[w]
		i = w
	}
}
