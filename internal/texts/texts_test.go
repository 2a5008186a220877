package texts_test

import (
	"regexp"
	"slices"
	"testing"
	"time"
	"unicode"

	"gongzhi/internal/texts"
)

var placeholder = regexp.MustCompile(`\{[a-z_]+\}`)

// TestCatalogComplete fails when a code lacks a sentence in either
// language, when the English one holds Chinese, or when the two take
// different arguments.
func TestCatalogComplete(t *testing.T) {
	for _, code := range texts.Codes() {
		zh, en := texts.RawForTest(code)
		if zh == "" || en == "" {
			t.Errorf("%s: missing a translation (zh %q, en %q)", code, zh, en)
		}
		for _, r := range en {
			if unicode.Is(unicode.Han, r) {
				t.Errorf("%s: English sentence %q holds Chinese", code, en)
				break
			}
		}
		a, b := placeholder.FindAllString(zh, -1), placeholder.FindAllString(en, -1)
		slices.Sort(a)
		slices.Sort(b)
		if !slices.Equal(a, b) {
			t.Errorf("%s: arguments differ: zh %v, en %v", code, a, b)
		}
	}
}

func TestRender(t *testing.T) {
	due := time.Date(2026, 3, 2, 1, 30, 0, 0, time.UTC)
	cases := []struct {
		name, lang string
		text       texts.Text
		want       string
	}{
		{"plain zh", texts.ZH, texts.New("note.overdue_contact"), "超过联系时限"},
		{"plain en", texts.EN, texts.New("note.overdue_contact"), "Contact deadline missed"},
		{"unknown lang is zh", "fr", texts.New("note.overdue_resolve"), "超过办结时限"},
		{"number", texts.EN, texts.New("note.escalated", "level", "2"), "Escalated to level 2"},
		{"worded arg zh", texts.ZH, texts.New("note.received", "channel", "hotline"), "渠道：热线"},
		{"worded arg en", texts.EN, texts.New("note.received", "channel", "hotline"), "Channel: Hotline"},
		{"time in Shanghai", texts.EN, texts.New("note.extension_approved", "due", texts.Time(due)), "Extension approved until 2026-03-02 09:30"},
		{"old time kept", texts.ZH, texts.New("note.extension_approved", "due", "2026-03-02 09:30:00"), "同意延期至 2026-03-02 09:30:00"},
		{"english name", texts.EN, texts.New("notice.new", "id", "7", "category", "噪音", "category_en", "Noise"), "New demand to dispatch: Noise #7"},
		{"no english name", texts.EN, texts.New("notice.new", "id", "7", "category", "噪音"), "New demand to dispatch: 噪音 #7"},
		{"chinese ignores english name", texts.ZH, texts.New("notice.new", "id", "7", "category", "噪音", "category_en", "Noise"), "新诉求待派单：噪音 #7"},
		{"unknown code", texts.EN, texts.New("nope"), ""},
		{"empty", texts.EN, texts.Text{}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.text.In(c.lang); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestArgsRoundTrip(t *testing.T) {
	x := texts.New("note.merged_into", "id", "12")
	if got := texts.ParseArgs(x.ArgsJSON()); got["id"] != "12" {
		t.Errorf("round trip: %v", got)
	}
	if texts.New("note.overdue_contact").ArgsJSON() != "{}" || texts.ParseArgs("not json") != nil {
		t.Error("empty or damaged arguments")
	}
}

func TestAcceptLang(t *testing.T) {
	for h, want := range map[string]string{"": texts.ZH, "en": texts.EN, "en-GB,zh;q=0.5": texts.EN, "zh-CN,en;q=0.8": texts.ZH,
		"fr, en;q=0.3": texts.EN, "en;q=0": texts.ZH, "de": texts.ZH} {
		if got := texts.AcceptLang(h); got != want {
			t.Errorf("AcceptLang(%q) = %q, want %q", h, got, want)
		}
	}
}
