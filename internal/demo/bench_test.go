package demo_test

import (
	"context"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/demo"
	"gongzhi/internal/testkit"
)

// BenchmarkDemoBuild builds the demo district into a fresh database per
// iteration, with the production password hasher, as `gongzhi demo` does.
func BenchmarkDemoBuild(b *testing.B) {
	for _, e := range testkit.Engines() {
		b.Run(e.String(), func(b *testing.B) {
			ctx := context.Background()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				d := testkit.NewDB(b, e)
				c := testkit.Clock()
				as := auth.NewService(d, c, auth.DefaultHasher())
				b.StartTimer()
				if _, err := demo.Build(ctx, d, as, c); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
