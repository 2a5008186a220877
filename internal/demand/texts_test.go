package demand_test

import (
	"strings"
	"testing"
	"time"
	"unicode"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/demand"
	"gongzhi/internal/testkit"
	"gongzhi/internal/texts"
)

// hasHan reports whether s holds a Chinese character.
func hasHan(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0
}

// walkThrough takes a demand through intake by hotline, dispatch, an
// extension, a missed contact, 督办 to level 2 and a merge; it returns the
// surviving demand's ID. Staff write English notes, so any Chinese in the
// English timeline is the system's.
func walkThrough(t *testing.T, e *env) int64 {
	t.Helper()
	community, street, admin := e.f.Users[auth.CommunityStaff], e.f.Users[auth.StreetStaff], e.f.Users[auth.DistrictAdmin]
	dm := e.file(t, community, "noise", testkit.ResA1, "楼下广场舞音响太吵").Demand
	dup := e.file(t, community, "noise", testkit.ResA1, "广场舞太吵了").Demand
	e.act(t, community, dm.ID, demand.ActionInput{Action: demand.ActDispatch, Lead: testkit.ResA1, CoBodies: []string{testkit.GridA1}})
	e.act(t, community, dm.ID, demand.ActionInput{Action: demand.ActSign})
	newDue := time.Date(2027, 1, 8, 10, 0, 0, 0, time.UTC)
	e.act(t, community, dm.ID, demand.ActionInput{Action: demand.ActExtend, Reason: "waiting for the property company", NewDue: &newDue})
	yes := true
	e.act(t, street, dm.ID, demand.ActionInput{Action: demand.ActApproveExtension, Approve: &yes, Note: "ok"})
	e.clock.Advance(61 * time.Second) // the one-minute contact limit has passed
	if _, err := e.s.RunDue(e.ctx); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(61 * time.Second)
	if _, err := e.s.RunDue(e.ctx); err != nil {
		t.Fatal(err)
	}
	target := dm.ID
	e.act(t, community, dup.ID, demand.ActionInput{Action: demand.ActMerge, Target: &target, Note: "same square"})
	got, err := e.s.Get(e.ctx, admin, dm.ID)
	if err != nil || got.EscalationLevel != 2 {
		t.Fatalf("walk-through: %+v %v", got, err)
	}
	return dm.ID
}

func TestTimelineInReadersLanguage(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		id := walkThrough(t, e)
		got, err := e.s.Get(e.ctx, e.f.Users[auth.DistrictAdmin], id)
		if err != nil {
			t.Fatal(err)
		}
		zh := map[string]string{}
		for _, ev := range got.Events {
			zh[ev.Action] += ev.Note
		}
		for action, want := range map[string]string{"receive": "渠道：热线", "extend": "申请延至 2027-01-08 18:00 waiting for the property company",
			"approve_extension": "同意延期至 2027-01-08 18:00 ok", "overdue": "超过联系时限", "escalate": "督办升级至第 1 级督办升级至第 2 级",
			"merge_in": "合并了诉求 #2"} {
			if zh[action] != want {
				t.Errorf("%s in Chinese: %q, want %q", action, zh[action], want)
			}
		}
		for _, ev := range got.Events {
			if ev.Action == "overdue" && (ev.ActorKind != demand.ActorSystem || ev.Actor != "系统") {
				t.Errorf("overdue actor %q (%s)", ev.Actor, ev.ActorKind)
			}
		}
		demand.Localize(got.Events, texts.EN)
		en := map[string]string{}
		for _, ev := range got.Events {
			en[ev.Action] += ev.Note
			if hasHan(ev.Note) || ev.ActorKind != demand.ActorStaff && hasHan(ev.Actor) {
				t.Errorf("Chinese in the English timeline: %+v", ev)
			}
		}
		for action, want := range map[string]string{"receive": "Channel: Hotline", "overdue": "Contact deadline missed",
			"escalate": "Escalated to level 1Escalated to level 2", "merge_in": "Merged demand #2 into this one",
			"approve_extension": "Extension approved until 2027-01-08 18:00 ok"} {
			if en[action] != want {
				t.Errorf("%s in English: %q, want %q", action, en[action], want)
			}
		}
		merged, _ := e.s.Get(e.ctx, e.f.Users[auth.DistrictAdmin], 2)
		demand.Localize(merged.Events, texts.EN)
		if last := merged.Events[len(merged.Events)-1]; last.Note != "Merged into #1 same square" || last.NoteCode != "note.merged_into" || last.Text != "same square" {
			t.Errorf("merge step: %+v", last)
		}
		// Notices: titles are codes, worded for each reader.
		en2 := *e.f.Users[auth.StreetStaff]
		en2.Lang = texts.EN
		items, _, _, err := e.n.Inbox(e.ctx, &en2, false, 1, 50)
		if err != nil || len(items) == 0 {
			t.Fatalf("inbox: %v", err)
		}
		for _, it := range items {
			if it.TitleCode == "" || hasHan(it.Title) {
				t.Errorf("English inbox title %q (%s)", it.Title, it.TitleCode)
			}
		}
	})
}

// TestNoteCodesTranslated holds every sentence the service and the demo
// build to the catalog: each must word in both languages, and the English
// must hold no Chinese.
func TestNoteCodesTranslated(t *testing.T) {
	at := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	for _, x := range []texts.Text{demand.ReceivedNote(demand.Visit), demand.ReceivedNote(demand.Mailbox), demand.ExtensionRequestNote(at),
		demand.ExtensionAnswerNote(true, at), demand.ExtensionAnswerNote(false, at), demand.MergedIntoNote(3), demand.MergedFromNote(4),
		demand.OverdueNote("contact"), demand.OverdueNote("resolve"), demand.EscalationNote(2),
		demand.AttachNote(1, 0), demand.AttachNote(0, 2), demand.AttachNote(1, 2)} {
		zh, en := x.In(texts.ZH), x.In(texts.EN)
		if !texts.Has(x.Code) || zh == "" || en == "" || hasHan(en) || !hasHan(zh) {
			t.Errorf("%s: zh %q, en %q", x.Code, zh, en)
		}
	}
	for _, c := range demand.Channels {
		if en := demand.ReceivedNote(c).In(texts.EN); hasHan(en) || en == "Channel: "+string(c) {
			t.Errorf("channel %s worded %q", c, en)
		}
	}
	for _, code := range texts.Codes() {
		if strings.HasPrefix(code, "notice.") && hasHan(texts.Render(texts.EN, code, map[string]string{"id": "1", "category": "x"})) {
			t.Errorf("%s: Chinese in English", code)
		}
	}
}
