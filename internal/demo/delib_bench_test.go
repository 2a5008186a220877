package demo

import (
	"context"
	"testing"

	"gongzhi/internal/db"
	"gongzhi/internal/demand"
	"gongzhi/internal/testkit"
)

// BenchmarkDelibStep times the deliberation step on the district, the
// calendar and nothing else it does not need (its share of the demo's 30 s
// budget is about 1.5 s on SQLite): go test -run '^$' -bench DelibStep ./internal/demo
func BenchmarkDelibStep(bm *testing.B) {
	for range bm.N {
		benchDelibStep(bm)
	}
}

func benchDelibStep(bm *testing.B) {
	bm.StopTimer()
	d := testkit.NewDB(bm, db.SQLite)
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
		bm.StartTimer()
		defer bm.StopTimer()
		return b.writeDelib(ctx, tx)
	})
	if err != nil {
		bm.Fatal(err)
	}
}
