package org_test

import (
	"context"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/org"
	"gongzhi/internal/testkit"
)

// TestAreaLabels: an area is named with its parents below the district, in
// the reader's language where an English name is set; an area made on this
// server is named at once.
func TestAreaLabels(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := testkit.NewFixture(t, d)
		s := org.NewService(d, testkit.Clock())
		l, err := s.AreaLabels(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for code, want := range map[string]string{
			testkit.GridA1: "湖南路街道 / 东湖居民区 / 第1网格", testkit.StreetA: "湖南路街道", testkit.District: "徐汇区", "nope": "",
		} {
			if got := l.Label(code, "zh-CN"); got != want {
				t.Errorf("%s: %q, want %q", code, got, want)
			}
		}
		if _, err := s.CreateArea(ctx, f.Users[auth.DistrictAdmin], org.NewArea{Code: testkit.ResA1 + "02", Name: "第2网格", NameEN: "Grid 2", Level: "grid", Parent: testkit.ResA1}); err != nil {
			t.Fatal(err)
		}
		if l, err = s.AreaLabels(ctx); err != nil {
			t.Fatal(err)
		}
		if got := l.Label(testkit.ResA1+"02", "en"); got != "湖南路街道 / 东湖居民区 / Grid 2" {
			t.Errorf("new grid in English: %q", got)
		}
	})
}
