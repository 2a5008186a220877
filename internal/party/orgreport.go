package party

import (
	"context"
	"database/sql"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// Statuses of an organisation's registration.
const (
	OrgPending   = "pending"
	OrgConfirmed = "confirmed"
)

// OrgKinds are the party organisation kinds that register with the
// residential area they sit in: units' and hubs' organisations.
var OrgKinds = []string{"unit_party_org", "hub_party_org"}

// Limits on a registration.
const (
	maxOffer  = 100
	maxOffers = 20
)

// OrgReportInput registers a unit's party organisation with a residential
// area (组织双报到): a contact and what it offers, one line each.
type OrgReportInput struct {
	PartyOrgID   int64    `json:"party_org_id"`
	Area         string   `json:"area"` // the residential area's code
	ContactName  string   `json:"contact_name"`
	ContactPhone string   `json:"contact_phone,omitempty"`
	Offers       []string `json:"offers"` // resources and commitments
}

// OrgReport is an organisation's registration with a residential area and
// its members' verified service there in the half-year.
type OrgReport struct {
	ID           int64      `json:"id"`
	PartyOrgID   int64      `json:"party_org_id"`
	PartyOrg     string     `json:"party_org"`
	Unit         string     `json:"unit"`
	Area         string     `json:"area"`
	AreaName     string     `json:"area_name"`
	ReportedOn   string     `json:"reported_on"`
	ContactName  string     `json:"contact_name"`
	ContactPhone string     `json:"contact_phone"` // masked
	Offers       []string   `json:"offers"`
	Status       string     `json:"status"`
	CreatedAt    time.Time  `json:"created_at"`
	ConfirmedAt  *time.Time `json:"confirmed_at"`
	Half         string     `json:"half"`
	Members      int        `json:"members"`
	Served       int        `json:"served"` // members with verified service in the area this half-year
	Minutes      int        `json:"minutes"`
	Hours        string     `json:"hours"`
	AreaPath     string     `json:"-"`
	orgPath      string
	unit         *int64
	createdBy    *int64
}

// OrgReportFilter narrows the registrations of a residential area.
type OrgReportFilter struct {
	Area     string // the area's subtree
	Status   string // pending, confirmed; "" both
	Unserved bool   // only those whose members did not serve there this half-year
	Half     string // 2026-H2; "" the current half-year
	Page     int
	PerPage  int
}

// orgFigures are the registration's figures in [from, to): the
// organisation's members, those with verified service in the area and
// their minutes. Served counts a member once however often they served.
const orgServed = `FROM member_service sv JOIN members sm ON sm.id = sv.member_id WHERE sm.party_org_id = r.party_org_id
	AND substr(sv.area_path, 1, length(r.area_path)) = r.area_path AND sv.ended_at >= ? AND sv.ended_at < ?`

const orgCols = `r.id, r.party_org_id, po.name, COALESCE(u.name, ''), r.area_code, ra.name, r.reported_on, r.contact_name, r.contact_phone,
	r.offers, r.status, r.created_at, r.confirmed_at, r.area_path, po.area_path, po.unit_id, r.created_by,
	(SELECT count(*) FROM members om WHERE om.party_org_id = r.party_org_id)`

var orgFrom = `org_reports r JOIN party_orgs po ON po.id = r.party_org_id LEFT JOIN units u ON u.id = po.unit_id` + area.Join("ra", "r.area_code")

func scanOrgReport(sc db.Scanner) (OrgReport, error) {
	var o OrgReport
	var offers string
	var confirmed sql.NullTime
	var by, unit sql.NullInt64
	err := sc.Scan(&o.ID, &o.PartyOrgID, &o.PartyOrg, &o.Unit, &o.Area, &o.AreaName, &o.ReportedOn, &o.ContactName, &o.ContactPhone,
		&offers, &o.Status, &o.CreatedAt, &confirmed, &o.AreaPath, &o.orgPath, &unit, &by, &o.Members)
	o.ContactPhone, o.createdBy, o.unit = auth.MaskPhone(o.ContactPhone), db.NullID(by), db.NullID(unit)
	if confirmed.Valid {
		o.ConfirmedAt = &confirmed.Time
	}
	o.Offers = []string{}
	if offers != "" {
		o.Offers = strings.Split(offers, "\n")
	}
	o.Hours = Hours(0)
	return o, err
}

// figures fills in the registrations' half-year figures in [from, to):
// members who served in the area and their minutes.
func (s *Service) figures(ctx context.Context, q db.Querier, items []OrgReport, from, to time.Time, half string) error {
	at := map[int64]int{}
	for i := range items {
		at[items[i].ID] = i
		items[i].Half = half
	}
	for start := 0; start < len(items); start += 500 {
		chunk := items[start:min(start+500, len(items))]
		ids := make([]string, len(chunk))
		for i, o := range chunk {
			ids[i] = strconv.FormatInt(o.ID, 10)
		}
		type fig struct {
			id             int64
			served, minute int
		}
		figs, err := db.All(ctx, q, `SELECT r.id, count(DISTINCT sv.member_id), COALESCE(sum(sv.minutes), 0)
			FROM org_reports r JOIN members sm ON sm.party_org_id = r.party_org_id JOIN member_service sv ON sv.member_id = sm.id
			WHERE r.id IN (`+strings.Join(ids, ",")+`) AND substr(sv.area_path, 1, length(r.area_path)) = r.area_path
			AND sv.ended_at >= ? AND sv.ended_at < ? GROUP BY r.id`, []any{from, to},
			func(sc db.Scanner) (fig, error) {
				var f fig
				err := sc.Scan(&f.id, &f.served, &f.minute)
				return f, err
			})
		if err != nil {
			return errs.Wrap(err, "registration figures")
		}
		for _, f := range figs {
			o := &items[at[f.id]]
			o.Served, o.Minutes, o.Hours = f.served, f.minute, Hours(f.minute)
		}
	}
	return nil
}

// CleanOffers trims the offers, one a line, dropping blanks and repeats;
// ok is false when there are too many or one is too long.
func CleanOffers(in []string) (out []string, ok bool) {
	for _, s := range in {
		for line := range strings.SplitSeq(s, "\n") {
			line = strings.TrimSpace(line)
			if line == "" || slices.Contains(out, line) {
				continue
			}
			if utf8.RuneCountInString(line) > maxOffer {
				return nil, false
			}
			out = append(out, line)
		}
	}
	if out == nil {
		out = []string{}
	}
	return out, len(out) <= maxOffers
}

// mayRegister: staff of the organisation's area (member.write), the
// organisation's unit liaison, or staff of the residential area.
func mayRegister(p *auth.Principal, orgPath, areaPath string, unit *int64) bool {
	return auth.Authorize(p, auth.MemberWrite, orgPath) == nil || auth.Authorize(p, auth.MemberWrite, areaPath) == nil ||
		(unit != nil && auth.AuthorizeUnit(p, auth.ResourceOffer, orgPath, unit) == nil)
}

func (s *Service) orgReport(ctx context.Context, q db.Querier, id int64) (OrgReport, error) {
	o, err := scanOrgReport(q.QueryRow(ctx, `SELECT `+orgCols+` FROM `+orgFrom+` WHERE r.id = ?`, id))
	if err != nil {
		return o, db.NotFound(err, "registration")
	}
	from, to, name := HalfYear(s.clock.Now())
	items := []OrgReport{o}
	err = s.figures(ctx, q, items, from, to, name)
	return items[0], err
}

// canSeeOrgReport: readers of members of the area reported to or of the
// organisation's area, and the organisation's unit liaison.
func canSeeOrgReport(p *auth.Principal, o OrgReport) bool {
	return auth.Authorize(p, auth.MemberRead, o.AreaPath) == nil || auth.Authorize(p, auth.MemberRead, o.orgPath) == nil ||
		(o.unit != nil && auth.AuthorizeUnit(p, auth.ResourceOffer, o.orgPath, o.unit) == nil)
}

// GetOrgReport returns one registration with its half-year figures.
func (s *Service) GetOrgReport(ctx context.Context, p *auth.Principal, id int64) (OrgReport, error) {
	o, err := s.orgReport(ctx, s.db, id)
	if err != nil {
		return o, err
	}
	if !canSeeOrgReport(p, o) {
		if p == nil {
			return OrgReport{}, errs.New(errs.EUNAUTHORIZED, "sign in first")
		}
		return OrgReport{}, errs.New(errs.ENOTFOUND, "registration not found")
	}
	return o, nil
}

// RegisterOrg registers a unit's party organisation with the residential
// area it sits in (组织双报到). It waits for the area's confirmation; the
// same organisation registers with an area once (ECONFLICT).
func (s *Service) RegisterOrg(ctx context.Context, p *auth.Principal, in OrgReportInput) (OrgReport, error) {
	if p == nil {
		return OrgReport{}, errs.New(errs.EUNAUTHORIZED, "sign in first")
	}
	in.Area, in.ContactName, in.ContactPhone = strings.TrimSpace(in.Area), strings.TrimSpace(in.ContactName), strings.TrimSpace(in.ContactPhone)
	offers, ok := CleanOffers(in.Offers)
	var ds []errs.Detail
	if in.PartyOrgID <= 0 {
		ds = append(ds, errs.D("party_org_id", "choose the party organisation"))
	}
	if in.Area == "" {
		ds = append(ds, errs.D("area", "choose the residential area the organisation sits in"))
	}
	switch {
	case in.ContactName == "":
		ds = append(ds, errs.D("contact_name", "give the contact's name"))
	case utf8.RuneCountInString(in.ContactName) > maxName:
		ds = append(ds, errs.D("contact_name", "a name is at most %d characters", maxName))
	}
	if in.ContactPhone != "" && !validPhone(in.ContactPhone) {
		ds = append(ds, errs.D("contact_phone", "a phone number is 7 to 20 digits (a mobile is 11)"))
	}
	if !ok {
		ds = append(ds, errs.D("offers", "at most %d offers of at most %d characters each", maxOffers, maxOffer))
	}
	if len(ds) > 0 {
		return OrgReport{}, errs.Fields(ds)
	}
	var id int64
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var orgPath, kind string
		var unit sql.NullInt64
		err := tx.QueryRow(ctx, "SELECT area_path, kind, unit_id FROM party_orgs WHERE id = ?", in.PartyOrgID).Scan(&orgPath, &kind, &unit)
		if err != nil && err != sql.ErrNoRows {
			return errs.Wrap(err, "party organisation")
		}
		level, path, aerr := area.LevelPath(ctx, tx, in.Area)
		if errs.Code(aerr) == errs.ENOTFOUND {
			return errs.Invalid("area", "unknown area %q", in.Area)
		} else if aerr != nil {
			return aerr
		}
		if err == sql.ErrNoRows || !mayRegister(p, orgPath, path, db.NullID(unit)) && auth.Authorize(p, auth.MemberRead, orgPath) != nil {
			return errs.Invalid("party_org_id", "no party organisation %d you can see", in.PartyOrgID)
		}
		if !slices.Contains(OrgKinds, kind) {
			return errs.Invalid("party_org_id", "only a unit's party organisation registers with a residential area")
		}
		if level != area.Residential {
			return errs.Invalid("area", "an organisation registers with a residential area (居民区)")
		}
		if !strings.HasPrefix(orgPath, path) && !strings.HasPrefix(path, orgPath) {
			return errs.Invalid("area", "the organisation registers with the residential area it sits in")
		}
		if !mayRegister(p, orgPath, path, db.NullID(unit)) {
			return errs.New(errs.EFORBIDDEN, "only the organisation's staff or the residential area's staff register it")
		}
		now := s.clock.Now()
		by, _ := p.Actor()
		id, err = db.InsertID(ctx, tx, `INSERT INTO org_reports (party_org_id, area_code, area_path, reported_on, contact_name, contact_phone, offers, status, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, in.PartyOrgID, in.Area, path, now.In(clock.Shanghai).Format(time.DateOnly),
			in.ContactName, in.ContactPhone, strings.Join(offers, "\n"), OrgPending, by, now)
		if errs.Code(db.MapError(err)) == errs.ECONFLICT {
			return errs.New(errs.ECONFLICT, "this organisation is registered with this residential area already")
		} else if err != nil {
			return errs.Wrap(err, "insert registration")
		}
		return auth.Record(ctx, tx, now, p, auth.Change{Action: "create", Entity: "org_report", EntityID: strconv.FormatInt(id, 10), AreaPath: path,
			After: map[string]any{"party_org_id": in.PartyOrgID, "area": in.Area, "contact_name": in.ContactName, "contact_phone": auth.MaskPhone(in.ContactPhone), "offers": offers}})
	})
	if err != nil {
		return OrgReport{}, err
	}
	return s.GetOrgReport(ctx, p, id)
}

// ConfirmOrg confirms a pending registration: staff of the residential area
// (member.write there), never the person who registered it.
func (s *Service) ConfirmOrg(ctx context.Context, p *auth.Principal, id int64) (OrgReport, error) {
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		o, err := s.orgReport(ctx, tx, id)
		if err != nil {
			return err
		}
		if !canSeeOrgReport(p, o) {
			if p == nil {
				return errs.New(errs.EUNAUTHORIZED, "sign in first")
			}
			return errs.New(errs.ENOTFOUND, "registration not found")
		}
		if err := auth.Authorize(p, auth.MemberWrite, o.AreaPath); err != nil {
			return err
		}
		if o.createdBy != nil && p.UserID != 0 && *o.createdBy == p.UserID {
			return errs.New(errs.EFORBIDDEN, "a registration is confirmed by another person, not by the one who made it")
		}
		now := s.clock.Now()
		by, _ := p.Actor()
		r, err := tx.Exec(ctx, "UPDATE org_reports SET status = ?, confirmed_by = ?, confirmed_at = ? WHERE id = ? AND status = ?", OrgConfirmed, by, now, id, OrgPending)
		if err != nil {
			return errs.Wrap(err, "confirm registration")
		}
		if n, err := r.RowsAffected(); err != nil {
			return errs.Wrap(err, "confirm registration")
		} else if n == 0 {
			return errs.New(errs.ECONFLICT, "this registration was confirmed already")
		}
		return auth.Record(ctx, tx, now, p, auth.Change{Action: "confirm", Entity: "org_report", EntityID: strconv.FormatInt(id, 10), AreaPath: o.AreaPath,
			Before: map[string]any{"status": OrgPending}, After: map[string]any{"status": OrgConfirmed}})
	})
	if err != nil {
		return OrgReport{}, err
	}
	return s.GetOrgReport(ctx, p, id)
}

// orgWhere is the registrations' condition for p and f, with the
// half-year's span.
func (s *Service) orgWhere(ctx context.Context, p *auth.Principal, f OrgReportFilter) (db.Where, time.Time, time.Time, string, error) {
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
		name = strings.ToUpper(strings.TrimSpace(f.Half))
	}
	a, aa := auth.ScopeSQL(s.db.Dialect, p, auth.MemberRead, "r.area_path")
	b, ba := auth.ScopeSQL(s.db.Dialect, p, auth.MemberRead, "po.area_path")
	w.And("("+a+" OR "+b+")", append(aa, ba...)...)
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
	switch f.Status {
	case "":
	case OrgPending, OrgConfirmed:
		w.And("r.status = ?", f.Status)
	default:
		return w, from, to, "", errs.Invalid("status", "the status is pending or confirmed")
	}
	if f.Unserved {
		w.And("NOT EXISTS (SELECT 1 "+orgServed+")", from, to)
	}
	return w, from, to, name, nil
}

// OrgReports lists the registrations p reads, by area and organisation,
// each with its members' verified service there in the half-year; with
// Unserved, the follow-up list (报到未服务的组织).
func (s *Service) OrgReports(ctx context.Context, p *auth.Principal, f OrgReportFilter) (db.Listed[OrgReport], string, error) {
	w, from, to, name, err := s.orgWhere(ctx, p, f)
	if err != nil {
		return db.Listed[OrgReport]{}, "", err
	}
	limit, offset := auth.Paging(f.Page, f.PerPage)
	l, err := db.List(ctx, s.db, db.Page{Cols: orgCols, From: orgFrom, Where: w,
		Order: "r.area_code, po.name, r.id", Limit: limit, Offset: offset}, scanOrgReport)
	if err != nil {
		return l, name, errs.Wrap(err, "list registrations")
	}
	if l.Items == nil {
		l.Items = []OrgReport{}
	}
	return l, name, s.figures(ctx, s.db, l.Items, from, to, name)
}

// OrgReportsXLSX writes the registrations of f (all pages) with their
// half-year figures; phones masked.
func (s *Service) OrgReportsXLSX(ctx context.Context, p *auth.Principal, f OrgReportFilter, w io.Writer) error {
	wh, from, to, name, err := s.orgWhere(ctx, p, f)
	if err != nil {
		return err
	}
	x := excelize.NewFile()
	defer x.Close()
	const sheet = "组织双报到"
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return errs.Wrap(err, "xlsx sheet")
	}
	rows := [][]any{{"编号", "党组织", "单位", "居民区", "报到日期", "联系人", "联系电话", "资源与承诺", "状态", "半年度", "党员", "有服务", "服务时长(小时)"}}
	items, err := db.All(ctx, s.db, `SELECT `+orgCols+` FROM `+orgFrom+` WHERE `+wh.SQL()+` ORDER BY r.area_code, po.name, r.id`, wh.Args(), scanOrgReport)
	if err != nil {
		return errs.Wrap(err, "registrations")
	}
	if err := s.figures(ctx, s.db, items, from, to, name); err != nil {
		return err
	}
	for _, o := range items {
		status := "待确认"
		if o.Status == OrgConfirmed {
			status = "已确认"
		}
		rows = append(rows, []any{o.ID, safe(o.PartyOrg), safe(o.Unit), safe(o.AreaName), o.ReportedOn, safe(o.ContactName), o.ContactPhone,
			safe(strings.Join(o.Offers, "；")), status, name, o.Members, o.Served, o.Hours})
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := x.SetSheetRow(sheet, cell, &r); err != nil {
			return errs.Wrap(err, "xlsx row")
		}
	}
	return errs.Wrap(x.Write(w), "write xlsx")
}
