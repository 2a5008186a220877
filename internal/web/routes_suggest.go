package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"gongzhi/internal/auth"
	"gongzhi/internal/suggest"
)

// suggestSection is intake assistance (issue 12): the suggestions the
// intake and report forms ask for as the description is typed, and the
// district's page of how accurate they have been.
func suggestSection() section {
	return section{
		name:  "suggest",
		parts: []string{"demand_parts.html", "tracking_parts.html"},
		pages: []string{"admin_suggest.html"},
		routes: func(s *server) []pageRoute {
			return []pageRoute{
				{"GET /admin/suggestions", s.page(s.suggestAccuracy)},
				{"POST /demands/suggest", s.post(formLimit, s.suggestFragment)},
			}
		},
	}
}

// suggestPage is the accuracy page's data.
type suggestPage struct {
	suggest.Status
	Top1, Top3 string // overall, in percent
	Rows       []suggestRow
	Use        *useFigures // on real use: the demands filed where suggestions were shown
}

// useFigures are the suggestions' record on real use, in percent.
type useFigures struct {
	suggest.RealUse
	Top1, Top3, Leads string
	Rows              []suggestRow
}

type suggestRow struct {
	suggest.CategoryAccuracy
	Name       string
	Top1, Top3 string
}

func (s *server) suggestAccuracy(w http.ResponseWriter, r *http.Request, rq *request) error {
	st, err := s.Suggest.Status(rq.P)
	if err != nil {
		return err
	}
	names := map[string]string{}
	if cats, err := s.Demand.Categories(r.Context(), false); err == nil {
		for _, c := range cats {
			names[c.Code] = c.Name
			if rq.Lang == langEN && c.NameEN != "" {
				names[c.Code] = c.NameEN
			}
		}
	}
	page := suggestPage{Status: st, Top1: percentOf(st.Accuracy.Top1, st.Accuracy.N), Top3: percentOf(st.Accuracy.Top3, st.Accuracy.N)}
	for _, c := range st.Accuracy.ByCategory {
		page.Rows = append(page.Rows, suggestRow{CategoryAccuracy: c, Name: names[c.Category], Top1: percentOf(c.Top1, c.N), Top3: percentOf(c.Top3, c.N)})
	}
	use, err := s.Suggest.Uses(r.Context(), rq.P)
	if err != nil {
		return err
	}
	page.Use = &useFigures{RealUse: use, Top1: percentOf(use.Top1, use.N), Top3: percentOf(use.Top3, use.N), Leads: percentOf(use.LeadHits, use.Leads)}
	for _, c := range use.ByCategory {
		page.Use.Rows = append(page.Use.Rows, suggestRow{CategoryAccuracy: c, Name: names[c.Category], Top1: percentOf(c.Top1, c.N), Top3: percentOf(c.Top3, c.N)})
	}
	v := rq.view(r, "demands", "suggest.title", page)
	v.Tab = "config"
	s.render(w, rq, http.StatusOK, "admin_suggest.html", v)
	return nil
}

// percentOf is hits ÷ n as "87.5%", or "—" when nothing was measured.
// recordSuggested keeps what the intake form showed (its hidden receipt)
// beside the demand filed from it. A form without one showed nothing; a
// receipt that cannot be read or recorded is logged and the filing stands:
// the record only measures the suggestions.
func (s *server) recordSuggested(ctx context.Context, rq *request, receipt string, demandID int64) {
	u, ok := suggest.ParseReceipt(receipt)
	if !ok {
		return
	}
	u.DemandID = demandID
	if _, err := s.Suggest.Record(ctx, rq.P, u, suggest.SourceWeb); err != nil {
		s.Logger.Warn("suggestion use not recorded", "demand", demandID, "err", err)
	}
}

func percentOf(hits, n int) string {
	if n == 0 {
		return "—"
	}
	return strings.TrimSuffix(strings.TrimSuffix(fmt.Sprintf("%.1f", 100*suggest.Share(hits, n)), "0"), ".") + "%"
}

// suggestFragment answers the intake form as the description is typed:
// the likeliest categories as buttons that fill the category box (the
// body then comes from the routing rule, as the form proposes it).
func (s *server) suggestFragment(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := auth.AuthorizeAny(rq.P, auth.DemandIntake); err != nil {
		return err
	}
	got, err := s.Suggest.Suggest(r.Context(), rq.P, r.PostFormValue("description"), "")
	if err != nil {
		return err
	}
	var out suggestList
	for _, c := range got.Categories {
		label := c.Name
		if rq.Lang == langEN && c.NameEN != "" {
			label = c.NameEN
		}
		out.Categories = append(out.Categories, suggestChip{Value: c.Name, Label: label, Percent: fmt.Sprintf("%.0f%%", 100*c.P)})
	}
	out.Receipt = suggest.Receipt(got)
	s.fragment(w, rq, "admin_suggest.html", "suggest-fragment", out)
	return nil
}

// suggestList is the intake form's row of likely categories; each fills
// the category box with its name, which the box matches as typed.
// Receipt goes back with the form in a hidden field, so what was shown is
// recorded beside what was filed (recordSuggested).
type suggestList struct {
	Categories []suggestChip
	Receipt    string
}

type suggestChip struct{ Value, Label, Percent string }
