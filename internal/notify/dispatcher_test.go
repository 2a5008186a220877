package notify_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/jobs"
	"gongzhi/internal/notify"
	"gongzhi/internal/testkit"
)

// receiver is a webhook endpoint that checks every request's signature and
// counts what arrives per delivery id.
type receiver struct {
	t      *testing.T
	secret string
	srv    *httptest.Server

	mu     sync.Mutex
	status int // what to answer; 200 when zero
	hits   int
	bad    int // requests whose signature did not verify
	byID   map[string]int
	last   *http.Request
	body   string
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{t: t, byID: map[string]int{}}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		defer r.mu.Unlock()
		r.hits++
		if !notify.VerifySignature(r.secret, req.Header.Get(notify.HeaderTimestamp), string(b), req.Header.Get(notify.HeaderSignature)) {
			r.bad++
		}
		r.byID[req.Header.Get(notify.HeaderDelivery)]++
		r.last, r.body = req, string(b)
		if r.status != 0 && r.status != 200 {
			w.WriteHeader(r.status)
			io.WriteString(w, strings.Repeat("服务暂时不可用 ", 400))
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) answer(code int) { r.mu.Lock(); r.status = code; r.mu.Unlock() }
func (r *receiver) count() int      { r.mu.Lock(); defer r.mu.Unlock(); return r.hits }

// hook creates a webhook pointing at r and remembers its secret.
func (e *env) hook(t *testing.T, r *receiver, events ...string) int64 {
	t.Helper()
	secret, w, err := e.svc.CreateWebhook(context.Background(), e.admin, notify.NewWebhook{URL: r.srv.URL + "/hook", Events: events})
	if err != nil {
		t.Fatal(err)
	}
	r.secret = secret
	return w.ID
}

// loopbackOK lets webhooks reach the test receivers, which listen on
// 127.0.0.1: the rule that refuses internal addresses is tested in
// target_test.go.
var loopbackOK = notify.Targets{AllowPrivate: true}

func (e *env) dispatcher(*receiver) *notify.Dispatcher {
	return notify.NewDispatcher(e.db, e.clock, loopbackOK, nil, nil)
}

func (e *env) deliveries(t *testing.T, hook int64) []notify.Delivery {
	t.Helper()
	ds, _, err := e.svc.Deliveries(context.Background(), e.admin, hook, 1, 100)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

func runDue(t *testing.T, x *notify.Dispatcher) int {
	t.Helper()
	n, err := x.RunDue(context.Background())
	if err != nil {
		t.Fatalf("RunDue: %v", err)
	}
	return n
}

func TestWebhookDeliverySigned(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, notify.Options{Targets: loopbackOK})
		r := newReceiver(t)
		id := e.hook(t, r, "demand.*")
		x := e.dispatcher(r)
		e.enqueue(t, "demand.dispatched", map[string]any{"id": 42, "title": "楼道堆物影响通行", "area": testkit.ResA1})
		e.enqueue(t, "lists.need_created", map[string]any{"id": 1}) // not subscribed

		if n := runDue(t, x); n != 1 {
			t.Fatalf("sent %d, want 1", n)
		}
		if r.count() != 1 || r.bad != 0 {
			t.Fatalf("receiver: %d hits, %d bad signatures", r.count(), r.bad)
		}
		h := r.last.Header
		if h.Get(notify.HeaderEvent) != "demand.dispatched" || h.Get("Content-Type") != "application/json; charset=utf-8" ||
			h.Get(notify.HeaderTimestamp) != strconv.FormatInt(e.clock.Now().Unix(), 10) || r.last.Method != http.MethodPost {
			t.Errorf("headers: %v", h)
		}
		var env notify.Envelope
		if err := json.Unmarshal([]byte(r.body), &env); err != nil {
			t.Fatal(err)
		}
		var data struct {
			ID    int    `json:"id"`
			Title string `json:"title"`
		}
		json.Unmarshal(env.Data, &data)
		if env.Event != "demand.dispatched" || data.ID != 42 || data.Title != "楼道堆物影响通行" || !env.OccurredAt.Equal(e.clock.Now()) {
			t.Errorf("body = %s", r.body)
		}
		// A signature under another secret, or over another body or time, does not verify.
		ts, sig := h.Get(notify.HeaderTimestamp), h.Get(notify.HeaderSignature)
		if notify.VerifySignature("whsec_other", ts, r.body, sig) || notify.VerifySignature(r.secret, ts, r.body+" ", sig) ||
			notify.VerifySignature(r.secret, "1", r.body, sig) {
			t.Error("signature verified for the wrong input")
		}

		ds := e.deliveries(t, id)
		if len(ds) != 1 {
			t.Fatalf("%d deliveries", len(ds))
		}
		dl := ds[0]
		if h.Get(notify.HeaderDelivery) != strconv.FormatInt(dl.ID, 10) || dl.Status != "delivered" || dl.Attempts != 1 ||
			dl.LastStatusCode == nil || *dl.LastStatusCode != 204 || dl.DeliveredAt == nil || dl.LastError != "" || dl.Payload != r.body {
			t.Errorf("delivery = %+v", dl)
		}
		// Nothing left to send.
		e.clock.Advance(24 * time.Hour)
		if n := runDue(t, x); n != 0 || r.count() != 1 {
			t.Errorf("second run sent %d (hits %d)", n, r.count())
		}
	})
}

func TestWebhookRetryBackoff(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, notify.Options{Targets: loopbackOK})
		r := newReceiver(t)
		id := e.hook(t, r)
		x := e.dispatcher(r)
		r.answer(500)
		e.enqueue(t, "demand.overdue", map[string]int{"id": 1})

		if n := runDue(t, x); n != 0 || r.count() != 1 {
			t.Fatalf("first try: sent %d, hits %d", n, r.count())
		}
		dl := e.deliveries(t, id)[0]
		if dl.Status != "pending" || dl.Attempts != 1 || dl.LastStatusCode == nil || *dl.LastStatusCode != 500 ||
			dl.LastError != "HTTP 500" || !dl.NextAttemptAt.Equal(e.clock.Now().Add(time.Minute)) {
			t.Fatalf("after a 500: %+v", dl)
		}
		if len(dl.LastError) > 520 {
			t.Errorf("error text not truncated: %d bytes", len(dl.LastError))
		}
		// Not due before the backoff ends, due when it does.
		e.clock.Advance(59 * time.Second)
		if runDue(t, x); r.count() != 1 {
			t.Fatalf("retried %d times before the backoff ended", r.count()-1)
		}
		e.clock.Advance(time.Second)
		if runDue(t, x); r.count() != 2 {
			t.Fatalf("not retried when due (hits %d)", r.count())
		}
		// The second failure waits 5 minutes; then the receiver recovers.
		e.clock.Advance(5*time.Minute - time.Second)
		if runDue(t, x); r.count() != 2 {
			t.Fatal("retried before 5 minutes")
		}
		r.answer(200)
		e.clock.Advance(time.Second)
		if n := runDue(t, x); n != 1 || r.count() != 3 {
			t.Fatalf("third try: sent %d, hits %d", n, r.count())
		}
		dl = e.deliveries(t, id)[0]
		if dl.Status != "delivered" || dl.Attempts != 3 || *dl.LastStatusCode != 204 || dl.LastError != "" {
			t.Errorf("after recovery: %+v", dl)
		}
		if r.byID[strconv.FormatInt(dl.ID, 10)] != 3 || r.bad != 0 {
			t.Errorf("every retry carries the same delivery id and a valid signature: %v, bad %d", r.byID, r.bad)
		}
	})
}

func TestWebhookFailsAfterMaxAttempts(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, notify.Options{Targets: loopbackOK})
		ctx := context.Background()
		r := newReceiver(t)
		id := e.hook(t, r)
		x := e.dispatcher(r)
		r.answer(503)
		e.enqueue(t, "demand.overdue", map[string]int{"id": 1})
		waits := []time.Duration{time.Minute, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour, 12 * time.Hour}
		runDue(t, x)
		for i, w := range waits {
			e.clock.Advance(w)
			runDue(t, x)
			if r.count() != i+2 {
				t.Fatalf("after wait %d (%s): %d hits, want %d", i+1, w, r.count(), i+2)
			}
		}
		dl := e.deliveries(t, id)[0]
		if dl.Status != "failed" || dl.Attempts != notify.MaxAttempts || *dl.LastStatusCode != 503 {
			t.Fatalf("after %d failures: %+v", notify.MaxAttempts, dl)
		}
		e.clock.Advance(7 * 24 * time.Hour)
		if runDue(t, x); r.count() != notify.MaxAttempts {
			t.Fatalf("a failed delivery was retried")
		}
		// An admin can send it again with a fresh set of attempts.
		if err := e.svc.Redeliver(ctx, e.admin, dl.ID); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.Redeliver(ctx, e.admin, dl.ID); errs.Code(err) != errs.ECONFLICT {
			t.Errorf("redeliver pending: %v", err)
		}
		r.answer(200)
		if n := runDue(t, x); n != 1 {
			t.Fatalf("redelivered %d", n)
		}
		if dl := e.deliveries(t, id)[0]; dl.Status != "delivered" || dl.Attempts != 1 {
			t.Errorf("after redeliver: %+v", dl)
		}
	})
}

func TestWebhookUnreachable(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, notify.Options{Targets: loopbackOK})
		r := newReceiver(t)
		id := e.hook(t, r)
		x := e.dispatcher(r)
		r.srv.Close() // nobody listens any more
		e.enqueue(t, "demand.overdue", map[string]int{"id": 1})
		if n := runDue(t, x); n != 0 {
			t.Fatalf("sent %d to a closed server", n)
		}
		dl := e.deliveries(t, id)[0]
		if dl.Status != "pending" || dl.Attempts != 1 || dl.LastStatusCode != nil || dl.LastError != "connection refused" {
			t.Errorf("after connection failure: %+v", dl)
		}
	})
}

func TestWebhookExactlyOnceUnderConcurrentRuns(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, notify.Options{Targets: loopbackOK})
		r := newReceiver(t)
		e.hook(t, r)
		const n = 40
		for i := range n {
			e.enqueue(t, "demand.created", map[string]int{"id": i})
		}
		// Two dispatchers, small batches, so their claims interleave.
		var xs [2]*notify.Dispatcher
		for i := range xs {
			xs[i] = e.dispatcher(r)
			xs[i].Batch, xs[i].Workers = 3, 2
		}
		var sent [2]int
		var errsSeen [2]error
		var wg sync.WaitGroup
		for i := range xs {
			wg.Go(func() { sent[i], errsSeen[i] = xs[i].RunDue(context.Background()) })
		}
		wg.Wait()
		if errsSeen[0] != nil || errsSeen[1] != nil {
			t.Fatalf("RunDue errors: %v", errsSeen)
		}
		if sent[0]+sent[1] != n || r.count() != n || len(r.byID) != n {
			t.Fatalf("sent %v, receiver got %d requests for %d deliveries; want %d once each", sent, r.count(), len(r.byID), n)
		}
		for id, c := range r.byID {
			if c != 1 {
				t.Errorf("delivery %s arrived %d times", id, c)
			}
		}
		if got := count(t, d, "SELECT count(*) FROM webhook_deliveries WHERE status = 'delivered' AND attempts = 1"); got != n {
			t.Errorf("%d delivered with one attempt, want %d", got, n)
		}
	})
}

// TestSkipLocked holds a row lock on one delivery's job, as a second
// instance in the middle of its claim would, and checks the dispatcher passes it over
// without waiting, then sends it once the lock is gone.
func TestSkipLocked(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		if d.Dialect != db.Postgres {
			t.Skip("SQLite has a single writer; there is nothing to skip")
		}
		e := newEnv(t, d, notify.Options{Targets: loopbackOK})
		ctx := context.Background()
		r := newReceiver(t)
		e.hook(t, r)
		e.enqueue(t, "demand.created", map[string]int{"id": 1})
		e.enqueue(t, "demand.created", map[string]int{"id": 2})
		var first int64
		if err := d.QueryRow(ctx, "SELECT min(id) FROM webhook_deliveries").Scan(&first); err != nil {
			t.Fatal(err)
		}
		other, err := d.SQL().BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer other.Rollback()
		// The claim locks the delivery's job (internal/jobs).
		if _, err := other.ExecContext(ctx, "SELECT id FROM jobs WHERE kind = $1 AND key = $2 FOR UPDATE", notify.JobWebhook, strconv.FormatInt(first, 10)); err != nil {
			t.Fatal(err)
		}
		x := e.dispatcher(r)
		tctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		n, err := x.RunDue(tctx)
		if err != nil || n != 1 {
			t.Fatalf("with one row locked: sent %d, %v; want 1 and no wait", n, err)
		}
		if r.byID[strconv.FormatInt(first, 10)] != 0 {
			t.Fatal("the locked delivery was sent")
		}
		other.Rollback()
		if n := runDue(t, x); n != 1 || r.byID[strconv.FormatInt(first, 10)] != 1 {
			t.Fatalf("after unlock: sent %d, %v", n, r.byID)
		}
	})
}

func TestRunLoop(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, notify.Options{Targets: loopbackOK})
		got := make(chan string, 1)
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			select {
			case got <- req.Header.Get(notify.HeaderEvent):
			default:
			}
		}))
		defer srv.Close()
		if _, _, err := e.svc.CreateWebhook(context.Background(), e.admin, notify.NewWebhook{URL: srv.URL}); err != nil {
			t.Fatal(err)
		}
		x := notify.NewDispatcher(d, e.clock, loopbackOK, nil, nil)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { x.Run(ctx, 10*time.Millisecond); close(done) }()
		e.enqueue(t, "demand.closed", map[string]int{"id": 9})
		select {
		case ev := <-got:
			if ev != "demand.closed" {
				t.Errorf("event %q", ev)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("Run did not deliver")
		}
		cancel()
		<-done
	})
}

// TestDeadDeliveryRunAgainFromJobsPage: a delivery that used all its
// attempts is failed and its job dead; running the job again from the
// operator's jobs page sends it, with fresh attempts.
func TestDeadDeliveryRunAgainFromJobsPage(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, notify.Options{Targets: loopbackOK})
		ctx := context.Background()
		r := newReceiver(t)
		hook := e.hook(t, r)
		x := e.dispatcher(r)
		r.answer(503)
		e.enqueue(t, "demand.overdue", map[string]int{"id": 1})
		runDue(t, x)
		for _, w := range []time.Duration{time.Minute, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour, 12 * time.Hour} {
			e.clock.Advance(w)
			runDue(t, x)
		}
		if dl := e.deliveries(t, hook)[0]; dl.Status != "failed" {
			t.Fatalf("after every attempt: %+v", dl)
		}
		var jobID int64
		if err := d.QueryRow(ctx, "SELECT id FROM jobs WHERE kind = ? AND state = 'dead'", notify.JobWebhook).Scan(&jobID); err != nil {
			t.Fatalf("dead job: %v", err)
		}
		q := jobs.New(d, e.clock, nil)
		if err := q.RetryAs(ctx, e.admin, jobID); err != nil {
			t.Fatal(err)
		}
		r.answer(200)
		if n := runDue(t, x); n != 1 {
			t.Fatalf("sent %d after running the dead job again", n)
		}
		if dl := e.deliveries(t, hook)[0]; dl.Status != "delivered" || dl.Attempts != 1 {
			t.Errorf("after the retry: %+v", dl)
		}
	})
}
