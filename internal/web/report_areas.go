package web

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"gongzhi/internal/auth"
	"gongzhi/internal/org"
	"gongzhi/internal/texts"
)

// Residents say where they live by typing its name: the residential area
// (东湖), a grid (东湖 第1网格) or the street and the area (湖南 东湖). A
// district has about 300 residential areas and 1,700 grids, far too many for
// a <select> on a phone. The same matching serves the suggestions
// (GET /report/areas, static/report-area.js) and the form sent without
// JavaScript, so what a suggestion says is what the server files.

// reportAreaLimit caps the suggestions of one answer.
const reportAreaLimit = 20

// reportCandidates caps the candidates a refused form offers to choose from.
const reportCandidates = 10

// reportArea is an area a resident can file under, with its names.
type reportArea struct {
	Code    string
	Label   string   // with its parents, in the reader's language
	labelZH string   // with its parents, in Chinese
	labelEN string   // with its parents, in English ("" when unnamed)
	own     []string // its own names, Chinese and English
	names   []string // its own and its parents' names, Chinese and English
}

// nameSuffixes are the endings residents drop or swap when they name a
// place (东湖, 东湖小区 and 东湖居委会 all mean 东湖居民区; 湖南 means
// 湖南路街道). Longer endings first.
var nameSuffixes = []string{"居民委员会", "居民区", "居委会", "路街道", "街道", "居委", "社区", "小区", "镇",
	" residential area", " residents' committee", " road subdistrict", " subdistrict", " town"}

// nameStem is a name in lower case without its ending.
func nameStem(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	for _, suf := range nameSuffixes {
		if t := strings.TrimSuffix(s, suf); t != s && t != "" {
			return strings.TrimSpace(t)
		}
	}
	return s
}

// squash drops spaces and slashes, so "湖南路街道 / 东湖居民区" and
// "湖南路街道东湖居民区" compare equal.
func squash(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\u3000', '\t', '/', '／', '·':
			return -1
		}
		return r
	}, strings.ToLower(s))
}

// areaWords splits what a resident typed into words.
func areaWords(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return r == ' ' || r == '\u3000' || r == '/' || r == '／' || r == ',' || r == '，' || r == '、'
	})
}

// rank says how well the typed text (split into words) names a: 0 when
// some word is not in its name with parents; above that, best first, the
// text is its code or its whole name with parents; the last word is its
// own name (东湖 for 东湖居民区); more words are whole names of it or its
// parents (湖南 东湖 names 湖南路街道's 东湖居民区, not 东湖西居民区); the
// last word is part of its own name.
func (a reportArea) rank(text string, words []string) int {
	t := strings.TrimSpace(text)
	if t == a.Code || squash(t) == squash(a.labelZH) || a.labelEN != "" && squash(t) == squash(a.labelEN) {
		return 1 << 20
	}
	if len(words) == 0 {
		return 0
	}
	hay := strings.ToLower(a.labelZH + "\n" + a.labelEN)
	whole := 0
	for _, w := range words {
		stem := nameStem(w)
		if !strings.Contains(hay, w) && !strings.Contains(hay, stem) {
			return 0
		}
		if slices.ContainsFunc(a.names, func(n string) bool { return nameStem(n) == stem }) {
			whole++
		}
	}
	rank := 1 + whole*4
	last := nameStem(words[len(words)-1])
	for _, own := range a.own {
		own = nameStem(own)
		// The last words together may be the name: "grid 1" of "Donghu Grid 1".
		for k := 1; k <= len(words); k++ {
			if tail := words[len(words)-k:]; own == nameStem(strings.Join(tail, " ")) || own == nameStem(strings.Join(tail, "")) {
				return rank + 1<<10
			}
		}
		if strings.Contains(own, last) {
			rank = 1 + whole*4 + 2
		}
	}
	return rank
}

// matchAreas returns the areas text names, best first and in tree order
// among equals, and how many share the best rank.
func matchAreas(all []reportArea, text string) (found []reportArea, best int) {
	words := areaWords(text)
	if utf8.RuneCountInString(text) > pickMaxQ || len(words) == 0 {
		return nil, 0
	}
	ranks := map[string]int{}
	for _, a := range all {
		if r := a.rank(text, words); r > 0 {
			ranks[a.Code] = r
			found = append(found, a)
		}
	}
	slices.SortStableFunc(found, func(a, b reportArea) int { return ranks[b.Code] - ranks[a.Code] })
	for best < len(found) && ranks[found[best].Code] == ranks[found[0].Code] {
		best++
	}
	return found, best
}

// reportAreaChoices lists the areas a resident can file under: residential
// areas and what lies below them (lanes, grids). Area names are public:
// residents need them to say where they live; the system principal reads
// them for a visitor without an account.
func (s *server) reportAreaChoices(ctx context.Context, lang string) ([]reportArea, error) {
	return s.areaChoicesOf(ctx, auth.SystemPrincipal(), lang, org.Residential, org.Lane, org.Grid)
}

// areaChoicesOf lists the areas p reads (of the given levels; none: all)
// with the names matchAreas looks in. The report form and the grant
// picker find areas the same way.
func (s *server) areaChoicesOf(ctx context.Context, p *auth.Principal, lang string, levels ...org.Level) ([]reportArea, error) {
	areas, err := s.Org.Areas(ctx, p, org.AreaFilter{})
	if err != nil {
		return nil, err
	}
	labels, err := s.Org.AreaLabels(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]reportArea, 0, len(areas))
	for _, a := range areas {
		if len(levels) > 0 && !slices.Contains(levels, a.Level) {
			continue
		}
		c := reportArea{Code: a.Code, Label: labels.Label(a.Code, lang), labelZH: labels.Label(a.Code, texts.ZH),
			own: []string{a.Name}}
		c.names = strings.Split(c.labelZH, " / ")
		if a.NameEN != "" {
			c.labelEN, c.own = labels.Label(a.Code, texts.EN), append(c.own, a.NameEN)
			c.names = append(c.names, strings.Split(c.labelEN, " / ")...)
		}
		if c.Label == "" {
			c.Label = a.NameIn(lang)
		}
		out = append(out, c)
	}
	return out, nil
}

// findReportArea resolves what a resident typed: one area, several
// candidates (the best tier only), or none.
func (s *server) findReportArea(ctx context.Context, lang, text string) ([]reportArea, error) {
	all, err := s.reportAreaChoices(ctx, lang)
	if err != nil {
		return nil, err
	}
	found, best := matchAreas(all, text)
	return found[:best], nil
}

// reportAreas serves GET /report/areas?q=: the names with parents of up to
// reportAreaLimit areas that q names, best first, for the report form's
// suggestions. Names only: nothing here is not on a street sign.
func (s *server) reportAreas(w http.ResponseWriter, r *http.Request, rq *request) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	out := []string{}
	if q != "" {
		all, err := s.reportAreaChoices(r.Context(), rq.Lang)
		if err != nil {
			return err
		}
		found, _ := matchAreas(all, q)
		for _, a := range found[:min(len(found), reportAreaLimit)] {
			out = append(out, a.Label)
		}
	}
	b, err := json.Marshal(out)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "private, max-age=300") // areas change rarely; typing back and forth asks again
	h.Add("Vary", "Cookie")                        // the names come in the reader's language
	h.Add("Vary", "Accept-Language")
	h.Set("X-Content-Type-Options", "nosniff")
	w.Write(b)
	return nil
}
