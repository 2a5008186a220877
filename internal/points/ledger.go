package points

import (
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// LedgerEntry is one row of the ledger with its reason.
type LedgerEntry struct {
	ID         int64          `json:"id"`
	Module     string         `json:"module"`
	Points     int            `json:"points"`
	Reason     string         `json:"reason"` // text code: points.hour, points.event, points.capped, points.reversal
	Args       map[string]any `json:"args"`
	Source     string         `json:"source"` // activity (a verified check-out) or manual (an approved item)
	SourceID   int64          `json:"source_id"`
	OccurredAt time.Time      `json:"occurred_at"`
	Version    int            `json:"rules_version"`
	ReversesID *int64         `json:"reverses_id"`
	CreatedAt  time.Time      `json:"created_at"`
}

// MemberPoints is a member's year: the total, per module, and every entry.
type MemberPoints struct {
	MemberID int64          `json:"member_id"`
	Name     string         `json:"name"`
	Kind     string         `json:"kind"`
	Year     int            `json:"year"`
	Total    int            `json:"total"`
	Modules  map[string]int `json:"modules"`
	Entries  []LedgerEntry  `json:"entries"` // newest first
}

// MemberPoints returns a member's points of a year (points.read on the
// member's organisation's area, or the member themself).
func (s *Service) MemberPoints(ctx context.Context, p *auth.Principal, member int64, year int) (MemberPoints, error) {
	if p == nil {
		return MemberPoints{}, errs.New(errs.EUNAUTHORIZED, "sign in first")
	}
	mp := MemberPoints{MemberID: member, Year: year, Modules: map[string]int{}, Entries: []LedgerEntry{}}
	var path string
	var user sql.NullInt64
	if err := s.db.QueryRow(ctx, "SELECT name, kind, area_path, user_id FROM members WHERE id = ?", member).Scan(&mp.Name, &mp.Kind, &path, &user); err != nil {
		return mp, db.NotFound(err, "member")
	}
	own := user.Valid && p.UserID != 0 && user.Int64 == p.UserID
	if !own {
		if err := hide(auth.Authorize(p, auth.PointsRead, path), "member"); err != nil {
			return MemberPoints{}, err
		}
	}
	err := db.Each(ctx, s.db, `SELECT l.id, l.module, l.points, l.reason, l.args, l.source, l.source_id, l.occurred_at, r.version, l.reverses_id, l.created_at
		FROM points_ledger l JOIN points_rulesets r ON r.id = l.ruleset_id WHERE l.member_id = ? AND l.year = ? ORDER BY l.occurred_at DESC, l.id DESC`, []any{member, year},
		func(sc db.Scanner) (LedgerEntry, error) {
			var e LedgerEntry
			var args string
			var rev sql.NullInt64
			err := sc.Scan(&e.ID, &e.Module, &e.Points, &e.Reason, &args, &e.Source, &e.SourceID, &e.OccurredAt, &e.Version, &rev, &e.CreatedAt)
			e.ReversesID = db.NullID(rev)
			_ = json.Unmarshal([]byte(args), &e.Args)
			return e, err
		},
		func(e LedgerEntry) error {
			mp.Total += e.Points
			mp.Modules[e.Module] += e.Points
			mp.Entries = append(mp.Entries, e)
			return nil
		})
	return mp, errs.Wrap(err, "ledger")
}

// MyPoints is the signed-in member's own year.
func (s *Service) MyPoints(ctx context.Context, p *auth.Principal, year int) (MemberPoints, error) {
	if p == nil || p.UserID == 0 {
		return MemberPoints{}, errs.New(errs.EUNAUTHORIZED, "sign in first")
	}
	var id int64
	if err := s.db.QueryRow(ctx, "SELECT id FROM members WHERE user_id = ?", p.UserID).Scan(&id); err != nil {
		return MemberPoints{}, db.NotFound(err, "your member record")
	}
	return s.MemberPoints(ctx, p, id, year)
}

// Ranked is a member's place within their kind.
type Ranked struct {
	Rank     int            `json:"rank"` // within the member kind; equal points share a rank
	MemberID int64          `json:"member_id"`
	Name     string         `json:"name"`
	Kind     string         `json:"kind"`
	PartyOrg string         `json:"party_org"`
	Total    int            `json:"total"`
	Modules  map[string]int `json:"modules"`
}

// RankFilter chooses the members ranked.
type RankFilter struct {
	Year     int
	Area     string // members of organisations in this area's subtree
	PartyOrg int64
	Kind     string
}

// Ranking ranks members by the year's verified points, within each member
// kind only (an in-service member is never ranked against a retired one):
// every member of the filter, for the year-end export.
func (s *Service) Ranking(ctx context.Context, p *auth.Principal, f RankFilter) ([]Ranked, error) {
	l, err := s.RankingPage(ctx, p, f, 0, 0)
	return l.Items, err
}

// RankingPage is one page of the ranking (per 0: all of it). The database
// ranks the whole filter with a window function and returns only the page,
// so a district of 12,000 members reads 50 rows, not 12,000; the ranks are
// those Rank gives the whole filter (a test holds the two together).
func (s *Service) RankingPage(ctx context.Context, p *auth.Principal, f RankFilter, page, per int) (db.Listed[Ranked], error) {
	var out db.Listed[Ranked]
	if err := auth.AuthorizeAny(p, auth.PointsRead); err != nil {
		return out, err
	}
	var w db.Where
	memberScope(&w, s.db.D(), p, auth.PointsRead)
	if f.Area != "" {
		path, err := area.Path(ctx, s.db, f.Area)
		if err != nil {
			return out, errs.Invalid("area", "no area %s", f.Area)
		}
		c, a := area.Subtree(s.db.D(), "m.area_path", path)
		w.And(c, a)
	}
	if f.PartyOrg != 0 {
		w.And("m.party_org_id = ?", f.PartyOrg)
	}
	if f.Kind != "" {
		w.And("m.kind = ?", f.Kind)
	}
	if err := s.db.QueryRow(ctx, "SELECT count(*) FROM members m WHERE "+w.SQL(), w.Args()...).Scan(&out.Total); err != nil {
		return out, errs.Wrap(err, "ranking")
	}
	args := append([]any{f.Year}, w.Args()...)
	limit := ""
	if per > 0 {
		limit, args = " LIMIT ? OFFSET ?", append(args, per, (max(page, 1)-1)*per)
	}
	// Totals per member, ranked within the kind; ties share a rank (1, 2, 2, 4), as Rank does.
	items, err := db.All(ctx, s.db, `SELECT id, name, kind, org, total, RANK() OVER (PARTITION BY kind ORDER BY total DESC) FROM (
		SELECT m.id, m.name, m.kind, po.name AS org, COALESCE(SUM(l.points), 0) AS total
		FROM members m JOIN party_orgs po ON po.id = m.party_org_id LEFT JOIN points_ledger l ON l.member_id = m.id AND l.year = ?
		WHERE `+w.SQL()+` GROUP BY m.id, m.name, m.kind, po.name) t ORDER BY kind, total DESC, id`+limit, args,
		func(sc db.Scanner) (Ranked, error) {
			r := Ranked{Modules: map[string]int{}}
			err := sc.Scan(&r.MemberID, &r.Name, &r.Kind, &r.PartyOrg, &r.Total, &r.Rank)
			return r, err
		})
	if err != nil {
		return out, errs.Wrap(err, "ranking")
	}
	if err := s.modulesOf(ctx, f.Year, items); err != nil {
		return out, err
	}
	out.Items = items
	return out, nil
}

// modulesOf fills each ranked member's points per module, in chunks of
// members so the statement stays within both engines' parameter limits.
func (s *Service) modulesOf(ctx context.Context, year int, rs []Ranked) error {
	at := make(map[int64]*Ranked, len(rs))
	for i := range rs {
		at[rs[i].MemberID] = &rs[i]
	}
	type part struct {
		member int64
		module string
		points int
	}
	for chunk := range slices.Chunk(rs, 500) {
		args := []any{year}
		marks := make([]string, len(chunk))
		for i, r := range chunk {
			marks[i], args = "?", append(args, r.MemberID)
		}
		err := db.Each(ctx, s.db, `SELECT member_id, module, SUM(points) FROM points_ledger WHERE year = ? AND member_id IN (`+strings.Join(marks, ",")+`)
			GROUP BY member_id, module`, args,
			func(sc db.Scanner) (part, error) {
				var x part
				err := sc.Scan(&x.member, &x.module, &x.points)
				return x, err
			},
			func(x part) error {
				at[x.member].Modules[x.module] += x.points
				return nil
			})
		if err != nil {
			return errs.Wrap(err, "ranking")
		}
	}
	return nil
}

// Rank orders members by kind, then points, and numbers them within their
// kind; equal points share a rank (1, 2, 2, 4).
func Rank(rs []Ranked) {
	sortRanked(rs)
	start := 0 // where the current kind begins
	for i := range rs {
		switch {
		case i == 0 || rs[i].Kind != rs[i-1].Kind:
			start, rs[i].Rank = i, 1
		case rs[i].Total == rs[i-1].Total:
			rs[i].Rank = rs[i-1].Rank
		default:
			rs[i].Rank = i - start + 1
		}
	}
}

// ExportXLSX writes the year-end sheet of the ranking: one row a member
// with points per module, the total and the rank within the kind.
func (s *Service) ExportXLSX(ctx context.Context, p *auth.Principal, f RankFilter, w io.Writer) error {
	rs, err := s.Ranking(ctx, p, f)
	if err != nil {
		return err
	}
	x := excelize.NewFile()
	defer x.Close()
	sheet := "积分"
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return errs.Wrap(err, "xlsx")
	}
	sw, err := x.NewStreamWriter(sheet)
	if err != nil {
		return errs.Wrap(err, "xlsx")
	}
	head := []any{"类别内排名", "姓名", "党员类别", "党组织", "志愿服务", "双报到服务", "结对服务", "学习", "组织生活", "先锋加分", "扣分", "合计"}
	if err := sw.SetRow("A1", head); err != nil {
		return errs.Wrap(err, "xlsx")
	}
	for i, r := range rs {
		row := []any{r.Rank, r.Name, r.Kind, r.PartyOrg}
		for _, m := range Modules {
			row = append(row, r.Modules[m])
		}
		row = append(row, r.Total)
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, row); err != nil {
			return errs.Wrap(err, "xlsx")
		}
	}
	if err := sw.Flush(); err != nil {
		return errs.Wrap(err, "xlsx")
	}
	_, err = x.WriteTo(w)
	return errs.Wrap(err, "xlsx")
}
