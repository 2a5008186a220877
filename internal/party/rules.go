package party

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gongzhi/internal/clock"
)

// Kinds are the member kinds a district starts with (党员类型). The set is
// open: an import or a form may bring another (a district's own word), so
// nothing refuses a kind that is not listed here.
var Kinds = []string{"在职", "退休", "流动", "离退休干部", "学生", "待业"}

// AgeBands are the age bands the points rules and reports group by (年龄段).
var AgeBands = []string{"35岁及以下", "36-45岁", "46-60岁", "61-70岁", "71岁及以上"}

// InService is the kind of member who reports twice (双报到): to the work
// unit and to the residential area where they live.
const InService = "在职"

// Posts are service posts a member may choose when reporting (服务岗位); the
// set is open, these are the ones offered first.
var Posts = []string{"楼组长助理", "志愿调解", "青年突击队", "文明宣传", "助老服务", "环境整治"}

// Limits on what a member record holds.
const (
	maxName  = 40
	maxKind  = 20
	maxPost  = 20
	maxPosts = 10
)

// AgeBand is the band of someone born in birthYear, at now (Asia/Shanghai).
// A birth year that makes no sense (0, the future, over 120 years ago) has
// no band.
func AgeBand(birthYear int, now time.Time) string {
	age := now.In(clock.Shanghai).Year() - birthYear
	switch {
	case birthYear <= 0 || age < 16 || age > 120:
		return ""
	case age <= 35:
		return AgeBands[0]
	case age <= 45:
		return AgeBands[1]
	case age <= 60:
		return AgeBands[2]
	case age <= 70:
		return AgeBands[3]
	}
	return AgeBands[4]
}

// BirthYearFromID reads the birth year of an 18-character resident ID
// number (its 7th–10th characters), or 0. The number itself is never kept:
// an import reads the year and forgets the rest.
func BirthYearFromID(id string) int {
	id = strings.TrimSpace(id)
	if len(id) != 18 {
		return 0
	}
	for i, c := range id {
		if (c < '0' || c > '9') && !(i == 17 && (c == 'X' || c == 'x')) {
			return 0
		}
	}
	y, _ := strconv.Atoi(id[6:10])
	return y
}

// CleanPosts trims, drops blanks and repeats, and keeps the order given;
// ok is false when a post is too long or there are too many.
func CleanPosts(in []string) (out []string, ok bool) {
	for _, p := range in {
		for _, part := range strings.FieldsFunc(p, func(r rune) bool { return r == '、' || r == ',' || r == '，' || r == ';' || r == '；' }) {
			part = strings.TrimSpace(part)
			if part == "" || slices.Contains(out, part) {
				continue
			}
			if utf8.RuneCountInString(part) > maxPost {
				return nil, false
			}
			out = append(out, part)
		}
	}
	return out, len(out) <= maxPosts
}

// HalfYear is the half-year holding t in Asia/Shanghai: [from, to) and its
// name, 2026-H1 (January–June) or 2026-H2 (July–December). Service is
// followed up by half-year.
func HalfYear(t time.Time) (from, to time.Time, name string) {
	t = t.In(clock.Shanghai)
	m, h := time.January, "H1"
	if t.Month() >= time.July {
		m, h = time.July, "H2"
	}
	from = time.Date(t.Year(), m, 1, 0, 0, 0, 0, clock.Shanghai)
	return from.UTC(), from.AddDate(0, 6, 0).UTC(), strconv.Itoa(t.Year()) + "-" + h
}

// ParseHalf reads a half-year name (2026-H1, 2026-H2) as HalfYear gives it.
func ParseHalf(s string) (from, to time.Time, ok bool) {
	y, h, found := strings.Cut(strings.ToUpper(strings.TrimSpace(s)), "-")
	year, err := strconv.Atoi(y)
	if !found || err != nil || year < 2000 || year > 2100 || (h != "H1" && h != "H2") {
		return time.Time{}, time.Time{}, false
	}
	m := time.January
	if h == "H2" {
		m = time.July
	}
	from, to, _ = HalfYear(time.Date(year, m, 1, 12, 0, 0, 0, clock.Shanghai))
	return from, to, true
}

// Minutes is the whole minutes of service from in to out (never negative).
func Minutes(in, out time.Time) int {
	if !out.After(in) {
		return 0
	}
	return int(out.Sub(in) / time.Minute)
}

// Hours writes minutes as hours with one decimal: 90 → "1.5".
func Hours(minutes int) string {
	return strconv.FormatFloat(float64(minutes)/60, 'f', 1, 64)
}
