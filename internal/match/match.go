// Package match proposes pairings between the needs list (需求清单) and the
// resources list (资源清单): for one need, the resources ranked with the
// reasons for each score; for an area, the assignment of all open needs to
// all resources that maximises the total score while respecting every
// resource's capacity (精准对接).
//
// The bulk plan is exact, not greedy: a greedy pass gives the best resource
// to whoever comes first and can leave another need, which only that
// resource could serve, with nothing. Each plan also carries the greedy
// total on the same data, so a page can show what the optimum gained.
//
// Nothing here is applied on its own: a person confirms each proposal (the
// lists package records it). The package is pure functions over plain
// values, with no database, so the rules are tested without one and the
// caller decides where the rows come from.
package match

import "gongzhi/internal/week"

// Need is what the engine sees of a need (需求): its category, where it
// arises, when, and how urgent it is.
type Need struct {
	ID       int64
	Category string
	Path     string  // area path, "/310104/310104001/310104001001/"; each path a prefix of its descendants'
	Lat, Lng float64 // 0, 0: not on the map
	Windows  week.Windows
	Urgency  int // 0 low, 1 normal, 2 high
}

// Resource is what the engine sees of a resource (资源) a regional unit
// offers. In matching a need takes one slot of it: a night-time car park
// with 5 spaces left takes 5 needs. Counting in whole slots keeps the bulk
// plan a transportation problem, which is solved exactly in polynomial
// time; needs asking for several slots would make it a knapsack.
type Resource struct {
	ID         int64
	Kind       string
	Categories []string // need categories it serves
	Path       string   // where it is
	ServesPath string   // the subtree it serves; empty: where it is
	Lat, Lng   float64  // 0, 0: not on the map
	Windows    week.Windows
	Slots      int // how many more needs it can take; 0 or less: none
	Capacity   int // all its slots, used or not, to say "3 of 5 left"; 0: Slots
}

// Codes of a score's parts, for the caller to translate.
const (
	CodeCategory = "category" // the resource serves the need's category
	CodeArea     = "area"     // where the resource is; Detail: residential, street or district in common
	CodeDistance = "distance" // Value: kilometres between the two on the map
	CodeTime     = "time"     // Value: the share (0–1) of the need's windows the resource's windows cover
	CodeCapacity = "capacity" // Value: the share (0–1) of its capacity left
	CodeUrgency  = "urgency"  // Detail: normal or high
)

// Reason is one part of a score: "same residential area, +250".
type Reason struct {
	Code   string  `json:"code"`
	Points int     `json:"points"`
	Detail string  `json:"detail,omitempty"`
	Value  float64 `json:"value,omitempty"`
}

// Scored is a resource's score for a need, with its parts.
type Scored struct {
	ResourceID int64    `json:"resource_id"`
	Score      int      `json:"score"`
	Reasons    []Reason `json:"reasons"`
}

// Pair is one proposal of a plan: a need and the resource it would take.
type Pair struct {
	NeedID int64 `json:"need_id"`
	Scored
}

// Plan is a proposed pairing of needs with resources. Total is the sum of
// its pairs' scores; Greedy is what a greedy pass reaches on the same data
// (for a greedy plan, its own total). Unmatched lists the needs left
// without a resource, in input order.
type Plan struct {
	Pairs     []Pair  `json:"pairs"`
	Total     int     `json:"total"`
	Greedy    int     `json:"greedy"`
	Unmatched []int64 `json:"unmatched"`
}
