package fund

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// EntryInput records money into a fund. Money goes out only through an
// approved disbursement, and a correction is a reversal (Reverse).
type EntryInput struct {
	Direction  string `json:"direction"`
	Source     string `json:"source"`
	AmountFen  int64  `json:"amount_fen"`
	DonorName  string `json:"donor_name,omitempty"`
	UnitID     *int64 `json:"unit_id,omitempty"`
	ShowName   bool   `json:"show_name,omitempty"`
	ReceivedOn string `json:"received_on,omitempty"`
	Note       string `json:"note,omitempty"`
}

// EntryFilter narrows a fund's ledger.
type EntryFilter struct {
	Direction string
	Source    string
	Page      int
	PerPage   int
}

const entryCols = `e.id, e.fund_id, e.direction, e.source, e.amount_fen, e.donor_name, e.unit_id, e.show_name, e.received_on, e.note,
	e.project_id, COALESCE(pr.title, ''), e.disbursement_id, e.reverses_id, (SELECT r.id FROM fund_entries r WHERE r.reverses_id = e.id),
	e.created_by_name, e.created_at, f.area_path`

const entryFrom = `fund_entries e JOIN funds f ON f.id = e.fund_id LEFT JOIN projects pr ON pr.id = e.project_id`

func scanEntry(r db.Scanner) (Entry, error) {
	var e Entry
	var source string
	var unit, project, disb, reverses, reversedBy sql.NullInt64
	err := r.Scan(&e.ID, &e.FundID, &e.Direction, &source, &e.AmountFen, &e.DonorName, &unit, &e.ShowName, &e.ReceivedOn, &e.Note,
		&project, &e.ProjectTitle, &disb, &reverses, &reversedBy, &e.CreatedBy, &e.CreatedAt, &e.AreaPath)
	if source != "" {
		e.Source = &source
	}
	e.UnitID, e.ProjectID, e.DisbursementID, e.ReversesID, e.ReversedBy = db.NullID(unit), db.NullID(project), db.NullID(disb), db.NullID(reverses), db.NullID(reversedBy)
	if e.Donation() {
		e.ReceiptNo = ReceiptNo(e.FundID, e.ID)
	}
	return e, err
}

// validIn checks money in, collecting every field at fault, and fills the
// defaults: today's date and, for a unit, the unit's name.
func (s *Service) validIn(ctx context.Context, q db.Querier, in *EntryInput) error {
	var details []errs.Detail
	bad := func(field, format string, args ...any) { details = append(details, errs.D(field, format, args...)) }
	switch in.Direction {
	case In:
	case Out:
		bad("direction", "money goes out only through a disbursement a second person approves")
	default:
		bad("direction", "direction must be in")
	}
	if !ValidSource(in.Source) {
		bad("source", "source must be government, unit or resident")
	}
	switch {
	case in.AmountFen <= 0:
		bad("amount_fen", "the amount must be more than zero")
	case in.AmountFen > MaxAmountFen:
		bad("amount_fen", "the amount is more than %s yuan; check it", Yuan(MaxAmountFen))
	}
	in.DonorName, in.Note = strings.TrimSpace(in.DonorName), strings.TrimSpace(in.Note)
	if in.UnitID != nil {
		if in.Source != Unit {
			bad("unit_id", "only money from a unit names a unit")
		} else {
			var name string
			err := q.QueryRow(ctx, "SELECT name FROM units WHERE id = ?", *in.UnitID).Scan(&name)
			if errors.Is(err, sql.ErrNoRows) {
				bad("unit_id", "no unit %d", *in.UnitID)
			} else if err != nil {
				return errs.Wrap(err, "donor unit")
			} else if in.DonorName == "" {
				in.DonorName = name
			}
		}
	}
	switch {
	case len([]rune(in.DonorName)) > 100:
		bad("donor_name", "the donor's name is at most 100 characters")
	case in.DonorName == "" && in.Source != Resident && ValidSource(in.Source):
		bad("donor_name", "name who gave the money")
	case in.DonorName == "" && in.ShowName:
		bad("donor_name", "a donor shown by name needs a name")
	}
	if len([]rune(in.Note)) > 500 {
		bad("note", "the note is at most 500 characters")
	}
	today := s.today()
	if in.ReceivedOn == "" {
		in.ReceivedOn = today
	} else if _, err := time.Parse(time.DateOnly, in.ReceivedOn); err != nil {
		bad("received_on", "received_on must be a date such as 2026-11-30")
	} else if in.ReceivedOn > today {
		bad("received_on", "the money cannot arrive after today")
	}
	if len(details) > 0 {
		return errs.Fields(details)
	}
	return nil
}

// RecordIn writes money into a fund (fund.write on its area).
func (s *Service) RecordIn(ctx context.Context, p *auth.Principal, fundID int64, in EntryInput) (Entry, error) {
	if _, err := s.fund(ctx, s.db, p, auth.FundWrite, fundID, false); err != nil {
		return Entry{}, err
	}
	if err := s.validIn(ctx, s.db, &in); err != nil {
		return Entry{}, err
	}
	var e Entry
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		f, err := s.fund(ctx, tx, p, auth.FundWrite, fundID, true)
		if err != nil {
			return err
		}
		now := s.clock.Now()
		by, name := p.Actor()
		id, err := db.InsertID(ctx, tx, `INSERT INTO fund_entries (fund_id, direction, source, amount_fen, donor_name, unit_id, show_name, received_on, note,
			created_by, created_by_name, created_at) VALUES (?, 'in', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			f.ID, in.Source, in.AmountFen, in.DonorName, in.UnitID, in.ShowName, in.ReceivedOn, in.Note, by, name, now)
		if err != nil {
			return errs.Wrap(err, "insert entry")
		}
		if e, err = s.entry(ctx, tx, id); err != nil {
			return err
		}
		return record(ctx, tx, now, p, "record_in", "fund_entry", id, f.AreaPath, nil, e)
	})
	return e, err
}

// entry reads one entry as stored.
func (s *Service) entry(ctx context.Context, q db.Querier, id int64) (Entry, error) {
	e, err := scanEntry(q.QueryRow(ctx, "SELECT "+entryCols+" FROM "+entryFrom+" WHERE e.id = ?", id))
	if err != nil {
		return Entry{}, db.NotFound(err, "entry")
	}
	return e, nil
}

// Entry returns one ledger entry; outside p's scope it is not found.
func (s *Service) Entry(ctx context.Context, p *auth.Principal, id int64) (Entry, error) {
	if err := auth.AuthorizeAny(p, auth.FundRead); err != nil {
		return Entry{}, hide(err, "entry")
	}
	e, err := s.entry(ctx, s.db, id)
	if err != nil {
		return Entry{}, err
	}
	return e, authorize(p, auth.FundRead, e.AreaPath, "entry")
}

// Entries is one page of a fund's ledger, newest first.
func (s *Service) Entries(ctx context.Context, p *auth.Principal, fundID int64, f EntryFilter) (db.Listed[Entry], error) {
	if _, err := s.fund(ctx, s.db, p, auth.FundRead, fundID, false); err != nil {
		return db.Listed[Entry]{}, err
	}
	var w db.Where
	w.And("e.fund_id = ?", fundID)
	switch f.Direction {
	case "":
	case In, Out:
		w.And("e.direction = ?", f.Direction)
	default:
		return db.Listed[Entry]{}, errs.Invalid("direction", "direction must be in or out")
	}
	if f.Source != "" {
		if !ValidSource(f.Source) {
			return db.Listed[Entry]{}, errs.Invalid("source", "source must be government, unit or resident")
		}
		w.And("e.source = ?", f.Source)
	}
	limit, offset := auth.Paging(f.Page, f.PerPage)
	l, err := db.List(ctx, s.db, db.Page{Cols: entryCols, From: entryFrom, Where: w, Order: "e.id DESC", Limit: limit, Offset: offset}, scanEntry)
	return l, errs.Wrap(err, "list entries")
}

// EachEntry streams a fund's whole ledger, oldest first, for exports.
func (s *Service) EachEntry(ctx context.Context, p *auth.Principal, fundID int64, fn func(Entry) error) error {
	if _, err := s.fund(ctx, s.db, p, auth.FundRead, fundID, false); err != nil {
		return err
	}
	return db.Each(ctx, s.db, "SELECT "+entryCols+" FROM "+entryFrom+" WHERE e.fund_id = ? ORDER BY e.id", []any{fundID},
		func(r db.Scanner) (Entry, error) {
			e, err := scanEntry(r)
			return e, errs.Wrap(err, "export entries")
		}, fn)
}

// Reverse corrects an entry by a new one that cancels it: the same amount
// the other way, pointing at it. Money in is reversed with fund.write;
// a payout, which undoes an approval, with fund.approve. A reversal that
// would take the balance below zero (the money was spent) is a conflict.
func (s *Service) Reverse(ctx context.Context, p *auth.Principal, entryID int64, reason string) (Entry, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" || len([]rune(reason)) > 500 {
		return Entry{}, errs.Invalid("reason", "say why the entry is reversed, at most 500 characters")
	}
	orig, err := s.Entry(ctx, p, entryID)
	if err != nil {
		return Entry{}, err
	}
	var rev Entry
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		perm := auth.FundWrite
		if orig.ProjectID != nil { // a payout: reversing it undoes an approval
			perm = auth.FundApprove
		}
		f, err := s.fund(ctx, tx, p, perm, orig.FundID, true)
		if err != nil {
			return err
		}
		o, err := s.entry(ctx, tx, entryID)
		if err != nil {
			return err
		}
		switch {
		case o.ReversesID != nil:
			return errs.New(errs.ECONFLICT, "entry %d is itself a reversal: record the money again instead", o.ID)
		case o.ReversedBy != nil:
			return errs.New(errs.ECONFLICT, "entry %d was already reversed by entry %d", o.ID, *o.ReversedBy)
		}
		dir := Out
		if o.Direction == Out {
			dir = In
		}
		if f.BalanceFen+Signed(dir, o.AmountFen) < 0 {
			return errs.New(errs.ECONFLICT, "reversing entry %d would take the balance below zero: the fund holds %s yuan", o.ID, Yuan(f.BalanceFen))
		}
		now := s.clock.Now()
		by, name := p.Actor()
		source := ""
		if o.Source != nil {
			source = *o.Source
		}
		id, err := db.InsertID(ctx, tx, `INSERT INTO fund_entries (fund_id, direction, source, amount_fen, donor_name, unit_id, show_name, received_on, note,
			project_id, reverses_id, created_by, created_by_name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			o.FundID, dir, source, o.AmountFen, o.DonorName, o.UnitID, false, s.today(), reason, o.ProjectID, o.ID, by, name, now)
		if errs.Code(err) == errs.ECONFLICT {
			return errs.New(errs.ECONFLICT, "entry %d was already reversed", o.ID)
		} else if err != nil {
			return errs.Wrap(err, "insert reversal")
		}
		if o.DisbursementID != nil {
			if _, err := tx.Exec(ctx, "UPDATE fund_disbursements SET status = 'reversed' WHERE id = ? AND status = 'approved'", *o.DisbursementID); err != nil {
				return errs.Wrap(err, "disbursement reversed")
			}
		}
		if rev, err = s.entry(ctx, tx, id); err != nil {
			return err
		}
		return record(ctx, tx, now, p, "reverse", "fund_entry", id, f.AreaPath, o, rev)
	})
	return rev, err
}

// Receipt is what a donor is handed for money in.
type Receipt struct {
	No         string `json:"receipt_no"`
	EntryID    int64  `json:"entry_id"`
	FundID     int64  `json:"fund_id"`
	Fund       string `json:"fund"`
	Area       string `json:"area"`
	AreaName   string `json:"area_name"`
	Donor      string `json:"donor"`
	Source     string `json:"source"`
	AmountFen  int64  `json:"amount_fen"`
	ReceivedOn string `json:"received_on"`
	Note       string `json:"note"`
	IssuedBy   string `json:"issued_by"`
	Reversed   bool   `json:"reversed"` // the donation was reversed since: the receipt no longer stands
}

// Receipt returns the receipt of a donation; entries that are not money in
// (payouts, reversals) have none.
func (s *Service) Receipt(ctx context.Context, p *auth.Principal, entryID int64) (Receipt, error) {
	e, err := s.Entry(ctx, p, entryID)
	if err != nil {
		return Receipt{}, err
	}
	if !e.Donation() {
		return Receipt{}, errs.New(errs.ENOTFOUND, "entry %d is not money in and has no receipt", e.ID)
	}
	f, err := s.fund(ctx, s.db, p, auth.FundRead, e.FundID, false)
	if err != nil {
		return Receipt{}, err
	}
	return Receipt{No: e.ReceiptNo, EntryID: e.ID, FundID: f.ID, Fund: f.Name, Area: f.Area, AreaName: f.AreaName, Donor: e.DonorName,
		Source: *e.Source, AmountFen: e.AmountFen, ReceivedOn: e.ReceivedOn, Note: e.Note, IssuedBy: e.CreatedBy, Reversed: e.ReversedBy != nil}, nil
}
