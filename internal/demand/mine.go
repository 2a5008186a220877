package demand

import (
	"context"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// MyDemand is one line of a resident's "我的诉求" (my demands): a report
// they filed while signed in, and how the demand it became is doing. It
// carries what the tracking page shows and nothing more: no one's phone,
// no staff notes.
type MyDemand struct {
	// Number is the number they were given (their report's own demand).
	Number int64 `json:"number"`
	// ID is the demand that follows the report now: Number, or after a
	// merge the surviving demand.
	ID             int64      `json:"id"`
	Title          string     `json:"title"` // the start of what they wrote, personal data masked
	Category       string     `json:"category"`
	CategoryName   string     `json:"category_name"`
	CategoryNameEN string     `json:"category_name_en"`
	Status         Status     `json:"status"`
	Overdue        bool       `json:"overdue"`
	ResolveDue     time.Time  `json:"resolve_due"`
	ClosedAt       *time.Time `json:"closed_at"`
	CreatedAt      time.Time  `json:"created_at"`
	// ShortCode opens the tracking page (TrackPath); "" in the moment
	// before a report from before codes existed gets one.
	ShortCode string `json:"short_code"`
	// LeadArea is the code of the body handling it ("" before dispatch):
	// the surfaces name it in the reader's language.
	LeadArea string `json:"-"`
}

// MyDemands lists the reports p filed while signed in (NewDemand.
// ReporterUser), newest first, with the total. Only the account that
// filed them sees them: a phone number typed anywhere reveals nothing, and
// users have no verified phone to match callers' reports by.
func (s *Service) MyDemands(ctx context.Context, p *auth.Principal, page, perPage int) ([]MyDemand, int, error) {
	if p == nil || p.UserID == 0 {
		return nil, 0, errs.New(errs.EUNAUTHORIZED, "sign in first")
	}
	page, perPage = max(page, 1), min(max(perPage, 1), 500)
	var total int
	if err := s.db.QueryRow(ctx, "SELECT count(*) FROM demand_reporters WHERE user_id = ?", p.UserID).Scan(&total); err != nil {
		return nil, 0, errs.Wrap(err, "my demands")
	}
	items, err := db.All(ctx, s.db, `SELECT r.original_id, d.id, o.description, d.category_code, c.name, c.name_en, d.status, d.overdue,
		d.resolve_due, d.closed_at, r.created_at, COALESCE(r.short_code, ''), COALESCE(d.lead_area, '')
		FROM demand_reporters r JOIN demands d ON d.id = r.demand_id JOIN demands o ON o.id = r.original_id
		JOIN demand_categories c ON c.code = d.category_code
		WHERE r.user_id = ? ORDER BY r.id DESC LIMIT ? OFFSET ?`, []any{p.UserID, perPage, (page - 1) * perPage},
		func(r db.Scanner) (MyDemand, error) {
			var m MyDemand
			err := r.Scan(&m.Number, &m.ID, &m.Title, &m.Category, &m.CategoryName, &m.CategoryNameEN, &m.Status, &m.Overdue,
				&m.ResolveDue, &m.ClosedAt, &m.CreatedAt, &m.ShortCode, &m.LeadArea)
			m.Title = auth.MaskText(short(m.Title))
			return m, err
		})
	if err != nil {
		return nil, 0, errs.Wrap(err, "my demands")
	}
	return items, total, nil
}
