// Package lists holds 三张清单 (DOMAIN.md §4): residents' needs, the resources
// regional units, social organisations and people offer, the matches a
// person confirms between them, and the service projects that join the two.
package lists

import (
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
)

// Service is the lists capability on one database.
type Service struct {
	db    *db.DB
	clock clock.Clock
}

// NewService returns the lists service.
func NewService(d *db.DB, c clock.Clock) *Service { return &Service{db: d, clock: c} }
