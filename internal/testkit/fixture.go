package testkit

import (
	"context"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
)

// Fixture area codes: a district with two streets; the first street has two
// residential areas, the first of which has a grid.
const (
	District   = "310104"
	StreetA    = "310104001"
	ResA1      = "310104001001"
	GridA1     = "31010400100101"
	ResA2      = "310104001002"
	StreetB    = "310104002"
	ResB1      = "310104002001"
	Password   = "测试口令-password"
	UnitInA1   = "湖南路小店"
	UnitInB1   = "天平路书店"
	UnitInA2   = "复兴中路公司"
	TwoNewInA1 = "衡山科技公司"
)

// Fixture is a small district with one user per role and a few units.
type Fixture struct {
	DB     *db.DB
	Auth   *auth.Service
	Users  map[auth.Role]*auth.Principal // one per role, granted where FixtureGrants says
	Units  map[string]int64              // unit name → id
	Hasher *auth.Hasher
}

// LiaisonUnit is the unit the fixture's unit liaison handles: it sees the
// demands dispatched to this unit and no others.
const LiaisonUnit = UnitInA1

// FixtureGrants is where each fixture user's one grant sits.
var FixtureGrants = map[auth.Role]string{
	auth.DistrictAdmin: District, auth.StreetStaff: StreetA, auth.CommunityStaff: ResA1,
	auth.GridWorker: GridA1, auth.UnitLiaison: ResA1, auth.Member: ResA1, auth.Resident: ResA1, auth.Auditor: District,
}

// TestHasher is argon2id at a cost low enough for tests.
func TestHasher() *auth.Hasher { return auth.NewHasher(1, 1024, 4) }

// NewFixture fills d with the fixture district.
func NewFixture(t testing.TB, d *db.DB) *Fixture {
	t.Helper()
	ctx := context.Background()
	areas := [][4]string{
		{District, "", "徐汇区", "district"},
		{StreetA, District, "湖南路街道", "street"},
		{ResA1, StreetA, "东湖居民区", "residential"},
		{GridA1, ResA1, "第1网格", "grid"},
		{ResA2, StreetA, "复中居民区", "residential"},
		{StreetB, District, "天平路街道", "street"},
		{ResB1, StreetB, "天平居民区", "residential"},
	}
	paths := map[string]string{}
	for _, a := range areas {
		path := "/" + a[0] + "/"
		var parent any
		if a[1] != "" {
			path = paths[a[1]] + a[0][len(a[1]):] + "/"
			parent = a[1]
		}
		paths[a[0]] = path
		if _, err := d.Exec(ctx, "INSERT INTO areas (code, parent_code, name, level, path) VALUES (?, ?, ?, ?, ?)", a[0], parent, a[2], a[3], path); err != nil {
			t.Fatalf("fixture area: %v", err)
		}
	}
	c := Clock()
	f := &Fixture{DB: d, Hasher: TestHasher(), Users: map[auth.Role]*auth.Principal{}, Units: map[string]int64{}}
	f.Auth = auth.NewService(d, c, f.Hasher)
	units := []struct {
		name, kind, area string
		party, platform  bool
	}{
		{UnitInA1, "shop", ResA1, false, true},
		{"东湖便利店", "shop", GridA1, false, false},
		{TwoNewInA1, "non_public_enterprise", ResA1, true, false},
		{UnitInA2, "non_public_enterprise", ResA2, false, false},
		{UnitInB1, "shop", ResB1, false, false},
		{"天平社工站", "social_organization", ResB1, true, true},
		{"徐汇区图书馆", "regional_unit", StreetB, true, false},
	}
	for _, u := range units {
		id, err := db.InsertID(ctx, d, `INSERT INTO units (name, kind, area_code, area_path, has_party_org, platform_covered, contact_phone, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, u.name, u.kind, u.area, paths[u.area], u.party, u.platform, "13812345678", c.Now(), c.Now())
		if err != nil {
			t.Fatalf("fixture unit: %v", err)
		}
		f.Units[u.name] = id
	}
	for _, r := range auth.Roles {
		var unit int64
		if r.UnitBound() {
			unit = f.Units[LiaisonUnit]
		}
		u, err := f.Auth.CreateUser(ctx, auth.SystemPrincipal(), auth.NewUser{
			Username: string(r), DisplayName: string(r), Password: Password, Role: string(r), Area: FixtureGrants[r], Phone: "13900001111", Unit: unit})
		if err != nil {
			t.Fatalf("fixture user %s: %v", r, err)
		}
		_, p, err := f.Auth.Login(ctx, u.Username, Password, "127.0.0.1")
		if err != nil {
			t.Fatalf("fixture login %s: %v", r, err)
		}
		f.Users[r] = p
	}
	return f
}
