package suggest

import (
	"slices"
	"sort"
)

// Accuracy is how often the model's first guess, or one of its first
// three, was the category a demand ended up in, over demands it did not
// learn from.
type Accuracy struct {
	N          int                `json:"n"`
	Top1       int                `json:"top1"`
	Top3       int                `json:"top3"`
	ByCategory []CategoryAccuracy `json:"by_category"`
}

// CategoryAccuracy is Accuracy for the demands of one category.
type CategoryAccuracy struct {
	Category string `json:"category"`
	N        int    `json:"n"`
	Top1     int    `json:"top1"`
	Top3     int    `json:"top3"`
}

// Share is hits ÷ n, 0 when n is 0.
func Share(hits, n int) float64 {
	if n == 0 {
		return 0
	}
	return float64(hits) / float64(n)
}

// Holdout splits examples by time: the newest share of them (at least one
// when there are two or more) are held out for testing and the model learns
// from the rest, as it would have on the day the newest of those was filed.
func Holdout(ex []Example, share float64) (train, test []Example) {
	s := slices.Clone(ex)
	sort.SliceStable(s, func(i, j int) bool { return s[i].At.Before(s[j].At) })
	n := int(float64(len(s)) * share)
	if n == 0 && len(s) >= 2 && share > 0 {
		n = 1
	}
	return s[:len(s)-n], s[len(s)-n:]
}

// Evaluate trains on train and counts the hits on test.
func Evaluate(train, test []Example) Accuracy {
	m := Train(train)
	var a Accuracy
	by := map[string]*CategoryAccuracy{}
	for _, e := range test {
		if e.Category == "" {
			continue
		}
		c := by[e.Category]
		if c == nil {
			c = &CategoryAccuracy{Category: e.Category}
			by[e.Category] = c
		}
		a.N++
		c.N++
		for i, g := range m.Categories(e.Text, 3) {
			if g.Category == e.Category {
				if i == 0 {
					a.Top1++
					c.Top1++
				}
				a.Top3++
				c.Top3++
				break
			}
		}
	}
	for _, c := range by {
		a.ByCategory = append(a.ByCategory, *c)
	}
	// Worst first: the categories an operator should not trust the guess for.
	sort.Slice(a.ByCategory, func(i, j int) bool {
		x, y := a.ByCategory[i], a.ByCategory[j]
		if sx, sy := Share(x.Top1, x.N), Share(y.Top1, y.N); sx != sy {
			return sx < sy
		}
		return x.Category < y.Category
	})
	return a
}
