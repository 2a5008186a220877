package app

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"gongzhi/internal/backup"
	"gongzhi/internal/db"
	"gongzhi/internal/testkit"
)

// TestReadyWhileStarting: serve listens before it migrates; meanwhile
// /healthz and /readyz answer 503 naming the step, and a page asked for
// waits and is served once the server is ready.
func TestReadyWhileStarting(t *testing.T) {
	for _, eng := range testkit.Engines() {
		t.Run(eng.String(), func(t *testing.T) { readyWhileStarting(t, eng) })
	}
}

func readyWhileStarting(t *testing.T, eng db.Dialect) {
	ctx := context.Background()
	cfg := DefaultConfig(func(string) string { return "" })
	cfg.Addr, cfg.LogLevel = "127.0.0.1:0", "error"
	cfg.DB, cfg.DataDir = testkit.NewDSN(t, eng)
	m := NewMain(cfg, io.Discard)
	if err := m.Listen(); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	m.start.set("migrating the database")
	if code, body := get(t, m.URL()+"/healthz"); code != 503 || !strings.Contains(body, "starting: migrating the database") {
		t.Fatalf("/healthz while migrating: %d %q", code, body)
	}
	if code, body := get(t, m.URL()+"/readyz"); code != 503 || !strings.Contains(body, "not ready: migrating the database") {
		t.Fatalf("/readyz while migrating: %d %q", code, body)
	}
	page := make(chan int, 1)
	go func() { code, _ := get(t, m.URL()+"/login"); page <- code }()
	if err := m.Open(ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-page:
		t.Fatalf("a page was answered (%d) before the server was ready", code)
	default:
	}
	if err := m.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if code := <-page; code != 200 {
		t.Fatalf("the page asked for while starting: %d, want 200 once ready", code)
	}
	if code, body := get(t, m.URL()+"/readyz"); code != 200 || strings.TrimSpace(body) != "ready" {
		t.Fatalf("/readyz once ready: %d %q", code, body)
	}
}

// TestReadyDuringRestore: while a restore copies into the database a server
// uses, its /readyz answers 503 saying so (and /healthz 200: the process is
// up); a serve
// started meanwhile waits for the restore before it migrates, then serves
// the restored district.
func TestReadyDuringRestore(t *testing.T) {
	for _, eng := range testkit.Engines() {
		t.Run(eng.String(), func(t *testing.T) {
			ctx := context.Background()
			src := testkit.NewDB(t, eng)
			testkit.NewFixture(t, src)
			file := filepath.Join(t.TempDir(), "district.backup")
			if _, err := backup.WriteFile(ctx, src, file, backup.Options{}); err != nil {
				t.Fatal(err)
			}

			t.Run("serving", func(t *testing.T) {
				cfg := DefaultConfig(func(string) string { return "" })
				cfg.DB, cfg.DataDir = testkit.NewDSN(t, eng)
				m := NewMain(cfg, io.Discard) // migrated and empty, as a fresh server leaves it
				if err := m.Open(ctx); err != nil {
					t.Fatal(err)
				}
				defer m.Close()
				h, err := m.Handler()
				if err != nil {
					t.Fatal(err)
				}
				srv := httptest.NewServer(h)
				defer srv.Close()
				if code, _ := get(t, srv.URL+"/readyz"); code != 200 {
					t.Fatalf("/readyz before the restore: %d", code)
				}
				done := restoreHeld(t, file, cfg, func() {
					if code, body := get(t, srv.URL+"/readyz"); code != 503 || !strings.Contains(body, "a restore or move is copying into this database") {
						t.Errorf("/readyz during a restore: %d %q", code, body)
					}
					if code, _ := get(t, srv.URL+"/healthz"); code != 200 {
						t.Errorf("/healthz during a restore: %d, want 200 (the process is up)", code)
					}
				})
				if err := <-done; err != nil {
					t.Fatalf("restore: %v", err)
				}
				if code, _ := get(t, srv.URL+"/readyz"); code != 200 {
					t.Fatalf("/readyz after the restore: %d", code)
				}
			})

			t.Run("starting", func(t *testing.T) {
				dsn, data := testkit.NewDSN(t, eng)
				cfg := DefaultConfig(func(string) string { return "" })
				cfg.DB, cfg.DataDir = dsn, data
				addr := freeAddr(t)
				args := []string{"serve", "--addr", addr, "--data", data}
				if dsn != "" {
					args = []string{"serve", "--addr", addr, "--db", dsn}
				}
				ready := make(chan *Main, 1)
				exit := make(chan int, 1)
				sctx, stop := context.WithCancel(ctx)
				defer func() { stop(); <-exit }()
				var errb bytes.Buffer
				done := restoreHeld(t, file, cfg, func() {
					cli := &CLI{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: &errb,
						Getenv: func(k string) string { return map[string]string{"GONGZHI_LOG_LEVEL": "error"}[k] },
						Ready:  func(m *Main) { ready <- m }}
					go func() { exit <- cli.Run(sctx, args) }()
					for i := 0; ; i++ { // until serve listens and has looked at the database
						code, body := get(t, "http://"+addr+"/readyz")
						if code == 503 && strings.Contains(body, "waiting for a restore or move") {
							break
						}
						if i == 200 {
							t.Fatalf("/readyz of a serve started during a restore: %d %q\n%s", code, body, errb.String())
						}
						time.Sleep(50 * time.Millisecond) // polling a starting process's port
					}
					if code, body := get(t, "http://"+addr+"/healthz"); code != 503 || !strings.Contains(body, "starting: waiting for a restore") {
						t.Errorf("/healthz while waiting for the restore: %d %q", code, body)
					}
				})
				if err := <-done; err != nil {
					t.Fatalf("restore: %v", err)
				}
				var m *Main
				select {
				case m = <-ready:
				case code := <-exit:
					t.Fatalf("serve exited %d: %s", code, errb.String())
				}
				if code, _ := get(t, m.URL()+"/readyz"); code != 200 {
					t.Fatalf("/readyz once the restore finished: %d", code)
				}
				if got, want := sumsOf(t, m.DB), sumsOf(t, src); !equalTables(got, want, "jobs") {
					t.Fatalf("serve after the restore holds %v, want %v", got, want)
				}
			})
		})
	}
}

// restoreHeld restores file into cfg's database, runs during() while the
// copy is under way, then lets it finish; the restore's error arrives on the
// channel returned.
func restoreHeld(t *testing.T, file string, cfg Config, during func()) <-chan error {
	t.Helper()
	started, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	done := make(chan error, 1)
	to := backup.Target{DSN: cfg.DB, DataDir: cfg.DataDir}
	if cfg.DB != "" {
		to.DataDir = ""
	}
	go func() {
		_, err := backup.RestoreFile(context.Background(), file, to, backup.Options{Progress: func(backup.Progress) {
			once.Do(func() { close(started); <-release })
		}})
		once.Do(func() { close(started) })
		done <- err
	}()
	<-started
	during()
	close(release)
	return done
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	c := &http.Client{Timeout: 30 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// sumsOf is d's tables' row counts and checksums by table.
func sumsOf(t *testing.T, d *db.DB) map[string]backup.Sum {
	t.Helper()
	s, err := backup.Checksums(context.Background(), d)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]backup.Sum{}
	for _, x := range s {
		x.NextID = 0
		out[x.Table] = x
	}
	return out
}

// equalTables compares two databases' sums, leaving out the tables named.
func equalTables(a, b map[string]backup.Sum, except ...string) bool {
	for _, m := range []map[string]backup.Sum{a, b} {
		for _, e := range except {
			delete(m, e)
		}
	}
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
