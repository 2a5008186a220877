// Package phone lets residents take part with only their mobile phone (用手机号参与):
// a code sent by SMS proves the phone, and the residents' committee's roll
// of residents' mobile numbers (居民手机名册) says in which residential areas
// the phone acts. The roll is read at every request, so a number staff
// remove loses its areas at once. Codes and session tokens are kept only as
// hashes; phones are shown masked everywhere.
package phone

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"time"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/jobs"
	"gongzhi/internal/notify"
)

// SMSQueue is the part of notify that sends codes; the notify service has it.
type SMSQueue interface {
	SMSEnabled() bool
	QueueSMS(ctx context.Context, tx *db.Tx, p *auth.Principal, m notify.SMS) (int64, error)
}

// Service is phone sign-in and the residents' phone roll on one database.
type Service struct {
	db    *db.DB
	clock clock.Clock
	sms   SMSQueue       // nil: no SMS, no phone sign-in
	ips   *auth.Throttle // codes asked per client address
}

// NewService returns the phone service; sms may be nil (no gateway).
func NewService(d *db.DB, c clock.Clock, sms SMSQueue) *Service {
	return &Service{db: d, clock: c, sms: sms, ips: auth.NewThrottle(c, IPWindow)}
}

// Available reports whether codes can be sent: an SMS gateway is
// configured. Pages hide the sign-in form otherwise.
func (s *Service) Available() bool { return s.sms != nil && s.sms.SMSEnabled() }

// Normal reads a mainland mobile number as typed (notify.MobileNumber);
// anything else is EINVALID on field phone.
func Normal(phone string) (string, error) {
	n, ok := notify.MobileNumber(phone)
	if !ok {
		return "", errs.Invalid("phone", "enter a mainland mobile number: 11 digits starting with 1")
	}
	return n, nil
}

// Sent is the answer to a code request; the same whether or not the phone
// is on a roll, so nobody learns the roll by asking.
type Sent struct {
	Phone     string    `json:"phone"` // masked
	ExpiresAt time.Time `json:"expires_at"`
}

// smsText is the message; redacted is what the outbox keeps once it went.
const (
	smsText     = "【共治】您的验证码是 %s，10分钟内有效，用于手机号参与居民区议事。如非本人操作请忽略。"
	smsRedacted = "【共治】您的验证码（已删除），用于手机号参与居民区议事。"
)

// SendCode sends a 6-digit sign-in code to phone by SMS, asked from the
// client address ip. A phone on no residents' roll gets nothing, yet the
// answer, the limits and the row counted are the same as for one on a roll.
// Limits: one code a minute and CodesPerDay a day per phone, IPLimit an
// hour per address (ETOOMANY). Without a gateway: EUNAVAILABLE.
func (s *Service) SendCode(ctx context.Context, phone, ip string) (Sent, error) {
	n, err := Normal(phone)
	if err != nil {
		return Sent{}, err
	}
	if !s.Available() {
		return Sent{}, errs.New(errs.EUNAVAILABLE, "phone sign-in needs the SMS gateway, which is not configured")
	}
	if s.ips.Blocked(ip, IPLimit) {
		return Sent{}, errs.New(errs.ETOOMANY, "too many codes were asked from this address: try again in an hour")
	}
	now := s.clock.Now()
	out := Sent{Phone: auth.MaskPhone(n), ExpiresAt: now.Add(CodeTTL)}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		// Codes older than a day count for nothing: the phone's go now.
		if _, err := tx.Exec(ctx, `DELETE FROM phone_codes WHERE phone = ? AND created_at <= ?`, n, now.Add(-24*time.Hour)); err != nil {
			return errs.Wrap(err, "phone codes")
		}
		recent, err := db.All(ctx, tx, `SELECT created_at FROM phone_codes WHERE phone = ? AND created_at > ? ORDER BY id DESC`,
			[]any{n, now.Add(-24 * time.Hour)}, func(sc db.Scanner) (time.Time, error) {
				var t time.Time
				err := sc.Scan(&t)
				return t, err
			})
		if err != nil {
			return errs.Wrap(err, "phone codes")
		}
		var last time.Time
		if len(recent) > 0 {
			last = recent[0]
		}
		if err := MaySend(now, last, len(recent)); err != nil {
			return err
		}
		var onRoll int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM resident_phones WHERE phone = ?`, n).Scan(&onRoll); err != nil {
			return errs.Wrap(err, "roll")
		}
		code, err := randomCode()
		if err != nil {
			return err
		}
		// A phone on no roll gets a row all the same (its code is sent to
		// nobody and so never matches), so the limits answer alike.
		id, err := db.InsertID(ctx, tx, `INSERT INTO phone_codes (phone, code_hash, attempts, created_at, expires_at, used) VALUES (?, ?, 0, ?, ?, ?)`,
			n, CodeHash(n, code), now, out.ExpiresAt, false)
		if err != nil {
			return errs.Wrap(err, "phone code")
		}
		if onRoll == 0 {
			return nil
		}
		_, err = s.sms.QueueSMS(ctx, tx, nil, notify.SMS{To: n, Text: fmt.Sprintf(smsText, code), Redacted: smsRedacted,
			Entity: "phone", EntityID: fmt.Sprint(id)})
		return err
	})
	if err != nil {
		return Sent{}, err
	}
	s.ips.Fail(ip) // counts codes asked, not failures: the name is the throttle's
	return out, nil
}

// audit records a sign-in or a wrong code of phone n from ip, as an
// account's login is: named by the masked phone, on the root area.
func audit(ctx context.Context, tx *db.Tx, now time.Time, n, action, ip string) error {
	path := "/"
	if root, err := area.Root(ctx, tx); err == nil {
		path = root.Path
	} else if errs.Code(err) != errs.ENOTFOUND {
		return err
	}
	return auth.Record(ctx, tx, now, Resident{Masked: auth.MaskPhone(n)}.Principal(), auth.Change{Action: action, Entity: "phone_session",
		AreaPath: path, After: map[string]string{"ip": ip}})
}

func randomCode() (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return "", errs.Wrap(err, "code")
	}
	return fmt.Sprintf("%06d", n.Int64()), nil
}

func randomHex(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", errs.Wrap(err, "token")
	}
	return hex.EncodeToString(b), nil
}

// Session is a verified phone's session: the token is shown once (the
// cookie or the API's X-Phone-Session header carries it); only its hash is kept.
type Session struct {
	Token     string    `json:"token"`
	CSRF      string    `json:"-"`
	ExpiresAt time.Time `json:"expires_at"`
}

// Verify checks the code the phone got, from the client address ip. A
// wrong code is EINVALID on field code with the tries left; a used, expired
// or too often tried one asks for a new code. The right one is used up and
// starts a session of SessionTTL. Sign-ins and wrong codes are audited as
// an account's logins are, the phone masked.
func (s *Service) Verify(ctx context.Context, phone, code, ip string) (Session, error) {
	n, err := Normal(phone)
	if err != nil {
		return Session{}, err
	}
	if code, err = CheckCodeFormat(code); err != nil {
		return Session{}, err
	}
	now := s.clock.Now()
	var out Session
	var fail error
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		var c Code
		// Locked on PostgreSQL, so two guesses at once cannot both take the last try.
		err := tx.QueryRow(ctx, `SELECT c.id, c.code_hash, c.attempts, c.expires_at, c.used FROM phone_codes c WHERE c.phone = ? ORDER BY c.id DESC LIMIT 1`+tx.D().ForUpdate("c"), n).
			Scan(&c.ID, &c.Hash, &c.Attempts, &c.ExpiresAt, &c.Used)
		if errors.Is(err, sql.ErrNoRows) {
			fail = errs.Invalid("code", "no code was sent to this phone: ask for a code first")
			return nil
		} else if err != nil {
			return errs.Wrap(err, "phone code")
		}
		switch Check(now, c, n, code) {
		case Dead:
			fail = errs.Invalid("code", "this code can no longer be used: ask for a new code")
			return nil
		case Wrong:
			// The try is counted even though the request fails.
			if _, err := tx.Exec(ctx, `UPDATE phone_codes SET attempts = attempts + 1 WHERE id = ?`, c.ID); err != nil {
				return errs.Wrap(err, "phone code")
			}
			if err := audit(ctx, tx, now, n, "phone_login_failed", ip); err != nil {
				return err
			}
			if left := MaxTries - c.Attempts - 1; left > 0 {
				fail = errs.Invalid("code", "wrong code: %d tries left", left)
			} else {
				fail = errs.Invalid("code", "wrong code, tried too often: ask for a new code")
			}
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE phone_codes SET used = ? WHERE id = ?`, true, c.ID); err != nil {
			return errs.Wrap(err, "phone code")
		}
		if out.Token, err = randomHex(16); err != nil {
			return err
		}
		if out.CSRF, err = randomHex(16); err != nil {
			return err
		}
		out.ExpiresAt = now.Add(SessionTTL)
		if _, err := tx.Exec(ctx, `DELETE FROM phone_sessions WHERE phone = ? AND expires_at <= ?`, n, now); err != nil {
			return errs.Wrap(err, "phone session")
		}
		if _, err = tx.Exec(ctx, `INSERT INTO phone_sessions (token_hash, phone, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
			TokenHash(out.Token), n, out.CSRF, now, out.ExpiresAt); err != nil {
			return errs.Wrap(err, "phone session")
		}
		return audit(ctx, tx, now, n, "phone_login", ip)
	})
	if err != nil {
		return Session{}, err
	}
	if fail != nil {
		return Session{}, fail
	}
	return out, nil
}

// Area is a residential area whose roll holds the phone.
type Area struct {
	Code string `json:"code"`
	Name string `json:"name"`
	Path string `json:"-"`
}

// Resident is a verified phone as it stands now: its areas are read from
// the rolls at every request.
type Resident struct {
	Phone  string // 11 digits; never shown
	Masked string // 138****8000
	CSRF   string // the session's form token
	Areas  []Area
}

// Paths are the paths of r's areas.
func (r Resident) Paths() []string {
	out := make([]string, len(r.Areas))
	for i, a := range r.Areas {
		out[i] = a.Path
	}
	return out
}

// Principal names r in the audit log and nowhere else: it holds no grant
// and must never be given to Authorize.
func (r Resident) Principal() *auth.Principal {
	return &auth.Principal{Username: "phone " + r.Masked}
}

// Resident returns the phone of a live session and its areas now; an
// unknown or expired token is EUNAUTHORIZED.
func (s *Service) Resident(ctx context.Context, token string) (Resident, error) {
	var r Resident
	if token == "" {
		return r, errs.New(errs.EUNAUTHORIZED, "sign in with your phone first")
	}
	err := s.db.QueryRow(ctx, `SELECT phone, csrf FROM phone_sessions WHERE token_hash = ? AND expires_at > ?`, TokenHash(token), s.clock.Now()).
		Scan(&r.Phone, &r.CSRF)
	if errors.Is(err, sql.ErrNoRows) {
		return r, errs.New(errs.EUNAUTHORIZED, "your phone session has ended: sign in with your phone again")
	} else if err != nil {
		return r, errs.Wrap(err, "phone session")
	}
	r.Masked = auth.MaskPhone(r.Phone)
	r.Areas, err = db.All(ctx, s.db, `SELECT rp.area_code, ar.name, rp.area_path FROM resident_phones rp`+area.Join("ar", "rp.area_code")+
		` WHERE rp.phone = ? ORDER BY rp.area_path`, []any{r.Phone}, func(sc db.Scanner) (Area, error) {
		var a Area
		err := sc.Scan(&a.Code, &a.Name, &a.Path)
		return a, err
	})
	return r, errs.Wrap(err, "roll")
}

// SignOut ends the session of token.
func (s *Service) SignOut(ctx context.Context, token string) error {
	_, err := s.db.Exec(ctx, `DELETE FROM phone_sessions WHERE token_hash = ?`, TokenHash(token))
	return errs.Wrap(err, "sign out")
}

// JobPurge is the daily job that deletes the codes older than a day and
// the sessions that ended: a number that asked once and never came back
// leaves nothing behind.
const JobPurge = "phone.purge"

// RegisterJobs makes q purge old codes and sessions every night.
func (s *Service) RegisterJobs(q *jobs.Queue) {
	q.Register(JobPurge, func(ctx context.Context, tx *db.Tx, _ jobs.Job) error {
		_, err := s.Purge(ctx, tx)
		return err
	})
	q.Periodic(JobPurge, jobs.Daily(3, 40))
}

// Purge deletes in q the codes older than a day (no limit counts them any
// more) and the sessions past their end, and says how many rows went.
func (s *Service) Purge(ctx context.Context, q db.Querier) (int64, error) {
	now := s.clock.Now()
	var n int64
	for _, del := range []struct {
		sql string
		at  time.Time
	}{{`DELETE FROM phone_codes WHERE created_at <= ?`, now.Add(-24 * time.Hour)}, {`DELETE FROM phone_sessions WHERE expires_at <= ?`, now}} {
		r, err := q.Exec(ctx, del.sql, del.at)
		if err != nil {
			return n, errs.Wrap(err, "purge")
		}
		k, _ := r.RowsAffected()
		n += k
	}
	return n, nil
}
