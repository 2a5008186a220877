package notify_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/notify"
	"gongzhi/internal/testkit"
)

func TestMobileNumber(t *testing.T) {
	for in, want := range map[string]string{
		"13800138000":       "13800138000",
		"138 0013 8000":     "13800138000",
		"138-0013-8000":     "13800138000",
		"+86 138 0013 8000": "13800138000",
		"008613800138000":   "13800138000",
		"8613800138000":     "13800138000",
		"19912345678":       "19912345678",
		"021-64670000":      "", // a landline
		"12345678901":       "", // 12x is no mobile range
		"1380013800":        "", // ten digits
		"+1 415 555 0100":   "", // international
		"138001380001":      "", // twelve
		"1380013800a":       "", // not digits
		"":                  "",
	} {
		got, ok := notify.MobileNumber(in)
		if got != want || ok != (want != "") {
			t.Errorf("MobileNumber(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

func TestSMSConfigValidate(t *testing.T) {
	good := notify.SMSConfig{Gateway: "https://sms.example.gov.cn/send", Secret: "0123456789abcdef"}
	if err := good.Validate(); err != nil || !good.Enabled() {
		t.Fatalf("good config: %v", err)
	}
	if (notify.SMSConfig{}).Enabled() {
		t.Error("the zero config is enabled")
	}
	for name, c := range map[string]notify.SMSConfig{
		"ftp":       {Gateway: "ftp://sms.example.gov.cn/", Secret: good.Secret},
		"relative":  {Gateway: "/send", Secret: good.Secret},
		"user info": {Gateway: "https://u:p@sms.example.gov.cn/", Secret: good.Secret},
		"short key": {Gateway: good.Gateway, Secret: "short"},
		"no secret": {Gateway: good.Gateway},
	} {
		if err := c.Validate(); errs.Code(err) != errs.EINVALID {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// gateway is a local SMS gateway: it records each request and answers with
// the next status of its script (200 when the script has run out).
type gateway struct {
	mu     sync.Mutex
	script []int
	got    []gatewayReq
}

type gatewayReq struct {
	header http.Header
	body   string
}

func (g *gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	g.mu.Lock()
	g.got = append(g.got, gatewayReq{header: r.Header.Clone(), body: string(b)})
	status := http.StatusOK
	if len(g.script) > 0 {
		status, g.script = g.script[0], g.script[1:]
	}
	g.mu.Unlock()
	w.WriteHeader(status)
}

func (g *gateway) requests() []gatewayReq {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]gatewayReq(nil), g.got...)
}

// TestSMSGateway queues a message and sends it to a local gateway: the
// request is signed over its timestamp and body, the body carries the
// phone and the text, a 5xx is tried again after the backoff, and the
// log shows the phone masked. Without a gateway nothing is queued.
func TestSMSGateway(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		const secret = "s3cret-for-the-sms-gateway"
		gw := &gateway{script: []int{http.StatusServiceUnavailable}}
		srv := httptest.NewServer(gw)
		defer srv.Close()

		off := newEnv(t, d, notify.Options{})
		err := d.InTx(ctx, func(tx *db.Tx) error {
			_, err := off.svc.QueueSMS(ctx, tx, nil, notify.SMS{To: "13800138000", Text: "你好", Entity: "demand", EntityID: "1"})
			return err
		})
		if errs.Code(err) != errs.EUNAVAILABLE || count(t, d, "SELECT count(*) FROM sms_outbox") != 0 {
			t.Fatalf("without a gateway: %v", err)
		}

		e := &env{f: off.f, db: d, clock: off.clock, svc: notify.NewService(d, off.clock, notify.Options{SMS: true}), admin: off.admin}
		sender := notify.NewSMSSender(d, e.clock, notify.SMSConfig{Gateway: srv.URL + "/send", Secret: secret}, nil)
		queue := func(m notify.SMS) error {
			return d.InTx(ctx, func(tx *db.Tx) error { _, err := e.svc.QueueSMS(ctx, tx, e.admin, m); return err })
		}
		if err := queue(notify.SMS{To: "021-64670000", Text: "你好"}); errs.Code(err) != errs.EINVALID {
			t.Fatalf("a landline: %v", err)
		}
		if err := queue(notify.SMS{To: "13800138000", Text: ""}); errs.Code(err) != errs.EINVALID {
			t.Fatalf("no text: %v", err)
		}
		text := "您反映的诉求（编号 7）已受理。查询码 ABCD-EFGH，查看进度：https://gz.example.gov.cn/c/ABCDEFGH"
		if err := queue(notify.SMS{To: "+86 138 0013 8000", Text: text, Entity: "demand", EntityID: "7"}); err != nil {
			t.Fatal(err)
		}

		// First try: the gateway answers 503, the message waits for the next attempt.
		if n, err := sender.RunDue(ctx); err != nil || n != 0 {
			t.Fatalf("first run: %d %v", n, err)
		}
		log, err := e.svc.SMSLog(ctx, "demand", "7")
		if err != nil || len(log) != 1 {
			t.Fatalf("log: %+v %v", log, err)
		}
		if log[0].Status != "pending" || log[0].Attempts != 1 || log[0].LastError != "HTTP 503" || log[0].To != "138****8000" {
			t.Fatalf("after a 503: %+v", log[0])
		}
		if n, _ := sender.RunDue(ctx); n != 0 || len(gw.requests()) != 1 {
			t.Fatalf("tried again before the backoff: %d requests", len(gw.requests()))
		}
		e.clock.Advance(time.Minute)
		if n, err := sender.RunDue(ctx); err != nil || n != 1 {
			t.Fatalf("second run: %d %v", n, err)
		}
		log, _ = e.svc.SMSLog(ctx, "demand", "7")
		if log[0].Status != "delivered" || log[0].Attempts != 2 || log[0].DeliveredAt == nil || log[0].Text != text {
			t.Fatalf("after a 200: %+v", log[0])
		}

		reqs := gw.requests()
		if len(reqs) != 2 {
			t.Fatalf("%d requests, want 2", len(reqs))
		}
		for _, r := range reqs {
			ts, sig := r.header.Get(notify.HeaderTimestamp), r.header.Get(notify.HeaderSignature)
			if !notify.VerifySignature(secret, ts, r.body, sig) {
				t.Errorf("signature %q over %q does not verify", sig, ts)
			}
			if notify.VerifySignature("another secret", ts, r.body, sig) {
				t.Error("the signature verifies under another secret")
			}
			if r.header.Get(notify.HeaderEvent) != "sms" || r.header.Get(notify.HeaderDelivery) == "" ||
				r.header.Get("Content-Type") != "application/json; charset=utf-8" {
				t.Errorf("headers: %v", r.header)
			}
			var body struct {
				ID   int64  `json:"id"`
				To   string `json:"to"`
				Text string `json:"text"`
			}
			if err := json.Unmarshal([]byte(r.body), &body); err != nil {
				t.Fatal(err)
			}
			if body.To != "13800138000" || body.Text != text || body.ID == 0 {
				t.Errorf("body: %+v", body)
			}
		}
		if reqs[0].header.Get(notify.HeaderDelivery) != reqs[1].header.Get(notify.HeaderDelivery) {
			t.Error("the retry has another delivery id")
		}
		if n, err := e.svc.SentSMS(ctx, d, "demand", "7", e.clock.Now().Add(-time.Hour)); err != nil || n != 1 {
			t.Errorf("SentSMS = %d, %v", n, err)
		}
	})
}

// TestSMSRedacted: a message carrying a secret keeps it in the outbox only
// while it may still be sent. Once the gateway took it, or the sender gave
// up after its last attempt, the body is the redacted text.
func TestSMSRedacted(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		gw := &gateway{script: []int{http.StatusBadGateway}}
		srv := httptest.NewServer(gw)
		defer srv.Close()
		base := newEnv(t, d, notify.Options{})
		svc := notify.NewService(d, base.clock, notify.Options{SMS: true})
		sender := notify.NewSMSSender(d, base.clock, notify.SMSConfig{Gateway: srv.URL, Secret: "s3cret-for-the-sms-gateway"}, nil)
		queue := func(to, secret string) int64 {
			var id int64
			err := d.InTx(ctx, func(tx *db.Tx) (err error) {
				id, err = svc.QueueSMS(ctx, tx, nil, notify.SMS{To: to, Text: "验证码 " + secret, Redacted: "验证码（已删除）", Entity: "phone"})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return id
		}
		body := func(id int64) (b, status string) {
			if err := d.QueryRow(ctx, "SELECT body, status FROM sms_outbox WHERE id = ?", id).Scan(&b, &status); err != nil {
				t.Fatal(err)
			}
			return b, status
		}
		sent := queue("13800138000", "482913")
		if _, err := sender.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		if b, st := body(sent); st != "pending" || b != "验证码 482913" {
			t.Fatalf("after a 502 the message must still hold its text to send again: %q %s", b, st)
		}
		base.clock.Advance(time.Minute)
		if n, err := sender.RunDue(ctx); err != nil || n != 1 {
			t.Fatalf("second try: %d %v", n, err)
		}
		if b, st := body(sent); st != "delivered" || b != "验证码（已删除）" {
			t.Fatalf("delivered: %q %s", b, st)
		}

		// A message the gateway never takes is redacted when the sender gives up.
		gw.mu.Lock()
		gw.script = []int{500, 500, 500, 500, 500, 500, 500, 500}
		gw.mu.Unlock()
		lost := queue("13900139000", "771020")
		for range notify.MaxAttempts + 2 {
			if _, err := sender.RunDue(ctx); err != nil {
				t.Fatal(err)
			}
			base.clock.Advance(24 * time.Hour)
		}
		if b, st := body(lost); st != "failed" || b != "验证码（已删除）" {
			t.Fatalf("given up: %q %s", b, st)
		}
	})
}
