package delib

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/demand"
	"gongzhi/internal/errs"
	"gongzhi/internal/jobs"
	"gongzhi/internal/lists"
)

// Meeting is a council's meeting: when and where, its agenda, who of the
// council came and how many people in all, the minutes and the decisions.
type Meeting struct {
	ID         int64      `json:"id"`
	CouncilID  int64      `json:"council_id"`
	Council    string     `json:"council"`
	Title      string     `json:"title"`
	StartsAt   time.Time  `json:"starts_at"`
	Place      string     `json:"place"`
	Attendance int        `json:"attendance"`
	Minutes    string     `json:"minutes"`
	Agenda     []Topic    `json:"agenda,omitempty"`
	Present    []CMember  `json:"present,omitempty"`
	Decisions  []Decision `json:"decisions,omitempty"`
	AreaPath   string     `json:"-"`
}

// Decision is one decision of a meeting, with who follows it up by when,
// and what it became (at most one of project, demand, rule).
type Decision struct {
	ID        int64  `json:"id"`
	MeetingID int64  `json:"meeting_id"`
	TopicID   *int64 `json:"topic_id,omitempty"`
	Text      string `json:"text"`
	Owner     string `json:"owner"`
	DueOn     string `json:"due_on"`
	ProjectID *int64 `json:"project_id,omitempty"`
	DemandID  *int64 `json:"demand_id,omitempty"`
	RuleID    *int64 `json:"rule_id,omitempty"`
}

// Became reports what the decision turned into: project, demand, rule or "".
func (d Decision) Became() string {
	switch {
	case d.ProjectID != nil:
		return "project"
	case d.DemandID != nil:
		return "demand"
	case d.RuleID != nil:
		return "rule"
	}
	return ""
}

// MeetingInput is a new meeting.
type MeetingInput struct {
	Title    string    `json:"title"`
	StartsAt time.Time `json:"starts_at"`
	Place    string    `json:"place"`
}

// RecordInput is what the meeting's record says afterwards.
type RecordInput struct {
	Attendance int     `json:"attendance"` // people present in all
	Present    []int64 `json:"present"`    // council members present
	Minutes    string  `json:"minutes"`
}

// DecisionInput is a decision of a meeting.
type DecisionInput struct {
	TopicID *int64 `json:"topic_id,omitempty"`
	Text    string `json:"text"`
	Owner   string `json:"owner"`  // who follows it up
	DueOn   string `json:"due_on"` // by when, YYYY-MM-DD
}

// CheckMeeting cleans a new meeting.
func CheckMeeting(in *MeetingInput) error {
	in.Title, in.Place = strings.TrimSpace(in.Title), strings.TrimSpace(in.Place)
	var d []errs.Detail
	if n := len([]rune(in.Title)); n == 0 || n > 100 {
		d = append(d, errs.D("title", "say what the meeting is, at most 100 characters"))
	}
	if in.StartsAt.IsZero() {
		d = append(d, errs.D("starts_at", "give the time the meeting starts"))
	}
	if n := len([]rune(in.Place)); n == 0 || n > 100 {
		d = append(d, errs.D("place", "say where the meeting is, at most 100 characters"))
	}
	if len(d) > 0 {
		return errs.Fields(d)
	}
	return nil
}

// CheckDecision cleans a decision.
func CheckDecision(in *DecisionInput) error {
	in.Text, in.Owner, in.DueOn = strings.TrimSpace(in.Text), strings.TrimSpace(in.Owner), strings.TrimSpace(in.DueOn)
	var d []errs.Detail
	if n := len([]rune(in.Text)); n == 0 || n > 1000 {
		d = append(d, errs.D("text", "write the decision, at most 1000 characters"))
	}
	if n := len([]rune(in.Owner)); n == 0 || n > 50 {
		d = append(d, errs.D("owner", "name who follows the decision up"))
	}
	if _, err := time.Parse(time.DateOnly, in.DueOn); err != nil {
		d = append(d, errs.D("due_on", "give the follow-up date, such as 2026-12-31"))
	}
	if len(d) > 0 {
		return errs.Fields(d)
	}
	return nil
}

const meetingCols = `m.id, m.council_id, c.name, m.title, m.starts_at, m.place, m.attendance, m.minutes, m.area_path`

const meetingFrom = `meetings m JOIN councils c ON c.id = m.council_id`

func scanMeeting(r db.Scanner) (Meeting, error) {
	var m Meeting
	err := r.Scan(&m.ID, &m.CouncilID, &m.Council, &m.Title, &m.StartsAt, &m.Place, &m.Attendance, &m.Minutes, &m.AreaPath)
	return m, err
}

func (s *Councils) meeting(ctx context.Context, q db.Querier, id int64) (Meeting, error) {
	m, err := scanMeeting(q.QueryRow(ctx, `SELECT `+meetingCols+` FROM `+meetingFrom+` WHERE m.id = ?`, id))
	return m, db.NotFound(err, "meeting")
}

// writableMeeting reads meeting id for a change by p: delib.write on its area.
func (s *Councils) writableMeeting(ctx context.Context, tx *db.Tx, p *auth.Principal, id int64) (Meeting, error) {
	m, err := s.meeting(ctx, tx, id)
	if err != nil {
		return Meeting{}, err
	}
	if auth.Authorize(p, auth.DelibRead, m.AreaPath) != nil {
		return Meeting{}, hidden(p, "meeting")
	}
	return m, auth.Authorize(p, auth.DelibWrite, m.AreaPath)
}

// CreateMeeting schedules a meeting of a council (delib.write on its area).
func (s *Councils) CreateMeeting(ctx context.Context, p *auth.Principal, council int64, in MeetingInput) (Meeting, error) {
	if err := CheckMeeting(&in); err != nil {
		return Meeting{}, err
	}
	in.StartsAt = in.StartsAt.UTC().Truncate(time.Minute)
	var id int64
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		c, err := s.writable(ctx, tx, p, council)
		if err != nil {
			return err
		}
		now := s.clock.Now()
		id, err = db.InsertID(ctx, tx, `INSERT INTO meetings (council_id, area_path, title, starts_at, place, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			council, c.AreaPath, in.Title, in.StartsAt, in.Place, now, now)
		if err != nil {
			return errs.Wrap(err, "insert meeting")
		}
		return record(ctx, tx, now, p, "create", "meeting", id, c.AreaPath, nil, in)
	})
	if err != nil {
		return Meeting{}, err
	}
	return s.GetMeeting(ctx, p, id)
}

// GetMeeting returns a meeting with its agenda, who came and its decisions (delib.read on its area).
func (s *Councils) GetMeeting(ctx context.Context, p *auth.Principal, id int64) (Meeting, error) {
	m, err := s.meeting(ctx, s.db, id)
	if err != nil {
		return Meeting{}, err
	}
	if auth.Authorize(p, auth.DelibRead, m.AreaPath) != nil {
		return Meeting{}, hidden(p, "meeting")
	}
	return m, s.fill(ctx, &m, true)
}

// fill reads a meeting's agenda and decisions, and with members the
// council members present.
func (s *Councils) fill(ctx context.Context, m *Meeting, members bool) error {
	var err error
	if m.Agenda, err = db.All(ctx, s.db, `SELECT `+topicCols+` FROM `+topicFrom+` JOIN meeting_topics mt ON mt.topic_id = t.id WHERE mt.meeting_id = ? ORDER BY t.id`,
		[]any{m.ID}, scanTopic); err != nil {
		return errs.Wrap(err, "agenda")
	}
	if members {
		if m.Present, err = db.All(ctx, s.db, `SELECT cm.id, cm.name, cm.phone, cm.role FROM council_members cm JOIN meeting_attendees a ON a.member_id = cm.id
			WHERE a.meeting_id = ? ORDER BY cm.id`, []any{m.ID}, func(r db.Scanner) (CMember, error) {
			var c CMember
			err := r.Scan(&c.ID, &c.Name, &c.Phone, &c.Role)
			c.Phone = auth.MaskPhone(c.Phone)
			return c, err
		}); err != nil {
			return errs.Wrap(err, "attendees")
		}
	}
	m.Decisions, err = db.All(ctx, s.db, `SELECT `+decisionCols+` FROM meeting_decisions WHERE meeting_id = ? ORDER BY id`, []any{m.ID}, scanDecision)
	return errs.Wrap(err, "decisions")
}

const decisionCols = `id, meeting_id, topic_id, text, owner, due_on, project_id, demand_id, rule_id`

func scanDecision(r db.Scanner) (Decision, error) {
	var d Decision
	var topic, project, dem, rule sql.NullInt64
	err := r.Scan(&d.ID, &d.MeetingID, &topic, &d.Text, &d.Owner, &d.DueOn, &project, &dem, &rule)
	d.TopicID, d.ProjectID, d.DemandID, d.RuleID = db.NullID(topic), db.NullID(project), db.NullID(dem), db.NullID(rule)
	return d, err
}

// AddToAgenda puts a topic of the council's area on a meeting's agenda
// (delib.write). An open topic moves to the agenda (staff owe it an answer
// from now); either way its public history says which meeting takes it up.
func (s *Councils) AddToAgenda(ctx context.Context, p *auth.Principal, meeting, topic int64) (Meeting, error) {
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		m, err := s.writableMeeting(ctx, tx, p, meeting)
		if err != nil {
			return err
		}
		ds := &Service{db: s.db, clock: s.clock}
		t, err := ds.topic(ctx, tx, topic)
		if errs.Code(err) == errs.ENOTFOUND || (err == nil && !pathWithin(m.AreaPath, t.AreaPath)) {
			return errs.Invalid("topic_id", "no topic %d in the council's area", topic)
		} else if err != nil {
			return err
		}
		if t.Status != TopicOpen && t.Status != TopicAgenda {
			return errs.New(errs.ECONFLICT, "the topic was answered or closed; it goes on no agenda")
		}
		if _, err := tx.Exec(ctx, `INSERT INTO meeting_topics (meeting_id, topic_id) VALUES (?, ?)`, meeting, topic); err != nil {
			if errs.Code(db.MapError(err)) == errs.ECONFLICT {
				return errs.New(errs.ECONFLICT, "the topic is on this meeting's agenda already")
			}
			return errs.Wrap(err, "agenda")
		}
		now := s.clock.Now()
		if t.Status == TopicOpen {
			if err := ds.toAgendaBy(ctx, tx, now, p, t); err != nil {
				return err
			}
		}
		reason := m.Council + " · " + m.Title + " · " + m.StartsAt.In(clock.Shanghai).Format("2006-01-02 15:04") + " · " + m.Place
		if err := ds.topicEvent(ctx, tx, now, p, topic, t.AreaPath, "meeting", reason); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE topics SET updated_at = ? WHERE id = ?`, now, topic); err != nil {
			return errs.Wrap(err, "topic")
		}
		return record(ctx, tx, now, p, "agenda", "meeting", meeting, m.AreaPath, nil, map[string]any{"topic_id": topic})
	})
	if err != nil {
		return Meeting{}, err
	}
	return s.GetMeeting(ctx, p, meeting)
}

// toAgendaBy puts an open topic on the agenda as staff do when a meeting
// takes it up: like reaching the threshold, the answer clock starts.
func (s *Service) toAgendaBy(ctx context.Context, tx *db.Tx, now time.Time, p *auth.Principal, t Topic) error {
	cal, err := s.calendar(ctx, tx)
	if err != nil {
		return err
	}
	due := cal.AddWorkdays(now, t.AnswerDays).UTC()
	if _, err := tx.Exec(ctx, `UPDATE topics SET status = ?, agenda_at = ?, due_at = ? WHERE id = ? AND status = ?`, TopicAgenda, now, due, t.ID, TopicOpen); err != nil {
		return errs.Wrap(err, "agenda")
	}
	return jobs.Enqueue(ctx, tx, now, job(JobTopicAnswer, t.ID, due))
}

// RecordMeeting writes a meeting's attendance and minutes (delib.write):
// present lists council members of the meeting's council only.
func (s *Councils) RecordMeeting(ctx context.Context, p *auth.Principal, meeting int64, in RecordInput) (Meeting, error) {
	in.Minutes = strings.TrimSpace(in.Minutes)
	var d []errs.Detail
	if in.Attendance < 0 || in.Attendance > 100000 {
		d = append(d, errs.D("attendance", "the attendance is a number of people, 0 or more"))
	}
	if len([]rune(in.Minutes)) > 20000 {
		d = append(d, errs.D("minutes", "the minutes are at most 20000 characters"))
	}
	if in.Attendance < len(in.Present) && in.Attendance >= 0 {
		d = append(d, errs.D("attendance", "the attendance counts at least the council members present"))
	}
	if len(d) > 0 {
		return Meeting{}, errs.Fields(d)
	}
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		m, err := s.writableMeeting(ctx, tx, p, meeting)
		if err != nil {
			return err
		}
		ids, err := db.IDs(ctx, tx, `SELECT id FROM council_members WHERE council_id = ?`, m.CouncilID)
		if err != nil {
			return errs.Wrap(err, "members")
		}
		of := map[int64]bool{}
		for _, id := range ids {
			of[id] = true
		}
		seen := map[int64]bool{}
		for _, id := range in.Present {
			if !of[id] {
				return errs.Invalid("present", "member %d is not on this council", id)
			}
			seen[id] = true
		}
		now := s.clock.Now()
		if _, err := tx.Exec(ctx, `UPDATE meetings SET attendance = ?, minutes = ?, updated_at = ? WHERE id = ?`, in.Attendance, in.Minutes, now, meeting); err != nil {
			return errs.Wrap(err, "record meeting")
		}
		if _, err := tx.Exec(ctx, `DELETE FROM meeting_attendees WHERE meeting_id = ?`, meeting); err != nil {
			return errs.Wrap(err, "attendees")
		}
		for id := range seen {
			if _, err := tx.Exec(ctx, `INSERT INTO meeting_attendees (meeting_id, member_id) VALUES (?, ?)`, meeting, id); err != nil {
				return errs.Wrap(err, "attendees")
			}
		}
		return record(ctx, tx, now, p, "record", "meeting", meeting, m.AreaPath, map[string]any{"attendance": m.Attendance, "minutes": m.Minutes},
			map[string]any{"attendance": in.Attendance, "present": len(seen), "minutes": in.Minutes})
	})
	if err != nil {
		return Meeting{}, err
	}
	return s.GetMeeting(ctx, p, meeting)
}

// AddDecision records a decision of a meeting with its follow-up owner
// and date (delib.write). A topic it settles must be on the agenda.
func (s *Councils) AddDecision(ctx context.Context, p *auth.Principal, meeting int64, in DecisionInput) (Decision, error) {
	if err := CheckDecision(&in); err != nil {
		return Decision{}, err
	}
	var id int64
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		m, err := s.writableMeeting(ctx, tx, p, meeting)
		if err != nil {
			return err
		}
		if in.TopicID != nil {
			var n int
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM meeting_topics WHERE meeting_id = ? AND topic_id = ?`, meeting, *in.TopicID).Scan(&n); err != nil {
				return errs.Wrap(err, "agenda")
			}
			if n == 0 {
				return errs.Invalid("topic_id", "topic %d is not on this meeting's agenda", *in.TopicID)
			}
		}
		now := s.clock.Now()
		id, err = db.InsertID(ctx, tx, `INSERT INTO meeting_decisions (meeting_id, topic_id, text, owner, due_on, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			meeting, in.TopicID, in.Text, in.Owner, in.DueOn, now)
		if err != nil {
			return errs.Wrap(err, "insert decision")
		}
		return record(ctx, tx, now, p, "create", "decision", id, m.AreaPath, nil, in)
	})
	if err != nil {
		return Decision{}, err
	}
	return s.decision(ctx, s.db, id)
}

func (s *Councils) decision(ctx context.Context, q db.Querier, id int64) (Decision, error) {
	d, err := scanDecision(q.QueryRow(ctx, `SELECT `+decisionCols+` FROM meeting_decisions WHERE id = ?`, id))
	return d, db.NotFound(err, "decision")
}

// writableDecision reads a decision not yet turned into anything, with its
// meeting, for p to change (delib.write).
func (s *Councils) writableDecision(ctx context.Context, q db.Querier, p *auth.Principal, id int64) (Decision, Meeting, error) {
	d, err := s.decision(ctx, q, id)
	if err != nil {
		return Decision{}, Meeting{}, err
	}
	m, err := s.meeting(ctx, q, d.MeetingID)
	if err != nil {
		return Decision{}, Meeting{}, err
	}
	if auth.Authorize(p, auth.DelibRead, m.AreaPath) != nil {
		return Decision{}, Meeting{}, hidden(p, "decision")
	}
	if err := auth.Authorize(p, auth.DelibWrite, m.AreaPath); err != nil {
		return Decision{}, Meeting{}, err
	}
	if d.Became() != "" {
		return Decision{}, Meeting{}, errs.New(errs.ECONFLICT, "the decision became a project, a demand or a rule already")
	}
	return d, m, nil
}

// link writes what decision id became, once, in tx.
func (s *Councils) link(ctx context.Context, tx *db.Tx, p *auth.Principal, id int64, path, col string, to int64) error {
	r, err := tx.Exec(ctx, `UPDATE meeting_decisions SET `+col+` = ? WHERE id = ? AND project_id IS NULL AND demand_id IS NULL AND rule_id IS NULL`, to, id)
	if err != nil {
		return errs.Wrap(err, "link decision")
	}
	if n, _ := r.RowsAffected(); n != 1 {
		return errs.New(errs.ECONFLICT, "the decision became a project, a demand or a rule already")
	}
	return record(ctx, tx, s.clock.Now(), p, "link", "decision", id, path, nil, map[string]any{col: to})
}

// ToProject makes a decision a service project (lists) in the council's
// area, led by the decision's owner; the link is kept in the project's
// transaction, so neither is written without the other.
func (s *Councils) ToProject(ctx context.Context, p *auth.Principal, id int64, domain string) (Decision, error) {
	if s.lists == nil {
		return Decision{}, errs.New(errs.ECONFLICT, "service projects are not available here")
	}
	d, m, err := s.writableDecision(ctx, s.db, p, id)
	if err != nil {
		return Decision{}, err
	}
	if domain == "" {
		domain = "governance"
	}
	c, err := s.council(ctx, s.db, m.CouncilID)
	if err != nil {
		return Decision{}, err
	}
	title := []rune(d.Text)
	if len(title) > 100 {
		title = title[:100]
	}
	_, err = s.lists.CreateProjectWith(ctx, p, lists.ProjectInput{Title: string(title), Summary: c.Name + " · " + m.Title, Domain: domain,
		Area: c.Area, LeadName: d.Owner, EndsOn: d.DueOn}, func(ctx context.Context, tx *db.Tx, pr lists.Project) error {
		return s.link(ctx, tx, p, id, m.AreaPath, "project_id", pr.ID)
	})
	if err != nil {
		return Decision{}, err
	}
	return s.decision(ctx, s.db, id)
}

// ToDemand files a decision as a demand for a body to act (channel
// meeting), the way hotline staff file one, in the given category; the
// decision keeps the demand's id.
func (s *Councils) ToDemand(ctx context.Context, p *auth.Principal, id int64, category string) (Decision, error) {
	if s.demand == nil {
		return Decision{}, errs.New(errs.ECONFLICT, "demands are not available here")
	}
	d, m, err := s.writableDecision(ctx, s.db, p, id)
	if err != nil {
		return Decision{}, err
	}
	c, err := s.council(ctx, s.db, m.CouncilID)
	if err != nil {
		return Decision{}, err
	}
	if strings.TrimSpace(category) == "" {
		return Decision{}, errs.Invalid("category", "choose the demand's category")
	}
	in := demand.NewDemand{Category: strings.TrimSpace(category), Channel: string(demand.Meeting), Area: c.Area,
		Description: c.Name + "（" + m.Title + "）决定：" + d.Text + "（跟进：" + d.Owner + "，" + d.DueOn + "）"}
	// Checked first, so a demand that cannot be filed leaves nothing behind.
	if err := s.demand.CheckIntake(ctx, p, in); err != nil {
		return Decision{}, err
	}
	filed, err := s.demand.Intake(ctx, p, in)
	if err != nil {
		return Decision{}, err
	}
	if err := s.db.InTx(ctx, func(tx *db.Tx) error {
		return s.link(ctx, tx, p, id, m.AreaPath, "demand_id", filed.Demand.ID)
	}); err != nil {
		return Decision{}, err
	}
	return s.decision(ctx, s.db, id)
}

// RuleInput is a self-governance rule (自治公约) a decision publishes.
type RuleInput struct {
	Title string `json:"title"`
	Body  string `json:"body"`
}

// ToRule publishes a decision as a self-governance rule (自治公约) on the
// public page of the council's area.
func (s *Councils) ToRule(ctx context.Context, p *auth.Principal, id int64, in RuleInput) (Decision, error) {
	in.Title, in.Body = strings.TrimSpace(in.Title), strings.TrimSpace(in.Body)
	var ds []errs.Detail
	if n := len([]rune(in.Title)); n == 0 || n > 100 {
		ds = append(ds, errs.D("title", "give the rule a title, at most 100 characters"))
	}
	if n := len([]rune(in.Body)); n == 0 || n > 4000 {
		ds = append(ds, errs.D("body", "write the rule's text, at most 4000 characters"))
	}
	if len(ds) > 0 {
		return Decision{}, errs.Fields(ds)
	}
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		_, m, err := s.writableDecision(ctx, tx, p, id)
		if err != nil {
			return err
		}
		c, err := s.council(ctx, tx, m.CouncilID)
		if err != nil {
			return err
		}
		now := s.clock.Now()
		rule, err := db.InsertID(ctx, tx, `INSERT INTO area_rules (area_code, area_path, title, body, published_at) VALUES (?, ?, ?, ?, ?)`,
			c.Area, c.AreaPath, in.Title, in.Body, now)
		if err != nil {
			return errs.Wrap(err, "insert rule")
		}
		if err := record(ctx, tx, now, p, "create", "area_rule", rule, c.AreaPath, nil, in); err != nil {
			return err
		}
		return s.link(ctx, tx, p, id, m.AreaPath, "rule_id", rule)
	})
	if err != nil {
		return Decision{}, err
	}
	return s.decision(ctx, s.db, id)
}
