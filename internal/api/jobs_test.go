package api_test

import (
	"strconv"
	"testing"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/testkit"
)

// TestJobsAPI: the district's admin lists the jobs a filing queued, with
// tallies, and retries a dead one and cancels a pending one (audited);
// street staff get 403 and change nothing; a wrong state is a 409.
func TestJobsAPI(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.seedCategories()
		e.fileDirect(testkit.ResA1, "noise", "楼下夜宵店很吵")
		now := e.clock.Now()
		dead, err := db.InsertID(t.Context(), d, `INSERT INTO jobs (kind, key, args, state, run_at, attempts, last_error, created_at, updated_at, done_at)
			VALUES ('notify.webhook', '7', '{"id":7}', 'dead', ?, 6, 'HTTP 503', ?, ?, ?)`, now, now, now, now)
		if err != nil {
			t.Fatal(err)
		}
		res := e.as(auth.DistrictAdmin, "GET", "/jobs?kind=demand.contact_due", nil)
		conforms(t, "JobList", res)
		list := decodeJSON[struct {
			Tallies []struct {
				Kind, State string
				Count       int
			} `json:"tallies"`
			Items []struct {
				ID    int64          `json:"id"`
				Key   string         `json:"key"`
				State string         `json:"state"`
				Args  map[string]any `json:"args"`
			} `json:"items"`
			Total int `json:"total"`
		}](t, res)
		if res.status != 200 || list.Total != 1 || len(list.Items) != 1 || list.Items[0].State != "pending" || list.Items[0].Args["demand_id"] == nil {
			t.Fatalf("jobs: %d %s", res.status, res.body)
		}
		var deadTally int
		for _, tl := range list.Tallies {
			if tl.Kind == "notify.webhook" && tl.State == "dead" {
				deadTally = tl.Count
			}
		}
		if deadTally != 1 {
			t.Errorf("tallies: %+v", list.Tallies)
		}
		wantError(t, e.as(auth.StreetStaff, "GET", "/jobs", nil), 403, "EFORBIDDEN", "")
		wantError(t, e.as(auth.StreetStaff, "POST", "/jobs/"+strconv.FormatInt(dead, 10)+"/retry", nil), 403, "EFORBIDDEN", "")
		wantError(t, e.as(auth.DistrictAdmin, "GET", "/jobs?state=stuck", nil), 400, "EINVALID", "state")

		pending := "/jobs/" + strconv.FormatInt(list.Items[0].ID, 10)
		if res := e.as(auth.DistrictAdmin, "POST", pending+"/cancel", nil); res.status != 204 {
			t.Fatalf("cancel: %d %s", res.status, res.body)
		}
		wantError(t, e.as(auth.DistrictAdmin, "POST", pending+"/cancel", nil), 409, "ECONFLICT", "")
		if res := e.as(auth.DistrictAdmin, "POST", "/jobs/"+strconv.FormatInt(dead, 10)+"/retry", map[string]any{}); res.status != 204 {
			t.Fatalf("retry: %d %s", res.status, res.body)
		}
		wantError(t, e.as(auth.DistrictAdmin, "POST", "/jobs/999999/retry", nil), 404, "ENOTFOUND", "")
		var state string
		var attempts int
		if err := d.QueryRow(t.Context(), "SELECT state, attempts FROM jobs WHERE id = ?", dead).Scan(&state, &attempts); err != nil || state != "pending" || attempts != 0 {
			t.Errorf("retried job: %s, %d attempts (%v)", state, attempts, err)
		}
		if n := e.count("SELECT count(*) FROM audit_log WHERE entity = 'job'"); n != 2 {
			t.Errorf("%d audit rows for jobs, want 2", n)
		}
	})
}

// jobsMatrixRows are the matrix rows of the jobs endpoints: the district's
// admin only, whatever the job (jobs serve the whole district, so in and
// out differ only in the job's kind).
func jobsMatrixRows() map[string]matrixRow {
	const admin204 = "204 403 403 403 403 403 403 403"
	job := func(state, action string) request {
		return func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			now := e.clock.Now()
			kind := pick(out, "demand.contact_due", "notify.webhook")
			jid, err := db.InsertID(e.t.Context(), e.db, `INSERT INTO jobs (kind, key, args, state, run_at, created_at, updated_at) VALUES (?, ?, '{}', ?, ?, ?, ?)`,
				kind, m.unique("k", r, out), state, now.Add(time.Hour), now, now)
			if err != nil {
				e.t.Fatal(err)
			}
			return "/jobs/" + strconv.FormatInt(jid, 10) + "/" + action, nil
		}
	}
	return map[string]matrixRow{
		"GET /jobs": {"demand timers vs webhook deliveries", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/jobs?kind=" + pick(out, "demand.contact_due", "notify.webhook"), nil
		}, "200 403 403 403 403 403 403 403", "200 403 403 403 403 403 403 403"},
		"POST /jobs/{id}/retry":  {"a dead demand timer vs a dead delivery", job("dead", "retry"), admin204, admin204},
		"POST /jobs/{id}/cancel": {"a pending demand timer vs a pending delivery", job("pending", "cancel"), admin204, admin204},
	}
}
