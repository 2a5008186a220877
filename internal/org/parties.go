package org

import (
	"context"
	"database/sql"
	"errors"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// PartyOrgKind is the kind of a party organisation (党组织类型).
type PartyOrgKind string

// Party organisation kinds of the district's organisation network, top down.
const (
	DistrictCommittee       PartyOrgKind = "district_committee"        // 区委
	StreetWorkingCommittee  PartyOrgKind = "street_working_committee"  // 街道党工委
	CommunityPartyCommittee PartyOrgKind = "community_party_committee" // 社区党委
	StreetAdminPartyGroup   PartyOrgKind = "street_admin_party_group"  // 行政党组
	ResidentialPartyOrg     PartyOrgKind = "residential_party_org"     // 居民区党组织
	UnitPartyOrg            PartyOrgKind = "unit_party_org"            // 单位党组织
	HubPartyOrg             PartyOrgKind = "hub_party_org"             // 枢纽型党组织
)

// PartyOrgKinds lists the kinds in display order.
var PartyOrgKinds = []PartyOrgKind{DistrictCommittee, StreetWorkingCommittee, CommunityPartyCommittee,
	StreetAdminPartyGroup, ResidentialPartyOrg, UnitPartyOrg, HubPartyOrg}

// PartyOrgKindLabels are the Chinese names pages show and input accepts.
var PartyOrgKindLabels = map[PartyOrgKind]string{
	DistrictCommittee: "区委", StreetWorkingCommittee: "街道党工委", CommunityPartyCommittee: "社区党委",
	StreetAdminPartyGroup: "行政党组", ResidentialPartyOrg: "居民区党组织", UnitPartyOrg: "单位党组织", HubPartyOrg: "枢纽型党组织",
}

// partyOrgLevels says on which level of the tree each kind sits; kinds not
// listed (unit and hub organisations) sit wherever their unit or building is.
var partyOrgLevels = map[PartyOrgKind]Level{
	DistrictCommittee: District, StreetWorkingCommittee: Street, CommunityPartyCommittee: Street,
	StreetAdminPartyGroup: Street, ResidentialPartyOrg: Residential,
}

// ParsePartyOrgKind accepts a kind code or its Chinese label.
func ParsePartyOrgKind(s string) (PartyOrgKind, bool) {
	s = strings.TrimSpace(s)
	for _, k := range PartyOrgKinds {
		if s == string(k) || s == PartyOrgKindLabels[k] {
			return k, true
		}
	}
	return "", false
}

// PartyOrgAllowedAt reports whether an organisation of kind k may sit on an
// area of level l: a street working committee belongs to a street, and so on.
func PartyOrgAllowedAt(k PartyOrgKind, l Level) bool {
	if want, ok := partyOrgLevels[k]; ok {
		return want == l
	}
	return slices.Contains(PartyOrgKinds, k) && ValidLevel(string(l))
}

// PartyOrg is a party organisation (党组织) on a node of the area tree.
type PartyOrg struct {
	ID        int64        `json:"id"`
	Name      string       `json:"name"`
	Kind      PartyOrgKind `json:"kind"`
	KindLabel string       `json:"kind_label"`
	Area      string       `json:"area"`
	AreaName  string       `json:"area_name"`
	AreaPath  string       `json:"-"`
	ParentID  *int64       `json:"parent_id"`
	UnitID    *int64       `json:"unit_id"`
	UnitName  string       `json:"unit_name,omitempty"`
	Members   int          `json:"members"` // party members in the organisation
}

// NewPartyOrg is what CreatePartyOrg takes.
type NewPartyOrg struct {
	Name     string `json:"name"`
	Kind     string `json:"kind"`
	Area     string `json:"area"`
	ParentID *int64 `json:"parent_id"`
	UnitID   *int64 `json:"unit_id"` // the unit a unit party organisation belongs to
	Members  int    `json:"members"`
}

// PartyOrgFilter narrows PartyOrgs. Empty fields do not filter.
type PartyOrgFilter struct {
	Area    string // subtree root
	Kind    string
	Q       string // name contains
	Page    int
	PerPage int
}

// scopedWhere starts a WHERE clause for a list of records whose area path is
// col: limited to where p holds perm and, when code is set, to its area's subtree.
func (s *Service) scopedWhere(ctx context.Context, p *auth.Principal, perm auth.Perm, col, code string) ([]string, []any, error) {
	scope, args := auth.ScopeSQL(s.db.Dialect, p, perm, col)
	where := []string{scope}
	if code != "" {
		a, err := s.Area(ctx, p, code)
		if err != nil {
			return nil, nil, err
		}
		cond, arg := area.Subtree(s.db.Dialect, col, a.Path)
		where, args = append(where, cond), append(args, arg)
	}
	return where, args, nil
}

// areaForWrite resolves an area code named in input and checks p may use perm there.
func (s *Service) areaForWrite(ctx context.Context, p *auth.Principal, perm auth.Perm, code string) (Area, error) {
	if strings.TrimSpace(code) == "" {
		return Area{}, errs.Invalid("area", "area is required")
	}
	a, err := s.Area(ctx, p, code)
	if errs.Code(err) == errs.ENOTFOUND {
		return Area{}, errs.Invalid("area", "unknown area code %q", code)
	} else if err != nil {
		return Area{}, err
	}
	return a, auth.Authorize(p, perm, a.Path)
}

// countAndList runs the count and the page query of a scoped list.
func countAndList[T any](ctx context.Context, d *db.DB, from, where string, args []any, cols, order string, page, perPage int,
	scan func(db.Scanner) (T, error)) ([]T, int, error) {
	limit, offset := auth.Paging(page, perPage)
	var w db.Where
	w.And(where, args...)
	l, err := db.List(ctx, d, db.Page{Cols: cols, From: from, Where: w, Order: order, Limit: limit, Offset: offset}, scan)
	if err != nil {
		return nil, 0, errs.Wrap(err, "list")
	}
	return l.Items, l.Total, nil
}

// PartyOrgs lists party organisations in p's scope matching f.
func (s *Service) PartyOrgs(ctx context.Context, p *auth.Principal, f PartyOrgFilter) ([]PartyOrg, int, error) {
	if err := auth.AuthorizeAny(p, auth.OrgRead); err != nil {
		return nil, 0, err
	}
	where, args, err := s.scopedWhere(ctx, p, auth.OrgRead, "o.area_path", f.Area)
	if err != nil {
		return nil, 0, err
	}
	if f.Kind != "" {
		k, ok := ParsePartyOrgKind(f.Kind)
		if !ok {
			return nil, 0, errs.Invalid("kind", "unknown party organisation kind %q", f.Kind)
		}
		where, args = append(where, "o.kind = ?"), append(args, string(k))
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		where, args = append(where, "o.name LIKE ? ESCAPE '\\'"), append(args, "%"+db.Like(q)+"%")
	}
	out, total, err := countAndList(ctx, s.db, "party_orgs o"+area.Join("a", "o.area_code")+" LEFT JOIN units u ON u.id = o.unit_id",
		strings.Join(where, " AND "), args,
		"o.id, o.name, o.kind, o.area_code, a.name, o.area_path, o.parent_id, o.unit_id, COALESCE(u.name, ''), o.members",
		"o.area_path, o.id", f.Page, f.PerPage, func(rows db.Scanner) (PartyOrg, error) {
			var o PartyOrg
			err := rows.Scan(&o.ID, &o.Name, &o.Kind, &o.Area, &o.AreaName, &o.AreaPath, &o.ParentID, &o.UnitID, &o.UnitName, &o.Members)
			o.KindLabel = PartyOrgKindLabels[o.Kind]
			return o, err
		})
	if err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// CreatePartyOrg adds a party organisation. Its parent must sit on the same
// area or above it, and a unit party organisation's unit must lie in its area.
func (s *Service) CreatePartyOrg(ctx context.Context, p *auth.Principal, in NewPartyOrg) (PartyOrg, error) {
	var o PartyOrg
	if err := auth.AuthorizeAny(p, auth.OrgWrite); err != nil {
		return o, err
	}
	o.Name = strings.TrimSpace(in.Name)
	if o.Name == "" || len([]rune(o.Name)) > 200 {
		return o, errs.Invalid("name", "name is required, at most 200 characters")
	}
	k, ok := ParsePartyOrgKind(in.Kind)
	if !ok {
		return o, errs.Invalid("kind", "unknown party organisation kind %q", in.Kind)
	}
	if in.Members < 0 {
		return o, errs.Invalid("members", "members cannot be negative")
	}
	if k == UnitPartyOrg && in.UnitID == nil {
		return o, errs.Invalid("unit_id", "a unit party organisation needs its unit")
	}
	a, err := s.areaForWrite(ctx, p, auth.OrgWrite, in.Area)
	if err != nil {
		return o, err
	}
	if !PartyOrgAllowedAt(k, a.Level) {
		return o, errs.Invalid("kind", "a %s cannot sit on a %s", PartyOrgKindLabels[k], a.Level)
	}
	o.Kind, o.KindLabel, o.Area, o.AreaName, o.AreaPath = k, PartyOrgKindLabels[k], a.Code, a.Name, a.Path
	o.ParentID, o.UnitID, o.Members = in.ParentID, in.UnitID, in.Members
	now := s.clock.Now()
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if o.ParentID != nil {
			var ppath string
			err := tx.QueryRow(ctx, "SELECT area_path FROM party_orgs WHERE id = ?", *o.ParentID).Scan(&ppath)
			if errors.Is(err, sql.ErrNoRows) || err == nil && !strings.HasPrefix(o.AreaPath, ppath) {
				return errs.Invalid("parent_id", "the parent organisation must exist and sit on this area or above it")
			} else if err != nil {
				return errs.Wrap(err, "parent")
			}
		}
		if o.UnitID != nil {
			name, err := unitInside(ctx, tx, *o.UnitID, o.AreaPath)
			if err != nil {
				return err
			}
			o.UnitName = name
		}
		id, err := db.InsertID(ctx, tx, "INSERT INTO party_orgs (name, kind, area_code, area_path, parent_id, unit_id, members) VALUES (?, ?, ?, ?, ?, ?, ?)",
			o.Name, string(o.Kind), o.Area, o.AreaPath, o.ParentID, o.UnitID, o.Members)
		if err != nil {
			return errs.Wrap(err, "insert party org")
		}
		o.ID = id
		return auth.Record(ctx, tx, now, p, auth.Change{Action: "create", Entity: "party_org", EntityID: strconv.FormatInt(id, 10), AreaPath: o.AreaPath, After: o})
	})
	return o, err
}

// unitInside returns the name of a unit that must lie in the subtree at path.
func unitInside(ctx context.Context, q db.Querier, id int64, path string) (string, error) {
	var name, upath string
	err := q.QueryRow(ctx, "SELECT name, area_path FROM units WHERE id = ?", id).Scan(&name, &upath)
	if errors.Is(err, sql.ErrNoRows) || err == nil && !strings.HasPrefix(upath, path) {
		return "", errs.Invalid("unit_id", "unit %d does not exist in this area", id)
	}
	return name, errs.Wrap(err, "unit")
}

// AssocKind is a body of the regional party-building promotion association (区域党建促进会).
type AssocKind string

// Association bodies, one per level.
const (
	AssocCommittee AssocKind = "committee"  // 专业委员会, district level
	AssocBranch    AssocKind = "branch"     // 分会, street level
	AssocSubBranch AssocKind = "sub_branch" // 支会, residential level
)

// AssocKindLabels are the Chinese names of the association bodies.
var AssocKindLabels = map[AssocKind]string{AssocCommittee: "专业委员会", AssocBranch: "分会", AssocSubBranch: "支会"}

// assocLevels says where each body sits.
var assocLevels = map[AssocKind]Level{AssocCommittee: District, AssocBranch: Street, AssocSubBranch: Residential}

// PresidentMode is how a body is led: one president, rotating presidents (轮值会长) or two (双会长).
type PresidentMode string

// President modes.
const (
	SinglePresident   PresidentMode = "single"
	RotatingPresident PresidentMode = "rotating"
	DoublePresident   PresidentMode = "double"
)

// AssocRole is a member unit's role in a body.
type AssocRole string

// Member roles.
const (
	RoleMember            AssocRole = "member"
	RolePresident         AssocRole = "president"
	RoleRotatingPresident AssocRole = "rotating_president"
	RoleVicePresident     AssocRole = "vice_president"
)

// AssocBody is a committee, branch or sub-branch of the promotion association.
type AssocBody struct {
	ID            int64         `json:"id"`
	Kind          AssocKind     `json:"kind"`
	KindLabel     string        `json:"kind_label"`
	Name          string        `json:"name"`
	Field         string        `json:"field"` // a committee's professional field
	PresidentMode PresidentMode `json:"president_mode"`
	Area          string        `json:"area"`
	AreaName      string        `json:"area_name"`
	AreaPath      string        `json:"-"`
	ParentID      *int64        `json:"parent_id"`
	MemberCount   int           `json:"member_count"`
}

// NewAssocBody is what CreateAssocBody takes.
type NewAssocBody struct {
	Kind          string `json:"kind"`
	Name          string `json:"name"`
	Field         string `json:"field"`
	PresidentMode string `json:"president_mode"` // default single
	Area          string `json:"area"`
	ParentID      *int64 `json:"parent_id"` // a sub-branch's street branch
}

// AssocMember is a unit in an association body.
type AssocMember struct {
	BodyID    int64     `json:"body_id"`
	UnitID    int64     `json:"unit_id"`
	UnitName  string    `json:"unit_name"`
	UnitKind  UnitKind  `json:"unit_kind"`
	Role      AssocRole `json:"role"`
	TermStart string    `json:"term_start"` // YYYY-MM-DD or empty
	TermEnd   string    `json:"term_end"`
}

// NewAssocMember is what AddAssocMember takes.
type NewAssocMember struct {
	UnitID    int64  `json:"unit_id"`
	Role      string `json:"role"` // default member
	TermStart string `json:"term_start"`
	TermEnd   string `json:"term_end"`
}

// AssocFilter narrows AssocBodies. Empty fields do not filter.
type AssocFilter struct {
	Area     string
	Kind     string
	ParentID *int64
	Page     int
	PerPage  int
}

// CheckPresidents enforces how a body is led: a single-president body has
// at most one president, a double-president body at most two, and a rotating
// body only rotating presidents, each with a term, taking turns without overlap.
func CheckPresidents(mode PresidentMode, members []AssocMember) error {
	var pres int
	var rot []AssocMember
	for _, m := range members {
		switch m.Role {
		case RolePresident:
			pres++
		case RoleRotatingPresident:
			rot = append(rot, m)
		}
	}
	switch mode {
	case SinglePresident, DoublePresident:
		limit := 1
		if mode == DoublePresident {
			limit = 2
		}
		if pres > limit {
			return errs.Invalid("role", "a body with %s presidents has at most %d president(s)", mode, limit)
		}
		if len(rot) > 0 {
			return errs.Invalid("role", "only a body with rotating presidents has rotating presidents")
		}
	case RotatingPresident:
		if pres > 0 {
			return errs.Invalid("role", "a body with rotating presidents names rotating_president, not president")
		}
		for _, m := range rot {
			if m.TermStart == "" || m.TermEnd == "" {
				return errs.Invalid("term_start", "a rotating president needs a term start and end")
			}
		}
		slices.SortFunc(rot, func(a, b AssocMember) int { return strings.Compare(a.TermStart, b.TermStart) })
		for i := 1; i < len(rot); i++ {
			if rot[i].TermStart <= rot[i-1].TermEnd {
				return errs.Invalid("term_start", "rotating presidents' terms overlap (%s–%s and %s–%s)",
					rot[i-1].TermStart, rot[i-1].TermEnd, rot[i].TermStart, rot[i].TermEnd)
			}
		}
	default:
		return errs.Invalid("president_mode", "president_mode must be single, rotating or double")
	}
	return nil
}

// checkTerm validates a term's dates (YYYY-MM-DD, either may be empty).
func checkTerm(start, end string) error {
	for _, d := range []struct{ field, v string }{{"term_start", start}, {"term_end", end}} {
		if d.v == "" {
			continue
		}
		if _, err := time.Parse(time.DateOnly, d.v); err != nil {
			return errs.Invalid(d.field, "%s must be a date like 2026-01-01", d.field)
		}
	}
	if start != "" && end != "" && end < start {
		return errs.Invalid("term_end", "the term ends before it starts")
	}
	return nil
}

const assocCols = `b.id, b.kind, b.name, b.field, b.president_mode, b.area_code, a.name, b.area_path, b.parent_id,
	(SELECT count(*) FROM assoc_members m WHERE m.body_id = b.id)`

func scanAssocBody(sc db.Scanner) (AssocBody, error) {
	var b AssocBody
	err := sc.Scan(&b.ID, &b.Kind, &b.Name, &b.Field, &b.PresidentMode, &b.Area, &b.AreaName, &b.AreaPath, &b.ParentID, &b.MemberCount)
	b.KindLabel = AssocKindLabels[b.Kind]
	return b, err
}

// AssocBodies lists promotion association bodies in p's scope.
func (s *Service) AssocBodies(ctx context.Context, p *auth.Principal, f AssocFilter) ([]AssocBody, int, error) {
	if err := auth.AuthorizeAny(p, auth.OrgRead); err != nil {
		return nil, 0, err
	}
	where, args, err := s.scopedWhere(ctx, p, auth.OrgRead, "b.area_path", f.Area)
	if err != nil {
		return nil, 0, err
	}
	if f.Kind != "" {
		if _, ok := AssocKindLabels[AssocKind(f.Kind)]; !ok {
			return nil, 0, errs.Invalid("kind", "kind must be committee, branch or sub_branch")
		}
		where, args = append(where, "b.kind = ?"), append(args, f.Kind)
	}
	if f.ParentID != nil {
		where, args = append(where, "b.parent_id = ?"), append(args, *f.ParentID)
	}
	out, total, err := countAndList(ctx, s.db, "assoc_bodies b"+area.Join("a", "b.area_code"), strings.Join(where, " AND "), args,
		assocCols, "b.area_path, b.id", f.Page, f.PerPage, scanAssocBody)
	if err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// CreateAssocBody adds a committee (district), branch (street) or sub-branch
// (residential area, under its street's branch).
func (s *Service) CreateAssocBody(ctx context.Context, p *auth.Principal, in NewAssocBody) (AssocBody, error) {
	var b AssocBody
	if err := auth.AuthorizeAny(p, auth.OrgWrite); err != nil {
		return b, err
	}
	b.Kind = AssocKind(in.Kind)
	want, ok := assocLevels[b.Kind]
	if !ok {
		return b, errs.Invalid("kind", "kind must be committee, branch or sub_branch")
	}
	b.Name, b.Field = strings.TrimSpace(in.Name), strings.TrimSpace(in.Field)
	if b.Name == "" || len([]rune(b.Name)) > 200 {
		return b, errs.Invalid("name", "name is required, at most 200 characters")
	}
	b.PresidentMode = PresidentMode(in.PresidentMode)
	if b.PresidentMode == "" {
		b.PresidentMode = SinglePresident
	}
	if err := CheckPresidents(b.PresidentMode, nil); err != nil {
		return b, err
	}
	if (b.Kind == AssocSubBranch) != (in.ParentID != nil) {
		return b, errs.Invalid("parent_id", "a sub-branch, and only a sub-branch, belongs to a street branch")
	}
	a, err := s.areaForWrite(ctx, p, auth.OrgWrite, in.Area)
	if err != nil {
		return b, err
	}
	if a.Level != want {
		return b, errs.Invalid("area", "a %s sits on a %s, not a %s", AssocKindLabels[b.Kind], want, a.Level)
	}
	b.KindLabel, b.Area, b.AreaName, b.AreaPath, b.ParentID = AssocKindLabels[b.Kind], a.Code, a.Name, a.Path, in.ParentID
	now := s.clock.Now()
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if b.ParentID != nil {
			var kind, ppath string
			err := tx.QueryRow(ctx, "SELECT kind, area_path FROM assoc_bodies WHERE id = ?", *b.ParentID).Scan(&kind, &ppath)
			if errors.Is(err, sql.ErrNoRows) || err == nil && (kind != string(AssocBranch) || !strings.HasPrefix(b.AreaPath, ppath)) {
				return errs.Invalid("parent_id", "the parent must be the branch of this residential area's street")
			} else if err != nil {
				return errs.Wrap(err, "parent")
			}
		}
		id, err := db.InsertID(ctx, tx, "INSERT INTO assoc_bodies (kind, name, field, president_mode, area_code, area_path, parent_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
			string(b.Kind), b.Name, b.Field, string(b.PresidentMode), b.Area, b.AreaPath, b.ParentID)
		if err != nil {
			return errs.Wrap(err, "insert association body")
		}
		b.ID = id
		return auth.Record(ctx, tx, now, p, auth.Change{Action: "create", Entity: "assoc_body", EntityID: strconv.FormatInt(id, 10), AreaPath: b.AreaPath, After: b})
	})
	return b, err
}

// assocBody loads a body for a check of perm; bodies p may not read are not found.
func (s *Service) assocBody(ctx context.Context, q db.Querier, p *auth.Principal, perm auth.Perm, id int64) (AssocBody, error) {
	b, err := scanAssocBody(q.QueryRow(ctx, "SELECT "+assocCols+" FROM assoc_bodies b"+area.Join("a", "b.area_code")+" WHERE b.id = ?", id))
	if err != nil {
		return b, db.NotFound(err, "association body")
	}
	if auth.Authorize(p, auth.OrgRead, b.AreaPath) != nil {
		if p == nil {
			return b, errs.New(errs.EUNAUTHORIZED, "sign in first")
		}
		return b, errs.New(errs.ENOTFOUND, "association body not found")
	}
	return b, auth.Authorize(p, perm, b.AreaPath)
}

// AssocMembers lists the units of a body, presidents first.
func (s *Service) AssocMembers(ctx context.Context, p *auth.Principal, bodyID int64) ([]AssocMember, error) {
	if _, err := s.assocBody(ctx, s.db, p, auth.OrgRead, bodyID); err != nil {
		return nil, err
	}
	return assocMembers(ctx, s.db, bodyID)
}

func assocMembers(ctx context.Context, q db.Querier, bodyID int64) ([]AssocMember, error) {
	out, err := db.All(ctx, q, `SELECT m.body_id, m.unit_id, u.name, u.kind, m.role, m.term_start, m.term_end
		FROM assoc_members m JOIN units u ON u.id = m.unit_id WHERE m.body_id = ?
		ORDER BY CASE m.role WHEN 'president' THEN 0 WHEN 'rotating_president' THEN 1 WHEN 'vice_president' THEN 2 ELSE 3 END, m.term_start, u.name`, []any{bodyID},
		func(r db.Scanner) (AssocMember, error) {
			var m AssocMember
			err := r.Scan(&m.BodyID, &m.UnitID, &m.UnitName, &m.UnitKind, &m.Role, &m.TermStart, &m.TermEnd)
			return m, err
		})
	return out, errs.Wrap(err, "association members")
}

// AddAssocMember brings a unit into a body. The unit must lie in the body's
// area; a sub-branch may also bring in nearby units from the rest of its street.
func (s *Service) AddAssocMember(ctx context.Context, p *auth.Principal, bodyID int64, in NewAssocMember) (AssocMember, error) {
	m := AssocMember{BodyID: bodyID, UnitID: in.UnitID, Role: AssocRole(in.Role), TermStart: strings.TrimSpace(in.TermStart), TermEnd: strings.TrimSpace(in.TermEnd)}
	if m.Role == "" {
		m.Role = RoleMember
	}
	switch m.Role {
	case RoleMember, RolePresident, RoleRotatingPresident, RoleVicePresident:
	default:
		return m, errs.Invalid("role", "role must be member, president, rotating_president or vice_president")
	}
	if err := checkTerm(m.TermStart, m.TermEnd); err != nil {
		return m, err
	}
	now := s.clock.Now()
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		b, err := s.assocBody(ctx, tx, p, auth.OrgWrite, bodyID)
		if err != nil {
			return err
		}
		reach := b.AreaPath
		if b.ParentID != nil {
			if err := tx.QueryRow(ctx, "SELECT area_path FROM assoc_bodies WHERE id = ?", *b.ParentID).Scan(&reach); err != nil {
				return errs.Wrap(err, "parent body")
			}
		}
		if m.UnitName, err = unitInside(ctx, tx, m.UnitID, reach); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, "SELECT kind FROM units WHERE id = ?", m.UnitID).Scan(&m.UnitKind); err != nil {
			return errs.Wrap(err, "unit kind")
		}
		cur, err := assocMembers(ctx, tx, bodyID)
		if err != nil {
			return err
		}
		if err := CheckPresidents(b.PresidentMode, append(cur, m)); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, "INSERT INTO assoc_members (body_id, unit_id, role, term_start, term_end) VALUES (?, ?, ?, ?, ?)",
			bodyID, m.UnitID, string(m.Role), m.TermStart, m.TermEnd)
		if errs.Code(err) == errs.ECONFLICT {
			return errs.Invalid("unit_id", "%s is already a member", m.UnitName)
		} else if err != nil {
			return errs.Wrap(err, "insert member")
		}
		return auth.Record(ctx, tx, now, p, auth.Change{Action: "create", Entity: "assoc_member",
			EntityID: strconv.FormatInt(bodyID, 10) + "/" + strconv.FormatInt(m.UnitID, 10), AreaPath: b.AreaPath, After: m})
	})
	return m, err
}

// PartTimeMember is a part-time committee member (兼职委员): a leader of a
// regional unit sitting on a street or community party committee.
type PartTimeMember struct {
	ID           int64  `json:"id"`
	Name         string `json:"name"`
	Position     string `json:"position"`
	UnitID       *int64 `json:"unit_id"`
	UnitName     string `json:"unit_name"`
	PartyOrgID   int64  `json:"party_org_id"`
	PartyOrgName string `json:"party_org_name"`
	Area         string `json:"area"`
	AreaName     string `json:"area_name"`
	AreaPath     string `json:"-"`
	Phone        string `json:"phone"` // masked in lists
}

// NewPartTimeMember is what CreatePartTimeMember takes.
type NewPartTimeMember struct {
	Name       string `json:"name"`
	Position   string `json:"position"`
	UnitID     *int64 `json:"unit_id"`
	PartyOrgID int64  `json:"party_org_id"`
	Phone      string `json:"phone"`
}

// PartTimeFilter narrows PartTimeMembers. Empty fields do not filter.
type PartTimeFilter struct {
	Area       string
	PartyOrgID *int64
	Q          string // name or position contains
	Page       int
	PerPage    int
}

// committeeKinds are the party organisations that take part-time members.
var committeeKinds = []PartyOrgKind{StreetWorkingCommittee, CommunityPartyCommittee, ResidentialPartyOrg}

// ValidPhone reports whether s looks like a phone number: 7–20 digits with
// optional '+', '-', spaces and parentheses. Empty is allowed.
func ValidPhone(s string) bool {
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune("+-() ", r):
		default:
			return false
		}
	}
	return s == "" || digits >= 7 && digits <= 20
}

// PartTimeMembers lists part-time committee members in p's scope, phones masked.
func (s *Service) PartTimeMembers(ctx context.Context, p *auth.Principal, f PartTimeFilter) ([]PartTimeMember, int, error) {
	if err := auth.AuthorizeAny(p, auth.OrgRead); err != nil {
		return nil, 0, err
	}
	where, args, err := s.scopedWhere(ctx, p, auth.OrgRead, "m.area_path", f.Area)
	if err != nil {
		return nil, 0, err
	}
	if f.PartyOrgID != nil {
		where, args = append(where, "m.party_org_id = ?"), append(args, *f.PartyOrgID)
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		like := "%" + db.Like(q) + "%"
		where, args = append(where, "(m.name LIKE ? ESCAPE '\\' OR m.position LIKE ? ESCAPE '\\')"), append(args, like, like)
	}
	out, total, err := countAndList(ctx, s.db, "part_time_members m"+area.Join("a", "m.area_code")+`
		JOIN party_orgs o ON o.id = m.party_org_id LEFT JOIN units u ON u.id = m.unit_id`, strings.Join(where, " AND "), args,
		"m.id, m.name, m.position, m.unit_id, COALESCE(u.name, ''), m.party_org_id, o.name, m.area_code, a.name, m.area_path, m.phone",
		"m.area_path, m.id", f.Page, f.PerPage, func(rows db.Scanner) (PartTimeMember, error) {
			var m PartTimeMember
			err := rows.Scan(&m.ID, &m.Name, &m.Position, &m.UnitID, &m.UnitName, &m.PartyOrgID, &m.PartyOrgName, &m.Area, &m.AreaName, &m.AreaPath, &m.Phone)
			m.Phone = auth.MaskPhone(m.Phone)
			return m, err
		})
	if err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// CreatePartTimeMember seats a part-time member on a committee; the member
// lives on the committee's area and their unit must lie in it.
func (s *Service) CreatePartTimeMember(ctx context.Context, p *auth.Principal, in NewPartTimeMember) (PartTimeMember, error) {
	m := PartTimeMember{Name: strings.TrimSpace(in.Name), Position: strings.TrimSpace(in.Position), UnitID: in.UnitID,
		PartyOrgID: in.PartyOrgID, Phone: strings.TrimSpace(in.Phone)}
	if err := auth.AuthorizeAny(p, auth.OrgWrite); err != nil {
		return m, err
	}
	if m.Name == "" || len([]rune(m.Name)) > 50 {
		return m, errs.Invalid("name", "name is required, at most 50 characters")
	}
	if len([]rune(m.Position)) > 200 {
		return m, errs.Invalid("position", "position is at most 200 characters")
	}
	if !ValidPhone(m.Phone) {
		return m, errs.Invalid("phone", "phone must be 7–20 digits")
	}
	now := s.clock.Now()
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var kind PartyOrgKind
		err := tx.QueryRow(ctx, "SELECT o.name, o.kind, o.area_code, a.name, o.area_path FROM party_orgs o"+area.Join("a", "o.area_code")+" WHERE o.id = ?",
			m.PartyOrgID).Scan(&m.PartyOrgName, &kind, &m.Area, &m.AreaName, &m.AreaPath)
		if errors.Is(err, sql.ErrNoRows) || err == nil && auth.Authorize(p, auth.OrgRead, m.AreaPath) != nil {
			return errs.Invalid("party_org_id", "unknown party organisation %d", m.PartyOrgID)
		} else if err != nil {
			return errs.Wrap(err, "party org")
		}
		if !slices.Contains(committeeKinds, kind) {
			return errs.Invalid("party_org_id", "part-time members sit on a street working committee, community party committee or residential party organisation")
		}
		if err := auth.Authorize(p, auth.OrgWrite, m.AreaPath); err != nil {
			return err
		}
		if m.UnitID != nil {
			if m.UnitName, err = unitInside(ctx, tx, *m.UnitID, m.AreaPath); err != nil {
				return err
			}
		}
		id, err := db.InsertID(ctx, tx, "INSERT INTO part_time_members (name, position, unit_id, party_org_id, area_code, area_path, phone) VALUES (?, ?, ?, ?, ?, ?, ?)",
			m.Name, m.Position, m.UnitID, m.PartyOrgID, m.Area, m.AreaPath, m.Phone)
		if err != nil {
			return errs.Wrap(err, "insert part-time member")
		}
		m.ID = id
		return auth.Record(ctx, tx, now, p, auth.Change{Action: "create", Entity: "part_time_member", EntityID: strconv.FormatInt(id, 10), AreaPath: m.AreaPath, After: m})
	})
	return m, err
}

// ServicePointKind is the kind of a party-mass service point (党群服务阵地).
type ServicePointKind string

// Service point kinds.
const (
	ServiceStation  ServicePointKind = "station"  // 党群服务站
	ServicePointRes ServicePointKind = "point"    // 党群服务点
	ServiceBuilding ServicePointKind = "building" // 楼宇站点
	ServicePark     ServicePointKind = "park"     // 园区站点
)

// ServicePointKinds lists the kinds in display order.
var ServicePointKinds = []ServicePointKind{ServiceStation, ServicePointRes, ServiceBuilding, ServicePark}

// ServicePointKindLabels are the Chinese names of the kinds.
var ServicePointKindLabels = map[ServicePointKind]string{
	ServiceStation: "党群服务站", ServicePointRes: "党群服务点", ServiceBuilding: "楼宇站点", ServicePark: "园区站点",
}

// ParseServicePointKind accepts a kind code or its Chinese label.
func ParseServicePointKind(s string) (ServicePointKind, bool) {
	s = strings.TrimSpace(s)
	for _, k := range ServicePointKinds {
		if s == string(k) || s == ServicePointKindLabels[k] {
			return k, true
		}
	}
	return "", false
}

// ServicePoint is a party-mass service point (党群服务点/站) with its opening hours.
type ServicePoint struct {
	ID           int64            `json:"id"`
	Name         string           `json:"name"`
	Kind         ServicePointKind `json:"kind"`
	KindLabel    string           `json:"kind_label"`
	Area         string           `json:"area"`
	AreaName     string           `json:"area_name"`
	AreaPath     string           `json:"-"`
	Address      string           `json:"address"`
	OpeningHours string           `json:"opening_hours"` // e.g. 周一至周五 09:00-17:00
	Services     []string         `json:"services"`
}

// NewServicePoint is what CreateServicePoint takes.
type NewServicePoint struct {
	Name         string   `json:"name"`
	Kind         string   `json:"kind"`
	Area         string   `json:"area"`
	Address      string   `json:"address"`
	OpeningHours string   `json:"opening_hours"`
	Services     []string `json:"services"`
}

// ServicePointFilter narrows ServicePoints. Empty fields do not filter.
type ServicePointFilter struct {
	Area    string
	Kind    string
	Q       string
	Page    int
	PerPage int
}

// serviceSep joins services in the one text column.
const serviceSep = "、"

var timeRange = regexp.MustCompile(`(\d{1,2}):(\d{2})\s*[-–~至]\s*(\d{1,2}):(\d{2})`)

// CheckOpeningHours validates opening hours written as text ("周一至周五
// 09:00-17:00；周六 09:00-12:00"): at most 200 characters, and every time
// range in it a real one that ends after it starts (24:00 may close a day).
func CheckOpeningHours(s string) error {
	if len([]rune(s)) > 200 {
		return errs.Invalid("opening_hours", "opening hours are at most 200 characters")
	}
	for _, m := range timeRange.FindAllStringSubmatch(s, -1) {
		h1, _ := strconv.Atoi(m[1])
		m1, _ := strconv.Atoi(m[2])
		h2, _ := strconv.Atoi(m[3])
		m2, _ := strconv.Atoi(m[4])
		from, to := h1*60+m1, h2*60+m2
		if h1 > 23 || m1 > 59 || m2 > 59 || to > 24*60 || to <= from {
			return errs.Invalid("opening_hours", "%q is not a valid time range", m[0])
		}
	}
	return nil
}

// ServicePoints lists service points in p's scope.
func (s *Service) ServicePoints(ctx context.Context, p *auth.Principal, f ServicePointFilter) ([]ServicePoint, int, error) {
	if err := auth.AuthorizeAny(p, auth.OrgRead); err != nil {
		return nil, 0, err
	}
	where, args, err := s.scopedWhere(ctx, p, auth.OrgRead, "sp.area_path", f.Area)
	if err != nil {
		return nil, 0, err
	}
	if f.Kind != "" {
		k, ok := ParseServicePointKind(f.Kind)
		if !ok {
			return nil, 0, errs.Invalid("kind", "kind must be station, point, building or park")
		}
		where, args = append(where, "sp.kind = ?"), append(args, string(k))
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		like := "%" + db.Like(q) + "%"
		where, args = append(where, "(sp.name LIKE ? ESCAPE '\\' OR sp.services LIKE ? ESCAPE '\\')"), append(args, like, like)
	}
	out, total, err := countAndList(ctx, s.db, "service_points sp"+area.Join("a", "sp.area_code"), strings.Join(where, " AND "), args,
		"sp.id, sp.name, sp.kind, sp.area_code, a.name, sp.area_path, sp.address, sp.opening_hours, sp.services",
		"sp.area_path, sp.id", f.Page, f.PerPage, func(rows db.Scanner) (ServicePoint, error) {
			var sp ServicePoint
			var services string
			err := rows.Scan(&sp.ID, &sp.Name, &sp.Kind, &sp.Area, &sp.AreaName, &sp.AreaPath, &sp.Address, &sp.OpeningHours, &services)
			sp.KindLabel = ServicePointKindLabels[sp.Kind]
			sp.Services = splitServices(services)
			return sp, err
		})
	if err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

func splitServices(s string) []string {
	out := []string{}
	for _, v := range strings.Split(s, serviceSep) {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// CreateServicePoint adds a service point.
func (s *Service) CreateServicePoint(ctx context.Context, p *auth.Principal, in NewServicePoint) (ServicePoint, error) {
	var sp ServicePoint
	if err := auth.AuthorizeAny(p, auth.OrgWrite); err != nil {
		return sp, err
	}
	sp.Name, sp.Address, sp.OpeningHours = strings.TrimSpace(in.Name), strings.TrimSpace(in.Address), strings.TrimSpace(in.OpeningHours)
	if sp.Name == "" || len([]rune(sp.Name)) > 200 {
		return sp, errs.Invalid("name", "name is required, at most 200 characters")
	}
	k, ok := ParseServicePointKind(in.Kind)
	if !ok {
		return sp, errs.Invalid("kind", "kind must be station, point, building or park")
	}
	if err := CheckOpeningHours(sp.OpeningHours); err != nil {
		return sp, err
	}
	sp.Services = []string{}
	for _, v := range in.Services {
		// The separator inside a name would split it in two on the way back.
		if v = strings.TrimSpace(strings.ReplaceAll(v, serviceSep, " ")); v != "" {
			sp.Services = append(sp.Services, v)
		}
	}
	a, err := s.areaForWrite(ctx, p, auth.OrgWrite, in.Area)
	if err != nil {
		return sp, err
	}
	sp.Kind, sp.KindLabel, sp.Area, sp.AreaName, sp.AreaPath = k, ServicePointKindLabels[k], a.Code, a.Name, a.Path
	now := s.clock.Now()
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		id, err := db.InsertID(ctx, tx, "INSERT INTO service_points (name, kind, area_code, area_path, address, opening_hours, services) VALUES (?, ?, ?, ?, ?, ?, ?)",
			sp.Name, string(sp.Kind), sp.Area, sp.AreaPath, sp.Address, sp.OpeningHours, strings.Join(sp.Services, serviceSep))
		if err != nil {
			return errs.Wrap(err, "insert service point")
		}
		sp.ID = id
		return auth.Record(ctx, tx, now, p, auth.Change{Action: "create", Entity: "service_point", EntityID: strconv.FormatInt(id, 10), AreaPath: sp.AreaPath, After: sp})
	})
	return sp, err
}
