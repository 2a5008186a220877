// Package demo builds the demo district: Xuhui (徐汇区) with its 13 streets
// and towns, 306 residential areas and their grids, party organisations at
// every level, about 21,000 units whose coverage matches Xuhui's published
// figures exactly, the promotion association, part-time committee
// members, service points and one login per role. It is deterministic: the
// same seed gives the same district on SQLite and PostgreSQL.
package demo

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// Login is a demo account, printed by the CLI.
type Login struct {
	Username, Password string
	Role               auth.Role
	Area, AreaName     string
	UnitName           string // the unit liaison's unit
}

// The district and its published coverage figures, which the demo
// reproduces exactly.
const (
	DistrictCode = "310104"
	DistrictName = "徐汇区"

	ShopTotal       = 9873
	ShopCovered     = 1262
	EnterpriseTotal = 7800 // non-public enterprises; with social organisations the two-new group
	SocialTotal     = 2274
	TwoNewCovered   = 8424
	PartTimeTotal   = 93
	ResidentialAll  = 306

	seedHi, seedLo = 310104, 20261130
)

// Build fills an empty database with the demo district and returns one
// login per role. It refuses a non-empty database (any row in areas) with
// ECONFLICT "database is not empty". Every row goes in in one transaction
// through prepared multi-row statements, with one audit row per kind of
// record; the users follow through auth so their passwords are hashed.
func Build(ctx context.Context, d *db.DB, as *auth.Service, c clock.Clock) ([]Login, error) {
	b := newBuilder(c.Now())
	b.generate()
	err := d.InTx(ctx, func(tx *db.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, "SELECT count(*) FROM (SELECT 1 FROM areas LIMIT 1) x").Scan(&n); err != nil {
			return errs.Wrap(err, "check empty")
		}
		if n > 0 {
			return errs.New(errs.ECONFLICT, "database is not empty")
		}
		for _, step := range b.steps() {
			if err := step(ctx, tx); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := d.Analyze(ctx); err != nil { // a bulk load ends with fresh planner statistics
		return nil, errs.Wrap(err, "analyze")
	}
	logins, err := b.createUsers(ctx, as)
	if err != nil {
		return nil, err
	}
	if err := b.linkDemoMember(ctx, d); err != nil {
		return nil, err
	}
	return logins, b.linkResidentReports(ctx, d, logins)
}

// steps are the capabilities' parts of the demo district, in the order they
// are written (each may use the rows of those before it). A capability adds
// its part as a method in its own file and one line here.
func (b *builder) steps() []func(context.Context, *db.Tx) error {
	return []func(context.Context, *db.Tx) error{
		b.write,         // demo.go: the area tree, party organisations, units, the association, service points
		b.writeDemands,  // demands.go: categories, calendar, outlines and a year of demands
		b.writeLists,    // lists.go: needs, resources and service projects
		b.writeBookings, // bookings.go: bookings of venue resources
		b.writeFunds,    // fund.go: community funds and their ledgers
		b.writeDelib,    // delib.go: topics in a third of the residential areas, two votes
		b.writeCouncils, // delib_councils.go: councils in the same third, a year of meetings and decisions, two rules
		b.writePhones,   // phones.go: residents' phone rolls of the areas with councils, a few topics supported by phones
		b.writeSurveys,  // survey.go: one committee evaluation per residential area in 2026H1, a third also in 2025H2
		b.writeAlliance, // alliance.go: three alliances (三联盟) per street with members, commitments and what was done
		b.writeParty,    // party.go: party members, dual reporting, activities with sign-ups and check-ins
		b.writePairing,  // pairing.go: people in care, pairs with a year of approved visits and calls, on-call requests
		b.writePoints,   // points.go: a published points rule set and the ledger from verified service
		b.writeCadres,   // cadre.go: secretaries, 25 young cadres in two batches, training, last year's evaluations, mentoring pairs
		b.writeHotspots, // hotspot.go: eight weekly hot-spot runs over planted hot spots, a closed monthly topic
	}
}

// area is a node of the tree as inserted.
type area struct {
	code, parent, name, level, path string
	nameEN                          string
	sort                            int
}

type streetNode struct {
	spec  streetSpec
	area  area
	short string // name without 街道/镇
	res   []*resNode
	// party organisations and the association branch of the street
	committee, community, admin, branch int64
}

type resNode struct {
	street  *streetNode
	area    area
	base    string // name without 居民区
	grids   []area
	density float64 // relative number of units
	cover   float64 // relative readiness to be covered
	hub     *hubNode
	org     int64 // residential party organisation
}

type hubNode struct {
	spec hubSpec
	res  *resNode
	org  int64
}

type unit struct {
	id              int64
	name, kind      string
	res             *resNode
	grid            area
	hasOrg, covered bool // covered here means platform_covered
	address, phone  string
	employees       int
	members         int
	streetBody      bool // a street's own administrative body
}

type partyOrg struct {
	id, parent int64
	name, kind string
	area       area
	unit       int64
	members    int
}

type assocBody struct {
	id, parent              int64
	kind, name, field, mode string
	area                    area
}

type assocMember struct {
	body, unit       int64
	role, start, end string
}

type partTime struct {
	name, position, phone string
	unit, org             int64
	area                  area
}

type servicePoint struct {
	name, kind, address, hours, services string
	area                                 area
}

// builder generates the district in memory before one transaction writes it.
type builder struct {
	rng      *rand.Rand
	now      time.Time
	district area
	streets  []*streetNode
	hubs     []*hubNode
	units    []*unit
	taken    map[string]bool // area code + name, and company names district-wide
	orgs     []partyOrg
	bodies   []assocBody
	members  []assocMember
	ptms     []partTime
	points   []servicePoint
}

func newBuilder(now time.Time) *builder {
	// "" is taken so a generator can reject a draw by returning it.
	return &builder{rng: rand.New(rand.NewPCG(seedHi, seedLo)), now: now, taken: map[string]bool{"": true}}
}

func (b *builder) generate() {
	b.genAreas()
	b.genUnits()
	b.genPartyOrgs()
	b.genAssociation()
	b.genPartTime()
	b.genServicePoints()
}

func (b *builder) pick(list []string) string { return list[b.rng.IntN(len(list))] }

// weighted returns an index drawn with probability proportional to w[i].
func (b *builder) weighted(w []float64) int {
	var sum float64
	for _, v := range w {
		sum += v
	}
	x := b.rng.Float64() * sum
	for i, v := range w {
		if x < v {
			return i
		}
		x -= v
	}
	return len(w) - 1
}

func (b *builder) genAreas() {
	b.district = area{code: DistrictCode, name: DistrictName, nameEN: DistrictNameEN, level: "district", path: "/" + DistrictCode + "/"}
	usedRes := map[string]bool{}
	for i, spec := range streets {
		seg := fmt.Sprintf("%03d", i+1)
		st := &streetNode{spec: spec, short: strings.TrimSuffix(strings.TrimSuffix(spec.name, "街道"), "镇"),
			area: area{code: DistrictCode + seg, parent: DistrictCode, name: spec.name, nameEN: streetNamesEN[spec.name], level: "street",
				path: b.district.path + seg + "/", sort: i + 1}}
		names := b.residentialNames(spec, usedRes)
		for j, base := range names {
			rseg := fmt.Sprintf("%03d", j+1)
			r := &resNode{street: st, base: base,
				area: area{code: st.area.code + rseg, parent: st.area.code, name: base + "居民区", nameEN: residentialNameEN(spec, base),
					level: "residential", path: st.area.path + rseg + "/", sort: j + 1},
				// Skewed on purpose: a few residential areas hold many units.
				density: 0.25 + b.rng.ExpFloat64(),
				cover:   math.Exp(0.6 * b.rng.NormFloat64()),
			}
			for g := 1; g <= 4+b.rng.IntN(5); g++ {
				gseg := fmt.Sprintf("%02d", g)
				r.grids = append(r.grids, area{code: r.area.code + gseg, parent: r.area.code, name: fmt.Sprintf("第%d网格", g), nameEN: gridNameEN(g),
					level: "grid", path: r.area.path + gseg + "/", sort: g})
			}
			st.res = append(st.res, r)
		}
		// Hubs sit in distinct residential areas, which fill with companies.
		for k, at := range b.rng.Perm(len(st.res))[:len(spec.hubs)] {
			h := &hubNode{spec: spec.hubs[k], res: st.res[at]}
			st.res[at].hub = h
			st.res[at].density += 3
			b.hubs = append(b.hubs, h)
		}
		b.streets = append(b.streets, st)
	}
}

// residentialNames makes a street's residential area names from its stems,
// unique across the district, in a shuffled but fixed order.
func (b *builder) residentialNames(spec streetSpec, used map[string]bool) []string {
	var out []string
	for _, suf := range residentialSuffixes {
		for _, stem := range spec.stems {
			if n := stem + suf; !used[n] {
				out = append(out, n)
			}
		}
	}
	// Plain stems first so the best-known names are always present.
	plain := out[:len(spec.stems)]
	rest := out[len(spec.stems):]
	b.rng.Shuffle(len(rest), func(i, j int) { rest[i], rest[j] = rest[j], rest[i] })
	names := append(slices.Clone(plain), rest...)[:spec.residential]
	b.rng.Shuffle(len(names), func(i, j int) { names[i], names[j] = names[j], names[i] })
	for _, n := range names {
		used[n] = true
	}
	return names
}

func (b *builder) allRes() []*resNode {
	var out []*resNode
	for _, st := range b.streets {
		out = append(out, st.res...)
	}
	return out
}

// placeIn chooses a residential area in a street weighted by density.
func (b *builder) placeIn(st *streetNode, boostHubs bool) *resNode {
	w := make([]float64, len(st.res))
	for i, r := range st.res {
		w[i] = r.density
		if boostHubs && r.hub != nil {
			w[i] *= 3
		}
	}
	return st.res[b.weighted(w)]
}

// addUnit places a unit in a random grid of r; a name already used in that
// grid gets a road branch suffix, so names stay unique within an area.
func (b *builder) addUnit(name, kind string, r *resNode) *unit {
	g := r.grids[b.rng.IntN(len(r.grids))]
	roads := r.street.spec.roads
	for base := name; b.taken[g.code+"\x00"+name]; {
		name = fmt.Sprintf("%s（%s%d号）", base, b.pick(roads), 1+b.rng.IntN(999))
	}
	b.taken[g.code+"\x00"+name] = true
	u := &unit{id: int64(len(b.units) + 1), name: name, kind: kind, res: r, grid: g,
		address: fmt.Sprintf("%s%d号", b.pick(roads), 1+b.rng.IntN(999))}
	b.units = append(b.units, u)
	return u
}

// uniqueName draws names from gen until one is new to the district.
func (b *builder) uniqueName(gen func() string) string {
	for {
		if n := gen(); !b.taken[n] {
			b.taken[n] = true
			return n
		}
	}
}

func (b *builder) genUnits() {
	// Regional units: district bodies in the central streets, each street's
	// own bodies in its first residential area, and those around each residential area.
	for _, name := range districtBodies {
		b.addUnit(name, "regional_unit", b.placeIn(b.streets[b.rng.IntN(4)], false))
	}
	for _, st := range b.streets {
		for _, tpl := range streetBodies {
			name := strings.NewReplacer("{street}", st.spec.name, "{short}", st.short).Replace(tpl)
			if strings.HasSuffix(st.spec.name, "镇") {
				name = strings.Replace(name, "镇办事处", "镇人民政府", 1)
			}
			u := b.addUnit(name, "regional_unit", st.res[0])
			u.streetBody = strings.Contains(tpl, "办事处") || strings.Contains(tpl, "受理") || strings.Contains(tpl, "城市运行")
		}
		for _, r := range st.res {
			for _, k := range b.rng.Perm(len(residentialBodies))[:3+b.rng.IntN(4)] {
				b.addUnit(strings.ReplaceAll(residentialBodies[k], "{res}", r.base), "regional_unit", r)
			}
		}
	}
	streetW := func(f func(streetSpec) float64) []float64 {
		w := make([]float64, len(b.streets))
		for i, st := range b.streets {
			w[i] = f(st.spec)
		}
		return w
	}
	shopW := streetW(func(s streetSpec) float64 { return s.shops })
	twoNewW := streetW(func(s streetSpec) float64 { return s.twoNew })
	for range ShopTotal {
		r := b.placeIn(b.streets[b.weighted(shopW)], false)
		name := b.pick(shopBrands) + b.pick(shopTypes)
		if b.rng.IntN(3) == 0 {
			name += "（" + b.pick(r.street.spec.roads) + "店）"
		}
		b.addUnit(name, "shop", r)
	}
	for range EnterpriseTotal {
		r := b.placeIn(b.streets[b.weighted(twoNewW)], true)
		name := b.uniqueName(func() string {
			w1, w2 := b.pick(companyWords), b.pick(companyWords)
			if w1 == w2 {
				return ""
			}
			suffix := "有限公司"
			if b.rng.IntN(12) == 0 {
				suffix = "股份有限公司"
			}
			return "上海" + w1 + w2 + b.pick(companyTrades) + suffix
		})
		b.addUnit(name, "non_public_enterprise", r)
	}
	for range SocialTotal {
		r := b.placeIn(b.streets[b.weighted(twoNewW)], false)
		name := b.uniqueName(func() string {
			place := r.street.short
			if b.rng.IntN(2) == 0 {
				place = r.base
			}
			return "上海市徐汇区" + place + b.pick(socialNames) + b.pick(socialTypes)
		})
		b.addUnit(name, "social_organization", r)
	}
	b.chooseCoverage()
	for _, u := range b.units {
		b.fillFigures(u)
	}
}

// chooseCoverage marks exactly ShopCovered shops and TwoNewCovered two-new
// organisations covered, drawn without replacement with weights from the
// street's and the residential area's readiness (Efraimidis–Spirakis keys).
func (b *builder) chooseCoverage() {
	var shops, twoNew []*unit
	for _, u := range b.units {
		switch u.kind {
		case "shop":
			shops = append(shops, u)
		case "non_public_enterprise", "social_organization":
			twoNew = append(twoNew, u)
		default:
			// Regional units mostly have their own party organisation.
			u.hasOrg = b.rng.Float64() < 0.9
			u.covered = !u.hasOrg && b.rng.Float64() < 0.6 || u.hasOrg && b.rng.Float64() < 0.5
		}
	}
	take := func(us []*unit, k int, readiness func(*unit) float64, orgShare float64) {
		keys := make([]float64, len(us))
		idx := make([]int, len(us))
		for i, u := range us {
			keys[i] = -math.Log(1-b.rng.Float64()) / readiness(u)
			idx[i] = i
		}
		slices.SortFunc(idx, func(x, y int) int { return cmp.Or(cmp.Compare(keys[x], keys[y]), cmp.Compare(x, y)) })
		for _, i := range idx[:k] {
			u := us[i]
			// Covered means a party organisation of its own, the platform, or both.
			u.hasOrg = b.rng.Float64() < orgShare
			u.covered = !u.hasOrg || b.rng.Float64() < 0.4
		}
	}
	take(shops, ShopCovered, func(u *unit) float64 { return u.res.street.spec.shopCover * u.res.cover }, 0.08)
	take(twoNew, TwoNewCovered, func(u *unit) float64 {
		w := u.res.street.spec.twoNewCover * u.res.cover
		if u.res.hub != nil {
			w *= 2 // hub party organisations reach the companies in their buildings
		}
		return w
	}, 0.6)
}

// fillFigures gives a unit its staff, party members and phone.
func (b *builder) fillFigures(u *unit) {
	switch u.kind {
	case "shop":
		u.employees = 1 + b.rng.IntN(15)
	case "non_public_enterprise":
		u.employees = min(5000, max(2, int(12*math.Exp(1.1*b.rng.NormFloat64()))))
	case "social_organization":
		u.employees = 2 + b.rng.IntN(40)
	default:
		u.employees = 20 + b.rng.IntN(600)
	}
	if u.hasOrg {
		// A party branch needs at least three full members.
		u.members = 3 + u.employees/(4+b.rng.IntN(8))
	} else {
		u.members = b.rng.IntN(3)
	}
	if u.kind == "shop" {
		u.phone = fmt.Sprintf("1%d%09d", []int{3, 5, 8}[b.rng.IntN(3)], b.rng.IntN(1e9))
	} else {
		u.phone = fmt.Sprintf("021-64%06d", b.rng.IntN(1e6))
	}
}

func (b *builder) addOrg(o partyOrg) int64 {
	o.id = int64(len(b.orgs) + 1)
	b.orgs = append(b.orgs, o)
	return o.id
}

func orgSuffix(members int) string {
	switch {
	case members >= 100:
		return "党委"
	case members >= 50:
		return "党总支"
	}
	return "党支部"
}

func (b *builder) genPartyOrgs() {
	district := b.addOrg(partyOrg{name: "中共上海市徐汇区委员会", kind: "district_committee", area: b.district, members: 41})
	for _, st := range b.streets {
		gov, committee := "办事处", "工作委员会"
		if strings.HasSuffix(st.spec.name, "镇") {
			gov, committee = "人民政府", "委员会"
		}
		st.committee = b.addOrg(partyOrg{name: "中共上海市徐汇区" + st.spec.name + committee, kind: "street_working_committee",
			area: st.area, parent: district, members: 9 + b.rng.IntN(5)})
		st.community = b.addOrg(partyOrg{name: "中共上海市徐汇区" + st.spec.name + "社区委员会", kind: "community_party_committee",
			area: st.area, parent: st.committee, members: 11 + b.rng.IntN(6)})
		st.admin = b.addOrg(partyOrg{name: "上海市徐汇区" + st.spec.name + gov + "党组", kind: "street_admin_party_group",
			area: st.area, parent: st.committee, members: 5 + b.rng.IntN(4)})
		for _, r := range st.res {
			m := 30 + int(120*r.density*b.rng.Float64()) + b.rng.IntN(60)
			r.org = b.addOrg(partyOrg{name: st.spec.name + r.area.name + orgSuffix(m), kind: "residential_party_org",
				area: r.area, parent: st.community, members: m})
		}
	}
	for _, h := range b.hubs {
		h.org = b.addOrg(partyOrg{name: h.spec.name + "联合党委", kind: "hub_party_org", area: h.res.area,
			parent: h.res.street.community, members: 40 + b.rng.IntN(160)})
	}
	for _, u := range b.units {
		if !u.hasOrg {
			continue
		}
		st := u.res.street
		parent := st.community
		switch {
		case u.streetBody:
			parent = st.admin
		case u.kind == "regional_unit":
			parent = st.committee
		case u.res.hub != nil && b.rng.IntN(2) == 0:
			parent = u.res.hub.org
		}
		b.addOrg(partyOrg{name: u.name + orgSuffix(u.members), kind: "unit_party_org", area: u.grid, parent: parent, unit: u.id, members: u.members})
	}
}

func (b *builder) addBody(a assocBody) int64 {
	a.id = int64(len(b.bodies) + 1)
	b.bodies = append(b.bodies, a)
	return a.id
}

// join adds units to a body: leaders first with the roles given, then members.
func (b *builder) join(body int64, us []*unit, leaders []assocMember) {
	for i, u := range us {
		m := assocMember{body: body, unit: u.id, role: "member"}
		if i < len(leaders) {
			m.role, m.start, m.end = leaders[i].role, leaders[i].start, leaders[i].end
		}
		b.members = append(b.members, m)
	}
}

// biggest returns up to n units matching keep, largest staff first (ties by id).
func biggest(us []*unit, n int, keep func(*unit) bool) []*unit {
	var out []*unit
	for _, u := range us {
		if keep(u) {
			out = append(out, u)
		}
	}
	slices.SortFunc(out, func(x, y *unit) int { return cmp.Or(cmp.Compare(y.employees, x.employees), cmp.Compare(x.id, y.id)) })
	return out[:min(n, len(out))]
}

func (b *builder) genAssociation() {
	pres := assocMember{role: "president"}
	vice := assocMember{role: "vice_president"}
	for _, c := range committees {
		id := b.addBody(assocBody{kind: "committee", name: "徐汇区区域党建促进会" + c.name, field: c.field, mode: "single", area: b.district})
		words := committeeKeywords[c.field]
		us := biggest(b.units, 8+b.rng.IntN(7), func(u *unit) bool {
			if u.kind != "regional_unit" && !(u.kind == "non_public_enterprise" && u.hasOrg) {
				return false
			}
			return slices.ContainsFunc(words, func(w string) bool { return strings.Contains(u.name, w) })
		})
		b.join(id, us, []assocMember{pres, vice, vice})
	}
	for i, st := range b.streets {
		mode := "rotating"
		leaders := []assocMember{
			{role: "rotating_president", start: "2025-01-01", end: "2025-12-31"},
			{role: "rotating_president", start: "2026-01-01", end: "2026-12-31"},
			{role: "rotating_president", start: "2027-01-01", end: "2027-12-31"}, vice, vice}
		if i%3 == 1 {
			mode, leaders = "double", []assocMember{pres, pres, vice, vice}
		}
		st.branch = b.addBody(assocBody{kind: "branch", name: "徐汇区区域党建促进会" + st.spec.name + "分会", mode: mode, area: st.area})
		var inStreet []*unit
		for _, u := range b.units {
			if u.res.street == st {
				inStreet = append(inStreet, u)
			}
		}
		regional := biggest(inStreet, 10+b.rng.IntN(10), func(u *unit) bool { return u.kind == "regional_unit" })
		companies := biggest(inStreet, 3+b.rng.IntN(5), func(u *unit) bool { return u.kind == "non_public_enterprise" && u.hasOrg })
		b.join(st.branch, append(regional, companies...), leaders)
		// Sub-branches bring the units around some residential areas in.
		for _, r := range st.res {
			if b.rng.Float64() >= 0.4 {
				continue
			}
			id := b.addBody(assocBody{kind: "sub_branch", name: r.area.name + "支会", mode: "single", area: r.area, parent: st.branch})
			var near []*unit
			for _, u := range inStreet {
				if u.res == r && (u.hasOrg || u.covered) {
					near = append(near, u)
				}
			}
			b.rng.Shuffle(len(near), func(i, j int) { near[i], near[j] = near[j], near[i] })
			b.join(id, near[:min(len(near), 3+b.rng.IntN(6))], []assocMember{pres})
		}
	}
}

// personName makes a Chinese name of two or three characters.
func (b *builder) personName() string {
	n := b.pick(familyNames) + b.pick(givenChars)
	if b.rng.IntN(3) > 0 {
		n += b.pick(givenChars)
	}
	return n
}

// titleFor is the position a unit's leader holds, by the kind of unit.
func (b *builder) titleFor(u *unit) string {
	pairs := []struct {
		word   string
		titles []string
	}{
		{"学", []string{"校长", "党总支书记"}}, {"幼儿园", []string{"园长"}}, {"医院", []string{"院长", "党委书记"}},
		{"卫生", []string{"主任", "党支部书记"}}, {"银行", []string{"行长", "党支部书记"}}, {"图书馆", []string{"馆长"}},
		{"派出所", []string{"所长", "教导员"}}, {"公司", []string{"总经理", "党委书记", "董事长"}}, {"局", []string{"副局长", "党组成员"}},
	}
	for _, p := range pairs {
		if strings.Contains(u.name, p.word) {
			return u.name + b.pick(p.titles)
		}
	}
	return u.name + b.pick([]string{"主任", "党支部书记", "负责人"})
}

func (b *builder) genPartTime() {
	names := map[string]bool{}
	for i, st := range b.streets {
		n := PartTimeTotal / len(b.streets)
		if i < PartTimeTotal%len(b.streets) {
			n++
		}
		var inStreet []*unit
		for _, u := range b.units {
			if u.res.street == st && u.hasOrg && (u.kind == "regional_unit" || u.kind == "non_public_enterprise" && u.employees > 100) {
				inStreet = append(inStreet, u)
			}
		}
		b.rng.Shuffle(len(inStreet), func(i, j int) { inStreet[i], inStreet[j] = inStreet[j], inStreet[i] })
		for _, u := range inStreet[:n] {
			name := b.personName()
			for names[name] {
				name = b.personName()
			}
			names[name] = true
			org := st.community
			if b.rng.IntN(3) == 0 {
				org = st.committee
			}
			b.ptms = append(b.ptms, partTime{name: name, position: b.titleFor(u), unit: u.id, org: org, area: st.area,
				phone: fmt.Sprintf("1%d%09d", []int{3, 5, 8}[b.rng.IntN(3)], b.rng.IntN(1e9))})
		}
	}
}

// services picks n of list in list order.
func (b *builder) services(list []string, n int) string {
	idx := b.rng.Perm(len(list))[:n]
	slices.Sort(idx)
	out := make([]string, n)
	for i, k := range idx {
		out[i] = list[k]
	}
	return strings.Join(out, "、")
}

func (b *builder) genServicePoints() {
	for _, st := range b.streets {
		b.points = append(b.points, servicePoint{name: st.spec.name + "社区党群服务中心", kind: "station", area: st.area,
			address: fmt.Sprintf("%s%d号", b.pick(st.spec.roads), 1+b.rng.IntN(999)), hours: "周一至周日 08:30-20:00",
			services: "党员教育、政策咨询、议事协商、志愿服务、社区党校、法律咨询、健康义诊"})
		for _, r := range st.res {
			if b.rng.Float64() < 0.25 {
				continue
			}
			b.points = append(b.points, servicePoint{name: r.area.name + "党群服务点", kind: "point", area: r.area,
				address: fmt.Sprintf("%s%d弄%d号", b.pick(st.spec.roads), 1+b.rng.IntN(999), 1+b.rng.IntN(30)),
				hours:   b.pick(residentialHours), services: b.services(pointServices, 3+b.rng.IntN(4))})
		}
	}
	for _, h := range b.hubs {
		kind, name := "building", h.spec.name+"楼宇党群服务站"
		if h.spec.park {
			kind, name = "park", h.spec.name+"党群服务站"
		}
		b.points = append(b.points, servicePoint{name: name, kind: kind, area: h.res.area,
			address: fmt.Sprintf("%s%d号", b.pick(h.res.street.spec.roads), 1+b.rng.IntN(999)),
			hours:   "周一至周五 08:30-19:00", services: b.services(hubServices, 4+b.rng.IntN(3))})
	}
}

// write inserts everything generated, then one audit row per kind of record.
func (b *builder) write(ctx context.Context, tx *db.Tx) error {
	counts := map[string]int{}
	put := func(table string, cols []string, n int, row func(i int) []any) error {
		ins := db.NewBulkInsert(tx, table, cols)
		for i := range n {
			if err := ins.Add(ctx, row(i)...); err != nil {
				return errs.Wrap(err, "insert "+table)
			}
		}
		counts[table] = n
		return errs.Wrap(ins.Close(ctx), "insert "+table)
	}
	areas := []area{b.district}
	for _, st := range b.streets {
		areas = append(areas, st.area)
	}
	for _, r := range b.allRes() {
		areas = append(areas, r.area)
	}
	for _, r := range b.allRes() {
		areas = append(areas, r.grids...)
	}
	steps := []func() error{
		func() error {
			return put("areas", []string{"code", "parent_code", "name", "name_en", "level", "path", "sort"}, len(areas), func(i int) []any {
				a := areas[i]
				var parent any
				if a.parent != "" {
					parent = a.parent
				}
				return []any{a.code, parent, a.name, a.nameEN, a.level, a.path, a.sort}
			})
		},
		func() error {
			return put("units", []string{"id", "name", "kind", "area_code", "area_path", "has_party_org", "platform_covered", "address",
				"employees", "party_members", "contact_phone", "created_at", "updated_at"}, len(b.units), func(i int) []any {
				u := b.units[i]
				return []any{u.id, u.name, u.kind, u.grid.code, u.grid.path, u.hasOrg, u.covered, u.address, u.employees, u.members, u.phone, b.now, b.now}
			})
		},
		func() error {
			return put("party_orgs", []string{"id", "name", "kind", "area_code", "area_path", "parent_id", "unit_id", "members"}, len(b.orgs), func(i int) []any {
				o := b.orgs[i]
				return []any{o.id, o.name, o.kind, o.area.code, o.area.path, nullID(o.parent), nullID(o.unit), o.members}
			})
		},
		func() error {
			return put("assoc_bodies", []string{"id", "kind", "name", "field", "president_mode", "area_code", "area_path", "parent_id"}, len(b.bodies), func(i int) []any {
				a := b.bodies[i]
				return []any{a.id, a.kind, a.name, a.field, a.mode, a.area.code, a.area.path, nullID(a.parent)}
			})
		},
		func() error {
			return put("assoc_members", []string{"body_id", "unit_id", "role", "term_start", "term_end"}, len(b.members), func(i int) []any {
				m := b.members[i]
				return []any{m.body, m.unit, m.role, m.start, m.end}
			})
		},
		func() error {
			return put("part_time_members", []string{"id", "name", "position", "unit_id", "party_org_id", "area_code", "area_path", "phone"}, len(b.ptms), func(i int) []any {
				m := b.ptms[i]
				return []any{int64(i + 1), m.name, m.position, m.unit, m.org, m.area.code, m.area.path, m.phone}
			})
		},
		func() error {
			return put("service_points", []string{"id", "name", "kind", "area_code", "area_path", "address", "opening_hours", "services"}, len(b.points), func(i int) []any {
				p := b.points[i]
				return []any{int64(i + 1), p.name, p.kind, p.area.code, p.area.path, p.address, p.hours, p.services}
			})
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	// Rows came with their ids, so move each identity past them for later inserts.
	if err := db.ResetIDs(ctx, tx, "units", "party_orgs", "assoc_bodies", "part_time_members", "service_points"); err != nil {
		return errs.Wrap(err, "sequences")
	}
	entities := []struct{ table, entity string }{
		{"areas", "area"}, {"units", "unit"}, {"party_orgs", "party_org"}, {"assoc_bodies", "assoc_body"},
		{"assoc_members", "assoc_member"}, {"part_time_members", "part_time_member"}, {"service_points", "service_point"},
	}
	for _, e := range entities {
		err := auth.Record(ctx, tx, b.now, auth.SystemPrincipal(), auth.Change{Action: "demo", Entity: e.entity, EntityID: DistrictCode,
			AreaPath: b.district.path, After: map[string]any{"rows": counts[e.table]}})
		if err != nil {
			return err
		}
	}
	return nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// createUsers makes one login per role, hashing passwords in parallel
// (the hasher bounds how many run at once).
func (b *builder) createUsers(ctx context.Context, as *auth.Service) ([]Login, error) {
	street := b.streets[0]
	res := street.res[0]
	where := map[auth.Role]area{
		auth.DistrictAdmin: b.district, auth.StreetStaff: street.area, auth.CommunityStaff: res.area, auth.GridWorker: res.grids[0],
		auth.UnitLiaison: res.area, auth.Member: res.area, auth.Resident: res.area, auth.Auditor: b.district,
	}
	// The liaison is the street's city operation centre's, which sits in
	// the street's first residential area: the demands the street sends it
	// (demands.go, chooseLead) are the ones the liaison sees and handles.
	var ops *unit
	for _, u := range b.units {
		if u.kind == "regional_unit" && strings.HasPrefix(u.name, street.spec.name+"城市运行管理中心") && u.res == res {
			ops = u
			break
		}
	}
	if ops == nil {
		return nil, errs.New(errs.EINTERNAL, "demo: no city operation centre in %s", res.area.name)
	}
	logins := make([]Login, len(auth.Roles))
	errList := make([]error, len(auth.Roles))
	var wg sync.WaitGroup
	for i, role := range auth.Roles {
		a := where[role]
		u := demoUsers[i]
		logins[i] = Login{Username: u.username, Password: demoPassword, Role: role, Area: a.code, AreaName: a.name}
		var unitID int64
		if role.UnitBound() {
			unitID, logins[i].UnitName = ops.id, ops.name
		}
		wg.Go(func() {
			_, errList[i] = as.CreateUser(ctx, auth.SystemPrincipal(), auth.NewUser{Username: u.username, DisplayName: u.display,
				Phone: "1380000" + strconv.Itoa(1000+i), Password: demoPassword, Role: string(role), Area: a.code, Unit: unitID})
		})
	}
	wg.Wait()
	for _, err := range errList {
		if err != nil {
			return nil, err
		}
	}
	return logins, nil
}
