package open311_test

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/demand"
	"gongzhi/internal/open311"
	"gongzhi/internal/testkit"
)

func TestPostAndGet(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		form := e.form(e.keys[auth.Resident])
		form.Set("first_name", "小明")
		form.Set("last_name", "王")
		form.Set("phone", "13912345678")
		form.Set("email", "wang.xm@example.com")
		form.Set("account_id", "acct-42")
		form.Set("device_id", "dev-1")
		r := e.post("/requests.json", form)
		if r.status != http.StatusOK || !strings.Contains(r.body, `"account_id":null`) {
			t.Fatalf("post: %d %s", r.status, r.body)
		}
		var made []struct {
			ID     string `json:"service_request_id"`
			Notice string `json:"service_notice"`
		}
		e.decode(r, &made)
		if len(made) != 1 || made[0].ID == "" {
			t.Fatalf("post answer %s", r.body)
		}
		id := made[0].ID

		got := e.listJSON("/requests/" + id + ".json")
		if len(got) != 1 {
			t.Fatalf("get: %+v", got)
		}
		g := got[0]
		if g.ID != id || g.Status != "open" || g.ServiceCode != "noise" || g.ServiceName != "噪音扰民" || g.AddressID != testkit.GridA1 ||
			g.Lat == nil || *g.Lat != insideLat || g.Long == nil || *g.Long != insideLng || g.Description != "楼上每晚装修到十一点" ||
			g.AgencyResponsible != "东湖居民区" || g.Address != "第1网格" || g.Zipcode != "" || g.MediaURL != "" || g.StatusNotes != "" {
			t.Errorf("get: %+v", g)
		}
		if want := e.clock.Now().In(clock.Shanghai).Format("2006-01-02T15:04:05+08:00"); g.Requested != want {
			t.Errorf("requested %q, want %q", g.Requested, want)
		}
		x := e.listXML("/requests/" + id + ".xml")
		if len(x) != 1 || x[0].ID != id || x[0].Status != "open" || x[0].Lat != "31.2" || x[0].Long != "121.44" || x[0].Requested != g.Requested {
			t.Errorf("get xml: %+v", x)
		}

		n, _ := strconv.ParseInt(id, 10, 64)
		dm, err := e.dm.Get(e.ctx, auth.SystemPrincipal(), n)
		if err != nil {
			t.Fatal(err)
		}
		if dm.Channel != demand.Online || dm.Events[0].Actor != "居民" || dm.Reporters[0].Name != "王小明" || dm.Reporters[0].Phone != "13912345678" ||
			dm.Attributes["floor"] != "3" || dm.Attributes["period"] != "夜间" || dm.Attributes["sources"] != "装修,车辆" {
			t.Errorf("stored: %+v %+v %+v", dm, dm.Events, dm.Reporters)
		}

		// A staff member's key files as that staff member where they may take demands in…
		staff := e.form(e.keys[auth.CommunityStaff])
		staff.Del("lat")
		staff.Del("long")
		staff.Set("address_id", testkit.ResA1)
		staff.Set("address_string", "东湖路 7 号")
		r = e.post("/requests.xml", staff)
		if r.status != http.StatusOK {
			t.Fatalf("staff post: %d %s", r.status, r.body)
		}
		var sx xmlRequests
		e.decodeXML(r, &sx)
		if len(sx.Requests) != 1 || sx.Requests[0].ID == "" || sx.Requests[0].Token != "" || !strings.Contains(r.body, "<account_id></account_id>") {
			t.Fatalf("staff post answer: %s", r.body)
		}
		sid, _ := strconv.ParseInt(sx.Requests[0].ID, 10, 64)
		sd, err := e.dm.Get(e.ctx, auth.SystemPrincipal(), sid)
		if err != nil {
			t.Fatal(err)
		}
		if sd.Events[0].Actor != string(auth.CommunityStaff) || sd.Channel != demand.Online || sd.Area != testkit.ResA1 || sd.Address != "东湖路 7 号" {
			t.Errorf("staff filing: %+v %+v", sd, sd.Events)
		}
		// …and as a resident elsewhere; a key without intake rights always files as a resident.
		for _, c := range []struct {
			role auth.Role
			area string
		}{{auth.CommunityStaff, testkit.ResB1}, {auth.Member, testkit.ResA1}} {
			f := e.form(e.keys[c.role])
			f.Del("lat")
			f.Set("address_id", c.area)
			f.Del("long")
			r = e.post("/requests.json", f)
			if r.status != http.StatusOK {
				t.Fatalf("%s post: %d %s", c.role, r.status, r.body)
			}
			e.decode(r, &made)
			n, _ := strconv.ParseInt(made[0].ID, 10, 64)
			if dm, err := e.dm.Get(e.ctx, auth.SystemPrincipal(), n); err != nil || dm.Events[0].Actor != "居民" {
				t.Errorf("%s in %s: %v %+v", c.role, c.area, err, dm.Events)
			}
		}

		// Tokens: "t" + id.
		for _, path := range []string{"/tokens/t" + id + ".json", "/tokens/t" + id + ".xml"} {
			r := e.get(path)
			if r.status != http.StatusOK {
				t.Fatalf("%s: %d %s", path, r.status, r.body)
			}
			var tok struct{ ID, Token string }
			if strings.HasSuffix(path, ".json") {
				var l []struct {
					ID    string `json:"service_request_id"`
					Token string `json:"token"`
				}
				e.decode(r, &l)
				if len(l) == 1 {
					tok.ID, tok.Token = l[0].ID, l[0].Token
				}
			} else {
				var l xmlRequests
				e.decodeXML(r, &l)
				if len(l.Requests) == 1 {
					tok.ID, tok.Token = l.Requests[0].ID, l.Requests[0].Token
				}
			}
			if tok.ID != id || tok.Token != "t"+id || open311.Token(n) != tok.Token {
				t.Errorf("%s: %s", path, r.body)
			}
		}
		for _, path := range []string{"/tokens/" + id + ".json", "/tokens/t99999.xml", "/tokens/tabc.json", "/requests/99999.json", "/requests/abc.xml"} {
			req, _ := http.NewRequest(http.MethodGet, e.base+path, nil)
			e.wantErrors(e.send(req), path, http.StatusNotFound, "not found")
		}
	})
}

func TestPostErrors(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		key := e.keys[auth.Resident]
		long := strings.Repeat("噪", demand.MaxDescription+1)
		for _, c := range []struct {
			name   string
			change func(url.Values)
			status int
			subs   []string
		}{
			{"no key", func(f url.Values) { f.Del("api_key") }, 403, []string{"api_key"}},
			{"empty key", func(f url.Values) { f.Set("api_key", "") }, 403, []string{"api_key"}},
			{"bad key", func(f url.Values) { f.Set("api_key", "gz_nope") }, 403, []string{"api_key"}},
			{"no service_code", func(f url.Values) { f.Del("service_code") }, 400, []string{"service_code"}},
			{"unknown service_code", func(f url.Values) { f.Set("service_code", "nope") }, 404, []string{"service_code", "nope"}},
			{"inactive service_code", func(f url.Values) { f.Set("service_code", "old") }, 404, []string{"old"}},
			{"other jurisdiction", func(f url.Values) { f.Set("jurisdiction_id", "sfgov.org") }, 404, []string{"jurisdiction_id"}},
			{"description too long", func(f url.Values) { f.Set("description", long) }, 400, []string{"description", "4001"}},
			{"outside the district", func(f url.Values) {
				f.Set("lat", strconv.FormatFloat(outsideLat, 'f', -1, 64))
				f.Set("long", strconv.FormatFloat(outsideLng, 'f', -1, 64))
			}, 400, []string{"lat", "outside"}},
			{"lat without long", func(f url.Values) { f.Del("long") }, 400, []string{"lat/long"}},
			{"lat not a number", func(f url.Values) { f.Set("lat", "north") }, 400, []string{"WGS-84"}},
			{"no location", func(f url.Values) { f.Del("lat"); f.Del("long") }, 400, []string{"location"}},
			{"address_string alone", func(f url.Values) { f.Del("lat"); f.Del("long"); f.Set("address_string", "东湖路 7 号") }, 400, []string{"address_string", "lat"}},
			{"unknown address_id", func(f url.Values) { f.Del("lat"); f.Del("long"); f.Set("address_id", "999") }, 400, []string{"address_id", "999"}},
			{"required attribute missing", func(f url.Values) { f.Del("attribute[floor]") }, 400, []string{"attribute[floor]", "楼层"}},
			{"several bad attributes", func(f url.Values) {
				f.Set("attribute[floor]", "三楼")
				f.Set("attribute[period]", "凌晨")
				f.Set("attribute[seen]", "昨晚")
				f.Set("description", long)
			}, 400, []string{"attribute[floor]", "attribute[period]", "attribute[seen]", "description"}},
			{"two values for one choice", func(f url.Values) { f["attribute[period]"] = []string{"白天", "夜间"} }, 400, []string{"attribute[period]"}},
		} {
			t.Run(c.name, func(t *testing.T) {
				e.t = t
				for _, path := range []string{"/requests.json", "/requests.xml"} {
					f := e.form(key)
					c.change(f)
					e.wantErrors(e.post(path, f), path, c.status, c.subs...)
				}
			})
		}
		e.t = t
		// Several errors come back at once.
		f := e.form(key)
		f.Set("attribute[floor]", "三楼")
		f.Set("description", long)
		var list []apiError
		e.decode(e.post("/requests.json", f), &list)
		if len(list) < 2 {
			t.Errorf("want several errors, got %+v", list)
		}
		// Nothing was filed.
		if res, err := e.dm.List(e.ctx, auth.SystemPrincipal(), demand.ListFilter{}); err != nil || res.Total != 0 {
			t.Errorf("failed posts filed demands: %+v (%v)", res, err)
		}
		// Optional arguments sent empty are absent; the description defaults to the service.
		f = e.form(key)
		f.Set("description", "")
		f.Set("email", "")
		f.Set("attribute[period]", "")
		f.Set("address_id", "")
		f.Set("jurisdiction_id", "")
		if r := e.post("/requests.json", f); r.status != http.StatusOK {
			t.Errorf("empty optionals: %d %s", r.status, r.body)
		}
	})
}

func TestDefaultArea(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, func(dp *open311.Deps) { dp.DefaultArea = testkit.District })
		f := e.form(e.keys[auth.Resident])
		f.Del("lat")
		f.Del("long")
		f.Set("address_string", "天平路 1 号")
		r := e.post("/requests.json", f)
		if r.status != http.StatusOK {
			t.Fatalf("post: %d %s", r.status, r.body)
		}
		got := e.listJSON("/requests.json") // the address to its road: the door is not public
		if len(got) != 1 || got[0].AddressID != testkit.District || got[0].Address != "天平路" || got[0].Lat != nil || got[0].AgencyResponsible != "徐汇区" {
			t.Errorf("filed: %+v", got)
		}
		if x := e.listXML("/requests.xml"); len(x) != 1 || x[0].Lat != "" || x[0].Long != "" {
			t.Errorf("xml: %+v", x)
		}
	})
}

func TestGetFilters(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		d1 := e.file("noise", testkit.ResA1, "广场舞音响太吵")
		e.clock.Advance(time.Minute)
		d2 := e.file("sanitation", testkit.ResA2, "垃圾箱满了")
		e.clock.Advance(time.Minute)
		d3 := e.file("noise", testkit.ResB1, "广场舞音响很吵")
		e.clock.Advance(time.Minute)
		id1, id2, id3 := strconv.FormatInt(d1.ID, 10), strconv.FormatInt(d2.ID, 10), strconv.FormatInt(d3.ID, 10)
		if _, err := e.dm.Act(e.ctx, e.f.Users[auth.StreetStaff], d2.ID, demand.ActionInput{Action: demand.ActClose, Note: "已现场答复李阿姨，电话13700001111"}); err != nil {
			t.Fatal(err)
		}
		closedAt := e.clock.Now()
		e.clock.Advance(time.Minute)
		if _, err := e.dm.Act(e.ctx, e.f.Users[auth.DistrictAdmin], d3.ID, demand.ActionInput{Action: demand.ActMerge, Target: &d1.ID}); err != nil {
			t.Fatal(err)
		}
		now := e.clock.Now()
		iso := func(t time.Time) string { return url.QueryEscape(t.Format(time.RFC3339)) }

		all := e.listJSON("/requests.json")
		if !slices.Equal(ids(all), []string{id3, id2, id1}) {
			t.Fatalf("default list %v", ids(all))
		}
		closed := all[1]
		if closed.Status != "closed" || closed.Updated != closedAt.In(clock.Shanghai).Format("2006-01-02T15:04:05+08:00") ||
			!strings.Contains(closed.StatusNotes, "已现场答复") || strings.Contains(closed.StatusNotes, "13700001111") || strings.Contains(closed.StatusNotes, "李阿姨") {
			t.Errorf("closed: %+v", closed)
		}
		if all[0].Status != "closed" || !strings.Contains(all[0].StatusNotes, "#"+id1) {
			t.Errorf("merged: %+v", all[0])
		}
		for _, c := range []struct {
			query string
			want  []string
		}{
			{"status=open", []string{id1}},
			{"status=closed", []string{id3, id2}},
			{"status=open,closed", []string{id3, id2, id1}},
			{"status=open&status=closed", []string{id3, id2, id1}},
			{"status=", []string{id3, id2, id1}},
			{"service_code=noise", []string{id3, id1}},
			{"service_code=sanitation,noise&status=open", []string{id1}},
			{"service_code=env", []string{}}, // exact codes: a parent does not take its children's requests
			{"service_code=", []string{id3, id2, id1}},
			{"service_request_id=" + id1 + "," + id2 + "&status=closed&service_code=env", []string{id1, id2}},
			{"service_request_id=" + id2 + ",99999", []string{id2}},
			{"start_date=" + iso(now.Add(-time.Hour)) + "&end_date=" + iso(now.Add(time.Hour)), []string{id3, id2, id1}},
			{"start_date=" + iso(d2.CreatedAt) + "&end_date=" + iso(d2.CreatedAt), []string{id2}},
			{"start_date=" + now.In(clock.Shanghai).Format("2006-01-02T15:04:05+08:00"), []string{}}, // '+' unescaped: read as the offset
			{"end_date=" + iso(d1.CreatedAt.Add(time.Second)), []string{id1}},
			{"start_date=" + now.In(clock.Shanghai).Format(time.DateOnly) + "&end_date=" + now.In(clock.Shanghai).Format(time.DateOnly), []string{id3, id2, id1}},
			{"start_date=&end_date=&jurisdiction_id=310104", []string{id3, id2, id1}},
		} {
			if got := ids(e.listJSON("/requests.json?" + c.query)); !slices.Equal(got, c.want) {
				t.Errorf("%s: got %v, want %v", c.query, got, c.want)
			}
			var got []string
			for _, x := range e.listXML("/requests.xml?" + c.query) {
				got = append(got, x.ID)
			}
			if !slices.Equal(got, c.want) && len(got)+len(c.want) > 0 {
				t.Errorf("%s (xml): got %v, want %v", c.query, got, c.want)
			}
		}
		for _, c := range []struct {
			query string
			subs  []string
		}{
			{"start_date=" + iso(now.Add(-91*24*time.Hour)) + "&end_date=" + iso(now), []string{"90 days"}},
			{"start_date=" + iso(now) + "&end_date=" + iso(now.Add(-time.Hour)), []string{"before"}},
			{"start_date=yesterday&status=pending", []string{"start_date", "status"}},
			{"service_request_id=abc", []string{"service_request_id"}},
		} {
			for _, path := range []string{"/requests.json?" + c.query, "/requests.xml?" + c.query} {
				e.wantErrors(e.get(path), path, http.StatusBadRequest, c.subs...)
			}
		}
	})
}

func TestDefaultWindow(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		old := e.file("noise", testkit.ResA1, "旧的诉求")
		e.clock.Advance(100 * 24 * time.Hour)
		recent := e.file("noise", testkit.ResA1, "新的诉求")
		if got := ids(e.listJSON("/requests.json")); !slices.Equal(got, []string{strconv.FormatInt(recent.ID, 10)}) {
			t.Errorf("default window: %v", got)
		}
		from := old.CreatedAt.Add(-time.Hour)
		q := "start_date=" + url.QueryEscape(from.Format(time.RFC3339)) + "&end_date=" + url.QueryEscape(from.Add(89*24*time.Hour).Format(time.RFC3339))
		if got := ids(e.listJSON("/requests.json?" + q)); !slices.Equal(got, []string{strconv.FormatInt(old.ID, 10)}) {
			t.Errorf("old window: %v", got)
		}
		// Only start_date: 90 days from it.
		q = "start_date=" + url.QueryEscape(from.Format(time.RFC3339))
		if got := ids(e.listJSON("/requests.json?" + q)); !slices.Equal(got, []string{strconv.FormatInt(old.ID, 10)}) {
			t.Errorf("start only: %v", got)
		}
		// By id, the window does not apply.
		if got := e.listJSON("/requests/" + strconv.FormatInt(old.ID, 10) + ".json"); len(got) != 1 {
			t.Errorf("old by id: %+v", got)
		}
	})
}

func TestPrivacy(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		personal := []string{"王小明", "小明", "13912345678", "wang.xm@example.com", "021-64870000", "John Smith"}
		f := e.form(e.keys[auth.Resident])
		f.Set("first_name", "小明")
		f.Set("last_name", "王")
		f.Set("phone", "13912345678")
		f.Set("email", "wang.xm@example.com")
		f.Set("description", "我是王小明，请打13912345678或021-64870000，或写信到wang.xm@example.com。2026-11-30 晚上 3 号楼")
		r := e.post("/requests.json", f)
		if r.status != http.StatusOK {
			t.Fatalf("post: %d %s", r.status, r.body)
		}
		var made []struct {
			ID string `json:"service_request_id"`
		}
		e.decode(r, &made)
		id := made[0].ID
		f = e.form(e.keys[auth.Resident])
		f.Set("first_name", "John")
		f.Set("last_name", "Smith")
		f.Set("description", "Call John Smith after 6pm")
		if r := e.post("/requests.xml", f); r.status != http.StatusOK {
			t.Fatalf("post: %d %s", r.status, r.body)
		}
		bodies := []resp{r}
		for _, path := range []string{"/requests.json", "/requests.xml", "/requests/" + id + ".json", "/requests/" + id + ".xml",
			"/requests.json?service_request_id=" + id, "/requests.xml?status=open&service_code=noise", "/tokens/t" + id + ".json",
			"/services.json", "/services/noise.xml", "/discovery.json"} {
			bodies = append(bodies, e.get(path))
		}
		for _, b := range bodies {
			for _, p := range personal {
				if strings.Contains(b.body, p) {
					t.Errorf("%q shown in %.600s", p, b.body)
				}
			}
		}
		one := e.listJSON("/requests/" + id + ".json")[0]
		testkit.Contains(t, one.Description, "王**", "139****5678", "w***@example.com", "2026-11-30", "3 号楼")
	})
}

func TestLongDescription(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		text := strings.Repeat("楼", 800)
		dm := e.file("sanitation", testkit.ResA1, text)
		got := e.listJSON("/requests/" + strconv.FormatInt(dm.ID, 10) + ".json")[0].Description
		if utf8.RuneCountInString(got) != 501 || !strings.HasPrefix(text, strings.TrimSuffix(got, "…")) {
			t.Errorf("description of %d characters: %q", utf8.RuneCountInString(got), got)
		}
	})
}

func TestLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("files 1,005 demands")
	}
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		var last *demand.Demand
		for range open311.MaxRequests + 5 {
			last = e.file("sanitation", testkit.ResA1, "垃圾箱满了")
			e.clock.Advance(time.Second)
		}
		start := time.Now()
		got := e.listJSON("/requests.json")
		t.Logf("%d requests in %v", len(got), time.Since(start))
		if len(got) != open311.MaxRequests || got[0].ID != strconv.FormatInt(last.ID, 10) {
			t.Fatalf("got %d requests, first %s; want %d, first %d", len(got), got[0].ID, open311.MaxRequests, last.ID)
		}
		if x := e.listXML("/requests.xml?status=open"); len(x) != open311.MaxRequests {
			t.Errorf("xml: %d", len(x))
		}
	})
}
