package api_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/demand"
	"gongzhi/internal/testkit"
)

// TestShortCodeAPI: the intake's answer carries the short code, which
// alone (any case, with or without the dash) answers POST /track/lookup;
// staff who handle the demand see it on GET, readers do not.
func TestShortCodeAPI(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.seedCategories()
		res := e.as(auth.CommunityStaff, "POST", "/demands", map[string]any{"category": "noise", "description": "楼下夜间施工", "channel": "hotline",
			"area": testkit.ResA1, "reporter": map[string]string{"phone": reporterPhone}})
		created := decodeJSON[struct {
			ID        int64  `json:"id"`
			ShortCode string `json:"short_code"`
			ShortURL  string `json:"short_url"`
		}](t, res)
		code, ok := demand.NormalizeCode(created.ShortCode)
		if res.status != 201 || !ok || len(created.ShortCode) != demand.CodeLength+1 || created.ShortURL != "/c/"+code {
			t.Fatalf("created: %d %s", res.status, res.body)
		}
		res = e.do("", "POST", "/track/lookup", map[string]any{"code": strings.ToLower(created.ShortCode)})
		got := decodeJSON[struct {
			ID      int64 `json:"id"`
			CanRate bool  `json:"can_rate"`
		}](t, res)
		if res.status != 200 || got.ID != created.ID || got.CanRate || strings.Contains(res.String(), reporterPhone) {
			t.Fatalf("lookup by code: %d %s", res.status, res.body)
		}
		wantError(t, e.do("", "POST", "/track/lookup", map[string]any{"code": "ABC"}), 400, "EINVALID", "code")
		wantError(t, e.do("", "POST", "/track/lookup", map[string]any{"code": "ZZZZ-ZZZZ"}), 404, "ENOTFOUND", "")
		wantError(t, e.do("", "POST", "/track/lookup", map[string]any{}), 400, "EINVALID", "number")

		detail := func(r auth.Role) string {
			res := e.as(r, "GET", "/demands/"+strconv.FormatInt(created.ID, 10), nil)
			return decodeJSON[struct {
				Reporters []struct {
					ShortCode string `json:"short_code"`
				} `json:"reporters"`
			}](t, res).Reporters[0].ShortCode
		}
		if detail(auth.CommunityStaff) != created.ShortCode || detail(auth.Auditor) != "" {
			t.Errorf("GET shows %q to staff and %q to an auditor", detail(auth.CommunityStaff), detail(auth.Auditor))
		}
	})
}

// TestRecategoriseAPI moves a demand and reads the figures by category
// through /stats/demands; a refused change is a 4xx that changes nothing.
func TestRecategoriseAPI(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.seedCategories()
		f := e.fileDirect(testkit.ResA1, "noise", "其实是垃圾没人清")
		day := f.Demand.CreatedAt.In(time.FixedZone("CST", 8*3600)).Format("2006-01-02")
		received := func(cat string) int {
			res := e.as(auth.DistrictAdmin, "GET", "/stats/demands?area="+testkit.District+"&from="+day+"&to="+day+"&category="+cat, nil)
			return decodeJSON[struct {
				Received int `json:"received"`
			}](t, res).Received
		}
		path := "/demands/" + strconv.FormatInt(f.Demand.ID, 10) + "/category"
		wantError(t, e.as(auth.CommunityStaff, "POST", path, map[string]any{"category": "sanitation"}), 400, "EINVALID", "reason")
		wantError(t, e.as(auth.CommunityStaff, "POST", path, map[string]any{"category": "nonesuch", "reason": "x"}), 400, "EINVALID", "category")
		wantError(t, e.as(auth.Auditor, "POST", path, map[string]any{"category": "sanitation", "reason": "x"}), 403, "EFORBIDDEN", "")
		if received("noise") != 1 || received("sanitation") != 0 {
			t.Fatalf("before: noise %d sanitation %d", received("noise"), received("sanitation"))
		}
		res := e.as(auth.CommunityStaff, "POST", path, map[string]any{"category": "sanitation", "reason": "居民反映的是垃圾清运"})
		got := decodeJSON[struct {
			Category string `json:"category"`
			Events   []struct {
				Action string `json:"action"`
				Note   string `json:"note"`
			} `json:"events"`
			Proposal *struct {
				Lead string `json:"lead"`
			} `json:"proposal"`
		}](t, res)
		if res.status != 200 || got.Category != "sanitation" || got.Events[len(got.Events)-1].Action != "recategorise" || got.Proposal == nil || got.Proposal.Lead == "" {
			t.Fatalf("recategorised: %d %s", res.status, res.body)
		}
		if received("noise") != 0 || received("sanitation") != 1 || received("") != 1 {
			t.Errorf("after: noise %d sanitation %d all %d", received("noise"), received("sanitation"), received(""))
		}
	})
}

// TestMyDemandsAPI: GET /me/demands lists the caller's own reports and
// nobody else's, without personal data.
func TestMyDemandsAPI(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.seedCategories()
		ctx := context.Background()
		resident := e.f.Users[auth.Resident]
		f, err := e.demand.Intake(ctx, nil, demand.NewDemand{Category: "noise", Description: "我家楼下饭店太吵 13912345678", Area: testkit.ResA1,
			Reporter: demand.ReporterInput{Name: reporterName, Phone: reporterPhone}, ReporterUser: resident.UserID})
		if err != nil {
			t.Fatal(err)
		}
		e.fileDirect(testkit.ResA1, "noise", "别人的诉求，同一个手机号") // same phone, no account: not the resident's
		res := e.as(auth.Resident, "GET", "/me/demands", nil)
		l := decodeJSON[listBody[struct {
			Number    int64  `json:"number"`
			Status    string `json:"status"`
			ShortCode string `json:"short_code"`
			TrackPath string `json:"track_path"`
			Handler   string `json:"handler"`
		}]](t, res)
		if res.status != 200 || l.Total != 1 || len(l.Items) != 1 || l.Items[0].Number != f.Demand.ID || l.Items[0].Status != "received" ||
			l.Items[0].ShortCode != demand.FormatCode(f.ShortCode) || l.Items[0].TrackPath != "/c/"+f.ShortCode {
			t.Fatalf("mine: %d %s", res.status, res.body)
		}
		if strings.Contains(res.String(), reporterPhone) || strings.Contains(res.String(), reporterName) {
			t.Errorf("personal data in the list: %s", res.body)
		}
		if l := decodeJSON[listBody[any]](t, e.as(auth.Member, "GET", "/me/demands", nil)); l.Total != 0 {
			t.Errorf("another user lists %d", l.Total)
		}
		wantError(t, e.as(auth.Resident, "GET", "/me/demands?per_page=0", nil), 400, "EINVALID", "per_page")
	})
}
