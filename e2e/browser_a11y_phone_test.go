package e2e

import (
	"context"
	"regexp"

	"github.com/chromedp/chromedp"

	"gongzhi/internal/db"
)

// phonePages walks taking part by phone (用手机号参与): the residents' phone
// roll as staff keep it, then, signed out on a phone, /p as it opens, with
// the code form, with a wrong code, the phone's topics once verified (the
// code read from the outbox: the walk's gateway takes nothing, so the
// message keeps it), the raise form sent empty, a topic raised with its
// comment box, and the box sent empty. dir is the SQLite store the server
// runs on.
func (a *a11y) phonePages(dir string) {
	t, css := a.t, func(s string) chromedp.CSS { return chromedp.CSS(s) }
	ctx := context.Background()
	d, err := db.Open(ctx, "", dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var number, area string
	if err := d.QueryRow(ctx, `SELECT rp.phone, rp.area_code FROM resident_phones rp
		WHERE EXISTS (SELECT 1 FROM topics t WHERE t.area_code = rp.area_code) ORDER BY rp.area_code, rp.phone LIMIT 1`).Scan(&number, &area); err != nil {
		t.Fatalf("a number on the demo's rolls: %v", err)
	}
	if !a.open("/resident-phones?area=" + area) {
		t.Fatal("the admin cannot open the residents' phone roll")
	}
	a.check("/resident-phones?area={code}")
	a.signedOutPhone(func() {
		if !a.open("/p") {
			t.Fatal("/p is not there")
		}
		a.check("/p (the number form)")
		steps(t, a.ctx, "ask for a code",
			chromedp.SendKeys(css(`#p-phone`), number),
			chromedp.Click(css(`form[action="/p/code"] button.primary`)),
			chromedp.WaitVisible(css(`#p-code`)),
		)
		a.check("/p with the code form")
		var body string
		if err := d.QueryRow(ctx, `SELECT body FROM sms_outbox WHERE recipient = ? ORDER BY id DESC LIMIT 1`, number).Scan(&body); err != nil {
			t.Fatalf("the code's message: %v", err)
		}
		code := regexp.MustCompile(`\d{6}`).FindString(body)
		wrong := "000000"
		if code == wrong {
			wrong = "111111"
		}
		steps(t, a.ctx, "a wrong code",
			chromedp.SendKeys(css(`#p-code`), wrong),
			chromedp.Click(css(`form[action="/p/verify"] button.primary`)),
			chromedp.WaitVisible(css(`#p-code[aria-invalid="true"]`)),
		)
		a.check("/p with a wrong code")
		steps(t, a.ctx, "the code",
			chromedp.SetValue(css(`#p-code`), code),
			chromedp.Click(css(`form[action="/p/verify"] button.primary`)),
			chromedp.WaitVisible(css(`#h-topics`)),
		)
		a.check("/p (the phone's topics)")
		steps(t, a.ctx, "raise a topic with nothing filled in",
			chromedp.Click(css(`form[action="/p/topics"] button[type=submit]`)),
			chromedp.WaitVisible(css(`#pt-title[aria-invalid="true"]`)),
		)
		a.check("/p with the raise form's errors")
		steps(t, a.ctx, "raise a topic",
			chromedp.SendKeys(css(`#pt-title`), "无障碍测试：单元门口加装扶手"),
			chromedp.Click(css(`form[action="/p/topics"] button[type=submit]`)),
			chromedp.WaitVisible(css(`#pc-text`)),
		)
		a.check("/p/topics/{id} (a new topic with the comment box)")
		steps(t, a.ctx, "a comment with nothing written",
			chromedp.Click(css(`form[action$="/comments"] button[type=submit]`)),
			chromedp.WaitVisible(css(`#pc-text[aria-invalid="true"]`)),
		)
		a.check("/p/topics/{id} with the comment's error")
	})
}
