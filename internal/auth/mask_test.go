package auth_test

import (
	"testing"

	"gongzhi/internal/auth"
)

// TestMaskText holds the one masking rule of public free text to the ways
// residents write phone numbers, ID numbers and e-mail addresses, and to
// what must stay readable.
func TestMaskText(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"mobile", "电话13987654321请联系", "电话139****4321请联系"},
		{"mobile spaced", "139 8765 4321", "139 **** 4321"},
		{"mobile dotted", "139.5555.6666", "139.****.6666"},
		{"mobile dashed", "139-5555-6666", "139-****-6666"},
		{"mobile 4-3-4", "1398 765 4321", "139* *** 4321"},
		{"mobile full-width", "１３９８７６５４３２１", "１３９****４３２１"},
		{"mobile mixed widths", "139８７６５4321", "139****4321"},
		{"mobile full-width spaced", "１３９　８７６５　４３２１", "１３９　****　４３２１"},
		{"mobile +86", "+86 139 8765 4321", "+86 139 **** 4321"},
		{"mobile 86", "8613987654321", "86139****4321"},
		{"mobile full-width +86", "＋８６１３９８７６５４３２１", "＋８６１３９****４３２１"},
		{"landline with area code", "021-64870000", "021-****0000"},
		{"landline in brackets", "(021)6487 0000", "(021)**** 0000"},
		{"landline +86", "+86 21 6487 0000", "+86 ** **** **00"},
		{"landline 4-4", "电话 6487 0000", "电话 **** **00"},
		{"landline 4-4 dashed", "6487-0000", "****-**00"},
		{"landline 8 digits", "64870000", "******00"},
		{"id card", "身份证310104199001011234", "身份证310***********1234"},
		{"id card X", "31010419900101123X", "310***********123X"},
		{"id card x spaced", "310104 19900101 123x", "310*** ******** 123x"},
		{"id card full-width", "３１０１０４１９９００１０１１２３Ｘ", "３１０***********１２３Ｘ"},
		{"email", "写信到a@b.cn谢谢", "写信到a***@b.cn谢谢"},
		{"email dotted", "wang.xm@example.com.cn", "w***@example.com.cn"},
		{"email full-width at", "wang＠example.com", "w***＠example.com"},
		{"email with digits", "13987654321@qq.com", "1***@qq.com"},
		{"seven digits", "单号1234567", "单号*****67"},
		{"date", "2026-12-04 14:30 来过", "2026-12-04 14:30 来过"},
		{"date dotted", "2026.12.04", "2026.12.04"},
		{"date slashed", "2026/12/04", "2026/12/04"},
		{"time", "晚上 23:30:00", "晚上 23:30:00"},
		{"year range", "2025-2026 年度", "2025-2026 年度"},
		{"house number", "湖南路88弄3号502室", "湖南路88弄3号502室"},
		{"amount", "维修费 1200.50 元，押金 30000 元", "维修费 1200.50 元，押金 30000 元"},
		{"age and floor", "九十岁老母亲住 6 楼，90岁", "九十岁老母亲住 6 楼，90岁"},
		{"already masked", "139****4321", "139****4321"},
		{"empty", "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := auth.MaskText(c.in); got != c.want {
				t.Errorf("MaskText(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

// TestPublicAddress keeps the road and lane, or the residential area, and
// drops the door.
func TestPublicAddress(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"湖南路88弄3号502室", "湖南路88弄"},
		{"衡山路12号", "衡山路"},
		{"宛平南路1000号2号楼", "宛平南路"},
		{"", ""},
		{"  ", ""},
		{"上海市徐汇区湖南路88弄", "上海市徐汇区湖南路88弄"},
		{"湖南路８８弄３号", "湖南路８８弄"},
		{"湖南路88弄3-502", "湖南路88弄"},
		{"康平路12号甲", "康平路"},
		{"天平小区5栋2单元301室", "天平小区"},
		{"天平小区门口", "天平小区"},
		{"建国西路乙3号", "建国西路"},
		{"永嘉路 33 号 2 楼", "永嘉路"},
		{"门牌88号", ""},
		{"3号楼502室", ""},
		{"家中", ""},
		{"No.3 Hunan Road", ""},
	} {
		if got := auth.PublicAddress(c.in); got != c.want {
			t.Errorf("PublicAddress(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
