package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/jobs"
	"gongzhi/internal/testkit"
)

type reminder struct {
	Demand int64 `json:"demand"`
}

// recorder is a handler that counts runs per job and can be told to fail.
type recorder struct {
	mu   sync.Mutex
	runs map[int64]int
	args []reminder
	fail func(j jobs.Job) error
}

func (r *recorder) handle(_ context.Context, _ *db.Tx, j jobs.Job) error {
	var a reminder
	if err := j.Decode(&a); err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.runs == nil {
		r.runs = map[int64]int{}
	}
	r.runs[j.ID]++
	r.args = append(r.args, a)
	if r.fail != nil {
		return r.fail(j)
	}
	return nil
}

func (r *recorder) total() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, c := range r.runs {
		n += c
	}
	return n
}

func enqueue(t *testing.T, d *db.DB, q *jobs.Queue, js ...jobs.Job) {
	t.Helper()
	err := d.InTx(context.Background(), func(tx *db.Tx) error {
		for _, j := range js {
			if err := q.Enqueue(context.Background(), tx, j); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func runDue(t *testing.T, q *jobs.Queue, want int) {
	t.Helper()
	n, err := q.RunDue(context.Background())
	if err != nil || n != want {
		t.Fatalf("RunDue = %d, %v; want %d", n, err, want)
	}
}

func list(t *testing.T, q *jobs.Queue, f jobs.Filter) []jobs.Job {
	t.Helper()
	js, total, err := q.List(context.Background(), f)
	if err != nil || total != len(js) {
		t.Fatalf("List: %d of %d, %v", len(js), total, err)
	}
	return js
}

func TestEnqueueRolledBackLeavesNothing(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx, clk := context.Background(), testkit.Clock()
		q := jobs.New(d, clk, nil)
		var r recorder
		q.Register("remind", r.handle)
		boom := errors.New("the change failed")
		err := d.InTx(ctx, func(tx *db.Tx) error {
			if err := q.Enqueue(ctx, tx, jobs.Job{Kind: "remind", Key: "d1", Args: reminder{1}}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		if js := list(t, q, jobs.Filter{}); len(js) != 0 {
			t.Fatalf("rolled-back enqueue left %+v", js)
		}
		runDue(t, q, 0)
	})
}

func TestUniqueKeyReplacesPendingJob(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		clk := testkit.Clock()
		q := jobs.New(d, clk, nil)
		var r recorder
		q.Register("remind", r.handle)
		now := clk.Now()
		enqueue(t, d, q, jobs.Job{Kind: "remind", Key: "d1", RunAt: now.Add(time.Hour), Args: reminder{1}})
		// The deadline moves: the same key replaces time and arguments.
		enqueue(t, d, q, jobs.Job{Kind: "remind", Key: "d1", RunAt: now.Add(2 * time.Hour), Args: reminder{2}})
		// Another key, another kind with the same key, and two keyless jobs are separate.
		enqueue(t, d, q, jobs.Job{Kind: "remind", Key: "d2", RunAt: now.Add(3 * time.Hour)},
			jobs.Job{Kind: "other", Key: "d1", RunAt: now.Add(time.Hour)},
			jobs.Job{Kind: "remind", RunAt: now.Add(3 * time.Hour)}, jobs.Job{Kind: "remind", RunAt: now.Add(3 * time.Hour)})
		js := list(t, q, jobs.Filter{Kind: "remind", Key: "d1"})
		if len(js) != 1 || !js[0].RunAt.Equal(now.Add(2*time.Hour)) || js[0].State != jobs.Pending {
			t.Fatalf("after the move: %+v", js)
		}
		if n := len(list(t, q, jobs.Filter{})); n != 5 {
			t.Fatalf("%d jobs, want 5", n)
		}
		clk.Advance(90 * time.Minute)
		runDue(t, q, 0) // "other" has no handler here, and d1 moved
		clk.Advance(30 * time.Minute)
		runDue(t, q, 1)
		if len(r.args) != 1 || r.args[0].Demand != 2 {
			t.Fatalf("ran with %+v, want the replaced arguments", r.args)
		}
		// Once done, the key is free for a new job.
		enqueue(t, d, q, jobs.Job{Kind: "remind", Key: "d1", RunAt: clk.Now().Add(time.Hour), Args: reminder{3}})
		if js := list(t, q, jobs.Filter{Kind: "remind", Key: "d1"}); len(js) != 2 || js[0].State != jobs.Pending || js[1].State != jobs.Done {
			t.Fatalf("after a new job on a done key: %+v", js)
		}
	})
}

func TestCancel(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx, clk := context.Background(), testkit.Clock()
		q := jobs.New(d, clk, nil)
		var r recorder
		q.Register("remind", r.handle)
		enqueue(t, d, q, jobs.Job{Kind: "remind", Key: "d1", RunAt: clk.Now().Add(time.Hour)},
			jobs.Job{Kind: "remind", Key: "d2", RunAt: clk.Now().Add(time.Hour)})
		cancel := func(key string) bool {
			var found bool
			err := d.InTx(ctx, func(tx *db.Tx) (err error) {
				found, err = q.Cancel(ctx, tx, "remind", key)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return found
		}
		if !cancel("d1") || cancel("d1") || cancel("nope") {
			t.Fatal("cancel found the wrong jobs")
		}
		// A cancel in a rolled-back transaction cancels nothing.
		d.InTx(ctx, func(tx *db.Tx) error {
			q.Cancel(ctx, tx, "remind", "d2")
			return errors.New("rolled back")
		})
		clk.Advance(2 * time.Hour)
		runDue(t, q, 1)
		if js := list(t, q, jobs.Filter{Key: "d1"}); js[0].State != jobs.Cancelled || js[0].DoneAt == nil {
			t.Fatalf("cancelled job: %+v", js[0])
		}
		if js := list(t, q, jobs.Filter{Key: "d2"}); js[0].State != jobs.Done {
			t.Fatalf("kept job: %+v", js[0])
		}
	})
}

// TestDueJobsRunOnceWithTwoRunners runs two queues on two connections pools
// to one database at the same time: every job runs exactly once, and the
// effect each handler writes in the job's transaction is there once.
func TestDueJobsRunOnceWithTwoRunners(t *testing.T) {
	for _, eng := range testkit.Engines() {
		t.Run(eng.String(), func(t *testing.T) {
			ctx, clk := context.Background(), testkit.Clock()
			dsn, dir := testkit.NewDSN(t, eng)
			open := func() *db.DB {
				h, err := db.Open(ctx, dsn, dir)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { h.Close() })
				return h
			}
			d1, d2 := open(), open()
			if _, err := d1.Exec(ctx, "CREATE TABLE effects (job_id BIGINT PRIMARY KEY)"); err != nil {
				t.Fatal(err)
			}
			var r recorder
			effect := func(ctx context.Context, tx *db.Tx, j jobs.Job) error {
				if _, err := tx.Exec(ctx, "INSERT INTO effects (job_id) VALUES (?)", j.ID); err != nil {
					return err
				}
				return r.handle(ctx, tx, j)
			}
			q1, q2 := jobs.New(d1, clk, nil), jobs.New(d2, clk, nil)
			for _, q := range []*jobs.Queue{q1, q2} {
				q.Register("remind", effect)
				q.Batch = 7
			}
			const n = 300
			var js []jobs.Job
			for i := range n {
				js = append(js, jobs.Job{Kind: "remind", Key: fmt.Sprint(i), RunAt: clk.Now().Add(time.Duration(i) * time.Second), Args: reminder{int64(i)}})
			}
			enqueue(t, d1, q1, js...)
			clk.Advance(time.Hour)
			var wg sync.WaitGroup
			counts := make([]int, 2)
			for i, q := range []*jobs.Queue{q1, q2} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					c, err := q.RunDue(ctx)
					if err != nil {
						t.Error(err)
					}
					counts[i] = c
				}()
			}
			wg.Wait()
			if counts[0]+counts[1] != n || len(r.runs) != n || r.total() != n {
				t.Fatalf("runners started %v, %d distinct jobs ran %d times; want %d once each", counts, len(r.runs), r.total(), n)
			}
			var effects int
			d1.QueryRow(ctx, "SELECT count(*) FROM effects").Scan(&effects)
			if effects != n || len(list(t, q1, jobs.Filter{State: jobs.Done, PerPage: 500})) != n {
				t.Fatalf("%d effects, want %d", effects, n)
			}
			t.Logf("runner 1 ran %d, runner 2 ran %d", counts[0], counts[1])
		})
	}
}

func TestRetryWithBackoffThenDead(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx, clk := context.Background(), testkit.Clock()
		if _, err := d.Exec(ctx, "CREATE TABLE effects (job_id BIGINT NOT NULL)"); err != nil {
			t.Fatal(err)
		}
		q := jobs.New(d, clk, nil)
		var r recorder
		r.fail = func(j jobs.Job) error {
			if j.Kind == "flaky" && j.Attempts > 1 {
				return nil
			}
			return fmt.Errorf("receiver down (attempt %d)", j.Attempts)
		}
		// What a failed attempt wrote is rolled back with it.
		withEffect := func(ctx context.Context, tx *db.Tx, j jobs.Job) error {
			if _, err := tx.Exec(ctx, "INSERT INTO effects (job_id) VALUES (?)", j.ID); err != nil {
				return err
			}
			return r.handle(ctx, tx, j)
		}
		q.Register("send", withEffect, jobs.MaxAttempts(3))
		q.Register("flaky", withEffect)
		enqueue(t, d, q, jobs.Job{Kind: "send", Key: "w1"}, jobs.Job{Kind: "flaky", Key: "w2"})
		runDue(t, q, 2)
		send := func() jobs.Job { return list(t, q, jobs.Filter{Kind: "send"})[0] }
		if j := send(); j.State != jobs.Pending || j.Attempts != 1 || !j.RunAt.Equal(clk.Now().Add(time.Minute)) || j.LastError != "receiver down (attempt 1)" {
			t.Fatalf("after one failure: %+v", j)
		}
		runDue(t, q, 0) // backing off
		clk.Advance(time.Minute)
		runDue(t, q, 2) // flaky succeeds on its second attempt
		if j := list(t, q, jobs.Filter{Kind: "flaky"})[0]; j.State != jobs.Done || j.Attempts != 2 || j.LastError != "" {
			t.Fatalf("flaky: %+v", j)
		}
		if j := send(); j.Attempts != 2 || !j.RunAt.Equal(clk.Now().Add(5*time.Minute)) {
			t.Fatalf("after two failures: %+v", j)
		}
		clk.Advance(4 * time.Minute)
		runDue(t, q, 0)
		clk.Advance(time.Minute)
		runDue(t, q, 1)
		if j := send(); j.State != jobs.Dead || j.Attempts != 3 || j.DoneAt == nil {
			t.Fatalf("after the last attempt: %+v", j)
		}
		clk.Advance(24 * time.Hour)
		runDue(t, q, 0)
		var effects int
		d.QueryRow(ctx, "SELECT count(*) FROM effects").Scan(&effects)
		if effects != 1 {
			t.Fatalf("%d effects kept, want only the successful attempt's", effects)
		}
	})
}

// TestLeaseExpiryRerunsAbandonedJob: a runner claims a job and vanishes
// (killed after its claim committed). Nobody else runs the job while the
// lease holds; once it has run out, another runner does.
func TestLeaseExpiryRerunsAbandonedJob(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx, clk := context.Background(), testkit.Clock()
		var r recorder
		gone, q := jobs.New(d, clk, nil), jobs.New(d, clk, nil)
		gone.Register("remind", r.handle, jobs.Lease(10*time.Minute))
		q.Register("remind", r.handle, jobs.Lease(10*time.Minute))
		enqueue(t, d, q, jobs.Job{Kind: "remind", Key: "d1", Args: reminder{7}})
		claimed, err := gone.ClaimOnly(ctx)
		if err != nil || len(claimed) != 1 {
			t.Fatalf("claim: %+v %v", claimed, err)
		}
		if j := list(t, q, jobs.Filter{})[0]; j.State != jobs.Running || j.Attempts != 1 || j.ClaimedBy == "" {
			t.Fatalf("claimed job: %+v", j)
		}
		clk.Advance(9 * time.Minute)
		runDue(t, q, 0)
		clk.Advance(time.Minute)
		runDue(t, q, 1)
		if j := list(t, q, jobs.Filter{})[0]; j.State != jobs.Done || j.Attempts != 2 || r.total() != 1 {
			t.Fatalf("after the lease ran out: %+v, %d runs", j, r.total())
		}
	})
}

// TestLeaseExpiryCountsAsAttempt: a job whose runners keep dying is dead
// after its attempts, not claimed forever.
func TestLeaseExpiryCountsAsAttempt(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx, clk := context.Background(), testkit.Clock()
		var r recorder
		q := jobs.New(d, clk, nil)
		q.Register("remind", r.handle, jobs.MaxAttempts(2), jobs.Lease(time.Minute))
		enqueue(t, d, q, jobs.Job{Kind: "remind"})
		for range 2 {
			if c, err := q.ClaimOnly(ctx); err != nil || len(c) != 1 {
				t.Fatalf("claim: %v %v", c, err)
			}
			clk.Advance(time.Minute)
		}
		runDue(t, q, 1)
		if j := list(t, q, jobs.Filter{})[0]; j.State != jobs.Dead || r.total() != 0 {
			t.Fatalf("after two lost leases: %+v, %d runs", j, r.total())
		}
	})
}

func TestNoTxHandler(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		clk := testkit.Clock()
		q := jobs.New(d, clk, nil)
		var sawTx bool
		q.Register("mail", func(_ context.Context, tx *db.Tx, _ jobs.Job) error { sawTx = tx != nil; return nil }, jobs.NoTx())
		enqueue(t, d, q, jobs.Job{Kind: "mail"})
		runDue(t, q, 1)
		if j := list(t, q, jobs.Filter{})[0]; sawTx || j.State != jobs.Done {
			t.Fatalf("NoTx: tx given %v, job %+v", sawTx, j)
		}
	})
}

func TestPeriodic(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx, clk := context.Background(), testkit.Clock()
		var r recorder
		q := jobs.New(d, clk, nil)
		q.Register("recompute", r.handle)
		q.Periodic("recompute", jobs.Every(time.Hour))
		start := clk.Now()
		runDue(t, q, 0) // the first run is an hour away
		clk.Advance(time.Hour)
		runDue(t, q, 1)
		clk.Advance(30 * time.Minute)
		runDue(t, q, 0)
		clk.Advance(30 * time.Minute)
		runDue(t, q, 1)
		// A second server starting does not add a second schedule.
		other := jobs.New(d, clk, nil)
		other.Register("recompute", r.handle)
		other.Periodic("recompute", jobs.Every(time.Hour))
		if _, err := other.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		if js := list(t, q, jobs.Filter{State: jobs.Pending}); len(js) != 1 || !js[0].RunAt.Equal(start.Add(3*time.Hour)) {
			t.Fatalf("pending after two runs: %+v", js)
		}
		// Down for five hours: the missed runs collapse into one, then hourly from now.
		clk.Advance(5 * time.Hour)
		runDue(t, q, 1)
		if js := list(t, q, jobs.Filter{State: jobs.Pending}); len(js) != 1 || !js[0].RunAt.Equal(clk.Now().Add(time.Hour)) {
			t.Fatalf("pending after the gap: %+v", js)
		}
		if r.total() != 3 {
			t.Fatalf("%d runs, want 3", r.total())
		}
		// A periodic job that fails for good still keeps its schedule.
		q.Register("recompute", func(context.Context, *db.Tx, jobs.Job) error { return errors.New("no") }, jobs.MaxAttempts(1))
		clk.Advance(time.Hour)
		runDue(t, q, 1)
		if js := list(t, q, jobs.Filter{State: jobs.Pending}); len(js) != 1 || !js[0].RunAt.Equal(clk.Now().Add(time.Hour)) {
			t.Fatalf("pending after a dead run: %+v", js)
		}
	})
}

func TestPrune(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx, clk := context.Background(), testkit.Clock()
		var r recorder
		q := jobs.New(d, clk, nil)
		q.Register("remind", r.handle)
		enqueue(t, d, q, jobs.Job{Kind: "remind"}, jobs.Job{Kind: "remind", RunAt: clk.Now().Add(48 * time.Hour)})
		runDue(t, q, 1)
		clk.Advance(24 * time.Hour)
		n, err := q.Prune(ctx, clk.Now().Add(-time.Hour))
		if err != nil || n != 1 || len(list(t, q, jobs.Filter{})) != 1 {
			t.Fatalf("prune: %d %v", n, err)
		}
	})
}

func TestScheduleNext(t *testing.T) {
	sh := func(s string) time.Time {
		tm, err := time.ParseInLocation("2006-01-02 15:04", s, clock.Shanghai)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	for _, c := range []struct {
		name string
		s    jobs.Schedule
		from string
		want string
	}{
		{"every", jobs.Every(15 * time.Minute), "2026-11-30 09:50", "2026-11-30 10:05"},
		{"daily later today", jobs.Daily(3, 0), "2026-11-30 01:00", "2026-11-30 03:00"},
		{"daily at the time", jobs.Daily(3, 0), "2026-11-30 03:00", "2026-12-01 03:00"},
		{"daily tomorrow", jobs.Daily(3, 0), "2026-11-30 09:30", "2026-12-01 03:00"},
		{"daily over the year", jobs.Daily(0, 30), "2026-12-31 23:00", "2027-01-01 00:30"},
		{"weekly", jobs.Weekly(time.Monday, 8, 0), "2026-12-02 10:00", "2026-12-07 08:00"},          // a Wednesday
		{"weekly same day", jobs.Weekly(time.Monday, 8, 0), "2026-11-30 07:00", "2026-11-30 08:00"}, // a Monday
		{"weekly same day past", jobs.Weekly(time.Monday, 8, 0), "2026-11-30 08:00", "2026-12-07 08:00"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := c.s.Next(sh(c.from).UTC()); !got.Equal(sh(c.want)) || got.Location() != time.UTC {
				t.Fatalf("Next(%s) = %s, want %s", c.from, got.In(clock.Shanghai), c.want)
			}
		})
	}
}
