package xlsxsafe

import (
	"bytes"
	"encoding/csv"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"gongzhi/internal/errs"
)

// Cells reads the rows of a list staff keep in Excel or CSV (by name's
// extension: .xlsx, else CSV in UTF-8 with or without a BOM): the first
// sheet's raw cell values. It stops after maxRows+1 rows, so the caller
// can tell a list that is too long. Errors are EINVALID on field file and
// name the row as a spreadsheet shows it.
func Cells(name string, data []byte, maxRows int) ([][]string, error) {
	var rows [][]string
	if strings.HasSuffix(strings.ToLower(name), ".xlsx") {
		f, err := Open(data, Limits{})
		if err != nil {
			return nil, errs.Invalid("file", "%s is not an Excel workbook that can be read: save it again as .xlsx or CSV", name)
		}
		defer f.Close()
		it, err := f.Rows(f.GetSheetName(0))
		if err != nil {
			return nil, errs.Invalid("file", "%s has no sheet to read", name)
		}
		defer it.Close()
		for it.Next() && len(rows) <= maxRows {
			cols, err := it.Columns(excelize.Options{RawCellValue: true})
			if err != nil {
				return nil, errs.Invalid("file", "%s: row %d cannot be read", name, len(rows)+1)
			}
			rows = append(rows, cols)
		}
		return rows, nil
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))))
	r.FieldsPerRecord, r.LazyQuotes = -1, true
	for len(rows) <= maxRows {
		rec, err := r.Read()
		if err == io.EOF {
			break
		} else if err != nil {
			return nil, errs.Invalid("file", "%s: row %d is not CSV: save the list as .xlsx or CSV (UTF-8)", name, len(rows)+1)
		}
		rows = append(rows, rec)
	}
	return rows, nil
}
