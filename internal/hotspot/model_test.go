package hotspot_test

import (
	"fmt"
	"math"
	"testing"

	"gongzhi/internal/hotspot"
)

func TestUpperTail(t *testing.T) {
	inf := math.Inf(1)
	cases := []struct {
		name string
		k    int
		mu   float64
		r    float64
		want float64 // computed by hand
	}{
		{"nothing is at least zero", 0, 2, inf, 1},
		{"no mean, one demand", 1, 0, inf, 0},
		// 1 − e⁻¹(1 + 1 + ½)
		{"Poisson 1, at least 3", 3, 1, inf, 1 - 2.5/math.E},
		// 1 − e^−½(1 + ½ + ⅛ + 1/48): the upper sum
		{"Poisson ½, at least 4", 4, 0.5, inf, 1 - math.Exp(-0.5)*(1+0.5+0.125+0.125/6)},
		// size 1 is geometric: P(X ≥ k) = (μ/(1+μ))^k
		{"geometric 3, at least 4", 4, 3, 1, 0.31640625},
		{"geometric 3, at least 10", 10, 3, 1, math.Pow(0.75, 10)},
		// size 2, mean 2: pmf(x) = (x+1)/2^(x+2)
		{"NB(2, 2), at least 2", 2, 2, 2, 0.5},
		{"NB(2, 2), at least 5", 5, 2, 2, 7.0 / 64},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := hotspot.UpperTail(c.k, c.mu, c.r); math.Abs(got-c.want) > 1e-12 {
				t.Errorf("UpperTail(%d, %g, %g) = %.15g, want %.15g", c.k, c.mu, c.r, got, c.want)
			}
		})
	}
}

// TestBH is Benjamini and Hochberg's own worked example (1995, §4): fifteen
// p-values, of which the first four are discoveries at q = 0.05.
func TestBH(t *testing.T) {
	ps := []float64{0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.3240, 0.4262, 0.5719, 0.6528, 0.7590, 1.000}
	// Shuffled, to show the order does not matter.
	order := []int{14, 3, 7, 0, 11, 5, 9, 1, 13, 2, 12, 6, 10, 4, 8}
	in := make([]float64, len(ps))
	for i, j := range order {
		in[i] = ps[j]
	}
	q := hotspot.BH(in)
	n := 0
	for i, j := range order {
		if q[i] <= 0.05 {
			n++
			if j >= 4 {
				t.Errorf("p=%g is a discovery (q=%g); only the four smallest are", ps[j], q[i])
			}
		}
	}
	if n != 4 {
		t.Errorf("%d discoveries, want 4", n)
	}
	want := map[float64]float64{0.0001: 0.0015, 0.0095: 15 * 0.0095 / 4, 0.0201: 15 * 0.0201 / 5, 1.000: 1}
	for i, j := range order {
		if w, ok := want[ps[j]]; ok && math.Abs(q[i]-w) > 1e-12 {
			t.Errorf("q of p=%g is %g, want %g", ps[j], q[i], w)
		}
	}
	if q := hotspot.BH([]float64{0.01, 0.01}); q[0] != 0.01 || q[1] != 0.01 {
		t.Errorf("ties: %v, want both 0.01", q)
	}
}

// district builds cells of one category: grids grids with the same quiet
// baseline, with the tested week's counts given by week.
func district(grids int, base []int, week func(g int) int) []hotspot.Cell {
	var cells []hotspot.Cell
	for g := range grids {
		counts := make([]int, 0, len(base)+1)
		for w, x := range base {
			counts = append(counts, x+(g+w)%2) // a little variation between grids
		}
		cells = append(cells, hotspot.Cell{Grid: fmt.Sprintf("/d/g%d/", g), Category: "noise", Counts: append(counts, week(g))})
	}
	return cells
}

func TestDetect(t *testing.T) {
	base := []int{2, 1, 3, 2, 2, 1, 3, 2}
	cases := []struct {
		name string
		week func(g int) int
		want []string // flagged grids
	}{
		{"a usual week", func(g int) int { return 2 }, nil},
		{"one grid triples and more", func(g int) int {
			if g == 7 {
				return 12
			}
			return 2
		}, []string{"/d/g7/"}},
		// Every grid doubles (the season, a heat wave): each place is as usual against the district.
		{"the whole district doubles", func(g int) int { return 4 + g%2 }, nil},
		{"two grids, one only a little up", func(g int) int {
			switch g {
			case 3:
				return 14
			case 4:
				return 4
			}
			return 2
		}, []string{"/d/g3/"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := hotspot.Detect(district(40, base, c.week), 40, hotspot.Alpha)
			var got []string
			for _, r := range res {
				if r.Flagged {
					got = append(got, r.Grid)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("flagged %v, want %v", got, c.want)
			}
		})
	}
	t.Run("a grid with no history expects the district's rate", func(t *testing.T) {
		cells := district(10, base, func(int) int { return 2 })
		cells = append(cells, hotspot.Cell{Grid: "/d/new/", Category: "noise", Counts: []int{0, 0, 0, 0, 0, 0, 0, 0, 1}})
		for _, r := range hotspot.Detect(cells, 11, hotspot.Alpha) {
			if r.Grid == "/d/new/" && (r.Expected < 0.1 || r.Flagged) {
				t.Errorf("new grid: expected %g, flagged %v; want about the district's 2/11 a week and not flagged", r.Expected, r.Flagged)
			}
		}
	})
	t.Run("a steady grid is expected at its own level", func(t *testing.T) {
		res := hotspot.Detect(district(20, base, func(int) int { return 2 }), 20, hotspot.Alpha)
		for _, r := range res {
			if r.Expected < 1.5 || r.Expected > 3 {
				t.Errorf("%s: expected %g, want about 2", r.Grid, r.Expected)
			}
		}
	})
}
