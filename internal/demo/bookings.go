package demo

import (
	"context"
	"math/rand/v2"
	"time"

	"gongzhi/internal/booking"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/jobs"
	"gongzhi/internal/week"
)

// bookingPurposes are what residential areas book the units' halls for.
var bookingPurposes = []string{"党员活动日", "居民议事会", "老年合唱团排练", "亲子阅读会", "楼组长例会", "睦邻节筹备会", "志愿者培训", "社区法律讲座"}

// writeBookings writes eight weeks past and four weeks to come of the
// venue resources' bookings, each inside its hall's opening hours: past
// ones confirmed or cancelled, coming ones mostly confirmed and some held
// for the unit to confirm (with their lapse jobs). The residential areas
// of the hall's street book it; no two live bookings of a hall overlap.
func (b *builder) writeBookings(ctx context.Context, tx *db.Tx) error {
	rng := rand.New(rand.NewPCG(seedHi, seedLo+26)) // its own stream: other steps' draws leave it be
	type venue struct {
		id           int64
		path         string
		unit         int64
		windows, str string
	}
	venues, err := db.All(ctx, tx, `SELECT r.id, r.area_path, r.unit_id, r.windows, a.name FROM resources r JOIN areas a ON r.serves_path = a.path
		WHERE r.kind = 'venue' ORDER BY r.id`, nil, func(s db.Scanner) (venue, error) {
		var v venue
		err := s.Scan(&v.id, &v.path, &v.unit, &v.windows, &v.str)
		return v, err
	})
	if err != nil {
		return errs.Wrap(err, "demo venues")
	}
	now := b.now.UTC().Truncate(time.Minute)
	monday := week.Monday(now, clock.Shanghai)
	type row struct {
		id, resource int64
		path         string
		unit         int64
		start, end   time.Time
		status       string
		hold         *time.Time
		purpose, by  string
		decided      string
		reason       string
		created      time.Time
	}
	var rows []row
	var holds []jobs.Job
	for _, v := range venues {
		w, err := week.Parse("windows", v.windows)
		if err != nil {
			return err
		}
		for wk := -8; wk < 4; wk++ {
			for _, s := range w {
				if rng.Float64() > 0.55 {
					continue
				}
				// Two hours from half an hour into the window, or the whole window if shorter.
				start := monday.AddDate(0, 0, 7*wk).Add(time.Duration(s.From+30) * time.Minute)
				end := start.Add(2 * time.Hour)
				if limit := monday.AddDate(0, 0, 7*wk).Add(time.Duration(s.To) * time.Minute); end.After(limit) {
					start, end = limit.Add(-time.Duration(s.To-s.From)*time.Minute), limit
				}
				r := row{id: int64(len(rows) + 1), resource: v.id, path: v.path, unit: v.unit, start: start.UTC(), end: end.UTC(),
					purpose: bookingPurposes[rng.IntN(len(bookingPurposes))], by: v.str + "党群服务站",
					created: start.Add(-time.Duration(3+rng.IntN(10)) * 24 * time.Hour).UTC(), status: booking.Confirmed}
				if r.created.After(now) {
					r.created = now.Add(-time.Duration(1+rng.IntN(20)) * time.Hour)
				}
				switch {
				case !start.After(now):
					if rng.Float64() < 0.1 {
						r.status, r.reason = booking.Cancelled, "活动改期"
					}
				case rng.Float64() < 0.2:
					r.status = booking.Held
					h := booking.HoldUntil(r.created, r.start)
					if !h.After(now) { // the hold would have run out already
						r.created = now.Add(-2 * time.Hour)
						h = booking.HoldUntil(r.created, r.start)
					}
					h = h.Truncate(time.Minute)
					r.hold = &h
					holds = append(holds, booking.LapseJob(r.id, h))
				}
				if r.status != booking.Held {
					r.decided = "单位联络员"
				}
				rows = append(rows, r)
			}
		}
	}
	ins := db.NewBulkInsert(tx, "bookings", []string{"id", "resource_id", "area_path", "unit_id", "starts_at", "ends_at", "status", "hold_until",
		"purpose", "attendees", "booked_by_name", "decided_by_name", "reason", "created_at", "updated_at"})
	for _, r := range rows {
		if err := ins.Add(ctx, r.id, r.resource, r.path, r.unit, r.start, r.end, r.status, r.hold, r.purpose, 10+rng.IntN(30),
			r.by, r.decided, r.reason, r.created, r.created); err != nil {
			return errs.Wrap(err, "insert bookings")
		}
	}
	if err := ins.Close(ctx); err != nil {
		return errs.Wrap(err, "insert bookings")
	}
	if err := jobs.Enqueue(ctx, tx, now, holds...); err != nil {
		return err
	}
	return db.ResetIDs(ctx, tx, "bookings")
}
