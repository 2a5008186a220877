package delib

import (
	"context"
	"strconv"
	"time"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// AreaPage is what anyone, signed in or not, sees of an area's
// deliberation: its topics with their status and the reasons given, its
// councils' meetings with their decisions, its closed votes and its
// self-governance rules. No personal data: no names of residents or
// council members, no phones; follow-up owners are bodies or roles.
type AreaPage struct {
	Area     area.Area       `json:"area"`
	Topics   []PublicTopic   `json:"topics"`
	Upcoming []PublicMeeting `json:"upcoming"`
	Past     []PublicMeeting `json:"past"`
	Votes    []PublicVoteRef `json:"votes"`
	Rules    []Rule          `json:"rules"`
}

// PublicTopic is a topic as the public page shows it.
type PublicTopic struct {
	ID       int64  `json:"id"`
	Title    string `json:"title"`
	Status   string `json:"status"`
	Supports int    `json:"supports"`
	// Threshold is the supports that put it on the agenda.
	Threshold int `json:"threshold"`
	// Reason is the latest reason given for its status: the answer, why it
	// closed, or the meeting that takes it up.
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
}

// PublicMeeting is a meeting on the public page: no names of who came.
type PublicMeeting struct {
	ID         int64      `json:"id"`
	Council    string     `json:"council"`
	Title      string     `json:"title"`
	StartsAt   time.Time  `json:"starts_at"`
	Place      string     `json:"place"`
	Attendance int        `json:"attendance"`
	Agenda     []string   `json:"agenda"`
	Decisions  []Decision `json:"decisions"`
}

// PublicVoteRef is a closed vote with its result's headline.
type PublicVoteRef struct {
	ID       int64     `json:"id"`
	Question string    `json:"question"`
	ClosesAt time.Time `json:"closes_at"`
	Passed   bool      `json:"passed"`
	Winner   string    `json:"winner"`
	Ballots  int       `json:"ballots"`
}

// Rule is a self-governance rule (自治公约) of an area.
type Rule struct {
	ID          int64     `json:"id"`
	Title       string    `json:"title"`
	Body        string    `json:"body"`
	PublishedAt time.Time `json:"published_at"`
}

// Public limits of the page.
const (
	publicTopics   = 50
	publicMeetings = 20
)

// AreaPage returns an area's public deliberation page: the area and what
// lies inside it.
func (s *Councils) AreaPage(ctx context.Context, code string) (AreaPage, error) {
	a, err := area.Get(ctx, s.db, code)
	if err != nil {
		return AreaPage{}, err
	}
	pg := AreaPage{Area: a, Topics: []PublicTopic{}, Upcoming: []PublicMeeting{}, Past: []PublicMeeting{}, Votes: []PublicVoteRef{}, Rules: []Rule{}}
	sub := func(col string) (string, any) { return area.Subtree(s.db.Dialect, col, a.Path) }

	c, arg := sub("t.area_path")
	if pg.Topics, err = db.All(ctx, s.db, `SELECT t.id, t.title, t.status, t.supports, t.threshold, t.answer, t.updated_at,
		(SELECT e.reason FROM topic_events e WHERE e.topic_id = t.id AND e.status IN ('meeting', 'closed', 'answered') ORDER BY e.at DESC, e.id DESC LIMIT 1)
		FROM topics t WHERE `+c+` ORDER BY t.updated_at DESC, t.id DESC LIMIT `+strconv.Itoa(publicTopics), []any{arg}, func(r db.Scanner) (PublicTopic, error) {
		var t PublicTopic
		var answer string
		var reason *string
		err := r.Scan(&t.ID, &t.Title, &t.Status, &t.Supports, &t.Threshold, &answer, &t.At, &reason)
		if reason != nil {
			t.Reason = *reason
		}
		if answer != "" {
			t.Reason = answer
		}
		t.Reason = auth.MaskText(t.Reason) // staff's words on a public page: no phone or ID number typed into them
		return t, err
	}); err != nil {
		return AreaPage{}, errs.Wrap(err, "public topics")
	}

	c, arg = sub("m.area_path")
	meetings, err := db.All(ctx, s.db, `SELECT `+meetingCols+` FROM `+meetingFrom+` WHERE `+c+` ORDER BY m.starts_at DESC, m.id DESC LIMIT `+strconv.Itoa(publicMeetings),
		[]any{arg}, scanMeeting)
	if err != nil {
		return AreaPage{}, errs.Wrap(err, "public meetings")
	}
	now := s.clock.Now()
	for _, m := range meetings {
		if err := s.fill(ctx, &m, false); err != nil {
			return AreaPage{}, err
		}
		pm := PublicMeeting{ID: m.ID, Council: m.Council, Title: m.Title, StartsAt: m.StartsAt, Place: m.Place, Attendance: m.Attendance,
			Agenda: []string{}, Decisions: m.Decisions}
		for _, t := range m.Agenda {
			pm.Agenda = append(pm.Agenda, t.Title)
		}
		if pm.Decisions == nil {
			pm.Decisions = []Decision{}
		}
		for i := range pm.Decisions {
			pm.Decisions[i].Text, pm.Decisions[i].Owner = auth.MaskText(pm.Decisions[i].Text), auth.MaskText(pm.Decisions[i].Owner)
		}
		if m.StartsAt.After(now) {
			pg.Upcoming = append([]PublicMeeting{pm}, pg.Upcoming...) // soonest first
		} else {
			pg.Past = append(pg.Past, pm)
		}
	}

	c, arg = sub("v.area_path")
	votes, err := db.All(ctx, s.db, `SELECT `+voteCols+` FROM `+voteFrom+` WHERE `+c+` AND v.status = ? ORDER BY v.closes_at DESC, v.id DESC LIMIT 20`,
		[]any{arg, Closed}, scanVote)
	if err != nil {
		return AreaPage{}, errs.Wrap(err, "public votes")
	}
	for _, v := range votes {
		ref := PublicVoteRef{ID: v.ID, Question: v.Question, ClosesAt: v.ClosesAt}
		if v.Result != nil {
			ref.Passed, ref.Ballots, ref.Winner = v.Result.Passed, v.Result.Ballots, v.Result.Winner
		}
		pg.Votes = append(pg.Votes, ref)
	}

	c, arg = sub("area_path")
	pg.Rules, err = db.All(ctx, s.db, `SELECT id, title, body, published_at FROM area_rules WHERE `+c+` ORDER BY published_at DESC, id DESC`, []any{arg},
		func(r db.Scanner) (Rule, error) {
			var x Rule
			err := r.Scan(&x.ID, &x.Title, &x.Body, &x.PublishedAt)
			return x, err
		})
	if pg.Rules == nil {
		pg.Rules = []Rule{}
	}
	return pg, errs.Wrap(err, "public rules")
}
