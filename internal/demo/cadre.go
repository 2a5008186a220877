package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"gongzhi/internal/cadre"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// demoCourses are the year's training courses for grassroots cadres.
var demoCourses = []string{"基层治理能力提升专题班", "民情诉求办理规范", "党建引领物业治理", "居民议事协商实务", "两新组织党建工作", "社区安全与应急", "数字化治理平台应用"}

// demoMentorTopics are mentoring meetings' topics.
var demoMentorTopics = []string{"支部规范化建设", "三会一课怎么开", "发展党员流程", "党建与经营融合", "党员教育管理", "年度党建述职准备"}

// writeCadres adds every residential area's secretary, the 25 sent-down
// young cadres in two batches (13 and 12), a year of training, the
// evaluations of last year (figures computed by the cadre package from
// the demo's own demands, projects and service) and a dozen mentoring
// pairs between regional units and two-new organisations with meetings.
func (b *builder) writeCadres(ctx context.Context, tx *db.Tx) error {
	rng := rand.New(rand.NewPCG(seedHi, seedLo+61)) // its own stream
	year := b.now.In(clock.Shanghai).Year()
	type row struct {
		kind, name string
		res        *resNode
		batch      int
	}
	var rows []row
	var all []*resNode
	for _, st := range b.streets {
		for _, r := range st.res {
			all = append(all, r)
			rows = append(rows, row{cadre.Secretary, familyNames[rng.IntN(len(familyNames))] + givenChars[rng.IntN(len(givenChars))] + givenChars[rng.IntN(len(givenChars))], r, 0})
		}
	}
	for i := range 25 {
		batch := 1
		if i >= 13 {
			batch = 2
		}
		rows = append(rows, row{cadre.YoungCadre, familyNames[rng.IntN(len(familyNames))] + givenChars[rng.IntN(len(givenChars))] + givenChars[rng.IntN(len(givenChars))], all[(i*37)%len(all)], batch})
	}
	ins := db.NewBulkInsert(tx, "cadres", []string{"id", "kind", "name", "area_code", "area_path", "batch", "since", "created_at", "updated_at"})
	for i, r := range rows {
		since := fmt.Sprintf("%d-%02d-01", year-1-rng.IntN(6), 1+rng.IntN(12))
		if r.kind == cadre.YoungCadre {
			since = fmt.Sprintf("%d-%02d-01", year-1, 3+6*(r.batch-1))
		}
		if err := ins.Add(ctx, int64(i+1), r.kind, r.name, r.res.area.code, r.res.area.path, r.batch, since, b.now, b.now); err != nil {
			return errs.Wrap(err, "insert cadres")
		}
	}
	if err := ins.Close(ctx); err != nil {
		return errs.Wrap(err, "insert cadres")
	}
	// A year of training: three to six courses each, over the last twelve months.
	tr := db.NewBulkInsert(tx, "cadre_trainings", []string{"cadre_id", "course", "held_on", "minutes", "created_at"})
	for i := range rows {
		for range 3 + rng.IntN(4) {
			day := b.now.AddDate(0, 0, -1-rng.IntN(365)).In(clock.Shanghai).Format(time.DateOnly)
			if err := tr.Add(ctx, int64(i+1), demoCourses[rng.IntN(len(demoCourses))], day, 90+30*rng.IntN(10), b.now); err != nil {
				return errs.Wrap(err, "insert training")
			}
		}
	}
	if err := tr.Close(ctx); err != nil {
		return errs.Wrap(err, "insert training")
	}
	// Last year's evaluations: every cadre, figures from the platform.
	reviews := []string{"诉求办理及时，居民评价较好；报到党员服务需加强跟进。", "项目推进扎实，议事协商组织有力。", "培训参与积极，走访覆盖到位，按时答复率仍有提升空间。"}
	for i, r := range rows {
		score := 72 + rng.IntN(25)
		if err := cadre.SeedEvaluation(ctx, tx, b.now, int64(i+1), r.res.area.path, year-1, score, reviews[rng.IntN(len(reviews))],
			"平台年度数据；街道走访记录；述职报告", r.res.street.spec.name+"党工委"); err != nil {
			return err
		}
	}
	// A dozen mentoring pairs with two to five meetings each.
	var mentors, mentees []*unit
	for _, u := range b.units {
		switch u.kind {
		case "regional_unit":
			if u.hasOrg {
				mentors = append(mentors, u)
			}
		case "non_public_enterprise", "social_organization":
			mentees = append(mentees, u)
		}
	}
	if len(mentors) == 0 || len(mentees) == 0 {
		return nil
	}
	mt := db.NewBulkInsert(tx, "mentor_meetings", []string{"pair_id", "held_on", "topic", "notes", "created_at"})
	for i := range 12 {
		m, e := mentors[(i*7)%len(mentors)], mentees[(i*53)%len(mentees)]
		since := b.now.AddDate(0, -6-rng.IntN(6), 0).In(clock.Shanghai).Format(time.DateOnly)
		if _, err := tx.Exec(ctx, `INSERT INTO mentor_pairs (id, mentor_name, mentor_unit_id, mentee_name, mentee_unit_id, area_code, area_path, since, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, i+1, familyNames[rng.IntN(len(familyNames))]+"书记", m.id, familyNames[rng.IntN(len(familyNames))]+"书记", e.id,
			e.grid.code, e.grid.path, since, b.now); err != nil {
			return errs.Wrap(err, "insert mentoring pair")
		}
		for k := range 2 + rng.IntN(4) {
			day := b.now.AddDate(0, -k*2, -rng.IntN(20)).In(clock.Shanghai).Format(time.DateOnly)
			if err := mt.Add(ctx, i+1, day, demoMentorTopics[rng.IntN(len(demoMentorTopics))], "现场交流，形成问题清单并约定下次跟进。", b.now); err != nil {
				return errs.Wrap(err, "insert meeting")
			}
		}
	}
	return errs.Wrap(mt.Close(ctx), "insert meetings")
}
