package survey_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/notify"
	"gongzhi/internal/survey"
	"gongzhi/internal/testkit"
	"gongzhi/internal/texts"
)

const smsBase = "https://gz.example.gov.cn"

// smsGateway is a local SMS gateway that takes every message.
type smsGateway struct {
	mu  sync.Mutex
	got []struct{ To, Text string }
}

func (g *smsGateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	var m struct{ To, Text string }
	json.Unmarshal(b, &m)
	g.mu.Lock()
	g.got = append(g.got, m)
	g.mu.Unlock()
}

// withSMS gives k's service a notify service with a gateway, and returns
// the sender that posts to gw.
func (k *kit) withSMS(gw *smsGateway) *notify.SMSSender {
	k.t.Helper()
	srv := httptest.NewServer(gw)
	k.t.Cleanup(srv.Close)
	k.s.SetSMS(notify.NewService(k.d, k.clk, notify.Options{SMS: true, BaseURL: smsBase + "/"}))
	return notify.NewSMSSender(k.d, k.clk, notify.SMSConfig{Gateway: srv.URL, Secret: "survey-sms-test-secret"}, nil)
}

var tokenIn = regexp.MustCompile(regexp.QuoteMeta(smsBase) + `/survey/([a-z0-9]+)$`)

// TestSendLinksBySMS: three phones (after a list with a bad line, which
// sends nothing) each get one message whose link opens the questionnaire
// and answers once; sending again skips them all; once delivered, the
// outbox keeps the message without its link and no row anywhere holds a
// token; the audit row holds counts; scope and the gateway are checked.
func TestSendLinksBySMS(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		k := newKit(t, d)
		gw := &smsGateway{}
		sender := k.withSMS(gw)
		street := k.as(auth.StreetStaff)
		c := k.campaign(testkit.ResA1, "2026H2")
		if !k.s.SMSAvailable() {
			t.Fatal("SMS not available with a gateway and a base URL")
		}
		state := func() string {
			return fmt.Sprint(k.count("SELECT count(*) FROM sms_outbox"), k.count("SELECT count(*) FROM survey_links"), k.count("SELECT count(*) FROM audit_log"),
				k.count("SELECT count(*) FROM jobs"))
		}

		// A bad line first: nothing is sent, no link made, the lines named.
		before := state()
		_, err := k.s.SendLinks(k.ctx, street, c.ID, []string{"138 0013 8000", "12345", "", "13900139000", "021-64670000"})
		if errs.Code(err) != errs.EINVALID || len(errs.DetailsOf(err)) != 1 || errs.DetailsOf(err)[0].Field != "phones" ||
			!strings.Contains(errs.Message(err), "first lines 2, 5") {
			t.Fatalf("a bad line: %v %+v", err, errs.DetailsOf(err))
		}
		if state() != before {
			t.Fatalf("a refused list changed something: %s -> %s", before, state())
		}

		phones := []string{"138 0013 8000", "+86 139 0013 9000", "13700137000", "13800138000"}
		sent, err := k.s.SendLinks(k.ctx, street, c.ID, phones)
		if err != nil || sent != (survey.Sent{Sent: 3}) {
			t.Fatalf("send: %+v %v", sent, err)
		}
		if n, err := k.s.SMSCounts(k.ctx, k.as(auth.CommunityStaff), c.ID); err != nil || n != (survey.SMSCounts{Pending: 3}) {
			t.Fatalf("counts before sending: %+v %v", n, err)
		}
		// The links are in hash order, not the phones' order.
		order := "SELECT token_hash FROM survey_links WHERE campaign_id = ? ORDER BY rowid"
		if d.Dialect == db.Postgres {
			order = "SELECT token_hash FROM survey_links WHERE campaign_id = ? ORDER BY ctid"
		}
		if hs, err := db.Strings(k.ctx, d, order, c.ID); err != nil || len(hs) != 3 || !slices.IsSorted(hs) {
			t.Fatalf("links in the order written: %v %v", hs, err)
		}
		// Again, the numbers written otherwise: all three skipped.
		before = state()
		again, err := k.s.SendLinks(k.ctx, street, c.ID, []string{"13800138000", "139-0013-9000", "008613700137000"})
		if err != nil || again != (survey.Sent{Skipped: 3}) || state() != before {
			t.Fatalf("send again: %+v %v (%s -> %s)", again, err, before, state())
		}

		if n, err := sender.RunDue(k.ctx); err != nil || n != 3 {
			t.Fatalf("sender: %d %v", n, err)
		}
		args := map[string]string{"area": "东湖居民区", "period": "2026H2", "closes": texts.Time(c.ClosesAt)}
		redacted := texts.Render(texts.ZH, "sms.survey_sent", args)
		var tokens, to []string
		for _, m := range gw.got {
			tm := tokenIn.FindStringSubmatch(m.Text)
			if tm == nil || !strings.HasPrefix(m.Text, "【东湖居民区居委会测评】请为居委会 2026H2 的工作打分，匿名，一次有效，") {
				t.Fatalf("message %q", m.Text)
			}
			args["link"] = smsBase + "/survey/" + tm[1]
			if m.Text != texts.Render(texts.ZH, "sms.survey", args) {
				t.Errorf("message %q", m.Text)
			}
			tokens, to = append(tokens, tm[1]), append(to, m.To)
		}
		slices.Sort(to)
		if len(tokens) != 3 || strings.Join(to, " ") != "13700137000 13800138000 13900139000" || tokens[0] == tokens[1] || tokens[1] == tokens[2] {
			t.Fatalf("gateway got %+v", gw.got)
		}
		for _, tok := range tokens {
			if p, err := k.s.LinkCampaign(k.ctx, tok); err != nil || p.ID != c.ID || p.Used {
				t.Fatalf("link opens: %+v %v", p, err)
			}
			if err := k.s.AnswerLink(k.ctx, tok, fixture()[0]); err != nil {
				t.Fatal(err)
			}
			if err := k.s.AnswerLink(k.ctx, tok, fixture()[1]); errs.Code(err) != errs.ECONFLICT {
				t.Errorf("a second answer: %v", err)
			}
		}

		// Delivered: the outbox keeps the message without its link.
		bodies, err := db.Strings(k.ctx, d, "SELECT body FROM sms_outbox WHERE entity = 'survey' AND entity_id = ? AND status = 'delivered'", fmt.Sprint(c.ID))
		if err != nil || len(bodies) != 3 {
			t.Fatalf("delivered bodies: %v %v", bodies, err)
		}
		for _, b := range bodies {
			if b != redacted {
				t.Errorf("body after delivery %q, want %q", b, redacted)
			}
		}
		if n, err := k.s.SMSCounts(k.ctx, street, c.ID); err != nil || n != (survey.SMSCounts{Delivered: 3}) || n.Total() != 3 {
			t.Errorf("counts after sending: %+v %v", n, err)
		}
		// No row of any table holds a token (the scan does see each
		// link's hash, so it reads what is there).
		all := tableTexts(t, d)
		for table, text := range all {
			for _, tok := range tokens {
				if strings.Contains(text, tok) {
					t.Errorf("table %s holds a token", table)
				}
			}
		}
		for _, tok := range tokens {
			h := sha256.Sum256([]byte(tok))
			if !strings.Contains(all["survey_links"], hex.EncodeToString(h[:])) {
				t.Errorf("the scan does not see the link of %s", tok)
			}
		}
		// The audit row: counts only.
		var after string
		if err := d.QueryRow(k.ctx, "SELECT after FROM audit_log WHERE entity = 'survey' AND action = 'sms_links'").Scan(&after); err != nil {
			t.Fatal(err)
		}
		var got map[string]any
		if err := json.Unmarshal([]byte(after), &got); err != nil || len(got) != 2 || got["sent"] != 3.0 || got["skipped"] != 0.0 {
			t.Errorf("audit row: %s", after)
		}

		// Scope: another street's campaign is not found; readers who do not
		// run campaigns are refused; a closed campaign takes no links.
		other, err := k.s.CreateCampaign(k.ctx, k.as(auth.DistrictAdmin), survey.CampaignInput{Area: testkit.ResB1, Period: "2026H2", OpensAt: k.clk.Now(), ClosesAt: k.clk.Now().Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		before = state()
		one := []string{"15000150000"}
		if _, err := k.s.SendLinks(k.ctx, street, other.ID, one); errs.Code(err) != errs.ENOTFOUND {
			t.Errorf("another street's campaign: %v", err)
		}
		for _, r := range []auth.Role{auth.Auditor, auth.CommunityStaff} {
			if _, err := k.s.SendLinks(k.ctx, k.as(r), c.ID, one); errs.Code(err) != errs.EFORBIDDEN {
				t.Errorf("%s: %v", r, err)
			}
		}
		if _, err := k.s.SendLinks(k.ctx, k.as(auth.Resident), c.ID, one); errs.Code(err) != errs.ENOTFOUND {
			t.Errorf("resident: %v", err)
		}
		if _, err := k.s.SMSCounts(k.ctx, street, other.ID); errs.Code(err) != errs.ENOTFOUND {
			t.Errorf("counts of another street's campaign: %v", err)
		}
		if state() != before {
			t.Errorf("refused sends changed something")
		}
		if _, err := k.s.CloseCampaign(k.ctx, street, c.ID); err != nil {
			t.Fatal(err)
		}
		before = state()
		if _, err := k.s.SendLinks(k.ctx, street, c.ID, one); errs.Code(err) != errs.ECONFLICT {
			t.Errorf("closed campaign: %v", err)
		}
		if state() != before {
			t.Errorf("a send to a closed campaign changed something")
		}
	})
}

// TestSendLinksNoGateway: without a gateway, or without the site's address
// for the link, sending is EUNAVAILABLE and nothing is written.
func TestSendLinksNoGateway(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		k := newKit(t, d)
		c := k.campaign(testkit.ResA1, "2026H2")
		for name, q := range map[string]survey.SMSQueue{
			"none":        nil,
			"no gateway":  notify.NewService(d, k.clk, notify.Options{BaseURL: smsBase}),
			"no base URL": notify.NewService(d, k.clk, notify.Options{SMS: true}),
		} {
			k.s.SetSMS(q)
			if k.s.SMSAvailable() {
				t.Errorf("%s: available", name)
			}
			if _, err := k.s.SendLinks(k.ctx, k.as(auth.StreetStaff), c.ID, []string{"13800138000"}); errs.Code(err) != errs.EUNAVAILABLE {
				t.Errorf("%s: %v", name, err)
			}
		}
		if n := k.count("SELECT count(*) FROM sms_outbox") + k.count("SELECT count(*) FROM survey_links"); n != 0 {
			t.Errorf("%d rows written without a gateway", n)
		}
	})
}

// tableTexts returns every table's rows as text, by table.
func tableTexts(t *testing.T, d *db.DB) map[string]string {
	t.Helper()
	q := "SELECT name FROM sqlite_master WHERE type = 'table'"
	if d.Dialect == db.Postgres {
		q = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
	}
	tables, err := db.Strings(t.Context(), d, q)
	if err != nil || len(tables) < 20 {
		t.Fatalf("tables: %v %v", tables, err)
	}
	out := map[string]string{}
	for _, table := range tables {
		rows, err := d.Query(t.Context(), `SELECT * FROM "`+table+`"`)
		if err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		cols, _ := rows.Columns()
		var b strings.Builder
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatalf("%s: %v", table, err)
			}
			for _, v := range vals {
				if x, ok := v.([]byte); ok {
					v = string(x)
				}
				fmt.Fprint(&b, v, "\x00")
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		rows.Close()
		out[table] = b.String()
	}
	return out
}
