package demo

import (
	"context"
	"testing"

	"gongzhi/internal/db"
)

// CheckCouncils checks the built district's councils (TestBuild calls it):
// a third of the residential areas have one (the Green Housewives council
// among them), each with a year of meetings and decisions, some linked to
// projects, and two rules.
func CheckCouncils(t *testing.T, ctx context.Context, d *db.DB) {
	t.Helper()
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
}
