package demo

import (
	"context"
	"testing"

	"gongzhi/internal/db"
)

// CheckDelibComments checks the built district's discussions (TestBuild
// calls it): comments under topics, one hidden with its public reason, and
// every topic left unanswered past its time sent up to its street.
func CheckDelibComments(t *testing.T, ctx context.Context, d *db.DB) {
	t.Helper()
	count := func(q string) (n int) {
		if err := d.QueryRow(ctx, q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count("SELECT count(*) FROM topic_comments"); n < 20 {
		t.Errorf("%d comments, want some on many topics", n)
	}
	if n := count("SELECT count(*) FROM topic_comments WHERE status = 'hidden' AND hidden_reason <> ''"); n != 1 {
		t.Errorf("%d hidden comments with a reason, want 1", n)
	}
	if n := count("SELECT count(*) FROM topic_comments c JOIN topics t ON t.id = c.topic_id WHERE c.created_at < t.created_at"); n != 0 {
		t.Errorf("%d comments older than their topic", n)
	}
	overdue := count("SELECT count(*) FROM topics WHERE overdue = TRUE")
	if overdue == 0 || count(`SELECT count(*) FROM topics t JOIN areas a ON a.code = t.area_code
		WHERE t.overdue = TRUE AND t.escalated_to = a.parent_code AND t.escalated_path IS NOT NULL`) != overdue {
		t.Errorf("not every overdue topic went up to its street (%d overdue)", overdue)
	}
	if n := count("SELECT count(*) FROM topic_events WHERE status = 'escalated'"); n != overdue {
		t.Errorf("%d escalation events for %d overdue topics", n, overdue)
	}
}
