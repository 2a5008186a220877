// Package fund is the community fund (社区公益基金, 三个一点): an append-only
// ledger in integer fen per fund, money in by source and donor, money out
// only to approved projects with a second person's approval.
//
// Two facts live in the database itself (migration 00025): the ledger
// refuses UPDATE and DELETE, so a mistake is corrected by a reversal entry;
// and every entry moves its fund's balance_fen in the same statement under
// CHECK (balance_fen >= 0). The service checks the balance first, after
// locking the fund's row, so an overdraft is a clear 409 and concurrent
// disbursements are decided one after the other.
package fund

import (
	"context"
	"strconv"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// Service is the fund capability on one database.
type Service struct {
	db    *db.DB
	clock clock.Clock
}

// NewService returns the fund service.
func NewService(d *db.DB, c clock.Clock) *Service { return &Service{db: d, clock: c} }

// Fund is a street's or residential area's community fund with its figures.
type Fund struct {
	ID         int64         `json:"id"`
	Name       string        `json:"name"`
	Area       string        `json:"area"`
	AreaName   string        `json:"area_name"`
	AreaPath   string        `json:"-"`
	BalanceFen int64         `json:"balance_fen"`
	InFen      int64         `json:"in_fen"`  // net money in from all sources
	OutFen     int64         `json:"out_fen"` // net money out to projects
	BySource   []SourceTotal `json:"by_source"`
	Pending    int           `json:"pending_disbursements"`
	CreatedAt  time.Time     `json:"created_at"`
}

// SourceTotal is the net money in from one source and the number of
// donations behind it (reversed ones not counted).
type SourceTotal struct {
	Source    string `json:"source"`
	AmountFen int64  `json:"amount_fen"`
	Count     int    `json:"count"`
}

// Entry is one line of a fund's ledger.
type Entry struct {
	ID             int64     `json:"id"`
	FundID         int64     `json:"fund_id"`
	Direction      string    `json:"direction"`
	Source         *string   `json:"source"` // money in and its reversals; null for payouts
	AmountFen      int64     `json:"amount_fen"`
	DonorName      string    `json:"donor_name"`
	UnitID         *int64    `json:"unit_id"`
	ShowName       bool      `json:"show_name"`
	ReceivedOn     string    `json:"received_on"`
	Note           string    `json:"note"`
	ProjectID      *int64    `json:"project_id"`
	ProjectTitle   string    `json:"project_title"`
	DisbursementID *int64    `json:"disbursement_id"`
	ReversesID     *int64    `json:"reverses_id"`
	ReversedBy     *int64    `json:"reversed_by"`
	ReceiptNo      string    `json:"receipt_no"` // donations only; "" otherwise
	CreatedBy      string    `json:"created_by"`
	CreatedAt      time.Time `json:"created_at"`
	AreaPath       string    `json:"-"` // the fund's
}

// Donation reports whether the entry is money in that can have a receipt.
func (e Entry) Donation() bool { return e.Direction == In && e.ReversesID == nil }

// Disbursement is money out proposed for a project, approved or rejected
// by a second person.
type Disbursement struct {
	ID            int64      `json:"id"`
	FundID        int64      `json:"fund_id"`
	ProjectID     int64      `json:"project_id"`
	ProjectTitle  string     `json:"project_title"`
	ProjectStatus string     `json:"project_status"`
	Beneficiaries int        `json:"project_beneficiaries"`
	AmountFen     int64      `json:"amount_fen"`
	Note          string     `json:"note"`
	Status        string     `json:"status"`
	ProposedBy    string     `json:"proposed_by"`
	ProposedByID  *int64     `json:"-"`
	ProposedAt    time.Time  `json:"proposed_at"`
	DecidedBy     string     `json:"decided_by"`
	DecidedAt     *time.Time `json:"decided_at"`
	Reason        string     `json:"reason"`
	EntryID       *int64     `json:"entry_id"` // the payout, once approved
	AreaPath      string     `json:"-"`        // the fund's
}

// hide turns a failed read authorization into "not found", so a record
// outside the caller's scope is not known to exist.
func hide(err error, what string) error {
	if err == nil || errs.Code(err) == errs.EUNAUTHORIZED {
		return err
	}
	return errs.New(errs.ENOTFOUND, "%s not found", what)
}

// authorize decides perm on a record of the fund at path: a fund the caller
// may not even read is not found; one it reads but may not change is 403.
func authorize(p *auth.Principal, perm auth.Perm, path, what string) error {
	if err := hide(auth.Authorize(p, auth.FundRead, path), what); err != nil {
		return err
	}
	if perm == auth.FundRead {
		return nil
	}
	return auth.Authorize(p, perm, path)
}

// record writes the audit row of one change of a fund's records.
func record(ctx context.Context, tx *db.Tx, now time.Time, p *auth.Principal, action, entity string, id int64, path string, before, after any) error {
	return auth.Record(ctx, tx, now, p, auth.Change{Action: action, Entity: entity, EntityID: strconv.FormatInt(id, 10),
		AreaPath: path, Before: before, After: after})
}

// today is the date in Shanghai, as received_on is written.
func (s *Service) today() string { return s.clock.Now().In(clock.Shanghai).Format(time.DateOnly) }
