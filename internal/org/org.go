// Package org is the organisation network (组织体系): the area tree, party
// organisations, units with their coverage flags, the promotion association,
// part-time committee members and service points, and coverage figures.
package org

import (
	"time"

	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/texts"
)

// Level is a layer of the area tree.
type Level string

// Area levels, top down. Lanes (弄) are optional, between residential area and grid.
const (
	District    Level = "district"    // 区
	Street      Level = "street"      // 街道/镇
	Residential Level = "residential" // 居民区
	Lane        Level = "lane"        // 弄
	Grid        Level = "grid"        // 网格
)

// ValidLevel reports whether s names a level.
func ValidLevel(s string) bool {
	switch Level(s) {
	case District, Street, Residential, Lane, Grid:
		return true
	}
	return false
}

// Area is a node of the area tree.
type Area struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	NameEN     string `json:"name_en"` // optional; the English interface shows it when set
	Level      Level  `json:"level"`
	ParentCode string `json:"parent_code"`
	Path       string `json:"path"`
	Children   int    `json:"children"`
}

// NameIn is the area's name for a reader of lang: the English name in
// the English interface when it is set, else the name.
func (a Area) NameIn(lang string) string {
	if lang == texts.EN && a.NameEN != "" {
		return a.NameEN
	}
	return a.Name
}

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
	labels  labelCache // area names with their parents (labels.go)
}

// NewService returns the org service.
func NewService(d *db.DB, c clock.Clock) *Service { return &Service{db: d, clock: c} }
