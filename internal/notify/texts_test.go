package notify_test

import (
	"context"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/notify"
	"gongzhi/internal/testkit"
	"gongzhi/internal/texts"
)

// TestCodedTitlesPerReader: a coded title is worded for each reader, in
// the inbox and in e-mails (the recipient's saved language).
func TestCodedTitlesPerReader(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, notify.Options{Email: true})
		ctx := context.Background()
		zh, en := e.f.Users[auth.StreetStaff], e.staff(t, "staff_en", auth.StreetStaff, testkit.StreetA)
		for id, lang := range map[int64]string{zh.UserID: "", en.UserID: texts.EN} {
			if _, err := d.Exec(ctx, "UPDATE users SET email = ?, lang = ? WHERE id = ?", "u"+texts.Int(id)+"@example.org", lang, id); err != nil {
				t.Fatal(err)
			}
		}
		e.notify(t, notify.Notice{Kind: notify.KindEscalation, TitleText: texts.New("notice.escalated", "id", "42"), Link: "/demands/42",
			Area: testkit.StreetA, Roles: []auth.Role{auth.StreetStaff}, Email: true})
		subjects := map[string]string{}
		rows, err := d.Query(ctx, "SELECT recipient, subject FROM email_outbox")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var to, subject string
			if err := rows.Scan(&to, &subject); err != nil {
				t.Fatal(err)
			}
			subjects[to] = subject
		}
		rows.Close()
		if got := subjects["u"+texts.Int(zh.UserID)+"@example.org"]; got != "督办：诉求已超时 #42" {
			t.Errorf("Chinese e-mail subject %q", got)
		}
		if got := subjects["u"+texts.Int(en.UserID)+"@example.org"]; got != "Supervision: demand overdue: #42" {
			t.Errorf("English e-mail subject %q", got)
		}
		items, _, _, err := e.svc.Inbox(ctx, zh, false, 1, 10)
		if err != nil || len(items) != 1 || items[0].Title != "督办：诉求已超时 #42" || items[0].TitleCode != "notice.escalated" {
			t.Fatalf("inbox: %+v %v", items, err)
		}
		notify.Localize(items, texts.EN)
		if items[0].Title != "Supervision: demand overdue: #42" {
			t.Errorf("worded again in English: %q", items[0].Title)
		}
		err = e.db.InTx(ctx, func(tx *db.Tx) error {
			return e.svc.Notify(ctx, tx, notify.Notice{Kind: notify.KindInfo, TitleText: texts.New("no.such.code"), UserIDs: []int64{zh.UserID}})
		})
		if err == nil {
			t.Error("an unknown title code was stored")
		}
	})
}
