package area_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"gongzhi/internal/area"
	"gongzhi/internal/db"
	"gongzhi/internal/testkit"
	"gongzhi/internal/texts"
)

// TestNameIn: the English interface shows the English name when there is one.
func TestNameIn(t *testing.T) {
	a := area.Area{Name: "第2网格", NameEN: "Grid 2"}
	if got := a.NameIn(texts.EN); got != "Grid 2" {
		t.Errorf("English: %q", got)
	}
	if got := a.NameIn(texts.ZH); got != "第2网格" {
		t.Errorf("Chinese: %q", got)
	}
	if got := (area.Area{Name: "第3网格"}).NameIn(texts.EN); got != "第3网格" {
		t.Errorf("no English name: %q", got)
	}
}

// TestLabels: an area is named with its parents below the district; the
// cache keeps the names a minute, forgets them when told of a change, and
// serves concurrent readers.
func TestLabels(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		testkit.NewFixture(t, d)
		var c area.Cache
		now := testkit.Clock().Now()
		l, err := c.Labels(ctx, d, now)
		if err != nil {
			t.Fatal(err)
		}
		for code, want := range map[string]string{
			testkit.GridA1: "湖南路街道 / 东湖居民区 / 第1网格", testkit.StreetA: "湖南路街道", testkit.District: "徐汇区", "nope": "",
		} {
			if got := l.Label(code, texts.ZH); got != want {
				t.Errorf("%s: %q, want %q", code, got, want)
			}
		}
		if a, ok := l.Area(testkit.ResA1); !ok || a.ParentCode != testkit.StreetA {
			t.Errorf("Area(%s) = %+v, %v", testkit.ResA1, a, ok)
		}

		g := area.Area{Code: testkit.ResA1 + "02", Name: "第2网格", NameEN: "Grid 2", Level: area.Grid, ParentCode: testkit.ResA1, Path: "/310104/001/001/02/"}
		if err := d.InTx(ctx, func(tx *db.Tx) error { return area.Create(ctx, tx, g) }); err != nil {
			t.Fatal(err)
		}
		if l2, err := c.Labels(ctx, d, now.Add(30*time.Second)); err != nil || l2 != l {
			t.Errorf("within a minute the kept labels serve (%v)", err)
		}
		if l2, err := c.Labels(ctx, d, now.Add(time.Minute)); err != nil || l2.Label(g.Code, texts.EN) != "湖南路街道 / 东湖居民区 / Grid 2" {
			t.Errorf("after a minute the tree is read again (%v)", err)
		}

		h := area.Area{Code: testkit.ResA1 + "03", Name: "第3网格", Level: area.Grid, ParentCode: testkit.ResA1, Path: "/310104/001/001/03/"}
		if err := d.InTx(ctx, func(tx *db.Tx) error { return area.Create(ctx, tx, h) }); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Go(func() {
				if i == 0 {
					c.Changed()
				}
				if _, err := c.Labels(ctx, d, now.Add(time.Minute)); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if l, err := c.Labels(ctx, d, now.Add(time.Minute)); err != nil || l.Label(h.Code, texts.ZH) != "湖南路街道 / 东湖居民区 / 第3网格" {
			t.Errorf("after Changed the new area is named at once (%v)", err)
		}
	})
}
