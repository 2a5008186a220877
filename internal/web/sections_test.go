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

// TestNavGroups: entries of a group the reader may open share one top-bar
// entry and become tabs; a reader with one entry of a group sees it alone.
func TestNavGroups(t *testing.T) {
	s := &server{sections: sections()}
	admin := &auth.Principal{UserID: 1, Grants: []auth.Grant{{Role: auth.DistrictAdmin, AreaPath: "/310104/"}}}
	n := s.navFor(admin)
	var keys []string
	for _, l := range n.Links {
		keys = append(keys, l.Key)
	}
	for _, k := range []string{"nav.areas", "nav.units", "nav.coverage", "nav.users", "nav.audit", "nav.projects"} {
		if strings.Contains(strings.Join(keys, " "), k+" ") || (len(keys) > 0 && keys[len(keys)-1] == k) {
			t.Errorf("administrator's top bar %v still lists %s apart from its group", keys, k)
		}
	}
	var org navLink
	for _, l := range n.Links {
		if l.Key == "nav.group.org" {
			org = l
		}
	}
	if org.Href != "/areas" || !org.Current("coverage") || !org.Current("units") || org.Current("demands") {
		t.Errorf("the group entry %+v: first link /areas, current on its members' pages only", org)
	}
	if tabs := n.TabsFor("coverage"); len(tabs) != 6 || tabs[2].Href != "/units" || tabs[5].Href != "/alliances" {
		t.Errorf("tabs of the coverage page: %+v, want the group's six entries", tabs)
	}
	if len(n.TabsFor("demands")) != 0 {
		t.Error("a page outside every group has tabs")
	}
	yes := func(*auth.Principal) bool { return true }
	no := func(*auth.Principal) bool { return false }
	one := (&server{sections: []section{{nav: []navLink{
		{Section: "a", Href: "/a", Key: "nav.a", group: "nav.g", can: no},
		{Section: "b", Href: "/b", Key: "nav.b", group: "nav.g", can: yes},
		{Section: "c", Href: "/c", Key: "nav.c", can: yes},
	}}}}).navFor(admin)
	if len(one.Links) != 2 || one.Links[0].Key != "nav.b" || len(one.TabsFor("b")) != 0 {
		t.Errorf("a reader with one entry of a group: %+v, want it under its own label and no tabs", one.Links)
	}
}
