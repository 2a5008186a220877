package demo

import (
	"context"
	"math/rand/v2"
	"time"

	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// demoAlliances are the three alliances (三联盟) every street founds.
var demoAlliances = []struct{ name, charter, criteria string }{
	{"区域化党建联盟", "在街道党工委领导下，驻区单位党组织共商区域发展、共享阵地资源、共办公益实事；每季度召开一次联席会议，年底向居民公开承诺兑现情况。",
		"驻街道的机关、企事业单位和两新组织党组织，认同章程，每年至少作出一项为民服务承诺"},
	{"商圈服务联盟", "商户与居委会携手，为居民提供便民优惠和志愿服务，共同维护商圈环境和经营秩序。", "在街道内合法经营一年以上的商户，无重大投诉记录"},
	{"社区志愿服务联盟", "整合社区志愿者和服务窗口，做到居民有需求、联盟有回应。", "居住或工作在街道内、愿意每月参加一次服务的个人和服务窗口"},
}

var demoPromises = []string{"每月为独居老人上门服务一次", "开放会议室供居民议事使用", "每季度开展一次义诊", "为困难家庭提供就业岗位信息",
	"节假日开展便民理发和家电维修", "资助社区公益基金", "结对一所小学开展课后看护", "垃圾分类志愿值守每周两次"}

// writeAlliance founds the three alliances of every street with units of
// the street as members, a person and a service window, and commitments
// over the year: most fulfilled with what was done, some under way, a few
// overdue.
func (b *builder) writeAlliance(ctx context.Context, tx *db.Tx) error {
	rng := rand.New(rand.NewPCG(seedHi, seedLo+36)) // its own stream
	now := b.now.UTC()
	today := b.now.In(clock.Shanghai)
	day := func(t time.Time) string { return t.In(clock.Shanghai).Format(time.DateOnly) }
	for _, st := range b.streets {
		var units []*unit
		for _, u := range b.units {
			if u.res != nil && u.res.street == st && !u.streetBody {
				units = append(units, u)
			}
		}
		for k, spec := range demoAlliances {
			aid, err := db.InsertID(ctx, tx, `INSERT INTO alliances (area_code, area_path, name, charter, criteria, created_by_name, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, st.area.code, st.area.path, spec.name, spec.charter, spec.criteria, st.short+"街道党工委", now.AddDate(-1, 0, 0), now)
			if err != nil {
				return errs.Wrap(err, "demo alliance")
			}
			var members []int64
			for i := 0; i < 4 && len(units) > 0; i++ {
				u := units[rng.IntN(len(units))]
				if k == 1 && u.kind != "shop" && i > 0 {
					continue
				}
				id, err := db.InsertID(ctx, tx, `INSERT INTO alliance_members (alliance_id, kind, name, unit_id, duty, place, joined_on, created_at) VALUES (?, 'unit', ?, ?, ?, '', ?, ?)`,
					aid, u.name, u.id, []string{"理事单位", "成员单位"}[min(i, 1)], day(now.AddDate(-1, 0, 0)), now)
				if err != nil {
					return errs.Wrap(err, "demo alliance member")
				}
				members = append(members, id)
			}
			person, err := db.InsertID(ctx, tx, `INSERT INTO alliance_members (alliance_id, kind, name, duty, place, joined_on, created_at) VALUES (?, 'person', ?, '联络员', '', ?, ?)`,
				aid, b.personName(), day(now.AddDate(0, -10, 0)), now)
			if err != nil {
				return errs.Wrap(err, "demo alliance member")
			}
			window, err := db.InsertID(ctx, tx, `INSERT INTO alliance_members (alliance_id, kind, name, duty, place, joined_on, created_at) VALUES (?, 'office', ?, '服务窗口', ?, ?, ?)`,
				aid, st.short+"党群服务中心", st.short+"街道党群服务中心一楼 周一至周六 9:00-17:00", day(now.AddDate(-1, 0, 0)), now)
			if err != nil {
				return errs.Wrap(err, "demo alliance member")
			}
			members = append(members, person, window)
			for _, m := range members {
				due := today.AddDate(0, -9+rng.IntN(12), 0)
				var done any
				r := rng.Float64()
				if due.Before(today) && r < 0.75 || !due.Before(today) && r < 0.2 {
					done = day(due.AddDate(0, 0, -rng.IntN(30)+5))
					if done.(string) > day(today) {
						done = day(today)
					}
				}
				cid, err := db.InsertID(ctx, tx, `INSERT INTO alliance_commitments (alliance_id, member_id, text, due_on, done_on, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
					aid, m, demoPromises[rng.IntN(len(demoPromises))], day(due), done, now.AddDate(-1, 0, 0))
				if err != nil {
					return errs.Wrap(err, "demo commitment")
				}
				if done != nil || rng.Float64() < 0.5 {
					on := day(due.AddDate(0, -1, 0))
					if done != nil {
						on = done.(string)
					}
					if on > day(today) {
						on = day(today)
					}
					if _, err := tx.Exec(ctx, `INSERT INTO alliance_progress (commitment_id, note, done_on, by_name, created_at) VALUES (?, ?, ?, ?, ?)`,
						cid, "已按承诺开展服务，居民反映良好。", on, st.short+"街道党建办", now); err != nil {
						return errs.Wrap(err, "demo progress")
					}
				}
			}
			if k == 0 {
				// The first alliance's liaison has left (kept on the record as
				// a former member); what they had not kept is closed as not kept.
				left := day(today.AddDate(0, -2, 0))
				if _, err := tx.Exec(ctx, `UPDATE alliance_members SET left_on = ?, left_reason = ? WHERE id = ?`, left, "工作调动，不再担任联络员", person); err != nil {
					return errs.Wrap(err, "demo former member")
				}
				if _, err := tx.Exec(ctx, `UPDATE alliance_commitments SET not_kept_on = ?, close_note = ? WHERE member_id = ? AND done_on IS NULL`,
					left, "联络员调离，承诺未能兑现，由理事单位接续", person); err != nil {
					return errs.Wrap(err, "demo commitment not kept")
				}
				if _, err := tx.Exec(ctx, `DELETE FROM alliance_progress WHERE done_on > ? AND commitment_id IN
					(SELECT id FROM alliance_commitments WHERE member_id = ? AND not_kept_on IS NOT NULL)`, left, person); err != nil {
					return errs.Wrap(err, "demo commitment not kept")
				}
			}
		}
	}
	return nil
}
