package demand

import (
	"context"
	"strconv"
	"strings"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/texts"
)

// Get returns a demand with its timeline, attachments and reporters. Reporters' phones
// and names are shown in full only to those who handle or own the demand.
func (s *Service) Get(ctx context.Context, p *auth.Principal, id int64) (*Demand, error) {
	if p == nil {
		return nil, errs.New(errs.EUNAUTHORIZED, "sign in first")
	}
	d, err := load(ctx, s.db, id, false)
	if err != nil {
		return nil, err
	}
	if err := s.canSee(ctx, s.db, p, d); err != nil {
		return nil, err
	}
	if d.Events, err = events(ctx, s.db, id, false); err != nil {
		return nil, err
	}
	if d.Attachments, err = attachments(ctx, s.db, id, false); err != nil {
		return nil, err
	}
	full := s.mayAct(ctx, s.db, p, d, ActionInput{Action: ActDispatch}) == nil || s.mayAct(ctx, s.db, p, d, ActionInput{Action: ActSign}) == nil
	d.Reporters, err = reporters(ctx, s.db, id, !full)
	return d, err
}

func reporters(ctx context.Context, q db.Querier, id int64, mask bool) ([]Reporter, error) {
	out, err := db.All(ctx, q, "SELECT id, name, phone, satisfaction, rated_at, original_id, COALESCE(short_code, '') FROM demand_reporters WHERE demand_id = ? ORDER BY id", []any{id},
		func(sc db.Scanner) (Reporter, error) {
			var r Reporter
			err := sc.Scan(&r.ID, &r.Name, &r.Phone, &r.Satisfaction, &r.RatedAt, &r.OriginalID, &r.ShortCode)
			r.ShortCode = FormatCode(r.ShortCode)
			if mask {
				r.Name, r.Phone, r.ShortCode = auth.MaskName(r.Name), auth.MaskPhone(r.Phone), "" // the code opens tracking: not for readers
			}
			return r, err
		})
	return out, errs.Wrap(err, "reporters")
}

// Tracked is what a resident sees through the private tracking link:
// progress, the public timeline, and no one's personal data.
type Tracked struct {
	ID           int64  `json:"id"`
	Category     string `json:"category"`
	CategoryName string `json:"category_name"`
	Status       Status `json:"status"`
	AreaName     string `json:"area_name"`
	// English names of the category and the area, when set.
	CategoryNameEN string     `json:"category_name_en"`
	AreaNameEN     string     `json:"area_name_en"`
	Description    string     `json:"description"`
	CreatedAt      time.Time  `json:"created_at"`
	ResolveDue     time.Time  `json:"resolve_due"`
	Resolution     string     `json:"resolution"`
	Outcome        string     `json:"outcome"`
	CanRate        bool       `json:"can_rate"`
	MyRating       string     `json:"my_rating"`
	RatedAt        *time.Time `json:"rated_at"`
	Events         []Event    `json:"events"`
	// LeadArea is the code of the body handling it ("" before dispatch):
	// the surfaces name it in the reader's language, so residents see who
	// is working on their demand.
	LeadArea string `json:"-"`
	// Attachments are the files filed with the holder's own report; after a
	// merge, other reporters' photos stay theirs.
	Attachments []Attachment `json:"attachments"`
}

// Track returns the demand behind a resident's tracking token. After a
// merge the token shows the surviving demand.
func (s *Service) Track(ctx context.Context, token string) (*Tracked, error) {
	var demandID, original int64
	var mine string
	var rated *time.Time
	err := s.db.QueryRow(ctx, "SELECT demand_id, original_id, satisfaction, rated_at FROM demand_reporters WHERE tracking_hash = ?", hashToken(token)).
		Scan(&demandID, &original, &mine, &rated)
	if err != nil {
		return nil, errs.New(errs.ENOTFOUND, "no demand has this tracking link")
	}
	return s.tracked(ctx, demandID, original, mine, rated)
}

// Look-ups by number are few for a resident and many for someone guessing
// (ten thousand endings a number): five wrong tries a number, whoever asks,
// and ten an address, within LookupWindow.
const (
	LookupWindow    = 15 * time.Minute
	lookupPerIP     = 10
	lookupPerDemand = 5
)

// TrackByNumber is Track for a resident without the link: the number they
// were given and the last four digits of the phone they reported with,
// asked from address from. It answers what the tracking page shows but not
// the files or the rating, which stay with the link. A wrong number and
// wrong digits read the same; too many wrong tries are ETOOMANY.
func (s *Service) TrackByNumber(ctx context.Context, number int64, last4, from string) (*Tracked, error) {
	if len(last4) != 4 || strings.Trim(last4, "0123456789") != "" {
		return nil, errs.Invalid("phone_last4", "give the last four digits of the phone number you reported with")
	}
	ip, key := "ip "+from, "demand "+strconv.FormatInt(number, 10)
	if s.lookups.Blocked(ip, lookupPerIP) || s.lookups.Blocked(key, lookupPerDemand) {
		return nil, errs.New(errs.ETOOMANY, "too many look-ups; try again in 15 minutes")
	}
	rows, err := s.db.Query(ctx, "SELECT demand_id, original_id, phone, satisfaction, rated_at FROM demand_reporters WHERE original_id = ? ORDER BY id", number)
	if err != nil {
		return nil, errs.Wrap(err, "reporters")
	}
	found := false
	var demandID, original int64
	var mine string
	var rated *time.Time
	for rows.Next() && !found {
		var phone string
		if err := rows.Scan(&demandID, &original, &phone, &mine, &rated); err != nil {
			rows.Close()
			return nil, errs.Wrap(err, "reporters")
		}
		digits := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, phone)
		found = len(digits) >= 4 && digits[len(digits)-4:] == last4
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "reporters")
	}
	if !found {
		s.lookups.Fail(ip)
		s.lookups.Fail(key)
		return nil, errs.New(errs.ENOTFOUND, "no demand with this number was reported from a phone ending in these digits")
	}
	t, err := s.tracked(ctx, demandID, original, mine, rated)
	if err != nil {
		return nil, err
	}
	t.CanRate, t.Attachments = false, nil
	return t, nil
}

// tracked is the public view of demandID for the reporter whose report was
// original, with their own rating.
func (s *Service) tracked(ctx context.Context, demandID, original int64, mine string, rated *time.Time) (*Tracked, error) {
	d, err := load(ctx, s.db, demandID, false)
	if err != nil {
		return nil, err
	}
	ev, err := events(ctx, s.db, demandID, true)
	if err != nil {
		return nil, err
	}
	files, err := attachments(ctx, s.db, original, true)
	if err != nil {
		return nil, err
	}
	for i := range ev {
		if ev[i].ActorKind == ActorStaff {
			// Staff names and notes are not for public pages: a contact note
			// often names the resident, and after a merge others read this link.
			ev[i].actorName, ev[i].Text, ev[i].NoteCode, ev[i].NoteArgs = "", "", "", nil
		}
		ev[i].Text = auth.MaskText(ev[i].Text)
	}
	Localize(ev, texts.ZH)
	for i := range files {
		files[i].Name = auth.MaskText(files[i].Name)
	}
	// The link is public: after a merge its holder reads text another
	// resident wrote, so free text is masked here, once, for every surface
	// that shows it (the /t/ page and the tracking API). No address either.
	return &Tracked{ID: d.ID, Category: d.Category, CategoryName: d.CategoryName, Status: d.Status, AreaName: d.AreaName,
		CategoryNameEN: d.CategoryNameEN, AreaNameEN: d.AreaNameEN,
		Description: auth.MaskText(d.Description), CreatedAt: d.CreatedAt, ResolveDue: d.ResolveDue,
		Resolution: auth.MaskText(d.Resolution), Outcome: d.Outcome,
		CanRate: d.Status == Resolved || d.Status == Closed && mine == "", MyRating: mine, RatedAt: rated, Events: ev, Attachments: files,
		LeadArea: d.Lead}, nil
}

// Rate records a resident's rating through the tracking link, with no account.
// The first rating of a resolved demand is its callback (and may reopen it);
// every other reporter of a merged group rates too, counted on their own row.
func (s *Service) Rate(ctx context.Context, token, satisfaction string, solved bool) (*Tracked, error) {
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var rid, demandID int64
		var mine string
		if err := tx.QueryRow(ctx, "SELECT id, demand_id, satisfaction FROM demand_reporters WHERE tracking_hash = ?", hashToken(token)).
			Scan(&rid, &demandID, &mine); err != nil {
			return errs.New(errs.ENOTFOUND, "no demand has this tracking link")
		}
		if mine != "" {
			return errs.New(errs.ECONFLICT, "you have already rated this demand")
		}
		d, err := load(ctx, tx, demandID, true)
		if err != nil {
			return err
		}
		in := ActionInput{Action: ActCallback, Satisfaction: satisfaction, Solved: &solved}
		if d.Status == Resolved {
			resident := &auth.Principal{Username: "居民"} // no UserID: the timeline records a resident
			if _, err := s.apply(ctx, tx, resident, d, in); err != nil {
				return err
			}
		} else if d.Status != Closed {
			return errs.New(errs.ECONFLICT, "the demand is not resolved yet; rate it once it is")
		} else if _, err := Next(Facts{Status: Resolved, Round: MaxRounds}, in); err != nil {
			return err
		} else if d.Satisfaction == "" {
			if err := s.rateClosed(ctx, tx, d, satisfaction, solved); err != nil {
				return err
			}
		}
		_, err = tx.Exec(ctx, "UPDATE demand_reporters SET satisfaction = ?, solved = ?, rated_at = ? WHERE id = ?", satisfaction, solved, s.clock.Now().UTC(), rid)
		return errs.Wrap(err, "rate")
	})
	if err != nil {
		return nil, err
	}
	return s.Track(ctx, token)
}

// rateClosed records the first rating of a demand closed without a
// callback (answered on the spot, or the resident could not be reached) as
// its rating, which the resolution and satisfaction rates count. It stays
// closed: there is no handling to reopen.
func (s *Service) rateClosed(ctx context.Context, tx *db.Tx, d *Demand, satisfaction string, solved bool) error {
	before := *d
	now := s.clock.Now()
	d.Satisfaction, d.Solved, d.UpdatedAt = satisfaction, &solved, now
	if err := save(ctx, tx, d); err != nil {
		return err
	}
	if err := event(ctx, tx, d.ID, now, actorOf(nil), string(ActCallback), d.Status, d.Status, texts.Text{}, "", true); err != nil {
		return err
	}
	if err := rollup(ctx, tx, &before, d); err != nil {
		return err
	}
	resident := &auth.Principal{Username: "居民"} // no UserID, as Rate's callback records a resident
	return auth.Record(ctx, tx, now, resident, auth.Change{Action: string(ActCallback), Entity: "demand", EntityID: strconv.FormatInt(d.ID, 10),
		AreaPath: d.AreaPath, Before: map[string]any{"status": d.Status}, After: map[string]any{"status": d.Status, "satisfaction": satisfaction, "solved": solved}})
}

// coBodiesOf fills the co-handling bodies of a page of demands in one query.
func coBodiesOf(ctx context.Context, q db.Querier, ds []Demand) error {
	if len(ds) == 0 {
		return nil
	}
	ids := make([]any, len(ds))
	at := map[int64]int{}
	for i, d := range ds {
		ids[i], at[d.ID] = d.ID, i
	}
	err := db.Each(ctx, q, "SELECT demand_id, area_code FROM demand_co_bodies WHERE demand_id IN (?"+strings.Repeat(", ?", len(ids)-1)+") ORDER BY area_code", ids,
		scanIDText, func(x idText) error {
			ds[at[x.id]].CoBodies = append(ds[at[x.id]].CoBodies, x.text)
			return nil
		})
	return errs.Wrap(err, "co-bodies")
}
