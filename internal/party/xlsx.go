package party

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/xlsxsafe"
)

// Import limits: a district's members fit with room to spare.
const (
	maxImportBytes   = 20 << 20
	maxImportRows    = 50000
	maxImportDetails = 1000
)

// column is an import column: its key and its Chinese header, as exports write them.
type column struct{ Key, Label string }

// ImportColumns are the member import columns in export order. 身份证号 is
// read for the birth year only and never stored.
var ImportColumns = []column{
	{"name", "姓名"}, {"phone", "手机"}, {"kind", "类型"}, {"age_band", "年龄段"}, {"party_org", "党组织"},
	{"home_area", "居住居民区"}, {"unit", "工作单位"}, {"birth_year", "出生年份"}, {"id_number", "身份证号"},
}

var required = []string{"name", "kind", "party_org"}

var headerAliases = map[string]string{
	"党员姓名": "name", "手机号": "phone", "电话": "phone", "联系电话": "phone", "党员类型": "kind", "所在党组织": "party_org",
	"党支部": "party_org", "居住地": "home_area", "居住社区": "home_area", "居民区": "home_area", "单位": "unit", "公民身份号码": "id_number",
}

func headerKey(h string) string {
	h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
	h = strings.TrimRight(h, "*＊ ")
	for _, open := range []string{"（", "("} {
		if i := strings.Index(h, open); i > 0 {
			h = strings.TrimSpace(h[:i])
		}
	}
	h = strings.ToLower(h)
	for _, c := range ImportColumns {
		if h == c.Key || h == c.Label {
			return c.Key
		}
	}
	return headerAliases[h]
}

// ImportResult says what an import did.
type ImportResult struct {
	File    string `json:"file"`
	Rows    int    `json:"rows"`
	Created int    `json:"created"`
}

type problem struct {
	col int
	d   errs.Detail
}

type memberImport struct {
	file     string
	header   []string
	cols     map[string]int
	problems []problem
}

func (im *memberImport) bad(row int, key, format string, args ...any) {
	if len(im.problems) >= maxImportDetails {
		return
	}
	i := im.cols[key]
	d := errs.D(key, format, args...)
	d.Row, d.Column = row, strings.TrimSpace(im.header[i])
	im.problems = append(im.problems, problem{col: i, d: d})
}

func (im *memberImport) cell(cells []string, key string) string {
	i, ok := im.cols[key]
	if !ok || i >= len(cells) {
		return ""
	}
	s := strings.TrimSpace(cells[i])
	if len(s) > 1 && s[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(s[1])) {
		s = s[1:] // as exported (csvSafe)
	}
	return s
}

func (im *memberImport) err() error {
	slices.SortStableFunc(im.problems, func(a, b problem) int {
		return cmp.Or(cmp.Compare(a.d.Row, b.d.Row), cmp.Compare(a.col, b.col))
	})
	first := im.problems[0].d
	e := &errs.Error{Code: errs.EINVALID, Message: fmt.Sprintf("%s: row %d, column %s: %s", im.file, first.Row, first.Column, first.Message)}
	for _, p := range im.problems {
		e.Details = append(e.Details, p.d)
	}
	return e
}

// lookups resolve names in a file to ids: party organisations and units by
// name (or id), residential areas by code or name.
type lookups struct {
	orgs  map[string][]orgRef
	units map[string][]int64
	areas map[string][]areaRef
}

type orgRef struct {
	id   int64
	path string
}

type areaRef struct {
	code, path string
}

func (s *Service) loadLookups(ctx context.Context, p *auth.Principal) (*lookups, error) {
	l := &lookups{orgs: map[string][]orgRef{}, units: map[string][]int64{}, areas: map[string][]areaRef{}}
	cond, args := auth.ScopeSQL(s.db.Dialect, p, auth.MemberWrite, "area_path")
	orgs, err := db.All(ctx, s.db, "SELECT id, name, area_path FROM party_orgs WHERE "+cond, args, func(sc db.Scanner) ([3]string, error) {
		var id int64
		var name, path string
		err := sc.Scan(&id, &name, &path)
		return [3]string{strconv.FormatInt(id, 10), name, path}, err
	})
	if err != nil {
		return nil, errs.Wrap(err, "party organisations")
	}
	for _, o := range orgs {
		id, _ := strconv.ParseInt(o[0], 10, 64)
		l.orgs[o[1]] = append(l.orgs[o[1]], orgRef{id, o[2]})
		l.orgs[o[0]] = append(l.orgs[o[0]], orgRef{id, o[2]})
	}
	units, err := db.All(ctx, s.db, "SELECT id, name FROM units", nil, func(sc db.Scanner) ([2]string, error) {
		var id int64
		var name string
		err := sc.Scan(&id, &name)
		return [2]string{strconv.FormatInt(id, 10), name}, err
	})
	if err != nil {
		return nil, errs.Wrap(err, "units")
	}
	for _, u := range units {
		id, _ := strconv.ParseInt(u[0], 10, 64)
		l.units[u[1]] = append(l.units[u[1]], id)
		l.units[u[0]] = append(l.units[u[0]], id)
	}
	as, err := area.List(ctx, s.db, area.Filter{Level: area.Residential})
	if err != nil {
		return nil, err
	}
	for _, a := range as {
		l.areas[a.Code] = append(l.areas[a.Code], areaRef{a.Code, a.Path})
		l.areas[a.Name] = append(l.areas[a.Name], areaRef{a.Code, a.Path})
	}
	return l, nil
}

type importRow struct {
	in       Input
	orgPath  string
	homePath string
}

// Import adds the members of an XLSX file (member.write on each member's
// organisation): every row or none. A file with any bad cell is refused
// whole, with every problem named by row and column.
func (s *Service) Import(ctx context.Context, p *auth.Principal, file string, r io.Reader) (ImportResult, error) {
	res := ImportResult{File: file}
	if err := auth.AuthorizeAny(p, auth.MemberWrite); err != nil {
		return res, err
	}
	data, err := io.ReadAll(io.LimitReader(r, maxImportBytes+1))
	if err != nil {
		return res, errs.Wrap(err, "read import")
	}
	if len(data) > maxImportBytes {
		return res, errs.New(errs.ETOOLARGE, "%s: the file is over %d MiB; split it", file, maxImportBytes>>20)
	}
	if !bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return res, errs.New(errs.EINVALID, "%s: not a readable XLSX file", file)
	}
	rows, err := xlsxsafe.FirstSheet(file, data, xlsxsafe.Limits{MaxUnpacked: maxImportBytes * 4}, maxImportRows)
	if err != nil {
		return res, err
	}
	if len(rows) == 0 {
		return res, errs.New(errs.EINVALID, "%s: the sheet is empty; the first row names the columns", file)
	}
	im := &memberImport{file: file, header: rows[0], cols: map[string]int{}}
	for i, h := range rows[0] {
		if k := headerKey(h); k != "" {
			if _, dup := im.cols[k]; dup {
				return res, errs.New(errs.EINVALID, "%s: row 1: column %s appears twice", file, strings.TrimSpace(h))
			}
			im.cols[k] = i
		}
	}
	for _, k := range required {
		if _, ok := im.cols[k]; !ok {
			label := k
			for _, c := range ImportColumns {
				if c.Key == k {
					label = c.Label
				}
			}
			return res, errs.New(errs.EINVALID, "%s: row 1: the column %s is missing", file, label)
		}
	}
	lk, err := s.loadLookups(ctx, p)
	if err != nil {
		return res, err
	}
	now := s.clock.Now()
	var out []importRow
	for i, cells := range rows[1:] {
		n := i + 2
		if blank(cells) {
			continue
		}
		res.Rows++
		row := importRow{in: Input{Name: im.cell(cells, "name"), Phone: im.cell(cells, "phone"), Kind: im.cell(cells, "kind"), AgeBand: im.cell(cells, "age_band")}}
		if row.in.AgeBand == "" {
			year, _ := strconv.Atoi(im.cell(cells, "birth_year"))
			if year == 0 {
				year = BirthYearFromID(im.cell(cells, "id_number"))
			}
			row.in.AgeBand = AgeBand(year, now)
		}
		switch orgs := lk.orgs[im.cell(cells, "party_org")]; {
		case im.cell(cells, "party_org") == "":
			im.bad(n, "party_org", "give the member's party organisation")
		case len(orgs) == 0:
			im.bad(n, "party_org", "no party organisation %q where you manage members", im.cell(cells, "party_org"))
		case len(orgs) > 1:
			im.bad(n, "party_org", "several party organisations are named %q; write its number instead", im.cell(cells, "party_org"))
		default:
			row.in.PartyOrgID, row.orgPath = orgs[0].id, orgs[0].path
		}
		if v := im.cell(cells, "home_area"); v != "" {
			switch as := lk.areas[v]; {
			case len(as) == 0:
				im.bad(n, "home_area", "no residential area %q", v)
			case len(as) > 1:
				im.bad(n, "home_area", "several residential areas are named %q; write its code instead", v)
			default:
				row.in.HomeArea, row.homePath = as[0].code, as[0].path
			}
		}
		if v := im.cell(cells, "unit"); v != "" {
			switch us := lk.units[v]; {
			case len(us) == 0:
				im.bad(n, "unit", "no unit %q; add the unit first", v)
			case len(us) > 1:
				im.bad(n, "unit", "several units are named %q; write its number instead", v)
			default:
				id := us[0]
				row.in.UnitID = &id
			}
		}
		if err := row.in.check(); err != nil {
			for _, d := range errs.DetailsOf(err) {
				if d.Field == "party_org_id" {
					continue // reported above as party_org
				}
				if _, ok := im.cols[d.Field]; ok {
					im.bad(n, d.Field, d.Format, d.Args...)
				}
			}
		}
		out = append(out, row)
	}
	if len(im.problems) > 0 {
		return res, im.err()
	}
	if len(out) == 0 {
		return res, errs.New(errs.EINVALID, "%s: no member rows below the header", file)
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		b := db.NewBulkInsert(tx, "members", []string{"name", "phone", "kind", "age_band", "party_org_id", "area_path", "home_code", "home_path", "unit_id", "created_at", "updated_at"})
		for _, r := range out {
			var home any
			if r.in.HomeArea != "" {
				home = r.in.HomeArea
			}
			if err := b.Add(ctx, r.in.Name, r.in.Phone, r.in.Kind, r.in.AgeBand, r.in.PartyOrgID, r.orgPath, home, r.homePath, r.in.UnitID, now, now); err != nil {
				return errs.Wrap(err, "insert members")
			}
		}
		if err := b.Close(ctx); err != nil {
			return errs.Wrap(err, "insert members")
		}
		return auth.Record(ctx, tx, now, p, auth.Change{Action: "import", Entity: "member", EntityID: file,
			After: map[string]any{"file": file, "rows": len(out)}})
	})
	if err != nil {
		return res, err
	}
	res.Created = len(out)
	return res, nil
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// exportHeader is the export's header: the import's columns (without the
// ID number, which is never kept) and the dual-reporting columns.
var exportHeader = []any{"编号", "姓名", "手机", "类型", "年龄段", "党组织", "居住居民区", "工作单位", "报到居民区", "服务岗位"}

func safe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// ExportXLSX writes the members a list shows (phones masked, as in lists).
func (s *Service) ExportXLSX(ctx context.Context, p *auth.Principal, f Filter, w io.Writer) error {
	if err := auth.AuthorizeAny(p, auth.MemberRead); err != nil {
		return err
	}
	ws := s.scopeWhere(p)
	if err := s.areaWhere(ctx, &ws, f.Area); err != nil {
		return err
	}
	if f.Kind != "" {
		ws.And("m.kind = ?", f.Kind)
	}
	x := excelize.NewFile()
	defer x.Close()
	sw, err := x.NewStreamWriter("Sheet1")
	if err != nil {
		return errs.Wrap(err, "xlsx stream")
	}
	if err := sw.SetRow("A1", exportHeader); err != nil {
		return errs.Wrap(err, "xlsx header")
	}
	row := 1
	q := `SELECT ` + cols + `, COALESCE(ha.name, ''), COALESCE(ra.name, ''),
		COALESCE((SELECT ` + postsAgg(s.db.Dialect) + ` FROM member_posts mp WHERE mp.member_id = m.id), '')
		FROM ` + from + area.LeftJoin("ha", "m.home_code") + area.LeftJoin("ra", "r.area_code") + ` WHERE ` + ws.SQL() + ` ORDER BY m.party_org_id, m.name, m.id`
	err = db.Each(ctx, s.db, q, ws.Args(), func(sc db.Scanner) ([]any, error) {
		var m Member
		var home, report sql.NullString
		var unit, user sql.NullInt64
		var homeName, reportName, posts string
		err := sc.Scan(&m.ID, &m.Name, &m.phoneWhole, &m.Kind, &m.AgeBand, &m.PartyOrgID, &m.PartyOrg, &m.Area, &home, &unit, &m.Unit,
			&user, &report, &m.ReportedOn, &m.CreatedAt, &m.UpdatedAt, &m.AreaPath, &m.HomePath, &m.ReportPath, &homeName, &reportName, &posts)
		return []any{m.ID, safe(m.Name), auth.MaskPhone(m.phoneWhole), safe(m.Kind), safe(m.AgeBand), safe(m.PartyOrg), homeName, safe(m.Unit), reportName, safe(posts)}, err
	}, func(cells []any) error {
		row++
		cell, _ := excelize.CoordinatesToCellName(1, row)
		return sw.SetRow(cell, cells)
	})
	if err != nil {
		return errs.Wrap(err, "export members")
	}
	if err := sw.Flush(); err != nil {
		return errs.Wrap(err, "xlsx flush")
	}
	return errs.Wrap(x.Write(w), "write xlsx")
}

// postsAgg joins a member's posts with 、 on either engine.
func postsAgg(d db.Dialect) string {
	if d == db.Postgres {
		return "string_agg(mp.post, '、' ORDER BY mp.post)"
	}
	return "group_concat(mp.post, '、')"
}

// TemplateXLSX is an empty import file with the header and one example row.
func TemplateXLSX(w io.Writer) error {
	x := excelize.NewFile()
	defer x.Close()
	header := make([]any, len(ImportColumns))
	for i, c := range ImportColumns {
		header[i] = c.Label
	}
	if err := x.SetSheetRow("Sheet1", "A1", &header); err != nil {
		return errs.Wrap(err, "xlsx header")
	}
	return errs.Wrap(x.Write(w), "write xlsx")
}

// FollowUpXLSX writes the follow-up list of a half-year (every page) with
// a sheet of counts by residential area and one by work unit.
func (s *Service) FollowUpXLSX(ctx context.Context, p *auth.Principal, f FollowUpFilter, w io.Writer) error {
	f.Page, f.PerPage = 1, 500
	fu, err := s.FollowUpList(ctx, p, f)
	if err != nil {
		return err
	}
	x := excelize.NewFile()
	defer x.Close()
	const list, areas, units = "报到未服务", "按居民区", "按单位"
	if err := x.SetSheetName("Sheet1", list); err != nil {
		return errs.Wrap(err, "xlsx sheet")
	}
	rows := [][]any{{"编号", "姓名", "手机", "类型", "党组织", "工作单位", "报到居民区", "报到日期", "半年度 " + fu.Half}}
	for {
		for _, r := range fu.Items {
			rows = append(rows, []any{r.ID, safe(r.Name), r.Phone, safe(r.Kind), safe(r.PartyOrg), safe(r.Unit), r.ReportAreaName, r.ReportedOn})
		}
		if f.Page*f.PerPage >= fu.Total {
			break
		}
		f.Page++
		if fu, err = s.FollowUpList(ctx, p, f); err != nil {
			return err
		}
	}
	group := func(gs []FollowUpGroup, title string) [][]any {
		out := [][]any{{title, "报到人数", "本半年未服务"}}
		for _, g := range gs {
			out = append(out, []any{safe(g.Name), g.Registered, g.Unserved})
		}
		return out
	}
	for sheet, data := range map[string][][]any{list: rows, areas: group(fu.ByArea, "居民区"), units: group(fu.ByUnit, "工作单位")} {
		if sheet != list {
			if _, err := x.NewSheet(sheet); err != nil {
				return errs.Wrap(err, "xlsx sheet")
			}
		}
		for i, r := range data {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := x.SetSheetRow(sheet, cell, &r); err != nil {
				return errs.Wrap(err, "xlsx row")
			}
		}
	}
	return errs.Wrap(x.Write(w), "write xlsx")
}
