// Package fund is the community fund (社区公益基金, 三个一点): an append-only
// ledger in integer fen per fund, money in by source and donor, money out
// only to approved projects with a second person's approval.
package fund

import (
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
)

// Service is the fund capability on one database.
type Service struct {
	db    *db.DB
	clock clock.Clock
}

// NewService returns the fund service.
func NewService(d *db.DB, c clock.Clock) *Service { return &Service{db: d, clock: c} }
