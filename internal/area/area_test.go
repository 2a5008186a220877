package area_test

import (
	"context"
	"slices"
	"testing"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/testkit"
)

// codesOf lists the areas' codes.
func codesOf(as []area.Area) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.Code
	}
	return out
}

// TestEmptyTree: a database nothing was loaded into has no root, and says so.
func TestEmptyTree(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if empty, err := area.Empty(ctx, d); err != nil || !empty {
			t.Fatalf("Empty = %v, %v; want true", empty, err)
		}
		if _, err := area.Root(ctx, d); errs.Code(err) != errs.ENOTFOUND {
			t.Errorf("Root of no tree: %v, want ENOTFOUND", err)
		}
		if roots, err := area.RootPaths(ctx, d); err != nil || len(roots) != 0 {
			t.Errorf("RootPaths = %q, %v", roots, err)
		}
	})
}

// TestLookups: one area by code (with its children counted), its level
// and path, its line up to the district, its children, the roots, the codes
// at a level and the whole tree, parents first.
func TestLookups(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		testkit.NewFixture(t, d)
		a, err := area.Get(ctx, d, testkit.ResA1)
		if err != nil {
			t.Fatal(err)
		}
		if a.Name != "东湖居民区" || a.Level != area.Residential || a.ParentCode != testkit.StreetA || a.Path != "/310104/001/001/" || a.Children != 1 {
			t.Errorf("Get = %+v", a)
		}
		if _, err := area.Get(ctx, d, "nope"); errs.Code(err) != errs.ENOTFOUND {
			t.Errorf("Get(nope): %v, want ENOTFOUND", err)
		}
		if p, err := area.Path(ctx, d, testkit.GridA1); err != nil || p != "/310104/001/001/01/" {
			t.Errorf("Path = %q, %v", p, err)
		}
		if _, err := area.Path(ctx, d, "nope"); errs.Code(err) != errs.ENOTFOUND {
			t.Errorf("Path(nope): %v, want ENOTFOUND", err)
		}
		if l, p, err := area.LevelPath(ctx, d, testkit.StreetB); err != nil || l != area.Street || p != "/310104/002/" {
			t.Errorf("LevelPath = %s %q, %v", l, p, err)
		}
		line, err := area.Lineage(ctx, d, "/310104/001/001/01/")
		if want := []string{testkit.District, testkit.StreetA, testkit.ResA1, testkit.GridA1}; err != nil || !slices.Equal(codesOf(line), want) {
			t.Errorf("Lineage = %q, %v; want %q", codesOf(line), err, want)
		}
		if _, err := area.Lineage(ctx, d, "/310104/009/"); errs.Code(err) != errs.ENOTFOUND {
			t.Errorf("Lineage of no area: %v, want ENOTFOUND", err)
		}
		kids, err := area.Children(ctx, d, testkit.StreetA)
		if want := []string{testkit.ResA1, testkit.ResA2}; err != nil || !slices.Equal(codesOf(kids), want) {
			t.Errorf("Children = %q, %v; want %q", codesOf(kids), err, want)
		}
		if root, err := area.Root(ctx, d); err != nil || root.Code != testkit.District || root.Path != "/310104/" {
			t.Errorf("Root = %+v, %v", root, err)
		}
		if roots, err := area.RootPaths(ctx, d); err != nil || !slices.Equal(roots, []string{"/310104/"}) {
			t.Errorf("RootPaths = %q, %v", roots, err)
		}
		if c, err := area.Codes(ctx, d, area.Residential); err != nil || !slices.Equal(c, []string{testkit.ResA1, testkit.ResA2, testkit.ResB1}) {
			t.Errorf("Codes = %q, %v", c, err)
		}
		if empty, err := area.Empty(ctx, d); err != nil || empty {
			t.Errorf("Empty = %v, %v; want false", empty, err)
		}
		all, err := area.All(ctx, d)
		if err != nil || len(all) != 7 || all[0].Code != testkit.District {
			t.Fatalf("All = %q, %v", codesOf(all), err)
		}
		at := map[string]int{}
		for i, a := range all {
			if p, ok := at[a.ParentCode]; a.ParentCode != "" && (!ok || p > i) {
				t.Errorf("%s listed before its parent", a.Code)
			}
			at[a.Code] = i
		}
	})
}

// TestList: the filters and the caller's scope narrow the list, in path order.
func TestList(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := testkit.NewFixture(t, d)
		street := f.Users[auth.StreetStaff]
		scope := func(col string) (string, []any) { return auth.ScopeSQL(d.Dialect, street, auth.AreaRead, col) }
		for _, c := range []struct {
			name string
			f    area.Filter
			want []string
		}{
			{"all", area.Filter{}, []string{testkit.District, testkit.StreetA, testkit.ResA1, testkit.GridA1, testkit.ResA2, testkit.StreetB, testkit.ResB1}},
			{"level", area.Filter{Level: area.Street}, []string{testkit.StreetA, testkit.StreetB}},
			{"parent", area.Filter{Parent: testkit.District}, []string{testkit.StreetA, testkit.StreetB}},
			{"name", area.Filter{Q: "天平"}, []string{testkit.StreetB, testkit.ResB1}},
			{"wildcard is a character", area.Filter{Q: "%"}, []string{}},
			{"scope", area.Filter{Scope: scope}, []string{testkit.StreetA, testkit.ResA1, testkit.GridA1, testkit.ResA2}},
			{"scope and level", area.Filter{Scope: scope, Level: area.Residential}, []string{testkit.ResA1, testkit.ResA2}},
			{"limit", area.Filter{Limit: 2}, []string{testkit.District, testkit.StreetA}},
		} {
			t.Run(c.name, func(t *testing.T) {
				got, err := area.List(ctx, d, c.f)
				if err != nil || !slices.Equal(codesOf(got), c.want) {
					t.Errorf("List = %q, %v; want %q", codesOf(got), err, c.want)
				}
			})
		}
	})
}

// TestCreate: an area is written as given; a taken code is the caller's
// mistake, named on the code field.
func TestCreate(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		testkit.NewFixture(t, d)
		g := area.Area{Code: testkit.ResA1 + "02", Name: "第2网格", NameEN: "Grid 2", Level: area.Grid, ParentCode: testkit.ResA1, Path: "/310104/001/001/02/"}
		if err := d.InTx(ctx, func(tx *db.Tx) error { return area.Create(ctx, tx, g) }); err != nil {
			t.Fatal(err)
		}
		got, err := area.Get(ctx, d, g.Code)
		if err != nil || got != g {
			t.Errorf("created %+v, read %+v, %v", g, got, err)
		}
		err = d.InTx(ctx, func(tx *db.Tx) error { return area.Create(ctx, tx, g) })
		if errs.Code(err) != errs.EINVALID || len(errs.DetailsOf(err)) != 1 || errs.DetailsOf(err)[0].Field != "code" {
			t.Errorf("taken code: %v, want EINVALID on code", err)
		}
	})
}

// TestFragments: the subtree predicate and the joins other packages put in
// their queries select the same rows on both engines.
func TestFragments(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		testkit.NewFixture(t, d)
		count := func(q string, args ...any) int {
			t.Helper()
			var n int
			if err := d.QueryRow(ctx, q, args...).Scan(&n); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			return n
		}
		for path, want := range map[string]int{"/310104/": 7, "/310104/001/": 4, "/310104/001/001/": 2, "/310104/002/": 2, "/9/": 0} {
			cond, arg := area.Subtree(d.Dialect, "a.path", path)
			if n := count("SELECT count(*) FROM "+area.Table("a")+" WHERE "+cond, arg); n != want {
				t.Errorf("subtree %s: %d areas, want %d", path, n, want)
			}
		}
		// Units of street A, named by their areas and those areas' parents.
		cond, arg := area.Subtree(d.Dialect, "u.area_path", "/310104/001/")
		if n := count("SELECT count(*) FROM units u"+area.Join("a", "u.area_code")+area.LeftJoin("pa", "a.parent_code")+
			" WHERE pa.code IS NOT NULL AND "+cond, arg); n != 4 {
			t.Errorf("units in street A with a parent area: %d, want 4", n)
		}
	})
}
