package notify_test

import (
	"bufio"
	"context"
	"encoding/base64"
	"io"
	"mime"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/notify"
	"gongzhi/internal/testkit"
)

// smtpServer is a small but real SMTP peer on 127.0.0.1: enough of RFC 5321
// (EHLO, AUTH PLAIN, MAIL, RCPT, DATA, RSET, NOOP, QUIT) for net/smtp.
type smtpServer struct {
	addr       string
	user, pass string // AUTH PLAIN is offered when user is set

	mu     sync.Mutex
	reject string // RCPT TO this address gets 550
	msgs   []smtpMsg
}

type smtpMsg struct {
	authUser string
	from     string
	to       []string
	data     string
}

func newSMTPServer(t *testing.T, user, pass string) *smtpServer {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpServer{addr: ln.Addr().String(), user: user, pass: pass}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() { s.serve(c) })
		}
	})
	return s
}

func (s *smtpServer) rejectRcpt(addr string) { s.mu.Lock(); s.reject = addr; s.mu.Unlock() }

func (s *smtpServer) messages() []smtpMsg {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]smtpMsg(nil), s.msgs...)
}

func (s *smtpServer) config() notify.SMTPConfig {
	host, port, _ := net.SplitHostPort(s.addr)
	p, _ := strconv.Atoi(port)
	return notify.SMTPConfig{Host: host, Port: p, Username: s.user, Password: s.pass, From: "共治平台 <noreply@gongzhi.example.gov.cn>"}
}

func (s *smtpServer) serve(c net.Conn) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReader(c)
	say := func(line string) { io.WriteString(c, line+"\r\n") }
	say("220 fake.example ESMTP")
	var cur smtpMsg
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO":
			if s.user != "" {
				say("250-fake.example")
				say("250-AUTH PLAIN")
			} else {
				say("250-fake.example")
			}
			say("250 8BITMIME")
		case "HELO", "NOOP":
			say("250 ok")
		case "AUTH":
			mech, resp, _ := strings.Cut(arg, " ")
			b, _ := base64.StdEncoding.DecodeString(resp)
			parts := strings.Split(string(b), "\x00")
			if strings.ToUpper(mech) != "PLAIN" || len(parts) != 3 || parts[1] != s.user || parts[2] != s.pass {
				say("535 5.7.8 authentication failed")
				continue
			}
			cur.authUser = parts[1]
			say("235 2.7.0 authenticated")
		case "MAIL":
			if s.user != "" && cur.authUser == "" {
				say("530 5.7.0 authentication required")
				continue
			}
			// MAIL FROM:<addr> [BODY=8BITMIME]
			addr, _, _ := strings.Cut(arg[len("FROM:"):], " ")
			cur.from, cur.to = strings.Trim(addr, "<>"), nil
			say("250 ok")
		case "RCPT":
			addr, _, _ := strings.Cut(arg[len("TO:"):], " ")
			to := strings.Trim(addr, "<>")
			s.mu.Lock()
			rejected := to == s.reject
			s.mu.Unlock()
			if rejected {
				say("550 5.1.1 no such mailbox")
				continue
			}
			cur.to = append(cur.to, to)
			say("250 ok")
		case "DATA":
			say("354 end with <CRLF>.<CRLF>")
			var b strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				b.WriteString(strings.TrimPrefix(l, "."))
			}
			cur.data = b.String()
			s.mu.Lock()
			s.msgs = append(s.msgs, cur)
			s.mu.Unlock()
			cur = smtpMsg{authUser: cur.authUser}
			say("250 ok queued")
		case "RSET":
			cur = smtpMsg{authUser: cur.authUser}
			say("250 ok")
		case "QUIT":
			say("221 bye")
			return
		default:
			say("502 command not implemented")
		}
	}
}

// parsed reads a received message: its decoded subject, headers and body.
func parsed(t *testing.T, m smtpMsg) (subject string, h mail.Header, body string) {
	t.Helper()
	msg, err := mail.ReadMessage(strings.NewReader(m.data))
	if err != nil {
		t.Fatalf("read message: %v\n%s", err, m.data)
	}
	var dec mime.WordDecoder
	subject, err = dec.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatalf("subject: %v", err)
	}
	raw, _ := io.ReadAll(msg.Body)
	b, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(string(raw), "\r\n", ""))
	if err != nil {
		t.Fatalf("body: %v", err)
	}
	return subject, msg.Header, string(b)
}

func TestSMTPMailer(t *testing.T) {
	srv := newSMTPServer(t, "mailer", "口令-secret")
	m, err := notify.NewSMTPMailer(srv.config(), testkit.Clock())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	subject := "【督办】东湖居民区噪音扰民诉求已超期，请于今日内处理完毕并回访居民，谢谢配合"
	body := "诉求 #42：夜间施工噪音扰民。\n请尽快处理。\n"
	if err := m.Send(ctx, []string{"王小明 <wang@example.org>", "li@example.org"}, subject, body); err != nil {
		t.Fatal(err)
	}
	msgs := srv.messages()
	if len(msgs) != 1 {
		t.Fatalf("%d messages", len(msgs))
	}
	got := msgs[0]
	if got.authUser != "mailer" || got.from != "noreply@gongzhi.example.gov.cn" || strings.Join(got.to, ",") != "wang@example.org,li@example.org" {
		t.Errorf("envelope: %+v", got)
	}
	subj, h, b := parsed(t, got)
	if subj != subject || b != body {
		t.Errorf("subject %q, body %q", subj, b)
	}
	rawSubject := h.Get("Subject")
	if !strings.HasPrefix(strings.ToLower(rawSubject), "=?utf-8?b?") || strings.ContainsFunc(rawSubject, func(r rune) bool { return r > 127 }) {
		t.Errorf("subject not RFC 2047 encoded: %q", rawSubject)
	}
	// Long subjects are folded between encoded words; no line nears the 998-byte limit.
	if !strings.Contains(got.data, "?=\r\n =?") {
		t.Errorf("long subject not folded")
	}
	for _, line := range strings.Split(got.data, "\r\n") {
		if len(line) > 100 {
			t.Errorf("line of %d bytes: %q", len(line), line)
		}
	}
	if ct := h.Get("Content-Type"); ct != "text/plain; charset=UTF-8" || h.Get("MIME-Version") != "1.0" {
		t.Errorf("content type %q", ct)
	}
	from, err := mail.ParseAddress(h.Get("From"))
	if err != nil || from.Name != "共治平台" || from.Address != "noreply@gongzhi.example.gov.cn" {
		t.Errorf("From %q: %v %v", h.Get("From"), from, err)
	}
	if d, err := h.Date(); err != nil || !d.Equal(testkit.Clock().Now()) {
		t.Errorf("Date %q: %v", h.Get("Date"), err)
	}

	// A refused recipient, bad credentials and bad addresses are errors.
	srv.rejectRcpt("nobody@example.org")
	if err := m.Send(ctx, []string{"nobody@example.org"}, "x", "y"); err == nil || !strings.Contains(err.Error(), "550") {
		t.Errorf("rejected recipient: %v", err)
	}
	bad := srv.config()
	bad.Password = "wrong"
	mb, _ := notify.NewSMTPMailer(bad, testkit.Clock())
	if err := mb.Send(ctx, []string{"li@example.org"}, "x", "y"); err == nil {
		t.Error("wrong password accepted")
	}
	for _, to := range []string{"not an address", "a@example.org\r\nBcc: evil@example.org"} {
		if err := m.Send(ctx, []string{to}, "x", "y"); errs.Code(err) != errs.EINVALID {
			t.Errorf("Send to %q: %v", to, err)
		}
	}
	if len(srv.messages()) != 1 {
		t.Errorf("failed sends delivered something")
	}
	// A subject cannot start a header of its own.
	if s := notify.EncodeSubject("hi\r\nBcc: evil@example.org"); strings.Contains(s, "\nBcc") {
		t.Errorf("EncodeSubject let a header through: %q", s)
	}
}

func TestSMTPConfigValidate(t *testing.T) {
	err := notify.SMTPConfig{Port: 0, From: "nope"}.Validate()
	var fields []string
	for _, d := range errs.DetailsOf(err) {
		fields = append(fields, d.Field)
	}
	if errs.Code(err) != errs.EINVALID || strings.Join(fields, ",") != "smtp_host,smtp_port,smtp_from" {
		t.Errorf("Validate = %v (%v)", err, fields)
	}
	if err := (notify.SMTPConfig{Host: "smtp.example.org", Port: 587, From: "a@example.org"}).Validate(); err != nil {
		t.Error(err)
	}
}

func TestNoticesByEmail(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, notify.Options{Email: true, BaseURL: "https://gongzhi.example.gov.cn/"})
		ctx := context.Background()
		srv := newSMTPServer(t, "", "")
		m, err := notify.NewSMTPMailer(srv.config(), e.clock)
		if err != nil {
			t.Fatal(err)
		}
		x := notify.NewDispatcher(d, e.clock, notify.Targets{}, m, nil)
		staff, other := e.f.Users[auth.StreetStaff], e.staff(t, "staff_a2", auth.StreetStaff, testkit.StreetA)
		if _, err := d.Exec(ctx, "UPDATE users SET email = ? WHERE id = ?", "staff@example.org", staff.UserID); err != nil {
			t.Fatal(err)
		}
		// other has no address: inbox only.
		n := notify.Notice{Kind: notify.KindEscalation, Title: "督办：诉求 #42 已超期", Body: "请尽快处理。", Link: "/demands/42",
			Area: testkit.StreetA, Roles: []auth.Role{auth.StreetStaff}, Email: true}
		e.notify(t, n)
		if _, total, _ := unread(t, e.svc, other); total != 1 {
			t.Fatalf("inbox of staff without e-mail: %d", total)
		}
		srv.rejectRcpt("staff@example.org")
		if sent := runDue(t, x); sent != 0 {
			t.Fatalf("sent %d while the server refuses", sent)
		}
		var status, lastErr string
		var attempts int
		if err := d.QueryRow(ctx, "SELECT status, attempts, last_error FROM email_outbox").Scan(&status, &attempts, &lastErr); err != nil {
			t.Fatal(err)
		}
		if status != "pending" || attempts != 1 || !strings.Contains(lastErr, "550") {
			t.Fatalf("after refusal: %s, %d, %q", status, attempts, lastErr)
		}
		srv.rejectRcpt("")
		e.clock.Advance(time.Minute)
		if sent := runDue(t, x); sent != 1 {
			t.Fatalf("sent %d after the backoff", sent)
		}
		msgs := srv.messages()
		if len(msgs) != 1 || strings.Join(msgs[0].to, ",") != "staff@example.org" {
			t.Fatalf("messages: %+v", msgs)
		}
		subj, _, body := parsed(t, msgs[0])
		if subj != n.Title {
			t.Errorf("subject %q", subj)
		}
		testkit.Contains(t, body, "请尽快处理。", "https://gongzhi.example.gov.cn/demands/42")
		if c := count(t, d, "SELECT count(*) FROM email_outbox WHERE status = 'delivered' AND delivered_at IS NOT NULL"); c != 1 {
			t.Errorf("%d delivered rows", c)
		}

		// Without Options.Email nothing is queued, whatever the notice asks.
		quiet := notify.NewService(d, e.clock, notify.Options{})
		if err := d.InTx(ctx, func(tx *db.Tx) error { return quiet.Notify(ctx, tx, n) }); err != nil {
			t.Fatal(err)
		}
		if c := count(t, d, "SELECT count(*) FROM email_outbox"); c != 1 {
			t.Errorf("%d e-mails queued with e-mail off", c)
		}
		// QueueEmail checks its address.
		err = d.InTx(ctx, func(tx *db.Tx) error { return e.svc.QueueEmail(ctx, tx, "bad\r\naddress", "x", "y") })
		if errs.Code(err) != errs.EINVALID {
			t.Errorf("QueueEmail bad address: %v", err)
		}
	})
}
