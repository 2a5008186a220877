package fund

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// The three sources of money (三个一点): the government puts in some,
// social units some, residents donate some.
const (
	Government = "government" // 政府
	Unit       = "unit"       // 社会单位
	Resident   = "resident"   // 居民
)

// Sources are the three sources, in the order pages and totals show them.
var Sources = []string{Government, Unit, Resident}

// Directions of a ledger entry.
const (
	In  = "in"  // money into the fund
	Out = "out" // money out to a project
)

// Disbursement statuses: proposed by one person, then approved or
// rejected by a second; an approved one whose payout was reversed is reversed.
const (
	Proposed = "proposed"
	Approved = "approved"
	Rejected = "rejected"
	Reversed = "reversed"
)

// DisbursementStatuses are every status a disbursement can have.
var DisbursementStatuses = []string{Proposed, Approved, Rejected, Reversed}

// MaxAmountFen bounds one entry: 1,000,000,000 yuan. Larger numbers are
// typing mistakes, and the bound keeps every sum far from overflow.
const MaxAmountFen int64 = 100_000_000_000

// PayableStatuses are the project statuses a fund pays out to: approved,
// under way or finished. A proposed project is not yet approved; an
// evaluated or cancelled one is closed.
var PayableStatuses = []string{"approved", "running", "done"}

// Payable reports whether a project in status may receive money.
func Payable(status string) bool { return slices.Contains(PayableStatuses, status) }

// ValidSource reports whether s is one of the three sources.
func ValidSource(s string) bool { return slices.Contains(Sources, s) }

// Signed is an entry's effect on its fund's balance: + in, − out.
func Signed(direction string, amountFen int64) int64 {
	if direction == In {
		return amountFen
	}
	return -amountFen
}

// Yuan writes an amount in fen as yuan with two decimals: 120050 → "1200.50".
func Yuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return fmt.Sprintf("%s%d.%02d", sign, fen/100, fen%100)
}

// ParseYuan reads an amount typed in yuan ("1200", "1200.5", "1,200.50",
// "¥30") into fen, exactly: no floating point touches money. It refuses
// negative numbers, more than two decimals and anything else.
func ParseYuan(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(strings.TrimPrefix(s, "¥"), "￥")
	s = strings.NewReplacer(",", "", "，", "", " ", "").Replace(s)
	whole, frac, dot := strings.Cut(s, ".")
	if whole == "" || !digits(whole) || (dot && (frac == "" || len(frac) > 2 || !digits(frac))) {
		return 0, false
	}
	if len(whole) > 12 { // beyond MaxAmountFen anyway
		return 0, false
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, false
	}
	f := int64(0)
	if frac != "" {
		f, _ = strconv.ParseInt(frac, 10, 64)
		if len(frac) == 1 {
			f *= 10
		}
	}
	return w*100 + f, true
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// ReceiptNo is the number printed on a donor's receipt: the fund and the
// entry, so a receipt names exactly one line of one ledger (GY3-000042).
func ReceiptNo(fundID, entryID int64) string { return fmt.Sprintf("GY%d-%06d", fundID, entryID) }

// ChineseAmount writes an amount in fen the way Chinese receipts write
// money in words (人民币大写), which cannot be altered by adding a stroke:
// 120050 → 壹仟贰佰元伍角, 100500 → 壹仟零伍元整.
func ChineseAmount(fen int64) string {
	const digit = "零壹贰叁肆伍陆柒捌玖"
	d := func(n int64) string { return string([]rune(digit)[n]) }
	if fen < 0 {
		return "负" + ChineseAmount(-fen)
	}
	yuan, jiao, f := fen/100, fen%100/10, fen%10
	var b strings.Builder
	if yuan > 0 {
		groups := []int64{}
		for n := yuan; n > 0; n /= 10000 {
			groups = append(groups, n%10000)
		}
		big := []string{"", "万", "亿", "万亿"}
		gap := false
		for i := len(groups) - 1; i >= 0; i-- {
			g := groups[i]
			if g == 0 {
				gap = gap || b.Len() > 0
				continue
			}
			if b.Len() > 0 && (gap || g < 1000) {
				b.WriteString("零")
			}
			gap = false
			started, zero := false, false
			for k, unit := range []string{"仟", "佰", "拾", ""} {
				x := g / []int64{1000, 100, 10, 1}[k] % 10
				if x == 0 {
					zero = zero || started
					continue
				}
				if zero {
					b.WriteString("零")
					zero = false
				}
				b.WriteString(d(x) + unit)
				started = true
			}
			b.WriteString(big[i])
		}
		b.WriteString("元")
	}
	switch {
	case jiao == 0 && f == 0:
		if yuan == 0 {
			b.WriteString("零元")
		}
		b.WriteString("整")
	default:
		if jiao > 0 {
			b.WriteString(d(jiao) + "角")
		} else if yuan > 0 {
			b.WriteString("零")
		}
		if f > 0 {
			b.WriteString(d(f) + "分")
		}
	}
	return b.String()
}
