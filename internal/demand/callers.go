package demand

import (
	"context"
	"strconv"
	"strings"
	"unicode/utf8"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// MaxCallerDemands is how many of a caller's demands, newest first, a staff
// search by phone or name reads: more than anyone pages through, few
// enough to name in one query.
const MaxCallerDemands = 500

// phoneKey is a reporter's phone as its digits (phones are stored as typed:
// "138-0013-8000", "+86 13800138000"); phoneTail is the key's last four
// digits, the expression migration 00018 indexes (SQLite matches an index
// on an expression only when the query spells it the same way).
func phoneKey(d db.Dialect) string { return d.Digits("phone") }

func phoneTail(d db.Dialect) string { return d.Right(phoneKey(d), 4) }

// mayFindCallers reports whether p's search may match callers' phones and
// names: staff who take in, dispatch or handle demands — those who talk
// to callers. Readers (auditors) see phones masked, so they may not probe
// them; the system principal (Open311, the CLI) never matches them, and
// the public tracking pages have no search at all.
func mayFindCallers(p *auth.Principal) bool {
	if p == nil || p.System {
		return false
	}
	for _, perm := range []auth.Perm{auth.DemandIntake, auth.DemandDispatch, auth.DemandHandle} {
		if auth.AuthorizeAny(p, perm) == nil {
			return true
		}
	}
	return false
}

// callerDemands answers a hotline operator's first question, "has this
// caller called before?": the ids of the demands whose number is text
// ("1024", "#1024"), or, for staff who talk to callers, whose caller's
// phone ends with text's digits (the full number, or its last four or
// more) or whose caller's name is text exactly. Newest first, at most
// MaxCallerDemands; nil when text is none of these. The caller's
// visibility is applied by the list that reads them.
func (s *Service) callerDemands(ctx context.Context, p *auth.Principal, text string) ([]int64, error) {
	text = strings.TrimSpace(text)
	if text == "" || utf8.RuneCountInString(text) > 30 {
		return nil, nil
	}
	var ids []int64
	digits, numeric := digitsOf(text)
	if numeric && len(digits) <= 12 {
		if n, err := strconv.ParseInt(digits, 10, 64); err == nil && n > 0 {
			ids = append(ids, n)
		}
	}
	if !mayFindCallers(p) {
		return ids, nil
	}
	var where string
	var args []any
	switch {
	case numeric && len(digits) >= 4:
		where, args = s.phoneMatch(digits)
	case !numeric && !strings.ContainsAny(text, " \t") && utf8.RuneCountInString(text) <= 20:
		where, args = "name = ?", []any{text}
	default:
		return ids, nil
	}
	found, err := s.reporterDemands(ctx, where, args)
	return append(ids, found...), err
}

// phoneMatch is the condition on demand_reporters that the caller's phone
// ends with digits (four or more).
func (s *Service) phoneMatch(digits string) (string, []any) {
	if len(digits) > 11 && strings.HasPrefix(digits, "86") { // +86: the stored number may lack it
		digits = digits[len(digits)-11:]
	}
	return phoneTail(s.db.Dialect) + " = ? AND " + phoneKey(s.db.Dialect) + " LIKE ?", []any{digits[len(digits)-4:], "%" + digits}
}

// reporterDemands are the ids of the demands whose reporters match where,
// newest first, at most MaxCallerDemands.
func (s *Service) reporterDemands(ctx context.Context, where string, args []any) ([]int64, error) {
	ids, err := db.IDs(ctx, s.db, "SELECT DISTINCT demand_id FROM demand_reporters WHERE "+where+" ORDER BY demand_id DESC LIMIT ?",
		append(args, MaxCallerDemands)...)
	return ids, errs.Wrap(err, "callers")
}

// MinCallerDigits is how many digits of a phone the intake form waits for
// before it looks for the caller's earlier demands: a Shanghai number
// without its area code has eight, a mobile eleven.
const MinCallerDigits = 7

// CallerHistory answers "has this caller called before?" while the
// operator types the caller's phone on the intake form: the demands p sees
// (visibility, as every list) whose caller's phone ends with phone's
// digits, newest first, at most perPage of them, and how many in all. It
// finds nothing for fewer than MinCallerDigits digits, for text that is
// not a phone, and for whoever may not find callers (mayFindCallers).
func (s *Service) CallerHistory(ctx context.Context, p *auth.Principal, phone string, perPage int) (*DemandList, error) {
	if err := auth.AuthorizeAny(p, auth.DemandRead); err != nil {
		return nil, err
	}
	none := &DemandList{Items: []Demand{}}
	digits, numeric := digitsOf(strings.TrimSpace(phone))
	if !numeric || len(digits) < MinCallerDigits || len(digits) > 20 || !mayFindCallers(p) {
		return none, nil
	}
	where, args := s.phoneMatch(digits)
	ids, err := s.reporterDemands(ctx, where, args)
	if err != nil || len(ids) == 0 {
		return none, err
	}
	return s.list(ctx, p, ListFilter{PerPage: perPage}, ids)
}

// digitsOf returns the digits of s and whether s is a number as people
// type one: digits with spaces, dashes, brackets, a leading + or #.
func digitsOf(s string) (string, bool) {
	var b strings.Builder
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '(' || r == ')' || (r == '+' || r == '#') && i == 0:
		default:
			return "", false
		}
	}
	return b.String(), b.Len() > 0
}
