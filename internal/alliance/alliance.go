// Package alliance is alliances (三联盟): regional units, people and
// offices or service windows of an area joined under a charter and
// membership criteria, the commitments (承诺) members make and what was
// done against them, entry by entry.
package alliance

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// Service is the alliances capability on one database.
type Service struct {
	db    *db.DB
	clock clock.Clock
}

// NewService returns the alliances service.
func NewService(d *db.DB, c clock.Clock) *Service { return &Service{db: d, clock: c} }

// Alliance is an alliance (联盟) of an area with its charter and criteria;
// Get fills its members, former members and commitments.
type Alliance struct {
	ID          int64        `json:"id"`
	Area        string       `json:"area"`
	AreaName    string       `json:"area_name"`
	Name        string       `json:"name"`
	Charter     string       `json:"charter"`
	Criteria    string       `json:"criteria"`
	Members     int          `json:"members"`
	Fulfilment  Fulfilment   `json:"fulfilment"`
	CreatedBy   string       `json:"created_by"`
	CreatedAt   time.Time    `json:"created_at"`
	MemberList  []Member     `json:"member_list,omitempty"`
	Former      []Member     `json:"former_members,omitempty"`
	Commitments []Commitment `json:"commitments,omitempty"`
	AreaPath    string       `json:"-"`
}

// Member is one member of an alliance; a member who left stays in the
// record with the day and the reason (LeftOn is "" while a member).
type Member struct {
	ID         int64  `json:"id"`
	Kind       string `json:"kind"`
	Name       string `json:"name"`
	UnitID     *int64 `json:"unit_id"`
	Duty       string `json:"duty"`  // its part in the alliance (理事单位, 联络员…)
	Place      string `json:"place"` // an office's or window's address and hours
	JoinedOn   string `json:"joined_on"`
	LeftOn     string `json:"left_on"`
	LeftReason string `json:"left_reason"`
}

// Commitment is a member's commitment (承诺) with what was done against it.
// It is open until closed as kept (DoneOn) or not kept (NotKeptOn); a
// closed commitment is not edited and takes no more entries.
type Commitment struct {
	ID         int64      `json:"id"`
	MemberID   int64      `json:"member_id"`
	Member     string     `json:"member"`
	MemberLeft bool       `json:"member_left"` // the member has left the alliance
	Text       string     `json:"text"`
	Target     string     `json:"target"` // what counts as kept; may be ""
	DueOn      string     `json:"due_on"`
	Status     string     `json:"status"`      // open, kept or not_kept
	DoneOn     string     `json:"done_on"`     // "" until kept
	NotKeptOn  string     `json:"not_kept_on"` // "" unless closed as not kept
	CloseNote  string     `json:"close_note"`
	Overdue    bool       `json:"overdue"`
	Progress   []Progress `json:"progress"`
}

// Progress is one entry of what was done against a commitment.
type Progress struct {
	Note   string `json:"note"`
	DoneOn string `json:"done_on"`
	By     string `json:"by"`
}

const allianceCols = `a.id, a.area_code, ar.name, a.name, a.charter, a.criteria, a.created_by_name, a.created_at, a.area_path,
	(SELECT count(*) FROM alliance_members m WHERE m.alliance_id = a.id AND m.left_on IS NULL)`

var allianceFrom = `alliances a` + area.Join("ar", "a.area_code")

func scanAlliance(r db.Scanner) (Alliance, error) {
	var a Alliance
	err := r.Scan(&a.ID, &a.Area, &a.AreaName, &a.Name, &a.Charter, &a.Criteria, &a.CreatedBy, &a.CreatedAt, &a.AreaPath, &a.Members)
	return a, err
}

func (s *Service) alliance(ctx context.Context, q db.Querier, id int64) (Alliance, error) {
	a, err := scanAlliance(q.QueryRow(ctx, `SELECT `+allianceCols+` FROM `+allianceFrom+` WHERE a.id = ?`, id))
	return a, db.NotFound(err, "alliance")
}

func record(ctx context.Context, tx *db.Tx, now time.Time, p *auth.Principal, action string, id int64, path string, after any) error {
	return auth.Record(ctx, tx, now, p, auth.Change{Action: action, Entity: "alliance", EntityID: strconv.FormatInt(id, 10), AreaPath: path, After: after})
}

func hidden(p *auth.Principal) error {
	if p == nil {
		return errs.New(errs.EUNAUTHORIZED, "sign in first")
	}
	return errs.New(errs.ENOTFOUND, "alliance not found")
}

// Input founds an alliance.
type Input struct {
	Area     string `json:"area"`
	Name     string `json:"name"`
	Charter  string `json:"charter"`
	Criteria string `json:"criteria"`
}

// text trims v and refuses it when longer than max characters.
func text(ds *[]errs.Detail, field, v string, max int) string {
	v = strings.TrimSpace(v)
	if len([]rune(v)) > max {
		*ds = append(*ds, errs.D(field, "write at most %d characters", max))
	}
	return v
}

// need refuses an empty v.
func need(ds *[]errs.Detail, field, v string, msg errs.Detail) {
	if v == "" {
		*ds = append(*ds, msg)
	}
}

// Create founds an alliance in an area (alliance.write there).
func (s *Service) Create(ctx context.Context, p *auth.Principal, in Input) (Alliance, error) {
	var ds []errs.Detail
	in.Name = text(&ds, "name", in.Name, 100)
	need(&ds, "name", in.Name, errs.D("name", "name the alliance"))
	in.Charter = text(&ds, "charter", in.Charter, 10000)
	need(&ds, "charter", in.Charter, errs.D("charter", "write the alliance's charter (章程)"))
	in.Criteria = text(&ds, "criteria", in.Criteria, 4000)
	need(&ds, "criteria", in.Criteria, errs.D("criteria", "write who may join (membership criteria)"))
	if in.Area == "" {
		ds = append(ds, errs.D("area", "choose the area the alliance serves"))
	}
	if len(ds) > 0 {
		return Alliance{}, errs.Fields(ds)
	}
	now := s.clock.Now()
	var id int64
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		path, err := area.Path(ctx, tx, in.Area)
		if errs.Code(err) == errs.ENOTFOUND {
			return errs.Invalid("area", "unknown area %q", in.Area)
		} else if err != nil {
			return err
		}
		if err := auth.Authorize(p, auth.AllianceWrite, path); err != nil {
			return err
		}
		by, name := p.Actor()
		id, err = db.InsertID(ctx, tx, `INSERT INTO alliances (area_code, area_path, name, charter, criteria, created_by, created_by_name, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, in.Area, path, in.Name, in.Charter, in.Criteria, by, name, now, now)
		if errs.Code(err) == errs.ECONFLICT {
			return errs.Invalid("name", "this area has an alliance named %s already", in.Name)
		} else if err != nil {
			return errs.Wrap(err, "insert alliance")
		}
		return record(ctx, tx, now, p, "create", id, path, map[string]any{"name": in.Name, "area": in.Area})
	})
	if err != nil {
		return Alliance{}, err
	}
	return s.Get(ctx, p, id)
}

// Filter narrows a list of alliances.
type Filter struct {
	Area    string
	Page    int
	PerPage int
}

// List lists the alliances in p's scope (alliance.read), by name.
func (s *Service) List(ctx context.Context, p *auth.Principal, f Filter) (db.Listed[Alliance], error) {
	if err := auth.AuthorizeAny(p, auth.AllianceRead); err != nil {
		return db.Listed[Alliance]{}, err
	}
	var w db.Where
	c, a := auth.ScopeSQL(s.db.Dialect, p, auth.AllianceRead, "a.area_path")
	w.And(c, a...)
	if f.Area != "" {
		path, err := area.Path(ctx, s.db, f.Area)
		if errs.Code(err) == errs.ENOTFOUND {
			return db.Listed[Alliance]{}, errs.Invalid("area", "unknown area %q", f.Area)
		} else if err != nil {
			return db.Listed[Alliance]{}, err
		}
		c, a := area.Subtree(s.db.Dialect, "a.area_path", path)
		w.And(c, a)
	}
	limit, offset := auth.Paging(f.Page, f.PerPage)
	l, err := db.List(ctx, s.db, db.Page{Cols: allianceCols, From: allianceFrom, Where: w, Order: "a.name, a.id", Limit: limit, Offset: offset}, scanAlliance)
	return l, errs.Wrap(err, "list alliances")
}

// Get returns an alliance with its members and commitments (alliance.read).
func (s *Service) Get(ctx context.Context, p *auth.Principal, id int64) (Alliance, error) {
	a, err := s.alliance(ctx, s.db, id)
	if err != nil {
		return Alliance{}, err
	}
	if auth.Authorize(p, auth.AllianceRead, a.AreaPath) != nil {
		return Alliance{}, hidden(p)
	}
	members, err := db.All(ctx, s.db, `SELECT `+memberCols+` FROM alliance_members WHERE alliance_id = ? ORDER BY id`, []any{id}, scanMember)
	if err != nil {
		return Alliance{}, errs.Wrap(err, "members")
	}
	for _, m := range members {
		if m.LeftOn == "" {
			a.MemberList = append(a.MemberList, m)
		} else {
			a.Former = append(a.Former, m)
		}
	}
	today := s.clock.Now().In(clock.Shanghai).Format(time.DateOnly)
	a.Commitments, err = db.All(ctx, s.db, `SELECT `+commitmentCols+` FROM alliance_commitments c
		JOIN alliance_members m ON m.id = c.member_id WHERE c.alliance_id = ? ORDER BY c.due_on, c.id`, []any{id}, scanCommitment(today))
	if err != nil {
		return Alliance{}, errs.Wrap(err, "commitments")
	}
	byID := map[int64]*Commitment{}
	var due, done, notKept []string
	for i := range a.Commitments {
		c := &a.Commitments[i]
		byID[c.ID] = c
		due, done, notKept = append(due, c.DueOn), append(done, c.DoneOn), append(notKept, c.NotKeptOn)
	}
	a.Fulfilment = Fulfil(due, done, notKept, today)
	type entry struct {
		commitment int64
		p          Progress
	}
	err = db.Each(ctx, s.db, `SELECT p.commitment_id, p.note, p.done_on, p.by_name FROM alliance_progress p
		JOIN alliance_commitments c ON c.id = p.commitment_id WHERE c.alliance_id = ? ORDER BY p.done_on, p.id`, []any{id}, func(r db.Scanner) (entry, error) {
		var e entry
		err := r.Scan(&e.commitment, &e.p.Note, &e.p.DoneOn, &e.p.By)
		return e, err
	}, func(e entry) error {
		if c := byID[e.commitment]; c != nil {
			c.Progress = append(c.Progress, e.p)
		}
		return nil
	})
	return a, errs.Wrap(err, "progress")
}

// writable loads an alliance in tx for a change p makes (alliance.write).
func (s *Service) writable(ctx context.Context, tx *db.Tx, p *auth.Principal, id int64) (Alliance, error) {
	a, err := s.alliance(ctx, tx, id)
	if err != nil {
		return a, err
	}
	if auth.Authorize(p, auth.AllianceRead, a.AreaPath) != nil {
		return a, hidden(p)
	}
	return a, auth.Authorize(p, auth.AllianceWrite, a.AreaPath)
}

const memberCols = `id, kind, name, unit_id, duty, place, joined_on, COALESCE(left_on, ''), left_reason`

func scanMember(r db.Scanner) (Member, error) {
	var m Member
	var unit sql.NullInt64
	err := r.Scan(&m.ID, &m.Kind, &m.Name, &unit, &m.Duty, &m.Place, &m.JoinedOn, &m.LeftOn, &m.LeftReason)
	m.UnitID = db.NullID(unit)
	return m, err
}

const commitmentCols = `c.id, c.member_id, m.name, m.left_on IS NOT NULL, c.text, c.target, c.due_on,
	COALESCE(c.done_on, ''), COALESCE(c.not_kept_on, ''), c.close_note`

func scanCommitment(today string) func(r db.Scanner) (Commitment, error) {
	return func(r db.Scanner) (Commitment, error) {
		var c Commitment
		err := r.Scan(&c.ID, &c.MemberID, &c.Member, &c.MemberLeft, &c.Text, &c.Target, &c.DueOn, &c.DoneOn, &c.NotKeptOn, &c.CloseNote)
		c.Status = Status(c.DoneOn, c.NotKeptOn)
		c.Overdue = c.Status == StatusOpen && c.DueOn < today
		c.Progress = []Progress{}
		return c, err
	}
}

// MemberInput admits a member: a unit (by its id, of the alliance's area),
// a person or an office; joined_on defaults to today.
type MemberInput struct {
	Kind     string `json:"kind"`
	Name     string `json:"name,omitempty"`
	UnitID   *int64 `json:"unit_id,omitempty"`
	Duty     string `json:"duty,omitempty"`
	Place    string `json:"place,omitempty"`
	JoinedOn string `json:"joined_on,omitempty"`
}

// AddMember admits a member to alliance id (alliance.write).
func (s *Service) AddMember(ctx context.Context, p *auth.Principal, id int64, in MemberInput) (Member, error) {
	var ds []errs.Detail
	if !oneOf(in.Kind, Kinds) {
		ds = append(ds, errs.D("kind", "a member is a unit, a person or an office"))
	}
	in.Duty = text(&ds, "duty", in.Duty, 100)
	in.Place = text(&ds, "place", in.Place, 200)
	now := s.clock.Now()
	if strings.TrimSpace(in.JoinedOn) == "" {
		in.JoinedOn = now.In(clock.Shanghai).Format(time.DateOnly)
	} else if d, err := Day("joined_on", in.JoinedOn); err != nil {
		ds = append(ds, errs.DetailsOf(err)...)
	} else {
		in.JoinedOn = d.Format(time.DateOnly)
	}
	if in.Kind == KindUnit {
		if in.UnitID == nil {
			ds = append(ds, errs.D("unit_id", "choose the unit"))
		}
	} else {
		in.UnitID = nil
		in.Name = text(&ds, "name", in.Name, 100)
		need(&ds, "name", in.Name, errs.D("name", "name the member"))
	}
	if in.Kind == KindOffice && in.Place == "" {
		ds = append(ds, errs.D("place", "say where and when the office or window serves"))
	}
	if len(ds) > 0 {
		return Member{}, errs.Fields(ds)
	}
	var m Member
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		a, err := s.writable(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if in.UnitID != nil {
			var name, path string
			err := tx.QueryRow(ctx, `SELECT name, area_path FROM units WHERE id = ?`, *in.UnitID).Scan(&name, &path)
			if err == sql.ErrNoRows || (err == nil && !strings.HasPrefix(path, a.AreaPath)) {
				return errs.Invalid("unit_id", "no unit %d in %s", *in.UnitID, a.AreaName)
			} else if err != nil {
				return errs.Wrap(err, "unit")
			}
			in.Name = name
		}
		mid, err := db.InsertID(ctx, tx, `INSERT INTO alliance_members (alliance_id, kind, name, unit_id, duty, place, joined_on, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, id, in.Kind, in.Name, in.UnitID, in.Duty, in.Place, in.JoinedOn, now)
		if err != nil {
			return errs.Wrap(err, "insert member")
		}
		m = Member{ID: mid, Kind: in.Kind, Name: in.Name, UnitID: in.UnitID, Duty: in.Duty, Place: in.Place, JoinedOn: in.JoinedOn}
		return record(ctx, tx, now, p, "member", id, a.AreaPath, m)
	})
	return m, err
}

// CommitmentInput records a member's commitment.
type CommitmentInput struct {
	MemberID int64  `json:"member_id"`
	Text     string `json:"text"`
	Target   string `json:"target,omitempty"`
	DueOn    string `json:"due_on"`
}

// AddCommitment records a commitment of a member of alliance id (alliance.write).
func (s *Service) AddCommitment(ctx context.Context, p *auth.Principal, id int64, in CommitmentInput) (Commitment, error) {
	var ds []errs.Detail
	in.Text = text(&ds, "text", in.Text, 1000)
	need(&ds, "text", in.Text, errs.D("text", "write what the member commits to"))
	in.Target = text(&ds, "target", in.Target, 500)
	if d, err := Day("due_on", in.DueOn); err != nil {
		ds = append(ds, errs.DetailsOf(err)...)
	} else {
		in.DueOn = d.Format(time.DateOnly)
	}
	if len(ds) > 0 {
		return Commitment{}, errs.Fields(ds)
	}
	var c Commitment
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		a, err := s.writable(ctx, tx, p, id)
		if err != nil {
			return err
		}
		var name, left string
		if err := tx.QueryRow(ctx, `SELECT name, COALESCE(left_on, '') FROM alliance_members WHERE id = ? AND alliance_id = ?`, in.MemberID, id).Scan(&name, &left); err == sql.ErrNoRows {
			return errs.Invalid("member_id", "no member %d in this alliance", in.MemberID)
		} else if err != nil {
			return errs.Wrap(err, "member")
		} else if left != "" {
			return errs.Invalid("member_id", "%s left the alliance on %s", name, left)
		}
		now := s.clock.Now()
		cid, err := db.InsertID(ctx, tx, `INSERT INTO alliance_commitments (alliance_id, member_id, text, target, due_on, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			id, in.MemberID, in.Text, in.Target, in.DueOn, now)
		if err != nil {
			return errs.Wrap(err, "insert commitment")
		}
		c = Commitment{ID: cid, MemberID: in.MemberID, Member: name, Text: in.Text, Target: in.Target, DueOn: in.DueOn, Status: StatusOpen, Progress: []Progress{}}
		return record(ctx, tx, now, p, "commitment", id, a.AreaPath, map[string]any{"commitment": cid, "member": name, "text": in.Text, "target": in.Target, "due_on": in.DueOn})
	})
	return c, err
}

// ProgressInput records what was done against a commitment; Done marks it
// fulfilled on DoneOn.
type ProgressInput struct {
	Note   string `json:"note"`
	DoneOn string `json:"done_on,omitempty"`
	Done   bool   `json:"done,omitempty"`
}

// RecordProgress records what was done against commitment cid (alliance.write
// on its alliance's area) and returns the alliance.
func (s *Service) RecordProgress(ctx context.Context, p *auth.Principal, cid int64, in ProgressInput) (Alliance, error) {
	var ds []errs.Detail
	in.Note = text(&ds, "note", in.Note, 2000)
	need(&ds, "note", in.Note, errs.D("note", "write what was done"))
	now := s.clock.Now()
	today := now.In(clock.Shanghai).Format(time.DateOnly)
	if strings.TrimSpace(in.DoneOn) == "" {
		in.DoneOn = today
	} else if d, err := Day("done_on", in.DoneOn); err != nil {
		ds = append(ds, errs.DetailsOf(err)...)
	} else if in.DoneOn = d.Format(time.DateOnly); in.DoneOn > today {
		ds = append(ds, errs.D("done_on", "what was done is recorded on or after the day it was done"))
	}
	if len(ds) > 0 {
		return Alliance{}, errs.Fields(ds)
	}
	var aid int64
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		c, a, err := s.writableCommitment(ctx, tx, p, cid)
		if err != nil {
			return err
		}
		aid = a.ID
		if err := stillOpen(c); err != nil {
			return err
		}
		_, name := p.Actor()
		if _, err := tx.Exec(ctx, `INSERT INTO alliance_progress (commitment_id, note, done_on, by_name, created_at) VALUES (?, ?, ?, ?, ?)`,
			cid, in.Note, in.DoneOn, name, now); err != nil {
			return errs.Wrap(err, "insert progress")
		}
		if in.Done {
			if _, err := tx.Exec(ctx, `UPDATE alliance_commitments SET done_on = ? WHERE id = ? AND done_on IS NULL AND not_kept_on IS NULL`, in.DoneOn, cid); err != nil {
				return errs.Wrap(err, "fulfil commitment")
			}
		}
		return record(ctx, tx, now, p, "progress", aid, a.AreaPath, map[string]any{"commitment": cid, "note": in.Note, "done_on": in.DoneOn, "done": in.Done})
	})
	if err != nil {
		return Alliance{}, err
	}
	return s.Get(ctx, p, aid)
}

func oneOf(s string, set []string) bool {
	for _, x := range set {
		if x == s {
			return true
		}
	}
	return false
}
