package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/party"
)

// orgOffers are what units' party organisations offer the residential
// area they register with (组织双报到).
var orgOffers = []string{"会议室每周开放一次", "志愿者 5 名", "每季度一次主题党日共建", "法律咨询每月一次", "停车位夜间共享 10 个",
	"职工食堂为老助餐", "健康义诊每半年一次", "青年突击队参与环境整治", "捐建社区图书角", "技能培训进社区"}

// serviceNotes are what members wrote in their service logs.
var serviceNotes = []string{"协助楼组长走访独居老人", "调解邻里漏水纠纷", "楼道杂物清理", "垃圾分类桶边值守", "文明养犬宣传", "为老人代购药品"}

// writeOrgReports registers about half of the units' party organisations
// with the residential area they sit in (most confirmed), and writes
// service logs of dual-reported members with accounts: mostly approved
// (their verified service, source service_log), some waiting, a few
// rejected. Service rows continue after nService.
func (b *builder) writeOrgReports(ctx context.Context, tx *db.Tx, rng *rand.Rand, members []demoMember, nService int) (orgs, logs, service int, err error) {
	resOf := map[string]*resNode{}
	for _, st := range b.streets {
		for _, r := range st.res {
			resOf[r.area.code] = r
			for _, g := range r.grids {
				resOf[g.code] = r
			}
		}
	}
	now := b.now
	var oRows, lRows, vRows [][]any
	for _, o := range b.orgs {
		r := resOf[o.area.code]
		if o.kind != "unit_party_org" || r == nil || rng.IntN(2) == 0 {
			continue
		}
		orgs++
		on := now.AddDate(0, 0, -30-rng.IntN(400))
		first := rng.IntN(len(orgOffers))
		var offers []string
		for k := range 1 + rng.IntN(3) {
			offers = append(offers, orgOffers[(first+k)%len(orgOffers)])
		}
		status, confirmed := party.OrgConfirmed, any(on.Add(time.Duration(24+rng.IntN(120))*time.Hour))
		if rng.IntN(6) == 0 {
			status, confirmed = party.OrgPending, nil
		}
		contact := familyNames[rng.IntN(len(familyNames))] + givenChars[rng.IntN(len(givenChars))]
		oRows = append(oRows, []any{int64(orgs), o.id, r.area.code, r.area.path, on.In(clock.Shanghai).Format(time.DateOnly), contact,
			fmt.Sprintf("137%08d", 10000000+orgs*7717%89999999), strings.Join(offers, "\n"), status, confirmed, on})
	}
	for i := range members {
		m := &members[i]
		if !m.reported || m.user == 0 || len(m.posts) == 0 || rng.IntN(3) > 0 {
			continue
		}
		for range 1 + rng.IntN(3) {
			logs++
			day := now.In(clock.Shanghai).AddDate(0, 0, -1-rng.IntN(170))
			start := time.Date(day.Year(), day.Month(), day.Day(), []int{9, 14, 19}[rng.IntN(3)], 0, 0, 0, clock.Shanghai).UTC()
			end := start.Add(time.Duration(30+30*rng.IntN(4)) * time.Minute)
			status, reason := party.LogApproved, ""
			var decided any = end.Add(time.Duration(2+rng.IntN(48)) * time.Hour)
			switch {
			case now.Sub(end) < 7*24*time.Hour && rng.IntN(2) == 0:
				status, decided = party.LogPending, nil
			case rng.IntN(15) == 0:
				status, reason = party.LogRejected, "与活动签到重复"
			}
			lRows = append(lRows, []any{int64(logs), m.id, m.posts[rng.IntN(len(m.posts))], m.home.area.code, m.home.area.path, start, end,
				serviceNotes[rng.IntN(len(serviceNotes))], status, m.user, decided, reason, end})
			if status == party.LogApproved {
				service++
				vRows = append(vRows, []any{int64(nService + service), m.id, party.SourceServiceLog, int64(logs), m.home.area.path, start, end, party.Minutes(start, end)})
			}
		}
	}
	for _, t := range []struct {
		name string
		cols []string
		rows [][]any
	}{
		{"org_reports", []string{"id", "party_org_id", "area_code", "area_path", "reported_on", "contact_name", "contact_phone", "offers", "status",
			"confirmed_at", "created_at"}, oRows},
		{"member_service_logs", []string{"id", "member_id", "post", "area_code", "area_path", "started_at", "ended_at", "note", "status",
			"logged_by", "decided_at", "reason", "created_at"}, lRows},
		{"member_service", []string{"id", "member_id", "source", "source_id", "area_path", "started_at", "ended_at", "minutes"}, vRows},
	} {
		bi := db.NewBulkInsert(tx, t.name, t.cols)
		for _, r := range t.rows {
			if err := bi.Add(ctx, r...); err != nil {
				return 0, 0, 0, errs.Wrap(err, "insert "+t.name)
			}
		}
		if err := bi.Close(ctx); err != nil {
			return 0, 0, 0, errs.Wrap(err, "insert "+t.name)
		}
	}
	return orgs, logs, service, nil
}
