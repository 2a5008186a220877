package api_test

import (
	"encoding/json"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/testkit"
)

// TestVoteOverAPI holds a vote through the API: staff call it and make
// links, residents vote signed in and households by link without a token.
// No answer, audit page or log line links a ballot to a voter: receipts
// appear only in the answer to their own ballot and in the published
// list, which holds nothing but receipts and choices; an independent
// script recounts the tally from the published answer as served. Refused
// ballots are clear 4xx.
func TestVoteOverAPI(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		now := e.clock.Now()
		res := e.as(auth.CommunityStaff, "POST", "/votes", map[string]any{"area": testkit.ResA1, "question": "是否同意楼顶加装光伏板？",
			"choices": []string{"同意", "不同意"}, "opens_at": now, "closes_at": now.Add(48 * time.Hour), "residents": true, "threshold_pct": 50})
		if res.status != 201 {
			t.Fatalf("create: %d %s", res.status, res)
		}
		conforms(t, "Vote", res)
		v := decodeJSON[struct {
			ID     int64  `json:"id"`
			Status string `json:"status"`
		}](t, res)
		base := "/votes/" + strconv.FormatInt(v.ID, 10)
		if r := e.do("", "GET", base+"/receipts", nil); r.status != 409 || !strings.Contains(r.String(), "ECONFLICT") {
			t.Errorf("receipts before the closing: %d %s", r.status, r)
		}
		res = e.as(auth.CommunityStaff, "POST", base+"/links", map[string]any{"households": []string{"1号楼101室", "1号楼102室"}})
		conforms(t, "BallotLinks", res)
		links := decodeJSON[struct {
			Items []struct{ Household, Token, Path string }
		}](t, res)
		if res.status != 201 || len(links.Items) != 2 || links.Items[0].Path != "/ballot/"+links.Items[0].Token {
			t.Fatalf("links: %d %s", res.status, res)
		}

		var receipts []string
		var answers []string // every answer but the ballots' own
		cast := func(r resp) {
			t.Helper()
			if r.status != 201 {
				t.Fatalf("ballot: %d %s", r.status, r)
			}
			var got map[string]any
			json.Unmarshal(r.body, &got)
			if len(got) != 2 || got["vote_id"] == nil || len(got["receipt"].(string)) != 10 {
				t.Fatalf("a ballot's answer is its vote and receipt alone: %s", r)
			}
			receipts = append(receipts, got["receipt"].(string))
			conforms(t, "BallotReceipt", r)
		}
		cast(e.as(auth.Resident, "POST", base+"/ballots", map[string]any{"choice": 0}))
		cast(e.as(auth.Member, "POST", base+"/ballots", map[string]any{"choice": 1}))
		cast(e.do("", "POST", "/ballots/"+links.Items[0].Token, map[string]any{"choice": 0}))
		cast(e.do("", "POST", "/ballots/"+links.Items[1].Token, map[string]any{"choice": 0}))

		for _, c := range []struct {
			what   string
			r      resp
			status int
		}{
			{"voting twice", e.as(auth.Resident, "POST", base+"/ballots", map[string]any{"choice": 1}), 409},
			{"reusing a link", e.do("", "POST", "/ballots/"+links.Items[0].Token, map[string]any{"choice": 1}), 409},
			{"staff voting", e.as(auth.CommunityStaff, "POST", base+"/ballots", map[string]any{"choice": 1}), 403},
			{"a choice that is not there", e.as(auth.Resident, "POST", base+"/ballots", map[string]any{"choice": 5}), 400},
		} {
			if c.r.status != c.status {
				t.Errorf("%s: %d, want %d: %s", c.what, c.r.status, c.status, c.r)
			}
			answers = append(answers, c.r.String())
		}
		for _, r := range []auth.Role{auth.CommunityStaff, auth.Resident, auth.Auditor} {
			answers = append(answers, e.as(r, "GET", base, nil).String())
		}
		answers = append(answers, e.as(auth.CommunityStaff, "GET", "/votes", nil).String(), e.as(auth.DistrictAdmin, "GET", "/audit?per_page=500", nil).String())

		e.clock.Advance(49 * time.Hour)
		if r := e.as(auth.Member, "POST", base+"/ballots", map[string]any{"choice": 0}); r.status != 409 {
			t.Errorf("voting after the closing time: %d %s", r.status, r)
		}
		if r := e.as(auth.CommunityStaff, "POST", base+"/close", nil); r.status != 200 {
			t.Fatalf("close: %d %s", r.status, r)
		}
		answers = append(answers, e.as(auth.CommunityStaff, "GET", base, nil).String(), e.as(auth.DistrictAdmin, "GET", "/audit?per_page=500", nil).String())
		for _, a := range append(answers, e.logged()) {
			for _, rc := range receipts {
				if strings.Contains(a, rc) {
					t.Errorf("receipt %s appears outside its ballot's answer and the published list:\n%.600s", rc, a)
				}
			}
			for _, l := range links.Items {
				if strings.Contains(a, l.Token) {
					t.Errorf("a link's token appears after it was made:\n%.600s", a)
				}
			}
		}

		pub := e.do("", "GET", base+"/receipts", nil)
		if pub.status != 200 {
			t.Fatalf("published receipts: %d %s", pub.status, pub)
		}
		conforms(t, "VoteReceipts", pub)
		conforms(t, "Vote", e.as(auth.Resident, "GET", base, nil))
		conforms(t, "VoteList", e.as(auth.CommunityStaff, "GET", "/votes", nil))
		var doc struct {
			Items []map[string]any `json:"items"`
			Tally map[string]int   `json:"tally"`
		}
		json.Unmarshal(pub.body, &doc)
		var published []string
		for _, it := range doc.Items {
			if len(it) != 2 || it["receipt"] == nil || it["choice"] == nil {
				t.Errorf("a published item is a receipt and a choice, nothing else: %v", it)
			}
			published = append(published, it["receipt"].(string))
		}
		if !slices.Equal(published, slices.Sorted(slices.Values(receipts))) {
			t.Errorf("published %v, want every receipt cast, in receipt order", published)
		}
		if doc.Tally["同意"] != 3 || doc.Tally["不同意"] != 1 {
			t.Errorf("tally %v", doc.Tally)
		}
		for _, who := range []string{"resident", "member", "1号楼", strconv.FormatInt(e.f.Users[auth.Resident].UserID, 10) + ","} {
			if strings.Contains(pub.String(), who) {
				t.Errorf("the published list names %q: %s", who, pub)
			}
		}
		py, err := exec.LookPath("python3")
		if err != nil {
			t.Skip("python3 is not installed: the independent recount (internal/delib/testdata/recount.py) cannot run")
		}
		cmd := exec.Command(py, "../delib/testdata/recount.py")
		cmd.Stdin = strings.NewReader(pub.String())
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("recount: %v", err)
		}
		var got struct {
			Tally   map[string]int `json:"tally"`
			Matches bool           `json:"matches"`
		}
		if err := json.Unmarshal(out, &got); err != nil || !got.Matches || got.Tally["同意"] != 3 {
			t.Fatalf("the recount of the published receipts: %s %v", out, err)
		}
	})
}

// TestTopicsOverAPI: a resident raises a topic, residents support it past
// the area's threshold, it goes on the agenda with its due time, and
// staff answer it; answers conform to the document.
func TestTopicsOverAPI(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		res := e.as(auth.CommunityStaff, "PUT", "/topic-settings/"+testkit.ResA1, map[string]any{"support_threshold": 2, "answer_days": 3})
		if res.status != 200 {
			t.Fatalf("settings: %d %s", res.status, res)
		}
		conforms(t, "TopicSettings", e.as(auth.Resident, "GET", "/topic-settings/"+testkit.ResA1, nil))
		res = e.as(auth.Resident, "POST", "/topics", map[string]any{"area": testkit.ResA1, "title": "垃圾厢房异味大", "body": "夏天尤其严重"})
		if res.status != 201 {
			t.Fatalf("raise: %d %s", res.status, res)
		}
		conforms(t, "Topic", res)
		tp := decodeJSON[struct{ ID int64 }](t, res)
		base := "/topics/" + strconv.FormatInt(tp.ID, 10)
		for _, r := range []auth.Role{auth.Resident, auth.Member} {
			if res = e.as(r, "POST", base+"/support", nil); res.status != 200 {
				t.Fatalf("support as %s: %d %s", r, res.status, res)
			}
		}
		if res = e.as(auth.Member, "POST", base+"/support", nil); res.status != 409 {
			t.Errorf("supporting twice: %d %s", res.status, res)
		}
		res = e.as(auth.CommunityStaff, "GET", base, nil)
		conforms(t, "Topic", res)
		got := decodeJSON[struct {
			Status   string
			Supports int
			DueAt    *time.Time `json:"due_at"`
		}](t, res)
		if got.Status != "agenda" || got.Supports != 2 || got.DueAt == nil {
			t.Fatalf("two supports of two: %s", res)
		}
		conforms(t, "TopicList", e.as(auth.CommunityStaff, "GET", "/topics?status=agenda", nil))
		if res = e.as(auth.Resident, "POST", base+"/answer", map[string]any{"text": "好"}); res.status != 403 {
			t.Errorf("a resident answering: %d", res.status)
		}
		if res = e.as(auth.CommunityStaff, "POST", base+"/answer", map[string]any{"text": "已请环卫所每日冲洗，下月加装除臭设备"}); res.status != 200 {
			t.Fatalf("answer: %d %s", res.status, res)
		}
		if res = e.as(auth.CommunityStaff, "POST", base+"/close", map[string]any{"text": "重复"}); res.status != 409 {
			t.Errorf("closing an answered topic: %d %s", res.status, res)
		}
	})
}
