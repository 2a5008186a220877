package org_test

import (
	"context"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/org"
	"gongzhi/internal/testkit"
)

// Codes of the small tree every org test builds.
const (
	district = "310104"
	streetA  = "310104001" // 湖南路街道
	resA1    = "310104001001"
	resA2    = "310104001002"
	streetB  = "310104002" // 天平路街道
	resB1    = "310104002001"
	gridA11  = "31010400100101"
)

// newTree returns an org service over a fresh tree:
// 徐汇区 → 湖南路街道 → 永嘉居民区 (→ 第1网格), 五原居民区; 天平路街道 → 宛平居民区.
func newTree(t testing.TB, d *db.DB) *org.Service {
	t.Helper()
	s := org.NewService(d, testkit.Clock())
	sys := auth.SystemPrincipal()
	for _, a := range []org.NewArea{
		{Code: district, Name: "徐汇区", Level: "district"},
		{Code: streetA, Name: "湖南路街道", Level: "street", Parent: district},
		{Code: resA1, Name: "永嘉居民区", Level: "residential", Parent: streetA},
		{Code: gridA11, Name: "第1网格", Level: "grid", Parent: resA1},
		{Code: resA2, Name: "五原居民区", Level: "residential", Parent: streetA},
		{Code: streetB, Name: "天平路街道", Level: "street", Parent: district},
		{Code: resB1, Name: "宛平居民区", Level: "residential", Parent: streetB},
	} {
		if _, err := s.CreateArea(context.Background(), sys, a); err != nil {
			t.Fatalf("area %s: %v", a.Code, err)
		}
	}
	return s
}

// staff returns a principal holding role on one area of the tree.
func staff(t testing.TB, s *org.Service, role auth.Role, code string) *auth.Principal {
	t.Helper()
	a, err := s.Area(context.Background(), auth.SystemPrincipal(), code)
	if err != nil {
		t.Fatal(err)
	}
	return &auth.Principal{UserID: 99, Username: string(role), Grants: []auth.Grant{{Role: role, AreaCode: code, AreaPath: a.Path}}}
}
