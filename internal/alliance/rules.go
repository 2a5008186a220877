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
// (承诺兑现): how many, how many done, done late, and overdue (due before
// today and not done), and the share done of those due.
type Fulfilment struct {
	Total   int `json:"total"`
	Done    int `json:"done"`
	Late    int `json:"late"`    // done after the due date
	Overdue int `json:"overdue"` // due before today, not done
	DuePct  int `json:"due_pct"` // done of those due by today (or done), percent; 100 when none is due
}

// Fulfil counts commitments by their due and done dates against today.
// Dates are 2026-07-01 strings; done is "" when not done.
func Fulfil(due, done []string, today string) Fulfilment {
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
