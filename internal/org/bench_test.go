package org_test

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/org"
	"gongzhi/internal/testkit"
)

// benchTree builds a district of 13 streets with 10 residential areas each
// and returns the service and the residential codes.
func benchTree(b *testing.B, d *db.DB) (*org.Service, []string) {
	b.Helper()
	ctx := context.Background()
	s := org.NewService(d, testkit.Clock())
	// The benchmarks measure the import's speed, not its limits: their
	// 100,000-row file is over the 20,000 rows one import file may have.
	s.SetImportLimits(org.ImportLimits{MaxRows: 100_000})
	sys := auth.SystemPrincipal()
	if _, err := s.CreateArea(ctx, sys, org.NewArea{Code: "310104", Name: "徐汇区", Level: "district"}); err != nil {
		b.Fatal(err)
	}
	var res []string
	for i := 1; i <= 13; i++ {
		st := fmt.Sprintf("310104%03d", i)
		if _, err := s.CreateArea(ctx, sys, org.NewArea{Code: st, Name: fmt.Sprintf("第%d街道", i), Level: "street", Parent: "310104"}); err != nil {
			b.Fatal(err)
		}
		for j := 1; j <= 10; j++ {
			code := fmt.Sprintf("%s%03d", st, j)
			if _, err := s.CreateArea(ctx, sys, org.NewArea{Code: code, Name: fmt.Sprintf("第%d居民区", j), Level: "residential", Parent: st}); err != nil {
				b.Fatal(err)
			}
			res = append(res, code)
		}
	}
	return s, res
}

// unitsCSV returns a CSV of n units spread over the areas, about a quarter covered.
func unitsCSV(n int, areas []string) []byte {
	var buf bytes.Buffer
	buf.WriteString("名称,类型,所属区域,建有党组织,纳入区域化党建平台,地址,职工人数,党员人数,联系电话\n")
	kinds := []string{"沿街商铺", "非公企业", "社会组织", "区域单位"}
	for i := range n {
		fmt.Fprintf(&buf, "测试单位%06d,%s,%s,%s,%s,漕溪北路 %d 号,%d,%d,1381234%04d\n", i, kinds[i%7%4], areas[i%len(areas)],
			map[bool]string{true: "是", false: "否"}[i%5 == 0], map[bool]string{true: "是", false: "否"}[i%9 == 0], i%900, i%300, i%20, i%10000)
	}
	return buf.Bytes()
}

func BenchmarkImportUnits100k(b *testing.B) {
	const rows = 100_000
	for _, e := range testkit.Engines() {
		b.Run(e.String(), func(b *testing.B) {
			ctx := context.Background()
			var data []byte
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				s, areas := benchTree(b, testkit.NewDB(b, e))
				if data == nil {
					data = unitsCSV(rows, areas)
				}
				b.StartTimer()
				res, err := s.ImportUnits(ctx, auth.SystemPrincipal(), "bench.csv", bytes.NewReader(data), nil)
				if err != nil || res.Created != rows {
					b.Fatalf("import: %+v %v", res, err)
				}
			}
			b.StopTimer()
			perSec := float64(rows*b.N) / b.Elapsed().Seconds()
			ceiling := rawInsertRate(b, e, rows)
			b.ReportMetric(perSec, "rows/s")
			b.ReportMetric(ceiling, "raw-rows/s")
			b.ReportMetric(perSec/ceiling, "ratio")
		})
	}
}

func BenchmarkCoverage100k(b *testing.B) {
	for _, e := range testkit.Engines() {
		b.Run(e.String(), func(b *testing.B) {
			ctx := context.Background()
			s, areas := benchTree(b, testkit.NewDB(b, e))
			if _, err := s.ImportUnits(ctx, auth.SystemPrincipal(), "bench.csv", bytes.NewReader(unitsCSV(100_000, areas)), nil); err != nil {
				b.Fatal(err)
			}
			admin := &auth.Principal{Username: "admin", Grants: []auth.Grant{{Role: auth.DistrictAdmin, AreaCode: "310104", AreaPath: "/310104/"}}}
			times := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				start := time.Now()
				cov, kids, err := s.CoverageOf(ctx, admin, "310104")
				times = append(times, time.Since(start))
				if err != nil || cov.Groups[0].Total == 0 || len(kids) != 13 {
					b.Fatalf("coverage: %+v %v", cov, err)
				}
			}
			b.StopTimer()
			slices.Sort(times)
			ms := func(q float64) float64 {
				return float64(times[min(len(times)-1, int(q*float64(len(times))))].Microseconds()) / 1000
			}
			b.ReportMetric(ms(0.50), "p50-ms")
			b.ReportMetric(ms(0.95), "p95-ms")
		})
	}
}

// rawInsertRate is this machine's ceiling for the import: the same number of
// unit rows written by one bulk INSERT transaction with no parsing, checks or
// audit, measured in the same run.
func rawInsertRate(b *testing.B, e db.Dialect, rows int) float64 {
	ctx := context.Background()
	d := testkit.NewDB(b, e)
	_, areas := benchTree(b, d)
	now := time.Now().UTC()
	start := time.Now()
	err := d.InTx(ctx, func(tx *db.Tx) error {
		ins := db.NewBulkInsert(tx, "units", []string{"name", "kind", "area_code", "area_path", "has_party_org", "platform_covered",
			"address", "employees", "party_members", "contact_phone", "created_at", "updated_at"})
		for i := range rows {
			a := areas[i*len(areas)/rows] // in path order, as the import writes them
			path := "/310104/" + a[6:9] + "/" + a[9:] + "/"
			if err := ins.Add(ctx, fmt.Sprintf("单位%06d", i), "shop", a, path, i%5 == 0, i%9 == 0, "漕溪北路", i%900, i%300, "13812340000", now, now); err != nil {
				return err
			}
		}
		return ins.Close(ctx)
	})
	if err != nil {
		b.Fatal(err)
	}
	return float64(rows) / time.Since(start).Seconds()
}
