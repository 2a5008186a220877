package auth

import (
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
