package delib

import (
	"context"
	"strings"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/notify"
	"gongzhi/internal/phone"
	"gongzhi/internal/search"
)

// A resident without an account takes part with a verified phone
// (phone.Resident): the residents' committee's roll says in which areas.
// Eligibility mirrors eligible: a topic of an area on the phone's roll, or
// of an area holding one (the street, the district). The phone's audit
// principal names the masked phone and is never given to Authorize.

// phoneEligible reports whether r raises and supports topics of the area at path.
func phoneEligible(r phone.Resident, path string) bool {
	for _, a := range r.Areas {
		if pathWithin(path, a.Path) {
			return true
		}
	}
	return false
}

// notOnRoll is the answer to a phone that holds no area at path.
func notOnRoll(r phone.Resident) error {
	if len(r.Areas) == 0 {
		return errs.New(errs.EFORBIDDEN, "your phone is on no residents' roll: ask your residents' committee to add your number")
	}
	return errs.New(errs.EFORBIDDEN, "topics are raised and supported by residents of the area: your phone is on the roll of other areas")
}

// phoneEvent adds an entry to a topic's public history naming the masked phone.
func phoneEvent(ctx context.Context, tx *db.Tx, r phone.Resident, t Topic, status string) error {
	_, err := tx.Exec(ctx, `INSERT INTO topic_events (topic_id, at, status, reason, actor_name) VALUES (?, ?, ?, ?, ?)`,
		t.ID, t.UpdatedAt, status, "", r.Masked)
	return errs.Wrap(err, "topic event")
}

// RaiseTopicByPhone raises a topic as a verified phone in an area of its
// roll (or an area holding one). Topics from demands are made by staff only.
func (s *Service) RaiseTopicByPhone(ctx context.Context, r phone.Resident, in TopicInput) (Topic, error) {
	if len(in.Demands) > 0 {
		return Topic{}, errs.New(errs.EFORBIDDEN, "staff of the area make topics from demands")
	}
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
		if !phoneEligible(r, path) {
			return notOnRoll(r)
		}
		st, err := settingsFor(ctx, tx, path)
		if err != nil {
			return err
		}
		now := s.clock.Now()
		id, err = db.InsertID(ctx, tx, `INSERT INTO topics (area_code, area_path, title, body, status, threshold, answer_days, raised_by, raised_by_name,
			raised_by_phone, by_staff, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?)`,
			in.Area, path, in.Title, in.Body, TopicOpen, st.SupportThreshold, st.AnswerDays, r.Masked, r.Phone, false, now, now)
		if err != nil {
			return errs.Wrap(err, "insert topic")
		}
		if err := phoneEvent(ctx, tx, r, Topic{ID: id, UpdatedAt: now}, TopicOpen); err != nil {
			return err
		}
		if err := search.Put(ctx, tx, TopicDoc(id, path, in.Title, in.Body)); err != nil {
			return err
		}
		return record(ctx, tx, now, r.Principal(), "create", "topic", id, path, nil, map[string]any{"title": in.Title})
	})
	if err != nil {
		return Topic{}, err
	}
	return s.topic(ctx, s.db, id)
}

// SupportByPhone adds a verified phone's support to a topic of its areas,
// once. A phone whose account (users.phone) supports it already is
// ECONFLICT, as is an account whose phone does (Support): one person, one
// support. The support that reaches the threshold puts it on the agenda.
func (s *Service) SupportByPhone(ctx context.Context, r phone.Resident, id int64) (Topic, error) {
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		t, err := s.topic(ctx, tx, id)
		if err != nil {
			return err
		}
		if !phoneEligible(r, t.AreaPath) {
			return notOnRoll(r)
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM topic_supports ts JOIN users u ON u.id = ts.user_id
			WHERE ts.topic_id = ? AND `+s.db.Dialect.Digits("u.phone")+` IN (?, ?, ?)`, id, r.Phone, "86"+r.Phone, "0086"+r.Phone).Scan(&n); err != nil {
			return errs.Wrap(err, "supports")
		}
		if n > 0 {
			return errs.New(errs.ECONFLICT, "the account with this phone supports this topic already; one support each")
		}
		now := s.clock.Now()
		if err := s.addSupport(ctx, tx, now, t, `INSERT INTO topic_phone_supports (topic_id, phone) VALUES (?, ?)`, id, r.Phone); err != nil {
			return err
		}
		return record(ctx, tx, now, r.Principal(), "support", "topic", id, t.AreaPath, nil, nil)
	})
	if err != nil {
		return Topic{}, err
	}
	return s.PhoneTopic(ctx, r, id)
}

// phoneSupportOfAccount refuses an account's support of topic id when the
// phone of its account supports it already (SupportByPhone).
func phoneSupportOfAccount(ctx context.Context, tx *db.Tx, userID, id int64) error {
	var ph string
	if err := tx.QueryRow(ctx, `SELECT phone FROM users WHERE id = ?`, userID).Scan(&ph); err != nil {
		return db.NotFound(err, "user")
	}
	n, ok := notify.MobileNumber(ph)
	if !ok {
		return nil
	}
	var c int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM topic_phone_supports WHERE topic_id = ? AND phone = ?`, id, n).Scan(&c); err != nil {
		return errs.Wrap(err, "supports")
	}
	if c > 0 {
		return errs.New(errs.ECONFLICT, "your phone supports this topic already; one support each")
	}
	return nil
}

// PhoneSupported reports whether r's phone supports topic id.
func (s *Service) PhoneSupported(ctx context.Context, r phone.Resident, id int64) (bool, error) {
	var n int
	err := s.db.QueryRow(ctx, `SELECT count(*) FROM topic_phone_supports WHERE topic_id = ? AND phone = ?`, id, r.Phone).Scan(&n)
	return n > 0, errs.Wrap(err, "supports")
}

// CanPhoneSupport reports whether r may support t (whether it did already is not told here).
func CanPhoneSupport(r phone.Resident, t Topic) bool {
	return phoneEligible(r, t.AreaPath) && (t.Status == TopicOpen || t.Status == TopicAgenda)
}

// PhoneTopicFilter narrows the topics a phone sees.
type PhoneTopicFilter struct {
	Mine    bool // only those the phone raised
	Page    int
	PerPage int
}

// PhoneTopics lists the topics of r's areas and the areas holding them
// that are open, on the agenda or answered, newest first.
func (s *Service) PhoneTopics(ctx context.Context, r phone.Resident, f PhoneTopicFilter) (db.Listed[Topic], error) {
	if len(r.Areas) == 0 {
		return db.Listed[Topic]{}, notOnRoll(r)
	}
	var w db.Where
	c, a := holdsAny("t.area_path", r.Paths())
	w.And(c, a...)
	w.And("t.status IN (?, ?, ?)", TopicOpen, TopicAgenda, TopicAnswered)
	if f.Mine {
		w.And("t.raised_by_phone = ?", r.Phone)
	}
	limit, offset := auth.Paging(f.Page, f.PerPage)
	l, err := db.List(ctx, s.db, db.Page{Cols: topicCols, From: topicFrom, Where: w, Order: "t.id DESC", Limit: limit, Offset: offset}, scanTopic)
	return l, errs.Wrap(err, "list topics")
}

// PhoneTopic returns a topic of r's areas with its public history and its
// visible comments; any other is not found.
func (s *Service) PhoneTopic(ctx context.Context, r phone.Resident, id int64) (Topic, error) {
	t, err := s.topic(ctx, s.db, id)
	if err != nil {
		return Topic{}, err
	}
	if !phoneEligible(r, t.AreaPath) {
		return Topic{}, errs.New(errs.ENOTFOUND, "topic not found")
	}
	if t.Events, err = db.All(ctx, s.db, `SELECT at, status, reason, actor_name FROM topic_events WHERE topic_id = ? ORDER BY at, id`, []any{id},
		func(sc db.Scanner) (TopicEvent, error) {
			var e TopicEvent
			err := sc.Scan(&e.At, &e.Status, &e.Reason, &e.By)
			return e, err
		}); err != nil {
		return Topic{}, errs.Wrap(err, "topic events")
	}
	cs, err := s.comments(ctx, nil, id) // as the public sees them: hidden ones without their text
	if err != nil {
		return Topic{}, err
	}
	for _, c := range cs {
		if strings.TrimSpace(c.Text) != "" {
			t.Comments = append(t.Comments, c)
		}
	}
	return t, nil
}

// CanPhoneComment reports whether r may comment on t: a topic of its areas
// that is open or on the agenda.
func CanPhoneComment(r phone.Resident, t Topic) bool { return CanPhoneSupport(r, t) }

// AddCommentByPhone writes a verified phone's comment on a topic of its
// areas, named by the masked phone, as AddComment does for an account:
// plain text, at most MaxComment characters, while the topic is open or on
// the agenda (answered or closed: 409). Staff moderate it like any other.
func (s *Service) AddCommentByPhone(ctx context.Context, r phone.Resident, id int64, text string) (Comment, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return Comment{}, errs.Invalid("text", "write the comment")
	}
	if err := textLen("text", text, MaxComment); err != nil {
		return Comment{}, err
	}
	var cid int64
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		t, err := s.topic(ctx, tx, id)
		if err != nil {
			return err
		}
		if !phoneEligible(r, t.AreaPath) {
			return errs.New(errs.ENOTFOUND, "topic not found")
		}
		if t.Status != TopicOpen && t.Status != TopicAgenda {
			return errs.New(errs.ECONFLICT, "the topic was answered or closed; it takes no more comments")
		}
		now := s.clock.Now()
		cid, err = db.InsertID(ctx, tx, `INSERT INTO topic_comments (topic_id, author_id, author_name, by_staff, body, status, created_at, updated_at)
			VALUES (?, NULL, ?, ?, ?, ?, ?, ?)`, id, r.Masked, false, text, CommentShown, now, now)
		if err != nil {
			return errs.Wrap(err, "insert comment")
		}
		return record(ctx, tx, now, r.Principal(), "create", "topic_comment", cid, t.AreaPath, nil, map[string]any{"topic_id": id})
	})
	if err != nil {
		return Comment{}, err
	}
	c, err := s.comment(ctx, s.db, cid)
	return c.view(nil, false), err
}
