package demand_test

import (
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/demand"
	"gongzhi/internal/errs"
	"gongzhi/internal/testkit"
)

func TestStand(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	for _, c := range []struct {
		rate   *float64
		target float64
		want   demand.Standing
	}{
		{nil, 0.9, demand.StandingNone},
		{f(0.95), 0.95, demand.StandingMet},
		{f(1), 0.95, demand.StandingMet},
		{f(0.9), 0.95, demand.StandingNear},
		{f(0.8999), 0.95, demand.StandingBelow},
		{f(0), 0.5, demand.StandingBelow},
	} {
		if got := demand.Stand(c.rate, c.target); got != c.want {
			t.Errorf("Stand(%v, %v) = %s, want %s", c.rate, c.target, got, c.want)
		}
	}
}

func TestTargets(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		if got, err := e.s.Targets(e.ctx); err != nil || got != demand.DefaultTargets() {
			t.Fatalf("before any are set: %+v %v", got, err)
		}
		admin := e.f.Users[auth.DistrictAdmin]
		if _, err := e.s.SaveTargets(e.ctx, e.f.Users[auth.StreetStaff], demand.Targets{Response: 1, Resolution: 1, Satisfaction: 1}); errs.Code(err) != errs.EFORBIDDEN {
			t.Fatalf("a street worker sets the district's targets: %v", err)
		}
		_, err := e.s.SaveTargets(e.ctx, admin, demand.Targets{Response: 95, Resolution: 0, Satisfaction: 0.9})
		var fields []string
		for _, dt := range errs.DetailsOf(err) {
			fields = append(fields, dt.Field)
		}
		if errs.Code(err) != errs.EINVALID || len(fields) != 2 {
			t.Fatalf("95 and 0: %v (fields %v), want both named", err, fields)
		}
		want := demand.Targets{Response: 0.98, Resolution: 0.85, Satisfaction: 0.9}
		if _, err := e.s.SaveTargets(e.ctx, admin, want); err != nil {
			t.Fatal(err)
		}
		if got, _ := e.s.Targets(e.ctx); got != want {
			t.Fatalf("saved %+v, read %+v", want, got)
		}
		want.Response = 0.9
		if _, err := e.s.SaveTargets(e.ctx, admin, want); err != nil { // replaces
			t.Fatal(err)
		}
		if got, _ := e.s.Targets(e.ctx); got != want {
			t.Fatalf("replaced with %+v, read %+v", want, got)
		}
	})
}
