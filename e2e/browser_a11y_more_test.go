package e2e

import (
	"strings"

	"github.com/chromedp/chromedp"
)

// The accessibility walk's steps through pages only a user's input brings
// (a survey round made, its slips printed and a slip answered; a help link
// made and used; a member's folded edit form; a resident's comment box and
// a hidden comment). They run on SQLite only: the pages are the same
// templates on both engines, and internal/web's tests run their queries on
// both.

// signedOutPhone runs fn in a tab of a browser context of its own (no
// cookies: signed out) with a phone's screen, as a resident opening a link
// from a printed slip; its pages count for a.
func (a *a11y) signedOutPhone(fn func()) {
	a.t.Helper()
	desktop := a.ctx
	ctx, cancel := chromedp.NewContext(desktop, chromedp.WithNewBrowserContext())
	defer cancel()
	if err := chromedp.Do(ctx); err != nil { // open the tab without a deadline (chromedp's rule)
		a.t.Fatal(err)
	}
	steps(a.t, ctx, "a phone's screen", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch))
	a.ctx = ctx
	defer func() { a.ctx = desktop }()
	fn()
}

// path returns the path of the link matching sel on the page open now.
func (a *a11y) path(sel string) string {
	a.t.Helper()
	p := value(a.t, a.ctx, chromedp.Evaluate[string](`(() => {
		const a = document.querySelector(`+jsString(sel)+`);
		return a ? new URL(a.href).pathname : '';
	})()`))
	if p == "" {
		a.t.Fatalf("no link %s on %s", sel, value(a.t, a.ctx, chromedp.Location()))
	}
	return p
}

// here names the page open now by its path and query.
func (a *a11y) here() string {
	return strings.TrimPrefix(value(a.t, a.ctx, chromedp.Location()), a.base)
}

// noValidate lets the form holding sel send what the browser would refuse,
// as an older phone's browser does, so the server's errors show.
func noValidate(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](`document.querySelector(` + jsString(sel) + `).form.noValidate = true`)
}

// surveyRound makes a committee evaluation round for this half year (the
// demo's rounds are all closed), the form first sent without a committee;
// prints two slips; and answers one on a phone, signed out: as it opens,
// sent with answers missing, and answered.
func (a *a11y) surveyRound() {
	t, css := a.t, func(s string) chromedp.CSS { return chromedp.CSS(s) }
	if !a.open("/surveys") {
		t.Fatal("the admin cannot open /surveys")
	}
	steps(t, a.ctx, "a survey round for no committee",
		chromedp.Click(css(`form[method=post][action="/surveys"] button[type=submit]`)),
		chromedp.WaitVisible(css(`#ns-area[aria-invalid="true"]`)),
	)
	a.check("/surveys with errors")
	area := value(t, a.ctx, chromedp.Evaluate[string](`document.querySelector('#ns-area option:not([value=""])').value`))
	steps(t, a.ctx, "a survey round for this half year",
		chromedp.SetValue(css(`#ns-area`), area),
		chromedp.Click(css(`form[method=post][action="/surveys"] button[type=submit]`)),
		chromedp.WaitVisible(css(`#sl-count`)),
	)
	a.check(a.here() + " (an open round, with the slips form)")
	steps(t, a.ctx, "print two slips",
		chromedp.SendKeys(css(`#sl-count`), "2"),
		chromedp.Click(css(`form[action$="/links"] button[type=submit]`)),
		chromedp.WaitVisible(css(`.slips .slip-url a`)),
	)
	a.check(a.here() + " (the slips to print)")
	slip := a.path(`.slips .slip-url a`)
	a.signedOutPhone(func() {
		if !a.open(slip) {
			t.Fatalf("%s is not there", slip)
		}
		a.check("phone /survey/{token}")
		steps(t, a.ctx, "send the questionnaire with one answer",
			chromedp.Evaluate[chromedp.Void](`document.querySelector('form.survey input[type=radio]').checked = true`),
			noValidate(`form.survey button[type=submit]`),
			chromedp.Click(css(`form.survey button[type=submit]`)),
			chromedp.WaitVisible(css(`main .notice.error`)),
		)
		a.check("phone /survey/{token} with errors")
		steps(t, a.ctx, "answer every question",
			chromedp.Evaluate[chromedp.Void](`document.querySelectorAll('form.survey fieldset').forEach(f => f.querySelector('input[type=radio]').checked = true)`),
			chromedp.Click(css(`form.survey button[type=submit]`)),
			chromedp.WaitVisible(css(`main .notice.success`)),
		)
		a.check("phone /survey/{token} answered")
	})
}

// helpLink makes a person in care's help link, as staff print it, and uses
// it on a phone, signed out: as it opens, sent empty, and sent.
func (a *a11y) helpLink() {
	t, css := a.t, func(s string) chromedp.CSS { return chromedp.CSS(s) }
	if !a.open("/care") {
		t.Fatal("the admin cannot open /care")
	}
	if _, ok := a.follow(`^/care/people/\d+$`); !ok {
		t.Fatal("the admin finds no person in care")
	}
	steps(t, a.ctx, "make the help link",
		chromedp.Click(css(`form[action$="/link"] button[type=submit]`)),
		chromedp.WaitVisible(css(`.slip .slip-url a`)),
	)
	a.check(a.here() + " (the help link's slip)")
	link := a.path(`.slip .slip-url a`)
	a.signedOutPhone(func() {
		if !a.open(link) {
			t.Fatalf("%s is not there", link)
		}
		a.check("phone /help/{token}")
		steps(t, a.ctx, "ask for help saying nothing",
			noValidate(`#h-body`),
			chromedp.Click(css(`main form button[type=submit]`)),
			chromedp.WaitVisible(css(`main .notice.error`)),
		)
		a.check("phone /help/{token} with errors")
		steps(t, a.ctx, "ask for help",
			chromedp.SendKeys(css(`#h-body`), "无障碍测试：家里水管漏水，想请人来看看"),
			chromedp.Click(css(`main form button[type=submit]`)),
			chromedp.WaitVisible(css(`main .notice.success`)),
		)
		a.check("phone /help/{token} sent")
	})
}

// memberEdit unfolds the edit form on a party member's page (axe skips
// what a closed <details> hides) and sends it with no name and a bad phone.
func (a *a11y) memberEdit() {
	t, css := a.t, func(s string) chromedp.CSS { return chromedp.CSS(s) }
	if !a.open("/members") {
		t.Fatal("the admin cannot open /members")
	}
	path, ok := a.follow(`^/members/\d+$`)
	if !ok {
		t.Fatal("the admin finds no member")
	}
	steps(t, a.ctx, "unfold the member's edit form",
		chromedp.Click(css(`#member-edit > summary`)),
		chromedp.WaitVisible(css(`#me-name`)),
	)
	a.check(path + " with the edit form open")
	steps(t, a.ctx, "edit the member with no name and a bad phone",
		chromedp.Evaluate[chromedp.Void](`document.getElementById('me-name').value = ''; document.getElementById('me-phone').value = '123'`),
		chromedp.Click(css(`#member-edit-submit`)),
		chromedp.WaitVisible(css(`#me-name[aria-invalid="true"]`)),
	)
	a.check(path + " edited, with errors")
}

// residentTopics checks, as the demo resident: a topic of the area with a
// hidden comment (the reason shown, not the text); the raise form sent
// empty; and a topic just raised with its comment box, sent empty and
// with a comment.
func (a *a11y) residentTopics() {
	t, css := a.t, func(s string) chromedp.CSS { return chromedp.CSS(s) }
	if !a.open("/delib") {
		t.Fatal("the resident cannot open /delib")
	}
	topics := value(t, a.ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('main a[href^="/topics/"]')].map(a => a.getAttribute('href'))`))
	found := false
	for _, p := range topics {
		if !a.open(p) {
			continue
		}
		// A shown comment has its text; a hidden one only the reason.
		if value(t, a.ctx, chromedp.Evaluate[bool](`!!document.querySelector('.thread li:not(:has(.comment-text))')`)) {
			a.check(p + " with a hidden comment, as a resident sees it")
			found = true
			break
		}
	}
	if !found {
		t.Errorf("the resident sees no hidden comment on the topics of /delib (%v)", topics)
	}
	a.open("/delib")
	steps(t, a.ctx, "raise a topic with no title",
		chromedp.Click(css(`form[action="/topics"] button[type=submit]`)),
		chromedp.WaitVisible(css(`#rt-title[aria-invalid="true"]`)),
	)
	a.check("/delib with errors")
	steps(t, a.ctx, "raise a topic",
		chromedp.SendKeys(css(`#rt-title`), "无障碍测试：小区里多装几张长椅"),
		chromedp.Click(css(`form[action="/topics"] button[type=submit]`)),
		chromedp.WaitVisible(css(`#comment-text`)),
	)
	topic := a.here()
	a.check(topic + " (just raised, with the comment box)")
	steps(t, a.ctx, "send an empty comment",
		chromedp.Click(css(`form[action$="/comments"] button[type=submit]`)),
		chromedp.WaitVisible(css(`#comment-text[aria-invalid="true"]`)),
	)
	a.check(topic + " with an empty comment sent")
	steps(t, a.ctx, "comment",
		chromedp.SendKeys(css(`#comment-text`), "无障碍测试：赞成，最好放在树荫下"),
		chromedp.Click(css(`form[action$="/comments"] button[type=submit]`)),
		chromedp.WaitVisible(css(`.thread .comment-text`)),
	)
	a.check(topic + " with the resident's comment")
}
