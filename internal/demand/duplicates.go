package demand

import (
	"context"
	"sort"
	"strings"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/errs"
)

// Similar is a likely duplicate and how alike it is (0..1).
type Similar struct {
	ID          int64     `json:"id"`
	Score       float64   `json:"score"`
	Status      Status    `json:"status"`
	Category    string    `json:"category"`
	Area        string    `json:"area"`
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
	_, path, err := levelOf(ctx, s.db, area)
	if err != nil {
		return nil, errs.Invalid("area", "unknown area code %q", area)
	}
	if err := auth.Authorize(p, auth.DemandRead, path); err != nil {
		return nil, err
	}
	return s.similarTo(ctx, p, 0, category, path, SearchText(text), s.clock.Now())
}

func (s *Service) similarTo(ctx context.Context, p *auth.Principal, id int64, category, path, text string, at time.Time) ([]Similar, error) {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	residential := "/" + strings.Join(segs[:min(3, len(segs))], "/") + "/"
	// Candidates: anything open in the same residential area, plus the same
	// or related categories elsewhere in the street.
	related, parent, err := s.relatedCategories(ctx, category)
	if err != nil {
		return nil, err
	}
	scopes := auth.Scope(p, auth.DemandRead)
	visible := func(path string) bool {
		for _, sc := range scopes {
			if strings.HasPrefix(path, sc) {
				return true
			}
		}
		return false
	}
	query := strings.Fields(text)
	s.sim.mu.Lock()
	if err := s.sim.catchUp(ctx, s.db, s.clock.Now()); err != nil {
		s.sim.mu.Unlock()
		return nil, err
	}
	found := s.sim.candidates(streetOf(path), residential, related, at.Add(-SimilarWindow), id, visible, func(e *simEntry) float64 {
		return Score(query, Candidate{ID: e.id, Bigrams: e.bigrams, SameArea: strings.HasPrefix(e.path, residential), NearArea: true,
			SameCategory: e.category == category, RelatedCategory: e.category != category && related[e.category] || parent == e.category,
			AgeDays: at.Sub(e.created).Hours() / 24})
	})
	s.sim.mu.Unlock()
	sort.Slice(found, func(i, j int) bool {
		return found[i].score > found[j].score || found[i].score == found[j].score && found[i].id < found[j].id
	})
	if len(found) > 10 {
		found = found[:10]
	}
	out := []Similar{}
	if len(found) == 0 {
		return out, nil
	}
	ids := make([]any, len(found))
	for i, f := range found {
		ids[i] = f.id
	}
	rows, err := s.db.Query(ctx, `SELECT d.id, d.status, d.category_code, d.area_code, d.description, d.created_at FROM demands d
		WHERE d.status NOT IN ('closed','merged') AND d.id IN (?`+strings.Repeat(", ?", len(ids)-1)+`)`, ids...)
	if err != nil {
		return nil, errs.Wrap(err, "similar")
	}
	defer rows.Close()
	byID := map[int64]Similar{}
	for rows.Next() {
		var c Similar
		if err := rows.Scan(&c.ID, &c.Status, &c.Category, &c.Area, &c.Description, &c.CreatedAt); err != nil {
			return nil, errs.Wrap(err, "scan similar")
		}
		byID[c.ID] = c
	}
	for _, f := range found {
		if c, ok := byID[f.id]; ok {
			c.Score = float64(int(f.score*1000+0.5)) / 1000
			out = append(out, c)
		}
	}
	return out, errs.Wrap(rows.Err(), "similar")
}

// relatedCategories returns the set of the category, its parent, its
// children and its siblings (complaints about a lift and about the property
// company may be one), and the category's parent.
func (s *Service) relatedCategories(ctx context.Context, code string) (map[string]bool, string, error) {
	cats, err := s.Categories(ctx, false)
	if err != nil {
		return nil, "", err
	}
	parent := ""
	for _, c := range cats {
		if c.Code == code {
			parent = c.Parent
		}
	}
	out := map[string]bool{code: true}
	for _, c := range cats {
		if c.Code == parent || c.Parent == code || parent != "" && c.Parent == parent {
			out[c.Code] = true
		}
	}
	return out, parent, nil
}

