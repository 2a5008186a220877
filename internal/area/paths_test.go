package area_test

import (
	"slices"
	"testing"

	"gongzhi/internal/area"
)

// TestChain: a path and every path above it, top first; nothing for a
// path that names no area.
func TestChain(t *testing.T) {
	for _, c := range []struct {
		name, path string
		want       []string
	}{
		{"district", "/310104/", []string{"/310104/"}},
		{"street", "/310104/001/", []string{"/310104/", "/310104/001/"}},
		{"grid", "/310104/001/001/01/", []string{"/310104/", "/310104/001/", "/310104/001/001/", "/310104/001/001/01/"}},
		{"everywhere", "/", nil},
		{"empty", "", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := area.Chain(c.path); !slices.Equal(got, c.want) {
				t.Errorf("Chain(%q) = %q, want %q", c.path, got, c.want)
			}
		})
	}
}

// TestAtDepth: the area on the way to a path at a depth, or the path itself
// when it lies higher.
func TestAtDepth(t *testing.T) {
	for _, c := range []struct {
		path  string
		depth int
		want  string
	}{
		{"/310104/001/001/01/", 1, "/310104/"},
		{"/310104/001/001/01/", 2, "/310104/001/"},
		{"/310104/001/001/01/", 3, "/310104/001/001/"},
		{"/310104/001/001/01/", 4, "/310104/001/001/01/"},
		{"/310104/001/001/01/", 9, "/310104/001/001/01/"},
		{"/310104/001/", 3, "/310104/001/"},
		{"/310104/", 2, "/310104/"},
		{"", 2, ""},
	} {
		if got := area.AtDepth(c.path, c.depth); got != c.want {
			t.Errorf("AtDepth(%q, %d) = %q, want %q", c.path, c.depth, got, c.want)
		}
	}
}
