package web

import (
	"context"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/demand"
)

//go:embed templates/*.html
var templateFS embed.FS

// layoutFiles are parsed into every page: the base layout and shared pieces.
// A section's own pieces (section.parts) go into its pages only.
var layoutFiles = []string{"templates/base.html", "templates/parts.html"}

// templates holds one parsed set per page. They are never executed
// themselves: html/template refuses to Clone a set after it ran, and each
// request needs its own clone to bind t to its language.
type templates struct {
	pages map[string]*template.Template
	lean  map[string]bool // pages of lean sections
}

// loadTemplates parses every page with the layout and its section's parts,
// once, at startup. A part no section claims, or a page two sections claim,
// is a wiring mistake and stops the server from starting.
func loadTemplates(funcs template.FuncMap, secs []section) (*templates, error) {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	partsOf := map[string][]string{} // page → its section's part files
	isPart := map[string]bool{}
	for _, sec := range secs {
		for _, p := range sec.parts {
			isPart["templates/"+p] = true
		}
		for _, pg := range sec.pages {
			if _, dup := partsOf[pg]; dup {
				return nil, fmt.Errorf("web: page %s is claimed by two sections", pg)
			}
			parts := []string{}
			for _, p := range sec.parts {
				parts = append(parts, "templates/"+p)
			}
			partsOf[pg] = parts
		}
	}
	ts := &templates{pages: map[string]*template.Template{}, lean: map[string]bool{}}
	for _, sec := range secs {
		for _, pg := range sec.pages {
			ts.lean[pg] = sec.lean
		}
	}
	for _, name := range names {
		base := path.Base(name)
		if slices.Contains(layoutFiles, name) || isPart[name] {
			continue
		}
		files := slices.Concat(layoutFiles, partsOf[base], []string{name})
		t, err := template.New(base).Funcs(funcs).ParseFS(templateFS, files...)
		if err != nil {
			return nil, fmt.Errorf("web: parse %s: %w", base, err)
		}
		ts.pages[base] = t
	}
	for pg := range partsOf {
		if ts.pages[pg] == nil {
			return nil, fmt.Errorf("web: section page %s has no template", pg)
		}
	}
	return ts, nil
}

// clone returns a private copy of page with t bound to the catalog.
func (ts *templates) clone(page string, c catalog) (*template.Template, error) {
	t, ok := ts.pages[page]
	if !ok {
		return nil, fmt.Errorf("web: no template %s", page)
	}
	t, err := t.Clone()
	if err != nil {
		return nil, err
	}
	return t.Funcs(template.FuncMap{"t": c.T}), nil
}

// staticFuncs are the template functions that do not depend on the request.
// "t" is a placeholder here, replaced per request in clone.
func (s *server) staticFuncs() template.FuncMap {
	return template.FuncMap{
		"t":     func(key string, args ...any) string { return key },
		"asset": s.assets.url,
		"ts":    showTime,
		"tsp": func(t *time.Time) string {
			if t == nil {
				return ""
			}
			return showTime(*t)
		},
		"pct": pct,
		// areaLabel names an area with its parents in lang ("" for none).
		"areaLabel": func(lang, code string) string { return s.areaName(context.Background(), lang, code) },
		"actionCtx": func(v *view, d *demand.Demand, f actionForm) actionCtx {
			return actionCtx{actionForm: f, D: d, CSRF: v.CSRF, Data: v.Data}
		},
		"mask":     auth.MaskPhone,
		"add":      func(a, b int) int { return a + b },
		"sub":      func(a, b int) int { return a - b },
		"itoa":     strconv.Itoa,
		"tel":      telNumber,
		"unitsURL": unitsURL,
		"indent":   func(level string) string { return strings.Repeat("\u3000", levelDepth[level]) },
		"dtlocal":  dtLocal,
		"day":      func(t time.Time) string { return t.In(clock.Shanghai).Format(time.DateOnly) },
		"short":    shorten,
		"score":    func(f float64) string { return strconv.Itoa(int(f*100+0.5)) + "%" },
		"i64":      func(n int64) string { return strconv.FormatInt(n, 10) },
		"list":     func(xs ...string) []string { return xs },
		"has":      func(xs []string, x string) bool { return slices.Contains(xs, x) },
		"yuan":     func(fen int64) float64 { return float64(fen) / 100 },
		"truthy":   func(b *bool) bool { return b != nil && *b },
		"kib":      fileSize,
		"fileInput": func(id string, limits uploadLimits, err string, again, optional bool) fileInput {
			return fileInput{ID: id, Limits: limits, Error: err, Again: again, Optional: optional}
		},
	}
}

// showTime renders a stored UTC time as Shanghai wall time.
func showTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(clock.Shanghai).Format("2006-01-02 15:04")
}

// dtLocal writes t as an <input type="datetime-local"> value in Shanghai time.
func dtLocal(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(clock.Shanghai).Format("2006-01-02T15:04")
}

// shorten cuts s to n characters with an ellipsis, for list cells.
func shorten(n int, s string) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// pct shows a rate as a percentage with one decimal, or a dash when there is nothing to rate.
func pct(r *float64) string {
	if r == nil {
		return "—"
	}
	return strconv.FormatFloat(*r*100, 'f', 1, 64) + "%"
}

// unitsURL is the work list of units behind a coverage figure.
func unitsURL(area, group, covered string) string {
	q := url.Values{}
	if area != "" {
		q.Set("area", area)
	}
	if group != "" {
		q.Set("group", group)
	}
	if covered != "" {
		q.Set("covered", covered)
	}
	return "/units?" + q.Encode()
}

// levelDepth indents area options by their level in the tree.
var levelDepth = map[string]int{"district": 0, "street": 1, "residential": 2, "lane": 3, "grid": 3}

// telNumber is a phone as a tel: link dials it, or "" when the phone is
// masked (or empty) and must not be dialled from the page.
func telNumber(phone string) string {
	if phone == "" || strings.Contains(phone, "*") {
		return ""
	}
	var b strings.Builder
	for i, r := range phone {
		if r >= '0' && r <= '9' || r == '+' && i == 0 {
			b.WriteRune(r)
		}
	}
	return b.String()
}
