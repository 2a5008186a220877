package backup_test

import (
	"context"
	"os/exec"
	"path/filepath"
	"testing"

	"gongzhi/internal/backup"
	"gongzhi/internal/db"
	"gongzhi/internal/testkit"
)

// TestPgDumpRestore: a pg_dump of a gongzhi PostgreSQL database holding a
// district restores with pg_restore alone into a fresh database, every
// table equal, and serves it (links, search, photos, new ids). Before
// migration 00028 the restore failed on demands: its generated search
// vector called gz_scope_tokens, which called gz_hex by a bare name the
// dump's empty search_path does not find.
func TestPgDumpRestore(t *testing.T) {
	for _, tool := range []string{"pg_dump", "pg_restore"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
	ctx := context.Background()
	srcDSN, _ := testkit.NewDSN(t, db.Postgres) // skips without GONGZHI_TEST_POSTGRES
	src := open(t, backup.Target{DSN: srcDSN})  // migrated to this binary's schema
	x := newDistrict(t, src)
	dump := filepath.Join(t.TempDir(), "gongzhi.dump")
	run(t, "pg_dump", "-Fc", "-f", dump, srcDSN)
	to := target(t, db.Postgres)
	run(t, "pg_restore", "--no-owner", "--exit-on-error", "-d", to.DSN, dump)
	restored := open(t, to)
	equalSums(t, "pg_restore of a pg_dump", sums(t, src), sums(t, restored))
	var missing int
	if err := restored.QueryRow(ctx, "SELECT count(*) FROM demands WHERE search_tsv IS NULL").Scan(&missing); err != nil || missing != 0 {
		t.Fatalf("demands without a search vector after pg_restore: %d %v", missing, err)
	}
	x.check(t, restored)
}

func run(t *testing.T, name string, args ...string) {
	t.Helper()
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", name, err, out)
	}
}
