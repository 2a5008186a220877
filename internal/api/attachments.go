package api

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"gongzhi/internal/auth"
	"gongzhi/internal/demand"
	"gongzhi/internal/errs"
)

// Photos and files of a demand (附件). Uploads are multipart/form-data with
// each file in a field named "file"; the service checks sizes, counts and
// types (sniffed from the bytes) and names "attachments" in its errors.

// isMultipart reports whether the request carries a multipart form.
func isMultipart(r *http.Request) bool {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return mt == "multipart/form-data"
}

// errUploadTooLarge is the 413 of a body over demand.MaxUploadBytes.
func errUploadTooLarge() error {
	e := errs.New(errs.ETOOLARGE, "the upload is larger than %d MiB; send at most %d files of at most %d MiB each",
		demand.MaxUploadBytes>>20, demand.MaxAttachments, demand.MaxAttachmentBytes>>20)
	e.Details = []errs.Detail{{Field: "attachments", Message: e.Message, Format: e.Format, Args: e.Args}}
	return e
}

// readUpload parses a multipart body of at most demand.MaxUploadBytes. A
// declared length over the limit is refused before a byte is read. The
// form is held in memory: photos of people are never written to a
// temporary file.
func readUpload(w http.ResponseWriter, r *http.Request) error {
	if !isMultipart(r) {
		return errs.Invalid("attachments", `send multipart/form-data with each file in a field named "file"`)
	}
	if r.ContentLength > demand.MaxUploadBytes {
		return errUploadTooLarge()
	}
	r.Body = http.MaxBytesReader(w, r.Body, demand.MaxUploadBytes)
	if err := r.ParseMultipartForm(demand.MaxUploadBytes); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return errUploadTooLarge()
		}
		return errs.Invalid("attachments", "the multipart body cannot be read")
	}
	return nil
}

// uploadedFiles reads the files of the multipart field "file".
func uploadedFiles(r *http.Request) ([]demand.File, error) {
	var out []demand.File
	for _, fh := range r.MultipartForm.File["file"] {
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

// attachToDemand serves POST /demands/{id}/attachments: up to
// demand.MaxAttachments files a demand, each at most 5 MiB, JPEG, PNG,
// WebP, HEIC or PDF. All are stored in one transaction or none; the answer
// lists the files added.
func (s *server) attachToDemand(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "demand")
	if err != nil {
		return err
	}
	if err := readUpload(w, r); err != nil {
		return err
	}
	files, err := uploadedFiles(r)
	if err != nil {
		return err
	}
	added, err := s.Demand.Attach(r.Context(), p, id, files)
	if err != nil {
		return err
	}
	created(w, "", itemsOf(added))
	return nil
}

// getAttachment serves GET /demands/{id}/attachments/{aid}: the bytes as
// stored, for those who may see the demand.
func (s *server) getAttachment(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "demand")
	if err != nil {
		return err
	}
	aid, err := strconv.ParseInt(r.PathValue("aid"), 10, 64)
	if err != nil || aid < 1 {
		return errs.New(errs.ENOTFOUND, "attachment not found")
	}
	f, err := s.Demand.Attachment(r.Context(), p, id, aid)
	if err != nil {
		return err
	}
	f.ServeHTTP(w, r)
	return nil
}

// newDemandOf reads the body of POST /demands: a JSON object, or a
// multipart form with the object in the field "demand" and photos in
// fields named "file", filed together in one transaction.
func newDemandOf(w http.ResponseWriter, r *http.Request) (demand.NewDemand, error) {
	var in demand.NewDemand
	if !isMultipart(r) {
		return in, decode(w, r, &in)
	}
	if err := readUpload(w, r); err != nil {
		return in, err
	}
	vals := r.MultipartForm.Value["demand"]
	if len(vals) != 1 {
		return in, errs.Invalid("demand", `send the demand as one JSON object in the multipart field "demand"`)
	}
	if err := decodeFrom(strings.NewReader(vals[0]), &in); err != nil {
		return in, err
	}
	var err error
	in.Attachments, err = uploadedFiles(r)
	return in, err
}
