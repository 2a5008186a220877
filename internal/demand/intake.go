package demand

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/jobs"
	"gongzhi/internal/notify"
	"gongzhi/internal/texts"
)

// MaxDescription is the longest description accepted (Open311's limit too).
const MaxDescription = 4000

// NewDemand is what filing a demand takes, whichever way it comes in
// (the API, the pages, Open311).
type NewDemand struct {
	Category    string            `json:"category"`
	Description string            `json:"description"`
	Channel     string            `json:"channel"`
	Area        string            `json:"area"`
	Lat         *float64          `json:"lat"`
	Lng         *float64          `json:"lng"`
	Address     string            `json:"address"`
	Reporter    ReporterInput     `json:"reporter"`
	Attributes  map[string]string `json:"attributes"`
	MediaURL    string            `json:"media_url"` // a link to a photo (Open311); published as given
	// Attachments are photos and files filed with the demand, stored in the
	// same transaction; checked like Attach's (MaxAttachments, MaxAttachmentBytes).
	Attachments []File `json:"-"`
	// Typed says Category, Area and Lead are as a person typed them into a
	// form: besides codes, a category's name or keyword and an area's name
	// with its parents' are looked up (MatchCategory, FindArea). The API
	// takes codes.
	Typed bool `json:"-"`
	// Dispatch files and dispatches in one step (受理并派单; demand.dispatch
	// where it is filed): to Lead or LeadUnit, or, when both are empty, to
	// the body the category's routing rule names there, else the residential
	// area or grid itself. A Lead or LeadUnit alone means Dispatch too.
	Dispatch bool   `json:"dispatch,omitempty"`
	Lead     string `json:"lead,omitempty"`
	LeadUnit *int64 `json:"lead_unit,omitempty"`
	// Answer closes the demand at once, answered on the spot (当场解答;
	// demand.dispatch where it is filed): the answer is its first contact
	// and its resolution, as a close on receipt always is.
	Answer string `json:"answer,omitempty"`
	// ReporterUser is the account of a resident filing their own demand
	// while signed in (the report page): "我的诉求" lists it for them. It
	// counts only for a filing without a staff principal (p nil).
	ReporterUser int64 `json:"-"`
}

// ReporterInput is who raised the demand; all optional.
type ReporterInput struct {
	Name  string `json:"name"`
	Phone string `json:"phone"`
	Email string `json:"email"`
}

// Filed is the result of intake: the demand and the resident's private
// tracking token (shown once, like an API token).
type Filed struct {
	Demand *Demand
	Token  string
	// ShortCode is the report's short code (查询码, stored form; FormatCode
	// shows it), which opens tracking alone at /track.
	ShortCode string
}

// Intake files a demand. p is nil for a resident filing without an account
// (public page, Open311 with an API key acting for a resident).
func (s *Service) Intake(ctx context.Context, p *auth.Principal, in NewDemand) (Filed, error) {
	pd, err := s.prepare(ctx, p, in)
	if err != nil {
		return Filed{}, err
	}
	// SQLite has one writer: concurrent intakes share a commit. PostgreSQL
	// runs transactions side by side, so each intake takes its own.
	if s.db.Dialect.SingleWriter() {
		err = s.submit(p, pd)
	} else {
		err = s.db.InTx(ctx, func(tx *db.Tx) error { return s.insert(ctx, tx, p, pd) })
	}
	if err != nil {
		return Filed{}, err
	}
	s.sim.note(pd.d) // committed: duplicate checks see it at once
	return Filed{Demand: pd.d, Token: pd.token, ShortCode: pd.code}, nil
}

// CheckIntake checks a new demand as Intake would and writes nothing: a
// form with problems of its own asks it, so one answer names every wrong
// field.
func (s *Service) CheckIntake(ctx context.Context, p *auth.Principal, in NewDemand) error {
	_, err := s.prepare(ctx, p, in)
	return err
}

// prepared is a checked demand ready to insert.
type prepared struct {
	d        *Demand
	in       NewDemand
	token    string
	category Category
	files    []checkedFile
	then     ActionInput // dispatch or answer on the spot in the same transaction; no Action: neither
	code     string      // the short code, drawn in the intake's transaction
}

// prepare checks a new demand and computes its clocks; it writes nothing.
// Every wrong field is named at once.
func (s *Service) prepare(ctx context.Context, p *auth.Principal, in NewDemand) (*prepared, error) {
	var ds []errs.Detail
	in.Description = strings.TrimSpace(in.Description)
	if in.Description == "" {
		ds = append(ds, errs.D("description", "description is required"))
	} else if n := utf8.RuneCountInString(in.Description); n > MaxDescription {
		ds = append(ds, errs.D("description", "description is %d characters; at most %d are allowed", n, MaxDescription))
	}
	if in.Channel == "" {
		in.Channel = string(Online)
	}
	if !ValidChannel(in.Channel) {
		ds = append(ds, errs.D("channel", "channel must be visit, hotline, online, grid, meeting or mailbox"))
	}
	cat, bad, err := s.intakeCategory(ctx, in)
	if err != nil {
		return nil, err
	}
	ds = append(ds, bad...)
	if cat.Code != "" {
		for _, a := range cat.Attributes {
			if a.Required && strings.TrimSpace(in.Attributes[a.Code]) == "" {
				ds = append(ds, errs.D("attributes."+a.Code, "%s is required for this category", a.Name))
			}
		}
	}
	if len([]rune(in.Reporter.Name)) > 50 || len(in.Reporter.Phone) > 30 || len(in.Reporter.Email) > 200 || len([]rune(in.Address)) > 300 {
		ds = append(ds, errs.D("reporter", "reporter name, phone, e-mail or address is too long"))
	}
	if in.MediaURL = strings.TrimSpace(in.MediaURL); in.MediaURL != "" && !validMediaURL(in.MediaURL) {
		ds = append(ds, errs.D("media_url", "media_url must be an http or https address of at most 2000 characters"))
	}
	files, err := checkFiles(in.Attachments, 0)
	if err != nil {
		ds = append(ds, errs.DetailsOf(err)...)
	}
	area, path, bad, err := s.intakeArea(ctx, p, in)
	if err != nil {
		return nil, err
	}
	ds = append(ds, bad...)
	then, bad, err := s.intakeThen(ctx, p, &in, cat.Code, path)
	if err != nil {
		return nil, err
	}
	ds = append(ds, bad...)
	if len(ds) > 0 {
		return nil, errs.Fields(ds)
	}
	if p != nil {
		if err := auth.Authorize(p, auth.DemandIntake, path); err != nil {
			return nil, err
		}
		// Filing and dispatching (or answering) at once is for those who
		// dispatch here: they own the demand (owner), so the step is theirs.
		if then.Action != "" {
			if err := auth.Authorize(p, auth.DemandDispatch, path); err != nil {
				return nil, err
			}
		}
	} else {
		in.Channel = string(Online) // residents without an account file online
		if then.Action != "" {
			return nil, errs.New(errs.EUNAUTHORIZED, "sign in first")
		}
	}
	cal, err := s.calendar(ctx)
	if err != nil {
		return nil, err
	}
	contactLimit, _ := ParseLimit(cat.ContactLimit)
	resolveLimit, _ := ParseLimit(cat.ResolveLimit)
	now := s.clock.Now()
	d := &Demand{Category: cat.Code, CategoryName: cat.Name, CategoryNameEN: cat.NameEN, Channel: Channel(in.Channel), Status: Received, Area: area, AreaPath: path,
		Lat: in.Lat, Lng: in.Lng, Address: strings.TrimSpace(in.Address), Description: in.Description, Attributes: in.Attributes,
		Round: 1, CreatedAt: now, UpdatedAt: now, ContactDue: contactLimit.Due(now, cal), ResolveDue: resolveLimit.Due(now, cal),
		CoBodies: []string{}, MediaURL: in.MediaURL}
	d.searchText = SearchText(d.Description + " " + d.Address)
	return &prepared{d: d, in: in, token: newTrackingToken(), category: cat, files: files, then: then}, nil
}

// intakeCategory finds the new demand's category: by code, or, for a typed
// form, by name or keyword too. Problems come back as details.
func (s *Service) intakeCategory(ctx context.Context, in NewDemand) (Category, []errs.Detail, error) {
	text := strings.TrimSpace(in.Category)
	if text == "" {
		return Category{}, []errs.Detail{errs.D("category", "category is required")}, nil
	}
	if in.Typed {
		cats, err := s.Categories(ctx, true)
		if err != nil {
			return Category{}, nil, err
		}
		d, c := categoryFor(cats, text)
		return c, details(d), nil
	}
	cat, err := s.Category(ctx, text)
	if errs.Code(err) != "" && errs.Code(err) != errs.ENOTFOUND {
		return Category{}, nil, err
	}
	if err != nil || !cat.Active {
		return Category{}, []errs.Detail{errs.D("category", "unknown category %q", in.Category)}, nil
	}
	return cat, nil, nil
}

// intakeArea places the new demand: its area code (or, for a typed form, a
// name with its parents'), else the grid around lat and lng. It returns
// the area and its path; problems come back as details.
func (s *Service) intakeArea(ctx context.Context, p *auth.Principal, in NewDemand) (string, string, []errs.Detail, error) {
	place := strings.TrimSpace(in.Area)
	switch {
	case place != "" && in.Typed:
		code, d, err := areaFor(ctx, s.db, p, auth.DemandIntake, "area", place)
		if err != nil || d != nil {
			return "", "", details(d), err
		}
		place = code
	case place == "" && in.Lat != nil && in.Lng != nil:
		if *in.Lat < -90 || *in.Lat > 90 || *in.Lng < -180 || *in.Lng > 180 {
			return "", "", []errs.Detail{errs.D("lat", "lat and lng must be WGS-84 degrees")}, nil
		}
		a, err := areaAt(ctx, s.db, Point{*in.Lat, *in.Lng})
		if errs.Code(err) == errs.EINVALID {
			return "", "", errs.DetailsOf(err), nil
		} else if err != nil {
			return "", "", nil, err
		}
		place = a
	case place == "":
		return "", "", []errs.Detail{errs.D("area", "area is required: an area code, or lat and lng")}, nil
	}
	_, path, err := levelOf(ctx, s.db, place)
	if err != nil {
		return "", "", []errs.Detail{errs.D("area", "unknown area code %q", place)}, nil
	}
	return place, path, nil, nil
}

// intakeThen is the step taken in the intake's transaction, if any:
// dispatch (to the body asked for, else the one proposed) or close,
// answered on the spot. It fills in's lead from a typed one; problems come
// back as details. category and path are "" when they are wrong.
func (s *Service) intakeThen(ctx context.Context, p *auth.Principal, in *NewDemand, category, path string) (ActionInput, []errs.Detail, error) {
	in.Answer, in.Lead = strings.TrimSpace(in.Answer), strings.TrimSpace(in.Lead)
	dispatch := in.Dispatch || in.Lead != "" || in.LeadUnit != nil
	switch {
	case in.Answer != "" && dispatch:
		return ActionInput{}, []errs.Detail{errs.D("answer", "answer on the spot or dispatch, not both")}, nil
	case in.Answer != "":
		if n := utf8.RuneCountInString(in.Answer); n > MaxDescription {
			return ActionInput{}, []errs.Detail{errs.D("answer", "the answer is %d characters; at most %d are allowed", n, MaxDescription)}, nil
		}
		return ActionInput{Action: ActClose, Note: in.Answer}, nil, nil
	case !dispatch:
		return ActionInput{}, nil, nil
	}
	then := ActionInput{Action: ActDispatch, Lead: in.Lead, LeadUnit: in.LeadUnit}
	if in.Lead != "" && in.Typed {
		code, d, err := areaFor(ctx, s.db, p, auth.DemandRead, "lead", in.Lead)
		if err != nil || d != nil {
			return then, details(d), err
		}
		then.Lead = code
	}
	if then.Lead != "" || then.LeadUnit != nil || category == "" || path == "" {
		return then, nil, nil // apply checks the body asked for
	}
	pr, ok, err := propose(ctx, s.db, category, path)
	if err != nil {
		return then, nil, err
	}
	if !ok {
		return then, []errs.Detail{errs.D("lead", "lead is required: no routing rule names a body for this category here")}, nil
	}
	then.Lead, then.LeadUnit = pr.Lead, pr.LeadUnit
	return then, nil, nil
}

// details is d as a list: none when d is nil.
func details(d *errs.Detail) []errs.Detail {
	if d == nil {
		return nil
	}
	return []errs.Detail{*d}
}

// insert writes a prepared demand, its reporter, first event, attachments,
// timers, rollups, audit row and notices inside tx.
func (s *Service) insert(ctx context.Context, tx *db.Tx, p *auth.Principal, pd *prepared) error {
	d, in, now := pd.d, pd.in, pd.d.CreatedAt
	var err error
	if d.Owner, err = s.owner(ctx, tx, p, d.AreaPath, d.Category); err != nil {
		return err
	}
	attrs, _ := json.Marshal(in.Attributes)
	if in.Attributes == nil {
		attrs = []byte("{}")
	}
	var createdBy any
	if p != nil {
		createdBy = p.UserID
	}
	d.ID, err = db.InsertID(ctx, tx, `INSERT INTO demands (category_code, channel, status, area_code, area_path, lat, lng, address, description,
		attributes, owner_area, round, created_at, updated_at, contact_due, resolve_due, created_by, search_text, media_url)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?)`,
		d.Category, string(d.Channel), string(d.Status), d.Area, d.AreaPath, d.Lat, d.Lng, d.Address, d.Description,
		string(attrs), d.Owner, now, now, d.ContactDue.UTC(), d.ResolveDue.UTC(), createdBy, d.searchText, d.MediaURL)
	if err != nil {
		return errs.Wrap(err, "insert demand")
	}
	if pd.code, err = freeCode(ctx, tx); err != nil {
		return err
	}
	var reporterUser any
	if p == nil && in.ReporterUser > 0 {
		reporterUser = in.ReporterUser
	}
	if _, err := tx.Exec(ctx, `INSERT INTO demand_reporters (demand_id, original_id, name, phone, email, tracking_hash, short_code, user_id, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, d.ID, d.ID, strings.TrimSpace(in.Reporter.Name), strings.TrimSpace(in.Reporter.Phone),
		strings.TrimSpace(in.Reporter.Email), hashToken(pd.token), pd.code, reporterUser, now); err != nil {
		return errs.Wrap(err, "insert reporter")
	}
	if err := event(ctx, tx, d.ID, now, actorOf(p), "receive", "", Received, ReceivedNote(Channel(in.Channel)), "", true); err != nil {
		return err
	}
	if len(pd.files) > 0 {
		if d.Attachments, err = storeFiles(ctx, tx, d, p, pd.files, now, true); err != nil {
			return err
		}
	}
	if err := scheduleDeadlines(ctx, tx, d, now, true); err != nil {
		return err
	}
	after := map[string]any{"category": d.Category, "channel": d.Channel, "area": d.Area}
	if len(d.Attachments) > 0 {
		after["attachments"] = auditFiles(d.Attachments)
	}
	if err := auth.Record(ctx, tx, now, p, auth.Change{Action: "create", Entity: "demand", EntityID: strconv.FormatInt(d.ID, 10), AreaPath: d.AreaPath,
		After: after}); err != nil {
		return err
	}
	title := texts.New("notice.new", "id", strconv.FormatInt(d.ID, 10), "category", d.CategoryName, "category_en", pd.category.NameEN)
	to := d.Owner
	if pd.then.Action != "" {
		to = "" // whoever files and dispatches it (or answers it) needs no "new demand to dispatch"; webhooks still hear of it
	}
	if err := s.tell(ctx, tx, d, notify.KindAssignment, to, false, title, short(d.Description)); err != nil {
		return err
	}
	// The rollups last: every intake adds to the same rows (the district's
	// and street's of today), and on PostgreSQL their row locks are held to
	// the commit, so the other intakes wait only for this commit, not for
	// the audit row and the notices too.
	if err := rollup(ctx, tx, nil, d); err != nil {
		return err
	}
	if pd.then.Action == "" {
		return nil
	}
	return s.follow(ctx, tx, p, pd)
}

// follow takes the step filed with the demand (dispatch, or close when
// answered on the spot) in the intake's transaction, by the same rules as
// Act: who may take it, the state machine, the event, the rollups, the
// audit row and the notices.
func (s *Service) follow(ctx context.Context, tx *db.Tx, p *auth.Principal, pd *prepared) error {
	d, err := load(ctx, tx, pd.d.ID, false)
	if err != nil {
		return err
	}
	if err := s.mayAct(ctx, tx, p, d, pd.then); err != nil {
		return err
	}
	out, err := s.apply(ctx, tx, p, d, pd.then)
	if err != nil {
		return err
	}
	out.Attachments = pd.d.Attachments
	*pd.d = *out
	return nil
}

// Proposal is the body a demand would be dispatched to when nobody names
// one: the routing rule's for its category nearest its area (ByRule), else
// the residential area, lane or grid it is in.
type Proposal struct {
	Lead     string `json:"lead"`
	LeadUnit *int64 `json:"lead_unit"`
	ByRule   bool   `json:"by_rule"`
}

// propose finds the Proposal for category at path; false when there is
// none (no rule, and the area sits above residential level).
func propose(ctx context.Context, q db.Querier, category, path string) (Proposal, bool, error) {
	chain, err := ancestorsOf(ctx, q, path)
	if err != nil {
		return Proposal{}, false, err
	}
	if r, ok, err := route(ctx, q, category, chain); err != nil || ok {
		return Proposal{Lead: r.BodyArea, LeadUnit: r.BodyUnit, ByRule: ok}, ok, err
	}
	switch chain[0].level {
	case "residential", "lane", "grid":
		return Proposal{Lead: chain[0].code}, true, nil
	}
	return Proposal{}, false, nil
}

// IntakePreview is what the intake form shows while the operator types:
// the category and area the typed texts name and where a dispatch on save
// would go.
type IntakePreview struct {
	Category Category
	Area     string   // its code; "" when the text names none
	Proposal Proposal // Lead is "" when there is none
}

// Preview looks up a typed category and area as Intake does for a form
// (Typed) and proposes the body to dispatch to. Texts that name nothing or
// several things come back as an EINVALID error with the preview of the
// rest.
func (s *Service) Preview(ctx context.Context, p *auth.Principal, category, areaText string) (IntakePreview, error) {
	var out IntakePreview
	if err := auth.AuthorizeAny(p, auth.DemandIntake); err != nil {
		return out, err
	}
	var ds []errs.Detail
	if strings.TrimSpace(category) != "" {
		cat, bad, err := s.intakeCategory(ctx, NewDemand{Category: category, Typed: true})
		if err != nil {
			return out, err
		}
		out.Category, ds = cat, append(ds, bad...)
	}
	var path string
	if strings.TrimSpace(areaText) != "" {
		code, ap, bad, err := s.intakeArea(ctx, p, NewDemand{Area: areaText, Typed: true})
		if err != nil {
			return out, err
		}
		out.Area, path, ds = code, ap, append(ds, bad...)
	}
	if out.Category.Code != "" && path != "" {
		pr, _, err := propose(ctx, s.db, out.Category.Code, path)
		if err != nil {
			return out, err
		}
		out.Proposal = pr
	}
	if len(ds) > 0 {
		return out, errs.Fields(ds)
	}
	return out, nil
}

// owner picks the first receiver, who owns the demand until it is closed:
// the staff member's own area when they may dispatch there, else the
// category's routing rule, else the residential area (or the area itself
// when it sits above residential level).
func (s *Service) owner(ctx context.Context, q db.Querier, p *auth.Principal, path, category string) (string, error) {
	chain, err := ancestorsOf(ctx, q, path)
	if err != nil {
		return "", err
	}
	if p != nil {
		best, bestLen := "", 0
		for _, g := range p.Grants {
			if g.Role.Can(auth.DemandDispatch) && len(g.AreaPath) > bestLen {
				for _, c := range chain {
					if c.code == g.AreaCode {
						best, bestLen = c.code, len(g.AreaPath)
					}
				}
			}
		}
		if best != "" {
			return best, nil
		}
	}
	if r, ok, err := route(ctx, q, category, chain); err != nil {
		return "", err
	} else if ok {
		return r.BodyArea, nil
	}
	for _, c := range chain {
		if c.dispatching() {
			return c.code, nil
		}
	}
	return chain[0].code, nil
}

// route finds the routing rule of the nearest area in chain for category,
// in one query.
func route(ctx context.Context, q db.Querier, category string, chain []chainArea) (Route, bool, error) {
	args := []any{category}
	for _, c := range chain {
		args = append(args, c.code)
	}
	found := map[string]Route{}
	err := db.Each(ctx, q, "SELECT "+routeCols+" FROM demand_routes WHERE category_code = ? AND area_code IN (?"+
		strings.Repeat(", ?", len(chain)-1)+")", args, scanRoute, func(r Route) error {
		found[r.Area] = r
		return nil
	})
	if err != nil {
		return Route{}, false, errs.Wrap(err, "route")
	}
	for _, c := range chain {
		if r, ok := found[c.code]; ok {
			return r, true, nil
		}
	}
	return Route{}, false, nil
}

// scheduleDeadlines sets reminder and deadline timers for the contact and/or
// resolve clocks: a reminder when three quarters of the time has gone.
func scheduleDeadlines(ctx context.Context, tx *db.Tx, d *Demand, from time.Time, contact bool) error {
	type clk struct {
		remind, due string
		at          time.Time
	}
	clocks := []clk{{"resolve_remind", "resolve_due", d.ResolveDue}}
	if contact {
		clocks = append(clocks, clk{"contact_remind", "contact_due", d.ContactDue})
	}
	var js []jobs.Job
	for _, c := range clocks {
		if span := c.at.Sub(from); span > 0 {
			js = append(js, timerJob(c.remind, d.ID, from.Add(span*3/4), 0))
		}
		js = append(js, timerJob(c.due, d.ID, c.at, 0))
	}
	// One statement for all of them: intake holds the write lock, keep it short.
	return errs.Wrap(jobs.Enqueue(ctx, tx, from, js...), "timers")
}

// tell sends an inbox notice to the staff of area (and above, for 督办) and
// a webhook event, inside tx. A notice to the lead body also tells the
// liaisons of the lead unit; unit liaisons hear of nothing else.
func (s *Service) tell(ctx context.Context, tx *db.Tx, d *Demand, kind notify.Kind, area string, ancestors bool, title texts.Text, body string) error {
	if s.notify == nil {
		return nil
	}
	id := strconv.FormatInt(d.ID, 10)
	if area != "" {
		var unit int64
		if area == d.Lead && d.LeadUnit != nil {
			unit = *d.LeadUnit
		}
		err := s.notify.Notify(ctx, tx, notify.Notice{Kind: kind, TitleText: title, Body: body, Link: "/demands/" + id,
			Entity: "demand", EntityID: id, Area: area, Roles: []auth.Role{auth.StreetStaff, auth.CommunityStaff, auth.GridWorker, auth.UnitLiaison, auth.DistrictAdmin},
			Ancestors: ancestors, Unit: unit})
		if err != nil {
			return err
		}
	}
	return s.notify.Enqueue(ctx, tx, "demand."+string(kind), map[string]any{"id": d.ID, "status": d.Status, "category": d.Category,
		"area": d.Area, "overdue": d.Overdue, "escalation_level": d.EscalationLevel, "notice": title})
}

func short(s string) string {
	r := []rune(s)
	if len(r) > 60 {
		return string(r[:60]) + "…"
	}
	return s
}

func newTrackingToken() string {
	b := make([]byte, 20)
	rand.Read(b)
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}

func hashToken(t string) string {
	h := sha256.Sum256([]byte(t))
	return hex.EncodeToString(h[:])
}
