package auth

import (
	"context"
	"strconv"
	"sync/atomic"
	"time"

	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// Token is an API token as listed; the secret itself is shown once, at creation.
type Token struct {
	ID         int64      `json:"id"`
	Label      string     `json:"label"`
	Prefix     string     `json:"prefix"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

// TokenPrefix starts every API token so leaked tokens are easy to find in logs and code.
const TokenPrefix = "gz_"

// tokenMade is what the audit log keeps of a new token: whose it is, since
// the system principal makes tokens for others.
type tokenMade struct {
	Token
	UserID int64 `json:"user_id"`
}

// CreateToken makes a token for userID and returns its secret. A user makes
// their own tokens and nobody makes one for another person: a token acts
// as its user everywhere, so minting one for someone is taking their
// account over. Only the system principal (the operator's `gongzhi token
// create`, audited as system) makes tokens for others.
func (s *Service) CreateToken(ctx context.Context, p *Principal, userID int64, label string) (string, Token, error) {
	if p == nil {
		return "", Token{}, errs.New(errs.EUNAUTHORIZED, "sign in first")
	}
	if len([]rune(label)) > 100 {
		return "", Token{}, errs.Invalid("label", "label must be at most 100 characters")
	}
	if !p.System && (p.UserID == 0 || p.UserID != userID) {
		return "", Token{}, errs.New(errs.EFORBIDDEN, "you may only create tokens for yourself")
	}
	secret := randomToken(TokenPrefix)
	now := s.clock.Now()
	t := Token{Label: label, Prefix: secret[:len(TokenPrefix)+6], CreatedAt: now}
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, "SELECT count(*) FROM users WHERE id = ?", userID).Scan(&n); err != nil || n == 0 {
			return errs.New(errs.ENOTFOUND, "user not found")
		}
		id, err := db.InsertID(ctx, tx, "INSERT INTO api_tokens (user_id, label, prefix, token_hash, created_at) VALUES (?, ?, ?, ?, ?)",
			userID, label, t.Prefix, hashToken(secret), now)
		if err != nil {
			return errs.Wrap(err, "insert token")
		}
		t.ID = id
		path, err := ownerPath(ctx, tx, userID)
		if err != nil {
			return err
		}
		return Record(ctx, tx, now, p, Change{Action: "create", Entity: "token", EntityID: strconv.FormatInt(id, 10), AreaPath: path,
			After: tokenMade{Token: t, UserID: userID}})
	})
	if err != nil {
		return "", Token{}, err
	}
	return secret, t, nil
}

// Tokens lists a user's tokens, newest first: one's own, or as the user's
// admin (on every one of their grants, as for passwords) so that tokens can
// be found and revoked when an account is in doubt.
func (s *Service) Tokens(ctx context.Context, p *Principal, userID int64) ([]Token, error) {
	if p == nil {
		return nil, errs.New(errs.EUNAUTHORIZED, "sign in first")
	}
	if p.UserID == 0 || p.UserID != userID {
		if _, err := adminTarget(ctx, s.db, p, userID); err != nil {
			return nil, err
		}
	}
	out, err := db.All(ctx, s.db, "SELECT id, label, prefix, created_at, last_used_at, revoked_at FROM api_tokens WHERE user_id = ? ORDER BY id DESC", []any{userID},
		func(r db.Scanner) (Token, error) {
			var t Token
			err := r.Scan(&t.ID, &t.Label, &t.Prefix, &t.CreatedAt, &t.LastUsedAt, &t.RevokedAt)
			return t, err
		})
	return out, errs.Wrap(err, "tokens")
}

// RevokeToken stops a token working; its row stays for the record. The
// token's owner revokes it, or the owner's user admin (adminTarget); to
// anyone else it is not found.
func (s *Service) RevokeToken(ctx context.Context, p *Principal, tokenID int64) error {
	if p == nil {
		return errs.New(errs.EUNAUTHORIZED, "sign in first")
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		var owner int64
		var revoked *time.Time
		if err := tx.QueryRow(ctx, "SELECT user_id, revoked_at FROM api_tokens WHERE id = ?", tokenID).Scan(&owner, &revoked); err != nil {
			return db.NotFound(err, "token")
		}
		path, err := ownerPath(ctx, tx, owner)
		if p.UserID == 0 || p.UserID != owner {
			path, err = adminTarget(ctx, tx, p, owner)
		}
		if errs.Code(err) == errs.EFORBIDDEN || errs.Code(err) == errs.ENOTFOUND {
			return errs.New(errs.ENOTFOUND, "token not found")
		} else if err != nil {
			return err
		}
		if revoked != nil {
			return errs.New(errs.ECONFLICT, "token already revoked")
		}
		return revoke(ctx, tx, p, tokenID, path, s.clock.Now())
	})
}

// revoke revokes one live token and writes its audit row.
func revoke(ctx context.Context, tx *db.Tx, p *Principal, tokenID int64, path string, now time.Time) error {
	if _, err := tx.Exec(ctx, "UPDATE api_tokens SET revoked_at = ? WHERE id = ?", now, tokenID); err != nil {
		return errs.Wrap(err, "revoke")
	}
	return Record(ctx, tx, now, p, Change{Action: "revoke", Entity: "token", EntityID: strconv.FormatInt(tokenID, 10), AreaPath: path})
}

// liveTokens returns the ids of a user's tokens not yet revoked.
func liveTokens(ctx context.Context, q db.Querier, userID int64) ([]int64, error) {
	ids, err := db.IDs(ctx, q, "SELECT id FROM api_tokens WHERE user_id = ? AND revoked_at IS NULL ORDER BY id", userID)
	return ids, errs.Wrap(err, "tokens")
}

// TokenPrincipal returns the principal behind a bearer token. Last use is
// written at most once a minute so reads do not turn into writes.
func (s *Service) TokenPrincipal(ctx context.Context, secret string) (*Principal, error) {
	var id int64
	var last *time.Time
	var disabled bool
	p := &Principal{}
	// The token and its user in one query: every API request makes it.
	err := s.db.QueryRow(ctx, `SELECT t.id, t.last_used_at, u.id, u.username, u.display_name, u.lang, u.disabled
		FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ? AND t.revoked_at IS NULL`, hashToken(secret)).
		Scan(&id, &last, &p.UserID, &p.Username, &p.DisplayName, &p.Lang, &disabled)
	if err != nil {
		return nil, errs.New(errs.EUNAUTHORIZED, "missing or invalid API token")
	}
	if disabled {
		return nil, errs.New(errs.EUNAUTHORIZED, "sign in again")
	}
	now := s.clock.Now()
	if last == nil || now.Sub(*last) > time.Minute {
		v, _ := s.tokenUse.LoadOrStore(id, new(atomic.Int64))
		if claim := v.(*atomic.Int64); claimTokenUse(claim, now) {
			if _, err := s.db.Exec(ctx, "UPDATE api_tokens SET last_used_at = ? WHERE id = ?", now, id); err != nil {
				claim.Store(0) // the next request writes it
				return nil, errs.Wrap(err, "token use")
			}
		}
	}
	return s.withGrants(ctx, p)
}

// claimTokenUse reports whether this request writes the token's last use:
// the first to ask once a minute has passed since the last claim. Without
// it every request that read the stale time wrote it: 200 clients on one
// token made 200 writes at once each minute, and every other write on
// SQLite waited behind them in its busy handler (0.5–1 s stalls under the
// mixed load, docs/benchmarks.md).
func claimTokenUse(claim *atomic.Int64, now time.Time) bool {
	prev := claim.Load()
	if prev != 0 && now.UnixNano()-prev <= int64(time.Minute) {
		return false
	}
	return claim.CompareAndSwap(prev, now.UnixNano())
}

// ownerPath files a token's audit rows under its owner's widest grant, so
// auditors of that area see them.
func ownerPath(ctx context.Context, q db.Querier, userID int64) (string, error) {
	grants, err := grantsOf(ctx, q, userID)
	if err != nil || len(grants) == 0 {
		return "", err
	}
	path := grants[0].AreaPath
	for _, g := range grants[1:] {
		if len(g.AreaPath) < len(path) {
			path = g.AreaPath
		}
	}
	return path, nil
}
