package delib

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// LinksInput asks for one-time ballot links: one for each household named
// (labels from the staff's list, 门牌), or Count links for households not
// named (each link then stands for one household).
type LinksInput struct {
	Households []string `json:"households,omitempty"`
	Count      int      `json:"count,omitempty"`
}

// Link is one ballot link, its token shown once when made.
type Link struct {
	Household string `json:"household"`
	Token     string `json:"token"`
}

// newToken draws a ballot link's token: 128 random bits.
func newToken() string {
	b := make([]byte, 16)
	rand.Read(b)
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}

func hashToken(t string) string {
	h := sha256.Sum256([]byte(t))
	return hex.EncodeToString(h[:])
}

// MakeLinks makes one-time ballot links for a scheduled or open vote
// (delib.write). Only the tokens' hashes are kept: the links returned are
// printed now or not at all. A household given a second link still casts
// one ballot.
func (s *Service) MakeLinks(ctx context.Context, p *auth.Principal, id int64, in LinksInput) ([]Link, error) {
	hh, err := Households(in.Households)
	if err != nil {
		return nil, err
	}
	switch {
	case len(hh) > 0 && in.Count != 0:
		return nil, errs.Invalid("count", "give either the households or a count, not both")
	case len(hh) == 0 && in.Count <= 0:
		return nil, errs.Invalid("households", "list the households (one a line, or a file) or give how many links to make")
	case in.Count > MaxLinks:
		return nil, errs.Invalid("count", "make at most %d links at a time", MaxLinks)
	}
	var out []Link
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		v, err := s.vote(ctx, tx, id)
		if err != nil {
			return err
		}
		if auth.Authorize(p, auth.DelibRead, v.AreaPath) != nil {
			return hidden(p, "vote")
		}
		if err := auth.Authorize(p, auth.DelibWrite, v.AreaPath); err != nil {
			return err
		}
		if v.Status != Scheduled && v.Status != Open {
			return errs.New(errs.ECONFLICT, "links are made for a vote that has not closed")
		}
		if len(hh) == 0 {
			// Unnamed households are numbered after those the vote has.
			var n int
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM vote_links WHERE vote_id = ? AND household LIKE '#%'`, id).Scan(&n); err != nil {
				return errs.Wrap(err, "links")
			}
			for i := range in.Count {
				hh = append(hh, "#"+strconv.Itoa(n+i+1))
			}
		}
		ins := db.NewBulkInsert(tx, "vote_links", []string{"token_hash", "vote_id", "household", "used"})
		for _, h := range hh {
			t := newToken()
			if err := ins.Add(ctx, hashToken(t), id, h, false); err != nil {
				return errs.Wrap(err, "links")
			}
			out = append(out, Link{Household: h, Token: t})
		}
		if err := ins.Close(ctx); err != nil {
			return errs.Wrap(err, "links")
		}
		return record(ctx, tx, s.clock.Now(), p, "links", "vote", id, v.AreaPath, nil, map[string]any{"links": len(out)})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Cast is a ballot to cast: the index of the choice, and for a signed-in
// resident in a one-per-household vote, their household.
type Cast struct {
	Choice    int    `json:"choice"`
	Household string `json:"household,omitempty"`
}

// Cast records p's ballot in vote id as a resident signed in, and returns
// the receipt, shown this once.
func (s *Service) Cast(ctx context.Context, p *auth.Principal, id int64, c Cast) (string, error) {
	var receipt string
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		v, err := s.vote(ctx, tx, id)
		if err != nil {
			return err
		}
		if !eligible(p, v.AreaPath) {
			// A vote's question is public (its result page); a resident of
			// another area learns why they cannot vote, staff outside it nothing.
			if !canSeeVote(p, v) && auth.AuthorizeAny(p, auth.DelibJoin) != nil {
				return hidden(p, "vote")
			}
			return errs.New(errs.EFORBIDDEN, "only residents of %s vote in this vote", v.AreaName)
		}
		if !v.Residents {
			return errs.New(errs.EFORBIDDEN, "this vote takes ballots by the links handed to households only")
		}
		key := "u:" + strconv.FormatInt(p.UserID, 10)
		if v.PerHousehold {
			h := NormalHousehold(c.Household)
			if h == "" {
				return errs.Invalid("household", "name your household (门牌, e.g. 3号楼201室): one ballot is counted per household")
			}
			if v.Households > 0 {
				var n int
				if err := tx.QueryRow(ctx, `SELECT count(*) FROM vote_links WHERE vote_id = ? AND household = ?`, id, h).Scan(&n); err != nil {
					return errs.Wrap(err, "household")
				}
				if n == 0 {
					return errs.Invalid("household", "%s is not on this vote's list of households; write it as on the notice, or ask the residents' committee", h)
				}
			}
			key = "h:" + h
		}
		receipt, err = s.cast(ctx, tx, p, v, key, "account", c.Choice)
		return err
	})
	return receipt, err
}

// LinkVote returns the vote a ballot link is for, and whether the link was
// used; an unknown token is not found.
func (s *Service) LinkVote(ctx context.Context, token string) (Vote, bool, error) {
	var id int64
	var used bool
	err := s.db.QueryRow(ctx, `SELECT vote_id, used FROM vote_links WHERE token_hash = ?`, hashToken(token)).Scan(&id, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return Vote{}, false, errs.New(errs.ENOTFOUND, "no such ballot link; check it against the slip")
	} else if err != nil {
		return Vote{}, false, errs.Wrap(err, "ballot link")
	}
	v, err := s.PublicVote(ctx, id)
	return v, used, err
}

// CastLink records the ballot of a link's household, no account needed,
// and returns the receipt, shown this once. The link works once.
func (s *Service) CastLink(ctx context.Context, token string, choice int) (string, error) {
	var receipt string
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var id int64
		var household string
		var used bool
		h := hashToken(token)
		err := tx.QueryRow(ctx, `SELECT vote_id, household, used FROM vote_links WHERE token_hash = ?`, h).Scan(&id, &household, &used)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.New(errs.ENOTFOUND, "no such ballot link; check it against the slip")
		} else if err != nil {
			return errs.Wrap(err, "ballot link")
		}
		if used {
			return errs.New(errs.ECONFLICT, "this ballot link was used already; each link casts one ballot")
		}
		v, err := s.vote(ctx, tx, id)
		if err != nil {
			return err
		}
		r, err := tx.Exec(ctx, `UPDATE vote_links SET used = ? WHERE token_hash = ? AND used = ?`, true, h, false)
		if err != nil {
			return errs.Wrap(err, "ballot link")
		}
		if n, _ := r.RowsAffected(); n != 1 {
			return errs.New(errs.ECONFLICT, "this ballot link was used already; each link casts one ballot")
		}
		receipt, err = s.cast(ctx, tx, nil, v, "h:"+household, "link", choice)
		return err
	})
	return receipt, err
}

// cast writes a ballot: the voter record under key (refused when the voter
// or household voted already) and, apart from it, the ballot with a new
// receipt. The audit row says that someone voted in the vote, not how and
// not with which receipt.
func (s *Service) cast(ctx context.Context, tx *db.Tx, p *auth.Principal, v Vote, key, via string, choice int) (string, error) {
	now := s.clock.Now()
	if err := CanCast(v.Status, v.OpensAt, v.ClosesAt, now); err != nil {
		return "", err
	}
	if choice < 0 || choice >= len(v.Choices) {
		return "", errs.Invalid("choice", "choose one of the %d choices", len(v.Choices))
	}
	var n int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM vote_voters WHERE vote_id = ? AND voter_key = ?`, v.ID, key).Scan(&n); err != nil {
		return "", errs.Wrap(err, "voters")
	}
	if n > 0 {
		return "", voted(key)
	}
	var user any
	if p != nil && p.UserID != 0 {
		user = p.UserID
	}
	if _, err := tx.Exec(ctx, `INSERT INTO vote_voters (vote_id, voter_key, user_id, via) VALUES (?, ?, ?, ?)`, v.ID, key, user, via); err != nil {
		if errs.Code(db.MapError(err)) == errs.ECONFLICT {
			return "", voted(key) // a ballot of the same household raced this one
		}
		return "", errs.Wrap(err, "voters")
	}
	var receipt string
	for {
		receipt = NewReceipt()
		r, err := tx.Exec(ctx, `INSERT INTO vote_ballots (vote_id, receipt, choice) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`, v.ID, receipt, choice)
		if err != nil {
			return "", errs.Wrap(err, "ballot")
		}
		if n, _ := r.RowsAffected(); n == 1 {
			break
		}
	}
	return receipt, record(ctx, tx, now, p, "vote", "vote", v.ID, v.AreaPath, nil, map[string]any{"via": via})
}

func voted(key string) error {
	if strings.HasPrefix(key, "h:") {
		return errs.New(errs.ECONFLICT, "a ballot of your household (%s) was counted already; one ballot is counted per household", key[2:])
	}
	return errs.New(errs.ECONFLICT, "you voted in this vote already; one ballot each")
}

// HasVoted reports whether p voted in vote id signed in (not how).
func (s *Service) HasVoted(ctx context.Context, p *auth.Principal, id int64) (bool, error) {
	if p == nil || p.UserID == 0 {
		return false, nil
	}
	var n int
	err := s.db.QueryRow(ctx, `SELECT count(*) FROM vote_voters WHERE vote_id = ? AND user_id = ?`, id, p.UserID).Scan(&n)
	return n > 0, errs.Wrap(err, "voters")
}
