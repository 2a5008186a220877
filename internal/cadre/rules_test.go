package cadre_test

import (
	"testing"

	"gongzhi/internal/cadre"
)

func TestRateAndHours(t *testing.T) {
	for _, c := range []struct {
		part, whole int
		want        string
	}{{7, 8, "87.5"}, {0, 5, "0.0"}, {3, 0, ""}, {2, 3, "66.7"}} {
		if got := cadre.Rate(c.part, c.whole); got != c.want {
			t.Errorf("Rate(%d, %d) = %q, want %q", c.part, c.whole, got, c.want)
		}
	}
	for _, c := range []struct {
		hours float64
		min   int
		ok    bool
	}{{1.5, 90, true}, {0, 0, false}, {-1, 0, false}, {201, 0, false}, {0.25, 15, true}, {0.1, 0, false}} {
		if m, ok := cadre.TrainingMinutes(c.hours); m != c.min || ok != c.ok {
			t.Errorf("TrainingMinutes(%v) = %d, %v; want %d, %v", c.hours, m, ok, c.min, c.ok)
		}
	}
	if cadre.Hours(90) != "1.5" {
		t.Error("Hours(90)")
	}
}
