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
	acc     Accuracy
	trained time.Time
}

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
	s.mu.Lock()
	s.model, s.acc, s.trained = m, acc, s.clock.Now()
	s.mu.Unlock()
	return nil
}

// Suggestion is what the intake form shows beside the description: up to
// three categories, and for staff the body that usually leads the first
// of them in the demand's street.
type Suggestion struct {
	Categories []Guess  `json:"categories"`
	Lead       string   `json:"lead,omitempty"`       // an area code or "unit:ID"
	LeadShare  *float64 `json:"lead_share,omitempty"` // of that category's closed demands in the street
}

// Suggest ranks categories for text. Anyone may ask (a resident on the
// report page sees category names, which are public); the lead body is
// only for staff who take in or dispatch demands, and only for an area
// they may read.
func (s *Service) Suggest(ctx context.Context, p *auth.Principal, text, areaPath string) (Suggestion, error) {
	text = strings.TrimSpace(text)
	if r := []rune(text); len(r) > MaxText {
		text = string(r[:MaxText])
	}
	s.mu.RLock()
	m := s.model
	s.mu.RUnlock()
	out := Suggestion{Categories: m.Categories(text, 3)}
	if out.Categories == nil {
		out.Categories = []Guess{}
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
}

// Status is for district staff who decide whether operators may trust it.
func (s *Service) Status(p *auth.Principal) (Status, error) {
	if err := auth.AuthorizeAny(p, auth.DemandAdmin); err != nil {
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
