package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"gongzhi/internal/activity"
	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/jobs"
	"gongzhi/internal/party"
)

// Demo figures of the party step.
const (
	MembersTotal    = 12000 // party members in the district's organisations
	MemberAccounts  = 4000  // of them with a sign-in of their own (the member role)
	ActivitiesPast  = 360   // over the last six months, with check-ins
	ActivitiesAhead = 60    // in the next four weeks, with sign-ups
)

// memberKinds and their weights: in service, retired, migrant, retired cadres, students.
var memberKinds = []string{"在职", "退休", "流动", "离退休干部", "学生"}
var kindWeights = []float64{45, 38, 8, 6, 3}

// activityTitles are what the demo's activities are.
var activityTitles = []string{"楼道清洁志愿服务", "为老助餐送餐", "垃圾分类桶边督导", "主题党日：学习交流", "社区议事会", "文明养犬宣传",
	"独居老人上门探访", "小区绿化认养", "防诈骗宣传进楼组", "青年突击队环境整治", "暑期少年儿童托管", "健康义诊"}

// demoMember is a member as the demo writes it.
type demoMember struct {
	id         int64
	org        partyOrg
	kind, band string
	home       *resNode
	unit       any
	user       int64
	reported   bool
	name       string
	phone      string
	created    time.Time
	reportedOn time.Time
	posts      []string
}

// writeParty writes the district's party members (党员) across kinds and
// age bands in its organisations, dual reporting for about 60% of the
// in-service members with their posts, member accounts for some, and
// activities: half a year past with sign-ups, check-ins and check-outs
// (the verified service behind service hours), and four weeks ahead with
// sign-ups, waitlists and reminder jobs.
func (b *builder) writeParty(ctx context.Context, tx *db.Tx) error {
	rng := rand.New(rand.NewPCG(seedHi, seedLo+31)) // its own stream
	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
	weighted := func(w []float64) int {
		var sum float64
		for _, v := range w {
			sum += v
		}
		x := rng.Float64() * sum
		for i, v := range w {
			if x < v {
				return i
			}
			x -= v
		}
		return len(w) - 1
	}
	var orgs []partyOrg
	var orgW []float64
	for _, o := range b.orgs {
		if o.kind == "residential_party_org" || o.kind == "unit_party_org" || o.kind == "hub_party_org" {
			orgs, orgW = append(orgs, o), append(orgW, float64(max(o.members, 3)))
		}
	}
	var homes []*resNode
	resOf := map[string]*resNode{}
	for _, st := range b.streets {
		for _, r := range st.res {
			homes = append(homes, r)
			resOf[r.area.code] = r
		}
	}
	var workUnits []int64
	for _, u := range b.units {
		if u.kind == "regional_unit" || u.kind == "non_public_enterprise" {
			workUnits = append(workUnits, u.id)
		}
	}
	birth := map[string][2]int{"在职": {24, 59}, "退休": {58, 88}, "流动": {22, 50}, "离退休干部": {60, 92}, "学生": {18, 24}}
	now := b.now
	members := make([]demoMember, MembersTotal)
	var firstUser int64 // the demo's own logins come after these
	var nReports, nPosts, nUsers int
	for i := range members {
		m := &members[i]
		m.id = int64(i + 1)
		m.org = orgs[weighted(orgW)]
		m.kind = memberKinds[weighted(kindWeights)]
		span := birth[m.kind]
		age := span[0] + rng.IntN(span[1]-span[0]+1)
		m.band = party.AgeBand(now.In(clock.Shanghai).Year()-age, now)
		m.home = resOf[m.org.area.code]
		if m.home == nil || rng.IntN(7) == 0 {
			m.home = homes[rng.IntN(len(homes))]
		}
		if m.kind == "在职" || m.kind == "流动" {
			if m.org.unit != 0 {
				m.unit = m.org.unit
			} else if m.kind == "在职" {
				m.unit = workUnits[rng.IntN(len(workUnits))]
			}
		}
		m.reported = m.kind == "在职" && rng.IntN(10) < 6
		if (m.reported || m.kind == "退休") && nUsers < MemberAccounts && rng.IntN(2) == 0 {
			nUsers++
			m.user = firstUser + int64(nUsers)
		}
		m.name = pick(familyNames) + pick(givenChars)
		if rng.IntN(3) > 0 {
			m.name += pick(givenChars)
		}
		m.phone = fmt.Sprintf("139%08d", 10000000+i*7919%89999999)
		m.created = now.AddDate(0, 0, -400+rng.IntN(30))
		if m.reported {
			m.reportedOn = now.AddDate(0, 0, -rng.IntN(540))
			first := rng.IntN(len(party.Posts))
			for k := range 1 + rng.IntN(2) {
				m.posts = append(m.posts, party.Posts[(first+k)%len(party.Posts)])
			}
			nReports++
			nPosts += len(m.posts)
		}
	}
	// Each table whole before the tables that refer to it.
	tables := []struct {
		name string
		cols []string
		rows func(m *demoMember, add func(...any) error) error
	}{
		{"users", []string{"id", "username", "display_name", "phone", "password_hash", "created_at"}, func(m *demoMember, add func(...any) error) error {
			if m.user == 0 {
				return nil
			}
			return add(m.user, fmt.Sprintf("dy%05d", m.id), "", "", "", now)
		}},
		{"grants", []string{"user_id", "role", "area_code", "area_path"}, func(m *demoMember, add func(...any) error) error {
			if m.user == 0 {
				return nil
			}
			return add(m.user, string(auth.Member), m.home.area.code, m.home.area.path)
		}},
		{"members", []string{"id", "name", "phone", "kind", "age_band", "party_org_id", "area_path", "home_code", "home_path", "unit_id", "user_id",
			"created_at", "updated_at"}, func(m *demoMember, add func(...any) error) error {
			return add(m.id, m.name, m.phone, m.kind, m.band, m.org.id, m.org.area.path, m.home.area.code, m.home.area.path, m.unit, nullID(m.user), m.created, m.created)
		}},
		{"member_reports", []string{"member_id", "area_code", "area_path", "reported_on", "created_at"}, func(m *demoMember, add func(...any) error) error {
			if !m.reported {
				return nil
			}
			return add(m.id, m.home.area.code, m.home.area.path, m.reportedOn.In(clock.Shanghai).Format(time.DateOnly), m.reportedOn)
		}},
		{"member_posts", []string{"member_id", "post"}, func(m *demoMember, add func(...any) error) error {
			for _, p := range m.posts {
				if err := add(m.id, p); err != nil {
					return err
				}
			}
			return nil
		}},
	}
	for _, t := range tables {
		bi := db.NewBulkInsert(tx, t.name, t.cols)
		add := func(vals ...any) error { return bi.Add(ctx, vals...) }
		for i := range members {
			if err := t.rows(&members[i], add); err != nil {
				return errs.Wrap(err, "insert "+t.name)
			}
		}
		if err := bi.Close(ctx); err != nil {
			return errs.Wrap(err, "insert "+t.name)
		}
	}
	nActs, nSignups, nService, err := b.writeActivities(ctx, tx, rng, members)
	if err != nil {
		return err
	}
	nOrgReports, nLogs, nLogService, err := b.writeOrgReports(ctx, tx, rng, members, nService)
	if err != nil {
		return err
	}
	nService += nLogService
	if err := db.ResetIDs(ctx, tx, "members", "users", "grants", "activities", "activity_signups", "member_service", "org_reports", "member_service_logs"); err != nil {
		return errs.Wrap(err, "sequences")
	}
	for _, e := range []struct {
		entity string
		rows   int
	}{{"member", MembersTotal}, {"member_report", nReports}, {"member_post", nPosts}, {"user", nUsers}, {"activity", nActs},
		{"activity_signup", nSignups}, {"member_service", nService}, {"org_report", nOrgReports}, {"service_log", nLogs}} {
		if err := auth.Record(ctx, tx, now, auth.SystemPrincipal(), auth.Change{Action: "demo_party", Entity: e.entity, EntityID: DistrictCode,
			AreaPath: b.district.path, After: map[string]any{"rows": e.rows}}); err != nil {
			return err
		}
	}
	return nil
}

// writeActivities writes the activities of the residential areas and their
// sign-ups by members with accounts who live there: past ones checked in
// and out (service hours), coming ones confirmed or waitlisted.
func (b *builder) writeActivities(ctx context.Context, tx *db.Tx, rng *rand.Rand, members []demoMember) (acts, signups, service int, err error) {
	byHome := map[*resNode][]*demoMember{}
	var homes []*resNode
	for i := range members {
		m := &members[i]
		if m.user == 0 {
			continue
		}
		if byHome[m.home] == nil {
			homes = append(homes, m.home)
		}
		byHome[m.home] = append(byHome[m.home], m)
	}
	// Rows are gathered first and written table by table, each whole
	// before the tables that refer to it.
	var aRows, sRows, vRows [][]any
	ab := func(vals ...any) error { aRows = append(aRows, vals); return nil }
	sb := func(vals ...any) error { sRows = append(sRows, vals); return nil }
	vb := func(vals ...any) error { vRows = append(vRows, vals); return nil }
	var reminders []jobs.Job
	now := b.now
	var sid int64
	for i := range ActivitiesPast + ActivitiesAhead {
		id := int64(i + 1)
		r := homes[rng.IntN(len(homes))]
		if i%60 == 0 && byHome[b.streets[0].res[0]] != nil {
			r = b.streets[0].res[0] // the demo logins' residential area has some of its own
		}
		day := now.In(clock.Shanghai).AddDate(0, 0, -rng.IntN(180)-1)
		if i >= ActivitiesPast {
			day = now.In(clock.Shanghai).AddDate(0, 0, 1+rng.IntN(28))
		}
		start := time.Date(day.Year(), day.Month(), day.Day(), []int{9, 9, 14, 14, 19}[rng.IntN(5)], []int{0, 30}[rng.IntN(2)], 0, 0, clock.Shanghai).UTC()
		end := start.Add(time.Duration(60+30*rng.IntN(4)) * time.Minute)
		capacity := []int{0, 10, 15, 20, 30}[rng.IntN(5)]
		if i == ActivitiesPast {
			capacity = 0 // the demo member's coming activity (linkDemoMember)
		}
		audience := []string{activity.ForMembers, activity.ForMembers, activity.ForAll, activity.ForResidents}[rng.IntN(4)]
		people := byHome[r]
		n := min(len(people), 5+rng.IntN(20))
		rng.Shuffle(len(people), func(x, y int) { people[x], people[y] = people[y], people[x] })
		if err := ab(id, activityTitles[rng.IntN(len(activityTitles))], "", start, end, r.area.name+"党群服务点", capacity, audience,
			nullID(r.org), r.area.code, r.area.path, "published", n+1, "居民区党组织书记（演示）", start.AddDate(0, 0, -10), start.AddDate(0, 0, -10)); err != nil {
			return 0, 0, 0, errs.Wrap(err, "insert activities")
		}
		acts++
		for k, m := range people[:n] {
			sid++
			status := activity.Place(k, capacity)
			signed := start.AddDate(0, 0, -7).Add(time.Duration(k) * time.Hour)
			var in, out any
			if i < ActivitiesPast && status == activity.Confirmed && rng.IntN(10) < 8 {
				ti := start.Add(time.Duration(rng.IntN(15)-5) * time.Minute)
				to := end.Add(time.Duration(rng.IntN(20)-10) * time.Minute)
				in, out = ti, to
				service++
				if err := vb(int64(service), m.id, "activity", sid, r.area.path, ti, to, party.Minutes(ti, to)); err != nil {
					return 0, 0, 0, errs.Wrap(err, "insert member service")
				}
			}
			if err := sb(sid, id, m.user, m.id, status, k+1, in, out, signed, signed); err != nil {
				return 0, 0, 0, errs.Wrap(err, "insert activity signups")
			}
			signups++
		}
		if at := activity.RemindAt(start); at.After(now) {
			reminders = append(reminders, activity.RemindJob(id, at))
		}
	}
	for _, t := range []struct {
		name string
		cols []string
		rows [][]any
	}{
		{"activities", []string{"id", "title", "description", "starts_at", "ends_at", "place", "capacity", "audience",
			"party_org_id", "area_code", "area_path", "status", "next_seq", "created_by_name", "created_at", "updated_at"}, aRows},
		{"activity_signups", []string{"id", "activity_id", "user_id", "member_id", "status", "seq", "checked_in_at",
			"checked_out_at", "created_at", "updated_at"}, sRows},
		{"member_service", []string{"id", "member_id", "source", "source_id", "area_path", "started_at", "ended_at", "minutes"}, vRows},
	} {
		bi := db.NewBulkInsert(tx, t.name, t.cols)
		for _, r := range t.rows {
			if err := bi.Add(ctx, r...); err != nil {
				return 0, 0, 0, errs.Wrap(err, "insert "+t.name)
			}
		}
		if err := bi.Close(ctx); err != nil {
			return 0, 0, 0, errs.Wrap(err, "insert "+t.name)
		}
	}
	return acts, signups, service, jobs.Enqueue(ctx, tx, now, reminders...)
}

// linkDemoMember links the demo's member login to an in-service member who
// lives in its residential area and reported there, and signs it up for
// the first coming activity there, so its phone page has something to show.
func (b *builder) linkDemoMember(ctx context.Context, d *db.DB) error {
	res := b.streets[0].res[0].area
	return d.InTx(ctx, func(tx *db.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE members SET user_id = (SELECT id FROM users WHERE username = 'member')
			WHERE id = (SELECT min(m.id) FROM members m JOIN member_reports r ON r.member_id = m.id
			WHERE m.home_code = ? AND m.user_id IS NULL AND m.kind = '在职')`, res.code)
		if err != nil {
			return errs.Wrap(err, "link the demo member")
		}
		// Activity ActivitiesPast+1 is the first coming one, in this area, without a limit.
		a := int64(ActivitiesPast + 1)
		_, err = tx.Exec(ctx, `INSERT INTO activity_signups (activity_id, user_id, member_id, status, seq, created_at, updated_at)
			SELECT a.id, m.user_id, m.id, 'confirmed', a.next_seq, ?, ? FROM activities a, members m
			WHERE a.id = ? AND a.area_code = ? AND m.user_id = (SELECT id FROM users WHERE username = 'member')`, b.now, b.now, a, res.code)
		if err == nil {
			_, err = tx.Exec(ctx, "UPDATE activities SET next_seq = next_seq + 1 WHERE id = ?", a)
		}
		return errs.Wrap(err, "sign the demo member up")
	})
}
