package suggest

import (
	"math"
	"testing"
	"time"
)

var day0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func ex(text, cat string, day int) Example {
	return Example{Text: text, Category: cat, Street: "/1/2/", Lead: "lead-" + cat, At: day0.AddDate(0, 0, day)}
}

var history = []Example{
	ex("楼上装修噪音太大，晚上十点还在施工", "noise", 0),
	ex("隔壁KTV噪音扰民，晚上吵得睡不着", "noise", 1),
	ex("广场舞音响噪音太大", "noise", 2),
	ex("卫生间天花板漏水，楼上住户不处理", "leak", 3),
	ex("厨房墙面渗水漏水严重", "leak", 4),
	ex("屋顶漏水，下雨天家里滴水", "leak", 5),
	ex("小区门口乱停车，堵住消防通道", "parking", 6),
	ex("夜间停车位不够，车辆乱停", "parking", 7),
}

func TestCategoriesRankTheRightOneFirst(t *testing.T) {
	m := Train(history)
	for _, tc := range []struct{ text, want string }{
		{"楼下装修噪音，周末一早就开始", "noise"},
		{"阳台漏水到楼下", "leak"},
		{"有人乱停车挡住通道", "parking"},
		{"KTV太吵", "noise"},
	} {
		got := m.Categories(tc.text, 3)
		if len(got) != 3 || got[0].Category != tc.want {
			t.Errorf("%q: %+v, want %s first", tc.text, got, tc.want)
		}
		if !(got[0].P >= got[1].P && got[1].P >= got[2].P) {
			t.Errorf("%q: not ordered by probability: %+v", tc.text, got)
		}
	}
}

func TestCategoriesProbabilitiesAndEdges(t *testing.T) {
	m := Train(history)
	all := m.Categories("漏水", 10)
	if len(all) != 3 {
		t.Fatalf("k beyond the categories: %d guesses, want 3", len(all))
	}
	sum := 0.0
	for _, g := range all {
		sum += g.P
	}
	if math.Abs(sum-1) > 1e-9 {
		t.Fatalf("probabilities sum to %v", sum)
	}
	if got := m.Categories("漏水", 1); len(got) != 1 || got[0].Category != "leak" {
		t.Fatalf("top 1: %+v", got)
	}
	for name, got := range map[string][]Guess{
		"no text":        m.Categories("", 3),
		"only spaces":    m.Categories("   ", 3),
		"k of 0":         m.Categories("漏水", 0),
		"no history":     Train(nil).Categories("漏水", 3),
		"nil model":      (*Model)(nil).Categories("漏水", 3),
		"blank category": Train([]Example{{Text: "漏水"}}).Categories("漏水", 3),
	} {
		if got != nil {
			t.Errorf("%s: %+v, want nothing", name, got)
		}
	}
	// Unknown words leave the prior: the commonest category wins.
	skewed := Train(append(history, ex("停车难", "parking", 8), ex("停车收费", "parking", 9)))
	if got := skewed.Categories("zzzz qqqq", 1); len(got) != 1 || got[0].Category != "parking" {
		t.Fatalf("unknown words: %+v, want the commonest (parking)", got)
	}
}

func TestLeadIsTheMajorityInTheStreet(t *testing.T) {
	e := func(street, lead string) Example {
		return Example{Text: "漏水", Category: "leak", Street: street, Lead: lead}
	}
	m := Train([]Example{e("/1/2/", "b"), e("/1/2/", "a"), e("/1/2/", "b"), e("/1/3/", "c"), e("/1/4/", "y"), e("/1/4/", "x"), {Text: "漏水", Category: "leak", Street: "/1/5/"}})
	for _, tc := range []struct {
		street, cat, lead string
		share             float64
		ok                bool
	}{
		{"/1/2/", "leak", "b", 2.0 / 3, true},
		{"/1/3/", "leak", "c", 1, true},
		{"/1/4/", "leak", "x", 0.5, true}, // a tie goes to the smaller code
		{"/1/5/", "leak", "", 0, false},   // led by nobody on record
		{"/1/2/", "noise", "", 0, false},
		{"/9/", "leak", "", 0, false},
	} {
		lead, share, ok := m.Lead(tc.street, tc.cat)
		if lead != tc.lead || math.Abs(share-tc.share) > 1e-9 || ok != tc.ok {
			t.Errorf("Lead(%s, %s) = %s %.3f %v, want %s %.3f %v", tc.street, tc.cat, lead, share, ok, tc.lead, tc.share, tc.ok)
		}
	}
	if _, _, ok := (*Model)(nil).Lead("/1/2/", "leak"); ok {
		t.Error("a nil model named a lead")
	}
}

func TestHoldoutKeepsTheNewest(t *testing.T) {
	shuffled := []Example{history[5], history[0], history[7], history[2], history[1], history[6], history[3], history[4]}
	train, test := Holdout(shuffled, 0.25)
	if len(train) != 6 || len(test) != 2 {
		t.Fatalf("split %d/%d, want 6/2", len(train), len(test))
	}
	for _, e := range train {
		if !e.At.Before(test[0].At) {
			t.Fatalf("a training example (%s) is not older than the test ones (%s)", e.At, test[0].At)
		}
	}
	if test[0].At != history[6].At || test[1].At != history[7].At {
		t.Fatalf("test holds %s and %s, want the two newest", test[0].At, test[1].At)
	}
	if train, test := Holdout(history[:2], 0.1); len(train) != 1 || len(test) != 1 {
		t.Fatalf("a small history still holds one out: %d/%d", len(train), len(test))
	}
	if train, test := Holdout(history[:1], 0.5); len(train) != 1 || len(test) != 0 {
		t.Fatalf("one example: %d/%d, want it trained on", len(train), len(test))
	}
}

func TestEvaluateCountsHits(t *testing.T) {
	test := []Example{
		ex("装修噪音", "noise", 10),      // top 1
		ex("漏水", "leak", 11),         // top 1
		ex("噪音", "leak", 12),         // the model says noise first: a top-3 hit only
		ex("垃圾分类", "sanitation", 13), // a category it never saw: a miss
	}
	a := Evaluate(history, test)
	if a.N != 4 || a.Top1 != 2 || a.Top3 != 3 {
		t.Fatalf("N %d top1 %d top3 %d, want 4 2 3", a.N, a.Top1, a.Top3)
	}
	if len(a.ByCategory) != 3 || a.ByCategory[0].Category != "sanitation" || a.ByCategory[0].Top3 != 0 {
		t.Fatalf("by category, worst first: %+v", a.ByCategory)
	}
	for _, c := range a.ByCategory {
		if c.Category == "leak" && (c.N != 2 || c.Top1 != 1 || c.Top3 != 2) {
			t.Fatalf("leak: %+v, want 2 demands, 1 top-1, 2 top-3", c)
		}
	}
	if Share(3, 4) != 0.75 || Share(1, 0) != 0 {
		t.Fatal("Share")
	}
}
