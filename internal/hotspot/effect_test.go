package hotspot_test

import (
	"math"
	"testing"

	"gongzhi/internal/hotspot"
)

func TestDiD(t *testing.T) {
	cases := []struct {
		name          string
		a, b, c, d    int // treated before, after; control before, after
		ratio, lo, hi float64
		dir, sentence string
	}{
		// R = (50/100)/(1000/1000) = 0.5; se = √(1/100+1/50+1/1000+1/1000) = √0.032;
		// interval 0.5·e^(∓1.96·0.1789) = 0.3521–0.7100.
		{"halved", 100, 50, 1000, 1000, 0.5, 0.3521295269463464, 0.7099660234913848, "fell", "fell by 50% (29–65%) against similar grids"},
		// The others fell as much: no effect of the fix. se = √(1/100+1/50+1/1000+1/500) = √0.033,
		// interval e^(∓1.96·0.18166) = 0.7004–1.4277.
		{"fell like the others", 100, 50, 1000, 500, 1, 0.7004, 1.4277, "unclear", "no clear change against similar grids (+0%, between -30% and +43%)"},
		// 0.9, se = √(1/10+1/9+1/100+1/100): too few to tell.
		{"too few to tell", 10, 9, 100, 100, 0.9, 0.35078073585000874, 2.309134787682155, "unclear", "no clear change against similar grids (-10%, between -65% and +131%)"},
		{"tripled", 20, 60, 200, 200, 3, 1.7435492511763653, 5.161884583373677, "rose", "rose by 200% (74–416%) against similar grids"},
		{"nothing after yet", 20, 0, 200, 200, 0, 0, 0, "unknown", "not enough demands to measure yet"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := hotspot.DiD(c.a, c.b, c.c, c.d)
			if math.Abs(e.Ratio-c.ratio) > 1e-9 || math.Abs(e.Low-c.lo) > 1e-4 || math.Abs(e.High-c.hi) > 1e-4 || e.Direction != c.dir {
				t.Errorf("DiD = %.6f (%.6f–%.6f) %s, want %.6f (%.6f–%.6f) %s", e.Ratio, e.Low, e.High, e.Direction, c.ratio, c.lo, c.hi, c.dir)
			}
			if s := e.Sentence(); s != c.sentence {
				t.Errorf("sentence %q, want %q", s, c.sentence)
			}
		})
	}
}
