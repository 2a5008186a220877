// Package party keeps the district's party members (党员): their kind, age
// band, party organisation, home residential area and work unit, their own
// sign-in (the member role), dual reporting (双报到) with the service posts
// they chose, and the verified service that follows it up.
//
// Personal data is kept once and shown masked: ID numbers are never stored
// (an import reads the birth year from one and forgets it), and a phone is
// shown whole only to staff of the member's own organisation's area and to
// the member.
package party

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/jobs"
	"gongzhi/internal/points"
)

// Service is the party-members capability on one database.
type Service struct {
	db    *db.DB
	clock clock.Clock
}

// NewService returns the party-members service.
func NewService(d *db.DB, c clock.Clock) *Service { return &Service{db: d, clock: c} }

// Member is a party member as lists and pages show one.
type Member struct {
	ID         int64     `json:"id"`
	Name       string    `json:"name"`
	Phone      string    `json:"phone"` // masked unless the reader may see it whole
	Kind       string    `json:"kind"`
	AgeBand    string    `json:"age_band"`
	PartyOrgID int64     `json:"party_org_id"`
	PartyOrg   string    `json:"party_org"`
	Area       string    `json:"area"` // the party organisation's area code
	HomeArea   *string   `json:"home_area"`
	UnitID     *int64    `json:"unit_id"`
	Unit       string    `json:"unit"`
	UserID     *int64    `json:"user_id"`
	Reported   bool      `json:"reported"` // dual-reported to a residential area
	ReportArea *string   `json:"report_area"`
	ReportedOn string    `json:"reported_on,omitempty"`
	Posts      []string  `json:"posts"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
	AreaPath   string    `json:"-"`
	HomePath   string    `json:"-"`
	ReportPath string    `json:"-"`
	phoneWhole string
}

// Input adds or changes a member.
type Input struct {
	Name       string `json:"name"`
	Phone      string `json:"phone,omitempty"`
	Kind       string `json:"kind"`
	AgeBand    string `json:"age_band,omitempty"`
	PartyOrgID int64  `json:"party_org_id"`
	HomeArea   string `json:"home_area,omitempty"` // a residential area code
	UnitID     *int64 `json:"unit_id,omitempty"`
}

// Filter narrows a list of members.
type Filter struct {
	Area     string // members of this area's subtree: by organisation or home
	Kind     string
	Q        string // name contains, or the whole phone number
	PartyOrg int64
	UnitID   int64
	Reported *bool
	Page     int
	PerPage  int
}

const cols = `m.id, m.name, m.phone, m.kind, m.age_band, m.party_org_id, po.name, po.area_code, m.home_code, m.unit_id, COALESCE(u.name, ''),
	m.user_id, r.area_code, COALESCE(r.reported_on, ''), m.created_at, m.updated_at, m.area_path, m.home_path, COALESCE(r.area_path, '')`

const from = `members m JOIN party_orgs po ON po.id = m.party_org_id LEFT JOIN units u ON u.id = m.unit_id
	LEFT JOIN member_reports r ON r.member_id = m.id`

func scan(sc db.Scanner) (Member, error) {
	var m Member
	var home, report sql.NullString
	var unit, user sql.NullInt64
	err := sc.Scan(&m.ID, &m.Name, &m.phoneWhole, &m.Kind, &m.AgeBand, &m.PartyOrgID, &m.PartyOrg, &m.Area, &home, &unit, &m.Unit,
		&user, &report, &m.ReportedOn, &m.CreatedAt, &m.UpdatedAt, &m.AreaPath, &m.HomePath, &m.ReportPath)
	m.UnitID, m.UserID = db.NullID(unit), db.NullID(user)
	if home.Valid {
		m.HomeArea = &home.String
	}
	if report.Valid {
		m.ReportArea, m.Reported = &report.String, true
	}
	m.Phone = auth.MaskPhone(m.phoneWhole)
	m.Posts = []string{}
	return m, err
}

// canSee: staff reading members where the member's organisation is, where
// the member lives or reports, and the member themself.
func canSee(p *auth.Principal, m Member) bool {
	if p != nil && m.UserID != nil && *m.UserID == p.UserID && p.UserID != 0 {
		return true
	}
	for _, path := range []string{m.AreaPath, m.HomePath, m.ReportPath} {
		if path != "" && auth.Authorize(p, auth.MemberRead, path) == nil {
			return true
		}
	}
	return false
}

// CanSeePhone reports whether p sees m's phone whole: staff of the
// member's own organisation's area (member.write there), or the member.
func CanSeePhone(p *auth.Principal, m Member) bool {
	return auth.Authorize(p, auth.MemberWrite, m.AreaPath) == nil || (p != nil && p.UserID != 0 && m.UserID != nil && *m.UserID == p.UserID)
}

// CanEdit reports whether p changes m: staff of its organisation's area.
func CanEdit(p *auth.Principal, m Member) bool {
	return auth.Authorize(p, auth.MemberWrite, m.AreaPath) == nil
}

func hidden(p *auth.Principal) error {
	if p == nil {
		return errs.New(errs.EUNAUTHORIZED, "sign in first")
	}
	return errs.New(errs.ENOTFOUND, "member not found")
}

func (s *Service) get(ctx context.Context, q db.Querier, id int64) (Member, error) {
	m, err := scan(q.QueryRow(ctx, `SELECT `+cols+` FROM `+from+` WHERE m.id = ?`, id))
	if err != nil {
		return m, db.NotFound(err, "member")
	}
	m.Posts, err = posts(ctx, q, id)
	return m, err
}

func posts(ctx context.Context, q db.Querier, id int64) ([]string, error) {
	out, err := db.Strings(ctx, q, "SELECT post FROM member_posts WHERE member_id = ? ORDER BY post", id)
	if out == nil {
		out = []string{}
	}
	return out, errs.Wrap(err, "member posts")
}

// Get returns one member; the phone is whole only where CanSeePhone says.
func (s *Service) Get(ctx context.Context, p *auth.Principal, id int64) (Member, error) {
	m, err := s.get(ctx, s.db, id)
	if err != nil {
		return Member{}, err
	}
	if !canSee(p, m) {
		return Member{}, hidden(p)
	}
	if CanSeePhone(p, m) {
		m.Phone = m.phoneWhole
	}
	return m, nil
}

// ByUser returns the member linked to userID (the member's own home);
// ENOTFOUND when the user is linked to none.
func (s *Service) ByUser(ctx context.Context, p *auth.Principal, userID int64) (Member, error) {
	var id int64
	if err := s.db.QueryRow(ctx, "SELECT id FROM members WHERE user_id = ?", userID).Scan(&id); err != nil {
		return Member{}, db.NotFound(err, "member")
	}
	return s.Get(ctx, p, id)
}

// MemberOfUser is the id of the member linked to userID, or nil: an
// activity's sign-up names the member so a check-out counts as service.
func MemberOfUser(ctx context.Context, q db.Querier, userID int64) (*int64, error) {
	var id int64
	err := q.QueryRow(ctx, "SELECT id FROM members WHERE user_id = ?", userID).Scan(&id)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	return &id, errs.Wrap(err, "member of user")
}

// scopeWhere limits a members query to what p reads: by organisation,
// home or report area.
func (s *Service) scopeWhere(p *auth.Principal) db.Where {
	var w db.Where
	a, aa := auth.ScopeSQL(s.db.Dialect, p, auth.MemberRead, "m.area_path")
	b, ba := auth.ScopeSQL(s.db.Dialect, p, auth.MemberRead, "m.home_path")
	w.And("("+a+" OR "+b+")", append(aa, ba...)...)
	return w
}

// areaWhere adds "in this area's subtree, by organisation or home" to w.
func (s *Service) areaWhere(ctx context.Context, w *db.Where, code string) error {
	if code == "" {
		return nil
	}
	path, err := area.Path(ctx, s.db, code)
	if errs.Code(err) == errs.ENOTFOUND {
		return errs.Invalid("area", "unknown area %q", code)
	} else if err != nil {
		return err
	}
	a, aa := area.Subtree(s.db.Dialect, "m.area_path", path)
	b, ba := area.Subtree(s.db.Dialect, "m.home_path", path)
	w.And("("+a+" OR "+b+")", aa, ba)
	return nil
}

// List lists members in p's scope by name, phones masked.
func (s *Service) List(ctx context.Context, p *auth.Principal, f Filter) (db.Listed[Member], error) {
	if err := auth.AuthorizeAny(p, auth.MemberRead); err != nil {
		return db.Listed[Member]{}, err
	}
	w := s.scopeWhere(p)
	if err := s.areaWhere(ctx, &w, f.Area); err != nil {
		return db.Listed[Member]{}, err
	}
	if k := strings.TrimSpace(f.Kind); k != "" {
		w.And("m.kind = ?", k)
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		w.And(`(m.name LIKE ? ESCAPE '\' OR m.phone = ?)`, "%"+db.Like(q)+"%", q)
	}
	if f.PartyOrg != 0 {
		w.And("m.party_org_id = ?", f.PartyOrg)
	}
	if f.UnitID != 0 {
		w.And("m.unit_id = ?", f.UnitID)
	}
	if f.Reported != nil {
		if *f.Reported {
			w.And("r.member_id IS NOT NULL")
		} else {
			w.And("r.member_id IS NULL")
		}
	}
	limit, offset := auth.Paging(f.Page, f.PerPage)
	l, err := db.List(ctx, s.db, db.Page{Cols: cols, From: from, Where: w, Order: "m.name, m.id", Limit: limit, Offset: offset}, scan)
	return l, errs.Wrap(err, "list members")
}

// check validates a member's fields; the caller then checks the records
// they name.
func (in *Input) check() error {
	in.Name, in.Phone, in.Kind, in.AgeBand = strings.TrimSpace(in.Name), strings.TrimSpace(in.Phone), strings.TrimSpace(in.Kind), strings.TrimSpace(in.AgeBand)
	in.HomeArea = strings.TrimSpace(in.HomeArea)
	var ds []errs.Detail
	switch {
	case in.Name == "":
		ds = append(ds, errs.D("name", "give the member's name"))
	case utf8.RuneCountInString(in.Name) > maxName:
		ds = append(ds, errs.D("name", "a name is at most %d characters", maxName))
	}
	if in.Phone != "" && !validPhone(in.Phone) {
		ds = append(ds, errs.D("phone", "a phone number is 7 to 20 digits (a mobile is 11)"))
	}
	switch {
	case in.Kind == "":
		ds = append(ds, errs.D("kind", "choose the member's kind, such as 在职 or 退休"))
	case utf8.RuneCountInString(in.Kind) > maxKind:
		ds = append(ds, errs.D("kind", "a kind is at most %d characters", maxKind))
	}
	if utf8.RuneCountInString(in.AgeBand) > maxKind {
		ds = append(ds, errs.D("age_band", "an age band is at most %d characters", maxKind))
	}
	if in.PartyOrgID <= 0 {
		ds = append(ds, errs.D("party_org_id", "choose the member's party organisation"))
	}
	if len(ds) > 0 {
		return errs.Fields(ds)
	}
	return nil
}

// validPhone: digits with the separators people type, 7 to 20 digits.
func validPhone(s string) bool {
	n := 0
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
			n++
		case strings.ContainsRune(" -+()", c):
		default:
			return false
		}
	}
	return n >= 7 && n <= 20
}

// refs are the records a member names, resolved in the write's transaction.
type refs struct {
	orgPath  string
	homePath string
	home     any
	unit     any
}

// resolve checks the organisation (member.write on its area), the home
// residential area and the work unit.
func resolve(ctx context.Context, tx db.Querier, p *auth.Principal, in Input) (refs, error) {
	var r refs
	err := tx.QueryRow(ctx, "SELECT area_path FROM party_orgs WHERE id = ?", in.PartyOrgID).Scan(&r.orgPath)
	if err == sql.ErrNoRows || (err == nil && auth.Authorize(p, auth.MemberRead, r.orgPath) != nil) {
		return r, errs.Invalid("party_org_id", "no party organisation %d you can see", in.PartyOrgID)
	} else if err != nil {
		return r, errs.Wrap(err, "party organisation")
	}
	if err := auth.Authorize(p, auth.MemberWrite, r.orgPath); err != nil {
		return r, err
	}
	if in.HomeArea != "" {
		level, path, err := area.LevelPath(ctx, tx, in.HomeArea)
		if errs.Code(err) == errs.ENOTFOUND {
			return r, errs.Invalid("home_area", "unknown area %q", in.HomeArea)
		} else if err != nil {
			return r, err
		}
		if level != area.Residential {
			return r, errs.Invalid("home_area", "the home area is a residential area (居民区)")
		}
		r.homePath, r.home = path, in.HomeArea
	}
	if in.UnitID != nil {
		var n int
		if err := tx.QueryRow(ctx, "SELECT count(*) FROM units WHERE id = ?", *in.UnitID).Scan(&n); err != nil {
			return r, errs.Wrap(err, "unit")
		}
		if n == 0 {
			return r, errs.Invalid("unit_id", "no unit %d", *in.UnitID)
		}
		r.unit = *in.UnitID
	}
	return r, nil
}

// Create adds a member (member.write on the organisation's area).
func (s *Service) Create(ctx context.Context, p *auth.Principal, in Input) (Member, error) {
	if err := auth.AuthorizeAny(p, auth.MemberWrite); err != nil {
		return Member{}, err
	}
	if err := in.check(); err != nil {
		return Member{}, err
	}
	var id int64
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		r, err := resolve(ctx, tx, p, in)
		if err != nil {
			return err
		}
		now := s.clock.Now()
		id, err = db.InsertID(ctx, tx, `INSERT INTO members (name, phone, kind, age_band, party_org_id, area_path, home_code, home_path, unit_id, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, in.Name, in.Phone, in.Kind, in.AgeBand, in.PartyOrgID, r.orgPath, r.home, r.homePath, r.unit, now, now)
		if err != nil {
			return errs.Wrap(err, "insert member")
		}
		return record(ctx, tx, now, p, "create", id, r.orgPath, nil, in)
	})
	if err != nil {
		return Member{}, err
	}
	return s.Get(ctx, p, id)
}

// Update changes a member's fields (member.write on the organisation's
// area, before and after). A change of kind enqueues the recompute of the
// member's points (rules are per kind) in the same transaction.
func (s *Service) Update(ctx context.Context, p *auth.Principal, id int64, in Input) (Member, error) {
	if err := auth.AuthorizeAny(p, auth.MemberWrite); err != nil {
		return Member{}, err
	}
	if err := in.check(); err != nil {
		return Member{}, err
	}
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		m, err := s.get(ctx, tx, id)
		if err != nil {
			return err
		}
		if !canSee(p, m) {
			return hidden(p)
		}
		if err := auth.Authorize(p, auth.MemberWrite, m.AreaPath); err != nil {
			return err
		}
		r, err := resolve(ctx, tx, p, in)
		if err != nil {
			return err
		}
		now := s.clock.Now()
		_, err = tx.Exec(ctx, `UPDATE members SET name = ?, phone = ?, kind = ?, age_band = ?, party_org_id = ?, area_path = ?, home_code = ?, home_path = ?,
			unit_id = ?, updated_at = ? WHERE id = ?`, in.Name, in.Phone, in.Kind, in.AgeBand, in.PartyOrgID, r.orgPath, r.home, r.homePath, r.unit, now, id)
		if err != nil {
			return errs.Wrap(err, "update member")
		}
		if in.Kind != m.Kind {
			if err := jobs.Enqueue(ctx, tx, now, points.MemberJob(id)); err != nil {
				return err
			}
		}
		before := map[string]any{"name": m.Name, "phone": m.Phone, "kind": m.Kind, "age_band": m.AgeBand, "party_org_id": m.PartyOrgID,
			"home_area": m.HomeArea, "unit_id": m.UnitID}
		after := in
		after.Phone = auth.MaskPhone(in.Phone)
		return record(ctx, tx, now, p, "update", id, r.orgPath, before, after)
	})
	if err != nil {
		return Member{}, err
	}
	return s.Get(ctx, p, id)
}

// LinkUser links a member to a user holding the member role, so the member
// signs in to a home of their own; username "" unlinks.
func (s *Service) LinkUser(ctx context.Context, p *auth.Principal, id int64, username string) (Member, error) {
	username = strings.TrimSpace(username)
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		m, err := s.get(ctx, tx, id)
		if err != nil {
			return err
		}
		if !canSee(p, m) {
			return hidden(p)
		}
		if err := auth.Authorize(p, auth.MemberWrite, m.AreaPath); err != nil {
			return err
		}
		var user any
		if username != "" {
			var uid int64
			err := tx.QueryRow(ctx, `SELECT u.id FROM users u WHERE u.username = ? AND EXISTS
				(SELECT 1 FROM grants g WHERE g.user_id = u.id AND g.role = ?)`, username, string(auth.Member)).Scan(&uid)
			if err == sql.ErrNoRows {
				return errs.Invalid("username", "no user %q with the member role; create the user with the member role first", username)
			} else if err != nil {
				return errs.Wrap(err, "user")
			}
			user = uid
		}
		now := s.clock.Now()
		_, err = tx.Exec(ctx, "UPDATE members SET user_id = ?, updated_at = ? WHERE id = ?", user, now, id)
		if errs.Code(db.MapError(err)) == errs.ECONFLICT {
			return errs.New(errs.ECONFLICT, "user %s is linked to another member already", username)
		} else if err != nil {
			return errs.Wrap(err, "link member")
		}
		return record(ctx, tx, now, p, "link", id, m.AreaPath, map[string]any{"user_id": m.UserID}, map[string]any{"username": username})
	})
	if err != nil {
		return Member{}, err
	}
	return s.Get(ctx, p, id)
}

// record writes the audit row of one change of a member.
func record(ctx context.Context, tx *db.Tx, now time.Time, p *auth.Principal, action string, id int64, path string, before, after any) error {
	return auth.Record(ctx, tx, now, p, auth.Change{Action: action, Entity: "member", EntityID: strconv.FormatInt(id, 10),
		AreaPath: path, Before: before, After: after})
}
