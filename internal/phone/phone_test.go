package phone_test

import (
	"bytes"
	"context"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/notify"
	"gongzhi/internal/phone"
	"gongzhi/internal/testkit"
)

type env struct {
	t     *testing.T
	ctx   context.Context
	d     *db.DB
	f     *testkit.Fixture
	clock *clock.Fake
	s     *phone.Service
}

func newEnv(t *testing.T, d *db.DB) *env {
	c := testkit.Clock()
	n := notify.NewService(d, c, notify.Options{SMS: true})
	return &env{t: t, ctx: context.Background(), d: d, f: testkit.NewFixture(t, d), clock: c, s: phone.NewService(d, c, n)}
}

func (e *env) count(q string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.d.QueryRow(e.ctx, q, args...).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

var sixDigits = regexp.MustCompile(`\d{6}`)

// lastCode reads the code of the latest message to ph before it is sent.
func (e *env) lastCode(ph string) string {
	e.t.Helper()
	var body string
	if err := e.d.QueryRow(e.ctx, "SELECT body FROM sms_outbox WHERE recipient = ? ORDER BY id DESC LIMIT 1", ph).Scan(&body); err != nil {
		e.t.Fatal(err)
	}
	return sixDigits.FindString(body)
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if errs.Code(err) != code {
		t.Fatalf("%s: %v, want %s", what, err, code)
	}
}

// TestRoll: staff of a residential area keep its roll; lists, exports and
// the audit log show phones masked; an import is all or nothing and names
// the faulty cell.
func TestRoll(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		cs, street, res, auditor := e.f.Users[auth.CommunityStaff], e.f.Users[auth.StreetStaff], e.f.Users[auth.Resident], e.f.Users[auth.Auditor]
		if _, err := e.s.Add(e.ctx, cs, phone.EntryInput{Area: testkit.ResA1, Phone: "138 0013 8000", Household: "3号101"}); err != nil {
			t.Fatal(err)
		}
		_, err := e.s.Add(e.ctx, cs, phone.EntryInput{Area: testkit.ResA1, Phone: "13800138000"})
		wantCode(t, "twice", err, errs.ECONFLICT)
		_, err = e.s.Add(e.ctx, cs, phone.EntryInput{Area: testkit.ResB1, Phone: "13800138001"})
		wantCode(t, "outside the staff's area", err, errs.EFORBIDDEN)
		_, err = e.s.Add(e.ctx, street, phone.EntryInput{Area: testkit.StreetA, Phone: "13800138001"})
		wantCode(t, "a street has no roll", err, errs.EINVALID)
		_, err = e.s.Add(e.ctx, cs, phone.EntryInput{Area: testkit.ResA1, Phone: "021-64370000"})
		wantCode(t, "a landline", err, errs.EINVALID)
		_, err = e.s.Add(e.ctx, res, phone.EntryInput{Area: testkit.ResA1, Phone: "13800138001"})
		wantCode(t, "a resident", err, errs.EFORBIDDEN)

		// All or nothing: row 3 is bad, so row 2 is not added either.
		_, err = e.s.Import(e.ctx, cs, testkit.ResA1, "phones.csv", []byte("手机,门牌\n13900139001,1号\n12345\n"))
		if errs.Code(err) != errs.EINVALID || !strings.HasPrefix(errs.Message(err), "phones.csv: row 3, column A: ") {
			t.Fatalf("bad import: %v", err)
		}
		if n := e.count("SELECT count(*) FROM resident_phones"); n != 1 {
			t.Fatalf("a failed import left %d rows", n)
		}
		x := excelize.NewFile()
		x.SetSheetRow("Sheet1", "A1", &[]any{"手机号码", "门牌"})
		x.SetSheetRow("Sheet1", "A2", &[]any{13900139001, "1号101"})
		x.SetSheetRow("Sheet1", "A3", &[]any{"13800138000", "3号102"})
		var buf bytes.Buffer
		if err := x.Write(&buf); err != nil {
			t.Fatal(err)
		}
		r, err := e.s.Import(e.ctx, cs, testkit.ResA1, "phones.xlsx", buf.Bytes())
		if err != nil || r.Rows != 2 || r.Added != 1 || r.Already != 1 {
			t.Fatalf("import: %+v %v", r, err)
		}

		l, err := e.s.List(e.ctx, auditor, phone.RollFilter{Area: testkit.ResA1})
		if err != nil || l.Total != 2 {
			t.Fatalf("list: %+v %v", l, err)
		}
		if l.Items[0].Phone != "139****9001" || l.Items[0].Household != "1号101" || l.Items[1].Phone != "138****8000" || l.Items[1].Household != "3号102" {
			t.Fatalf("list shows %+v", l.Items)
		}
		_, err = e.s.List(e.ctx, res, phone.RollFilter{})
		wantCode(t, "a resident lists", err, errs.EFORBIDDEN)
		if l, err := e.s.List(e.ctx, e.f.Users[auth.CommunityStaff], phone.RollFilter{Area: testkit.ResB1}); err != nil || l.Total != 0 {
			t.Fatalf("another area's roll: %+v %v", l, err)
		}

		var out bytes.Buffer
		if err := e.s.Export(e.ctx, cs, testkit.ResA1, &out); err != nil {
			t.Fatal(err)
		}
		xf, err := excelize.OpenReader(&out)
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := xf.GetRows("Sheet1")
		if len(rows) != 3 || rows[1][1] != "139****9001" || strings.Contains(strings.Join(rows[2], ","), "13800138000") {
			t.Fatalf("export: %v", rows)
		}

		if err := e.s.Remove(e.ctx, cs, testkit.ResA1, "13900139001"); err != nil {
			t.Fatal(err)
		}
		wantCode(t, "remove again", e.s.Remove(e.ctx, cs, testkit.ResA1, "13900139001"), errs.ENOTFOUND)
		var audit string
		err = db.Each(e.ctx, d, "SELECT entity_id || ' ' || before || ' ' || after FROM audit_log WHERE entity = 'resident_phone'", nil,
			func(sc db.Scanner) (string, error) { var s string; err := sc.Scan(&s); return s, err },
			func(s string) error { audit += s + "\n"; return nil })
		if err != nil {
			t.Fatal(err)
		}
		if strings.Count(audit, "\n") != 3 || strings.Contains(audit, "13800138000") || strings.Contains(audit, "13900139001") || !strings.Contains(audit, "139****9001") {
			t.Fatalf("audit:\n%s", audit)
		}
	})
}

// TestCodes: a code a minute and five a day per phone, five tries per
// code, ten minutes of validity; a phone on no roll is answered alike and
// texted nothing; the session follows the roll and ends at sign-out.
func TestCodes(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		cs := e.f.Users[auth.CommunityStaff]
		const ph = "13800138000"
		if _, err := e.s.Add(e.ctx, cs, phone.EntryInput{Area: testkit.ResA1, Phone: ph}); err != nil {
			t.Fatal(err)
		}
		// No gateway: refused.
		off := phone.NewService(d, e.clock, notify.NewService(d, e.clock, notify.Options{}))
		_, err := off.SendCode(e.ctx, ph, "10.0.0.1")
		wantCode(t, "no gateway", err, errs.EUNAVAILABLE)
		_, err = e.s.SendCode(e.ctx, "12345", "10.0.0.1")
		wantCode(t, "not a mobile", err, errs.EINVALID)

		known, err := e.s.SendCode(e.ctx, "+86 138 0013 8000", "10.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		stranger, err := e.s.SendCode(e.ctx, "13900139000", "10.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		if known.Phone != "138****8000" || stranger.Phone != "139****9000" || !known.ExpiresAt.Equal(stranger.ExpiresAt) {
			t.Fatalf("answers differ: %+v %+v", known, stranger)
		}
		if n := e.count("SELECT count(*) FROM sms_outbox"); n != 1 {
			t.Fatalf("%d messages; the stranger must get none", n)
		}
		_, err = e.s.SendCode(e.ctx, "13900139000", "10.0.0.1")
		wantCode(t, "stranger within the minute", err, errs.ETOOMANY)
		_, err = e.s.SendCode(e.ctx, ph, "10.0.0.1")
		wantCode(t, "within the minute", err, errs.ETOOMANY)

		// Wrong tries: 4 left … then dead even for the right code.
		code := e.lastCode(ph)
		wrong := "000000"
		if code == wrong {
			wrong = "111111"
		}
		for i := 4; i >= 1; i-- {
			_, err := e.s.Verify(e.ctx, ph, wrong, "10.0.0.1")
			if errs.Code(err) != errs.EINVALID || !strings.Contains(errs.Message(err), "tries left") {
				t.Fatalf("wrong try: %v", err)
			}
		}
		_, err = e.s.Verify(e.ctx, ph, wrong, "10.0.0.1")
		wantCode(t, "fifth wrong try", err, errs.EINVALID)
		if _, err := e.s.Verify(e.ctx, ph, code, "10.0.0.1"); errs.Code(err) != errs.EINVALID || !strings.Contains(errs.Message(err), "new code") {
			t.Fatalf("right code after five wrong tries: %v", err)
		}

		// Expiry.
		e.clock.Advance(time.Minute)
		if _, err := e.s.SendCode(e.ctx, ph, "10.0.0.1"); err != nil {
			t.Fatal(err)
		}
		code = e.lastCode(ph)
		e.clock.Advance(phone.CodeTTL)
		if _, err := e.s.Verify(e.ctx, ph, code, "10.0.0.1"); errs.Code(err) != errs.EINVALID || !strings.Contains(errs.Message(err), "new code") {
			t.Fatalf("expired code: %v", err)
		}

		// The third code works, once.
		if _, err := e.s.SendCode(e.ctx, ph, "10.0.0.1"); err != nil {
			t.Fatal(err)
		}
		code = e.lastCode(ph)
		sess, err := e.s.Verify(e.ctx, ph, code, "10.0.0.1")
		if err != nil || len(sess.Token) != 32 || sess.CSRF == "" {
			t.Fatalf("verify: %+v %v", sess, err)
		}
		_, err = e.s.Verify(e.ctx, ph, code, "10.0.0.1")
		wantCode(t, "the code again", err, errs.EINVALID)
		if n := e.count("SELECT count(*) FROM phone_sessions WHERE token_hash = ?", sess.Token); n != 0 {
			t.Fatal("the token is stored as it is")
		}
		if n := e.count("SELECT count(*) FROM phone_codes WHERE code_hash = ?", code); n != 0 {
			t.Fatal("the code is stored as it is")
		}

		r, err := e.s.Resident(e.ctx, sess.Token)
		if err != nil || r.Phone != ph || len(r.Areas) != 1 || r.Areas[0].Code != testkit.ResA1 || r.Areas[0].Name != "东湖居民区" || r.CSRF != sess.CSRF {
			t.Fatalf("resident: %+v %v", r, err)
		}
		if p := r.Principal(); len(p.Grants) != 0 || p.Name() != "phone 138****8000" {
			t.Fatalf("principal: %+v", p)
		}
		// The roll applies at once.
		if err := e.s.Remove(e.ctx, cs, testkit.ResA1, ph); err != nil {
			t.Fatal(err)
		}
		if r, err := e.s.Resident(e.ctx, sess.Token); err != nil || len(r.Areas) != 0 {
			t.Fatalf("after removal: %+v %v", r, err)
		}

		// Five codes a day: two more, then refused until a day has passed.
		for range 2 {
			e.clock.Advance(time.Minute)
			if _, err := e.s.SendCode(e.ctx, ph, "10.0.0.2"); err != nil {
				t.Fatal(err)
			}
		}
		e.clock.Advance(time.Minute)
		_, err = e.s.SendCode(e.ctx, ph, "10.0.0.2")
		wantCode(t, "sixth code of the day", err, errs.ETOOMANY)
		e.clock.Advance(24 * time.Hour)
		if _, err := e.s.SendCode(e.ctx, ph, "10.0.0.2"); err != nil {
			t.Fatalf("next day: %v", err)
		}

		// Sign out; an unknown token.
		if err := e.s.SignOut(e.ctx, sess.Token); err != nil {
			t.Fatal(err)
		}
		_, err = e.s.Resident(e.ctx, sess.Token)
		wantCode(t, "after sign-out", err, errs.EUNAUTHORIZED)

		// Per address: IPLimit codes an hour.
		for i := range phone.IPLimit {
			n := 13700000000 + i
			if _, err := e.s.SendCode(e.ctx, strconv.Itoa(n), "10.9.9.9"); err != nil {
				t.Fatalf("code %d: %v", i, err)
			}
		}
		_, err = e.s.SendCode(e.ctx, "13600000000", "10.9.9.9")
		wantCode(t, "address over its limit", err, errs.ETOOMANY)
	})
}

// TestPurge: the nightly purge deletes codes older than a day and ended
// sessions, and keeps today's codes and live sessions.
func TestPurge(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		const ph, stranger = "13800138000", "13900139000"
		if _, err := e.s.Add(e.ctx, e.f.Users[auth.CommunityStaff], phone.EntryInput{Area: testkit.ResA1, Phone: ph}); err != nil {
			t.Fatal(err)
		}
		for _, p := range []string{ph, stranger} {
			if _, err := e.s.SendCode(e.ctx, p, "10.0.0.1"); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := e.s.Verify(e.ctx, ph, e.lastCode(ph), "10.0.0.1"); err != nil {
			t.Fatal(err)
		}
		purge := func() int64 {
			var n int64
			err := d.InTx(e.ctx, func(tx *db.Tx) (err error) { n, err = e.s.Purge(e.ctx, tx); return err })
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := purge(); n != 0 {
			t.Fatalf("purged %d rows of today", n)
		}
		if n := e.count("SELECT count(*) FROM audit_log WHERE action = 'phone_login' AND actor_name = 'phone 138****8000'"); n != 1 ||
			e.count("SELECT count(*) FROM audit_log WHERE actor_name LIKE '%13800138000%' OR after LIKE '%13800138000%'") != 0 {
			t.Fatalf("%d sign-ins audited, want 1 with the phone masked", n)
		}
		e.clock.Advance(25 * time.Hour)
		if _, err := e.s.SendCode(e.ctx, ph, "10.0.0.2"); err != nil {
			t.Fatal(err)
		}
		// The number that asked again dropped its own old code then; the
		// stranger who never came back is the purge's.
		if n := purge(); n != 1 || e.count("SELECT count(*) FROM phone_codes") != 1 || e.count("SELECT count(*) FROM phone_sessions") != 1 {
			t.Fatalf("after a day: purged %d, %d codes and %d sessions left, want the stranger's code gone, the new one and the live session kept",
				n, e.count("SELECT count(*) FROM phone_codes"), e.count("SELECT count(*) FROM phone_sessions"))
		}
		e.clock.Advance(phone.SessionTTL)
		if n := purge(); n != 2 || e.count("SELECT count(*) FROM phone_sessions") != 0 {
			t.Fatalf("after the session's end: purged %d", n)
		}
	})
}

// TestVerifyRace: guesses sent at once share the code's tries; no more
// than MaxTries are judged, the rest are told to ask for a new code.
func TestVerifyRace(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		const ph = "13800138000"
		if _, err := e.s.Add(e.ctx, e.f.Users[auth.CommunityStaff], phone.EntryInput{Area: testkit.ResA1, Phone: ph}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.SendCode(e.ctx, ph, "10.0.0.1"); err != nil {
			t.Fatal(err)
		}
		wrong := "000000"
		if e.lastCode(ph) == wrong {
			wrong = "111111"
		}
		const n = 12
		msgs := make(chan string, n)
		var wg sync.WaitGroup
		for range n {
			wg.Go(func() {
				_, err := e.s.Verify(e.ctx, ph, wrong, "10.0.0.1")
				msgs <- errs.Message(err)
			})
		}
		wg.Wait()
		close(msgs)
		judged := 0
		for m := range msgs {
			if strings.HasPrefix(m, "wrong code") {
				judged++
			}
		}
		if judged != phone.MaxTries || e.count("SELECT attempts FROM phone_codes") != phone.MaxTries {
			t.Fatalf("%d guesses judged, %d tries counted; want %d", judged, e.count("SELECT attempts FROM phone_codes"), phone.MaxTries)
		}
		// Each judged wrong code is audited as a failed login is, the phone masked.
		if n := e.count("SELECT count(*) FROM audit_log WHERE action = 'phone_login_failed' AND actor_name = 'phone 138****8000' AND after LIKE '%10.0.0.1%'"); n != phone.MaxTries {
			t.Fatalf("%d failed sign-ins audited, want %d", n, phone.MaxTries)
		}
	})
}
