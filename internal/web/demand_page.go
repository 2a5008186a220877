package web

import (
	"cmp"
	"context"
	"gongzhi/internal/delib"
	"net/http"
	"strconv"
	"strings"

	"gongzhi/internal/auth"
	"gongzhi/internal/demand"
	"gongzhi/internal/errs"
)

// pageActions are the action forms of the demand page, in the order a
// demand usually needs them. Merge lives in the similar-demands list.
var pageActions = []demand.Action{demand.ActDispatch, demand.ActSign, demand.ActReturn, demand.ActContact, demand.ActExtend,
	demand.ActApproveExtension, demand.ActResolve, demand.ActCallback, demand.ActReopen, demand.ActClose,
	demand.ActMarkUnreasonable, demand.ActApproveUnreasonable, demand.ActUrge, demand.ActRecall, demand.ActNote}

// actionFields are the form fields an action's errors can name.
var actionFields = []string{"lead", "co_bodies", "reason", "note", "new_due", "approve", "outcome", "resolution", "satisfaction", "solved", "target"}

// actionForm is one action the viewer may take now, with what a failed
// post of it left behind.
type actionForm struct {
	Action  string
	Values  map[string]string
	Errors  map[string]string
	General []string
	Failed  bool
	Next    bool // the step the demand waits for: shown first, the rest folded
}

// actionCtx is what template "demand-action" draws one form from.
type actionCtx struct {
	actionForm
	D    *demand.Demand
	CSRF string
	Data any // the page's demandView
}

// demandView is the data of demand.html.
type demandView struct {
	D             *demand.Demand
	Clock         clockInfo
	OwnerName     string
	LeadName      string
	CoNames       []string
	Forms         []actionForm
	CanMerge      bool
	HasNext       bool // a form is the demand's next step
	MoreForms     bool // forms besides it
	MoreFailed    bool // one of them failed: open the fold
	Similar       []similarItem
	LeadChoices   []areaChoice
	Outcomes      []string
	Satisfactions []string
	Done          string // the action just taken, for the notice
	Error         string // why the last post failed, in the user's language
	ErrorStatus   int
	Files         attachmentList
	CanAttach     bool // the viewer may add files, and the demand has room for more
	Limits        uploadLimits
	Attached      int              // files just added, for the notice
	AttachError   string           // why the files were refused
	NeedID        int64            // the need (三张清单) it was rolled up into, when the viewer may read needs
	Topics        []delib.TopicRef // topics (议题) made from it that the viewer may open
	Extras        demandExtras     // short code, SMS and the category form (tracking.go)
}

// uploadLimits are the file limits as forms state them.
type uploadLimits struct {
	Files, MiB int
}

var fileLimits = uploadLimits{Files: demand.MaxAttachments, MiB: demand.MaxAttachmentBytes >> 20}

// demandPage is one demand: details, reporters, timeline, the actions the
// viewer may take now and likely duplicates to merge.
func (s *server) demandPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	done := r.URL.Query().Get("done")
	if !validAction(done) {
		done = ""
	}
	attached, _ := strconv.Atoi(r.URL.Query().Get("attached"))
	return s.showDemand(w, r, rq, http.StatusOK, id, func(v *demandView) {
		v.Done, v.Attached = done, min(max(attached, 0), demand.MaxAttachments)
	})
}

func validAction(a string) bool {
	for _, x := range demand.Actions {
		if string(x) == a {
			return true
		}
	}
	return false
}

// showDemand loads and renders the demand page; tweak adds what a failed
// post needs to show.
func (s *server) showDemand(w http.ResponseWriter, r *http.Request, rq *request, status int, id int64, tweak func(*demandView)) error {
	ctx, p := r.Context(), rq.P
	d, err := s.Demand.Get(ctx, p, id)
	if err != nil {
		return err
	}
	v := demandView{D: d, Clock: rq.clockOf(s.Clock.Now(), d),
		Outcomes:      []string{demand.OutcomeSolved, demand.OutcomePartly, demand.OutcomeNotSolved},
		Satisfactions: []string{demand.Satisfied, demand.BasicSatisfied, demand.Dissatisfied}}
	v.Files = attachmentList{Base: "/demands/" + strconv.FormatInt(d.ID, 10), Items: d.Attachments}
	v.CanAttach = len(d.Attachments) < demand.MaxAttachments && s.Demand.CanAttach(ctx, p, d)
	v.Limits = fileLimits
	d.InLang(rq.Lang)
	d.AreaName = cmp.Or(s.areaName(ctx, rq.Lang, d.Area), d.AreaName)
	v.OwnerName = s.areaName(ctx, rq.Lang, d.Owner)
	v.LeadName = s.areaName(ctx, rq.Lang, d.Lead)
	for _, c := range d.CoBodies {
		v.CoNames = append(v.CoNames, s.areaName(ctx, rq.Lang, c))
	}
	if auth.AuthorizeAny(p, auth.ListsRead) == nil {
		if v.NeedID, err = s.Lists.NeedOfDemand(ctx, d.ID); err != nil {
			return err
		}
	}
	if v.Topics, err = s.Delib.TopicsOfDemand(ctx, p, d.ID); err != nil {
		return err
	}
	allowed := func(a demand.Action) bool { return s.mayTry(ctx, p, d, a) }
	for _, a := range pageActions {
		if allowed(a) {
			v.Forms = append(v.Forms, actionForm{Action: string(a), Values: map[string]string{}})
		}
	}
	v.CanMerge = allowed(demand.ActMerge)
	if len(v.Forms) > 0 || v.CanMerge {
		if v.LeadChoices, err = s.areaChoices(ctx, p); err != nil {
			return err
		}
	}
	for i := range v.Forms {
		if v.Forms[i].Action == string(demand.ActDispatch) {
			v.Forms[i].Values["lead"] = s.defaultLead(ctx, p, d, v.LeadChoices)
		}
		if v.Forms[i].Action == string(demand.ActExtend) {
			v.Forms[i].Values["new_due"] = dtLocal(d.ResolveDue.AddDate(0, 0, 7))
		}
	}
	if d.Status.Open() {
		similar, err := s.Demand.Similar(ctx, p, id)
		if err != nil {
			return err
		}
		cats, err := s.Demand.Categories(ctx, false)
		if err != nil {
			return err
		}
		names := rq.categoryNames(cats)
		for _, x := range similar {
			v.Similar = append(v.Similar, similarItem{Similar: x, CategoryName: names[x.Category], AreaName: s.areaName(ctx, rq.Lang, x.Area)})
		}
	}
	if tweak != nil {
		tweak(&v)
	}
	if err := s.demandExtrasOf(ctx, r, rq, d, &v); err != nil {
		return err
	}
	v.order(d.Next().Action)
	page := rq.view(r, "demands", "demand.title", v)
	page.Title = rq.T("demand.heading", d.ID)
	page.Tab = "demand"
	s.render(w, rq, status, "demand.html", page)
	return nil
}

// areaName is an area's name for display in lang, or its code when it is unknown.
func (s *server) areaName(ctx context.Context, lang, code string) string {
	if code == "" {
		return ""
	}
	labels, err := s.Org.AreaLabels(ctx)
	if err != nil {
		return code
	}
	return cmp.Or(labels.Label(code, lang), code)
}

// mayTry decides which forms to show: the state machine must allow the
// action now (anything but ECONFLICT: a missing field is the form's job)
// and the demand service must let the viewer take it. The service decides
// again when the form is posted.
func (s *server) mayTry(ctx context.Context, p *auth.Principal, d *demand.Demand, a demand.Action) bool {
	facts := demand.Facts{Status: d.Status, Round: d.Round, ExtPending: d.ExtensionDue != nil, ResolveDue: d.ResolveDue, Unreasonable: d.Unreasonable}
	if _, err := demand.Next(facts, demand.ActionInput{Action: a}); errs.Code(err) == errs.ECONFLICT {
		return false
	}
	return s.Demand.CanAct(ctx, p, d, a)
}

// defaultLead proposes the body the routing rules name for the demand's
// category nearest its area (else the demand's own residential area or
// grid), as the label the lead field shows.
func (s *server) defaultLead(ctx context.Context, p *auth.Principal, d *demand.Demand, choices []areaChoice) string {
	routes, err := s.Demand.Routes(ctx, p)
	if err != nil {
		return ""
	}
	chain := []string{d.Area}
	if a, err := s.Org.Area(ctx, auth.SystemPrincipal(), d.Area); err == nil {
		if anc, err := s.Org.Ancestors(ctx, a); err == nil {
			for i := len(anc) - 1; i >= 0; i-- {
				chain = append(chain, anc[i].Code)
			}
		}
	}
	for _, c := range chain {
		for _, rt := range routes {
			if rt.Category == d.Category && rt.Area == c {
				return labelOf(choices, rt.BodyArea)
			}
		}
	}
	// No rule: the body of the place itself (a residential area or its grid),
	// when the dispatcher reaches it; above that level someone must choose.
	for _, c := range choices {
		if c.Code == d.Area && (c.Level == "residential" || c.Level == "grid" || c.Level == "lane") {
			return c.Label
		}
	}
	return ""
}

// labelOf is the name path of an area among choices, or its code.
func labelOf(choices []areaChoice, code string) string {
	for _, c := range choices {
		if c.Code == code {
			return c.Label
		}
	}
	return code
}

// demandAct takes one action from a form of the demand page. A refused
// action (409 state, 403 role, 400 field) shows the page again with the
// reason and changes nothing.
func (s *server) demandAct(w http.ResponseWriter, r *http.Request, rq *request) error {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	values := map[string]string{}
	for _, k := range actionFields {
		values[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	in, bad, err := s.readAction(ctx, rq, r, values)
	if err != nil {
		return err
	}
	fail := func(status int, msg string, fields map[string]string, general []string) error {
		return s.showDemand(w, r, rq, status, id, func(v *demandView) {
			v.Error, v.ErrorStatus = msg, status
			for i := range v.Forms {
				if v.Forms[i].Action == string(in.Action) {
					v.Forms[i] = actionForm{Action: string(in.Action), Values: values, Errors: fields, General: general, Failed: true}
				}
			}
		})
	}
	if len(bad) > 0 {
		return fail(http.StatusBadRequest, rq.T("form.fix_errors"), bad, nil)
	}
	_, err = s.Demand.Act(ctx, rq.P, id, in)
	switch code := errs.Code(err); code {
	case "":
		return redirect(w, r, "/demands/"+strconv.FormatInt(id, 10)+"?done="+string(in.Action)+"#done")
	case errs.EINVALID:
		fields, general := rq.fieldErrors(err, actionFields...)
		for _, d := range errs.DetailsOf(err) { // "note is required for contact" reads better as a plain "required"
			if d.Format == "%s is required for %s" && fields[d.Field] != "" {
				fields[d.Field] = rq.T("form.required")
			}
		}
		return fail(http.StatusBadRequest, rq.T("form.fix_errors"), fields, general)
	case errs.ECONFLICT, errs.EFORBIDDEN:
		return fail(statusOf[code], rq.actionErr(err), nil, nil)
	}
	return err
}

// actionErr words a refused action in the user's language, naming the
// action and the state in words rather than codes.
func (rq *request) actionErr(err error) string {
	if f, args := errs.FormatOf(err); f == "%s is not allowed while the demand is %s" && len(args) == 2 {
		return rq.T("demand.err.not_now", rq.T("demand.action."+strings.ToLower(asString(args[0]))),
			rq.T("demand.status."+asString(args[1])))
	}
	return rq.ErrMsg(err)
}

func asString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case demand.Action:
		return string(x)
	case demand.Status:
		return string(x)
	}
	return ""
}

// readAction builds the action from the posted form; values the page can
// check itself (dates, numbers, a typed area) come back as field errors.
func (s *server) readAction(ctx context.Context, rq *request, r *http.Request, v map[string]string) (demand.ActionInput, map[string]string, error) {
	in := demand.ActionInput{Action: demand.Action(r.PostFormValue("action")), Reason: v["reason"], Note: v["note"],
		Outcome: v["outcome"], Resolution: v["resolution"], Satisfaction: v["satisfaction"]}
	bad := map[string]string{}
	yes := func(s string) *bool {
		switch s {
		case "true", "yes", "1":
			b := true
			return &b
		case "false", "no", "0":
			b := false
			return &b
		}
		return nil
	}
	in.Approve, in.Solved = yes(r.PostFormValue("approve")), yes(v["solved"])
	if in.Action == demand.ActDispatch || in.Action == demand.ActRecall {
		choices, err := s.areaChoices(ctx, rq.P)
		if err != nil {
			return in, nil, err
		}
		if v["lead"] != "" {
			if code, ok := resolveArea(choices, v["lead"]); ok {
				in.Lead = code
			} else {
				bad["lead"] = rq.T("form.choose_listed")
			}
		}
		var typed []string
		for _, c := range r.PostForm["co_bodies"] {
			if c = strings.TrimSpace(c); c == "" {
				continue
			}
			typed = append(typed, c)
			if code, ok := resolveArea(choices, c); ok {
				in.CoBodies = append(in.CoBodies, code)
			} else {
				bad["co_bodies"] = rq.T("form.choose_listed")
			}
		}
		for i, c := range typed { // shown again in the three co-body fields
			if i < 3 {
				v["co"+strconv.Itoa(i+1)] = c
			}
		}
	}
	if in.Action == demand.ActExtend && v["new_due"] != "" {
		if t, ok := parseLocal(v["new_due"]); ok {
			in.NewDue = &t
		} else {
			bad["new_due"] = rq.T("demand.form.bad_datetime")
		}
	}
	if in.Action == demand.ActMerge {
		if n, err := strconv.ParseInt(v["target"], 10, 64); err == nil && n > 0 {
			in.Target = &n
		} else {
			bad["target"] = rq.T("demand.form.bad_target")
		}
	}
	return in, bad, nil
}

// order puts the form of the demand's next step first and marks it, so
// the page leads with what the demand waits for; the others follow folded.
func (v *demandView) order(next demand.Action) {
	for i, f := range v.Forms {
		if f.Action == string(next) {
			v.Forms[i].Next, v.HasNext = true, true
			v.Forms[0], v.Forms[i] = v.Forms[i], v.Forms[0]
			break
		}
	}
	for _, f := range v.Forms {
		if !f.Next {
			v.MoreForms = true
			v.MoreFailed = v.MoreFailed || f.Failed
		}
	}
}
