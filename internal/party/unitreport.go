package party

import (
	"context"
	"database/sql"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// Quarter is the quarter holding t in Asia/Shanghai: [from, to) and its
// name, 2026-Q1 … 2026-Q4. A unit's party organisation reports quarterly.
func Quarter(t time.Time) (from, to time.Time, name string) {
	t = t.In(clock.Shanghai)
	q := (int(t.Month())-1)/3 + 1
	from = time.Date(t.Year(), time.Month(3*q-2), 1, 0, 0, 0, 0, clock.Shanghai)
	return from.UTC(), from.AddDate(0, 3, 0).UTC(), strconv.Itoa(t.Year()) + "-Q" + strconv.Itoa(q)
}

// ParseQuarter reads a quarter's name (2026-Q3) as Quarter gives it.
func ParseQuarter(s string) (from, to time.Time, ok bool) {
	y, q, found := strings.Cut(strings.ToUpper(strings.TrimSpace(s)), "-Q")
	year, err := strconv.Atoi(y)
	n, err2 := strconv.Atoi(q)
	if !found || err != nil || err2 != nil || year < 2000 || year > 2100 || n < 1 || n > 4 {
		return time.Time{}, time.Time{}, false
	}
	from, to, _ = Quarter(time.Date(year, time.Month(3*n-2), 15, 12, 0, 0, 0, clock.Shanghai))
	return from, to, true
}

// UnitReportArea is one residential area's line of a unit report: the
// organisation's members reported there, those who served, their minutes.
// Code "" gathers the members who have not reported anywhere.
type UnitReportArea struct {
	Code     string `json:"code"`
	Name     string `json:"name"`
	Reported int    `json:"reported"`
	Served   int    `json:"served"`
	Minutes  int    `json:"minutes"`
	Hours    string `json:"hours"`
}

// UnitReportMember is a member of the organisation with no verified
// service in the quarter (phone masked).
type UnitReportMember struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	Kind       string `json:"kind"`
	Phone      string `json:"phone"`
	Reported   bool   `json:"reported"`
	ReportArea string `json:"report_area_name"`
}

// UnitReport is the quarterly report of a (work unit's) party
// organisation on its members' service where they live (在职党员到社区
// 报到服务季报): figures from verified service only.
type UnitReport struct {
	OrgID    int64              `json:"org_id"`
	Org      string             `json:"org"`
	Unit     string             `json:"unit"`
	Quarter  string             `json:"quarter"`
	From     time.Time          `json:"from"`
	To       time.Time          `json:"to"`
	Members  int                `json:"members"`
	Reported int                `json:"reported"`
	Served   int                `json:"served"` // members with verified service in the quarter
	Minutes  int                `json:"minutes"`
	Hours    string             `json:"hours"`
	ByArea   []UnitReportArea   `json:"by_area"`
	Unserved []UnitReportMember `json:"unserved"`
}

// UnitReportOf is the quarterly report of party organisation org
// (member.read on its area); quarter "" is the current one.
func (s *Service) UnitReportOf(ctx context.Context, p *auth.Principal, org int64, quarter string) (UnitReport, error) {
	if err := auth.AuthorizeAny(p, auth.MemberRead); err != nil {
		return UnitReport{}, err
	}
	from, to, name := Quarter(s.clock.Now())
	if quarter != "" {
		var ok bool
		if from, to, ok = ParseQuarter(quarter); !ok {
			return UnitReport{}, errs.Invalid("quarter", "quarter is a quarter such as 2026-Q1 … 2026-Q4")
		}
		name = strings.ToUpper(strings.TrimSpace(quarter))
	}
	out := UnitReport{OrgID: org, Quarter: name, From: from, To: to, ByArea: []UnitReportArea{}, Unserved: []UnitReportMember{}}
	var path string
	err := s.db.QueryRow(ctx, `SELECT po.name, po.area_path, COALESCE(u.name, '') FROM party_orgs po LEFT JOIN units u ON u.id = po.unit_id
		WHERE po.id = ?`, org).Scan(&out.Org, &path, &out.Unit)
	if err == sql.ErrNoRows || (err == nil && auth.Authorize(p, auth.MemberRead, path) != nil) {
		return UnitReport{}, errs.New(errs.ENOTFOUND, "party organisation not found")
	} else if err != nil {
		return UnitReport{}, errs.Wrap(err, "party organisation")
	}
	type line struct {
		UnitReportMember
		code    string
		minutes int
	}
	lines, err := db.All(ctx, s.db, `SELECT m.id, m.name, m.kind, m.phone, COALESCE(r.area_code, ''), COALESCE(ra.name, ''),
		COALESCE((SELECT sum(sv.minutes) FROM member_service sv WHERE sv.member_id = m.id AND sv.ended_at >= ? AND sv.ended_at < ?), -1)
		FROM members m LEFT JOIN member_reports r ON r.member_id = m.id`+area.LeftJoin("ra", "r.area_code")+`
		WHERE m.party_org_id = ? ORDER BY r.area_code, m.name, m.id`, []any{from, to, org},
		func(sc db.Scanner) (line, error) {
			var l line
			err := sc.Scan(&l.ID, &l.Name, &l.Kind, &l.Phone, &l.code, &l.ReportArea, &l.minutes)
			l.Phone, l.Reported = auth.MaskPhone(l.Phone), l.code != ""
			return l, err
		})
	if err != nil {
		return out, errs.Wrap(err, "unit report")
	}
	at := map[string]int{}
	for _, l := range lines {
		out.Members++
		i, ok := at[l.code]
		if !ok {
			i = len(out.ByArea)
			at[l.code] = i
			out.ByArea = append(out.ByArea, UnitReportArea{Code: l.code, Name: l.ReportArea})
		}
		g := &out.ByArea[i]
		if l.Reported {
			out.Reported++
			g.Reported++
		}
		// -1: no service row at all in the quarter.
		if l.minutes >= 0 {
			out.Served++
			g.Served++
			out.Minutes += l.minutes
			g.Minutes += l.minutes
		} else {
			out.Unserved = append(out.Unserved, l.UnitReportMember)
		}
	}
	out.Hours = Hours(out.Minutes)
	for i := range out.ByArea {
		out.ByArea[i].Hours = Hours(out.ByArea[i].Minutes)
	}
	return out, nil
}

// UnitReportXLSX writes the quarterly report: a sheet of figures by
// residential area and one of the members without service.
func (s *Service) UnitReportXLSX(ctx context.Context, p *auth.Principal, org int64, quarter string, w io.Writer) error {
	rep, err := s.UnitReportOf(ctx, p, org, quarter)
	if err != nil {
		return err
	}
	x := excelize.NewFile()
	defer x.Close()
	const sum, none = "报到服务季报", "本季度未服务"
	if err := x.SetSheetName("Sheet1", sum); err != nil {
		return errs.Wrap(err, "xlsx sheet")
	}
	if _, err := x.NewSheet(none); err != nil {
		return errs.Wrap(err, "xlsx sheet")
	}
	rows := [][]any{
		{"党组织", safe(rep.Org), "单位", safe(rep.Unit), "季度", rep.Quarter},
		{"党员", rep.Members, "已报到", rep.Reported, "有服务", rep.Served, "服务时长(小时)", rep.Hours},
		{},
		{"报到居民区", "报到人数", "有服务人数", "服务时长(小时)"},
	}
	for _, g := range rep.ByArea {
		name := g.Name
		if g.Code == "" {
			name = "未报到"
		}
		rows = append(rows, []any{safe(name), g.Reported, g.Served, g.Hours})
	}
	people := [][]any{{"编号", "姓名", "类型", "手机", "报到居民区"}}
	for _, m := range rep.Unserved {
		area := m.ReportArea
		if !m.Reported {
			area = "未报到"
		}
		people = append(people, []any{m.ID, safe(m.Name), safe(m.Kind), m.Phone, safe(area)})
	}
	for sheet, data := range map[string][][]any{sum: rows, none: people} {
		for i, r := range data {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := x.SetSheetRow(sheet, cell, &r); err != nil {
				return errs.Wrap(err, "xlsx row")
			}
		}
	}
	return errs.Wrap(x.Write(w), "write xlsx")
}
