package demand_test

import (
	"fmt"
	"testing"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/demand"
	"gongzhi/internal/testkit"
)

// TestMonthlyRollupsAgreeWithDays files and handles demands over five
// months and checks that the figures of many periods (whole months read
// from the monthly rollups, partial months from the daily ones) equal the
// same figures summed from the daily rollups alone.
func TestMonthlyRollupsAgreeWithDays(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		community, street := e.f.Users[auth.CommunityStaff], e.f.Users[auth.StreetStaff]
		cats := []string{"noise", "sanitation", "property"}
		areas := []string{testkit.ResA1, testkit.GridA1}
		start := e.clock.Now()
		for i := range 14 {
			f := e.file(t, nil, cats[i%3], areas[i%2], fmt.Sprintf("第%d件：楼道里堆放杂物影响通行", i))
			if i%3 != 2 { // some stay open; the rest are handled, which changes their day's row later
				e.act(t, community, f.Demand.ID, demand.ActionInput{Action: demand.ActDispatch, Lead: testkit.ResA1})
				e.act(t, community, f.Demand.ID, demand.ActionInput{Action: demand.ActSign})
				e.act(t, community, f.Demand.ID, demand.ActionInput{Action: demand.ActContact, Note: "已电话联系"})
			}
			e.clock.Advance(11 * 24 * time.Hour)
		}
		day := func(t time.Time) string { return t.In(clock.Shanghai).Format(time.DateOnly) }
		first, last := day(start), day(e.clock.Now())
		periods := [][2]string{{first, last}, {first, first}, {last, last}}
		for _, from := range []time.Time{start.AddDate(0, 0, -3), start, start.AddDate(0, 1, 0)} {
			for _, to := range []time.Time{start.AddDate(0, 1, 5), start.AddDate(0, 2, 0), e.clock.Now()} {
				periods = append(periods, [2]string{day(from), day(to)})
			}
		}
		// Whole months exactly, and a period from the first of a month to its last day.
		m := time.Date(start.Year(), start.Month()+1, 1, 0, 0, 0, 0, clock.Shanghai)
		periods = append(periods, [2]string{day(m), day(m.AddDate(0, 2, -1))}, [2]string{day(m), day(m.AddDate(0, 1, -1))})
		for _, pr := range periods {
			for _, cat := range []string{"", "noise"} {
				f := demand.StatsFilter{Area: testkit.StreetA, From: pr[0], To: pr[1], Category: cat}
				st, err := e.s.Stats(e.ctx, street, f)
				if err != nil {
					t.Fatal(err)
				}
				var want demand.Stats
				if err := d.QueryRow(e.ctx, `SELECT COALESCE(sum(received),0), COALESCE(sum(responded),0), COALESCE(sum(open),0)
					FROM demand_rollups WHERE area_path = (SELECT path FROM areas WHERE code = ?) AND day >= ? AND day <= ? AND category_code = ?`,
					testkit.StreetA, pr[0], pr[1], cat).Scan(&want.Received, &want.Responded, &want.Open); err != nil {
					t.Fatal(err)
				}
				if st.Received != want.Received || st.Responded != want.Responded || st.Open != want.Open {
					t.Errorf("%s..%s category %q: got received %d responded %d open %d, daily rows say %d %d %d",
						pr[0], pr[1], cat, st.Received, st.Responded, st.Open, want.Received, want.Responded, want.Open)
				}
				b, err := e.s.Breakdown(e.ctx, street, f)
				if err != nil {
					t.Fatal(err)
				}
				var byCat, byArea int
				for _, x := range b.ByCategory {
					byCat += x.Received
				}
				for _, x := range b.ByArea {
					byArea += x.Received
				}
				if byCat != want.Received || byArea != want.Received {
					t.Errorf("%s..%s category %q: breakdown by category adds to %d, by area to %d, want %d", pr[0], pr[1], cat, byCat, byArea, want.Received)
				}
			}
		}
		if st, _ := e.s.Stats(e.ctx, street, demand.StatsFilter{Area: testkit.StreetA, From: first, To: last}); st.Received != 14 {
			t.Errorf("the whole time received %d, want 14", st.Received)
		}
	})
}
