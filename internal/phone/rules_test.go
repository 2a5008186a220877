package phone_test

import (
	"strings"
	"testing"
	"time"

	"gongzhi/internal/errs"
	"gongzhi/internal/phone"
)

func TestMaySend(t *testing.T) {
	now := time.Date(2026, 12, 6, 2, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name  string
		last  time.Time
		today int
		want  string
	}{
		{"first code", time.Time{}, 0, ""},
		{"59 s after the last", now.Add(-59 * time.Second), 1, errs.ETOOMANY},
		{"60 s after the last", now.Add(-time.Minute), 1, ""},
		{"fifth of the day", now.Add(-time.Hour), 4, ""},
		{"sixth of the day", now.Add(-time.Hour), 5, errs.ETOOMANY},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := errs.Code(phone.MaySend(now, c.last, c.today)); got != c.want && !(c.want == "" && got == "") {
				t.Errorf("MaySend = %q, want %q", got, c.want)
			}
		})
	}
}

func TestCheck(t *testing.T) {
	now := time.Date(2026, 12, 6, 2, 0, 0, 0, time.UTC)
	const ph, code = "13800138000", "123456"
	live := phone.Code{Hash: phone.CodeHash(ph, code), ExpiresAt: now.Add(time.Minute)}
	with := func(f func(*phone.Code)) phone.Code { c := live; f(&c); return c }
	for _, c := range []struct {
		name  string
		c     phone.Code
		phone string
		code  string
		want  phone.Outcome
	}{
		{"right", live, ph, code, phone.Accepted},
		{"wrong", live, ph, "654321", phone.Wrong},
		{"right code, other phone", live, "13900139000", code, phone.Wrong},
		{"fourth try", with(func(c *phone.Code) { c.Attempts = 4 }), ph, code, phone.Accepted},
		{"tried five times", with(func(c *phone.Code) { c.Attempts = 5 }), ph, code, phone.Dead},
		{"used", with(func(c *phone.Code) { c.Used = true }), ph, code, phone.Dead},
		{"expired", with(func(c *phone.Code) { c.ExpiresAt = now }), ph, code, phone.Dead},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := phone.Check(now, c.c, c.phone, c.code); got != c.want {
				t.Errorf("Check = %v, want %v", got, c.want)
			}
		})
	}
}

func TestCheckCodeFormat(t *testing.T) {
	for in, want := range map[string]string{"123456": "123456", " 123 456 ": "123456", "12345": "", "12345a": "", "1234567": ""} {
		got, err := phone.CheckCodeFormat(in)
		if got != want || (want == "") != (err != nil) {
			t.Errorf("CheckCodeFormat(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

// TestReadRoll: a header row is skipped, numbers are read as people and
// spreadsheets write them, and every fault names its row and column.
func TestReadRoll(t *testing.T) {
	rows, err := phone.ReadRoll("phones.csv", []byte("\ufeff手机号,门牌\n138 0013 8000,3号101\n+86 139-0013-9000\n1.3700137E10,5号202\n\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []phone.Row{{2, "13800138000", "3号101"}, {3, "13900139000", ""}, {4, "13700137000", "5号202"}}
	if len(rows) != len(want) {
		t.Fatalf("rows %+v", rows)
	}
	for i := range want {
		if rows[i] != want[i] {
			t.Errorf("row %d = %+v, want %+v", i, rows[i], want[i])
		}
	}
	for _, c := range []struct{ name, file, want string }{
		{"not a mobile", "13800138000,1号\n02164370000,2号\n", "phones.csv: row 2, column A: \"02164370000\" is not a mainland mobile number"},
		{"twice", "13800138000\n13900139000\n138-0013-8000\n", "phones.csv: row 3, column A: 138****8000 is listed already in row 1"},
		{"household too long", "13800138000," + strings.Repeat("门", 51) + "\n", "phones.csv: row 1, column B: a household label is at most 50 characters"},
		{"empty", "手机\n", "lists no phones"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := phone.ReadRoll("phones.csv", []byte(c.file))
			if errs.Code(err) != errs.EINVALID || !strings.Contains(errs.Message(err), c.want) {
				t.Errorf("err = %v, want %q", err, c.want)
			}
		})
	}
}
