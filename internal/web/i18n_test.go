package web_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/demand"
	"gongzhi/internal/errs"
	"gongzhi/internal/notify"
	"gongzhi/internal/org"
)

// catalogFiles are read from disk: the test guards the files that get embedded.
var catalogFiles = []string{"locales/zh_CN.json", "locales/en_US.json"}

// readCatalog reads a catalog file with its per-capability parts
// (zh_CN.fund.json beside zh_CN.json), as the server does.
func readCatalog(t *testing.T, path string) map[string]string {
	t.Helper()
	parts, _ := filepath.Glob(strings.TrimSuffix(path, ".json") + ".*.json")
	c := map[string]string{}
	for _, f := range append([]string{path}, parts...) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var part map[string]string
		if err := json.Unmarshal(b, &part); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for k, v := range part {
			if _, dup := c[k]; dup {
				t.Errorf("%s: %s is defined twice", f, k)
			}
			c[k] = v
		}
	}
	return c
}

// TestCatalogsMatch fails when a key exists in one language and not the
// other, or when the two disagree on how many values a message takes.
func TestCatalogsMatch(t *testing.T) {
	zh, en := readCatalog(t, catalogFiles[0]), readCatalog(t, catalogFiles[1])
	verbs := regexp.MustCompile(`%[dsvq]`)
	for k, v := range zh {
		e, ok := en[k]
		if !ok {
			t.Errorf("%s is in zh_CN.json but not en_US.json", k)
			continue
		}
		if a, b := len(verbs.FindAllString(v, -1)), len(verbs.FindAllString(e, -1)); a != b {
			t.Errorf("%s takes %d values in Chinese and %d in English", k, a, b)
		}
		if strings.TrimSpace(v) == "" || strings.TrimSpace(e) == "" {
			t.Errorf("%s is empty", k)
		}
	}
	for k := range en {
		if _, ok := zh[k]; !ok {
			t.Errorf("%s is in en_US.json but not zh_CN.json", k)
		}
	}
}

// TestUsedKeysExist checks every key the templates and handlers name, and
// the keys built from domain values (roles, kinds, groups, levels, error codes).
func TestUsedKeysExist(t *testing.T) {
	used := map[string]string{} // key → where
	tmplKey := regexp.MustCompile(`\bt "([^"]+)"`)
	files, _ := filepath.Glob("templates/*.html")
	if len(files) == 0 {
		t.Fatal("no templates found")
	}
	for _, f := range files {
		b, _ := os.ReadFile(f)
		for _, m := range tmplKey.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = f
		}
	}
	zh := readCatalog(t, catalogFiles[0])
	prefixes := map[string]bool{}
	for k := range zh {
		prefixes[strings.SplitN(k, ".", 2)[0]] = true
	}
	goKey := regexp.MustCompile(`"([a-z_]+(?:\.[a-z_]+)+)"`)
	fileName := regexp.MustCompile(`\.(html|js|css|json|xlsx)$`) // template and asset names, not keys
	sources, _ := filepath.Glob("*.go")
	for _, f := range sources {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, _ := os.ReadFile(f)
		for _, m := range goKey.FindAllStringSubmatch(string(b), -1) {
			if prefixes[strings.SplitN(m[1], ".", 2)[0]] && !fileName.MatchString(m[1]) {
				used[m[1]] = f
			}
		}
	}
	for _, r := range auth.Roles {
		used["role."+string(r)] = "auth.Roles"
		used["role."+string(r)+".does"] = "auth.Roles"
	}
	for _, k := range org.UnitKinds {
		used["kind."+string(k)] = "org.UnitKinds"
	}
	for _, g := range org.Groups {
		used["group."+g] = "org.Groups"
	}
	for _, k := range org.PartyOrgKinds {
		used["org.party_kind."+string(k)] = "org.PartyOrgKinds"
	}
	for _, k := range org.ServicePointKinds {
		used["org.sp_kind."+string(k)] = "org.ServicePointKinds"
	}
	for k := range org.AssocKindLabels {
		used["org.assoc_kind."+string(k)] = "org.AssocKindLabels"
	}
	for _, m := range []org.PresidentMode{org.SinglePresident, org.RotatingPresident, org.DoublePresident} {
		used["org.mode."+string(m)] = "org president modes"
	}
	for _, r := range []org.AssocRole{org.RoleMember, org.RolePresident, org.RoleRotatingPresident, org.RoleVicePresident} {
		used["org.assoc_role."+string(r)] = "org association roles"
	}
	for _, d := range []string{"disabled", "enabled", "password"} {
		used["user.done."+d] = "userView.Done"
	}
	for _, l := range []org.Level{org.District, org.Street, org.Residential, org.Lane, org.Grid} {
		used["level."+string(l)] = "org levels"
	}
	for _, c := range []string{errs.EINVALID, errs.EUNAUTHORIZED, errs.EFORBIDDEN, errs.ENOTFOUND, errs.ECONFLICT, errs.ETOOLARGE, errs.ETOOMANY, errs.EINTERNAL} {
		used["error."+strings.ToLower(c)+".title"] = "errs codes"
		used["error."+strings.ToLower(c)+".message"] = "errs codes"
	}
	for _, st := range demand.Statuses {
		used["demand.status."+string(st)] = "demand.Statuses"
	}
	for _, a := range demand.Actions {
		used["demand.action."+string(a)] = "demand.Actions"
		used["demand.event."+string(a)] = "demand.Actions"
	}
	for _, e := range []string{"receive", "merge_in", "overdue", "escalate"} {
		used["demand.event."+e] = "timeline events the service writes"
	}
	for _, c := range demand.Channels {
		used["demand.channel."+string(c)] = "demand.Channels"
	}
	for _, o := range []string{demand.OutcomeSolved, demand.OutcomePartly, demand.OutcomeNotSolved} {
		used["demand.outcome."+o] = "demand outcomes"
	}
	for _, sat := range []string{demand.Satisfied, demand.BasicSatisfied, demand.Dissatisfied} {
		used["demand.sat."+sat] = "demand satisfaction"
	}
	for _, u := range []string{"pending", "approved", "refused"} {
		used["demand.unreasonable."+u] = "Demand.Unreasonable"
	}
	for _, k := range notify.Kinds {
		used["inbox.kind."+string(k)] = "notify.Kinds"
	}
	for _, r := range []string{"cadre", "deputy", "cppcc", "lawyer"} {
		used["visit.role."+r] = "visit team member roles"
	}
	for _, path := range catalogFiles {
		c := readCatalog(t, path)
		var missing []string
		for k, where := range used {
			if _, ok := c[k]; !ok {
				missing = append(missing, k+" (used in "+where+")")
			}
		}
		slices.Sort(missing)
		for _, m := range missing {
			t.Errorf("%s lacks %s", path, m)
		}
	}
}
