package hotspot_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gongzhi/internal/hotspot"
)

// BenchmarkWeekly is one weekly run over the rollups of a city receiving
// 10,000,000 demands a year: 20,000 grids × 25 categories (500,000 cells),
// each with its eight baseline weeks and the tested one (about 1.7 million
// demands in the nine weeks), synthetic counts with grids of very
// different sizes. It measures what the job computes after reading the
// rollups: baselines, p-values, Benjamini–Hochberg, the ranking.
func BenchmarkWeekly(b *testing.B) {
	const grids, cats, perYear = 20_000, 25, 10_000_000
	r := rand.New(rand.NewPCG(1, 2))
	mean := float64(perYear) / 52 / (grids * cats)
	cells := make([]hotspot.Cell, 0, grids*cats)
	total := 0
	for g := range grids {
		size := 0.2 + 3*r.Float64()*r.Float64() // a few busy grids, many quiet ones
		for c := range cats {
			counts := make([]int, hotspot.BaselineWeeks+1)
			for w := range counts {
				counts[w] = poisson(r, mean*size*(0.5+float64(c%5)/4))
				total += counts[w]
			}
			cells = append(cells, hotspot.Cell{Grid: fmt.Sprintf("/c/%05d/", g), Category: fmt.Sprintf("k%02d", c), Counts: counts})
		}
	}
	for b.Loop() {
		hotspot.Detect(cells, grids, hotspot.Alpha)
	}
	b.ReportMetric(float64(total), "demands")
	b.ReportMetric(float64(len(cells)), "cells")
}
