package delib

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/jobs"
)

// Vote is a vote (表决) as staff and voters see it.
type Vote struct {
	ID           int64     `json:"id"`
	Area         string    `json:"area"`
	AreaName     string    `json:"area_name"`
	TopicID      *int64    `json:"topic_id"`
	Question     string    `json:"question"`
	Description  string    `json:"description"`
	Choices      []string  `json:"choices"`
	OpensAt      time.Time `json:"opens_at"`
	ClosesAt     time.Time `json:"closes_at"`
	Status       string    `json:"status"`
	Residents    bool      `json:"residents"`
	PerHousehold bool      `json:"per_household"`
	Quorum       int       `json:"quorum"`
	ThresholdPct int       `json:"threshold_pct"`
	Voted        int       `json:"voted"`      // voters (or households) recorded as having voted
	Links        int       `json:"links"`      // ballot links made
	Households   int       `json:"households"` // households those links were made for
	Result       *Result   `json:"result"`     // once closed
	CreatedBy    string    `json:"created_by"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
	AreaPath     string    `json:"-"`
}

const voteCols = `v.id, v.area_code, ar.name, v.topic_id, v.question, v.description, v.choices, v.opens_at, v.closes_at, v.status,
	v.residents, v.per_household, v.quorum, v.threshold_pct, v.ballots, v.tally, v.created_by_name, v.created_at, v.updated_at, v.area_path,
	(SELECT count(*) FROM vote_voters x WHERE x.vote_id = v.id),
	(SELECT count(*) FROM vote_links l WHERE l.vote_id = v.id),
	(SELECT count(DISTINCT l.household) FROM vote_links l WHERE l.vote_id = v.id)`

var voteFrom = `votes v` + area.Join("ar", "v.area_code")

func scanVote(r db.Scanner) (Vote, error) {
	var v Vote
	var topic sql.NullInt64
	var choices, tally string
	var ballots int
	err := r.Scan(&v.ID, &v.Area, &v.AreaName, &topic, &v.Question, &v.Description, &choices, &v.OpensAt, &v.ClosesAt, &v.Status,
		&v.Residents, &v.PerHousehold, &v.Quorum, &v.ThresholdPct, &ballots, &tally, &v.CreatedBy, &v.CreatedAt, &v.UpdatedAt, &v.AreaPath,
		&v.Voted, &v.Links, &v.Households)
	if err != nil {
		return v, err
	}
	v.TopicID = db.NullID(topic)
	if err := json.Unmarshal([]byte(choices), &v.Choices); err != nil {
		return v, err
	}
	if v.Status == Closed && tally != "" {
		var res Result
		if err := json.Unmarshal([]byte(tally), &res); err != nil {
			return v, err
		}
		v.Result = &res
	}
	return v, nil
}

func (s *Service) vote(ctx context.Context, q db.Querier, id int64) (Vote, error) {
	v, err := scanVote(q.QueryRow(ctx, `SELECT `+voteCols+` FROM `+voteFrom+` WHERE v.id = ?`, id))
	return v, db.NotFound(err, "vote")
}

// canSeeVote: staff of the area (delib.read) and the residents who may vote in it.
func canSeeVote(p *auth.Principal, v Vote) bool {
	return auth.Authorize(p, auth.DelibRead, v.AreaPath) == nil || eligible(p, v.AreaPath)
}

// CanManage reports whether p opens, closes and makes links for v.
func CanManage(p *auth.Principal, v Vote) bool {
	return auth.Authorize(p, auth.DelibWrite, v.AreaPath) == nil
}

// CanVoteSignedIn reports whether p may vote in v signed in (whether p
// has voted already is not told here).
func CanVoteSignedIn(p *auth.Principal, v Vote) bool { return v.Residents && eligible(p, v.AreaPath) }

// GetVote returns one vote to staff of its area or a resident who may vote in it.
func (s *Service) GetVote(ctx context.Context, p *auth.Principal, id int64) (Vote, error) {
	v, err := s.vote(ctx, s.db, id)
	if err != nil {
		return Vote{}, err
	}
	if !canSeeVote(p, v) {
		return Vote{}, hidden(p, "vote")
	}
	return v, nil
}

// PublicVote is what anyone may see of a vote: its question, choices and
// times, and once closed its result. Cancelled votes are not shown.
func (s *Service) PublicVote(ctx context.Context, id int64) (Vote, error) {
	v, err := s.vote(ctx, s.db, id)
	if err != nil {
		return Vote{}, err
	}
	if v.Status == Cancelled {
		return Vote{}, errs.New(errs.ENOTFOUND, "vote not found")
	}
	v.Links, v.Households, v.CreatedBy = 0, 0, ""
	return v, nil
}

// CreateVote schedules a vote (delib.write on its area); jobs open and
// close it on time. A vote opening now or earlier opens at once.
func (s *Service) CreateVote(ctx context.Context, p *auth.Principal, in VoteInput) (Vote, error) {
	now := s.clock.Now()
	if err := CheckVote(&in, now); err != nil {
		return Vote{}, err
	}
	in.OpensAt, in.ClosesAt = in.OpensAt.UTC().Truncate(time.Minute), in.ClosesAt.UTC().Truncate(time.Minute)
	var id int64
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		path, err := area.Path(ctx, tx, in.Area)
		if errs.Code(err) == errs.ENOTFOUND {
			return errs.Invalid("area", "unknown area %q", in.Area)
		} else if err != nil {
			return err
		}
		if err := auth.Authorize(p, auth.DelibWrite, path); err != nil {
			return err
		}
		if in.TopicID != nil {
			t, err := s.topic(ctx, tx, *in.TopicID)
			if errs.Code(err) == errs.ENOTFOUND || (err == nil && (auth.Authorize(p, auth.DelibWrite, t.AreaPath) != nil || !pathWithin(path, t.AreaPath))) {
				return errs.Invalid("topic_id", "no topic %d of this area you answer for", *in.TopicID)
			} else if err != nil {
				return err
			}
		}
		status := Scheduled
		if !in.OpensAt.After(now) {
			status, in.OpensAt = Open, now.UTC().Truncate(time.Minute)
			if !in.ClosesAt.After(in.OpensAt) {
				return errs.Invalid("closes_at", "the vote must close after it opens")
			}
		}
		choices, _ := json.Marshal(in.Choices)
		by, name := p.Actor()
		id, err = db.InsertID(ctx, tx, `INSERT INTO votes (area_code, area_path, topic_id, question, description, choices, opens_at, closes_at,
			status, residents, per_household, quorum, threshold_pct, created_by, created_by_name, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			in.Area, path, in.TopicID, in.Question, in.Description, string(choices), in.OpensAt, in.ClosesAt,
			status, in.Residents, in.PerHousehold, in.Quorum, in.ThresholdPct, by, name, now, now)
		if err != nil {
			return errs.Wrap(err, "insert vote")
		}
		js := []jobs.Job{job(JobVoteClose, id, in.ClosesAt)}
		if status == Scheduled {
			js = append(js, job(JobVoteOpen, id, in.OpensAt))
		}
		if err := jobs.Enqueue(ctx, tx, now, js...); err != nil {
			return err
		}
		if in.TopicID != nil {
			if err := s.topicEvent(ctx, tx, now, p, *in.TopicID, "", "vote", in.Question); err != nil {
				return err
			}
		}
		return record(ctx, tx, now, p, "create", "vote", id, path, nil, map[string]any{"question": in.Question, "choices": in.Choices,
			"opens_at": in.OpensAt, "closes_at": in.ClosesAt, "status": status})
	})
	if err != nil {
		return Vote{}, err
	}
	return s.vote(ctx, s.db, id)
}

// pathWithin reports whether path lies in the subtree at root.
func pathWithin(root, path string) bool { return len(path) >= len(root) && path[:len(root)] == root }

// VoteFilter narrows a list of votes.
type VoteFilter struct {
	Area    string
	Status  string
	Page    int
	PerPage int
}

// ListVotes lists the votes in p's scope (delib.read), newest first.
func (s *Service) ListVotes(ctx context.Context, p *auth.Principal, f VoteFilter) (db.Listed[Vote], error) {
	if err := auth.AuthorizeAny(p, auth.DelibRead); err != nil {
		return db.Listed[Vote]{}, err
	}
	var w db.Where
	c, a := auth.ScopeSQL(s.db.Dialect, p, auth.DelibRead, "v.area_path")
	w.And(c, a...)
	if err := s.areaFilter(ctx, &w, "v.area_path", f.Area); err != nil {
		return db.Listed[Vote]{}, err
	}
	if f.Status != "" {
		if !oneOf(f.Status, VoteStatuses) {
			return db.Listed[Vote]{}, errs.Invalid("status", "status must be one of %v", VoteStatuses)
		}
		w.And("v.status = ?", f.Status)
	}
	limit, offset := auth.Paging(f.Page, f.PerPage)
	l, err := db.List(ctx, s.db, db.Page{Cols: voteCols, From: voteFrom, Where: w, Order: "v.opens_at DESC, v.id DESC", Limit: limit, Offset: offset}, scanVote)
	return l, errs.Wrap(err, "list votes")
}

// VotesFor lists the votes p may vote in signed in or follow as a resident:
// open and scheduled votes of the areas that hold p's own, and those closed
// in the last 90 days.
func (s *Service) VotesFor(ctx context.Context, p *auth.Principal) ([]Vote, error) {
	roots := joinRoots(p)
	if len(roots) == 0 {
		return nil, nil
	}
	var w db.Where
	w.And("(v.status IN ('scheduled', 'open') OR (v.status = 'closed' AND v.closes_at > ?))", s.clock.Now().Add(-MaxDuration))
	c, a := holdsAny("v.area_path", roots)
	w.And(c, a...)
	out, err := db.All(ctx, s.db, `SELECT `+voteCols+` FROM `+voteFrom+` WHERE `+w.SQL()+` ORDER BY v.closes_at DESC LIMIT 100`, w.Args(), scanVote)
	return out, errs.Wrap(err, "votes")
}

// holdsAny is a condition that the area at col holds one of paths (is it
// or lies above it), with its arguments: the areas a resident of paths
// takes part in. Paths hold only digits and '/', so nothing needs escaping.
func holdsAny(col string, paths []string) (string, []any) {
	conds := make([]string, len(paths))
	args := make([]any, len(paths))
	for i, p := range paths {
		conds[i], args[i] = "? LIKE "+col+" || '%'", p
	}
	return "(" + strings.Join(conds, " OR ") + ")", args
}

func (s *Service) areaFilter(ctx context.Context, w *db.Where, col, code string) error {
	if code == "" {
		return nil
	}
	path, err := area.Path(ctx, s.db, code)
	if errs.Code(err) == errs.ENOTFOUND {
		return errs.Invalid("area", "unknown area %q", code)
	} else if err != nil {
		return err
	}
	c, a := area.Subtree(s.db.Dialect, col, path)
	w.And(c, a)
	return nil
}

func oneOf(s string, set []string) bool {
	for _, x := range set {
		if x == s {
			return true
		}
	}
	return false
}

// OpenVote opens a scheduled vote now (delib.write).
func (s *Service) OpenVote(ctx context.Context, p *auth.Principal, id int64) (Vote, error) {
	return s.change(ctx, p, id, "open")
}

// CloseVote closes an open vote now (delib.write), counts it and publishes its receipts.
func (s *Service) CloseVote(ctx context.Context, p *auth.Principal, id int64) (Vote, error) {
	return s.change(ctx, p, id, "close")
}

// CancelVote withdraws a vote that has not opened (delib.write).
func (s *Service) CancelVote(ctx context.Context, p *auth.Principal, id int64) (Vote, error) {
	return s.change(ctx, p, id, "cancel")
}

func (s *Service) change(ctx context.Context, p *auth.Principal, id int64, action string) (Vote, error) {
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		v, err := s.vote(ctx, tx, id)
		if err != nil {
			return err
		}
		if auth.Authorize(p, auth.DelibRead, v.AreaPath) != nil {
			return hidden(p, "vote")
		}
		if err := auth.Authorize(p, auth.DelibWrite, v.AreaPath); err != nil {
			return err
		}
		return s.move(ctx, tx, p, v, action)
	})
	if err != nil {
		return Vote{}, err
	}
	return s.vote(ctx, s.db, id)
}

// move takes v through action at the clock's time, by p or a job. The
// vote's timers stay: a job finding the vote opened or closed already does
// nothing.
func (s *Service) move(ctx context.Context, tx *db.Tx, p *auth.Principal, v Vote, action string) error {
	to, err := MoveVote(v.Status, action)
	if err != nil {
		return err
	}
	now := s.clock.Now().UTC()
	after := map[string]any{"status": to}
	switch action {
	case "open":
		at := now.Truncate(time.Minute)
		if !v.ClosesAt.After(at) {
			return errs.New(errs.ECONFLICT, "the vote's closing time has passed")
		}
		if _, err := tx.Exec(ctx, `UPDATE votes SET status = ?, opens_at = ?, updated_at = ? WHERE id = ? AND status = ?`, to, at, now, v.ID, v.Status); err != nil {
			return errs.Wrap(err, "open vote")
		}
	case "close":
		at := v.ClosesAt
		if now.Before(at) {
			at = now
		}
		res, err := s.count(ctx, tx, v)
		if err != nil {
			return err
		}
		tally, _ := json.Marshal(res)
		if _, err := tx.Exec(ctx, `UPDATE votes SET status = ?, closes_at = ?, ballots = ?, tally = ?, updated_at = ? WHERE id = ? AND status = ?`,
			to, at, res.Ballots, string(tally), now, v.ID, v.Status); err != nil {
			return errs.Wrap(err, "close vote")
		}
		after["ballots"], after["passed"] = res.Ballots, res.Passed
	case "cancel":
		if _, err := tx.Exec(ctx, `UPDATE votes SET status = ?, updated_at = ? WHERE id = ? AND status = ?`, to, now, v.ID, v.Status); err != nil {
			return errs.Wrap(err, "cancel vote")
		}
	}
	return record(ctx, tx, now, p, action, "vote", v.ID, v.AreaPath, map[string]any{"status": v.Status}, after)
}

// count tallies v's ballots and rewrites them in receipt order, so the
// closed vote's rows (their physical order and, on PostgreSQL, their
// transaction ids) carry nothing of when each ballot was cast.
func (s *Service) count(ctx context.Context, tx *db.Tx, v Vote) (Result, error) {
	type ballot struct {
		receipt string
		choice  int
	}
	bs, err := db.All(ctx, tx, `SELECT receipt, choice FROM vote_ballots WHERE vote_id = ? ORDER BY receipt`, []any{v.ID}, func(r db.Scanner) (ballot, error) {
		var b ballot
		err := r.Scan(&b.receipt, &b.choice)
		return b, err
	})
	if err != nil {
		return Result{}, errs.Wrap(err, "ballots")
	}
	if _, err := tx.Exec(ctx, `DELETE FROM vote_ballots WHERE vote_id = ?`, v.ID); err != nil {
		return Result{}, errs.Wrap(err, "rewrite ballots")
	}
	ins := db.NewBulkInsert(tx, "vote_ballots", []string{"vote_id", "receipt", "choice"})
	choices := make([]int, len(bs))
	for i, b := range bs {
		choices[i] = b.choice
		if err := ins.Add(ctx, v.ID, b.receipt, b.choice); err != nil {
			return Result{}, errs.Wrap(err, "rewrite ballots")
		}
	}
	if err := ins.Close(ctx); err != nil {
		return Result{}, errs.Wrap(err, "rewrite ballots")
	}
	return Count(v.Choices, choices, v.Quorum, v.ThresholdPct), nil
}

// openDue is the opening job: a vote still scheduled opens when its time comes.
func (s *Service) openDue(ctx context.Context, tx *db.Tx, id int64) error {
	v, err := s.vote(ctx, tx, id)
	if errs.Code(err) == errs.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	if v.Status != Scheduled || v.OpensAt.After(s.clock.Now()) {
		return nil
	}
	return s.move(ctx, tx, auth.SystemPrincipal(), v, "open")
}

// closeDue is the closing job: an open vote whose time is up closes and is counted.
func (s *Service) closeDue(ctx context.Context, tx *db.Tx, id int64) error {
	v, err := s.vote(ctx, tx, id)
	if errs.Code(err) == errs.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	if v.Status == Scheduled && !v.ClosesAt.After(s.clock.Now()) {
		// Its opening job never ran (the server was down): open and close together.
		if err := s.move(ctx, tx, auth.SystemPrincipal(), v, "open"); err != nil && errs.Code(err) != errs.ECONFLICT {
			return err
		}
		if v, err = s.vote(ctx, tx, id); err != nil {
			return err
		}
	}
	if v.Status != Open || v.ClosesAt.After(s.clock.Now()) {
		return nil
	}
	return s.move(ctx, tx, auth.SystemPrincipal(), v, "close")
}

// Receipt is one published ballot.
type Receipt struct {
	Receipt string `json:"receipt"`
	Choice  string `json:"choice"`
}

// Receipts are a closed vote's published ballots, in receipt order, and
// its tally: anyone recounts the tally from the items.
type Receipts struct {
	Vote  int64          `json:"vote_id"`
	Items []Receipt      `json:"items"`
	Tally map[string]int `json:"tally"`
	Total int            `json:"total"`
}

// PublishedReceipts returns a closed vote's receipts to anyone; before it
// closes they are not published (409).
func (s *Service) PublishedReceipts(ctx context.Context, id int64) (Receipts, error) {
	v, err := s.PublicVote(ctx, id)
	if err != nil {
		return Receipts{}, err
	}
	if v.Status != Closed || v.Result == nil {
		return Receipts{}, errs.New(errs.ECONFLICT, "the vote has not closed; its receipts are published when it closes at %s",
			v.ClosesAt.In(clock.Shanghai).Format("2006-01-02 15:04"))
	}
	items, err := db.All(ctx, s.db, `SELECT receipt, choice FROM vote_ballots WHERE vote_id = ? ORDER BY receipt`, []any{id}, func(r db.Scanner) (Receipt, error) {
		var rc Receipt
		var c int
		err := r.Scan(&rc.Receipt, &c)
		if c >= 0 && c < len(v.Choices) {
			rc.Choice = v.Choices[c]
		}
		return rc, err
	})
	if err != nil {
		return Receipts{}, errs.Wrap(err, "receipts")
	}
	if items == nil {
		items = []Receipt{}
	}
	return Receipts{Vote: id, Items: items, Tally: v.Result.Tally, Total: len(items)}, nil
}

// FindReceipt reports whether a closed vote's published ballots hold
// receipt, and with which choice.
func (s *Service) FindReceipt(ctx context.Context, id int64, receipt string) (Receipt, bool, error) {
	v, err := s.PublicVote(ctx, id)
	if err != nil {
		return Receipt{}, false, err
	}
	if v.Status != Closed {
		return Receipt{}, false, errs.New(errs.ECONFLICT, "the vote has not closed; its receipts are published when it closes")
	}
	receipt = NormalReceipt(receipt)
	var c int
	err = s.db.QueryRow(ctx, `SELECT choice FROM vote_ballots WHERE vote_id = ? AND receipt = ?`, id, receipt).Scan(&c)
	if errors.Is(err, sql.ErrNoRows) {
		return Receipt{Receipt: receipt}, false, nil
	} else if err != nil {
		return Receipt{}, false, errs.Wrap(err, "receipt")
	}
	rc := Receipt{Receipt: receipt}
	if c >= 0 && c < len(v.Choices) {
		rc.Choice = v.Choices[c]
	}
	return rc, true, nil
}
