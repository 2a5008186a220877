package auth

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// MaskPhone keeps the first 3 and last 4 digits: 138****5678.
func MaskPhone(s string) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) < 7 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:3]) + strings.Repeat("*", len(r)-7) + string(r[len(r)-4:])
}

// MaskID keeps the first 6 and last 4 characters of an ID card number.
func MaskID(s string) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) < 10 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:6]) + strings.Repeat("*", len(r)-10) + string(r[len(r)-4:])
}

// MaskEmail keeps the first character of the local part and the domain.
func MaskEmail(s string) string {
	at := strings.LastIndexByte(s, '@')
	if at < 1 {
		return strings.Repeat("*", utf8.RuneCountInString(s))
	}
	_, n := utf8.DecodeRuneInString(s)
	return s[:n] + "***" + s[at:]
}

// MaskName keeps the family name: 张** (names are personal data on public pages).
func MaskName(s string) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) == 0 {
		return ""
	}
	return string(r[0]) + strings.Repeat("*", max(1, len(r)-1))
}

// personalKeys are JSON keys whose values are masked before they are written
// to the audit log, so the log itself never becomes a personal-data export.
var personalKeys = map[string]func(string) string{
	"phone": MaskPhone, "contact_phone": MaskPhone, "email": MaskEmail, "id_number": MaskID,
	"password": func(string) string { return "***" }, "password_hash": func(string) string { return "***" },
}

// Free text (a description, a resolution, a timeline note) reaches public
// pages; what residents type into it is masked by MaskText.
const (
	digit    = `[0-9\x{FF10}-\x{FF19}]`                                  // ASCII or full-width digit
	sep      = `[ \x{00A0}\x{3000}.\x{FF0E}\-\x{FF0D}\x{2010}-\x{2014}]` // one space, dot or dash, either width
	idLast   = `[0-9\x{FF10}-\x{FF19}Xx\x{FF38}\x{FF58}]`
	plusSign = `[+\x{FF0B}]`
	one      = `[1\x{FF11}]`
	zero     = `[0\x{FF10}]`
	cc86     = `[8\x{FF18}][6\x{FF16}]` // China's calling code
)

// personalText finds, in this order (the first alternative that matches at
// a position wins): e-mail addresses; 18-character ID card numbers; runs
// of 7 or more digits; mobile numbers with an optional +86, grouped any
// way; landlines with an area code or +86; and 8-digit landlines written
// 4-4. Dates (2026-12-04), times, house numbers and short amounts match
// none of them.
var personalText = regexp.MustCompile(strings.Join([]string{
	`[A-Za-z0-9._%+\-]+[@\x{FF20}][A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}`,
	digit + `{6}` + sep + `?` + digit + `{8}` + sep + `?` + digit + `{3}` + idLast,
	digit + `{7,}`,
	`(?:` + plusSign + `?` + cc86 + sep + `?)?` + one + `[3-9\x{FF13}-\x{FF19}]` + digit + `(?:` + sep + `?` + digit + `){8}`,
	plusSign + cc86 + sep + `?[1-9\x{FF11}-\x{FF19}]` + digit + `{1,2}` + sep + `?` + digit + `{3,4}` + sep + `?` + digit + `{4}`,
	`(?:[(\x{FF08}]` + zero + digit + `{2,3}[)\x{FF09}]|` + zero + digit + `{2,3})` + sep + `?` + digit + `{3,4}` + sep + `?` + digit + `{4}`,
	digit + `{4}[ \x{3000}\-\x{FF0D}]` + digit + `{4}`,
}, "|"))

// yearRange is a match of the 4-4 form that is a span of years (2025-2026).
var yearRange = regexp.MustCompile(`^(?:19|20)\d\d\D+(?:19|20)\d\d$`)

// MaskText masks the personal data residents type into free text before
// it reaches a public surface (the tracking link, Open311): phone numbers
// however written (spaces, dots, dashes, full-width digits, +86), ID card
// numbers, e-mail addresses and any run of 7 or more digits. It is the one
// masking rule for free text; staff pages show the text as written.
func MaskText(s string) string {
	return personalText.ReplaceAllStringFunc(s, func(m string) string {
		if strings.ContainsAny(m, "@\uFF20") {
			return maskAddress(m)
		}
		if yearRange.MatchString(norm(m)) {
			return m
		}
		return maskNumber(m)
	})
}

// maskAddress keeps the first character of an e-mail address's local part
// and its domain: a***@example.com.
func maskAddress(m string) string {
	at := strings.IndexAny(m, "@\uFF20")
	_, n := utf8.DecodeRuneInString(m)
	return m[:n] + "***" + m[at:]
}

// maskNumber stars the digits of a number, keeping its separators: 11 or
// more digits (mobile, landline with area code, ID card) keep the first 3
// and last 4 (139 **** 4321), shorter ones the last 2. A +86 prefix is
// kept and not counted.
func maskNumber(m string) string {
	r := []rune(m)
	var at []int // positions of digits (and an ID card's final X)
	for i, c := range r {
		if isDigit(c) || c == 'X' || c == 'x' || c == '\uFF38' || c == '\uFF58' {
			at = append(at, i)
		}
	}
	skip := 0
	if len(at) > 2 && (r[0] == '+' || r[0] == '\uFF0B' || len(at) == 13 && digitOf(r[at[0]]) == 8 && digitOf(r[at[1]]) == 6) {
		skip = 2
	}
	head, tail := 0, 2
	if len(at)-skip >= 11 {
		head, tail = 3, 4
	}
	for k := skip + head; k < len(at)-tail; k++ {
		r[at[k]] = '*'
	}
	return string(r)
}

func isDigit(c rune) bool { return c >= '0' && c <= '9' || c >= '\uFF10' && c <= '\uFF19' }

// digitOf is the value of an ASCII or full-width digit.
func digitOf(c rune) int {
	if c >= '\uFF10' {
		return int(c - '\uFF10')
	}
	return int(c - '0')
}

// norm writes full-width digits as ASCII.
func norm(s string) string {
	return strings.Map(func(c rune) rune {
		if c >= '\uFF10' && c <= '\uFF19' {
			return c - '\uFF10' + '0'
		}
		return c
	}, s)
}

var (
	// doorLevel is where the door-level part of an address begins: a
	// number with 号, 室, 栋, 幢, 楼, 单元, 座, 层 or 户, or the word 门牌.
	doorLevel = regexp.MustCompile(`[0-9\x{FF10}-\x{FF19}一二三四五六七八九十百千零〇两A-Za-z\x{FF21}-\x{FF3A}\x{FF41}-\x{FF5A}#\x{FF03}\-\x{FF0D}]+\s*(?:号|室|栋|幢|楼|单元|座|层|户)|门牌`)
	// placeEnd ends the names a resident expects to be public: roads and
	// lanes (路, 街, 大道, 巷, 胡同, 弄 with its number) and residential
	// areas (小区, 新村, 花园, 苑, 园, 村, 坊, 社区, 居委会, 街道).
	placeEnd = regexp.MustCompile(`街道|居委会|社区|小区|新村|花园|路|大街|街|大道|巷|胡同|弄|苑|园|村|坊`)
)

// PublicAddress coarsens an address to what may be shown next to a
// demand's text in public (公开地址): the road and lane, or the residential
// area, without the door (号, 室, 栋/幢/楼, 单元, 门牌). 湖南路88弄3号502室
// becomes 湖南路88弄, 衡山路12号 becomes 衡山路. An address with no road
// or area name gives "", and the caller shows the demand's area instead.
// Staff pages show the full address.
func PublicAddress(addr string) string {
	s := strings.TrimSpace(addr)
	if loc := doorLevel.FindStringIndex(s); loc != nil {
		s = s[:loc[0]]
	}
	ends := placeEnd.FindAllStringIndex(s, -1)
	if len(ends) == 0 {
		return ""
	}
	return strings.TrimSpace(s[:ends[len(ends)-1][1]])
}
