package demand

import (
	"cmp"
	"math"
	"slices"
)

// outlineUnit is the resolution at which Outline compares points: 1e-7
// degrees, about a centimetre. Outlines are drawn, not surveyed.
const outlineUnit = 1e7

type opt struct{ x, y int64 } // a point in outline units

// Outline is the border of the union of polygons (each one ring of [x, y]
// pairs, closed or not): the edges that belong to exactly one polygon, since
// an edge two neighbouring polygons share lies inside the union. Edges are
// first cut wherever another polygon's corner lies on them, so neighbours
// whose corners do not line up (a row of three grids above a row of two)
// still cancel along what they share. The result is closed rings without
// corners on straight runs, in a fixed order; a union with holes or of
// separate pieces has several. Polygons that overlap rather than touch are
// not merged: their crossing edges stay.
func Outline(polys [][][2]float64) [][][2]float64 {
	var edges [][2]opt
	seen := map[opt]bool{}
	var corners []opt
	for _, ring := range polys {
		pts := make([]opt, 0, len(ring)+1)
		for _, p := range ring {
			q := opt{int64(math.Round(p[0] * outlineUnit)), int64(math.Round(p[1] * outlineUnit))}
			if len(pts) == 0 || pts[len(pts)-1] != q {
				pts = append(pts, q)
			}
		}
		if len(pts) > 1 && pts[0] == pts[len(pts)-1] {
			pts = pts[:len(pts)-1]
		}
		if len(pts) < 3 {
			continue
		}
		for i, p := range pts {
			edges = append(edges, [2]opt{p, pts[(i+1)%len(pts)]})
			if !seen[p] {
				seen[p] = true
				corners = append(corners, p)
			}
		}
	}
	// Cut each edge at the corners on it and count each piece, either way round.
	count := map[[2]opt]int{}
	var order [][2]opt
	for _, e := range edges {
		cuts := []opt{e[0], e[1]}
		for _, c := range corners {
			if c != e[0] && c != e[1] && onSegment(c, e[0], e[1]) {
				cuts = append(cuts, c)
			}
		}
		a := e[0]
		slices.SortFunc(cuts, func(p, q opt) int { return cmp.Compare(dist2(a, p), dist2(a, q)) })
		for i := 1; i < len(cuts); i++ {
			k := undirected(cuts[i-1], cuts[i])
			if count[k] == 0 {
				order = append(order, k)
			}
			count[k]++
		}
	}
	// The pieces counted once are the border; walk them into rings.
	next := map[opt][]opt{}
	var border [][2]opt
	for _, k := range order {
		if count[k] == 1 {
			border = append(border, k)
			next[k[0]] = append(next[k[0]], k[1])
			next[k[1]] = append(next[k[1]], k[0])
		}
	}
	used := map[[2]opt]bool{}
	var out [][][2]float64
	for _, k := range border {
		if used[k] {
			continue
		}
		used[k] = true
		ring := []opt{k[0], k[1]}
		for cur := k[1]; cur != k[0]; {
			moved := false
			for _, n := range next[cur] {
				if e := undirected(cur, n); !used[e] {
					used[e] = true
					ring = append(ring, n)
					cur, moved = n, true
					break
				}
			}
			if !moved {
				break // an open run: cannot happen for a border, kept as it is
			}
		}
		out = append(out, straighten(ring))
	}
	return out
}

// straighten drops the corners of ring (closed: first = last) that lie on a
// straight run, and returns it in degrees, closed.
func straighten(ring []opt) [][2]float64 {
	closed := len(ring) > 2 && ring[0] == ring[len(ring)-1]
	pts := ring
	if closed {
		pts = ring[:len(ring)-1]
	}
	var keep []opt
	for i, p := range pts {
		if closed && len(pts) > 3 {
			prev, next := pts[(i+len(pts)-1)%len(pts)], pts[(i+1)%len(pts)]
			if cross(prev, p, next) == 0 {
				continue
			}
		}
		keep = append(keep, p)
	}
	if closed && len(keep) > 0 {
		keep = append(keep, keep[0])
	}
	out := make([][2]float64, len(keep))
	for i, p := range keep {
		out[i] = [2]float64{float64(p.x) / outlineUnit, float64(p.y) / outlineUnit}
	}
	return out
}

func undirected(a, b opt) [2]opt {
	if b.x < a.x || b.x == a.x && b.y < a.y {
		a, b = b, a
	}
	return [2]opt{a, b}
}

// cross is twice the signed area of the triangle a, b, c.
func cross(a, b, c opt) float64 {
	return float64(b.x-a.x)*float64(c.y-a.y) - float64(b.y-a.y)*float64(c.x-a.x)
}

func dist2(a, b opt) float64 {
	dx, dy := float64(b.x-a.x), float64(b.y-a.y)
	return dx*dx + dy*dy
}

// onSegment reports whether c lies on the segment a–b, within a unit of it.
func onSegment(c, a, b opt) bool {
	l2 := dist2(a, b)
	if l2 == 0 {
		return false
	}
	if d := cross(a, b, c); d*d > l2 { // farther than one unit from the line
		return false
	}
	dot := float64(c.x-a.x)*float64(b.x-a.x) + float64(c.y-a.y)*float64(b.y-a.y)
	return dot > 0 && dot < l2
}
