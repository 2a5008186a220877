package party_test

import (
	"slices"
	"testing"
	"time"

	"gongzhi/internal/clock"
	"gongzhi/internal/party"
)

func TestAgeBand(t *testing.T) {
	now := time.Date(2026, 12, 5, 0, 0, 0, 0, clock.Shanghai)
	for year, want := range map[int]string{1991: "35岁及以下", 1990: "36-45岁", 1981: "36-45岁", 1980: "46-60岁", 1966: "46-60岁",
		1965: "61-70岁", 1956: "61-70岁", 1955: "71岁及以上", 0: "", 2020: "", 1800: ""} {
		if got := party.AgeBand(year, now); got != want {
			t.Errorf("AgeBand(%d) = %q, want %q", year, got, want)
		}
	}
}

func TestBirthYearFromID(t *testing.T) {
	for id, want := range map[string]int{"310104198503121234": 1985, "31010419850312123X": 1985, "3101041985031212": 0, "31010419850312123Y": 0, "": 0} {
		if got := party.BirthYearFromID(id); got != want {
			t.Errorf("BirthYearFromID(%q) = %d, want %d", id, got, want)
		}
	}
}

func TestCleanPosts(t *testing.T) {
	got, ok := party.CleanPosts([]string{" 楼组长助理、志愿调解 ", "志愿调解", "", "青年突击队,文明宣传"})
	if !ok || !slices.Equal(got, []string{"楼组长助理", "志愿调解", "青年突击队", "文明宣传"}) {
		t.Errorf("CleanPosts = %v, %v", got, ok)
	}
	if _, ok := party.CleanPosts([]string{"一二三四五六七八九十一二三四五六七八九十一"}); ok {
		t.Error("a 21-character post was taken")
	}
	if _, ok := party.CleanPosts([]string{"1,2,3,4,5,6,7,8,9,10,11"}); ok {
		t.Error("11 posts were taken")
	}
}

func TestHalfYear(t *testing.T) {
	for _, c := range []struct {
		at   time.Time
		name string
		from string
	}{
		{time.Date(2026, 12, 5, 10, 0, 0, 0, clock.Shanghai), "2026-H2", "2026-07-01"},
		{time.Date(2026, 6, 30, 23, 59, 0, 0, clock.Shanghai), "2026-H1", "2026-01-01"},
		{time.Date(2026, 6, 30, 16, 30, 0, 0, time.UTC), "2026-H2", "2026-07-01"}, // 00:30 on 1 July in Shanghai
		{time.Date(2026, 1, 1, 0, 0, 0, 0, clock.Shanghai), "2026-H1", "2026-01-01"},
	} {
		from, to, name := party.HalfYear(c.at)
		if name != c.name || from.In(clock.Shanghai).Format(time.DateOnly) != c.from || to.Sub(from) < 181*24*time.Hour {
			t.Errorf("HalfYear(%v) = %v, %v, %s; want %s from %s", c.at, from, to, name, c.name, c.from)
		}
		f2, t2, ok := party.ParseHalf(name)
		if !ok || !f2.Equal(from) || !t2.Equal(to) {
			t.Errorf("ParseHalf(%s) = %v, %v, %v", name, f2, t2, ok)
		}
	}
	for _, bad := range []string{"", "2026", "2026-H3", "H1-2026", "1999-H1"} {
		if _, _, ok := party.ParseHalf(bad); ok {
			t.Errorf("ParseHalf(%q) accepted", bad)
		}
	}
	if party.Minutes(time.Unix(0, 0), time.Unix(5400, 0)) != 90 || party.Minutes(time.Unix(10, 0), time.Unix(0, 0)) != 0 || party.Hours(90) != "1.5" {
		t.Error("Minutes or Hours")
	}
}
