package delib

import (
	"gongzhi/internal/errs"
	"gongzhi/internal/xlsxsafe"
)

// headers are first cells that name the column rather than a household.
var headers = map[string]bool{"户号": true, "门牌": true, "门牌号": true, "住户": true, "户": true, "HOUSEHOLD": true, "HOUSEHOLDS": true}

// ReadHouseholds reads the household list staff keep in Excel or CSV: the
// first column of the first sheet, one household label (门牌) a row, a
// header row allowed. Errors name the row as a spreadsheet shows it.
func ReadHouseholds(name string, data []byte) ([]string, error) {
	rows, err := xlsxsafe.Cells(name, data, MaxLinks+1)
	if err != nil {
		return nil, err
	}
	var out []string
	for i, row := range rows {
		if len(row) == 0 {
			continue
		}
		h := NormalHousehold(row[0])
		if i == 0 && headers[h] {
			continue
		}
		if len([]rune(h)) > 50 {
			return nil, errs.Invalid("file", "%s: row %d, column A: a household label is at most 50 characters", name, i+1)
		}
		out = append(out, h)
	}
	hh, err := Households(out)
	if err != nil {
		return nil, err
	}
	if len(hh) == 0 {
		return nil, errs.Invalid("file", "%s lists no households: put one household label (门牌) a row in column A", name)
	}
	return hh, nil
}
