package party

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// Statuses of a service log.
const (
	LogPending  = "pending"
	LogApproved = "approved"
	LogRejected = "rejected"
)

// SourceServiceLog is the verified-service source of an approved log.
const SourceServiceLog = "service_log"

// Limits on a service log.
const (
	maxLogNote  = 500
	maxLogSpan  = 12 * time.Hour
	maxLogDelay = 60 * 24 * time.Hour // a log is written within 60 days
)

// ServiceLogInput is service a dual-reported member did at one of their
// posts (服务记录), logged from their phone.
type ServiceLogInput struct {
	Post  string    `json:"post"`
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	Note  string    `json:"note"` // what they did
}

// ServiceLog is a logged service and its decision.
type ServiceLog struct {
	ID        int64      `json:"id"`
	MemberID  int64      `json:"member_id"`
	Member    string     `json:"member"`
	Post      string     `json:"post"`
	Area      string     `json:"area"`
	AreaName  string     `json:"area_name"`
	Start     time.Time  `json:"start"`
	End       time.Time  `json:"end"`
	Minutes   int        `json:"minutes"`
	Note      string     `json:"note"`
	Status    string     `json:"status"`
	Reason    string     `json:"reason"`
	DecidedAt *time.Time `json:"decided_at"`
	CreatedAt time.Time  `json:"created_at"`
	AreaPath  string     `json:"-"`
	loggedBy  *int64
	userID    *int64
}

// LogDecision approves or rejects a log; a rejection says why.
type LogDecision struct {
	Approve bool   `json:"approve"`
	Reason  string `json:"reason,omitempty"`
}

// ServiceLogFilter narrows a list of service logs.
type ServiceLogFilter struct {
	Area    string
	Status  string // pending, approved, rejected; "" all
	Page    int
	PerPage int
}

// CheckServiceLog validates a log's fields at now: one of the member's
// posts, a span of at most 12 hours that has ended, within 60 days, and
// what was done.
func CheckServiceLog(in ServiceLogInput, posts []string, now time.Time) error {
	var ds []errs.Detail
	if !slices.Contains(posts, in.Post) {
		ds = append(ds, errs.D("post", "choose one of your service posts"))
	}
	switch {
	case in.Start.IsZero() || in.End.IsZero():
		ds = append(ds, errs.D("start", "give the start and end time"))
	case !in.End.After(in.Start):
		ds = append(ds, errs.D("end", "the end must be after the start"))
	case in.End.Sub(in.Start) > maxLogSpan:
		ds = append(ds, errs.D("end", "a service log covers at most 12 hours; log longer service day by day"))
	case in.End.After(now):
		ds = append(ds, errs.D("end", "log service after it is done"))
	case now.Sub(in.Start) > maxLogDelay:
		ds = append(ds, errs.D("start", "log service within 60 days"))
	}
	switch n := utf8.RuneCountInString(in.Note); {
	case n == 0:
		ds = append(ds, errs.D("note", "say what you did"))
	case n > maxLogNote:
		ds = append(ds, errs.D("note", "a note is at most %d characters", maxLogNote))
	}
	if len(ds) > 0 {
		return errs.Fields(ds)
	}
	return nil
}

const logCols = `l.id, l.member_id, m.name, l.post, l.area_code, la.name, l.started_at, l.ended_at, l.note, l.status, l.reason,
	l.decided_at, l.created_at, l.area_path, l.logged_by, m.user_id`

var logFrom = `member_service_logs l JOIN members m ON m.id = l.member_id` + area.Join("la", "l.area_code")

func scanLog(sc db.Scanner) (ServiceLog, error) {
	var l ServiceLog
	var dec sql.NullTime
	var by, user sql.NullInt64
	err := sc.Scan(&l.ID, &l.MemberID, &l.Member, &l.Post, &l.Area, &l.AreaName, &l.Start, &l.End, &l.Note, &l.Status, &l.Reason,
		&dec, &l.CreatedAt, &l.AreaPath, &by, &user)
	if dec.Valid {
		l.DecidedAt = &dec.Time
	}
	l.loggedBy, l.userID = db.NullID(by), db.NullID(user)
	l.Minutes = Minutes(l.Start, l.End)
	return l, err
}

func (s *Service) serviceLog(ctx context.Context, q db.Querier, id int64) (ServiceLog, error) {
	l, err := scanLog(q.QueryRow(ctx, `SELECT `+logCols+` FROM `+logFrom+` WHERE l.id = ?`, id))
	return l, db.NotFound(err, "service log")
}

func (l ServiceLog) mine(p *auth.Principal) bool {
	return p != nil && p.UserID != 0 && l.userID != nil && *l.userID == p.UserID
}

// GetServiceLog returns one log: to its member or to readers of its area.
func (s *Service) GetServiceLog(ctx context.Context, p *auth.Principal, id int64) (ServiceLog, error) {
	l, err := s.serviceLog(ctx, s.db, id)
	if err != nil {
		return l, err
	}
	if !l.mine(p) && auth.Authorize(p, auth.MemberRead, l.AreaPath) != nil {
		if p == nil {
			return ServiceLog{}, errs.New(errs.EUNAUTHORIZED, "sign in first")
		}
		return ServiceLog{}, errs.New(errs.ENOTFOUND, "service log not found")
	}
	return l, nil
}

// LogService logs service the caller (a dual-reported member signed in as
// themself) did at one of their posts; it waits for the residential
// area's approval.
func (s *Service) LogService(ctx context.Context, p *auth.Principal, in ServiceLogInput) (ServiceLog, error) {
	if p == nil || p.UserID == 0 {
		return ServiceLog{}, errs.New(errs.EUNAUTHORIZED, "sign in first")
	}
	in.Post, in.Note = strings.TrimSpace(in.Post), strings.TrimSpace(in.Note)
	in.Start, in.End = in.Start.UTC().Truncate(time.Minute), in.End.UTC().Truncate(time.Minute)
	var id int64
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		mid, err := MemberOfUser(ctx, tx, p.UserID)
		if err != nil {
			return err
		}
		if mid == nil {
			return errs.New(errs.EFORBIDDEN, "only a party member signed in as themself logs service")
		}
		m, err := s.get(ctx, tx, *mid)
		if err != nil {
			return err
		}
		if !m.Reported {
			return errs.New(errs.ECONFLICT, "register with the residential area where you live (双报到) before logging service")
		}
		now := s.clock.Now()
		if err := CheckServiceLog(in, m.Posts, now); err != nil {
			return err
		}
		id, err = db.InsertID(ctx, tx, `INSERT INTO member_service_logs (member_id, post, area_code, area_path, started_at, ended_at, note, status, logged_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, m.ID, in.Post, *m.ReportArea, m.ReportPath, in.Start, in.End, in.Note, LogPending, p.UserID, now)
		if err != nil {
			return errs.Wrap(err, "insert service log")
		}
		return auth.Record(ctx, tx, now, p, auth.Change{Action: "create", Entity: "service_log", EntityID: strconv.FormatInt(id, 10),
			AreaPath: m.ReportPath, After: in})
	})
	if err != nil {
		return ServiceLog{}, err
	}
	return s.GetServiceLog(ctx, p, id)
}

// DecideServiceLog approves or rejects a pending log: staff of the
// residential area (member.write there), never the member nor the person
// who logged it. An approved log becomes the member's verified service
// (source service_log) in the same transaction, once.
func (s *Service) DecideServiceLog(ctx context.Context, p *auth.Principal, id int64, d LogDecision) (ServiceLog, error) {
	d.Reason = strings.TrimSpace(d.Reason)
	if utf8.RuneCountInString(d.Reason) > maxLogNote {
		return ServiceLog{}, errs.Invalid("reason", "a reason is at most %d characters", maxLogNote)
	}
	if !d.Approve && d.Reason == "" {
		return ServiceLog{}, errs.Invalid("reason", "say why the log is rejected")
	}
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		l, err := s.serviceLog(ctx, tx, id)
		if err != nil {
			return err
		}
		if !l.mine(p) && auth.Authorize(p, auth.MemberRead, l.AreaPath) != nil {
			if p == nil {
				return errs.New(errs.EUNAUTHORIZED, "sign in first")
			}
			return errs.New(errs.ENOTFOUND, "service log not found")
		}
		if err := auth.Authorize(p, auth.MemberWrite, l.AreaPath); err != nil {
			return err
		}
		if l.mine(p) || (l.loggedBy != nil && p.UserID != 0 && *l.loggedBy == p.UserID) {
			return errs.New(errs.EFORBIDDEN, "a service log is approved by the residential area's staff, not by the member who logged it")
		}
		now := s.clock.Now()
		status := LogRejected
		if d.Approve {
			status = LogApproved
		}
		by, _ := p.Actor()
		r, err := tx.Exec(ctx, `UPDATE member_service_logs SET status = ?, reason = ?, decided_by = ?, decided_at = ? WHERE id = ? AND status = ?`,
			status, d.Reason, by, now, id, LogPending)
		if err != nil {
			return errs.Wrap(err, "decide service log")
		}
		if n, err := r.RowsAffected(); err != nil {
			return errs.Wrap(err, "decide service log")
		} else if n == 0 {
			return errs.New(errs.ECONFLICT, "this log was decided already")
		}
		if d.Approve {
			err := RecordService(ctx, tx, ServiceEvent{MemberID: l.MemberID, Source: SourceServiceLog, SourceID: id, AreaPath: l.AreaPath,
				Start: l.Start, End: l.End})
			if err != nil {
				return err
			}
		}
		return auth.Record(ctx, tx, now, p, auth.Change{Action: status, Entity: "service_log", EntityID: strconv.FormatInt(id, 10),
			AreaPath: l.AreaPath, Before: map[string]any{"status": LogPending}, After: map[string]any{"status": status, "reason": d.Reason}})
	})
	if err != nil {
		return ServiceLog{}, err
	}
	return s.GetServiceLog(ctx, p, id)
}

// ServiceLogs lists logs p reads (member.read on the area served), newest
// first; a member without member.read sees their own.
func (s *Service) ServiceLogs(ctx context.Context, p *auth.Principal, f ServiceLogFilter) (db.Listed[ServiceLog], error) {
	var w db.Where
	if auth.AuthorizeAny(p, auth.MemberRead) == nil {
		sc, sa := auth.ScopeSQL(s.db.Dialect, p, auth.MemberRead, "l.area_path")
		w.And(sc, sa...)
	} else if p == nil || p.UserID == 0 {
		return db.Listed[ServiceLog]{}, errs.New(errs.EUNAUTHORIZED, "sign in first")
	} else {
		w.And("m.user_id = ?", p.UserID)
	}
	if f.Area != "" {
		path, err := area.Path(ctx, s.db, f.Area)
		if errs.Code(err) == errs.ENOTFOUND {
			return db.Listed[ServiceLog]{}, errs.Invalid("area", "unknown area %q", f.Area)
		} else if err != nil {
			return db.Listed[ServiceLog]{}, err
		}
		c, ca := area.Subtree(s.db.Dialect, "l.area_path", path)
		w.And(c, ca)
	}
	switch f.Status {
	case "":
	case LogPending, LogApproved, LogRejected:
		w.And("l.status = ?", f.Status)
	default:
		return db.Listed[ServiceLog]{}, errs.Invalid("status", "the status is pending, approved or rejected")
	}
	limit, offset := auth.Paging(f.Page, f.PerPage)
	l, err := db.List(ctx, s.db, db.Page{Cols: logCols, From: logFrom, Where: w, Order: "l.started_at DESC, l.id DESC", Limit: limit, Offset: offset}, scanLog)
	if l.Items == nil {
		l.Items = []ServiceLog{}
	}
	return l, errs.Wrap(err, "list service logs")
}

// MyServiceLogs lists the caller's own logs, newest first.
func (s *Service) MyServiceLogs(ctx context.Context, p *auth.Principal) ([]ServiceLog, error) {
	if p == nil || p.UserID == 0 {
		return nil, errs.New(errs.EUNAUTHORIZED, "sign in first")
	}
	out, err := db.All(ctx, s.db, `SELECT `+logCols+` FROM `+logFrom+` WHERE m.user_id = ? ORDER BY l.started_at DESC, l.id DESC LIMIT 50`,
		[]any{p.UserID}, scanLog)
	if out == nil {
		out = []ServiceLog{}
	}
	return out, errs.Wrap(err, "my service logs")
}
