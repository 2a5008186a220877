package web_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/demand"
	"gongzhi/internal/suggest"
	"gongzhi/internal/testkit"
	"gongzhi/internal/web"
)

// TestSuggestPages: staff read how accurate the category suggestions have
// been (nothing to read before the first training), and the intake form's
// fragment offers the likeliest categories as buttons that fill the box.
func TestSuggestPages(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		var sg *suggest.Service
		s := newSite(t, d, func(deps *web.Deps) { sg = suggest.NewService(d, deps.Clock); deps.Suggest = sg })
		ctx := context.Background()
		for _, c := range []demand.Category{
			{Code: "noise", Name: "噪音扰民", NameEN: "Noise", ContactLimit: "2h", ResolveLimit: "5wd", Active: true},
			{Code: "property", Name: "物业管理", NameEN: "Property management", ContactLimit: "4h", ResolveLimit: "10wd", Active: true},
		} {
			if _, err := s.Demand.SaveCategory(ctx, auth.SystemPrincipal(), c); err != nil {
				t.Fatal(err)
			}
		}
		admin, community := s.login(t, auth.DistrictAdmin), s.login(t, auth.CommunityStaff)
		st, body := admin.get("/admin/suggestions")
		wantStatus(t, "untrained", st, http.StatusOK, body)
		testkit.Contains(t, body, "还没有学习", `aria-current="page">智能建议`)
		for _, x := range []struct{ cat, text string }{
			{"noise", "楼上装修噪音太大"}, {"noise", "广场舞噪音扰民"}, {"noise", "夜里施工噪音"}, {"noise", "KTV噪音"},
			{"property", "电梯坏了物业不修"}, {"property", "物业不打扫楼道"}, {"property", "物业乱收费"}, {"property", "楼道灯坏了物业不管"},
			{"noise", "酒吧噪音"}, {"property", "物业不修电梯"},
		} {
			if _, err := s.Demand.Intake(ctx, s.F.Users[auth.CommunityStaff], demand.NewDemand{Category: x.cat, Description: x.text, Channel: "hotline",
				Area: testkit.ResA1, Reporter: demand.ReporterInput{Name: "王阿姨", Phone: "13912345678"}, Answer: "已当场答复"}); err != nil {
				t.Fatal(err)
			}
		}
		if err := sg.Train(ctx); err != nil {
			t.Fatal(err)
		}
		_, body = community.get("/admin/suggestions")
		testkit.Contains(t, body, "首选正确", `data-top1>100%`, `data-top3>100%`, `<dd>10</dd>`, `data-category="noise"`, "噪音扰民")
		resp := community.submit("/demands/suggest", url.Values{"description": {"隔壁装修噪音"}})
		wantStatus(t, "fragment", resp.StatusCode, http.StatusOK, resp.Body)
		testkit.Contains(t, resp.Body, `data-fill="#d-category" data-value="噪音扰民"`, "可能的分类")
		if st, body := s.login(t, auth.Resident).get("/admin/suggestions"); st != http.StatusForbidden {
			t.Fatalf("a resident reads the accuracy page: %d %.200s", st, body)
		}
		if resp := s.login(t, auth.Resident).submit("/demands/suggest", url.Values{"description": {"噪音"}}); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("a resident asks the staff fragment: %d", resp.StatusCode)
		}
	})
}
