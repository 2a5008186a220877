package web

import (
	"cmp"
	"context"
	"net/http"
	"strings"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/demand"
)

// demandRow is one demand in a list, with its running clock.
type demandRow struct {
	demand.Demand
	Clock    clockInfo
	NextStep string // on the to-do list: the step the demand waits for, named
}

// rowsOf adds the clocks to a page of demands: a resolved demand's is the
// callback clock (回访时限).
func (s *server) rowsOf(ctx context.Context, rq *request, ds []demand.Demand) ([]demandRow, error) {
	now := s.Clock.Now()
	labels, err := s.Org.AreaLabels(ctx)
	dues, cerr := s.Demand.CallbackDues(ctx, ds)
	if cerr != nil {
		return nil, cerr
	}
	out := make([]demandRow, len(ds))
	for i, d := range ds {
		d.InLang(rq.Lang)
		if err == nil { // the area with its parents, not one 第3网格 of hundreds
			d.AreaName = cmp.Or(labels.Label(d.Area, rq.Lang), d.AreaName)
		}
		out[i] = demandRow{Demand: d, Clock: rq.clockOf(now, &d)}
		if due, ok := dues[d.ID]; ok {
			out[i].Clock = rq.callbackClock(now, due, d.Overdue)
		}
	}
	return out, nil
}

// callbackClock is the clock of a resolved demand: the time left to call
// the resident back, or how late the callback is.
func (rq *request) callbackClock(now, due time.Time, overdue bool) clockInfo {
	c := clockInfo{Due: due, Late: overdue}
	if left := due.Sub(now); left > 0 {
		c.Left = rq.T("loop.callback_left", rq.span(left))
	} else {
		c.Late = true
		c.Left = rq.T("loop.callback_late", rq.span(-left))
	}
	return c
}

// queuePage is the data of demand_queue.html.
type queuePage struct {
	Tab        string // todo: the next step is mine; others: mine, waiting on someone else
	Query      searchQuery
	Rows       []demandRow
	Pager      pager
	Areas      []areaOption
	Categories []demand.Category
	Statuses   []demand.Status
}

// queue is the to-do list (我的待办): the demands whose next step is the
// user's, each with that step named, apart from the user's demands that
// wait on someone else; overdue first, then due soonest. It filters like
// the search page.
func (s *server) queue(w http.ResponseWriter, r *http.Request, rq *request) error {
	ctx := r.Context()
	v := r.URL.Query()
	get := func(k string) string { return strings.TrimSpace(v.Get(k)) }
	page := queuePage{Tab: get("tab"), Query: searchQuery{Status: get("status"), Area: get("area"), Category: get("category"), Overdue: get("overdue")},
		Statuses: demand.Statuses}
	f := demand.ListFilter{Queue: "todo", Status: page.Query.Status, Area: page.Query.Area, Category: page.Query.Category,
		Page: pageParam(r), PerPage: perPage}
	if page.Tab == "others" {
		f.Mine, f.Queue = true, "others"
	} else {
		page.Tab = "todo"
	}
	switch page.Query.Overdue {
	case "true", "false":
		b := page.Query.Overdue == "true"
		f.Overdue = &b
	default:
		page.Query.Overdue = ""
	}
	res, err := s.Demand.List(ctx, rq.P, f)
	if err != nil {
		return err
	}
	if page.Rows, err = s.rowsOf(ctx, rq, res.Items); err != nil {
		return err
	}
	page.Pager = demandPager(r, f.Page, res)
	for i := range page.Rows {
		if step := page.Rows[i].Next(); step.Action != "" {
			page.Rows[i].NextStep = rq.T("demand.action." + string(step.Action))
		}
	}
	if page.Areas, err = s.areaOptions(ctx, rq.P, false); err != nil {
		return err
	}
	if page.Categories, err = s.Demand.Categories(ctx, false); err != nil {
		return err
	}
	view := rq.view(r, "demands", "queue.title", page)
	view.Tab = "queue"
	s.render(w, rq, http.StatusOK, "demand_queue.html", view)
	return nil
}

// searchQuery is the search form as the URL carries it.
type searchQuery struct {
	Q, Status, Area, Category, Channel, Overdue, From, To, Sort string
}

// searchPage is the data of demands.html.
type searchPage struct {
	Query      searchQuery
	Rows       []demandRow
	Pager      pager
	Areas      []areaOption
	Categories []demand.Category
	Statuses   []demand.Status
	Channels   []demand.Channel
}

// demandSearch finds demands by Chinese full text and filters, paged.
func (s *server) demandSearch(w http.ResponseWriter, r *http.Request, rq *request) error {
	ctx, p := r.Context(), rq.P
	if err := auth.AuthorizeAny(p, auth.DemandRead); err != nil {
		return err
	}
	v := r.URL.Query()
	get := func(k string) string { return strings.TrimSpace(v.Get(k)) }
	q := searchQuery{Q: get("q"), Status: get("status"), Area: get("area"), Category: get("category"), Channel: get("channel"),
		Overdue: get("overdue"), From: get("from"), To: get("to"), Sort: get("sort")}
	f := demand.ListFilter{Q: q.Q, Status: q.Status, Area: q.Area, Category: q.Category, Channel: q.Channel, From: q.From, To: q.To,
		Sort: q.Sort, Page: pageParam(r), PerPage: perPage}
	switch q.Overdue {
	case "true", "false":
		b := q.Overdue == "true"
		f.Overdue = &b
	default:
		q.Overdue = ""
	}
	res, err := s.Demand.List(ctx, p, f)
	if err != nil {
		return err
	}
	page := searchPage{Query: q, Pager: demandPager(r, f.Page, res), Statuses: demand.Statuses, Channels: demand.Channels}
	if page.Rows, err = s.rowsOf(ctx, rq, res.Items); err != nil {
		return err
	}
	if page.Areas, err = s.areaOptions(ctx, p, false); err != nil {
		return err
	}
	if page.Categories, err = s.Demand.Categories(ctx, false); err != nil {
		return err
	}
	view := rq.view(r, "demands", "search.title", page)
	view.Tab = "search"
	s.render(w, rq, http.StatusOK, "demands.html", view)
	return nil
}

// demandPager is newPager for a demand list whose count may stop at demand.CountCap.
func demandPager(r *http.Request, page int, res *demand.DemandList) pager {
	if res.TotalCapped { // more than counted: a full page may have a next one
		pg := newPager(r, page, max(res.Total, (page+1)*perPage))
		if len(res.Items) < perPage {
			pg.Next = ""
		}
		pg.Total, pg.Capped = res.Total, true
		return pg
	}
	return newPager(r, page, res.Total)
}
