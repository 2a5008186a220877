package app

import (
	"context"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"gongzhi/internal/db"
	"gongzhi/internal/testkit"
)

// TestDBMetrics: a scrape reports jobs by kind and state, how late the
// oldest due job is, the outbox backlog and the database's size, read from the database; a
// closed database reads as down.
func TestDBMetrics(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clk := testkit.Clock()
		now := clk.Now().UTC()
		for _, j := range []struct {
			kind, state string
			at          time.Time
		}{{"demand.contact_due", "pending", now.Add(-90 * time.Second)}, {"demand.contact_due", "pending", now.Add(time.Hour)}, {"notify.webhook", "dead", now}} {
			if _, err := d.Exec(ctx, "INSERT INTO jobs (kind, key, args, state, run_at, created_at, updated_at) VALUES (?, '', '{}', ?, ?, ?, ?)",
				j.kind, j.state, j.at, now, now); err != nil {
				t.Fatal(err)
			}
		}
		reg := prometheus.NewRegistry()
		reg.MustRegister(newDBCollector(d, clk))
		got := gather(t, reg)
		for name, want := range map[string]float64{
			"gongzhi_db_up": 1, "gongzhi_jobs{kind=demand.contact_due,state=pending}": 2, "gongzhi_jobs{kind=notify.webhook,state=dead}": 1,
			"gongzhi_job_lag_seconds": 90, "gongzhi_demands{state=open}": 0, "gongzhi_outbox_pending{outbox=webhook}": 0,
		} {
			if v, ok := got[name]; !ok || v != want {
				t.Errorf("%s = %v (present %v), want %v", name, v, ok, want)
			}
		}
		if got["gongzhi_database_bytes"] < 64<<10 {
			t.Errorf("gongzhi_database_bytes = %v, want the size of a migrated database", got["gongzhi_database_bytes"])
		}
		d.Close()
		if got := gather(t, reg); got["gongzhi_db_up"] != 0 {
			t.Errorf("a closed database reads as up: %v", got)
		}
	})
}

// gather flattens a registry's metrics to name{label=value,…} → value.
func gather(t *testing.T, reg *prometheus.Registry) map[string]float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			name := mf.GetName()
			if len(m.GetLabel()) > 0 {
				name += "{"
				for i, l := range m.GetLabel() {
					if i > 0 {
						name += ","
					}
					name += l.GetName() + "=" + l.GetValue()
				}
				name += "}"
			}
			out[name] = m.GetGauge().GetValue()
		}
	}
	return out
}
