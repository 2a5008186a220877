package demo

import (
	"context"

	"gongzhi/internal/db"
)

// writeLists writes needs rolled up from the demands, resources of the units, two years of service projects.
func (b *builder) writeLists(ctx context.Context, tx *db.Tx) error {
	return nil
}
