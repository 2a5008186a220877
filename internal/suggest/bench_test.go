package suggest_test

import (
	"context"
	"os"
	"testing"
	"time"

	"gongzhi/internal/db"
	"gongzhi/internal/suggest"
)

// BenchmarkSuggestDemo trains on a demo district's closed demands and asks
// for suggestions; GONGZHI_BENCH_DATA names the data directory of a
// database `gongzhi demo` built (docs/benchmarks.md).
func BenchmarkSuggestDemo(b *testing.B) {
	dir := os.Getenv("GONGZHI_BENCH_DATA")
	if dir == "" {
		b.Skip("GONGZHI_BENCH_DATA is not set")
	}
	ctx := context.Background()
	d, err := db.Open(ctx, "", dir)
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	start := time.Now()
	ex, err := suggest.Load(ctx, d, suggest.MaxExamples)
	if err != nil {
		b.Fatal(err)
	}
	loaded := time.Since(start)
	train, test := suggest.Holdout(ex, suggest.HoldoutShare)
	start = time.Now()
	acc := suggest.Evaluate(train, test)
	evaluated := time.Since(start)
	start = time.Now()
	m := suggest.Train(ex)
	b.Logf("%d closed demands: load %v, train+evaluate on %d/%d %v, train on all %v; top-1 %.1f%%, top-3 %.1f%%",
		len(ex), loaded, len(train), len(test), evaluated, time.Since(start), 100*suggest.Share(acc.Top1, acc.N), 100*suggest.Share(acc.Top3, acc.N))
	texts := []string{"楼上装修噪音太大晚上十点还在施工", "卫生间天花板漏水楼上住户不处理", "小区门口乱停车堵住消防通道", "垃圾箱满了没人清运", "电梯经常坏"}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if len(m.Categories(texts[i%len(texts)], 3)) != 3 {
			b.Fatal("no guesses")
		}
	}
}
