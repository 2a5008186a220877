package demand

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Chinese has no spaces between words, so gongzhi indexes and compares text
// as overlapping character pairs (二元分词): 噪音扰民 → 噪音 音扰 扰民. Every
// two-character word is then a token, which trigram indexes miss.

// Rune classes of the tokenizer.
const (
	classSep  = iota // punctuation, spaces, symbols, emoji: ends a run
	classHan         // a Chinese character: pairs with its neighbour
	classWord        // a letter or digit of a script written with spaces
	classSkip        // a combining mark or format character: ignored
)

// classify folds r (full-width ASCII → ASCII, upper → lower case) and says
// what it is. The common cases are decided without table look-ups.
func classify(r rune) (rune, int) {
	if r >= 0xFF01 && r <= 0xFF5E { // full-width ！ … ～ (３, Ａ, ，)
		r -= 0xFEE0
	}
	switch {
	case r < utf8.RuneSelf:
		switch {
		case 'a' <= r && r <= 'z', '0' <= r && r <= '9':
			return r, classWord
		case 'A' <= r && r <= 'Z':
			return r + 'a' - 'A', classWord
		}
		return r, classSep
	case r >= 0x4E00 && r <= 0x9FFF: // CJK Unified Ideographs, nearly all real text
		return r, classHan
	case r >= 0x3000 && r <= 0x3004, r >= 0x3008 && r <= 0x3020: // 、。《》「」【】 and the ideographic space
		return r, classSep
	case unicode.Is(unicode.Han, r):
		return r, classHan
	case unicode.IsLetter(r) || unicode.IsDigit(r):
		return unicode.ToLower(r), classWord
	case unicode.In(r, unicode.Mn, unicode.Me, unicode.Mc, unicode.Cf):
		return r, classSkip
	}
	return r, classSep
}

// tokenize splits s into Han pairs and word tokens and returns them sorted
// and deduplicated. Scratch space is on the stack for texts of usual length.
func tokenize(s string, unigrams bool) []string {
	var pairBuf [256]uint64
	var wordBuf [16]string
	pairs, words := scan(s, unigrams, pairBuf[:0], wordBuf[:0])
	return join(pairs, words)
}

// scan appends the Han pairs of s to pairs, as r1<<32 | r2, and its word
// tokens to words. With unigrams, a Han character standing alone (a run of
// one) is kept as itself, r1<<32.
func scan(s string, unigrams bool, pairs []uint64, words []string) ([]uint64, []string) {
	var prev rune   // last Han character of the current run
	runLen := 0     // Han characters in the current run
	wordStart := -1 // byte offset in s where the current word began
	folded := false // the word differs from s[wordStart:i] (case, width, a skipped mark)
	var wordBuf [64]byte
	word := wordBuf[:0] // the folded word
	for i, r := range s {
		f, class := classify(r)
		if class == classSkip {
			if wordStart >= 0 && !folded { // the word's bytes in s now have a gap
				word, folded = append(word[:0], s[wordStart:i]...), true
			}
			continue
		}
		if class != classHan {
			if runLen == 1 && unigrams {
				pairs = append(pairs, uint64(prev)<<32)
			}
			runLen = 0
		}
		if class != classWord && wordStart >= 0 {
			words = appendWord(words, s[wordStart:i], word, folded)
			wordStart = -1
		}
		switch class {
		case classHan:
			if runLen > 0 {
				pairs = append(pairs, uint64(prev)<<32|uint64(f))
			}
			prev = f
			runLen++
		case classWord:
			if wordStart < 0 {
				wordStart, word, folded = i, word[:0], false
			}
			if f != r && !folded {
				word, folded = append(word[:0], s[wordStart:i]...), true
			}
			if folded {
				word = utf8.AppendRune(word, f)
			}
		}
	}
	if runLen == 1 && unigrams {
		pairs = append(pairs, uint64(prev)<<32)
	}
	if wordStart >= 0 {
		words = appendWord(words, s[wordStart:], word, folded)
	}
	return pairs, words
}

// appendWord adds a word token: the folded bytes if folding changed them,
// else the bytes of s, which needs no copy.
func appendWord(words []string, raw string, word []byte, folded bool) []string {
	if folded {
		return append(words, string(word))
	}
	return append(words, raw)
}

// join returns the tokens sorted and deduplicated, all sharing one backing
// string. Pair keys sort as their UTF-8 strings do (UTF-8 keeps code point
// order and no character's bytes are a prefix of another's), so only the
// few word tokens need merging in.
func join(pairs []uint64, words []string) []string {
	slices.Sort(pairs)
	pairs = slices.Compact(pairs)
	slices.Sort(words)
	words = slices.Compact(words)
	n := len(pairs) + len(words)
	if n == 0 {
		return []string{}
	}
	size := 0
	for _, w := range words {
		size += len(w)
	}
	for _, p := range pairs {
		size += runeLen(rune(p>>32)) + runeLen(rune(p&0xFFFFFFFF))
	}
	var bufStack [1024]byte
	var endStack [256]int32
	buf, ends := bufStack[:], endStack[:]
	if size > len(buf) {
		buf = make([]byte, size)
	}
	if n > len(ends) {
		ends = make([]int32, n)
	}
	at, wi, pi := 0, 0, 0
	for k := range n {
		if pi < len(pairs) && (wi == len(words) || pairBefore(pairs[pi], words[wi])) {
			at = putRune(buf, at, rune(pairs[pi]>>32))
			at = putRune(buf, at, rune(pairs[pi]&0xFFFFFFFF))
			pi++
		} else {
			at += copy(buf[at:], words[wi])
			wi++
		}
		ends[k] = int32(at)
	}
	all := string(buf[:at])
	out := make([]string, n)
	start := int32(0)
	for k, end := range ends[:n] {
		out[k] = all[start:end]
		start = end
	}
	return out
}

// pairBefore reports whether pair p sorts before word token w.
func pairBefore(p uint64, w string) bool {
	var tmp [8]byte
	at := putRune(tmp[:], 0, rune(p>>32))
	at = putRune(tmp[:], at, rune(p&0xFFFFFFFF))
	return string(tmp[:at]) < w
}

// runeLen is utf8.RuneLen with 0 (no second character) taking no bytes.
func runeLen(r rune) int {
	switch {
	case r == 0:
		return 0
	case r >= 0x800 && r < 0x10000:
		return 3
	}
	return utf8.RuneLen(r)
}

// putRune writes r at buf[at:], 3-byte characters (all common Han) inline,
// and returns the offset after it; 0 writes nothing.
func putRune(buf []byte, at int, r rune) int {
	switch {
	case r == 0:
		return at
	case r >= 0x800 && r < 0x10000 && (r < 0xD800 || r > 0xDFFF):
		buf[at] = byte(0xE0 | r>>12)
		buf[at+1] = byte(0x80 | (r>>6)&0x3F)
		buf[at+2] = byte(0x80 | r&0x3F)
		return at + 3
	}
	return at + utf8.EncodeRune(buf[at:], r)
}

// Bigrams turns text into the token set used for duplicate detection (重复
// 诉求) and the search column: full-width ASCII is folded to ASCII and
// letters lower-cased; punctuation (Chinese or ASCII), spaces, symbols and
// emoji are dropped and end a run; each run of Han characters gives its
// overlapping pairs (噪音扰民 → 噪音 音扰 扰民; a lone character gives
// nothing); each run of letters or digits is one whole token ("3号楼" → 3
// 号楼, so it differs from 三号楼 → 三号 号楼 but shares 号楼). The result is
// sorted and deduplicated, never nil.
func Bigrams(s string) []string { return tokenize(s, false) }

// Similarity is the Dice coefficient 2|A∩B|/(|A|+|B|) of two token sets as
// returned by Bigrams (sorted, deduplicated): 1 for the same set, 0 for
// nothing shared or when both are empty.
func Similarity(a, b []string) float64 {
	if len(a)+len(b) == 0 {
		return 0
	}
	return 2 * float64(intersect(a, b)) / float64(len(a)+len(b))
}

// intersect counts the strings in both sorted sets.
func intersect(a, b []string) int {
	n, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			n++
			i++
			j++
		}
	}
	return n
}

// Candidate is an open demand that a new one may duplicate (疑似重复), with
// what the caller knows of how it relates to the new demand: its place (same
// residential area or grid, or a neighbouring one), its category (the same,
// or a related one such as a sibling in the category tree) and its age.
type Candidate struct {
	ID              int64
	Bigrams         []string
	SameArea        bool
	NearArea        bool
	SameCategory    bool
	RelatedCategory bool
	AgeDays         float64
}

// Score weights, documented on Score.
const (
	textFloor   = 0.15 // text similarity at or below which the texts count as unrelated
	textCeiling = 0.40 // text similarity from which the texts count as the same complaint
	placeWeight = 0.5
	catWeight   = 0.3
	ageWeight   = 0.2
	ageHalf     = 30.0 // days after which recency counts half
	ctxBase     = 0.3  // share of the text match kept when nothing in the context agrees
)

// Score rates how likely candidate c reports the same problem as the demand
// with tokens query (疑似重复的相似度, 0..1), for the similar-demands list on
// intake and GET /api/v1/demands/{id}/similar.
//
// Text decides, context confirms. The text similarity is the mean of two
// weighted Dice coefficients, one over the tokens and one over the
// characters (which forgives rewording: 楼下面 / 楼楼下). Shared words about
// the subject count fully (广场, 噪音); pairs made of stock characters of
// places, times and set phrases that every complaint has count 0.1 (号楼,
// 每天, 晚上), pairs with one of them and bare numbers 0.5 (楼下, 扰民, 3),
// so "3号楼楼下每天晚上…" does not make a parking complaint a duplicate of a
// noise one. Residents describing one nuisance in their own words reach
// 0.37–0.77 on that measure, different problems at the same place 0.10–0.31,
// so it is mapped linearly from 0.15 → 0 to 0.40 → 1. That text match t is
// then scaled by the context:
//
//	score   = t × (0.3 + 0.7 × context)
//	context = 0.5×place + 0.3×category + 0.2×recency
//	place: same area 1, near area 0.6, else 0
//	category: same 1, related 0.5, else 0
//	recency: 1/(1 + AgeDays/30), halving at 30 days
//
// A fresh complaint with the same text scores 1 in the same area and
// category, 0.79 in the same area under another category, and 0.44 in
// another street under an unrelated category.
func Score(query []string, c Candidate) float64 {
	if len(query) == 0 || len(c.Bigrams) == 0 {
		return 0
	}
	text := textSimilarity(query, c.Bigrams)
	t := min(max((text-textFloor)/(textCeiling-textFloor), 0), 1)
	if t == 0 {
		return 0
	}
	place := 0.0
	switch {
	case c.SameArea:
		place = 1
	case c.NearArea:
		place = 0.6
	}
	cat := 0.0
	switch {
	case c.SameCategory:
		cat = 1
	case c.RelatedCategory:
		cat = 0.5
	}
	age := c.AgeDays
	if !(age > 0) { // negative (clock skew) or NaN: treat as new
		age = 0
	}
	recency := 1 / (1 + age/ageHalf)
	context := placeWeight*place + catWeight*cat + ageWeight*recency
	return t * (ctxBase + (1-ctxBase)*context)
}

// SearchTerms are the tokens of a search query (全文检索), to be matched
// against the SearchText column: the same pairs and word tokens as Bigrams,
// and in addition a Han character standing alone is kept as itself ("吵" →
// 吵). A bigram-only index holds no single characters, so such a term finds
// nothing there; callers fall back to LIKE for it.
func SearchTerms(q string) []string { return tokenize(q, true) }

// SearchText is the value of the search column: Bigrams(s) joined with
// spaces, which FTS5's unicode61 tokenizer on SQLite and
// to_tsvector('simple') on PostgreSQL split back into the same tokens.
func SearchText(s string) string { return strings.Join(Bigrams(s), " ") }

// stopChars are the characters of places, times, quantities and stock
// phrases that nearly every complaint has (3号楼楼下每天晚上…, 严重影响居民生活,
// 希望相关部门处理); texts that share only these are not about the same thing.
const stopChars = "号楼栋幢单元室层区小门口路弄街道里内外边旁附近前后面上下左右东西南北中间处地方这那" +
	"每天晚早夜午时点日月年周今昨最经常总一直已再" +
	"二三四五六七八九十两几百千" +
	"的了是在有和与及我们你他她它个不也都很太大多还又就被把给让到对说要会能可以没" +
	"人家住户居民反映问题严重希望请求相关部处理解决情况生活非常特别"

// stopSet is stopChars as a bitset over the CJK Unified Ideographs block.
var stopSet = func() (set [(0x9FFF - 0x4E00 + 64) / 64]uint64) {
	for _, r := range stopChars {
		i := r - 0x4E00
		set[i/64] |= 1 << (i % 64)
	}
	return set
}()

func isStop(r rune) bool {
	i := r - 0x4E00
	return i >= 0 && i <= 0x9FFF-0x4E00 && stopSet[i/64]&(1<<(i%64)) != 0
}

// Token weights for Score: how much a shared token says that two complaints
// are about the same thing.
const (
	weightPlain = 1.0 // 广场, 垃圾, wifi
	weightHalf  = 0.5 // one stock character (楼下, 扰民) or a bare number (3: a building)
	weightStock = 0.1 // two stock characters (晚上, 号楼, 每天)
	charStock   = 0.2 // one stock character, in the character overlap
)

// tokenWeight weighs a token from Bigrams: a Han pair by its stock characters,
// a word token by whether it is only a number.
func tokenWeight(t string) float64 {
	r1, size := utf8.DecodeRuneInString(t)
	if size < len(t) && isHan(r1) {
		r2, _ := utf8.DecodeRuneInString(t[size:])
		switch n := b2i(isStop(r1)) + b2i(isStop(r2)); n {
		case 0:
			return weightPlain
		case 1:
			return weightHalf
		}
		return weightStock
	}
	return wordWeight(t)
}

// unitWeight weighs a unit from nextUnit: a character, or a word token whole.
func unitWeight(u string) float64 {
	r, size := utf8.DecodeRuneInString(u)
	if size == len(u) && isHan(r) {
		if isStop(r) {
			return charStock
		}
		return weightPlain
	}
	return wordWeight(u)
}

func wordWeight(w string) float64 {
	for i := 0; i < len(w); i++ {
		if w[i] < '0' || w[i] > '9' {
			return weightPlain
		}
	}
	return weightHalf
}

func isHan(r rune) bool {
	return r >= 0x4E00 && r <= 0x9FFF || r > 0x2E80 && unicode.Is(unicode.Han, r)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// textSimilarity is the text part of Score: the mean of a weighted Dice
// coefficient of the tokens and one of the characters (see charDice).
func textSimilarity(a, b []string) float64 {
	var both, all float64
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			all += tokenWeight(a[i])
			i++
		case a[i] > b[j]:
			all += tokenWeight(b[j])
			j++
		default:
			w := tokenWeight(a[i])
			both += 2 * w
			all += 2 * w
			i++
			j++
		}
	}
	for ; i < len(a); i++ {
		all += tokenWeight(a[i])
	}
	for ; j < len(b); j++ {
		all += tokenWeight(b[j])
	}
	if all == 0 {
		return 0
	}
	return (both/all + charDice(a, b)) / 2
}

// charDice is the weighted Dice coefficient of the characters of two token
// sets, approximated by the first character of each Han pair (every
// character of a run but its last) and by whole word tokens. Pairs are
// sorted, so these units come out in order and merge without allocating.
// Characters forgive the rewording that breaks pairs (楼下面 / 楼楼下).
func charDice(a, b []string) float64 {
	var both, all float64
	i, j := 0, 0
	ua, ub := "", ""
	for i < len(a) || j < len(b) || ua != "" || ub != "" {
		if ua == "" && i < len(a) {
			ua, i = nextUnit(a, i)
			all += unitWeight(ua)
		}
		if ub == "" && j < len(b) {
			ub, j = nextUnit(b, j)
			all += unitWeight(ub)
		}
		switch {
		case ua == "":
			ub = ""
		case ub == "":
			ua = ""
		case ua < ub:
			ua = ""
		case ua > ub:
			ub = ""
		default:
			both += 2 * unitWeight(ua)
			ua, ub = "", ""
		}
	}
	if all == 0 {
		return 0
	}
	return both / all
}

// nextUnit returns the unit of a[i] and the index after every token sharing it.
func nextUnit(a []string, i int) (string, int) {
	u := unit(a[i])
	for i++; i < len(a) && strings.HasPrefix(a[i], u) && unit(a[i]) == u; i++ {
	}
	return u, i
}

// unit is a Han pair's first character, or a word token whole.
func unit(t string) string {
	r, size := utf8.DecodeRuneInString(t)
	if size < len(t) && isHan(r) {
		return t[:size]
	}
	return t
}
