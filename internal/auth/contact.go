package auth

import (
	"context"
	"net/mail"
	"strconv"
	"strings"

	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// Contact is how a user is reached: the phone colleagues see (masked in
// lists) and the e-mail address notices go to when e-mail is configured.
type Contact struct {
	Phone string `json:"phone"`
	Email string `json:"email"`
}

// ContactChange changes a user's contact; a nil field stays as it is (an
// administrator sees the current values masked, so cannot resend them).
type ContactChange struct {
	Phone *string `json:"phone"`
	Email *string `json:"email"`
}

// check trims and validates a contact. Both may be empty.
func (c *Contact) check() error {
	c.Phone, c.Email = strings.TrimSpace(c.Phone), strings.TrimSpace(c.Email)
	if len(c.Phone) > 32 || strings.Trim(c.Phone, "0123456789+-() ") != "" {
		return errs.Invalid("phone", "phone may hold only digits, spaces and + - ( ), at most 32")
	}
	if c.Email != "" {
		a, err := mail.ParseAddress(c.Email)
		if err != nil || a.Address != c.Email || len(c.Email) > 254 {
			return errs.Invalid("email", "email must be an address like name@example.com")
		}
	}
	return nil
}

// SetContact changes a user's phone and/or e-mail address: the user's own,
// or as their user admin (on every one of their grants, as for passwords).
// Who may not administer the user learns nothing from a refused value: the
// right is checked before the values.
func (s *Service) SetContact(ctx context.Context, p *Principal, userID int64, ch ContactChange) (*User, error) {
	if p == nil {
		return nil, errs.New(errs.EUNAUTHORIZED, "sign in first")
	}
	now := s.clock.Now()
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var path string
		var err error
		if p.UserID != 0 && p.UserID == userID {
			path, err = ownerPath(ctx, tx, userID)
		} else {
			path, err = adminTarget(ctx, tx, p, userID)
		}
		if err != nil {
			return err
		}
		var was Contact
		if err := tx.QueryRow(ctx, "SELECT phone, email FROM users WHERE id = ?", userID).Scan(&was.Phone, &was.Email); err != nil {
			return db.NotFound(err, "user")
		}
		c := was
		if ch.Phone != nil {
			c.Phone = *ch.Phone
		}
		if ch.Email != nil {
			c.Email = *ch.Email
		}
		if err := c.check(); err != nil {
			return err
		}
		if was == c {
			return nil // nothing changed: no audit row
		}
		if _, err := tx.Exec(ctx, "UPDATE users SET phone = ?, email = ? WHERE id = ?", c.Phone, c.Email, userID); err != nil {
			return errs.Wrap(err, "set contact")
		}
		return Record(ctx, tx, now, p, Change{Action: "set_contact", Entity: "user", EntityID: strconv.FormatInt(userID, 10),
			AreaPath: path, Before: was, After: c})
	})
	if err != nil {
		return nil, err
	}
	return s.GetUser(ctx, p, userID)
}
