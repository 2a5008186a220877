package app

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"gongzhi/internal/clock"
	"gongzhi/internal/db"
)

// dbCollector reads, at each scrape, what an operator watches beyond HTTP:
// jobs by kind and state and how late the oldest due one is, open and
// overdue demands, the webhook and e-mail backlogs, and the database's size. Each scrape costs a
// few indexed counts; a failing database shows as gongzhi_db_up 0.
type dbCollector struct {
	db    *db.DB
	clock clock.Clock

	up, jobs, jobLag, demands, backlog, size *prometheus.Desc
}

func newDBCollector(d *db.DB, c clock.Clock) *dbCollector {
	return &dbCollector{db: d, clock: c,
		up:      prometheus.NewDesc("gongzhi_db_up", "1 when the database answered this scrape's queries.", nil, nil),
		jobs:    prometheus.NewDesc("gongzhi_jobs", "Background jobs by kind and state (finished ones are kept 7 days).", []string{"kind", "state"}, nil),
		jobLag:  prometheus.NewDesc("gongzhi_job_lag_seconds", "How long the oldest pending job is past its time (0 when none is late).", nil, nil),
		demands: prometheus.NewDesc("gongzhi_demands", "Demands by state: open (not closed or merged) and overdue.", []string{"state"}, nil),
		backlog: prometheus.NewDesc("gongzhi_outbox_pending", "Webhook deliveries and e-mails waiting to be sent.", []string{"outbox"}, nil),
		size:    prometheus.NewDesc("gongzhi_database_bytes", "Size of the database: SQLite's file (pages in use and free, without the WAL), PostgreSQL's pg_database_size.", nil, nil),
	}
}

func (c *dbCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.up, c.jobs, c.jobLag, c.demands, c.backlog, c.size} {
		ch <- d
	}
}

func (c *dbCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	ok := c.collect(ctx, ch) == nil
	up := 0.0
	if ok {
		up = 1
	}
	ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, up)
}

func (c *dbCollector) collect(ctx context.Context, ch chan<- prometheus.Metric) error {
	type jobCount struct {
		kind, state string
		n           float64
	}
	err := db.Each(ctx, c.db, "SELECT kind, state, count(*) FROM jobs GROUP BY kind, state", nil,
		func(sc db.Scanner) (j jobCount, err error) { err = sc.Scan(&j.kind, &j.state, &j.n); return },
		func(j jobCount) error {
			ch <- prometheus.MustNewConstMetric(c.jobs, prometheus.GaugeValue, j.n, j.kind, j.state)
			return nil
		})
	if err != nil {
		return err
	}
	now := c.clock.Now().UTC()
	var oldest []time.Time
	lr, err := c.db.Query(ctx, "SELECT run_at FROM jobs WHERE state = 'pending' AND run_at <= ? ORDER BY run_at LIMIT 1", now)
	if err != nil {
		return err
	}
	for lr.Next() {
		var t time.Time
		if err := lr.Scan(&t); err != nil {
			lr.Close()
			return err
		}
		oldest = append(oldest, t)
	}
	lr.Close()
	lag := 0.0
	if len(oldest) == 1 {
		lag = now.Sub(oldest[0]).Seconds()
	}
	ch <- prometheus.MustNewConstMetric(c.jobLag, prometheus.GaugeValue, lag)
	var open, overdue, hooks, mails float64
	if err := c.db.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM demands WHERE status NOT IN ('closed', 'merged')),
		(SELECT count(*) FROM demands WHERE overdue AND status NOT IN ('closed', 'merged')),
		(SELECT count(*) FROM webhook_deliveries WHERE status = 'pending'),
		(SELECT count(*) FROM email_outbox WHERE status = 'pending')`).Scan(&open, &overdue, &hooks, &mails); err != nil {
		return err
	}
	ch <- prometheus.MustNewConstMetric(c.demands, prometheus.GaugeValue, open, "open")
	ch <- prometheus.MustNewConstMetric(c.demands, prometheus.GaugeValue, overdue, "overdue")
	ch <- prometheus.MustNewConstMetric(c.backlog, prometheus.GaugeValue, hooks, "webhook")
	ch <- prometheus.MustNewConstMetric(c.backlog, prometheus.GaugeValue, mails, "email")
	q := "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()"
	if c.db.Dialect == db.Postgres {
		q = "SELECT pg_database_size(current_database())"
	}
	var size float64
	if err := c.db.QueryRow(ctx, q).Scan(&size); err != nil {
		return err
	}
	ch <- prometheus.MustNewConstMetric(c.size, prometheus.GaugeValue, size)
	return nil
}
