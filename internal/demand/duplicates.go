package demand

import (
	"context"
	"strings"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// Similar is a likely duplicate and how alike it is (0..1).
type Similar struct {
	ID          int64     `json:"id"`
	Score       float64   `json:"score"`
	Status      Status    `json:"status"`
	Category    string    `json:"category"`
	Area        string    `json:"area"`
	Address     string    `json:"address"`
	Description string    `json:"description"`
	CreatedAt   time.Time `json:"created_at"`
}

// SimilarWindow is how far back duplicates are looked for.
const SimilarWindow = 30 * 24 * time.Hour

// Similar lists open demands in the same street, received within the
// window, that look like demand id, best first.
func (s *Service) Similar(ctx context.Context, p *auth.Principal, id int64) ([]Similar, error) {
	d, err := s.Get(ctx, p, id)
	if err != nil {
		return nil, err
	}
	return s.similarTo(ctx, p, d.ID, d.Category, d.AreaPath, d.searchText, d.CreatedAt)
}

// SimilarText finds open demands like a text not yet filed (the intake page asks as the operator types).
func (s *Service) SimilarText(ctx context.Context, p *auth.Principal, category, area, text string) ([]Similar, error) {
	path, err := s.sim.lookups.areaPath(ctx, s.db, area)
	if err != nil {
		return nil, errs.Invalid("area", "unknown area code %q", area)
	}
	if err := auth.Authorize(p, auth.DemandRead, path); err != nil {
		return nil, err
	}
	return s.similarTo(ctx, p, 0, category, path, SearchText(text), s.clock.Now())
}

// similarTo scores the open demands in the index (simindex.go) against a
// demand's search text; the index answers without reading the database
// unless it is due to catch up.
func (s *Service) similarTo(ctx context.Context, p *auth.Principal, id int64, category, path, text string, at time.Time) ([]Similar, error) {
	// Candidates: anything open in the same residential area, plus the same
	// or related categories elsewhere in the street.
	related, parent, err := s.relatedCategories(ctx, category)
	if err != nil {
		return nil, err
	}
	visible, err := s.visibleIn(ctx, p, streetOf(path))
	if err != nil {
		return nil, err
	}
	keys := appendKeys(nil, strings.Fields(text))
	sq := &simQuery{keys: keys, sketch: querySketchOf(keys), exclude: id, street: streetOf(path), res: residentialOf(path),
		category: category, related: related, parent: parent, at: at, visible: visible}
	if err := s.sim.fresh(ctx, s.db, s.clock.Now()); err != nil {
		return nil, err
	}
	found := s.sim.candidates(sq)
	for i := range found {
		found[i].Score = float64(int(found[i].Score*1000+0.5)) / 1000
	}
	return found, s.addresses(ctx, found)
}

// addresses fills in the addresses of the few demands found, which tell an
// operator whether a hint is the same place; the index does not keep them.
func (s *Service) addresses(ctx context.Context, found []Similar) error {
	if len(found) == 0 {
		return nil
	}
	ids := make([]any, len(found))
	at := map[int64]int{}
	for i, f := range found {
		ids[i], at[f.ID] = f.ID, i
	}
	err := db.Each(ctx, s.db, "SELECT id, address FROM demands WHERE id IN (?"+strings.Repeat(", ?", len(ids)-1)+")", ids,
		scanIDText, func(x idText) error {
			found[at[x.id]].Address = x.text
			return nil
		})
	return errs.Wrap(err, "similar addresses")
}

// relatedCategories returns the set of the category, its parent, its
// children and its siblings (complaints about a lift and about the property
// company may be one), and the category's parent. The tree is cached
// (simlookups.go).
func (s *Service) relatedCategories(ctx context.Context, code string) (map[string]bool, string, error) {
	r, err := s.sim.lookups.relation(ctx, s.clock.Now(), code, func(ctx context.Context) ([]Category, error) { return s.Categories(ctx, false) })
	return r.related, r.parent, err
}

// WarmSimilar loads the duplicate index ahead of the first check, which
// would otherwise wait for it.
func (s *Service) WarmSimilar(ctx context.Context) error {
	return s.sim.fresh(ctx, s.db, s.clock.Now())
}
