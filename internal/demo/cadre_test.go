package demo

import (
	"context"
	"testing"
	"time"

	"gongzhi/internal/db"
	"gongzhi/internal/testkit"
)

// TestCadreStep writes the district with its demands, projects and party
// members, then the cadre step, and checks every residential area has its
// secretary, the 25 young cadres are in two batches, every cadre has last
// year's evaluation with figures from the platform, and a dozen pairs met.
// The step's time is logged (at most 2 s on SQLite).
func TestCadreStep(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		b := newBuilder(testkit.Clock().Now())
		b.generate()
		var took time.Duration
		err := d.InTx(ctx, func(tx *db.Tx) error {
			for _, step := range []func(context.Context, *db.Tx) error{b.write, b.writeDemands, b.writeLists, b.writeParty} {
				if err := step(ctx, tx); err != nil {
					return err
				}
			}
			t0 := time.Now()
			if err := b.writeCadres(ctx, tx); err != nil {
				return err
			}
			took = time.Since(t0)
			t.Logf("cadre step: %v", took)
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
		if res, sec := count("SELECT count(*) FROM areas WHERE level = 'residential'"), count("SELECT count(*) FROM cadres WHERE kind = 'secretary'"); res != sec {
			t.Errorf("%d secretaries for %d residential areas", sec, res)
		}
		if b1, b2 := count("SELECT count(*) FROM cadres WHERE kind = 'young_cadre' AND batch = 1"), count("SELECT count(*) FROM cadres WHERE kind = 'young_cadre' AND batch = 2"); b1+b2 != 25 || b1 == 0 || b2 == 0 {
			t.Errorf("young cadres: %d in batch 1, %d in batch 2, want 25 in two batches", b1, b2)
		}
		if c, e := count("SELECT count(*) FROM cadres"), count("SELECT count(*) FROM cadre_evaluations"); c != e {
			t.Errorf("%d cadres, %d evaluations", c, e)
		}
		if n := count("SELECT count(*) FROM cadre_evaluations WHERE demands > 0 AND reported > 0"); n == 0 {
			t.Error("no evaluation shows demands and reported members")
		}
		if n := count("SELECT count(*) FROM mentor_pairs"); n != 12 {
			t.Errorf("%d mentoring pairs, want 12", n)
		}
		if n := count("SELECT count(DISTINCT pair_id) FROM mentor_meetings"); n != 12 {
			t.Errorf("%d pairs met, want 12", n)
		}
	})
}
