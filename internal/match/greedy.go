package match

// Greedy pairs needs with resources the simple way: every eligible pair by
// score, highest first (ties in input order), taken when the need is still
// unmatched and the resource has a slot left. It is what a person working
// down a sorted list would do, and what Assign is measured against: it can
// give a need its best resource when that resource was another need's only
// one. The plan's Greedy is its own Total.
func Greedy(ns []Need, rs []Resource) Plan {
	asg, _ := greedy(build(ns, rs), rs)
	p := plan(ns, rs, asg)
	p.Greedy = p.Total
	return p
}

// greedy visits the pairs in score order by counting sort (scores are
// small integers), so the pass is linear in the number of pairs. It returns
// the resource of each need (-1: none) and the total score.
func greedy(g graph, rs []Resource) ([]int32, int) {
	n := len(g.start) - 1
	from := make([]int32, len(g.res)) // the need of each pair
	for i := range n {
		for e := g.start[i]; e < g.start[i+1]; e++ {
			from[e] = int32(i)
		}
	}
	var count [MaxScore + 2]int32
	for _, s := range g.score {
		count[MaxScore-s+1]++
	}
	for s := 1; s < len(count); s++ {
		count[s] += count[s-1]
	}
	order := make([]int32, len(g.res))
	for e, s := range g.score {
		order[count[MaxScore-s]] = int32(e)
		count[MaxScore-s]++
	}
	asg := unassigned(n)
	left := make([]int, len(rs))
	for j, r := range rs {
		left[j] = r.Slots
	}
	total := 0
	for _, e := range order {
		i, j := from[e], g.res[e]
		if asg[i] < 0 && left[j] > 0 {
			asg[i] = j
			left[j]--
			total += int(g.score[e])
		}
	}
	return asg, total
}

func unassigned(n int) []int32 {
	asg := make([]int32, n)
	for i := range asg {
		asg[i] = -1
	}
	return asg
}
