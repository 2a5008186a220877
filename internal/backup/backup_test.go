package backup_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/backup"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/demand"
	"gongzhi/internal/notify"
	"gongzhi/internal/testkit"
)

// district is the testkit fixture with demands in every state the copy
// must carry: dispatched to a body outside their area (reach tokens),
// co-handled, merged into a newer demand (a reference forward in id order),
// closed and rated, and a photo and a PDF (bytes).
type district struct {
	f      *testkit.Fixture
	s      *demand.Service
	clock  *clock.Fake
	tokens map[string]int64 // tracking token → demand id
	photo  []byte
}

func newDistrict(t testing.TB, d *db.DB) *district {
	t.Helper()
	ctx := context.Background()
	x := &district{f: testkit.NewFixture(t, d), clock: testkit.Clock(), tokens: map[string]int64{}, photo: testkit.JPEG(40 << 10)}
	x.s = demand.NewService(d, x.clock, notify.NewService(d, x.clock, notify.Options{}))
	admin := x.f.Users[auth.DistrictAdmin]
	for _, c := range []demand.Category{
		{Code: "noise", Name: "噪音扰民", ContactLimit: "2h", ResolveLimit: "5wd", Active: true},
		{Code: "sanitation", Name: "环境卫生", ContactLimit: "2h", ResolveLimit: "3wd", Active: true},
	} {
		if _, err := x.s.SaveCategory(ctx, admin, c); err != nil {
			t.Fatalf("category: %v", err)
		}
	}
	community, street := x.f.Users[auth.CommunityStaff], x.f.Users[auth.StreetStaff]
	var ids []int64
	for i, text := range []string{"楼下广场舞音响太吵", "小区门口垃圾箱满了没人清运", "3号楼晚上广场舞声音太大", "楼道灯坏了\n\"请\"修\t一下"} {
		cat := "noise"
		if i%2 == 1 {
			cat = "sanitation"
		}
		filed := x.file(t, community, cat, testkit.ResA1, text)
		ids = append(ids, filed)
		x.clock.Advance(time.Minute + 123456789*time.Nanosecond) // sub-microsecond times, too
	}
	act := func(p *auth.Principal, id int64, in demand.ActionInput) {
		t.Helper()
		if _, err := x.s.Act(ctx, p, id, in); err != nil {
			t.Fatalf("%s: %v", in.Action, err)
		}
	}
	act(community, ids[1], demand.ActionInput{Action: demand.ActDispatch, Lead: testkit.ResA1, CoBodies: []string{testkit.GridA1}})
	act(community, ids[1], demand.ActionInput{Action: demand.ActSign})
	act(community, ids[1], demand.ActionInput{Action: demand.ActContact, Note: "电话联系"})
	act(community, ids[1], demand.ActionInput{Action: demand.ActResolve, Outcome: "solved", Resolution: "已清运"})
	yes := true
	act(community, ids[1], demand.ActionInput{Action: demand.ActCallback, Satisfaction: "satisfied", Solved: &yes})
	act(street, ids[3], demand.ActionInput{Action: demand.ActDispatch, Lead: testkit.ResA2}) // led from outside its area
	act(community, ids[0], demand.ActionInput{Action: demand.ActMerge, Target: &ids[2]})     // into a newer demand
	if _, err := x.s.Attach(ctx, community, ids[2], []demand.File{
		{Name: "现场.jpg", ContentType: "image/jpeg", Data: x.photo},
		{Name: "说明.pdf", ContentType: "application/pdf", Data: testkit.PDF(3 << 10)},
	}); err != nil {
		t.Fatalf("attach: %v", err)
	}
	for token := range x.tokens { // a merged demand's link shows the one it was merged into
		tr, err := x.s.Track(ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		x.tokens[token] = tr.ID
	}
	return x
}

func (x *district) file(t testing.TB, p *auth.Principal, cat, area, text string) int64 {
	t.Helper()
	f, err := x.s.Intake(context.Background(), p, demand.NewDemand{Category: cat, Description: text, Channel: "hotline", Area: area,
		Reporter: demand.ReporterInput{Name: "王阿姨", Phone: "13900002222"}})
	if err != nil {
		t.Fatalf("intake: %v", err)
	}
	x.tokens[f.Token] = f.Demand.ID
	return f.Demand.ID
}

// check asserts that d, restored or moved from the district, serves it:
// every tracking link finds its demand, search finds demands by their words
// and by their area, the photo is there byte for byte, and a new demand
// gets an id after every restored one.
func (x *district) check(t *testing.T, d *db.DB) {
	t.Helper()
	ctx := context.Background()
	s := demand.NewService(d, x.clock, notify.NewService(d, x.clock, notify.Options{}))
	for token, id := range x.tokens {
		tr, err := s.Track(ctx, token)
		if err != nil || tr.ID != id {
			t.Fatalf("tracking link of demand %d after the copy: %+v %v", id, tr, err)
		}
	}
	admin := x.f.Users[auth.DistrictAdmin]
	if res, err := s.List(ctx, admin, demand.ListFilter{Q: "广场舞"}); err != nil || res.Total == 0 {
		t.Fatalf("search 广场舞 after the copy: %+v %v", res, err)
	}
	if res, err := s.List(ctx, x.f.Users[auth.CommunityStaff], demand.ListFilter{Q: "垃圾"}); err != nil || res.Total != 1 {
		t.Fatalf("search 垃圾 in the community's scope after the copy: %+v %v", res, err)
	}
	var data []byte
	if err := d.QueryRow(ctx, "SELECT data FROM demand_attachments WHERE name = '现场.jpg'").Scan(&data); err != nil || !bytes.Equal(data, x.photo) {
		t.Fatalf("photo after the copy: %d bytes, %v", len(data), err)
	}
	var maxID int64
	if err := d.QueryRow(ctx, "SELECT max(id) FROM demands").Scan(&maxID); err != nil {
		t.Fatal(err)
	}
	f, err := s.Intake(ctx, x.f.Users[auth.CommunityStaff], demand.NewDemand{Category: "noise", Description: "复制后的新诉求", Channel: "hotline", Area: testkit.ResA1})
	if err != nil || f.Demand.ID <= maxID {
		t.Fatalf("a new demand after the copy: %+v %v (largest id %d)", f.Demand, err, maxID)
	}
}

// sums are a database's checksums now.
func sums(t testing.TB, d *db.DB) []backup.Sum {
	t.Helper()
	s, err := backup.Checksums(context.Background(), d)
	if err != nil {
		t.Fatalf("checksums: %v", err)
	}
	return s
}

func equalSums(t testing.TB, what string, want, got []backup.Sum) {
	t.Helper()
	if len(want) != len(got) {
		t.Fatalf("%s: %d tables, want %d", what, len(got), len(want))
	}
	m := map[string]backup.Sum{}
	for _, s := range got {
		m[s.Table] = s
	}
	for _, w := range want {
		g := m[w.Table]
		if g.Rows != w.Rows || g.SHA256 != w.SHA256 {
			t.Fatalf("%s: table %s has %d rows (%.12s), want %d (%.12s)", what, w.Table, g.Rows, g.SHA256, w.Rows, w.SHA256)
		}
	}
}

// target is a fresh, empty database of engine e as a restore or move names it.
func target(t testing.TB, e db.Dialect) backup.Target {
	dsn, dir := testkit.NewDSN(t, e)
	return backup.Target{DSN: dsn, DataDir: dir}
}

// open opens a restored or moved database for checking.
func open(t testing.TB, to backup.Target) *db.DB {
	t.Helper()
	d, err := db.Open(context.Background(), to.DSN, to.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// TestBackupWhileServing backs a database up while 16 clients file demands
// and act on them, then restores the file into a fresh database of each
// engine: the copies hold exactly the rows of the backup's snapshot, and
// tracking links from before the backup still find their demands.
func TestBackupWhileServing(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		x := newDistrict(t, d)
		community := x.f.Users[auth.CommunityStaff]
		var written atomic.Int64
		stop := make(chan struct{})
		var wg sync.WaitGroup
		var mu sync.Mutex
		var failure error
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
					f, err := x.s.Intake(ctx, community, demand.NewDemand{Category: "noise", Channel: "hotline", Area: testkit.ResA1,
						Description: fmt.Sprintf("客户端 %d 第 %d 条：广场舞太吵", c, i), Reporter: demand.ReporterInput{Name: "李先生", Phone: "13800001111"}})
					if err == nil {
						_, err = x.s.Act(ctx, community, f.Demand.ID, demand.ActionInput{Action: demand.ActDispatch, Lead: testkit.ResA1})
					}
					if err == nil {
						_, err = x.s.Act(ctx, community, f.Demand.ID, demand.ActionInput{Action: demand.ActSign})
					}
					if err != nil {
						mu.Lock()
						failure = err
						mu.Unlock()
						return
					}
					written.Add(1)
				}
			}()
		}
		waitFor := func(n int64) {
			for deadline := time.Now().Add(30 * time.Second); written.Load() < n; {
				if time.Now().After(deadline) {
					t.Fatalf("clients wrote %d demands, want %d", written.Load(), n)
				}
				time.Sleep(5 * time.Millisecond)
			}
		}
		waitFor(16)
		var file bytes.Buffer
		before := written.Load()
		m, err := backup.Backup(ctx, d, &file, backup.Options{Progress: func(backup.Progress) { time.Sleep(time.Millisecond) }})
		during := written.Load() - before
		waitFor(written.Load() + 16) // and after
		close(stop)
		wg.Wait()
		if err != nil {
			t.Fatalf("backup: %v", err)
		}
		if failure != nil {
			t.Fatalf("a client failed: %v", failure)
		}
		if during == 0 {
			t.Fatal("no client wrote while the backup ran")
		}
		var inBackup, now int64
		for _, s := range m.Sums {
			if s.Table == "demands" {
				inBackup = s.Rows
			}
		}
		d.QueryRow(ctx, "SELECT count(*) FROM demands").Scan(&now)
		if inBackup < 20 || inBackup >= now {
			t.Fatalf("the backup holds %d demands, the database %d: want a snapshot taken while clients wrote", inBackup, now)
		}
		if m.Header.Schema != db.SchemaVersion() || m.Header.Engine != d.Dialect.String() {
			t.Fatalf("header: %+v", m.Header)
		}
		path := filepath.Join(t.TempDir(), "gongzhi.backup")
		if err := os.WriteFile(path, file.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		for _, e := range testkit.Engines() {
			t.Run("into "+e.String(), func(t *testing.T) {
				to := target(t, e)
				got, err := backup.RestoreFile(ctx, path, to, backup.Options{})
				if err != nil {
					t.Fatalf("restore: %v", err)
				}
				equalSums(t, "restore's record", m.Sums, got.Sums)
				r := open(t, to)
				equalSums(t, "restored copy", m.Sums, sums(t, r))
				x.check(t, r)
			})
		}
	})
}

// TestMoveRoundTrip moves the district to the other engine and back: every
// table's checksum is the original's at each step, and the copy serves it
// (SQLite's search data and area tokens are rebuilt as they were).
func TestMoveRoundTrip(t *testing.T) {
	ctx := context.Background()
	src := testkit.NewDB(t, db.SQLite)
	x := newDistrict(t, src)
	want := sums(t, src)
	tokens := areaTokens(t, src)
	there := db.Postgres
	if len(testkit.Engines()) == 1 {
		there = db.SQLite
	}
	mid := target(t, there)
	res, err := backup.MoveTo(ctx, src, mid, backup.Options{})
	if err != nil {
		t.Fatalf("move to %s: %v", there, err)
	}
	equalSums(t, "move's record", want, res.Manifest.Sums)
	m := open(t, mid)
	equalSums(t, "moved to "+there.String(), want, sums(t, m))
	x.check(t, m)

	back := target(t, db.SQLite)
	if _, err := backup.MoveTo(ctx, m, back, backup.Options{}); err != nil {
		t.Fatalf("move back: %v", err)
	}
	b := open(t, back)
	equalSums(t, "moved back", sums(t, m), sums(t, b)) // m now has check's new demand
	if got := areaTokens(t, b); got != tokens {
		t.Fatalf("area tokens after the round trip:\n%s\nwant\n%s", got, tokens)
	}
	x.check(t, b)
}

func areaTokens(t *testing.T, d *db.DB) string {
	t.Helper()
	rows, err := d.Query(context.Background(), "SELECT code, scope_tokens FROM areas ORDER BY code")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b bytes.Buffer
	for rows.Next() {
		var code, tokens string
		rows.Scan(&code, &tokens)
		fmt.Fprintf(&b, "%s %s\n", code, tokens)
	}
	return b.String()
}

// TestMoveInterrupted cancels a move half-way: the target is left empty,
// and the move run again completes; run once more, it finds the copy done.
func TestMoveInterrupted(t *testing.T) {
	for _, e := range testkit.Engines() {
		t.Run("to "+e.String(), func(t *testing.T) {
			src := testkit.NewDB(t, db.SQLite)
			newDistrict(t, src)
			want := sums(t, src)
			to := target(t, e)
			ctx, cancel := context.WithCancel(context.Background())
			tables := 0
			_, err := backup.MoveTo(ctx, src, to, backup.Options{Progress: func(p backup.Progress) {
				if p.End {
					if tables++; tables == len(want)/2 {
						cancel()
					}
				}
			}})
			if err == nil || ctx.Err() == nil {
				t.Fatalf("interrupted move: %v (cancelled: %v)", err, ctx.Err())
			}
			d := open(t, to)
			if name, err := backup.FirstNonEmpty(context.Background(), d); err != nil || name != "" {
				t.Fatalf("after the interrupted move table %q holds rows (%v)", name, err)
			}
			res, err := backup.MoveTo(context.Background(), src, to, backup.Options{})
			if err != nil || res.Already {
				t.Fatalf("move again: %+v %v", res, err)
			}
			equalSums(t, "moved after an interruption", want, sums(t, d))
			res, err = backup.MoveTo(context.Background(), src, to, backup.Options{})
			if err != nil || !res.Already {
				t.Fatalf("a third move onto the finished copy: %+v %v", res, err)
			}
		})
	}
}
