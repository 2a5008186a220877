package org_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/org"
	"gongzhi/internal/testkit"
)

// TestImportTemplateImports: the template has the import's Chinese headers
// and an example row in the worker's own area that imports as it stands;
// a role that may not import gets no template.
func TestImportTemplateImports(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := testkit.NewFixture(t, d)
		s := org.NewService(d, testkit.Clock())
		community := f.Users[auth.CommunityStaff]
		var buf bytes.Buffer
		if err := s.WriteImportTemplate(ctx, community, &buf); err != nil {
			t.Fatal(err)
		}
		x, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := x.GetRows("单位")
		if err != nil || len(rows) != 2 {
			t.Fatalf("template rows: %v %v", rows, err)
		}
		if got := strings.Join(rows[0], ","); !strings.HasPrefix(got, "名称*,类型*,所属区域*,建有党组织*,纳入区域化党建平台*,地址") || rows[1][2] != community.Grants[0].AreaCode {
			t.Errorf("headers %q, example area %q", got, rows[1][2])
		}
		if help, _ := x.GetRows("说明"); len(help) != len(org.ImportColumns)+1 {
			t.Errorf("help sheet has %d rows", len(help))
		}
		res, err := s.ImportUnits(ctx, community, "单位导入模板.xlsx", bytes.NewReader(buf.Bytes()), nil)
		if err != nil || res.Created != 1 {
			t.Fatalf("importing the template as it stands: %+v %v", res, err)
		}
		if err := s.WriteImportTemplate(ctx, f.Users[auth.Resident], &bytes.Buffer{}); errs.Code(err) != errs.EFORBIDDEN {
			t.Errorf("a resident gets the template: %v", err)
		}
	})
}
