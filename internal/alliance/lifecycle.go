package alliance

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// A member leaves an alliance (退出) and a commitment is edited while open
// and closed as kept or not kept. Nothing is deleted: a former member stays
// in the record with the day and the reason, and its commitments stay with
// what was done against them.

// change writes an audit row with what was before and after.
func change(ctx context.Context, tx *db.Tx, now time.Time, p *auth.Principal, action string, a Alliance, before, after any) error {
	return auth.Record(ctx, tx, now, p, auth.Change{Action: action, Entity: "alliance", EntityID: strconv.FormatInt(a.ID, 10),
		AreaPath: a.AreaPath, Before: before, After: after})
}

// day reads an optional date field that defaults to today and may not be
// after it.
func day(ds *[]errs.Detail, field, v, today string) string {
	if strings.TrimSpace(v) == "" {
		return today
	}
	d, err := Day(field, v)
	if err != nil {
		*ds = append(*ds, errs.DetailsOf(err)...)
		return v
	}
	if v = d.Format(time.DateOnly); v > today {
		*ds = append(*ds, errs.D(field, "the date may not be after today"))
	}
	return v
}

// LeaveInput ends a membership: the day (today when left out, not after
// it, not before the member joined) and why.
type LeaveInput struct {
	LeftOn string `json:"left_on,omitempty"`
	Reason string `json:"reason"`
}

// Leave ends member mid's membership of its alliance (alliance.write on the
// alliance's area, as AddMember). The member stays in the record as a
// former member; ending a membership that has ended is a conflict.
func (s *Service) Leave(ctx context.Context, p *auth.Principal, mid int64, in LeaveInput) (Member, error) {
	var ds []errs.Detail
	in.Reason = text(&ds, "reason", in.Reason, 500)
	need(&ds, "reason", in.Reason, errs.D("reason", "say why the member leaves"))
	now := s.clock.Now()
	in.LeftOn = day(&ds, "left_on", in.LeftOn, now.In(clock.Shanghai).Format(time.DateOnly))
	if len(ds) > 0 {
		return Member{}, errs.Fields(ds)
	}
	var m Member
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var aid int64
		var err error
		row := tx.QueryRow(ctx, `SELECT alliance_id, `+memberCols+` FROM alliance_members WHERE id = ?`+s.db.Dialect.ForUpdate("alliance_members"), mid)
		if err := row.Scan(&aid, &m.ID, &m.Kind, &m.Name, new(sql.NullInt64), &m.Duty, &m.Place, &m.JoinedOn, &m.LeftOn, &m.LeftReason); err == sql.ErrNoRows {
			return errs.New(errs.ENOTFOUND, "member not found")
		} else if err != nil {
			return errs.Wrap(err, "member")
		}
		a, err := s.writable(ctx, tx, p, aid)
		if errs.Code(err) == errs.ENOTFOUND {
			return errs.New(errs.ENOTFOUND, "member not found")
		} else if err != nil {
			return err
		}
		if m.LeftOn != "" {
			return errs.New(errs.ECONFLICT, "%s left the alliance on %s", m.Name, m.LeftOn)
		}
		if in.LeftOn < m.JoinedOn {
			return errs.Invalid("left_on", "a member leaves on or after the day it joined (%s)", m.JoinedOn)
		}
		res, err := tx.Exec(ctx, `UPDATE alliance_members SET left_on = ?, left_reason = ? WHERE id = ? AND left_on IS NULL`, in.LeftOn, in.Reason, mid)
		if err != nil {
			return errs.Wrap(err, "leave")
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.New(errs.ECONFLICT, "%s left the alliance on %s", m.Name, in.LeftOn)
		}
		before := map[string]any{"member": mid, "name": m.Name, "left_on": nil}
		m.LeftOn, m.LeftReason = in.LeftOn, in.Reason
		return change(ctx, tx, now, p, "member_left", a, before, map[string]any{"member": mid, "name": m.Name, "left_on": in.LeftOn, "reason": in.Reason})
	})
	if err != nil {
		return Member{}, err
	}
	return m, nil
}

// writableCommitment loads commitment cid in tx, locked, with its alliance
// for a change p makes (alliance.write); a commitment p may not read is
// not found.
func (s *Service) writableCommitment(ctx context.Context, tx *db.Tx, p *auth.Principal, cid int64) (Commitment, Alliance, error) {
	var aid int64
	var c Commitment
	row := tx.QueryRow(ctx, `SELECT c.alliance_id, `+commitmentCols+` FROM alliance_commitments c JOIN alliance_members m ON m.id = c.member_id
		WHERE c.id = ?`+s.db.Dialect.ForUpdate("c"), cid)
	if err := row.Scan(&aid, &c.ID, &c.MemberID, &c.Member, &c.MemberLeft, &c.Text, &c.Target, &c.DueOn, &c.DoneOn, &c.NotKeptOn, &c.CloseNote); err == sql.ErrNoRows {
		return c, Alliance{}, errs.New(errs.ENOTFOUND, "commitment not found")
	} else if err != nil {
		return c, Alliance{}, errs.Wrap(err, "commitment")
	}
	c.Status = Status(c.DoneOn, c.NotKeptOn)
	a, err := s.writable(ctx, tx, p, aid)
	if errs.Code(err) == errs.ENOTFOUND {
		return c, a, errs.New(errs.ENOTFOUND, "commitment not found")
	}
	return c, a, err
}

// stillOpen refuses a change to a closed commitment.
func stillOpen(c Commitment) error {
	switch c.Status {
	case StatusKept:
		return errs.New(errs.ECONFLICT, "this commitment was closed as kept on %s; it is not changed any more", c.DoneOn)
	case StatusNotKept:
		return errs.New(errs.ECONFLICT, "this commitment was closed as not kept on %s; it is not changed any more", c.NotKeptOn)
	}
	return nil
}

// CommitmentEdit changes an open commitment; absent fields stay as they are.
type CommitmentEdit struct {
	Text   *string `json:"text,omitempty"`
	Target *string `json:"target,omitempty"`
	DueOn  *string `json:"due_on,omitempty"`
}

// EditCommitment changes the text, target or due date of open commitment
// cid (alliance.write on its alliance's area); the audit row keeps the
// fields before and after. A closed commitment is not edited (409). An
// edit that changes nothing writes nothing.
func (s *Service) EditCommitment(ctx context.Context, p *auth.Principal, cid int64, in CommitmentEdit) (Commitment, error) {
	var ds []errs.Detail
	if in.Text != nil {
		v := text(&ds, "text", *in.Text, 1000)
		need(&ds, "text", v, errs.D("text", "write what the member commits to"))
		in.Text = &v
	}
	if in.Target != nil {
		v := text(&ds, "target", *in.Target, 500)
		in.Target = &v
	}
	if in.DueOn != nil {
		if d, err := Day("due_on", *in.DueOn); err != nil {
			ds = append(ds, errs.DetailsOf(err)...)
		} else {
			v := d.Format(time.DateOnly)
			in.DueOn = &v
		}
	}
	if in.Text == nil && in.Target == nil && in.DueOn == nil {
		ds = append(ds, errs.D("text", "change the text, the target or the due date"))
	}
	if len(ds) > 0 {
		return Commitment{}, errs.Fields(ds)
	}
	now := s.clock.Now()
	var c Commitment
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var a Alliance
		var err error
		if c, a, err = s.writableCommitment(ctx, tx, p, cid); err != nil {
			return err
		}
		if err := stillOpen(c); err != nil {
			return err
		}
		before, after := map[string]any{"commitment": cid}, map[string]any{"commitment": cid}
		for _, f := range []struct {
			name string
			to   *string
			cur  *string
		}{{"text", in.Text, &c.Text}, {"target", in.Target, &c.Target}, {"due_on", in.DueOn, &c.DueOn}} {
			if f.to != nil && *f.to != *f.cur {
				before[f.name], after[f.name] = *f.cur, *f.to
				*f.cur = *f.to
			}
		}
		if len(after) == 1 {
			return nil // nothing changed
		}
		if _, err := tx.Exec(ctx, `UPDATE alliance_commitments SET text = ?, target = ?, due_on = ? WHERE id = ? AND done_on IS NULL AND not_kept_on IS NULL`,
			c.Text, c.Target, c.DueOn, cid); err != nil {
			return errs.Wrap(err, "edit commitment")
		}
		return change(ctx, tx, now, p, "commitment_edit", a, before, after)
	})
	if err != nil {
		return Commitment{}, err
	}
	return s.commitment(ctx, cid)
}

// CloseInput closes a commitment: kept or not_kept, a note saying why, and
// the day (today when left out, not after it).
type CloseInput struct {
	Outcome  string `json:"outcome"`
	Note     string `json:"note"`
	ClosedOn string `json:"closed_on,omitempty"`
}

// CloseCommitment closes open commitment cid as kept or not kept with a
// note (alliance.write on its alliance's area). What was done against it
// stays; a closed commitment is not closed again (409).
func (s *Service) CloseCommitment(ctx context.Context, p *auth.Principal, cid int64, in CloseInput) (Commitment, error) {
	var ds []errs.Detail
	if !oneOf(in.Outcome, Outcomes) {
		ds = append(ds, errs.D("outcome", "close the commitment as kept or not kept"))
	}
	in.Note = text(&ds, "note", in.Note, 2000)
	need(&ds, "note", in.Note, errs.D("note", "say how the commitment ends"))
	now := s.clock.Now()
	in.ClosedOn = day(&ds, "closed_on", in.ClosedOn, now.In(clock.Shanghai).Format(time.DateOnly))
	if len(ds) > 0 {
		return Commitment{}, errs.Fields(ds)
	}
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		c, a, err := s.writableCommitment(ctx, tx, p, cid)
		if err != nil {
			return err
		}
		if err := stillOpen(c); err != nil {
			return err
		}
		col := "done_on"
		if in.Outcome == StatusNotKept {
			col = "not_kept_on"
		}
		if _, err := tx.Exec(ctx, `UPDATE alliance_commitments SET `+col+` = ?, close_note = ? WHERE id = ? AND done_on IS NULL AND not_kept_on IS NULL`,
			in.ClosedOn, in.Note, cid); err != nil {
			return errs.Wrap(err, "close commitment")
		}
		return change(ctx, tx, now, p, "commitment_close", a, map[string]any{"commitment": cid, "status": StatusOpen},
			map[string]any{"commitment": cid, "status": in.Outcome, "closed_on": in.ClosedOn, "note": in.Note})
	})
	if err != nil {
		return Commitment{}, err
	}
	return s.commitment(ctx, cid)
}

// commitment reads commitment cid with what was done against it, for the
// answer to a change its caller was allowed to make.
func (s *Service) commitment(ctx context.Context, cid int64) (Commitment, error) {
	today := s.clock.Now().In(clock.Shanghai).Format(time.DateOnly)
	c, err := scanCommitment(today)(s.db.QueryRow(ctx, `SELECT `+commitmentCols+` FROM alliance_commitments c JOIN alliance_members m ON m.id = c.member_id WHERE c.id = ?`, cid))
	if err != nil {
		return c, errs.Wrap(err, "commitment")
	}
	c.Progress, err = db.All(ctx, s.db, `SELECT note, done_on, by_name FROM alliance_progress WHERE commitment_id = ? ORDER BY done_on, id`, []any{cid},
		func(r db.Scanner) (Progress, error) {
			var p Progress
			return p, r.Scan(&p.Note, &p.DoneOn, &p.By)
		})
	return c, errs.Wrap(err, "progress")
}
