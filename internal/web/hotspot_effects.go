package web

import (
	"context"
)

// mtDashTopics is how many closed monthly topics the dashboard lists.
const mtDashTopics = 5

// mtTopicOfProject is the monthly topic a project is the fix of, with its
// effect in the reader's words, for the project page; nil when none or not
// the reader's to read.
func (s *server) mtTopicOfProject(ctx context.Context, rq *request, project int64) (*mtTopicRow, error) {
	if s.Hotspot == nil {
		return nil, nil
	}
	t, err := s.Hotspot.TopicOfProject(ctx, rq.P, project)
	if err != nil || t == nil {
		return nil, err
	}
	return &mtTopicRow{Topic: *t, Verdict: mtVerdict(rq, t.Effect)}, nil
}

// mtClosedTopics are the area's closed monthly topics with their verdicts,
// for the leaders' dashboard; nil for readers of no hot spots.
func (s *server) mtClosedTopics(ctx context.Context, rq *request, areaCode string) ([]mtTopicRow, error) {
	if s.Hotspot == nil {
		return nil, nil
	}
	ts, err := s.Hotspot.ClosedEffects(ctx, rq.P, areaCode, mtDashTopics)
	if err != nil {
		return nil, err
	}
	var out []mtTopicRow
	for _, t := range ts {
		out = append(out, mtTopicRow{Topic: t, Verdict: mtVerdict(rq, t.Effect)})
	}
	return out, nil
}

// Closed is the day the topic closed, "" while open.
func (r mtTopicRow) Closed() string {
	if r.ClosedOn == nil {
		return ""
	}
	return *r.ClosedOn
}
