// Package survey is residents' evaluation of their residents' committee
// (居委会测评): a campaign per committee (residential area) and period,
// anonymous one-time links handed out as printed QR slips, a short
// questionnaire on awareness, participation and satisfaction (知晓度、参与
// 度、满意度), and scores with confidence intervals over time and across
// the committees of a street.
//
// Anonymity is kept the way delib keeps ballots secret: a link is a random
// token of which only the hash is stored; using it flips its used flag once
// and writes the answer apart, under a random key, with no link, time or
// sequence (survey_answers WITHOUT ROWID); closing a campaign writes its
// answers again in key order, so on PostgreSQL neither row order nor the
// writing transaction's id ties an answer to its link. The audit row of an
// answer says only that someone answered in the campaign.
package survey

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/jobs"
)

// Service is the evaluation capability on one database.
type Service struct {
	db    *db.DB
	clock clock.Clock
	sms   SMSQueue // nil: links go on paper only (sms.go)
}

// NewService returns the evaluation service.
func NewService(d *db.DB, c clock.Clock) *Service { return &Service{db: d, clock: c} }

// JobClose closes a campaign at its closing time, keyed by its id.
const JobClose = "survey.close"

type idArgs struct {
	ID int64 `json:"id"`
}

// RegisterJobs makes q close campaigns on time.
func (s *Service) RegisterJobs(q *jobs.Queue) {
	q.Register(JobClose, jobs.Handle(func(ctx context.Context, tx *db.Tx, a idArgs) error {
		r, err := tx.Exec(ctx, `UPDATE survey_campaigns SET status = ?, updated_at = ? WHERE id = ? AND status = ?`, Closed, s.clock.Now(), a.ID, Open)
		if err != nil {
			return errs.Wrap(err, "close campaign")
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return nil // closed by staff already
		}
		if err := rewrite(ctx, tx, a.ID); err != nil {
			return err
		}
		c, err := s.campaign(ctx, tx, a.ID)
		if err != nil {
			return err
		}
		return record(ctx, tx, s.clock.Now(), auth.SystemPrincipal(), "close", c.ID, c.AreaPath, nil, map[string]any{"status": Closed})
	}))
}

// rewrite writes a closing campaign's answers again in key order, in one
// transaction, so their rows (physical order and, on PostgreSQL, the
// transaction ids that wrote them, which the used links share) carry
// nothing of when each answer came or by which link.
func rewrite(ctx context.Context, tx *db.Tx, id int64) error {
	type row struct {
		key string
		a   Answer
	}
	rows, err := db.All(ctx, tx, `SELECT answer_key, aware_members, aware_office, aware_work, part_activity, part_meeting, part_vote,
		sat_service, sat_response, sat_living, sat_overall, comment FROM survey_answers WHERE campaign_id = ? ORDER BY answer_key`, []any{id},
		func(r db.Scanner) (row, error) {
			var x row
			var am, ao, aw, pa, pm, pv int
			err := r.Scan(&x.key, &am, &ao, &aw, &pa, &pm, &pv, &x.a.SatService, &x.a.SatResponse, &x.a.SatLiving, &x.a.SatOverall, &x.a.Comment)
			x.a.AwareMembers, x.a.AwareOffice, x.a.AwareWork, x.a.PartActivity, x.a.PartMeeting, x.a.PartVote = am == 1, ao == 1, aw == 1, pa == 1, pm == 1, pv == 1
			return x, err
		})
	if err != nil {
		return errs.Wrap(err, "answers")
	}
	if _, err := tx.Exec(ctx, `DELETE FROM survey_answers WHERE campaign_id = ?`, id); err != nil {
		return errs.Wrap(err, "rewrite answers")
	}
	ins := db.NewBulkInsert(tx, "survey_answers", []string{"campaign_id", "answer_key", "aware_members", "aware_office", "aware_work",
		"part_activity", "part_meeting", "part_vote", "sat_service", "sat_response", "sat_living", "sat_overall", "comment"})
	for _, x := range rows {
		a := x.a
		if err := ins.Add(ctx, id, x.key, b2i(a.AwareMembers), b2i(a.AwareOffice), b2i(a.AwareWork), b2i(a.PartActivity), b2i(a.PartMeeting), b2i(a.PartVote),
			a.SatService, a.SatResponse, a.SatLiving, a.SatOverall, a.Comment); err != nil {
			return errs.Wrap(err, "rewrite answers")
		}
	}
	return errs.Wrap(ins.Close(ctx), "rewrite answers")
}

// Campaign is one evaluation round of a committee (测评).
type Campaign struct {
	ID        int64     `json:"id"`
	Area      string    `json:"area"`
	AreaName  string    `json:"area_name"`
	Period    string    `json:"period"`
	OpensAt   time.Time `json:"opens_at"`
	ClosesAt  time.Time `json:"closes_at"`
	Status    string    `json:"status"`
	Links     int       `json:"links"`
	Answers   int       `json:"answers"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	AreaPath  string    `json:"-"`
}

const campaignCols = `c.id, c.area_code, ar.name, c.period, c.opens_at, c.closes_at, c.status, c.created_by_name, c.created_at, c.area_path,
	(SELECT count(*) FROM survey_links l WHERE l.campaign_id = c.id),
	(SELECT count(*) FROM survey_answers x WHERE x.campaign_id = c.id)`

var campaignFrom = `survey_campaigns c` + area.Join("ar", "c.area_code")

func scanCampaign(r db.Scanner) (Campaign, error) {
	var c Campaign
	err := r.Scan(&c.ID, &c.Area, &c.AreaName, &c.Period, &c.OpensAt, &c.ClosesAt, &c.Status, &c.CreatedBy, &c.CreatedAt, &c.AreaPath, &c.Links, &c.Answers)
	return c, err
}

func (s *Service) campaign(ctx context.Context, q db.Querier, id int64) (Campaign, error) {
	c, err := scanCampaign(q.QueryRow(ctx, `SELECT `+campaignCols+` FROM `+campaignFrom+` WHERE c.id = ?`, id))
	return c, db.NotFound(err, "survey campaign")
}

// record writes the audit row of one change to a campaign.
func record(ctx context.Context, tx *db.Tx, now time.Time, p *auth.Principal, action string, id int64, path string, before, after any) error {
	return auth.Record(ctx, tx, now, p, auth.Change{Action: action, Entity: "survey", EntityID: strconv.FormatInt(id, 10),
		AreaPath: path, Before: before, After: after})
}

// hidden is what a caller learns of a campaign outside its reach: nothing.
func hidden(p *auth.Principal) error {
	if p == nil {
		return errs.New(errs.EUNAUTHORIZED, "sign in first")
	}
	return errs.New(errs.ENOTFOUND, "survey campaign not found")
}

// CampaignInput starts a campaign: the residential area whose committee is
// evaluated, the period, and the opening and closing times.
type CampaignInput struct {
	Area     string    `json:"area"`
	Period   string    `json:"period"`
	OpensAt  time.Time `json:"opens_at"`
	ClosesAt time.Time `json:"closes_at"`
}

// MaxDuration is the longest a campaign stays open.
const MaxDuration = 120 * 24 * time.Hour

// CreateCampaign starts a campaign (survey.write on the area); a job
// closes it at closes_at. One campaign per committee and period.
func (s *Service) CreateCampaign(ctx context.Context, p *auth.Principal, in CampaignInput) (Campaign, error) {
	now := s.clock.Now()
	in.Area, in.Period = strings.TrimSpace(in.Area), strings.ToUpper(strings.TrimSpace(in.Period))
	var ds []errs.Detail
	if in.Area == "" {
		ds = append(ds, errs.D("area", "choose the residential area whose committee is evaluated"))
	}
	if _, _, err := Period(in.Period); err != nil {
		ds = append(ds, errs.DetailsOf(err)...)
	}
	switch {
	case in.OpensAt.IsZero() || in.ClosesAt.IsZero():
		ds = append(ds, errs.D("closes_at", "give the opening and closing times"))
	case !in.ClosesAt.After(in.OpensAt):
		ds = append(ds, errs.D("closes_at", "the survey must close after it opens"))
	case !in.ClosesAt.After(now):
		ds = append(ds, errs.D("closes_at", "the closing time has passed; choose a later one"))
	case in.ClosesAt.Sub(in.OpensAt) > MaxDuration:
		ds = append(ds, errs.D("closes_at", "a survey stays open at most 120 days"))
	}
	if len(ds) > 0 {
		return Campaign{}, errs.Fields(ds)
	}
	in.OpensAt, in.ClosesAt = in.OpensAt.UTC().Truncate(time.Minute), in.ClosesAt.UTC().Truncate(time.Minute)
	var id int64
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		level, path, err := area.LevelPath(ctx, tx, in.Area)
		if errs.Code(err) == errs.ENOTFOUND {
			return errs.Invalid("area", "unknown area %q", in.Area)
		} else if err != nil {
			return err
		}
		if err := auth.Authorize(p, auth.SurveyWrite, path); err != nil {
			return err
		}
		if level != area.Residential {
			return errs.Invalid("area", "a survey evaluates one residents' committee: choose a residential area")
		}
		by, name := p.Actor()
		id, err = db.InsertID(ctx, tx, `INSERT INTO survey_campaigns (area_code, area_path, period, opens_at, closes_at, status, created_by, created_by_name, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, in.Area, path, in.Period, in.OpensAt, in.ClosesAt, Open, by, name, now, now)
		if errs.Code(err) == errs.ECONFLICT {
			return errs.Invalid("period", "this committee has a survey for %s already", in.Period)
		} else if err != nil {
			return errs.Wrap(err, "insert campaign")
		}
		j := jobs.Job{Kind: JobClose, Key: strconv.FormatInt(id, 10), RunAt: in.ClosesAt, Args: idArgs{ID: id}}
		if err := jobs.Enqueue(ctx, tx, now, j); err != nil {
			return err
		}
		return record(ctx, tx, now, p, "create", id, path, nil, map[string]any{"area": in.Area, "period": in.Period,
			"opens_at": in.OpensAt, "closes_at": in.ClosesAt})
	})
	if err != nil {
		return Campaign{}, err
	}
	return s.campaign(ctx, s.db, id)
}

// GetCampaign returns one campaign to staff who read surveys of its area.
func (s *Service) GetCampaign(ctx context.Context, p *auth.Principal, id int64) (Campaign, error) {
	c, err := s.campaign(ctx, s.db, id)
	if err != nil {
		return Campaign{}, err
	}
	if auth.Authorize(p, auth.SurveyRead, c.AreaPath) != nil {
		return Campaign{}, hidden(p)
	}
	return c, nil
}

// CanManage reports whether p makes links for and closes c.
func CanManage(p *auth.Principal, c Campaign) bool {
	return auth.Authorize(p, auth.SurveyWrite, c.AreaPath) == nil
}

// Filter narrows a list of campaigns.
type Filter struct {
	Area    string // this area's subtree
	Period  string
	Page    int
	PerPage int
}

// List lists the campaigns in p's scope (survey.read), latest first.
func (s *Service) List(ctx context.Context, p *auth.Principal, f Filter) (db.Listed[Campaign], error) {
	if err := auth.AuthorizeAny(p, auth.SurveyRead); err != nil {
		return db.Listed[Campaign]{}, err
	}
	w, err := s.where(ctx, p, f)
	if err != nil {
		return db.Listed[Campaign]{}, err
	}
	limit, offset := auth.Paging(f.Page, f.PerPage)
	l, err := db.List(ctx, s.db, db.Page{Cols: campaignCols, From: campaignFrom, Where: w, Order: "c.opens_at DESC, c.id DESC", Limit: limit, Offset: offset}, scanCampaign)
	return l, errs.Wrap(err, "list campaigns")
}

func (s *Service) where(ctx context.Context, p *auth.Principal, f Filter) (db.Where, error) {
	var w db.Where
	c, a := auth.ScopeSQL(s.db.Dialect, p, auth.SurveyRead, "c.area_path")
	w.And(c, a...)
	if f.Area != "" {
		path, err := area.Path(ctx, s.db, f.Area)
		if errs.Code(err) == errs.ENOTFOUND {
			return w, errs.Invalid("area", "unknown area %q", f.Area)
		} else if err != nil {
			return w, err
		}
		c, a := area.Subtree(s.db.Dialect, "c.area_path", path)
		w.And(c, a)
	}
	if f.Period != "" {
		f.Period = strings.ToUpper(strings.TrimSpace(f.Period))
		if _, _, err := Period(f.Period); err != nil {
			return w, err
		}
		w.And("c.period = ?", f.Period)
	}
	return w, nil
}

// CloseCampaign closes an open campaign now (survey.write).
func (s *Service) CloseCampaign(ctx context.Context, p *auth.Principal, id int64) (Campaign, error) {
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		c, err := s.campaign(ctx, tx, id)
		if err != nil {
			return err
		}
		if auth.Authorize(p, auth.SurveyRead, c.AreaPath) != nil {
			return hidden(p)
		}
		if err := auth.Authorize(p, auth.SurveyWrite, c.AreaPath); err != nil {
			return err
		}
		if c.Status == Closed {
			return errs.New(errs.ECONFLICT, "this survey is closed already")
		}
		now := s.clock.Now()
		if _, err := tx.Exec(ctx, `UPDATE survey_campaigns SET status = ?, updated_at = ? WHERE id = ?`, Closed, now, id); err != nil {
			return errs.Wrap(err, "close campaign")
		}
		if err := rewrite(ctx, tx, id); err != nil {
			return err
		}
		return record(ctx, tx, now, p, "close", id, c.AreaPath, map[string]any{"status": c.Status}, map[string]any{"status": Closed})
	})
	if err != nil {
		return Campaign{}, err
	}
	return s.campaign(ctx, s.db, id)
}

// MaxLinks is the most links made at a time.
const MaxLinks = 2000

// newToken draws a link's token: 128 random bits.
func newToken() string {
	b := make([]byte, 16)
	rand.Read(b)
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}

func hashToken(t string) string {
	h := sha256.Sum256([]byte(t))
	return hex.EncodeToString(h[:])
}

// MakeLinks makes n one-time links for an open campaign (survey.write).
// Only the tokens' hashes are kept: the tokens returned are printed now
// or not at all.
func (s *Service) MakeLinks(ctx context.Context, p *auth.Principal, id int64, n int) ([]string, error) {
	if n <= 0 || n > MaxLinks {
		return nil, errs.Invalid("count", "make from 1 to %d links at a time", MaxLinks)
	}
	var out []string
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		c, err := s.campaign(ctx, tx, id)
		if err != nil {
			return err
		}
		if auth.Authorize(p, auth.SurveyRead, c.AreaPath) != nil {
			return hidden(p)
		}
		if err := auth.Authorize(p, auth.SurveyWrite, c.AreaPath); err != nil {
			return err
		}
		if c.Status == Closed || !s.clock.Now().Before(c.ClosesAt) {
			return errs.New(errs.ECONFLICT, "links are made for a survey that has not closed")
		}
		ins := db.NewBulkInsert(tx, "survey_links", []string{"token_hash", "campaign_id", "used"})
		for range n {
			t := newToken()
			if err := ins.Add(ctx, hashToken(t), id, false); err != nil {
				return errs.Wrap(err, "links")
			}
			out = append(out, t)
		}
		if err := ins.Close(ctx); err != nil {
			return errs.Wrap(err, "links")
		}
		return record(ctx, tx, s.clock.Now(), p, "links", id, c.AreaPath, nil, map[string]any{"links": n})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Public is what a link's holder sees of its campaign: the committee, the
// period, the closing time, and whether the link was used.
type Public struct {
	ID       int64     `json:"id"`
	AreaName string    `json:"area_name"`
	Period   string    `json:"period"`
	OpensAt  time.Time `json:"opens_at"`
	ClosesAt time.Time `json:"closes_at"`
	Status   string    `json:"status"`
	Used     bool      `json:"used"`
}

var errNoLink = errs.New(errs.ENOTFOUND, "no such survey link; check it against the slip")

var errUsed = errs.New(errs.ECONFLICT, "this survey link was used already; each link answers once")

// LinkCampaign returns the campaign a link is for; an unknown token is not found.
func (s *Service) LinkCampaign(ctx context.Context, token string) (Public, error) {
	var id int64
	var used bool
	err := s.db.QueryRow(ctx, `SELECT campaign_id, used FROM survey_links WHERE token_hash = ?`, hashToken(token)).Scan(&id, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return Public{}, errNoLink
	} else if err != nil {
		return Public{}, errs.Wrap(err, "survey link")
	}
	c, err := s.campaign(ctx, s.db, id)
	if err != nil {
		return Public{}, err
	}
	return Public{ID: c.ID, AreaName: c.AreaName, Period: c.Period, OpensAt: c.OpensAt, ClosesAt: c.ClosesAt, Status: c.Status, Used: used}, nil
}

// newKey draws an answer's key: random, so the order of answers says
// nothing about the order they came in.
func newKey() string { return newToken() }

// AnswerLink records the answer of a link's holder, no account needed. The
// link works once: a second use, even racing the first, is ECONFLICT and
// changes nothing.
func (s *Service) AnswerLink(ctx context.Context, token string, a Answer) error {
	a.Comment = strings.TrimSpace(a.Comment)
	if err := CheckAnswer(a); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		h := hashToken(token)
		var id int64
		var used bool
		err := tx.QueryRow(ctx, `SELECT campaign_id, used FROM survey_links WHERE token_hash = ?`, h).Scan(&id, &used)
		if errors.Is(err, sql.ErrNoRows) {
			return errNoLink
		} else if err != nil {
			return errs.Wrap(err, "survey link")
		}
		if used {
			return errUsed
		}
		c, err := s.campaign(ctx, tx, id)
		if err != nil {
			return err
		}
		now := s.clock.Now()
		if err := CanAnswer(c.Status, c.OpensAt, c.ClosesAt, now); err != nil {
			return err
		}
		r, err := tx.Exec(ctx, `UPDATE survey_links SET used = ? WHERE token_hash = ? AND used = ?`, true, h, false)
		if err != nil {
			return errs.Wrap(err, "survey link")
		}
		if n, _ := r.RowsAffected(); n != 1 {
			return errUsed
		}
		if _, err := tx.Exec(ctx, `INSERT INTO survey_answers (campaign_id, answer_key, aware_members, aware_office, aware_work,
			part_activity, part_meeting, part_vote, sat_service, sat_response, sat_living, sat_overall, comment)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, newKey(), b2i(a.AwareMembers), b2i(a.AwareOffice), b2i(a.AwareWork),
			b2i(a.PartActivity), b2i(a.PartMeeting), b2i(a.PartVote), a.SatService, a.SatResponse, a.SatLiving, a.SatOverall, a.Comment); err != nil {
			return errs.Wrap(err, "answer")
		}
		return record(ctx, tx, now, nil, "answer", id, c.AreaPath, nil, nil)
	})
}

func scanAnswer(r db.Scanner) (Answer, error) {
	var a Answer
	var am, ao, aw, pa, pm, pv int
	err := r.Scan(&am, &ao, &aw, &pa, &pm, &pv, &a.SatService, &a.SatResponse, &a.SatLiving, &a.SatOverall, &a.Comment)
	a.AwareMembers, a.AwareOffice, a.AwareWork, a.PartActivity, a.PartMeeting, a.PartVote = am == 1, ao == 1, aw == 1, pa == 1, pm == 1, pv == 1
	return a, err
}

// answers reads a campaign's answers, in key order (random).
func (s *Service) answers(ctx context.Context, id int64) ([]Answer, error) {
	as, err := db.All(ctx, s.db, `SELECT aware_members, aware_office, aware_work, part_activity, part_meeting, part_vote,
		sat_service, sat_response, sat_living, sat_overall, comment FROM survey_answers WHERE campaign_id = ? ORDER BY answer_key`, []any{id}, scanAnswer)
	return as, errs.Wrap(err, "answers")
}

// Result is a campaign with its scores.
type Result struct {
	Campaign Campaign `json:"campaign"`
	Scores   Scores   `json:"scores"`
}

// Results returns a campaign's scores and what residents wrote, their
// personal data (phone numbers, ID numbers, e-mail addresses) masked, for
// staff who read surveys of its area.
func (s *Service) Results(ctx context.Context, p *auth.Principal, id int64) (Result, []string, error) {
	c, err := s.GetCampaign(ctx, p, id)
	if err != nil {
		return Result{}, nil, err
	}
	as, err := s.answers(ctx, id)
	if err != nil {
		return Result{}, nil, err
	}
	var comments []string
	for _, a := range as {
		if a.Comment != "" {
			comments = append(comments, auth.MaskText(a.Comment))
		}
	}
	return Result{Campaign: c, Scores: Score(as, c.Links)}, comments, nil
}

// MaxCompare is the most campaigns one comparison or trend scores.
const MaxCompare = 500

// Compare scores the campaigns the filter selects in p's scope
// (survey.read): a committee's periods (Area a residential area) or the
// committees of a street in one period (Area the street, Period set).
// Oldest first, then by area.
func (s *Service) Compare(ctx context.Context, p *auth.Principal, f Filter) ([]Result, error) {
	if err := auth.AuthorizeAny(p, auth.SurveyRead); err != nil {
		return nil, err
	}
	w, err := s.where(ctx, p, f)
	if err != nil {
		return nil, err
	}
	cs, err := db.All(ctx, s.db, `SELECT `+campaignCols+` FROM `+campaignFrom+` WHERE `+w.SQL()+` ORDER BY c.opens_at, c.area_code LIMIT `+strconv.Itoa(MaxCompare), w.Args(), scanCampaign)
	if err != nil {
		return nil, errs.Wrap(err, "campaigns")
	}
	out := make([]Result, 0, len(cs))
	for _, c := range cs {
		as, err := s.answers(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, Result{Campaign: c, Scores: Score(as, c.Links)})
	}
	return out, nil
}
