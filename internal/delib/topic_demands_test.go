package delib_test

import (
	"slices"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/delib"
	"gongzhi/internal/demand"
	"gongzhi/internal/errs"
	"gongzhi/internal/notify"
	"gongzhi/internal/testkit"
)

// TestTopicFromDemands: staff make a topic from a cluster of their area's
// demands; it lists them by number (no personal data), each demand names
// the topic; a demand of another area, a resident linking demands, or a
// number given twice are refused and change nothing.
func TestTopicFromDemands(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		k := newKit(t, d)
		ds := demand.NewService(d, k.clk, notify.NewService(d, k.clk, notify.Options{}))
		if _, err := ds.SaveCategory(k.ctx, k.as(auth.DistrictAdmin), demand.Category{Code: "noise", Name: "噪音扰民", ContactLimit: "2h",
			ResolveLimit: "5wd", Active: true}); err != nil {
			t.Fatal(err)
		}
		file := func(area string) int64 {
			t.Helper()
			f, err := ds.Intake(k.ctx, k.as(auth.DistrictAdmin), demand.NewDemand{Category: "noise", Channel: "hotline", Area: area,
				Description: "晚上十点后广场舞音响太吵，联系电话13900001111"})
			if err != nil {
				t.Fatal(err)
			}
			return f.Demand.ID
		}
		a, b, far := file(testkit.ResA1), file(testkit.ResA1), file(testkit.ResB1)
		staff, elsewhere := k.as(auth.CommunityStaff), k.resident(testkit.ResB1)
		in := func(ids ...int64) delib.TopicInput {
			return delib.TopicInput{Area: testkit.ResA1, Title: "广场舞噪音扰民", Demands: ids}
		}
		k.refusedComment("a demand of another area", errs.EINVALID, func() error { _, err := k.s.RaiseTopic(k.ctx, staff, in(a, far)); return err })
		k.refusedComment("a number twice", errs.EINVALID, func() error { _, err := k.s.RaiseTopic(k.ctx, staff, in(a, a)); return err })
		k.refusedComment("a resident linking demands", errs.EFORBIDDEN, func() error { _, err := k.s.RaiseTopic(k.ctx, k.as(auth.Resident), in(a)); return err })
		k.refusedComment("no such demand", errs.EINVALID, func() error { _, err := k.s.RaiseTopic(k.ctx, staff, in(a, 999999)); return err })
		top, err := k.s.RaiseTopic(k.ctx, staff, in(b, a))
		if err != nil || len(top.Demands) != 2 || top.Demands[0].ID != a || top.Demands[1].ID != b || top.Demands[0].Category == "" {
			t.Fatalf("made from demands: %+v %v", top, err)
		}
		got, err := k.s.GetTopic(k.ctx, k.as(auth.Resident), top.ID)
		if err != nil || len(got.Demands) != 2 {
			t.Fatalf("a resident sees the demands by number: %+v %v", got.Demands, err)
		}
		refs, err := k.s.TopicsOfDemand(k.ctx, staff, a)
		if err != nil || !slices.Equal([]int64{refs[0].ID}, []int64{top.ID}) || refs[0].Title != "广场舞噪音扰民" {
			t.Errorf("the demand names its topic: %+v %v", refs, err)
		}
		if refs, _ = k.s.TopicsOfDemand(k.ctx, elsewhere, a); len(refs) != 0 {
			t.Errorf("someone elsewhere sees the topic of a demand: %+v", refs)
		}
	})
}
