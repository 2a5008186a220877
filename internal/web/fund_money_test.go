package web

import "testing"

func TestMoney(t *testing.T) {
	for fen, want := range map[int64]string{0: "0.00", 5: "0.05", 100: "1.00", 99999: "999.99", 100000: "1,000.00",
		52345000: "523,450.00", 123456789012: "1,234,567,890.12", -120050: "−1,200.50"} {
		if got := money(fen); got != want {
			t.Errorf("money(%d) = %q, want %q", fen, got, want)
		}
	}
}
