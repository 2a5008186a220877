package demand_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/demand"
	"gongzhi/internal/testkit"
)

// TestSearchFilters checks that a search answers every filter exactly as
// the plain SQL list does: the search reads filters off index tokens
// (migration 00008), the list off the demands table, and the two must agree
// for every principal, filter and order.
func TestSearchFilters(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		admin := e.f.Users[auth.DistrictAdmin]
		if _, err := e.s.SaveCategory(e.ctx, admin, demand.Category{Code: "property_lift", Parent: "property", Name: "电梯故障",
			ContactLimit: "2h", ResolveLimit: "5wd", Active: true}); err != nil {
			t.Fatal(err)
		}
		areas := []string{testkit.ResA1, testkit.GridA1, testkit.ResA2, testkit.ResB1}
		cats := []string{"noise", "sanitation", "property", "property_lift"}
		channels := []string{"hotline", "online", "visit"}
		texts := []string{"楼下酒吧噪音很大", "电梯坏了三天没人修", "垃圾箱满了噪音车半夜清运", "电梯口堆了杂物"}
		var ids []int64
		for i := range 24 {
			f, err := e.s.Intake(e.ctx, admin, demand.NewDemand{Category: cats[i%4], Channel: channels[i%3], Area: areas[(i/4)%4],
				Description: fmt.Sprintf("%s（第%d次）", texts[(i+i/4)%4], i)})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, f.Demand.ID)
			e.clock.Advance(time.Minute)
		}
		// Some move on; the noise ones pass their one-minute contact limit.
		for _, id := range ids[:6] {
			e.act(t, admin, id, demand.ActionInput{Action: demand.ActDispatch, Lead: testkit.ResA1})
		}
		e.clock.Advance(10 * time.Minute)
		if _, err := e.s.RunDue(e.ctx); err != nil {
			t.Fatal(err)
		}
		yes, no := true, false
		today := e.clock.Now().In(clock.Shanghai).Format(time.DateOnly)
		filters := []demand.ListFilter{
			{}, {Status: "open"}, {Status: "dispatched"}, {Status: "received"}, {Area: testkit.StreetA}, {Area: testkit.GridA1},
			{Area: testkit.ResB1}, {Category: "property"}, {Category: "property_lift"}, {Channel: "online"}, {Overdue: &yes},
			{Overdue: &no}, {From: today, To: today}, {Mine: true}, {Sort: "oldest"}, {Status: "open", Area: testkit.ResA1, Category: "noise"},
		}
		// The oracle: every demand, read with no filter (the table, not the
		// index), filtered here in Go.
		everything, err := e.s.List(e.ctx, admin, demand.ListFilter{PerPage: 500})
		if err != nil || everything.Total != 24 {
			t.Fatalf("all: %+v %v", everything, err)
		}
		paths := map[string]string{testkit.District: "/310104/", testkit.StreetA: "/310104/001/", testkit.ResA1: "/310104/001/001/",
			testkit.GridA1: "/310104/001/001/01/", testkit.ResA2: "/310104/001/002/", testkit.ResB1: "/310104/002/001/"}
		oracle := func(p *auth.Principal, f demand.ListFilter, word string) []int64 {
			var out []int64
			for _, dm := range everything.Items {
				inScope, mine := false, false
				for _, g := range p.Grants {
					inScope = inScope || strings.HasPrefix(dm.AreaPath, paths[g.AreaCode])
					mine = mine || dm.Owner == g.AreaCode || dm.Lead == g.AreaCode || slices.Contains(dm.CoBodies, g.AreaCode)
				}
				open := dm.Status != demand.Closed && dm.Status != demand.Merged
				day := dm.CreatedAt.In(clock.Shanghai).Format(time.DateOnly)
				ok := inScope && strings.Contains(dm.Description, word) &&
					(f.Status == "" || f.Status == "open" && open || string(dm.Status) == f.Status) &&
					(f.Area == "" || strings.HasPrefix(dm.AreaPath, paths[f.Area])) &&
					(f.Category == "" || dm.Category == f.Category || f.Category == "property" && dm.Category == "property_lift") &&
					(f.Channel == "" || string(dm.Channel) == f.Channel) &&
					(f.Overdue == nil || dm.Overdue == *f.Overdue) &&
					(f.From == "" || day >= f.From) && (f.To == "" || day <= f.To) &&
					(!f.Mine || mine && open)
				if ok {
					out = append(out, dm.ID)
				}
			}
			if f.Sort == "oldest" || f.Mine {
				slices.Reverse(out)
			}
			return out
		}
		nonEmpty := 0
		for _, who := range []auth.Role{auth.DistrictAdmin, auth.StreetStaff, auth.CommunityStaff} {
			p := e.f.Users[who]
			for _, f := range filters {
				if f.Area == testkit.ResB1 && who != auth.DistrictAdmin || f.Area == testkit.StreetA && who == auth.CommunityStaff {
					continue // out of scope: refused, tested elsewhere
				}
				for _, word := range []string{"", "噪音", "电梯"} {
					sf := f
					sf.Q, sf.PerPage = word, 500
					got, err := e.s.List(e.ctx, p, sf)
					if err != nil {
						t.Fatalf("%s %+v: %v", who, sf, err)
					}
					var gotIDs []int64
					for _, dm := range got.Items {
						gotIDs = append(gotIDs, dm.ID)
					}
					want := oracle(p, f, word)
					if f.Mine { // due soonest first: compare as sets
						slices.Sort(gotIDs)
						slices.Sort(want)
					}
					if !slices.Equal(gotIDs, want) || got.Total != len(want) || got.TotalCapped {
						t.Errorf("%s %+v: found %v (total %d), want %v", who, sf, gotIDs, got.Total, want)
					}
					if len(want) > 0 {
						nonEmpty++
					}
				}
			}
		}
		if nonEmpty < 40 {
			t.Fatalf("only %d of the checks had matches: the fixture does not exercise the filters", nonEmpty)
		}
		// The database builds each area's tokens as Go does.
		query := "SELECT path, scope_tokens FROM areas"
		if d.Dialect == db.Postgres {
			query = "SELECT path, gz_scope_tokens(path) FROM areas"
		}
		rows, err := d.Query(e.ctx, query)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for rows.Next() {
			var path, tokens string
			if err := rows.Scan(&path, &tokens); err != nil {
				t.Fatal(err)
			}
			if want := demand.ScopeTokens(path); tokens != want || strings.Count(tokens, " ")+1 != strings.Count(path, "/")-1 {
				t.Errorf("area %s: tokens %q, want %q", path, tokens, want)
			}
			n++
		}
		rows.Close()
		if n < 5 {
			t.Fatalf("%d areas", n)
		}
		// Newest first by default, oldest first on request.
		res, err := e.s.List(e.ctx, admin, demand.ListFilter{Q: "电梯"})
		if err != nil || len(res.Items) < 2 || res.Items[0].ID < res.Items[1].ID {
			t.Fatalf("newest first: %+v %v", res, err)
		}
	})
}

// TestListCountCap: past demand.CountCap a list says "more than" and still
// pages on, searched or not, on both engines.
func TestListCountCap(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		now := e.clock.Now()
		n := demand.CountCap + 5
		err := d.InTx(e.ctx, func(tx *db.Tx) error {
			ins := db.NewBulkInsert(tx, "demands", []string{"category_code", "channel", "status", "area_code", "area_path", "description",
				"owner_area", "created_at", "updated_at", "contact_due", "resolve_due", "search_text"})
			for i := range n {
				text := fmt.Sprintf("第%d号楼电梯坏了", i)
				if i == 7 {
					text += "，楼道漏水"
				}
				if err := ins.Add(e.ctx, "property", "hotline", "received", testkit.ResA1, "/310104/001/001/", text, testkit.ResA1,
					now, now, now.Add(time.Hour), now.Add(48*time.Hour), demand.SearchText(text)); err != nil {
					return err
				}
			}
			return ins.Close(e.ctx)
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range []demand.ListFilter{{}, {Q: "电梯"}, {Status: "open"}, {Q: "电梯", Area: testkit.ResA1}} {
			seen := map[int64]bool{}
			for page := 1; ; page++ {
				f.Page, f.PerPage = page, 500
				res, err := e.s.List(e.ctx, e.f.Users[auth.StreetStaff], f)
				if err != nil || !res.TotalCapped || res.Total != demand.CountCap {
					t.Fatalf("%+v: %d capped=%v %v", f, res.Total, res.TotalCapped, err)
				}
				for _, dm := range res.Items {
					seen[dm.ID] = true
				}
				if len(res.Items) < f.PerPage {
					break
				}
			}
			if len(seen) != n {
				t.Errorf("%+v: paged through %d of %d demands", f, len(seen), n)
			}
		}
		// Under the cap the count is exact.
		if res, err := e.s.List(e.ctx, e.f.Users[auth.StreetStaff], demand.ListFilter{Q: "漏水"}); err != nil || res.TotalCapped || res.Total != 1 {
			t.Fatalf("exact: %+v %v", res, err)
		}
	})
}
