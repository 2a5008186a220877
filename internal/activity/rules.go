package activity

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"encoding/binary"
	"slices"
	"time"

	"gongzhi/internal/errs"
)

// Audiences: who an activity is for.
const (
	ForMembers   = "members"   // party members (a member record linked to the user)
	ForResidents = "residents" // anyone living there
	ForAll       = "all"
)

// Audiences lists every audience.
var Audiences = []string{ForMembers, ForResidents, ForAll}

// Sign-up statuses.
const (
	Confirmed  = "confirmed"
	Waitlisted = "waitlisted"
	Cancelled  = "cancelled"
)

// Statuses lists every sign-up status.
var Statuses = []string{Confirmed, Waitlisted, Cancelled}

// ValidAudience reports whether s is an audience.
func ValidAudience(s string) bool { return slices.Contains(Audiences, s) }

// MayJoin decides whether someone may sign up for an activity for
// audience: a members' activity takes party members only.
func MayJoin(audience string, isMember bool) bool {
	return audience != ForMembers || isMember
}

// Place is the status of a new sign-up when confirmed people hold places
// of capacity (0: no limit): confirmed while places are left, else
// waitlisted.
func Place(confirmed, capacity int) string {
	if capacity == 0 || confirmed < capacity {
		return Confirmed
	}
	return Waitlisted
}

// Promotable is how many of waiting people move up when confirmed people
// hold places of capacity: the free places, at most everyone waiting.
func Promotable(confirmed, capacity, waiting int) int {
	if capacity == 0 {
		return waiting
	}
	return max(0, min(capacity-confirmed, waiting))
}

// CodeEvery is how often the check-in code rotates.
const CodeEvery = 30 * time.Second

// Window is the number of the code window holding t.
func Window(t time.Time) int64 { return t.Unix() / int64(CodeEvery/time.Second) }

var codeEnc = base32.StdEncoding.WithPadding(base32.NoPadding)

// Code is the check-in code of activity id in window w: an HMAC of both
// with the server's secret, 16 base32 characters (80 bits) — short enough
// for a QR code a phone reads across a room, too long to guess.
func Code(secret []byte, id, w int64) string {
	m := hmac.New(sha256.New, secret)
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(id))
	binary.BigEndian.PutUint64(b[8:], uint64(w))
	m.Write(b[:])
	return codeEnc.EncodeToString(m.Sum(nil)[:10])
}

// CodeValid reports whether code is activity id's code at now: of the
// current window or the one before (a code read just before it rotated
// still works; a photo of it stops working within a minute).
func CodeValid(secret []byte, id int64, code string, now time.Time) bool {
	w := Window(now)
	for _, win := range []int64{w, w - 1} {
		if hmac.Equal([]byte(Code(secret, id, win)), []byte(code)) {
			return true
		}
	}
	return false
}

// CheckinEarly and CheckinLate bound when check-in and check-out are taken:
// from an hour before the start to two hours after the end.
const (
	CheckinEarly = time.Hour
	CheckinLate  = 2 * time.Hour
)

// Attendance is what check-in needs to know of a sign-up and its activity.
type Attendance struct {
	Status     string
	CheckedIn  bool
	CheckedOut bool
	Start, End time.Time
}

// Step decides a check-in ("in") or check-out ("out") at now.
func Step(a Attendance, action string, now time.Time) error {
	switch {
	case a.Status == "":
		return errs.New(errs.ECONFLICT, "you have not signed up for this activity; sign up first")
	case a.Status != Confirmed:
		return errs.New(errs.ECONFLICT, "only confirmed sign-ups check in; you are on the waitlist or cancelled")
	case now.Before(a.Start.Add(-CheckinEarly)):
		return errs.New(errs.ECONFLICT, "check-in opens an hour before the activity starts")
	case now.After(a.End.Add(CheckinLate)):
		return errs.New(errs.ECONFLICT, "the activity ended; check-in is closed")
	case action == "in" && a.CheckedIn:
		return errs.New(errs.ECONFLICT, "you are checked in already")
	case action == "out" && !a.CheckedIn:
		return errs.New(errs.ECONFLICT, "check in before you check out")
	case action == "out" && a.CheckedOut:
		return errs.New(errs.ECONFLICT, "you are checked out already")
	}
	return nil
}
