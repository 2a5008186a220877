package org_test

import (
	"context"
	"strings"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/testkit"
)

// TestImportPreviewAndDraft: a preview says what an import would add and
// writes nothing; a draft is confirmed once, by its uploader only.
func TestImportPreviewAndDraft(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newTree(t, d)
		as := auth.NewService(d, testkit.Clock(), testkit.TestHasher())
		user := func(name string) *auth.Principal {
			u, err := as.CreateUser(ctx, auth.SystemPrincipal(), auth.NewUser{Username: name, Password: "一二三四五六七八", Role: string(auth.DistrictAdmin), Area: district})
			if err != nil {
				t.Fatal(err)
			}
			return &auth.Principal{UserID: u.ID, Username: name, Grants: []auth.Grant{{Role: auth.DistrictAdmin, AreaCode: district, AreaPath: "/" + district + "/"}}}
		}
		admin, other := user("zhao.admin"), user("qian.admin")
		file := "名称,类型,所属区域,建有党组织,纳入区域化党建平台\n" + strings.Join([]string{
			"预览科技有限公司,非公企业," + resA1 + ",否,否",
			"预览书店,沿街商铺," + resA1 + ",否,否",
			"预览餐馆,沿街商铺," + resB1 + ",否,否",
		}, "\n") + "\n"
		pv, err := s.PreviewUnits(ctx, admin, "new.csv", strings.NewReader(file))
		if err != nil {
			t.Fatal(err)
		}
		if pv.Rows != 3 || len(pv.Sample) != 3 || pv.Sample[0].Name != "预览科技有限公司" || pv.Sample[0].Row != 2 ||
			pv.ByArea[0].Key != resA1 || pv.ByArea[0].Count != 2 || pv.ByKind[0].Key != "shop" || pv.ByKind[0].Count != 2 {
			t.Fatalf("preview %+v", pv)
		}
		if n := countUnits(t, d); n != 0 {
			t.Fatalf("a preview wrote %d units", n)
		}
		// The same problems as an import, naming row and column.
		if _, err := s.PreviewUnits(ctx, admin, "bad.csv", strings.NewReader(badHeader+badRows[0].row+"\n")); errs.Code(err) != errs.EINVALID {
			t.Fatalf("a bad file previews: %v", err)
		}
		id, err := s.SaveImportDraft(ctx, admin, "new.csv", []byte(file))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.ConfirmImportDraft(ctx, other, id); errs.Code(err) != errs.ENOTFOUND {
			t.Fatalf("someone else confirms the draft: %v", err)
		}
		res, err := s.ConfirmImportDraft(ctx, admin, id)
		if err != nil || res.Created != 3 || countUnits(t, d) != 3 {
			t.Fatalf("confirm: %+v %v (%d units)", res, err, countUnits(t, d))
		}
		if _, err := s.ConfirmImportDraft(ctx, admin, id); errs.Code(err) != errs.ENOTFOUND {
			t.Fatalf("a draft confirmed twice: %v", err)
		}
	})
}
