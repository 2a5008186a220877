package hotspot_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/hotspot"
	"gongzhi/internal/testkit"
)

// BenchmarkWeeklyRun is the whole weekly job, as the server runs it, on a
// database holding the rollups of a city receiving 10,000,000 demands a
// year: 20,000 grids (20 streets × 10 residential areas × 100 grids) × 25
// categories, daily rollups of the nine weeks a run reads (its eight
// baseline weeks and the tested one: about 1.7 million demands in about
// 1.6 million rollup rows). Each iteration reads the rollups, tests every
// cell, finds recurring problems and stores the run. With PostgreSQL
// configured (GONGZHI_TEST_POSTGRES) it runs on both engines.
//
//	go test -run '^$' -bench WeeklyRun -benchtime 3x -timeout 30m ./internal/hotspot/
func BenchmarkWeeklyRun(b *testing.B) {
	for _, e := range testkit.Engines() {
		b.Run(e.String(), func(b *testing.B) { benchWeeklyRun(b, e) })
	}
}

func benchWeeklyRun(b *testing.B, e db.Dialect) {
	const streets, resPer, gridsPer, cats, perYear = 20, 10, 100, 25, 10_000_000
	ctx := context.Background()
	d := testkit.NewDB(b, e)
	monday := time.Date(2026, 11, 23, 0, 0, 0, 0, clock.Shanghai)
	first := monday.AddDate(0, 0, -7*hotspot.BaselineWeeks)
	days := 7 * (hotspot.BaselineWeeks + 1)
	r := rand.New(rand.NewPCG(3, 4))
	var grids []string
	rows, total := 0, 0
	err := d.InTx(ctx, func(tx *db.Tx) error {
		a := db.NewBulkInsert(tx, "areas", []string{"code", "parent_code", "name", "level", "path"})
		if err := a.Add(ctx, "310104", nil, "区", "district", "/310104/"); err != nil {
			return err
		}
		for s := range streets {
			sc, sp := fmt.Sprintf("310104%03d", s+1), fmt.Sprintf("/310104/%03d/", s+1)
			if err := a.Add(ctx, sc, "310104", "街道"+sc, "street", sp); err != nil {
				return err
			}
			for res := range resPer {
				rc, rp := fmt.Sprintf("%s%03d", sc, res+1), fmt.Sprintf("%s%03d/", sp, res+1)
				if err := a.Add(ctx, rc, sc, "居民区"+rc, "residential", rp); err != nil {
					return err
				}
				for g := range gridsPer {
					gc, gp := fmt.Sprintf("%s%03d", rc, g+1), fmt.Sprintf("%s%03d/", rp, g+1)
					if err := a.Add(ctx, gc, rc, "网格"+gc, "grid", gp); err != nil {
						return err
					}
					grids = append(grids, gp)
				}
			}
		}
		if err := a.Close(ctx); err != nil {
			return err
		}
		ru := db.NewBulkInsert(tx, "demand_rollups", []string{"area_path", "category_code", "day", "received"})
		mean := float64(perYear) / 365 / float64(len(grids)*cats) // a cell's demands a day
		dayText := make([]string, days)
		for i := range dayText {
			dayText[i] = first.AddDate(0, 0, i).Format(time.DateOnly)
		}
		for _, g := range grids {
			size := 0.2 + 3*r.Float64()*r.Float64() // a few busy grids, many quiet ones
			for c := range cats {
				mu := mean * size * (0.5 + float64(c%5)/4)
				for i := range days {
					if n := poisson(r, mu); n > 0 {
						if err := ru.Add(ctx, g, fmt.Sprintf("k%02d", c), dayText[i], n); err != nil {
							return err
						}
						rows, total = rows+1, total+n
					}
				}
			}
		}
		return ru.Close(ctx)
	})
	if err != nil {
		b.Fatal(err)
	}
	if err := d.Analyze(ctx); err != nil {
		b.Fatal(err)
	}
	s := hotspot.NewService(d, testkit.Clock(), nil)
	var info hotspot.RunInfo
	for b.Loop() {
		if info, err = s.Run(ctx, monday.Format(time.DateOnly)); err != nil {
			b.Fatal(err)
		}
	}
	if info.Cells < len(grids)*cats/2 {
		b.Fatalf("the run tested %d cells of %d", info.Cells, len(grids)*cats)
	}
	b.ReportMetric(float64(total), "demands")
	b.ReportMetric(float64(rows), "rollup-rows")
	b.ReportMetric(float64(info.Cells), "cells")
	b.ReportMetric(float64(info.Flagged), "flagged")
}
