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
	return Filed{Demand: pd.d, Token: pd.token}, nil
}

// prepared is a checked demand ready to insert.
type prepared struct {
	d        *Demand
	in       NewDemand
	token    string
	category Category
	files    []checkedFile
}

// prepare checks a new demand and computes its clocks; it writes nothing.
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
	cat, err := s.Category(ctx, in.Category)
	if err != nil || !cat.Active {
		ds = append(ds, errs.D("category", "unknown category %q", in.Category))
	} else {
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
	area := in.Area
	if area == "" && in.Lat != nil && in.Lng != nil {
		if *in.Lat < -90 || *in.Lat > 90 || *in.Lng < -180 || *in.Lng > 180 {
			ds = append(ds, errs.D("lat", "lat and lng must be WGS-84 degrees"))
		} else if a, err := areaAt(ctx, s.db, Point{*in.Lat, *in.Lng}); err != nil {
			ds = append(ds, errs.DetailsOf(err)...)
		} else {
			area = a
		}
	} else if area == "" {
		ds = append(ds, errs.D("area", "area is required: an area code, or lat and lng"))
	}
	var path string
	if area != "" && len(ds) == 0 {
		if _, path, err = levelOf(ctx, s.db, area); err != nil {
			ds = append(ds, errs.D("area", "unknown area code %q", area))
		}
	}
	if len(ds) > 0 {
		return nil, errs.Fields(ds)
	}
	if p != nil {
		if err := auth.Authorize(p, auth.DemandIntake, path); err != nil {
			return nil, err
		}
	} else {
		in.Channel = string(Online) // residents without an account file online
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
	return &prepared{d: d, in: in, token: newTrackingToken(), category: cat, files: files}, nil
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
	if _, err := tx.Exec(ctx, `INSERT INTO demand_reporters (demand_id, original_id, name, phone, email, tracking_hash, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, d.ID, d.ID, strings.TrimSpace(in.Reporter.Name), strings.TrimSpace(in.Reporter.Phone),
		strings.TrimSpace(in.Reporter.Email), hashToken(pd.token), now); err != nil {
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
	if err := rollup(ctx, tx, nil, d); err != nil {
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
	return s.tell(ctx, tx, d, notify.KindAssignment, d.Owner, false, title, short(d.Description))
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
	rows, err := q.Query(ctx, "SELECT id, category_code, area_code, body_area, body_unit_id FROM demand_routes WHERE category_code = ? AND area_code IN (?"+
		strings.Repeat(", ?", len(chain)-1)+")", args...)
	if err != nil {
		return Route{}, false, errs.Wrap(err, "route")
	}
	defer rows.Close()
	found := map[string]Route{}
	for rows.Next() {
		var r Route
		if err := rows.Scan(&r.ID, &r.Category, &r.Area, &r.BodyArea, &r.BodyUnit); err != nil {
			return Route{}, false, errs.Wrap(err, "route")
		}
		found[r.Area] = r
	}
	if err := rows.Err(); err != nil {
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
