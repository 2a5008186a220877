package match

import (
	"math"
	"slices"
	"strings"

	"gongzhi/internal/week"
)

// The parts of a score and their weights; at most they add up to MaxScore.
// Category fit is the floor every eligible pair has (so any pairing beats
// leaving a need unmatched); closeness in the area tree weighs most after
// it, because residents are served by those around them; map distance
// refines it where both are on the map; time overlap and urgency follow;
// capacity left only breaks near-ties (a resource with room to spare is
// less likely to let the resident down).
const (
	MaxScore = 1000

	pointsCategory    = 400
	pointsResidential = 250 // the resource lies in the need's residential area
	pointsStreet      = 150
	pointsDistrict    = 50
	pointsDistance    = 120 // at 0 m, falling linearly to 0 at distanceZero
	distanceZero      = 4000
	pointsTime        = 120 // the resource covers all of the need's windows
	pointsSlot        = 10  // per slot left, counting up to slotsCounted
	slotsCounted      = 3
	pointsUrgency     = 40 // per level above low
)

// Score says how well resource r meets need n, and why. It is false when r
// cannot serve n at all: n's category is not among r's, n lies outside the
// subtree r serves, both have time windows that never meet, or r has no
// slot left. Scores are integers from 400 to MaxScore and the same inputs
// always give the same score.
func Score(n Need, r Resource) (Scored, bool) {
	c, ok := evaluate(n, r)
	if !ok {
		return Scored{}, false
	}
	return Scored{ResourceID: r.ID, Score: c.total, Reasons: slices.Clone(c.reasons[:c.n])}, true
}

// card holds a score's parts without allocating, so ranking 10,000
// resources builds reason lists only for the few it returns.
type card struct {
	reasons [6]Reason
	n       int
	total   int
}

func (c *card) add(r Reason) {
	c.reasons[c.n] = r
	c.n++
	c.total += r.Points
}

func evaluate(n Need, r Resource) (card, bool) {
	share, ok := eligible(n, r)
	if !ok {
		return card{}, false
	}
	var c card
	c.add(Reason{Code: CodeCategory, Points: pointsCategory})
	if a, ok := areaReason(n.Path, r.Path); ok {
		c.add(a)
	}
	if d, ok := distanceReason(n, r); ok {
		c.add(d)
	}
	c.add(Reason{Code: CodeTime, Points: int(pointsTime * share.covered / share.of), Value: float64(share.covered) / float64(share.of)})
	c.add(capacityReason(r))
	if n.Urgency > 0 {
		c.add(urgencyReason(n.Urgency))
	}
	return c, true
}

// overlap is the part of a need's week a resource covers, in minutes.
type overlap struct{ covered, of int }

// eligible reports whether r can serve n at all, and the share of n's
// windows r covers (a need with no windows is free any time: wholly covered).
func eligible(n Need, r Resource) (overlap, bool) {
	if r.Slots <= 0 || !slices.Contains(r.Categories, n.Category) || !inside(n.Path, serves(r)) {
		return overlap{}, false
	}
	if len(n.Windows) == 0 {
		return overlap{1, 1}, true
	}
	ov := week.Overlap(n.Windows, r.Windows)
	return overlap{ov, n.Windows.Minutes()}, ov > 0
}

// serves is the subtree r serves, without its final slash; "" serves all.
func serves(r Resource) string {
	s := r.ServesPath
	if s == "" {
		s = r.Path
	}
	return strings.TrimSuffix(s, "/")
}

// inside reports whether path lies in the subtree s (written without its
// final slash), comparing whole segments: /310104/001 holds /310104/001/002/
// but not /310104/0012/.
func inside(path, s string) bool {
	return s == "" || path == s || (strings.HasPrefix(path, s) && path[len(s)] == '/')
}

// areaReason scores how far up the tree the need and the resource part:
// the same residential area (or a grid in it), street, or district.
func areaReason(a, b string) (Reason, bool) {
	switch d := sharedDepth(a, b); {
	case d >= 3:
		return Reason{Code: CodeArea, Points: pointsResidential, Detail: "residential"}, true
	case d == 2:
		return Reason{Code: CodeArea, Points: pointsStreet, Detail: "street"}, true
	case d == 1:
		return Reason{Code: CodeArea, Points: pointsDistrict, Detail: "district"}, true
	}
	return Reason{}, false
}

// sharedDepth counts the whole segments two area paths share:
// /a/b/c/ and /a/b/d/ share 2. A path's last segment counts with or
// without its final slash.
func sharedDepth(a, b string) int {
	n := min(len(a), len(b))
	i, slashes := 0, 0
	for ; i < n && a[i] == b[i]; i++ {
		if a[i] == '/' {
			slashes++
		}
	}
	if i == n && n > 0 && a[n-1] != '/' && segmentEnds(a, n) && segmentEnds(b, n) {
		slashes++
	}
	return max(slashes-1, 0)
}

func segmentEnds(s string, i int) bool { return i == len(s) || s[i] == '/' }

// distanceReason scores the distance on the map, when both are on it.
func distanceReason(n Need, r Resource) (Reason, bool) {
	if (n.Lat == 0 && n.Lng == 0) || (r.Lat == 0 && r.Lng == 0) {
		return Reason{}, false
	}
	m := metres(n.Lat, n.Lng, r.Lat, r.Lng)
	points := 0
	if m < distanceZero {
		points = pointsDistance * (distanceZero - m) / distanceZero
	}
	return Reason{Code: CodeDistance, Points: points, Value: float64(m) / 1000}, true
}

// metres is the great-circle (haversine) distance, rounded to the metre.
func metres(lat1, lng1, lat2, lng2 float64) int {
	const earth = 6371000.0
	rad := math.Pi / 180
	dLat, dLng := (lat2-lat1)*rad, (lng2-lng1)*rad
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dLng/2)*math.Sin(dLng/2)
	return int(math.Round(2 * earth * math.Asin(math.Sqrt(min(h, 1)))))
}

func capacityReason(r Resource) Reason {
	capacity := max(r.Capacity, r.Slots)
	return Reason{Code: CodeCapacity, Points: pointsSlot * min(r.Slots, slotsCounted), Value: float64(r.Slots) / float64(capacity)}
}

func urgencyReason(u int) Reason {
	if u >= 2 {
		return Reason{Code: CodeUrgency, Points: 2 * pointsUrgency, Detail: "high"}
	}
	return Reason{Code: CodeUrgency, Points: pointsUrgency, Detail: "normal"}
}
