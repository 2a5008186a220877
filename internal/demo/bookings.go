package demo

import (
	"context"

	"gongzhi/internal/db"
)

// writeBookings writes bookings of the venue resources.
func (b *builder) writeBookings(ctx context.Context, tx *db.Tx) error {
	return nil
}
