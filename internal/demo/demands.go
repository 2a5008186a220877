package demo

// The demand part of the demo district (民情诉求): categories with their
// limits and routing, the 2025 and 2026 working-day calendars, an outline
// for every street, residential area and grid, and a year of demands up to
// the clock's now, each with its reporter, timeline, deadlines and rating,
// written in bulk together with the rollups the service would have kept.
//
// Every demand is played through the rules of the demand service — the
// state machine's steps, the SLA clocks, the timers that mark a demand
// overdue and escalate it up the tree — from its receipt until it is closed
// or the clock's now is reached, so what is written is a state the service
// could have produced, and the open demands carry the timers that will go
// on moving them once the server runs.

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/demand"
	"gongzhi/internal/errs"
	"gongzhi/internal/texts"
)

// DemandsPerYear is about how many demands the demo district receives in
// the year up to now (the draw lands within a few hundred of it).
const DemandsPerYear = 102_000

const (
	demandSeedHi, demandSeedLo = 310104, 12345
	residentActor              = "@resident" // written as the service records a resident without an account
	systemActor                = "@system"   // written as the service records its timers
)

// Chances, before the street's, the residential area's and the category's multipliers.
const (
	pLateContact  = 0.028  // first contact after the contact limit
	pNegative     = 0.135  // first callback unsatisfied or unsolved (it reopens the demand once)
	pNegativeTwo  = 0.55   // …and again after the second handling
	pLateResolve  = 0.045  // resolved after the resolve limit
	pReturn       = 0.035  // the lead body returns it
	pDuplicate    = 0.015  // a near-identical demand, merged into the first
	pStuck        = 0.0006 // a recent demand stuck unsigned or unresolved (overdue, escalated)
	pViaLink      = 0.25   // the resident rates through the tracking link instead of a staff callback
	pOnTheSpot    = 0.25   // an enquiry answered on receipt
	pNoCallback   = 0.006  // resolved, the resident cannot be reached for the callback
	pReopen       = 0.006  // closed, then reopened by the owner
	pUnreasonable = 0.004  // marked unreasonable and approved: left out of the rates
)

// dcat is a category as the generator uses it.
type dcat struct {
	*catSpec
	sort                   int
	contactLim, resolveLim demand.Limit
	season                 [12]float64
	attrs                  string // JSON as stored
}

type rect struct{ latS, latN, lngW, lngE float64 }

func (r rect) ring() [][2]float64 {
	return [][2]float64{{r.latS, r.lngW}, {r.latS, r.lngE}, {r.latN, r.lngE}, {r.latN, r.lngW}}
}

type streetD struct {
	node             *streetNode
	spec             streetDemand
	shape            rect
	opsUnit, lawUnit int64    // 城市运行管理中心 and 城管执法中队
	staff            []string // actor names at the street's city operation centre
	catCum           [12][]float64
}

type resD struct {
	node      *resNode
	st        *streetD
	quality   float64
	roads     []string
	lane      int
	shape     rect
	grids     []rect
	gridCum   []float64
	staff     []string
	gridStaff []string
	paths     []int32 // rollup paths, as indexes into dgen.pathList
	gridPaths []string
	gridCodes []string
}

type devent struct {
	at                  time.Time
	actor, action, note string     // note: what the actor wrote
	said                texts.Text // the system's sentence, built as the service builds it
	from, to            demand.Status
	public              bool
}

type dtimer struct {
	kind  string
	due   time.Time
	level int
	fired bool
}

type reporterD struct {
	name, phone, email, satisfaction string
	solved                           int8 // -1 unknown
	ratedAt                          time.Time
	demand                           int64 // the demand the reporter belongs to now (the target after a merge)
}

// dem is one demand, as played and as written. Zero times are NULL.
type dem struct {
	id                                        int64
	cat                                       *dcat
	channel                                   demand.Channel
	status                                    demand.Status
	res                                       *resD
	grid                                      int // -1: filed at the residential area
	lat, lng                                  float64
	hasLoc                                    bool
	address, desc, attrs                      string
	owner, lead                               string
	leadUnit                                  int64
	top                                       int // highest escalation level: the owner's depth below the district
	coBodies                                  []string
	round, returns                            int
	created, updated, contactDue, resolveDue  time.Time
	contactedAt, resolvedAt, closedAt, extDue time.Time
	lapsed, overdue                           bool
	escalation                                int
	outcome, resolution, satisfaction         string
	solved                                    int8 // -1 NULL
	extReason, unreasonable                   string
	dupOf                                     int64
	target                                    *dem // the demand a duplicate is merged into
	mergeAt                                   time.Time
	rep                                       reporterD
	events                                    []devent
	timers                                    []dtimer
	plant                                     *plantD // a planted hot spot's demand (hotspot.go); nil for drawn ones
}

func (d *dem) areaCode() string {
	if d.grid >= 0 {
		return d.res.gridCodes[d.grid]
	}
	return d.res.node.area.code
}

func (d *dem) areaPath() string {
	if d.grid >= 0 {
		return d.res.gridPaths[d.grid]
	}
	return d.res.node.area.path
}

// dgen generates the demands of the demo district.
type dgen struct {
	b         *builder
	rng       *rand.Rand
	now       time.Time
	cal       *demand.Calendar
	calDays   []demand.CalendarDay
	cats      []*dcat
	streets   []*streetD
	res       []*resD
	resCum    []float64
	hotline   []string
	nextID    int64
	reporters []reporterRow  // all of them, written last
	window    []*dem         // played demands a later duplicate may still be merged into
	recent    map[int][]*dem // residential area index → its demands of the last days
	// What finished demands become: rows for the writer, chunk by chunk, and rollups.
	chunk      *chunk
	out        chan<- *chunk
	done       <-chan struct{}
	evID, tmID int64
	sums       map[rollupKey]demand.Counts
	pathIdx    map[string]int32
	pathList   []string
	dayIdx     map[string]int32
	dayList    []string
	catIndex   map[*dcat]int
	names      map[string]string // area code → name, for dispatch notes
	plants     *plants           // the planted hot spots (hotspot.go)
}

func newDemandGen(b *builder) (*dgen, error) {
	g := &dgen{b: b, rng: rand.New(rand.NewPCG(demandSeedHi, demandSeedLo)), now: b.now.UTC().Truncate(time.Second),
		recent: map[int][]*dem{}, sums: map[rollupKey]demand.Counts{},
		pathIdx: map[string]int32{}, dayIdx: map[string]int32{}, catIndex: map[*dcat]int{}, names: map[string]string{}}
	g.calDays = append(demand.Calendar2025(), demand.Calendar2026()...)
	cal, err := demand.NewCalendar(g.calDays)
	if err != nil {
		return nil, err
	}
	g.cal = cal
	byCode := map[string]*dcat{}
	for i := range demoCategories {
		spec := &demoCategories[i]
		c := &dcat{catSpec: spec, sort: i + 1, season: spec.season, attrs: "[]"}
		var err error
		if c.contactLim, err = demand.ParseLimit(spec.contact); err != nil {
			return nil, err
		}
		if c.resolveLim, err = demand.ParseLimit(spec.resolve); err != nil {
			return nil, err
		}
		if c.season == ([12]float64{}) {
			c.season = byCode[spec.parent].season
		}
		if len(spec.attrs) > 0 {
			j, _ := json.Marshal(spec.attrs)
			c.attrs = string(j)
		}
		byCode[spec.code] = c
		g.catIndex[c] = len(g.cats)
		g.cats = append(g.cats, c)
	}
	unitID := func(name string) int64 {
		for _, u := range b.units {
			if u.kind == "regional_unit" && strings.HasPrefix(u.name, name) {
				return u.id
			}
		}
		return 0
	}
	g.names[b.district.code] = b.district.name
	for i, st := range b.streets {
		spec := streetDemands[i]
		sd := &streetD{node: st, spec: spec, shape: rect{spec.latS, spec.latN, spec.lngW, spec.lngE},
			opsUnit: unitID(st.spec.name + "城市运行管理中心"), lawUnit: unitID(st.spec.name + "城管执法中队")}
		g.names[st.area.code] = st.spec.name
		for range 4 {
			sd.staff = append(sd.staff, g.personName()+"（"+st.spec.name+"城运中心）")
		}
		for m := range 12 {
			cum := make([]float64, len(g.cats))
			sum := 0.0
			for k, c := range g.cats {
				w := c.share * c.season[m]
				if f, ok := spec.mix[c.code]; ok {
					w *= f
				}
				sum += w
				cum[k] = sum
			}
			sd.catCum[m] = cum
		}
		g.streets = append(g.streets, sd)
		cells := tile(sd.shape, len(st.res))
		for j, r := range st.res {
			rd := &resD{node: r, st: sd, quality: math.Exp(0.2 * g.rng.NormFloat64()), shape: cells[j],
				lane: 1 + g.rng.IntN(900)}
			for _, p := range demand.RollupPaths(r.area.path) {
				rd.paths = append(rd.paths, g.intern(g.pathIdx, &g.pathList, p))
			}
			rd.roads = []string{st.spec.roads[g.rng.IntN(len(st.spec.roads))]}
			if g.rng.IntN(2) == 0 {
				rd.roads = append(rd.roads, st.spec.roads[g.rng.IntN(len(st.spec.roads))])
			}
			g.names[r.area.code] = r.area.name
			for range 3 {
				rd.staff = append(rd.staff, g.personName()+"（"+r.area.name+"）")
			}
			rd.grids = tile(rd.shape, len(r.grids))
			sum := 0.0
			for _, gr := range r.grids {
				sum += 0.5 + g.rng.Float64()
				rd.gridCum = append(rd.gridCum, sum)
				rd.gridStaff = append(rd.gridStaff, g.personName()+"（"+r.area.name+gr.name+"）")
				rd.gridPaths = append(rd.gridPaths, gr.path)
				rd.gridCodes = append(rd.gridCodes, gr.code)
				g.names[gr.code] = r.area.name + gr.name
			}
			g.res = append(g.res, rd)
			// People live where the grids are; some residential areas are denser.
			pop := float64(len(r.grids)) * math.Exp(0.3*g.rng.NormFloat64())
			g.resCum = append(g.resCum, pop+lastOf(g.resCum))
		}
	}
	for range 8 {
		g.hotline = append(g.hotline, g.personName()+"（12345市民服务热线）")
	}
	return g, nil
}

func lastOf(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	return xs[len(xs)-1]
}

// drawCum picks an index from cumulative weights.
func (g *dgen) drawCum(cum []float64) int {
	x := g.rng.Float64() * cum[len(cum)-1]
	i, _ := slices.BinarySearch(cum, x)
	return min(i, len(cum)-1)
}

func (g *dgen) pick(list []string) string { return list[g.rng.IntN(len(list))] }

func (g *dgen) personName() string {
	n := g.pick(familyNames) + g.pick(givenChars)
	if g.rng.IntN(3) > 0 {
		n += g.pick(givenChars)
	}
	return n
}

// between returns a uniform duration in [lo, hi), whole seconds.
func (g *dgen) between(lo, hi time.Duration) time.Duration {
	return (lo + time.Duration(g.rng.Float64()*float64(hi-lo))).Truncate(time.Second)
}

// office moves a staff action outside 08:00–19:00 Shanghai time into the
// next morning.
func (g *dgen) office(t time.Time) time.Time {
	l := t.In(clock.Shanghai)
	switch h := l.Hour(); {
	case h < 8:
		return time.Date(l.Year(), l.Month(), l.Day(), 8, 30, 0, 0, clock.Shanghai).Add(g.between(0, time.Hour)).UTC()
	case h >= 19:
		return time.Date(l.Year(), l.Month(), l.Day()+1, 8, 30, 0, 0, clock.Shanghai).Add(g.between(0, 90*time.Minute)).UTC()
	}
	return t
}

// tile splits r into n cells in rows from north to south, west to east,
// with shared edges, so the cells cover r without overlapping.
func tile(r rect, n int) []rect {
	h := (r.latN - r.latS) * 111_000
	w := (r.lngE - r.lngW) * 95_400 // metres per degree of longitude at 31° N
	rows := max(1, min(n, int(math.Round(math.Sqrt(float64(n)*h/w)))))
	round6 := func(x float64) float64 { return math.Round(x*1e6) / 1e6 }
	out := make([]rect, 0, n)
	for i := range rows {
		latN := round6(r.latN - (r.latN-r.latS)*float64(i)/float64(rows))
		latS := round6(r.latN - (r.latN-r.latS)*float64(i+1)/float64(rows))
		if i == rows-1 {
			latS = r.latS
		}
		if i == 0 {
			latN = r.latN
		}
		cols := n / rows
		if i < n%rows {
			cols++
		}
		for j := range cols {
			lngW := round6(r.lngW + (r.lngE-r.lngW)*float64(j)/float64(cols))
			lngE := round6(r.lngW + (r.lngE-r.lngW)*float64(j+1)/float64(cols))
			if j == 0 {
				lngW = r.lngW
			}
			if j == cols-1 {
				lngE = r.lngE
			}
			out = append(out, rect{latS, latN, lngW, lngE})
		}
	}
	return out
}

// generate draws the year of demands day by day and plays each one.
func (g *dgen) generate() {
	start := g.now.Add(-365 * 24 * time.Hour)
	s := start.In(clock.Shanghai)
	first := time.Date(s.Year(), s.Month(), s.Day(), 0, 0, 0, 0, clock.Shanghai)
	var days []time.Time
	var weight []float64
	total := 0.0
	for d := first; d.Before(g.now); d = d.AddDate(0, 0, 1) {
		f := 1.0
		switch wd := d.Weekday(); {
		case !g.cal.IsWorkday(d.Add(12 * time.Hour)):
			f = 0.62
			if wd != time.Saturday && wd != time.Sunday {
				f = 0.5 // public holidays are quieter still
			}
		case wd == time.Monday:
			f = 1.18
		case wd == time.Friday:
			f = 0.95
		}
		m := int(d.Month()) - 1
		season := 0.0
		for _, c := range g.cats {
			season += c.share * c.season[m]
		}
		f *= season // the first and last days lose the hours outside the year when drawn
		days = append(days, d)
		weight = append(weight, f)
		total += f
	}
	chCum := make([]float64, len(channelWeights))
	sum := 0.0
	for i, c := range channelWeights {
		sum += c.weight
		chCum[i] = sum
	}
	hourCum := map[demand.Channel][]float64{}
	for ch, w := range hourWeights {
		cum := make([]float64, 24)
		s := 0.0
		for h, x := range w {
			s += x
			cum[h] = s
		}
		hourCum[ch] = cum
	}
	g.chunk = newChunk()
	for i, day := range days {
		select {
		case <-g.done:
			return
		default:
		}
		n := int(math.Round(DemandsPerYear * weight[i] / total * (1 + 0.06*g.rng.NormFloat64())))
		batch := make([]*dem, 0, n)
		for range n {
			ch := channelWeights[g.drawCum(chCum)].ch
			at := day.Add(time.Duration(g.drawCum(hourCum[ch]))*time.Hour + g.between(0, time.Hour)).UTC()
			if at.Before(start) || at.After(g.now) {
				continue
			}
			batch = append(batch, &dem{channel: ch, created: at})
		}
		for _, d := range g.planted(day) { // hotspot.go: the demo's known hot spots
			if !d.created.Before(start) && !d.created.After(g.now) {
				batch = append(batch, d)
			}
		}
		slices.SortStableFunc(batch, func(a, b *dem) int { return a.created.Compare(b.created) })
		for _, d := range batch {
			g.nextID++
			d.id = g.nextID
			g.fill(d)
			g.play(d)
			g.window = append(g.window, d)
		}
		// A duplicate is merged within 72 hours of the demand it repeats, so
		// older demands are final and can be written.
		g.flush(day.AddDate(0, 0, 1).Add(-73 * time.Hour))
	}
	g.flush(g.now.Add(time.Hour))
	g.send()
	// Reporters go last, in the order of their tracking hashes, numbered in
	// that order: the unique index on the hash then grows at its end
	// instead of taking each row at a random place.
	// Their short codes are drawn at random and handed out in sorted order
	// too, so that unique index also grows at its end; which report gets
	// which code stays random, the hashes being in no order of the reports.
	slices.SortFunc(g.reporters, func(a, b reporterRow) int { return strings.Compare(a.hash, b.hash) })
	codes := shortCodes(len(g.reporters))
	g.chunk.vals[1] = make([]any, 0, len(g.reporters)*len(demandTables[1].cols))
	for i, r := range g.reporters {
		r.vals[0], r.vals[7] = int64(i+1), codes[i]
		g.chunk.add(1, r.vals...)
	}
	g.chunk.demands = len(g.reporters)
	g.reporters = nil
	g.send()
}

// shortCodes draws n distinct short codes (demand.NewShortCode), sorted.
func shortCodes(n int) []string {
	seen := make(map[string]struct{}, n)
	out := make([]string, 0, n)
	for len(out) < n {
		c := demand.NewShortCode()
		if _, dup := seen[c]; !dup {
			seen[c] = struct{}{}
			out = append(out, c)
		}
	}
	slices.Sort(out)
	return out
}

type reporterRow struct {
	hash string
	vals []any
}

// fill chooses where a demand comes from, what it says and who reported it;
// a few repeat a demand filed shortly before and are merged into it.
func (g *dgen) fill(d *dem) {
	if d.plant != nil {
		g.fillPlanted(d)
		return
	}
	r := g.rng
	ri := g.drawCum(g.resCum)
	rd := g.res[ri]
	d.res = rd
	m := int(d.created.In(clock.Shanghai).Month()) - 1
	ci := g.drawCum(rd.st.catCum[m])
	d.cat = g.cats[ci]
	d.solved = -1
	d.round = 1
	d.rep = g.reporter(d.channel)
	d.rep.demand = d.id
	if r.Float64() < pDuplicate {
		list := g.recent[ri]
		for len(list) > 0 && list[0].created.Before(d.created.Add(-72*time.Hour)) {
			list = list[1:]
		}
		g.recent[ri] = list
		for k := len(list) - 1; k >= 0; k-- {
			t := list[k]
			if t.dupOf != 0 {
				continue
			}
			merge := d.created.Add(g.between(5*time.Minute, 25*time.Minute))
			if merge.After(g.now) || !statusAt(t, merge).Open() {
				continue
			}
			// Another resident reports the same thing in the same place.
			d.cat, d.grid, d.hasLoc, d.lat, d.lng, d.address, d.attrs = t.cat, t.grid, t.hasLoc, t.lat, t.lng, t.address, t.attrs
			d.desc = t.desc + g.pick(dupSuffixes)
			d.dupOf, d.target, d.mergeAt = t.id, t, merge
			g.setDeadlines(d)
			return
		}
	}
	d.grid = -1
	if r.Float64() < 0.78 {
		d.grid = g.drawCum(rd.gridCum)
	}
	if d.grid >= 0 && (d.channel == demand.Grid || d.channel == demand.Online) && r.Float64() < 0.8 || d.grid >= 0 && r.Float64() < 0.15 {
		c := rd.grids[d.grid]
		d.hasLoc = true
		d.lat = math.Round((c.latS+(0.05+0.9*r.Float64())*(c.latN-c.latS))*1e6) / 1e6
		d.lng = math.Round((c.lngW+(0.05+0.9*r.Float64())*(c.lngE-c.lngW))*1e6) / 1e6
	}
	g.describe(d)
	g.setDeadlines(d)
	g.recent[ri] = append(g.recent[ri], d)
}

func (g *dgen) setDeadlines(d *dem) {
	d.contactDue = d.cat.contactLim.Due(d.created, g.cal).UTC()
	d.resolveDue = d.cat.resolveLim.Due(d.created, g.cal).UTC()
	d.updated = d.created
	// The first receiver: a community worker who takes a visit, a meeting's
	// record or the mailbox owns it at the residential area; otherwise the
	// category's routing rule, else the residential area.
	d.owner, d.top = d.res.node.area.code, 2
	if d.cat.street && d.channel != demand.Visit && d.channel != demand.Meeting && d.channel != demand.Mailbox {
		d.owner, d.top = d.res.st.node.area.code, 1
	}
}

// statusAt is a played demand's status at t.
func statusAt(d *dem, t time.Time) demand.Status {
	st := demand.Status("")
	var last time.Time
	for _, e := range d.events {
		if !e.at.After(t) && !e.at.Before(last) {
			st, last = e.to, e.at
		}
	}
	if st == "" {
		return demand.Closed // not yet received: not a merge target
	}
	return st
}

func (g *dgen) reporter(ch demand.Channel) reporterD {
	r := g.rng
	rep := reporterD{solved: -1}
	named, phoned := 0.9, 0.97
	switch ch {
	case demand.Online, demand.Mailbox:
		named, phoned = 0.7, 0.85
	case demand.Hotline:
		phoned = 1
	}
	if r.Float64() < named {
		rep.name = g.personName()
	}
	if r.Float64() < phoned {
		rep.phone = fmt.Sprintf("1%c%09d", "35789"[r.IntN(5)], r.IntN(1e9))
	}
	if r.Float64() < 0.03 {
		rep.email = fmt.Sprintf("resident%05d@example.com", r.IntN(100000))
	}
	return rep
}

// describe writes the demand's description, address and attributes from its category's templates.
func (g *dgen) describe(d *dem) {
	r := g.rng
	c := d.cat
	st := d.res.st.node.spec
	fc := fillCtx{b: 1 + r.IntN(60), f: 1 + r.IntN(18), n: 1 + r.IntN(999), res: d.res.node.base,
		road: g.pick(d.res.roads), road2: g.pick(st.roads)}
	fc.room = fc.f*100 + 1 + r.IntN(4)
	if c.street || c.code == "noise_construction" {
		fc.road = g.pick(st.roads)
	}
	d.desc = g.fillTemplate(g.pick(c.templates), &fc)
	if c.street && c.code != "illegal_building" {
		d.address = fmt.Sprintf("%s%d号附近", fc.road, fc.n)
	} else {
		d.address = fmt.Sprintf("%s%d弄%d号", d.res.roads[0], d.res.lane, fc.b)
	}
	var attrs map[string]string
	switch c.code {
	case "property_elevator":
		attrs = map[string]string{"building": strconv.Itoa(fc.b) + "号", "floor": strconv.Itoa(fc.f)}
	case "property_leak":
		attrs = map[string]string{"building": strconv.Itoa(fc.b) + "号", "room": strconv.Itoa(fc.room)}
	case "illegal_building":
		attrs = map[string]string{"building": strconv.Itoa(fc.b) + "号"}
	case "noise_construction":
		attrs = map[string]string{"period": map[string]string{"夜间": "夜间", "每天晚上十点以后": "夜间", "凌晨": "凌晨", "中午午休时": "午休", "周末一早": "白天"}[fc.time]}
		if attrs["period"] == "" {
			attrs = nil
		}
	case "municipal_light":
		if r.Float64() < 0.4 {
			attrs = map[string]string{"pole": fmt.Sprintf("XH-%04d", r.IntN(10000))}
		}
	}
	d.attrs = "{}"
	if attrs != nil {
		j, _ := json.Marshal(attrs)
		d.attrs = string(j)
	}
}

type fillCtx struct {
	b, f, room, n    int
	res, road, road2 string
	time             string // the {time} chosen, for attributes
}

// fillTemplate replaces each {slot}; chosen words may hold slots themselves.
func (g *dgen) fillTemplate(tpl string, fc *fillCtx) string {
	var sb strings.Builder
	for {
		i := strings.IndexByte(tpl, '{')
		if i < 0 {
			sb.WriteString(tpl)
			return sb.String()
		}
		j := strings.IndexByte(tpl[i:], '}') + i
		sb.WriteString(tpl[:i])
		key := tpl[i+1 : j]
		switch key {
		case "b":
			sb.WriteString(strconv.Itoa(fc.b))
		case "f":
			sb.WriteString(strconv.Itoa(fc.f))
		case "room":
			sb.WriteString(strconv.Itoa(fc.room))
		case "n":
			sb.WriteString(strconv.Itoa(fc.n))
		case "res":
			sb.WriteString(fc.res)
		case "road":
			sb.WriteString(fc.road)
		case "road2":
			sb.WriteString(fc.road2)
		default:
			w := g.pick(slots[key])
			if key == "time" {
				fc.time = w
			}
			sb.WriteString(g.fillTemplate(w, fc))
		}
		tpl = tpl[j+1:]
	}
}

// story plays one demand through the service's rules up to now.
type story struct {
	g *dgen
	d *dem
}

// at runs the timers due up to t and reports whether t has happened yet;
// when it has not, the timers run up to now and the story stops there.
func (s *story) at(t time.Time) bool {
	if t.After(s.g.now) {
		s.runTimers(s.g.now)
		return false
	}
	s.runTimers(t)
	return true
}

func (s *story) event(t time.Time, actor, action, note string, to demand.Status, public bool) {
	s.say(t, actor, action, texts.Text{}, note, to, public)
}

// say is event with a system sentence before the actor's note.
func (s *story) say(t time.Time, actor, action string, said texts.Text, note string, to demand.Status, public bool) {
	d := s.d
	d.events = append(d.events, devent{at: t, actor: actor, action: action, note: note, said: said, from: d.status, to: to, public: public})
	d.status, d.updated = to, t
}

func (s *story) addTimer(kind string, due time.Time, level int) {
	s.d.timers = append(s.d.timers, dtimer{kind: kind, due: due, level: level})
}

// deadlines schedules the reminder and deadline timers as intake,
// extension approval and reopening do: a reminder at three quarters.
func (s *story) deadlines(from time.Time, contact bool) {
	d := s.d
	clocks := []struct {
		remind, due string
		at          time.Time
	}{{"resolve_remind", "resolve_due", d.resolveDue}}
	if contact {
		clocks = append(clocks, struct {
			remind, due string
			at          time.Time
		}{"contact_remind", "contact_due", d.contactDue})
	}
	for _, c := range clocks {
		if span := c.at.Sub(from); span > 0 {
			s.addTimer(c.remind, from.Add(span*3/4).Truncate(time.Second), 0)
		}
		s.addTimer(c.due, c.at, 0)
	}
}

// runTimers fires the timers due by until in order, as the timer runner does.
func (s *story) runTimers(until time.Time) {
	d := s.d
	for {
		k := -1
		for i, t := range d.timers {
			if !t.fired && !t.due.After(until) && (k < 0 || t.due.Before(d.timers[k].due)) {
				k = i
			}
		}
		if k < 0 {
			return
		}
		d.timers[k].fired = true
		t := d.timers[k]
		if !d.status.Open() {
			continue
		}
		contactOpen := d.contactedAt.IsZero()
		resolveOpen := d.resolvedAt.IsZero() && !d.resolveDue.After(t.due)
		switch t.kind {
		case "contact_due":
			if contactOpen && !d.lapsed {
				d.lapsed = true
				s.overdue(t.due, "contact", "escalate_contact", d.contactDue.Sub(d.created))
			}
		case "resolve_due":
			if resolveOpen && t.due.Equal(d.resolveDue) {
				s.overdue(t.due, "resolve", "escalate_resolve", d.resolveDue.Sub(d.created))
			}
		case "escalate_contact":
			if contactOpen {
				s.escalate(t.due, t.level, t.kind, d.contactDue.Sub(d.created))
			}
		case "escalate_resolve":
			if resolveOpen {
				s.escalate(t.due, t.level, t.kind, d.resolveDue.Sub(d.created))
			}
		}
	}
}

func (s *story) overdue(at time.Time, step, kind string, span time.Duration) {
	s.d.overdue = true
	s.say(at, systemActor, "overdue", demand.OverdueNote(step), "", s.d.status, true)
	s.escalate(at, 1, kind, span)
}

func (s *story) escalate(at time.Time, level int, kind string, span time.Duration) {
	d := s.d
	level = min(level, d.top)
	d.escalation = max(d.escalation, level)
	s.say(at, systemActor, "escalate", demand.EscalationNote(level), "", d.status, false)
	if level < d.top {
		s.addTimer(kind, at.Add(max(span, time.Minute)), level+1)
	}
}

// staff returns an actor name for someone working at area.
func (g *dgen) staff(d *dem, area string) string {
	rd := d.res
	switch area {
	case rd.node.area.code:
		return g.pick(rd.staff)
	case rd.st.node.area.code:
		return g.pick(rd.st.staff)
	}
	for i, c := range rd.gridCodes {
		if c == area {
			return rd.gridStaff[i]
		}
	}
	return g.pick(rd.staff)
}

func (g *dgen) intakeActor(d *dem) string {
	switch d.channel {
	case demand.Online:
		return residentActor
	case demand.Hotline:
		return g.pick(g.hotline)
	case demand.Grid:
		if d.grid >= 0 {
			return d.res.gridStaff[d.grid]
		}
		return g.pick(d.res.gridStaff)
	}
	return g.pick(d.res.staff)
}

// chooseLead picks the handling body: the residential area, its grid or the
// street (with its city operation centre or law enforcement squad as the unit).
func (g *dgen) chooseLead(d *dem, avoid string) (string, int64) {
	rd := d.res
	street, res := rd.st.node.area.code, rd.node.area.code
	streetLead := func() (string, int64) {
		if d.cat.code == "illegal_building" {
			return street, rd.st.lawUnit
		}
		return street, rd.st.opsUnit
	}
	x := g.rng.Float64()
	if d.cat.street {
		if avoid != street && (x < 0.75 || avoid == res) {
			return streetLead()
		}
		return res, 0
	}
	switch {
	case d.grid >= 0 && x < 0.35 && avoid != rd.gridCodes[d.grid] && avoid == "":
		return rd.gridCodes[d.grid], 0
	case x < 0.92 && avoid != res || avoid == street:
		return res, 0
	}
	return streetLead()
}

func (s *story) dispatch(t time.Time, avoid string) {
	d, g := s.d, s.g
	d.lead, d.leadUnit = g.chooseLead(d, avoid)
	d.coBodies = nil
	if g.rng.Float64() < 0.06 {
		co := d.res.st.node.area.code
		if d.lead == co {
			co = d.res.node.area.code
		}
		d.coBodies = []string{co}
	}
	// The page shows the lead and co-handling bodies; the step needs no note.
	s.event(t, g.staff(d, d.owner), "dispatch", "", demand.Dispatched, true)
}

// rating is a callback's result.
type rating struct {
	satisfaction string
	solved       bool
}

func (g *dgen) rate(negative bool) rating {
	x := g.rng.Float64()
	switch {
	case !negative && x < 0.78:
		return rating{demand.Satisfied, true}
	case !negative:
		return rating{demand.BasicSatisfied, true}
	case x < 0.4:
		return rating{demand.Dissatisfied, false}
	case x < 0.85:
		return rating{demand.BasicSatisfied, false}
	}
	return rating{demand.Dissatisfied, true}
}

// play runs a demand from receipt to closing, or to now.
func (g *dgen) play(d *dem) {
	s := &story{g: g, d: d}
	r := g.rng
	c := d.cat
	d.status = ""
	s.say(d.created, g.intakeActor(d), "receive", demand.ReceivedNote(d.channel), "", demand.Received, true)
	s.deadlines(d.created, true)
	defer s.runTimers(g.now)
	owner := func() string { return g.staff(d, d.owner) }
	lead := func() string { return g.staff(d, d.lead) }

	if d.dupOf != 0 {
		t := d.mergeAt
		if !s.at(t) {
			return
		}
		target := d.target
		st := statusAt(target, t)
		s.say(t, owner(), "merge", demand.MergedIntoNote(target.id), "与已受理诉求重复", demand.Merged, true)
		target.events = append(target.events, devent{at: t, actor: g.staff(target, target.owner), action: "merge_in",
			said: demand.MergedFromNote(d.id), from: st, to: st, public: true})
		d.rep.demand = target.id
		// The merged reporter rates the surviving demand once it is closed, now and then.
		if !target.closedAt.IsZero() && target.satisfaction != "" && r.Float64() < 0.4 {
			at := target.closedAt.Add(g.between(time.Hour, 72*time.Hour))
			if !at.After(g.now) {
				rt := g.rate(target.satisfaction == demand.Dissatisfied || target.solved == 0)
				d.rep.satisfaction, d.rep.solved, d.rep.ratedAt = rt.satisfaction, b2i(rt.solved), at
			}
		}
		return
	}
	cspan := d.contactDue.Sub(d.created)
	frac := func(lo, hi float64) time.Duration {
		return max(time.Minute, time.Duration((lo+(hi-lo)*r.Float64())*float64(cspan))).Truncate(time.Second)
	}
	if c.code == "consult" && r.Float64() < pOnTheSpot {
		t := d.created.Add(g.between(2*time.Minute, 15*time.Minute))
		if !s.at(t) {
			return
		}
		answer := g.pick(spotCloseNotes)
		s.event(t, owner(), "close", answer, demand.Closed, true)
		// As the service closes on receipt: the answer is the first contact and the resolution.
		d.contactedAt, d.resolvedAt, d.outcome, d.resolution = t, t, demand.OutcomeSolved, answer
		d.closedAt = t
		return
	}
	q := d.res.st.spec.quality * d.res.quality
	stuck := 0
	pst := pStuck
	if d.res.st.node.area.code == DistrictCode+"001" {
		// The demo logins' street: a few more, so its supervisor always
		// finds overdue cases to urge or take back, whatever the date.
		pst *= 8
	}
	if d.created.After(g.now.Add(-60*24*time.Hour)) && r.Float64() < pst*c.lateResolve {
		stuck = 1 + r.IntN(3) // 1: never signed for; 2, 3: never resolved
	}
	t := d.created.Add(frac(0.02, 0.12))
	if !s.at(t) {
		return
	}
	s.dispatch(t, "")
	if r.Float64() < pReturn*q {
		t = t.Add(frac(0.02, 0.1))
		if !s.at(t) {
			return
		}
		d.returns++
		s.event(t, lead(), "return", g.pick(returnReasons), demand.Returned, true)
		t = t.Add(frac(0.02, 0.1))
		if !s.at(t) {
			return
		}
		s.dispatch(t, d.lead)
	}
	if stuck == 1 {
		return
	}
	t = t.Add(frac(0.02, 0.15))
	if !s.at(t) {
		return
	}
	s.event(t, lead(), "sign", "", demand.Signed, true)
	if r.Float64() < pLateContact*q*c.lateContact || !t.Before(d.contactDue) {
		t = maxTime(t, d.contactDue).Add(time.Minute + time.Duration((0.05+1.6*r.Float64())*float64(min(cspan, 6*time.Hour)))).Truncate(time.Second)
	} else {
		u := r.Float64()
		t = t.Add(time.Duration(0.95 * u * u * float64(d.contactDue.Sub(t)))).Truncate(time.Second)
	}
	if !s.at(t) {
		return
	}
	s.event(t, lead(), "contact", g.pick(contactNotes), demand.InProgress, true)
	d.contactedAt = t

	if r.Float64() < pUnreasonable {
		t = g.office(t.Add(g.between(time.Hour, 24*time.Hour)))
		if !s.at(t) {
			return
		}
		d.unreasonable = "pending"
		s.event(t, lead(), "mark_unreasonable", g.pick(unreasonableNotes), d.status, true)
		t = g.office(t.Add(g.between(2*time.Hour, 48*time.Hour)))
		if !s.at(t) {
			return
		}
		d.unreasonable = "approved"
		s.event(t, g.pick(d.res.st.staff), "approve_unreasonable", "", d.status, true)
		t = g.office(t.Add(g.between(time.Hour, 24*time.Hour)))
		if !s.at(t) {
			return
		}
		d.resolvedAt, d.outcome, d.resolution = t, demand.OutcomeNotSolved, "已向居民解释相关政策，经审核为不合理诉求"
		s.event(t, lead(), "resolve", d.resolution, demand.Resolved, true)
		t = g.office(t.Add(g.between(time.Hour, 24*time.Hour)))
		if !s.at(t) {
			return
		}
		s.event(t, owner(), "close", "经审核为不合理诉求，已解释说明，予以办结", demand.Closed, true)
		d.closedAt = t
		return
	}

	base := t // when the handling of this round starts
	for {
		if r.Float64() < c.ext {
			span := d.resolveDue.Sub(base)
			te := base.Add(time.Duration((0.3 + 0.4*r.Float64()) * float64(max(span, time.Hour)))).Truncate(time.Second)
			if !s.at(te) {
				return
			}
			newDue := g.cal.AddWorkdays(d.resolveDue, 3+r.IntN(8)).UTC()
			reason := g.pick(extensionReasons)
			d.extDue, d.extReason = newDue, reason
			s.say(te, lead(), "extend", demand.ExtensionRequestNote(newDue), reason, d.status, true)
			ta := g.office(te.Add(g.between(time.Hour, 24*time.Hour)))
			if !s.at(ta) {
				return
			}
			approved := r.Float64() < 0.85
			if approved {
				d.resolveDue = newDue
				s.deadlines(ta, false)
				base = ta
			}
			d.extDue, d.extReason = time.Time{}, ""
			s.say(ta, owner(), "approve_extension", demand.ExtensionAnswerNote(approved, newDue), "", d.status, true)
		}
		if stuck >= 2 {
			return
		}
		var tr time.Time
		if r.Float64() < pLateResolve*q*c.lateResolve || !base.Before(d.resolveDue) {
			tr = maxTime(base, d.resolveDue).Add(g.between(time.Hour, 72*time.Hour))
		} else {
			u := r.Float64()
			tr = base.Add(time.Duration((0.08 + 0.8*math.Pow(u, 1.1)) * float64(d.resolveDue.Sub(base)))).Truncate(time.Second)
			if o := g.office(tr); o.Before(d.resolveDue) {
				tr = o
			}
		}
		hard := q * (1 + 0.7*(c.neg-1)) // the street's, the residential area's and the category's difficulty
		negative := r.Float64() < pNegative*hard
		if d.round == 2 {
			negative = r.Float64() < pNegativeTwo*hard
		}
		rt := g.rate(negative)
		outcome := demand.OutcomeSolved
		switch {
		case !rt.solved && r.Float64() < 0.5:
			outcome = demand.OutcomeNotSolved
		case !rt.solved || r.Float64() < 0.08:
			outcome = demand.OutcomePartly
		}
		resolution := g.pick(c.resolutions)
		if outcome != demand.OutcomeSolved {
			resolution = g.pick(unsolvedResolutions)
		}
		if !s.at(tr) {
			return
		}
		d.resolvedAt, d.outcome, d.resolution = tr, outcome, resolution
		s.event(tr, lead(), "resolve", resolution, demand.Resolved, true)
		if r.Float64() < pNoCallback {
			t := g.office(tr.Add(g.between(48*time.Hour, 96*time.Hour)))
			if !s.at(t) {
				return
			}
			s.event(t, owner(), "close", noCallbackNote, demand.Closed, true)
			d.closedAt = t
			return
		}
		tc := g.office(tr.Add(g.between(2*time.Hour, 72*time.Hour)))
		if !s.at(tc) {
			return
		}
		actor, note := owner(), "电话回访"
		viaLink := d.rep.satisfaction == "" && (d.rep.phone != "" || d.rep.email != "") && r.Float64() < pViaLink
		if viaLink {
			actor, note = residentActor, ""
			d.rep.satisfaction, d.rep.solved, d.rep.ratedAt = rt.satisfaction, b2i(rt.solved), tc
		}
		d.satisfaction, d.solved = rt.satisfaction, b2i(rt.solved)
		reopen := (rt.satisfaction == demand.Dissatisfied || !rt.solved) && d.round < demand.MaxRounds
		if !reopen {
			s.event(tc, actor, "callback", note, demand.Closed, true)
			d.closedAt = tc
			if d.round > 1 || r.Float64() >= pReopen {
				return
			}
			// Reopened by the owner: the problem came back.
			tc = g.office(tc.Add(g.between(24*time.Hour, 240*time.Hour)))
			if !s.at(tc) {
				return
			}
			s.event(tc, owner(), "reopen", g.pick(reopenReasons), demand.Dispatched, true)
		} else {
			s.event(tc, actor, "callback", note, demand.Dispatched, true)
		}
		// The second handling, with its own resolve limit.
		d.round++
		d.resolveDue = c.resolveLim.Due(tc, g.cal).UTC()
		d.resolvedAt, d.closedAt, d.outcome, d.resolution = time.Time{}, time.Time{}, "", ""
		s.deadlines(tc, false)
		t := g.office(tc.Add(g.between(10*time.Minute, 4*time.Hour)))
		if !s.at(t) {
			return
		}
		s.event(t, lead(), "sign", "", demand.Signed, true)
		t = t.Add(g.between(30*time.Minute, 24*time.Hour))
		if !s.at(t) {
			return
		}
		s.event(t, lead(), "contact", g.pick(recontactNotes), demand.InProgress, true)
		base = t
	}
}

func b2i(b bool) int8 {
	if b {
		return 1
	}
	return 0
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// tv is a time column's value, in UTC as the service writes them.
func (g *dgen) tv(t time.Time) any { return t.UTC() }

// ntv is a nullable time column's value.
func (g *dgen) ntv(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

func nb(v int8) any {
	if v < 0 {
		return nil
	}
	return v == 1
}

// trackingHash stands in for the hash of a tracking token the demo's
// residents are never given: unique, deterministic, and no token's hash.
func trackingHash(id int64) string {
	h := sha256.Sum256([]byte("gongzhi demo reporter " + strconv.FormatInt(id, 10)))
	return hex.EncodeToString(h[:])
}

// Tables a chunk of finished demands is written to, in this order
// (later ones refer to the demands).
var demandTables = []struct {
	table string
	cols  []string
}{
	{"demands", []string{"id", "category_code", "channel", "status", "area_code", "area_path", "lat", "lng", "address",
		"description", "attributes", "owner_area", "lead_area", "lead_unit_id", "round", "returns", "created_at", "updated_at",
		"contact_due", "resolve_due", "contacted_at", "contact_lapsed", "resolved_at", "closed_at", "outcome", "resolution",
		"satisfaction", "solved", "overdue", "escalation_level", "ext_due", "ext_reason", "duplicate_of", "unreasonable", "search_text"}},
	{"demand_reporters", []string{"id", "demand_id", "original_id", "name", "phone", "email", "tracking_hash", "short_code",
		"satisfaction", "solved", "rated_at", "created_at"}},
	{"demand_co_bodies", []string{"demand_id", "area_code"}},
	{"demand_events", []string{"id", "demand_id", "at", "actor_name", "actor_kind", "action", "from_status", "to_status", "note", "note_code", "note_args", "public"}},
	{"jobs", []string{"id", "kind", "key", "args", "state", "run_at", "attempts", "created_at", "updated_at", "done_at"}},
}

// chunk is the rows of some thousands of finished demands, one flat
// value list per table, built by the generator for the writer.
type chunk struct {
	demands int
	vals    [][]any
}

const chunkDemands = 4000

func newChunk() *chunk {
	c := &chunk{vals: make([][]any, len(demandTables))}
	for i, t := range demandTables {
		c.vals[i] = make([]any, 0, chunkDemands*len(t.cols)*[]int{1, 0, 0, 7, 0}[i])
	}
	return c
}

func (c *chunk) add(table int, vals ...any) { c.vals[table] = append(c.vals[table], vals...) }

// send hands the current chunk to the writer.
func (g *dgen) send() {
	if g.chunk.demands == 0 {
		return
	}
	select {
	case g.out <- g.chunk:
	case <-g.done:
	}
	g.chunk = newChunk()
}

// flush finishes the demands received before cutoff: their rows go into
// the chunk and their figures into the rollups.
func (g *dgen) flush(cutoff time.Time) {
	n := 0
	for n < len(g.window) && g.window[n].created.Before(cutoff) {
		g.finish(g.window[n])
		n++
		if g.chunk.demands >= chunkDemands {
			g.send()
		}
	}
	g.window = slices.Delete(g.window, 0, n)
	for k, list := range g.recent {
		m := 0
		for m < len(list) && list[m].created.Before(cutoff) {
			m++
		}
		if m == len(list) {
			delete(g.recent, k)
		} else if m > 0 {
			g.recent[k] = slices.Clone(list[m:])
		}
	}
}

// finish turns one played demand into rows.
func (g *dgen) finish(d *dem) {
	c := g.chunk
	c.demands++
	var lat, lng, lead, dup any
	if d.hasLoc {
		lat, lng = d.lat, d.lng
	}
	if d.lead != "" {
		lead = d.lead
	}
	if d.dupOf != 0 {
		dup = d.dupOf
	}
	tv, ntv := g.tv, g.ntv
	c.add(0, d.id, d.cat.code, string(d.channel), string(d.status), d.areaCode(), d.areaPath(), lat, lng, d.address,
		d.desc, d.attrs, d.owner, lead, nullID(d.leadUnit), d.round, d.returns, tv(d.created), tv(d.updated),
		tv(d.contactDue), tv(d.resolveDue), ntv(d.contactedAt), d.lapsed, ntv(d.resolvedAt), ntv(d.closedAt), d.outcome, d.resolution,
		d.satisfaction, nb(d.solved), d.overdue, d.escalation, ntv(d.extDue), d.extReason, dup, d.unreasonable,
		demand.SearchText(d.desc+" "+d.address))
	r := d.rep
	hash := trackingHash(d.id)
	g.reporters = append(g.reporters, reporterRow{hash,
		[]any{nil, r.demand, d.id, r.name, r.phone, r.email, hash, nil, r.satisfaction, nb(r.solved), ntv(r.ratedAt), tv(d.created)}})
	for _, b := range d.coBodies {
		c.add(2, d.id, b)
	}
	// The timeline in order (a merge lands in the middle of its target's).
	slices.SortStableFunc(d.events, func(a, b devent) int { return a.at.Compare(b.at) })
	for _, e := range d.events {
		g.evID++
		name, kind := e.actor, demand.ActorStaff
		switch e.actor {
		case residentActor:
			name, kind = "", demand.ActorResident
		case systemActor:
			name, kind = "", demand.ActorSystem
		}
		c.add(3, g.evID, d.id, tv(e.at), name, kind, e.action, string(e.from), string(e.to), e.note, e.said.Code, e.said.ArgsJSON(), e.public)
	}
	if d.status.Open() { // a closed demand's timers have all fired or no longer matter
		// Timers are jobs keyed by the demand: of each kind one is pending,
		// the last set (setting it again moved it, as jobs.Enqueue does).
		last := map[string]int{}
		for i, t := range d.timers {
			if !t.fired {
				last[t.kind] = i
			}
		}
		key := strconv.FormatInt(d.id, 10)
		for i, t := range d.timers {
			if !t.fired && last[t.kind] != i {
				continue
			}
			g.tmID++
			state, attempts, done := "pending", 0, any(nil)
			if t.fired {
				state, attempts, done = "done", 1, tv(t.due)
			}
			c.add(4, g.tmID, demand.JobKindPrefix+t.kind, key, timerArgs(d.id, t.level, t.due), state, tv(t.due), attempts,
				tv(d.created), tv(t.due), done)
		}
	}
	g.rollup(d)
	d.events, d.timers, d.target = nil, nil, nil
}

// timerArgs are a timer job's arguments as demand.Service writes them.
func timerArgs(id int64, level int, due time.Time) string {
	lv := ""
	if level != 0 {
		lv = `,"level":` + strconv.Itoa(level)
	}
	return `{"demand_id":` + strconv.FormatInt(id, 10) + lv + `,"due":"` + due.UTC().Format(time.RFC3339Nano) + `"}`
}

// rollupKey is an area path, a category and a day, by their indexes.
type rollupKey struct {
	path, day int32
	cat       int16
}

// intern returns the index of s in list, adding it when new.
func (g *dgen) intern(idx map[string]int32, list *[]string, s string) int32 {
	i, ok := idx[s]
	if !ok {
		i = int32(len(*list))
		idx[s] = i
		*list = append(*list, s)
	}
	return i
}

// rollup adds a demand's contribution at its district, street, residential
// area and grid, by received day and category, by the service's rules.
func (g *dgen) rollup(d *dem) {
	dm := demand.Demand{Status: d.status, Unreasonable: d.unreasonable, ContactDue: d.contactDue, Satisfaction: d.satisfaction, Overdue: d.overdue}
	if d.dupOf != 0 {
		dm.DuplicateOf = &d.dupOf
	}
	if !d.contactedAt.IsZero() {
		dm.ContactedAt = &d.contactedAt
	}
	if d.solved >= 0 {
		v := d.solved == 1
		dm.Solved = &v
	}
	c := demand.Contribution(&dm, d.lapsed)
	if c.Zero() {
		return
	}
	day := g.intern(g.dayIdx, &g.dayList, demand.RollupDay(d.created))
	cat := int16(g.catIndex[d.cat])
	add := func(path int32) {
		k := rollupKey{path, day, cat}
		g.sums[k] = g.sums[k].Add(c)
	}
	for _, p := range d.res.paths {
		add(p)
	}
	if d.grid >= 0 { // demand.RollupPaths of a grid's demand end with the grid
		add(g.intern(g.pathIdx, &g.pathList, d.res.gridPaths[d.grid]))
	}
}

// writeDemands generates the demand part of the district and writes it in
// tx: the generator plays the demands on one goroutine while this one
// writes what it has finished.
func (b *builder) writeDemands(ctx context.Context, tx *db.Tx) error {
	g, err := newDemandGen(b)
	if err != nil {
		return err
	}
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
	// Categories (parents first) and routing.
	if err := put("demand_categories", []string{"code", "parent_code", "name", "name_en", "contact_limit", "resolve_limit", "keywords", "attributes", "active", "sort"},
		len(g.cats), func(i int) []any {
			c := g.cats[i]
			var parent any
			if c.parent != "" {
				parent = c.parent
			}
			return []any{c.code, parent, c.name, c.nameEN, c.catSpec.contact, c.catSpec.resolve, c.keywords, c.attrs, true, c.sort}
		}); err != nil {
		return err
	}
	type route struct {
		cat  string
		st   *streetD
		unit int64
	}
	var routes []route
	for _, st := range g.streets {
		for _, c := range g.cats {
			if c.street {
				unit := st.opsUnit
				if c.code == "illegal_building" {
					unit = st.lawUnit
				}
				routes = append(routes, route{c.code, st, unit})
			}
		}
	}
	if err := put("demand_routes", []string{"id", "category_code", "area_code", "area_path", "body_area", "body_unit_id"}, len(routes), func(i int) []any {
		r := routes[i]
		return []any{int64(i + 1), r.cat, r.st.node.area.code, r.st.node.area.path, r.st.node.area.code, nullID(r.unit)}
	}); err != nil {
		return err
	}
	if err := put("calendar_days", []string{"day", "kind", "name"}, len(g.calDays), func(i int) []any {
		d := g.calDays[i]
		return []any{d.Date, d.Kind, d.Name}
	}); err != nil {
		return err
	}
	// Outlines: the district, its streets, residential areas and grids.
	type shape struct {
		code string
		r    rect
	}
	shapes := []shape{{g.b.district.code, rect{31.12, 31.22, 121.40, 121.47}}}
	for _, st := range g.streets {
		shapes = append(shapes, shape{st.node.area.code, st.shape})
	}
	for _, rd := range g.res {
		shapes = append(shapes, shape{rd.node.area.code, rd.shape})
	}
	for _, rd := range g.res {
		for i, c := range rd.gridCodes {
			shapes = append(shapes, shape{c, rd.grids[i]})
		}
	}
	if err := put("area_shapes", []string{"area_code", "min_lat", "max_lat", "min_lng", "max_lng", "polygon"}, len(shapes), func(i int) []any {
		s := shapes[i]
		ring, _ := json.Marshal(s.r.ring())
		return []any{s.code, s.r.latS, s.r.latN, s.r.lngW, s.r.lngE, string(ring)}
	}); err != nil {
		return err
	}

	out := make(chan *chunk, 2)
	done := make(chan struct{})
	g.out, g.done = out, done
	go func() {
		defer close(out)
		g.generate()
	}()
	err = withoutReachTriggers(ctx, tx, func() error {
		return withoutDemandIndexes(ctx, tx, func() error {
			var werr error
			for c := range out {
				if werr != nil {
					continue // drain until the generator notices
				}
				for i, t := range demandTables {
					nc := len(t.cols)
					werr = put(t.table, t.cols, len(c.vals[i])/nc, func(k int) []any { return c.vals[i][k*nc : (k+1)*nc] })
					if werr != nil {
						close(done)
						break
					}
				}
			}
			return werr
		})
	})
	if err != nil {
		return err
	}
	rows := make([]rollupKey, 0, len(g.sums))
	for k := range g.sums {
		rows = append(rows, k)
	}
	slices.SortFunc(rows, func(a, b rollupKey) int {
		return cmp.Or(strings.Compare(g.pathList[a.path], g.pathList[b.path]), strings.Compare(g.dayList[a.day], g.dayList[b.day]),
			strings.Compare(g.cats[a.cat].code, g.cats[b.cat].code))
	})
	if err := put("demand_rollups", []string{"area_path", "category_code", "day", "received", "response_base", "responded", "rated",
		"solved", "satisfied", "overdue", "open"}, len(rows), func(i int) []any {
		k := rows[i]
		c := g.sums[k]
		return []any{g.pathList[k.path], g.cats[k.cat].code, g.dayList[k.day], c.Received, c.ResponseBase, c.Responded, c.Rated, c.Solved, c.Satisfied, c.Overdue, c.Open}
	}); err != nil {
		return err
	}
	// Every category of an area and day together, as demand.rollup keeps them.
	if _, err := tx.Exec(ctx, `INSERT INTO demand_rollups (area_path, category_code, day, received, response_base, responded, rated, solved, satisfied, overdue, open)
		SELECT area_path, '', day, sum(received), sum(response_base), sum(responded), sum(rated), sum(solved), sum(satisfied), sum(overdue), sum(open)
		FROM demand_rollups WHERE category_code <> '' GROUP BY area_path, day`); err != nil {
		return errs.Wrap(err, "rollup totals")
	}
	// And by month, as demand.rollup keeps them.
	if _, err := tx.Exec(ctx, `INSERT INTO demand_rollups_monthly (area_path, category_code, month, received, response_base, responded, rated, solved, satisfied, overdue, open)
		SELECT area_path, category_code, substr(day, 1, 7), sum(received), sum(response_base), sum(responded), sum(rated), sum(solved), sum(satisfied), sum(overdue), sum(open)
		FROM demand_rollups GROUP BY area_path, category_code, substr(day, 1, 7)`); err != nil {
		return errs.Wrap(err, "rollup months")
	}
	if err := db.ResetIDs(ctx, tx, "demands", "demand_reporters", "demand_events", "jobs", "demand_routes"); err != nil {
		return errs.Wrap(err, "sequences")
	}
	for _, e := range []struct{ table, entity string }{
		{"demand_categories", "demand_category"}, {"demand_routes", "demand_route"}, {"calendar_days", "calendar"},
		{"area_shapes", "area_shape"}, {"demands", "demand"}, {"demand_events", "demand_event"},
	} {
		err := auth.Record(ctx, tx, g.now, auth.SystemPrincipal(), auth.Change{Action: "demo_demands", Entity: e.entity, EntityID: DistrictCode,
			AreaPath: b.district.path, After: map[string]any{"rows": counts[e.table]}})
		if err != nil {
			return err
		}
	}
	return nil
}

// withoutReachTriggers runs load on PostgreSQL with the triggers that keep
// demands' reach tokens (migration 00018) off, then sets the tokens of the
// demands that have any in one statement, as the migration does: per
// inserted row the trigger took the demo build from 28 to 47 s. SQLite's
// triggers are cheap (they fire only for demands led from outside their
// area) and stay on.
func withoutReachTriggers(ctx context.Context, tx *db.Tx, load func() error) error {
	if tx.D() != db.Postgres {
		return load()
	}
	for _, q := range []string{"ALTER TABLE demands DISABLE TRIGGER demands_reach_ins", "ALTER TABLE demand_co_bodies DISABLE TRIGGER demand_co_bodies_reach"} {
		if _, err := tx.Exec(ctx, q); err != nil {
			return errs.Wrap(err, "reach triggers")
		}
	}
	if err := load(); err != nil {
		return err
	}
	for _, q := range []string{
		// Only demands with a body outside their area can have tokens: two
		// index look-ups per row find them, where calling the function on
		// each of 100,000 rows took 40 s.
		`UPDATE demands d SET reach_tokens = gz_demand_reach(d.id, d.area_path, d.owner_area, d.lead_area)
			WHERE (EXISTS (SELECT 1 FROM areas a WHERE a.code IN (d.owner_area, d.lead_area) AND left(d.area_path, length(a.path)) <> a.path)
				OR EXISTS (SELECT 1 FROM demand_co_bodies c WHERE c.demand_id = d.id))
			AND gz_demand_reach(d.id, d.area_path, d.owner_area, d.lead_area) <> ''`,
		"ALTER TABLE demands ENABLE TRIGGER demands_reach_ins", "ALTER TABLE demand_co_bodies ENABLE TRIGGER demand_co_bodies_reach",
	} {
		if _, err := tx.Exec(ctx, q); err != nil {
			return errs.Wrap(err, "reach tokens")
		}
	}
	return nil
}

// withoutDemandIndexes runs load with the secondary indexes of demands and
// their reporters — and on SQLite the triggers that keep the full-text index —
// dropped, then puts them back from their stored definitions and builds
// each in one pass, all inside tx: a bulk load sorts once instead of
// updating ten structures row by row. Unique indexes stay.
func withoutDemandIndexes(ctx context.Context, tx *db.Tx, load func() error) error {
	q := `SELECT type, name, sql FROM sqlite_master WHERE tbl_name IN ('demands', 'demand_reporters') AND sql IS NOT NULL
		AND (type = 'index' AND sql NOT LIKE 'CREATE UNIQUE%' OR type = 'trigger' AND sql LIKE '%demands_fts%') ORDER BY type, name`
	if tx.D() == db.Postgres {
		q = `SELECT 'index', c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
			WHERE i.indrelid IN ('demands'::regclass, 'demand_reporters'::regclass) AND NOT i.indisunique AND NOT i.indisprimary ORDER BY c.relname`
	}
	rows, err := tx.Query(ctx, q)
	if err != nil {
		return errs.Wrap(err, "demand indexes")
	}
	type object struct{ kind, name, sql string }
	var objs []object
	for rows.Next() {
		var o object
		if err := rows.Scan(&o.kind, &o.name, &o.sql); err != nil {
			rows.Close()
			return errs.Wrap(err, "demand indexes")
		}
		objs = append(objs, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return errs.Wrap(err, "demand indexes")
	}
	fts := false
	for _, o := range objs {
		if _, err := tx.Exec(ctx, "DROP "+strings.ToUpper(o.kind)+" "+o.name); err != nil {
			return errs.Wrap(err, "drop "+o.name)
		}
		fts = fts || o.kind == "trigger"
	}
	if err := load(); err != nil {
		return err
	}
	if fts {
		if err := demand.RefillSearchIndex(ctx, tx); err != nil {
			return err
		}
	}
	for _, o := range objs {
		if _, err := tx.Exec(ctx, o.sql); err != nil {
			return errs.Wrap(err, "create "+o.name)
		}
	}
	return nil
}

// linkResidentReports makes the demo resident the author of three online
// reports of their residential area, as if filed while signed in, so
// "我的诉求" has something to show.
func (b *builder) linkResidentReports(ctx context.Context, d *db.DB, logins []Login) error {
	for _, l := range logins {
		if l.Role != auth.Resident {
			continue
		}
		path := b.streets[0].res[0].area.path
		_, err := d.Exec(ctx, `UPDATE demand_reporters SET user_id = (SELECT id FROM users WHERE username = ?)
			WHERE id IN (SELECT r.id FROM demand_reporters r JOIN demands m ON m.id = r.original_id
				WHERE m.channel = 'online' AND substr(m.area_path, 1, ?) = ? ORDER BY m.id DESC LIMIT 3)`, l.Username, len(path), path)
		return errs.Wrap(err, "demo resident's reports")
	}
	return nil
}
