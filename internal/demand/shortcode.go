package demand

import (
	"context"
	"crypto/rand"
	"strings"
	"time"

	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// A short code (查询码) is what a hotline operator reads out after filing
// and what a resident types alone at /track: eight characters from an
// alphabet without the look-alikes 0/O, 1/I/L, case-insensitive, shown as
// ABCD-EFGH. Each reporter row has its own (a merge keeps it working, like
// the link). 31^8 ≈ 8.5×10^11 codes against the look-up throttle: see
// docs/decisions.md for why that is enough and why it is kept in plain text.
const (
	// CodeAlphabet is the short codes' characters: 2–9 and A–Z without I, L, O.
	CodeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
	// CodeLength is how many characters a short code has.
	CodeLength = 8
)

// NewShortCode draws a random short code (crypto/rand), in its stored form
// (upper case, no dash).
func NewShortCode() string {
	const n = len(CodeAlphabet)
	// Bytes below 248 (8 × 31) map evenly onto the alphabet; others are drawn again.
	out := make([]byte, 0, CodeLength)
	buf := make([]byte, 16)
	for len(out) < CodeLength {
		rand.Read(buf)
		for _, b := range buf {
			if int(b) < 256-256%n && len(out) < CodeLength {
				out = append(out, CodeAlphabet[int(b)%n])
			}
		}
	}
	return string(out)
}

// NormalizeCode reads a typed short code: case, spaces and dashes do not
// matter. The look-alikes 0, O, 1, I and L are in no code, so a text with
// them is a typo and refused rather than guessed at. It returns the stored
// form, and false when s cannot be a code.
func NormalizeCode(s string) (string, bool) {
	var b strings.Builder
	for _, r := range strings.ToUpper(strings.TrimSpace(s)) {
		switch {
		case r == '-' || r == ' ' || r == '\u3000' || r == '－':
			continue
		case r < 0x80 && strings.ContainsRune(CodeAlphabet, r):
			b.WriteRune(r)
		default:
			return "", false
		}
	}
	code := b.String()
	return code, len(code) == CodeLength
}

// FormatCode shows a stored code as read out: ABCD-EFGH.
func FormatCode(code string) string {
	if len(code) != CodeLength {
		return code
	}
	return code[:4] + "-" + code[4:]
}

// freeCode draws short codes until one is not taken, inside tx. A clash is
// about one in ten million at a million reports; the loop is a guard, not
// the rule.
func freeCode(ctx context.Context, q db.Querier) (string, error) {
	for range 5 {
		code := NewShortCode()
		var n int
		if err := q.QueryRow(ctx, "SELECT count(*) FROM demand_reporters WHERE short_code = ?", code).Scan(&n); err != nil {
			return "", errs.Wrap(err, "short code")
		}
		if n == 0 {
			return code, nil
		}
	}
	return "", errs.New(errs.EINTERNAL, "no free short code")
}

// FillShortCodes gives a code to every reporter row without one (rows the
// migration's random draw gave a repeated code), in batches; the server
// runs it when it starts. It returns how many it filled.
func (s *Service) FillShortCodes(ctx context.Context) (int, error) {
	total := 0
	for {
		ids, err := db.IDs(ctx, s.db, "SELECT id FROM demand_reporters WHERE short_code IS NULL ORDER BY id LIMIT 500")
		if err != nil {
			return total, errs.Wrap(err, "short codes")
		}
		if len(ids) == 0 {
			return total, nil
		}
		err = s.db.InTx(ctx, func(tx *db.Tx) error {
			for _, id := range ids {
				code, err := freeCode(ctx, tx)
				if err != nil {
					return err
				}
				if _, err := tx.Exec(ctx, "UPDATE demand_reporters SET short_code = ? WHERE id = ? AND short_code IS NULL", code, id); err != nil {
					return errs.Wrap(err, "short code")
				}
			}
			return nil
		})
		if err != nil {
			return total, err
		}
		total += len(ids)
	}
}

// codeOf returns the short code of the report filed as demand original,
// giving it one inside tx when it has none yet.
func codeOf(ctx context.Context, tx *db.Tx, original int64) (string, error) {
	var id int64
	var code *string
	err := tx.QueryRow(ctx, "SELECT id, short_code FROM demand_reporters WHERE original_id = ? ORDER BY id LIMIT 1", original).Scan(&id, &code)
	if err != nil {
		return "", db.NotFound(err, "reporter")
	}
	if code != nil && *code != "" {
		return *code, nil
	}
	c, err := freeCode(ctx, tx)
	if err != nil {
		return "", err
	}
	_, err = tx.Exec(ctx, "UPDATE demand_reporters SET short_code = ? WHERE id = ?", c, id)
	return c, errs.Wrap(err, "short code")
}

// TrackByCode is Track for a resident with the short code alone (typed at
// /track, or the link of an SMS), asked from address from. It answers what
// a look-up by number answers: the tracking page without the files and the
// rating, which stay with the long link. A code that names nothing counts
// against the address as a wrong number does (TrackByNumber); too many are
// ETOOMANY.
func (s *Service) TrackByCode(ctx context.Context, typed, from string) (*Tracked, error) {
	code, ok := NormalizeCode(typed)
	if !ok {
		return nil, errs.Invalid("code", "a tracking code has %d letters and digits, like ABCD-EFGH", CodeLength)
	}
	ip := "ip " + from
	if s.lookups.Blocked(ip, lookupPerIP) {
		return nil, errs.New(errs.ETOOMANY, "too many look-ups; try again in 15 minutes")
	}
	var demandID, original int64
	var mine string
	var rated *time.Time
	err := s.db.QueryRow(ctx, "SELECT demand_id, original_id, satisfaction, rated_at FROM demand_reporters WHERE short_code = ?", code).
		Scan(&demandID, &original, &mine, &rated)
	if err != nil {
		if err := db.NotFound(err, "reporter"); errs.Code(err) != errs.ENOTFOUND {
			return nil, err
		}
		s.lookups.Fail(ip)
		return nil, errs.New(errs.ENOTFOUND, "no demand has this tracking code")
	}
	t, err := s.tracked(ctx, demandID, original, mine, rated)
	if err != nil {
		return nil, err
	}
	t.CanRate, t.Attachments = false, nil
	return t, nil
}

// TrackPath is the site-relative link that opens a short code's tracking
// page (/c/ABCDEFGH): the link an SMS carries and "我的诉求" points to.
func TrackPath(code string) string { return "/c/" + code }
