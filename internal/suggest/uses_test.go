package suggest_test

import (
	"context"
	"testing"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/demand"
	"gongzhi/internal/errs"
	"gongzhi/internal/notify"
	"gongzhi/internal/suggest"
	"gongzhi/internal/testkit"
)

func TestRank(t *testing.T) {
	for _, c := range []struct {
		picked string
		shown  []string
		want   int
	}{
		{"noise", []string{"noise", "leak", "parking"}, 1},
		{"parking", []string{"noise", "leak", "parking"}, 3},
		{"kiosk", []string{"noise", "leak", "parking"}, 0},
		{"kiosk", []string{"noise", "leak", "parking", "kiosk"}, 0}, // only three are shown
		{"noise", nil, 0},
	} {
		if got := suggest.Rank(c.picked, c.shown); got != c.want {
			t.Errorf("Rank(%q, %v) = %d, want %d", c.picked, c.shown, got, c.want)
		}
	}
}

func TestReceipt(t *testing.T) {
	s := suggest.Suggestion{Model: "2026-11-30T01:30:00Z", Lead: "310104001001",
		Categories: []suggest.Suggested{{Category: "noise", Name: "噪音扰民", P: 0.83123}, {Category: "leak", P: 0.1}}}
	r := suggest.Receipt(s)
	if r != "2026-11-30T01:30:00Z|noise:0.8312,leak:0.1000|310104001001" {
		t.Fatalf("receipt %q", r)
	}
	u, ok := suggest.ParseReceipt(r)
	if !ok || u.Model != s.Model || u.Lead != s.Lead || len(u.Categories) != 2 || u.Categories[0].Category != "noise" || u.Categories[0].P != 0.8312 {
		t.Fatalf("parsed %+v %v", u, ok)
	}
	for _, bad := range []string{"", "x", "m||", "m|noise|", "m|noise:x|", "|noise:0.5|"} {
		if _, ok := suggest.ParseReceipt(bad); ok {
			t.Errorf("ParseReceipt(%q) read it", bad)
		}
	}
	if suggest.Receipt(suggest.Suggestion{}) != "" {
		t.Error("a receipt of nothing shown")
	}
}

// TestRecordUses: what was shown is kept beside what was filed (the
// category, and the body dispatched to), once per demand, only for a
// demand of the caller's intake scope filed in the last day; a bad record
// writes nothing; Uses counts top-1 and top-3 in the reader's scope.
func TestRecordUses(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx, clk := context.Background(), testkit.Clock()
		f := testkit.NewFixture(t, d)
		admin, community := f.Users[auth.DistrictAdmin], f.Users[auth.CommunityStaff]
		ds := demand.NewService(d, clk, notify.NewService(d, clk, notify.Options{}))
		for _, c := range []demand.Category{
			{Code: "noise", Name: "噪音扰民", ContactLimit: "2h", ResolveLimit: "5wd", Active: true},
			{Code: "leak", Name: "房屋漏水", ContactLimit: "2h", ResolveLimit: "5wd", Active: true},
		} {
			if _, err := ds.SaveCategory(ctx, admin, c); err != nil {
				t.Fatal(err)
			}
		}
		file := func(cat, area string, dispatch bool) int64 {
			t.Helper()
			in := demand.NewDemand{Category: cat, Description: "楼上漏水", Channel: "hotline", Area: area,
				Reporter: demand.ReporterInput{Name: "王阿姨", Phone: "13900002222"}}
			if dispatch {
				in.Dispatch, in.Lead = true, area
			}
			fl, err := ds.Intake(ctx, admin, in)
			if err != nil {
				t.Fatalf("intake: %v", err)
			}
			return fl.Demand.ID
		}
		s := suggest.NewService(d, clk)
		shown := func(id int64) suggest.Use {
			return suggest.Use{DemandID: id, Model: "2026-11-30T01:00:00Z", Categories: []suggest.Suggested{{Category: "leak", P: 0.7}, {Category: "noise", P: 0.2}}, Lead: testkit.ResA1}
		}
		first := file("leak", testkit.ResA1, true)
		rec, err := s.Record(ctx, community, shown(first), suggest.SourceWeb)
		if err != nil || rec.Rank != 1 || rec.Category != "leak" || rec.Lead != testkit.ResA1 {
			t.Fatalf("record: %+v %v", rec, err)
		}
		second := file("noise", testkit.ResA1, false)
		if rec, err = s.Record(ctx, community, shown(second), suggest.SourceAPI); err != nil || rec.Rank != 2 || rec.Lead != "" {
			t.Fatalf("record: %+v %v", rec, err)
		}
		count := func() int {
			n, err := db.IDs(ctx, d, "SELECT count(*) FROM suggestion_uses")
			if err != nil {
				t.Fatal(err)
			}
			return int(n[0])
		}
		outside := file("noise", testkit.ResB1, false)
		bad := shown(first)
		bad.Categories = append(bad.Categories, suggest.Suggested{Category: "x", P: 2})
		for name, c := range map[string]struct {
			p    *auth.Principal
			u    suggest.Use
			code string
		}{
			"twice":               {community, shown(first), errs.ECONFLICT},
			"outside the scope":   {community, shown(outside), errs.ENOTFOUND},
			"no such demand":      {community, shown(99999), errs.ENOTFOUND},
			"a resident":          {f.Users[auth.Resident], shown(outside), errs.EFORBIDDEN},
			"a bad p, four shown": {community, bad, errs.EINVALID},
		} {
			if _, err := s.Record(ctx, c.p, c.u, suggest.SourceAPI); errs.Code(err) != c.code {
				t.Errorf("%s: %v, want %s", name, err, c.code)
			}
		}
		if n := count(); n != 2 {
			t.Fatalf("%d uses recorded, want 2", n)
		}
		clk.Advance(25 * time.Hour)
		if _, err := s.Record(ctx, admin, shown(outside), suggest.SourceAPI); errs.Code(err) != errs.EINVALID {
			t.Errorf("a day later: %v", err)
		}

		u, err := s.Uses(ctx, admin)
		if err != nil || u.N != 2 || u.Top1 != 1 || u.Top3 != 2 || u.Leads != 1 || u.LeadHits != 1 || len(u.ByCategory) != 2 || u.ByCategory[0].Category != "noise" {
			t.Fatalf("uses: %+v %v", u, err)
		}
		if u, err := s.Uses(ctx, f.Users[auth.Resident]); errs.Code(err) != errs.EFORBIDDEN {
			t.Errorf("a resident reads the uses: %+v %v", u, err)
		}
	})
}
