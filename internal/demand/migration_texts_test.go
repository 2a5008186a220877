package demand_test

import (
	"os"
	"strings"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/demand"
	"gongzhi/internal/testkit"
	"gongzhi/internal/texts"
)

// TestTextsMigrationConvertsOldSentences runs the data part of migration
// 00013 over rows written the old way (Chinese sentences) and reads them
// back in English: the fixed sentences became codes, free text stayed.
func TestTextsMigrationConvertsOldSentences(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		admin := e.f.Users[auth.DistrictAdmin]
		id := e.file(t, admin, "noise", testkit.ResA1, "楼下太吵").Demand.ID
		old := []struct{ actor, action, note string }{
			{"居民", "receive", "渠道：热线"},
			{"系统", "overdue", "超过联系时限"},
			{"系统", "escalate", "督办升级至第 2 级"},
			{"张三", "extend", "等待配件（申请延至 2026-12-31 18:00:00）"},
			{"张三", "approve_extension", "同意延期至 2026-12-31 18:00:00 可以"},
			{"张三", "approve_extension", "不同意延期 "},
			{"张三", "merge", "合并至 #12 重复"},
			{"张三", "merge_in", "合并了诉求 #13"},
			{"张三", "attach", "添加照片 2 张、文件 1 个"},
			{"张三", "contact", "电话联系"},
		}
		if _, err := d.Exec(e.ctx, "DELETE FROM demand_events WHERE demand_id = ?", id); err != nil {
			t.Fatal(err)
		}
		for _, o := range old {
			if _, err := d.Exec(e.ctx, `INSERT INTO demand_events (demand_id, at, actor_name, action, note) VALUES (?, ?, ?, ?, ?)`,
				id, e.clock.Now().UTC(), o.actor, o.action, o.note); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := d.Exec(e.ctx, `INSERT INTO inbox (user_id, kind, title, created_at) VALUES (?, 'escalation', '督办：诉求已超时 #7', ?)`,
			e.f.Users[auth.StreetStaff].UserID, e.clock.Now().UTC()); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile("../db/migrations/" + d.Dialect.String() + "/00013_texts.sql")
		if err != nil {
			t.Fatal(err)
		}
		up := string(b)
		up = up[strings.Index(up, "-- Existing rows"):strings.Index(up, "-- +goose Down")]
		for _, stmt := range strings.Split(up, ";\n") {
			if strings.Contains(stmt, "UPDATE") {
				if _, err := d.Exec(e.ctx, stmt); err != nil {
					t.Fatalf("%s: %v", stmt, err)
				}
			}
		}
		got, err := e.s.Get(e.ctx, admin, id)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"Channel: Hotline", "Contact deadline missed", "Escalated to level 2",
			"Extension requested until 2026-12-31 18:00:00 等待配件", "Extension approved until 2026-12-31 18:00:00 可以",
			"Extension refused", "Merged into #12 重复", "Merged demand #13 into this one", "Added 2 photo(s) and 1 file(s)", "电话联系"}
		zh := []string{"渠道：热线", "超过联系时限", "督办升级至第 2 级", "申请延至 2026-12-31 18:00:00 等待配件", "同意延期至 2026-12-31 18:00:00 可以",
			"不同意延期", "合并至 #12 重复", "合并了诉求 #13", "添加照片 2 张、文件 1 个", "电话联系"}
		for i, ev := range got.Events {
			if ev.Note != zh[i] {
				t.Errorf("event %d in Chinese: %q, want %q", i, ev.Note, zh[i])
			}
		}
		demand.Localize(got.Events, texts.EN)
		for i, ev := range got.Events {
			if ev.Note != want[i] {
				t.Errorf("event %d in English: %q, want %q", i, ev.Note, want[i])
			}
		}
		if got.Events[0].Actor != "Resident" || got.Events[1].Actor != "System" || got.Events[3].Actor != "张三" {
			t.Errorf("actors: %q %q %q", got.Events[0].Actor, got.Events[1].Actor, got.Events[3].Actor)
		}
		en := *e.f.Users[auth.StreetStaff]
		en.Lang = texts.EN
		items, _, _, err := e.n.Inbox(e.ctx, &en, false, 1, 1)
		if err != nil || items[0].Title != "Supervision: demand overdue: #7" {
			t.Errorf("inbox after the migration: %+v %v", items, err)
		}
	})
}
