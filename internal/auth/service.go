package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"gongzhi/internal/area"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// Service stores users, grants, sessions and tokens.
type Service struct {
	db      *db.DB
	clock   clock.Clock
	hasher  *Hasher
	account *Throttle // sign-in failures per (username, client IP)
	ip      *Throttle // sign-in failures per client IP
	current *Throttle // wrong current passwords per user, when changing it
	// tokenUse holds, per API token id, when this server last claimed the
	// write of the token's last use (an *atomic.Int64 of Unix nanoseconds).
	tokenUse sync.Map
}

// Login limits within a quarter of an hour. An account is counted per
// client IP, not as a whole: a whole-account lock lets anyone lock anyone
// out by spraying wrong passwords from a few addresses. Guessing one
// account from many addresses is bounded by the IP limit and made futile
// by the password policy (CheckPassword).
const (
	accountFailLimit = 5
	ipFailLimit      = 20
	throttleWindow   = 15 * time.Minute
	// SessionTTL is how long a web session lives.
	SessionTTL = 7 * 24 * time.Hour
)

// NewService returns an auth service.
func NewService(d *db.DB, c clock.Clock, h *Hasher) *Service {
	return &Service{db: d, clock: c, hasher: h, account: NewThrottle(c, throttleWindow),
		ip: NewThrottle(c, throttleWindow), current: NewThrottle(c, throttleWindow)}
}

// accountKey is the throttle key of one account tried from one address;
// the address comes first and holds no space, so keys cannot collide.
func accountKey(username, ip string) string { return ip + " " + username }

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
	Unit        int64  // the unit the grant names: required for a unit-bound role (unit_liaison), refused for others
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
	unit, err := grantUnit(ctx, s.db, Role(in.Role), in.Unit, path)
	if err != nil {
		return nil, err
	}
	if err := CheckPassword(in.Username, in.Password); err != nil {
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
		g, err := s.addGrant(ctx, tx, p, id, Role(in.Role), in.Area, path, unit)
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
	path, err := area.Path(ctx, q, code)
	if errs.Code(err) == errs.ENOTFOUND {
		return "", errs.Invalid("area", "unknown area code %q", code)
	}
	return path, err
}

// grantUnit checks the unit a grant names (0: none): a unit-bound role's
// grant may name a unit inside the grant's area, other roles' grants name
// none. A liaison's grant without a unit is allowed (API.md: `user add
// --role unit_liaison --area CODE` creates the user) and reaches no demand
// until a unit is named; the user page says so. A unit elsewhere and a
// unit that does not exist read the same, so nothing leaks.
func grantUnit(ctx context.Context, q db.Querier, role Role, unit int64, path string) (*int64, error) {
	if !role.UnitBound() {
		if unit != 0 {
			return nil, errs.Invalid("unit_id", "only a unit liaison's grant names a unit")
		}
		return nil, nil
	}
	if unit == 0 {
		return nil, nil
	}
	var unitPath string
	err := q.QueryRow(ctx, "SELECT area_path FROM units WHERE id = ?", unit).Scan(&unitPath)
	if errors.Is(err, sql.ErrNoRows) || err == nil && !strings.HasPrefix(unitPath, path) {
		return nil, errs.Invalid("unit_id", "unit %d is not in the grant's area", unit)
	} else if err != nil {
		return nil, errs.Wrap(err, "unit")
	}
	return &unit, nil
}

func (s *Service) addGrant(ctx context.Context, tx *db.Tx, p *Principal, userID int64, role Role, area, path string, unit *int64) (Grant, error) {
	id, err := db.InsertID(ctx, tx, "INSERT INTO grants (user_id, role, area_code, area_path, unit_id) VALUES (?, ?, ?, ?, ?)", userID, string(role), area, path, unit)
	if errs.Code(err) == errs.ECONFLICT {
		return Grant{}, errs.Invalid("role", "the user already has this role on this area")
	} else if err != nil {
		return Grant{}, errs.Wrap(err, "insert grant")
	}
	g := Grant{ID: id, Role: role, AreaCode: area, AreaPath: path, UnitID: unit}
	err = Record(ctx, tx, s.clock.Now(), p, Change{Action: "grant", Entity: "user", EntityID: strconv.FormatInt(userID, 10), AreaPath: path, After: g})
	return g, err
}

// AddGrant gives a user a role on an area; a unit liaison's grant also
// names its unit (0 for other roles).
func (s *Service) AddGrant(ctx context.Context, p *Principal, userID int64, role, area string, unit int64) (Grant, error) {
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
	unitID, err := grantUnit(ctx, s.db, Role(role), unit, path)
	if err != nil {
		return Grant{}, err
	}
	var g Grant
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		// The new grant lies inside p's scope (above); the user must too, on
		// every grant they hold: whoever may add roles to an account may
		// then act as it (reset its password), so an admin of one street
		// must not reach an account that also works elsewhere.
		if _, err := adminTarget(ctx, tx, p, userID); err != nil {
			return err
		}
		var err error
		g, err = s.addGrant(ctx, tx, p, userID, Role(role), area, path, unitID)
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
		// Taking a role away is administering the account, by the same rule
		// as adding one; a grant of a user p may not read is not found.
		if _, err := adminTarget(ctx, tx, p, userID); errs.Code(err) == errs.ENOTFOUND {
			return errs.New(errs.ENOTFOUND, "grant not found")
		} else if err != nil {
			return err
		}
		if p != nil && userID == p.UserID && g.Role.Can(UserAdmin) {
			// Nobody locks themselves out: another admin grant must remain.
			others, err := grantsOf(ctx, tx, userID)
			if err != nil {
				return err
			}
			if !slices.ContainsFunc(others, func(o Grant) bool { return o.ID != grantID && o.Role.Can(UserAdmin) }) {
				return errs.New(errs.ECONFLICT, "you cannot remove your own last administrator grant; ask another administrator")
			}
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
		cond, arg := area.Subtree(s.db.Dialect, "g.area_path", path)
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
	out, err := db.All(ctx, s.db, `SELECT u.id, u.username, u.display_name, u.phone, u.email, u.lang, u.disabled, u.created_at FROM users u WHERE `+where+
		` ORDER BY u.username LIMIT ? OFFSET ?`, append(args, limit, offset), func(r db.Scanner) (User, error) {
		var u User
		err := r.Scan(&u.ID, &u.Username, &u.DisplayName, &u.Phone, &u.Email, &u.Lang, &u.Disabled, &u.CreatedAt)
		u.Phone, u.Email = MaskPhone(u.Phone), MaskEmail(u.Email)
		return u, err
	})
	if err != nil {
		return nil, 0, errs.Wrap(err, "list users")
	}
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
	out, err := db.All(ctx, q, `SELECT g.id, g.role, g.area_code, g.area_path, a.name, g.unit_id, COALESCE(u.name, '') FROM grants g`+
		area.Join("a", "g.area_code")+` LEFT JOIN units u ON u.id = g.unit_id WHERE g.user_id = ? ORDER BY g.id`, []any{userID},
		func(r db.Scanner) (Grant, error) {
			var g Grant
			err := r.Scan(&g.ID, &g.Role, &g.AreaCode, &g.AreaPath, &g.AreaName, &g.UnitID, &g.UnitName)
			return g, err
		})
	return out, errs.Wrap(err, "grants")
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
	return s.withGrants(ctx, p)
}

// withGrants completes a principal whose user row is read.
func (s *Service) withGrants(ctx context.Context, p *Principal) (*Principal, error) {
	var err error
	if p.Grants, err = grantsOf(ctx, s.db, p.UserID); err != nil {
		return nil, err
	}
	return p, nil
}

// Login checks a username and password and opens a web session. Failures
// are throttled per account from one client IP and per client IP, so
// failures from elsewhere never lock the owner out.
func (s *Service) Login(ctx context.Context, username, password, ip string) (token string, p *Principal, err error) {
	key := accountKey(username, ip)
	if s.account.Blocked(key, accountFailLimit) || s.ip.Blocked(ip, ipFailLimit) {
		return "", nil, errs.New(errs.ETOOMANY, "too many failed sign-ins; wait 15 minutes")
	}
	id, ok, err := s.checkLogin(ctx, username, password)
	if err != nil {
		return "", nil, err
	}
	now := s.clock.Now()
	if !ok {
		s.account.Fail(key)
		s.ip.Fail(ip)
		// The audit log keeps failed sign-ins (throttled above, so bounded):
		// under the account's widest area when it exists, else the tree's root.
		if err := s.db.InTx(ctx, func(tx *db.Tx) error { return recordSignIn(ctx, tx, now, id, username, ip, false) }); err != nil {
			return "", nil, err
		}
		return "", nil, errs.New(errs.EUNAUTHORIZED, "wrong username or password")
	}
	s.account.Reset(key)
	token = randomToken("")
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, "DELETE FROM sessions WHERE user_id = ? AND expires_at < ?", id, now); err != nil {
			return errs.Wrap(err, "prune sessions")
		}
		_, err := tx.Exec(ctx, "INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
			hashToken(token), id, randomToken(""), now, now.Add(SessionTTL))
		if err != nil {
			return errs.Wrap(err, "insert session")
		}
		return recordSignIn(ctx, tx, now, id, username, ip, true)
	})
	if err != nil {
		return "", nil, err
	}
	p, err = s.principal(ctx, id)
	return token, p, err
}

// recordSignIn writes the audit row of a sign-in (login) or a failed one
// (login_failed) by username from ip; id is the account's, 0 when there is
// none. The typed username is kept as given, cut to 64 characters.
func recordSignIn(ctx context.Context, tx *db.Tx, now time.Time, id int64, username, ip string, ok bool) error {
	path := ""
	if id != 0 {
		var err error
		if path, err = ownerPath(ctx, tx, id); err != nil {
			return err
		}
	}
	if path == "" {
		root, err := area.Root(ctx, tx)
		switch {
		case errs.Code(err) == errs.ENOTFOUND: // no tree yet
			path = "/"
		case err != nil:
			return err
		default:
			path = root.Path
		}
	}
	if r := []rune(username); len(r) > 64 {
		username = string(r[:64])
	}
	action := "login"
	if !ok {
		action = "login_failed"
	}
	actor := &Principal{Username: username} // a failed attempt is anyone's, not the account's
	if ok {
		actor.UserID = id
	}
	return Record(ctx, tx, now, actor, Change{Action: action, Entity: "session", EntityID: strconv.FormatInt(id, 10), AreaPath: path,
		After: map[string]string{"ip": ip}})
}

// checkLogin reports whether password is the enabled account username's.
// Unknown and disabled accounts cost the same hash work as a wrong
// password, so the time a refusal takes does not tell which accounts exist.
func (s *Service) checkLogin(ctx context.Context, username, password string) (int64, bool, error) {
	var id int64
	var hash string
	var disabled bool
	err := s.db.QueryRow(ctx, "SELECT id, password_hash, disabled FROM users WHERE username = ?", username).Scan(&id, &hash, &disabled)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, false, errs.Wrap(err, "user")
	}
	if err != nil || disabled {
		return 0, false, s.hasher.VerifyDecoy(ctx, password)
	}
	ok, err := s.hasher.Verify(ctx, hash, password)
	return id, ok, err
}

// Session returns the principal and CSRF token of a live web session.
func (s *Service) Session(ctx context.Context, token string) (*Principal, string, error) {
	var csrf string
	var exp time.Time
	var disabled bool
	p := &Principal{}
	// The session and its user in one query: every page view makes it.
	err := s.db.QueryRow(ctx, `SELECT s.csrf, s.expires_at, u.id, u.username, u.display_name, u.lang, u.disabled
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?`, hashToken(token)).
		Scan(&csrf, &exp, &p.UserID, &p.Username, &p.DisplayName, &p.Lang, &disabled)
	if err != nil || disabled || !exp.After(s.clock.Now()) {
		return nil, "", errs.New(errs.EUNAUTHORIZED, "sign in again")
	}
	p, err = s.withGrants(ctx, p)
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
