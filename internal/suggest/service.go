package suggest

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"time"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/jobs"
)

// MaxExamples bounds the history a model learns from: the newest closed
// demands. 200,000 is two years of a busy district; training on them takes
// a few seconds once a day.
const MaxExamples = 200_000

// HoldoutShare is the newest part of the history kept out of training to
// measure accuracy.
const HoldoutShare = 0.2

// JobTrain retrains the model; it runs daily, and once when a server starts.
const JobTrain = "suggest.train"

// MaxText bounds a description the model reads (the intake form's own limit
// is larger, but the first part carries the words that decide).
const MaxText = 2000

// Service holds the current model in memory. Each server trains its own
// from the same history, so all answer alike.
type Service struct {
	db    *db.DB
	clock clock.Clock

	mu      sync.RWMutex
	model   *Model
	names   map[string]Named // the active categories, by code
	acc     Accuracy
	trained time.Time
}

// Named is a category's names.
type Named struct{ Name, NameEN string }

// NewService returns a service with no model yet: it suggests nothing until
// the first training.
func NewService(d *db.DB, c clock.Clock) *Service { return &Service{db: d, clock: c} }

// RegisterJobs registers the daily retraining (at 03:30 Shanghai time, when
// the hotline is quiet).
func (s *Service) RegisterJobs(q *jobs.Queue) {
	// Outside a transaction: training reads a long history and writes nothing.
	q.Register(JobTrain, func(ctx context.Context, _ *db.Tx, _ jobs.Job) error { return s.Train(ctx) }, jobs.NoTx())
	q.Periodic(JobTrain, jobs.Daily(3, 30))
}

// Load reads the history: closed demands, newest first, without those
// closed as duplicates of another (merged) or filed under "other", which
// names no category.
func Load(ctx context.Context, q db.Querier, limit int) ([]Example, error) {
	out, err := db.All(ctx, q, `SELECT d.description, d.category_code, d.area_path, COALESCE(d.lead_area, ''), d.lead_unit_id, d.created_at
		FROM demands d WHERE d.status = 'closed' AND d.category_code <> 'other' ORDER BY d.id DESC LIMIT ?`, []any{limit},
		func(r db.Scanner) (Example, error) {
			var e Example
			var unit *int64
			err := r.Scan(&e.Text, &e.Category, &e.Street, &e.Lead, &unit, &e.At)
			e.Street = area.AtDepth(e.Street, 2)
			if unit != nil {
				e.Lead = "unit:" + strconv.FormatInt(*unit, 10)
			}
			return e, err
		})
	return out, errs.Wrap(err, "suggestion history")
}

// Train measures a model on the newest fifth of the history, then trains
// the one it serves on all of it.
func (s *Service) Train(ctx context.Context) error {
	ex, err := Load(ctx, s.db, MaxExamples)
	if err != nil {
		return err
	}
	train, test := Holdout(ex, HoldoutShare)
	acc := Evaluate(train, test)
	m := Train(ex)
	names := map[string]Named{}
	err = db.Each(ctx, s.db, "SELECT code, name, COALESCE(name_en, '') FROM demand_categories WHERE active", nil,
		func(r db.Scanner) (Named, error) {
			var n Named
			var code string
			err := r.Scan(&code, &n.Name, &n.NameEN)
			names[code] = n
			return n, err
		}, func(Named) error { return nil })
	if err != nil {
		return errs.Wrap(err, "categories")
	}
	s.mu.Lock()
	s.model, s.names, s.acc, s.trained = m, names, acc, s.clock.Now()
	s.mu.Unlock()
	return nil
}

// Suggestion is what the intake form shows beside the description: up to
// three categories, and for staff the body that usually leads the first
// of them in the demand's street.
type Suggestion struct {
	Categories []Suggested `json:"categories"`
	// Model is the version of the model that made them (when it was
	// trained); a client sends it back when recording what was filed.
	Model     string   `json:"model,omitempty"`
	Lead      string   `json:"lead,omitempty"`       // an area code or "unit:ID"
	LeadShare *float64 `json:"lead_share,omitempty"` // of that category's closed demands in the street
}

// Suggested is a guessed category with its names.
type Suggested struct {
	Category string  `json:"category"`
	Name     string  `json:"name"`
	NameEN   string  `json:"name_en,omitempty"`
	P        float64 `json:"p"`
}

// Suggest ranks categories for text. Anyone may ask (a resident on the
// report page sees category names, which are public); the lead body is
// only for staff who take in or dispatch demands, and only for an area
// (areaCode, optional) they may read.
func (s *Service) Suggest(ctx context.Context, p *auth.Principal, text, areaCode string) (Suggestion, error) {
	text = strings.TrimSpace(text)
	areaPath := ""
	if areaCode = strings.TrimSpace(areaCode); areaCode != "" {
		a, err := area.Get(ctx, s.db, areaCode)
		if errs.Code(err) == errs.ENOTFOUND {
			return Suggestion{}, errs.Invalid("area", "area %q does not exist; give an area code, or none", areaCode)
		} else if err != nil {
			return Suggestion{}, err
		}
		areaPath = a.Path
	}
	if r := []rune(text); len(r) > MaxText {
		text = string(r[:MaxText])
	}
	s.mu.RLock()
	m, names, trained := s.model, s.names, s.trained
	s.mu.RUnlock()
	out := Suggestion{Categories: []Suggested{}}
	if m != nil {
		out.Model = trained.UTC().Format(time.RFC3339)
	}
	// Every category, so those retired since training can be left out.
	for _, g := range m.Categories(text, len(names)+len(m.cats())) {
		if n, ok := names[g.Category]; ok && len(out.Categories) < 3 {
			out.Categories = append(out.Categories, Suggested{Category: g.Category, Name: n.Name, NameEN: n.NameEN, P: g.P})
		}
	}
	staff := auth.AuthorizeAny(p, auth.DemandIntake) == nil || auth.AuthorizeAny(p, auth.DemandDispatch) == nil
	if len(out.Categories) > 0 && areaPath != "" && staff && auth.Authorize(p, auth.DemandRead, areaPath) == nil {
		if lead, share, ok := m.Lead(area.AtDepth(areaPath, 2), out.Categories[0].Category); ok {
			out.Lead, out.LeadShare = lead, &share
		}
	}
	return out, nil
}

// Status is the model's record: when it was trained, on how many demands,
// and how it did on the ones held out.
type Status struct {
	Trained  *time.Time `json:"trained_at"`
	Examples int        `json:"examples"`
	Accuracy Accuracy   `json:"accuracy"`
	// RealUse is how the suggestions did where they were shown (Uses);
	// set by the pages that show it.
	RealUse *RealUse `json:"real_use,omitempty"`
}

// Status is for staff who read demands: operators see how far to trust a
// guess, the district decides whether to keep offering them. It holds no
// one's data.
func (s *Service) Status(p *auth.Principal) (Status, error) {
	if err := auth.AuthorizeAny(p, auth.DemandRead); err != nil {
		return Status{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	st := Status{Accuracy: s.acc}
	if s.model != nil {
		t := s.trained
		st.Trained, st.Examples = &t, s.model.N
	}
	if st.Accuracy.ByCategory == nil {
		st.Accuracy.ByCategory = []CategoryAccuracy{}
	}
	return st, nil
}
