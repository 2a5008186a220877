package survey_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"gongzhi/internal/errs"
	"gongzhi/internal/survey"
)

func TestPhones(t *testing.T) {
	for _, c := range []struct {
		name  string
		lines []string
		want  string // the numbers kept, or the error's message
	}{
		{"as typed", []string{"138 0013 8000", "+86 139-0013-9000", "", "  13700137000\r"}, "13800138000 13900139000 13700137000"},
		{"twice counts once", []string{"13800138000", "008613800138000", "138-0013-8000"}, "13800138000"},
		{"one bad line", []string{"13800138000", "021-64670000"}, "line 2 is not a mainland mobile number"},
		{"bad lines named", []string{"1", "13800138000", "2", "3", "4", "5", "6", "7"}, "7 lines are not mainland mobile numbers (11 digits starting with 1), first lines 1, 3, 4, 5, 6:"},
		{"empty", []string{"", " "}, "give the mobile numbers to text"},
	} {
		got, err := survey.Phones(c.lines)
		msg := strings.Join(got, " ")
		if err != nil {
			msg = errs.Message(err)
			if d := errs.DetailsOf(err); len(d) != 1 || d[0].Field != "phones" {
				t.Errorf("%s: details %+v", c.name, d)
			}
		}
		if !strings.HasPrefix(msg, c.want) {
			t.Errorf("%s: %q, want %q", c.name, msg, c.want)
		}
	}
	many := make([]string, survey.MaxLinks+1)
	for i := range many {
		many[i] = fmt.Sprintf("138%08d", i)
	}
	if _, err := survey.Phones(many); errs.Code(err) != errs.EINVALID || !strings.Contains(errs.Message(err), "at most 2000") {
		t.Errorf("too many: %v", err)
	}
	if got, err := survey.Phones(many[:survey.MaxLinks]); err != nil || len(got) != survey.MaxLinks {
		t.Errorf("as many as allowed: %d %v", len(got), err)
	}
}

// xlsxOf is a workbook whose first sheet holds rows (column A first).
func xlsxOf(t *testing.T, rows ...[]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	b, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestReadPhones(t *testing.T) {
	for _, c := range []struct {
		name, file string
		data       []byte
		want       string // the numbers read, or the error's message
		row        int    // the row the error names
	}{
		{"csv with a header", "phones.csv", []byte("\xef\xbb\xbf手机号,姓名\n138 0013 8000,张三\n\n+86 13900139000\n13800138000\n"), "13800138000 13900139000", 0},
		{"csv without a header", "phones.csv", []byte("13800138000\r\n13700137000\r\n"), "13800138000 13700137000", 0},
		{"csv bad row", "phones.csv", []byte("phone\n13800138000\n021-64670000\n"), "phones.csv: row 3, column A: not a mainland mobile number", 3},
		{"a bad first row is no header", "phones.csv", []byte("1380013800\n13800138000\n"), "phones.csv: row 1, column A:", 1},
		{"csv nothing", "phones.csv", []byte("手机号\n"), "phones.csv lists no mobile numbers", 0},
		{"xlsx", "phones.xlsx", xlsxOf(t, []any{"手机"}, []any{13800138000}, []any{"139 0013 9000", "王五"}), "13800138000 13900139000", 0},
		{"xlsx bad row", "phones.xlsx", xlsxOf(t, []any{"手机"}, []any{13800138000}, []any{13800138000}, []any{13800138000}, []any{13800138000}, []any{13800138000},
			[]any{"12345"}), "phones.xlsx: row 7, column A: not a mainland mobile number", 7},
		{"not a workbook", "phones.xlsx", []byte("not a zip"), "phones.xlsx is not an Excel workbook", 0},
		{"too long", "phones.csv", []byte(strings.Repeat("13800138000\n", survey.MaxLinks+2)), "phones.csv has more than 2000 rows", 0},
	} {
		got, err := survey.ReadPhones(c.file, c.data)
		msg := strings.Join(got, " ")
		if err != nil {
			msg = errs.Message(err)
			if d := errs.DetailsOf(err); len(d) == 0 || d[0].Field != "file" || d[0].Row != c.row {
				t.Errorf("%s: details %+v", c.name, d)
			}
		}
		if !strings.HasPrefix(msg, c.want) {
			t.Errorf("%s: %q, want %q", c.name, msg, c.want)
		}
	}
}
