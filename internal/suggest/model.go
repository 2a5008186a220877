// Package suggest proposes a demand's category and handling body while a
// hotline operator or a resident types the description, from the
// district's own closed demands (issue 12, intake assistance). It never
// files or dispatches anything: it ranks, and people choose.
//
// The category is a multinomial naive Bayes over the description's
// character bigrams and words (the same tokens search uses): simple, well
// understood, trained in one pass over the history and fast to ask (a few
// thousand map lookups). The body is the one that led most of the closed
// demands of that category in the same street.
package suggest

import (
	"math"
	"slices"
	"sort"
	"time"

	"gongzhi/internal/search"
)

// Example is one closed demand the model learns from: what the resident
// said, the category it ended up in (after any re-categorising), the street
// it lay in and the body that led it.
type Example struct {
	Text     string
	Category string
	Street   string // the area path of its street
	Lead     string // the lead body: an area code, or "unit:ID"
	At       time.Time
}

// Guess is one suggested category with its probability under the model.
type Guess struct {
	Category string  `json:"category"`
	P        float64 `json:"p"`
}

// Model is a trained category classifier and the table of lead bodies.
type Model struct {
	categories []string
	index      map[string]int
	logPrior   []float64
	feat       map[string][]float64 // a feature's count in each category
	total      []float64            // all features counted in each category
	vocab      float64
	leads      map[string]map[string]int // street + "\x00" + category → lead → demands
	N          int                       // examples it learned from
}

// alpha is the Laplace smoothing: an unseen bigram is as likely as one seen
// once in no category.
const alpha = 1.0

// features are the tokens the model reads: search's bigrams and words, each
// counted once (a description that says "漏水" three times is no more about
// leaks than one that says it once).
func features(text string) []string {
	f := search.Bigrams(text)
	slices.Sort(f)
	return slices.Compact(f)
}

// Train builds a model from examples; an empty history gives a model that
// suggests nothing.
func Train(ex []Example) *Model {
	m := &Model{index: map[string]int{}, feat: map[string][]float64{}, leads: map[string]map[string]int{}}
	counts := []float64{}
	for _, e := range ex {
		if e.Category == "" {
			continue
		}
		c, ok := m.index[e.Category]
		if !ok {
			c = len(m.categories)
			m.index[e.Category] = c
			m.categories = append(m.categories, e.Category)
			counts = append(counts, 0)
			m.total = append(m.total, 0) // feature rows grow to the new category as they are met
		}
		counts[c]++
		m.N++
		for _, f := range features(e.Text) {
			v := m.feat[f]
			if len(v) < len(m.categories) {
				v = append(v, make([]float64, len(m.categories)-len(v))...)
			}
			v[c]++
			m.feat[f] = v
			m.total[c]++
		}
		if e.Lead != "" {
			k := e.Street + "\x00" + e.Category
			if m.leads[k] == nil {
				m.leads[k] = map[string]int{}
			}
			m.leads[k][e.Lead]++
		}
	}
	m.vocab = float64(len(m.feat))
	m.logPrior = make([]float64, len(m.categories))
	for c, n := range counts {
		m.logPrior[c] = math.Log(n / float64(m.N))
	}
	return m
}

// Categories returns the k likeliest categories for text, likeliest first,
// with probabilities that sum to 1 over all categories. Nothing when the
// model knows no category or text has no token it can read.
func (m *Model) Categories(text string, k int) []Guess {
	if m == nil || len(m.categories) == 0 || k <= 0 {
		return nil
	}
	fs := features(text)
	if len(fs) == 0 {
		return nil
	}
	score := slices.Clone(m.logPrior)
	for c := range score {
		denom := math.Log(m.total[c] + alpha*(m.vocab+1))
		for _, f := range fs {
			n := 0.0
			if v := m.feat[f]; c < len(v) {
				n = v[c]
			}
			score[c] += math.Log(n+alpha) - denom
		}
	}
	// Probabilities from log scores without overflow: shift by the largest.
	top := slices.Max(score)
	sum := 0.0
	p := make([]float64, len(score))
	for c, s := range score {
		p[c] = math.Exp(s - top)
		sum += p[c]
	}
	out := make([]Guess, len(score))
	for c := range score {
		out[c] = Guess{Category: m.categories[c], P: p[c] / sum}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].P != out[j].P {
			return out[i].P > out[j].P
		}
		return out[i].Category < out[j].Category
	})
	return out[:min(k, len(out))]
}

// Lead returns the body that led most closed demands of category in street,
// with its share of them; ok is false when there were none. Ties go to the
// smaller code, so the answer does not depend on map order.
func (m *Model) Lead(street, category string) (lead string, share float64, ok bool) {
	if m == nil {
		return "", 0, false
	}
	byLead := m.leads[street+"\x00"+category]
	total, best := 0, 0
	for l, n := range byLead {
		total += n
		if n > best || n == best && l < lead {
			lead, best = l, n
		}
	}
	if total == 0 {
		return "", 0, false
	}
	return lead, float64(best) / float64(total), true
}

// cats is the categories the model knows.
func (m *Model) cats() []string {
	if m == nil {
		return nil
	}
	return m.categories
}
