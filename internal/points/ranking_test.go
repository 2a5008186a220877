package points_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/party"
	"gongzhi/internal/points"
	"gongzhi/internal/testkit"
)

// TestRankingPages ranks 90 members of three kinds with many ties and
// checks that the database's ranking, read whole and page by page, is the
// one Rank gives the same totals; and that approved pairing visits count in
// the pairing module.
func TestRankingPages(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d)
		admin, staff := w.f.Users[auth.DistrictAdmin], w.f.Users[auth.CommunityStaff]
		ps := party.NewService(d, testkit.Clock())
		var org int64
		if err := d.QueryRow(ctx, "SELECT party_org_id FROM members WHERE id = ?", w.inSvc).Scan(&org); err != nil {
			t.Fatal(err)
		}
		kinds := []string{"在职", "退休", "流动"}
		for i := range 88 {
			m, err := ps.Create(ctx, auth.SystemPrincipal(), party.Input{Name: fmt.Sprintf("党员%02d", i), Kind: kinds[i%3], PartyOrgID: org})
			if err != nil {
				t.Fatal(err)
			}
			if h := i % 7; h > 0 { // 0 to 6 hours: many share a total
				w.service(m.ID, testkit.ResB1, fmt.Sprintf("2026-03-%02d 11:00", 2+i%20), h*60)
			}
		}
		path, err := area.Path(ctx, d, testkit.ResA1)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.Exec(ctx, `INSERT INTO member_service (member_id, source, source_id, area_path, started_at, ended_at, minutes) VALUES (?, 'pairing', 1, ?, ?, ?, 90)`,
			w.retired, path, testkit.Clock().Now().AddDate(0, -1, 0), testkit.Clock().Now().AddDate(0, -1, 0).Add(90*60e9)); err != nil {
			t.Fatal(err)
		}
		rs, err := w.s.CreateRuleset(ctx, admin, points.RulesetInput{Year: 2026, Rules: []points.Rule{
			{Module: points.ModVolunteer, Per: points.PerHour, Points: 1}, {Module: points.ModPairing, Per: points.PerHour, Points: 2}}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.Apply(ctx, admin, rs.ID); err != nil {
			t.Fatal(err)
		}
		mp, err := w.s.MemberPoints(ctx, staff, w.retired, 2026)
		if err != nil || mp.Modules[points.ModPairing] != 3 {
			t.Errorf("pairing points %v %v, want 3 (1.5 h at 2 a hour, rounded down)", mp.Modules, err)
		}

		all, err := w.s.Ranking(ctx, staff, points.RankFilter{Year: 2026})
		if err != nil || len(all) != 90 {
			t.Fatalf("%d ranked, %v; want 90", len(all), err)
		}
		want := slices.Clone(all)
		for i := range want {
			want[i].Rank = 0
		}
		points.Rank(want)
		for i := range all {
			if all[i].MemberID != want[i].MemberID || all[i].Rank != want[i].Rank || all[i].Total != want[i].Total {
				t.Fatalf("row %d: database %+v, Rank %+v", i, all[i], want[i])
			}
		}
		var paged []points.Ranked
		for page := 1; ; page++ {
			l, err := w.s.RankingPage(ctx, staff, points.RankFilter{Year: 2026}, page, 7)
			if err != nil || l.Total != 90 {
				t.Fatalf("page %d: total %d, %v", page, l.Total, err)
			}
			if len(l.Items) == 0 {
				break
			}
			paged = append(paged, l.Items...)
		}
		if len(paged) != 90 {
			t.Fatalf("pages held %d members, want 90", len(paged))
		}
		for i := range paged {
			if paged[i].MemberID != all[i].MemberID || paged[i].Rank != all[i].Rank || fmt.Sprint(paged[i].Modules) != fmt.Sprint(all[i].Modules) {
				t.Errorf("paged row %d %+v, whole %+v", i, paged[i], all[i])
			}
		}
		l, err := w.s.RankingPage(ctx, staff, points.RankFilter{Year: 2026, Kind: "退休"}, 1, 50)
		if err != nil || l.Total != 30 || len(l.Items) != 30 || l.Items[0].Rank != 1 || l.Items[0].Kind != "退休" {
			t.Errorf("retired only: %d of %d, %v", len(l.Items), l.Total, err)
		}
	})
}
