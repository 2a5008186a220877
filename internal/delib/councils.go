package delib

import (
	"context"
	"strings"
	"time"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/demand"
	"gongzhi/internal/errs"
	"gongzhi/internal/lists"
)

// Councils are the councils (议事会) of areas and their meetings: the
// agenda (topics), attendance, minutes and decisions, each decision with
// who follows it up by when, and what it became — a service project
// (lists), a demand on a body (demand intake) or a self-governance rule
// (自治公约) published on the area's public page. Staff of the area
// (delib.write) keep them; staff who read deliberation (delib.read) see them.
type Councils struct {
	db     *db.DB
	clock  clock.Clock
	lists  *lists.Service
	demand *demand.Service
}

// NewCouncils returns the councils service; lists and demand make the
// projects and demands decisions become (nil: that way is not offered).
func NewCouncils(d *db.DB, c clock.Clock, l *lists.Service, dm *demand.Service) *Councils {
	return &Councils{db: d, clock: c, lists: l, demand: dm}
}

// Roles of a council member.
const (
	Convener = "convener" // 召集人
	Member   = "member"   // 成员
)

// MemberRoles lists the roles of a council member.
var MemberRoles = []string{Convener, Member}

// Council is a council (议事会) of an area.
type Council struct {
	ID       int64     `json:"id"`
	Area     string    `json:"area"`
	AreaName string    `json:"area_name"`
	Name     string    `json:"name"`
	Charter  string    `json:"charter"`
	TermFrom string    `json:"term_from"`
	TermTo   string    `json:"term_to"`
	Members  []CMember `json:"members"`
	Meetings []Meeting `json:"meetings,omitempty"`
	AreaPath string    `json:"-"`
}

// CMember is a council member; the phone is always masked.
type CMember struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Phone string `json:"phone"`
	Role  string `json:"role"`
}

// CouncilInput is a new council.
type CouncilInput struct {
	Area     string        `json:"area"`
	Name     string        `json:"name"`
	Charter  string        `json:"charter,omitempty"`
	TermFrom string        `json:"term_from"`
	TermTo   string        `json:"term_to"`
	Members  []MemberInput `json:"members,omitempty"`
}

// MemberInput is a council member to add.
type MemberInput struct {
	Name  string `json:"name"`
	Phone string `json:"phone,omitempty"`
	Role  string `json:"role"`
}

// CheckCouncil cleans a new council and names every field at fault.
func CheckCouncil(in *CouncilInput) error {
	var d []errs.Detail
	in.Name, in.Charter = strings.TrimSpace(in.Name), strings.TrimSpace(in.Charter)
	in.TermFrom, in.TermTo = strings.TrimSpace(in.TermFrom), strings.TrimSpace(in.TermTo)
	if n := len([]rune(in.Name)); n == 0 || n > 50 {
		d = append(d, errs.D("name", "name the council, at most 50 characters"))
	}
	if len([]rune(in.Charter)) > 4000 {
		d = append(d, errs.D("charter", "the charter is at most 4000 characters"))
	}
	from, ferr := time.Parse(time.DateOnly, in.TermFrom)
	to, terr := time.Parse(time.DateOnly, in.TermTo)
	switch {
	case ferr != nil:
		d = append(d, errs.D("term_from", "the term starts on a date such as 2026-01-01"))
	case terr != nil:
		d = append(d, errs.D("term_to", "the term ends on a date such as 2028-12-31"))
	case to.Before(from):
		d = append(d, errs.D("term_to", "the term ends after it starts"))
	}
	for i := range in.Members {
		if err := CheckMember(&in.Members[i]); err != nil {
			d = append(d, errs.D("members", "each member needs a name (at most 30 characters), a phone of 7 to 15 digits or none, and the role convener or member"))
			break
		}
	}
	if len(d) > 0 {
		return errs.Fields(d)
	}
	return nil
}

// CheckMember cleans a council member.
func CheckMember(m *MemberInput) error {
	m.Name, m.Phone, m.Role = strings.TrimSpace(m.Name), strings.TrimSpace(m.Phone), strings.TrimSpace(m.Role)
	if m.Role == "" {
		m.Role = Member
	}
	var d []errs.Detail
	if n := len([]rune(m.Name)); n == 0 || n > 30 {
		d = append(d, errs.D("name", "give the member's name, at most 30 characters"))
	}
	if m.Phone != "" && !phoneLike(m.Phone) {
		d = append(d, errs.D("phone", "the phone is digits, 7 to 15 of them"))
	}
	if !oneOf(m.Role, MemberRoles) {
		d = append(d, errs.D("role", "the role is convener or member"))
	}
	if len(d) > 0 {
		return errs.Fields(d)
	}
	return nil
}

func phoneLike(s string) bool {
	n := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			n++
		case r == '-' || r == ' ' || r == '+':
		default:
			return false
		}
	}
	return n >= 7 && n <= 15
}

const councilCols = `c.id, c.area_code, ar.name, c.name, c.charter, c.term_from, c.term_to, c.area_path`

var councilFrom = `councils c` + area.Join("ar", "c.area_code")

func scanCouncil(r db.Scanner) (Council, error) {
	var c Council
	err := r.Scan(&c.ID, &c.Area, &c.AreaName, &c.Name, &c.Charter, &c.TermFrom, &c.TermTo, &c.AreaPath)
	c.Members = []CMember{}
	return c, err
}

func (s *Councils) council(ctx context.Context, q db.Querier, id int64) (Council, error) {
	c, err := scanCouncil(q.QueryRow(ctx, `SELECT `+councilCols+` FROM `+councilFrom+` WHERE c.id = ?`, id))
	return c, db.NotFound(err, "council")
}

// writable reads council id for a change by p: delib.write on its area.
func (s *Councils) writable(ctx context.Context, tx *db.Tx, p *auth.Principal, id int64) (Council, error) {
	c, err := s.council(ctx, tx, id)
	if err != nil {
		return Council{}, err
	}
	if auth.Authorize(p, auth.DelibRead, c.AreaPath) != nil {
		return Council{}, hidden(p, "council")
	}
	return c, auth.Authorize(p, auth.DelibWrite, c.AreaPath)
}

// CreateCouncil sets up a council in an area (delib.write there).
func (s *Councils) CreateCouncil(ctx context.Context, p *auth.Principal, in CouncilInput) (Council, error) {
	if err := CheckCouncil(&in); err != nil {
		return Council{}, err
	}
	var id int64
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		path, err := area.Path(ctx, tx, in.Area)
		if errs.Code(err) == errs.ENOTFOUND || in.Area == "" {
			return errs.Invalid("area", "choose the council's area")
		} else if err != nil {
			return err
		}
		if err := auth.Authorize(p, auth.DelibWrite, path); err != nil {
			return err
		}
		now := s.clock.Now()
		id, err = db.InsertID(ctx, tx, `INSERT INTO councils (area_code, area_path, name, charter, term_from, term_to, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, in.Area, path, in.Name, in.Charter, in.TermFrom, in.TermTo, now, now)
		if err != nil {
			return errs.Wrap(err, "insert council")
		}
		for _, m := range in.Members {
			if _, err := s.addMember(ctx, tx, id, m); err != nil {
				return err
			}
		}
		return record(ctx, tx, now, p, "create", "council", id, path, nil, map[string]any{"name": in.Name, "term_from": in.TermFrom,
			"term_to": in.TermTo, "members": len(in.Members)})
	})
	if err != nil {
		return Council{}, err
	}
	return s.GetCouncil(ctx, p, id)
}

func (s *Councils) addMember(ctx context.Context, tx *db.Tx, council int64, m MemberInput) (int64, error) {
	id, err := db.InsertID(ctx, tx, `INSERT INTO council_members (council_id, name, phone, role) VALUES (?, ?, ?, ?)`, council, m.Name, m.Phone, m.Role)
	return id, errs.Wrap(err, "insert council member")
}

// AddMember adds a member to a council (delib.write on its area).
func (s *Councils) AddMember(ctx context.Context, p *auth.Principal, council int64, m MemberInput) (Council, error) {
	if err := CheckMember(&m); err != nil {
		return Council{}, err
	}
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		c, err := s.writable(ctx, tx, p, council)
		if err != nil {
			return err
		}
		id, err := s.addMember(ctx, tx, council, m)
		if err != nil {
			return err
		}
		return record(ctx, tx, s.clock.Now(), p, "add_member", "council", council, c.AreaPath, nil,
			map[string]any{"member_id": id, "name": m.Name, "phone": auth.MaskPhone(m.Phone), "role": m.Role})
	})
	if err != nil {
		return Council{}, err
	}
	return s.GetCouncil(ctx, p, council)
}

func (s *Councils) members(ctx context.Context, q db.Querier, council int64) ([]CMember, error) {
	ms, err := db.All(ctx, q, `SELECT id, name, phone, role FROM council_members WHERE council_id = ? ORDER BY CASE role WHEN 'convener' THEN 0 ELSE 1 END, id`,
		[]any{council}, func(r db.Scanner) (CMember, error) {
			var m CMember
			err := r.Scan(&m.ID, &m.Name, &m.Phone, &m.Role)
			m.Phone = auth.MaskPhone(m.Phone)
			return m, err
		})
	if ms == nil {
		ms = []CMember{}
	}
	return ms, errs.Wrap(err, "council members")
}

// GetCouncil returns a council with its members and meetings (delib.read on its area).
func (s *Councils) GetCouncil(ctx context.Context, p *auth.Principal, id int64) (Council, error) {
	c, err := s.council(ctx, s.db, id)
	if err != nil {
		return Council{}, err
	}
	if auth.Authorize(p, auth.DelibRead, c.AreaPath) != nil {
		return Council{}, hidden(p, "council")
	}
	if c.Members, err = s.members(ctx, s.db, id); err != nil {
		return Council{}, err
	}
	c.Meetings, err = db.All(ctx, s.db, `SELECT `+meetingCols+` FROM `+meetingFrom+` WHERE m.council_id = ? ORDER BY m.starts_at DESC, m.id DESC`,
		[]any{id}, scanMeeting)
	return c, errs.Wrap(err, "meetings")
}

// ListCouncils lists the councils in p's scope (delib.read), in an area's subtree if given.
func (s *Councils) ListCouncils(ctx context.Context, p *auth.Principal, areaCode string) ([]Council, error) {
	if err := auth.AuthorizeAny(p, auth.DelibRead); err != nil {
		return nil, err
	}
	var w db.Where
	c, a := auth.ScopeSQL(s.db.Dialect, p, auth.DelibRead, "c.area_path")
	w.And(c, a...)
	if areaCode != "" {
		path, err := area.Path(ctx, s.db, areaCode)
		if errs.Code(err) == errs.ENOTFOUND {
			return nil, errs.Invalid("area", "unknown area %q", areaCode)
		} else if err != nil {
			return nil, err
		}
		c, a := area.Subtree(s.db.Dialect, "c.area_path", path)
		w.And(c, a)
	}
	out, err := db.All(ctx, s.db, `SELECT `+councilCols+` FROM `+councilFrom+` WHERE `+w.SQL()+` ORDER BY c.area_path, c.id`, w.Args(), scanCouncil)
	return out, errs.Wrap(err, "list councils")
}
