package open311

import (
	"fmt"
	"net/http"
	"strings"

	"gongzhi/internal/errs"
)

// apiError is one entry of the spec's error array; code is the HTTP status.
type apiError struct {
	Code        int    `json:"code" xml:"code"`
	Description string `json:"description" xml:"description"`
}

// apiErrors is a failed call: its HTTP status and every error found.
type apiErrors struct {
	status int
	list   []apiError
	cause  error // logged when the failure is ours
}

func (e apiErrors) Error() string { return fmt.Sprint(e.list) }

func newErrors(status int, format string, args ...any) apiErrors {
	return apiErrors{status: status, list: []apiError{{status, fmt.Sprintf(format, args...)}}}
}

func notFound(format string, args ...any) apiErrors {
	return newErrors(http.StatusNotFound, format, args...)
}

func badRequest(format string, args ...any) apiErrors {
	return newErrors(http.StatusBadRequest, format, args...)
}

func forbidden(format string, args ...any) apiErrors {
	return newErrors(http.StatusForbidden, format, args...)
}

// isNotFound reports whether err is a 404 answer.
func isNotFound(err error) bool {
	e, ok := err.(apiErrors)
	return ok && e.status == http.StatusNotFound
}

// problems collects several 400 errors so a client learns of all at once.
type problems []apiError

func (p *problems) add(format string, args ...any) {
	*p = append(*p, apiError{http.StatusBadRequest, fmt.Sprintf(format, args...)})
}

func (p problems) err() apiErrors { return apiErrors{status: http.StatusBadRequest, list: p} }

// fromErr turns a service error into Open311 errors: 404 for what does not
// exist, 403 for credentials, and 400 for everything else, as the spec asks
// (its "general service error" covers our own failures too; those are
// logged and described only as internal).
func fromErr(err error) apiErrors {
	status := http.StatusBadRequest
	switch errs.Code(err) {
	case errs.ENOTFOUND:
		status = http.StatusNotFound
	case errs.EUNAUTHORIZED, errs.EFORBIDDEN:
		status = http.StatusForbidden
	case errs.EINTERNAL:
		return apiErrors{status: status, list: []apiError{{status, "internal error; please try again later"}}, cause: err}
	}
	out := apiErrors{status: status}
	for _, d := range errs.DetailsOf(err) {
		out.list = append(out.list, apiError{status, param(d.Field) + ": " + d.Message})
	}
	if len(out.list) == 0 {
		out.list = []apiError{{status, errs.Message(err)}}
	}
	return out
}

// param names a demand field by the Open311 argument a client sent.
func param(field string) string {
	switch {
	case field == "category":
		return "service_code"
	case field == "area":
		return "address_id"
	case field == "reporter":
		return "first_name/last_name/phone/email"
	case field == "address":
		return "address_string"
	case strings.HasPrefix(field, "attributes."):
		return "attribute[" + strings.TrimPrefix(field, "attributes.") + "]"
	}
	return field
}

// fail writes err as the spec's error array; ours are logged, not shown.
func (h *handler) fail(w http.ResponseWriter, f format, err error) {
	e, ok := err.(apiErrors)
	if !ok {
		e = fromErr(err)
	}
	if e.cause != nil {
		h.Logger.Error("open311", "err", e.cause)
	}
	if werr := write(w, f, e.status, "errors", "error", e.list); werr != nil {
		h.Logger.Error("open311 write", "err", werr)
	}
}

// send writes a successful answer, logging a failed write.
func (h *handler) send(w http.ResponseWriter, f format, root, item string, v any) {
	if err := write(w, f, http.StatusOK, root, item, v); err != nil {
		h.Logger.Error("open311 write", "err", err)
	}
}
