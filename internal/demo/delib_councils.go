package demo

import (
	"context"
	"math/rand/v2"
	"time"

	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// councilNames name the demo's councils in turn: the Green Housewives
// council (绿主妇议事会) first, then the neighbourhood council and others.
var councilNames = []string{"绿主妇议事会", "睦邻议事会", "楼组长议事会", "居民议事会", "“家门口”议事会", "邻里客厅议事会"}

// demoDecisions are what meetings decide, with who follows them up.
var demoDecisions = []struct{ text, owner string }{
	{"楼道堆物集中清理，设临时堆放点", "物业"},
	{"北侧空地加装电瓶车充电桩，向公益基金申请经费", "居委会"},
	{"垃圾厢房加装除臭设备", "环卫所"},
	{"与社区食堂合作开设老年助餐点", "街道社区服务中心"},
	{"周边单位夜间错时开放停车位", "居委会"},
	{"更换儿童游乐设施，方案公示两周", "物业"},
}

// demoRules are the self-governance rules (自治公约) some councils publish.
var demoRules = []struct{ title, body string }{
	{"楼道堆物自治公约", "一、楼道是消防通道，不堆放杂物；二、大件物品放至临时堆放点，每月第一个周六集中清运；三、楼组长每周巡查一次。"},
	{"文明养犬公约", "一、出门牵绳，及时清理粪便；二、不在公共绿地遛狗；三、按时为犬只接种疫苗。"},
}

// writeCouncils writes councils in the same third of the residential
// areas as the topics: members, a meeting each quarter of the last year
// (topics of the area on the agenda, attendance, minutes, decisions with
// follow-up owners — some linked to the area's service projects) and one
// meeting to come; the first two councils publish a rule each.
func (b *builder) writeCouncils(ctx context.Context, tx *db.Tx) error {
	rng := rand.New(rand.NewPCG(seedHi, seedLo+34)) // its own stream
	now := b.now.UTC().Truncate(time.Minute)
	person := func() string { return familyNames[rng.IntN(len(familyNames))] + givenChars[rng.IntN(len(givenChars))] }
	n := 0
	for si, st := range b.streets {
		for ri, r := range st.res {
			if (si+ri)%3 != 0 {
				continue
			}
			name := councilNames[n%len(councilNames)]
			n++
			from := time.Date(now.In(clock.Shanghai).Year()-1, 1, 1, 0, 0, 0, 0, clock.Shanghai)
			cid, err := db.InsertID(ctx, tx, `INSERT INTO councils (area_code, area_path, name, charter, term_from, term_to, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, r.area.code, r.area.path, name,
				"居民自愿参加，平等协商，少数服从多数；议题来自居民，决定向全体居民公开，跟进情况在下次会议上报告。",
				from.Format(time.DateOnly), from.AddDate(3, 0, -1).Format(time.DateOnly), from, from)
			if err != nil {
				return errs.Wrap(err, "demo council")
			}
			var members []int64
			for k := range 3 + rng.IntN(3) {
				role := "member"
				if k == 0 {
					role = "convener"
				}
				id, err := db.InsertID(ctx, tx, `INSERT INTO council_members (council_id, name, phone, role) VALUES (?, ?, ?, ?)`, cid, person(), "", role)
				if err != nil {
					return errs.Wrap(err, "demo council member")
				}
				members = append(members, id)
			}
			topics, err := db.IDs(ctx, tx, `SELECT id FROM topics WHERE area_code = ? ORDER BY id`, r.area.code)
			if err != nil {
				return errs.Wrap(err, "demo council topics")
			}
			type proj struct {
				id    int64
				title string
			}
			projects, err := db.All(ctx, tx, `SELECT id, title FROM projects WHERE area_code = ? ORDER BY id`, []any{r.area.code}, func(sc db.Scanner) (proj, error) {
				var p proj
				err := sc.Scan(&p.id, &p.title)
				return p, err
			})
			if err != nil {
				return errs.Wrap(err, "demo council projects")
			}
			for q := range 5 { // four quarters past and one to come
				at := now.AddDate(0, -3*(3-q)-2, 0).Truncate(24 * time.Hour).Add(11 * time.Hour) // 19:00 in Shanghai
				title := at.In(clock.Shanghai).Format("2006年1月") + "议事会"
				if q == 4 {
					at = now.Add(time.Duration(7+rng.IntN(14)) * 24 * time.Hour).Truncate(24 * time.Hour).Add(11 * time.Hour)
					title = "下次议事会"
				}
				past := at.Before(now)
				attendance, minutes := 0, ""
				if past {
					attendance, minutes = len(members)+5+rng.IntN(20), "召集人通报上次决定的跟进情况；与会居民逐项讨论议程上的议题，形成决定如下。"
				}
				mid, err := db.InsertID(ctx, tx, `INSERT INTO meetings (council_id, area_path, title, starts_at, place, attendance, minutes, created_at, updated_at)
					VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, cid, r.area.path, title, at, r.base+"居委会议事厅", attendance, minutes, at, at)
				if err != nil {
					return errs.Wrap(err, "demo meeting")
				}
				var topic any
				if q < len(topics) {
					topic = topics[q]
					if _, err := tx.Exec(ctx, `INSERT INTO meeting_topics (meeting_id, topic_id) VALUES (?, ?)`, mid, topics[q]); err != nil {
						return errs.Wrap(err, "demo agenda")
					}
				}
				if !past {
					continue
				}
				for _, m := range members {
					if rng.IntN(5) > 0 {
						if _, err := tx.Exec(ctx, `INSERT INTO meeting_attendees (meeting_id, member_id) VALUES (?, ?)`, mid, m); err != nil {
							return errs.Wrap(err, "demo attendees")
						}
					}
				}
				dec := demoDecisions[rng.IntN(len(demoDecisions))]
				var project, rule any
				if len(projects) > 0 && q%2 == 0 {
					project, dec.text, projects = projects[0].id, "立项："+projects[0].title, projects[1:]
				} else if q == 3 && n <= len(demoRules) {
					rr := demoRules[n-1]
					id, err := db.InsertID(ctx, tx, `INSERT INTO area_rules (area_code, area_path, title, body, published_at) VALUES (?, ?, ?, ?, ?)`,
						r.area.code, r.area.path, rr.title, rr.body, at.Add(24*time.Hour))
					if err != nil {
						return errs.Wrap(err, "demo rule")
					}
					rule, dec.text = id, "通过《"+rr.title+"》，在小区公开页发布"
				}
				if _, err := tx.Exec(ctx, `INSERT INTO meeting_decisions (meeting_id, topic_id, text, owner, due_on, project_id, rule_id, created_at)
					VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, mid, topic, dec.text, dec.owner, at.AddDate(0, 2, 0).In(clock.Shanghai).Format(time.DateOnly),
					project, rule, at); err != nil {
					return errs.Wrap(err, "demo decision")
				}
			}
		}
	}
	return nil
}
