package demand_test

import (
	"testing"

	"gongzhi/internal/demand"
)

const long200 = "我们是徐汇区某街道幸福小区3号楼的居民，最近一个月以来，每天晚上七点到十点，小区中心花园总有一群阿姨跳广场舞，音响开得非常大，" +
	"严重影响了周边居民的正常休息，家里有高三学生需要复习备考，老人心脏也不好。多次和物业反映，物业表示无权管理。" +
	"希望相关部门能够尽快协调，规定活动时间并控制音量，谢谢！联系电话请见登记信息。Wi-Fi"

func BenchmarkBigramsX(b *testing.B) {
	b.Logf("runes=%d tokens=%d", len([]rune(long200)), len(demand.Bigrams(long200)))
	b.ReportAllocs()
	for b.Loop() {
		demand.Bigrams(long200)
	}
}
