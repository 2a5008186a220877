package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/demand"
	"gongzhi/internal/suggest"
	"gongzhi/internal/testkit"
	"gongzhi/internal/web"
)

// TestSuggestionUseRecorded: the fragment's receipt goes back with the
// intake form; the demand filed from it records what was suggested beside
// what the operator filed (here the second suggestion, dispatched on
// filing), and the accuracy page shows real use beside the held-out
// figures. A form filed without suggestions records nothing, and a
// tampered receipt neither blocks the filing nor is recorded.
func TestSuggestionUseRecorded(t *testing.T) {
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
		for _, x := range []struct{ cat, text string }{
			{"noise", "楼上装修噪音太大"}, {"noise", "广场舞噪音扰民"}, {"noise", "夜里施工噪音"},
			{"property", "电梯坏了物业不修"}, {"property", "物业不打扫楼道"}, {"property", "物业乱收费"},
		} {
			if _, err := s.Demand.Intake(ctx, s.F.Users[auth.CommunityStaff], demand.NewDemand{Category: x.cat, Description: x.text, Channel: "hotline",
				Area: testkit.ResA1, Reporter: demand.ReporterInput{Name: "王阿姨", Phone: "13912345678"}, Answer: "已当场答复"}); err != nil {
				t.Fatal(err)
			}
		}
		if err := sg.Train(ctx); err != nil {
			t.Fatal(err)
		}
		community := s.login(t, auth.CommunityStaff)
		resp := community.submit("/demands/suggest", url.Values{"description": {"隔壁装修噪音，物业不管"}})
		wantStatus(t, "fragment", resp.StatusCode, http.StatusOK, resp.Body)
		m := regexp.MustCompile(`name="suggested" value="([^"]+)"`).FindStringSubmatch(resp.Body)
		if m == nil {
			t.Fatalf("no receipt in the fragment:\n%s", resp.Body)
		}
		receipt := html.UnescapeString(m[1])
		shown, ok := suggest.ParseReceipt(receipt)
		if !ok || len(shown.Categories) != 2 || shown.Categories[0].Category != "noise" {
			t.Fatalf("receipt %q", receipt)
		}
		uses := "SELECT count(*) FROM suggestion_uses"
		form := func(extra url.Values) url.Values {
			v := url.Values{"category": {"物业管理"}, "area": {"东湖居民区"}, "channel": {"hotline"},
				"description": {"隔壁装修噪音，物业不管"}, "reporter_name": {"李先生"}, "reporter_phone": {"13800001234"}}
			for k, x := range extra {
				v[k] = x
			}
			return v
		}
		resp = community.submit("/demands", form(nil))
		wantStatus(t, "intake without suggestions", resp.StatusCode, http.StatusOK, resp.Body)
		resp = community.submit("/demands", form(url.Values{"suggested": {"garbage|"}}))
		wantStatus(t, "intake with a bad receipt", resp.StatusCode, http.StatusOK, resp.Body)
		if n := s.count(t, uses); n != 0 {
			t.Fatalf("%d uses recorded without a receipt", n)
		}
		resp = community.submit("/demands", form(url.Values{"suggested": {receipt}}))
		wantStatus(t, "intake", resp.StatusCode, http.StatusOK, resp.Body)
		testkit.Contains(t, resp.Body, "已派给 湖南路街道 / 东湖居民区")
		var picked, lead, model string
		var rank int
		if err := d.QueryRow(ctx, `SELECT picked_category, picked_lead, rank, model FROM suggestion_uses`).Scan(&picked, &lead, &rank, &model); err != nil {
			t.Fatal(err)
		}
		if picked != "property" || lead != testkit.ResA1 || rank != 2 || model != shown.Model {
			t.Fatalf("recorded %s %s rank %d model %s", picked, lead, rank, model)
		}
		st, body := community.get("/admin/suggestions")
		wantStatus(t, "accuracy", st, http.StatusOK, body)
		testkit.Contains(t, body, "实际使用中的准确率", `data-use-n>1`, `data-use-top1>0%`, `data-use-top3>100%`, `data-use-category="property"`)
	})
}
