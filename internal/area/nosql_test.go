package area_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// areaSQL is how a query names the areas table.
var areaSQL = regexp.MustCompile(`\b(FROM|JOIN|INTO)\s+areas\b`)

// outside are the folders that may name the table themselves: this
// package, the schema's migrations, the test fixtures, the demo district's
// bulk load and backup/restore, which copy and rebuild tables as they stand.
var outside = []string{"internal/area", "internal/db/migrations", "internal/testkit", "internal/demo", "internal/backup"}

// TestNoAreaSQLElsewhere: the area tree's SQL lives here. Other packages
// call area's functions, or take fragments from it (Subtree, Join, Table)
// for their own queries, so a change to the tree is made in one room.
func TestNoAreaSQLElsewhere(t *testing.T) {
	root := filepath.Join("..", "..")
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("repository root not found: %v", err)
	}
	seen := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel != "." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "node_modules") {
				return filepath.SkipDir
			}
			for _, o := range outside {
				if rel == o {
					return filepath.SkipDir
				}
			}
			return nil
		}
		if !strings.HasSuffix(rel, ".go") || strings.HasSuffix(rel, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		seen++
		for _, m := range areaSQL.FindAllIndex(b, -1) {
			line := 1 + strings.Count(string(b[:m[0]]), "\n")
			t.Errorf("%s:%d: %q: query the area tree through package area", rel, line, b[m[0]:m[1]])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen < 50 {
		t.Fatalf("scanned only %d files: is the walk rooted at the repository?", seen)
	}
}
