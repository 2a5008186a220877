package org

import (
	"context"

	"gongzhi/internal/area"
)

// AreaLabels names areas with their parents (湖南路街道 / 东湖居民区 / 第1网格);
// package area builds and keeps them.
type AreaLabels = area.Labels

// areasChanged drops the kept labels; call it after an area change commits.
func (s *Service) areasChanged() { s.labels.Changed() }

// AreaLabels returns the names of the whole tree, read again at most once
// a minute and at once after this server created an area.
func (s *Service) AreaLabels(ctx context.Context) (*AreaLabels, error) {
	return s.labels.Labels(ctx, s.db, s.clock.Now())
}
