package web

import (
	"net/http"
	"slices"

	"gongzhi/internal/auth"
)

// A section is one capability's pages: the routes it serves, its entries in
// the top bar, the flags its templates ask, and the template pieces its
// pages share. The web surface is the list of sections (sections); a new
// capability adds a routes_<name>.go with its section and one line there.
type section struct {
	name string
	// nav are its top-bar entries, in order; each shows when can says so.
	nav []navLink
	// flags are named yes/no questions its templates ask of the user
	// ({{if .Nav.Can.Intake}}), answered by Authorize like nav entries.
	flags map[string]func(*auth.Principal) bool
	// parts are template files defining pieces its pages share; they are
	// parsed into its pages only, besides the layout every page gets.
	parts []string
	// pages are its page templates (templates/NAME).
	pages []string
	// lean: its pages use no htmx (a resident's phone on a slow line loads
	// only what the page needs).
	lean bool
	// routes are its handlers; called once by New with the server.
	routes func(s *server) []pageRoute
}

// pageRoute is one pattern of http.ServeMux and its handler.
type pageRoute struct {
	pattern string
	h       http.HandlerFunc
}

// navLink is one top-bar entry.
type navLink struct {
	Section string // view.Section of the pages where the entry is current
	Href    string
	Key     string // catalog key of its label
	can     func(*auth.Principal) bool
	// group, when set, is the catalog key of the one top-bar entry that
	// links of the same group share; they become tabs above its pages.
	group   string
	members []string // a group entry: the Sections of its tabs
}

// Current reports whether the entry is the top-bar entry of section.
func (l navLink) Current(section string) bool {
	return l.Section == section || slices.Contains(l.members, section)
}

// sections is the web surface, in top-bar order.
func sections() []section {
	return []section{
		siteSection(),
		demandSection(),
		orgSection(),
		listsSection(),
		bookingSection(),
		fundSection(),
		delibSection(),
		surveySection(),
		allianceSection(),
		suggestSection(),
		hotspotSection(),
		partySection(),
		pairingSection(),
		cadreSection(),
		pointsSection(),
		adminSection(),
		inboxSection(),
		residentsSection(),
		projectRateSection(),
		phoneSection(),
	}
}

// canAny is a nav or flag test: may p use perm anywhere?
func canAny(perm auth.Perm) func(*auth.Principal) bool {
	return func(p *auth.Principal) bool { return auth.AuthorizeAny(p, perm) == nil }
}

// isStaff: some staff work (units, demands, figures, users, the audit log).
// Residents and members get no staff menu: no area tree with its codes, no
// organisation lists, no API tokens (the pages stay theirs to open by link
// where their role allows).
func isStaff(p *auth.Principal) bool {
	for _, perm := range []auth.Perm{auth.UnitRead, auth.DemandRead, auth.CoverageRead, auth.UserRead, auth.AuditRead} {
		if auth.AuthorizeAny(p, perm) == nil {
			return true
		}
	}
	return false
}

// nav is what the layout shows of the sections for one user.
type nav struct {
	Links []navLink
	Can   map[string]bool
	tabs  map[string][]navLink // by Section: the tabs of its group
}

// TabsFor is the row of tabs above a page of section: the entries of its
// group the reader may open, when there are two or more.
func (n nav) TabsFor(section string) []navLink { return n.tabs[section] }

// navFor asks each section's tests which entries and flags apply to p;
// Authorize decides, not the templates. Entries of one group the reader
// may open share one top-bar entry (the first of them, under the group's
// label) and become tabs: an administrator's bar had 17 entries.
func (s *server) navFor(p *auth.Principal) nav {
	n := nav{Can: map[string]bool{}}
	groups := map[string][]navLink{}
	for _, sec := range s.sections {
		for _, l := range sec.nav {
			if l.can(p) {
				n.Links = append(n.Links, l)
				if l.group != "" {
					groups[l.group] = append(groups[l.group], l)
				}
			}
		}
		for name, f := range sec.flags {
			n.Can[name] = f(p)
		}
	}
	links := n.Links[:0:0]
	for _, l := range n.Links {
		g := groups[l.group]
		switch {
		case len(g) < 2:
			links = append(links, l)
		case g[0].Section == l.Section:
			entry := l
			entry.Key = l.group
			for _, m := range g {
				entry.members = append(entry.members, m.Section)
				if n.tabs == nil {
					n.tabs = map[string][]navLink{}
				}
				n.tabs[m.Section] = g
			}
			links = append(links, entry)
		}
	}
	n.Links = links
	return n
}
