package fund

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"gongzhi/internal/area"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// Public is what anyone may see of a fund (公示): its totals by source,
// the projects it paid with the residents they served, and the donations,
// each donor named only when they agreed to be. No phone, no note, no
// staff name is in it.
type Public struct {
	ID            int64            `json:"id"`
	Name          string           `json:"name"`
	Area          string           `json:"area"`
	AreaName      string           `json:"area_name"`
	BalanceFen    int64            `json:"balance_fen"`
	InFen         int64            `json:"in_fen"`
	OutFen        int64            `json:"out_fen"`
	BySource      []SourceTotal    `json:"by_source"`
	Projects      []PublicProject  `json:"projects"`
	Donations     []PublicDonation `json:"donations"`
	DonationCount int              `json:"donation_count"` // all standing donations; the list holds the latest PublicDonations
	UpdatedAt     *time.Time       `json:"updated_at"`     // the last entry; null for an empty ledger
}

// PublicProject is a project the fund paid, net of reversals.
type PublicProject struct {
	ID            int64  `json:"id"`
	Title         string `json:"title"`
	Domain        string `json:"domain"`
	Status        string `json:"status"`
	Area          string `json:"area"`
	AreaName      string `json:"area_name"`
	Beneficiaries int    `json:"beneficiaries"` // residents it serves or served
	AmountFen     int64  `json:"amount_fen"`
}

// PublicDonation is one standing donation; Donor is null unless the donor
// agreed to be named.
type PublicDonation struct {
	ReceivedOn string  `json:"received_on"`
	Source     string  `json:"source"`
	AmountFen  int64   `json:"amount_fen"`
	Donor      *string `json:"donor"`
}

// PublicDonations is how many of the latest donations Public lists.
const PublicDonations = 200

// Public returns the fund's public figures to anyone; a fund that does not
// exist is not found.
func (s *Service) Public(ctx context.Context, id int64) (Public, error) {
	f, err := scanFund(s.db.QueryRow(ctx, "SELECT "+fundCols+" FROM funds f"+area.Join("a", "f.area_code")+" WHERE f.id = ?", id))
	if err != nil {
		return Public{}, db.NotFound(err, "fund")
	}
	fs := []Fund{f}
	if err := s.figures(ctx, s.db, fs); err != nil {
		return Public{}, errs.Wrap(err, "fund figures")
	}
	f = fs[0]
	out := Public{ID: f.ID, Name: f.Name, Area: f.Area, AreaName: f.AreaName, BalanceFen: f.BalanceFen, InFen: f.InFen, OutFen: f.OutFen, BySource: f.BySource}
	for _, st := range f.BySource {
		out.DonationCount += st.Count
	}
	out.Projects, err = db.All(ctx, s.db, `SELECT pr.id, pr.title, pr.domain, pr.status, pr.area_code, a.name, pr.beneficiaries,
		sum(CASE WHEN e.direction = 'out' THEN e.amount_fen ELSE -e.amount_fen END) AS paid
		FROM fund_entries e JOIN projects pr ON pr.id = e.project_id`+area.Join("a", "pr.area_code")+`
		WHERE e.fund_id = ? GROUP BY pr.id, pr.title, pr.domain, pr.status, pr.area_code, a.name, pr.beneficiaries
		HAVING sum(CASE WHEN e.direction = 'out' THEN e.amount_fen ELSE -e.amount_fen END) > 0
		ORDER BY paid DESC, pr.id LIMIT 500`, []any{f.ID}, func(r db.Scanner) (PublicProject, error) {
		var x PublicProject
		err := r.Scan(&x.ID, &x.Title, &x.Domain, &x.Status, &x.Area, &x.AreaName, &x.Beneficiaries, &x.AmountFen)
		return x, err
	})
	if err != nil {
		return Public{}, errs.Wrap(err, "public projects")
	}
	out.Donations, err = db.All(ctx, s.db, `SELECT e.received_on, e.source, e.amount_fen, CASE WHEN e.show_name THEN e.donor_name ELSE '' END
		FROM fund_entries e WHERE e.fund_id = ? AND e.direction = 'in' AND e.reverses_id IS NULL
		AND NOT EXISTS (SELECT 1 FROM fund_entries r WHERE r.reverses_id = e.id)
		ORDER BY e.received_on DESC, e.id DESC LIMIT ?`, []any{f.ID, PublicDonations}, func(r db.Scanner) (PublicDonation, error) {
		var x PublicDonation
		var name string
		err := r.Scan(&x.ReceivedOn, &x.Source, &x.AmountFen, &name)
		if name != "" {
			x.Donor = &name
		}
		return x, err
	})
	if err != nil {
		return Public{}, errs.Wrap(err, "public donations")
	}
	var last time.Time
	err = s.db.QueryRow(ctx, "SELECT created_at FROM fund_entries WHERE fund_id = ? ORDER BY created_at DESC, id DESC LIMIT 1", f.ID).Scan(&last)
	if err == nil {
		out.UpdatedAt = &last
	} else if !errors.Is(err, sql.ErrNoRows) {
		return Public{}, errs.Wrap(err, "public updated")
	}
	return out, nil
}
