package api_test

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/testkit"
)

// demandBody is what the tests read of a demand.
type demandBody struct {
	ID              int64   `json:"id"`
	Category        string  `json:"category"`
	Status          string  `json:"status"`
	Area            string  `json:"area"`
	Description     string  `json:"description"`
	Overdue         bool    `json:"overdue"`
	EscalationLevel int     `json:"escalation_level"`
	DuplicateOf     *int64  `json:"duplicate_of"`
	ContactDue      string  `json:"contact_due"`
	ResolveDue      string  `json:"resolve_due"`
	TrackingToken   string  `json:"tracking_token"`
	TrackingURL     string  `json:"tracking_url"`
	Events          []event `json:"events"`
	Reporters       []struct {
		Name  string `json:"name"`
		Phone string `json:"phone"`
	} `json:"reporters"`
}

type event struct {
	Action string `json:"action"`
	From   string `json:"from"`
	To     string `json:"to"`
}

type statsBody struct {
	Area             string   `json:"area"`
	From             string   `json:"from"`
	To               string   `json:"to"`
	Received         int      `json:"received"`
	Responded        int      `json:"responded"`
	Rated            int      `json:"rated"`
	ResponseRate     *float64 `json:"response_rate"`
	ResolutionRate   *float64 `json:"resolution_rate"`
	SatisfactionRate *float64 `json:"satisfaction_rate"`
}

type inboxBody struct {
	Items []struct {
		ID       int64  `json:"id"`
		Kind     string `json:"kind"`
		Title    string `json:"title"`
		EntityID string `json:"entity_id"`
	} `json:"items"`
	Total  int `json:"total"`
	Unread int `json:"unread"`
}

// act posts an action and returns the answer.
func (e *env) act(r auth.Role, id int64, body map[string]any) resp {
	e.t.Helper()
	return e.as(r, "POST", "/demands/"+strconv.FormatInt(id, 10)+"/actions", body)
}

// mustAct posts an action that must succeed and returns the demand after it.
func (e *env) mustAct(r auth.Role, id int64, body map[string]any) demandBody {
	e.t.Helper()
	res := e.act(r, id, body)
	if res.status != 200 {
		e.t.Fatalf("%v as %s: %d %s", body["action"], r, res.status, res.body)
	}
	conforms(e.t, "DemandDetail", res)
	return decodeJSON[demandBody](e.t, res)
}

// TestDemandLoop runs the whole loop over HTTP: a hotline operator files,
// the residential committee dispatches to the grid, the grid worker signs,
// contacts and resolves, the resident rates through the tracking link with
// no account, and the figures move.
func TestDemandLoop(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.seedCategories()
		statsPath := "/stats/demands?area=" + testkit.StreetA
		before := decodeJSON[statsBody](t, e.as(auth.StreetStaff, "GET", statsPath, nil))
		if before.Received != 0 || before.ResponseRate != nil || before.SatisfactionRate != nil {
			t.Fatalf("stats before: %+v", before)
		}

		res := e.as(auth.CommunityStaff, "POST", "/demands", map[string]any{"category": "sanitation", "description": "东湖路小区门口垃圾箱满了三天没人清运",
			"channel": "hotline", "area": testkit.GridA1, "address": "东湖路8号", "reporter": map[string]string{"name": reporterName, "phone": reporterPhone}})
		if res.status != 201 {
			t.Fatalf("file: %d %s", res.status, res.body)
		}
		conforms(t, "DemandCreated", res)
		filed := decodeJSON[demandBody](t, res)
		id := filed.ID
		if filed.Status != "received" || filed.Category != "sanitation" || filed.Area != testkit.GridA1 || filed.Overdue ||
			filed.EscalationLevel != 0 || filed.DuplicateOf != nil || filed.ContactDue == "" || filed.ResolveDue == "" {
			t.Fatalf("filed: %s", res.body)
		}
		if filed.TrackingToken == "" || filed.TrackingURL != "/t/"+filed.TrackingToken {
			t.Fatalf("tracking link: %q %q", filed.TrackingToken, filed.TrackingURL)
		}
		if loc := res.header.Get("Location"); loc != "/api/v1/demands/"+strconv.FormatInt(id, 10) {
			t.Errorf("Location %q", loc)
		}
		// The token is shown once: the demand's own page does not repeat it.
		page := e.as(auth.CommunityStaff, "GET", "/demands/"+strconv.FormatInt(id, 10), nil)
		conforms(t, "DemandDetail", page)
		if strings.Contains(page.String(), filed.TrackingToken) || strings.Contains(page.String(), "tracking_token") {
			t.Errorf("the demand page repeats the tracking token: %s", page.body)
		}

		inbox := func() inboxBody {
			r := e.as(auth.GridWorker, "GET", "/inbox", nil)
			conforms(t, "InboxList", r)
			return decodeJSON[inboxBody](t, r)
		}
		if n := inbox().Total; n != 0 {
			t.Fatalf("grid worker's inbox before dispatch: %d notices", n)
		}
		got := e.mustAct(auth.CommunityStaff, id, map[string]any{"action": "dispatch", "lead": testkit.GridA1, "note": "请网格员上门"})
		if got.Status != "dispatched" {
			t.Fatalf("dispatch: %+v", got)
		}
		in := inbox()
		if in.Unread != 1 || len(in.Items) != 1 || in.Items[0].Kind != "assignment" || in.Items[0].EntityID != strconv.FormatInt(id, 10) {
			t.Fatalf("grid worker's inbox after dispatch: %+v", in)
		}

		e.mustAct(auth.GridWorker, id, map[string]any{"action": "sign"})
		e.clock.Advance(30 * time.Minute)
		e.mustAct(auth.GridWorker, id, map[string]any{"action": "contact", "note": "已电话联系居民"})
		got = e.mustAct(auth.GridWorker, id, map[string]any{"action": "resolve", "outcome": "solved", "resolution": "已协调环卫所清运"})
		if got.Status != "resolved" {
			t.Fatalf("resolve: %+v", got)
		}
		var steps []string
		for _, ev := range got.Events {
			steps = append(steps, ev.Action)
		}
		if want := []string{"receive", "dispatch", "sign", "contact", "resolve"}; !slices.Equal(steps, want) {
			t.Errorf("timeline %v, want %v", steps, want)
		}
		mid := decodeJSON[statsBody](t, e.as(auth.StreetStaff, "GET", statsPath, nil))
		if mid.Received != 1 || mid.ResponseRate == nil || *mid.ResponseRate != 1 || mid.SatisfactionRate != nil {
			t.Errorf("stats before the rating: %+v", mid)
		}

		// The resident: no account, no token, only the link.
		track := e.do("", "GET", "/track/"+filed.TrackingToken, nil)
		if track.status != 200 {
			t.Fatalf("track: %d %s", track.status, track.body)
		}
		conforms(t, "Tracked", track)
		tr := decodeJSON[struct {
			Status  string `json:"status"`
			CanRate bool   `json:"can_rate"`
		}](t, track)
		if tr.Status != "resolved" || !tr.CanRate {
			t.Fatalf("tracked: %s", track.body)
		}
		rated := e.do("", "POST", "/track/"+filed.TrackingToken+"/rate", map[string]any{"satisfaction": "satisfied", "solved": true})
		if rated.status != 200 {
			t.Fatalf("rate: %d %s", rated.status, rated.body)
		}
		conforms(t, "Tracked", rated)
		if s := decodeJSON[struct {
			Status   string `json:"status"`
			MyRating string `json:"my_rating"`
		}](t, rated); s.Status != "closed" || s.MyRating != "satisfied" {
			t.Fatalf("after rating: %s", rated.body)
		}
		wantError(t, e.do("", "POST", "/track/"+filed.TrackingToken+"/rate", map[string]any{"satisfaction": "satisfied", "solved": true}), 409, "ECONFLICT", "")

		after := e.as(auth.StreetStaff, "GET", statsPath, nil)
		conforms(t, "DemandStats", after)
		st := decodeJSON[statsBody](t, after)
		if st.Received != 1 || st.Responded != 1 || st.Rated != 1 || st.ResponseRate == nil || *st.ResponseRate != 1 ||
			st.SatisfactionRate == nil || *st.SatisfactionRate != 1 || st.ResolutionRate == nil || *st.ResolutionRate != 1 {
			t.Errorf("stats after the rating: %s", after.body)
		}
		// Both default bounds: the 30 days ending today in Shanghai.
		today := e.clock.Now().In(time.FixedZone("CST", 8*3600))
		if st.To != today.Format(time.DateOnly) || st.From != today.AddDate(0, 0, -29).Format(time.DateOnly) {
			t.Errorf("default period %s..%s", st.From, st.To)
		}
		final := decodeJSON[demandBody](t, e.as(auth.CommunityStaff, "GET", "/demands/"+strconv.FormatInt(id, 10), nil))
		if final.Status != "closed" || final.Events[len(final.Events)-1].Action != "callback" {
			t.Errorf("final: %+v", final)
		}
	})
}

// TestDemandBadInput sends the bad input and checks each answer and
// that nothing changed: demands, events, reporters, timers, audit, inbox.
func TestDemandBadInput(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.seedCategories()
		received := e.fileDirect(testkit.ResA1, "noise", "楼上每天夜里拖椅子")
		dispatched := e.fileDirect(testkit.ResA1, "noise", "隔壁装修周末也施工")
		e.mustAct(auth.CommunityStaff, dispatched.Demand.ID, map[string]any{"action": "dispatch", "lead": testkit.ResA1})
		e.mustAct(auth.CommunityStaff, dispatched.Demand.ID, map[string]any{"action": "sign"})
		other := e.newUser("b_community", auth.CommunityStaff, testkit.ResB1)
		otherToken := e.token(&auth.Principal{UserID: other.ID, Username: other.Username, Grants: other.Grants})

		snapshot := func() string {
			c := e.countDemands()
			var statuses []string
			rows, err := d.Query(context.Background(), "SELECT status, updated_at FROM demands ORDER BY id")
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			for rows.Next() {
				var s string
				var at time.Time
				if err := rows.Scan(&s, &at); err != nil {
					t.Fatal(err)
				}
				statuses = append(statuses, s+"@"+at.UTC().Format(time.RFC3339Nano))
			}
			return strings.Join([]string{strconv.Itoa(c[0]), strconv.Itoa(c[1]), strconv.Itoa(c[2]), strconv.Itoa(c[3]),
				strconv.Itoa(e.count("SELECT count(*) FROM audit_log")), strconv.Itoa(e.count("SELECT count(*) FROM inbox")),
				strings.Join(statuses, ",")}, "|")
		}
		before := snapshot()
		good := map[string]any{"category": "noise", "description": "楼下KTV噪音", "channel": "hotline", "area": testkit.ResA1}
		with := func(k string, v any) map[string]any {
			m := map[string]any{}
			for k, v := range good {
				m[k] = v
			}
			if v == nil {
				delete(m, k)
			} else {
				m[k] = v
			}
			return m
		}
		outside := with("area", nil)
		outside["lat"], outside["lng"] = 39.9042, 116.4074 // Beijing: no grid of the district contains it
		actions := "/demands/" + strconv.FormatInt(dispatched.Demand.ID, 10) + "/actions"
		cases := []struct {
			name   string
			role   auth.Role
			method string
			path   string
			body   any
			status int
			code   string
			field  string
		}{
			{"unknown category", auth.CommunityStaff, "POST", "/demands", with("category", "weather"), 400, "EINVALID", "category"},
			{"description over 4000 characters", auth.CommunityStaff, "POST", "/demands", with("description", strings.Repeat("噪", 4001)), 400, "EINVALID", "description"},
			{"coordinates outside the district", auth.CommunityStaff, "POST", "/demands", outside, 400, "EINVALID", "lat"},
			{"no description", auth.CommunityStaff, "POST", "/demands", with("description", nil), 400, "EINVALID", "description"},
			{"unknown area", auth.CommunityStaff, "POST", "/demands", with("area", "999999"), 400, "EINVALID", "area"},
			{"no area", auth.CommunityStaff, "POST", "/demands", with("area", nil), 400, "EINVALID", "area"},
			{"unknown channel", auth.CommunityStaff, "POST", "/demands", with("channel", "wechat"), 400, "EINVALID", "channel"},
			{"unknown field", auth.CommunityStaff, "POST", "/demands", with("urgency", "high"), 400, "EINVALID", "urgency"},
			{"lat not a number", auth.CommunityStaff, "POST", "/demands", with("lat", "north"), 400, "EINVALID", "lat"},
			{"filing outside scope", auth.CommunityStaff, "POST", "/demands", with("area", testkit.ResB1), 403, "EFORBIDDEN", ""},
			{"filing without the right", auth.Member, "POST", "/demands", good, 403, "EFORBIDDEN", ""},
			{"action not allowed in the state", auth.CommunityStaff, "POST", actions, map[string]any{"action": "resolve", "outcome": "solved", "resolution": "好了"}, 409, "ECONFLICT", ""},
			{"dispatch twice", auth.CommunityStaff, "POST", actions, map[string]any{"action": "dispatch", "lead": testkit.ResA1}, 409, "ECONFLICT", ""},
			{"callback before resolve", auth.CommunityStaff, "POST", "/demands/" + strconv.FormatInt(received.Demand.ID, 10) + "/actions",
				map[string]any{"action": "callback", "satisfaction": "satisfied", "solved": true}, 409, "ECONFLICT", ""},
			{"action the role may not take", auth.Auditor, "POST", "/demands/" + strconv.FormatInt(received.Demand.ID, 10) + "/actions",
				map[string]any{"action": "dispatch", "lead": testkit.ResA1}, 403, "EFORBIDDEN", ""},
			{"unknown action", auth.CommunityStaff, "POST", actions, map[string]any{"action": "escalate"}, 400, "EINVALID", "action"},
			{"no action", auth.CommunityStaff, "POST", actions, map[string]any{"note": "x"}, 400, "EINVALID", "action"},
			{"contact without note", auth.CommunityStaff, "POST", actions, map[string]any{"action": "contact"}, 400, "EINVALID", "note"},
			{"extend with a bad date", auth.CommunityStaff, "POST", actions, map[string]any{"action": "extend", "reason": "需协调", "new_due": "next week"}, 400, "EINVALID", "new_due"},
			{"extend into the past", auth.CommunityStaff, "POST", actions, map[string]any{"action": "extend", "reason": "需协调", "new_due": "2026-01-01"}, 400, "EINVALID", "new_due"},
			{"return without reason", auth.CommunityStaff, "POST", actions, map[string]any{"action": "return"}, 400, "EINVALID", "reason"},
			{"unknown action field", auth.CommunityStaff, "POST", actions, map[string]any{"action": "note", "note": "x", "priority": 1}, 400, "EINVALID", "priority"},
			{"merge into nothing", auth.CommunityStaff, "POST", actions, map[string]any{"action": "merge", "target": 999999}, 400, "EINVALID", "target"},
			{"unknown demand", auth.CommunityStaff, "POST", "/demands/999999/actions", map[string]any{"action": "sign"}, 404, "ENOTFOUND", ""},
			{"bad list filter", auth.CommunityStaff, "GET", "/demands?status=lost", nil, 400, "EINVALID", "status"},
			{"unknown category filter", auth.CommunityStaff, "GET", "/demands?category=weather", nil, 400, "EINVALID", "category"},
			{"bad overdue filter", auth.CommunityStaff, "GET", "/demands?overdue=maybe", nil, 400, "EINVALID", "overdue"},
			{"bad from", auth.CommunityStaff, "GET", "/demands?from=yesterday", nil, 400, "EINVALID", "from"},
			{"bad sort", auth.CommunityStaff, "GET", "/demands?sort=random", nil, 400, "EINVALID", "sort"},
			{"similar without text", auth.CommunityStaff, "POST", "/demands/similar", map[string]any{"area": testkit.ResA1}, 400, "EINVALID", "description"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				wantError(t, e.as(c.role, c.method, c.path, c.body), c.status, c.code, c.field)
			})
		}
		// Someone else's demand: community staff of another street neither see nor touch it.
		for _, path := range []string{"/demands/" + strconv.FormatInt(dispatched.Demand.ID, 10), "/demands/" + strconv.FormatInt(dispatched.Demand.ID, 10) + "/similar"} {
			wantError(t, e.do(otherToken, "GET", path, nil), 404, "ENOTFOUND", "")
		}
		wantError(t, e.do(otherToken, "POST", actions, map[string]any{"action": "note", "note": "看看"}), 404, "ENOTFOUND", "")
		wantError(t, e.do(otherToken, "POST", actions, map[string]any{"action": "resolve", "outcome": "solved", "resolution": "x"}), 404, "ENOTFOUND", "")
		if l := decodeJSON[listBody[demandBody]](t, e.do(otherToken, "GET", "/demands", nil)); l.Total != 0 {
			t.Errorf("another street's staff list %d of street A's demands", l.Total)
		}
		if after := snapshot(); after != before {
			t.Errorf("failed requests changed the database:\nbefore %s\nafter  %s", before, after)
		}
		if strings.Contains(e.logged(), "level=ERROR") {
			t.Errorf("bad input was logged as an internal error:\n%s", e.logged())
		}
	})
}

// TestDemandSearch finds two-character words on both engines, with filters.
func TestDemandSearch(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.seedCategories()
		texts := map[string]string{
			"ktv":     "楼下KTV噪音扰民到凌晨两点",
			"dance":   "天平路广场舞噪音太大",
			"music":   "隔壁音乐声很吵",
			"noisy":   "工地噪声影响休息",
			"garbage": "小区垃圾没人清运",
		}
		ids := map[string]int64{}
		for k, text := range texts {
			area := testkit.ResA1
			if k == "dance" {
				area = testkit.ResB1
			}
			ids[k] = e.fileDirect(area, "noise", text).Demand.ID
		}
		search := func(role auth.Role, query string) []int64 {
			res := e.as(role, "GET", "/demands?"+query, nil)
			if res.status != 200 {
				t.Fatalf("search %s: %d %s", query, res.status, res.body)
			}
			conforms(t, "DemandList", res)
			l := decodeJSON[listBody[demandBody]](t, res)
			var out []int64
			for _, it := range l.Items {
				out = append(out, it.ID)
			}
			if l.Total != len(out) {
				t.Errorf("%s: total %d, %d items", query, l.Total, len(out))
			}
			slices.Sort(out)
			return out
		}
		want := func(keys ...string) []int64 {
			var out []int64
			for _, k := range keys {
				out = append(out, ids[k])
			}
			slices.Sort(out)
			return out
		}
		q := url.QueryEscape("噪音")
		for _, c := range []struct {
			role  auth.Role
			query string
			want  []int64
		}{
			{auth.DistrictAdmin, "q=" + q, want("ktv", "dance")},
			{auth.CommunityStaff, "q=" + q, want("ktv")}, // the street B one is outside ResA1
			{auth.DistrictAdmin, "q=" + q + "&area=" + testkit.StreetB, want("dance")},
			{auth.DistrictAdmin, "q=ktv", want("ktv")},
			{auth.DistrictAdmin, "q=" + url.QueryEscape("噪音 凌晨"), want("ktv")},
			{auth.DistrictAdmin, "q=" + url.QueryEscape("吵"), want("music")},
			{auth.DistrictAdmin, "q=" + q + "&status=closed", nil},
			{auth.DistrictAdmin, "q=" + q + "&status=open&channel=online&overdue=false&category=noise&sort=oldest", want("ktv", "dance")},
			{auth.DistrictAdmin, "q=" + url.QueryEscape("垃圾") + "&from=2026-11-30&to=2026-11-30", want("garbage")},
			{auth.DistrictAdmin, "q=" + url.QueryEscape("垃圾") + "&from=2026-12-01", nil},
		} {
			if got := search(c.role, c.query); !slices.Equal(got, c.want) {
				t.Errorf("%s as %s: %v, want %v", c.query, c.role, got, c.want)
			}
		}
		// Lists never carry reporters, masked or not.
		res := e.as(auth.DistrictAdmin, "GET", "/demands", nil)
		if strings.Contains(res.String(), "reporters") || strings.Contains(res.String(), reporterPhone) || strings.Contains(res.String(), "139****") {
			t.Errorf("a list shows reporters: %.500s", res.body)
		}
	})
}

// TestDemandSimilar files three near-identical complaints in one
// residential area and an unrelated one: the later ones list the first
// with a score of at least 0.8, the unrelated one scores below 0.5.
func TestDemandSimilar(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.seedCategories()
		file := func(category, text string) int64 {
			res := e.as(auth.CommunityStaff, "POST", "/demands", map[string]any{"category": category, "description": text,
				"channel": "hotline", "area": testkit.ResA1})
			if res.status != 201 {
				t.Fatalf("file: %d %s", res.status, res.body)
			}
			e.clock.Advance(10 * time.Minute)
			return decodeJSON[demandBody](t, res).ID
		}
		first := file("noise", "东湖路8号楼下饭店油烟机噪音很大，晚上十一点还在响")
		second := file("noise", "东湖路8号楼下饭店的油烟机噪音很大，晚上十一点了还在响")
		third := file("noise", "东湖路8号楼下饭店油烟机噪音大，每晚十一点还在响")
		unrelated := file("parking", "小区里共享单车乱停放堵住消防通道")
		scores := func(res resp) map[int64]float64 {
			t.Helper()
			if res.status != 200 {
				t.Fatalf("similar: %d %s", res.status, res.body)
			}
			conforms(t, "SimilarList", res)
			l := decodeJSON[struct {
				Items []struct {
					ID    int64   `json:"id"`
					Score float64 `json:"score"`
				} `json:"items"`
			}](t, res)
			out := map[int64]float64{}
			for _, it := range l.Items {
				if it.Score < 0 || it.Score > 1 {
					t.Errorf("score %v out of 0..1", it.Score)
				}
				out[it.ID] = it.Score
			}
			return out
		}
		for _, later := range []int64{second, third} {
			s := scores(e.as(auth.CommunityStaff, "GET", "/demands/"+strconv.FormatInt(later, 10)+"/similar", nil))
			if s[first] < 0.8 {
				t.Errorf("demand %d: the first scores %v, want ≥ 0.8 (%v)", later, s[first], s)
			}
			if v, ok := s[unrelated]; ok && v >= 0.5 {
				t.Errorf("demand %d: the unrelated one scores %v, want < 0.5", later, v)
			}
			if _, ok := s[later]; ok {
				t.Errorf("demand %d lists itself", later)
			}
		}
		if s := scores(e.as(auth.CommunityStaff, "GET", "/demands/"+strconv.FormatInt(unrelated, 10)+"/similar", nil)); s[first] >= 0.5 {
			t.Errorf("the unrelated demand finds the first at %v, want < 0.5", s[first])
		}
		// Before filing: the intake form's check.
		s := scores(e.as(auth.CommunityStaff, "POST", "/demands/similar", map[string]any{"category": "noise", "area": testkit.GridA1,
			"description": "东湖路8号楼下饭店油烟机噪音很大，晚上十一点还在响"}))
		if s[first] < 0.8 || s[second] < 0.8 {
			t.Errorf("pre-intake check: %v", s)
		}
		if v, ok := s[unrelated]; ok && v >= 0.5 {
			t.Errorf("pre-intake check scores the unrelated one %v", v)
		}
	})
}

// TestReportersMasked shows reporters in full only to those who own or
// handle the demand, masked to other readers, never in lists.
func TestReportersMasked(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.seedCategories()
		f := e.fileDirect(testkit.ResA1, "noise", "楼下KTV噪音扰民")
		path := "/demands/" + strconv.FormatInt(f.Demand.ID, 10)
		for _, c := range []struct {
			role auth.Role
			full bool
		}{{auth.CommunityStaff, true}, {auth.StreetStaff, true}, {auth.DistrictAdmin, true}, {auth.Auditor, false}} { // the liaison: TestMatrixUnitLiaison
			res := e.as(c.role, "GET", path, nil)
			got := decodeJSON[demandBody](t, res)
			if len(got.Reporters) != 1 {
				t.Fatalf("%s: reporters %+v", c.role, got.Reporters)
			}
			r := got.Reporters[0]
			if c.full != (r.Name == reporterName && r.Phone == reporterPhone) {
				t.Errorf("%s sees %q %q (full: %v)", c.role, r.Name, r.Phone, c.full)
			}
			if !c.full && (r.Phone != "139****5678" || r.Name != "王**" || strings.Contains(res.String(), reporterPhone)) {
				t.Errorf("%s: not masked: %s", c.role, res.body)
			}
		}
	})
}
