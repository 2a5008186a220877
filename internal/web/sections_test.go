package web

import (
	"html/template"
	"strings"
	"testing"
	"text/template/parse"

	"gongzhi/internal/auth"
)

// TestSectionsWiring checks what a capability's section must get right:
// its labels exist in every language, and each page finds every piece it
// calls (a page outside the section whose parts it uses would fail only
// when drawn).
func TestSectionsWiring(t *testing.T) {
	cats, err := loadCatalogs()
	if err != nil {
		t.Fatal(err)
	}
	secs := sections()
	for _, sec := range secs {
		for _, l := range sec.nav {
			for lang, c := range cats {
				if _, ok := c[l.Key]; !ok {
					t.Errorf("section %s: nav key %s missing in %s", sec.name, l.Key, lang)
				}
			}
			if l.can == nil || !strings.HasPrefix(l.Href, "/") {
				t.Errorf("section %s: nav entry %+v needs a test and a local href", sec.name, l)
			}
		}
	}
	if _, err := loadTemplates(template.FuncMap{
		"t": func(string, ...any) string { return "" }, "asset": func(string) string { return "" },
	}, secs); err == nil {
		t.Fatal("loadTemplates without the page functions parsed; the check below would prove nothing")
	}
	s := &server{sections: secs}
	s.assets, _ = loadAssets()
	ts, err := loadTemplates(s.staticFuncs(), secs)
	if err != nil {
		t.Fatal(err)
	}
	for name, page := range ts.pages {
		for _, tpl := range page.Templates() {
			if tpl.Tree == nil {
				continue
			}
			for _, called := range templateCalls(tpl.Tree.Root) {
				if page.Lookup(called) == nil {
					t.Errorf("page %s calls {{template %q}}, which none of its files define: add the page to the section whose parts define it", name, called)
				}
			}
		}
	}

	// A page two sections claim stops the server from starting.
	dup := append(secs, section{name: "dup", pages: []string{"demand.html"}})
	if _, err := loadTemplates(s.staticFuncs(), dup); err == nil || !strings.Contains(err.Error(), "demand.html") {
		t.Errorf("a page claimed twice: err = %v", err)
	}

	// The demand section's flags are Authorize's answers.
	n := s.navFor(&auth.Principal{Grants: []auth.Grant{{Role: auth.Resident, AreaPath: "/d/"}}})
	if n.Can["Intake"] || len(n.Links) != 0 {
		t.Errorf("a resident's nav = %+v, want no links and no intake", n)
	}
}

// templateCalls lists the names {{template}} actions under n call.
func templateCalls(n parse.Node) []string {
	var out []string
	var walk func(parse.Node)
	walk = func(n parse.Node) {
		switch n := n.(type) {
		case *parse.ListNode:
			if n == nil {
				return
			}
			for _, c := range n.Nodes {
				walk(c)
			}
		case *parse.TemplateNode:
			out = append(out, n.Name)
		case *parse.IfNode:
			walk(n.List)
			walk(n.ElseList)
		case *parse.RangeNode:
			walk(n.List)
			walk(n.ElseList)
		case *parse.WithNode:
			walk(n.List)
			walk(n.ElseList)
		}
	}
	walk(n)
	return out
}
