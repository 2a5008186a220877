// Package search is the text search every record kind shares: the
// tokenizer (Chinese as overlapping character pairs, other scripts as
// words), the index query for both engines, scope and filter tokens, and an
// index of documents that any capability registers its records with.
package search

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
	for i, size := 0, 0; i < len(s); i += size {
		// Common Han characters (U+4E00–U+9FFF, lead byte E4–E9) are decoded inline.
		var r rune
		if c := s[i]; c >= 0xE4 && c <= 0xE9 && i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80 {
			r, size = rune(c&0x0F)<<12|rune(s[i+1]&0x3F)<<6|rune(s[i+2]&0x3F), 3
		} else {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		f, class := r, classHan
		if r < 0x4E00 || r > 0x9FFF {
			f, class = classify(r)
		}
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
			r1, r2 := rune(pairs[pi]>>32), rune(pairs[pi]&0xFFFFFFFF)
			if r1 >= 0x800 && r1 <= 0xFFFF && r2 >= 0x800 && r2 <= 0xFFFF && at+6 <= len(buf) {
				// Common Han: both three bytes (surrogates never get here: they decode as U+FFFD).
				buf[at], buf[at+1], buf[at+2] = byte(0xE0|r1>>12), byte(0x80|(r1>>6)&0x3F), byte(0x80|r1&0x3F)
				buf[at+3], buf[at+4], buf[at+5] = byte(0xE0|r2>>12), byte(0x80|(r2>>6)&0x3F), byte(0x80|r2&0x3F)
				at += 6
			} else {
				at = putRune(buf, at, r1)
				at = putRune(buf, at, r2)
			}
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

// Bigrams turns text into its index tokens: the Han pairs and word tokens
// of s, sorted and deduplicated, never nil (see demand.Bigrams for the
// rules, which duplicate detection shares).
func Bigrams(s string) []string { return tokenize(s, false) }

// Terms are the tokens of a search query: the same pairs and word tokens as
// Bigrams, and in addition a Han character standing alone is kept as itself
// ("吵" → 吵). A pair index holds no single characters, so such a term finds
// nothing there; callers fall back to LIKE for it.
func Terms(q string) []string { return tokenize(q, true) }

// Text is the value of a search column: Bigrams(s) joined with spaces,
// which FTS5's unicode61 tokenizer on SQLite and to_tsvector('simple') on
// PostgreSQL split back into the same tokens.
func Text(s string) string { return strings.Join(Bigrams(s), " ") }
