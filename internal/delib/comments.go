package delib

import (
	"context"
	"database/sql"
	"regexp"
	"strings"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// Online deliberation on a topic: residents of its area and its staff
// comment in plain text while it is open or on the agenda. Anyone who sees
// a comment may report it once with a reason; staff (delib.write) hide it
// with a public reason and may show it again; its author may delete it.
// Nothing is liked, ranked or counted per person: the thread is in the
// order it was written, and only staff see how often a comment was reported.

// Limits of comments.
const (
	MaxComment  = 1000 // characters of a comment
	MaxReason   = 200  // characters of a report's or a hiding's reason
	MaxCivility = 2000 // characters of an area's civility policy
)

// Statuses of a comment.
const (
	CommentShown   = "shown"
	CommentHidden  = "hidden"  // by staff, with a public reason
	CommentDeleted = "deleted" // by its author; the text is erased
)

// CommentStatuses lists every status of a comment.
var CommentStatuses = []string{CommentShown, CommentHidden, CommentDeleted}

// Comment is one comment of a topic's thread as the caller sees it.
type Comment struct {
	ID           int64     `json:"id"`
	TopicID      int64     `json:"topic_id"`
	Author       string    `json:"author"` // the author's display name; a phone number is never shown
	ByStaff      bool      `json:"by_staff"`
	Text         string    `json:"text"` // empty when hidden (for all but staff of the area) or deleted
	Status       string    `json:"status"`
	HiddenReason string    `json:"hidden_reason,omitempty"`
	Original     string    `json:"original,omitempty"` // staff of the area: the text of a hidden comment
	Reports      *int      `json:"reports,omitempty"`  // staff of the area only
	Mine         bool      `json:"mine"`               // the caller wrote it
	Reported     bool      `json:"reported"`           // the caller reported it
	CreatedAt    time.Time `json:"created_at"`
	authorID     *int64
}

// comment is a comment's row with its topic's area.
type comment struct {
	Comment
	path   string
	status string // the topic's
}

const commentCols = `c.id, c.topic_id, c.author_id, c.author_name, c.by_staff, c.body, c.status, c.hidden_reason, c.reports, c.created_at, t.area_path, t.status`

func scanComment(r db.Scanner) (comment, error) {
	var c comment
	var by sql.NullInt64
	var reports int
	err := r.Scan(&c.ID, &c.TopicID, &by, &c.Author, &c.ByStaff, &c.Text, &c.Status, &c.HiddenReason, &reports, &c.CreatedAt, &c.path, &c.status)
	c.authorID = db.NullID(by)
	c.Reports = &reports
	return c, err
}

func (s *Service) comment(ctx context.Context, q db.Querier, id int64) (comment, error) {
	c, err := scanComment(q.QueryRow(ctx, `SELECT `+commentCols+` FROM topic_comments c JOIN topics t ON t.id = c.topic_id WHERE c.id = ?`, id))
	return c, db.NotFound(err, "comment")
}

// view is c as p sees it: staff of the area (delib.read) see report counts
// and a hidden comment's text; others see the public reason only.
func (c comment) view(p *auth.Principal, reported bool) Comment {
	v := c.Comment
	v.Mine = p != nil && p.UserID != 0 && v.authorID != nil && *v.authorID == p.UserID
	v.Reported = reported
	staff := auth.Authorize(p, auth.DelibRead, c.path) == nil
	if !staff {
		v.Reports = nil
	}
	if v.Status == CommentHidden {
		if staff {
			v.Original = v.Text
		}
		v.Text = ""
	}
	return v
}

// CanComment reports whether p may comment on t: a resident of its area or
// its staff, while it is open or on the agenda.
func CanComment(p *auth.Principal, t Topic) bool {
	return commenter(p, t.AreaPath) && (t.Status == TopicOpen || t.Status == TopicAgenda)
}

func commenter(p *auth.Principal, path string) bool {
	return eligible(p, path) || auth.Authorize(p, auth.DelibWrite, path) == nil
}

// CanModerate reports whether p hides and shows comments of t (delib.write on its area).
func CanModerate(p *auth.Principal, t Topic) bool { return CanAnswer(p, t) }

// phoneInName finds a phone number in a name, so it is masked on the thread.
var phoneInName = regexp.MustCompile(`\d{7,}`)

// commentName is how p is named on a comment: the display name, with any
// phone number in it masked.
func commentName(p *auth.Principal) string {
	_, name := p.Actor()
	return phoneInName.ReplaceAllStringFunc(name, auth.MaskPhone)
}

// textLen checks a trimmed text is within limit characters; the caller
// says what is missing when it is empty.
func textLen(field, text string, limit int) error {
	if len([]rune(text)) > limit {
		return errs.Invalid(field, "the text is at most %d characters", limit)
	}
	return nil
}

// Comments returns the thread of topic id as p sees it, oldest first.
func (s *Service) Comments(ctx context.Context, p *auth.Principal, id int64) ([]Comment, error) {
	t, err := s.topic(ctx, s.db, id)
	if err != nil {
		return nil, err
	}
	if !canSeeTopic(p, t) {
		return nil, hidden(p, "topic")
	}
	return s.comments(ctx, p, id)
}

func (s *Service) comments(ctx context.Context, p *auth.Principal, id int64) ([]Comment, error) {
	rows, err := db.All(ctx, s.db, `SELECT `+commentCols+` FROM topic_comments c JOIN topics t ON t.id = c.topic_id WHERE c.topic_id = ? ORDER BY c.id`,
		[]any{id}, scanComment)
	if err != nil {
		return nil, errs.Wrap(err, "comments")
	}
	mine := map[int64]bool{}
	if p != nil && p.UserID != 0 {
		ids, err := db.IDs(ctx, s.db, `SELECT r.comment_id FROM topic_comment_reports r JOIN topic_comments c ON c.id = r.comment_id
			WHERE c.topic_id = ? AND r.user_id = ?`, id, p.UserID)
		if err != nil {
			return nil, errs.Wrap(err, "reports")
		}
		for _, x := range ids {
			mine[x] = true
		}
	}
	out := make([]Comment, len(rows))
	for i, c := range rows {
		out[i] = c.view(p, mine[c.ID])
	}
	return out, nil
}

// AddComment writes p's comment on topic id: a resident of its area or its
// staff, while the topic is open or on the agenda (answered or closed: 409).
func (s *Service) AddComment(ctx context.Context, p *auth.Principal, id int64, text string) (Comment, error) {
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
		if !canSeeTopic(p, t) {
			return hidden(p, "topic")
		}
		if !commenter(p, t.AreaPath) {
			return errs.New(errs.EFORBIDDEN, "topics are discussed by residents of %s and its staff", t.AreaName)
		}
		if t.Status != TopicOpen && t.Status != TopicAgenda {
			return errs.New(errs.ECONFLICT, "the topic was answered or closed; it takes no more comments")
		}
		now := s.clock.Now()
		by, _ := p.Actor()
		staff := auth.Authorize(p, auth.DelibWrite, t.AreaPath) == nil
		cid, err = db.InsertID(ctx, tx, `INSERT INTO topic_comments (topic_id, author_id, author_name, by_staff, body, status, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, id, by, commentName(p), staff, text, CommentShown, now, now)
		if err != nil {
			return errs.Wrap(err, "insert comment")
		}
		return record(ctx, tx, now, p, "create", "topic_comment", cid, t.AreaPath, nil, map[string]any{"topic_id": id})
	})
	if err != nil {
		return Comment{}, err
	}
	c, err := s.comment(ctx, s.db, cid)
	return c.view(p, false), err
}

// ReportComment records p's report of a comment, with its reason: anyone
// who sees the topic, once per comment (again: 409).
func (s *Service) ReportComment(ctx context.Context, p *auth.Principal, id int64, reason string) (Comment, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return Comment{}, errs.Invalid("reason", "say what is wrong with the comment")
	}
	if err := textLen("reason", reason, MaxReason); err != nil {
		return Comment{}, err
	}
	return s.moderate(ctx, p, id, func(tx *db.Tx, c comment, now time.Time) (string, any, error) {
		if p == nil || p.UserID == 0 {
			return "", nil, errs.New(errs.EFORBIDDEN, "sign in to report a comment")
		}
		if c.Status == CommentDeleted {
			return "", nil, errs.New(errs.ECONFLICT, "the comment was deleted")
		}
		if _, err := tx.Exec(ctx, `INSERT INTO topic_comment_reports (comment_id, user_id, reason, at) VALUES (?, ?, ?, ?)`, id, p.UserID, reason, now); err != nil {
			if errs.Code(db.MapError(err)) == errs.ECONFLICT {
				return "", nil, errs.New(errs.ECONFLICT, "you reported this comment already")
			}
			return "", nil, errs.Wrap(err, "report")
		}
		_, err := tx.Exec(ctx, `UPDATE topic_comments SET reports = reports + 1 WHERE id = ?`, id)
		return "report", map[string]any{"reason": reason}, errs.Wrap(err, "report")
	})
}

// HideComment hides a comment with a reason everyone reads (delib.write on
// the topic's area); a hidden or deleted one is 409.
func (s *Service) HideComment(ctx context.Context, p *auth.Principal, id int64, reason string) (Comment, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return Comment{}, errs.Invalid("reason", "say why the comment is hidden; everyone reads it")
	}
	if err := textLen("reason", reason, MaxReason); err != nil {
		return Comment{}, err
	}
	return s.moderate(ctx, p, id, func(tx *db.Tx, c comment, now time.Time) (string, any, error) {
		if err := auth.Authorize(p, auth.DelibWrite, c.path); err != nil {
			return "", nil, err
		}
		if c.Status != CommentShown {
			return "", nil, errs.New(errs.ECONFLICT, "only a shown comment can be hidden")
		}
		_, err := tx.Exec(ctx, `UPDATE topic_comments SET status = ?, hidden_reason = ?, updated_at = ? WHERE id = ? AND status = ?`,
			CommentHidden, reason, now, id, CommentShown)
		return "hide", map[string]any{"status": CommentHidden, "reason": reason}, errs.Wrap(err, "hide comment")
	})
}

// UnhideComment shows a hidden comment again (delib.write on the topic's area).
func (s *Service) UnhideComment(ctx context.Context, p *auth.Principal, id int64) (Comment, error) {
	return s.moderate(ctx, p, id, func(tx *db.Tx, c comment, now time.Time) (string, any, error) {
		if err := auth.Authorize(p, auth.DelibWrite, c.path); err != nil {
			return "", nil, err
		}
		if c.Status != CommentHidden {
			return "", nil, errs.New(errs.ECONFLICT, "the comment is not hidden")
		}
		_, err := tx.Exec(ctx, `UPDATE topic_comments SET status = ?, hidden_reason = '', updated_at = ? WHERE id = ? AND status = ?`,
			CommentShown, now, id, CommentHidden)
		return "unhide", map[string]any{"status": CommentShown}, errs.Wrap(err, "unhide comment")
	})
}

// DeleteComment erases the author's own comment; it stays in the thread as deleted.
func (s *Service) DeleteComment(ctx context.Context, p *auth.Principal, id int64) (Comment, error) {
	return s.moderate(ctx, p, id, func(tx *db.Tx, c comment, now time.Time) (string, any, error) {
		if p == nil || p.UserID == 0 || c.authorID == nil || *c.authorID != p.UserID {
			return "", nil, errs.New(errs.EFORBIDDEN, "only its author deletes a comment")
		}
		if c.Status == CommentDeleted {
			return "", nil, errs.New(errs.ECONFLICT, "the comment was deleted")
		}
		_, err := tx.Exec(ctx, `UPDATE topic_comments SET status = ?, body = '', updated_at = ? WHERE id = ?`, CommentDeleted, now, id)
		return "delete", map[string]any{"status": CommentDeleted}, errs.Wrap(err, "delete comment")
	})
}

// moderate runs one change of a comment p can see in one transaction with
// its audit row; do returns the audit action and what it changed.
func (s *Service) moderate(ctx context.Context, p *auth.Principal, id int64, do func(tx *db.Tx, c comment, now time.Time) (string, any, error)) (Comment, error) {
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		c, err := s.comment(ctx, tx, id)
		if err != nil {
			return err
		}
		t, err := s.topic(ctx, tx, c.TopicID)
		if err != nil {
			return err
		}
		if !canSeeTopic(p, t) {
			return hidden(p, "comment")
		}
		now := s.clock.Now()
		action, after, err := do(tx, c, now)
		if err != nil {
			return err
		}
		return record(ctx, tx, now, p, action, "topic_comment", id, c.path, map[string]any{"status": c.Status}, after)
	})
	if err != nil {
		return Comment{}, err
	}
	c, err := s.comment(ctx, s.db, id)
	if err != nil {
		return Comment{}, err
	}
	var n int
	if p != nil && p.UserID != 0 {
		if err := s.db.QueryRow(ctx, `SELECT count(*) FROM topic_comment_reports WHERE comment_id = ? AND user_id = ?`, id, p.UserID).Scan(&n); err != nil {
			return Comment{}, errs.Wrap(err, "reports")
		}
	}
	return c.view(p, n > 0), nil
}

// ReportCount is how often the comment was reported, for staff (0 for others).
func (c Comment) ReportCount() int {
	if c.Reports == nil {
		return 0
	}
	return *c.Reports
}
