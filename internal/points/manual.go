package points

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// Manual item statuses.
const (
	Proposed = "proposed"
	Approved = "approved"
	Rejected = "rejected"
)

// ManualInput proposes manual points for a member: a study session, an
// organisational-life meeting, a pioneer bonus or a deduction, with the
// evidence a second person checks. The points come from the rules.
type ManualInput struct {
	MemberID   int64     `json:"member_id"`
	Module     string    `json:"module"` // study, org_life, pioneer, deduction
	OccurredAt time.Time `json:"occurred_at"`
	Evidence   string    `json:"evidence"` // what happened and where to check it: minutes, sign-in sheet, photos' place
}

// ManualItem is a proposed, approved or rejected manual item.
type ManualItem struct {
	ID           int64      `json:"id"`
	MemberID     int64      `json:"member_id"`
	Member       string     `json:"member"`
	Kind         string     `json:"kind"`
	Module       string     `json:"module"`
	OccurredAt   time.Time  `json:"occurred_at"`
	Evidence     string     `json:"evidence"`
	Status       string     `json:"status"`
	ProposedBy   string     `json:"proposed_by"`
	ProposedAt   time.Time  `json:"proposed_at"`
	DecidedBy    string     `json:"decided_by"`
	DecidedAt    *time.Time `json:"decided_at"`
	DecisionNote string     `json:"decision_note"`
	proposerID   *int64
	areaPath     string
}

// DecisionInput approves or rejects a manual item; a rejection says why.
type DecisionInput struct {
	Note string `json:"note,omitempty"`
}

const manualCols = `pm.id, pm.member_id, m.name, m.kind, pm.module, pm.occurred_at, pm.evidence, pm.status, pm.proposed_by, pm.proposed_by_name, pm.proposed_at,
	pm.decided_by_name, pm.decided_at, pm.decision_note, pm.area_path`

const manualFrom = "points_manual pm JOIN members m ON m.id = pm.member_id"

func scanManual(sc db.Scanner) (ManualItem, error) {
	var it ManualItem
	var by sql.NullInt64
	var at sql.NullTime
	err := sc.Scan(&it.ID, &it.MemberID, &it.Member, &it.Kind, &it.Module, &it.OccurredAt, &it.Evidence, &it.Status, &by, &it.ProposedBy, &it.ProposedAt,
		&it.DecidedBy, &at, &it.DecisionNote, &it.areaPath)
	it.proposerID, it.DecidedAt = db.NullID(by), nullTime(at)
	return it, err
}

// memberPath reads a member's organisation area, hidden outside perm's scope.
func memberPath(ctx context.Context, q db.Querier, p *auth.Principal, perm auth.Perm, id int64) (string, error) {
	var path string
	err := q.QueryRow(ctx, "SELECT area_path FROM members WHERE id = ?", id).Scan(&path)
	if err != nil {
		return "", db.NotFound(err, "member")
	}
	if err := hide(auth.Authorize(p, auth.PointsRead, path), "member"); err != nil {
		return "", err
	}
	return path, auth.Authorize(p, perm, path)
}

// Propose proposes manual points (points.propose on the member's
// organisation's area). No points move until another person approves.
func (s *Service) Propose(ctx context.Context, p *auth.Principal, in ManualInput) (ManualItem, error) {
	if err := auth.AuthorizeAny(p, auth.PointsPropose); err != nil {
		return ManualItem{}, err
	}
	in.Evidence = strings.TrimSpace(in.Evidence)
	var d []errs.Detail
	if in.MemberID <= 0 {
		d = append(d, errs.D("member_id", "choose the member"))
	}
	if !Manual(in.Module) || !validModule(in.Module) {
		d = append(d, errs.D("module", "the module must be study, org_life, pioneer or deduction: service points come only from check-outs"))
	}
	switch n := len([]rune(in.Evidence)); {
	case n < 4:
		d = append(d, errs.D("evidence", "say what happened and where to check it (at least 4 characters)"))
	case n > 1000:
		d = append(d, errs.D("evidence", "the evidence is at most 1000 characters"))
	}
	now := s.clock.Now()
	switch {
	case in.OccurredAt.IsZero():
		d = append(d, errs.D("occurred_at", "give when it happened"))
	case in.OccurredAt.After(now):
		d = append(d, errs.D("occurred_at", "it cannot be in the future"))
	}
	if len(d) > 0 {
		return ManualItem{}, errs.Fields(d)
	}
	var out ManualItem
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		path, err := memberPath(ctx, tx, p, auth.PointsPropose, in.MemberID)
		if err != nil {
			return err
		}
		by, name := p.Actor()
		id, err := db.InsertID(ctx, tx, `INSERT INTO points_manual (member_id, module, occurred_at, evidence, area_path, status, proposed_by, proposed_by_name, proposed_at)
			VALUES (?, ?, ?, ?, ?, 'proposed', ?, ?, ?)`, in.MemberID, in.Module, in.OccurredAt, in.Evidence, path, by, name, now)
		if err != nil {
			return errs.Wrap(err, "insert manual points")
		}
		if out, err = manual(ctx, tx, id, false); err != nil {
			return err
		}
		return record(ctx, tx, now, p, "propose", "points_manual", id, path, nil, out)
	})
	return out, err
}

// Proposer reports whether p proposed the item (and so may not decide it).
func (it ManualItem) Proposer(p *auth.Principal) bool {
	by, _ := p.Actor()
	return by != nil && it.proposerID != nil && *by == *it.proposerID
}

func validModule(m string) bool {
	for _, x := range Modules {
		if x == m {
			return true
		}
	}
	return false
}

func manual(ctx context.Context, q db.Querier, id int64, lock bool) (ManualItem, error) {
	query := "SELECT " + manualCols + " FROM " + manualFrom + " WHERE pm.id = ?"
	if lock {
		query += q.D().ForUpdate("pm")
	}
	it, err := scanManual(q.QueryRow(ctx, query, id))
	if err != nil {
		return ManualItem{}, db.NotFound(err, "manual points")
	}
	return it, nil
}

// Decide approves or rejects a proposed item (points.approve on the
// member's organisation's area), by a person other than the proposer. An
// approval recomputes the member's year under the published rules in the
// same transaction.
func (s *Service) Decide(ctx context.Context, p *auth.Principal, id int64, approve bool, in DecisionInput) (ManualItem, error) {
	in.Note = strings.TrimSpace(in.Note)
	if !approve && in.Note == "" {
		return ManualItem{}, errs.Invalid("note", "say why it is rejected")
	}
	if len([]rune(in.Note)) > 500 {
		return ManualItem{}, errs.Invalid("note", "the note is at most 500 characters")
	}
	var out ManualItem
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		it, err := manual(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if err := hide(auth.Authorize(p, auth.PointsRead, it.areaPath), "manual points"); err != nil {
			return err
		}
		if err := auth.Authorize(p, auth.PointsApprove, it.areaPath); err != nil {
			return err
		}
		switch it.Status {
		case Approved:
			return errs.New(errs.ECONFLICT, "these points were already approved")
		case Rejected:
			return errs.New(errs.ECONFLICT, "these points were already rejected")
		}
		if it.Proposer(p) {
			return errs.New(errs.ECONFLICT, "you proposed these points: another person approves them")
		}
		now := s.clock.Now()
		by, name := p.Actor()
		status := Rejected
		if approve {
			status = Approved
		}
		if _, err := tx.Exec(ctx, "UPDATE points_manual SET status = ?, decided_by = ?, decided_by_name = ?, decided_at = ?, decision_note = ? WHERE id = ?",
			status, by, name, now, in.Note, id); err != nil {
			return errs.Wrap(err, "decide")
		}
		if approve {
			if _, err := s.recomputeMember(ctx, tx, Year(it.OccurredAt), it.MemberID); err != nil {
				return err
			}
		}
		if out, err = manual(ctx, tx, id, false); err != nil {
			return err
		}
		return record(ctx, tx, now, p, status[:len(status)-1], "points_manual", id, it.areaPath, it, out)
	})
	return out, err
}

// ManualFilter narrows the manual items.
type ManualFilter struct {
	Status  string // proposed (the approval queue), approved, rejected; "" all
	Member  int64
	Page    int
	PerPage int
}

// ManualItems lists manual items in p's points.read scope, oldest proposed first.
func (s *Service) ManualItems(ctx context.Context, p *auth.Principal, f ManualFilter) (db.Listed[ManualItem], error) {
	if err := auth.AuthorizeAny(p, auth.PointsRead); err != nil {
		return db.Listed[ManualItem]{}, err
	}
	var w db.Where
	cond, args := auth.ScopeSQL(s.db.D(), p, auth.PointsRead, "pm.area_path")
	w.And(cond, args...)
	switch f.Status {
	case "":
	case Proposed, Approved, Rejected:
		w.And("pm.status = ?", f.Status)
	default:
		return db.Listed[ManualItem]{}, errs.Invalid("status", "status must be proposed, approved or rejected")
	}
	if f.Member != 0 {
		w.And("pm.member_id = ?", f.Member)
	}
	limit, offset := auth.Paging(f.Page, f.PerPage)
	l, err := db.List(ctx, s.db, db.Page{Cols: manualCols, From: manualFrom, Where: w, Order: "pm.proposed_at, pm.id", Limit: limit, Offset: offset}, scanManual)
	if l.Items == nil {
		l.Items = []ManualItem{}
	}
	return l, errs.Wrap(err, "manual points")
}
