package delib_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/delib"
	"gongzhi/internal/demand"
	"gongzhi/internal/errs"
	"gongzhi/internal/lists"
	"gongzhi/internal/notify"
	"gongzhi/internal/testkit"
)

func newCouncils(k *kit) *delib.Councils {
	ds := demand.NewService(k.d, k.clk, notify.NewService(k.d, k.clk, notify.Options{}))
	if _, err := ds.SaveCategory(k.ctx, k.as(auth.DistrictAdmin), demand.Category{Code: "lift", Name: "电梯故障", ContactLimit: "2h",
		ResolveLimit: "5wd", Active: true}); err != nil {
		k.t.Fatal(err)
	}
	return delib.NewCouncils(k.d, k.clk, lists.NewService(k.d, k.clk), ds)
}

func count(k *kit, q string, args ...any) int {
	k.t.Helper()
	var n int
	if err := k.d.QueryRow(k.ctx, q, args...).Scan(&n); err != nil {
		k.t.Fatal(err)
	}
	return n
}

// TestCouncilMeetingDecisions (issue 11): a council with members (phones
// masked), a meeting with a topic on its agenda (which moves to the agenda
// with the meeting as its public reason), attendance and minutes, and
// decisions that become a project, a demand and a rule — the rule and the
// decisions on the area's public page with no personal data. Every change
// is audited; bad input and other areas' staff change nothing.
func TestCouncilMeetingDecisions(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		k := newKit(t, d)
		cs := newCouncils(k)
		staff, other := k.as(auth.CommunityStaff), k.as(auth.StreetStaff)
		audits := func() int { return count(k, `SELECT count(*) FROM audit_log`) }

		// Bad input: nothing written.
		before := audits()
		for _, in := range []delib.CouncilInput{
			{Area: testkit.ResA1, Name: "", TermFrom: "2026-01-01", TermTo: "2027-12-31"},
			{Area: testkit.ResA1, Name: "绿主妇议事会", TermFrom: "2027-01-01", TermTo: "2026-12-31"},
			{Area: testkit.ResA1, Name: "绿主妇议事会", TermFrom: "2026-01-01", TermTo: "2027-12-31", Members: []delib.MemberInput{{Name: "王阿姨", Role: "boss"}}},
			{Area: "nope", Name: "绿主妇议事会", TermFrom: "2026-01-01", TermTo: "2027-12-31"},
		} {
			if _, err := cs.CreateCouncil(k.ctx, staff, in); errs.Code(err) != errs.EINVALID {
				t.Fatalf("%+v: %v", in, err)
			}
		}
		if _, err := cs.CreateCouncil(k.ctx, staff, delib.CouncilInput{Area: testkit.ResA2, Name: "x", TermFrom: "2026-01-01", TermTo: "2026-12-31"}); errs.Code(err) != errs.EFORBIDDEN {
			t.Fatalf("outside own area: %v", err)
		}
		if n := count(k, `SELECT count(*) FROM councils`); n != 0 || audits() != before {
			t.Fatalf("bad input wrote %d councils", n)
		}

		c, err := cs.CreateCouncil(k.ctx, staff, delib.CouncilInput{Area: testkit.ResA1, Name: "绿主妇议事会", Charter: "垃圾分类，居民议事。",
			TermFrom: "2026-01-01", TermTo: "2028-12-31", Members: []delib.MemberInput{{Name: "王阿姨", Phone: "13812345678", Role: delib.Convener}, {Name: "李老师"}}})
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Members) != 2 || c.Members[0].Phone != "138****5678" || c.Members[0].Role != delib.Convener || c.Members[1].Role != delib.Member {
			t.Fatalf("members %+v", c.Members)
		}

		// A resident's topic goes on a meeting's agenda.
		res := k.resident(testkit.ResA1)
		topic, err := k.s.RaiseTopic(k.ctx, res, delib.TopicInput{Area: testkit.ResA1, Title: "湿垃圾桶位置调整", Body: "桶站离窗太近。"})
		if err != nil {
			t.Fatal(err)
		}
		m, err := cs.CreateMeeting(k.ctx, staff, c.ID, delib.MeetingInput{Title: "十二月议事会", StartsAt: k.clk.Now().Add(48 * time.Hour), Place: "居委会二楼"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := cs.CreateMeeting(k.ctx, staff, c.ID, delib.MeetingInput{Title: "", Place: ""}); errs.Code(err) != errs.EINVALID {
			t.Fatalf("empty meeting: %v", err)
		}
		if _, err := cs.CreateMeeting(k.ctx, other, c.ID, delib.MeetingInput{Title: "x", StartsAt: k.clk.Now(), Place: "y"}); err != nil {
			// the street's staff write in the street's residential areas
			t.Fatalf("street staff: %v", err)
		}
		if _, err := cs.AddToAgenda(k.ctx, staff, m.ID, topic.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := cs.AddToAgenda(k.ctx, staff, m.ID, topic.ID); errs.Code(err) != errs.ECONFLICT {
			t.Fatalf("twice on the agenda: %v", err)
		}
		got, err := k.s.GetTopic(k.ctx, res, topic.ID)
		if err != nil {
			t.Fatal(err)
		}
		last := got.Events[len(got.Events)-1]
		if got.Status != delib.TopicAgenda || got.DueAt == nil || last.Status != "meeting" || !strings.Contains(last.Reason, "十二月议事会") {
			t.Fatalf("topic after agenda: %s %+v", got.Status, last)
		}

		// Attendance: members of this council only.
		if _, err := cs.RecordMeeting(k.ctx, staff, m.ID, delib.RecordInput{Attendance: 12, Present: []int64{999}, Minutes: "x"}); errs.Code(err) != errs.EINVALID {
			t.Fatalf("stranger present: %v", err)
		}
		m, err = cs.RecordMeeting(k.ctx, staff, m.ID, delib.RecordInput{Attendance: 12, Present: []int64{c.Members[0].ID}, Minutes: "讨论桶站位置，同意移至东侧。"})
		if err != nil {
			t.Fatal(err)
		}
		if m.Attendance != 12 || len(m.Present) != 1 || m.Present[0].Name != "王阿姨" || len(m.Agenda) != 1 {
			t.Fatalf("meeting %+v", m)
		}

		// Decisions and what they become.
		if _, err := cs.AddDecision(k.ctx, staff, m.ID, delib.DecisionInput{Text: "x", Owner: "", DueOn: "soon"}); errs.Code(err) != errs.EINVALID {
			t.Fatalf("bad decision: %v", err)
		}
		dec := func(text string) delib.Decision {
			x, err := cs.AddDecision(k.ctx, staff, m.ID, delib.DecisionInput{TopicID: &topic.ID, Text: text, Owner: "居委会", DueOn: "2027-01-31"})
			if err != nil {
				t.Fatal(err)
			}
			return x
		}
		d1, d2, d3 := dec("湿垃圾桶站移至东侧"), dec("请物业更换2号楼电梯"), dec("垃圾分类自治公约")
		if x, err := cs.ToProject(k.ctx, staff, d1.ID, ""); err != nil || x.ProjectID == nil {
			t.Fatalf("project: %+v %v", x, err)
		}
		if n := count(k, `SELECT count(*) FROM projects WHERE title = ? AND lead_name = ?`, "湿垃圾桶站移至东侧", "居委会"); n != 1 {
			t.Fatalf("projects %d", n)
		}
		if _, err := cs.ToProject(k.ctx, staff, d1.ID, ""); errs.Code(err) != errs.ECONFLICT {
			t.Fatalf("project twice: %v", err)
		}
		if _, err := cs.ToDemand(k.ctx, staff, d2.ID, "no-such"); errs.Code(err) != errs.EINVALID {
			t.Fatalf("bad category: %v", err)
		}
		if x, err := cs.ToDemand(k.ctx, staff, d2.ID, "lift"); err != nil || x.DemandID == nil {
			t.Fatalf("demand: %+v %v", x, err)
		}
		if n := count(k, `SELECT count(*) FROM demands WHERE channel = 'meeting'`); n != 1 {
			t.Fatalf("demands %d", n)
		}
		if _, err := cs.ToRule(k.ctx, staff, d3.ID, delib.RuleInput{Title: "", Body: ""}); errs.Code(err) != errs.EINVALID {
			t.Fatalf("empty rule: %v", err)
		}
		if _, err := cs.ToRule(k.ctx, other, d3.ID, delib.RuleInput{Title: "垃圾分类公约", Body: "定时定点投放。"}); err != nil {
			t.Fatalf("street staff rule: %v", err)
		}
		if _, err := cs.ToRule(k.ctx, staff, d3.ID, delib.RuleInput{Title: "垃圾分类公约", Body: "定时定点投放。"}); errs.Code(err) != errs.ECONFLICT {
			t.Fatalf("rule twice: %v", err)
		}
		if n := count(k, `SELECT count(*) FROM area_rules`); n != 1 {
			t.Fatalf("rules %d", n)
		}
		// Staff of another street see nothing.
		b1 := k.resident(testkit.ResB1) // a resident: no delib.read at all
		if _, err := cs.GetMeeting(k.ctx, b1, m.ID); errs.Code(err) != errs.ENOTFOUND {
			t.Fatalf("resident reads a meeting: %v", err)
		}

		// The public page: everything of the area, no personal data.
		pg, err := cs.AreaPage(k.ctx, testkit.ResA1)
		if err != nil {
			t.Fatal(err)
		}
		if len(pg.Rules) != 1 || len(pg.Upcoming) != 1 || len(pg.Past) != 1 || len(pg.Topics) != 1 || pg.Topics[0].Status != delib.TopicAgenda ||
			!strings.Contains(pg.Topics[0].Reason, "十二月议事会") {
			t.Fatalf("public page %+v", pg)
		}
		if up := pg.Upcoming[0]; len(up.Decisions) != 3 || up.Attendance != 12 || len(up.Agenda) != 1 {
			t.Fatalf("upcoming %+v", up)
		}
		raw, _ := json.Marshal(pg)
		js := string(raw)
		for _, secret := range []string{"王阿姨", "1381", "5678", "居民jm"} {
			if strings.Contains(js, secret) {
				t.Fatalf("public page shows %q: %s", secret, js)
			}
		}
		if _, err := cs.AreaPage(k.ctx, "nope"); errs.Code(err) != errs.ENOTFOUND {
			t.Fatalf("unknown area: %v", err)
		}
		// Every change has its audit row.
		if n := count(k, `SELECT count(*) FROM audit_log WHERE entity IN ('council', 'meeting', 'decision', 'area_rule')`); n < 10 {
			t.Fatalf("audit rows %d", n)
		}
	})
}
