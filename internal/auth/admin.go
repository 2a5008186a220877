package auth

import (
	"context"
	"strconv"
	"time"

	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// adminTarget checks that p may administer the user with id: a user admin
// there, on every one of the user's grants, because whoever controls an
// account's password or status controls all it may do. A user p may not even
// read is not found, so accounts elsewhere do not leak; a user without grants
// is found by the system principal only. It returns the path the audit row
// is filed under.
func adminTarget(ctx context.Context, q db.Querier, p *Principal, id int64) (string, error) {
	if err := AuthorizeAny(p, UserAdmin); err != nil {
		return "", err
	}
	var n int
	if err := q.QueryRow(ctx, "SELECT count(*) FROM users WHERE id = ?", id).Scan(&n); err != nil {
		return "", errs.Wrap(err, "user")
	}
	grants, err := grantsOf(ctx, q, id)
	if err != nil {
		return "", err
	}
	notFound := errs.New(errs.ENOTFOUND, "user not found")
	if n == 0 || len(grants) == 0 && !p.System {
		return "", notFound
	}
	readable := p.System
	for _, g := range grants {
		readable = readable || Authorize(p, UserRead, g.AreaPath) == nil
	}
	if !readable {
		return "", notFound
	}
	for _, g := range grants {
		if err := Authorize(p, UserAdmin, g.AreaPath); err != nil {
			return "", errs.New(errs.EFORBIDDEN, "the user also holds roles outside the areas you administer")
		}
	}
	return ownerPath(ctx, q, id)
}

// userStatus is what the audit log keeps of a status change.
type userStatus struct {
	Disabled bool `json:"disabled"`
}

// SetDisabled stops (disabled) or restores a user's access. Disabling ends
// the user's web sessions and revokes their API tokens at once (enabling
// brings none back: the user makes new ones), so a token taken from an
// account that had to be stopped stays dead. Nobody can disable
// themselves, so an administrator cannot lock the last door behind them.
func (s *Service) SetDisabled(ctx context.Context, p *Principal, userID int64, disabled bool) error {
	if disabled && p != nil && p.UserID != 0 && p.UserID == userID {
		return errs.Invalid("id", "you cannot disable your own account")
	}
	now := s.clock.Now()
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		path, err := adminTarget(ctx, tx, p, userID)
		if err != nil {
			return err
		}
		var was bool
		if err := tx.QueryRow(ctx, "SELECT disabled FROM users WHERE id = ?", userID).Scan(&was); err != nil {
			return errs.Wrap(err, "user status")
		}
		if _, err := tx.Exec(ctx, "UPDATE users SET disabled = ? WHERE id = ?", disabled, userID); err != nil {
			return errs.Wrap(err, "set disabled")
		}
		if disabled {
			if err := s.endAccess(ctx, tx, p, userID, path, now); err != nil {
				return err
			}
		}
		if was == disabled {
			return nil // nothing changed: no audit row
		}
		action := "enable"
		if disabled {
			action = "disable"
		}
		return Record(ctx, tx, now, p, Change{Action: action, Entity: "user", EntityID: strconv.FormatInt(userID, 10), AreaPath: path,
			Before: userStatus{Disabled: was}, After: userStatus{Disabled: disabled}})
	})
}

// ResetPassword sets a new password for another user, as their user admin,
// ends the user's web sessions and revokes their API tokens. Users change
// their own password with ChangePassword, which asks for the current one: a
// session left open on a shared computer must not be enough to take an
// account over.
func (s *Service) ResetPassword(ctx context.Context, p *Principal, userID int64, newPassword string) error {
	if p != nil && p.UserID != 0 && p.UserID == userID {
		return errs.Invalid("id", "change your own password with your current password")
	}
	// Checked before hashing so a caller without the right costs no 64 MiB hash.
	if _, err := adminTarget(ctx, s.db, p, userID); err != nil {
		return err
	}
	var username string
	if err := s.db.QueryRow(ctx, "SELECT username FROM users WHERE id = ?", userID).Scan(&username); err != nil {
		return db.NotFound(err, "user")
	}
	if err := CheckPassword(username, newPassword); err != nil {
		return err
	}
	hash, err := s.hasher.Hash(ctx, newPassword)
	if err != nil {
		return err
	}
	now := s.clock.Now()
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		path, err := adminTarget(ctx, tx, p, userID) // again: grants may have changed while hashing
		if err != nil {
			return err
		}
		return s.setPassword(ctx, tx, p, userID, hash, "reset_password", path, now)
	})
}

// ChangePassword lets the signed-in user change their own password. Wrong
// current passwords are limited per user as sign-ins are, so a hijacked
// session cannot be used to guess it; they are counted apart from sign-in,
// so they cannot lock the owner out of signing in either. Every web session
// of the user ends and every API token is revoked; the caller signs in
// again with the new password.
func (s *Service) ChangePassword(ctx context.Context, p *Principal, oldPassword, newPassword string) error {
	if p == nil || p.UserID == 0 {
		return errs.New(errs.EUNAUTHORIZED, "sign in first")
	}
	key := strconv.FormatInt(p.UserID, 10)
	if s.current.Blocked(key, accountFailLimit) {
		return errs.New(errs.ETOOMANY, "too many failed sign-ins; wait 15 minutes")
	}
	var hash string
	if err := s.db.QueryRow(ctx, "SELECT password_hash FROM users WHERE id = ?", p.UserID).Scan(&hash); err != nil {
		return db.NotFound(err, "user")
	}
	ok, err := s.hasher.Verify(ctx, hash, oldPassword)
	if err != nil {
		return err
	}
	if !ok {
		s.current.Fail(key)
		return errs.Invalid("old_password", "the current password is wrong")
	}
	s.current.Reset(key)
	if newPassword == oldPassword {
		return errs.Invalid("new_password", "the new password must differ from the current one")
	}
	if err := checkPassword("new_password", p.Username, newPassword); err != nil {
		return err
	}
	newHash, err := s.hasher.Hash(ctx, newPassword)
	if err != nil {
		return err
	}
	now := s.clock.Now()
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		path, err := ownerPath(ctx, tx, p.UserID)
		if err != nil {
			return err
		}
		return s.setPassword(ctx, tx, p, p.UserID, newHash, "change_password", path, now)
	})
}

// setPassword stores a hash, ends the user's web sessions, revokes their
// API tokens and writes the audit row; the log records that the password
// changed, never the password.
func (s *Service) setPassword(ctx context.Context, tx *db.Tx, p *Principal, userID int64, hash, action, path string, now time.Time) error {
	if _, err := tx.Exec(ctx, "UPDATE users SET password_hash = ? WHERE id = ?", hash, userID); err != nil {
		return errs.Wrap(err, "set password")
	}
	if err := s.endAccess(ctx, tx, p, userID, path, now); err != nil {
		return err
	}
	return Record(ctx, tx, now, p, Change{Action: action, Entity: "user", EntityID: strconv.FormatInt(userID, 10), AreaPath: path})
}

// endAccess ends every web session of a user and revokes every live API
// token, one audit row per token, when the password changes or the account
// is disabled: whoever held the old password may have made a token with it.
func (s *Service) endAccess(ctx context.Context, tx *db.Tx, p *Principal, userID int64, path string, now time.Time) error {
	if _, err := tx.Exec(ctx, "DELETE FROM sessions WHERE user_id = ?", userID); err != nil {
		return errs.Wrap(err, "end sessions")
	}
	ids, err := liveTokens(ctx, tx, userID)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := revoke(ctx, tx, p, id, path, now); err != nil {
			return err
		}
	}
	return nil
}
