package web_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/testkit"
)

// TestJobsPage: a district admin sees the demand timers a filing queued,
// by kind and state, cancels a pending one and runs a failed one again,
// each audited; staff below the district neither see the page nor change
// a job.
func TestJobsPage(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newDemandSite(t, d)
		ctx := context.Background()
		s.fileAsResident(t, "noise", testkit.ResA1, "楼下夜宵店很吵")
		if _, err := d.Exec(ctx, "INSERT INTO jobs (kind, key, args, state, run_at, attempts, last_error, created_at, updated_at, done_at) VALUES ('notify.webhook', '77', '{\"id\":77}', 'dead', ?, 6, 'HTTP 503', ?, ?, ?)",
			s.Clock.Now(), s.Clock.Now(), s.Clock.Now(), s.Clock.Now()); err != nil {
			t.Fatal(err)
		}
		admin := s.login(t, auth.DistrictAdmin)
		st, body := admin.get("/admin/jobs")
		wantStatus(t, "jobs page", st, http.StatusOK, body)
		testkit.Contains(t, body, "后台任务", "诉求联系时限到期", "诉求办结时限提醒", "Webhook 推送", "HTTP 503", `href="/admin/jobs"`)
		cancel := regexp.MustCompile(`action="(/admin/jobs/\d+/cancel)"`).FindAllStringSubmatch(body, -1)
		retry := regexp.MustCompile(`action="(/admin/jobs/\d+/retry)"`).FindAllStringSubmatch(body, -1)
		if len(cancel) != 4 || len(retry) != 1 {
			t.Fatalf("%d cancel and %d retry forms, want 4 (the demand's timers) and 1 (the dead delivery)", len(cancel), len(retry))
		}

		// Street staff: no link, no page, no change.
		street := s.login(t, auth.StreetStaff)
		st, body = street.get("/admin/jobs")
		wantStatus(t, "street staff", st, http.StatusForbidden, body)
		if _, home := street.get("/"); strings.Contains(home, `href="/admin/jobs"`) {
			t.Error("street staff are offered the jobs page")
		}
		resp := street.submit(retry[0][1], nil)
		wantStatus(t, "street staff retry", resp.StatusCode, http.StatusForbidden, resp.Body)
		// A district admin of one street is not offered the district's jobs either.
		if _, err := s.F.Auth.CreateUser(ctx, s.F.Users[auth.DistrictAdmin], auth.NewUser{Username: "street.admin", Password: testkit.Password,
			Role: string(auth.DistrictAdmin), Area: testkit.StreetA}); err != nil {
			t.Fatal(err)
		}
		sa := s.browser(t)
		sa.signIn("street.admin", testkit.Password)
		if _, home := sa.get("/"); strings.Contains(home, `href="/admin/jobs"`) {
			t.Error("a street's district admin is offered the jobs page")
		}
		if st, _ := sa.get("/admin/jobs"); st != http.StatusForbidden {
			t.Errorf("a street's district admin opens the jobs page: %d", st)
		}

		resp = admin.submit(retry[0][1], nil)
		wantStatus(t, "retry", resp.StatusCode, http.StatusSeeOther, resp.Body)
		resp = admin.submit(cancel[0][1], nil)
		wantStatus(t, "cancel", resp.StatusCode, http.StatusSeeOther, resp.Body)
		if n := s.count(t, "SELECT count(*) FROM jobs WHERE kind = 'notify.webhook' AND state = 'pending' AND attempts = 0"); n != 1 {
			t.Errorf("retried delivery: %d pending", n)
		}
		if n := s.count(t, "SELECT count(*) FROM jobs WHERE kind LIKE 'demand.%' AND state = 'cancelled'"); n != 1 {
			t.Errorf("%d cancelled timers, want 1", n)
		}
		if n := s.count(t, "SELECT count(*) FROM audit_log WHERE entity = 'job' AND action IN ('retry', 'cancel')"); n != 2 {
			t.Errorf("%d audit rows, want 2", n)
		}
		// Cancelling again is refused with a reason, and changes nothing.
		resp = admin.submit(cancel[0][1], nil)
		wantStatus(t, "cancel twice", resp.StatusCode, http.StatusConflict, resp.Body)
		st, body = admin.get("/admin/jobs?state=cancelled")
		wantStatus(t, "filtered", st, http.StatusOK, body)
		if n := strings.Count(body, "/cancel\""); n != 0 || !strings.Contains(body, "已取消") {
			t.Errorf("state filter: %d cancel forms", n)
		}
		st, body = admin.get("/admin/jobs?state=bogus")
		wantStatus(t, "bad state", st, http.StatusBadRequest, body)
	})
}
