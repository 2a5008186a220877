package demo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"math/rand/v2"
	"strconv"
	"time"

	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/jobs"
	"gongzhi/internal/survey"
)

// demoComments are what residents write on the questionnaire; one carries
// a phone number, which staff see masked.
var demoComments = []string{
	"居委会干部很热心，有事找得到人。",
	"希望多组织一些老年人活动。",
	"小区停车问题一直没解决，希望加快。",
	"垃圾分类宣传做得好，但厢房异味还是大。",
	"通知能不能在微信群里也发一下，年轻人看不到公告栏。",
	"楼道灯坏了很久，请尽快修，有事可以打我电话13916008823。",
	"议事会开得很好，希望多听听租户的意见。",
	"加装电梯的事情辛苦居委会协调了。",
}

// writeSurveys writes one evaluation round per residents' committee in
// 2026H1, and in every third committee a round in 2025H2 as well, so the
// pages show results over time and across a street's committees. Each
// committee has its own level; answers scatter around it, a little better
// in the later round. Links are random hashes (their tokens were never
// printed); answers carry random keys, as the service writes them.
func (b *builder) writeSurveys(ctx context.Context, tx *db.Tx) error {
	rng := rand.New(rand.NewPCG(seedHi, seedLo+35)) // its own stream
	now := b.now.UTC().Truncate(time.Minute)
	hash := func() string {
		var buf [16]byte
		for i := range buf {
			buf[i] = byte(rng.UintN(256))
		}
		h := sha256.Sum256(buf[:])
		return hex.EncodeToString(h[:])
	}
	yes := func(p float64) int {
		if rng.Float64() < p {
			return 1
		}
		return 0
	}
	links := db.NewBulkInsert(tx, "survey_links", []string{"token_hash", "campaign_id", "used"})
	answers := db.NewBulkInsert(tx, "survey_answers", []string{"campaign_id", "answer_key", "aware_members", "aware_office", "aware_work",
		"part_activity", "part_meeting", "part_vote", "sat_service", "sat_response", "sat_living", "sat_overall", "comment"})
	var closers []jobs.Job
	for si, st := range b.streets {
		for ri, r := range st.res {
			level := 0.35 + 0.5*rng.Float64() // the committee's standing with its residents
			periods := []string{"2026H1"}
			if (si+ri)%3 == 0 {
				periods = []string{"2025H2", "2026H1"}
			}
			for k, period := range periods {
				from, _, err := survey.Period(period)
				if err != nil {
					return err
				}
				opens := from.AddDate(0, 5, 0).UTC() // the period's last month
				closes := opens.AddDate(0, 0, 21)
				status := survey.Closed
				if closes.After(now) {
					status = survey.Open
				}
				q := level + 0.06*float64(k-len(periods)+1) // the earlier round a little lower
				id, err := db.InsertID(ctx, tx, `INSERT INTO survey_campaigns (area_code, area_path, period, opens_at, closes_at, status, created_by_name, created_at, updated_at)
					VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.area.code, r.area.path, period, opens, closes, status, st.short+"街道办", opens, closes)
				if err != nil {
					return errs.Wrap(err, "demo survey")
				}
				if status == survey.Open {
					closers = append(closers, jobs.Job{Kind: survey.JobClose, Key: strconv.FormatInt(id, 10), RunAt: closes, Args: map[string]int64{"id": id}})
				}
				n := 40 + rng.IntN(50)
				answered := int(float64(n) * (0.35 + 0.35*rng.Float64()))
				for i := range n {
					if err := links.Add(ctx, hash(), id, i < answered); err != nil {
						return errs.Wrap(err, "demo survey links")
					}
				}
				sat := func() int { return max(1, min(5, int(1.5+3.5*q+rng.NormFloat64()*0.9+0.5))) }
				for range answered {
					comment := ""
					if rng.Float64() < 0.15 {
						comment = demoComments[rng.IntN(len(demoComments))]
					}
					if err := answers.Add(ctx, id, hash()[:26], yes(q+0.1), yes(q), yes(q-0.1), yes(q*0.6), yes(q*0.35), yes(q*0.25),
						sat(), sat(), sat(), sat(), comment); err != nil {
						return errs.Wrap(err, "demo survey answers")
					}
				}
			}
		}
	}
	if err := links.Close(ctx); err != nil {
		return errs.Wrap(err, "demo survey links")
	}
	if err := answers.Close(ctx); err != nil {
		return errs.Wrap(err, "demo survey answers")
	}
	if err := jobs.Enqueue(ctx, tx, now, closers...); err != nil {
		return err
	}
	return nil
}
