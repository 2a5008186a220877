package app_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gongzhi/internal/app"
	"gongzhi/internal/testkit"
	"gongzhi/internal/xlsxsafe/xlsxtest"
)

// TestCLIImportLimits runs `gongzhi import units` on files over the import
// limits: exit 1, and stderr names the file, the row (and column) and the
// limit.
func TestCLIImportLimits(t *testing.T) {
	for _, eng := range testkit.Engines() {
		t.Run(eng.String(), func(t *testing.T) {
			dsn, dataDir := testkit.NewDSN(t, eng)
			dir := t.TempDir() // the files; dataDir is "" on PostgreSQL
			wide := append(append([]string{}, xlsxtest.UnitHeader...), make([]string, 51)...)
			wide = append(wide, "备注") // column 61, BI
			files := map[string][]byte{
				"rows.csv":  []byte("名称,类型,所属区域,建有党组织,纳入区域化党建平台\n" + strings.Repeat("某店,沿街商铺,310104001001,否,否\n", 20_001)),
				"bomb.xlsx": xlsxtest.Bytes(t, xlsxtest.Rows(xlsxtest.UnitHeader, xlsxtest.UnitRow, 230_000)),
				"wide.xlsx": xlsxtest.Bytes(t, xlsxtest.Rows(xlsxtest.UnitHeader, wide, 1)),
			}
			for _, c := range []struct{ file, want string }{
				{"rows.csv", "gongzhi: import units " + filepath.Join(dir, "rows.csv") + ": rows.csv: more than 20000 data rows; split the file into files of at most 20000 rows\n  row 20002: more than 20000 data rows\n"},
				{"bomb.xlsx", "bomb.xlsx: the workbook unpacks to more than 64 MiB; split it into smaller files\n"},
				{"wide.xlsx", "wide.xlsx: row 2 has 61 columns; at most 60 are read: delete the columns from BI on\n  row 2, column BI: 61 columns; at most 60 are read\n"},
			} {
				path := filepath.Join(dir, c.file)
				if err := os.WriteFile(path, files[c.file], 0o644); err != nil {
					t.Fatal(err)
				}
				args := []string{"import", "units", "--data", dataDir, path}
				if dsn != "" {
					args = []string{"import", "units", "--db", dsn, path}
				}
				var out, errb bytes.Buffer
				cli := &app.CLI{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
					Getenv: func(k string) string { return map[string]string{"GONGZHI_LOG_LEVEL": "error"}[k] }}
				if code := cli.Run(context.Background(), args); code != 1 || !strings.HasSuffix(errb.String(), c.want) {
					t.Errorf("%s: exit %d, stderr %q, want it to end %q", c.file, code, errb.String(), c.want)
				}
			}
		})
	}
}
