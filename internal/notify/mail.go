package notify

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"encoding/hex"
	"mime"
	"net"
	"net/mail"
	"net/smtp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// Mailer sends one plain-text e-mail. The dispatcher calls it for each
// queued message; tests and other transports can stand in for SMTP.
type Mailer interface {
	Send(ctx context.Context, to []string, subject, body string) error
}

// SMTPConfig is how to reach the outgoing mail server, from the app config.
type SMTPConfig struct {
	Host     string
	Port     int    // 25 or 587; STARTTLS is used whenever the server offers it
	Username string // empty: no authentication
	Password string
	From     string // "共治平台 <noreply@example.gov.cn>" or a bare address
}

// Validate checks the config once at start-up, so a typo is reported then
// and not at the first notice.
func (c SMTPConfig) Validate() error {
	var ds []errs.Detail
	if strings.TrimSpace(c.Host) == "" {
		ds = append(ds, errs.D("smtp_host", "the SMTP host is required"))
	}
	if c.Port <= 0 || c.Port > 65535 {
		ds = append(ds, errs.D("smtp_port", "the SMTP port must be between 1 and 65535"))
	}
	if _, err := mail.ParseAddress(c.From); err != nil {
		ds = append(ds, errs.D("smtp_from", "the sender must be an e-mail address"))
	}
	if len(ds) > 0 {
		return errs.Fields(ds)
	}
	return nil
}

// SMTPMailer sends through an SMTP server with net/smtp: STARTTLS when the
// server offers it, PLAIN authentication when a username is set (which
// net/smtp refuses over an unencrypted link except to localhost, so a
// password never crosses the network in clear).
type SMTPMailer struct {
	cfg   SMTPConfig
	from  *mail.Address
	clock clock.Clock
	// Timeout bounds one whole conversation with the server when ctx has no
	// earlier deadline.
	Timeout time.Duration
}

// NewSMTPMailer returns a mailer for cfg; c dates the messages.
func NewSMTPMailer(cfg SMTPConfig, c clock.Clock) (*SMTPMailer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	from, _ := mail.ParseAddress(cfg.From)
	return &SMTPMailer{cfg: cfg, from: from, clock: c, Timeout: time.Minute}, nil
}

// Send delivers one message to every address in to.
func (m *SMTPMailer) Send(ctx context.Context, to []string, subject, body string) error {
	if len(to) == 0 {
		return errs.Invalid("to", "an e-mail needs a recipient")
	}
	rcpts := make([]string, len(to))
	for i, t := range to {
		a, err := parseRecipient(t)
		if err != nil {
			return err
		}
		rcpts[i] = a
	}
	msg := m.message(rcpts, subject, body)
	deadline := time.Now().Add(m.Timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	var dialer net.Dialer
	conn, err := dialer.DialContext(ctx, "tcp", net.JoinHostPort(m.cfg.Host, strconv.Itoa(m.cfg.Port)))
	if err != nil {
		return errs.Wrap(err, "smtp connect")
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	conn.SetDeadline(deadline)
	c, err := smtp.NewClient(conn, m.cfg.Host)
	if err != nil {
		conn.Close()
		return errs.Wrap(err, "smtp greeting")
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); ok {
		if err := c.StartTLS(&tls.Config{ServerName: m.cfg.Host, MinVersion: tls.VersionTLS12}); err != nil {
			return errs.Wrap(err, "smtp starttls")
		}
	}
	if m.cfg.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", m.cfg.Username, m.cfg.Password, m.cfg.Host)); err != nil {
			return errs.Wrap(err, "smtp auth")
		}
	}
	if err := c.Mail(m.from.Address); err != nil {
		return errs.Wrap(err, "smtp mail from")
	}
	for _, r := range rcpts {
		if err := c.Rcpt(r); err != nil {
			return errs.Wrap(err, "smtp rcpt "+r)
		}
	}
	w, err := c.Data()
	if err != nil {
		return errs.Wrap(err, "smtp data")
	}
	if _, err := w.Write(msg); err != nil {
		return errs.Wrap(err, "smtp write")
	}
	if err := w.Close(); err != nil {
		return errs.Wrap(err, "smtp end of data")
	}
	return errs.Wrap(c.Quit(), "smtp quit")
}

// parseRecipient returns the bare address of one recipient, refusing line
// breaks so nothing can be smuggled into the headers or the envelope.
func parseRecipient(s string) (string, error) {
	if strings.ContainsAny(s, "\r\n") {
		return "", errs.Invalid("to", "%q is not an e-mail address", s)
	}
	a, err := mail.ParseAddress(s)
	if err != nil {
		return "", errs.Invalid("to", "%q is not an e-mail address", s)
	}
	return a.Address, nil
}

// message builds a UTF-8 plain-text message: the subject as RFC 2047
// encoded words, the body in base64 so Chinese text passes any relay intact.
func (m *SMTPMailer) message(to []string, subject, body string) []byte {
	var b strings.Builder
	header := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	header("From", m.from.String())
	header("To", strings.Join(to, ", "))
	header("Subject", EncodeSubject(subject))
	header("Date", m.clock.Now().In(clock.Shanghai).Format(time.RFC1123Z))
	header("Message-ID", "<"+randomID()+"@"+domainOf(m.from.Address)+">")
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=UTF-8")
	header("Content-Transfer-Encoding", "base64")
	b.WriteString("\r\n")
	enc := base64.StdEncoding.EncodeToString([]byte(strings.ReplaceAll(body, "\r\n", "\n")))
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n")
	return []byte(b.String())
}

// EncodeSubject returns subject as an RFC 2047 header value: plain ASCII
// stays readable, anything else becomes UTF-8 "B" encoded words, folded
// between words so long Chinese subjects keep lines short. Line breaks in
// the subject become spaces so it can never start a new header.
func EncodeSubject(subject string) string {
	subject = strings.Map(func(r rune) rune {
		if r == '\r' || r == '\n' {
			return ' '
		}
		return r
	}, subject)
	return strings.ReplaceAll(mime.BEncoding.Encode("UTF-8", subject), "?= =?", "?=\r\n =?")
}

func randomID() string {
	b := make([]byte, 12)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func domainOf(addr string) string {
	if i := strings.LastIndexByte(addr, '@'); i >= 0 {
		return addr[i+1:]
	}
	return "localhost"
}

// QueueEmail queues one e-mail inside tx, the transaction of the change it
// reports; the dispatcher sends it after commit and retries like a webhook.
func (s *Service) QueueEmail(ctx context.Context, tx *db.Tx, to, subject, body string) error {
	addr, err := parseRecipient(to)
	if err != nil {
		return err
	}
	if strings.TrimSpace(subject) == "" || utf8.RuneCountInString(subject) > maxTitle {
		return errs.Invalid("subject", "subject must be 1–%d characters", maxTitle)
	}
	return s.queueEmail(ctx, tx, addr, subject, body, s.clock.Now())
}

func (s *Service) queueEmail(ctx context.Context, tx *db.Tx, to, subject, body string, now time.Time) error {
	id, err := db.InsertID(ctx, tx, `INSERT INTO email_outbox (recipient, subject, body, status, attempts, next_attempt_at, created_at)
		VALUES (?, ?, ?, 'pending', 0, ?, ?)`, to, subject, body, now, now)
	if err != nil {
		return errs.Wrap(err, "queue e-mail")
	}
	return enqueueSend(ctx, tx, now, JobEmail, id)
}
