package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"gongzhi/internal/db"
	"gongzhi/internal/testkit"
)

// TestTrackByNumber: a resident without the link finds their demand with
// its number and the last four digits of their phone, and sees its
// progress but no files, rating form or phone; wrong digits find nothing,
// and guessing is cut off after five tries a number.
func TestTrackByNumber(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newDemandSite(t, d)
		id, _ := s.fileAsResident(t, "noise", testkit.ResA1, "楼下广场舞音响太吵")
		number := fmt.Sprint(id)
		b := s.browser(t)
		st, form := b.get("/track")
		wantStatus(t, "form", st, http.StatusOK, form)
		testkit.Contains(t, form, `id="lookup-form"`, `name="last4"`)
		_, home := b.get("/")
		testkit.Contains(t, home, `href="/track"`)

		resp := b.submit("/track", url.Values{"number": {"#" + number}, "last4": {"5678"}})
		wantStatus(t, "found", resp.StatusCode, http.StatusOK, resp.Body)
		testkit.Contains(t, resp.Body, "楼下广场舞音响太吵", `id="timeline"`, `id="lookup-note"`)
		for _, leak := range []string{"13912345678", "rate-form", "/t/"} {
			if strings.Contains(resp.Body, leak) {
				t.Errorf("the page by number shows %q", leak)
			}
		}
		resp = b.submit("/track", url.Values{"number": {number}, "last4": {"12a4"}})
		wantStatus(t, "bad digits", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		for i := range 5 {
			resp = b.submit("/track", url.Values{"number": {number}, "last4": {fmt.Sprintf("%04d", i)}})
			wantStatus(t, "wrong digits", resp.StatusCode, http.StatusNotFound, resp.Body)
			if strings.Contains(resp.Body, "楼下广场舞") {
				t.Fatal("wrong digits show the demand")
			}
		}
		resp = s.browser(t).submit("/track", url.Values{"number": {number}, "last4": {"5678"}})
		wantStatus(t, "after five wrong guesses, from anywhere", resp.StatusCode, http.StatusTooManyRequests, resp.Body)
	})
}
