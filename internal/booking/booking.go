// Package booking books venue resources by time slot inside their weekly
// availability; the database itself refuses a double booking.
package booking

import (
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
)

// Service is the booking capability on one database.
type Service struct {
	db    *db.DB
	clock clock.Clock
}

// NewService returns the booking service.
func NewService(d *db.DB, c clock.Clock) *Service { return &Service{db: d, clock: c} }
