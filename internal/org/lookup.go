package org

import (
	"context"

	"gongzhi/internal/auth"
)

// AssocBody returns one body of the promotion association. A body p may not
// read is not found, so its existence does not leak.
func (s *Service) AssocBody(ctx context.Context, p *auth.Principal, id int64) (AssocBody, error) {
	return s.assocBody(ctx, s.db, p, auth.OrgRead, id)
}

// CommitteeKinds are the party organisations that seat part-time committee
// members (兼职委员), in display order.
func CommitteeKinds() []PartyOrgKind { return append([]PartyOrgKind(nil), committeeKinds...) }
