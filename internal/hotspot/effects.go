package hotspot

import (
	"context"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// TopicOfProject is the monthly topic whose root-cause project is
// projectID, with its progress and (once measured) its effect; nil when
// the project is no topic's or p may not read the topic (a reader of the
// project need not read hot spots).
func (s *Service) TopicOfProject(ctx context.Context, p *auth.Principal, projectID int64) (*Topic, error) {
	if auth.AuthorizeAny(p, auth.HotspotRead) != nil {
		return nil, nil
	}
	ids, err := db.IDs(ctx, s.db, `SELECT id FROM hotspot_topics WHERE project_id = ? ORDER BY id LIMIT 1`, projectID)
	if err != nil || len(ids) == 0 {
		return nil, errs.Wrap(err, "topic of project")
	}
	t, err := s.Topic(ctx, p, ids[0])
	if c := errs.Code(err); c == errs.ENOTFOUND || c == errs.EFORBIDDEN {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	return &t, nil
}

// ClosedEffects are the closed topics under the area (a code; "" all in
// scope), newest first, at most n, each with its effect once measured:
// what a leader's dashboard lists. Without hotspot.read, none.
func (s *Service) ClosedEffects(ctx context.Context, p *auth.Principal, areaCode string, n int) ([]Topic, error) {
	if auth.AuthorizeAny(p, auth.HotspotRead) != nil {
		return nil, nil
	}
	l, err := s.Topics(ctx, p, TopicFilter{Area: areaCode, Status: "closed", PerPage: n})
	if err != nil {
		return nil, err
	}
	for i := range l.Items {
		t := &l.Items[i]
		paths, err := db.Strings(ctx, s.db, `SELECT area_path FROM hotspot_topic_grids WHERE topic_id = ?`, t.ID)
		if err != nil {
			return nil, errs.Wrap(err, "topic grids")
		}
		if t.ClosedOn == nil {
			continue
		}
		e, err := s.measure(ctx, *t, paths)
		if err != nil {
			return nil, err
		}
		if e != nil {
			t.Effect, t.Verdict = e, e.Sentence()
		}
	}
	return l.Items, nil
}
