package survey_test

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/jobs"
	"gongzhi/internal/survey"
	"gongzhi/internal/testkit"
)

type kit struct {
	t   *testing.T
	d   *db.DB
	f   *testkit.Fixture
	clk *clock.Fake
	s   *survey.Service
	q   *jobs.Queue
	ctx context.Context
}

func newKit(t *testing.T, d *db.DB) *kit {
	clk := testkit.Clock()
	k := &kit{t: t, d: d, f: testkit.NewFixture(t, d), clk: clk, s: survey.NewService(d, clk), ctx: context.Background()}
	k.q = jobs.New(d, clk, slog.New(slog.DiscardHandler))
	k.s.RegisterJobs(k.q)
	return k
}

func (k *kit) as(r auth.Role) *auth.Principal { return k.f.Users[r] }

func (k *kit) campaign(area, period string) survey.Campaign {
	k.t.Helper()
	now := k.clk.Now()
	c, err := k.s.CreateCampaign(k.ctx, k.as(auth.StreetStaff), survey.CampaignInput{Area: area, Period: period, OpensAt: now, ClosesAt: now.Add(14 * 24 * time.Hour)})
	if err != nil {
		k.t.Fatal(err)
	}
	return c
}

func (k *kit) links(c survey.Campaign, n int) []string {
	k.t.Helper()
	ls, err := k.s.MakeLinks(k.ctx, k.as(auth.StreetStaff), c.ID, n)
	if err != nil {
		k.t.Fatal(err)
	}
	return ls
}

func (k *kit) count(q string, args ...any) int {
	k.t.Helper()
	var n int
	if err := k.d.QueryRow(k.ctx, q, args...).Scan(&n); err != nil {
		k.t.Fatal(err)
	}
	return n
}

// TestLinkOnce: a link answers once; the second use is ECONFLICT and
// changes nothing; the answers match the hand-worked fixture's scores.
func TestLinkOnce(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		k := newKit(t, d)
		c := k.campaign(testkit.ResA1, "2026H2")
		ls := k.links(c, 8)
		for i, a := range fixture() {
			if err := k.s.AnswerLink(k.ctx, ls[i], a); err != nil {
				t.Fatal(err)
			}
		}
		audits := k.count("SELECT count(*) FROM audit_log")
		if err := k.s.AnswerLink(k.ctx, ls[0], fixture()[1]); errs.Code(err) != errs.ECONFLICT {
			t.Fatalf("second use: %v", err)
		}
		if n := k.count("SELECT count(*) FROM survey_answers"); n != 5 {
			t.Errorf("answers after a second use: %d", n)
		}
		if n := k.count("SELECT count(*) FROM audit_log"); n != audits {
			t.Errorf("a refused answer wrote %d audit rows", n-audits)
		}
		if _, err := k.s.LinkCampaign(k.ctx, "nosuchtoken"); errs.Code(err) != errs.ENOTFOUND {
			t.Errorf("made-up link: %v", err)
		}
		if p, err := k.s.LinkCampaign(k.ctx, ls[0]); err != nil || !p.Used {
			t.Errorf("used link: %+v %v", p, err)
		}
		res, _, err := k.s.Results(k.ctx, k.as(auth.CommunityStaff), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		s := res.Scores
		if s.Answers != 5 || s.Links != 8 || !near(s.ResponseRate, 62.5) || !near(s.Awareness.Lo, 23.07) || !near(s.Satisfaction.Value, 66.25) || !near(s.Satisfaction.Hi, 96.10) {
			t.Errorf("scores: %+v", s)
		}
	})
}

// TestLinkRace: eight goroutines use one link at once; one answer counts.
func TestLinkRace(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		k := newKit(t, d)
		c := k.campaign(testkit.ResA1, "2026H2")
		tok := k.links(c, 1)[0]
		var wg sync.WaitGroup
		codes := make([]string, 8)
		for i := range codes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				codes[i] = errs.Code(k.s.AnswerLink(k.ctx, tok, fixture()[i%5]))
			}()
		}
		wg.Wait()
		ok := 0
		for _, c := range codes {
			if c == "" {
				ok++
			} else if c != errs.ECONFLICT {
				t.Errorf("unexpected %q", c)
			}
		}
		if n := k.count("SELECT count(*) FROM survey_answers"); ok != 1 || n != 1 {
			t.Fatalf("one link used 8 times at once: %d accepted (%v), %d answers; want 1, 1", ok, codes, n)
		}
	})
}

// TestAnonymous: an answer row holds nothing that ties it to a link or a
// time, and the audit row of an answer names no one and nothing answered.
func TestAnonymous(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		k := newKit(t, d)
		c := k.campaign(testkit.ResA1, "2026H2")
		ls := k.links(c, 2)
		a := fixture()[0]
		a.Comment = "希望多办活动，联系我13812345678"
		if err := k.s.AnswerLink(k.ctx, ls[0], a); err != nil {
			t.Fatal(err)
		}
		cols, err := db.Strings(k.ctx, d, colsQuery(d), "survey_answers")
		if err != nil {
			t.Fatal(err)
		}
		want := "aware_members aware_office aware_work answer_key campaign_id comment part_activity part_meeting part_vote sat_living sat_overall sat_response sat_service"
		got := strings.Join(sortStrings(cols), " ")
		if got != strings.Join(sortStrings(strings.Fields(want)), " ") {
			t.Errorf("survey_answers columns: %s", got)
		}
		var action string
		var actor, after any
		if err := d.QueryRow(k.ctx, "SELECT action, actor_id, after FROM audit_log WHERE entity = 'survey' AND action = 'answer'").Scan(&action, &actor, &after); err != nil {
			t.Fatal(err)
		}
		if actor != nil || (after != nil && string(asBytes(after)) != "" && string(asBytes(after)) != "null") {
			t.Errorf("answer's audit row: actor %v, after %s", actor, asBytes(after))
		}
		_, comments, err := k.s.Results(k.ctx, k.as(auth.CommunityStaff), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(comments) != 1 || strings.Contains(comments[0], "13812345678") || !strings.Contains(comments[0], "希望多办活动") {
			t.Errorf("comments: %q", comments)
		}
	})
}

func asBytes(v any) []byte {
	switch x := v.(type) {
	case []byte:
		return x
	case string:
		return []byte(x)
	}
	return nil
}

func sortStrings(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func colsQuery(d *db.DB) string {
	if d.Dialect == db.Postgres {
		return "SELECT column_name FROM information_schema.columns WHERE table_name = ?"
	}
	return "SELECT name FROM pragma_table_info(?)"
}

// sameTx counts answers written by the transaction that used a link
// (PostgreSQL's xmin): what closing must leave at zero.
const sameTx = "SELECT count(*) FROM survey_answers a JOIN survey_links l ON a.xmin::text = l.xmin::text WHERE l.used"

// TestCloseJob: the job closes the campaign at closes_at; a link used
// after is refused and changes nothing; no links are made for it.
func TestCloseJob(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		k := newKit(t, d)
		c := k.campaign(testkit.ResA1, "2026H2")
		ls := k.links(c, 3)
		if err := k.s.AnswerLink(k.ctx, ls[2], fixture()[0]); err != nil {
			t.Fatal(err)
		}
		if d.Dialect == db.Postgres && k.count(sameTx) != 1 {
			t.Fatal("the xmin probe does not see the answer's transaction")
		}
		k.clk.Advance(14*24*time.Hour + time.Minute)
		if _, err := k.q.RunDue(k.ctx); err != nil {
			t.Fatal(err)
		}
		got, err := k.s.GetCampaign(k.ctx, k.as(auth.StreetStaff), c.ID)
		if err != nil || got.Status != survey.Closed {
			t.Fatalf("after the job: %+v %v", got, err)
		}
		if k.count("SELECT count(*) FROM survey_answers") != 1 {
			t.Fatal("closing lost the answer")
		}
		if d.Dialect == db.Postgres && k.count(sameTx) != 0 {
			t.Error("after closing, an answer still shares its transaction id with its used link")
		}
		if err := k.s.AnswerLink(k.ctx, ls[0], fixture()[0]); errs.Code(err) != errs.ECONFLICT {
			t.Errorf("answer after closing: %v", err)
		}
		if n := k.count("SELECT count(*) FROM survey_links WHERE used = ?", true); n != 1 {
			t.Errorf("a refused answer used its link")
		}
		if _, err := k.s.MakeLinks(k.ctx, k.as(auth.StreetStaff), c.ID, 1); errs.Code(err) != errs.ECONFLICT {
			t.Errorf("links for a closed campaign: %v", err)
		}
	})
}

// TestBadInput: bad campaigns and answers are 4xx and write nothing;
// scope holds (a street's staff outside, a committee making its own links).
func TestBadInput(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		k := newKit(t, d)
		now := k.clk.Now()
		street := k.as(auth.StreetStaff)
		for name, c := range map[string]struct {
			p    *auth.Principal
			in   survey.CampaignInput
			code string
		}{
			"bad period":       {street, survey.CampaignInput{Area: testkit.ResA1, Period: "2026H3", OpensAt: now, ClosesAt: now.Add(time.Hour)}, errs.EINVALID},
			"closes first":     {street, survey.CampaignInput{Area: testkit.ResA1, Period: "2026H2", OpensAt: now, ClosesAt: now.Add(-time.Hour)}, errs.EINVALID},
			"a street":         {street, survey.CampaignInput{Area: testkit.StreetA, Period: "2026H2", OpensAt: now, ClosesAt: now.Add(time.Hour)}, errs.EINVALID},
			"unknown area":     {street, survey.CampaignInput{Area: "999", Period: "2026H2", OpensAt: now, ClosesAt: now.Add(time.Hour)}, errs.EINVALID},
			"other street":     {street, survey.CampaignInput{Area: testkit.ResB1, Period: "2026H2", OpensAt: now, ClosesAt: now.Add(time.Hour)}, errs.EFORBIDDEN},
			"committee itself": {k.as(auth.CommunityStaff), survey.CampaignInput{Area: testkit.ResA1, Period: "2026H2", OpensAt: now, ClosesAt: now.Add(time.Hour)}, errs.EFORBIDDEN},
		} {
			if _, err := k.s.CreateCampaign(k.ctx, c.p, c.in); errs.Code(err) != c.code {
				t.Errorf("%s: %v, want %s", name, err, c.code)
			}
		}
		if n := k.count("SELECT count(*) FROM survey_campaigns"); n != 0 {
			t.Fatalf("bad input made %d campaigns", n)
		}
		c := k.campaign(testkit.ResA1, "2026H2")
		if _, err := k.s.CreateCampaign(k.ctx, street, survey.CampaignInput{Area: testkit.ResA1, Period: "2026h2", OpensAt: now, ClosesAt: now.Add(time.Hour)}); errs.Code(err) != errs.EINVALID {
			t.Errorf("second campaign of a period: %v", err)
		}
		if _, err := k.s.MakeLinks(k.ctx, k.as(auth.CommunityStaff), c.ID, 3); errs.Code(err) != errs.EFORBIDDEN {
			t.Errorf("committee making its own links: %v", err)
		}
		if _, err := k.s.MakeLinks(k.ctx, street, c.ID, survey.MaxLinks+1); errs.Code(err) != errs.EINVALID {
			t.Errorf("too many links: %v", err)
		}
		tok := k.links(c, 1)[0]
		if err := k.s.AnswerLink(k.ctx, tok, survey.Answer{SatService: 9}); errs.Code(err) != errs.EINVALID {
			t.Errorf("bad answer: %v", err)
		}
		if n := k.count("SELECT count(*) FROM survey_links WHERE used = ?", true); n != 0 {
			t.Errorf("a bad answer used its link")
		}
		// Staff of another street do not see the campaign at all.
		other := k.f.Users[auth.DistrictAdmin]
		if _, err := k.s.GetCampaign(k.ctx, other, c.ID); err != nil {
			t.Errorf("district admin: %v", err)
		}
		l, err := k.s.List(k.ctx, k.as(auth.CommunityStaff), survey.Filter{})
		if err != nil || l.Total != 1 {
			t.Errorf("committee's list: %+v %v", l, err)
		}
		if _, err := k.s.List(k.ctx, k.as(auth.Resident), survey.Filter{}); errs.Code(err) != errs.EFORBIDDEN {
			t.Errorf("resident's list: %v", err)
		}
	})
}

// TestCompare: a committee's periods, and a street's committees in one period.
func TestCompare(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		k := newKit(t, d)
		c1 := k.campaign(testkit.ResA1, "2026H1")
		k.campaign(testkit.ResA2, "2026H1")
		k.clk.Advance(24 * time.Hour)
		c2 := k.campaign(testkit.ResA1, "2026H2")
		for _, c := range []survey.Campaign{c1, c2} {
			for i, tok := range k.links(c, 3) {
				if err := k.s.AnswerLink(k.ctx, tok, fixture()[i]); err != nil {
					t.Fatal(err)
				}
			}
		}
		trend, err := k.s.Compare(k.ctx, k.as(auth.CommunityStaff), survey.Filter{Area: testkit.ResA1})
		if err != nil || len(trend) != 2 || trend[0].Campaign.Period != "2026H1" || trend[1].Scores.Answers != 3 {
			t.Fatalf("trend: %+v %v", trend, err)
		}
		street, err := k.s.Compare(k.ctx, k.as(auth.StreetStaff), survey.Filter{Area: testkit.StreetA, Period: "2026H1"})
		if err != nil || len(street) != 2 {
			t.Fatalf("street: %+v %v", street, err)
		}
		// the committee sees only its own
		own, err := k.s.Compare(k.ctx, k.as(auth.CommunityStaff), survey.Filter{Area: testkit.StreetA, Period: "2026H1"})
		if err != nil || len(own) != 1 || own[0].Campaign.Area != testkit.ResA1 {
			t.Fatalf("committee's comparison: %+v %v", own, err)
		}
	})
}
