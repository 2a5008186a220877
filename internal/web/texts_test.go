package web_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/demand"
	"gongzhi/internal/testkit"
)

// han returns the Chinese characters in s, for a readable failure.
func han(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// between is the part of s from start up to end.
func between(t *testing.T, s, start, end string) string {
	t.Helper()
	i := strings.Index(s, start)
	if i < 0 {
		t.Fatalf("no %q in the page", start)
	}
	j := strings.Index(s[i:], end)
	if j < 0 {
		t.Fatalf("no %q after %q", end, start)
	}
	return s[i : i+j]
}

// walkThrough takes a demand through intake by hotline, dispatch, an
// extension, a missed contact, 督办 to level 2 and a merge, with English
// staff notes; it returns the surviving demand's id.
func (s *site) walkThrough(t *testing.T) int64 {
	t.Helper()
	ctx, staff := context.Background(), s.F.Users[auth.CommunityStaff]
	file := func(text string) int64 {
		f, err := s.Demand.Intake(ctx, staff, demand.NewDemand{Category: "noise", Channel: "hotline", Area: testkit.ResA1, Description: text})
		if err != nil {
			t.Fatalf("intake: %v", err)
		}
		return f.Demand.ID
	}
	id, dup := file("楼下广场舞音响太吵"), file("广场舞太吵了")
	s.act(t, auth.CommunityStaff, id, demand.ActionInput{Action: demand.ActDispatch, Lead: testkit.ResA1, CoBodies: []string{testkit.GridA1}})
	s.act(t, auth.CommunityStaff, id, demand.ActionInput{Action: demand.ActSign})
	due := s.Clock.Now().Add(10 * 24 * time.Hour)
	s.act(t, auth.CommunityStaff, id, demand.ActionInput{Action: demand.ActExtend, Reason: "waiting for the property company", NewDue: &due})
	yes := true
	s.act(t, auth.StreetStaff, id, demand.ActionInput{Action: demand.ActApproveExtension, Approve: &yes})
	for range 2 { // the contact limit passes, then 督办 climbs once more
		s.Clock.Advance(3 * time.Hour)
		if _, err := s.Demand.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
	}
	s.act(t, auth.CommunityStaff, dup, demand.ActionInput{Action: demand.ActMerge, Target: &id, Note: "same square"})
	return id
}

func TestTimelineInReadersLanguage(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newDemandSite(t, d)
		for code, en := range map[string]string{testkit.ResA1: "Donghu Residential Area", testkit.StreetA: "Hunan Road Subdistrict"} {
			if _, err := d.Exec(context.Background(), "UPDATE areas SET name_en = ? WHERE code = ?", en, code); err != nil {
				t.Fatal(err)
			}
		}
		id := s.walkThrough(t)
		path := fmt.Sprintf("/demands/%d", id)
		b := s.login(t, auth.DistrictAdmin)
		_, page := b.get(path)
		timeline := between(t, page, `id="timeline"`, "</ol>")
		testkit.Contains(t, timeline, "渠道：热线", "超过联系时限", "督办升级至第 2 级", "合并了诉求 #2", "系统", "waiting for the property company")

		b.submit("/lang", url.Values{"lang": {"en"}})
		_, page = b.get(path)
		timeline = between(t, page, `id="timeline"`, "</ol>")
		testkit.Contains(t, timeline, "Channel: Hotline", "Contact deadline missed", "Escalated to level 2", "Merged demand #2 into this one",
			"System", "Extension requested until", "waiting for the property company")
		if h := han(timeline); h != "" {
			t.Errorf("Chinese in the English timeline: %s", h)
		}
		facts := between(t, page, "<dl", "</dl>")
		testkit.Contains(t, facts, "Noise", "Donghu Residential Area")

		// The merged demand's own step, and the inbox, in English too.
		_, page = b.get(fmt.Sprintf("/demands/%d", 2))
		testkit.Contains(t, between(t, page, `id="timeline"`, "</ol>"), "Merged into #1", "same square")
		street := s.login(t, auth.StreetStaff)
		street.submit("/lang", url.Values{"lang": {"en"}})
		_, page = street.get("/inbox")
		items := between(t, page, `id="inbox-items"`, "</ol>")
		testkit.Contains(t, items, "Supervision: demand overdue: #1")
		for _, line := range strings.Split(items, "\n") {
			if strings.Contains(line, "<strong>") && han(line) != "" {
				t.Errorf("Chinese in an English inbox title: %s", line)
			}
		}
		_, page = street.get("/areas/" + testkit.ResA1)
		testkit.Contains(t, page, "Donghu Residential Area", "Hunan Road Subdistrict")
		_, page = street.get("/")
		testkit.Contains(t, page, "Hunan Road Subdistrict")
	})
}
