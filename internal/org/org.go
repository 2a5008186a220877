// Package org is the organisation network (组织体系): the area tree, party
// organisations, units with their coverage flags, the promotion association,
// part-time committee members and service points, and coverage figures.
package org

import (
	"time"

	"gongzhi/internal/area"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
)

// Area is a node of the area tree, which package area owns; org adds
// units, party organisations and coverage to it.
type Area = area.Area

// Level is a layer of the area tree.
type Level = area.Level

// Area levels, top down (see package area).
const (
	District    = area.District
	Street      = area.Street
	Residential = area.Residential
	Lane        = area.Lane
	Grid        = area.Grid
)

// ValidLevel reports whether s names a level.
func ValidLevel(s string) bool { return area.ValidLevel(s) }

// UnitKind is one of the four kinds of unit in a territory.
type UnitKind string

// Unit kinds: the values the API, imports and exports use.
const (
	RegionalUnit        UnitKind = "regional_unit"         // 区域单位
	NonPublicEnterprise UnitKind = "non_public_enterprise" // 非公企业
	SocialOrganization  UnitKind = "social_organization"   // 社会组织
	Shop                UnitKind = "shop"                  // 沿街商铺
)

// UnitKinds lists the kinds in display order.
var UnitKinds = []UnitKind{RegionalUnit, NonPublicEnterprise, SocialOrganization, Shop}

// KindLabels are the Chinese labels import accepts and pages show.
var KindLabels = map[UnitKind]string{
	RegionalUnit: "区域单位", NonPublicEnterprise: "非公企业", SocialOrganization: "社会组织", Shop: "沿街商铺",
}

// ParseKind accepts a kind code or its Chinese label.
func ParseKind(s string) (UnitKind, bool) {
	for _, k := range UnitKinds {
		if s == string(k) || s == KindLabels[k] {
			return k, true
		}
	}
	return "", false
}

// Unit is an organisation in the territory (单位).
type Unit struct {
	ID              int64     `json:"id"`
	Name            string    `json:"name"`
	Kind            UnitKind  `json:"kind"`
	Area            string    `json:"area"`
	AreaName        string    `json:"area_name"`
	AreaPath        string    `json:"-"`
	HasPartyOrg     bool      `json:"has_party_org"`
	PlatformCovered bool      `json:"platform_covered"`
	Covered         bool      `json:"covered"`
	Address         string    `json:"address"`
	Employees       int       `json:"employees"`
	PartyMembers    int       `json:"party_members"`
	ContactPhone    string    `json:"contact_phone"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
}

// Service runs the org capability.
type Service struct {
	db      *db.DB
	clock   clock.Clock
	imports importGate // limits and slots of ImportUnits (importlimits.go)
	counts  countCache // unit counts behind coverage (coverage.go)
	labels  area.Cache // area names with their parents (labels.go)
}

// NewService returns the org service.
func NewService(d *db.DB, c clock.Clock) *Service { return &Service{db: d, clock: c} }
