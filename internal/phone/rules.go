package phone

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"strings"
	"time"
	"unicode/utf8"

	"gongzhi/internal/errs"
)

// The limits of sign-in codes: enough for a resident who mistyped or lost
// a message, too few to flood a phone or guess a code.
const (
	CodeEvery   = time.Minute      // one code per phone per minute
	CodesPerDay = 5                // codes per phone in 24 hours (counted from phone_codes)
	CodeTTL     = 10 * time.Minute // a code is valid this long
	MaxTries    = 5                // wrong tries before a code is dead
	SessionTTL  = 7 * 24 * time.Hour
	// IPLimit codes asked from one client address in IPWindow: a family or
	// a committee's front desk, not a script walking through numbers.
	IPLimit  = 20
	IPWindow = time.Hour
	// MaxHousehold is the longest household label (门牌).
	MaxHousehold = 50
	// MaxRoll is the most rows one import takes: a residential area has a
	// few thousand households.
	MaxRoll = 20000
)

// CodeHash is what is kept of a code: the hash of the phone and the code,
// so a leaked table gives neither.
func CodeHash(phone, code string) string {
	h := sha256.Sum256([]byte(phone + ":" + code))
	return hex.EncodeToString(h[:])
}

// TokenHash is what is kept of a session token.
func TokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// MaySend decides whether a phone gets another code now: last is when its
// latest code was made (zero: never), today how many it got in the last 24
// hours.
func MaySend(now, last time.Time, today int) error {
	if !last.IsZero() && now.Sub(last) < CodeEvery {
		return errs.New(errs.ETOOMANY, "a code was sent less than a minute ago: wait for it, or ask again in a minute")
	}
	if today >= CodesPerDay {
		return errs.New(errs.ETOOMANY, "this phone got %d codes today: try again tomorrow, or ask your residents' committee", CodesPerDay)
	}
	return nil
}

// Code is a sent code as stored.
type Code struct {
	ID        int64
	Hash      string
	Attempts  int
	ExpiresAt time.Time
	Used      bool
}

// Outcome is what one try of a code does.
type Outcome int

// The outcomes of Check.
const (
	Accepted Outcome = iota // right code: sign in, mark it used
	Wrong                   // wrong code: count the try
	Dead                    // used, expired or tried too often: ask for a new one
)

// Check decides a try of code typed for phone against c, the phone's
// latest code.
func Check(now time.Time, c Code, phone, code string) Outcome {
	if c.Used || c.Attempts >= MaxTries || !now.Before(c.ExpiresAt) {
		return Dead
	}
	if subtle.ConstantTimeCompare([]byte(CodeHash(phone, code)), []byte(c.Hash)) == 1 {
		return Accepted
	}
	return Wrong
}

// CheckCodeFormat checks a typed code: six digits (spaces dropped).
func CheckCodeFormat(code string) (string, error) {
	code = strings.Join(strings.Fields(code), "")
	if len(code) != 6 || strings.Trim(code, "0123456789") != "" {
		return "", errs.Invalid("code", "the code is the 6 digits in the text message")
	}
	return code, nil
}

// Household cleans a household label (门牌): spaces trimmed, at most MaxHousehold characters.
func Household(s string) (string, error) {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > MaxHousehold {
		return "", errs.Invalid("household", "a household label is at most %d characters", MaxHousehold)
	}
	return s, nil
}
