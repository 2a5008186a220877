package cadre

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gongzhi/internal/errs"
)

// Kinds of cadre.
const (
	Secretary  = "secretary"   // 居民区书记
	YoungCadre = "young_cadre" // 下沉年轻干部, in numbered batches
)

// Limits on what the records hold.
const (
	maxName   = 40
	maxCourse = 100
	maxText   = 2000
	maxBatch  = 99
	maxHours  = 200 // hours of one training record
)

// Rate is part/whole as a percentage with one decimal ("87.5"), or "" when
// there is nothing to divide.
func Rate(part, whole int) string {
	if whole <= 0 {
		return ""
	}
	return strconv.FormatFloat(float64(part)*100/float64(whole), 'f', 1, 64)
}

// Hours writes minutes as hours with one decimal: 90 → "1.5".
func Hours(minutes int) string {
	return strconv.FormatFloat(float64(minutes)/60, 'f', 1, 64)
}

// TrainingMinutes turns hours given on a form (0.5 steps are usual) into
// whole minutes; ok is false outside [0.25, maxHours].
func TrainingMinutes(hours float64) (int, bool) {
	if !(hours >= 0.25 && hours <= maxHours) {
		return 0, false
	}
	return int(hours*60 + 0.5), true
}

// Day checks a YYYY-MM-DD date; empty is refused.
func Day(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	if _, err := time.Parse(time.DateOnly, s); err != nil {
		return "", errs.Invalid(field, "give the date as YYYY-MM-DD, such as 2026-03-01")
	}
	return s, nil
}

// ValidYear is a year an evaluation may be written for.
func ValidYear(y int) bool { return y >= 2000 && y <= 2100 }

// text trims s, adds missing (a whole message) when it is required and
// empty, and checks it is short enough.
func text(ds *[]errs.Detail, field, s string, max int, missing errs.Detail) string {
	s = strings.TrimSpace(s)
	switch {
	case s == "" && missing.Message != "":
		*ds = append(*ds, missing)
	case utf8.RuneCountInString(s) > max:
		*ds = append(*ds, errs.D(field, "this text is at most %d characters", max))
	}
	return s
}
