package cadre

import (
	"context"
	"database/sql"
	"time"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// Pair is a mentoring pair (结对带教): a regional unit's party secretary
// mentoring a two-new organisation's (non-public enterprise or social
// organisation) secretary, with the meetings they held.
type Pair struct {
	ID         int64     `json:"id"`
	MentorName string    `json:"mentor_name"`
	MentorUnit string    `json:"mentor_unit"`
	MenteeName string    `json:"mentee_name"`
	MenteeUnit string    `json:"mentee_unit"`
	Area       string    `json:"area"`
	AreaName   string    `json:"area_name"`
	Since      string    `json:"since"`
	Meetings   int       `json:"meetings"`
	LastMet    string    `json:"last_met"`
	Log        []Meeting `json:"log,omitempty"`
	AreaPath   string    `json:"-"`
}

// Meeting is one mentoring meeting.
type Meeting struct {
	ID     int64  `json:"id"`
	HeldOn string `json:"held_on"`
	Topic  string `json:"topic"`
	Notes  string `json:"notes"`
}

// PairInput makes a pair.
type PairInput struct {
	MentorName   string `json:"mentor_name"`
	MentorUnitID int64  `json:"mentor_unit_id"` // a regional unit
	MenteeName   string `json:"mentee_name"`
	MenteeUnitID int64  `json:"mentee_unit_id"` // a non-public enterprise or social organisation
	Since        string `json:"since"`          // YYYY-MM-DD
}

// MeetingInput logs a meeting.
type MeetingInput struct {
	HeldOn string `json:"held_on"`
	Topic  string `json:"topic"`
	Notes  string `json:"notes,omitempty"`
}

const pairCols = `p.id, p.mentor_name, mu.name, p.mentee_name, eu.name, p.area_code, a.name, p.since, p.area_path,
	(SELECT count(*) FROM mentor_meetings mm WHERE mm.pair_id = p.id), COALESCE((SELECT max(mm.held_on) FROM mentor_meetings mm WHERE mm.pair_id = p.id), '')`

var pairFrom = `mentor_pairs p JOIN units mu ON mu.id = p.mentor_unit_id JOIN units eu ON eu.id = p.mentee_unit_id` + area.Join("a", "p.area_code")

func scanPair(sc db.Scanner) (Pair, error) {
	var p Pair
	err := sc.Scan(&p.ID, &p.MentorName, &p.MentorUnit, &p.MenteeName, &p.MenteeUnit, &p.Area, &p.AreaName, &p.Since, &p.AreaPath, &p.Meetings, &p.LastMet)
	return p, err
}

// Pairs lists the mentoring pairs in p's scope (by the mentee's area).
func (s *Service) Pairs(ctx context.Context, p *auth.Principal, page, perPage int) (db.Listed[Pair], error) {
	if err := auth.AuthorizeAny(p, auth.CadreRead); err != nil {
		return db.Listed[Pair]{}, err
	}
	var w db.Where
	sc, sa := auth.ScopeSQL(s.db.Dialect, p, auth.CadreRead, "p.area_path")
	w.And(sc, sa...)
	limit, offset := auth.Paging(page, perPage)
	l, err := db.List(ctx, s.db, db.Page{Cols: pairCols, From: pairFrom, Where: w, Order: "p.area_path, p.id", Limit: limit, Offset: offset}, scanPair)
	return l, errs.Wrap(err, "mentoring pairs")
}

// Pair returns one pair with its meetings, newest first.
func (s *Service) Pair(ctx context.Context, p *auth.Principal, id int64) (Pair, error) {
	out, err := scanPair(s.db.QueryRow(ctx, `SELECT `+pairCols+` FROM `+pairFrom+` WHERE p.id = ?`, id))
	if err == sql.ErrNoRows || (err == nil && auth.Authorize(p, auth.CadreRead, out.AreaPath) != nil) {
		return Pair{}, pairNotFound(p)
	} else if err != nil {
		return Pair{}, errs.Wrap(err, "mentoring pair")
	}
	out.Log, err = db.All(ctx, s.db, "SELECT id, held_on, topic, notes FROM mentor_meetings WHERE pair_id = ? ORDER BY held_on DESC, id DESC", []any{id},
		func(sc db.Scanner) (Meeting, error) {
			var m Meeting
			err := sc.Scan(&m.ID, &m.HeldOn, &m.Topic, &m.Notes)
			return m, err
		})
	return out, errs.Wrap(err, "mentoring meetings")
}

func pairNotFound(p *auth.Principal) error {
	if p == nil {
		return errs.New(errs.EUNAUTHORIZED, "sign in first")
	}
	return errs.New(errs.ENOTFOUND, "mentoring pair not found")
}

// unitKind reads a unit's kind and area.
func unitKind(ctx context.Context, q db.Querier, id int64) (kind, code, path string, err error) {
	err = q.QueryRow(ctx, "SELECT kind, area_code, area_path FROM units WHERE id = ?", id).Scan(&kind, &code, &path)
	return
}

// CreatePair makes a mentoring pair (cadre.write on the mentee unit's area).
func (s *Service) CreatePair(ctx context.Context, p *auth.Principal, in PairInput) (Pair, error) {
	if err := auth.AuthorizeAny(p, auth.CadreWrite); err != nil {
		return Pair{}, err
	}
	var ds []errs.Detail
	in.MentorName = text(&ds, "mentor_name", in.MentorName, maxName, errs.D("mentor_name", "give the mentor's name"))
	in.MenteeName = text(&ds, "mentee_name", in.MenteeName, maxName, errs.D("mentee_name", "give the mentee's name"))
	since, err := Day("since", in.Since)
	if err != nil {
		ds = append(ds, errs.DetailsOf(err)...)
	}
	if len(ds) > 0 {
		return Pair{}, errs.Fields(ds)
	}
	var id int64
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		// Regional units mentor across the district: any regional unit.
		mk, _, _, err := unitKind(ctx, tx, in.MentorUnitID)
		if err == sql.ErrNoRows {
			return errs.Invalid("mentor_unit_id", "no unit %d among those you can see", in.MentorUnitID)
		} else if err != nil {
			return errs.Wrap(err, "unit")
		}
		if mk != "regional_unit" {
			return errs.Invalid("mentor_unit_id", "the mentor's unit is a regional unit (区域化单位)")
		}
		ek, code, path, err := unitKind(ctx, tx, in.MenteeUnitID)
		if err == sql.ErrNoRows || (err == nil && auth.Authorize(p, auth.CadreRead, path) != nil) {
			return errs.Invalid("mentee_unit_id", "no unit %d among those you can see", in.MenteeUnitID)
		} else if err != nil {
			return errs.Wrap(err, "unit")
		}
		if ek != "non_public_enterprise" && ek != "social_organization" {
			return errs.Invalid("mentee_unit_id", "the mentee's unit is a two-new organisation (a non-public enterprise or social organisation)")
		}
		if err := auth.Authorize(p, auth.CadreWrite, path); err != nil {
			return err
		}
		now := s.clock.Now()
		if id, err = db.InsertID(ctx, tx, `INSERT INTO mentor_pairs (mentor_name, mentor_unit_id, mentee_name, mentee_unit_id, area_code, area_path, since, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, in.MentorName, in.MentorUnitID, in.MenteeName, in.MenteeUnitID, code, path, since, now); err != nil {
			return errs.Wrap(err, "insert mentoring pair")
		}
		return record(ctx, tx, now, p, "create", "mentor_pair", id, path, nil, in)
	})
	if err != nil {
		return Pair{}, err
	}
	return s.Pair(ctx, p, id)
}

// LogMeeting logs a meeting of a pair (cadre.write on its area).
func (s *Service) LogMeeting(ctx context.Context, p *auth.Principal, id int64, in MeetingInput) (Meeting, error) {
	var ds []errs.Detail
	in.Topic = text(&ds, "topic", in.Topic, maxCourse, errs.D("topic", "give the meeting's topic"))
	in.Notes = text(&ds, "notes", in.Notes, maxText, errs.Detail{})
	day, err := Day("held_on", in.HeldOn)
	if err != nil {
		ds = append(ds, errs.DetailsOf(err)...)
	} else if day > s.clock.Now().Format(time.DateOnly) && day > s.clock.Now().Add(24*time.Hour).Format(time.DateOnly) {
		ds = append(ds, errs.D("held_on", "a meeting is logged once it was held"))
	}
	if len(ds) > 0 {
		return Meeting{}, errs.Fields(ds)
	}
	m := Meeting{HeldOn: day, Topic: in.Topic, Notes: in.Notes}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		var path string
		err := tx.QueryRow(ctx, "SELECT area_path FROM mentor_pairs WHERE id = ?", id).Scan(&path)
		if err == sql.ErrNoRows || (err == nil && auth.Authorize(p, auth.CadreRead, path) != nil) {
			return pairNotFound(p)
		} else if err != nil {
			return errs.Wrap(err, "mentoring pair")
		}
		if err := auth.Authorize(p, auth.CadreWrite, path); err != nil {
			return err
		}
		now := s.clock.Now()
		if m.ID, err = db.InsertID(ctx, tx, "INSERT INTO mentor_meetings (pair_id, held_on, topic, notes, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)",
			id, m.HeldOn, m.Topic, m.Notes, reviewer(p), now); err != nil {
			return errs.Wrap(err, "insert meeting")
		}
		return record(ctx, tx, now, p, "meeting", "mentor_pair", id, path, nil, m)
	})
	return m, err
}
