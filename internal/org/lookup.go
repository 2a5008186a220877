package org

import (
	"context"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// AssocBody returns one body of the promotion association. A body p may not
// read is not found, so its existence does not leak.
func (s *Service) AssocBody(ctx context.Context, p *auth.Principal, id int64) (AssocBody, error) {
	return s.assocBody(ctx, s.db, p, auth.OrgRead, id)
}

// CommitteeKinds are the party organisations that seat part-time committee
// members (兼职委员), in display order.
func CommitteeKinds() []PartyOrgKind { return append([]PartyOrgKind(nil), committeeKinds...) }

// PartyOrg returns one party organisation. One p may not read is not found,
// so its existence does not leak.
func (s *Service) PartyOrg(ctx context.Context, p *auth.Principal, id int64) (PartyOrg, error) {
	var o PartyOrg
	err := s.db.QueryRow(ctx, "SELECT o.id, o.name, o.kind, o.area_code, a.name, o.area_path, o.parent_id, o.unit_id, COALESCE(u.name, ''), o.members"+
		" FROM party_orgs o"+area.Join("a", "o.area_code")+" LEFT JOIN units u ON u.id = o.unit_id WHERE o.id = ?", id).
		Scan(&o.ID, &o.Name, &o.Kind, &o.Area, &o.AreaName, &o.AreaPath, &o.ParentID, &o.UnitID, &o.UnitName, &o.Members)
	if err != nil {
		return PartyOrg{}, db.NotFound(err, "party organisation")
	}
	if err := auth.Authorize(p, auth.OrgRead, o.AreaPath); err != nil {
		if errs.Code(err) == errs.EUNAUTHORIZED {
			return PartyOrg{}, err
		}
		return PartyOrg{}, errs.New(errs.ENOTFOUND, "party organisation not found")
	}
	o.KindLabel = PartyOrgKindLabels[o.Kind]
	return o, nil
}
