// Package errs defines gongzhi's one application error type. Every error a
// user can cause carries a code; the HTTP and CLI layers map codes to statuses
// and exit codes in one table each and never show driver text.
package errs

import (
	"errors"
	"fmt"
)

// Error codes shared by every capability.
const (
	EINVALID      = "EINVALID"      // input is wrong; the message says what to fix
	EUNAUTHORIZED = "EUNAUTHORIZED" // no or bad credentials
	EFORBIDDEN    = "EFORBIDDEN"    // authenticated but outside the caller's role or scope
	ENOTFOUND     = "ENOTFOUND"     // no such record (or it must not be revealed)
	ECONFLICT     = "ECONFLICT"     // duplicate, or not allowed in the record's current state
	EUNAVAILABLE  = "EUNAVAILABLE"  // well-formed, but outside what the record offers (a booking outside availability)
	ETOOLARGE     = "ETOOLARGE"     // body or file over its limit
	ETOOMANY      = "ETOOMANY"      // throttled
	EINTERNAL     = "EINTERNAL"     // our fault; logged, never detailed to the client
)

// Detail names one field (or file cell) at fault.
type Detail struct {
	Field   string `json:"field"`
	Message string `json:"message"`
	Row     int    `json:"row,omitempty"`    // spreadsheet row (header is 1), for imports
	Column  string `json:"column,omitempty"` // column header or letter, for imports
	// Format and Args are the message before formatting, so pages can show it
	// in the reader's language: the English format is the catalog key.
	Format string `json:"-"`
	Args   []any  `json:"-"`
}

// D returns a detail naming field, with a translatable message.
func D(field, format string, args ...any) Detail {
	return Detail{Field: field, Message: fmt.Sprintf(format, args...), Format: format, Args: args}
}

// Error is an application error with a code, a message for the user and
// optional per-field details.
type Error struct {
	Code    string
	Message string
	Details []Detail
	Err     error // wrapped cause, never shown to users
	Format  string
	Args    []any
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return e.Code + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// New returns an error with the code and a formatted message.
func New(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Format: format, Args: args}
}

// Invalid returns an EINVALID error naming one field.
func Invalid(field, format string, args ...any) *Error {
	d := D(field, format, args...)
	return &Error{Code: EINVALID, Message: d.Message, Details: []Detail{d}, Format: format, Args: args}
}

// Fields returns an EINVALID error carrying every detail; its message is the first's.
func Fields(details []Detail) *Error {
	e := &Error{Code: EINVALID, Message: "invalid input", Details: details, Format: "invalid input"}
	if len(details) > 0 {
		e.Message, e.Format, e.Args = details[0].Message, details[0].Format, details[0].Args
	}
	return e
}

// FormatOf returns err's message before formatting and its arguments, for translation.
func FormatOf(err error) (string, []any) {
	var e *Error
	if errors.As(err, &e) && e.Code != EINTERNAL {
		return e.Format, e.Args
	}
	return "internal error", nil
}

// Wrap turns an unexpected error into EINTERNAL, keeping the cause for logs.
func Wrap(err error, what string) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	return &Error{Code: EINTERNAL, Message: "internal error", Err: fmt.Errorf("%s: %w", what, err)}
}

// Code returns the code of err, EINTERNAL for foreign errors and "" for nil.
func Code(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// Message returns the user-facing message of err.
func Message(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Code != EINTERNAL {
		return e.Message
	}
	return "internal error"
}

// DetailsOf returns the field details of err, if any.
func DetailsOf(err error) []Detail {
	var e *Error
	if errors.As(err, &e) {
		return e.Details
	}
	return nil
}
