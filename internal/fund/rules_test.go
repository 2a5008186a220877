package fund_test

import (
	"testing"

	"gongzhi/internal/fund"
)

func TestParseYuan(t *testing.T) {
	for _, c := range []struct {
		in  string
		fen int64
		ok  bool
	}{
		{"1200", 120000, true},
		{"1200.5", 120050, true},
		{"1200.50", 120050, true},
		{"0.01", 1, true},
		{" 1,200.05 ", 120005, true},
		{"￥30", 3000, true},
		{"¥30.1", 3010, true},
		{"0", 0, true},
		{"", 0, false},
		{"-5", 0, false},
		{"1.234", 0, false},
		{"1.", 0, false},
		{".5", 0, false},
		{"1e3", 0, false},
		{"abc", 0, false},
		{"12.3.4", 0, false},
		{"9999999999999", 0, false},
	} {
		fen, ok := fund.ParseYuan(c.in)
		if ok != c.ok || fen != c.fen {
			t.Errorf("ParseYuan(%q) = %d, %v; want %d, %v", c.in, fen, ok, c.fen, c.ok)
		}
	}
}

func TestYuanAndSigned(t *testing.T) {
	for fen, want := range map[int64]string{0: "0.00", 1: "0.01", 120050: "1200.50", -250: "-2.50", 100: "1.00"} {
		if got := fund.Yuan(fen); got != want {
			t.Errorf("Yuan(%d) = %q, want %q", fen, got, want)
		}
	}
	if fund.Signed(fund.In, 5) != 5 || fund.Signed(fund.Out, 5) != -5 {
		t.Error("Signed: in adds, out takes away")
	}
	for status, want := range map[string]bool{"proposed": false, "approved": true, "running": true, "done": true, "evaluated": false, "cancelled": false} {
		if fund.Payable(status) != want {
			t.Errorf("Payable(%s) = %v", status, !want)
		}
	}
	if got := fund.ReceiptNo(3, 42); got != "GY3-000042" {
		t.Errorf("ReceiptNo = %q", got)
	}
}

func TestChineseAmount(t *testing.T) {
	for fen, want := range map[int64]string{
		0:                 "零元整",
		5:                 "伍分",
		50:                "伍角",
		100:               "壹元整",
		105:               "壹元零伍分",
		1050:              "壹拾元伍角",
		120050:            "壹仟贰佰元伍角",
		100500:            "壹仟零伍元整",
		1000000:           "壹万元整",
		10001000:          "壹拾万零壹拾元整",
		10000000100:       "壹亿零壹元整",
		1234567891:        "壹仟贰佰叁拾肆万伍仟陆佰柒拾捌元玖角壹分",
		2000000:           "贰万元整",
		101000000:         "壹佰零壹万元整",
		10100000000:       "壹亿零壹佰万元整",
		fund.MaxAmountFen: "壹拾亿元整",
	} {
		if got := fund.ChineseAmount(fen); got != want {
			t.Errorf("ChineseAmount(%d) = %s, want %s", fen, got, want)
		}
	}
}
