package demo

import (
	"context"

	"gongzhi/internal/db"
)

// writeFunds writes a community fund per street with its three sources and disbursements.
func (b *builder) writeFunds(ctx context.Context, tx *db.Tx) error {
	return nil
}
