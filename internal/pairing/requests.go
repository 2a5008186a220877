package pairing

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/notify"
	"gongzhi/internal/texts"
)

// Request is an on-call request (求助) sent through a person's link.
type Request struct {
	ID        int64      `json:"id"`
	PersonID  int64      `json:"person_id"`
	Person    string     `json:"person"`
	Area      string     `json:"area"`
	Address   string     `json:"address"`
	Body      string     `json:"body"`
	Callback  string     `json:"callback"` // masked in lists; whole to whoever acknowledges
	Status    string     `json:"status"`
	CreatedAt time.Time  `json:"created_at"`
	AckedAt   *time.Time `json:"acked_at"`
	ClosedAt  *time.Time `json:"closed_at"`
	// ResponseMinutes is created → acknowledged, once acknowledged.
	ResponseMinutes *int   `json:"response_minutes"`
	AreaPath        string `json:"-"`
	callback        string
}

// RequestInput is what the link's form sends.
type RequestInput struct {
	Body     string `json:"body"`
	Callback string `json:"callback,omitempty"`
}

const reqCols = `r.id, r.person_id, c.name, c.area_code, c.address, r.body, r.callback, r.status, r.created_at, r.acked_at, r.closed_at, r.area_path`

const reqFrom = `care_requests r JOIN care_people c ON c.id = r.person_id`

func scanRequest(sc db.Scanner) (Request, error) {
	var r Request
	var ack, closed sql.NullTime
	err := sc.Scan(&r.ID, &r.PersonID, &r.Person, &r.Area, &r.Address, &r.Body, &r.callback, &r.Status, &r.CreatedAt, &ack, &closed, &r.AreaPath)
	if ack.Valid {
		r.AckedAt = &ack.Time
		m := int(ack.Time.Sub(r.CreatedAt) / time.Minute)
		r.ResponseMinutes = &m
	}
	if closed.Valid {
		r.ClosedAt = &closed.Time
	}
	r.Callback = auth.MaskPhone(r.callback)
	return r, err
}

func (s *Service) request(ctx context.Context, q db.Querier, id int64) (Request, error) {
	r, err := scanRequest(q.QueryRow(ctx, `SELECT `+reqCols+` FROM `+reqFrom+` WHERE r.id = ?`, id))
	return r, db.NotFound(err, "request")
}

// LinkArea is what a link's page shows: the residential area's code only
// (no name: whoever holds the link may be a neighbour).
type LinkArea struct {
	Area string `json:"area"`
}

// ByToken resolves an on-call link; an unknown token is ENOTFOUND.
func (s *Service) ByToken(ctx context.Context, token string) (LinkArea, error) {
	var a LinkArea
	err := s.db.QueryRow(ctx, "SELECT area_code FROM care_people WHERE token_hash = ?", hashToken(strings.TrimSpace(token))).Scan(&a.Area)
	return a, db.NotFound(err, "link")
}

// Sent is the answer to whoever sent a request: its number and status.
type Sent struct {
	ID     int64  `json:"id"`
	Status string `json:"status"`
}

// SendRequest files an on-call request through a link, without an account.
// At most five requests of one person are open at once (ETOOMANY).
func (s *Service) SendRequest(ctx context.Context, token string, in RequestInput) (Sent, error) {
	in.Body, in.Callback = strings.TrimSpace(in.Body), strings.TrimSpace(in.Callback)
	var out Sent
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var person int64
		var path, code string
		err := tx.QueryRow(ctx, "SELECT id, area_path, area_code FROM care_people WHERE token_hash = ?", hashToken(strings.TrimSpace(token))).Scan(&person, &path, &code)
		if err != nil {
			return db.NotFound(err, "link")
		}
		if err := CheckRequest(in.Body, in.Callback); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, "SELECT count(*) FROM care_requests WHERE person_id = ? AND status <> ?", person, Closed).Scan(&n); err != nil {
			return errs.Wrap(err, "open requests")
		}
		if n >= maxOpenReqs {
			return errs.New(errs.ETOOMANY, "several requests are open already; someone will call back soon")
		}
		now := s.clock.Now()
		out.ID, err = db.InsertID(ctx, tx, `INSERT INTO care_requests (person_id, area_path, body, callback, status, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			person, path, in.Body, in.Callback, Open, now)
		if err != nil {
			return errs.Wrap(err, "insert request")
		}
		out.Status = Open
		if err := s.tell(ctx, tx, person, code, out.ID, in.Body); err != nil {
			return err
		}
		return record(ctx, tx, now, nil, "create", "care_request", out.ID, path, nil, map[string]any{"person_id": person})
	})
	return out, err
}

// RequestFilter narrows a list of requests.
type RequestFilter struct {
	Area    string
	Status  string // open, acknowledged, closed; "" all
	Page    int
	PerPage int
}

// Requests lists on-call requests, newest first: the area's staff
// (pairing.read) see their scope, a member the requests of the people
// they are paired with. Callback numbers are masked.
func (s *Service) Requests(ctx context.Context, p *auth.Principal, f RequestFilter) (db.Listed[Request], error) {
	var w db.Where
	if auth.AuthorizeAny(p, auth.PairingRead) == nil {
		sc, sa := auth.ScopeSQL(s.db.Dialect, p, auth.PairingRead, "r.area_path")
		w.And(sc, sa...)
	} else if err := auth.AuthorizeAny(p, auth.PairingLog); err != nil {
		return db.Listed[Request]{}, err
	} else {
		w.And(`EXISTS (SELECT 1 FROM care_pairs cp JOIN members m ON m.id = cp.member_id
			WHERE cp.person_id = r.person_id AND cp.ended_at IS NULL AND m.user_id = ?)`, p.UserID)
	}
	if err := s.areaWhere(ctx, &w, "r.area_path", f.Area); err != nil {
		return db.Listed[Request]{}, err
	}
	if f.Status != "" {
		switch f.Status {
		case Open, Acknowledged, Closed:
			w.And("r.status = ?", f.Status)
		default:
			return db.Listed[Request]{}, errs.Invalid("status", "the status is open, acknowledged or closed")
		}
	}
	limit, offset := auth.Paging(f.Page, f.PerPage)
	l, err := db.List(ctx, s.db, db.Page{Cols: reqCols, From: reqFrom, Where: w, Order: "r.created_at DESC, r.id DESC", Limit: limit, Offset: offset}, scanRequest)
	if l.Items == nil {
		l.Items = []Request{}
	}
	return l, errs.Wrap(err, "list requests")
}

// Answer acknowledges ("ack") or closes ("close") a request: the member
// paired with the person, or the area's staff (pairing.write). Closing an
// open request acknowledges it too, so its response time is kept. The
// answer shows the callback number whole.
func (s *Service) Answer(ctx context.Context, p *auth.Principal, id int64, action string) (Request, error) {
	if action != "ack" && action != "close" {
		return Request{}, errs.Invalid("action", "the action is ack or close")
	}
	if p == nil {
		return Request{}, errs.New(errs.EUNAUTHORIZED, "sign in first")
	}
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		r, err := s.request(ctx, tx, id)
		if err != nil {
			return err
		}
		paired, err := isPaired(ctx, tx, p, r.PersonID)
		if err != nil {
			return err
		}
		if !paired {
			if auth.Authorize(p, auth.PairingRead, r.AreaPath) != nil {
				return hidden(p, "request")
			}
			if err := auth.Authorize(p, auth.PairingWrite, r.AreaPath); err != nil {
				return err
			}
		}
		next, err := NextRequest(r.Status, action)
		if err != nil {
			return err
		}
		now, user := s.clock.Now(), nullUser(p)
		q := "UPDATE care_requests SET status = ?, acked_at = ?, acked_by = ? WHERE id = ? AND status = ?"
		args := []any{next, now, user, id, r.Status}
		if action == "close" && r.AckedAt != nil {
			q, args = "UPDATE care_requests SET status = ?, closed_at = ?, closed_by = ? WHERE id = ? AND status = ?", []any{next, now, user, id, r.Status}
		} else if action == "close" {
			q = "UPDATE care_requests SET status = ?, acked_at = ?, acked_by = ?, closed_at = ?, closed_by = ? WHERE id = ? AND status = ?"
			args = []any{next, now, user, now, user, id, r.Status}
		}
		res, err := tx.Exec(ctx, q, args...)
		if err != nil {
			return errs.Wrap(err, "answer request")
		}
		if n, err := res.RowsAffected(); err != nil {
			return errs.Wrap(err, "answer request")
		} else if n == 0 {
			return errs.New(errs.ECONFLICT, "this request was answered meanwhile; reload")
		}
		return record(ctx, tx, now, p, action, "care_request", id, r.AreaPath, map[string]any{"status": r.Status}, map[string]any{"status": next})
	})
	if err != nil {
		return Request{}, err
	}
	r, err := s.request(ctx, s.db, id)
	r.Callback = r.callback
	return r, err
}

// AreaResponse is the response time of one residential area's requests:
// created → acknowledged, median and 90th percentile, over the acknowledged
// requests of the window.
type AreaResponse struct {
	Area         string `json:"area"`
	Requests     int    `json:"requests"`
	Acknowledged int    `json:"acknowledged"`
	Open         int    `json:"open"`
	MedianMin    int    `json:"median_minutes"`
	P90Min       int    `json:"p90_minutes"`
}

// ResponseTimes measures the response time per residential area in p's
// scope over the requests created in the last `days` days (pairing.read).
func (s *Service) ResponseTimes(ctx context.Context, p *auth.Principal, areaCode string, days int) ([]AreaResponse, error) {
	if err := auth.AuthorizeAny(p, auth.PairingRead); err != nil {
		return nil, err
	}
	if days <= 0 || days > 366 {
		days = 90
	}
	var w db.Where
	sc, sa := auth.ScopeSQL(s.db.Dialect, p, auth.PairingRead, "r.area_path")
	w.And(sc, sa...)
	if err := s.areaWhere(ctx, &w, "r.area_path", areaCode); err != nil {
		return nil, err
	}
	w.And("r.created_at >= ?", s.clock.Now().Add(-time.Duration(days)*24*time.Hour))
	type row struct {
		area    string
		created time.Time
		acked   sql.NullTime
	}
	rows, err := db.All(ctx, s.db, `SELECT c.area_code, r.created_at, r.acked_at FROM `+reqFrom+` WHERE `+w.SQL()+` ORDER BY c.area_code`, w.Args(),
		func(sc db.Scanner) (row, error) {
			var x row
			err := sc.Scan(&x.area, &x.created, &x.acked)
			return x, err
		})
	if err != nil {
		return nil, errs.Wrap(err, "response times")
	}
	out := []AreaResponse{}
	var ds []time.Duration
	flush := func() {
		if len(out) == 0 {
			return
		}
		a := &out[len(out)-1]
		a.MedianMin, a.P90Min = int(Percentile(ds, 0.5)/time.Minute), int(Percentile(ds, 0.9)/time.Minute)
		ds = ds[:0]
	}
	for _, x := range rows {
		if len(out) == 0 || out[len(out)-1].Area != x.area {
			flush()
			out = append(out, AreaResponse{Area: x.area})
		}
		a := &out[len(out)-1]
		a.Requests++
		if x.acked.Valid {
			a.Acknowledged++
			ds = append(ds, x.acked.Time.Sub(x.created))
		} else {
			a.Open++
		}
	}
	flush()
	return out, nil
}

// tell puts a new help request in the inboxes of the members paired with
// the person and of the residential area's staff, in the request's
// transaction. The notice names no one and carries no phone: whoever opens
// it reads the request where their rights allow.
func (s *Service) tell(ctx context.Context, tx *db.Tx, person int64, area string, id int64, body string) error {
	if s.notify == nil {
		return nil
	}
	users, err := db.IDs(ctx, tx, `SELECT m.user_id FROM care_pairs cp JOIN members m ON m.id = cp.member_id
		WHERE cp.person_id = ? AND cp.ended_at IS NULL AND m.user_id IS NOT NULL ORDER BY m.user_id`, person)
	if err != nil {
		return errs.Wrap(err, "paired members")
	}
	ref := strconv.FormatInt(id, 10)
	if r := []rune(body); len(r) > 40 {
		body = string(r[:40]) + "…"
	}
	return s.notify.Notify(ctx, tx, notify.Notice{Kind: notify.KindAssignment, TitleText: texts.New("notice.care_request", "id", ref),
		Body: body, Link: "/care/requests", Entity: "care_request", EntityID: ref,
		UserIDs: users, Area: area, Roles: []auth.Role{auth.CommunityStaff}})
}
