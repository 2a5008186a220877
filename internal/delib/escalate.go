package delib

import (
	"context"
	"strconv"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/notify"
	"gongzhi/internal/texts"
)

// Notifier writes inbox notices inside the transaction of the change they
// report (notify.Service does).
type Notifier interface {
	Notify(ctx context.Context, tx *db.Tx, n notify.Notice) error
}

// SetNotifier makes the answer job tell the parent area's staff of a topic
// nobody answered in time; without one the job still marks and records it.
func (s *Service) SetNotifier(n Notifier) { s.notify = n }

// escalationRoles are the staff told of an overdue topic: those who answer topics.
var escalationRoles = []auth.Role{auth.DistrictAdmin, auth.StreetStaff, auth.CommunityStaff}

// topicDue is the answer job: a topic still on the agenda past its due
// time is marked overdue and goes up, as demands do (督办): the staff of
// its parent area are told in their inbox, and its public history says
// where it went.
func (s *Service) topicDue(ctx context.Context, tx *db.Tx, id int64) error {
	t, err := s.topic(ctx, tx, id)
	if errs.Code(err) == errs.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	now := s.clock.Now()
	if t.Status != TopicAgenda || t.Overdue || t.DueAt == nil || t.DueAt.After(now) {
		return nil
	}
	a, err := area.Get(ctx, tx, t.Area)
	if err != nil {
		return err
	}
	var parent area.Area
	if a.ParentCode != "" {
		if parent, err = area.Get(ctx, tx, a.ParentCode); err != nil {
			return err
		}
	}
	var to, toPath any // the district has no parent: it is marked overdue only
	if parent.Code != "" {
		to, toPath = parent.Code, parent.Path
	}
	if _, err := tx.Exec(ctx, `UPDATE topics SET overdue = ?, escalated_to = ?, escalated_path = ?, updated_at = ? WHERE id = ?`,
		true, to, toPath, now, id); err != nil {
		return errs.Wrap(err, "overdue")
	}
	sys := auth.SystemPrincipal()
	if err := s.topicEvent(ctx, tx, now, sys, id, t.AreaPath, "overdue", "answer_due"); err != nil {
		return err
	}
	if parent.Code != "" {
		if err := s.topicEvent(ctx, tx, now, sys, id, t.AreaPath, "escalated", parent.Name); err != nil {
			return err
		}
		if s.notify != nil {
			ref := strconv.FormatInt(id, 10)
			if err := s.notify.Notify(ctx, tx, notify.Notice{Kind: notify.KindEscalation,
				TitleText: texts.New("notice.topic_escalated", "id", ref, "title", short(t.Title)),
				Body:      t.AreaName + " · " + t.Title, Link: "/topics/" + ref, Entity: "topic", EntityID: ref,
				Area: parent.Code, Roles: escalationRoles}); err != nil {
				return err
			}
		}
	}
	return record(ctx, tx, now, sys, "overdue", "topic", id, t.AreaPath, nil, map[string]any{"due_at": t.DueAt, "escalated_to": to})
}

// short cuts a title for a notice's title.
func short(s string) string {
	r := []rune(s)
	if len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}
