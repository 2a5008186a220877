package party

import (
	"context"
	"database/sql"
	"time"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// ReportInput registers a member with the residential area where they
// live and serve (双报到), with the service posts chosen.
type ReportInput struct {
	Area  string   `json:"area"`
	Posts []string `json:"posts"`
}

// Report registers (or moves) m's dual reporting: the member themself, or
// staff of the member's organisation's area or of the area reported to.
func (s *Service) Report(ctx context.Context, p *auth.Principal, id int64, in ReportInput) (Member, error) {
	posts, ok := CleanPosts(in.Posts)
	if !ok {
		return Member{}, errs.Invalid("posts", "choose at most %d posts of at most %d characters each", maxPosts, maxPost)
	}
	if in.Area == "" {
		return Member{}, errs.Invalid("area", "choose the residential area where the member lives")
	}
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		m, err := s.get(ctx, tx, id)
		if err != nil {
			return err
		}
		if !canSee(p, m) {
			return hidden(p)
		}
		level, path, err := area.LevelPath(ctx, tx, in.Area)
		if errs.Code(err) == errs.ENOTFOUND {
			return errs.Invalid("area", "unknown area %q", in.Area)
		} else if err != nil {
			return err
		}
		if level != area.Residential {
			return errs.Invalid("area", "members report to a residential area (居民区)")
		}
		self := p != nil && p.UserID != 0 && m.UserID != nil && *m.UserID == p.UserID
		if !self && auth.Authorize(p, auth.MemberWrite, m.AreaPath) != nil && auth.Authorize(p, auth.MemberWrite, path) != nil {
			return errs.New(errs.EFORBIDDEN, "only the member or staff of their organisation or residential area register the member")
		}
		now := s.clock.Now()
		day := now.In(clock.Shanghai).Format(time.DateOnly)
		if m.Reported {
			_, err = tx.Exec(ctx, "UPDATE member_reports SET area_code = ?, area_path = ? WHERE member_id = ?", in.Area, path, id)
		} else {
			_, err = tx.Exec(ctx, "INSERT INTO member_reports (member_id, area_code, area_path, reported_on, created_at) VALUES (?, ?, ?, ?, ?)", id, in.Area, path, day, now)
		}
		if err != nil {
			return errs.Wrap(err, "member report")
		}
		if _, err := tx.Exec(ctx, "DELETE FROM member_posts WHERE member_id = ?", id); err != nil {
			return errs.Wrap(err, "member posts")
		}
		for _, post := range posts {
			if _, err := tx.Exec(ctx, "INSERT INTO member_posts (member_id, post) VALUES (?, ?)", id, post); err != nil {
				return errs.Wrap(err, "member posts")
			}
		}
		before := map[string]any{"area": m.ReportArea, "posts": m.Posts}
		return record(ctx, tx, now, p, "report", id, path, before, map[string]any{"area": in.Area, "posts": posts})
	})
	if err != nil {
		return Member{}, err
	}
	return s.Get(ctx, p, id)
}

// ServiceEvent is verified service: a check-out of an activity the member
// was checked in to. Only such events make service hours (no typed hours).
type ServiceEvent struct {
	MemberID int64
	Source   string // activity
	SourceID int64  // the sign-up
	AreaPath string // where the service was done
	Start    time.Time
	End      time.Time
}

// RecordService writes a verified event in the transaction that verified
// it; the same source is counted once.
func RecordService(ctx context.Context, tx *db.Tx, e ServiceEvent) error {
	_, err := tx.Exec(ctx, `INSERT INTO member_service (member_id, source, source_id, area_path, started_at, ended_at, minutes)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, e.MemberID, e.Source, e.SourceID, e.AreaPath, e.Start, e.End, Minutes(e.Start, e.End))
	return errs.Wrap(err, "member service")
}

// ServiceLine is one verified service of a member.
type ServiceLine struct {
	Source   string    `json:"source"`
	SourceID int64     `json:"source_id"`
	Start    time.Time `json:"start"`
	End      time.Time `json:"end"`
	Minutes  int       `json:"minutes"`
}

// HalfService is a member's verified service in one half-year.
type HalfService struct {
	Half    string        `json:"half"`
	Minutes int           `json:"minutes"`
	Lines   []ServiceLine `json:"lines"`
}

// ServiceOf is m's verified service in the half-year holding the clock's
// now (the member themself, or whoever reads the member).
func (s *Service) ServiceOf(ctx context.Context, p *auth.Principal, id int64) (HalfService, error) {
	if _, err := s.Get(ctx, p, id); err != nil {
		return HalfService{}, err
	}
	from, to, name := HalfYear(s.clock.Now())
	lines, err := db.All(ctx, s.db, `SELECT source, source_id, started_at, ended_at, minutes FROM member_service
		WHERE member_id = ? AND ended_at >= ? AND ended_at < ? ORDER BY ended_at DESC`, []any{id, from, to},
		func(sc db.Scanner) (ServiceLine, error) {
			var l ServiceLine
			err := sc.Scan(&l.Source, &l.SourceID, &l.Start, &l.End, &l.Minutes)
			return l, err
		})
	if err != nil {
		return HalfService{}, errs.Wrap(err, "member service")
	}
	out := HalfService{Half: name, Lines: lines}
	if out.Lines == nil {
		out.Lines = []ServiceLine{}
	}
	for _, l := range lines {
		out.Minutes += l.Minutes
	}
	return out, nil
}

// FollowUpFilter narrows the follow-up list.
type FollowUpFilter struct {
	Area    string // report area's subtree
	UnitID  int64
	Half    string // 2026-H2; empty: the current half-year
	Page    int
	PerPage int
}

// FollowUpRow is a dual-reported member with no verified service in the
// half-year (报到未服务): the list the follow-up works from.
type FollowUpRow struct {
	Member
	ReportAreaName string `json:"report_area_name"`
}

// FollowUpGroup counts one residential area's or unit's registered members
// and those of them with no verified service in the half-year.
type FollowUpGroup struct {
	Key        string `json:"key"` // area code or unit id
	Name       string `json:"name"`
	Registered int    `json:"registered"`
	Unserved   int    `json:"unserved"`
}

// FollowUp is the follow-up list of one half-year, with its counts by
// residential area reported to and by work unit.
type FollowUp struct {
	Half   string          `json:"half"`
	From   time.Time       `json:"from"`
	To     time.Time       `json:"to"`
	Items  []FollowUpRow   `json:"items"`
	Total  int             `json:"total"`
	ByArea []FollowUpGroup `json:"by_area"`
	ByUnit []FollowUpGroup `json:"by_unit"`
}

// followWhere is the follow-up list's condition: registered, in p's scope
// (by report area or organisation), no verified service in [from, to).
func (s *Service) followWhere(ctx context.Context, p *auth.Principal, f FollowUpFilter) (db.Where, time.Time, time.Time, string, error) {
	var w db.Where
	if err := auth.AuthorizeAny(p, auth.MemberRead); err != nil {
		return w, time.Time{}, time.Time{}, "", err
	}
	from, to, name := HalfYear(s.clock.Now())
	if f.Half != "" {
		var ok bool
		if from, to, ok = ParseHalf(f.Half); !ok {
			return w, from, to, "", errs.Invalid("half", "half is a half-year such as 2026-H1 or 2026-H2")
		}
		name = f.Half
	}
	a, aa := auth.ScopeSQL(s.db.Dialect, p, auth.MemberRead, "r.area_path")
	b, ba := auth.ScopeSQL(s.db.Dialect, p, auth.MemberRead, "m.area_path")
	w.And("("+a+" OR "+b+")", append(aa, ba...)...)
	w.And("r.member_id IS NOT NULL")
	if f.Area != "" {
		path, err := area.Path(ctx, s.db, f.Area)
		if errs.Code(err) == errs.ENOTFOUND {
			return w, from, to, "", errs.Invalid("area", "unknown area %q", f.Area)
		} else if err != nil {
			return w, from, to, "", err
		}
		c, ca := area.Subtree(s.db.Dialect, "r.area_path", path)
		w.And(c, ca)
	}
	if f.UnitID != 0 {
		w.And("m.unit_id = ?", f.UnitID)
	}
	return w, from, to, name, nil
}

const unserved = `NOT EXISTS (SELECT 1 FROM member_service sv WHERE sv.member_id = m.id AND sv.ended_at >= ? AND sv.ended_at < ?)`

// FollowUpList is the follow-up list: members who reported and have no
// verified service in the half-year, with counts by area and unit.
func (s *Service) FollowUpList(ctx context.Context, p *auth.Principal, f FollowUpFilter) (FollowUp, error) {
	w, start, end, name, err := s.followWhere(ctx, p, f)
	if err != nil {
		return FollowUp{}, err
	}
	out := FollowUp{Half: name, From: start, To: end}
	groups := func(key, label, join string) ([]FollowUpGroup, error) {
		args := append([]any{start, end}, w.Args()...)
		return db.All(ctx, s.db, `SELECT `+key+`, `+label+`, count(*), sum(CASE WHEN `+unserved+` THEN 1 ELSE 0 END)
			FROM `+from+join+` WHERE `+w.SQL()+` GROUP BY `+key+`, `+label+` ORDER BY 4 DESC, 2`, args,
			func(sc db.Scanner) (FollowUpGroup, error) {
				var g FollowUpGroup
				err := sc.Scan(&g.Key, &g.Name, &g.Registered, &g.Unserved)
				return g, err
			})
	}
	if out.ByArea, err = groups("r.area_code", "ra.name", area.Join("ra", "r.area_code")); err != nil {
		return out, errs.Wrap(err, "follow-up by area")
	}
	if out.ByUnit, err = groups("COALESCE(CAST(m.unit_id AS TEXT), '')", "COALESCE(u.name, '')", ""); err != nil {
		return out, errs.Wrap(err, "follow-up by unit")
	}
	w.And(unserved, start, end)
	limit, offset := auth.Paging(f.Page, f.PerPage)
	l, err := db.List(ctx, s.db, db.Page{Cols: cols + ", ra.name", From: from + area.Join("ra", "r.area_code"), Where: w,
		Order: "r.area_code, m.name, m.id", Limit: limit, Offset: offset}, scanFollow)
	if err != nil {
		return out, errs.Wrap(err, "follow-up list")
	}
	out.Items, out.Total = l.Items, l.Total
	if out.Items == nil {
		out.Items = []FollowUpRow{}
	}
	return out, nil
}

func scanFollow(sc db.Scanner) (FollowUpRow, error) {
	var r FollowUpRow
	var home, report sql.NullString
	var unit, user sql.NullInt64
	m := &r.Member
	err := sc.Scan(&m.ID, &m.Name, &m.phoneWhole, &m.Kind, &m.AgeBand, &m.PartyOrgID, &m.PartyOrg, &m.Area, &home, &unit, &m.Unit,
		&user, &report, &m.ReportedOn, &m.CreatedAt, &m.UpdatedAt, &m.AreaPath, &m.HomePath, &m.ReportPath, &r.ReportAreaName)
	m.UnitID, m.UserID = db.NullID(unit), db.NullID(user)
	if home.Valid {
		m.HomeArea = &home.String
	}
	if report.Valid {
		m.ReportArea, m.Reported = &report.String, true
	}
	m.Phone, m.Posts = auth.MaskPhone(m.phoneWhole), []string{}
	return r, err
}
