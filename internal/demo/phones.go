package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// demoRollRows is about how many numbers the demo's phone rolls hold in all.
const demoRollRows = 600

// writePhones writes the residents' phone rolls (居民手机名册) of the
// residential areas that have councils: a number or two per household, all
// 1390… numbers nobody holds (13900 + the roll's number + the row's), and
// phone supports of a few of their topics, counted on the topics. Open
// topics stay below their threshold, so no topic moves without the rules.
// Runs after writeCouncils.
func (b *builder) writePhones(ctx context.Context, tx *db.Tx) error {
	rng := rand.New(rand.NewPCG(seedHi, seedLo+46)) // its own stream
	now := b.now.UTC().Truncate(time.Minute)
	type roll struct{ code, path string }
	rolls, err := db.All(ctx, tx, `SELECT area_code, area_path FROM councils ORDER BY area_code`, nil, func(sc db.Scanner) (roll, error) {
		var r roll
		err := sc.Scan(&r.code, &r.path)
		return r, err
	})
	if err != nil || len(rolls) == 0 {
		return errs.Wrap(err, "demo rolls")
	}
	per := min(max(demoRollRows/len(rolls), 5), 999)
	phones := make(map[string][]string, len(rolls)) // by area code, in order
	ins := db.NewBulkInsert(tx, "resident_phones", []string{"area_code", "area_path", "phone", "household", "added_by", "added_by_name", "created_at"})
	for i, r := range rolls {
		seen := map[string]bool{}
		for k := range per {
			number := fmt.Sprintf("13900%03d%03d", i%1000, k)
			household := fmt.Sprintf("%d号%d0%d室", 1+rng.IntN(12), 1+rng.IntN(6), 1+rng.IntN(4))
			if seen[number] {
				continue
			}
			seen[number] = true
			if err := ins.Add(ctx, r.code, r.path, number, household, nil, "居委会", now.Add(-time.Duration(rng.IntN(90*24))*time.Hour)); err != nil {
				return errs.Wrap(err, "demo roll")
			}
			phones[r.code] = append(phones[r.code], number)
		}
	}
	if err := ins.Close(ctx); err != nil {
		return errs.Wrap(err, "demo roll")
	}

	type topic struct {
		id                  int64
		area, status        string
		supports, threshold int
	}
	topics, err := db.All(ctx, tx, `SELECT t.id, t.area_code, t.status, t.supports, t.threshold FROM topics t JOIN councils c ON c.area_code = t.area_code
		WHERE t.status IN ('open', 'agenda') ORDER BY t.id`, nil, func(sc db.Scanner) (topic, error) {
		var t topic
		err := sc.Scan(&t.id, &t.area, &t.status, &t.supports, &t.threshold)
		return t, err
	})
	if err != nil {
		return errs.Wrap(err, "demo topics")
	}
	sup := db.NewBulkInsert(tx, "topic_phone_supports", []string{"topic_id", "phone"})
	done := 0
	for _, t := range topics {
		if done == 8 {
			break
		}
		n := 1 + rng.IntN(3)
		if t.status == "open" {
			n = min(n, t.threshold-t.supports-1) // stay below the threshold
		}
		roll := phones[t.area]
		if n <= 0 || len(roll) < n {
			continue
		}
		start := rng.IntN(len(roll) - n + 1)
		for _, number := range roll[start : start+n] {
			if err := sup.Add(ctx, t.id, number); err != nil {
				return errs.Wrap(err, "demo phone supports")
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE topics SET supports = supports + ? WHERE id = ?`, n, t.id); err != nil {
			return errs.Wrap(err, "demo phone supports")
		}
		done++
	}
	return errs.Wrap(sup.Close(ctx), "demo phone supports")
}
