package demo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/delib"
	"gongzhi/internal/demand"
	"gongzhi/internal/errs"
	"gongzhi/internal/jobs"
	"gongzhi/internal/search"
)

// demoTopicComments are what residents write under a topic.
var demoTopicComments = []string{
	"支持！这个问题困扰我们家很久了。",
	"建议先问问楼里老人的意见，他们白天在家最多。",
	"费用怎么分摊？希望公开明细。",
	"我们楼组长可以帮忙收集大家的想法。",
	"同意，但施工时间请避开午休。",
	"去年隔壁小区也这么做过，效果不错，可以参考。",
	"能不能先试点一个楼道，看看效果再推开？",
	"希望议事会开会时能通知到每户。",
}

// demoTopics are what residents raise, with the answer staff gave.
var demoTopics = []struct{ title, body, answer string }{
	{"小区东门路灯不亮", "晚上老人散步看不清台阶，已经摔倒过一次。", "已报修，街道城运中心本周内更换灯具。"},
	{"楼道堆物影响消防通道", "3号楼、5号楼楼道里堆满纸箱和旧家具。", "居委会联合物业开展楼道清理，设置临时堆放点。"},
	{"非机动车充电难", "电瓶车只能拉线充电，很不安全。", "已与物业商定在北侧空地加装充电桩，经费从公益基金申请。"},
	{"垃圾厢房异味大", "夏天尤其严重，靠近的住户不敢开窗。", "环卫所每日冲洗，下月加装除臭设备。"},
	{"希望开设老年助餐点", "小区独居老人多，吃饭不方便。", "已纳入街道为老服务项目清单，拟与社区食堂合作。"},
	{"小区停车位太少", "晚上车辆乱停，救护车进不来。", "与周边单位协商错时停车，已有两家单位同意开放夜间车位。"},
	{"儿童游乐设施老化", "滑梯有裂缝，存在安全隐患。", "设施已拆除，新设施方案提交居民议事会讨论。"},
	{"加装电梯意见征集", "多层住宅老人上下楼困难，希望加装电梯。", "已发起表决，结果见表决公示页。"},
	{"绿化带被占用种菜", "部分居民在公共绿地种菜，影响环境。", ""},
	{"快递柜位置不合理", "快递柜放在主干道边，取件时堵路。", ""},
}

// writeDelib writes deliberation: topics in about a third of the
// residential areas (raised over the last year, supported, put on the
// agenda, answered or overdue, each change in its public history), and two
// votes in the demo resident's area — one closed with its receipts
// published, one open. Supports are counted on the topics; the residents
// who gave them have no accounts in the demo. Ballots carry random
// receipts and are written in receipt order, apart from the voter records.
func (b *builder) writeDelib(ctx context.Context, tx *db.Tx) error {
	rng := rand.New(rand.NewPCG(seedHi, seedLo+30)) // its own stream: other steps' draws leave it be
	days, err := db.All(ctx, tx, "SELECT day, kind, name FROM calendar_days ORDER BY day", nil, func(sc db.Scanner) (demand.CalendarDay, error) {
		var d demand.CalendarDay
		err := sc.Scan(&d.Date, &d.Kind, &d.Name)
		return d, err
	})
	if err != nil {
		return errs.Wrap(err, "demo calendar")
	}
	cal, err := demand.NewCalendar(days)
	if err != nil {
		return err
	}
	now := b.now.UTC().Truncate(time.Minute)
	person := func() string { return familyNames[rng.IntN(len(familyNames))] + givenChars[rng.IntN(len(givenChars))] }
	topics := db.NewBulkInsert(tx, "topics", []string{"id", "area_code", "area_path", "title", "body", "status", "threshold", "answer_days", "supports",
		"raised_by_name", "by_staff", "agenda_at", "due_at", "overdue", "answer", "answered_at", "created_at", "updated_at", "escalated_to", "escalated_path"})
	comments := db.NewBulkInsert(tx, "topic_comments", []string{"id", "topic_id", "author_name", "by_staff", "body", "status", "hidden_reason",
		"reports", "created_at", "updated_at"})
	var nComments int
	hiddenOne := false
	type event struct {
		topic              int64
		at                 time.Time
		status, reason, by string
	}
	var evs []event // written after the topics they belong to
	var docs []search.Doc
	var timers []jobs.Job
	var nTopics, nEvents int
	home := b.streets[0].res[0]
	var elevator int64 // the topic the closed vote decided
	for si, st := range b.streets {
		for ri, r := range st.res {
			if (si+ri)%3 != 0 && r != home {
				continue
			}
			for k := range 1 + rng.IntN(3) {
				t := demoTopics[rng.IntN(len(demoTopics))]
				if r == home && k == 0 {
					t = demoTopics[7]
				}
				nTopics++
				id := int64(nTopics)
				created := now.Add(-time.Duration(5+rng.IntN(360)) * 24 * time.Hour).Add(-time.Duration(rng.IntN(600)) * time.Minute)
				name := person()
				threshold, answerDays := delib.DefaultSupportThreshold, delib.DefaultAnswerDays
				status, supports, answer := delib.TopicOpen, rng.IntN(threshold), ""
				var agenda, due, answered *time.Time
				overdue := false
				ev := func(at time.Time, status, reason, by string) error {
					evs = append(evs, event{id, at, status, reason, by})
					return nil
				}
				var escalatedTo, escalatedPath any // an overdue topic goes up to its street
				escalate := func(at time.Time) error {
					escalatedTo, escalatedPath = st.area.code, st.area.path
					return ev(at, "escalated", st.area.name, "system")
				}
				if err := ev(created, delib.TopicOpen, "", auth.MaskName(name)); err != nil {
					return errs.Wrap(err, "insert topic events")
				}
				if roll := rng.Float64(); roll < 0.7 || (r == home && k == 0) {
					a := created.Add(time.Duration(1+rng.IntN(10)) * 24 * time.Hour)
					if a.After(now) {
						a = now.Add(-time.Hour)
					}
					d := cal.AddWorkdays(a, answerDays).UTC()
					agenda, due, supports, status = &a, &d, threshold+rng.IntN(15), delib.TopicAgenda
					if err := ev(a, delib.TopicAgenda, "threshold", "system"); err != nil {
						return errs.Wrap(err, "insert topic events")
					}
					switch {
					case t.answer != "" && (roll < 0.55 || (r == home && k == 0)):
						at := a.Add(time.Duration(1+rng.IntN(12)) * 24 * time.Hour)
						if at.After(now) {
							at = now.Add(-30 * time.Minute)
						}
						answered, answer, status = &at, t.answer, delib.TopicAnswered
						if at.After(d) {
							overdue = true
							if err := ev(d, "overdue", "answer_due", "system"); err != nil {
								return errs.Wrap(err, "insert topic events")
							}
							if err := escalate(d); err != nil {
								return errs.Wrap(err, "insert topic events")
							}
						}
						if err := ev(at, delib.TopicAnswered, answer, st.short+"居委会"); err != nil {
							return errs.Wrap(err, "insert topic events")
						}
					case d.After(now):
						timers = append(timers, jobs.Job{Kind: delib.JobTopicAnswer, Key: fmt.Sprint(id), RunAt: d, Args: map[string]int64{"id": id}})
					default:
						overdue = true
						if err := ev(d, "overdue", "answer_due", "system"); err != nil {
							return errs.Wrap(err, "insert topic events")
						}
						if err := escalate(d); err != nil {
							return errs.Wrap(err, "insert topic events")
						}
					}
				} else if roll > 0.95 {
					at := created.Add(48 * time.Hour)
					answered, answer, status = &at, "与本小区另一议题重复，已合并处理。", delib.TopicClosed
					if err := ev(at, delib.TopicClosed, answer, st.short+"居委会"); err != nil {
						return errs.Wrap(err, "insert topic events")
					}
				}
				if r == home && k == 0 {
					elevator = id
				}
				docs = append(docs, delib.TopicDoc(id, r.area.path, t.title, t.body))
				if err := topics.Add(ctx, id, r.area.code, r.area.path, t.title, t.body, status, threshold, answerDays, supports, name, false,
					agenda, due, overdue, answer, answered, created, now, escalatedTo, escalatedPath); err != nil {
					return errs.Wrap(err, "insert topics")
				}
				// The discussion: a few residents' comments, now and then
				// staff's; the first rude one is hidden with its reason.
				at := created
				for range rng.IntN(4) {
					at = at.Add(time.Duration(1+rng.IntN(48)) * time.Hour)
					if at.After(now) || (answered != nil && at.After(*answered)) {
						break
					}
					nComments++
					author, staff, body := person(), false, demoTopicComments[rng.IntN(len(demoTopicComments))]
					status, reason, reports := delib.CommentShown, "", 0
					if rng.IntN(6) == 0 {
						author, staff, body = st.short+"居委会", true, "感谢大家的意见，居委会已记录，将在议事会上一并讨论。"
					} else if !hiddenOne && rng.IntN(3) == 0 {
						hiddenOne = true
						body, status, reason, reports = "物业都是骗子，谁信谁傻！楼上那家天天吵，电话是13800001234，大家去骂他。", delib.CommentHidden,
							"含人身攻击并公开他人电话，违反本区域文明公约", 2
					}
					if err := comments.Add(ctx, nComments, id, author, staff, body, status, reason, reports, at, at); err != nil {
						return errs.Wrap(err, "insert topic comments")
					}
				}
			}
		}
	}
	if err := topics.Close(ctx); err != nil {
		return errs.Wrap(err, "insert topics")
	}
	if err := comments.Close(ctx); err != nil {
		return errs.Wrap(err, "insert topic comments")
	}
	if err := search.PutAll(ctx, tx, docs); err != nil {
		return err
	}
	events := db.NewBulkInsert(tx, "topic_events", []string{"topic_id", "at", "status", "reason", "actor_name"})
	for _, e := range evs {
		if err := events.Add(ctx, e.topic, e.at, e.status, e.reason, e.by); err != nil {
			return errs.Wrap(err, "insert topic events")
		}
	}
	if err := events.Close(ctx); err != nil {
		return errs.Wrap(err, "insert topic events")
	}
	nEvents = len(evs)
	nBallots, err := b.writeVotes(ctx, tx, rng, home, elevator, now)
	if err != nil {
		return err
	}
	if err := jobs.Enqueue(ctx, tx, now, timers...); err != nil {
		return err
	}
	if err := db.ResetIDs(ctx, tx, "topics", "topic_events", "votes", "topic_comments"); err != nil {
		return err
	}
	rows := map[string]int{"topic": nTopics, "topic_event": nEvents, "vote": 2, "ballot": nBallots, "topic_comment": nComments}
	for _, entity := range []string{"topic", "topic_event", "vote", "ballot", "topic_comment"} {
		if err := auth.Record(ctx, tx, b.now, auth.SystemPrincipal(), auth.Change{Action: "demo_delib", Entity: entity, EntityID: DistrictCode,
			AreaPath: b.district.path, After: map[string]int{"rows": rows[entity]}}); err != nil {
			return err
		}
	}
	return nil
}

// writeVotes writes the demo resident's area's two votes: a closed one on
// the elevator topic, counted and published, and an open one the demo
// resident can still vote in. It returns the ballots written.
func (b *builder) writeVotes(ctx context.Context, tx *db.Tx, rng *rand.Rand, home *resNode, topic int64, now time.Time) (int, error) {
	day := func(daysAgo, hour int) time.Time {
		d := b.now.In(clock.Shanghai).AddDate(0, 0, -daysAgo)
		return time.Date(d.Year(), d.Month(), d.Day(), hour, 0, 0, 0, clock.Shanghai).UTC()
	}
	const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	seen := map[string]bool{}
	receipt := func() string { // as delib.NewReceipt, from this step's own stream so the demo repeats
		for {
			buf := make([]byte, delib.ReceiptLen)
			for i := range buf {
				buf[i] = alphabet[rng.IntN(len(alphabet))]
			}
			if s := string(buf); !seen[s] {
				seen[s] = true
				return s
			}
		}
	}
	token := func() string {
		h := sha256.Sum256(fmt.Appendf(nil, "demo-ballot-%d", rng.Uint64()))
		return hex.EncodeToString(h[:])
	}
	type spec struct {
		id                int64
		question, desc    string
		choices           []string
		opens, closes     time.Time
		status            string
		topic             *int64
		households, voted int
		weights           []float64
	}
	specs := []spec{
		{id: 1, question: "是否同意在5号楼加装电梯（费用按楼层分摊）？", desc: "方案与分摊办法已在公告栏公示。每户一票，凭发放的二维码纸条投票。",
			choices: []string{"同意", "不同意", "弃权"}, opens: day(20, 9), closes: day(13, 18), status: delib.Closed, topic: &topic,
			households: 120, voted: 86, weights: []float64{0.72, 0.2, 0.08}},
		{id: 2, question: "小区公共收益是否用于更换单元门禁？", desc: "居民登录后即可投票，也可凭纸条上的二维码投票。",
			choices: []string{"同意", "不同意"}, opens: day(2, 9), closes: day(-5, 18), status: delib.Open,
			households: 40, voted: 12, weights: []float64{0.6, 0.4}},
	}
	type voteRows struct {
		households []string
		voted      int
		ballots    []string // receipts, in receipt order
		choices    map[string]int
		count      int
		tally      string
	}
	rows := make([]voteRows, len(specs))
	var n int
	var close []jobs.Job
	for i, s := range specs {
		vr := voteRows{voted: s.voted, choices: map[string]int{}}
		var picks []int
		for h := range s.households {
			vr.households = append(vr.households, fmt.Sprintf("%d号楼%d室", 1+h/20, 101+(h%20)/2*100+h%2))
			if h >= s.voted {
				continue
			}
			c, x := 0, rng.Float64()
			for c < len(s.weights)-1 && x > s.weights[c] {
				x -= s.weights[c]
				c++
			}
			r := receipt()
			vr.ballots, vr.choices[r] = append(vr.ballots, r), c
			picks = append(picks, c)
		}
		slices.Sort(vr.ballots) // receipt order: nothing of the order households voted in
		n += len(picks)
		if s.status == delib.Closed {
			res, _ := json.Marshal(delib.Count(s.choices, picks, 60, 67))
			vr.tally, vr.count = string(res), len(picks)
		} else {
			close = append(close, jobs.Job{Kind: delib.JobVoteClose, Key: fmt.Sprint(s.id), RunAt: s.closes, Args: map[string]int64{"id": s.id}})
		}
		rows[i] = vr
	}
	votes := db.NewBulkInsert(tx, "votes", []string{"id", "area_code", "area_path", "topic_id", "question", "description", "choices", "opens_at",
		"closes_at", "status", "residents", "per_household", "quorum", "threshold_pct", "ballots", "tally", "created_by_name", "created_at", "updated_at"})
	for i, s := range specs {
		choices, _ := json.Marshal(s.choices)
		closed := s.status == delib.Closed
		quorum, threshold := 0, 50
		if closed {
			quorum, threshold = 60, 67
		}
		if err := votes.Add(ctx, s.id, home.area.code, home.area.path, s.topic, s.question, s.desc, string(choices), s.opens, s.closes, s.status,
			!closed, closed, quorum, threshold, rows[i].count, rows[i].tally, demoUsers[2].display, s.opens.Add(-72*time.Hour), now); err != nil {
			return 0, errs.Wrap(err, "insert votes")
		}
	}
	if err := votes.Close(ctx); err != nil {
		return 0, errs.Wrap(err, "insert votes")
	}
	links := db.NewBulkInsert(tx, "vote_links", []string{"token_hash", "vote_id", "household", "used"})
	voters := db.NewBulkInsert(tx, "vote_voters", []string{"vote_id", "voter_key", "via"})
	ballots := db.NewBulkInsert(tx, "vote_ballots", []string{"vote_id", "receipt", "choice"})
	for i, s := range specs {
		for h, label := range rows[i].households {
			if err := links.Add(ctx, token(), s.id, label, h < rows[i].voted); err != nil {
				return 0, errs.Wrap(err, "insert vote links")
			}
			if h < rows[i].voted {
				if err := voters.Add(ctx, s.id, "h:"+label, "link"); err != nil {
					return 0, errs.Wrap(err, "insert voters")
				}
			}
		}
		for _, r := range rows[i].ballots {
			if err := ballots.Add(ctx, s.id, r, rows[i].choices[r]); err != nil {
				return 0, errs.Wrap(err, "insert ballots")
			}
		}
	}
	for _, b := range []*db.BulkInsert{links, voters, ballots} {
		if err := b.Close(ctx); err != nil {
			return 0, errs.Wrap(err, "insert votes")
		}
	}
	if topic != 0 {
		if _, err := tx.Exec(ctx, `INSERT INTO topic_events (topic_id, at, status, reason, actor_name) VALUES (?, ?, 'vote', ?, ?)`,
			topic, specs[0].opens.Add(-72*time.Hour), specs[0].question, demoUsers[2].display); err != nil {
			return 0, errs.Wrap(err, "insert topic events")
		}
	}
	return n, jobs.Enqueue(ctx, tx, now, close...)
}
