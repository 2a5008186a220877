package lists_test

import (
	"slices"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/lists"
	"gongzhi/internal/testkit"
)

// TestListSearch finds needs, resources and projects by any of their words
// (not only the title) through the shared index, within the caller's scope,
// and IndexMissing makes records written around the index findable.
func TestListSearch(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		staff := e.as(auth.CommunityStaff)
		need := func(title, detail, area string) int64 {
			n, err := e.s.CreateNeed(e.ctx, staff, lists.NeedInput{Title: title, Detail: detail, Category: "parking", Area: area})
			if err != nil {
				t.Fatal(err)
			}
			return n.ID
		}
		parking := need("夜间停车难", "东湖小区晚上车位紧张", testkit.ResA1)
		meals := need("老人助餐", "独居老人需要午餐配送", testkit.ResA1)
		ids := func(q string, p *auth.Principal) []int64 {
			t.Helper()
			l, err := e.s.Needs(e.ctx, p, lists.ListFilter{Q: q})
			if err != nil {
				t.Fatalf("search %q: %v", q, err)
			}
			var out []int64
			for _, n := range l.Items {
				out = append(out, n.ID)
			}
			if l.Total != len(out) {
				t.Fatalf("search %q: total %d, items %d", q, l.Total, len(out))
			}
			return out
		}
		for _, c := range []struct {
			q    string
			want []int64
		}{
			{"停车", []int64{parking}},
			{"午餐配送", []int64{meals}}, // a word of the detail, not the title
			{"老人", []int64{meals}},
			{"车", []int64{parking}}, // one Han character
			{"游泳池", nil},
			{"", []int64{meals, parking}},
		} {
			if got := ids(c.q, staff); !slices.Equal(got, c.want) {
				t.Errorf("needs %q = %v, want %v", c.q, got, c.want)
			}
		}
		// Scope still holds: a grid worker of GridA1 finds none of ResA1's needs.
		if got := ids("停车", e.as(auth.GridWorker)); len(got) != 0 {
			t.Errorf("grid worker finds %v", got)
		}
		// A resource by its provider's name, a project by its claimant's name.
		r, err := e.s.CreateResource(e.ctx, e.as(auth.UnitLiaison), lists.ResourceInput{Title: "夜间停车位", Kind: "parking", Categories: []string{"parking"},
			Capacity: 40, CapacityUnit: "spaces", Windows: "1-5 19:00-07:00", Conditions: "凭小区出入证"})
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{testkit.LiaisonUnit, "出入证"} {
			l, err := e.s.Resources(e.ctx, e.as(auth.UnitLiaison), lists.ListFilter{Q: q})
			if err != nil || l.Total != 1 || l.Items[0].ID != r.ID {
				t.Errorf("resources %q = %+v, %v", q, l.Items, err)
			}
		}
		pr, err := e.s.CreateProject(e.ctx, e.as(auth.StreetStaff), lists.ProjectInput{Title: "楼道微更新", Domain: "livelihood", Area: testkit.ResA1, Claimable: true})
		if err != nil {
			t.Fatal(err)
		}
		projects := func(q string) int {
			l, err := e.s.Projects(e.ctx, e.as(auth.StreetStaff), lists.ProjectFilter{ListFilter: lists.ListFilter{Q: q}})
			if err != nil {
				t.Fatal(err)
			}
			return l.Total
		}
		if n := projects(testkit.LiaisonUnit); n != 0 {
			t.Fatalf("unclaimed project found by the unit's name: %d", n)
		}
		if _, err := e.s.ClaimProject(e.ctx, e.as(auth.UnitLiaison), pr.ID, nil); err != nil {
			t.Fatal(err)
		}
		if n := projects(testkit.LiaisonUnit); n != 1 {
			t.Fatalf("claimed project by the claimant's name: %d", n)
		}
		// Records the index lost (written before it served the lists) come back.
		if _, err := d.Exec(e.ctx, "DELETE FROM search_docs"); err != nil {
			t.Fatal(err)
		}
		if d.Dialect == db.SQLite {
			if _, err := d.Exec(e.ctx, "DELETE FROM search_docs_fts"); err != nil {
				t.Fatal(err)
			}
		}
		if got := ids("停车", staff); len(got) != 0 {
			t.Fatalf("emptied index still finds %v", got)
		}
		n, err := e.s.IndexMissing(e.ctx)
		if err != nil || n != 4 {
			t.Fatalf("IndexMissing = %d, %v; want 4", n, err)
		}
		if got := ids("停车", staff); !slices.Equal(got, []int64{parking}) {
			t.Errorf("after IndexMissing: %v", got)
		}
		if n, err := e.s.IndexMissing(e.ctx); err != nil || n != 0 {
			t.Fatalf("second IndexMissing = %d, %v; want 0", n, err)
		}
	})
}
