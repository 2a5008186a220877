package delib

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/demand"
	"gongzhi/internal/errs"
	"gongzhi/internal/jobs"
	"gongzhi/internal/search"
)

// Topic is a topic (议题) raised in an area.
type Topic struct {
	ID         int64      `json:"id"`
	Area       string     `json:"area"`
	AreaName   string     `json:"area_name"`
	Title      string     `json:"title"`
	Body       string     `json:"body"`
	Status     string     `json:"status"`
	Threshold  int        `json:"threshold"`   // supports that put it on the agenda
	AnswerDays int        `json:"answer_days"` // working days staff have to answer once it is on the agenda
	Supports   int        `json:"supports"`
	RaisedBy   string     `json:"raised_by"` // a resident's name is masked
	ByStaff    bool       `json:"by_staff"`
	AgendaAt   *time.Time `json:"agenda_at"`
	DueAt      *time.Time `json:"due_at"`
	Overdue    bool       `json:"overdue"`
	// EscalatedTo is the area whose staff the answer job told when the
	// answer fell overdue (the parent area), with its name.
	EscalatedTo     string        `json:"escalated_to,omitempty"`
	EscalatedToName string        `json:"escalated_to_name,omitempty"`
	Answer          string        `json:"answer"`
	AnsweredAt      *time.Time    `json:"answered_at"`
	Votes           []int64       `json:"votes,omitempty"` // votes called on it (single topics only)
	Events          []TopicEvent  `json:"events,omitempty"`
	Comments        []Comment     `json:"comments,omitempty"` // the thread, oldest first (one topic only)
	Demands         []TopicDemand `json:"demands,omitempty"`  // the demands staff made it from, by number (one topic only)
	CreatedAt       time.Time     `json:"created_at"`
	UpdatedAt       time.Time     `json:"updated_at"`
	AreaPath        string        `json:"-"`
	raisedByID      *int64
}

// TopicEvent is one status change of a topic with its reason, shown to all.
type TopicEvent struct {
	At     time.Time `json:"at"`
	Status string    `json:"status"` // the status it moved to; "vote" when a vote was called on it
	Reason string    `json:"reason"`
	By     string    `json:"by"`
}

const topicCols = `t.id, t.area_code, ar.name, t.title, t.body, t.status, t.threshold, t.answer_days, t.supports, t.raised_by, t.raised_by_name,
	t.by_staff, t.agenda_at, t.due_at, t.overdue, t.answer, t.answered_at, t.created_at, t.updated_at, t.area_path,
	COALESCE(t.escalated_to, ''), COALESCE(ea.name, '')`

var topicFrom = `topics t` + area.Join("ar", "t.area_code") + area.LeftJoin("ea", "t.escalated_to")

func scanTopic(r db.Scanner) (Topic, error) {
	var t Topic
	var by sql.NullInt64
	var agenda, due, answered sql.NullTime
	err := r.Scan(&t.ID, &t.Area, &t.AreaName, &t.Title, &t.Body, &t.Status, &t.Threshold, &t.AnswerDays, &t.Supports, &by, &t.RaisedBy,
		&t.ByStaff, &agenda, &due, &t.Overdue, &t.Answer, &answered, &t.CreatedAt, &t.UpdatedAt, &t.AreaPath,
		&t.EscalatedTo, &t.EscalatedToName)
	t.raisedByID = db.NullID(by)
	t.AgendaAt, t.DueAt, t.AnsweredAt = nullTime(agenda), nullTime(due), nullTime(answered)
	if !t.ByStaff && by.Valid {
		t.RaisedBy = auth.MaskName(t.RaisedBy)
	} // else staff, or a phone (its name is the masked phone already)
	return t, err
}

func nullTime(n sql.NullTime) *time.Time {
	if !n.Valid {
		return nil
	}
	t := n.Time
	return &t
}

func (s *Service) topic(ctx context.Context, q db.Querier, id int64) (Topic, error) {
	t, err := scanTopic(q.QueryRow(ctx, `SELECT `+topicCols+` FROM `+topicFrom+` WHERE t.id = ?`, id))
	return t, db.NotFound(err, "topic")
}

// canSeeTopic: staff of the area and its residents.
func canSeeTopic(p *auth.Principal, t Topic) bool {
	return auth.Authorize(p, auth.DelibRead, t.AreaPath) == nil || eligible(p, t.AreaPath)
}

// CanAnswer reports whether p answers and closes t.
func CanAnswer(p *auth.Principal, t Topic) bool {
	return auth.Authorize(p, auth.DelibWrite, t.AreaPath) == nil
}

// CanSupport reports whether p may support t (whether p did already is not told here).
func CanSupport(p *auth.Principal, t Topic) bool {
	return eligible(p, t.AreaPath) && (t.Status == TopicOpen || t.Status == TopicAgenda)
}

// Settings are an area's topic thresholds.
type Settings struct {
	Area             string `json:"area"`
	SupportThreshold int    `json:"support_threshold"`
	AnswerDays       int    `json:"answer_days"`
	Civility         string `json:"civility"` // the civility policy shown above the comment box; empty: the default policy
}

// settingsFor returns the setting of the nearest area above or at path
// that has one, else the defaults.
func settingsFor(ctx context.Context, q db.Querier, path string) (Settings, error) {
	st := Settings{SupportThreshold: DefaultSupportThreshold, AnswerDays: DefaultAnswerDays}
	rows, err := db.All(ctx, q, `SELECT area_code, area_path, support_threshold, answer_days, civility FROM delib_settings`, nil, func(r db.Scanner) (struct {
		Settings
		path string
	}, error) {
		var x struct {
			Settings
			path string
		}
		err := r.Scan(&x.Area, &x.path, &x.SupportThreshold, &x.AnswerDays, &x.Civility)
		return x, err
	})
	if err != nil {
		return st, errs.Wrap(err, "settings")
	}
	best := ""
	for _, x := range rows {
		if pathWithin(x.path, path) && len(x.path) > len(best) {
			best, st = x.path, x.Settings
		}
	}
	return st, nil
}

// SetSettings sets an area's support threshold and answer days (delib.write there).
func (s *Service) SetSettings(ctx context.Context, p *auth.Principal, in Settings) (Settings, error) {
	var d []errs.Detail
	if in.SupportThreshold < 1 || in.SupportThreshold > 10000 {
		d = append(d, errs.D("support_threshold", "the support threshold is a number from 1 to 10000"))
	}
	if in.AnswerDays < 1 || in.AnswerDays > 60 {
		d = append(d, errs.D("answer_days", "staff answer within 1 to 60 working days"))
	}
	in.Civility = strings.TrimSpace(in.Civility)
	if len([]rune(in.Civility)) > MaxCivility {
		d = append(d, errs.D("civility", "the civility policy is at most %d characters", MaxCivility))
	}
	if len(d) > 0 {
		return Settings{}, errs.Fields(d)
	}
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		path, err := area.Path(ctx, tx, in.Area)
		if errs.Code(err) == errs.ENOTFOUND {
			return errs.Invalid("area", "unknown area %q", in.Area)
		} else if err != nil {
			return err
		}
		if err := auth.Authorize(p, auth.DelibWrite, path); err != nil {
			return err
		}
		now := s.clock.Now()
		if _, err := tx.Exec(ctx, `INSERT INTO delib_settings (area_code, area_path, support_threshold, answer_days, civility, updated_at) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (area_code) DO UPDATE SET support_threshold = excluded.support_threshold, answer_days = excluded.answer_days,
			civility = excluded.civility, updated_at = excluded.updated_at`,
			in.Area, path, in.SupportThreshold, in.AnswerDays, in.Civility, now); err != nil {
			return errs.Wrap(err, "settings")
		}
		return auth.Record(ctx, tx, now, p, auth.Change{Action: "update", Entity: "delib_settings", EntityID: in.Area, AreaPath: path, After: in})
	})
	return in, err
}

// Settings returns the topic settings in force for an area.
func (s *Service) Settings(ctx context.Context, code string) (Settings, error) {
	path, err := area.Path(ctx, s.db, code)
	if err != nil {
		return Settings{}, err
	}
	st, err := settingsFor(ctx, s.db, path)
	st.Area = code
	return st, err
}

// RaiseTopic raises a topic in an area: a resident of the area
// (delib.join) or its staff (delib.write). The area's setting fixes its
// threshold and answer days.
func (s *Service) RaiseTopic(ctx context.Context, p *auth.Principal, in TopicInput) (Topic, error) {
	if err := CheckTopic(&in); err != nil {
		return Topic{}, err
	}
	var id int64
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		path, err := area.Path(ctx, tx, in.Area)
		if errs.Code(err) == errs.ENOTFOUND {
			return errs.Invalid("area", "unknown area %q", in.Area)
		} else if err != nil {
			return err
		}
		staff := auth.Authorize(p, auth.DelibWrite, path) == nil
		if !staff && !eligible(p, path) {
			if p == nil {
				return errs.New(errs.EUNAUTHORIZED, "sign in first")
			}
			return errs.New(errs.EFORBIDDEN, "topics of an area are raised by its residents and staff")
		}
		if len(in.Demands) > 0 && !staff {
			return errs.New(errs.EFORBIDDEN, "staff of the area make topics from demands")
		}
		st, err := settingsFor(ctx, tx, path)
		if err != nil {
			return err
		}
		now := s.clock.Now()
		by, name := p.Actor()
		id, err = db.InsertID(ctx, tx, `INSERT INTO topics (area_code, area_path, title, body, status, threshold, answer_days, raised_by, raised_by_name,
			by_staff, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			in.Area, path, in.Title, in.Body, TopicOpen, st.SupportThreshold, st.AnswerDays, by, name, staff, now, now)
		if err != nil {
			return errs.Wrap(err, "insert topic")
		}
		if err := s.topicEvent(ctx, tx, now, p, id, path, TopicOpen, ""); err != nil {
			return err
		}
		if err := linkDemands(ctx, tx, p, id, path, in.Demands); err != nil {
			return err
		}
		if err := search.Put(ctx, tx, TopicDoc(id, path, in.Title, in.Body)); err != nil {
			return err
		}
		after := map[string]any{"title": in.Title}
		if len(in.Demands) > 0 {
			after["demand_ids"] = in.Demands
		}
		return record(ctx, tx, now, p, "create", "topic", id, path, nil, after)
	})
	if err != nil {
		return Topic{}, err
	}
	t, err := s.topic(ctx, s.db, id)
	if err != nil {
		return Topic{}, err
	}
	t.Demands, err = topicDemands(ctx, s.db, id)
	return t, err
}

// topicEvent adds an entry to a topic's public history. path is only
// needed when the status is a move (for nothing else today).
func (s *Service) topicEvent(ctx context.Context, tx *db.Tx, now time.Time, p *auth.Principal, id int64, path, status, reason string) error {
	_, name := p.Actor()
	if p != nil && !p.System && auth.AuthorizeAny(p, auth.DelibWrite) != nil {
		name = auth.MaskName(name) // a resident's name, as on every public page
	}
	_, err := tx.Exec(ctx, `INSERT INTO topic_events (topic_id, at, status, reason, actor_name) VALUES (?, ?, ?, ?, ?)`, id, now, status, reason, name)
	return errs.Wrap(err, "topic event")
}

// GetTopic returns a topic with its history and votes to staff of its area and its residents.
func (s *Service) GetTopic(ctx context.Context, p *auth.Principal, id int64) (Topic, error) {
	t, err := s.topic(ctx, s.db, id)
	if err != nil {
		return Topic{}, err
	}
	if !canSeeTopic(p, t) {
		return Topic{}, hidden(p, "topic")
	}
	if t.Events, err = db.All(ctx, s.db, `SELECT at, status, reason, actor_name FROM topic_events WHERE topic_id = ? ORDER BY at, id`, []any{id},
		func(r db.Scanner) (TopicEvent, error) {
			var e TopicEvent
			err := r.Scan(&e.At, &e.Status, &e.Reason, &e.By)
			return e, err
		}); err != nil {
		return Topic{}, errs.Wrap(err, "topic events")
	}
	if t.Votes, err = db.IDs(ctx, s.db, `SELECT id FROM votes WHERE topic_id = ? AND status <> 'cancelled' ORDER BY id`, id); err != nil {
		return Topic{}, errs.Wrap(err, "topic votes")
	}
	if t.Comments, err = s.comments(ctx, p, id); err != nil {
		return Topic{}, err
	}
	if t.Demands, err = topicDemands(ctx, s.db, id); err != nil {
		return Topic{}, err
	}
	return t, nil
}

// Supported reports whether p supports topic id.
func (s *Service) Supported(ctx context.Context, p *auth.Principal, id int64) (bool, error) {
	if p == nil || p.UserID == 0 {
		return false, nil
	}
	var n int
	err := s.db.QueryRow(ctx, `SELECT count(*) FROM topic_supports WHERE topic_id = ? AND user_id = ?`, id, p.UserID).Scan(&n)
	return n > 0, errs.Wrap(err, "supports")
}

// Support adds p's support to a topic: a resident of its area, once. The
// support that reaches the threshold puts it on the agenda, starts the
// staff's answer clock (working days) and enqueues the job that marks it
// overdue.
func (s *Service) Support(ctx context.Context, p *auth.Principal, id int64) (Topic, error) {
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		t, err := s.topic(ctx, tx, id)
		if err != nil {
			return err
		}
		if !eligible(p, t.AreaPath) {
			if !canSeeTopic(p, t) && auth.AuthorizeAny(p, auth.DelibJoin) != nil {
				return hidden(p, "topic")
			}
			return errs.New(errs.EFORBIDDEN, "topics are supported by residents of %s", t.AreaName)
		}
		if err := phoneSupportOfAccount(ctx, tx, p.UserID, id); err != nil {
			return err
		}
		now := s.clock.Now()
		err = s.addSupport(ctx, tx, now, t, `INSERT INTO topic_supports (topic_id, user_id) VALUES (?, ?)`, id, p.UserID)
		if err != nil {
			return err
		}
		return record(ctx, tx, now, p, "support", "topic", id, t.AreaPath, nil, nil)
	})
	if err != nil {
		return Topic{}, err
	}
	return s.GetTopic(ctx, p, id)
}

// addSupport counts one support of t, written by insert (an account's or
// a phone's row): the one that reaches the threshold puts it on the agenda.
func (s *Service) addSupport(ctx context.Context, tx *db.Tx, now time.Time, t Topic, insert string, args ...any) error {
	to, err := Supported(t.Status, t.Supports, t.Threshold)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, insert, args...); err != nil {
		if errs.Code(db.MapError(err)) == errs.ECONFLICT {
			return errs.New(errs.ECONFLICT, "you support this topic already; one support each")
		}
		return errs.Wrap(err, "support")
	}
	if _, err := tx.Exec(ctx, `UPDATE topics SET supports = supports + 1, updated_at = ? WHERE id = ?`, now, t.ID); err != nil {
		return errs.Wrap(err, "support")
	}
	if to != t.Status {
		return s.toAgenda(ctx, tx, now, t)
	}
	return nil
}

// toAgenda puts t on the agenda: staff owe an answer within its working days.
func (s *Service) toAgenda(ctx context.Context, tx *db.Tx, now time.Time, t Topic) error {
	cal, err := s.calendar(ctx, tx)
	if err != nil {
		return err
	}
	due := cal.AddWorkdays(now, t.AnswerDays).UTC()
	if _, err := tx.Exec(ctx, `UPDATE topics SET status = ?, agenda_at = ?, due_at = ? WHERE id = ?`, TopicAgenda, now, due, t.ID); err != nil {
		return errs.Wrap(err, "agenda")
	}
	if err := s.topicEvent(ctx, tx, now, auth.SystemPrincipal(), t.ID, t.AreaPath, TopicAgenda, "threshold"); err != nil {
		return err
	}
	return jobs.Enqueue(ctx, tx, now, job(JobTopicAnswer, t.ID, due))
}

// calendar reads the working-day calendar the demand clocks use.
func (s *Service) calendar(ctx context.Context, q db.Querier) (*demand.Calendar, error) {
	days, err := db.All(ctx, q, "SELECT day, kind, name FROM calendar_days ORDER BY day", nil, func(sc db.Scanner) (demand.CalendarDay, error) {
		var d demand.CalendarDay
		err := sc.Scan(&d.Date, &d.Kind, &d.Name)
		return d, err
	})
	if err != nil {
		return nil, errs.Wrap(err, "calendar")
	}
	return demand.NewCalendar(days)
}

// AnswerTopic answers a topic (delib.write on its area) with the answer
// everyone sees; CloseTopic closes it with the reason everyone sees.
func (s *Service) AnswerTopic(ctx context.Context, p *auth.Principal, id int64, answer string) (Topic, error) {
	return s.decideTopic(ctx, p, id, "answer", answer)
}

// CloseTopic closes a topic that will not be taken up (a duplicate, out of
// the area's reach), with its reason.
func (s *Service) CloseTopic(ctx context.Context, p *auth.Principal, id int64, reason string) (Topic, error) {
	return s.decideTopic(ctx, p, id, "close", reason)
}

func (s *Service) decideTopic(ctx context.Context, p *auth.Principal, id int64, action, text string) (Topic, error) {
	text = strings.TrimSpace(text)
	switch n := len([]rune(text)); {
	case n == 0 && action == "answer":
		return Topic{}, errs.Invalid("answer", "write the answer residents will read")
	case n == 0:
		return Topic{}, errs.Invalid("reason", "say why the topic is closed; residents read it")
	case n > 2000:
		return Topic{}, errs.Invalid("answer", "the text is at most 2000 characters")
	}
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		t, err := s.topic(ctx, tx, id)
		if err != nil {
			return err
		}
		if !canSeeTopic(p, t) {
			return hidden(p, "topic")
		}
		if err := auth.Authorize(p, auth.DelibWrite, t.AreaPath); err != nil {
			return err
		}
		to, err := MoveTopic(t.Status, action)
		if err != nil {
			return err
		}
		now := s.clock.Now()
		if _, err := tx.Exec(ctx, `UPDATE topics SET status = ?, answer = ?, answered_at = ?, updated_at = ? WHERE id = ? AND status = ?`,
			to, text, now, now, id, t.Status); err != nil {
			return errs.Wrap(err, action+" topic")
		}
		if err := s.topicEvent(ctx, tx, now, p, id, t.AreaPath, to, text); err != nil {
			return err
		}
		return record(ctx, tx, now, p, action, "topic", id, t.AreaPath, map[string]any{"status": t.Status}, map[string]any{"status": to, "text": text})
	})
	if err != nil {
		return Topic{}, err
	}
	return s.GetTopic(ctx, p, id)
}

// TopicDoc is a topic in the shared search index (the demo writes its topics with it).
func TopicDoc(id int64, path, title, body string) search.Doc {
	return search.Doc{Kind: "topic", Ref: id, AreaPath: path, Text: []string{title, body}}
}

// TopicFilter narrows a list of topics.
type TopicFilter struct {
	Q       string // words of the title or text
	Area    string
	Status  string
	Overdue bool
	// Escalated: only overdue topics the answer job sent up to an area in
	// the caller's scope (a street's staff see those of its residential areas).
	Escalated bool
	Page      int
	PerPage   int
}

// ListTopics lists topics in p's scope as staff (delib.read), or of p's
// own areas as a resident: those on the agenda first, then by newest.
func (s *Service) ListTopics(ctx context.Context, p *auth.Principal, f TopicFilter) (db.Listed[Topic], error) {
	limit, offset := auth.Paging(f.Page, f.PerPage)
	return s.listTopics(ctx, p, f, limit, offset)
}

func (s *Service) listTopics(ctx context.Context, p *auth.Principal, f TopicFilter, limit, offset int) (db.Listed[Topic], error) {
	if p == nil {
		return db.Listed[Topic]{}, errs.New(errs.EUNAUTHORIZED, "sign in first")
	}
	var w db.Where
	if auth.AuthorizeAny(p, auth.DelibRead) == nil {
		c, a := auth.ScopeSQL(s.db.Dialect, p, auth.DelibRead, "t.area_path")
		w.And(c, a...)
	} else if roots := joinRoots(p); len(roots) > 0 {
		// A resident sees the topics of the areas that hold their own: its
		// residential area, its street, the district.
		c, a := holdsAny("t.area_path", roots)
		w.And(c, a...)
	} else {
		return db.Listed[Topic]{}, errs.New(errs.EFORBIDDEN, "your role does not allow this (%s)", auth.DelibRead)
	}
	if err := s.areaFilter(ctx, &w, "t.area_path", f.Area); err != nil {
		return db.Listed[Topic]{}, err
	}
	if f.Status != "" {
		if !oneOf(f.Status, TopicStatuses) {
			return db.Listed[Topic]{}, errs.Invalid("status", "status must be one of %v", TopicStatuses)
		}
		w.And("t.status = ?", f.Status)
	}
	if f.Overdue {
		w.And("t.overdue = ?", true)
	}
	if f.Escalated {
		if auth.AuthorizeAny(p, auth.DelibRead) != nil {
			return db.Listed[Topic]{}, errs.New(errs.EFORBIDDEN, "your role does not allow this (%s)", auth.DelibRead)
		}
		c, a := auth.ScopeSQL(s.db.Dialect, p, auth.DelibRead, "t.escalated_path")
		w.And("t.escalated_path IS NOT NULL AND ("+c+")", a...)
	}
	if strings.TrimSpace(f.Q) != "" {
		// The scope is the list's own condition above.
		c, a := search.Cond(s.db.Dialect, "t.id", search.Query{Kind: "topic", Q: f.Q, Scope: []string{"/"}})
		w.And(c, a...)
	}
	l, err := db.List(ctx, s.db, db.Page{Cols: topicCols, From: topicFrom, Where: w,
		Order: "CASE t.status WHEN 'agenda' THEN 0 WHEN 'open' THEN 1 ELSE 2 END, t.due_at, t.id DESC", Limit: limit, Offset: offset}, scanTopic)
	return l, errs.Wrap(err, "list topics")
}

// joinRoots are the areas where p takes part as a resident.
func joinRoots(p *auth.Principal) []string {
	var out []string
	for _, g := range p.Grants {
		if g.Role.Can(auth.DelibJoin) {
			out = append(out, g.AreaPath)
		}
	}
	return out
}
