package demo

import (
	"context"
	"testing"
	"time"

	"gongzhi/internal/db"
	"gongzhi/internal/demand"
	"gongzhi/internal/testkit"
)

// TestDelibStepTime times the deliberation step on the district, the
// calendar and nothing else it does not need (budget: 1.5 s on SQLite).
func TestDelibStepTime(t *testing.T) {
	if testing.Short() {
		t.Skip("times a demo step")
	}
	d := testkit.NewDB(t, db.SQLite)
	ctx := context.Background()
	b := newBuilder(testkit.Clock().Now())
	b.generate()
	err := d.InTx(ctx, func(tx *db.Tx) error {
		if err := b.write(ctx, tx); err != nil {
			return err
		}
		ins := db.NewBulkInsert(tx, "calendar_days", []string{"day", "kind", "name"})
		for _, c := range append(demand.Calendar2025(), demand.Calendar2026()...) {
			if err := ins.Add(ctx, c.Date, c.Kind, c.Name); err != nil {
				return err
			}
		}
		if err := ins.Close(ctx); err != nil {
			return err
		}
		start := time.Now()
		err := b.writeDelib(ctx, tx)
		t.Logf("writeDelib: %v", time.Since(start))
		if el := time.Since(start); el > 1500*time.Millisecond {
			t.Errorf("writeDelib took %v, over the 1.5 s budget", el)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
