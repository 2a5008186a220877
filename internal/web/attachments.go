package web

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"gongzhi/internal/demand"
	"gongzhi/internal/errs"
)

// Photos and files of a demand (附件): the resident's report form, the
// intake form and the demand page send them as multipart forms in a field
// named "attachments"; the demand service checks sizes, counts and types.

// attachmentsField is the form field of the files, and the field the
// service's errors name.
const attachmentsField = "attachments"

// errUploadTooLarge is the 413 of a body over demand.MaxUploadBytes.
func errUploadTooLarge() error {
	return errs.New(errs.ETOOLARGE, "the upload is larger than %d MiB; send at most %d files of at most %d MiB each",
		demand.MaxUploadBytes>>20, demand.MaxAttachments, demand.MaxAttachmentBytes>>20)
}

// parseForm reads a posted form that may carry files. A multipart body may
// be as large as demand.MaxUploadBytes and is held in memory (photos of
// people are never written to a temporary file); any other form is capped
// at limit.
func parseForm(w http.ResponseWriter, r *http.Request, limit int64) error {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		if err := r.ParseForm(); err != nil {
			return tooLargeOr(err)
		}
		return nil
	}
	if r.ContentLength > demand.MaxUploadBytes {
		return errUploadTooLarge()
	}
	r.Body = http.MaxBytesReader(w, r.Body, demand.MaxUploadBytes)
	if err := r.ParseMultipartForm(demand.MaxUploadBytes); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return errUploadTooLarge()
		}
		return tooLargeOr(err)
	}
	return nil
}

// postFiles serves a form post from a signed-in user that may carry files:
// parseForm, then the session's CSRF token.
func (s *server) postFiles(h handler) http.HandlerFunc {
	return s.page(func(w http.ResponseWriter, r *http.Request, rq *request) error {
		if err := parseForm(w, r, formLimit); err != nil {
			return err
		}
		if !rq.csrfOK(r) {
			return errCSRF()
		}
		return h(w, r, rq)
	})
}

// formFiles reads the files of the attachments field. A file input left
// empty still sends a part with no name and no bytes: it is no file.
func formFiles(r *http.Request) ([]demand.File, error) {
	if r.MultipartForm == nil {
		return nil, nil
	}
	var out []demand.File
	for _, fh := range r.MultipartForm.File[attachmentsField] {
		if fh.Filename == "" && fh.Size == 0 {
			continue
		}
		f, err := fh.Open()
		if err != nil {
			return nil, errs.Wrap(err, "open upload")
		}
		data, err := io.ReadAll(f)
		f.Close()
		if err != nil {
			return nil, errs.Wrap(err, "read upload")
		}
		out = append(out, demand.File{Name: fh.Filename, ContentType: fh.Header.Get("Content-Type"), Data: data})
	}
	return out, nil
}

// fileErrors words every problem with the posted files, so each bad file
// is named at once; "" when the error names none.
func (rq *request) fileErrors(err error) string {
	var msgs []string
	for _, d := range rq.localDetails(err) {
		if d.Field == attachmentsField {
			msgs = append(msgs, d.Message)
		}
	}
	return strings.Join(msgs, " ")
}

// attachmentList is the data of the "attachment-list" template: files and
// the path they are served under (/demands/{id} or /t/{token}).
type attachmentList struct {
	Base  string
	Items []demand.Attachment
}

// fileInput is the data of the "file-input" template.
type fileInput struct {
	ID     string
	Limits uploadLimits
	Error  string
	Again  bool // files were sent with a refused form: ask for them again
	// Optional marks the picker of a form that is about something else.
	Optional bool
}

// fileSize shows a file's size: 320 KB, 2.4 MB.
func fileSize(n int64) string {
	if n < 1<<20 {
		return strconv.FormatInt((n+1023)/1024, 10) + " KB"
	}
	return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
}

// demandAttach adds the posted files to a demand and returns to its page;
// a refusal (too large, too many, wrong type, not allowed) shows the page
// again with the reason, and nothing is stored.
func (s *server) demandAttach(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	files, err := formFiles(r)
	if err != nil {
		return err
	}
	added, err := s.Demand.Attach(r.Context(), rq.P, id, files)
	switch code := errs.Code(err); code {
	case "":
		return redirect(w, r, "/demands/"+strconv.FormatInt(id, 10)+"?attached="+strconv.Itoa(len(added))+"#attachments")
	case errs.EINVALID, errs.EFORBIDDEN:
		msg, status := rq.fileErrors(err), statusOf[code]
		if msg == "" {
			msg = rq.ErrMsg(err)
		}
		return s.showDemand(w, r, rq, status, id, func(v *demandView) {
			v.Error, v.ErrorStatus, v.AttachError = msg, status, msg
		})
	}
	return err
}

// demandFile serves one file of a demand to those who may see the demand.
func (s *server) demandFile(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	aid, err := pathID(r, "aid")
	if err != nil {
		return err
	}
	f, err := s.Demand.Attachment(r.Context(), rq.P, id, aid)
	if err != nil {
		return err
	}
	f.ServeHTTP(w, r)
	return nil
}

// trackFile serves a file the holder of a tracking link filed with their
// report; nothing else is found through the link.
func (s *server) trackFile(w http.ResponseWriter, r *http.Request, rq *request) error {
	aid, err := pathID(r, "aid")
	if err != nil {
		return err
	}
	f, err := s.Demand.TrackedAttachment(r.Context(), r.PathValue("token"), aid)
	if err != nil {
		return err
	}
	f.ServeHTTP(w, r)
	return nil
}
