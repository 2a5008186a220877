package lists

import (
	"context"
	"time"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// ProjectStats are the project figures leaders read (API.md): how many
// projects, by domain and landing level, and the two shares DOMAIN.md
// quotes (75% in the three domains, 70% at street or residential level).
type ProjectStats struct {
	Area                     string       `json:"area"`
	Total                    int          `json:"total"`
	ByDomain                 []DomainStat `json:"by_domain"`
	ByLevel                  []LevelStat  `json:"by_level"`
	ThreeDomainShare         *float64     `json:"three_domain_share"`
	StreetOrResidentialShare *float64     `json:"street_or_residential_share"`
	Beneficiaries            int          `json:"beneficiaries"`
	ByStreet                 []AreaStat   `json:"by_street"`
}

// DomainStat counts projects of one domain.
type DomainStat struct {
	Domain string `json:"domain"`
	Count  int    `json:"count"`
}

// LevelStat counts projects at one landing level.
type LevelStat struct {
	Level string `json:"level"`
	Count int    `json:"count"`
}

// AreaStat counts projects under one area (a street of the district asked for).
type AreaStat struct {
	Area  string `json:"area"`
	Name  string `json:"name"`
	Count int    `json:"count"`
}

// threeDomains are DOMAIN.md's livelihood services, social governance, culture & sports.
var threeDomains = map[string]bool{"livelihood": true, "governance": true, "culture": true}

// Stats counts the projects created in [from, to) under an area the caller
// may read (cancelled ones do not count).
func (s *Service) Stats(ctx context.Context, p *auth.Principal, code string, from, to time.Time) (ProjectStats, error) {
	st := ProjectStats{Area: code, ByDomain: []DomainStat{}, ByLevel: []LevelStat{}, ByStreet: []AreaStat{}}
	a, err := area.Get(ctx, s.db, code)
	if errs.Code(err) == errs.ENOTFOUND {
		return st, errs.Invalid("area", "unknown area %q", code)
	} else if err != nil {
		return st, err
	}
	if err := auth.Authorize(p, auth.ListsRead, a.Path); err != nil {
		return st, err
	}
	var w db.Where
	cond, arg := area.Subtree(s.db.Dialect, "p.area_path", a.Path)
	w.And(cond, arg).And("p.status <> 'cancelled'")
	if !from.IsZero() {
		w.And("p.created_at >= ?", from.UTC()) // SQLite compares stored times as text, all in UTC
	}
	if !to.IsZero() {
		w.And("p.created_at < ?", to.UTC())
	}
	type row struct {
		domain, level, street string
		n, served             int
	}
	// Grouped by path too, so the streets' counts come from the same rows.
	rows, err := db.All(ctx, s.db, `SELECT p.domain, p.level, p.area_path, count(*), COALESCE(sum(p.beneficiaries), 0)
		FROM projects p WHERE `+w.SQL()+` GROUP BY p.domain, p.level, p.area_path`, w.Args(), func(r db.Scanner) (row, error) {
		var x row
		err := r.Scan(&x.domain, &x.level, &x.street, &x.n, &x.served)
		return x, err
	})
	if err != nil {
		return st, errs.Wrap(err, "project stats")
	}
	domains, levels, streets := map[string]int{}, map[string]int{}, map[string]int{}
	three, low := 0, 0
	for _, x := range rows {
		st.Total += x.n
		st.Beneficiaries += x.served
		domains[x.domain] += x.n
		levels[x.level] += x.n
		streets[x.street] += x.n
		if threeDomains[x.domain] {
			three += x.n
		}
		if x.level != "district" {
			low += x.n
		}
	}
	for _, d := range Domains {
		st.ByDomain = append(st.ByDomain, DomainStat{d, domains[d]})
	}
	for _, l := range Levels {
		st.ByLevel = append(st.ByLevel, LevelStat{l, levels[l]})
	}
	if st.Total > 0 {
		a, b := float64(three)/float64(st.Total), float64(low)/float64(st.Total)
		st.ThreeDomainShare, st.StreetOrResidentialShare = &a, &b
	}
	// Every child area, those without a project too: a leader looks for them.
	children, err := area.Children(ctx, s.db, code)
	if err != nil {
		return st, err
	}
	for _, c := range children {
		st.ByStreet = append(st.ByStreet, AreaStat{Area: c.Code, Name: c.Name, Count: countUnder(streets, c.Path)})
	}
	return st, nil
}

func countUnder(m map[string]int, path string) int {
	n := 0
	for p, c := range m {
		if len(p) >= len(path) && p[:len(path)] == path {
			n += c
		}
	}
	return n
}
