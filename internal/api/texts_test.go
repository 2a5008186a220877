package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/demand"
	"gongzhi/internal/testkit"
)

func hasHan(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0
}

// getLang is GET path as role with an Accept-Language header ("" for none).
func (e *env) getLang(r auth.Role, path, lang string) resp {
	e.t.Helper()
	req, err := http.NewRequest(http.MethodGet, e.base+path, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+e.tokens[r])
	if lang != "" {
		req.Header.Set("Accept-Language", lang)
	}
	return e.send(req)
}

func TestTimelineInReadersLanguage(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.seedCategories()
		ctx, staff, street := context.Background(), e.f.Users[auth.CommunityStaff], e.f.Users[auth.StreetStaff]
		act := func(p *auth.Principal, id int64, in demand.ActionInput) {
			if _, err := e.demand.Act(ctx, p, id, in); err != nil {
				t.Fatalf("%s: %v", in.Action, err)
			}
		}
		file := func(text string) int64 {
			f, err := e.demand.Intake(ctx, staff, demand.NewDemand{Category: "noise", Channel: "hotline", Area: testkit.ResA1, Description: text})
			if err != nil {
				t.Fatal(err)
			}
			return f.Demand.ID
		}
		id, dup := file("楼下广场舞音响太吵"), file("广场舞太吵了")
		act(staff, id, demand.ActionInput{Action: demand.ActDispatch, Lead: testkit.ResA1})
		act(staff, id, demand.ActionInput{Action: demand.ActSign})
		due := e.clock.Now().Add(240 * time.Hour)
		act(staff, id, demand.ActionInput{Action: demand.ActExtend, Reason: "waiting for parts", NewDue: &due})
		yes := true
		act(street, id, demand.ActionInput{Action: demand.ActApproveExtension, Approve: &yes})
		for range 2 {
			e.clock.Advance(3 * time.Hour)
			if _, err := e.demand.RunDue(ctx); err != nil {
				t.Fatal(err)
			}
		}
		act(staff, dup, demand.ActionInput{Action: demand.ActMerge, Target: &id})

		type detail struct {
			Events []struct {
				Action    string            `json:"action"`
				Actor     string            `json:"actor"`
				ActorKind string            `json:"actor_kind"`
				Note      string            `json:"note"`
				NoteCode  string            `json:"note_code"`
				NoteArgs  map[string]string `json:"note_args"`
			} `json:"events"`
		}
		notes := func(lang string) map[string]string {
			r := e.getLang(auth.DistrictAdmin, "/demands/1", lang)
			if r.status != http.StatusOK {
				t.Fatalf("get (%s): %v", lang, r)
			}
			out := map[string]string{}
			for _, ev := range decodeJSON[detail](t, r).Events {
				out[ev.Action] += ev.Note
				if lang == "en" && (hasHan(ev.Note) || ev.ActorKind != "staff" && hasHan(ev.Actor)) {
					t.Errorf("Chinese in English: %+v", ev)
				}
				if ev.Action == "escalate" && (ev.NoteCode != "note.escalated" || ev.NoteArgs["level"] == "") {
					t.Errorf("escalation code: %+v", ev)
				}
			}
			return out
		}
		zh, en := notes(""), notes("en")
		if zh["receive"] != "渠道：热线" || zh["overdue"] != "超过联系时限" || zh["merge_in"] != "合并了诉求 #2" {
			t.Errorf("Chinese notes: %v", zh)
		}
		if en["receive"] != "Channel: Hotline" || en["overdue"] != "Contact deadline missed" || en["escalate"] != "Escalated to level 1Escalated to level 2" ||
			!strings.HasPrefix(en["extend"], "Extension requested until ") || !strings.HasSuffix(en["extend"], " waiting for parts") {
			t.Errorf("English notes: %v", en)
		}

		type inbox struct {
			Items []struct {
				Title     string            `json:"title"`
				TitleCode string            `json:"title_code"`
				TitleArgs map[string]string `json:"title_args"`
			} `json:"items"`
		}
		r := e.getLang(auth.StreetStaff, "/inbox", "en-GB,zh;q=0.5")
		items := decodeJSON[inbox](t, r).Items
		if len(items) == 0 {
			t.Fatalf("street inbox empty: %v", r)
		}
		for _, it := range items {
			if hasHan(it.Title) || it.TitleCode == "" || it.TitleArgs["id"] == "" {
				t.Errorf("English inbox item %+v", it)
			}
		}
		if it := decodeJSON[inbox](t, e.getLang(auth.StreetStaff, "/inbox", "")).Items[0]; !hasHan(it.Title) {
			t.Errorf("Chinese is the default: %+v", it)
		}
	})
}
