package delib

import (
	"bytes"
	"encoding/csv"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"gongzhi/internal/errs"
	"gongzhi/internal/xlsxsafe"
)

// headers are first cells that name the column rather than a household.
var headers = map[string]bool{"户号": true, "门牌": true, "门牌号": true, "住户": true, "户": true, "HOUSEHOLD": true, "HOUSEHOLDS": true}

// ReadHouseholds reads the household list staff keep in Excel or CSV: the
// first column of the first sheet, one household label (门牌) a row, a
// header row allowed. Errors name the row as a spreadsheet shows it.
func ReadHouseholds(name string, data []byte) ([]string, error) {
	var rows [][]string
	if strings.HasSuffix(strings.ToLower(name), ".xlsx") {
		f, err := xlsxsafe.Open(data, xlsxsafe.Limits{})
		if err != nil {
			return nil, errs.Invalid("file", "%s is not an Excel workbook that can be read: save it again as .xlsx or CSV", name)
		}
		defer f.Close()
		it, err := f.Rows(f.GetSheetName(0))
		if err != nil {
			return nil, errs.Invalid("file", "%s has no sheet to read", name)
		}
		for it.Next() {
			cols, err := it.Columns(excelize.Options{RawCellValue: true})
			if err != nil {
				return nil, errs.Invalid("file", "%s: row %d cannot be read", name, len(rows)+1)
			}
			rows = append(rows, cols)
			if len(rows) > MaxLinks+1 {
				break
			}
		}
		it.Close()
	} else {
		r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))))
		r.FieldsPerRecord, r.LazyQuotes = -1, true
		for {
			rec, err := r.Read()
			if err == io.EOF {
				break
			} else if err != nil {
				return nil, errs.Invalid("file", "%s: row %d is not CSV: save the list as .xlsx or CSV (UTF-8)", name, len(rows)+1)
			}
			rows = append(rows, rec)
			if len(rows) > MaxLinks+1 {
				break
			}
		}
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
