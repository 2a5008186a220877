package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"gongzhi/internal/area"
	"gongzhi/internal/clock"
	"gongzhi/internal/errs"
)

// Limits on what a request may carry.
const (
	maxJSONBody    = 1 << 20 // 1 MiB: no JSON command needs more
	defaultPerPage = 50
	maxPerPage     = 500
	maxPage        = 1_000_000 // keeps the offset far from overflow
)

// decode reads one JSON object from the body into v. Unknown fields, wrong
// types, trailing data and bodies over 1 MiB are refused with the field
// named, so a typo in a client is a 400 and never a silently ignored value.
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxJSONBody)
	return decodeFrom(r.Body, v)
}

// decodeFrom is decode for a JSON object read from rd (a multipart field).
func decodeFrom(rd io.Reader, v any) error {
	dec := json.NewDecoder(rd)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return err
		}
		return errs.Invalid("body", "the request body must hold exactly one JSON object")
	}
	return nil
}

// decodeOptional is decode for actions whose body may be left out: no body,
// or only white space, reads as an empty object.
func decodeOptional(w http.ResponseWriter, r *http.Request, v any) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxJSONBody)
	b, err := io.ReadAll(r.Body)
	if err != nil {
		return jsonError(err)
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil
	}
	r.Body = io.NopCloser(bytes.NewReader(b))
	return decode(w, r, v)
}

// jsonError turns a decoding error into a coded one naming the field.
func jsonError(err error) error {
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return err
	}
	if errors.Is(err, io.EOF) {
		return errs.Invalid("body", "the request body is empty; send a JSON object")
	}
	if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		if te.Field == "" {
			return errs.Invalid("body", "the request body must be a JSON object")
		}
		return errs.Invalid(te.Field, "%s must be %s (got %s)", te.Field, jsonKind(te.Type), te.Value)
	}
	if se, ok := errors.AsType[*json.SyntaxError](err); ok {
		return errs.Invalid("body", "the request body is not valid JSON (at byte %d)", se.Offset)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return errs.Invalid("body", "the request body is not valid JSON (it ends too soon)")
	}
	const unknown = "json: unknown field "
	if msg := err.Error(); strings.HasPrefix(msg, unknown) {
		name, uerr := strconv.Unquote(strings.TrimPrefix(msg, unknown))
		if uerr != nil {
			name = strings.Trim(strings.TrimPrefix(msg, unknown), `"`)
		}
		return errs.Invalid(name, "unknown field %q", name)
	}
	return errs.Invalid("body", "the request body is not valid JSON")
}

// jsonKind says in words which JSON value a Go type takes.
func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	}
	return "an object"
}

// paging is the page a list request asks for.
type paging struct {
	Page    int
	PerPage int
}

// pagingOf reads page (from 1) and per_page (1–500, default 50). Bad
// values are refused rather than clamped so a client learns its mistake.
func pagingOf(r *http.Request) (paging, error) {
	pg := paging{Page: 1, PerPage: defaultPerPage}
	q := r.URL.Query()
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxPage {
			return pg, errs.Invalid("page", "page must be a whole number from 1 to %d", maxPage)
		}
		pg.Page = n
	}
	if v := q.Get("per_page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxPerPage {
			return pg, errs.Invalid("per_page", "per_page must be a whole number from 1 to %d", maxPerPage)
		}
		pg.PerPage = n
	}
	return pg, nil
}

// optString returns a query parameter, nil when absent or empty.
func optString(r *http.Request, name string) *string {
	if v := strings.TrimSpace(r.URL.Query().Get(name)); v != "" {
		return &v
	}
	return nil
}

// optBool reads true/false (also 1/0) from the query, nil when absent.
func optBool(r *http.Request, name string) (*bool, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return nil, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return nil, errs.Invalid(name, "%s must be true or false", name)
	}
	return &b, nil
}

// optTime reads a date (YYYY-MM-DD, a day in Asia/Shanghai) or an RFC 3339
// time. A date given as an upper bound means the end of that day, so
// from=2026-11-01&to=2026-11-30 covers the whole of November.
func optTime(r *http.Request, name string, upper bool) (*time.Time, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return nil, nil
	}
	if t, err := time.ParseInLocation(time.DateOnly, v, clock.Shanghai); err == nil {
		if upper {
			t = t.AddDate(0, 0, 1)
		}
		return &t, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return nil, errs.Invalid(name, "%s must be a date (2026-11-30) or a time (2026-11-30T09:30:00+08:00)", name)
	}
	return &t, nil
}

// pathID reads a numeric id from the path; anything else names no record.
func pathID(r *http.Request, what string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		return 0, errs.New(errs.ENOTFOUND, "%s not found", what)
	}
	return id, nil
}

// areaPath returns the materialized path of an area, or an EINVALID naming
// field when there is no such area. Area codes are public administrative
// codes, so telling "unknown" from "outside your scope" leaks nothing.
func (s *server) areaPath(ctx context.Context, field, code string) (string, error) {
	path, err := area.Path(ctx, s.DB, code)
	if errs.Code(err) == errs.ENOTFOUND {
		return "", errs.Invalid(field, "unknown area code %q", code)
	}
	return path, err
}
