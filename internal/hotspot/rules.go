package hotspot

import (
	"strings"
	"time"
	"unicode"

	"gongzhi/internal/clock"
	"gongzhi/internal/search"
	"gongzhi/internal/week"
)

// SameText is the bigram Jaccard similarity from which two descriptions in
// the same area and category, where the new one names no other address,
// are taken for the same problem; SameKind is the similarity two at the
// same address need (the same kind of trouble, not a second one).
const (
	SameText = 0.8
	SameKind = 0.3
)

// RepeatWindow is how far back a resolved demand can come back from.
const RepeatWindow = 90 * 24 * time.Hour

// Monday is the Shanghai calendar day (YYYY-MM-DD) starting t's week.
func Monday(t time.Time) string { return week.Monday(t, clock.Shanghai).Format(time.DateOnly) }

// LastWeek is the Monday of the last whole week before now: the week the
// weekly run tests.
func LastWeek(now time.Time) string { return Monday(now.AddDate(0, 0, -7)) }

// Past is a demand that was resolved, as a later one is compared with it.
type Past struct {
	ID       int64
	Address  string
	Bigrams  []string
	Resolved time.Time
}

// Recurs decides whether a new demand (its address and description
// bigrams, received at) is an earlier resolved one coming back: at the same
// address with a description of the same kind, or, where one of them
// names no address, with a near-identical description; it returns the best match, how it
// matched ("address" or "text") and the text similarity. Only demands
// resolved before the new one came in, within RepeatWindow, count.
func Recurs(address string, bigrams []string, at time.Time, earlier []Past) (match Past, by string, sim float64, ok bool) {
	addr := NormAddress(address)
	for _, e := range earlier {
		if !e.Resolved.Before(at) || at.Sub(e.Resolved) > RepeatWindow {
			continue
		}
		s := Jaccard(bigrams, e.Bigrams)
		other := NormAddress(e.Address)
		switch {
		case addr != "" && addr == other && s >= SameKind:
			if by != "address" || s > sim {
				match, by, sim, ok = e, "address", s, true
			}
		case (addr == "" || other == "") && s >= SameText && by != "address" && s > sim:
			match, by, sim, ok = e, "text", s, true
		}
	}
	return
}

// NormAddress is an address without spaces and punctuation, letters folded,
// so "东湖路 12号" and "东湖路12号。" are one place.
func NormAddress(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Jaccard is |a ∩ b| / |a ∪ b| of two sorted, deduplicated token lists
// (search.Bigrams); 0 when both are empty.
func Jaccard(a, b []string) float64 {
	i, j, both := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			both++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	union := len(a) + len(b) - both
	if union == 0 {
		return 0
	}
	return float64(both) / float64(union)
}

// Bigrams are the description's tokens as the shared search index makes them.
func Bigrams(text string) []string { return search.Bigrams(text) }
