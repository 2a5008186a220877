package web

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"net/http"

	"gongzhi/internal/auth"
	"gongzhi/internal/errs"
	"gongzhi/internal/org"
)

// importPage is the data of import.html.
type importPage struct {
	MaxBytes int64
	MaxMiB   int64
	Result   *org.ImportResult // set after a successful import
	Error    string            // translated summary of a refused file
	Detail   string            // the importer's own message when there are no row details
	Rows     []errs.Detail     // every bad cell, by row and column
	// Preview is what the uploaded file would add, kept as draft DraftID
	// until the worker confirms or cancels it.
	Preview   *org.ImportPreview
	DraftID   int64
	AreaNames map[string]string
}

// importForm shows the upload form for a CSV or XLSX list of units.
func (s *server) importForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := auth.AuthorizeAny(rq.P, auth.UnitWrite); err != nil {
		return err
	}
	s.renderImport(w, r, rq, http.StatusOK, s.newImportPage())
	return nil
}

func (s *server) newImportPage() importPage {
	return importPage{MaxBytes: s.MaxUploadBytes, MaxMiB: max(1, s.MaxUploadBytes>>20)}
}

func (s *server) renderImport(w http.ResponseWriter, r *http.Request, rq *request, status int, page importPage) {
	v := rq.view(r, "import", "import.title", page)
	v.Scripts = []string{"upload.js"}
	s.render(w, rq, status, "import.html", v)
}

// importUpload takes the posted file and imports all its rows or none. It
// reads its own multipart body (the generic form wrapper caps bodies at
// 1 MiB) and checks the CSRF field once the form is parsed.
func (s *server) importUpload(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := auth.AuthorizeAny(rq.P, auth.UnitWrite); err != nil {
		return err
	}
	page := s.newImportPage()
	// Room for the multipart framing and the csrf field around the file.
	limit := s.MaxUploadBytes + 64<<10
	if r.ContentLength > limit {
		page.Error = rq.T("import.too_large", page.MaxMiB)
		s.renderImport(w, r, rq, http.StatusRequestEntityTooLarge, page)
		return nil
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		var mbe *http.MaxBytesError
		status := http.StatusBadRequest
		page.Error = rq.T("import.bad_form")
		if errors.As(err, &mbe) {
			status, page.Error = http.StatusRequestEntityTooLarge, rq.T("import.too_large", page.MaxMiB)
		}
		s.renderImport(w, r, rq, status, page)
		return nil
	}
	defer r.MultipartForm.RemoveAll()
	if !rq.csrfOK(r) {
		return errCSRF()
	}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		page.Error = rq.T("import.no_file")
		s.renderImport(w, r, rq, http.StatusBadRequest, page)
		return nil
	}
	defer file.Close()
	if hdr.Size > s.MaxUploadBytes {
		page.Error = rq.T("import.too_large", page.MaxMiB)
		s.renderImport(w, r, rq, http.StatusRequestEntityTooLarge, page)
		return nil
	}
	// First a preview: the file is checked as the import would check it and
	// kept as a draft; the import runs when the worker confirms what it adds.
	data, err := io.ReadAll(io.LimitReader(file, s.MaxUploadBytes+1))
	if err != nil {
		return err
	}
	pv, err := s.Org.PreviewUnits(r.Context(), rq.P, hdr.Filename, bytes.NewReader(data))
	if err == nil {
		if page.DraftID, err = s.Org.SaveImportDraft(r.Context(), rq.P, hdr.Filename, data); err != nil {
			return err
		}
		page.Preview = &pv
		page.AreaNames = map[string]string{}
		for _, c := range pv.ByArea {
			page.AreaNames[c.Key] = s.areaName(r.Context(), rq.Lang, c.Key)
		}
		s.renderImport(w, r, rq, http.StatusOK, page)
		return nil
	}
	return s.importFailed(w, r, rq, page, hdr.Filename, err)
}

// importFailed shows why a file was refused, row by row where it can.
func (s *server) importFailed(w http.ResponseWriter, r *http.Request, rq *request, page importPage, file string, err error) error {
	switch code := errs.Code(err); code {
	case errs.ETOOMANY: // other imports hold the slots: nothing was read
		page.Error = rq.T("import.busy")
		w.Header().Set("Retry-After", "30")
		s.renderImport(w, r, rq, http.StatusTooManyRequests, page)
		return nil
	case errs.EINVALID, errs.ECONFLICT, errs.ETOOLARGE:
		page.Rows = rq.localDetails(err)
		page.Error = rq.T("import.rejected", file)
		if len(page.Rows) == 0 {
			page.Detail = rq.ErrMsg(err)
		}
		status := statusOf[code]
		if code == errs.EINVALID {
			status = http.StatusUnprocessableEntity // the file was read; its content is wrong
		}
		s.renderImport(w, r, rq, status, page)
		return nil
	}
	return err
}

// importConfirm imports a previewed draft: all its rows or none.
func (s *server) importConfirm(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	page := s.newImportPage()
	res, err := s.Org.ConfirmImportDraft(r.Context(), rq.P, id)
	if err != nil {
		return s.importFailed(w, r, rq, page, res.File, err)
	}
	page.Result = &res
	s.renderImport(w, r, rq, http.StatusOK, page)
	return nil
}

// importCancel drops a previewed draft.
func (s *server) importCancel(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.Org.CancelImportDraft(r.Context(), rq.P, id); err != nil {
		return err
	}
	return redirect(w, r, "/import")
}

// importTemplate downloads the unit import template (org.WriteImportTemplate).
func (s *server) importTemplate(w http.ResponseWriter, r *http.Request, rq *request) error {
	var buf bytes.Buffer
	if err := s.Org.WriteImportTemplate(r.Context(), rq.P, &buf); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": "单位导入模板.xlsx"}))
	h.Set("Cache-Control", "no-store")
	_, err := w.Write(buf.Bytes())
	return err
}
