package open311_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/demand"
	"gongzhi/internal/testkit"
)

// personalForms are personal data written the ways residents write them,
// none of which the public may read in full.
var personalForms = []string{"139 8765 4321", "１３９８７６５４３２１", "139.5555.6666", "139-5555-6666", "a@b.cn",
	"31010419900101123X", "021 6487 0000", "8765", "８７６５", "5555.6666"}

// TestPrivacyAfterMerge merges B into A, whose text holds phone numbers
// written with spaces, dots, dashes and full-width digits, an e-mail and
// an ID number: no Open311 answer shows any of them in full.
func TestPrivacyAfterMerge(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		a := e.file("sanitation", testkit.ResA1, "楼道堆物，请打139 8765 4321或１３９８７６５４３２１，或139.5555.6666、139-5555-6666，"+
			"座机021 6487 0000，邮箱a@b.cn，身份证31010419900101123X。2026-12-04 14:30 在88弄3号门口")
		b := e.file("sanitation", testkit.ResA1, "楼道里堆了很多杂物")
		if _, err := e.dm.Act(e.ctx, e.f.Users[auth.DistrictAdmin], b.ID, demand.ActionInput{Action: demand.ActMerge, Target: &a.ID,
			Note: "同一楼道，居民电话139-5555-6666"}); err != nil {
			t.Fatal(err)
		}
		ida, idb := strconv.FormatInt(a.ID, 10), strconv.FormatInt(b.ID, 10)
		var bodies []string
		for _, path := range []string{"/requests.json", "/requests.xml", "/requests/" + ida + ".json", "/requests/" + ida + ".xml",
			"/requests/" + idb + ".json", "/requests.json?service_request_id=" + ida + "," + idb} {
			r := e.get(path)
			if r.status != http.StatusOK {
				t.Fatalf("%s: %d %s", path, r.status, r.body)
			}
			bodies = append(bodies, r.body)
		}
		for i, body := range bodies {
			for _, p := range personalForms {
				if strings.Contains(body, p) {
					t.Errorf("answer %d shows %q: %.800s", i, p, body)
				}
			}
		}
		one := e.listJSON("/requests/" + ida + ".json")[0]
		testkit.Contains(t, one.Description, "139 **** 4321", "１３９****４３２１", "139.****.6666", "a***@b.cn", "310***********123X",
			"2026-12-04 14:30", "88弄3号")
	})
}

// TestPublicLocation shows the road and lane, not the door, and the point
// to about 100 m.
func TestPublicLocation(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		lat, lng := 31.201234, 121.445678
		var made []string
		for _, addr := range []string{"湖南路88弄3号502室", "宛平南路1000号2号楼", "家中", ""} {
			f, err := e.dm.Intake(e.ctx, nil, demand.NewDemand{Category: "sanitation", Area: testkit.ResA1, Address: addr, Lat: &lat, Lng: &lng,
				Description: "家中九十岁老母亲独居，楼道堆物"})
			if err != nil {
				t.Fatalf("intake %q: %v", addr, err)
			}
			made = append(made, strconv.FormatInt(f.Demand.ID, 10))
		}
		want := []string{"湖南路88弄", "宛平南路", "", ""}
		for i, id := range made {
			got := e.listJSON("/requests/" + id + ".json")[0]
			w := want[i]
			if w == "" {
				w = got.AgencyResponsible // the demand's area name (it is its own lead before dispatch)
			}
			if got.Address != w || strings.ContainsAny(got.Address, "号室楼") {
				t.Errorf("request %s: address %q, want %q", id, got.Address, w)
			}
			if got.Lat == nil || got.Long == nil {
				t.Errorf("request %s: no point", id)
			} else if *got.Lat != 31.201 || *got.Long != 121.446 {
				t.Errorf("request %s: point %v,%v, want 31.201,121.446", id, *got.Lat, *got.Long)
			}
			x := e.listXML("/requests/" + id + ".xml")[0]
			if x.Address != got.Address || x.Lat != "31.201" || x.Long != "121.446" {
				t.Errorf("request %s (xml): %q %s,%s", id, x.Address, x.Lat, x.Long)
			}
		}
	})
}

// TestDateOutOfRange names the argument the client sent when a date is
// beyond what can be asked for, not the demand list's own filter.
func TestDateOutOfRange(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		for _, c := range []struct{ query, field string }{
			{"start_date=9999-12-31", "start_date"},
			{"start_date=9999-12-31T00:00:00Z", "start_date"},
			{"end_date=99999-01-01", "end_date"},
			{"end_date=0001-01-01", "end_date"},
			{"start_date=0001-01-01&end_date=0001-02-01", "start_date"},
		} {
			for _, path := range []string{"/requests.json?" + c.query, "/requests.xml?" + c.query} {
				r := e.get(path)
				e.wantErrors(r, path, http.StatusBadRequest, c.field+":")
				for _, bad := range []string{"to:", "from:", "internal"} {
					if strings.Contains(r.body, bad) {
						t.Errorf("%s: names %q: %s", path, bad, r.body)
					}
				}
			}
		}
	})
}
