package demand_test

import (
	"math"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"gongzhi/internal/demand"
)

func TestBigrams(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"empty", "", []string{}},
		{"pure punctuation", "，。！？、……「」【】《》 !?.,;:'\"-", []string{}},
		{"emoji only", "😀😂👍🏻❤️", []string{}},
		{"one character", "吵", []string{}},
		{"overlapping pairs", "噪音扰民", []string{"噪音", "扰民", "音扰"}},
		{"digits are a token", "3号楼", []string{"3", "号楼"}},
		{"Chinese numerals pair", "三号楼", []string{"三号", "号楼"}},
		{"full-width digits", "３号楼", []string{"3", "号楼"}},
		{"full-width letters lower-cased", "ＡＢＣ小区", []string{"abc", "小区"}},
		{"full-width words", "ｈｅｌｌｏ，ＷＯＲＬＤ！", []string{"hello", "world"}},
		{"mixed Chinese, English, digits", "iPhone 15 Pro充电口坏了", []string{"15", "iphone", "pro", "充电", "口坏", "坏了", "电口"}},
		{"address", "2号楼3单元302室", []string{"2", "3", "302", "单元", "号楼"}},
		{"punctuation ends a run", "太大，严重", []string{"严重", "太大"}},
		{"space ends a run", "噪 音", []string{}},
		{"ideographic space ends a run", "噪音\u3000扰民", []string{"噪音", "扰民"}},
		{"emoji ends a run", "噪音😡扰民", []string{"噪音", "扰民"}},
		{"zero-width space is ignored", "噪\u200b音", []string{"噪音"}},
		{"duplicates removed", "噪音噪音噪音", []string{"噪音", "音噪"}},
		{"hyphen splits words", "Wi-Fi信号差", []string{"fi", "wi", "信号", "号差"}},
		{"accented letters", "CAFÉ Café", []string{"café"}},
		{"combining mark dropped", "cafe\u0301", []string{"cafe"}},
		{"〇 is Han", "二〇二六", []string{"〇二", "二〇", "二六"}},
		{"CJK extension B", "𠀀𠀁", []string{"𠀀𠀁"}},
		{"invalid UTF-8 ends a run", "噪\xff音", []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := demand.Bigrams(tt.in)
			if got == nil || !slices.Equal(got, tt.want) {
				t.Errorf("Bigrams(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// Whatever the input, the result is sorted, unique and valid UTF-8.
func TestBigramsSortedUnique(t *testing.T) {
	inputs := append(slices.Clone(complaints), "ＡＢＣ abc ABC 3号楼 三号楼 楼3号 a噪b音c 😀 é e\u0301 𠀀𠀁 Zz zz", strings.Repeat("噪音扰民，", 300))
	for _, in := range inputs {
		got := demand.Bigrams(in)
		for i, tok := range got {
			if tok == "" || !utf8.ValidString(tok) {
				t.Errorf("Bigrams(%q) has token %q", in, tok)
			}
			if i > 0 && got[i-1] >= tok {
				t.Errorf("Bigrams(%q) not sorted and unique at %q, %q", in, got[i-1], tok)
			}
		}
	}
}

func TestSearchTerms(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", []string{}},
		{"，", []string{}},
		{"噪音", []string{"噪音"}},
		{"吵", []string{"吵"}},
		{" 吵！", []string{"吵"}},
		{"噪音 吵", []string{"吵", "噪音"}},
		{"广场舞", []string{"场舞", "广场"}},
		{"3号楼", []string{"3", "号楼"}},
		{"ＷｉＦｉ", []string{"wifi"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := demand.SearchTerms(tt.in); got == nil || !slices.Equal(got, tt.want) {
				t.Errorf("SearchTerms(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestSearchText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"😀！", ""},
		{"噪音扰民", "噪音 扰民 音扰"},
		{"3号楼噪音", "3 号楼 噪音 楼噪"},
	}
	for _, tt := range tests {
		if got := demand.SearchText(tt.in); got != tt.want {
			t.Errorf("SearchText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	// A query's pairs are all in the text's column when the text has the word.
	col := strings.Fields(demand.SearchText(complaints[0]))
	for _, term := range demand.SearchTerms("广场舞 扰民") {
		if !slices.Contains(col, term) {
			t.Errorf("term %q of 广场舞 missing from %q", term, col)
		}
	}
}

func TestSimilarity(t *testing.T) {
	tests := []struct {
		name string
		a, b []string
		want float64
	}{
		{"both empty", nil, nil, 0},
		{"one empty", []string{"噪音"}, nil, 0},
		{"same", []string{"噪音", "扰民"}, []string{"噪音", "扰民"}, 1},
		{"disjoint", []string{"噪音"}, []string{"垃圾"}, 0},
		{"half", []string{"噪音", "扰民"}, []string{"扰民", "音扰"}, 0.5},
		{"uneven", []string{"3", "号楼"}, []string{"三号", "号楼", "楼下", "下面"}, 2.0 / 6},
		{"texts", demand.Bigrams("噪音扰民"), demand.Bigrams("噪音扰民！！"), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := demand.Similarity(tt.a, tt.b); math.Abs(got-tt.want) > 1e-9 {
				t.Errorf("Similarity = %v, want %v", got, tt.want)
			}
		})
	}
}

// complaints are the texts the Score tests use.
var complaints = []string{
	"3号楼楼下每天晚上广场舞音响声音太大，严重扰民",          // 0 the nuisance
	"3号楼楼下广场舞每天晚上声音太大太吵，扰民严重",          // 1 the same, reworded
	"三号楼下面广场舞音响太响了，晚上睡不着",              // 2 the same, other words
	"我们小区3号楼下面每天晚上跳广场舞，音响开得特别大，吵得没法休息", // 3 the same, longer
	"小区门口的垃圾箱满了没人清运，气味很大",              // 4 unrelated
	"3号楼楼下垃圾箱满了没人清运",                   // 5 another problem, same building
	"3号楼楼下每天晚上有人违章停车，堵住消防通道",           // 6 another problem, same words of place and time
	"3号楼楼上装修噪音太大，每天早上七点就开始",            // 7 another noise, same building
	"ＷｉＦｉ信号差，3号楼电梯里没有信号😡",              // 8 unrelated, mixed scripts
}

func TestScoreDuplicates(t *testing.T) {
	same := func(b []string) demand.Candidate {
		return demand.Candidate{ID: 1, Bigrams: b, SameArea: true, SameCategory: true, AgeDays: 0.5}
	}
	tests := []struct {
		name     string
		a, b     int
		min, max float64
	}{
		{"reworded", 0, 1, 0.8, 1},
		{"other words", 0, 2, 0.8, 1},
		{"other words, reworded", 1, 2, 0.8, 1},
		{"longer", 0, 3, 0.8, 1},
		{"longer, other words", 2, 3, 0.8, 1},
		{"unrelated", 0, 4, 0, 0.5},
		{"unrelated to the reworded", 1, 4, 0, 0.5},
		{"unrelated to the third", 2, 4, 0, 0.5},
		{"another problem in the same building", 0, 5, 0, 0.5},
		{"another problem at the same place and time", 0, 6, 0, 0.5},
		{"another noise in the same building", 0, 7, 0, 0.8},
		{"unrelated, mixed scripts", 0, 8, 0, 0.5},
		{"identical", 4, 4, 0.99, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := demand.Bigrams(complaints[tt.a]), demand.Bigrams(complaints[tt.b])
			got := demand.Score(a, same(b))
			if got < tt.min || got > tt.max {
				t.Errorf("Score(%q, %q) = %.3f, want %.2f..%.2f", complaints[tt.a], complaints[tt.b], got, tt.min, tt.max)
			}
			if back := demand.Score(b, same(a)); math.Abs(back-got) > 1e-9 {
				t.Errorf("Score is not symmetric: %.3f and %.3f", got, back)
			}
		})
	}
}

func TestScoreContext(t *testing.T) {
	q, dup := demand.Bigrams(complaints[0]), demand.Bigrams(complaints[1])
	c := func(sameArea, nearArea, sameCat, relCat bool, age float64) demand.Candidate {
		return demand.Candidate{Bigrams: dup, SameArea: sameArea, NearArea: nearArea, SameCategory: sameCat, RelatedCategory: relCat, AgeDays: age}
	}
	// Each row scores strictly lower than the row before it.
	ordered := []struct {
		name string
		c    demand.Candidate
	}{
		{"same area, same category, today", c(true, false, true, false, 0)},
		{"same area, same category, 10 days old", c(true, false, true, false, 10)},
		{"same area, related category", c(true, false, false, true, 10)},
		{"near area, related category", c(false, true, false, true, 10)},
		{"near area, unrelated category", c(false, true, false, false, 10)},
		{"another street, unrelated category", c(false, false, false, false, 10)},
		{"another street, unrelated category, a year old", c(false, false, false, false, 365)},
	}
	prev := math.Inf(1)
	for _, o := range ordered {
		got := demand.Score(q, o.c)
		if got >= prev || got < 0 || got > 1 {
			t.Errorf("%s: score %.3f, want in [0,1] and below %.3f", o.name, got, prev)
		}
		prev = got
	}
	// The same text elsewhere is weaker evidence than in the same area.
	text := demand.Bigrams(complaints[2])
	here := demand.Score(text, demand.Candidate{Bigrams: text, SameArea: true, SameCategory: true})
	there := demand.Score(text, demand.Candidate{Bigrams: text})
	if !(there < here) || there >= 0.5 || here < 0.99 {
		t.Errorf("same text: same area %.3f, another street and category %.3f; want ≥ 0.99 and < 0.5", here, there)
	}
}

func TestScoreEdges(t *testing.T) {
	q := demand.Bigrams(complaints[0])
	tests := []struct {
		name  string
		query []string
		c     demand.Candidate
		want  func(float64) bool
	}{
		{"empty query", nil, demand.Candidate{Bigrams: q, SameArea: true, SameCategory: true}, func(s float64) bool { return s == 0 }},
		{"empty candidate", q, demand.Candidate{SameArea: true, SameCategory: true}, func(s float64) bool { return s == 0 }},
		{"both empty", []string{}, demand.Candidate{Bigrams: []string{}}, func(s float64) bool { return s == 0 }},
		{"negative age counts as new", q, demand.Candidate{Bigrams: q, SameArea: true, SameCategory: true, AgeDays: -3}, func(s float64) bool { return s > 0.99 && s <= 1 }},
		{"NaN age counts as new", q, demand.Candidate{Bigrams: q, SameArea: true, SameCategory: true, AgeDays: math.NaN()}, func(s float64) bool { return s > 0.99 && s <= 1 }},
		{"ancient", q, demand.Candidate{Bigrams: q, SameArea: true, SameCategory: true, AgeDays: 1e9}, func(s float64) bool { return s >= 0.8 && s < 0.9 }},
		{"numbers only", demand.Bigrams("3"), demand.Candidate{Bigrams: demand.Bigrams("3号"), SameArea: true}, func(s float64) bool { return s >= 0 && s <= 1 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := demand.Score(tt.query, tt.c); !tt.want(got) {
				t.Errorf("Score = %v", got)
			}
		})
	}
	// Every pair of test texts in every context stays within [0, 1].
	for _, a := range complaints {
		for _, b := range complaints {
			for mask := range 16 {
				c := demand.Candidate{Bigrams: demand.Bigrams(b), SameArea: mask&1 != 0, NearArea: mask&2 != 0, SameCategory: mask&4 != 0, RelatedCategory: mask&8 != 0}
				if s := demand.Score(demand.Bigrams(a), c); s < 0 || s > 1 || math.IsNaN(s) {
					t.Fatalf("Score(%q, %q, %+v) = %v", a, b, c, s)
				}
			}
		}
	}
}

// text200 is a 200-character complaint as a hotline operator types it.
var text200 = []rune("我们是徐汇区某街道幸福小区3号楼的居民，最近一个月以来，每天晚上七点到十点，小区中心花园总有一群阿姨跳广场舞，音响开得非常大，" +
	"严重影响了周边居民的正常休息，家里有高三学生需要复习备考，老人心脏也不好。多次和物业反映，物业表示无权管理，让我们找居委会和派出所。" +
	"居委会说会去协调，但一直没有结果。希望相关部门能够尽快协调，规定活动时间并控制音量，谢谢！联系电话请见登记信息。" +
	"这个问题已经持续很久了，之前打过12345热线也没有解决。")

func BenchmarkBigrams(b *testing.B) {
	s := string(text200[:200])
	b.SetBytes(int64(len(s)))
	b.ReportAllocs()
	for b.Loop() {
		demand.Bigrams(s)
	}
}

// typical are two complaints of the usual length, about 60 characters.
var typical = [2]string{
	"我们小区3号楼下面每天晚上七点到十点都有人跳广场舞，音响开得特别大，吵得老人孩子没法休息，和物业说了也没用，希望尽快处理。",
	"3号楼楼下花园广场舞噪音扰民已经一个多月了，晚上音响声音太大，家里有学生要复习，多次反映没有结果，请相关部门管一管。",
}

// BenchmarkScore compares two complaints of typical length (about 60
// characters, 55 tokens each).
func BenchmarkScore(b *testing.B) {
	q := demand.Bigrams(typical[0])
	c := demand.Candidate{ID: 1, Bigrams: demand.Bigrams(typical[1]), SameArea: true, SameCategory: true, AgeDays: 3}
	b.ReportAllocs()
	for b.Loop() {
		demand.Score(q, c)
	}
}

// BenchmarkScoreLong compares two 200-character complaints.
func BenchmarkScoreLong(b *testing.B) {
	q := demand.Bigrams(string(text200[:200]))
	c := demand.Candidate{ID: 1, Bigrams: demand.Bigrams(string(text200[len(text200)-200:])), SameArea: true, SameCategory: true, AgeDays: 3}
	b.ReportAllocs()
	for b.Loop() {
		demand.Score(q, c)
	}
}
