package pairing

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/xlsxsafe"
)

// Import limits: a district's people in care fit with room to spare.
const (
	MaxImportBytes   = 5 << 20
	maxImportRows    = 20000
	maxImportDetails = 500
)

// importColumns are the import's columns: key and Chinese header.
var importColumns = [][2]string{{"kind", "类别"}, {"name", "姓名"}, {"area", "居民区"}, {"address", "住址"}, {"phone", "电话"}, {"note", "备注"}}

func importKey(h string) string {
	h = strings.TrimRight(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")), "*＊ ")
	for _, c := range importColumns {
		if strings.EqualFold(h, c[0]) || h == c[1] {
			return c[0]
		}
	}
	return map[string]string{"手机": "phone", "联系电话": "phone", "所在居民区": "area", "社区": "area", "对象类别": "kind"}[h]
}

// Imported says what an import did.
type Imported struct {
	File    string `json:"file"`
	Created int    `json:"created"`
}

// Import adds the people in care of an XLSX file's first sheet (columns
// 类别, 姓名, 居民区 by code or name, 住址, 电话, 备注) where the caller holds
// pairing.write: all rows or none; every problem is named by row and column.
// A column of ID numbers is not read.
func (s *Service) Import(ctx context.Context, p *auth.Principal, file string, r io.Reader) (Imported, error) {
	res := Imported{File: file}
	if err := auth.AuthorizeAny(p, auth.PairingWrite); err != nil {
		return res, err
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxImportBytes+1))
	if err != nil {
		return res, errs.Wrap(err, "read import")
	}
	if len(data) > MaxImportBytes {
		return res, errs.New(errs.ETOOLARGE, "%s: the file is over %d MiB; split it", file, MaxImportBytes>>20)
	}
	if !bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return res, errs.New(errs.EINVALID, "%s: not a readable XLSX file", file)
	}
	rows, err := xlsxsafe.FirstSheet(file, data, xlsxsafe.Limits{MaxUnpacked: MaxImportBytes * 4}, maxImportRows)
	if err != nil {
		return res, err
	}
	if len(rows) == 0 {
		return res, errs.New(errs.EINVALID, "%s: the sheet is empty; the first row names the columns", file)
	}
	cols := map[string]int{}
	for i, h := range rows[0] {
		if k := importKey(h); k != "" {
			if _, dup := cols[k]; dup {
				return res, errs.New(errs.EINVALID, "%s: row 1: column %s appears twice", file, strings.TrimSpace(h))
			}
			cols[k] = i
		}
	}
	for _, k := range []string{"kind", "name", "area"} {
		if _, ok := cols[k]; !ok {
			return res, errs.New(errs.EINVALID, "%s: row 1: the column %s is missing", file, map[string]string{"kind": "类别", "name": "姓名", "area": "居民区"}[k])
		}
	}
	areas, err := area.All(ctx, s.db)
	if err != nil {
		return res, err
	}
	byName := map[string][]area.Area{}
	for _, a := range areas {
		if a.Level == area.Residential && auth.Authorize(p, auth.PairingWrite, a.Path) == nil {
			byName[a.Code] = append(byName[a.Code], a)
			if a.Name != a.Code {
				byName[a.Name] = append(byName[a.Name], a)
			}
		}
	}
	cell := func(cells []string, k string) string {
		i, ok := cols[k]
		if !ok || i >= len(cells) {
			return ""
		}
		v := strings.TrimSpace(cells[i])
		if len(v) > 1 && v[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(v[1])) {
			v = v[1:] // as exported
		}
		return v
	}
	var details []errs.Detail
	bad := func(row int, d errs.Detail) {
		if len(details) < maxImportDetails {
			d.Row, d.Column = row, strings.TrimSpace(rows[0][cols[d.Field]])
			details = append(details, d)
		}
	}
	type row struct {
		in   PersonInput
		path string
	}
	var out []row
	for i, cells := range rows[1:] {
		n := i + 2
		if strings.TrimSpace(strings.Join(cells, "")) == "" {
			continue
		}
		x := row{in: PersonInput{Kind: cell(cells, "kind"), Name: cell(cells, "name"), Area: cell(cells, "area"),
			Address: cell(cells, "address"), Phone: cell(cells, "phone"), Note: cell(cells, "note")}}
		if err := x.in.check(); err != nil {
			for _, d := range errs.DetailsOf(err) {
				if _, ok := cols[d.Field]; ok {
					bad(n, d)
				}
			}
		}
		if x.in.Area != "" {
			switch as := byName[x.in.Area]; {
			case len(as) == 0:
				bad(n, errs.D("area", "no residential area %q where you manage pairing", x.in.Area))
			case len(as) > 1:
				bad(n, errs.D("area", "several residential areas are named %q; write its code instead", x.in.Area))
			default:
				x.in.Area, x.path = as[0].Code, as[0].Path
			}
		}
		out = append(out, x)
	}
	if len(details) > 0 {
		first := details[0]
		return res, &errs.Error{Code: errs.EINVALID, Message: fmt.Sprintf("%s: row %d, column %s: %s", file, first.Row, first.Column, first.Message), Details: details}
	}
	if len(out) == 0 {
		return res, errs.New(errs.EINVALID, "%s: no rows below the header", file)
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		now := s.clock.Now()
		bi := db.NewBulkInsert(tx, "care_people", []string{"kind", "name", "area_code", "area_path", "address", "phone", "note", "created_at", "updated_at"})
		for _, x := range out {
			if err := bi.Add(ctx, x.in.Kind, x.in.Name, x.in.Area, x.path, x.in.Address, x.in.Phone, x.in.Note, now, now); err != nil {
				return errs.Wrap(err, "import people in care")
			}
		}
		if err := bi.Close(ctx); err != nil {
			return errs.Wrap(err, "import people in care")
		}
		return auth.Record(ctx, tx, now, p, auth.Change{Action: "import", Entity: "care_person", AreaPath: "/", After: map[string]any{"file": file, "rows": len(out)}})
	})
	if err != nil {
		return res, err
	}
	res.Created = len(out)
	return res, nil
}
