package pairing_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/pairing"
	"gongzhi/internal/party"
	"gongzhi/internal/testkit"
)

// world is a residential area with its staff, two members with their own
// sign-ins and a person in care.
type world struct {
	s                *pairing.Service
	d                *db.DB
	clock            interface{ Advance(time.Duration) }
	staff, staffB    *auth.Principal
	mem, other       *auth.Principal // the paired member's user, another member's user
	memID, otherID   int64
	person           pairing.Person
	staffAndMember   *auth.Principal // one user who is the area's staff and the paired member
	staffAndMemberID int64
}

func newWorld(t *testing.T, d *db.DB) *world {
	t.Helper()
	ctx, sys := context.Background(), auth.SystemPrincipal()
	f := testkit.NewFixture(t, d)
	c := testkit.Clock()
	w := &world{s: pairing.NewService(d, c), d: d, clock: c, staff: f.Users[auth.CommunityStaff], mem: f.Users[auth.Member]}
	ps := party.NewService(d, c)
	path, err := area.Path(ctx, d, testkit.ResA1)
	if err != nil {
		t.Fatal(err)
	}
	org, err := db.InsertID(ctx, d, "INSERT INTO party_orgs (name, kind, area_code, area_path) VALUES (?, 'residential_party_org', ?, ?)", "东湖党总支", testkit.ResA1, path)
	if err != nil {
		t.Fatal(err)
	}
	member := func(name, username string) int64 {
		m, err := ps.Create(ctx, sys, party.Input{Name: name, Kind: "退休", PartyOrgID: org, HomeArea: testkit.ResA1})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ps.LinkUser(ctx, sys, m.ID, username); err != nil {
			t.Fatal(err)
		}
		return m.ID
	}
	user := func(name, role, code string) *auth.Principal {
		u, err := f.Auth.CreateUser(ctx, sys, auth.NewUser{Username: name, Password: testkit.Password, Role: role, Area: code})
		if err != nil {
			t.Fatal(err)
		}
		return &auth.Principal{UserID: u.ID, Username: u.Username, Grants: u.Grants}
	}
	w.memID = member("李红", w.mem.Username)
	w.other = user("other_member", "member", testkit.ResA1)
	w.otherID = member("张强", "other_member")
	w.staffB = user("staff_b", "community_staff", testkit.ResB1)
	both := user("both", "member", testkit.ResA1)
	w.staffAndMemberID = member("陈书记", "both")
	w.staffAndMember = &auth.Principal{UserID: both.UserID, Username: both.Username, Grants: append(both.Grants, w.staff.Grants...)}
	if w.person, err = w.s.AddPerson(ctx, w.staff, pairing.PersonInput{Kind: "独居老人", Name: "王阿婆", Area: testkit.ResA1,
		Address: "12号楼301", Phone: "13912345678"}); err != nil {
		t.Fatal(err)
	}
	return w
}

func count(t *testing.T, d *db.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := d.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestPersonMaskedAndScoped(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d)
		if w.person.Phone != "13912345678" {
			t.Errorf("the area's staff see %q, want the whole phone", w.person.Phone)
		}
		if _, err := w.s.GetPerson(ctx, w.staffB, w.person.ID); errs.Code(err) != errs.ENOTFOUND {
			t.Errorf("staff of another area: %v, want not found", err)
		}
		if _, err := w.s.GetPerson(ctx, w.mem, w.person.ID); errs.Code(err) != errs.ENOTFOUND {
			t.Errorf("an unpaired member: %v, want not found", err)
		}
		if _, err := w.s.MakePair(ctx, w.staff, w.person.ID, pairing.PairInput{MemberID: w.memID}); err != nil {
			t.Fatal(err)
		}
		got, err := w.s.GetPerson(ctx, w.mem, w.person.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Phone != "139****5678" || len(got.Members) != 1 || got.Members[0] != "李红" {
			t.Errorf("the paired member reads %+v, want the phone masked and the pair named", got)
		}
		// Bad input: 4xx, nothing written.
		before := count(t, d, "SELECT count(*) FROM care_people")
		for _, in := range []pairing.PersonInput{
			{Kind: "", Name: "x", Area: testkit.ResA1},
			{Kind: "独居老人", Name: "x", Area: testkit.StreetA},
			{Kind: "独居老人", Name: "x", Area: testkit.ResA1, Phone: "12ab"},
		} {
			if _, err := w.s.AddPerson(ctx, w.staff, in); errs.Code(err) != errs.EINVALID {
				t.Errorf("AddPerson(%+v): %v, want EINVALID", in, err)
			}
		}
		if _, err := w.s.AddPerson(ctx, w.staffB, pairing.PersonInput{Kind: "独居老人", Name: "x", Area: testkit.ResA1}); errs.Code(err) != errs.EFORBIDDEN {
			t.Errorf("staff of another area adds here: %v, want EFORBIDDEN", err)
		}
		if n := count(t, d, "SELECT count(*) FROM care_people"); n != before {
			t.Errorf("refused additions wrote %d people", n-before)
		}
		if _, err := w.s.MakePair(ctx, w.staff, w.person.ID, pairing.PairInput{MemberID: w.memID}); errs.Code(err) != errs.ECONFLICT {
			t.Errorf("the same pair twice: %v, want ECONFLICT", err)
		}
	})
}

func TestLogsApprovedOnceBySecondPerson(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d)
		mine, err := w.s.MakePair(ctx, w.staff, w.person.ID, pairing.PairInput{MemberID: w.memID})
		if err != nil {
			t.Fatal(err)
		}
		in := pairing.LogInput{Kind: pairing.KindVisit, At: testkit.Clock().Now().Add(-2 * time.Hour), Minutes: 40, Note: "聊天，帮忙买菜"}
		// Another member cannot log for this pair; staff cannot log at all.
		if _, err := w.s.LogVisit(ctx, w.other, mine.ID, in); errs.Code(err) != errs.ENOTFOUND {
			t.Errorf("another member logs: %v, want not found", err)
		}
		if _, err := w.s.LogVisit(ctx, w.staff, mine.ID, in); errs.Code(err) != errs.EFORBIDDEN {
			t.Errorf("staff log: %v, want EFORBIDDEN", err)
		}
		bad := in
		bad.Minutes = 0
		if _, err := w.s.LogVisit(ctx, w.mem, mine.ID, bad); errs.Code(err) != errs.EINVALID {
			t.Errorf("no minutes: %v, want EINVALID", err)
		}
		if n := count(t, d, "SELECT count(*) FROM care_logs"); n != 0 {
			t.Fatalf("refused logs wrote %d rows", n)
		}
		l, err := w.s.LogVisit(ctx, w.mem, mine.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		if l.Status != pairing.Pending {
			t.Errorf("a new log is %s", l.Status)
		}
		if _, err := w.s.DecideLog(ctx, w.mem, l.ID, pairing.Decision{Approve: true}); errs.Code(err) == "" {
			t.Error("the member approved their own log")
		}
		if _, err := w.s.DecideLog(ctx, w.staffB, l.ID, pairing.Decision{Approve: true}); errs.Code(err) != errs.ENOTFOUND {
			t.Errorf("staff of another area approve: %v, want not found", err)
		}
		if _, err := w.s.DecideLog(ctx, w.staff, l.ID, pairing.Decision{Approve: false}); errs.Code(err) != errs.EINVALID {
			t.Errorf("a rejection without a reason: %v, want EINVALID", err)
		}
		got, err := w.s.DecideLog(ctx, w.staff, l.ID, pairing.Decision{Approve: true})
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != pairing.Approved {
			t.Errorf("approved log is %s", got.Status)
		}
		if _, err := w.s.DecideLog(ctx, w.staff, l.ID, pairing.Decision{Approve: true}); errs.Code(err) != errs.ECONFLICT {
			t.Errorf("approved twice: %v, want ECONFLICT", err)
		}
		if n := count(t, d, "SELECT count(*) FROM member_service WHERE source = 'pairing' AND source_id = ? AND member_id = ? AND minutes = 40", l.ID, w.memID); n != 1 {
			t.Errorf("verified service rows: %d, want 1", n)
		}
		// One user both staff and paired member: cannot approve their own log.
		own, err := w.s.MakePair(ctx, w.staff, w.person.ID, pairing.PairInput{MemberID: w.staffAndMemberID})
		if err != nil {
			t.Fatal(err)
		}
		l2, err := w.s.LogVisit(ctx, w.staffAndMember, own.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.DecideLog(ctx, w.staffAndMember, l2.ID, pairing.Decision{Approve: true}); errs.Code(err) != errs.EFORBIDDEN {
			t.Errorf("approving one's own log: %v, want EFORBIDDEN", err)
		}
		if n := count(t, d, "SELECT count(*) FROM member_service WHERE source = 'pairing'"); n != 1 {
			t.Errorf("verified service rows: %d, want 1", n)
		}
		// The member sees their own logs only.
		ml, err := w.s.Logs(ctx, w.mem, pairing.LogFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if ml.Total != 1 || ml.Items[0].ID != l.ID {
			t.Errorf("the member's logs: %+v", ml)
		}
	})
}

func TestRequestsByLink(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d)
		if _, err := w.s.MakePair(ctx, w.staff, w.person.ID, pairing.PairInput{MemberID: w.memID}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.MakeLink(ctx, w.mem, w.person.ID); errs.Code(err) == "" {
			t.Error("a member made a link")
		}
		link, err := w.s.MakeLink(ctx, w.staff, w.person.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.ByToken(ctx, "nosuchtoken"); errs.Code(err) != errs.ENOTFOUND {
			t.Errorf("unknown token: %v, want not found", err)
		}
		if _, err := w.s.SendRequest(ctx, "nosuchtoken", pairing.RequestInput{Body: "帮忙"}); errs.Code(err) != errs.ENOTFOUND {
			t.Errorf("request by an unknown token: %v, want not found", err)
		}
		if _, err := w.s.SendRequest(ctx, link.Token, pairing.RequestInput{Body: " ", Callback: "x"}); errs.Code(err) != errs.EINVALID {
			t.Errorf("empty request: %v, want EINVALID", err)
		}
		if n := count(t, d, "SELECT count(*) FROM care_requests"); n != 0 {
			t.Fatalf("refused requests wrote %d rows", n)
		}
		sent, err := w.s.SendRequest(ctx, link.Token, pairing.RequestInput{Body: "灯泡坏了，看不见", Callback: "13700001111"})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range []*auth.Principal{w.mem, w.staff} {
			l, err := w.s.Requests(ctx, p, pairing.RequestFilter{Status: pairing.Open})
			if err != nil {
				t.Fatal(err)
			}
			if l.Total != 1 || l.Items[0].Callback != "137****1111" {
				t.Errorf("%s's open requests: %+v, want one, callback masked", p.Username, l.Items)
			}
		}
		if l, err := w.s.Requests(ctx, w.other, pairing.RequestFilter{}); err != nil || l.Total != 0 {
			t.Errorf("an unpaired member's requests: %+v %v, want none", l, err)
		}
		if _, err := w.s.Answer(ctx, w.other, sent.ID, "ack"); errs.Code(err) != errs.EFORBIDDEN && errs.Code(err) != errs.ENOTFOUND {
			t.Errorf("an unpaired member acknowledges: %v", err)
		}
		w.clock.Advance(12 * time.Minute)
		r, err := w.s.Answer(ctx, w.mem, sent.ID, "ack")
		if err != nil {
			t.Fatal(err)
		}
		if r.Callback != "13700001111" || r.ResponseMinutes == nil || *r.ResponseMinutes != 12 {
			t.Errorf("acknowledged: %+v, want the whole callback and 12 minutes", r)
		}
		if _, err := w.s.Answer(ctx, w.mem, sent.ID, "ack"); errs.Code(err) != errs.ECONFLICT {
			t.Errorf("acknowledged twice: %v", err)
		}
		if r, err = w.s.Answer(ctx, w.mem, sent.ID, "close"); err != nil || r.Status != pairing.Closed {
			t.Fatalf("close: %+v %v", r, err)
		}
		rt, err := w.s.ResponseTimes(ctx, w.staff, "", 90)
		if err != nil {
			t.Fatal(err)
		}
		if len(rt) != 1 || rt[0].MedianMin != 12 || rt[0].P90Min != 12 || rt[0].Acknowledged != 1 {
			t.Errorf("response times %+v", rt)
		}
		// A remade link voids the old one.
		if _, err := w.s.MakeLink(ctx, w.staff, w.person.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.SendRequest(ctx, link.Token, pairing.RequestInput{Body: "帮忙"}); errs.Code(err) != errs.ENOTFOUND {
			t.Errorf("the old link after a new one: %v, want not found", err)
		}
	})
}

func TestGapLists(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d)
		lonely, err := w.s.AddPerson(ctx, w.staff, pairing.PersonInput{Kind: "残疾人", Name: "赵伯", Area: testkit.ResA1})
		if err != nil {
			t.Fatal(err)
		}
		pr, err := w.s.MakePair(ctx, w.staff, w.person.ID, pairing.PairInput{MemberID: w.memID})
		if err != nil {
			t.Fatal(err)
		}
		un, err := w.s.People(ctx, w.staff, pairing.PersonFilter{Area: testkit.ResA1, Unpaired: true})
		if err != nil {
			t.Fatal(err)
		}
		if un.Total != 1 || un.Items[0].ID != lonely.ID {
			t.Errorf("unpaired: %+v, want 赵伯 only", un.Items)
		}
		over := func() int {
			l, err := w.s.Overdue(ctx, w.staff, pairing.GapFilter{Area: testkit.ResA1})
			if err != nil {
				t.Fatal(err)
			}
			return l.Total
		}
		if n := over(); n != 0 {
			t.Errorf("a new pair is overdue (%d)", n)
		}
		w.clock.Advance(31 * 24 * time.Hour)
		if n := over(); n != 1 {
			t.Errorf("after 31 days without a visit: %d overdue, want 1", n)
		}
		l, err := w.s.LogVisit(ctx, w.mem, pr.ID, pairing.LogInput{Kind: pairing.KindVisit, At: testkit.Clock().Now().Add(31*24*time.Hour - time.Hour), Minutes: 30})
		if err != nil {
			t.Fatal(err)
		}
		if n := over(); n != 1 {
			t.Errorf("a pending visit counts: %d overdue", n)
		}
		if _, err := w.s.DecideLog(ctx, w.staff, l.ID, pairing.Decision{Approve: true}); err != nil {
			t.Fatal(err)
		}
		if n := over(); n != 0 {
			t.Errorf("after an approved visit: %d overdue", n)
		}
		mine, err := w.s.MyPairs(ctx, w.mem)
		if err != nil || len(mine) != 1 || mine[0].LastVisit == nil || !mine[0].LastVisit.Equal(l.At) {
			t.Errorf("the member's pair after an approved visit: %+v %v", mine, err)
		}
		if c, err := w.s.GetPerson(ctx, w.staff, w.person.ID); err != nil || c.LastVisit == nil || !c.LastVisit.Equal(l.At) {
			t.Errorf("the person's last visit: %+v %v", c, err)
		}
		var buf bytes.Buffer
		if err := w.s.GapsXLSX(ctx, w.staff, testkit.ResA1, &buf); err != nil {
			t.Fatal(err)
		}
		x, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := x.GetRows("未结对")
		if err != nil || len(rows) != 2 || rows[1][2] != "赵伯" {
			t.Errorf("unpaired sheet %v %v", rows, err)
		}
		if _, err := w.s.Overdue(ctx, w.mem, pairing.GapFilter{}); errs.Code(err) != errs.EFORBIDDEN {
			t.Errorf("a member reads the gap list: %v", err)
		}
	})
}

func sheet(t *testing.T, rows [][]any) *bytes.Buffer {
	t.Helper()
	x := excelize.NewFile()
	defer x.Close()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := x.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return &buf
}

func TestImportAllOrNothing(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d)
		header := []any{"类别", "姓名", "居民区", "住址", "电话", "备注"}
		before := count(t, d, "SELECT count(*) FROM care_people")
		_, err := w.s.Import(ctx, w.staff, "people.xlsx", sheet(t, [][]any{header,
			{"独居老人", "赵伯", testkit.ResA1, "3号楼102", "13900002222", ""},
			{"残疾人", "", testkit.ResA1, "", "12ab", ""},
			{"独居老人", "钱婆", testkit.ResB1, "", "", ""},
		}))
		ds := errs.DetailsOf(err)
		if errs.Code(err) != errs.EINVALID || len(ds) != 3 {
			t.Fatalf("a file with bad rows: %v %+v", err, ds)
		}
		if ds[0].Row != 3 || ds[0].Column != "姓名" || ds[1].Column != "电话" || ds[2].Row != 4 || ds[2].Column != "居民区" {
			t.Errorf("details %+v, want row 3 姓名 and 电话, row 4 居民区 (another area's)", ds)
		}
		if n := count(t, d, "SELECT count(*) FROM care_people"); n != before {
			t.Fatalf("a refused import wrote %d rows", n-before)
		}
		if _, err := w.s.Import(ctx, w.staff, "people.xlsx", sheet(t, [][]any{{"姓名", "住址"}, {"赵伯", ""}})); errs.Code(err) != errs.EINVALID {
			t.Errorf("missing columns: %v", err)
		}
		if _, err := w.s.Import(ctx, w.mem, "people.xlsx", sheet(t, [][]any{header})); errs.Code(err) != errs.EFORBIDDEN {
			t.Errorf("a member imports: %v", err)
		}
		res, err := w.s.Import(ctx, w.staff, "people.xlsx", sheet(t, [][]any{header,
			{"独居老人", "赵伯", testkit.ResA1, "3号楼102", "13900002222", ""},
			{"困难家庭", "孙家", "东湖居民区", "", "", "低保"},
		}))
		if err != nil || res.Created != 2 {
			t.Fatalf("import: %+v %v", res, err)
		}
		if n := count(t, d, "SELECT count(*) FROM care_people WHERE area_code = ?", testkit.ResA1); n != before+2 {
			t.Errorf("%d people in ResA1 after the import", n)
		}
	})
}
