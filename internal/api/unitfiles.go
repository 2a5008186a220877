package api

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"path/filepath"
	"strings"

	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/errs"
)

// maxImportBody bounds an uploaded unit file. A district's units fit in a
// few MiB; org.ImportLimits bound what the file may unpack to and hold.
const maxImportBody = 64 << 20

// Content types of the export formats.
const (
	xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	csvType  = "text/csv; charset=utf-8"
)

// exportUnits serves GET /units/export?format=xlsx|csv with the filters of
// the unit list, all matching rows, phones masked.
func (s *server) exportUnits(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "xlsx"
	}
	if format != "xlsx" && format != "csv" {
		return errs.Invalid("format", "format must be xlsx or csv")
	}
	f, err := s.unitFilter(r.Context(), r, p)
	if err != nil {
		return err
	}
	name := "units-" + s.Clock.Now().In(clock.Shanghai).Format("20060102") + "." + format
	contentType := csvType
	if format == "xlsx" {
		contentType = xlsxType
	}
	// Headers go out with the first byte, so an error found before any
	// output (scope, filters) is still a proper JSON error.
	body := &lazyBody{w: w, start: func() {
		h := w.Header()
		h.Set("Content-Type", contentType)
		h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
		h.Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusOK)
	}}
	if format == "xlsx" {
		err = s.Org.ExportUnitsXLSX(r.Context(), p, f, body)
	} else {
		err = s.Org.ExportUnitsCSV(r.Context(), p, f, body)
	}
	if err != nil && body.started {
		// Too late for a status: cut the connection so the client sees a
		// broken download rather than a short file that looks whole.
		s.Logger.LogAttrs(r.Context(), slog.LevelError, "export failed midway",
			slog.String("id", w.Header().Get("X-Request-ID")), slog.String("err", err.Error()))
		panic(http.ErrAbortHandler)
	}
	if err != nil {
		return err
	}
	if !body.started {
		body.start()
	}
	return nil
}

// lazyBody sends the response headers on the first write.
type lazyBody struct {
	w       http.ResponseWriter
	start   func()
	started bool
}

func (l *lazyBody) Write(b []byte) (int, error) {
	if !l.started {
		l.started = true
		l.start()
	}
	return l.w.Write(b)
}

// importUnits serves POST /units/import: a CSV or XLSX file as the
// multipart field "file", or as the raw body with ?filename=. All rows go
// in or none; bad cells come back as a 400 whose details name row and column.
func (s *server) importUnits(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := auth.AuthorizeAny(p, auth.UnitWrite); err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxImportBody)
	name, file, err := uploadedFile(r)
	if err != nil {
		return err
	}
	res, err := s.Org.ImportUnits(r.Context(), p, name, file, nil)
	if errs.Code(err) == errs.ETOOMANY {
		w.Header().Set("Retry-After", importRetryAfter) // other imports hold the slots
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// previewUnitImport serves POST /units/import/preview: the same file as
// POST /units/import, checked the same way, nothing written.
func (s *server) previewUnitImport(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := auth.AuthorizeAny(p, auth.UnitWrite); err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxImportBody)
	name, file, err := uploadedFile(r)
	if err != nil {
		return err
	}
	pv, err := s.Org.PreviewUnits(r.Context(), p, name, file)
	if errs.Code(err) == errs.ETOOMANY {
		w.Header().Set("Retry-After", importRetryAfter)
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pv)
	return nil
}

// importRetryAfter is the Retry-After of an import refused because others
// are running; an import of a district's units takes seconds.
const importRetryAfter = "30"

// uploadedFile finds the file of an import request and its name, which
// tells CSV from XLSX.
func uploadedFile(r *http.Request) (string, io.Reader, error) {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		name := cleanName(r.URL.Query().Get("filename"))
		if name == "" {
			return "", nil, errs.Invalid("filename", "name the file with ?filename=units.csv (or .xlsx), or send it as the multipart field \"file\"")
		}
		return name, r.Body, nil
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return "", nil, errs.Invalid("file", "the multipart body cannot be read")
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return "", nil, errs.Invalid("file", "send the spreadsheet in the multipart field \"file\"")
		} else if err != nil {
			if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
				return "", nil, err
			}
			return "", nil, errs.Invalid("file", "the multipart body cannot be read")
		}
		if part.FormName() != "file" {
			continue
		}
		name := cleanName(part.FileName())
		if name == "" {
			name = cleanName(r.URL.Query().Get("filename"))
		}
		if name == "" {
			name = "upload.csv"
		}
		return name, part, nil
	}
}

// cleanName keeps only the base name of an uploaded file: it appears in
// messages and the audit log, never as a path.
func cleanName(s string) string {
	s = strings.TrimSpace(filepath.Base(strings.ReplaceAll(s, `\`, "/")))
	if s == "." || s == "/" {
		return ""
	}
	return s
}

// importTemplate serves GET /units/import-template: the XLSX a worker fills
// for POST /units/import, with one example row in their own area.
func (s *server) importTemplate(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var buf bytes.Buffer
	if err := s.Org.WriteImportTemplate(r.Context(), p, &buf); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", xlsxType)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": "单位导入模板.xlsx"}))
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(buf.Bytes())
	return err
}
