package demo

import (
	"context"
	"testing"
	"time"

	"gongzhi/internal/db"
	"gongzhi/internal/testkit"
)

// TestCouncilStep writes the district with its demands, projects and
// topics, then the councils: a third of the residential areas have one
// (the Green Housewives council among them), each with a year of meetings
// and decisions, some linked to projects, and two rules. The step's time
// is logged (at most 2 s on SQLite).
func TestCouncilStep(t *testing.T) {
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
			t0 := time.Now()
			if err := b.writeCouncils(ctx, tx); err != nil {
				return err
			}
			took := time.Since(t0)
			t.Logf("council step: %v", took)
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
		res, councils := count("SELECT count(*) FROM areas WHERE level = 'residential'"), count("SELECT count(*) FROM councils")
		if councils*4 < res || councils*2 > res {
			t.Errorf("%d councils for %d residential areas, want about a third", councils, res)
		}
		if count("SELECT count(*) FROM councils WHERE name = '绿主妇议事会'") == 0 || count("SELECT count(*) FROM councils WHERE name = '睦邻议事会'") == 0 {
			t.Error("no 绿主妇议事会 or 睦邻议事会")
		}
		if m := count("SELECT count(*) FROM meetings"); m != councils*5 {
			t.Errorf("%d meetings for %d councils", m, councils)
		}
		if n := count("SELECT count(*) FROM meeting_decisions WHERE project_id IS NOT NULL"); n == 0 {
			t.Error("no decision became a project")
		}
		if n := count("SELECT count(*) FROM area_rules"); n != 2 {
			t.Errorf("%d rules, want 2", n)
		}
	})
}
