package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"gongzhi/internal/auth"
	"gongzhi/internal/errs"
)

// eMethod is the API's own code for a known path asked with the wrong
// method; internal/errs has no such code because only HTTP has methods.
const eMethod = "EMETHOD"

// statusOf is the one table from error codes to HTTP statuses. EINVALID is
// 400 everywhere, import rows included, with the fields (or row and column)
// at fault in the details.
var statusOf = map[string]int{
	errs.EINVALID:      http.StatusBadRequest,
	errs.EUNAUTHORIZED: http.StatusUnauthorized,
	errs.EFORBIDDEN:    http.StatusForbidden,
	errs.ENOTFOUND:     http.StatusNotFound,
	eMethod:            http.StatusMethodNotAllowed,
	errs.ECONFLICT:     http.StatusConflict,
	errs.EUNAVAILABLE:  http.StatusUnprocessableEntity,
	errs.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	errs.ETOOMANY:      http.StatusTooManyRequests,
	errs.EINTERNAL:     http.StatusInternalServerError,
}

// errorBody is the API's one error shape:
// {"error":{"code":"EINVALID","message":"…","details":[{"field":"…","message":"…"}]}}.
type errorBody struct {
	Error errorJSON `json:"error"`
}

type errorJSON struct {
	Code    string        `json:"code"`
	Message string        `json:"message"`
	Details []errs.Detail `json:"details"`
}

// statusClientClosed answers a request whose client left before the end.
const statusClientClosed = 499

// fail writes err as the error body with the status of its code. Internal
// errors are logged with the request and reach the client only as
// "internal error"; nothing from a driver or a stack is ever sent.
func (s *server) fail(w http.ResponseWriter, r *http.Request, err error) {
	if mbe, ok := errors.AsType[*http.MaxBytesError](err); ok {
		err = errs.New(errs.ETOOLARGE, "the request body is larger than %d bytes", mbe.Limit)
	}
	if r.Context().Err() != nil && errors.Is(err, context.Canceled) {
		// The client went away mid-request: nothing is wrong here, and
		// nobody reads the answer. 499 is nginx's "client closed request".
		s.Logger.LogAttrs(r.Context(), slog.LevelDebug, "api request abandoned",
			slog.String("id", w.Header().Get("X-Request-ID")), slog.String("method", r.Method),
			slog.String("path", auth.RedactPath(r.URL.Path)))
		w.WriteHeader(statusClientClosed)
		return
	}
	code := errs.Code(err)
	status, ok := statusOf[code]
	if !ok {
		code, status = errs.EINTERNAL, http.StatusInternalServerError
	}
	body := errorJSON{Code: code, Message: errs.Message(err), Details: errs.DetailsOf(err)}
	if code == errs.EINTERNAL {
		body.Message, body.Details = "internal error", nil
		s.Logger.LogAttrs(r.Context(), slog.LevelError, "api error",
			slog.String("id", w.Header().Get("X-Request-ID")), slog.String("method", r.Method),
			slog.String("path", auth.RedactPath(r.URL.Path)), slog.String("err", err.Error()))
	}
	if body.Details == nil {
		body.Details = []errs.Detail{}
	}
	if status == http.StatusUnauthorized {
		challenge := `Bearer realm="gongzhi"`
		if errors.Is(err, errBadToken) {
			challenge += `, error="invalid_token"`
		}
		w.Header().Set("WWW-Authenticate", challenge)
	}
	writeJSON(w, status, errorBody{Error: body})
}

// writeJSON writes v with the status. Responses carry personal data and
// token secrets, so no cache may keep them.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		status = http.StatusInternalServerError
		buf.Reset()
		buf.WriteString(`{"error":{"code":"EINTERNAL","message":"internal error","details":[]}}` + "\n")
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// created writes a 201 with the new record and where it lives.
func created(w http.ResponseWriter, location string, v any) {
	if location != "" {
		w.Header().Set("Location", location)
	}
	writeJSON(w, http.StatusCreated, v)
}

// list is every list response: {"items":[…],"total":N} plus the page asked for.
type list[T any] struct {
	Items   []T `json:"items"`
	Total   int `json:"total"`
	Page    int `json:"page"`
	PerPage int `json:"per_page"`
}

// writeList writes one page of items; items is never null in the output.
func writeList[T any](w http.ResponseWriter, items []T, total int, pg paging) {
	if items == nil {
		items = []T{}
	}
	writeJSON(w, http.StatusOK, list[T]{Items: items, Total: total, Page: pg.Page, PerPage: pg.PerPage})
}

// pageOf cuts one page out of a list a service returns whole (areas, tokens).
func pageOf[T any](items []T, pg paging) []T {
	start := min((pg.Page-1)*pg.PerPage, len(items))
	end := min(start+pg.PerPage, len(items))
	return items[start:end]
}
