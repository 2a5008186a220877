package app_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gongzhi/internal/app"
	"gongzhi/internal/backup"
	"gongzhi/internal/db"
	"gongzhi/internal/testkit"
)

// gongzhi runs one command line in-process.
func gongzhi(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	cli := &app.CLI{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string { return map[string]string{"GONGZHI_LOG_LEVEL": "error"}[k] }}
	code = cli.Run(context.Background(), args)
	return code, out.String(), errb.String()
}

// storeFlags names a fresh empty database of engine e as the commands take it.
func storeFlags(t *testing.T, e db.Dialect) []string {
	dsn, dir := testkit.NewDSN(t, e)
	if dsn != "" {
		return []string{"--db", dsn}
	}
	return []string{"--data", dir}
}

// TestBackupCommands runs backup, restore and move as an operator would,
// with the exit codes and messages of the command line's contract: 0 on
// success, 1 naming the problem for bad input, 2 for a usage error.
func TestBackupCommands(t *testing.T) {
	for _, eng := range testkit.Engines() {
		t.Run(eng.String(), func(t *testing.T) { backupCommands(t, eng) })
	}
}

func backupCommands(t *testing.T, eng db.Dialect) {
	ctx := context.Background()
	src := storeFlags(t, eng)
	if code, _, stderr := gongzhi(append([]string{"migrate"}, src...)...); code != 0 {
		t.Fatalf("migrate: %s", stderr)
	}
	d, err := db.Open(ctx, flag(src, "--db"), flag(src, "--data"))
	if err != nil {
		t.Fatal(err)
	}
	testkit.NewFixture(t, d)
	want, err := backup.Checksums(ctx, d)
	d.Close()
	if err != nil {
		t.Fatal(err)
	}

	file := filepath.Join(t.TempDir(), "district.backup")
	code, _, stderr := gongzhi(append([]string{"backup", "--out", file}, src...)...)
	if code != 0 || !strings.Contains(stderr, "backup of the "+eng.String()+" database") {
		t.Fatalf("backup: exit %d\n%s", code, stderr)
	}
	if st, err := os.Stat(file); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("backup file: %v %v (personal data: readable by its owner only)", st, err)
	}
	if code, stdout, stderr := gongzhi("restore", "--check", file); code != 0 || !strings.Contains(stdout, "is a complete backup of a "+eng.String()+" database") ||
		!strings.Contains(stdout, "counts and checksums verified") {
		t.Fatalf("restore --check: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if code, _, _ := gongzhi(append([]string{"backup"}, src...)...); code != 2 {
		t.Fatalf("backup without --out: exit %d, want 2", code)
	}

	for _, e := range testkit.Engines() {
		to := storeFlags(t, e)
		code, stdout, stderr := gongzhi(append([]string{"restore", file}, to...)...)
		if code != 0 || !strings.Contains(stdout, "checksums verified") {
			t.Fatalf("restore into %s: exit %d\n%s\n%s", e, code, stdout, stderr)
		}
		r, err := db.Open(ctx, flag(to, "--db"), flag(to, "--data"))
		if err != nil {
			t.Fatal(err)
		}
		got, err := backup.Checksums(ctx, r)
		r.Close()
		if err != nil || len(got) != len(want) {
			t.Fatalf("restored into %s: %d tables, %v", e, len(got), err)
		}
		for i := range want {
			if got[i] != (backup.Sum{Table: want[i].Table, Rows: want[i].Rows, SHA256: want[i].SHA256}) {
				t.Fatalf("restored into %s: %+v, want %+v", e, got[i], want[i])
			}
		}
		// Again into the same database: refused, exit 1, named.
		code, _, stderr = gongzhi(append([]string{"restore", file}, to...)...)
		if code != 1 || !strings.Contains(stderr, "restore "+file+": the target database is not empty") {
			t.Fatalf("restore into a non-empty %s: exit %d, stderr %q", e, code, stderr)
		}
	}

	bad := filepath.Join(t.TempDir(), "cut.backup")
	b, _ := os.ReadFile(file)
	os.WriteFile(bad, b[:len(b)/3], 0o600)
	if code, _, stderr := gongzhi(append([]string{"restore", bad}, storeFlags(t, eng)...)...); code != 1 || !strings.Contains(stderr, bad+" is cut short") {
		t.Fatalf("restore of a cut file: exit %d, stderr %q", code, stderr)
	}
	if code, _, stderr := gongzhi("restore", "--check", bad); code != 1 || !strings.Contains(stderr, bad+" is cut short") {
		t.Fatalf("restore --check of a cut file: exit %d, stderr %q", code, stderr)
	}
	if code, _, _ := gongzhi(append([]string{"restore"}, storeFlags(t, eng)...)...); code != 2 {
		t.Fatalf("restore without a file: exit %d, want 2", code)
	}

	if code, _, stderr := gongzhi(append([]string{"move", "--to", "mysql://root@db/gongzhi"}, src...)...); code != 1 || !strings.Contains(stderr, `"mysql://root@db/gongzhi" names no database`) {
		t.Fatalf("move to a wrong URL: exit %d, stderr %q", code, stderr)
	}
	if code, _, stderr := gongzhi(append([]string{"move", "--to", src[1]}, src...)...); code != 1 || !strings.Contains(stderr, "is the database being moved") {
		t.Fatalf("move onto itself: exit %d, stderr %q", code, stderr)
	}
	dir := t.TempDir()
	code, stdout, stderr := gongzhi(append([]string{"move", "--to", "sqlite:" + dir}, src...)...)
	if code != 0 || !strings.Contains(stdout, "checksums equal on both sides") {
		t.Fatalf("move: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if code, stdout, _ := gongzhi(append([]string{"move", "--to", dir}, src...)...); code != 0 || !strings.Contains(stdout, "already holds every row") {
		t.Fatalf("move again onto the finished copy: exit %d, %s", code, stdout)
	}
	if code, _, stderr := gongzhi("move", "--to", dir, "--data", filepath.Join(t.TempDir(), "none")); code != 1 || !strings.Contains(stderr, "no database at") {
		t.Fatalf("move from nothing: exit %d, %s", code, stderr)
	}
}

func flag(args []string, name string) string {
	for i := 0; i+1 < len(args); i++ {
		if args[i] == name {
			return args[i+1]
		}
	}
	return ""
}
