package match

// Assign proposes the pairing of needs with resources that maximises the
// total score: each need to at most one resource, each resource to at most
// Slots needs, a need left unmatched when every way of matching it lowers
// the total. The same input always gives the same plan, even where several
// plans reach the same total. The plan's Greedy is what Greedy reaches on
// the same data; Total is never below it.
//
// The problem is a transportation problem: needs supply one unit each,
// resources take up to their slots, and a shared "unmatched" column of
// score 0 takes any number. It is solved exactly by successive shortest
// augmenting paths with node potentials (the Hungarian method for
// rectangular problems): needs enter one at a time, and each entry runs
// Dijkstra from the new need over reduced costs, stopping as soon as the
// shortest path to a free slot or to "unmatched" is known, and moves the
// needs along it. After each entry the plan is optimal for the needs
// entered so far, so after the last it is optimal for all.
//
// Why it is fast at district scale without giving up exactness: a search
// only reaches needs and resources joined to the new need by eligible
// pairs, so it never leaves the new need's connected component, and it
// stops early, usually among the need's own few dozen candidates. Solving
// each connected component separately would run exactly the same searches,
// so the graph is not split; contention (a street with more parking needs
// than spaces) makes searches longer only inside the contended part.
// Per-node arrays are reset by generation stamps, not cleared, so a search
// costs what it touches.
func Assign(ns []Need, rs []Resource) Plan {
	g := build(ns, rs)
	p := plan(ns, rs, newSolver(g, rs).solve())
	_, p.Greedy = greedy(g, rs)
	return p
}

// Nodes of the flow graph: the sink (a free slot or "unmatched") is 0,
// need u is 1+u, resource j is 1+n+j. The sink sorts first, so on equal
// distance the search stops before expanding further.
const sink = 0

type solver struct {
	g graph
	n int

	asg  []int32 // per need: its resource, or -1 (unmatched or not entered yet)
	gain []int32 // per need: its pair's score

	held []int32 // needs each resource holds: held[off[j] : off[j]+size[j]]
	off  []int32
	size []int32
	room []int32 // slots that can be used: min(Slots, eligible needs)

	pot, dist  []int64 // per node
	pred       []int32 // per node: where the search came from (-1: the start)
	predGain   []int32 // per resource reached: the score of the pair it was reached by
	seen, done []uint32
	gen        uint32
	heap       nodeHeap
	settled    []int32
}

func newSolver(g graph, rs []Resource) *solver {
	n, m := len(g.start)-1, len(rs)
	v := 1 + n + m
	s := &solver{g: g, n: n, asg: unassigned(n), gain: make([]int32, n),
		off: make([]int32, m+1), size: make([]int32, m), room: make([]int32, m),
		pot: make([]int64, v), dist: make([]int64, v), pred: make([]int32, v), predGain: make([]int32, v),
		seen: make([]uint32, v), done: make([]uint32, v)}
	s.layout(rs)
	return s
}

// layout sizes each resource's room, the slots it can use: its Slots, but
// never more than the needs eligible for it, so a fund with a thousand
// slots does not reserve a thousand places in held.
func (s *solver) layout(rs []Resource) {
	for _, j := range s.g.res {
		s.room[j]++
	}
	for j, r := range rs {
		s.room[j] = int32(min(int(s.room[j]), max(r.Slots, 0)))
		s.off[j+1] = s.off[j] + s.room[j]
	}
	s.held = make([]int32, s.off[len(rs)])
}

func (s *solver) solve() []int32 {
	for u := range s.n {
		if s.g.start[u] < s.g.start[u+1] {
			s.enter(u)
		}
	}
	return s.asg
}

func (s *solver) row(u int) int32   { return int32(1 + u) }
func (s *solver) col(j int32) int32 { return int32(1+s.n) + j }
func (s *solver) isRow(x int32) bool {
	return x >= 1 && x <= int32(s.n)
}

// enter adds need u to the plan along a shortest augmenting path.
func (s *solver) enter(u int) {
	x := s.row(u)
	s.pot[x] = s.entryPotential(u)
	s.gen++
	s.heap = s.heap[:0]
	s.settled = s.settled[:0]
	s.relax(x, 0, -1, 0)
	for len(s.heap) > 0 {
		it := s.heap.pop()
		if s.done[it.v] == s.gen || it.d > s.dist[it.v] {
			continue
		}
		s.done[it.v] = s.gen
		s.settled = append(s.settled, it.v)
		if it.v == sink {
			break
		}
		if s.isRow(it.v) {
			s.expandNeed(it.v, it.d)
		} else {
			s.expandResource(it.v, it.d)
		}
	}
	// Potentials of what was settled move by their distance (relative to
	// the sink's), which keeps every reduced cost non-negative.
	d := s.dist[sink]
	for _, v := range s.settled {
		s.pot[v] += s.dist[v] - d
	}
	s.augment()
}

// entryPotential makes the new need's edges non-negative in reduced cost.
func (s *solver) entryPotential(u int) int64 {
	p := int64(-MaxScore) // its edge to "unmatched"
	for e := s.g.start[u]; e < s.g.start[u+1]; e++ {
		p = max(p, s.pot[s.col(s.g.res[e])]-int64(MaxScore-s.g.score[e]))
	}
	return p
}

// relax offers v a path of length d. A settled node is never offered
// again: with non-negative reduced costs it cannot improve, and refusing
// keeps the path a path even if that promise were ever broken.
func (s *solver) relax(v int32, d int64, from, gain int32) {
	if s.seen[v] == s.gen && (d >= s.dist[v] || s.done[v] == s.gen) {
		return
	}
	s.seen[v], s.dist[v], s.pred[v], s.predGain[v] = s.gen, d, from, gain
	s.heap.push(item{d, v})
}

// expandNeed follows a need's edges: to "unmatched" (cost MaxScore, score
// 0) and to each eligible resource it does not hold (cost MaxScore-score).
func (s *solver) expandNeed(x int32, d int64) {
	u := x - 1
	s.relax(sink, d+MaxScore+s.pot[x], x, 0)
	for e := s.g.start[u]; e < s.g.start[u+1]; e++ {
		j := s.g.res[e]
		if s.asg[u] == j {
			continue
		}
		c := s.col(j)
		s.relax(c, d+int64(MaxScore-s.g.score[e])+s.pot[x]-s.pot[c], x, s.g.score[e])
	}
}

// expandResource follows a resource's edges: to the sink when it has a
// slot left, and back to each need it holds (that need would move on).
func (s *solver) expandResource(x int32, d int64) {
	j := x - 1 - int32(s.n)
	if s.size[j] < s.room[j] {
		s.relax(sink, d+s.pot[x], x, 0)
	}
	for _, w := range s.held[s.off[j] : s.off[j]+s.size[j]] {
		r := s.row(int(w))
		s.relax(r, d-int64(MaxScore-s.gain[w])+s.pot[x]-s.pot[r], x, 0)
	}
}

// augment moves the needs along the path found: the new need takes the
// first resource, each need displaced takes the next, and the last takes
// a free slot or goes unmatched.
func (s *solver) augment() {
	x := s.pred[sink]
	to, gain := int32(-1), int32(0)
	if !s.isRow(x) {
		to, gain = x-1-int32(s.n), s.predGain[x]
		x = s.pred[x]
	}
	for {
		u := x - 1
		from := s.pred[x]
		s.move(u, to, gain)
		if from < 0 {
			return
		}
		to, gain = from-1-int32(s.n), s.predGain[from]
		x = s.pred[from]
	}
}

func (s *solver) move(u, to, gain int32) {
	if j := s.asg[u]; j >= 0 {
		h := s.held[s.off[j] : s.off[j]+s.size[j]]
		for i, w := range h {
			if w == u {
				h[i] = h[len(h)-1]
				break
			}
		}
		s.size[j]--
	}
	s.asg[u], s.gain[u] = to, gain
	if to >= 0 {
		s.held[s.off[to]+s.size[to]] = u
		s.size[to]++
	}
}

type item struct {
	d int64
	v int32
}

// nodeHeap is a binary min-heap by distance, then node.
type nodeHeap []item

func less(a, b item) bool { return a.d < b.d || (a.d == b.d && a.v < b.v) }

func (h *nodeHeap) push(it item) {
	*h = append(*h, it)
	q := *h
	for i := len(q) - 1; i > 0; {
		p := (i - 1) / 2
		if !less(q[i], q[p]) {
			break
		}
		q[i], q[p] = q[p], q[i]
		i = p
	}
}

func (h *nodeHeap) pop() item {
	q := *h
	top := q[0]
	last := len(q) - 1
	q[0] = q[last]
	q = q[:last]
	for i := 0; ; {
		m, l, r := i, 2*i+1, 2*i+2
		if l < len(q) && less(q[l], q[m]) {
			m = l
		}
		if r < len(q) && less(q[r], q[m]) {
			m = r
		}
		if m == i {
			break
		}
		q[i], q[m] = q[m], q[i]
		i = m
	}
	*h = q
	return top
}
