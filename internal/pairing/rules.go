package pairing

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"gongzhi/internal/errs"
)

// Log kinds: a visit at home (上门走访) or a phone call (电话问候).
const (
	KindVisit = "visit"
	KindCall  = "call"
)

// LogKinds are the kinds of a pairing log.
var LogKinds = []string{KindVisit, KindCall}

// Log statuses: logged by the member, then decided by the area's staff.
const (
	Pending  = "pending"
	Approved = "approved"
	Rejected = "rejected"
)

// LogStatuses are the statuses of a pairing log.
var LogStatuses = []string{Pending, Approved, Rejected}

// Request statuses: sent through the link, acknowledged by the paired
// member or the area's staff, closed when dealt with.
const (
	Open         = "open"
	Acknowledged = "acknowledged"
	Closed       = "closed"
)

// RequestStatuses are the statuses of an on-call request.
var RequestStatuses = []string{Open, Acknowledged, Closed}

// Limits of what people type.
const (
	maxName     = 40
	maxKind     = 20
	maxAddress  = 60
	maxNote     = 200
	maxRequest  = 500
	maxMinutes  = 8 * 60 // one visit or call
	maxOpenReqs = 5      // open requests of one person at once: a link passed around cannot flood the list
	// OverdueDays is how long a pair may go without an approved visit.
	OverdueDays = 30
	// LogWindow is how far back a log may be dated.
	LogWindow = 60 * 24 * time.Hour
)

// CheckLog validates a logged visit or call at now: a known kind, a time
// neither in the future nor older than LogWindow, 1 to 480 minutes, a short
// note.
func CheckLog(kind string, at time.Time, minutes int, note string, now time.Time) error {
	var ds []errs.Detail
	if !slices.Contains(LogKinds, kind) {
		ds = append(ds, errs.D("kind", "the kind is visit or call"))
	}
	switch {
	case at.IsZero():
		ds = append(ds, errs.D("at", "give when the visit or call took place"))
	case at.After(now.Add(5 * time.Minute)):
		ds = append(ds, errs.D("at", "a visit or call cannot be in the future"))
	case at.Before(now.Add(-LogWindow)):
		ds = append(ds, errs.D("at", "a visit or call is logged within %d days", int(LogWindow/(24*time.Hour))))
	}
	if minutes < 1 || minutes > maxMinutes {
		ds = append(ds, errs.D("minutes", "minutes are 1 to %d", maxMinutes))
	}
	if utf8.RuneCountInString(note) > maxNote {
		ds = append(ds, errs.D("note", "a note is at most %d characters", maxNote))
	}
	if len(ds) > 0 {
		return errs.Fields(ds)
	}
	return nil
}

// CheckRequest validates an on-call request: a text of 1 to 500
// characters and an optional callback number of 7 to 20 digits.
func CheckRequest(body, callback string) error {
	var ds []errs.Detail
	switch n := utf8.RuneCountInString(strings.TrimSpace(body)); {
	case n == 0:
		ds = append(ds, errs.D("body", "say what help is needed"))
	case n > maxRequest:
		ds = append(ds, errs.D("body", "a request is at most %d characters", maxRequest))
	}
	if callback != "" && !validPhone(callback) {
		ds = append(ds, errs.D("callback", "a callback number is 7 to 20 digits"))
	}
	if len(ds) > 0 {
		return errs.Fields(ds)
	}
	return nil
}

// validPhone: digits with the separators people type, 7 to 20 digits.
func validPhone(s string) bool {
	n := 0
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
			n++
		case strings.ContainsRune(" -+()", c):
		default:
			return false
		}
	}
	return n >= 7 && n <= 20
}

// Overdue reports whether a pair started at start, whose last approved
// visit was last (zero: none), has gone OverdueDays without one at now.
func Overdue(start, last, now time.Time) bool {
	since := start
	if last.After(since) {
		since = last
	}
	return now.Sub(since) > OverdueDays*24*time.Hour
}

// Percentile is the nearest-rank q-th percentile (0 < q ≤ 1) of ds, sorted
// or not; 0 for none.
func Percentile(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	rank := int(q*float64(len(s)) + 0.999999999)
	rank = min(max(rank, 1), len(s))
	return s[rank-1]
}

// NextRequest is the status after action (ack, close) on a request in
// status from; ECONFLICT when the move is not allowed.
func NextRequest(from, action string) (string, error) {
	switch {
	case action == "ack" && from == Open:
		return Acknowledged, nil
	case action == "close" && (from == Open || from == Acknowledged):
		return Closed, nil
	}
	return "", errs.New(errs.ECONFLICT, "a request that is %s cannot be %s", from, map[string]string{"ack": "acknowledged", "close": "closed"}[action])
}
