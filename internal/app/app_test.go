package app_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"runtime"
	"strings"
	"testing"
	"time"

	"gongzhi/internal/app"
	"gongzhi/internal/auth"
	"gongzhi/internal/testkit"
)

func TestConfigValidate(t *testing.T) {
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	cases := []struct {
		name    string
		env     map[string]string
		wantErr string
	}{
		{"defaults", nil, ""},
		{"postgres", map[string]string{"GONGZHI_DB": "postgres://u@h/db"}, ""},
		{"mysql refused", map[string]string{"GONGZHI_DB": "mysql://u@h/db"}, "--db"},
		{"bad addr", map[string]string{"GONGZHI_ADDR": "8080"}, "--addr"},
		{"bad level", map[string]string{"GONGZHI_LOG_LEVEL": "loud"}, "--log-level"},
		{"proxies", map[string]string{"GONGZHI_TRUSTED_PROXIES": "10.0.0.0/8, 127.0.0.1"}, ""},
		{"bad proxy", map[string]string{"GONGZHI_TRUSTED_PROXIES": "10.0.0.0/33"}, "--trusted-proxy"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := app.DefaultConfig(env(c.env)).Validate()
			if c.wantErr == "" && err != nil || c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)) {
				t.Fatalf("Validate() = %v, want error containing %q", err, c.wantErr)
			}
		})
	}
	if c := app.DefaultConfig(env(nil)); c.Addr != "127.0.0.1:8080" || c.DataDir != "./gongzhi-data" {
		t.Fatalf("defaults: %+v", c)
	}
}

func TestCLIUsageErrors(t *testing.T) {
	cases := []struct {
		args []string
		code int
	}{
		{nil, 2}, {[]string{"nope"}, 2}, {[]string{"serve", "extra"}, 2}, {[]string{"import", "units"}, 2},
		{[]string{"serve", "--addr", "bad"}, 2}, {[]string{"token", "create"}, 2}, {[]string{"version"}, 0},
	}
	for _, c := range cases {
		var out, errb bytes.Buffer
		cli := &app.CLI{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
		if got := cli.Run(context.Background(), c.args); got != c.code {
			t.Errorf("gongzhi %v: exit %d, want %d (stderr %q)", c.args, got, c.code, errb.String())
		}
	}
}

// TestGracefulShutdown starts serve in-process, begins an upload, asks the
// server to stop while the body is still arriving, and checks the request
// still completes and serve exits 0.
func TestGracefulShutdown(t *testing.T) {
	for _, eng := range testkit.Engines() {
		t.Run(eng.String(), func(t *testing.T) {
			dsn, dir := testkit.NewDSN(t, eng)
			args := []string{"serve", "--addr", "127.0.0.1:0", "--data", dir}
			if dsn != "" {
				args = []string{"serve", "--addr", "127.0.0.1:0", "--db", dsn}
			}
			ready := make(chan *app.Main, 1)
			var out, errb bytes.Buffer
			cli := &app.CLI{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
				Getenv: func(k string) string { return map[string]string{"GONGZHI_LOG_LEVEL": "error"}[k] },
				Ready:  func(m *app.Main) { ready <- m }}
			ctx, stop := context.WithCancel(context.Background())
			defer stop()
			exit := make(chan int, 1)
			go func() { exit <- cli.Run(ctx, args) }()
			var m *app.Main
			select {
			case m = <-ready:
			case code := <-exit:
				t.Fatalf("serve exited %d: %s", code, errb.String())
			}
			sys := auth.SystemPrincipal()
			bg := context.Background()
			if _, err := m.DB.Exec(bg, "INSERT INTO areas (code, name, level, path) VALUES ('310104', '徐汇区', 'district', '/310104/')"); err != nil {
				t.Fatal(err)
			}
			u, err := m.Auth.CreateUser(bg, sys, auth.NewUser{Username: "admin", Password: testkit.Password, Role: "district_admin", Area: "310104"})
			if err != nil {
				t.Fatal(err)
			}
			token, _, err := m.Auth.CreateToken(bg, sys, u.ID, "t")
			if err != nil {
				t.Fatal(err)
			}

			body, w := io.Pipe()
			// Expect: 100-continue makes the client wait until the handler starts
			// reading the body, so the request is surely in flight (not merely in
			// the listener's backlog) when shutdown begins.
			inHandler := make(chan struct{})
			trace := &httptrace.ClientTrace{Got100Continue: func() { close(inHandler) }}
			req, _ := http.NewRequestWithContext(httptrace.WithClientTrace(bg, trace), "POST", m.URL()+"/api/v1/units/import?filename=units.csv", body)
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("Content-Type", "text/csv")
			req.Header.Set("Expect", "100-continue")
			client := &http.Client{Transport: &http.Transport{ExpectContinueTimeout: time.Minute}}
			type result struct {
				status int
				body   string
				err    error
			}
			done := make(chan result, 1)
			go func() {
				resp, err := client.Do(req)
				if err != nil {
					done <- result{err: err}
					return
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				done <- result{status: resp.StatusCode, body: string(b)}
			}()
			select {
			case <-inHandler:
			case r := <-done:
				t.Fatalf("upload ended before the handler read it: %+v", r)
			}
			fmt.Fprint(w, "name,kind,area,has_party_org,platform_covered\n")

			stop() // SIGTERM arrives while the upload is in flight
			waitRefused(t, m.URL())
			fmt.Fprint(w, "关停时上传的店,shop,310104,否,是\n")
			w.Close()
			res := <-done
			if res.err != nil || res.status != 200 || !strings.Contains(res.body, `"created":1`) {
				t.Fatalf("in-flight upload during shutdown: %d %s %v", res.status, res.body, res.err)
			}
			if code := <-exit; code != 0 {
				t.Fatalf("serve exit %d after shutdown: %s", code, errb.String())
			}
		})
	}
}

// waitRefused waits until the server stops accepting connections, which
// shows shutdown has begun. It polls a condition; it does not sleep on a timer.
func waitRefused(t *testing.T, url string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		c := &http.Client{Timeout: time.Second}
		resp, err := c.Get(url + "/healthz")
		if err != nil {
			return
		}
		resp.Body.Close()
		runtime.Gosched()
	}
	t.Fatal("server still accepting connections 10s after shutdown began")
}
