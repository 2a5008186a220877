package phone

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/notify"
	"gongzhi/internal/xlsxsafe"
)

// Entry is one phone on an area's roll, as lists and exports show it: the
// phone masked.
type Entry struct {
	Area      string    `json:"area"`
	AreaName  string    `json:"area_name"`
	Phone     string    `json:"phone"` // masked: 138****8000
	Household string    `json:"household"`
	AddedBy   string    `json:"added_by"`
	CreatedAt time.Time `json:"created_at"`
}

// EntryInput is a phone to add to a residential area's roll.
type EntryInput struct {
	Area      string `json:"area"`
	Phone     string `json:"phone"`
	Household string `json:"household"`
}

// RollFilter narrows a roll list.
type RollFilter struct {
	Area    string // the area's subtree
	Page    int
	PerPage int
}

const entryCols = `rp.area_code, ar.name, rp.phone, rp.household, rp.added_by_name, rp.created_at`

var entryFrom = `resident_phones rp` + area.Join("ar", "rp.area_code")

func scanEntry(sc db.Scanner) (Entry, error) {
	var e Entry
	err := sc.Scan(&e.Area, &e.AreaName, &e.Phone, &e.Household, &e.AddedBy, &e.CreatedAt)
	e.Phone = auth.MaskPhone(e.Phone)
	return e, err
}

// List lists the roll in p's scope (delib.read), phones masked, by area
// then household.
func (s *Service) List(ctx context.Context, p *auth.Principal, f RollFilter) (db.Listed[Entry], error) {
	w, err := s.rollWhere(ctx, p, f.Area)
	if err != nil {
		return db.Listed[Entry]{}, err
	}
	limit, offset := auth.Paging(f.Page, f.PerPage)
	l, err := db.List(ctx, s.db, db.Page{Cols: entryCols, From: entryFrom, Where: w,
		Order: "rp.area_path, rp.household, rp.phone", Limit: limit, Offset: offset}, scanEntry)
	return l, errs.Wrap(err, "roll")
}

func (s *Service) rollWhere(ctx context.Context, p *auth.Principal, code string) (db.Where, error) {
	var w db.Where
	if err := auth.AuthorizeAny(p, auth.DelibRead); err != nil {
		return w, err
	}
	c, a := auth.ScopeSQL(s.db.Dialect, p, auth.DelibRead, "rp.area_path")
	w.And(c, a...)
	if code != "" {
		path, err := area.Path(ctx, s.db, code)
		if errs.Code(err) == errs.ENOTFOUND {
			return w, errs.Invalid("area", "unknown area %q", code)
		} else if err != nil {
			return w, err
		}
		c, arg := area.Subtree(s.db.Dialect, "rp.area_path", path)
		w.And(c, arg)
	}
	return w, nil
}

// rollArea checks that code is a residential area where p manages the
// roll (delib.write) and returns its path. Rolls are kept by residential
// areas only: the residents' committee knows its households.
func rollArea(ctx context.Context, q db.Querier, p *auth.Principal, code string) (string, error) {
	if code == "" {
		return "", errs.Invalid("area", "choose the residential area whose roll it is")
	}
	level, path, err := area.LevelPath(ctx, q, code)
	if errs.Code(err) == errs.ENOTFOUND {
		return "", errs.Invalid("area", "unknown area %q", code)
	} else if err != nil {
		return "", err
	}
	if err := auth.Authorize(p, auth.DelibWrite, path); err != nil {
		return "", err
	}
	if level != area.Residential {
		return "", errs.Invalid("area", "residents' phone rolls are kept by residential areas (居民区): choose one")
	}
	return path, nil
}

// entryID names a roll entry in the audit log without its number.
func entryID(code, phone string) string { return code + ":" + auth.MaskPhone(phone) }

// Add puts a phone on a residential area's roll (delib.write there); a
// phone on it already is ECONFLICT.
func (s *Service) Add(ctx context.Context, p *auth.Principal, in EntryInput) (Entry, error) {
	n, err := Normal(in.Phone)
	if err != nil {
		return Entry{}, err
	}
	if in.Household, err = Household(in.Household); err != nil {
		return Entry{}, err
	}
	var out Entry
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		path, err := rollArea(ctx, tx, p, in.Area)
		if err != nil {
			return err
		}
		now := s.clock.Now()
		by, name := p.Actor()
		if _, err := tx.Exec(ctx, `INSERT INTO resident_phones (area_code, area_path, phone, household, added_by, added_by_name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			in.Area, path, n, in.Household, by, name, now); err != nil {
			if errs.Code(db.MapError(err)) == errs.ECONFLICT {
				return errs.New(errs.ECONFLICT, "%s is on this area's roll already", auth.MaskPhone(n))
			}
			return errs.Wrap(err, "add phone")
		}
		out, err = scanEntry(tx.QueryRow(ctx, `SELECT `+entryCols+` FROM `+entryFrom+` WHERE rp.area_code = ? AND rp.phone = ?`, in.Area, n))
		if err != nil {
			return errs.Wrap(err, "roll")
		}
		return auth.Record(ctx, tx, now, p, auth.Change{Action: "create", Entity: "resident_phone", EntityID: entryID(in.Area, n), AreaPath: path,
			After: map[string]any{"area": in.Area, "phone": n, "household": in.Household}})
	})
	return out, err
}

// Remove takes a phone off a residential area's roll (delib.write there):
// it loses that area at once, also in a session already open.
func (s *Service) Remove(ctx context.Context, p *auth.Principal, code, phone string) error {
	n, err := Normal(phone)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		path, err := rollArea(ctx, tx, p, code)
		if err != nil {
			return err
		}
		var household string
		if err := tx.QueryRow(ctx, `SELECT household FROM resident_phones WHERE area_code = ? AND phone = ?`, code, n).Scan(&household); err != nil {
			return db.NotFound(err, "phone on the roll")
		}
		if _, err := tx.Exec(ctx, `DELETE FROM resident_phones WHERE area_code = ? AND phone = ?`, code, n); err != nil {
			return errs.Wrap(err, "remove phone")
		}
		return auth.Record(ctx, tx, s.clock.Now(), p, auth.Change{Action: "delete", Entity: "resident_phone", EntityID: entryID(code, n), AreaPath: path,
			Before: map[string]any{"area": code, "phone": n, "household": household}})
	})
}

// Row is one phone read from a roll file.
type Row struct {
	Line      int // the spreadsheet row
	Phone     string
	Household string
}

// rollHeaders are first-row cells of column A that name the column.
var rollHeaders = map[string]bool{"手机": true, "手机号": true, "手机号码": true, "电话": true, "联系电话": true, "phone": true, "mobile": true}

// ReadRoll reads a roll file staff keep in Excel or CSV: the first sheet,
// column A the mobile number, column B the household (门牌, optional), a
// header row allowed. Errors name the file, row and column as a
// spreadsheet shows them; the file is read whole or not at all.
func ReadRoll(name string, data []byte) ([]Row, error) {
	rows, err := readCells(name, data)
	if err != nil {
		return nil, err
	}
	var out []Row
	seen := map[string]int{}
	var ds []errs.Detail
	fault := func(line int, col string, d errs.Detail) {
		d.Row, d.Column = line, col
		ds = append(ds, d)
	}
	for i, cells := range rows {
		line := i + 1
		cell := func(c int) string {
			if c < len(cells) {
				return strings.TrimSpace(cells[c])
			}
			return ""
		}
		a, b := cell(0), cell(1)
		if a == "" && b == "" {
			continue
		}
		if i == 0 && rollHeaders[strings.ToLower(strings.TrimPrefix(a, "\ufeff"))] {
			continue
		}
		n, ok := mobile(a)
		if !ok {
			fault(line, "A", errs.D("phone", "%q is not a mainland mobile number (11 digits starting with 1)", a))
			continue
		}
		if first, dup := seen[n]; dup {
			fault(line, "A", errs.D("phone", "%s is listed already in row %d", auth.MaskPhone(n), first))
			continue
		}
		seen[n] = line
		h, err := Household(b)
		if err != nil {
			fault(line, "B", errs.D("household", "a household label is at most %d characters", MaxHousehold))
			continue
		}
		out = append(out, Row{Line: line, Phone: n, Household: h})
		if len(out) > MaxRoll {
			return nil, errs.Invalid("file", "%s holds more than %d phones: import one residential area at a time", name, MaxRoll)
		}
	}
	if len(ds) > 0 {
		e := errs.Fields(ds)
		first := ds[0]
		e.Message = fmt.Sprintf("%s: row %d, column %s: %s", name, first.Row, first.Column, first.Message)
		e.Format, e.Args = "%s: row %d, column %s: %s", []any{name, first.Row, first.Column, first.Message}
		return nil, e
	}
	if len(out) == 0 {
		return nil, errs.Invalid("file", "%s lists no phones: put one mobile number a row in column A, the household in column B", name)
	}
	return out, nil
}

// mobile reads a number as a spreadsheet may hold it: a number cell of 11
// digits may come back as 1.38001380E10 or with ".0".
func mobile(s string) (string, bool) {
	s = strings.TrimSuffix(s, ".0")
	if strings.ContainsAny(s, "Ee") {
		var f float64
		if _, err := fmt.Sscanf(s, "%g", &f); err == nil && f >= 1e10 && f < 2e10 {
			s = fmt.Sprintf("%.0f", f)
		}
	}
	return notify.MobileNumber(s)
}

func readCells(name string, data []byte) ([][]string, error) {
	return xlsxsafe.Cells(name, data, MaxRoll+1)
}

// ImportResult says what an import did.
type ImportResult struct {
	File    string `json:"file"`
	Rows    int    `json:"rows"`    // phones in the file
	Added   int    `json:"added"`   // new on the roll
	Already int    `json:"already"` // on the roll before (their household is updated when the file gives one)
}

// Import reads a roll file (ReadRoll) into a residential area's roll
// (delib.write there), all or nothing, with one audit row.
func (s *Service) Import(ctx context.Context, p *auth.Principal, code, name string, data []byte) (ImportResult, error) {
	res := ImportResult{File: name}
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		path, err := rollArea(ctx, tx, p, code)
		if err != nil {
			return err
		}
		rows, err := ReadRoll(name, data)
		if err != nil {
			return err
		}
		res.Rows = len(rows)
		have, err := db.Strings(ctx, tx, `SELECT phone FROM resident_phones WHERE area_code = ?`, code)
		if err != nil {
			return errs.Wrap(err, "roll")
		}
		on := make(map[string]bool, len(have))
		for _, h := range have {
			on[h] = true
		}
		now := s.clock.Now()
		by, byName := p.Actor()
		b := db.NewBulkInsert(tx, "resident_phones", []string{"area_code", "area_path", "phone", "household", "added_by", "added_by_name", "created_at"})
		for _, r := range rows {
			if on[r.Phone] {
				res.Already++
				if r.Household != "" {
					if _, err := tx.Exec(ctx, `UPDATE resident_phones SET household = ? WHERE area_code = ? AND phone = ?`, r.Household, code, r.Phone); err != nil {
						return errs.Wrap(err, "roll")
					}
				}
				continue
			}
			res.Added++
			if err := b.Add(ctx, code, path, r.Phone, r.Household, by, byName, now); err != nil {
				return errs.Wrap(err, "import roll")
			}
		}
		if err := b.Close(ctx); err != nil {
			return errs.Wrap(err, "import roll")
		}
		return auth.Record(ctx, tx, now, p, auth.Change{Action: "import", Entity: "resident_phone", EntityID: code, AreaPath: path,
			After: map[string]any{"file": name, "rows": res.Rows, "added": res.Added, "already": res.Already}})
	})
	return res, err
}

// Export writes the roll in p's scope (delib.read) as XLSX, phones masked:
// a list to check, not a copy of residents' numbers.
func (s *Service) Export(ctx context.Context, p *auth.Principal, code string, w io.Writer) error {
	where, err := s.rollWhere(ctx, p, code)
	if err != nil {
		return err
	}
	f := excelize.NewFile()
	defer f.Close()
	sheet := f.GetSheetName(0)
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return errs.Wrap(err, "export")
	}
	if err := sw.SetRow("A1", []any{"居民区", "手机（已隐藏）", "门牌", "添加人", "添加时间"}); err != nil {
		return errs.Wrap(err, "export")
	}
	row := 1
	err = db.Each(ctx, s.db, `SELECT `+entryCols+` FROM `+entryFrom+` WHERE `+where.SQL()+` ORDER BY rp.area_path, rp.household, rp.phone`, where.Args(), scanEntry,
		func(e Entry) error {
			row++
			cell, _ := excelize.CoordinatesToCellName(1, row)
			return sw.SetRow(cell, []any{e.AreaName, e.Phone, e.Household, e.AddedBy, e.CreatedAt.In(clock.Shanghai).Format("2006-01-02 15:04")})
		})
	if err != nil {
		return errs.Wrap(err, "export")
	}
	if err := sw.Flush(); err != nil {
		return errs.Wrap(err, "export")
	}
	return errs.Wrap(f.Write(w), "export")
}
