package app_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gongzhi/internal/backup"
	"gongzhi/internal/db"
	"gongzhi/internal/testkit"
)

// TestOperatorGuideAsWritten runs the commands of docs/operator-guide.md's
// Backup, Restore and Upgrade sections as the guide writes them, in its
// order, through the command line's Go entry point: each `./gongzhi …`
// line of their sh blocks, with the guide's paths and URLs pointed at
// scratch databases (its /srv/… directories under a temporary directory,
// its postgres://gongzhi@db… URLs at test databases, $(date +%F) a fixed
// day). Lines that start a server or pipe elsewhere are left out. Every
// command must exit 0, and what the guide restores must hold exactly the
// rows of what it backed up.
func TestOperatorGuideAsWritten(t *testing.T) {
	ctx := context.Background()
	lines := guideCommands(t, "Backup", "Restore", "Upgrade")
	if len(lines) < 5 {
		t.Fatalf("found %d commands in the guide's Backup, Restore and Upgrade sections: %q", len(lines), lines)
	}
	tmp := t.TempDir()
	t.Chdir(tmp) // the guide's first backup reads ./gongzhi-data, the default
	os.Mkdir(filepath.Join(tmp, "backups"), 0o700)
	sqliteSrc := filepath.Join(tmp, "gongzhi-data")
	src, err := db.Open(ctx, "", sqliteSrc)
	if err != nil {
		t.Fatal(err)
	}
	testkit.NewFixture(t, src)
	sums := map[string][]backup.Sum{"sqlite": checksums(t, src)}
	src.Close()
	subst := []string{
		"$(date +%F)", "2026-12-04",
		"/srv/gongzhi-data-new", filepath.Join(tmp, "gongzhi-data-new"),
		"/srv/gongzhi-data", sqliteSrc,
		"/srv/backups", filepath.Join(tmp, "backups"),
	}
	pg := len(testkit.Engines()) > 1
	if pg {
		dsn, _ := testkit.NewDSN(t, db.Postgres)
		d, err := db.Open(ctx, dsn, "")
		if err != nil {
			t.Fatal(err)
		}
		testkit.NewFixture(t, d)
		sums["postgres"] = checksums(t, d)
		d.Close()
		fresh, _ := testkit.NewDSN(t, db.Postgres)
		subst = append(subst, "postgres://gongzhi@db:5432/gongzhi_new", fresh, "postgres://gongzhi@db:5432/gongzhi", dsn)
	}
	r := strings.NewReplacer(subst...)
	backedUp := map[string]string{} // backup file → the engine it was taken from
	restored := map[string]string{} // --data DIR or --db URL → the backup file restored into it
	ran := 0
	for _, line := range lines {
		if strings.Contains(line, "postgres://") && !pg {
			continue
		}
		args := shellWords(t, r.Replace(line))[1:] // without ./gongzhi
		code, stdout, stderr := gongzhi(args...)
		if code != 0 {
			t.Fatalf("the guide's %q: exit %d\n%s%s", line, code, stdout, stderr)
		}
		ran++
		switch args[0] {
		case "backup":
			eng := "sqlite"
			if flag(args, "--db") != "" {
				eng = "postgres"
			}
			backedUp[flag(args, "--out")] = eng
		case "restore":
			if args[1] == "--check" {
				if !strings.Contains(stdout, "counts and checksums verified") {
					t.Fatalf("the guide's %q says:\n%s", line, stdout)
				}
				continue
			}
			restored[flag(args, "--data")+flag(args, "--db")] = args[1]
		case "version":
			if !strings.Contains(stdout, "(schema ") {
				t.Fatalf("the guide's %q says %q", line, stdout)
			}
		}
	}
	if len(restored) == 0 {
		t.Fatalf("the guide restored nothing (%d commands ran)", ran)
	}
	for target, file := range restored {
		dsn, dir := target, ""
		if !strings.Contains(target, "://") {
			dsn, dir = "", target
		}
		d, err := db.Open(ctx, dsn, dir)
		if err != nil {
			t.Fatal(err)
		}
		got := checksums(t, d)
		d.Close()
		want := sums[backedUp[file]]
		if len(want) == 0 || len(got) != len(want) {
			t.Fatalf("restored %s from %s: %d tables, want %d", target, file, len(got), len(want))
		}
		for i := range want {
			if got[i].Table != want[i].Table || got[i].Rows != want[i].Rows || got[i].SHA256 != want[i].SHA256 {
				t.Fatalf("restored %s: %+v, want %+v", target, got[i], want[i])
			}
		}
	}
	t.Logf("ran %d of the guide's commands", ran)
}

func checksums(t *testing.T, d *db.DB) []backup.Sum {
	t.Helper()
	s, err := backup.Checksums(context.Background(), d)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// guideCommands returns the `./gongzhi …` lines of the sh blocks under the
// guide's "## <section>" headings, in the guide's order, without those
// that start a server or pipe to another program.
func guideCommands(t *testing.T, sections ...string) []string {
	t.Helper()
	b, err := os.ReadFile("../../docs/operator-guide.md")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	in, code := false, false
	for _, line := range strings.Split(string(b), "\n") {
		switch {
		case strings.HasPrefix(line, "## "):
			in = false
			for _, s := range sections {
				in = in || strings.HasPrefix(line, "## "+s+" ")
			}
		case strings.HasPrefix(line, "```"):
			code = !code && strings.TrimPrefix(line, "```") == "sh"
		case in && code && strings.HasPrefix(line, "./gongzhi "):
			if strings.HasPrefix(line, "./gongzhi serve") || strings.Contains(line, "|") {
				continue
			}
			out = append(out, line)
		}
	}
	return out
}

// shellWords splits a command line as sh would for the guide's commands:
// words apart by spaces, '…' quoting, a # after a space starting a comment.
func shellWords(t *testing.T, line string) []string {
	t.Helper()
	var words []string
	var cur strings.Builder
	quoted, inWord := false, false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '\'':
			quoted, inWord = !quoted, true
		case quoted:
			cur.WriteByte(c)
		case c == ' ' || c == '\t':
			if inWord {
				words, inWord = append(words, cur.String()), false
				cur.Reset()
			}
		case c == '#' && !inWord:
			i = len(line)
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if quoted {
		t.Fatalf("unbalanced quote in the guide's %q", line)
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words
}
