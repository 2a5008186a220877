package pairing

import (
	"context"
	"io"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// GapFilter narrows the gap lists.
type GapFilter struct {
	Area    string
	Page    int
	PerPage int
}

// Overdue lists active pairs in p's scope (pairing.read) that have gone
// OverdueDays without an approved visit (counted from the pair's start
// when there was none), longest first.
func (s *Service) Overdue(ctx context.Context, p *auth.Principal, f GapFilter) (db.Listed[Pair], error) {
	if err := auth.AuthorizeAny(p, auth.PairingRead); err != nil {
		return db.Listed[Pair]{}, err
	}
	var w db.Where
	sc, sa := auth.ScopeSQL(s.db.Dialect, p, auth.PairingRead, "cp.area_path")
	w.And(sc, sa...)
	if err := s.areaWhere(ctx, &w, "cp.area_path", f.Area); err != nil {
		return db.Listed[Pair]{}, err
	}
	cutoff := s.clock.Now().Add(-OverdueDays * 24 * time.Hour)
	w.And("cp.ended_at IS NULL AND cp.started_at < ?", cutoff)
	w.And(`NOT EXISTS (SELECT 1 FROM care_logs l WHERE l.pair_id = cp.id AND l.kind = ? AND l.status = ? AND l.at >= ?)`, KindVisit, Approved, cutoff)
	limit, offset := auth.Paging(f.Page, f.PerPage)
	l, err := db.List(ctx, s.db, db.Page{Cols: pairCols, From: pairFrom, Where: w, Order: "c.area_code, c.name, cp.id", Limit: limit, Offset: offset}, scanPair)
	if l.Items == nil {
		l.Items = []Pair{}
	}
	return l, errs.Wrap(err, "overdue pairs")
}

// safe keeps a spreadsheet from reading a typed text as a formula.
func safe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func day(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.In(clock.Shanghai).Format("2006-01-02")
}

// GapsXLSX writes both gap lists of p's scope (phones masked): people
// without a pair and pairs without a visit in 30 days, by residential area.
func (s *Service) GapsXLSX(ctx context.Context, p *auth.Principal, area string, w io.Writer) error {
	var unpaired [][]any
	unpaired = append(unpaired, []any{"居民区", "类别", "姓名", "住址", "电话"})
	f := PersonFilter{Area: area, Unpaired: true, Page: 1, PerPage: 500}
	for {
		l, err := s.People(ctx, p, f)
		if err != nil {
			return err
		}
		for _, c := range l.Items {
			unpaired = append(unpaired, []any{c.Area, safe(c.Kind), safe(c.Name), safe(c.Address), auth.MaskPhone(c.phone)})
		}
		if f.Page*f.PerPage >= l.Total {
			break
		}
		f.Page++
	}
	overdue := [][]any{{"居民区", "关爱对象", "类别", "结对党员", "结对日期", "最近走访"}}
	g := GapFilter{Area: area, Page: 1, PerPage: 500}
	for {
		l, err := s.Overdue(ctx, p, g)
		if err != nil {
			return err
		}
		for _, x := range l.Items {
			overdue = append(overdue, []any{x.Area, safe(x.Person), safe(x.PersonKind), safe(x.Member), day(&x.Started), day(x.LastVisit)})
		}
		if g.Page*g.PerPage >= l.Total {
			break
		}
		g.Page++
	}
	x := excelize.NewFile()
	defer x.Close()
	const a, b = "未结对", "30天未走访"
	if err := x.SetSheetName("Sheet1", a); err != nil {
		return errs.Wrap(err, "xlsx sheet")
	}
	if _, err := x.NewSheet(b); err != nil {
		return errs.Wrap(err, "xlsx sheet")
	}
	for sheet, rows := range map[string][][]any{a: unpaired, b: overdue} {
		for i, r := range rows {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := x.SetSheetRow(sheet, cell, &r); err != nil {
				return errs.Wrap(err, "xlsx row")
			}
		}
	}
	return errs.Wrap(x.Write(w), "write xlsx")
}
