package web

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/errs"
	"gongzhi/internal/party"
	"gongzhi/internal/points"
)

// pointsRow is a ledger entry with its reason in the reader's language.
type pointsRow struct {
	points.LedgerEntry
	Why string
}

// pointsMyPage is a member's own points of a year, every entry with why.
type pointsMyPage struct {
	Year    int
	Linked  bool
	Points  points.MemberPoints
	Rows    []pointsRow
	Modules []string
}

// yearParam is ?year=, this year (Shanghai) when absent or wrong.
func (s *server) yearParam(r *http.Request) int {
	if y, err := strconv.Atoi(r.URL.Query().Get("year")); err == nil && y >= 2000 && y <= 2100 {
		return y
	}
	return s.Clock.Now().In(clock.Shanghai).Year()
}

// why says an entry's reason in the reader's language.
func (rq *request) why(e points.LedgerEntry) string {
	n := func(k string) int {
		f, _ := e.Args[k].(float64)
		return int(f)
	}
	module := rq.T("points.module." + e.Module)
	switch e.Reason {
	case points.ReasonHour:
		return rq.T("points.why.hour", module, n("minutes"), n("rate"))
	case points.ReasonEvent:
		return rq.T("points.why.event", module, n("rate"))
	case points.ReasonCapped:
		return rq.T("points.why.capped", module, n("raw"), rq.T("points.cap."+fmt.Sprint(e.Args["cap"])))
	case points.ReasonReversal:
		return rq.T("points.why.reversal", n("row"))
	}
	return e.Reason
}

func (s *server) pointsMy(w http.ResponseWriter, r *http.Request, rq *request) error {
	d := pointsMyPage{Year: s.yearParam(r), Modules: points.Modules}
	mp, err := s.Points.MyPoints(r.Context(), rq.P, d.Year)
	switch errs.Code(err) {
	case "":
		d.Linked, d.Points = true, mp
		for _, e := range mp.Entries {
			d.Rows = append(d.Rows, pointsRow{LedgerEntry: e, Why: rq.why(e)})
		}
	case errs.ENOTFOUND:
	default:
		return err
	}
	s.render(w, rq, http.StatusOK, "points_my.html", rq.view(r, "my", "points.my.title", d))
	return nil
}

// pointsRankPage is the ranking within kinds, with the year-end export.
type pointsRankPage struct {
	Year       int
	Kind, Area string
	Areas      []areaOption
	Ranked     []points.Ranked // this page of the ranking
	Pager      pager
	Modules    []string
	Query      string
}

func (s *server) pointsRanking(w http.ResponseWriter, r *http.Request, rq *request) error {
	q := r.URL.Query()
	d := pointsRankPage{Year: s.yearParam(r), Kind: q.Get("kind"), Area: q.Get("area"), Modules: points.Modules}
	f := points.RankFilter{Year: d.Year, Kind: d.Kind, Area: d.Area}
	// The page shows 50 (a district has 12,000 members: one page of all was
	// 7 MB); the database ranks the whole kind. The export has every row.
	page := pageParam(r)
	l, err := s.Points.RankingPage(r.Context(), rq.P, f, page, perPage)
	if err != nil {
		return err
	}
	d.Ranked, d.Pager = l.Items, newPager(r, page, l.Total)
	if d.Areas, err = s.areaOptions(r.Context(), rq.P, false); err != nil {
		return err
	}
	d.Query = url.Values{"year": {strconv.Itoa(d.Year)}, "kind": {d.Kind}, "area": {d.Area}}.Encode()
	s.render(w, rq, http.StatusOK, "points_ranking.html", rq.view(r, "members", "points.rank.title", d))
	return nil
}

func (s *server) pointsExport(w http.ResponseWriter, r *http.Request, rq *request) error {
	q := r.URL.Query()
	f := points.RankFilter{Year: s.yearParam(r), Kind: q.Get("kind"), Area: q.Get("area")}
	var buf bytes.Buffer
	if err := s.Points.ExportXLSX(r.Context(), rq.P, f, &buf); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	h.Set("Content-Disposition", `attachment; filename="points-`+strconv.Itoa(f.Year)+`.xlsx"`)
	h.Set("Cache-Control", "no-store")
	buf.WriteTo(w)
	return nil
}

// pointsQueuePage is the manual points waiting for a second person, the
// recently decided, and the form proposing new ones.
type pointsQueuePage struct {
	Pending []points.ManualItem
	Decided []points.ManualItem
	Own     map[int64]bool // proposed by the reader: someone else decides
	Modules []string
	Form    manualForm
	Alert   string
	Done    string
	CanProp bool
	CanDec  bool
}

// manualForm proposes manual points.
type manualForm struct {
	Module, Date, Evidence string
	Member                 picker // the member, searched by name (a district has 12,000)
	Errors                 map[string]string
	General                []string
}

// memberPicker is the form's member field: value the chosen id, text what
// its input shows.
func memberPicker(value, text, bad string) picker {
	return picker{ID: "pm-member", Name: "member_id", Source: "/points/pick/members", Label: "points.member", Hint: "points.member_hint",
		Value: value, Text: text, Required: true, Error: bad}
}

// pickMembers serves GET /points/pick/members?q=: up to pickLimit members
// the reader may propose points for whose name contains q (or whose whole
// phone number is q), named with their party organisation.
func (s *server) pickMembers(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := auth.AuthorizeAny(rq.P, auth.PointsPropose); err != nil {
		return err
	}
	q, area, _, err := pickQuery(r)
	if err != nil {
		return err
	}
	l, err := s.Party.List(r.Context(), rq.P, party.Filter{Q: q, Area: area, PerPage: pickLimit})
	if err != nil {
		return err
	}
	out := make([]pickItem, 0, len(l.Items))
	for _, m := range l.Items {
		out = append(out, pickItem{m.ID, pickLabel(m.Name, m.Kind+" · "+m.PartyOrg)})
	}
	return writePick(w, out)
}

func (s *server) pointsQueue(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.showQueue(w, r, rq, http.StatusOK, pointsQueuePage{Done: r.URL.Query().Get("done")})
}

func (s *server) showQueue(w http.ResponseWriter, r *http.Request, rq *request, status int, d pointsQueuePage) error {
	ctx := r.Context()
	d.Modules = []string{points.ModStudy, points.ModOrgLife, points.ModPioneer, points.ModDeduction}
	d.CanProp = auth.AuthorizeAny(rq.P, auth.PointsPropose) == nil
	d.CanDec = auth.AuthorizeAny(rq.P, auth.PointsApprove) == nil
	if d.Form.Date == "" {
		d.Form.Date = s.Clock.Now().In(clock.Shanghai).Format(time.DateOnly)
	}
	if d.Form.Member.ID == "" {
		d.Form.Member = memberPicker("", "", "")
	}
	pending, err := s.Points.ManualItems(ctx, rq.P, points.ManualFilter{Status: points.Proposed, PerPage: 100})
	if err != nil {
		return err
	}
	d.Pending = pending.Items
	decided, err := s.Points.ManualItems(ctx, rq.P, points.ManualFilter{Status: points.Approved, PerPage: 20})
	if err != nil {
		return err
	}
	d.Decided = decided.Items
	d.Own = map[int64]bool{}
	for _, it := range d.Pending {
		d.Own[it.ID] = it.Proposer(rq.P)
	}
	v := rq.view(r, "members", "points.queue.title", d)
	v.Scripts = []string{"picker.js"}
	s.render(w, rq, status, "points_queue.html", v)
	return nil
}

func (s *server) pointsPropose(w http.ResponseWriter, r *http.Request, rq *request) error {
	f := manualForm{Module: r.PostFormValue("module"), Date: r.PostFormValue("date"), Evidence: r.PostFormValue("evidence")}
	// As every picker: a number typed (no JavaScript) wins over the chosen id.
	value, text := strings.TrimSpace(r.PostFormValue("member_id")), strings.TrimSpace(r.PostFormValue("member_id_q"))
	if _, err := strconv.ParseInt(text, 10, 64); err == nil {
		value = text
	}
	in := points.ManualInput{Module: f.Module, Evidence: f.Evidence}
	in.MemberID, _ = strconv.ParseInt(value, 10, 64)
	if day, err := time.ParseInLocation(time.DateOnly, f.Date, clock.Shanghai); err == nil {
		in.OccurredAt = day.Add(12 * time.Hour) // midday: the day, whatever the clock's zone
		if now := s.Clock.Now(); in.OccurredAt.After(now) && day.Before(now) {
			in.OccurredAt = now
		}
	}
	_, err := s.Points.Propose(r.Context(), rq.P, in)
	if c := errs.Code(err); c == errs.EINVALID || c == errs.ENOTFOUND {
		f.Errors, f.General = rq.fieldErrors(err, "member_id", "module", "occurred_at", "evidence")
		if c == errs.ENOTFOUND {
			f.Errors = map[string]string{"member_id": rq.ErrMsg(err)}
		}
		if value == "" && text != "" {
			f.Errors = map[string]string{"member_id": rq.T("form.choose_listed")}
		}
		f.Member = memberPicker(value, text, f.Errors["member_id"])
		return s.showQueue(w, r, rq, http.StatusUnprocessableEntity, pointsQueuePage{Form: f})
	} else if err != nil {
		return err
	}
	return redirect(w, r, "/points/queue?done=proposed")
}

func (s *server) pointsDecide(approve bool) handler {
	return func(w http.ResponseWriter, r *http.Request, rq *request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		_, err = s.Points.Decide(r.Context(), rq.P, id, approve, points.DecisionInput{Note: r.PostFormValue("note")})
		if c := errs.Code(err); c == errs.ECONFLICT || c == errs.EINVALID {
			return s.showQueue(w, r, rq, http.StatusConflict, pointsQueuePage{Alert: rq.ErrMsg(err)})
		} else if err != nil {
			return err
		}
		done := "approved"
		if !approve {
			done = "rejected"
		}
		return redirect(w, r, "/points/queue?done="+done)
	}
}

// pointsRulesPage is the rule sets' versions and the editor of a new one.
type pointsRulesPage struct {
	Year     int
	Sets     []points.Ruleset
	Text     string // the rules, one a line: kind,module,per,points,week_cap,month_cap,year_cap
	Note     string
	Errors   map[string]string
	General  []string
	CanWrite bool
}

// rulesText writes rules one a line for the editor.
func rulesText(rules []points.Rule) string {
	var b strings.Builder
	for _, r := range rules {
		fmt.Fprintf(&b, "%s,%s,%s,%d,%d,%d,%d\n", r.Kind, r.Module, r.Per, r.Points, r.WeekCap, r.MonthCap, r.YearCap)
	}
	return b.String()
}

// parseRules reads the editor's lines; a line that is not seven fields is
// named by its number.
func parseRules(text string) ([]points.Rule, error) {
	var out []points.Rule
	for i, line := range strings.Split(strings.ReplaceAll(text, "，", ","), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, ",")
		nums := make([]int, 4)
		ok := len(f) == 7
		for k := 0; ok && k < 4; k++ {
			n, err := strconv.Atoi(strings.TrimSpace(f[3+k]))
			nums[k], ok = n, err == nil
		}
		if !ok {
			return nil, errs.Invalid("rules", "line %d: write kind,module,per,points,week_cap,month_cap,year_cap with whole numbers", i+1)
		}
		out = append(out, points.Rule{Kind: strings.TrimSpace(f[0]), Module: strings.TrimSpace(f[1]), Per: strings.TrimSpace(f[2]),
			Points: nums[0], WeekCap: nums[1], MonthCap: nums[2], YearCap: nums[3]})
	}
	return out, nil
}

func (s *server) pointsRules(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.showRules(w, r, rq, http.StatusOK, pointsRulesPage{Year: s.yearParam(r)})
}

func (s *server) showRules(w http.ResponseWriter, r *http.Request, rq *request, status int, d pointsRulesPage) error {
	var err error
	if d.Sets, err = s.Points.Rulesets(r.Context(), rq.P, d.Year); err != nil {
		return err
	}
	d.CanWrite = auth.AuthorizeAny(rq.P, auth.PointsRules) == nil
	if d.Text == "" && len(d.Sets) > 0 {
		d.Text = rulesText(d.Sets[0].Rules) // the newest version, to edit
	}
	s.render(w, rq, status, "points_rules.html", rq.view(r, "members", "points.rules.title", d))
	return nil
}

func (s *server) pointsRulesCreate(w http.ResponseWriter, r *http.Request, rq *request) error {
	d := pointsRulesPage{Text: r.PostFormValue("rules"), Note: r.PostFormValue("note")}
	d.Year, _ = strconv.Atoi(r.PostFormValue("year"))
	rules, err := parseRules(d.Text)
	if err == nil {
		var rs points.Ruleset
		rs, err = s.Points.CreateRuleset(r.Context(), rq.P, points.RulesetInput{Year: d.Year, Rules: rules, Note: d.Note})
		if err == nil {
			return redirect(w, r, "/points/rules/"+strconv.FormatInt(rs.ID, 10))
		}
	}
	if errs.Code(err) != errs.EINVALID {
		return err
	}
	d.Errors, d.General = rq.fieldErrors(err, "year", "rules", "note")
	for _, dt := range rq.localDetails(err) {
		if strings.HasPrefix(dt.Field, "rules[") {
			d.General = append(d.General, dt.Field+": "+dt.Message)
		}
	}
	if d.Year < 2000 || d.Year > 2100 {
		d.Year = s.yearParam(r)
	}
	return s.showRules(w, r, rq, http.StatusUnprocessableEntity, d)
}

// pointsPreviewPage is one version with its recompute preview.
type pointsPreviewPage struct {
	Preview  points.Preview
	CanApply bool
	Done     string
	Alert    string
}

func (s *server) pointsRuleset(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.showRuleset(w, r, rq, http.StatusOK, "")
}

func (s *server) showRuleset(w http.ResponseWriter, r *http.Request, rq *request, status int, alert string) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	d := pointsPreviewPage{Done: r.URL.Query().Get("done"), Alert: alert}
	if auth.AuthorizeAny(rq.P, auth.PointsRules) == nil {
		if d.Preview, err = s.Points.Preview(r.Context(), rq.P, id); err != nil {
			return err
		}
		d.CanApply = d.Preview.Ruleset.Status == points.Draft
	} else if d.Preview.Ruleset, err = s.Points.Ruleset(r.Context(), rq.P, id); err != nil {
		return err
	}
	s.render(w, rq, status, "points_ruleset.html", rq.view(r, "members", "points.ruleset.title", d))
	return nil
}

func (s *server) pointsApply(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	_, err = s.Points.Apply(r.Context(), rq.P, id)
	if errs.Code(err) == errs.ECONFLICT {
		return s.showRuleset(w, r, rq, http.StatusConflict, rq.ErrMsg(err))
	} else if err != nil {
		return err
	}
	return redirect(w, r, "/points/rules/"+strconv.FormatInt(id, 10)+"?done=applied")
}
