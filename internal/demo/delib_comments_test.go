package demo

import (
	"context"
	"testing"

	"gongzhi/internal/db"
	"gongzhi/internal/testkit"
)

// TestDelibCommentsStep: the deliberation step writes discussions under
// topics, one comment hidden with its public reason, and sends every
// topic left unanswered past its time up to its street.
func TestDelibCommentsStep(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		b := newBuilder(testkit.Clock().Now())
		b.generate()
		err := d.InTx(ctx, func(tx *db.Tx) error {
			for _, step := range []func(context.Context, *db.Tx) error{b.write, b.writeDemands, b.writeLists, b.writeDelib} {
				if err := step(ctx, tx); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
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
	})
}
