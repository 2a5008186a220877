// Package points is the party members' points engine (党员积分制): rule sets
// per member kind and year, an append-only ledger with reversals filled
// only from verified events (activity check-outs, approved manual items),
// recompute previews when the rules change, rankings within a kind.
//
// Points never come from likes, shares, log-ins, check-in counts or time
// spent in the app (DOMAIN.md §8): the only sources are verified service
// (member_service, written by check-outs) and manual items that a second
// person approved with evidence.
package points

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"gongzhi/internal/errs"
)

// Modules of the points system. Volunteer and dual-reporting service come
// from verified service; the others only from approved manual items.
const (
	ModVolunteer  = "volunteer"   // verified service outside the area the member reported to
	ModDualReport = "dual_report" // verified service in the residential area the member reported to (双报到)
	ModPairing    = "pairing"     // approved visits and calls to the person the member is paired with (结对服务)
	ModStudy      = "study"       // 学习
	ModOrgLife    = "org_life"    // 组织生活
	ModPioneer    = "pioneer"     // 先锋加分
	ModDeduction  = "deduction"   // 扣分
)

// Modules lists every module, in the order pages show them.
var Modules = []string{ModVolunteer, ModDualReport, ModPairing, ModStudy, ModOrgLife, ModPioneer, ModDeduction}

// Manual reports whether a module's points come from manual items (with
// evidence and a second person's approval) rather than verified service.
func Manual(module string) bool {
	return module != ModVolunteer && module != ModDualReport && module != ModPairing
}

// Units a rule counts in.
const (
	PerHour  = "hour"  // points per verified service hour (minutes pro rata, rounded down)
	PerEvent = "event" // points per event (a service, an approved item)
)

// Rule scores one module for one member kind.
type Rule struct {
	Kind     string `json:"kind"`   // member kind (在职, 退休 …); "" applies to kinds without their own rule
	Module   string `json:"module"` // one of Modules
	Per      string `json:"per"`    // hour or event
	Points   int    `json:"points"` // per unit; negative for deductions
	WeekCap  int    `json:"week_cap,omitempty"`
	MonthCap int    `json:"month_cap,omitempty"`
	YearCap  int    `json:"year_cap,omitempty"` // caps bound the absolute points in the period; 0: none
}

// Rules is one version of a year's rule set.
type Rules struct {
	Year    int    `json:"year"`
	Version int    `json:"version"`
	Rules   []Rule `json:"rules"`
}

// Event is one verified event a member earns points by.
type Event struct {
	Source   string    `json:"source"`    // activity (a check-out) or manual (an approved item)
	SourceID int64     `json:"source_id"` // the sign-up or the manual item
	MemberID int64     `json:"member_id"`
	Kind     string    `json:"kind"` // the member's kind
	Module   string    `json:"module"`
	At       time.Time `json:"at"`
	Minutes  int       `json:"minutes"`
}

// Key names the event an entry comes from: a source counts once.
type Key struct {
	Source   string
	SourceID int64
}

// Entry is what the rules give one event, with why.
type Entry struct {
	MemberID int64     `json:"member_id"`
	Module   string    `json:"module"`
	Key      Key       `json:"-"`
	At       time.Time `json:"at"`
	Minutes  int       `json:"minutes"`
	Raw      int       `json:"raw"`    // before caps
	Points   int       `json:"points"` // after caps
	Per      string    `json:"per"`
	Rate     int       `json:"rate"`
	Cap      string    `json:"cap,omitempty"` // week, month or year when a cap cut the points
}

// Reason codes of ledger entries; readers render them in their language.
const (
	ReasonHour     = "points.hour"     // verified service, by the hour
	ReasonEvent    = "points.event"    // an item (manual points, approved)
	ReasonCapped   = "points.capped"   // a week's, month's or year's cap cut the points
	ReasonReversal = "points.reversal" // a correction reversing an earlier row
)

// Reason is the entry's reason as a text code and its arguments.
func (e Entry) Reason() (string, map[string]any) {
	args := map[string]any{"module": e.Module, "rate": e.Rate, "per": e.Per, "raw": e.Raw}
	if e.Per == PerHour {
		args["minutes"] = e.Minutes
	}
	if e.Cap != "" {
		args["cap"] = e.Cap
		return ReasonCapped, args
	}
	if e.Per == PerHour {
		return ReasonHour, args
	}
	return ReasonEvent, args
}

// Check says what is wrong with a rule set, field by field (nil when fine).
func (r Rules) Check() []errs.Detail {
	var bad []errs.Detail
	if r.Year < 2000 || r.Year > 2100 {
		bad = append(bad, errs.D("year", "the year must be between 2000 and 2100"))
	}
	seen := map[[2]string]bool{}
	for i, ru := range r.Rules {
		f := fmt.Sprintf("rules[%d]", i)
		switch {
		case !slices.Contains(Modules, ru.Module):
			bad = append(bad, errs.D(f+".module", "the module must be one of volunteer, dual_report, pairing, study, org_life, pioneer, deduction"))
		case ru.Per != PerHour && ru.Per != PerEvent:
			bad = append(bad, errs.D(f+".per", "per must be hour or event"))
		case ru.Per == PerHour && Manual(ru.Module):
			bad = append(bad, errs.D(f+".per", "only verified service counts by the hour; manual modules count per event"))
		case ru.Module == ModDeduction && ru.Points > 0, ru.Module != ModDeduction && ru.Points < 0:
			bad = append(bad, errs.D(f+".points", "deductions are negative, every other module positive"))
		case ru.Points < -100 || ru.Points > 100:
			bad = append(bad, errs.D(f+".points", "points per unit are between -100 and 100"))
		case ru.WeekCap < 0 || ru.MonthCap < 0 || ru.YearCap < 0:
			bad = append(bad, errs.D(f+".cap", "caps are zero (none) or more"))
		case seen[[2]string{ru.Kind, ru.Module}]:
			bad = append(bad, errs.D(f+".module", "this kind has two rules for the module"))
		}
		seen[[2]string{ru.Kind, ru.Module}] = true
	}
	return bad
}

// find returns the rule for a member kind and module: the kind's own, else
// the one for every kind ("").
func (r Rules) find(kind, module string) (Rule, bool) {
	var any Rule
	found := false
	for _, ru := range r.Rules {
		if ru.Module != module {
			continue
		}
		if ru.Kind == kind {
			return ru, true
		}
		if ru.Kind == "" {
			any, found = ru, true
		}
	}
	return any, found
}

// Periods are counted in Shanghai (UTC+8, no daylight saving): ISO weeks
// (Monday to Sunday), calendar months and years.
func periods(t time.Time) (week, month int) {
	sh := t.Add(8 * time.Hour).UTC()
	day := int(sh.Unix() / 86400)
	y, m, _ := sh.Date()
	// 1970-01-01 was a Thursday: days+3 counts from a Monday.
	return (day + 3) / 7, y*100 + int(m)
}

// less orders events as Compute counts them: by member, time, then source.
func less(a, b *Event) int {
	if a.MemberID != b.MemberID {
		return cmp.Compare(a.MemberID, b.MemberID)
	}
	if c := a.At.Compare(b.At); c != 0 {
		return c
	}
	if a.Source != b.Source {
		return cmp.Compare(a.Source, b.Source)
	}
	return cmp.Compare(a.SourceID, b.SourceID)
}

// order is the events' indexes in counting order (sorting indexes, not the
// events, moves 4 bytes a swap instead of a hundred).
func order(events []Event) []int32 {
	idx := make([]int32, len(events))
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortFunc(idx, func(a, b int32) int { return less(&events[a], &events[b]) })
	return idx
}

// used is what a member has earned in a module's current periods; events
// come in time order, so a period once left does not come back.
type used struct {
	week, month         int // the current periods
	inWeek, inMonth, in int // points in them, and in the year
}

// Compute gives every event its entry under the rules: earliest first, each
// module's points cut to what is left of its week, month and year caps. An
// event no rule covers gives no entry.
func Compute(rules Rules, events []Event) []Entry {
	out := make([]Entry, 0, len(events))
	var member int64 = -1
	kind := "\x00"
	var byModule [8]*Rule // the member's kind's rules, by module index
	var tally [8]used
	for _, i := range order(events) {
		ev := &events[i]
		if ev.MemberID != member {
			member, tally = ev.MemberID, [8]used{}
		}
		if ev.Kind != kind {
			kind = ev.Kind
			for i, m := range Modules {
				byModule[i] = nil
				if ru, ok := rules.find(kind, m); ok {
					byModule[i] = &ru
				}
			}
		}
		mi := slices.Index(Modules, ev.Module)
		if mi < 0 || byModule[mi] == nil {
			continue
		}
		ru := byModule[mi]
		e := Entry{MemberID: ev.MemberID, Module: ev.Module, Key: Key{ev.Source, ev.SourceID}, At: ev.At, Minutes: ev.Minutes, Per: ru.Per, Rate: ru.Points}
		if ru.Per == PerHour {
			e.Raw = ev.Minutes * ru.Points / 60
		} else {
			e.Raw = ru.Points
		}
		u := &tally[mi]
		w, m := periods(ev.At)
		if w != u.week {
			u.week, u.inWeek = w, 0
		}
		if m != u.month {
			u.month, u.inMonth = m, 0
		}
		got := abs(e.Raw)
		if ru.WeekCap > 0 && got > ru.WeekCap-u.inWeek {
			got, e.Cap = max(ru.WeekCap-u.inWeek, 0), "week"
		}
		if ru.MonthCap > 0 && got > ru.MonthCap-u.inMonth {
			got, e.Cap = max(ru.MonthCap-u.inMonth, 0), "month"
		}
		if ru.YearCap > 0 && got > ru.YearCap-u.in {
			got, e.Cap = max(ru.YearCap-u.in, 0), "year"
		}
		u.inWeek += got
		u.inMonth += got
		u.in += got
		if e.Raw < 0 {
			got = -got
		}
		e.Points = got
		out = append(out, e)
	}
	return out
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// Row is a live row of the ledger: written and not reversed.
type Row struct {
	ID       int64
	MemberID int64
	Key      Key
	Points   int
}

// Change is one difference between the ledger and a recompute: reverse a
// live row (Reverse != 0), write a new entry (Entry != nil), or both.
type Change struct {
	MemberID int64
	Reverse  int64 // the live row to reverse
	Old      int   // its points
	Entry    *Entry
}

// Delta is the change's effect on the member's total.
func (c Change) Delta() int {
	d := -c.Old
	if c.Entry != nil {
		d += c.Entry.Points
	}
	return d
}

// Diff is what turns the live rows into the computed entries: for each
// event whose points differ, the old row reversed and the new one written;
// events whose points are unchanged are left alone, so history stays.
// Computed entries come grouped by member, as Compute gives them.
func Diff(live []Row, computed []Entry) []Change {
	// Live rows by member, then id: each member's are matched in a small map.
	live = slices.Clone(live)
	slices.SortFunc(live, func(a, b Row) int {
		if a.MemberID != b.MemberID {
			return cmp.Compare(a.MemberID, b.MemberID)
		}
		return cmp.Compare(a.ID, b.ID)
	})
	var out []Change
	byKey := map[Key]Row{}
	li := 0
	// flush reverses the rows of members before m that no entry matched
	// (a rule removed, a member without entries any more).
	rest := func(upTo int64) {
		for ; li < len(live) && live[li].MemberID < upTo; li++ {
			out = append(out, Change{MemberID: live[li].MemberID, Reverse: live[li].ID, Old: live[li].Points})
		}
	}
	leftover := func() {
		var left []Row
		for _, r := range byKey {
			left = append(left, r)
		}
		slices.SortFunc(left, func(a, b Row) int { return cmp.Compare(a.ID, b.ID) })
		for _, r := range left {
			out = append(out, Change{MemberID: r.MemberID, Reverse: r.ID, Old: r.Points})
		}
		clear(byKey)
	}
	member := int64(-1)
	for i := range computed {
		e := &computed[i]
		if e.MemberID != member {
			leftover()
			member = e.MemberID
			rest(member)
			for ; li < len(live) && live[li].MemberID == member; li++ {
				byKey[live[li].Key] = live[li]
			}
		}
		r, ok := byKey[e.Key]
		delete(byKey, e.Key)
		if ok && r.Points == e.Points {
			continue
		}
		out = append(out, Change{MemberID: e.MemberID, Reverse: r.ID, Old: r.Points, Entry: e})
	}
	leftover()
	rest(1<<63 - 1)
	return out
}

// Apply is Diff applied to live rows in memory (what the ledger does in
// SQL): the live rows after the changes, new rows numbered from next.
func Apply(live []Row, changes []Change, next int64) ([]Row, int64) {
	gone := map[int64]bool{}
	for _, c := range changes {
		if c.Reverse != 0 {
			gone[c.Reverse] = true
		}
	}
	out := make([]Row, 0, len(live)+len(changes))
	for _, r := range live {
		if !gone[r.ID] {
			out = append(out, r)
		}
	}
	for _, c := range changes {
		if c.Entry != nil {
			out = append(out, Row{ID: next, MemberID: c.MemberID, Key: c.Entry.Key, Points: c.Entry.Points})
			next++
		}
	}
	return out, next
}

// Totals sums points per member.
func Totals(rows []Row) map[int64]int {
	t := map[int64]int{}
	for _, r := range rows {
		t[r.MemberID] += r.Points
	}
	return t
}

func sortRanked(rs []Ranked) {
	slices.SortStableFunc(rs, func(a, b Ranked) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(b.Total, a.Total), cmp.Compare(a.MemberID, b.MemberID))
	})
}
