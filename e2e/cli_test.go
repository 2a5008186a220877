package e2e

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"gongzhi/internal/db"
	"gongzhi/internal/testkit"
)

type coverage struct {
	Area   string `json:"area"`
	Groups []struct {
		Group   string   `json:"group"`
		Total   int      `json:"total"`
		Covered int      `json:"covered"`
		Rate    *float64 `json:"rate"`
	} `json:"groups"`
}

type unitList struct {
	Items []struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
		Area string `json:"area"`
	} `json:"items"`
	Total int `json:"total"`
}

// TestNewcomer walks the fixed command line (serve, demo, user add, token
// create, import units; exit codes 0/1/2) and the acceptance checks
// against the built binary on each engine. Its first `gongzhi demo` on an
// empty store is the one that built the shared demo district (demoStore):
// building another took over a minute on PostgreSQL and checked nothing
// more; the test goes on in a copy of its own.
func TestNewcomer(t *testing.T) {
	for _, eng := range testkit.Engines() {
		t.Run(eng.String(), func(t *testing.T) { newcomer(t, eng) })
	}
}

func newcomer(t *testing.T, eng db.Dialect) {
	s, out := demoStoreOut(t, eng) // the demo built on an empty store exited 0, or this fails
	if !strings.Contains(out, "street_staff") {
		t.Fatalf("demo printed no street_staff login:\n%s", out)
	}
	if r := s.run(t, "", "demo"); r.code != 1 || !strings.Contains(r.stderr, "not empty") {
		t.Fatalf("second demo: exit %d, stderr %q; want 1 and 'not empty'", r.code, r.stderr)
	}

	// Usage errors exit 2; bad values exit 1 naming the field.
	if r := s.run(t, "", "user", "add", "--username", "x"); r.code != 2 {
		t.Fatalf("user add without role: exit %d, want 2", r.code)
	}
	if r := s.run(t, "", "frobnicate"); r.code != 2 {
		t.Fatalf("unknown command: exit %d, want 2", r.code)
	}
	if r := s.run(t, "long-enough-pw\n", "user", "add", "--username", "xx", "--role", "king", "--area", "310104", "--password-stdin"); r.code != 1 || !strings.Contains(r.stderr, "role") {
		t.Fatalf("bad role: exit %d %q", r.code, r.stderr)
	}
	const community = "310104001001"
	if r := s.run(t, "社区书记的口令123\n", "user", "add", "--username", "cw1", "--role", "community_staff", "--area", community, "--password-stdin"); r.code != 0 {
		t.Fatalf("user add: exit %d %s", r.code, r.stderr)
	}
	r := s.run(t, "", "token", "create", "--username", "cw1", "--label", "e2e")
	cwToken := lastLine(r.stdout)
	if r.code != 0 || !strings.HasPrefix(cwToken, "gz_") {
		t.Fatalf("token create: exit %d, last line %q", r.code, cwToken)
	}
	adminToken := lastLine(s.run(t, "", "token", "create", "--username", "admin").stdout)

	// Scope and figures, served.
	srv := s.serve(t)
	if code := srv.get(t, "", "/api/v1/units", nil); code != 401 {
		t.Fatalf("no token: %d, want 401", code)
	}
	var cov coverage
	if code := srv.get(t, adminToken, "/api/v1/stats/coverage?area=310104", &cov); code != 200 || len(cov.Groups) != 3 {
		t.Fatalf("district coverage as admin: %d %+v", code, cov)
	}
	want := map[string]float64{"shop": 0.1278, "two_new": 0.8362}
	for _, g := range cov.Groups {
		if w, ok := want[g.Group]; ok && (g.Rate == nil || *g.Rate != w) {
			t.Fatalf("coverage %s = %v (%d/%d), want %v", g.Group, g.Rate, g.Covered, g.Total, w)
		}
	}
	var area struct {
		Name string `json:"name"`
	}
	if code := srv.get(t, cwToken, "/api/v1/areas/"+community, &area); code != 200 || area.Name == "" {
		t.Fatalf("own area: %d", code)
	}
	var mine unitList
	if code := srv.get(t, cwToken, "/api/v1/units?area="+community, &mine); code != 200 || mine.Total == 0 {
		t.Fatalf("own units: %d, total %d", code, mine.Total)
	}
	for _, u := range mine.Items {
		if !strings.HasPrefix(u.Area, community) {
			t.Fatalf("unit %s of area %s leaked to %s", u.Name, u.Area, community)
		}
	}
	var other unitList
	srv.get(t, adminToken, "/api/v1/units?area=310104002&per_page=1", &other)
	if len(other.Items) == 0 {
		t.Fatal("no units in the second street")
	}
	if code := srv.get(t, cwToken, "/api/v1/units/"+strconv.FormatInt(other.Items[0].ID, 10), nil); code != 403 && code != 404 {
		t.Fatalf("other street's unit: %d, want 403/404", code)
	}
	if code := srv.get(t, cwToken, "/api/v1/units?area=310104002", nil); code != 403 && code != 404 {
		t.Fatalf("other street's units: %d, want 403/404", code)
	}
	if code := srv.get(t, cwToken, "/api/v1/stats/coverage?area=310104", nil); code != 403 && code != 404 {
		t.Fatalf("district figures as community worker: %d, want 403/404", code)
	}
	if code := srv.get(t, cwToken, "/api/v1/stats/coverage?area="+community, nil); code != 200 {
		t.Fatalf("own coverage: %d", code)
	}
	srv.stop(t)

	// Import: one bad row imports nothing and names the row and column, CSV and XLSX.
	dir := t.TempDir()
	bad := "名称,类型,所属区域,建有党组织,纳入区域化党建平台\n" +
		"新店一号,沿街商铺,310104001001,否,是\n" +
		"新店二号,沿街商铺,310104001001,也许,是\n"
	badCSV := filepath.Join(dir, "bad.csv")
	os.WriteFile(badCSV, []byte(bad), 0o644)
	r = s.run(t, "", "import", "units", badCSV)
	if r.code != 1 || !strings.Contains(r.stderr, "bad.csv") || !strings.Contains(r.stderr, "row 3") || !strings.Contains(r.stderr, "建有党组织") {
		t.Fatalf("bad CSV: exit %d, stderr:\n%s", r.code, r.stderr)
	}
	badXLSX := filepath.Join(dir, "bad.xlsx")
	writeXLSX(t, badXLSX, [][]string{
		{"name", "kind", "area", "has_party_org", "platform_covered"},
		{"新店三号", "shop", community, "no", "yes"},
		{"新店四号", "spaceship", community, "no", "yes"},
	})
	r = s.run(t, "", "import", "units", badXLSX)
	if r.code != 1 || !strings.Contains(r.stderr, "row 3") || !strings.Contains(r.stderr, "kind") {
		t.Fatalf("bad XLSX: exit %d, stderr:\n%s", r.code, r.stderr)
	}
	good := filepath.Join(dir, "good.csv")
	os.WriteFile(good, []byte("name,kind,area,has_party_org,platform_covered\n新店五号,shop,徐汇区/湖南路街道/"+area.Name+",0,1\n"), 0o644)
	if r := s.run(t, "", "import", "units", good); r.code != 0 {
		t.Fatalf("good import: exit %d %s", r.code, r.stderr)
	}
	srv = s.serve(t)
	var after unitList
	srv.get(t, cwToken, "/api/v1/units?area="+community, &after)
	if after.Total != mine.Total+1 {
		t.Fatalf("after imports: %d units, want %d (bad files must add nothing, the good one one)", after.Total, mine.Total+1)
	}
}

func writeXLSX(t *testing.T, path string, rows [][]string) {
	f := excelize.NewFile()
	for i, row := range rows {
		for j, v := range row {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			f.SetCellValue("Sheet1", cell, v)
		}
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

// TestServeDemo runs the README's first command as a newcomer would: serve
// --demo on embedded SQLite builds the district and serves it, and a second
// start on the same data keeps it instead of refusing or rebuilding.
func TestServeDemo(t *testing.T) {
	s := newStore(t, db.SQLite)
	srv := s.serve(t, "--demo")
	var units unitList
	if code := srv.get(t, lastLine(s.run(t, "", "token", "create", "--username", "admin").stdout), "/api/v1/units?area=310104", &units); code != 200 || units.Total == 0 {
		t.Fatalf("demo units: %d, total %d", code, units.Total)
	}
	srv.stop(t)
	again := s.serve(t, "--demo")
	var after unitList
	again.get(t, lastLine(s.run(t, "", "token", "create", "--username", "admin").stdout), "/api/v1/units?area=310104", &after)
	if after.Total != units.Total {
		t.Fatalf("second serve --demo: %d units, want %d kept", after.Total, units.Total)
	}
}
