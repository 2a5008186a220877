package e2e

import (
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"gongzhi/internal/testkit"
)

// TestOpsMetrics runs the built binary as an operator watches it: serve
// with --backup-dir (--backup-every 0: cron writes the backups), /readyz
// ready, /metrics with the database's size and no backup age until
// `gongzhi backup` writes one into the directory, then its age.
func TestOpsMetrics(t *testing.T) {
	for _, eng := range testkit.Engines() {
		t.Run(eng.String(), func(t *testing.T) {
			s := newStore(t, eng)
			dir := t.TempDir()
			srv := s.serve(t, "--backup-dir", dir, "--backup-every", "0")
			// serve answers /healthz while it migrates; /readyz says when it is ready.
			for i := 0; ; i++ {
				code, body := fetch(t, srv.URL+"/readyz")
				if code == 200 && strings.TrimSpace(body) == "ready" {
					break
				}
				if code != 503 || !strings.HasPrefix(body, "not ready: ") || i == 600 {
					t.Fatalf("/readyz: %d %q", code, body)
				}
				time.Sleep(50 * time.Millisecond) // polling a starting process
			}
			_, metrics := fetch(t, srv.URL+"/metrics")
			if v := metric(metrics, "gongzhi_database_bytes"); v < 64<<10 {
				t.Fatalf("gongzhi_database_bytes = %v\n%s", v, metrics)
			}
			if strings.Contains(metrics, "gongzhi_backup_age_seconds ") {
				t.Fatal("a backup age before any backup was written")
			}
			if r := s.run(t, "", "backup", "--out", filepath.Join(dir, "gongzhi-2026-12-04.backup")); r.code != 0 {
				t.Fatalf("backup: %s", r.stderr)
			}
			_, metrics = fetch(t, srv.URL+"/metrics")
			if v := metric(metrics, "gongzhi_backup_age_seconds"); v < 0 || v > 300 {
				t.Fatalf("gongzhi_backup_age_seconds = %v just after a backup\n%s", v, metrics)
			}
		})
	}
}

func fetch(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// metric is the value of an unlabelled metric in a Prometheus text page, -1 when absent.
func metric(page, name string) float64 {
	m := regexp.MustCompile(`(?m)^` + name + ` (\S+)$`).FindStringSubmatch(page)
	if m == nil {
		return -1
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return -1
	}
	return v
}
