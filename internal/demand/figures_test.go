package demand_test

import (
	"testing"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/demand"
	"gongzhi/internal/testkit"
)

// TestFiguresLag checks the figure cache: with no lag every read sees the
// last intake; with a lag, reads within it are served what was computed
// (a street's figures, and a reader wording names in English does not
// change what the next reader gets), reads after it see the new demands,
// and the caller's right to the area is checked on every read.
func TestFiguresLag(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		street := e.f.Users[auth.StreetStaff]
		day := e.clock.Now().In(clock.Shanghai).Format(time.DateOnly)
		f := demand.StatsFilter{Area: testkit.StreetA, From: day, To: day}
		received := func() (int, int) {
			t.Helper()
			st, err := e.s.Stats(e.ctx, street, f)
			if err != nil {
				t.Fatal(err)
			}
			b, err := e.s.Breakdown(e.ctx, street, f)
			if err != nil {
				t.Fatal(err)
			}
			return st.Received, b.Total.Received
		}
		e.file(t, nil, "noise", testkit.ResA1, "楼上夜里很吵")
		if st, b := received(); st != 1 || b != 1 {
			t.Fatalf("no lag, after one intake: stats %d, breakdown %d received, want 1", st, b)
		}
		e.file(t, nil, "noise", testkit.ResA1, "广场舞音乐太响")
		if st, b := received(); st != 2 || b != 2 {
			t.Fatalf("no lag, after two intakes: stats %d, breakdown %d received, want 2", st, b)
		}

		e.s.FiguresLag = 2 * time.Second
		if st, b := received(); st != 2 || b != 2 {
			t.Fatalf("lag, first read: %d, %d, want 2", st, b)
		}
		b, err := e.s.Breakdown(e.ctx, street, f)
		if err != nil {
			t.Fatal(err)
		}
		name := b.ByCategory[0].Name
		b.InLang("en") // a reader's wording must not reach the cache
		b.ByCategory[0].Name = "changed"
		e.file(t, nil, "noise", testkit.ResA1, "夜里施工")
		e.clock.Advance(time.Second)
		if st, b := received(); st != 2 || b != 2 {
			t.Errorf("within the lag: %d, %d received, want the 2 computed before", st, b)
		}
		if b, err := e.s.Breakdown(e.ctx, street, f); err != nil || b.ByCategory[0].Name != name {
			t.Errorf("cached breakdown's category name %q (%v), want %q", b.ByCategory[0].Name, err, name)
		}
		// Another street's worker is refused even while the figures are kept.
		if _, err := e.s.Breakdown(e.ctx, e.f.Users[auth.CommunityStaff], f); err == nil {
			t.Error("a residential area's worker read the street's cached breakdown")
		}
		e.clock.Advance(time.Second)
		if st, b := received(); st != 3 || b != 3 {
			t.Errorf("after the lag: %d, %d received, want 3", st, b)
		}
	})
}
