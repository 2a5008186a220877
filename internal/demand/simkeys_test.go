package demand

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// The duplicate index compares token keys (similar.go) instead of token
// strings; these tests hold the keys to the measure as Score documents it.

// randomText mixes what complaints hold: stock and plain Han characters, a
// rare character outside the common block, digits, ASCII and full-width
// letters, long words, Hangul and Cyrillic words, punctuation, emoji.
func randomText(rng *rand.Rand) string {
	pieces := []string{"楼", "下", "号", "每", "天", "晚", "上", "广", "场", "舞", "音", "响", "噪", "垃", "圾", "电", "梯", "漏", "水",
		"𠀋", "𪚥", "3", "12", "2026", "wifi", "ＷｉＦｉ", "abcdefghij", "superlongword", "다", "한국어", "дом", "，", "。", " ", "😡", "a", "Z"}
	var b strings.Builder
	for range 1 + rng.IntN(40) {
		b.WriteString(pieces[rng.IntN(len(pieces))])
	}
	return b.String()
}

// definedSimilarity is textSimilarity written as Score's comment defines
// it, over sets, with no merge.
func definedSimilarity(a, b []string) float64 {
	weight := func(t string) int32 {
		r1, n := utf8.DecodeRuneInString(t)
		if n < len(t) && isHan(r1) {
			r2, _ := utf8.DecodeRuneInString(t[n:])
			return pairWeights[stop(r1)+stop(r2)]
		}
		if isNumber(t) {
			return weightHalf
		}
		return weightPlain
	}
	chars := func(ts []string) map[rune]int32 {
		out := map[rune]int32{}
		for _, t := range ts {
			if r1, n := utf8.DecodeRuneInString(t); n < len(t) && isHan(r1) {
				out[r1] = charWeights[stop(r1)]
			}
		}
		return out
	}
	var tokBoth, tokAll, chBoth, chAll int32
	for _, t := range a {
		tokAll += weight(t)
		if slices.Contains(b, t) {
			tokBoth += 2 * weight(t)
		}
	}
	for _, t := range b {
		tokAll += weight(t)
	}
	ca, cb := chars(a), chars(b)
	for r, w := range ca {
		chAll += w
		if _, ok := cb[r]; ok {
			chBoth += 2 * w
		}
	}
	for _, w := range cb {
		chAll += w
	}
	if tokAll == 0 {
		return 0
	}
	sim := float64(tokBoth) / float64(tokAll)
	if chAll > 0 {
		sim += float64(chBoth) / float64(chAll)
	}
	return sim / 2
}

func TestTextSimilarityAsDefined(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	for range 5000 {
		x, y := randomText(rng), randomText(rng)
		if rng.IntN(4) == 0 { // a shared stretch, so overlaps are common
			y = x[:len(x)/2] + y
		}
		a, b := Bigrams(x), Bigrams(y)
		want := definedSimilarity(a, b)
		if got := textSimilarity(a, b); got != want {
			t.Fatalf("textSimilarity(%q, %q) = %v, want %v", x, y, got, want)
		}
		// The index reads the stored search text back into keys.
		var ka, kb []uint64
		for tok := range strings.FieldsSeq(SearchText(x)) {
			ka = append(ka, tokenKey(tok))
		}
		for tok := range strings.FieldsSeq(SearchText(y)) {
			kb = append(kb, tokenKey(tok))
		}
		slices.Sort(ka)
		slices.Sort(kb)
		if got := keySimilarity(ka, kb); got != want {
			t.Fatalf("keySimilarity(%q, %q) = %v, want %v", x, y, got, want)
		}
	}
}

func TestTokenKeys(t *testing.T) {
	pair := func(k uint64) bool { return k&keyPair != 0 }
	tests := []struct {
		token      string
		pair       bool
		weight     int32
		first      int32
		charWeight int32
	}{
		{"广场", true, weightPlain, '广', weightPlain},
		{"楼梯", true, weightHalf, '楼', charStock},
		{"楼下", true, weightStock, '楼', charStock},
		{"扰民", true, weightHalf, '扰', weightPlain},
		{"号楼", true, weightStock, '号', charStock},
		{"𠀋楼", true, weightHalf, 0x2000B, weightPlain}, // outside the common block
		{"3", false, weightHalf, -1, 0},
		{"2026", false, weightHalf, -1, 0},
		{"wifi", false, weightPlain, -1, 0},
		{"12345678901", false, weightHalf, -1, 0}, // long: hashed
		{"superlongword", false, weightPlain, -1, 0},
		{"한국어", false, weightPlain, -1, 0},
	}
	for _, tt := range tests {
		k := tokenKey(tt.token)
		first, cw := keyChar(k)
		if pair(k) != tt.pair || keyWeight(k) != tt.weight || first != tt.first || cw != tt.charWeight {
			t.Errorf("%q: key %x: pair %v weight %d first %d char weight %d; want %v %d %d %d", tt.token, k, pair(k), keyWeight(k), first, cw,
				tt.pair, tt.weight, tt.first, tt.charWeight)
		}
	}
	// Different tokens have different keys, and pairs sort by first character.
	rng := rand.New(rand.NewPCG(7, 11))
	seen := map[uint64]string{}
	for range 2000 {
		for _, tok := range Bigrams(randomText(rng)) {
			k := tokenKey(tok)
			if other, ok := seen[k]; ok && other != tok {
				t.Fatalf("%q and %q share key %x", tok, other, k)
			}
			seen[k] = tok
		}
	}
	ks := appendKeys(nil, Bigrams("楼下广场舞音响𠀋楼 wifi 3"))
	if !slices.IsSorted(ks) {
		t.Fatalf("keys not sorted: %x", ks)
	}
	for i := 1; i < len(ks); i++ {
		a, _ := keyChar(ks[i-1])
		b, _ := keyChar(ks[i])
		if a > b {
			t.Fatalf("pairs out of character order: %x", ks)
		}
	}
}

func TestSketchBoundsSimilarity(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 17))
	for range 5000 {
		x, y := randomText(rng), randomText(rng)
		if rng.IntN(4) == 0 {
			y = x[:len(x)/2] + y
		}
		a, b := appendKeys(nil, Bigrams(x)), appendKeys(nil, Bigrams(y))
		q, e := querySketchOf(a), sketchOf(b)
		if got, bound := keySimilarity(a, b), q.textBound(&e); got > bound {
			t.Fatalf("similarity of %q and %q is %v, above its bound %v", x, y, got, bound)
		}
		if self := sketchOf(a); q.textBound(&self) != keySimilarity(a, a) { // the bound is exact when all is shared
			t.Fatalf("bound of %q against itself: %v, want %v", x, q.textBound(&self), keySimilarity(a, a))
		}
	}
	// Unrelated complaints are told apart by the sketch alone.
	q := querySketchOf(appendKeys(nil, Bigrams("3号楼楼下每天晚上广场舞音响声音太大，严重扰民")))
	e := sketchOf(appendKeys(nil, Bigrams("小区门口的垃圾箱满了没人清运，气味很大")))
	if bound := q.textBound(&e); bound > textFloor {
		t.Errorf("bound for unrelated complaints %v, want at most %v", bound, textFloor)
	}
}

// BenchmarkKeySimilarity is the text comparison a duplicate check makes per
// candidate it does not pass over: two complaints of about 60 characters,
// as token keys held in the index.
func BenchmarkKeySimilarity(b *testing.B) {
	q := appendKeys(nil, Bigrams("我们小区3号楼下面每天晚上七点到十点都有人跳广场舞，音响开得特别大，吵得老人孩子没法休息，和物业说了也没用，希望尽快处理。"))
	c := appendKeys(nil, Bigrams("3号楼楼下花园广场舞噪音扰民已经一个多月了，晚上音响声音太大，家里有学生要复习，多次反映没有结果，请相关部门管一管。"))
	for b.Loop() {
		keySimilarity(q, c)
	}
}

// BenchmarkSketchBound is what passing a candidate over costs.
func BenchmarkSketchBound(b *testing.B) {
	q := querySketchOf(appendKeys(nil, Bigrams("我们小区3号楼下面每天晚上七点到十点都有人跳广场舞，音响开得特别大，吵得老人孩子没法休息，和物业说了也没用，希望尽快处理。")))
	c := sketchOf(appendKeys(nil, Bigrams("小区门口的垃圾箱满了没人清运，气味很大，夏天苍蝇蚊子特别多，希望物业每天清运两次。")))
	for b.Loop() {
		q.textBound(&c)
	}
}
