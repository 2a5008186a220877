package demo

import (
	"context"
	"testing"

	"gongzhi/internal/db"
)

// CheckCadres checks the built district's cadres (TestBuild calls it):
// every residential area has its secretary, the 25 young cadres are in two
// batches, every cadre has last year's evaluation with figures from the
// platform, and a dozen pairs met.
func CheckCadres(t *testing.T, ctx context.Context, d *db.DB) {
	t.Helper()
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
}
