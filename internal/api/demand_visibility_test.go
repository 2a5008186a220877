package api_test

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/demand"
	"gongzhi/internal/testkit"
)

// TestDemandVisibilityAgrees: for every role of the matrix, and for the
// staff of a street named lead body of another street's demand, what GET
// /demands lists, searches (by words and by the caller's phone) and counts
// is what GET /demands/{id} opens, on both engines.
func TestDemandVisibilityAgrees(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.seedCategories()
		ctx, admin := context.Background(), e.f.Users[auth.DistrictAdmin]
		act := func(id int64, in demand.ActionInput) {
			if _, err := e.demand.Act(ctx, admin, id, in); err != nil {
				t.Fatal(err)
			}
		}
		var all []int64
		file := func(area string) int64 {
			id := e.fileDirect(area, "noise", "夜间施工噪音").Demand.ID
			all = append(all, id)
			return id
		}
		crossLead := file(testkit.ResA1) // led by the other street
		act(crossLead, demand.ActionInput{Action: demand.ActDispatch, Lead: testkit.StreetB})
		crossCo := file(testkit.ResB1) // the first street's residential area helps
		act(crossCo, demand.ActionInput{Action: demand.ActDispatch, Lead: testkit.ResB1, CoBodies: []string{testkit.ResA1}})
		unit := e.f.Units[testkit.LiaisonUnit]
		byUnit := file(testkit.ResB1)
		act(byUnit, demand.ActionInput{Action: demand.ActDispatch, Lead: testkit.ResB1, LeadUnit: &unit})
		file(testkit.ResA1)
		file(testkit.GridA1)
		file(testkit.ResB1)

		tokens := map[string]string{}
		for _, r := range auth.Roles {
			tokens[string(r)] = e.tokens[r]
		}
		e.newUser("street_b", auth.StreetStaff, testkit.StreetB)
		_, sb, err := e.f.Auth.Login(ctx, "street_b", testkit.Password, "127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		tokens["street_b"] = e.token(sb)
		callers := map[string]bool{"street_b": true} // who may match callers' phones
		for _, r := range auth.Roles {
			callers[string(r)] = r.Can(auth.DemandIntake) || r.Can(auth.DemandDispatch) || r.Can(auth.DemandHandle)
		}
		seen := map[string][]int64{}
		for who, token := range tokens {
			var opened []int64
			for _, id := range all {
				switch res := e.do(token, http.MethodGet, "/demands/"+strconv.FormatInt(id, 10), nil); res.status {
				case http.StatusOK:
					opened = append(opened, id)
				case http.StatusNotFound, http.StatusForbidden:
				default:
					t.Fatalf("%s opening %d: %d %s", who, id, res.status, res)
				}
			}
			slices.Sort(opened)
			seen[who] = opened
			for _, q := range []string{"", "?q=" + "噪音", "?q=" + reporterPhone, "?status=open"} {
				res := e.do(token, http.MethodGet, "/demands"+q, nil)
				if res.status == http.StatusForbidden && len(opened) == 0 {
					continue // roles that read no demands
				}
				if res.status != http.StatusOK {
					t.Fatalf("%s listing %q: %d %s", who, q, res.status, res)
				}
				l := decodeJSON[struct {
					Items []demandBody `json:"items"`
					Total int          `json:"total"`
				}](t, res)
				var listed []int64
				for _, it := range l.Items {
					listed = append(listed, it.ID)
				}
				slices.Sort(listed)
				want := opened
				if q == "?q="+reporterPhone && !callers[who] { // readers do not probe phones; the digits are no words either
					want = nil
				}
				if !slices.Equal(listed, want) || l.Total != len(want) {
					t.Errorf("%s: GET /demands%s lists %v (total %d), opens %v", who, q, listed, l.Total, want)
				}
			}
		}
		// The rule, not only the agreement: the lead body outside the area
		// sees its demand; the co-body and the unit theirs.
		for who, want := range map[string][]int64{
			"street_b": {crossLead, crossCo, byUnit, all[5]}, string(auth.CommunityStaff): {crossLead, crossCo, all[3], all[4]},
			string(auth.UnitLiaison): {byUnit}, string(auth.GridWorker): {all[4]}, string(auth.Auditor): all,
		} {
			slices.Sort(want)
			if !slices.Equal(seen[who], want) {
				t.Errorf("%s sees %v, want %v", who, seen[who], want)
			}
		}
		res := e.do(tokens["street_b"], http.MethodGet, "/demands?mine=true", nil)
		if l := decodeJSON[struct {
			Items []demandBody `json:"items"`
		}](t, res); res.status != http.StatusOK || !slices.ContainsFunc(l.Items, func(b demandBody) bool { return b.ID == crossLead }) {
			t.Errorf("street_b's queue lacks demand %d: %d %s", crossLead, res.status, res)
		}
	})
}
