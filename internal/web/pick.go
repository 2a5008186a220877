package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"gongzhi/internal/auth"
	"gongzhi/internal/errs"
	"gongzhi/internal/org"
)

// Searchable pickers: a district has tens of thousands of units and
// thousands of party organisations, too many for a <select>. A form shows a
// text input (static/picker.js asks the endpoints below as the user types)
// and a hidden input carrying the chosen id; the service still checks the
// submitted id exists and is in the user's scope.

// pickLimit caps one answer: enough to choose from, small enough to type on.
const pickLimit = 20

// pickMaxQ is the longest search text accepted (names are at most 200).
const pickMaxQ = 100

// pickItem is one match: the record's id and what the list shows.
type pickItem struct {
	ID    int64  `json:"id"`
	Label string `json:"label"`
}

// pickLabel is how a picker names a record: its name and its area.
func pickLabel(name, area string) string { return name + "（" + area + "）" }

// pickQuery reads q, area and kind, refusing search text too long to be a name.
func pickQuery(r *http.Request) (q, area, kind string, err error) {
	v := r.URL.Query()
	q, area, kind = strings.TrimSpace(v.Get("q")), strings.TrimSpace(v.Get("area")), strings.TrimSpace(v.Get("kind"))
	if utf8.RuneCountInString(q) > pickMaxQ {
		return "", "", "", errs.Invalid("q", "search text is at most %d characters", pickMaxQ)
	}
	return q, area, kind, nil
}

// pickUnits serves GET /org/pick/units?q=&area=&kind=: up to pickLimit units
// in the user's scope whose name contains q.
func (s *server) pickUnits(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := auth.AuthorizeAny(rq.P, auth.UnitRead); err != nil {
		return err
	}
	q, area, kind, err := pickQuery(r)
	if err != nil {
		return err
	}
	f := org.UnitFilter{Area: area, Q: q, PerPage: pickLimit}
	if kind != "" {
		k := org.UnitKind(kind)
		f.Kind = &k // the service refuses an unknown kind
	}
	units, _, err := s.Org.Units(r.Context(), rq.P, f)
	if err != nil {
		return err
	}
	out := make([]pickItem, 0, len(units))
	for _, u := range units {
		out = append(out, pickItem{u.ID, pickLabel(u.Name, u.AreaName)})
	}
	return writePick(w, out)
}

// pickPartyOrgs serves GET /org/pick/party-orgs?q=&area=&kind=: up to
// pickLimit party organisations in the user's scope whose name contains q.
// kind=committee means the kinds that seat part-time committee members.
func (s *server) pickPartyOrgs(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := auth.AuthorizeAny(rq.P, auth.OrgRead); err != nil {
		return err
	}
	q, area, kind, err := pickQuery(r)
	if err != nil {
		return err
	}
	kinds := []string{kind}
	if kind == "committee" {
		kinds = kinds[:0]
		for _, k := range org.CommitteeKinds() {
			kinds = append(kinds, string(k))
		}
	} else if _, ok := org.ParsePartyOrgKind(kind); kind != "" && !ok {
		return errs.Invalid("kind", "kind must be a party organisation kind or committee")
	}
	out := make([]pickItem, 0, pickLimit)
	for _, k := range kinds {
		list, _, err := s.Org.PartyOrgs(r.Context(), rq.P, org.PartyOrgFilter{Area: area, Kind: k, Q: q, PerPage: pickLimit - len(out)})
		if err != nil {
			return err
		}
		for _, o := range list {
			out = append(out, pickItem{o.ID, pickLabel(o.Name, o.AreaName)})
		}
		if len(out) >= pickLimit {
			break
		}
	}
	return writePick(w, out)
}

func writePick[T any](w http.ResponseWriter, items []T) error {
	b, err := json.Marshal(items)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.Write(b)
	return nil
}

// picker is one searchable field of a form (template "picker" in parts.html).
type picker struct {
	ID       string // the visible input's element id
	Name     string // the form field carrying the chosen id; the text goes in Name+"_q"
	Source   string // the endpoint with its fixed area/kind query
	AreaFrom string // element id of an area select narrowing the search, if any
	Label    string // locale keys of the label and an optional hint
	Hint     string
	Value    string // the chosen id
	Text     string // what the text input shows: the chosen record's label
	Required bool
	Error    string
}

// pick reads a picker field. Its text input wins when it holds a number: that
// is how a user without JavaScript chooses (by id, shown on the record's
// page). Otherwise the hidden id counts; text with no id means the user typed
// but did not choose a suggestion. Clearing the text clears the id only with
// JavaScript (picker.js); without it a re-rendered form keeps its id.
func (fr *formReader) pick(name string) (value, text string, id *int64) {
	value, text = fr.get(name), fr.get(name+"_q")
	if _, err := strconv.ParseInt(text, 10, 64); err == nil {
		value = text
	}
	if value == "" && text != "" {
		fr.bad[name] = fr.rq.T("form.choose_listed")
		return value, text, nil
	}
	return value, text, fr.id(name, value)
}

// unitText names the chosen unit of a picker; a unit the user may not read
// (or that does not exist) keeps the submitted text.
func (s *server) unitText(ctx context.Context, p *auth.Principal, value, text string) string {
	if id, err := strconv.ParseInt(value, 10, 64); err == nil {
		if u, err := s.Org.Unit(ctx, p, id); err == nil {
			return pickLabel(u.Name, u.AreaName)
		}
	}
	return text
}

// partyOrgText names the chosen party organisation of a picker, as unitText.
func (s *server) partyOrgText(ctx context.Context, p *auth.Principal, value, text string) string {
	if id, err := strconv.ParseInt(value, 10, 64); err == nil {
		if o, err := s.Org.PartyOrg(ctx, p, id); err == nil {
			return pickLabel(o.Name, o.AreaName)
		}
	}
	return text
}

// pickSource is a picker endpoint with its fixed filters.
func pickSource(path, area, kind string) string {
	var q []string
	if area != "" {
		q = append(q, "area="+url.QueryEscape(area))
	}
	if kind != "" {
		q = append(q, "kind="+url.QueryEscape(kind))
	}
	if len(q) == 0 {
		return path
	}
	return path + "?" + strings.Join(q, "&")
}

// areaPick is one area of the area picker: its code and its name with parents.
type areaPick struct {
	ID    string `json:"id"`
	Label string `json:"label"`
}

// pickAreas serves GET /org/pick/areas?q=: up to pickLimit areas in the
// user's scope that q names (by name with parents, as the report form finds
// them: 湖南 第3网格), or whose code starts with q; with no q, the first of
// them. A district has about 2,000 areas, too many for a <select>.
func (s *server) pickAreas(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := auth.AuthorizeAny(rq.P, auth.AreaRead); err != nil {
		return err
	}
	q, _, _, err := pickQuery(r)
	if err != nil {
		return err
	}
	all, err := s.areaChoicesOf(r.Context(), rq.P, rq.Lang)
	if err != nil {
		return err
	}
	found := all
	if q != "" && strings.Trim(q, "0123456789") == "" { // a code, or its start
		found = slices.DeleteFunc(slices.Clone(all), func(a reportArea) bool { return !strings.HasPrefix(a.Code, q) })
	} else if q != "" {
		found, _ = matchAreas(all, q)
	}
	out := []areaPick{}
	for _, a := range found[:min(len(found), pickLimit)] {
		out = append(out, areaPick{a.Code, a.Label})
	}
	return writePick(w, out)
}

// pickCode reads an area picker field: the code chosen from the list, or one
// typed into its text box (how a user without JavaScript chooses: codes are
// digits). Text with no code means a suggestion was not chosen.
func (fr *formReader) pickCode(name string) (code, text string) {
	code, text = fr.get(name), fr.get(name+"_q")
	if text != "" && strings.Trim(text, "0123456789") == "" {
		code = text
	}
	if code == "" && text != "" {
		fr.bad[name] = fr.rq.T("form.choose_listed")
	}
	return code, text
}

// areaPicker is the searchable area field of a form.
func (s *server) areaPicker(ctx context.Context, rq *request, id, code, text, err string) picker {
	if code != "" {
		if l, e := s.Org.AreaLabels(ctx); e == nil {
			if label := l.Label(code, rq.Lang); label != "" {
				text = label
			}
		}
	}
	return picker{ID: id, Name: "area", Source: "/org/pick/areas", Label: "user.area", Hint: "user.area_hint",
		Value: code, Text: text, Required: true, Error: err}
}
