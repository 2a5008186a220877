package activity_test

import (
	"context"
	"testing"
	"time"

	"gongzhi/internal/activity"
	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/testkit"
)

// TestProjectOrganiser: a service project publishes an activity in or
// below its area and shows as the organiser; a project elsewhere or
// unknown is refused and nothing is written.
func TestProjectOrganiser(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		project := func(title, code string) int64 {
			path, err := area.Path(ctx, d, code)
			if err != nil {
				t.Fatal(err)
			}
			id, err := db.InsertID(ctx, d, `INSERT INTO projects (title, domain, level, area_code, area_path, rate_token, created_at, updated_at)
				VALUES (?, 'livelihood', 'street', ?, ?, ?, ?, ?)`, title, code, path, "tok-"+code, e.c.Now(), e.c.Now())
			if err != nil {
				t.Fatal(err)
			}
			return id
		}
		street, other := project("湖南路助老项目", testkit.StreetA), project("天平路项目", testkit.StreetB)
		start := e.c.Now().Add(48 * time.Hour).Truncate(time.Hour)
		in := activity.Input{Title: "助老理发", Start: start, End: start.Add(2 * time.Hour), Place: "东湖居民区党群服务站", Audience: activity.ForAll, Area: testkit.ResA1}
		staff := e.f.Users[auth.CommunityStaff]
		for _, id := range []int64{other, 9999} {
			bad := in
			bad.ProjectID = &id
			if _, err := e.s.Create(ctx, staff, bad); errs.Code(err) != errs.EINVALID {
				t.Fatalf("project %d: %v", id, err)
			}
		}
		var n int
		if err := d.QueryRow(ctx, "SELECT count(*) FROM activities").Scan(&n); err != nil || n != 0 {
			t.Fatalf("refused activities written: %d %v", n, err)
		}
		in.ProjectID = &street
		a, err := e.s.Create(ctx, staff, in)
		if err != nil {
			t.Fatal(err)
		}
		if a.ProjectID == nil || *a.ProjectID != street || a.Organiser != "湖南路助老项目" {
			t.Fatalf("activity %+v", a)
		}
		l, err := e.s.List(ctx, e.f.Users[auth.Member], activity.Filter{})
		if err != nil || l.Total != 1 || l.Items[0].Organiser != "湖南路助老项目" {
			t.Fatalf("list %+v %v", l, err)
		}
	})
}
