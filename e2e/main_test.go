// Package e2e runs the built gongzhi binary as a newcomer would: commands,
// a real server, real HTTP and, where Chromium is present, a real browser.
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"gongzhi/internal/db"
	"gongzhi/internal/testkit"
)

var binary string // path of the gongzhi binary built once for all tests

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "gongzhi-e2e")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "gongzhi")
	build := exec.Command("go", "build", "-o", binary, "../cmd/gongzhi")
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build gongzhi:", err)
		os.Exit(1)
	}
	code := m.Run()
	demos.drop()
	os.RemoveAll(dir)
	os.Exit(code)
}

// store is where one test's database lives, as command-line flags.
type store []string

func newStore(t *testing.T, d db.Dialect) store {
	dsn, dir := testkit.NewDSN(t, d)
	if dsn != "" {
		return store{"--db", dsn}
	}
	return store{"--data", dir}
}

// demos holds one demo district per engine, built on first use and copied
// for every test that needs one: a copy takes a second, a build up to a
// minute on PostgreSQL, and each test still gets its own database.
var demos = &demoTemplates{built: map[db.Dialect]string{}, out: map[db.Dialect]string{}}

type demoTemplates struct {
	mu    sync.Mutex
	built map[db.Dialect]string // SQLite: a data directory; PostgreSQL: a database name
	out   map[db.Dialect]string // what `gongzhi demo` printed building it
}

// demoStore returns a store of its own holding a copy of the demo district.
func demoStore(t *testing.T, d db.Dialect) store {
	t.Helper()
	s, _ := demoStoreOut(t, d)
	return s
}

// demoStoreOut is demoStore that also returns what `gongzhi demo` printed
// when it built the district on an empty store.
func demoStoreOut(t *testing.T, d db.Dialect) (store, string) {
	t.Helper()
	tmpl, out := demos.get(t, d)
	if d == db.SQLite {
		dir := t.TempDir()
		entries, err := os.ReadDir(tmpl)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			b, err := os.ReadFile(filepath.Join(tmpl, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, e.Name()), b, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		return store{"--data", dir}, out
	}
	return store{"--db", testkit.CloneDSN(t, tmpl)}, out
}

func (m *demoTemplates) get(t *testing.T, d db.Dialect) (tmpl, out string) {
	t.Helper()
	if d == db.Postgres && os.Getenv(testkit.PostgresEnv) == "" {
		t.Skip(testkit.PostgresEnv + " not set")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if tmpl, ok := m.built[d]; ok {
		return tmpl, m.out[d]
	}
	var s store
	if d == db.SQLite {
		dir, err := os.MkdirTemp("", "gongzhi-demo")
		if err != nil {
			t.Fatal(err)
		}
		s, tmpl = store{"--data", dir}, dir
	} else {
		tmpl = "gz_tmpl_" + fmt.Sprint(time.Now().UnixNano())
		dsn, err := testkit.CreateDatabase(tmpl, "")
		if err != nil {
			t.Fatal(err)
		}
		s = store{"--db", dsn}
	}
	r := s.run(t, "", "demo")
	if r.code != 0 {
		(&demoTemplates{built: map[db.Dialect]string{d: tmpl}}).drop()
		t.Fatalf("demo: %s", r.stderr)
	}
	m.built[d], m.out[d] = tmpl, r.stdout
	return tmpl, r.stdout
}

func (m *demoTemplates) drop() {
	for d, tmpl := range m.built {
		if d == db.SQLite {
			os.RemoveAll(tmpl)
		} else {
			testkit.DropDatabase(tmpl)
		}
	}
}

type result struct {
	code           int
	stdout, stderr string
}

// run runs the binary with args plus the store flags and optional stdin.
func (s store) run(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	cmd := exec.Command(binary, append(args, s...)...)
	cmd.Env = append(os.Environ(), "GONGZHI_LOG_LEVEL=warn")
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run %v: %v", args, err)
	}
	return result{code, out.String(), errb.String()}
}

// server is a running `gongzhi serve`.
type server struct {
	URL string
	cmd *exec.Cmd
	out *bytes.Buffer
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// serve starts the server and waits until /healthz answers.
func (s store) serve(t *testing.T, extra ...string) *server {
	t.Helper()
	return s.serveEnv(t, nil, extra...)
}

// serveEnv is serve with more environment variables (secrets such as
// GONGZHI_SMS_SECRET are never flags).
func (s store) serveEnv(t *testing.T, env []string, extra ...string) *server {
	t.Helper()
	addr := freeAddr(t)
	cmd := exec.Command(binary, append(append([]string{"serve", "--addr", addr}, extra...), s...)...)
	cmd.Env = append(append(os.Environ(), "GONGZHI_LOG_LEVEL=warn"), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	srv := &server{URL: "http://" + addr, cmd: cmd, out: &out}
	t.Cleanup(func() { srv.stop(t) })
	deadline := time.Now().Add(5 * time.Minute) // --demo builds the district first: over a minute on PostgreSQL beside other tests
	for {
		resp, err := http.Get(srv.URL + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return srv
			}
		}
		if time.Now().After(deadline) || cmd.ProcessState != nil {
			t.Fatalf("server did not come up:\n%s", out.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// stop sends SIGTERM and waits for a clean exit.
func (s *server) stop(t *testing.T) {
	if s.cmd.Process == nil || s.cmd.ProcessState != nil {
		return
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- s.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("server exit after SIGTERM: %v\n%s", err, s.out.String())
		}
	case <-time.After(30 * time.Second):
		s.cmd.Process.Kill()
		t.Errorf("server did not stop within 30s of SIGTERM")
	}
}

// get does an API GET with a bearer token and decodes JSON into v.
func (s *server) get(t *testing.T, token, path string, v any) int {
	t.Helper()
	req, _ := http.NewRequestWithContext(context.Background(), "GET", s.URL+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if v != nil && resp.StatusCode == 200 {
		if err := json.Unmarshal(body, v); err != nil {
			t.Fatalf("GET %s: %v in %s", path, err, body)
		}
	}
	return resp.StatusCode
}

// lastLine returns the last non-empty line of s.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}
