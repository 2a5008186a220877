package pairing

import (
	"context"
	"database/sql"
	"strings"
	"time"
	"unicode/utf8"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/party"
)

// Pair is a member paired with a person in care (结对).
type Pair struct {
	ID         int64      `json:"id"`
	PersonID   int64      `json:"person_id"`
	Person     string     `json:"person"`
	PersonKind string     `json:"person_kind"`
	Area       string     `json:"area"`
	Address    string     `json:"address"`
	MemberID   int64      `json:"member_id"`
	Member     string     `json:"member"`
	Started    time.Time  `json:"started_at"`
	Ended      *time.Time `json:"ended_at"`
	LastVisit  *time.Time `json:"last_visit"`
	AreaPath   string     `json:"-"`
	userID     *int64
}

const pairCols = `cp.id, cp.person_id, c.name, c.kind, c.area_code, c.address, cp.member_id, m.name, cp.started_at, cp.ended_at, cp.area_path, m.user_id,
	(SELECT max(l.at) FROM care_logs l WHERE l.pair_id = cp.id AND l.kind = 'visit' AND l.status = 'approved')`

const pairFrom = `care_pairs cp JOIN care_people c ON c.id = cp.person_id JOIN members m ON m.id = cp.member_id`

func scanPair(sc db.Scanner) (Pair, error) {
	var x Pair
	var ended sql.NullTime
	var last maxTime
	var user sql.NullInt64
	err := sc.Scan(&x.ID, &x.PersonID, &x.Person, &x.PersonKind, &x.Area, &x.Address, &x.MemberID, &x.Member, &x.Started, &ended, &x.AreaPath, &user, &last)
	if ended.Valid {
		x.Ended = &ended.Time
	}
	x.LastVisit = last.t
	x.userID = db.NullID(user)
	return x, err
}

func (x Pair) mine(p *auth.Principal) bool {
	return p != nil && p.UserID != 0 && x.userID != nil && *x.userID == p.UserID
}

func (s *Service) pair(ctx context.Context, q db.Querier, id int64) (Pair, error) {
	x, err := scanPair(q.QueryRow(ctx, `SELECT `+pairCols+` FROM `+pairFrom+` WHERE cp.id = ?`, id))
	return x, db.NotFound(err, "pair")
}

// PairsOf lists a person's pairs, active first (who reads the person).
func (s *Service) PairsOf(ctx context.Context, p *auth.Principal, person int64) ([]Pair, error) {
	if _, err := s.GetPerson(ctx, p, person); err != nil {
		return nil, err
	}
	out, err := db.All(ctx, s.db, `SELECT `+pairCols+` FROM `+pairFrom+` WHERE cp.person_id = ?
		ORDER BY CASE WHEN cp.ended_at IS NULL THEN 0 ELSE 1 END, cp.started_at DESC`, []any{person}, scanPair)
	if out == nil {
		out = []Pair{}
	}
	return out, errs.Wrap(err, "pairs")
}

// MyPairs lists the caller's own active pairs (a member's phone home).
func (s *Service) MyPairs(ctx context.Context, p *auth.Principal) ([]Pair, error) {
	if p == nil || p.UserID == 0 {
		return nil, errs.New(errs.EUNAUTHORIZED, "sign in first")
	}
	out, err := db.All(ctx, s.db, `SELECT `+pairCols+` FROM `+pairFrom+` WHERE m.user_id = ? AND cp.ended_at IS NULL
		ORDER BY c.name, cp.id`, []any{p.UserID}, scanPair)
	if out == nil {
		out = []Pair{}
	}
	return out, errs.Wrap(err, "my pairs")
}

// PairInput pairs a member with a person.
type PairInput struct {
	MemberID int64 `json:"member_id"`
}

// MakePair pairs a member with a person in care (pairing.write on the
// person's residential area); the same active pair twice is ECONFLICT.
func (s *Service) MakePair(ctx context.Context, p *auth.Principal, person int64, in PairInput) (Pair, error) {
	if in.MemberID <= 0 {
		return Pair{}, errs.Invalid("member_id", "choose the member to pair")
	}
	var id int64
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		c, err := s.person(ctx, tx, person)
		if err != nil {
			return err
		}
		if auth.Authorize(p, auth.PairingRead, c.AreaPath) != nil {
			return hidden(p, "person in care")
		}
		if err := auth.Authorize(p, auth.PairingWrite, c.AreaPath); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, "SELECT count(*) FROM members WHERE id = ?", in.MemberID).Scan(&n); err != nil {
			return errs.Wrap(err, "member")
		}
		if n == 0 {
			return errs.Invalid("member_id", "no member %d", in.MemberID)
		}
		if err := tx.QueryRow(ctx, "SELECT count(*) FROM care_pairs WHERE person_id = ? AND member_id = ? AND ended_at IS NULL", person, in.MemberID).Scan(&n); err != nil {
			return errs.Wrap(err, "pair")
		}
		if n > 0 {
			return errs.New(errs.ECONFLICT, "this member is paired with this person already")
		}
		now := s.clock.Now()
		id, err = db.InsertID(ctx, tx, `INSERT INTO care_pairs (person_id, member_id, area_path, started_at) VALUES (?, ?, ?, ?)`, person, in.MemberID, c.AreaPath, now)
		if errs.Code(db.MapError(err)) == errs.ECONFLICT {
			return errs.New(errs.ECONFLICT, "this member is paired with this person already")
		} else if err != nil {
			return errs.Wrap(err, "insert pair")
		}
		return record(ctx, tx, now, p, "create", "care_pair", id, c.AreaPath, nil, map[string]any{"person_id": person, "member_id": in.MemberID})
	})
	if err != nil {
		return Pair{}, err
	}
	return s.pair(ctx, s.db, id)
}

// EndPair ends a pair (pairing.write); its logs stay.
func (s *Service) EndPair(ctx context.Context, p *auth.Principal, id int64) (Pair, error) {
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		x, err := s.pair(ctx, tx, id)
		if err != nil {
			return err
		}
		if auth.Authorize(p, auth.PairingRead, x.AreaPath) != nil {
			return hidden(p, "pair")
		}
		if err := auth.Authorize(p, auth.PairingWrite, x.AreaPath); err != nil {
			return err
		}
		if x.Ended != nil {
			return errs.New(errs.ECONFLICT, "this pair has ended already")
		}
		now := s.clock.Now()
		if _, err := tx.Exec(ctx, "UPDATE care_pairs SET ended_at = ? WHERE id = ?", now, id); err != nil {
			return errs.Wrap(err, "end pair")
		}
		return record(ctx, tx, now, p, "end", "care_pair", id, x.AreaPath, nil, nil)
	})
	if err != nil {
		return Pair{}, err
	}
	return s.pair(ctx, s.db, id)
}

// Log is a visit or call logged by the paired member (走访记录).
type Log struct {
	ID        int64      `json:"id"`
	PairID    int64      `json:"pair_id"`
	Person    string     `json:"person"`
	Member    string     `json:"member"`
	Area      string     `json:"area"`
	Kind      string     `json:"kind"`
	At        time.Time  `json:"at"`
	Minutes   int        `json:"minutes"`
	Note      string     `json:"note"`
	Status    string     `json:"status"`
	Reason    string     `json:"reason"`
	DecidedAt *time.Time `json:"decided_at"`
	AreaPath  string     `json:"-"`
	loggedBy  *int64
	memberID  int64
}

// LogInput is a visit or call as the member logs it.
type LogInput struct {
	Kind    string    `json:"kind"`
	At      time.Time `json:"at"`
	Minutes int       `json:"minutes"`
	Note    string    `json:"note,omitempty"`
}

// Decision approves or rejects a log.
type Decision struct {
	Approve bool   `json:"approve"`
	Reason  string `json:"reason,omitempty"` // why a log is rejected
}

const logCols = `l.id, l.pair_id, c.name, m.name, c.area_code, l.kind, l.at, l.minutes, l.note, l.status, l.reason, l.decided_at, l.area_path, l.logged_by, cp.member_id`

const logFrom = `care_logs l JOIN care_pairs cp ON cp.id = l.pair_id JOIN care_people c ON c.id = cp.person_id JOIN members m ON m.id = cp.member_id`

func scanLog(sc db.Scanner) (Log, error) {
	var l Log
	var dec sql.NullTime
	var by sql.NullInt64
	err := sc.Scan(&l.ID, &l.PairID, &l.Person, &l.Member, &l.Area, &l.Kind, &l.At, &l.Minutes, &l.Note, &l.Status, &l.Reason, &dec, &l.AreaPath, &by, &l.memberID)
	if dec.Valid {
		l.DecidedAt = &dec.Time
	}
	l.loggedBy = db.NullID(by)
	return l, err
}

func (s *Service) log(ctx context.Context, q db.Querier, id int64) (Log, error) {
	l, err := scanLog(q.QueryRow(ctx, `SELECT `+logCols+` FROM `+logFrom+` WHERE l.id = ?`, id))
	return l, db.NotFound(err, "log")
}

// LogVisit logs a visit or call for one of the caller's own active pairs
// (pairing.log); it waits for the area's approval.
func (s *Service) LogVisit(ctx context.Context, p *auth.Principal, pairID int64, in LogInput) (Log, error) {
	if err := auth.AuthorizeAny(p, auth.PairingLog); err != nil {
		return Log{}, err
	}
	in.Kind, in.Note = strings.TrimSpace(in.Kind), strings.TrimSpace(in.Note)
	now := s.clock.Now()
	if err := CheckLog(in.Kind, in.At, in.Minutes, in.Note, now); err != nil {
		return Log{}, err
	}
	var id int64
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		x, err := s.pair(ctx, tx, pairID)
		if err != nil {
			return err
		}
		if !x.mine(p) {
			return hidden(p, "pair") // someone else's pair is not revealed
		}
		if x.Ended != nil {
			return errs.New(errs.ECONFLICT, "this pair has ended; visits are logged for active pairs")
		}
		id, err = db.InsertID(ctx, tx, `INSERT INTO care_logs (pair_id, kind, at, minutes, note, status, area_path, logged_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, pairID, in.Kind, in.At, in.Minutes, in.Note, Pending, x.AreaPath, p.UserID, now)
		if err != nil {
			return errs.Wrap(err, "insert log")
		}
		return record(ctx, tx, now, p, "create", "care_log", id, x.AreaPath, nil, in)
	})
	if err != nil {
		return Log{}, err
	}
	return s.log(ctx, s.db, id)
}

// DecideLog approves or rejects a pending log (pairing.write on the
// pair's area), never one the caller logged. An approved log becomes the
// member's verified service (source "pairing") in the same transaction,
// once.
func (s *Service) DecideLog(ctx context.Context, p *auth.Principal, id int64, d Decision) (Log, error) {
	d.Reason = strings.TrimSpace(d.Reason)
	if utf8.RuneCountInString(d.Reason) > maxNote {
		return Log{}, errs.Invalid("reason", "a reason is at most %d characters", maxNote)
	}
	if !d.Approve && d.Reason == "" {
		return Log{}, errs.Invalid("reason", "say why the log is rejected")
	}
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		l, err := s.log(ctx, tx, id)
		if err != nil {
			return err
		}
		if auth.Authorize(p, auth.PairingRead, l.AreaPath) != nil {
			return hidden(p, "log")
		}
		if err := auth.Authorize(p, auth.PairingWrite, l.AreaPath); err != nil {
			return err
		}
		if l.loggedBy != nil && p.UserID != 0 && *l.loggedBy == p.UserID {
			return errs.New(errs.EFORBIDDEN, "a log is approved by another person, not by the one who logged it")
		}
		now := s.clock.Now()
		status := Rejected
		if d.Approve {
			status = Approved
		}
		r, err := tx.Exec(ctx, `UPDATE care_logs SET status = ?, reason = ?, decided_by = ?, decided_at = ? WHERE id = ? AND status = ?`,
			status, d.Reason, nullUser(p), now, id, Pending)
		if err != nil {
			return errs.Wrap(err, "decide log")
		}
		if n, err := r.RowsAffected(); err != nil {
			return errs.Wrap(err, "decide log")
		} else if n == 0 {
			return errs.New(errs.ECONFLICT, "this log was decided already")
		}
		if d.Approve {
			err := party.RecordService(ctx, tx, party.ServiceEvent{MemberID: l.memberID, Source: "pairing", SourceID: id, AreaPath: l.AreaPath,
				Start: l.At, End: l.At.Add(time.Duration(l.Minutes) * time.Minute)})
			if err != nil {
				return err
			}
		}
		return record(ctx, tx, now, p, status, "care_log", id, l.AreaPath, map[string]any{"status": Pending}, map[string]any{"status": status, "reason": d.Reason})
	})
	if err != nil {
		return Log{}, err
	}
	return s.log(ctx, s.db, id)
}

func nullUser(p *auth.Principal) any {
	if p == nil || p.UserID == 0 {
		return nil
	}
	return p.UserID
}

// LogFilter narrows a list of logs.
type LogFilter struct {
	Area    string
	Status  string // pending, approved, rejected; "" all
	PairID  int64
	Page    int
	PerPage int
}

// Logs lists logs in p's scope (pairing.read), newest first; a member
// without pairing.read sees the logs of their own pairs.
func (s *Service) Logs(ctx context.Context, p *auth.Principal, f LogFilter) (db.Listed[Log], error) {
	var w db.Where
	if auth.AuthorizeAny(p, auth.PairingRead) == nil {
		sc, sa := auth.ScopeSQL(s.db.Dialect, p, auth.PairingRead, "l.area_path")
		w.And(sc, sa...)
	} else if err := auth.AuthorizeAny(p, auth.PairingLog); err != nil {
		return db.Listed[Log]{}, err
	} else {
		w.And("m.user_id = ?", p.UserID)
	}
	if err := s.areaWhere(ctx, &w, "l.area_path", f.Area); err != nil {
		return db.Listed[Log]{}, err
	}
	if f.Status != "" {
		switch f.Status {
		case Pending, Approved, Rejected:
			w.And("l.status = ?", f.Status)
		default:
			return db.Listed[Log]{}, errs.Invalid("status", "the status is pending, approved or rejected")
		}
	}
	if f.PairID != 0 {
		w.And("l.pair_id = ?", f.PairID)
	}
	limit, offset := auth.Paging(f.Page, f.PerPage)
	l, err := db.List(ctx, s.db, db.Page{Cols: logCols, From: logFrom, Where: w, Order: "l.at DESC, l.id DESC", Limit: limit, Offset: offset}, scanLog)
	if l.Items == nil {
		l.Items = []Log{}
	}
	return l, errs.Wrap(err, "list logs")
}
