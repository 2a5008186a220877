package api

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/jobs"
)

// jobJSON is one background job as the operator sees it.
type jobJSON struct {
	ID        int64          `json:"id"`
	Kind      string         `json:"kind"`
	Key       string         `json:"key"`
	Args      map[string]any `json:"args"`
	State     string         `json:"state"`
	RunAt     time.Time      `json:"run_at"`
	Attempts  int            `json:"attempts"`
	LastError string         `json:"last_error"`
	CreatedAt time.Time      `json:"created_at"`
	UpdatedAt time.Time      `json:"updated_at"`
	DoneAt    *time.Time     `json:"done_at"`
}

// jobListJSON is one page of jobs with the counts by kind and state.
type jobListJSON struct {
	Tallies []jobs.Tally `json:"tallies"`
	Items   []jobJSON    `json:"items"`
	Total   int          `json:"total"`
	Page    int          `json:"page"`
	PerPage int          `json:"per_page"`
}

// listJobs serves GET /jobs: the operator's view of the job queue.
func (s *server) listJobs(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	pg, err := pagingOf(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	o, err := s.Jobs.Overview(r.Context(), p, jobs.Filter{Kind: strings.TrimSpace(q.Get("kind")), State: strings.TrimSpace(q.Get("state")),
		Page: pg.Page, PerPage: pg.PerPage})
	if err != nil {
		return err
	}
	out := jobListJSON{Tallies: o.Tallies, Items: make([]jobJSON, len(o.Jobs)), Total: o.Total, Page: pg.Page, PerPage: pg.PerPage}
	if out.Tallies == nil {
		out.Tallies = []jobs.Tally{}
	}
	for i, j := range o.Jobs {
		var args map[string]any
		if raw, ok := j.Args.(json.RawMessage); ok {
			json.Unmarshal(raw, &args)
		}
		if args == nil {
			args = map[string]any{}
		}
		out.Items[i] = jobJSON{ID: j.ID, Kind: j.Kind, Key: j.Key, Args: args, State: j.State, RunAt: j.RunAt, Attempts: j.Attempts,
			LastError: j.LastError, CreatedAt: j.CreatedAt, UpdatedAt: j.UpdatedAt, DoneAt: j.DoneAt}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// retryJob serves POST /jobs/{id}/retry.
func (s *server) retryJob(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "job")
	if err != nil {
		return err
	}
	if err := decodeOptional(w, r, &struct{}{}); err != nil {
		return err
	}
	if err := s.Jobs.RetryAs(r.Context(), p, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// cancelJob serves POST /jobs/{id}/cancel.
func (s *server) cancelJob(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "job")
	if err != nil {
		return err
	}
	if err := decodeOptional(w, r, &struct{}{}); err != nil {
		return err
	}
	if err := s.Jobs.CancelAs(r.Context(), p, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
