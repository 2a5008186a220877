package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/backup"
	"gongzhi/internal/db"
	"gongzhi/internal/testkit"
)

// TestBackupWhileServing runs `gongzhi backup` beside a serving `gongzhi
// serve` while 16 API clients file demands and dispatch and sign them, then
// `gongzhi restore`s the file into a fresh database of each engine: each
// copy holds exactly the rows the backup recorded for its snapshot.
func TestBackupWhileServing(t *testing.T) {
	for _, eng := range testkit.Engines() {
		t.Run(eng.String(), func(t *testing.T) {
			ctx := context.Background()
			s := newStore(t, eng)
			if r := s.run(t, "", "migrate"); r.code != 0 {
				t.Fatalf("migrate: %s", r.stderr)
			}
			h, err := db.Open(ctx, s.dsn(), s.dir())
			if err != nil {
				t.Fatal(err)
			}
			testkit.NewFixture(t, h)
			h.Close()
			token := lastLine(s.run(t, "", "token", "create", "--username", string(auth.CommunityStaff)).stdout)
			admin := lastLine(s.run(t, "", "token", "create", "--username", string(auth.DistrictAdmin)).stdout)
			srv := s.serve(t)
			post := func(token, path string, body any) (int, []byte) {
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
			if code, body := post(admin, "/api/v1/demand-categories", map[string]any{"code": "noise", "name": "噪音扰民",
				"contact_limit": "2h", "resolve_limit": "5wd", "active": true}); code != 201 && code != 200 {
				t.Fatalf("category: %d %s", code, body)
			}
			var done atomic.Int64
			var failed atomic.Value
			stop := make(chan struct{})
			var wg sync.WaitGroup
			for c := range 16 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; ; i++ {
						select {
						case <-stop:
							return
						default:
						}
						code, body := post(token, "/api/v1/demands", map[string]any{"category": "noise", "channel": "hotline", "area": testkit.ResA1,
							"description": fmt.Sprintf("客户端%d第%d次反映：楼下夜间施工噪音", c, i)})
						if code != 201 {
							failed.Store(fmt.Sprintf("intake: %d %s", code, body))
							return
						}
						var d struct {
							ID int64 `json:"id"`
						}
						json.Unmarshal(body, &d)
						for _, a := range []map[string]any{{"action": "dispatch", "lead": testkit.ResA1}, {"action": "sign"}} {
							if code, body := post(token, fmt.Sprintf("/api/v1/demands/%d/actions", d.ID), a); code != 200 {
								failed.Store(fmt.Sprintf("%v: %d %s", a, code, body))
								return
							}
						}
						done.Add(1)
					}
				}()
			}
			for deadline := time.Now().Add(60 * time.Second); done.Load() < 32; time.Sleep(10 * time.Millisecond) {
				if time.Now().After(deadline) || failed.Load() != nil {
					t.Fatalf("clients: %d demands, %v", done.Load(), failed.Load())
				}
			}
			// A backup on a quiet machine can be over before any client
			// finishes its three requests: take up to five, until one ran
			// while a client finished a demand.
			dir, file := t.TempDir(), ""
			var r result
			var during int64
			for try := 0; try < 5 && during == 0; try++ {
				file = filepath.Join(dir, fmt.Sprintf("live%d.backup", try))
				before := done.Load()
				if r = s.run(t, "", "backup", "--out", file); r.code != 0 {
					break
				}
				during = done.Load() - before
			}
			close(stop)
			wg.Wait()
			srv.stop(t)
			if r.code != 0 {
				t.Fatalf("backup while serving: exit %d\n%s", r.code, r.stderr)
			}
			if f := failed.Load(); f != nil {
				t.Fatalf("a client failed: %v", f)
			}
			if during == 0 {
				t.Fatal("no client finished a demand while any of five backups ran")
			}
			f, err := os.Open(file)
			if err != nil {
				t.Fatal(err)
			}
			m, err := backup.Verify(ctx, f, file, nil)
			f.Close()
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range testkit.Engines() {
				to := newStore(t, e)
				if r := to.run(t, "", "restore", file); r.code != 0 || !strings.Contains(r.stdout, "checksums verified") {
					t.Fatalf("restore into %s: exit %d\n%s\n%s", e, r.code, r.stdout, r.stderr)
				}
				d, err := db.Open(ctx, to.dsn(), to.dir())
				if err != nil {
					t.Fatal(err)
				}
				got, err := backup.Checksums(ctx, d)
				d.Close()
				if err != nil {
					t.Fatal(err)
				}
				for i, w := range m.Sums {
					if i >= len(got) || got[i].Table != w.Table || got[i].Rows != w.Rows || got[i].SHA256 != w.SHA256 {
						t.Fatalf("restored into %s: table %s differs from the backup's snapshot", e, w.Table)
					}
				}
			}
			t.Logf("%d demands filed and handled while the backup ran", during)
		})
	}
}

func (s store) dsn() string {
	if s[0] == "--db" {
		return s[1]
	}
	return ""
}

func (s store) dir() string {
	if s[0] == "--data" {
		return s[1]
	}
	return ""
}
