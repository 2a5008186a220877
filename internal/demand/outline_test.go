package demand_test

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"gongzhi/internal/demand"
)

// rect is an axis-aligned polygon from x0, y0 to x1, y1, counterclockwise, closed.
func rect(x0, y0, x1, y1 float64) [][2]float64 {
	return [][2]float64{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}
}

func TestOutline(t *testing.T) {
	for _, c := range []struct {
		name      string
		polys     [][][2]float64
		rings     int
		corners   []string // every ring's corners, sorted
		perimeter float64
	}{
		{"one square", [][][2]float64{rect(0, 0, 1, 1)}, 1,
			[]string{"0,0", "0,1", "1,0", "1,1"}, 4},
		{"two squares side by side: one rectangle", [][][2]float64{rect(0, 0, 1, 1), rect(1, 0, 2, 1)}, 1,
			[]string{"0,0", "0,1", "2,0", "2,1"}, 6},
		{"three above two: corners that do not line up still cancel", [][][2]float64{
			rect(0, 1, 1, 2), rect(1, 1, 2, 2), rect(2, 1, 3, 2), rect(0, 0, 1.5, 1), rect(1.5, 0, 3, 1)}, 1,
			[]string{"0,0", "0,2", "3,0", "3,2"}, 10},
		{"open rings and repeated points are read as closed", [][][2]float64{
			{{0, 0}, {1, 0}, {1, 0}, {1, 1}, {0, 1}}, {{1, 0}, {2, 0}, {2, 1}, {1, 1}}}, 1,
			[]string{"0,0", "0,1", "2,0", "2,1"}, 6},
		{"apart: two rings", [][][2]float64{rect(0, 0, 1, 1), rect(3, 0, 4, 1)}, 2,
			[]string{"0,0", "0,1", "1,0", "1,1", "3,0", "3,1", "4,0", "4,1"}, 8},
		{"a ring of eight around a hole: the border and the hole", func() [][][2]float64 {
			var ps [][][2]float64
			for x := range 3 {
				for y := range 3 {
					if x != 1 || y != 1 {
						ps = append(ps, rect(float64(x), float64(y), float64(x+1), float64(y+1)))
					}
				}
			}
			return ps
		}(), 2, []string{"0,0", "0,3", "1,1", "1,2", "2,1", "2,2", "3,0", "3,3"}, 16},
		{"an L of three", [][][2]float64{rect(0, 0, 1, 1), rect(1, 0, 2, 1), rect(0, 1, 1, 2)}, 1,
			[]string{"0,0", "0,2", "1,1", "1,2", "2,0", "2,1"}, 8},
		{"a slanted shared edge", [][][2]float64{
			{{0, 0}, {2, 0}, {1, 2}}, {{2, 0}, {3, 2}, {1, 2}}}, 1,
			[]string{"0,0", "1,2", "2,0", "3,2"}, 2 + 2 + 2*math.Sqrt(5)},
		{"a degenerate polygon is skipped", [][][2]float64{rect(0, 0, 1, 1), {{5, 5}, {6, 6}}}, 1,
			[]string{"0,0", "0,1", "1,0", "1,1"}, 4},
		{"nothing", nil, 0, nil, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := demand.Outline(c.polys)
			if len(got) != c.rings {
				t.Fatalf("%d rings, want %d: %v", len(got), c.rings, got)
			}
			var corners []string
			per := 0.0
			for _, r := range got {
				if len(r) < 4 || r[0] != r[len(r)-1] {
					t.Fatalf("ring not closed: %v", r)
				}
				for i, p := range r[:len(r)-1] {
					corners = append(corners, fmt.Sprintf("%g,%g", p[0], p[1]))
					q := r[i+1]
					per += math.Hypot(q[0]-p[0], q[1]-p[1])
				}
			}
			slices.Sort(corners)
			if !slices.Equal(corners, c.corners) {
				t.Errorf("corners %v, want %v", corners, c.corners)
			}
			if math.Abs(per-c.perimeter) > 1e-6 {
				t.Errorf("perimeter %g, want %g", per, c.perimeter)
			}
		})
	}
}
