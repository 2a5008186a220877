package auth

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
	"time"

	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// Service stores users, grants, sessions and tokens.
type Service struct {
	db      *db.DB
	clock   clock.Clock
	hasher  *Hasher
	account *Throttle // failures per username
	ip      *Throttle // failures per client IP
}

// Login limits: per account and per IP within a quarter of an hour.
const (
	accountFailLimit = 5
	ipFailLimit      = 20
	throttleWindow   = 15 * time.Minute
	// SessionTTL is how long a web session lives.
	SessionTTL = 7 * 24 * time.Hour
)

// NewService returns an auth service.
func NewService(d *db.DB, c clock.Clock, h *Hasher) *Service {
	return &Service{db: d, clock: c, hasher: h,
		account: NewThrottle(c, throttleWindow), ip: NewThrottle(c, throttleWindow)}
}

// User is an account.
type User struct {
	ID          int64     `json:"id"`
	Username    string    `json:"username"`
	DisplayName string    `json:"display_name"`
	Phone       string    `json:"phone"`
	Email       string    `json:"email"`
	Lang        string    `json:"lang"`
	Disabled    bool      `json:"disabled"`
	CreatedAt   time.Time `json:"created_at"`
	Grants      []Grant   `json:"grants"`
}

// NewUser is what creating a user takes.
type NewUser struct {
	Username    string
	DisplayName string
	Phone       string
	Email       string
	Password    string
	Role        string
	Area        string // area code of the first grant
}

func validUsername(s string) bool {
	if len(s) < 2 || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._-", r)) {
			return false
		}
	}
	return true
}

// CreateUser creates a user with one grant, audited, in one transaction.
func (s *Service) CreateUser(ctx context.Context, p *Principal, in NewUser) (*User, error) {
	if !validUsername(in.Username) {
		return nil, errs.Invalid("username", "username must be 2–64 letters, digits, '.', '_' or '-'")
	}
	if !ValidRole(in.Role) {
		return nil, errs.Invalid("role", "unknown role %q; use one of %s", in.Role, roleList())
	}
	contact := Contact{Phone: in.Phone, Email: in.Email}
	if err := contact.check(); err != nil {
		return nil, err
	}
	path, err := areaPath(ctx, s.db, in.Area)
	if err != nil {
		return nil, err
	}
	if err := Authorize(p, UserAdmin, path); err != nil {
		return nil, err
	}
	hash, err := s.hasher.Hash(ctx, in.Password)
	if err != nil {
		return nil, err
	}
	now := s.clock.Now()
	var u *User
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		id, err := db.InsertID(ctx, tx, `INSERT INTO users (username, display_name, phone, email, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			in.Username, in.DisplayName, contact.Phone, contact.Email, hash, now)
		if errs.Code(err) == errs.ECONFLICT {
			return errs.Invalid("username", "username %q is taken", in.Username)
		} else if err != nil {
			return errs.Wrap(err, "insert user")
		}
		u = &User{ID: id, Username: in.Username, DisplayName: in.DisplayName, Phone: contact.Phone, Email: contact.Email, CreatedAt: now}
		if err := Record(ctx, tx, now, p, Change{Action: "create", Entity: "user", EntityID: strconv.FormatInt(id, 10), AreaPath: path, After: u}); err != nil {
			return err
		}
		g, err := s.addGrant(ctx, tx, p, id, Role(in.Role), in.Area, path)
		u.Grants = []Grant{g}
		return err
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

func roleList() string {
	names := make([]string, len(Roles))
	for i, r := range Roles {
		names[i] = string(r)
	}
	return strings.Join(names, ", ")
}

func areaPath(ctx context.Context, q db.Querier, code string) (string, error) {
	var path string
	err := q.QueryRow(ctx, "SELECT path FROM areas WHERE code = ?", code).Scan(&path)
	if errors.Is(err, sql.ErrNoRows) {
		return "", errs.Invalid("area", "unknown area code %q", code)
	}
	return path, errs.Wrap(err, "area")
}

func (s *Service) addGrant(ctx context.Context, tx *db.Tx, p *Principal, userID int64, role Role, area, path string) (Grant, error) {
	id, err := db.InsertID(ctx, tx, "INSERT INTO grants (user_id, role, area_code, area_path) VALUES (?, ?, ?, ?)", userID, string(role), area, path)
	if errs.Code(err) == errs.ECONFLICT {
		return Grant{}, errs.Invalid("role", "the user already has this role on this area")
	} else if err != nil {
		return Grant{}, errs.Wrap(err, "insert grant")
	}
	g := Grant{ID: id, Role: role, AreaCode: area, AreaPath: path}
	err = Record(ctx, tx, s.clock.Now(), p, Change{Action: "grant", Entity: "user", EntityID: strconv.FormatInt(userID, 10), AreaPath: path, After: g})
	return g, err
}

// AddGrant gives a user a role on an area.
func (s *Service) AddGrant(ctx context.Context, p *Principal, userID int64, role, area string) (Grant, error) {
	if !ValidRole(role) {
		return Grant{}, errs.Invalid("role", "unknown role %q; use one of %s", role, roleList())
	}
	path, err := areaPath(ctx, s.db, area)
	if err != nil {
		return Grant{}, err
	}
	if err := Authorize(p, UserAdmin, path); err != nil {
		return Grant{}, err
	}
	var g Grant
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, "SELECT count(*) FROM users WHERE id = ?", userID).Scan(&n); err != nil || n == 0 {
			return errs.New(errs.ENOTFOUND, "user not found")
		}
		var err error
		g, err = s.addGrant(ctx, tx, p, userID, Role(role), area, path)
		return err
	})
	return g, err
}

// RemoveGrant takes a grant away.
func (s *Service) RemoveGrant(ctx context.Context, p *Principal, grantID int64) error {
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		var g Grant
		var userID int64
		err := tx.QueryRow(ctx, "SELECT id, user_id, role, area_code, area_path FROM grants WHERE id = ?", grantID).
			Scan(&g.ID, &userID, &g.Role, &g.AreaCode, &g.AreaPath)
		if err != nil {
			return db.NotFound(err, "grant")
		}
		if err := Authorize(p, UserAdmin, g.AreaPath); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM grants WHERE id = ?", grantID); err != nil {
			return errs.Wrap(err, "delete grant")
		}
		return Record(ctx, tx, s.clock.Now(), p, Change{Action: "revoke", Entity: "user", EntityID: strconv.FormatInt(userID, 10), AreaPath: g.AreaPath, Before: g})
	})
}

// UserFilter narrows ListUsers. Nil fields do not filter.
type UserFilter struct {
	Q       *string // username or display name contains
	Role    *string // holds a grant of this role…
	Area    *string // …on this area or below it (an area code); with Role, the same grant
	Page    int
	PerPage int
}

// ListUsers returns users holding a grant inside p's scope, phones masked.
// Role and Area narrow which in-scope grant a user must hold, so an area
// outside p's scope lists nobody rather than revealing who works there.
func (s *Service) ListUsers(ctx context.Context, p *Principal, f UserFilter) ([]User, int, error) {
	if err := AuthorizeAny(p, UserRead); err != nil {
		return nil, 0, err
	}
	scope, args := ScopeSQL(s.db.Dialect, p, UserRead, "g.area_path")
	grant := []string{scope}
	if f.Role != nil && *f.Role != "" {
		if !ValidRole(*f.Role) {
			return nil, 0, errs.Invalid("role", "unknown role %q; use one of %s", *f.Role, roleList())
		}
		grant, args = append(grant, "g.role = ?"), append(args, *f.Role)
	}
	if f.Area != nil && *f.Area != "" {
		path, err := areaPath(ctx, s.db, *f.Area)
		if err != nil {
			return nil, 0, err
		}
		cond, arg := s.db.Dialect.Subtree("g.area_path", path)
		grant, args = append(grant, cond), append(args, arg)
	}
	where := "u.id IN (SELECT g.user_id FROM grants g WHERE " + strings.Join(grant, " AND ") + ")"
	if f.Q != nil && *f.Q != "" {
		where += " AND (u.username LIKE ? ESCAPE '\\' OR u.display_name LIKE ? ESCAPE '\\')"
		like := "%" + db.Like(*f.Q) + "%"
		args = append(args, like, like)
	}
	var total int
	if err := s.db.QueryRow(ctx, "SELECT count(*) FROM users u WHERE "+where, args...).Scan(&total); err != nil {
		return nil, 0, errs.Wrap(err, "count users")
	}
	limit, offset := Paging(f.Page, f.PerPage)
	rows, err := s.db.Query(ctx, `SELECT u.id, u.username, u.display_name, u.phone, u.email, u.lang, u.disabled, u.created_at FROM users u WHERE `+where+
		` ORDER BY u.username LIMIT ? OFFSET ?`, append(args, limit, offset)...)
	if err != nil {
		return nil, 0, errs.Wrap(err, "list users")
	}
	var out []User
	for rows.Next() {
		var u User
		if err := rows.Scan(&u.ID, &u.Username, &u.DisplayName, &u.Phone, &u.Email, &u.Lang, &u.Disabled, &u.CreatedAt); err != nil {
			rows.Close()
			return nil, 0, errs.Wrap(err, "scan user")
		}
		u.Phone, u.Email = MaskPhone(u.Phone), MaskEmail(u.Email)
		out = append(out, u)
	}
	rows.Close()
	for i := range out {
		if out[i].Grants, err = grantsOf(ctx, s.db, out[i].ID); err != nil {
			return nil, 0, err
		}
	}
	return out, total, nil
}

// GetUser returns one user with grants if p may see it.
func (s *Service) GetUser(ctx context.Context, p *Principal, id int64) (*User, error) {
	var u User
	err := s.db.QueryRow(ctx, "SELECT id, username, display_name, phone, email, lang, disabled, created_at FROM users WHERE id = ?", id).
		Scan(&u.ID, &u.Username, &u.DisplayName, &u.Phone, &u.Email, &u.Lang, &u.Disabled, &u.CreatedAt)
	if err != nil {
		return nil, db.NotFound(err, "user")
	}
	if u.Grants, err = grantsOf(ctx, s.db, id); err != nil {
		return nil, err
	}
	if p == nil || p.UserID != id {
		ok := false
		for _, g := range u.Grants {
			if Authorize(p, UserRead, g.AreaPath) == nil {
				ok = true
			}
		}
		if !ok {
			return nil, errs.New(errs.ENOTFOUND, "user not found")
		}
		u.Phone, u.Email = MaskPhone(u.Phone), MaskEmail(u.Email)
	}
	return &u, nil
}

// UserIDByName resolves a username.
func (s *Service) UserIDByName(ctx context.Context, username string) (int64, error) {
	var id int64
	err := s.db.QueryRow(ctx, "SELECT id FROM users WHERE username = ?", username).Scan(&id)
	if err != nil {
		return 0, db.NotFound(err, "user "+strconv.Quote(username))
	}
	return id, nil
}

func grantsOf(ctx context.Context, q db.Querier, userID int64) ([]Grant, error) {
	rows, err := q.Query(ctx, `SELECT g.id, g.role, g.area_code, g.area_path, a.name FROM grants g JOIN areas a ON a.code = g.area_code
		WHERE g.user_id = ? ORDER BY g.id`, userID)
	if err != nil {
		return nil, errs.Wrap(err, "grants")
	}
	defer rows.Close()
	var out []Grant
	for rows.Next() {
		var g Grant
		if err := rows.Scan(&g.ID, &g.Role, &g.AreaCode, &g.AreaPath, &g.AreaName); err != nil {
			return nil, errs.Wrap(err, "scan grant")
		}
		out = append(out, g)
	}
	return out, errs.Wrap(rows.Err(), "grants")
}

// principal loads the principal for a user id; disabled users get none.
func (s *Service) principal(ctx context.Context, id int64) (*Principal, error) {
	p := &Principal{UserID: id}
	var disabled bool
	err := s.db.QueryRow(ctx, "SELECT username, display_name, lang, disabled FROM users WHERE id = ?", id).
		Scan(&p.Username, &p.DisplayName, &p.Lang, &disabled)
	if err != nil || disabled {
		return nil, errs.New(errs.EUNAUTHORIZED, "sign in again")
	}
	if p.Grants, err = grantsOf(ctx, s.db, id); err != nil {
		return nil, err
	}
	return p, nil
}

// Login checks a username and password and opens a web session. Failures
// are throttled per account and per client IP.
func (s *Service) Login(ctx context.Context, username, password, ip string) (token string, p *Principal, err error) {
	if s.account.Blocked(username, accountFailLimit) || s.ip.Blocked(ip, ipFailLimit) {
		return "", nil, errs.New(errs.ETOOMANY, "too many failed sign-ins; wait 15 minutes")
	}
	var id int64
	var hash string
	var disabled bool
	err = s.db.QueryRow(ctx, "SELECT id, password_hash, disabled FROM users WHERE username = ?", username).Scan(&id, &hash, &disabled)
	ok := false
	if err == nil && !disabled {
		if ok, err = s.hasher.Verify(ctx, hash, password); err != nil {
			return "", nil, err
		}
	}
	if !ok {
		s.account.Fail(username)
		s.ip.Fail(ip)
		return "", nil, errs.New(errs.EUNAUTHORIZED, "wrong username or password")
	}
	s.account.Reset(username)
	token = randomToken("")
	now := s.clock.Now()
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, "DELETE FROM sessions WHERE user_id = ? AND expires_at < ?", id, now); err != nil {
			return errs.Wrap(err, "prune sessions")
		}
		_, err := tx.Exec(ctx, "INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
			hashToken(token), id, randomToken(""), now, now.Add(SessionTTL))
		return errs.Wrap(err, "insert session")
	})
	if err != nil {
		return "", nil, err
	}
	p, err = s.principal(ctx, id)
	return token, p, err
}

// Session returns the principal and CSRF token of a live web session.
func (s *Service) Session(ctx context.Context, token string) (*Principal, string, error) {
	var id int64
	var csrf string
	var exp time.Time
	err := s.db.QueryRow(ctx, "SELECT user_id, csrf, expires_at FROM sessions WHERE token_hash = ?", hashToken(token)).Scan(&id, &csrf, &exp)
	if err != nil || !exp.After(s.clock.Now()) {
		return nil, "", errs.New(errs.EUNAUTHORIZED, "sign in again")
	}
	p, err := s.principal(ctx, id)
	return p, csrf, err
}

// Logout ends a web session.
func (s *Service) Logout(ctx context.Context, token string) error {
	_, err := s.db.Exec(ctx, "DELETE FROM sessions WHERE token_hash = ?", hashToken(token))
	return errs.Wrap(err, "logout")
}

// SetLang remembers a user's interface language.
func (s *Service) SetLang(ctx context.Context, p *Principal, lang string) error {
	if p == nil || p.UserID == 0 {
		return nil
	}
	_, err := s.db.Exec(ctx, "UPDATE users SET lang = ? WHERE id = ?", lang, p.UserID)
	return errs.Wrap(err, "set lang")
}

// randomToken returns prefix plus 160 random bits in lower-case base32.
func randomToken(prefix string) string {
	b := make([]byte, 20)
	rand.Read(b)
	return prefix + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}

// hashToken is how sessions and API tokens are stored: a leaked table holds no usable secret.
func hashToken(t string) string {
	h := sha256.Sum256([]byte(t))
	return hex.EncodeToString(h[:])
}
