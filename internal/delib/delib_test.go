package delib_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/delib"
	"gongzhi/internal/errs"
	"gongzhi/internal/jobs"
	"gongzhi/internal/testkit"
)

type kit struct {
	t   *testing.T
	d   *db.DB
	f   *testkit.Fixture
	clk *clock.Fake
	s   *delib.Service
	q   *jobs.Queue
	ctx context.Context
	n   int
}

func newKit(t *testing.T, d *db.DB) *kit {
	clk := testkit.Clock() // Monday 2026-11-30 09:30 in Shanghai
	k := &kit{t: t, d: d, f: testkit.NewFixture(t, d), clk: clk, s: delib.NewService(d, clk), ctx: context.Background()}
	k.q = jobs.New(d, clk, slog.New(slog.DiscardHandler))
	k.s.RegisterJobs(k.q)
	return k
}

func (k *kit) as(r auth.Role) *auth.Principal { return k.f.Users[r] }

// resident adds a resident of area and signs them in.
func (k *kit) resident(area string) *auth.Principal {
	k.t.Helper()
	k.n++
	name := fmt.Sprintf("jm%d", k.n)
	if _, err := k.f.Auth.CreateUser(k.ctx, auth.SystemPrincipal(), auth.NewUser{Username: name, DisplayName: "居民" + name,
		Password: testkit.Password, Role: string(auth.Resident), Area: area}); err != nil {
		k.t.Fatal(err)
	}
	_, p, err := k.f.Auth.Login(k.ctx, name, testkit.Password, "127.0.0.1")
	if err != nil {
		k.t.Fatal(err)
	}
	return p
}

// runJobs moves the clock by d and runs what fell due.
func (k *kit) runJobs(d time.Duration) {
	k.t.Helper()
	k.clk.Advance(d)
	if _, err := k.q.RunDue(k.ctx); err != nil {
		k.t.Fatal(err)
	}
}

func (k *kit) newVote(in delib.VoteInput) delib.Vote {
	k.t.Helper()
	if in.Area == "" {
		in.Area = testkit.ResA1
	}
	if in.Question == "" {
		in.Question = "是否同意在3号楼加装电梯？"
	}
	if in.Choices == nil {
		in.Choices = []string{"同意", "不同意", "弃权"}
	}
	if in.OpensAt.IsZero() {
		in.OpensAt = k.clk.Now()
	}
	if in.ClosesAt.IsZero() {
		in.ClosesAt = in.OpensAt.Add(72 * time.Hour)
	}
	if in.ThresholdPct == 0 {
		in.ThresholdPct = 50
	}
	v, err := k.s.CreateVote(k.ctx, k.as(auth.CommunityStaff), in)
	if err != nil {
		k.t.Fatal(err)
	}
	return v
}

// state sums up the vote tables, the audit log and the jobs, to show a
// refused request changed nothing.
func (k *kit) state() string {
	k.t.Helper()
	var b strings.Builder
	for _, q := range []string{"SELECT count(*) FROM vote_ballots", "SELECT count(*) FROM vote_voters", "SELECT count(*) FROM vote_links WHERE used = TRUE",
		"SELECT count(*) FROM audit_log", "SELECT count(*) FROM jobs", "SELECT count(*) FROM topic_supports", "SELECT COALESCE(sum(supports), 0) FROM topics"} {
		var n int64
		if err := k.d.QueryRow(k.ctx, q).Scan(&n); err != nil {
			k.t.Fatalf("%s: %v", q, err)
		}
		fmt.Fprintf(&b, "%d ", n)
	}
	return b.String()
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if errs.Code(err) != code {
		t.Errorf("%s: got %v, want %s", what, err, code)
	}
}

// refused checks that a refused request answered code and changed nothing.
func (k *kit) refused(what, code string, fn func() error) {
	k.t.Helper()
	before := k.state()
	wantCode(k.t, what, fn(), code)
	if after := k.state(); after != before {
		k.t.Errorf("%s changed the records: %s → %s", what, before, after)
	}
}

// TestVoteLifecycle: a vote opens and closes by its jobs; residents of the
// area vote once each signed in and get a receipt; voting twice, before
// the opening, after the closing, outside the area or as staff is a clear
// 4xx that changes nothing; the closed vote publishes its receipts.
func TestVoteLifecycle(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		k := newKit(t, d)
		v := k.newVote(delib.VoteInput{OpensAt: k.clk.Now().Add(24 * time.Hour), Residents: true})
		if v.Status != delib.Scheduled || v.AreaName != "东湖居民区" {
			t.Fatalf("a vote opening tomorrow: %+v", v)
		}
		alice, bob, far := k.as(auth.Resident), k.resident(testkit.ResA1), k.resident(testkit.ResB1)
		if mine, err := k.s.VotesFor(k.ctx, alice); err != nil || len(mine) != 1 || mine[0].ID != v.ID {
			t.Errorf("the votes of alice's area: %+v %v", mine, err)
		}
		if theirs, err := k.s.VotesFor(k.ctx, far); err != nil || len(theirs) != 0 {
			t.Errorf("a resident of another street is offered %d votes (%v)", len(theirs), err)
		}
		k.refused("voting before the opening", errs.ECONFLICT, func() error { _, err := k.s.Cast(k.ctx, alice, v.ID, delib.Cast{Choice: 0}); return err })
		k.refused("receipts before the closing", errs.ECONFLICT, func() error { _, err := k.s.PublishedReceipts(k.ctx, v.ID); return err })

		k.runJobs(24 * time.Hour)
		if v, _ = k.s.GetVote(k.ctx, alice, v.ID); v.Status != delib.Open {
			t.Fatalf("the opening job ran: status %s", v.Status)
		}
		ra, err := k.s.Cast(k.ctx, alice, v.ID, delib.Cast{Choice: 0})
		if err != nil || len(ra) != delib.ReceiptLen {
			t.Fatalf("alice votes: %q %v", ra, err)
		}
		rb, err := k.s.Cast(k.ctx, bob, v.ID, delib.Cast{Choice: 1})
		if err != nil {
			t.Fatal(err)
		}
		k.refused("voting twice", errs.ECONFLICT, func() error { _, err := k.s.Cast(k.ctx, alice, v.ID, delib.Cast{Choice: 1}); return err })
		k.refused("voting outside one's area", errs.EFORBIDDEN, func() error { _, err := k.s.Cast(k.ctx, far, v.ID, delib.Cast{Choice: 1}); return err })
		k.refused("staff voting", errs.EFORBIDDEN, func() error {
			_, err := k.s.Cast(k.ctx, k.as(auth.CommunityStaff), v.ID, delib.Cast{Choice: 1})
			return err
		})
		k.refused("a choice that is not there", errs.EINVALID, func() error {
			_, err := k.s.Cast(k.ctx, k.as(auth.Member), v.ID, delib.Cast{Choice: 3})
			return err
		})
		k.refused("staff of another street closing it", errs.ENOTFOUND, func() error {
			_, err := k.s.CloseVote(k.ctx, &auth.Principal{UserID: 999, Username: "b", Grants: []auth.Grant{{Role: auth.StreetStaff, AreaPath: "/x/"}}}, v.ID)
			return err
		})
		if voted, _ := k.s.HasVoted(k.ctx, alice, v.ID); !voted {
			t.Error("alice is recorded as having voted")
		}

		// Past the closing time the vote takes no ballot even before its job runs.
		k.clk.Advance(72 * time.Hour)
		k.refused("voting after the closing", errs.ECONFLICT, func() error { _, err := k.s.Cast(k.ctx, k.as(auth.Member), v.ID, delib.Cast{Choice: 0}); return err })
		k.runJobs(time.Minute)
		v, _ = k.s.GetVote(k.ctx, k.as(auth.CommunityStaff), v.ID)
		if v.Status != delib.Closed || v.Result == nil || v.Result.Ballots != 2 || v.Result.Tally["同意"] != 1 || v.Result.Tally["不同意"] != 1 || v.Result.Passed {
			t.Fatalf("closed by its job: %+v %+v", v, v.Result)
		}
		rs, err := k.s.PublishedReceipts(k.ctx, v.ID)
		if err != nil || len(rs.Items) != 2 {
			t.Fatalf("receipts: %+v %v", rs, err)
		}
		for _, c := range []struct{ r, choice string }{{ra, "同意"}, {rb, "不同意"}} {
			got, ok, err := k.s.FindReceipt(k.ctx, v.ID, strings.ToLower(c.r))
			if err != nil || !ok || got.Choice != c.choice {
				t.Errorf("finding receipt %s: %+v %v %v", c.r, got, ok, err)
			}
		}
		if _, ok, _ := k.s.FindReceipt(k.ctx, v.ID, "0000000000"); ok {
			t.Error("a made-up receipt is found")
		}
		k.refused("closing twice", errs.ECONFLICT, func() error { _, err := k.s.CloseVote(k.ctx, k.as(auth.CommunityStaff), v.ID); return err })
	})
}

// TestOneBallotPerHousehold: a household with two links, or a link and a
// member signed in, gets one ballot counted — the first; the second is a
// clear 409 and changes nothing. A used link is refused.
func TestOneBallotPerHousehold(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		k := newKit(t, d)
		staff := k.as(auth.CommunityStaff)
		v := k.newVote(delib.VoteInput{Residents: true, PerHousehold: true})
		first, err := k.s.MakeLinks(k.ctx, staff, v.ID, delib.LinksInput{Households: []string{"3号楼201室", "3号楼 202室", "3号楼201室"}})
		if err != nil || len(first) != 2 {
			t.Fatalf("links: %+v %v", first, err)
		}
		again, err := k.s.MakeLinks(k.ctx, staff, v.ID, delib.LinksInput{Households: []string{"３号楼２０１室"}})
		if err != nil || len(again) != 1 || again[0].Household != "3号楼201室" {
			t.Fatalf("a second link for 201: %+v %v", again, err)
		}
		k.refused("links from the wrong staff", errs.EFORBIDDEN, func() error {
			_, err := k.s.MakeLinks(k.ctx, k.as(auth.Auditor), v.ID, delib.LinksInput{Count: 2})
			return err
		})
		if _, err := k.s.CastLink(k.ctx, first[0].Token, 0); err != nil {
			t.Fatal(err)
		}
		k.refused("reusing a link", errs.ECONFLICT, func() error { _, err := k.s.CastLink(k.ctx, first[0].Token, 1); return err })
		k.refused("the household's second link", errs.ECONFLICT, func() error { _, err := k.s.CastLink(k.ctx, again[0].Token, 1); return err })
		k.refused("a made-up link", errs.ENOTFOUND, func() error { _, err := k.s.CastLink(k.ctx, "nosuchtoken", 1); return err })
		k.refused("a member of 201 signed in", errs.ECONFLICT, func() error {
			_, err := k.s.Cast(k.ctx, k.as(auth.Resident), v.ID, delib.Cast{Choice: 1, Household: "3号楼201室"})
			return err
		})
		k.refused("no household named", errs.EINVALID, func() error {
			_, err := k.s.Cast(k.ctx, k.as(auth.Resident), v.ID, delib.Cast{Choice: 1})
			return err
		})
		k.refused("a household not on the list", errs.EINVALID, func() error {
			_, err := k.s.Cast(k.ctx, k.as(auth.Resident), v.ID, delib.Cast{Choice: 1, Household: "9号楼101室"})
			return err
		})
		if _, err := k.s.Cast(k.ctx, k.as(auth.Resident), v.ID, delib.Cast{Choice: 1, Household: " 3号楼202室"}); err != nil {
			t.Fatal(err)
		}
		k.refused("202's link after a member voted signed in", errs.ECONFLICT, func() error { _, err := k.s.CastLink(k.ctx, first[1].Token, 0); return err })
		if _, used, err := k.s.LinkVote(k.ctx, again[0].Token); err != nil || used {
			t.Errorf("the refused link stays unused: %v %v", used, err)
		}
		v, err = k.s.CloseVote(k.ctx, staff, v.ID)
		if err != nil || v.Result.Ballots != 2 || v.Voted != 2 || v.Households != 2 || v.Links != 3 {
			t.Fatalf("two households, two ballots: %+v %v", v, err)
		}
		k.refused("a link after the closing", errs.ECONFLICT, func() error { _, err := k.s.CastLink(k.ctx, again[0].Token, 0); return err })
	})
}

// TestHouseholdRace: eight links of one household used at once count one
// ballot; the others are told the household voted.
func TestHouseholdRace(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		k := newKit(t, d)
		v := k.newVote(delib.VoteInput{PerHousehold: true})
		var links []delib.Link
		for range 8 {
			l, err := k.s.MakeLinks(k.ctx, k.as(auth.CommunityStaff), v.ID, delib.LinksInput{Households: []string{"7号楼502室"}})
			if err != nil {
				t.Fatal(err)
			}
			links = append(links, l...)
		}
		var wg sync.WaitGroup
		codes := make([]string, len(links))
		for i, l := range links {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := k.s.CastLink(k.ctx, l.Token, i%2)
				codes[i] = errs.Code(err)
			}()
		}
		wg.Wait()
		ok, conflict := 0, 0
		for _, c := range codes {
			switch c {
			case "":
				ok++
			case errs.ECONFLICT:
				conflict++
			}
		}
		var ballots, voters int
		d.QueryRow(k.ctx, "SELECT count(*) FROM vote_ballots WHERE vote_id = ?", v.ID).Scan(&ballots)
		d.QueryRow(k.ctx, "SELECT count(*) FROM vote_voters WHERE vote_id = ?", v.ID).Scan(&voters)
		if ok != 1 || conflict != len(links)-1 || ballots != 1 || voters != 1 {
			t.Fatalf("eight links of one household at once: %d counted, %d refused (%v), %d ballots, %d voter records; want 1, 7, 1, 1", ok, conflict, codes, ballots, voters)
		}
	})
}

// cast casts n ballots by links of counted households and returns their
// receipts in the order cast.
func (k *kit) castLinks(v delib.Vote, choices []int) []string {
	k.t.Helper()
	links, err := k.s.MakeLinks(k.ctx, k.as(auth.CommunityStaff), v.ID, delib.LinksInput{Count: len(choices)})
	if err != nil {
		k.t.Fatal(err)
	}
	var out []string
	for i, l := range links {
		r, err := k.s.CastLink(k.ctx, l.Token, choices[i])
		if err != nil {
			k.t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

// TestRecountByScript: an independent script recounts the tally from the
// published receipts, and notices a receipt taken away.
func TestRecountByScript(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed: the independent recount (testdata/recount.py) cannot run")
	}
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		k := newKit(t, d)
		v := k.newVote(delib.VoteInput{Quorum: 10})
		choices := []int{0, 1, 0, 2, 0, 0, 1, 0, 2, 0, 1, 0, 0, 1, 0, 0, 2, 0, 1, 0, 0, 1, 0}
		k.castLinks(v, choices)
		v, err := k.s.CloseVote(k.ctx, k.as(auth.CommunityStaff), v.ID)
		if err != nil {
			t.Fatal(err)
		}
		if v.Result.Tally["同意"] != 14 || v.Result.Tally["不同意"] != 6 || v.Result.Tally["弃权"] != 3 || !v.Result.Passed {
			t.Fatalf("result: %+v", v.Result)
		}
		rs, err := k.s.PublishedReceipts(k.ctx, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		recount := func(doc any) (map[string]int, bool) {
			t.Helper()
			in, _ := json.Marshal(doc)
			cmd := exec.Command(py, "testdata/recount.py")
			cmd.Stdin = strings.NewReader(string(in))
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("recount.py: %v", err)
			}
			var got struct {
				Tally   map[string]int `json:"tally"`
				Matches bool           `json:"matches"`
			}
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatalf("recount.py printed %s: %v", out, err)
			}
			return got.Tally, got.Matches
		}
		tally, ok := recount(rs)
		if !ok || fmt.Sprint(tally) != fmt.Sprint(v.Result.Tally) {
			t.Fatalf("recount %v (matches %v), vote's tally %v", tally, ok, v.Result.Tally)
		}
		rs.Items = rs.Items[1:]
		if _, ok := recount(rs); ok {
			t.Fatal("the recount does not notice a ballot taken away")
		}
	})
}

// TestBallotsLinkToNoVoter inspects every table of the database after
// ballots signed in and by link: the receipts are stored in vote_ballots
// alone, whose only columns are the vote, the receipt and the choice;
// the voter records carry no receipt; ballots are stored in receipt order
// (no rowid on SQLite; one transaction id on PostgreSQL once closed); the
// audit rows of ballots name neither choice nor receipt.
func TestBallotsLinkToNoVoter(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		k := newKit(t, d)
		v := k.newVote(delib.VoteInput{Residents: true})
		var cast []string
		for i, p := range []*auth.Principal{k.as(auth.Resident), k.as(auth.Member), k.resident(testkit.ResA1)} {
			r, err := k.s.Cast(k.ctx, p, v.ID, delib.Cast{Choice: i % 2})
			if err != nil {
				t.Fatal(err)
			}
			cast = append(cast, r)
			k.clk.Advance(time.Minute)
		}
		cast = append(cast, k.castLinks(v, []int{2, 0, 1, 0, 2})...)

		cols := func(table string) []string {
			rows, err := d.Query(k.ctx, "SELECT * FROM "+table+" WHERE 1=0")
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			c, _ := rows.Columns()
			return c
		}
		if got := cols("vote_ballots"); !slices.Equal(got, []string{"vote_id", "receipt", "choice"}) {
			t.Errorf("vote_ballots has columns %v: nothing but the vote, the receipt and the choice", got)
		}
		if got := cols("vote_voters"); !slices.Equal(got, []string{"vote_id", "voter_key", "user_id", "via"}) {
			t.Errorf("vote_voters has columns %v: nothing that points at a ballot", got)
		}
		// Every table, every column, as text: receipts appear in vote_ballots only.
		for table, text := range dumpTables(t, d) {
			for _, r := range cast {
				if table != "vote_ballots" && strings.Contains(text, r) {
					t.Errorf("receipt %s appears in table %s", r, table)
				}
			}
		}
		var audit []string
		rows, err := db.All(k.ctx, d, `SELECT action, after FROM audit_log WHERE entity = 'vote' AND action = 'vote'`, nil, func(r db.Scanner) (string, error) {
			var a, b string
			err := r.Scan(&a, &b)
			return a + " " + b, err
		})
		if err != nil {
			t.Fatal(err)
		}
		audit = rows
		if len(audit) != len(cast) {
			t.Errorf("one audit row per ballot (\"voted\"), got %d", len(audit))
		}
		for _, a := range audit {
			if strings.Contains(a, "choice") || strings.Contains(a, "同意") || strings.Contains(a, "弃权") || strings.Contains(a, "receipt") {
				t.Errorf("an audit row of a ballot says how or with which receipt: %s", a)
			}
		}
		stored := func(order string) []string {
			got, err := db.Strings(k.ctx, d, "SELECT receipt FROM vote_ballots WHERE vote_id = ?"+order, v.ID)
			if err != nil {
				t.Fatal(err)
			}
			return got
		}
		sorted := slices.Sorted(slices.Values(cast))
		if d.Dialect == db.SQLite {
			if _, err := d.Query(k.ctx, "SELECT rowid FROM vote_ballots"); err == nil {
				t.Error("vote_ballots has a rowid, which numbers ballots in the order cast")
			}
			if got := stored(""); !slices.Equal(got, sorted) {
				t.Errorf("ballots stored in the order %v, want receipt order %v", got, sorted)
			}
		}
		if _, err := k.s.CloseVote(k.ctx, k.as(auth.CommunityStaff), v.ID); err != nil {
			t.Fatal(err)
		}
		if d.Dialect == db.Postgres {
			if got := stored(" ORDER BY ctid"); !slices.Equal(got, sorted) {
				t.Errorf("closed vote's ballots lie in the heap in the order %v, want receipt order %v", got, sorted)
			}
			var xids int
			if err := d.QueryRow(k.ctx, "SELECT count(DISTINCT xmin::text) FROM vote_ballots WHERE vote_id = ?", v.ID).Scan(&xids); err != nil || xids != 1 {
				t.Errorf("closed vote's ballots carry %d transaction ids (%v), want the closing one alone", xids, err)
			}
		}
	})
}

// dumpTables returns every table of the database as text, by name.
func dumpTables(t *testing.T, d *db.DB) map[string]string {
	t.Helper()
	ctx := context.Background()
	q := "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
	if d.Dialect == db.Postgres {
		q = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
	}
	names, err := db.Strings(ctx, d, q)
	if err != nil || len(names) < 20 {
		t.Fatalf("tables: %v %v", names, err)
	}
	out := map[string]string{}
	for _, name := range names {
		rows, err := d.Query(ctx, "SELECT * FROM "+name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		cols, _ := rows.Columns()
		var b strings.Builder
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for _, v := range vals {
				if bs, ok := v.([]byte); ok {
					v = string(bs)
				}
				fmt.Fprint(&b, v, "\t")
			}
			b.WriteString("\n")
		}
		rows.Close()
		out[name] = b.String()
	}
	return out
}

// TestTopicToAgendaAndOverdue: residents of the area support a topic once
// each until the area's threshold puts it on the agenda; a resident
// elsewhere cannot; unanswered past its working days, a job marks it
// overdue in its public history; staff answer it, and a vote called on it
// keeps the link.
func TestTopicToAgendaAndOverdue(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		k := newKit(t, d)
		staff := k.as(auth.CommunityStaff)
		if _, err := k.s.SetSettings(k.ctx, staff, delib.Settings{Area: testkit.ResA1, SupportThreshold: 3, AnswerDays: 5}); err != nil {
			t.Fatal(err)
		}
		k.refused("a resident setting thresholds", errs.EFORBIDDEN, func() error {
			_, err := k.s.SetSettings(k.ctx, k.as(auth.Resident), delib.Settings{Area: testkit.ResA1, SupportThreshold: 1, AnswerDays: 5})
			return err
		})
		top, err := k.s.RaiseTopic(k.ctx, k.as(auth.Resident), delib.TopicInput{Area: testkit.ResA1, Title: "小区东门晚上太暗，加装路灯", Body: "老人晚上散步看不清台阶"})
		if err != nil || top.Threshold != 3 || top.AnswerDays != 5 || top.Status != delib.TopicOpen || top.RaisedBy == "resident" {
			t.Fatalf("raised: %+v %v", top, err)
		}
		k.refused("raising a topic elsewhere", errs.EFORBIDDEN, func() error {
			_, err := k.s.RaiseTopic(k.ctx, k.as(auth.Resident), delib.TopicInput{Area: testkit.ResB1, Title: "别处的事"})
			return err
		})
		far := k.resident(testkit.ResB1)
		k.refused("supporting outside one's area", errs.EFORBIDDEN, func() error { _, err := k.s.Support(k.ctx, far, top.ID); return err })
		for _, p := range []*auth.Principal{k.as(auth.Resident), k.as(auth.Member)} {
			if top, err = k.s.Support(k.ctx, p, top.ID); err != nil {
				t.Fatal(err)
			}
		}
		k.refused("supporting twice", errs.ECONFLICT, func() error { _, err := k.s.Support(k.ctx, k.as(auth.Member), top.ID); return err })
		k.refused("staff supporting", errs.EFORBIDDEN, func() error { _, err := k.s.Support(k.ctx, staff, top.ID); return err })
		if top.Status != delib.TopicOpen || top.Supports != 2 {
			t.Fatalf("two supports of three: %+v", top)
		}
		if top, err = k.s.Support(k.ctx, k.resident(testkit.ResA1), top.ID); err != nil {
			t.Fatal(err)
		}
		// Monday 09:30 + 5 working days: the next Monday 09:30.
		if top.Status != delib.TopicAgenda || top.DueAt == nil || !top.DueAt.Equal(k.clk.Now().Add(7*24*time.Hour)) {
			t.Fatalf("on the agenda with 5 working days: %+v due %v", top, top.DueAt)
		}
		k.runJobs(7*24*time.Hour - time.Minute)
		if top, _ = k.s.GetTopic(k.ctx, staff, top.ID); top.Overdue {
			t.Fatal("overdue before its time")
		}
		k.runJobs(time.Minute)
		if top, _ = k.s.GetTopic(k.ctx, k.as(auth.Resident), top.ID); !top.Overdue || top.Events[len(top.Events)-2].Status != "overdue" || top.Events[len(top.Events)-1].Status != "escalated" {
			t.Fatalf("the job marks it overdue for all to see: %+v", top)
		}
		list, err := k.s.ListTopics(k.ctx, staff, delib.TopicFilter{Overdue: true})
		if err != nil || list.Total != 1 {
			t.Fatalf("overdue topics: %+v %v", list, err)
		}
		for q, want := range map[string]int{"路灯": 1, "台阶": 1, "电梯": 0} {
			if list, err = k.s.ListTopics(k.ctx, staff, delib.TopicFilter{Q: q}); err != nil || list.Total != want {
				t.Errorf("topics found by %q: %d (%v), want %d", q, list.Total, err, want)
			}
		}
		var buf bytes.Buffer
		if err := k.s.ExportTopics(k.ctx, staff, delib.TopicFilter{}, &buf); err != nil {
			t.Fatal(err)
		}
		x, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := x.GetRows("议题 Topics")
		if len(rows) != 2 || rows[1][2] != "小区东门晚上太暗，加装路灯" || rows[1][3] != "已列入议程 agenda" || rows[1][8] != "是 yes" {
			t.Errorf("topics export: %q", rows)
		}
		x.Close()
		wantCode(t, "a resident exporting", k.s.ExportTopics(k.ctx, k.as(auth.Resident), delib.TopicFilter{}, &buf), errs.EFORBIDDEN)
		vote := k.newVote(delib.VoteInput{TopicID: &top.ID, Question: "东门加装路灯，费用从维修基金出？"})
		top, err = k.s.AnswerTopic(k.ctx, staff, top.ID, "已列入本月议事会议程并发起表决")
		if err != nil || top.Status != delib.TopicAnswered || !slices.Equal(top.Votes, []int64{vote.ID}) {
			t.Fatalf("answered with its vote: %+v %v", top, err)
		}
		var statuses []string
		for _, e := range top.Events {
			statuses = append(statuses, e.Status)
		}
		if want := []string{"open", "agenda", "overdue", "escalated", "vote", "answered"}; !slices.Equal(statuses, want) {
			t.Errorf("history %v, want %v", statuses, want)
		}
		late := k.resident(testkit.ResA1)
		k.refused("supporting an answered topic", errs.ECONFLICT, func() error { _, err := k.s.Support(k.ctx, late, top.ID); return err })
		mine, err := k.s.ListTopics(k.ctx, far, delib.TopicFilter{})
		if err != nil || mine.Total != 0 {
			t.Errorf("a resident of another street sees %d topics (%v)", mine.Total, err)
		}
	})
}
