package org

import (
	"bytes"
	"cmp"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/xlsxsafe"
)

// ImportResult says what an import did.
type ImportResult struct {
	File    string `json:"file"`
	Rows    int    `json:"rows"`
	Created int    `json:"created"`
}

// A file with thousands of bad rows is reported up to maxImportDetails
// problems. The file's own limits are ImportLimits (importlimits.go).
const (
	maxImportDetails = 1000
	progressEvery    = 1000
)

// importColumn is a column ImportUnits understands: its English key (also
// the JSON field) and its Chinese header, as in exports.
type importColumn struct {
	Key      string
	Label    string
	Required bool
}

// ImportColumns are the unit import columns in export order. Headers may be
// the key or the label; other columns (id, 覆盖, 区域名称) are ignored.
var ImportColumns = []importColumn{
	{"name", "名称", true},
	{"kind", "类型", true},
	{"area", "所属区域", true},
	{"has_party_org", "建有党组织", true},
	{"platform_covered", "纳入区域化党建平台", true},
	{"address", "地址", false},
	{"employees", "职工人数", false},
	{"party_members", "党员人数", false},
	{"contact_phone", "联系电话", false},
}

// headerAliases are further spellings seen in district spreadsheets.
var headerAliases = map[string]string{
	"单位名称": "name", "单位类型": "kind", "区域": "area", "区域代码": "area", "所属区域代码": "area",
	"是否建有党组织": "has_party_org", "是否纳入区域化党建平台": "platform_covered", "纳入平台": "platform_covered",
	"单位地址": "address", "职工数": "employees", "党员数": "party_members", "电话": "contact_phone", "phone": "contact_phone",
}

// headerKey maps a header cell to a column key, or "" for a column import
// ignores. Markers such as "名称*" or "建有党组织（是/否）" are dropped.
func headerKey(h string) string {
	h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
	h = strings.TrimRight(h, "*＊ ")
	for _, open := range []string{"（", "("} {
		if i := strings.Index(h, open); i > 0 {
			h = strings.TrimSpace(h[:i])
		}
	}
	h = strings.ToLower(h)
	for _, c := range ImportColumns {
		if h == c.Key || h == c.Label {
			return c.Key
		}
	}
	return headerAliases[h]
}

// ParseYesNo reads a yes/no cell: 是/否, true/false, 1/0, yes/no, Y/N,
// 有/无, any case. An empty cell is no. ok is false for anything else.
func ParseYesNo(s string) (v, ok bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "":
		return false, true
	case "是", "true", "1", "1.0", "yes", "y", "有":
		return true, true
	case "否", "false", "0", "0.0", "no", "n", "无":
		return false, true
	}
	return false, false
}

// ParseCount reads a non-negative whole number such as 120, "1,200" or the
// "120.0" a spreadsheet may store. An empty cell is 0.
func ParseCount(s string) (int, bool) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	if s == "" {
		return 0, true
	}
	if n, err := strconv.Atoi(s); err == nil {
		return max(n, 0), n >= 0
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || f > 1e9 || f != math.Trunc(f) {
		return 0, false
	}
	return int(f), true
}

// tableRow is one row of an import file with its spreadsheet row number.
type tableRow struct {
	n     int
	cells []string
}

// readTable reads a CSV or the first sheet of an XLSX, choosing by the file
// name's extension and otherwise by the content (an XLSX is a zip: "PK").
// The first row is kept as the header; blank rows after it are dropped.
func readTable(file string, data []byte, l ImportLimits) ([]tableRow, error) {
	switch ext := strings.ToLower(filepath.Ext(file)); {
	case ext == ".xlsx":
		return readXLSX(file, data, l)
	case ext == ".csv":
		return readCSV(file, data, l)
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return readXLSX(file, data, l)
	}
	return readCSV(file, data, l)
}

// tableLimits counts the rows and columns of a file as it is read.
type tableLimits struct {
	ImportLimits
	file string
	rows int   // data rows so far
	text int64 // bytes of cell text so far
}

// add checks row n against the limits and appends it to out: the header
// always, other rows unless blank. Empty trailing cells are not columns.
func (t *tableLimits) add(out []tableRow, n int, cells []string) ([]tableRow, error) {
	width := len(cells)
	for width > 0 && cells[width-1] == "" {
		width--
	}
	if width > t.MaxColumns {
		col, _ := excelize.ColumnNumberToName(t.MaxColumns + 1)
		e := errs.New(errs.ETOOLARGE, "%s: row %d has %d columns; at most %d are read: delete the columns from %s on", t.file, n, width, t.MaxColumns, col)
		return out, located(e, errs.D("file", "%d columns; at most %d are read", width, t.MaxColumns), n, col)
	}
	if len(out) > 0 && blank(cells[:width]) {
		return out, nil
	}
	if len(out) > 0 {
		if t.rows++; t.rows > t.MaxRows {
			e := errs.New(errs.ETOOLARGE, "%s: more than %d data rows; split the file into files of at most %d rows", t.file, t.MaxRows, t.MaxRows)
			return out, located(e, errs.D("file", "more than %d data rows", t.MaxRows), n, "")
		}
	}
	for _, c := range cells[:width] {
		t.text += int64(len(c))
	}
	if t.text > t.MaxBytes {
		return out, errs.New(errs.ETOOLARGE, "%s: the workbook unpacks to more than %d MiB; split it into smaller files", t.file, t.MaxBytes>>20)
	}
	return append(out, tableRow{n: n, cells: cells[:width]}), nil
}

// located adds to e the detail d placed at a row and column of the file, so
// that the CLI and the import page name where the file went over a limit.
func located(e *errs.Error, d errs.Detail, row int, column string) error {
	e.Details = []errs.Detail{rowDetail(d, row, column)}
	return e
}

func readCSV(file string, data []byte, l ImportLimits) ([]tableRow, error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if !utf8.Valid(data) {
		return nil, errs.New(errs.EINVALID, "%s: the file is not UTF-8 text; in Excel save it as \"CSV UTF-8\"", file)
	}
	lim := &recordLimiter{r: bytes.NewReader(data), max: l.MaxLineBytes, start: 1}
	r := csv.NewReader(lim)
	r.FieldsPerRecord = -1
	t := &tableLimits{ImportLimits: l, file: file}
	var out []tableRow
	// A spreadsheet shows blank lines as rows and a quoted line break inside
	// one cell, so row numbers follow the records, not the text lines.
	row, lastLine := 0, 0
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		var pe *csv.ParseError
		if err != nil && lim.over {
			n, kib := row+lim.start-lastLine, l.MaxLineBytes>>10
			e := errs.New(errs.ETOOLARGE, "%s: row %d is longer than %d KiB; is this a unit list saved as CSV?", file, n, kib)
			return nil, located(e, errs.D("file", "the row is longer than %d KiB", kib), n, "")
		} else if errors.As(err, &pe) {
			at := row + pe.StartLine - lastLine
			return nil, &errs.Error{Code: errs.EINVALID, Message: fmt.Sprintf("%s: row %d: %v", file, at, pe.Err),
				Details: []errs.Detail{{Field: "file", Row: at, Message: pe.Err.Error()}}}
		} else if err != nil {
			return nil, errs.Wrap(err, "read csv")
		}
		start, _ := r.FieldPos(0)
		row += start - lastLine
		endField, _ := r.FieldPos(len(rec) - 1)
		lastLine = endField + strings.Count(rec[len(rec)-1], "\n")
		if out, err = t.add(out, row, rec); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// readXLSX streams the first sheet's rows, after xlsxsafe has checked that
// the workbook unpacks within the limits.
func readXLSX(file string, data []byte, l ImportLimits) ([]tableRow, error) {
	f, err := xlsxsafe.Open(data, xlsxsafe.Limits{MaxUnpacked: l.MaxBytes})
	switch {
	case errors.Is(err, xlsxsafe.ErrTooLarge):
		return nil, errs.New(errs.ETOOLARGE, "%s: the workbook unpacks to more than %d MiB; split it into smaller files", file, l.MaxBytes>>20)
	case errors.Is(err, xlsxsafe.ErrTooComplex):
		return nil, errs.New(errs.ETOOLARGE, "%s: the workbook holds more styles, shared text or parts than an import reads; copy the unit rows into a new workbook and import that", file)
	case err != nil:
		return nil, errs.New(errs.EINVALID, "%s: not a readable XLSX file", file)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, errs.New(errs.EINVALID, "%s: the workbook has no sheet", file)
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return nil, errs.New(errs.EINVALID, "%s: cannot read sheet %q", file, sheets[0])
	}
	defer rows.Close()
	t := &tableLimits{ImportLimits: l, file: file}
	var out []tableRow
	for n := 1; rows.Next(); n++ {
		// Raw values, so a number formatted as a date or with separators is read as stored.
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, errs.New(errs.EINVALID, "%s: cannot read sheet %q", file, sheets[0])
		}
		if out, err = t.add(out, n, cells); err != nil {
			return nil, err
		}
	}
	if rows.Error() != nil {
		return nil, errs.New(errs.EINVALID, "%s: cannot read sheet %q", file, sheets[0])
	}
	return out, nil
}

// importUnit is a validated row waiting to be inserted.
type importUnit struct {
	row         int
	name, kind  string
	area, path  string
	hasOrg, cov bool
	address     string
	employees   int
	members     int
	phone       string
}

// rowProblem is one bad cell, sorted by row and column before reporting.
type rowProblem struct {
	col int
	d   errs.Detail
}

// unitImport holds the state of one ImportUnits call.
type unitImport struct {
	file     string
	header   []string
	cols     map[string]int // column key → index in the row
	problems []rowProblem
}

func (im *unitImport) bad(row int, key, format string, args ...any) {
	if len(im.problems) >= maxImportDetails {
		return // rows come in order: later problems would not be reported
	}
	i := im.cols[key]
	d := rowDetail(errs.D(key, format, args...), row, strings.TrimSpace(strings.TrimPrefix(im.header[i], "\ufeff")))
	im.problems = append(im.problems, rowProblem{col: i, d: d})
}

// rowDetail places a detail at a spreadsheet row and column.
func rowDetail(d errs.Detail, row int, column string) errs.Detail {
	d.Row, d.Column = row, column
	return d
}

func (im *unitImport) cell(r tableRow, key string) string {
	i, ok := im.cols[key]
	if !ok || i >= len(r.cells) {
		return ""
	}
	return unCSVSafe(strings.TrimSpace(r.cells[i]))
}

// err reports every problem found, the first one in the message.
func (im *unitImport) err() error {
	slices.SortStableFunc(im.problems, func(a, b rowProblem) int {
		return cmp.Or(cmp.Compare(a.d.Row, b.d.Row), cmp.Compare(a.col, b.col))
	})
	first := im.problems[0].d
	e := &errs.Error{Code: errs.EINVALID, Message: fmt.Sprintf("%s: row %d, column %s: %s", im.file, first.Row, first.Column, first.Message)}
	for _, p := range im.problems[:min(len(im.problems), maxImportDetails)] {
		e.Details = append(e.Details, p.d)
	}
	return e
}

// mapHeader finds the columns; every required column must be there once.
func (im *unitImport) mapHeader(header tableRow) error {
	im.header, im.cols = header.cells, map[string]int{}
	for i, h := range header.cells {
		k := headerKey(h)
		if k == "" {
			continue
		}
		if _, dup := im.cols[k]; dup {
			return &errs.Error{Code: errs.EINVALID, Message: fmt.Sprintf("%s: row %d: column %s appears twice", im.file, header.n, strings.TrimSpace(h)),
				Details: []errs.Detail{rowDetail(errs.D(k, "column appears twice"), header.n, strings.TrimSpace(h))}}
		}
		im.cols[k] = i
	}
	var missing []errs.Detail
	for _, c := range ImportColumns {
		if _, ok := im.cols[c.Key]; c.Required && !ok {
			missing = append(missing, rowDetail(errs.D(c.Key, "missing column %s (%s)", c.Label, c.Key), header.n, c.Label))
		}
	}
	if len(missing) > 0 {
		return &errs.Error{Code: errs.EINVALID, Message: fmt.Sprintf("%s: row %d: %s", im.file, header.n, missing[0].Message), Details: missing}
	}
	return nil
}

// ImportUnits reads units from a CSV or XLSX file (chosen by the extension
// .csv/.xlsx, else by the content) with a header row in Chinese or English,
// and inserts every row or none: all problems in the file are reported at
// once, each naming its spreadsheet row (header = 1) and column. Rows go in
// in one transaction through one prepared statement with one audit row.
// progress, if not nil, is called about every 1000 rows with work done out
// of a total of twice the row count: each row is validated, then inserted.
func (s *Service) ImportUnits(ctx context.Context, p *auth.Principal, filename string, r io.Reader, progress func(done, total int)) (ImportResult, error) {
	res := ImportResult{File: filename}
	units, release, err := s.prepareImport(ctx, p, filename, r, progress)
	if err != nil {
		return res, err
	}
	defer release()
	res.Rows = len(units)
	err = s.insertUnits(ctx, p, filename, units, progress)
	s.unitsChanged()
	if err != nil {
		return res, err
	}
	res.Created = len(units)
	// A bulk load ends with fresh planner statistics. The import is
	// committed and answered as done: a failure here only leaves the
	// statistics to autovacuum, so it is not the caller's error.
	_ = s.db.Analyze(ctx, "units")
	return res, nil
}

// prepareImport reads a file, validates every row and checks it against the
// units already there: the rows to insert, or every problem. It holds one of
// the import slots until release is called.
func (s *Service) prepareImport(ctx context.Context, p *auth.Principal, filename string, r io.Reader, progress func(done, total int)) (units []importUnit, release func(), err error) {
	if err := auth.AuthorizeAny(p, auth.UnitWrite); err != nil {
		return nil, nil, err
	}
	l := s.gate().limits
	data, err := io.ReadAll(io.LimitReader(r, l.MaxBytes+1))
	if err != nil {
		return nil, nil, errs.Wrap(err, "read import file")
	}
	if int64(len(data)) > l.MaxBytes {
		return nil, nil, errs.New(errs.ETOOLARGE, "%s: the file is larger than %d MiB; split it into smaller files", filename, l.MaxBytes>>20)
	}
	// The upload is read before taking a slot, so a slow client holds none.
	free, err := s.AcquireImport(ctx)
	if err != nil {
		return nil, nil, err
	}
	defer func() {
		if err != nil {
			free()
		}
	}()
	table, err := readTable(filename, data, l)
	if err != nil {
		return nil, nil, err
	}
	data = nil // the rows hold copies; let a large file go before validating
	if len(table) == 0 {
		return nil, nil, errs.New(errs.EINVALID, "%s: the file is empty; the first row must name the columns", filename)
	}
	im := &unitImport{file: filename}
	if err := im.mapHeader(table[0]); err != nil {
		return nil, nil, err
	}
	body := table[1:]
	ix, err := s.LoadAreaIndex(ctx)
	if err != nil {
		return nil, nil, err
	}
	units = im.validate(p, ix, body, progress)
	if len(units) == 0 && len(im.problems) == 0 {
		return nil, nil, errs.New(errs.EINVALID, "%s: no data rows", filename)
	}
	if len(im.problems) == 0 {
		if err := s.checkExisting(ctx, im, units); err != nil {
			return nil, nil, err
		}
	}
	if len(im.problems) > 0 {
		return nil, nil, im.err()
	}
	return units, free, nil
}

// validate checks every row, collecting every problem, and returns the good rows.
func (im *unitImport) validate(p *auth.Principal, ix *AreaIndex, body []tableRow, progress func(done, total int)) []importUnit {
	total := 2 * len(body)
	units := make([]importUnit, 0, len(body))
	seen := make(map[string]int, len(body)) // area code + name → first row
	inScope := map[string]bool{}
	for i, r := range body {
		if progress != nil && i%progressEvery == 0 {
			progress(i, total)
		}
		if blank(r.cells) {
			continue
		}
		u := importUnit{row: r.n, phone: im.cell(r, "contact_phone"), address: im.cell(r, "address")}
		ok := true
		fail := func(key, format string, args ...any) { im.bad(r.n, key, format, args...); ok = false }
		u.name = im.cell(r, "name")
		switch {
		case u.name == "":
			fail("name", "missing field: name is required")
		case utf8.RuneCountInString(u.name) > 200:
			fail("name", "name is longer than 200 characters")
		}
		if v := im.cell(r, "kind"); v == "" {
			fail("kind", "missing field: kind is required")
		} else if k, kok := ParseKind(strings.ToLower(v)); !kok {
			fail("kind", "unknown kind %q; use 区域单位, 非公企业, 社会组织 or 沿街商铺", v)
		} else {
			u.kind = string(k)
		}
		if v := im.cell(r, "area"); v == "" {
			fail("area", "missing field: area is required")
		} else if a, aok := ix.Lookup(v); !aok {
			fail("area", "unknown area %q; give an area code or a full name path like 徐汇区/湖南路街道", v)
		} else {
			allowed, known := inScope[a.Code]
			if !known {
				allowed = auth.Authorize(p, auth.UnitWrite, a.Path) == nil
				inScope[a.Code] = allowed
			}
			if !allowed {
				fail("area", "area %s (%s) is outside your scope", a.Code, a.Name)
			} else {
				u.area, u.path = a.Code, a.Path
			}
		}
		for _, b := range []struct {
			key string
			dst *bool
		}{{"has_party_org", &u.hasOrg}, {"platform_covered", &u.cov}} {
			v := im.cell(r, b.key)
			if yes, bok := ParseYesNo(v); bok {
				*b.dst = yes
			} else {
				fail(b.key, "bad boolean %q; use 是 or 否", v)
			}
		}
		for _, n := range []struct {
			key string
			dst *int
		}{{"employees", &u.employees}, {"party_members", &u.members}} {
			v := im.cell(r, n.key)
			if c, nok := ParseCount(v); nok {
				*n.dst = c
			} else {
				fail(n.key, "bad number %q; use a whole number of 0 or more", v)
			}
		}
		if utf8.RuneCountInString(u.address) > 500 {
			fail("address", "address is longer than 500 characters")
		}
		// An export masks phones; importing it back must not store the mask.
		if strings.Contains(u.phone, "*") {
			u.phone = ""
		} else if utf8.RuneCountInString(u.phone) > 40 {
			fail("contact_phone", "phone is longer than 40 characters")
		}
		if u.name != "" && u.area != "" {
			key := u.area + "\x00" + u.name
			if first, dup := seen[key]; dup {
				fail("name", "duplicate name %q in area %s (also row %d)", u.name, u.area, first)
			} else {
				seen[key] = r.n
			}
		}
		if ok {
			units = append(units, u)
		}
	}
	return units
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// checkExisting reports rows whose name is already taken in their area,
// asking only about the areas the file touches, a few hundred at a time.
func (s *Service) checkExisting(ctx context.Context, im *unitImport, units []importUnit) error {
	byKey := make(map[string]int, len(units))
	var codes []string
	for i, u := range units {
		if _, ok := byKey[u.area+"\x00"]; !ok {
			byKey[u.area+"\x00"] = -1
			codes = append(codes, u.area)
		}
		byKey[u.area+"\x00"+u.name] = i
	}
	for chunk := range slices.Chunk(codes, 500) {
		args := make([]any, len(chunk))
		for i, c := range chunk {
			args[i] = c
		}
		err := db.Each(ctx, s.db, "SELECT area_code, name FROM units WHERE area_code IN (?"+strings.Repeat(", ?", len(chunk)-1)+")", args,
			func(r db.Scanner) ([2]string, error) {
				var cn [2]string
				err := r.Scan(&cn[0], &cn[1])
				return cn, err
			}, func(cn [2]string) error {
				if i, ok := byKey[cn[0]+"\x00"+cn[1]]; ok && i >= 0 {
					im.bad(units[i].row, "name", "duplicate name %q in area %s: a unit of that name already exists", cn[1], cn[0])
				}
				return nil
			})
		if err != nil {
			return errs.Wrap(err, "existing units")
		}
	}
	return nil
}

// unitInsertCols are the columns a bulk unit insert fills, in order.
var unitInsertCols = []string{"name", "kind", "area_code", "area_path", "has_party_org", "platform_covered",
	"address", "employees", "party_members", "contact_phone", "created_at", "updated_at"}

// insertUnits inserts validated rows in one transaction with one audit row.
func (s *Service) insertUnits(ctx context.Context, p *auth.Principal, file string, units []importUnit, progress func(done, total int)) error {
	now := s.clock.Now()
	// In index order, each insert lands next to the previous one instead of
	// on a random page of the (area, name) and (path, kind) indexes.
	slices.SortFunc(units, func(a, b importUnit) int {
		return cmp.Or(strings.Compare(a.path, b.path), strings.Compare(a.kind, b.kind), strings.Compare(a.name, b.name))
	})
	common := units[0].path
	for _, u := range units[1:] {
		common = commonPath(common, u.path)
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		ins := db.NewBulkInsert(tx, "units", unitInsertCols)
		for i, u := range units {
			if progress != nil && i%progressEvery == 0 {
				progress(len(units)+i, 2*len(units))
			}
			err := ins.Add(ctx, u.name, u.kind, u.area, u.path, u.hasOrg, u.cov, u.address, u.employees, u.members, u.phone, now, now)
			if err != nil {
				return importConflict(file, err)
			}
		}
		if err := ins.Close(ctx); err != nil {
			return importConflict(file, err)
		}
		if progress != nil {
			progress(2*len(units), 2*len(units))
		}
		return auth.Record(ctx, tx, now, p, auth.Change{Action: "import", Entity: "unit", EntityID: file, AreaPath: common,
			After: map[string]any{"file": file, "rows": len(units)}})
	})
}

func importConflict(file string, err error) error {
	if errs.Code(err) == errs.ECONFLICT {
		return errs.New(errs.ECONFLICT, "%s: a unit of the same name was added to one of these areas meanwhile; import again", file)
	}
	return errs.Wrap(err, "insert units")
}

// commonPath is the deepest area path both paths lie in ("/" at worst).
func commonPath(a, b string) string {
	n := 0
	for i := 0; i < len(a) && i < len(b) && a[i] == b[i]; i++ {
		if a[i] == '/' {
			n = i + 1
		}
	}
	if n == 0 {
		return "/"
	}
	return a[:n]
}
