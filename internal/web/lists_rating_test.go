package web_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"html"
	"image/png"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/lists"
	"gongzhi/internal/testkit"
)

// TestRatingCodes: the worker running a finished project issues three
// codes and gets a sheet of slips, each with its link and a QR code; a
// resident without an account rates with one code, once; a second rating
// with it is refused and changes nothing; a code typed in lower case with a
// dash works; nobody outside the project's area sees its codes.
func TestRatingCodes(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newDemandSite(t, d)
		ls := lists.NewService(d, s.Clock)
		ctx, sys := context.Background(), auth.SystemPrincipal()
		pr, err := ls.CreateProject(ctx, sys, lists.ProjectInput{Title: "楼道微更新", Domain: "livelihood", Area: testkit.ResA1, LeadName: "居委会"})
		if err != nil {
			t.Fatal(err)
		}
		for _, to := range []string{"approved", "running", "done"} {
			if _, err := ls.MoveProject(ctx, sys, pr.ID, to, "", nil); err != nil {
				t.Fatal(err)
			}
		}
		path := fmt.Sprintf("/projects/%d", pr.ID)
		worker := s.login(t, auth.CommunityStaff)
		st, body := worker.get(path)
		wantStatus(t, "project page", st, http.StatusOK, body)
		testkit.Contains(t, body, "居民评价码", "已发 0 个，已用 0 个", `action="`+path+`/rating-codes"`)

		resp := worker.submit(path+"/rating-codes", url.Values{"count": {"0"}})
		wantStatus(t, "zero codes", resp.StatusCode, http.StatusBadRequest, resp.Body)
		testkit.Contains(t, resp.Body, "每次生成 1 到 500 个评价码")
		resp = worker.submit(path+"/rating-codes", url.Values{"count": {"3"}})
		wantStatus(t, "issue", resp.StatusCode, http.StatusSeeOther, resp.Body)
		st, sheet := worker.get(resp.Header.Get("Location"))
		wantStatus(t, "slips", st, http.StatusOK, sheet)
		codes := regexp.MustCompile(`/rate/p/([2-9A-Z]{10})</a><`).FindAllStringSubmatch(sheet, -1)
		qrs := regexp.MustCompile(`src="data:image/png;base64,([A-Za-z0-9+/=&#;]+)"`).FindAllStringSubmatch(sheet, -1)
		if len(codes) != 3 || len(qrs) != 3 {
			t.Fatalf("slips: %d codes, %d QR codes:\n%.2000s", len(codes), len(qrs), sheet)
		}
		raw, err := base64.StdEncoding.DecodeString(html.UnescapeString(qrs[0][1]))
		if err != nil {
			t.Fatal(err)
		}
		if img, err := png.Decode(bytes.NewReader(raw)); err != nil || img.Bounds().Dx() < 100 {
			t.Fatalf("QR image: %v", err)
		}

		// Nobody outside ResA1 sees the codes; a resident has no project at all.
		for _, r := range []auth.Role{auth.GridWorker, auth.Resident} {
			if st, _ := s.login(t, r).get(path + "/rating-codes"); st != http.StatusNotFound {
				t.Errorf("%s opens the codes: %d", r, st)
			}
		}

		// A resident with no account rates once with their code.
		anon := s.browser(t)
		code := codes[0][1]
		st, body = anon.get("/rate/p/" + code)
		wantStatus(t, "rate page", st, http.StatusOK, body)
		testkit.Contains(t, body, "楼道微更新", `name="score"`)
		resp = anon.post("/rate/p/"+code, url.Values{"score": {"5"}, "comment": {"很好"}}, nil)
		wantStatus(t, "rate", resp.StatusCode, http.StatusSeeOther, resp.Body)
		resp = anon.post("/rate/p/"+code, url.Values{"score": {"1"}}, nil)
		wantStatus(t, "rate again", resp.StatusCode, http.StatusConflict, resp.Body)
		testkit.Contains(t, resp.Body, "每个评价码只能评价一次")
		st, body = anon.get("/rate/p/" + code)
		wantStatus(t, "used code", st, http.StatusOK, body)
		testkit.Contains(t, body, "这个评价码已经用过了")
		if strings.Contains(body, `name="score"`) {
			t.Error("a used code still offers the form")
		}
		typed := strings.ToLower(codes[1][1][:5]) + "-" + strings.ToLower(codes[1][1][5:])
		resp = anon.post("/rate/p/"+typed, url.Values{"score": {"3"}}, nil)
		wantStatus(t, "typed code", resp.StatusCode, http.StatusSeeOther, resp.Body)
		if st, _ := anon.get("/rate/p/NOTACODE22"); st != http.StatusNotFound {
			t.Errorf("a made-up code: %d", st)
		}

		got, _, err := ls.Project(ctx, sys, pr.ID)
		if err != nil || got.Rating == nil || got.Rating.Count != 2 || got.Rating.Average != 4 {
			t.Fatalf("rating = %+v, %v", got.Rating, err)
		}
		_, body = worker.get(path)
		testkit.Contains(t, body, "已发 3 个，已用 2 个", "打印未用的 1 个")
		if n := s.count(t, "SELECT count(*) FROM project_ratings WHERE project_id = ?", pr.ID); n != 2 {
			t.Fatalf("ratings stored: %d", n)
		}
	})
}
