package demo

import (
	"cmp"
	"context"
	"fmt"
	areas "gongzhi/internal/area"
	"gongzhi/internal/lists"
	"slices"
	"strings"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// DOMAIN.md §4: in two years Xuhui ran nearly 1,000 service projects, 75%
// in livelihood services, social governance and culture & sports, 70%
// landing at street or residential level. The demo's projects reproduce
// both shares exactly.
const (
	demoProjects = 1000
)

// projectDomains and projectLevels are how many of the demo's projects
// fall in each domain and at each level.
var (
	projectDomains = []struct {
		domain string
		n      int
	}{{"livelihood", 400}, {"governance", 200}, {"culture", 150}, {"environment", 120}, {"safety", 80}, {"other", 50}}
	projectLevels = []struct {
		level string
		n     int
	}{{"district", 300}, {"street", 350}, {"residential", 350}}
	projectTitles = map[string][]string{
		"livelihood":  {"社区食堂助餐点", "错时共享停车", "老年人助浴服务", "家门口就业服务站", "托育点共建", "电梯加装协调"},
		"governance":  {"楼组自治公约修订", "物业纠纷调解室", "居民议事厅", "睦邻点建设", "志愿者积分服务"},
		"culture":     {"社区合唱团", "楼道美术馆", "亲子阅读角", "社区运动会", "非遗手工课堂"},
		"environment": {"垃圾分类示范楼组", "口袋公园微更新", "屋顶花园", "河道清洁行动"},
		"safety":      {"消防通道清障", "电动车集中充电棚", "独居老人安全守护"},
		"other":       {"社区公益集市", "居民技能交换"},
	}
)

// resourceSpec is a kind of resource the demo's units offer.
type resourceSpec struct {
	title, kind, categories, unit, windows, conditions string
	capacity                                           [2]int
}

var demoResources = []resourceSpec{
	{"夜间错时停车位", "parking", "parking", "spaces", "1-5 19:00-07:00", "工作日夜间开放，早 7 点前驶离", [2]int{20, 80}},
	{"多功能活动厅", "venue", "venue culture", "people", "6 08:30-12:00; 7 14:00-17:00", "提前两天预约", [2]int{40, 120}},
	{"党员志愿服务队", "volunteer", "volunteer elderly_care environment", "people", "6,7 09:00-17:00", "", [2]int{10, 40}},
	{"法律咨询门诊", "expertise", "legal", "hours_per_week", "3 14:00-17:00", "每周三下午", [2]int{3, 6}},
	{"职工食堂助餐", "materials", "meals elderly_care", "people", "1-5 11:00-13:00", "60 岁以上老人凭卡就餐", [2]int{30, 100}},
	{"心理疏导热线", "expertise", "psychological", "hours_per_week", "1-5 18:00-21:00", "", [2]int{5, 15}},
}

// writeLists writes resources offered by units of every street (the demo
// liaison's unit among them, offering night parking), needs rolled up from
// the demo's parking, meal and noise demands with some matched, and two
// years of service projects.
func (b *builder) writeLists(ctx context.Context, tx *db.Tx) error {
	counts := map[string]int{}
	put := func(table string, cols []string, n int, row func(i int) []any) error {
		ins := db.NewBulkInsert(tx, table, cols)
		for i := range n {
			if err := ins.Add(ctx, row(i)...); err != nil {
				return errs.Wrap(err, "insert "+table)
			}
		}
		counts[table] += n
		return errs.Wrap(ins.Close(ctx), "insert "+table)
	}
	// Resources: the regional units of each street offer a few each.
	type res struct {
		id         int64
		spec       resourceSpec
		u          *unit
		capacity   int
		servesPath string
	}
	var resources []res
	byStreet := map[*streetNode][]*unit{}
	for _, u := range b.units {
		if u.kind == "regional_unit" && u.res != nil && !u.streetBody {
			byStreet[u.res.street] = append(byStreet[u.res.street], u)
		}
	}
	for si, st := range b.streets {
		units := byStreet[st]
		for i, spec := range demoResources {
			for k := range 2 {
				if len(units) == 0 {
					break
				}
				u := units[(i*7+k*13+si)%len(units)]
				if si == 0 && i <= 1 && k == 0 {
					u = b.liaisonUnit() // the demo liaison's own unit offers night parking and a hall
				}
				resources = append(resources, res{id: int64(len(resources) + 1), spec: spec, u: u,
					capacity: spec.capacity[0] + b.rng.IntN(spec.capacity[1]-spec.capacity[0]+1), servesPath: st.area.path})
			}
		}
	}
	if err := put("resources", []string{"id", "title", "detail", "kind", "categories", "provider_kind", "unit_id", "provider_name", "area_code", "area_path",
		"serves_path", "capacity", "capacity_unit", "windows", "conditions", "address", "status", "created_at", "updated_at"}, len(resources), func(i int) []any {
		r := resources[i]
		at := b.now.AddDate(0, -b.rng.IntN(18), -b.rng.IntN(28))
		return []any{r.id, r.spec.title, "", r.spec.kind, r.spec.categories, "unit", r.u.id, r.u.name, r.u.grid.code, r.u.grid.path,
			r.servesPath, r.capacity, r.spec.unit, r.spec.windows, r.spec.conditions, r.u.address, "active", at, at}
	}); err != nil {
		return err
	}
	// Needs rolled up from demands: per street, the residential areas with
	// the most parking, meal and noise demands.
	type need struct {
		id                       int64
		title, category, windows string
		code, path               string
		demands                  []int64
		beneficiaries            int
		status                   string
	}
	var needs []need
	resCodes := map[string]string{}
	for _, r := range b.allRes() {
		resCodes[r.area.path] = r.area.code
	}
	for _, c := range []struct{ cat, category, title, windows string }{
		{"parking", "parking", "夜间停车难", "1-5 19:00-23:00"},
		{"elderly", "meals", "老人助餐需求", "1-5 11:00-12:30"},
		{"noise", "volunteer", "噪音扰民劝导", "1-7 20:00-23:00"},
	} {
		type group struct {
			code, path string
			ids        []int64
			n          int
		}
		byPath := map[string]*group{}
		rows, err := db.All(ctx, tx, `SELECT d.id, d.area_path FROM demands d JOIN demand_categories c ON c.code = d.category_code
			WHERE c.code = ? OR c.parent_code = ? ORDER BY d.id DESC`, []any{c.cat, c.cat}, func(r db.Scanner) (struct {
			id   int64
			path string
		}, error) {
			var x struct {
				id   int64
				path string
			}
			err := r.Scan(&x.id, &x.path)
			return x, err
		})
		if err != nil {
			return errs.Wrap(err, "demo needs")
		}
		for _, x := range rows {
			rp := areas.AtDepth(x.path, 3)
			g := byPath[rp]
			if g == nil {
				g = &group{code: resCodes[rp], path: rp}
				byPath[rp] = g
			}
			g.n++
			if len(g.ids) < 12 {
				g.ids = append(g.ids, x.id)
			}
		}
		groups := make([]*group, 0, len(byPath))
		for _, g := range byPath {
			if g.code != "" {
				groups = append(groups, g)
			}
		}
		slices.SortFunc(groups, func(x, y *group) int { return cmp.Or(y.n-x.n, strings.Compare(x.code, y.code)) })
		groups = groups[:min(len(groups), 40)]
		for gi, g := range groups {
			ids := g.ids
			status := "open"
			if gi%3 == 1 {
				status = "matched"
			}
			needs = append(needs, need{id: int64(len(needs) + 1), title: c.title, category: c.category, windows: c.windows, code: g.code, path: g.path,
				demands: ids, beneficiaries: len(ids), status: status})
		}
	}
	if err := put("needs", []string{"id", "title", "detail", "category", "area_code", "area_path", "windows", "beneficiaries", "urgency", "status", "source", "created_at", "updated_at"},
		len(needs), func(i int) []any {
			n := needs[i]
			return []any{n.id, n.title, "由居民诉求汇总", n.category, n.code, n.path, n.windows, n.beneficiaries, "normal", n.status, "demands", b.now, b.now}
		}); err != nil {
		return err
	}
	type link struct{ need, demand int64 }
	var links []link
	for _, n := range needs {
		for _, d := range n.demands {
			links = append(links, link{n.id, d})
		}
	}
	if err := put("need_demands", []string{"need_id", "demand_id"}, len(links), func(i int) []any { return []any{links[i].need, links[i].demand} }); err != nil {
		return err
	}
	// Matches for the matched needs: a resource of the need's street serving its category.
	type mt struct{ id, need, res int64 }
	var matches []mt
	for _, n := range needs {
		if n.status != "matched" {
			continue
		}
		for _, r := range resources {
			if strings.HasPrefix(n.path, r.servesPath) && strings.Contains(" "+r.spec.categories+" ", " "+n.category+" ") {
				matches = append(matches, mt{int64(len(matches) + 1), n.id, r.id})
				break
			}
		}
	}
	if err := put("matches", []string{"id", "need_id", "resource_id", "amount", "score", "reasons", "status", "created_at"}, len(matches), func(i int) []any {
		m := matches[i]
		return []any{m.id, m.need, m.res, 1, 700, "[]", "confirmed", b.now}
	}); err != nil {
		return err
	}
	if err := b.writeProjects(ctx, put); err != nil {
		return err
	}
	if err := db.ResetIDs(ctx, tx, "resources", "needs", "matches", "projects", "project_milestones", "project_ratings", "project_rating_codes"); err != nil {
		return err
	}
	if _, err := lists.IndexMissing(ctx, tx); err != nil {
		return err
	}
	for _, e := range []struct{ entity, table string }{{"resource", "resources"}, {"need", "needs"}, {"project", "projects"}} {
		if err := auth.Record(ctx, tx, b.now, auth.SystemPrincipal(), auth.Change{Action: "demo_lists", Entity: e.entity, EntityID: DistrictCode,
			AreaPath: b.district.path, After: map[string]int{"rows": counts[e.table]}}); err != nil {
			return err
		}
	}
	return nil
}

// writeProjects writes two years of service projects with the published shares.
func (b *builder) writeProjects(ctx context.Context, put func(string, []string, int, func(int) []any) error) error {
	domains := make([]string, 0, demoProjects)
	for _, d := range projectDomains {
		for range d.n {
			domains = append(domains, d.domain)
		}
	}
	levels := make([]string, 0, demoProjects)
	for _, l := range projectLevels {
		for range l.n {
			levels = append(levels, l.level)
		}
	}
	b.rng.Shuffle(len(levels), func(i, j int) { levels[i], levels[j] = levels[j], levels[i] })
	var units []*unit
	for _, u := range b.units {
		if u.kind == "regional_unit" && u.res != nil {
			units = append(units, u)
		}
	}
	type project struct {
		id                                  int64
		title, domain, level, status, token string
		code, path                          string
		lead                                *unit
		claimable                           bool
		budget                              int64
		served                              int
		created                             time.Time
	}
	projects := make([]project, demoProjects)
	for i := range projects {
		p := &projects[i]
		p.id, p.domain, p.level = int64(i+1), domains[i], levels[i]
		st := b.streets[b.rng.IntN(len(b.streets))]
		r := st.res[b.rng.IntN(len(st.res))]
		switch p.level {
		case "district":
			p.code, p.path = b.district.code, b.district.path
		case "street":
			p.code, p.path = st.area.code, st.area.path
		default:
			p.code, p.path = r.area.code, r.area.path
		}
		titles := projectTitles[p.domain]
		p.title = fmt.Sprintf("%s·%s", strings.TrimSuffix(strings.TrimSuffix(st.area.name, "街道"), "镇"), titles[b.rng.IntN(len(titles))])
		// Spread over two years; older projects are further along.
		age := b.rng.IntN(730)
		p.created = b.now.AddDate(0, 0, -age)
		switch {
		case age > 400:
			p.status = []string{"evaluated", "done", "done"}[b.rng.IntN(3)]
		case age > 120:
			p.status = []string{"running", "done", "running"}[b.rng.IntN(3)]
		case age > 30:
			p.status = []string{"approved", "running"}[b.rng.IntN(2)]
		default:
			p.status = "proposed"
		}
		p.lead = units[b.rng.IntN(len(units))]
		if p.status == "proposed" && i%4 == 0 {
			p.lead, p.claimable = nil, true // on the claim list
		}
		p.budget = int64(5000+b.rng.IntN(195000)) * 100
		p.served = 20 + b.rng.IntN(780)
		p.token = fmt.Sprintf("demo%08x%08x", b.rng.Uint32(), i)
	}
	if err := put("projects", []string{"id", "title", "summary", "domain", "level", "area_code", "area_path", "status", "source", "lead_unit_id", "lead_name",
		"claimable", "budget_fen", "funding", "beneficiaries", "rate_token", "created_at", "updated_at"}, len(projects), func(i int) []any {
		p := projects[i]
		var lead any
		name := ""
		if p.lead != nil {
			lead, name = p.lead.id, p.lead.name
		}
		return []any{p.id, p.title, "", p.domain, p.level, p.code, p.path, p.status, "direct", lead, name, p.claimable, p.budget,
			"区域化党建项目资金、单位自筹", p.served, p.token, p.created, p.created}
	}); err != nil {
		return err
	}
	type milestone struct {
		id, project int64
		title       string
		done        any
	}
	var ms []milestone
	for _, p := range projects {
		for k, t := range []string{"需求调研", "方案确定", "实施", "居民评价"} {
			var done any
			if (p.status == "done" || p.status == "evaluated") || (p.status == "running" && k < 2) {
				done = p.created.AddDate(0, 0, 20*(k+1))
			}
			ms = append(ms, milestone{int64(len(ms) + 1), p.id, t, done})
		}
	}
	if err := put("project_milestones", []string{"id", "project_id", "title", "due_on", "done_at"}, len(ms), func(i int) []any {
		m := ms[i]
		return []any{m.id, m.project, m.title, "", m.done}
	}); err != nil {
		return err
	}
	// Each resident served rated with their own code; a few codes handed
	// out were never used.
	type rating struct {
		id, project int64
		score       int
		at          time.Time
	}
	type code struct {
		project, rating int64
		issued, used    time.Time
	}
	var ratings []rating
	var codes []code
	for _, p := range projects {
		if p.status == "done" || p.status == "evaluated" {
			issued := p.created.AddDate(0, 2, 20)
			for range 1 + b.rng.IntN(4) {
				r := rating{int64(len(ratings) + 1), p.id, []int{5, 5, 4, 4, 3}[b.rng.IntN(5)], p.created.AddDate(0, 3, 0)}
				ratings = append(ratings, r)
				codes = append(codes, code{p.id, r.id, issued, r.at})
			}
			for range b.rng.IntN(3) {
				codes = append(codes, code{project: p.id, issued: issued})
			}
		}
	}
	if err := put("project_ratings", []string{"id", "project_id", "score", "comment", "at"}, len(ratings), func(i int) []any {
		r := ratings[i]
		return []any{r.id, r.project, r.score, "", r.at}
	}); err != nil {
		return err
	}
	return put("project_rating_codes", []string{"id", "project_id", "code", "issued_at", "used_at", "rating_id"}, len(codes), func(i int) []any {
		c := codes[i]
		var used, rating any
		if c.rating != 0 {
			used, rating = c.used, c.rating
		}
		return []any{i + 1, c.project, demoCode(i, b.rng.Uint64()), c.issued, used, rating}
	})
}

// demoCode is a rating code unique by its index i (the first four
// characters) with random rest.
func demoCode(i int, r uint64) string {
	const alphabet = lists.CodeAlphabet
	out := make([]byte, 10)
	for k := 3; k >= 0; k-- {
		out[k], i = alphabet[i%len(alphabet)], i/len(alphabet)
	}
	for k := 4; k < 10; k++ {
		out[k], r = alphabet[r%uint64(len(alphabet))], r/uint64(len(alphabet))
	}
	return string(out)
}

// liaisonUnit is the unit the demo's unit liaison handles (see createUsers).
func (b *builder) liaisonUnit() *unit {
	street := b.streets[0]
	for _, u := range b.units {
		if u.kind == "regional_unit" && strings.HasPrefix(u.name, street.spec.name+"城市运行管理中心") && u.res == street.res[0] {
			return u
		}
	}
	return b.units[0]
}
