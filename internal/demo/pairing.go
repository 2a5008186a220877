package demo

import (
	"context"
	"database/sql"
	"math/rand/v2"
	"time"

	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// Demo figures of the pairing step.
const (
	CarePeople   = 320 // people who need care, most of them elderly living alone
	CareUnpaired = 24  // of them still without a pair
)

// careKinds and their weights: elderly living alone dominate.
var careKinds = []string{"独居老人", "残疾人", "困难家庭", "孤寡老人"}
var careKindWeights = []float64{80, 8, 7, 5}

var careSurnames = []string{"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴", "徐", "孙", "朱", "马", "胡", "郭"}

var careRequests = []string{"家里灯泡坏了，看不清", "水管漏水，麻烦来看看", "腿疼下不了楼，想请人帮忙买点菜", "电视没信号了", "药快吃完了，想请人陪同去配药",
	"门锁打不开", "想咨询一下高龄津贴怎么办", "楼道里有异味"}

// writePairing writes pairing (结对关爱): people in care spread over the
// residential areas, most paired with a member who lives there, a year of
// visits and calls (approved, so they are verified service, source
// "pairing"), a few logs waiting for approval, some pairs gone quiet for
// more than 30 days, and on-call requests of the last 90 days with their
// response times. The demo's member login (linked later, linkDemoMember)
// is paired with the first person of its residential area, who has an
// open request.
func (b *builder) writePairing(ctx context.Context, tx *db.Tx) error {
	rng := rand.New(rand.NewPCG(seedHi, seedLo+37)) // its own stream
	type home struct {
		id   int64
		code string
		user *int64
	}
	homes, err := db.All(ctx, tx, `SELECT id, home_code, user_id FROM members WHERE home_code IS NOT NULL AND kind IN ('退休', '在职', '离退休干部') ORDER BY id`, nil,
		func(sc db.Scanner) (home, error) {
			var h home
			var u sql.NullInt64
			err := sc.Scan(&h.id, &h.code, &u)
			h.user = db.NullID(u)
			return h, err
		})
	if err != nil {
		return errs.Wrap(err, "demo members by home")
	}
	byHome := map[string][]home{}
	for _, h := range homes {
		byHome[h.code] = append(byHome[h.code], h)
	}
	var demoMember int64
	res0 := b.streets[0].res[0].area
	if err := tx.QueryRow(ctx, `SELECT COALESCE(min(m.id), 0) FROM members m JOIN member_reports r ON r.member_id = m.id
		WHERE m.home_code = ? AND m.user_id IS NULL AND m.kind = '在职'`, res0.code).Scan(&demoMember); err != nil {
		return errs.Wrap(err, "the demo member")
	}
	var areas []area
	for _, st := range b.streets {
		for _, r := range st.res {
			areas = append(areas, r.area)
		}
	}
	now := b.now
	var people, pairs, logs, service, reqs [][]any
	var logID, pairID int64
	day := 24 * time.Hour
	for i := range CarePeople {
		pid := int64(i + 1)
		a := areas[i%len(areas)]
		kind := careKinds[b.weightedWith(rng, careKindWeights)]
		name := careSurnames[rng.IntN(len(careSurnames))] + []string{"阿婆", "老伯", "阿姨", "大爷", "奶奶"}[rng.IntN(5)]
		addr := itoa(1+rng.IntN(30)) + "号楼" + itoa(1+rng.IntN(6)) + "0" + itoa(1+rng.IntN(4))
		phone := "139" + itoa8(rng.IntN(100000000))
		created := now.Add(-time.Duration(370+rng.IntN(30)) * day)
		people = append(people, []any{pid, kind, name, a.code, a.path, addr, phone, "", created, created})
		cands := byHome[a.code]
		var m home
		switch {
		case i == 0 && a.code == res0.code && demoMember != 0:
			m = home{id: demoMember, code: res0.code}
		case i >= CarePeople-CareUnpaired || len(cands) == 0:
			continue
		default:
			m = cands[rng.IntN(len(cands))]
		}
		pairID++
		started := created.Add(time.Duration(rng.IntN(10)) * day)
		pairs = append(pairs, []any{pairID, pid, m.id, a.path, started})
		// Visits every 10–20 days and calls in between; one pair in ten went
		// quiet more than 30 days ago.
		quiet := rng.IntN(10) == 0 && i != 0
		stop := now
		if quiet {
			stop = now.Add(-time.Duration(35+rng.IntN(40)) * day)
		}
		for t := started.Add(time.Duration(3+rng.IntN(10)) * day); t.Before(stop); t = t.Add(time.Duration(10+rng.IntN(11)) * day) {
			for _, k := range []string{"visit", "call"} {
				at := t
				if k == "call" {
					at = t.Add(time.Duration(4+rng.IntN(4)) * day)
					if !at.Before(stop) || rng.IntN(2) == 0 {
						continue
					}
				}
				at = time.Date(at.Year(), at.Month(), at.Day(), 1+rng.IntN(9), rng.IntN(60), 0, 0, time.UTC) // 09:00–17:59 in Shanghai
				if at.After(now) {
					continue
				}
				minutes := 30 + rng.IntN(61)
				if k == "call" {
					minutes = 5 + rng.IntN(16)
				}
				logID++
				status, decided := "approved", any(at.Add(time.Duration(2+rng.IntN(46))*time.Hour))
				if now.Sub(at) < 5*day && rng.IntN(2) == 0 {
					status, decided = "pending", nil
				}
				var by any
				if m.user != nil {
					by = *m.user
				}
				logs = append(logs, []any{logID, pairID, k, at, minutes, []string{"聊天，量血压", "帮忙买菜", "打扫卫生", "陪同散步", "问候近况", ""}[rng.IntN(6)],
					status, a.path, by, decided, at.Add(time.Hour)})
				if status == "approved" {
					service = append(service, []any{m.id, "pairing", logID, a.path, at, at.Add(time.Duration(minutes) * time.Minute), minutes})
				}
			}
		}
	}
	// On-call requests over the last 90 days: most answered within minutes
	// to hours, a few still open (one of them the demo member's).
	for i := range 60 {
		pid := int64(1 + rng.IntN(CarePeople-CareUnpaired))
		if i == 0 {
			pid = 1
		}
		p := people[pid-1]
		created := now.Add(-time.Duration(rng.IntN(90*24*60)) * time.Minute)
		if i < 3 {
			created = now.Add(-time.Duration(20+rng.IntN(200)) * time.Minute)
		}
		status, acked, closed := "closed", any(nil), any(nil)
		if i >= 3 {
			ack := created.Add(time.Duration(2+rng.ExpFloat64()*40) * time.Minute)
			acked, closed = ack, ack.Add(time.Duration(1+rng.IntN(48))*time.Hour)
		} else {
			status = "open"
		}
		callback := ""
		if rng.IntN(2) == 0 {
			callback = "137" + itoa8(rng.IntN(100000000))
		}
		reqs = append(reqs, []any{int64(i + 1), pid, p[4], careRequests[rng.IntN(len(careRequests))], callback, status, created, acked, closed})
	}
	tables := []struct {
		name string
		cols []string
		rows [][]any
	}{
		{"care_people", []string{"id", "kind", "name", "area_code", "area_path", "address", "phone", "note", "created_at", "updated_at"}, people},
		{"care_pairs", []string{"id", "person_id", "member_id", "area_path", "started_at"}, pairs},
		{"care_logs", []string{"id", "pair_id", "kind", "at", "minutes", "note", "status", "area_path", "logged_by", "decided_at", "created_at"}, logs},
		{"member_service", []string{"member_id", "source", "source_id", "area_path", "started_at", "ended_at", "minutes"}, service},
		{"care_requests", []string{"id", "person_id", "area_path", "body", "callback", "status", "created_at", "acked_at", "closed_at"}, reqs},
	}
	for _, t := range tables {
		bi := db.NewBulkInsert(tx, t.name, t.cols)
		for _, r := range t.rows {
			if err := bi.Add(ctx, r...); err != nil {
				return errs.Wrap(err, "demo "+t.name)
			}
		}
		if err := bi.Close(ctx); err != nil {
			return errs.Wrap(err, "demo "+t.name)
		}
	}
	return db.ResetIDs(ctx, tx, "care_people", "care_pairs", "care_logs", "care_requests", "member_service")
}

// weightedWith is weighted on a step's own stream.
func (b *builder) weightedWith(rng *rand.Rand, w []float64) int {
	var sum float64
	for _, v := range w {
		sum += v
	}
	x := rng.Float64() * sum
	for i, v := range w {
		if x < v {
			return i
		}
		x -= v
	}
	return len(w) - 1
}

func itoa(n int) string { return itoaPad(n, 0) }

func itoa8(n int) string { return itoaPad(n, 8) }

// itoaPad writes n in decimal, zero-padded to width.
func itoaPad(n, width int) string {
	var buf [20]byte
	i := len(buf)
	for n > 0 || i == len(buf) {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
	}
	for len(buf)-i < width {
		i--
		buf[i] = '0'
	}
	return string(buf[i:])
}
