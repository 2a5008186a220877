package demand

import (
	"gongzhi/internal/search"
	"slices"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Bigrams turns text into the token set used for duplicate detection (重复
// 诉求) and the search column: full-width ASCII is folded to ASCII (the part
// of NFKC that matters in typed Chinese) and letters lower-cased;
// punctuation (Chinese or ASCII), spaces, symbols and emoji are dropped and
// end a run; combining marks and zero-width characters are dropped without
// ending one; each run of Han characters gives its
// overlapping pairs (噪音扰民 → 噪音 音扰 扰民; a lone character gives
// nothing); each run of letters or digits is one whole token ("3号楼" → 3
// 号楼, so it differs from 三号楼 → 三号 号楼 but shares 号楼). The result is
// sorted and deduplicated, never nil.
func Bigrams(s string) []string { return search.Bigrams(s) }

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
	textFloor    = 0.15 // text similarity at or below which the texts count as unrelated
	textCeiling  = 0.40 // text similarity from which the texts count as the same complaint
	placeWeight  = 0.5
	catWeight    = 0.3
	ageWeight    = 0.2
	ageHalf      = 30.0 // days after which recency counts half
	textTieBreak = 0.05 // share of the raw text similarity, so a copy outranks a rewording
	ctxBase      = 0.3  // share of the text match kept when nothing in the context agrees
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
// noise one. On hand-made test texts, short complaints about one nuisance
// in residents' own words reach 0.35–0.77 on that measure and different
// problems at the same place stay below 0.33; two long complaints padded
// with different detail fall to 0.2–0.3 (a limit of comparing bags of
// pairs without corpus statistics). The measure is mapped linearly from
// 0.15 → 0 to 0.40 → 1, and 5% of the raw value is blended in so that
// among strong matches a copy still outranks a rewording. That text match
// t is then scaled by the context:
//
//	t       = 0.95 × clamp((text − 0.15) / 0.25, 0, 1) + 0.05 × text
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
	return textMatch(textSimilarity(query, c.Bigrams)) * contextFactor(c)
}

// textMatch is t in Score's formula: at most 1, and at most 0.05 × text
// when text ≤ textFloor.
func textMatch(text float64) float64 {
	return (1-textTieBreak)*min(max((text-textFloor)/(textCeiling-textFloor), 0), 1) + textTieBreak*text
}

// contextFactor is 0.3 + 0.7 × context in Score's formula; c.Bigrams is
// not read. Score is at most this.
func contextFactor(c Candidate) float64 {
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
	return ctxBase + (1-ctxBase)*context
}

// SearchTerms are the tokens of a search query (全文检索), to be matched
// against the SearchText column: the same pairs and word tokens as Bigrams,
// and in addition a Han character standing alone is kept as itself ("吵" →
// 吵). A bigram-only index holds no single characters, so such a term finds
// nothing there; callers fall back to LIKE for it.
func SearchTerms(q string) []string { return search.Terms(q) }

// SearchText is the value of the search column: Bigrams(s) joined with
// spaces, which FTS5's unicode61 tokenizer on SQLite and
// to_tsvector('simple') on PostgreSQL split back into the same tokens.
func SearchText(s string) string { return search.Text(s) }

// stopChars are the characters of places, times, quantities and stock
// phrases that nearly every complaint has (3号楼楼下每天晚上…, 严重影响居民生活,
// 希望相关部门处理); texts that share only these are not about the same thing.
const stopChars = "号楼栋幢单元室层区小门口路弄街道里内外边旁附近前后面上下左右东西南北中间处地方这那" +
	"每天晚早夜午时点日月年周今昨最经常总一直已再" +
	"二三四五六七八九十两几百千" +
	"的了是在有和与及我们你他她它个不也都很太大多还又就被把给让到对说要会能可以没" +
	"人家住户居民反映问题严重希望请求相关部处理解决情况生活非常特别" +
	"得着过吗呢吧啊呀哦嘛尽次"

// stopSet is stopChars as a bitset over the CJK Unified Ideographs block.
var stopSet = func() (set [(0x9FFF - 0x4E00 + 64) / 64]uint64) {
	for _, r := range stopChars {
		i := r - 0x4E00
		set[i/64] |= 1 << (i % 64)
	}
	return set
}()

// textSimilarity is the text part of Score: the mean of two weighted Dice
// coefficients, over the tokens and over the Chinese characters. The
// characters are taken as the first character of each Han pair (every
// character of a run but its last); they forgive the rewording that breaks
// pairs (楼下面 / 楼楼下). Both lists are turned into token keys and
// compared by keySimilarity, which the index of open demands (simindex.go)
// calls directly on keys it keeps.
func textSimilarity(a, b []string) float64 {
	p := keyPool.Get().(*[]uint64)
	defer keyPool.Put(p)
	buf := appendKeys((*p)[:0], a)
	n := len(buf)
	buf = appendKeys(buf, b)
	*p = buf
	return keySimilarity(buf[:n], buf[n:])
}

// keyPool holds scratch space for textSimilarity.
var keyPool = sync.Pool{New: func() any { s := make([]uint64, 0, 512); return &s }}

// A token key is a token as one integer, ordered so that a merge of two
// sorted key lists finds the shared tokens and shared characters in one pass:
//
//	Han pair:  1<<63 | r1<<40 | r2<<19 | stock(r1)<<1 | stock(r2)
//	word:      id<<1 | number
//
// Pairs sort by first character, then second, so pairs starting with the
// same character are adjacent. A word's id is its bytes, left-aligned in 56
// bits, when it has at most 7 of them, else 1<<60 | a 60-bit FNV-1a hash of
// it (two different long words share a key with probability 2⁻⁶⁰). The
// stock and number bits follow from the token, so equal tokens have equal
// keys. Eight bytes a token, against a string's sixteen plus its bytes.
const (
	keyPair  = 1 << 63
	keyHash  = 1 << 60 // in a word's id: the id is a hash
	runeBits = 21
	runeMask = 1<<runeBits - 1
)

// tokenKey is the key of one token as returned by Bigrams.
func tokenKey(t string) uint64 {
	if len(t) == 6 && t[0] >= 0xE4 && t[0] <= 0xE9 && t[3] >= 0xE4 && t[3] <= 0xE9 {
		r1 := rune(t[0]&0x0F)<<12 | rune(t[1]&0x3F)<<6 | rune(t[2]&0x3F)
		r2 := rune(t[3]&0x0F)<<12 | rune(t[4]&0x3F)<<6 | rune(t[5]&0x3F)
		if r1 >= 0x4E00 && r2 >= 0x4E00 { // a pair of common Han characters, decoded inline
			return pairKey(r1, r2)
		}
	}
	if r1, n1 := utf8.DecodeRuneInString(t); n1 < len(t) && isHan(r1) {
		if r2, n2 := utf8.DecodeRuneInString(t[n1:]); n1+n2 == len(t) {
			return pairKey(r1, r2)
		}
	}
	var id uint64
	if len(t) <= 7 {
		for i := 0; i < len(t); i++ {
			id |= uint64(t[i]) << (48 - 8*i)
		}
	} else {
		h := uint64(14695981039346656037) // FNV-1a
		for i := 0; i < len(t); i++ {
			h = (h ^ uint64(t[i])) * 1099511628211
		}
		id = keyHash | h&(keyHash-1)
	}
	if isNumber(t) {
		return id<<1 | 1
	}
	return id << 1
}

func pairKey(r1, r2 rune) uint64 {
	return keyPair | uint64(r1)<<40 | uint64(r2)<<19 | uint64(stop(r1))<<1 | uint64(stop(r2))
}

// appendKeys appends the keys of tokens (sorted and deduplicated, as from
// Bigrams) to dst, the appended part sorted. Bigrams's byte order is already
// key order for Han pairs and short ASCII words, so usually nothing moves.
func appendKeys(dst []uint64, tokens []string) []uint64 {
	n := len(dst)
	for _, t := range tokens {
		dst = append(dst, tokenKey(t))
	}
	if ks := dst[n:]; !slices.IsSorted(ks) {
		slices.Sort(ks)
	}
	return dst
}

// keyWeight is the weight of a token; keyChar the first character of a
// Han pair (-1 for a word) and its weight in the character overlap.
func keyWeight(k uint64) int32 {
	if k&keyPair == 0 {
		return wordWeights[k&1]
	}
	return pairWeights[k>>1&1+k&1]
}

func keyChar(k uint64) (int32, int32) {
	if k&keyPair == 0 {
		return -1, 0
	}
	return int32(k >> 40 & runeMask), charWeights[k>>1&1]
}

// keySimilarity is textSimilarity over sorted key lists. It merges the two:
// pairs starting with the same character are adjacent in the merged order,
// so a character is shared when the other list's last character is the
// same.
func keySimilarity(a, b []uint64) float64 {
	const done = ^uint64(0) // past the end of a list; no key is this large
	var tokBoth, tokAll, chBoth, chAll int32
	lastA, lastB := int32(-1), int32(-1) // first character of the last pair taken from a, b
	for i, j := 0, 0; i < len(a) || j < len(b); {
		ka, kb := uint64(done), uint64(done)
		if i < len(a) {
			ka = a[i]
		}
		if j < len(b) {
			kb = b[j]
		}
		if ka <= kb {
			tokAll += keyWeight(ka)
			if f, w := keyChar(ka); f >= 0 && f != lastA {
				lastA, chAll = f, chAll+w
				if lastB == f {
					chBoth += 2 * w
				}
			}
			i++
		}
		if kb <= ka {
			w := keyWeight(kb)
			tokAll += w
			if ka == kb {
				tokBoth += 2 * w
			}
			if f, w := keyChar(kb); f >= 0 && f != lastB {
				lastB, chAll = f, chAll+w
				if lastA == f {
					chBoth += 2 * w
				}
			}
			j++
		}
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

// Weights, in tenths, of what a shared token says about two complaints
// being about the same thing.
const (
	weightPlain = 10 // 广场, 垃圾, wifi; a character that is not stock
	weightHalf  = 5  // one stock character (楼下, 扰民) or a bare number (3: a building)
	weightStock = 1  // two stock characters (晚上, 号楼, 每天)
	charStock   = 2  // a stock character, in the character overlap
)

// pairWeights is the weight of a Han pair by its number of stock
// characters, wordWeights that of a word by whether it is a number,
// charWeights that of a character by whether it is stock.
var (
	pairWeights = [3]int32{weightPlain, weightHalf, weightStock}
	wordWeights = [2]int32{weightPlain, weightHalf}
	charWeights = [2]int32{weightPlain, charStock}
)

// stop is 1 for a stock character, else 0.
func stop(r rune) uint8 {
	i := r - 0x4E00
	if i < 0 || i > 0x9FFF-0x4E00 {
		return 0
	}
	return uint8(stopSet[i/64] >> (i % 64) & 1)
}

func isNumber(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < '0' || w[i] > '9' {
			return false
		}
	}
	return true
}

func isHan(r rune) bool {
	return r >= 0x4E00 && r <= 0x9FFF || r > 0x2E80 && unicode.Is(unicode.Han, r)
}
