package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"gongzhi/internal/db"
	"gongzhi/internal/testkit"
)

// TestCrashSafety files demands from many clients, kills the server with
// SIGKILL mid-stream, restarts it, and checks every demand that was answered
// 201 is there with its timeline and its timers: acknowledged means durable.
func TestCrashSafety(t *testing.T) {
	for _, eng := range testkit.Engines() {
		t.Run(eng.String(), func(t *testing.T) {
			s := demoStore(t, eng)
			token := lastLine(s.run(t, "", "token", "create", "--username", "admin").stdout)
			srv := s.serve(t)
			post := func(path string, body any) (int, []byte) {
				b, _ := json.Marshal(body)
				req, _ := http.NewRequest("POST", srv.URL+path, bytes.NewReader(b))
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Content-Type", "application/json")
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					return 0, nil
				}
				defer resp.Body.Close()
				var buf bytes.Buffer
				buf.ReadFrom(resp.Body)
				return resp.StatusCode, buf.Bytes()
			}
			if code, body := post("/api/v1/demand-categories", map[string]any{"code": "crash_noise", "name": "噪音（压测）",
				"contact_limit": "2h", "resolve_limit": "5wd", "active": true}); code != 201 && code != 200 {
				t.Fatalf("category: %d %s", code, body)
			}
			var mu sync.Mutex
			var acked []int64
			ctx, stop := context.WithCancel(context.Background())
			var wg sync.WaitGroup
			for c := 0; c < 16; c++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; ctx.Err() == nil; i++ {
						code, body := post("/api/v1/demands", map[string]any{"category": "crash_noise", "channel": "hotline", "area": "310104001001",
							"description": fmt.Sprintf("客户端%d第%d次反映：楼下夜间施工噪音", c, i)})
						if code == 201 {
							var d struct {
								ID int64 `json:"id"`
							}
							json.Unmarshal(body, &d)
							mu.Lock()
							acked = append(acked, d.ID)
							mu.Unlock()
						}
					}
				}()
			}
			// Kill once a good number of demands were acknowledged (bounded wait).
			deadline := time.Now().Add(60 * time.Second)
			for {
				mu.Lock()
				n := len(acked)
				mu.Unlock()
				if n >= 200 || time.Now().After(deadline) {
					break
				}
				time.Sleep(20 * time.Millisecond)
			}
			srv.cmd.Process.Signal(syscall.SIGKILL)
			srv.cmd.Wait()
			stop()
			wg.Wait()
			mu.Lock()
			ids := append([]int64(nil), acked...)
			mu.Unlock()
			if len(ids) < 50 {
				t.Fatalf("only %d demands acknowledged before the kill", len(ids))
			}

			// Restart and check every acknowledged demand, its timeline and its timers.
			srv = s.serve(t)
			for _, id := range ids {
				var d struct {
					ID     int64 `json:"id"`
					Events []any `json:"events"`
				}
				if code := srv.get(t, token, fmt.Sprintf("/api/v1/demands/%d", id), &d); code != 200 || d.ID != id || len(d.Events) == 0 {
					t.Fatalf("demand %d acknowledged before the crash: status %d, %d events", id, code, len(d.Events))
				}
			}
			srv.stop(t)
			dsn, dir := "", ""
			if s[0] == "--db" {
				dsn = s[1]
			} else {
				dir = s[1]
			}
			h, err := db.Open(context.Background(), dsn, dir)
			if err != nil {
				t.Fatal(err)
			}
			defer h.Close()
			var missing int
			for _, id := range ids {
				var n int
				h.QueryRow(context.Background(), "SELECT count(*) FROM jobs WHERE kind LIKE 'demand.%' AND key = ?", strconv.FormatInt(id, 10)).Scan(&n)
				if n < 2 {
					missing++
				}
			}
			if missing > 0 {
				t.Fatalf("%d of %d acknowledged demands lost their timers", missing, len(ids))
			}
			t.Logf("%d demands acknowledged before SIGKILL, all present after restart", len(ids))
		})
	}
}
