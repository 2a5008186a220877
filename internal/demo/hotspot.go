package demo

// The demo's hot spots (未诉先办) with known answers. Planted demands go
// through the generator like every other demand (planted adds them to a
// day's draw, fillPlanted fills them in, play plays them, the rollups
// count them): a grid by a bar street whose night noise triples for the
// last four whole weeks; a lift at one address that breaks again every
// three weeks after being fixed; and three grids whose night parking
// became a problem, were made a monthly topic, and halved after its fix.
// writeHotspots then runs the weekly detection over the last eight weeks
// and writes the closed topic with its root-cause project.

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/demand"
	"gongzhi/internal/errs"
	"gongzhi/internal/hotspot"
	"gongzhi/internal/week"
)

// The planted rates, in demands a week.
const (
	plantNoiseRate   = 20  // the bar-street grid's usual night noise; ×3 in the surge
	plantNoiseSurge  = 3.0 // how much the surge multiplies it
	plantSurgeWeeks  = 4
	plantParkingRate = 4 // a topic grid's night parking before its fix; half after
	plantLiftEvery   = 3 // weeks between the lift's breakdowns
)

// hotspotPlan is the planted ground truth, chosen from the tree and the
// clock alone, so the generator and writeHotspots agree on it.
type hotspotPlan struct {
	noise, lift, topic *resNode
	lastWeek           time.Time // Monday 00:00 Shanghai of the last whole week
	surgeFrom          time.Time // first Monday of the noise surge
	opened, closed     time.Time // the topic: its hot spot's week; the day its fix was in
	liftAddress        string
}

func (b *builder) hotspotPlan() hotspotPlan {
	// The n-th residential area of a street with at least grids grids.
	pick := func(street, n, grids int) *resNode {
		for _, r := range b.streets[street%len(b.streets)].res {
			if len(r.grids) >= grids {
				if n == 0 {
					return r
				}
				n--
			}
		}
		return b.streets[0].res[0]
	}
	last := week.Monday(b.now, clock.Shanghai).AddDate(0, 0, -7)
	// The noise in the demo street worker's street (not in the demo grid
	// worker's grid, whose queue stays as it was), so its login finds it.
	p := hotspotPlan{noise: pick(0, 1, 1), lift: pick(3, 0, 2), topic: pick(5, 0, 3), lastWeek: last}
	p.surgeFrom = last.AddDate(0, 0, -7*(plantSurgeWeeks-1))
	p.opened = last.AddDate(0, 0, -7*22)
	p.closed = p.opened.AddDate(0, 0, 7*6+2) // a Wednesday six weeks on
	p.liftAddress = p.lift.base + "小区3号楼"
	return p
}

// plantD is what a planted demand is: where, what and said how.
type plantD struct {
	res     *resD
	grid    int
	cat     *dcat
	desc    string
	address string
}

// plants holds the generator's planted state: the plan and its own
// random numbers (the rest of the district's draw stays as it was).
type plants struct {
	plan                  hotspotPlan
	rng                   *rand.Rand
	noise, lift, parking  *resD
	catNoise, catLift     *dcat
	catParking            *dcat
	noiseText, parkingTxt []string
}

func (g *dgen) plantState() *plants {
	if g.plants != nil {
		return g.plants
	}
	p := &plants{plan: g.b.hotspotPlan(), rng: rand.New(rand.NewPCG(seedHi, 12))}
	for _, r := range g.res {
		switch r.node {
		case p.plan.noise:
			p.noise = r
		case p.plan.lift:
			p.lift = r
		case p.plan.topic:
			p.parking = r
		}
	}
	for _, c := range g.cats {
		switch c.code {
		case "noise":
			p.catNoise = c
		case "property_elevator":
			p.catLift = c
		case "parking_night":
			p.catParking = c
		}
	}
	p.noiseText = []string{"楼下酒吧夜里音乐声太大，吵得睡不着", "半夜酒吧街有人喝酒喧哗", "酒吧音响到凌晨一两点还在放", "夜里酒吧门口吵闹，老人孩子睡不好"}
	p.parkingTxt = []string{"晚上小区停车太难，车都停到消防通道上", "夜里回来没有车位，只能停在路边", "小区晚上乱停车，救护车都进不来"}
	g.plants = p
	return p
}

// planted returns the planted demands received on day (00:00 Shanghai),
// before they are filled in and played.
func (g *dgen) planted(day time.Time) []*dem {
	p := g.plantState()
	if p.noise == nil || p.lift == nil || p.parking == nil || p.catNoise == nil || p.catLift == nil || p.catParking == nil {
		return nil
	}
	r := p.rng
	var out []*dem
	add := func(pl plantD, at time.Time) {
		out = append(out, &dem{channel: demand.Hotline, created: at.UTC(), plant: &pl})
	}
	monday := week.Monday(day, clock.Shanghai)
	// Night noise by the bar street: late evening to past midnight.
	rate := plantNoiseRate / 7.0
	if !monday.Before(p.plan.surgeFrom) && !monday.After(p.plan.lastWeek) {
		rate *= plantNoiseSurge
	}
	for range drawPoisson(r, rate) {
		at := day.Add(21*time.Hour + time.Duration(r.IntN(5*3600))*time.Second)
		add(plantD{res: p.noise, grid: 0, cat: p.catNoise, desc: p.noiseText[r.IntN(len(p.noiseText))], address: p.noise.roads[0] + "酒吧街"}, at)
	}
	// The lift: every third Wednesday morning, counted back from the last whole week.
	if day.Weekday() == time.Wednesday {
		if weeks := int(math.Round(p.plan.lastWeek.Sub(monday).Hours() / 24 / 7)); weeks >= 0 && weeks%plantLiftEvery == 0 {
			// Said and written differently each time, as callers and
			// operators do: the address with a space or a stop, the words
			// in another order (NormAddress and the bigrams see through it).
			n := weeks / plantLiftEvery
			addr := []string{p.plan.liftAddress, p.plan.lift.base + "小区 3号楼", p.plan.liftAddress + "。", p.plan.lift.base + "小区3号楼 "}[n%4]
			desc := []string{"3号楼电梯又坏了，老人下不了楼", "电梯又坏了！3号楼的老人下不了楼", "3号楼电梯又停了，老人下不了楼"}[n%3]
			add(plantD{res: p.lift, grid: 1, cat: p.catLift, desc: desc, address: addr}, day.Add(8*time.Hour+30*time.Minute))
		}
	}
	// Night parking in the topic's three grids: from ten weeks before the
	// topic, halved once its fix was in.
	if !day.Before(p.plan.opened.AddDate(0, 0, -70)) {
		// The category's season moves these grids as it moves the others;
		// the fix halves whatever the season brings.
		rate := plantParkingRate / 7.0 * seasonOf(p.catParking, day)
		if !day.Before(p.plan.closed) {
			rate /= 2
		}
		for grid := range 3 {
			for range drawPoisson(r, rate) {
				at := day.Add(19*time.Hour + time.Duration(r.IntN(4*3600))*time.Second)
				add(plantD{res: p.parking, grid: grid, cat: p.catParking, desc: p.parkingTxt[r.IntN(len(p.parkingTxt))],
					address: fmt.Sprintf("%s%d弄", p.parking.roads[0], p.parking.lane)}, at)
			}
		}
	}
	return out
}

// fillPlanted fills in a planted demand as fill does a drawn one.
func (g *dgen) fillPlanted(d *dem) {
	p := d.plant
	d.res, d.grid, d.cat = p.res, min(p.grid, len(p.res.grids)-1), p.cat
	d.solved, d.round = -1, 1
	d.rep = g.reporter(d.channel)
	d.rep.demand = d.id
	d.desc, d.address, d.attrs = p.desc, p.address, "{}"
	g.setDeadlines(d)
}

// seasonOf is the category's level in day's month against its yearly mean.
func seasonOf(c *dcat, day time.Time) float64 {
	mean := 0.0
	for _, x := range c.season {
		mean += x / 12
	}
	if mean <= 0 {
		return 1
	}
	return c.season[int(day.Month())-1] / mean
}

func drawPoisson(r *rand.Rand, mu float64) int {
	l, k, p := math.Exp(-mu), 0, 1.0
	for {
		p *= r.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

// dateOf is t's Shanghai calendar day as a UTC midnight, as the rollups' days are compared.
func dateOf(t time.Time) time.Time {
	l := t.In(clock.Shanghai)
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, time.UTC)
}

// writeHotspots runs the weekly detection over the last eight whole weeks,
// in order (each week's hot spots stay out of the later baselines, as the
// job keeps them), with the recurring problems of the last, and writes the
// closed monthly topic with its root-cause project.
func (b *builder) writeHotspots(ctx context.Context, tx *db.Tx) error {
	p := b.hotspotPlan()
	const weeks = hotspot.BaselineWeeks + 8
	first := dateOf(p.lastWeek).AddDate(0, 0, -7*(weeks-1))
	series, grids, err := hotspot.LoadSeries(ctx, tx, first, weeks)
	if err != nil {
		return err
	}
	results := hotspot.Weekly(series, len(grids), hotspot.Alpha)
	for t := hotspot.BaselineWeeks; t < weeks; t++ {
		monday := first.AddDate(0, 0, 7*t).Format(time.DateOnly)
		var reps []hotspot.Repeat
		if t == weeks-1 {
			if reps, err = hotspot.FindRepeats(ctx, tx, monday); err != nil {
				return err
			}
		}
		if _, err := hotspot.Store(ctx, tx, b.now, monday, results[t], reps, grids); err != nil {
			return err
		}
	}
	// The closed topic: night parking in three grids, fixed by opening a
	// neighbouring unit's car park at night (错时共享停车).
	res, street := p.topic, p.topic.street.area
	created := p.opened.AddDate(0, 0, 3).UTC()
	// Its project is one of the street's finished governance projects of
	// the lists step, renamed for it: the district's thousand projects and
	// their shares (DOMAIN.md's 75% and 70%) stay as they are.
	var project int64
	for _, cond := range []string{"domain = 'governance' AND status IN ('done', 'evaluated')", "status IN ('done', 'evaluated')", "1=1"} {
		if err := tx.QueryRow(ctx, `SELECT COALESCE(min(id), 0) FROM projects WHERE area_code = ? AND `+cond, street.code).Scan(&project); err != nil {
			return errs.Wrap(err, "a project for the topic")
		}
		if project != 0 {
			break
		}
	}
	if project == 0 {
		return errs.New(errs.EINTERNAL, "demo: street %s has no project for the topic", street.code)
	}
	if _, err := tx.Exec(ctx, `UPDATE projects SET title = ?, summary = ?, lead_name = ?, updated_at = ? WHERE id = ?`,
		res.base+"夜间停车难：错时共享停车", "与周边单位签订夜间错时停车协议，开放停车位 80 个，小区内施划临时车位。", "王主任", p.closed.UTC(), project); err != nil {
		return errs.Wrap(err, "topic project")
	}
	for i, m := range []string{"摸清夜间停车缺口", "与周边单位签订错时停车协议", "开放车位并施划标线"} {
		if _, err := tx.Exec(ctx, `INSERT INTO project_milestones (project_id, title, due_on, done_at) VALUES (?, ?, ?, ?)`,
			project, m, p.opened.AddDate(0, 0, 14*(i+1)).Format(time.DateOnly), p.opened.AddDate(0, 0, 14*(i+1)-2).UTC()); err != nil {
			return errs.Wrap(err, "topic milestone")
		}
	}
	topic, err := db.InsertID(ctx, tx, `INSERT INTO hotspot_topics (title, month, area_code, area_path, category_code, owner_name, status, project_id, opened_on, closed_on, created_at, updated_at)
		VALUES (?, ?, ?, ?, 'parking_night', '王主任', 'closed', ?, ?, ?, ?, ?)`,
		res.base+"夜间停车难", p.opened.Format("2006-01"), street.code, res.area.path, project,
		p.opened.Format(time.DateOnly), p.closed.Format(time.DateOnly), created, p.closed.UTC())
	if err != nil {
		return errs.Wrap(err, "topic")
	}
	for _, g := range res.grids[:3] {
		if _, err := tx.Exec(ctx, `INSERT INTO hotspot_topic_grids (topic_id, area_code, area_path) VALUES (?, ?, ?)`, topic, g.code, g.path); err != nil {
			return errs.Wrap(err, "topic grid")
		}
	}
	return nil
}
