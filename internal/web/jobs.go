package web

import (
	"context"
	"net/http"
	"strings"

	"gongzhi/internal/auth"
	"gongzhi/internal/demand"
	"gongzhi/internal/jobs"
)

// jobsPage is the data of admin_jobs.html: the operator's view of the
// background jobs (SLA timers, webhooks, e-mail, …) with retry and cancel.
type jobsPage struct {
	Kind, State string
	Kinds       []jobTally // every kind with jobs, for the filter
	States      []string
	Tallies     []jobTally
	Jobs        []jobRow
	Pager       pager
	Done        string // "retry" or "cancel" after a change
}

// jobTally is one kind's row of the summary: how many jobs in each state.
type jobTally struct {
	Kind, Label                             string
	Pending, Running, Done, Dead, Cancelled int
}

// jobRow is a job with its kind named in the reader's language.
type jobRow struct {
	jobs.Job
	Label  string
	Demand bool // the key is a demand's id: link to it
}

// jobLabel names a kind ("demand.contact_due": 诉求联系时限到期); a kind
// without a name in the catalogue shows its code.
func jobLabel(rq *request, kind string) string {
	if l := rq.T("jobs.kind." + kind); l != "jobs.kind."+kind {
		return l
	}
	return kind
}

var jobStates = []string{jobs.Pending, jobs.Running, jobs.Done, jobs.Dead, jobs.Cancelled}

func (s *server) jobList(w http.ResponseWriter, r *http.Request, rq *request) error {
	q := r.URL.Query()
	page := jobsPage{Kind: strings.TrimSpace(q.Get("kind")), State: strings.TrimSpace(q.Get("state")), States: jobStates, Done: q.Get("done")}
	f := jobs.Filter{Kind: page.Kind, State: page.State, Page: pageParam(r), PerPage: perPage}
	o, err := s.Jobs.Overview(r.Context(), rq.P, f)
	if err != nil {
		return err
	}
	byKind := map[string]*jobTally{}
	for _, t := range o.Tallies {
		row := byKind[t.Kind]
		if row == nil {
			row = &jobTally{Kind: t.Kind, Label: jobLabel(rq, t.Kind)}
			byKind[t.Kind] = row
			page.Tallies = append(page.Tallies, *row)
		}
		switch t.State {
		case jobs.Pending:
			row.Pending = t.Count
		case jobs.Running:
			row.Running = t.Count
		case jobs.Done:
			row.Done = t.Count
		case jobs.Dead:
			row.Dead = t.Count
		case jobs.Cancelled:
			row.Cancelled = t.Count
		}
	}
	for i := range page.Tallies {
		page.Tallies[i] = *byKind[page.Tallies[i].Kind]
	}
	page.Kinds = page.Tallies
	for _, j := range o.Jobs {
		page.Jobs = append(page.Jobs, jobRow{Job: j, Label: jobLabel(rq, j.Kind), Demand: strings.HasPrefix(j.Kind, demand.JobKindPrefix)})
	}
	page.Pager = newPager(r, f.Page, o.Total)
	s.render(w, rq, http.StatusOK, "admin_jobs.html", rq.view(r, "jobs", "jobs.title", page))
	return nil
}

func (s *server) jobRetry(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.jobChange(w, r, rq, "retry", s.Jobs.RetryAs)
}

func (s *server) jobCancel(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.jobChange(w, r, rq, "cancel", s.Jobs.CancelAs)
}

func (s *server) jobChange(w http.ResponseWriter, r *http.Request, rq *request, done string, do func(context.Context, *auth.Principal, int64) error) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := do(r.Context(), rq.P, id); err != nil {
		return err
	}
	return redirect(w, r, "/admin/jobs?done="+done)
}
