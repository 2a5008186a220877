package hotspot_test

import (
	"testing"
	"time"

	"gongzhi/internal/hotspot"
)

func TestRecurs(t *testing.T) {
	at := time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC)
	past := func(id int64, addr, text string, daysAgo int) hotspot.Past {
		return hotspot.Past{ID: id, Address: addr, Bigrams: hotspot.Bigrams(text), Resolved: at.AddDate(0, 0, -daysAgo)}
	}
	lift := "3号楼电梯坏了，困人"
	cases := []struct {
		name, addr, text string
		earlier          []hotspot.Past
		want             int64 // 0: not a repeat
		by               string
	}{
		{"same address, same kind", "东湖路 12号。", "3号楼电梯又坏了，又困人了", []hotspot.Past{past(1, "东湖路12号", lift, 14)}, 1, "address"},
		{"same address, another trouble", "东湖路12号", "楼道灯不亮", []hotspot.Past{past(1, "东湖路12号", lift, 14)}, 0, ""},
		{"near-identical text, no address", "", "复中小区7号楼电梯门关不上一直在报警", []hotspot.Past{past(2, "", "复中小区7号楼电梯门关不上一直报警", 30)}, 2, "text"},
		{"near-identical text at two addresses", "东湖路3号", "复中小区7号楼电梯门关不上一直在报警", []hotspot.Past{past(2, "东湖路5号", "复中小区7号楼电梯门关不上一直报警", 30)}, 0, ""},
		{"resolved after the new one came", "东湖路12号", lift, []hotspot.Past{past(1, "东湖路12号", lift, -1)}, 0, ""},
		{"resolved too long ago", "东湖路12号", lift, []hotspot.Past{past(1, "东湖路12号", lift, 91)}, 0, ""},
		{"the address beats the text", "东湖路12号", lift, []hotspot.Past{past(3, "", lift, 3), past(4, "东湖路12号", lift, 20)}, 4, "address"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, by, _, ok := hotspot.Recurs(c.addr, hotspot.Bigrams(c.text), at, c.earlier)
			if ok != (c.want != 0) || ok && (m.ID != c.want || by != c.by) {
				t.Errorf("Recurs = %d %s %v, want %d %s", m.ID, by, ok, c.want, c.by)
			}
		})
	}
	if j := hotspot.Jaccard([]string{"a", "b", "c"}, []string{"b", "c", "d"}); j != 0.5 {
		t.Errorf("Jaccard = %g, want 2/4", j)
	}
}
