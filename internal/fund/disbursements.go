package fund

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// DisbursementInput proposes money out of a fund for a project.
type DisbursementInput struct {
	ProjectID int64  `json:"project_id"`
	AmountFen int64  `json:"amount_fen"`
	Note      string `json:"note,omitempty"`
}

// DisbursementFilter narrows a fund's disbursements.
type DisbursementFilter struct {
	Status  string
	Page    int
	PerPage int
}

const disbCols = `d.id, d.fund_id, d.project_id, pr.title, pr.status, pr.beneficiaries, d.amount_fen, d.note, d.status,
	d.proposed_by, d.proposed_by_name, d.proposed_at, d.decided_by_name, d.decided_at, d.reason,
	(SELECT e.id FROM fund_entries e WHERE e.disbursement_id = d.id), f.area_path`

const disbFrom = `fund_disbursements d JOIN funds f ON f.id = d.fund_id JOIN projects pr ON pr.id = d.project_id`

func scanDisbursement(r db.Scanner) (Disbursement, error) {
	var d Disbursement
	var proposer, entry sql.NullInt64
	var decided sql.NullTime
	err := r.Scan(&d.ID, &d.FundID, &d.ProjectID, &d.ProjectTitle, &d.ProjectStatus, &d.Beneficiaries, &d.AmountFen, &d.Note, &d.Status,
		&proposer, &d.ProposedBy, &d.ProposedAt, &d.DecidedBy, &decided, &d.Reason, &entry, &d.AreaPath)
	d.ProposedByID, d.EntryID = db.NullID(proposer), db.NullID(entry)
	if decided.Valid {
		t := decided.Time
		d.DecidedAt = &t
	}
	return d, err
}

// project is what a disbursement needs to know of a service project. The
// lists capability owns projects; the fund reads them in its own
// transaction so the check and the payout see the same row.
type project struct {
	id     int64
	title  string
	status string
	path   string
}

// payableProject checks that a project may be paid from the fund at
// fundPath: it exists, lies in the fund's area and is approved, running or
// done. An unknown or foreign project is bad input; an unapproved one a conflict.
func payableProject(ctx context.Context, q db.Querier, fundPath string, id int64) (project, error) {
	var pr project
	err := q.QueryRow(ctx, "SELECT id, title, status, area_path FROM projects WHERE id = ?", id).Scan(&pr.id, &pr.title, &pr.status, &pr.path)
	if errors.Is(err, sql.ErrNoRows) {
		return pr, errs.Invalid("project_id", "no project %d", id)
	} else if err != nil {
		return pr, errs.Wrap(err, "project")
	}
	if !strings.HasPrefix(pr.path, fundPath) {
		return pr, errs.Invalid("project_id", "project %d is not in this fund's area", id)
	}
	switch {
	case Payable(pr.status):
	case pr.status == "proposed":
		return pr, errs.New(errs.ECONFLICT, "project %d is not approved yet: a fund pays only approved, running or done projects", id)
	case pr.status == "cancelled":
		return pr, errs.New(errs.ECONFLICT, "project %d was cancelled: a fund pays only approved, running or done projects", id)
	default: // evaluated
		return pr, errs.New(errs.ECONFLICT, "project %d is evaluated and closed: a fund pays only approved, running or done projects", id)
	}
	return pr, nil
}

// overdraw is the conflict of asking more than the fund holds.
func overdraw(balance, amount int64) error {
	return errs.New(errs.ECONFLICT, "the fund holds %s yuan, less than the %s yuan asked", Yuan(balance), Yuan(amount))
}

// Propose proposes money out of a fund for a project (fund.write on the
// fund's area). It moves no money: a second person approves it.
func (s *Service) Propose(ctx context.Context, p *auth.Principal, fundID int64, in DisbursementInput) (Disbursement, error) {
	if _, err := s.fund(ctx, s.db, p, auth.FundWrite, fundID, false); err != nil {
		return Disbursement{}, err
	}
	var details []errs.Detail
	if in.ProjectID <= 0 {
		details = append(details, errs.D("project_id", "choose the project to pay"))
	}
	switch {
	case in.AmountFen <= 0:
		details = append(details, errs.D("amount_fen", "the amount must be more than zero"))
	case in.AmountFen > MaxAmountFen:
		details = append(details, errs.D("amount_fen", "the amount is more than %s yuan; check it", Yuan(MaxAmountFen)))
	}
	in.Note = strings.TrimSpace(in.Note)
	if len([]rune(in.Note)) > 500 {
		details = append(details, errs.D("note", "the note is at most 500 characters"))
	}
	if len(details) > 0 {
		return Disbursement{}, errs.Fields(details)
	}
	var d Disbursement
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		f, err := s.fund(ctx, tx, p, auth.FundWrite, fundID, false)
		if err != nil {
			return err
		}
		if _, err := payableProject(ctx, tx, f.AreaPath, in.ProjectID); err != nil {
			return err
		}
		if in.AmountFen > f.BalanceFen {
			return overdraw(f.BalanceFen, in.AmountFen)
		}
		now := s.clock.Now()
		by, name := p.Actor()
		id, err := db.InsertID(ctx, tx, `INSERT INTO fund_disbursements (fund_id, project_id, amount_fen, note, status, proposed_by, proposed_by_name, proposed_at)
			VALUES (?, ?, ?, ?, 'proposed', ?, ?, ?)`, f.ID, in.ProjectID, in.AmountFen, in.Note, by, name, now)
		if err != nil {
			return errs.Wrap(err, "insert disbursement")
		}
		if d, err = s.disbursement(ctx, tx, id, false); err != nil {
			return err
		}
		return record(ctx, tx, now, p, "propose", "fund_disbursement", id, f.AreaPath, nil, d)
	})
	return d, err
}

// disbursement reads one disbursement as stored, its row locked when asked.
func (s *Service) disbursement(ctx context.Context, q db.Querier, id int64, lock bool) (Disbursement, error) {
	query := "SELECT " + disbCols + " FROM " + disbFrom + " WHERE d.id = ?"
	if lock {
		query += q.D().ForUpdate("d")
	}
	d, err := scanDisbursement(q.QueryRow(ctx, query, id))
	if err != nil {
		return Disbursement{}, db.NotFound(err, "disbursement")
	}
	return d, nil
}

// Disbursement returns one disbursement; outside p's scope it is not found.
func (s *Service) Disbursement(ctx context.Context, p *auth.Principal, id int64) (Disbursement, error) {
	if err := auth.AuthorizeAny(p, auth.FundRead); err != nil {
		return Disbursement{}, hide(err, "disbursement")
	}
	d, err := s.disbursement(ctx, s.db, id, false)
	if err != nil {
		return Disbursement{}, err
	}
	return d, authorize(p, auth.FundRead, d.AreaPath, "disbursement")
}

// Disbursements is one page of a fund's disbursements, newest first.
func (s *Service) Disbursements(ctx context.Context, p *auth.Principal, fundID int64, f DisbursementFilter) (db.Listed[Disbursement], error) {
	if _, err := s.fund(ctx, s.db, p, auth.FundRead, fundID, false); err != nil {
		return db.Listed[Disbursement]{}, err
	}
	var w db.Where
	w.And("d.fund_id = ?", fundID)
	if f.Status != "" {
		ok := false
		for _, st := range DisbursementStatuses {
			ok = ok || st == f.Status
		}
		if !ok {
			return db.Listed[Disbursement]{}, errs.Invalid("status", "status must be proposed, approved, rejected or reversed")
		}
		w.And("d.status = ?", f.Status)
	}
	limit, offset := auth.Paging(f.Page, f.PerPage)
	l, err := db.List(ctx, s.db, db.Page{Cols: disbCols, From: disbFrom, Where: w, Order: "d.id DESC", Limit: limit, Offset: offset}, scanDisbursement)
	return l, errs.Wrap(err, "list disbursements")
}

// decide runs one decision on a proposed disbursement in a transaction: the
// fund's row is locked first (every change of a fund's money takes that
// lock before anything else), then the disbursement is read again.
func (s *Service) decide(ctx context.Context, p *auth.Principal, id int64, action string, perm func(Disbursement) error,
	apply func(tx *db.Tx, f Fund, d Disbursement) error) (Disbursement, error) {
	first, err := s.Disbursement(ctx, p, id)
	if err != nil {
		return Disbursement{}, err
	}
	var out Disbursement
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		f, err := s.fund(ctx, tx, p, auth.FundRead, first.FundID, true)
		if err != nil {
			return err
		}
		d, err := s.disbursement(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if err := perm(d); err != nil {
			return err
		}
		if d.Status != Proposed {
			return errs.New(errs.ECONFLICT, "disbursement %d is already %s", d.ID, d.Status)
		}
		if err := apply(tx, f, d); err != nil {
			return err
		}
		if out, err = s.disbursement(ctx, tx, id, false); err != nil {
			return err
		}
		return record(ctx, tx, s.clock.Now(), p, action, "fund_disbursement", id, f.AreaPath, d, out)
	})
	return out, err
}

// Approve pays a proposed disbursement out (fund.approve on the fund's
// area), by someone other than who proposed it. It is a conflict when the
// project is no longer payable or the fund holds less than the amount; the
// balance is read under the fund's row lock, so of many approvals at once
// exactly those the money covers succeed.
func (s *Service) Approve(ctx context.Context, p *auth.Principal, id int64) (Disbursement, error) {
	perm := func(d Disbursement) error {
		if err := auth.Authorize(p, auth.FundApprove, d.AreaPath); err != nil {
			return err
		}
		if d.ProposedByID != nil && p.UserID != 0 && *d.ProposedByID == p.UserID {
			return errs.New(errs.EFORBIDDEN, "you proposed this disbursement: a second person approves it")
		}
		return nil
	}
	return s.decide(ctx, p, id, "approve", perm, func(tx *db.Tx, f Fund, d Disbursement) error {
		if _, err := payableProject(ctx, tx, f.AreaPath, d.ProjectID); err != nil {
			if errs.Code(err) == errs.EINVALID {
				return errs.New(errs.ECONFLICT, "project %d can no longer be paid from this fund", d.ProjectID)
			}
			return err
		}
		if d.AmountFen > f.BalanceFen {
			return overdraw(f.BalanceFen, d.AmountFen)
		}
		now := s.clock.Now()
		by, name := p.Actor()
		if _, err := tx.Exec(ctx, `UPDATE fund_disbursements SET status = 'approved', decided_by = ?, decided_by_name = ?, decided_at = ?
			WHERE id = ? AND status = 'proposed'`, by, name, now, d.ID); err != nil {
			return errs.Wrap(err, "approve disbursement")
		}
		note := d.Note
		if note == "" {
			note = d.ProjectTitle
		}
		_, err := tx.Exec(ctx, `INSERT INTO fund_entries (fund_id, direction, source, amount_fen, received_on, note, project_id, disbursement_id,
			created_by, created_by_name, created_at) VALUES (?, 'out', '', ?, ?, ?, ?, ?, ?, ?, ?)`,
			d.FundID, d.AmountFen, s.today(), note, d.ProjectID, d.ID, by, name, now)
		if errs.Code(err) == errs.EINVALID { // the balance CHECK: never reached after the check above
			return overdraw(f.BalanceFen, d.AmountFen)
		}
		return errs.Wrap(err, "insert payout")
	})
}

// Reject turns a proposed disbursement down with a reason: someone who may
// approve it, or whoever proposed it (withdrawing it). No money moves.
func (s *Service) Reject(ctx context.Context, p *auth.Principal, id int64, reason string) (Disbursement, error) {
	reason = strings.TrimSpace(reason)
	if len([]rune(reason)) > 500 {
		return Disbursement{}, errs.Invalid("reason", "the reason is at most 500 characters")
	}
	perm := func(d Disbursement) error {
		err := auth.Authorize(p, auth.FundApprove, d.AreaPath)
		own := d.ProposedByID != nil && p.UserID != 0 && *d.ProposedByID == p.UserID
		if err != nil && own {
			err = auth.Authorize(p, auth.FundWrite, d.AreaPath)
		}
		return err
	}
	return s.decide(ctx, p, id, "reject", perm, func(tx *db.Tx, f Fund, d Disbursement) error {
		by, name := p.Actor()
		_, err := tx.Exec(ctx, `UPDATE fund_disbursements SET status = 'rejected', decided_by = ?, decided_by_name = ?, decided_at = ?, reason = ?
			WHERE id = ? AND status = 'proposed'`, by, name, s.clock.Now(), reason, d.ID)
		return errs.Wrap(err, "reject disbursement")
	})
}

// PayableProject is a project a fund may pay, for the proposal form.
type PayableProject struct {
	ID            int64  `json:"id"`
	Title         string `json:"title"`
	Status        string `json:"status"`
	Beneficiaries int    `json:"beneficiaries"`
	BudgetFen     int64  `json:"budget_fen"`
	PaidFen       int64  `json:"paid_fen"` // net already paid from this fund
}

// PayableProjects lists the projects in a fund's area it may pay (at most
// 200, newest first), with what this fund has paid each so far.
func (s *Service) PayableProjects(ctx context.Context, p *auth.Principal, fundID int64) ([]PayableProject, error) {
	f, err := s.fund(ctx, s.db, p, auth.FundRead, fundID, false)
	if err != nil {
		return nil, err
	}
	cond, arg := area.Subtree(s.db.Dialect, "pr.area_path", f.AreaPath)
	out, err := db.All(ctx, s.db, `SELECT pr.id, pr.title, pr.status, pr.beneficiaries, pr.budget_fen,
		COALESCE((SELECT sum(CASE WHEN e.direction = 'out' THEN e.amount_fen ELSE -e.amount_fen END) FROM fund_entries e
			WHERE e.project_id = pr.id AND e.fund_id = ?), 0)
		FROM projects pr WHERE `+cond+` AND pr.status IN ('approved', 'running', 'done') ORDER BY pr.id DESC LIMIT 200`,
		[]any{f.ID, arg}, func(r db.Scanner) (PayableProject, error) {
			var x PayableProject
			err := r.Scan(&x.ID, &x.Title, &x.Status, &x.Beneficiaries, &x.BudgetFen, &x.PaidFen)
			return x, err
		})
	return out, errs.Wrap(err, "payable projects")
}
