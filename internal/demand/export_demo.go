package demand

import "time"

// Helpers for bulk loaders (the demo district) that write demands without
// going through the service one change at a time, so what they write —
// rollups, search text — is exactly what the service would have written.

// Counts is what one demand adds to the rollups (demand_rollups columns).
type Counts = counts

// Add returns the sum of two contributions.
func (a counts) Add(b counts) counts {
	return counts{a.Received + b.Received, a.ResponseBase + b.ResponseBase, a.Responded + b.Responded, a.Rated + b.Rated,
		a.Solved + b.Solved, a.Satisfied + b.Satisfied, a.Overdue + b.Overdue, a.Open + b.Open}
}

// Zero reports whether the contribution adds nothing.
func (a counts) Zero() bool { return a.zero() }

// Contribution is a demand's share of the rollup figures by the rules the
// service applies on every change; contactLapsed is the stored
// contact_lapsed flag (the contact deadline passed before first contact).
func Contribution(d *Demand, contactLapsed bool) Counts {
	x := *d
	x.contactLapsed = contactLapsed
	return contribution(&x)
}

// RollupPaths are the area paths a demand's figures are kept at: its own
// area and every area above it.
func RollupPaths(areaPath string) []string { return rollupPaths(areaPath) }

// RollupDay is the rollup day of a demand received at t (Asia/Shanghai).
func RollupDay(t time.Time) string { return dayOf(t) }
