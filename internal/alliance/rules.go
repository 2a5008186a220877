package alliance

import (
	"strings"
	"time"

	"gongzhi/internal/errs"
)

// Member kinds: a unit of the area's unit list, a person, or an office or
// service window (where and when it serves in place).
const (
	KindUnit   = "unit"
	KindPerson = "person"
	KindOffice = "office"
)

// Kinds are the member kinds, in the order pages show them.
var Kinds = []string{KindUnit, KindPerson, KindOffice}

// Day reads a date written 2026-07-01.
func Day(field, s string) (time.Time, error) {
	d, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
	if err != nil {
		return d, errs.Invalid(field, "write the date as 2026-07-01")
	}
	return d, nil
}

// Fulfilment is how an alliance's members stand against their commitments
// (承诺兑现): how many, how many done (kept), done late, closed as not
// kept, and overdue (open and due before today), and the share done of
// those due.
type Fulfilment struct {
	Total   int `json:"total"`
	Done    int `json:"done"`
	Late    int `json:"late"`     // done after the due date
	NotKept int `json:"not_kept"` // closed as not kept
	Overdue int `json:"overdue"`  // open and due before today
	DuePct  int `json:"due_pct"`  // done of those due by today (or closed), percent; 100 when none is due
}

// Fulfil counts commitments by their due, done (kept) and not-kept dates
// against today. Dates are 2026-07-01 strings; done and notKept are ""
// when not. A commitment closed as not kept counts as due and not done,
// whatever its due date.
func Fulfil(due, done, notKept []string, today string) Fulfilment {
	var f Fulfilment
	var dueN int
	for i := range due {
		f.Total++
		switch {
		case done[i] != "":
			f.Done++
			dueN++
			if done[i] > due[i] {
				f.Late++
			}
		case notKept[i] != "":
			f.NotKept++
			dueN++
		case due[i] < today:
			f.Overdue++
			dueN++
		}
	}
	f.DuePct = 100
	if dueN > 0 {
		f.DuePct = (f.Done*100 + dueN/2) / dueN
	}
	return f
}

// Commitment statuses: open until closed as kept or not kept.
const (
	StatusOpen    = "open"
	StatusKept    = "kept"
	StatusNotKept = "not_kept"
)

// Outcomes are how staff close a commitment.
var Outcomes = []string{StatusKept, StatusNotKept}

// Status is a commitment's status from the day it was kept and the day it
// was closed as not kept ("" when not).
func Status(doneOn, notKeptOn string) string {
	switch {
	case doneOn != "":
		return StatusKept
	case notKeptOn != "":
		return StatusNotKept
	}
	return StatusOpen
}
