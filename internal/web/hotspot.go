package web

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/errs"
	"gongzhi/internal/hotspot"
)

// spotRow is a hot spot as the list and its page show it: figures
// formatted, and how unusual in words a worker reads at a glance.
type spotRow struct {
	hotspot.Spot
	Expected string // "2.5"
	Ratio    string // "4.8"
	Odds     string // "1/12,000": the chance of as many in a usual week
	Mean     string // the baseline weeks' mean
}

func newSpotRow(s hotspot.Spot) spotRow {
	sum := 0
	for _, x := range s.Baseline {
		sum += x
	}
	mean := 0.0
	if len(s.Baseline) > 0 {
		mean = float64(sum) / float64(len(s.Baseline))
	}
	return spotRow{Spot: s, Expected: strconv.FormatFloat(s.Expected, 'f', 1, 64), Ratio: strconv.FormatFloat(s.Ratio, 'f', 1, 64),
		Odds: odds(s.P), Mean: strconv.FormatFloat(mean, 'f', 1, 64)}
}

// odds writes a small probability as "1/N" with N rounded to two figures,
// at most "1/1,000,000" with a "<" before it.
func odds(p float64) string {
	if p <= 0 || p < 1e-6 {
		return "< 1/1,000,000"
	}
	n := 1 / p
	mag := math.Pow(10, math.Floor(math.Log10(n))-1)
	n = math.Round(n/mag) * mag
	return "1/" + thousands(int64(n))
}

func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// hotspotListPage is the week's hot spots and recurring problems.
type hotspotListPage struct {
	Week     string
	Weeks    []hotspot.RunInfo
	Run      *hotspot.RunInfo
	Area     string
	Areas    []areaOption
	Spots    []spotRow
	Repeats  []hotspot.Repeat
	Pager    pager
	CanTopic bool
}

func (s *server) hotspotList(w http.ResponseWriter, r *http.Request, rq *request) error {
	q := r.URL.Query()
	page := pageParam(r)
	d := hotspotListPage{Week: q.Get("week"), Area: q.Get("area"), CanTopic: auth.AuthorizeAny(rq.P, auth.TopicWrite) == nil}
	l, week, err := s.Hotspot.Spots(r.Context(), rq.P, hotspot.Filter{Week: d.Week, Area: d.Area, Page: page, PerPage: perPage})
	if err != nil {
		return err
	}
	d.Week, d.Pager = week, newPager(r, page, l.Total)
	for _, x := range l.Items {
		d.Spots = append(d.Spots, newSpotRow(x))
	}
	reps, _, err := s.Hotspot.Repeats(r.Context(), rq.P, hotspot.Filter{Week: week, Area: d.Area, PerPage: 200})
	if err != nil {
		return err
	}
	d.Repeats = reps.Items
	if d.Weeks, err = s.Hotspot.Runs(r.Context(), 26); err != nil {
		return err
	}
	for i := range d.Weeks {
		if d.Weeks[i].Week == week {
			d.Run = &d.Weeks[i]
		}
	}
	if d.Areas, err = s.areaOptions(r.Context(), rq.P, false); err != nil {
		return err
	}
	s.render(w, rq, http.StatusOK, "hotspot_list.html", rq.view(r, "hotspots", "hotspot.title", d))
	return nil
}

// hotspotSpotPage is one hot spot's explanation.
type hotspotSpotPage struct {
	spotRow
	Demands  []hotspot.DemandRef
	Weeks    []baselineWeek
	CanTopic bool
	Topic    mtTopicForm
}

// baselineWeek is one bar of the baseline: its count and its share of the
// tallest week, for a bar drawn in CSS.
type baselineWeek struct {
	Label   string
	N       int
	Percent int
	Tested  bool
}

func (s *server) hotspotPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.showSpot(w, r, rq, id, http.StatusOK, mtTopicForm{})
}

func (s *server) showSpot(w http.ResponseWriter, r *http.Request, rq *request, id int64, status int, form mtTopicForm) error {
	det, err := s.Hotspot.Spot(r.Context(), rq.P, id)
	if err != nil {
		return err
	}
	d := hotspotSpotPage{spotRow: newSpotRow(det.Spot), Demands: det.Demands, CanTopic: auth.AuthorizeAny(rq.P, auth.TopicWrite) == nil, Topic: form}
	if d.Topic.Title == "" {
		d.Topic.Title = fmt.Sprintf("%s · %s", det.AreaName, det.CategoryName)
	}
	counts := append(append([]int{}, det.Baseline...), det.Observed)
	top := 1
	for _, n := range counts {
		top = max(top, n)
	}
	for i, n := range counts {
		var label string
		if i == len(det.Baseline) {
			label = rq.T("hotspot.week.tested")
		} else {
			label = rq.T("hotspot.week.ago", strconv.Itoa(len(det.Baseline)-i))
		}
		d.Weeks = append(d.Weeks, baselineWeek{Label: label, N: n, Percent: 100 * n / top, Tested: i == len(det.Baseline)})
	}
	s.render(w, rq, status, "hotspot_spot.html", rq.view(r, "hotspots", "hotspot.spot.title", d))
	return nil
}

// mtTopicForm is the form that makes a hot spot the month's topic.
type mtTopicForm struct {
	Title   string
	Owner   string
	Errors  map[string]string
	General []string
}

// mtTopicCreate makes a hot spot the month's topic; a mistake shows the hot
// spot's page again with the form's errors.
func (s *server) mtTopicCreate(w http.ResponseWriter, r *http.Request, rq *request) error {
	spot, err := strconv.ParseInt(r.PostFormValue("hotspot_id"), 10, 64)
	if err != nil || spot < 1 {
		return errs.New(errs.ENOTFOUND, "hot spot not found")
	}
	form := mtTopicForm{Title: strings.TrimSpace(r.PostFormValue("title")), Owner: strings.TrimSpace(r.PostFormValue("owner"))}
	t, err := s.Hotspot.CreateTopic(r.Context(), rq.P, hotspot.TopicInput{HotspotID: spot, Title: form.Title, Owner: form.Owner})
	if errs.Code(err) == errs.EINVALID {
		form.Errors, form.General = rq.fieldErrors(err, "title", "owner")
		return s.showSpot(w, r, rq, spot, http.StatusUnprocessableEntity, form)
	} else if err != nil {
		return err
	}
	return redirect(w, r, "/monthly-topics/"+strconv.FormatInt(t.ID, 10))
}

// mtTopicListPage is the monthly topics in scope.
type mtTopicListPage struct {
	Status string
	Topics []mtTopicRow
	Pager  pager
}

// mtTopicRow is a topic with its mtVerdict in the reader's words.
type mtTopicRow struct {
	hotspot.Topic
	Verdict string
}

func (s *server) mtTopicList(w http.ResponseWriter, r *http.Request, rq *request) error {
	page := pageParam(r)
	d := mtTopicListPage{Status: r.URL.Query().Get("status")}
	l, err := s.Hotspot.Topics(r.Context(), rq.P, hotspot.TopicFilter{Status: d.Status, Page: page, PerPage: perPage})
	if err != nil {
		return err
	}
	for _, t := range l.Items {
		d.Topics = append(d.Topics, mtTopicRow{Topic: t, Verdict: mtVerdict(rq, t.Effect)})
	}
	d.Pager = newPager(r, page, l.Total)
	s.render(w, rq, http.StatusOK, "hotspot_topics.html", rq.view(r, "hotspots", "mtopic.list.title", d))
	return nil
}

// mtTopicPage is one topic: progress, project, effect, and its forms.
type mtTopicPage struct {
	hotspot.Topic
	Verdict     string
	CanWrite    bool
	ProjectForm mtProjectForm
	CloseForm   mtCloseForm
	Today       string
	DemandsDone int
}

type mtProjectForm struct {
	Summary, Milestones string
	Errors              map[string]string
	General             []string
}

type mtCloseForm struct {
	ClosedOn string
	Errors   map[string]string
	General  []string
}

// mtVerdict is a measured effect in the reader's words.
func mtVerdict(rq *request, e *hotspot.Effect) string {
	if e == nil {
		return ""
	}
	c, lo, hi := e.Percents()
	switch e.Direction {
	case "fell", "rose":
		return rq.T("mtopic.effect."+e.Direction, c, lo, hi)
	case "unclear":
		return rq.T("mtopic.effect.unclear", c, lo, hi)
	}
	return rq.T("mtopic.effect.unknown")
}

func (s *server) mtTopicPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.mtShowTopic(w, r, rq, http.StatusOK, mtProjectForm{}, mtCloseForm{})
}

func (s *server) mtShowTopic(w http.ResponseWriter, r *http.Request, rq *request, status int, pf mtProjectForm, cf mtCloseForm) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	t, err := s.Hotspot.Topic(r.Context(), rq.P, id)
	if err != nil {
		return err
	}
	d := mtTopicPage{Topic: t, Verdict: mtVerdict(rq, t.Effect), CanWrite: auth.Authorize(rq.P, auth.TopicWrite, t.AreaPath) == nil,
		ProjectForm: pf, CloseForm: cf, Today: s.Clock.Now().In(clock.Shanghai).Format(time.DateOnly)}
	if d.CloseForm.ClosedOn == "" {
		d.CloseForm.ClosedOn = d.Today
	}
	if t.Progress != nil {
		d.DemandsDone = t.Progress.Demands - t.Progress.Open
	}
	s.render(w, rq, status, "hotspot_topic.html", rq.view(r, "hotspots", "mtopic.title.page", d))
	return nil
}

func (s *server) mtTopicProject(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	pf := mtProjectForm{Summary: strings.TrimSpace(r.PostFormValue("summary")), Milestones: r.PostFormValue("milestones")}
	var ms []string
	for _, line := range strings.Split(pf.Milestones, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			ms = append(ms, line)
		}
	}
	_, err = s.Hotspot.CreateProject(r.Context(), rq.P, id, hotspot.ProjectInput{Summary: pf.Summary, Milestones: ms})
	if errs.Code(err) == errs.EINVALID {
		pf.Errors, pf.General = rq.fieldErrors(err, "summary", "milestones")
		return s.mtShowTopic(w, r, rq, http.StatusUnprocessableEntity, pf, mtCloseForm{})
	} else if err != nil {
		return err
	}
	return redirect(w, r, "/monthly-topics/"+strconv.FormatInt(id, 10))
}

func (s *server) mtTopicClose(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	cf := mtCloseForm{ClosedOn: strings.TrimSpace(r.PostFormValue("closed_on"))}
	_, err = s.Hotspot.CloseTopic(r.Context(), rq.P, id, cf.ClosedOn)
	if errs.Code(err) == errs.EINVALID {
		cf.Errors, cf.General = rq.fieldErrors(err, "closed_on")
		return s.mtShowTopic(w, r, rq, http.StatusUnprocessableEntity, mtProjectForm{}, cf)
	} else if err != nil {
		return err
	}
	return redirect(w, r, "/monthly-topics/"+strconv.FormatInt(id, 10))
}
