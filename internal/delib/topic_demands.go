package delib

import (
	"context"
	"strings"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// MaxTopicDemands is the most demands one topic is made from.
const MaxTopicDemands = 100

// TopicDemand is a demand a topic was made from, as anyone who sees the
// topic may: its number, category and status, nothing personal.
type TopicDemand struct {
	ID       int64  `json:"id"`
	Category string `json:"category"`
	Status   string `json:"status"`
}

// TopicRef names a topic on another record's page (a demand's).
type TopicRef struct {
	ID     int64  `json:"id"`
	Title  string `json:"title"`
	Status string `json:"status"`
}

// linkDemands links the demands a staff member makes topic id from: each
// must lie in the topic's area and be one p may read (demand.read there).
func linkDemands(ctx context.Context, tx *db.Tx, p *auth.Principal, id int64, path string, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	args := make([]any, len(ids))
	for i, x := range ids {
		args[i] = x
	}
	type row struct {
		id   int64
		path string
	}
	rows, err := db.All(ctx, tx, `SELECT id, area_path FROM demands WHERE id IN (?`+strings.Repeat(", ?", len(ids)-1)+`)`, args, func(r db.Scanner) (row, error) {
		var x row
		err := r.Scan(&x.id, &x.path)
		return x, err
	})
	if err != nil {
		return errs.Wrap(err, "demands")
	}
	found := map[int64]string{}
	for _, r := range rows {
		found[r.id] = r.path
	}
	for _, x := range ids {
		dp, ok := found[x]
		if !ok || !pathWithin(path, dp) || auth.Authorize(p, auth.DemandRead, dp) != nil {
			return errs.Invalid("demand_ids", "demand #%d is not one of the area's demands you may read", x)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO topic_demands (topic_id, demand_id) VALUES (?, ?)`, id, x); err != nil {
			return errs.Wrap(err, "link demand")
		}
	}
	return nil
}

func topicDemands(ctx context.Context, q db.Querier, id int64) ([]TopicDemand, error) {
	out, err := db.All(ctx, q, `SELECT d.id, c.name, d.status FROM topic_demands td JOIN demands d ON d.id = td.demand_id
		JOIN demand_categories c ON c.code = d.category_code WHERE td.topic_id = ? ORDER BY d.id`, []any{id}, func(r db.Scanner) (TopicDemand, error) {
		var x TopicDemand
		err := r.Scan(&x.ID, &x.Category, &x.Status)
		return x, err
	})
	return out, errs.Wrap(err, "topic demands")
}

// TopicsOfDemand lists the topics made from demand id that p may see, for
// the demand's page. A demand p may not read is the caller's to refuse.
func (s *Service) TopicsOfDemand(ctx context.Context, p *auth.Principal, id int64) ([]TopicRef, error) {
	rows, err := db.All(ctx, s.db, `SELECT `+topicCols+` FROM `+topicFrom+` JOIN topic_demands td ON td.topic_id = t.id WHERE td.demand_id = ? ORDER BY t.id`,
		[]any{id}, scanTopic)
	if err != nil {
		return nil, errs.Wrap(err, "topics of demand")
	}
	var out []TopicRef
	for _, t := range rows {
		if canSeeTopic(p, t) {
			out = append(out, TopicRef{ID: t.ID, Title: t.Title, Status: t.Status})
		}
	}
	return out, nil
}
