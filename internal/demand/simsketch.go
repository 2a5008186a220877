package demand

import "math/bits"

// A textSketch bounds how alike two texts can be without comparing them.
// Most open demands a duplicate check looks at are about something else;
// the sketch, kept inside the index entry, lets the check pass them over
// without reading their token keys (a cache miss and a merge each).
//
// Each token of the text sets one of 128 bits, and so does the first
// character of each Han pair. A token both texts share sets the same bit in
// both, so the query's tokens whose bit the candidate also set weigh at
// least as much as the shared ones; likewise for characters. With the
// totals exact, that bounds both Dice coefficients of textSimilarity from
// above, and hence the score.
type textSketch struct {
	tok, ch       [2]uint64 // bits of the tokens, of the first characters
	tokAll, chAll int32     // total token weight, total weight of distinct first characters
}

// querySketch is the sketch of the new text with, per bit, the weight of
// its tokens and characters there.
type querySketch struct {
	textSketch
	tokW, chW [128]int32
}

// sketchBit spreads keys and characters over the 128 bits (Fibonacci hashing).
func sketchBit(v uint64) uint { return uint(v * 0x9E3779B97F4A7C15 >> 57) }

// sketchOf sketches sorted keys. It counts each first character once, as
// keySimilarity does: pairs sort after words and by first character.
func sketchOf(keys []uint64) textSketch {
	s, _ := sketch(keys, false)
	return s
}

func querySketchOf(keys []uint64) *querySketch {
	_, q := sketch(keys, true)
	return q
}

func sketch(keys []uint64, weights bool) (textSketch, *querySketch) {
	var s textSketch
	var q *querySketch
	if weights {
		q = &querySketch{}
	}
	last := int32(-1)
	for _, k := range keys {
		b, w := sketchBit(k), keyWeight(k)
		s.tok[b>>6] |= 1 << (b & 63)
		s.tokAll += w
		if q != nil {
			q.tokW[b] += w
		}
		if f, cw := keyChar(k); f >= 0 && f != last {
			last = f
			b := sketchBit(uint64(f))
			s.ch[b>>6] |= 1 << (b & 63)
			s.chAll += cw
			if q != nil {
				q.chW[b] += cw
			}
		}
	}
	if q != nil {
		q.textSketch = s
	}
	return s, q
}

// textBound is at least keySimilarity of the query's keys and those e
// sketches, computed the same way with the shared weights replaced by
// their bounds, so the floating-point result bounds it too.
func (q *querySketch) textBound(e *textSketch) float64 {
	tokAll := q.tokAll + e.tokAll
	if tokAll == 0 {
		return 0
	}
	var tok, ch int32
	for i := range 2 {
		for m := q.tok[i] & e.tok[i]; m != 0; m &= m - 1 {
			tok += q.tokW[i<<6|bits.TrailingZeros64(m)]
		}
		for m := q.ch[i] & e.ch[i]; m != 0; m &= m - 1 {
			ch += q.chW[i<<6|bits.TrailingZeros64(m)]
		}
	}
	sim := float64(2*tok) / float64(tokAll)
	if chAll := q.chAll + e.chAll; chAll > 0 {
		sim += float64(2*ch) / float64(chAll)
	}
	return sim / 2
}
