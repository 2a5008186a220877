package db

import (
	"errors"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"

	"gongzhi/internal/errs"
)

// SQLite extended result codes we map (sqlite3.h).
const (
	sqliteConstraintFK      = 787
	sqliteConstraintPK      = 1555
	sqliteConstraintUnique  = 2067
	sqliteConstraintNotNull = 1299
	sqliteConstraintCheck   = 275
	sqliteConstraintTrigger = 1811 // RAISE(ABORT, …) in a trigger
)

// MapError turns driver errors into coded errors so no caller needs to know
// which engine it talks to: unique violations become ECONFLICT, foreign-key and
// check violations EINVALID. Other errors pass through unchanged.
func MapError(err error) error {
	if err == nil {
		return nil
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqliteConstraintUnique, sqliteConstraintPK:
			return &errs.Error{Code: errs.ECONFLICT, Message: "a record with the same key already exists", Err: err}
		case sqliteConstraintFK:
			return &errs.Error{Code: errs.EINVALID, Message: "refers to a record that does not exist", Err: err}
		case sqliteConstraintNotNull, sqliteConstraintCheck:
			return &errs.Error{Code: errs.EINVALID, Message: "a value is missing or out of range", Err: err}
		case sqliteConstraintTrigger:
			return &errs.Error{Code: errs.ECONFLICT, Message: "the change breaks a rule the database keeps", Err: err}
		}
		return err
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505":
			return &errs.Error{Code: errs.ECONFLICT, Message: "a record with the same key already exists", Err: err}
		case "23503":
			return &errs.Error{Code: errs.EINVALID, Message: "refers to a record that does not exist", Err: err}
		case "23502", "23514":
			return &errs.Error{Code: errs.EINVALID, Message: "a value is missing or out of range", Err: err}
		case "23P01": // exclusion_violation
			return &errs.Error{Code: errs.ECONFLICT, Message: "the change overlaps a record the database keeps apart", Err: err}
		}
	}
	return err
}
