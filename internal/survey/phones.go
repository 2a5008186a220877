package survey

import (
	"strconv"
	"strings"

	"gongzhi/internal/errs"
	"gongzhi/internal/notify"
	"gongzhi/internal/xlsxsafe"
)

// maxNamed is how many bad lines or rows an error names: enough to find
// them, not a wall of numbers.
const maxNamed = 5

// Phones reads the mobile numbers to text, one a line as staff typed or
// pasted them: each is normalised (notify.MobileNumber: 138 0013 8000,
// +86…), blank lines are skipped and a number given twice counts once. A
// line that is no mainland mobile number is EINVALID on phones, naming the
// first few lines; so is an empty list or one over MaxLinks.
func Phones(lines []string) ([]string, error) {
	var out, bad []string
	seen := map[string]bool{}
	nBad := 0
	for i, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		m, ok := notify.MobileNumber(l)
		if !ok {
			if nBad++; len(bad) < maxNamed {
				bad = append(bad, strconv.Itoa(i+1))
			}
			continue
		}
		if !seen[m] {
			seen[m] = true
			out = append(out, m)
		}
	}
	switch {
	case nBad == 1:
		return nil, errs.Invalid("phones", "line %s is not a mainland mobile number (11 digits starting with 1): correct or delete it", bad[0])
	case nBad > 1:
		return nil, errs.Invalid("phones", "%d lines are not mainland mobile numbers (11 digits starting with 1), first lines %s: correct or delete them", nBad, strings.Join(bad, ", "))
	case len(out) == 0:
		return nil, errs.Invalid("phones", "give the mobile numbers to text, one a line")
	case len(out) > MaxLinks:
		return nil, errs.Invalid("phones", "send at most %d links at a time", MaxLinks)
	}
	return out, nil
}

// ReadPhones reads the list of mobile numbers staff keep in Excel or CSV:
// the first column of the first sheet, one number a row, a header row
// (a first cell with no digit) allowed. Numbers are normalised and a
// number given twice counts once; errors name the row as a spreadsheet
// shows it (phones.xlsx: row 7, column A: …), the first few of them.
func ReadPhones(name string, data []byte) ([]string, error) {
	rows, err := firstColumn(name, data)
	if err != nil {
		return nil, err
	}
	if len(rows) > MaxLinks+1 {
		return nil, errs.Invalid("file", "%s has more than %d rows: send at most %d links at a time", name, MaxLinks, MaxLinks)
	}
	var out []string
	var bad []errs.Detail
	seen := map[string]bool{}
	for i, cell := range rows {
		cell = strings.TrimSpace(cell)
		if cell == "" || i == 0 && !strings.ContainsAny(cell, "0123456789") {
			continue
		}
		m, ok := notify.MobileNumber(cell)
		if !ok {
			if len(bad) < maxNamed {
				d := errs.D("file", "%s: row %d, column A: not a mainland mobile number (11 digits starting with 1)", name, i+1)
				d.Row, d.Column = i+1, "A"
				bad = append(bad, d)
			}
			continue
		}
		if !seen[m] {
			seen[m] = true
			out = append(out, m)
		}
	}
	if len(bad) > 0 {
		return nil, errs.Fields(bad)
	}
	if len(out) == 0 {
		return nil, errs.Invalid("file", "%s lists no mobile numbers: put one a row in column A", name)
	}
	return out, nil
}

// firstColumn returns the first cell of each row of an .xlsx or CSV file
// ("" for an empty row), reading at most MaxLinks+2 rows.
func firstColumn(name string, data []byte) ([]string, error) {
	rows, err := xlsxsafe.Cells(name, data, MaxLinks+1)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(rows))
	for i, cols := range rows {
		if len(cols) > 0 {
			out[i] = cols[0]
		}
	}
	return out, nil
}
