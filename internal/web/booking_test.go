package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/lists"
	"gongzhi/internal/testkit"
)

// bookingRows counts every row the booking forms could write, audit included.
const bookingRows = "SELECT (SELECT count(*) FROM bookings) + (SELECT count(*) FROM bookings WHERE status IN ('held', 'confirmed')) + " +
	"(SELECT count(*) FROM audit_log)"

// venue offers a hall of the liaison's unit: workday evenings and Saturday mornings.
func venue(t *testing.T, s *site, d *db.DB) int64 {
	t.Helper()
	return venueOpen(t, s, d, "小店二楼活动室", "1-5 18:00-21:00; 6 08:00-12:00")
}

// venueOpen offers a hall of the liaison's unit open in windows.
func venueOpen(t *testing.T, s *site, d *db.DB, title, windows string) int64 {
	t.Helper()
	unit := s.F.Units[testkit.LiaisonUnit]
	hall, err := lists.NewService(d, s.Clock).CreateResource(context.Background(), s.F.Users[auth.UnitLiaison], lists.ResourceInput{
		Title: title, Kind: "venue", Categories: []string{"culture"}, UnitID: &unit, Capacity: 30, CapacityUnit: "people", Windows: windows})
	if err != nil {
		t.Fatal(err)
	}
	return hall.ID
}

// slot is the booking form for a slot of 2026-12-01 (a Tuesday; the test
// clock stands on Monday 2026-11-30).
func slot(start, end, purpose string) url.Values {
	return url.Values{"date": {"2026-12-01"}, "start": {start}, "end": {end}, "purpose": {purpose}, "attendees": {"12"}}
}

// TestBookingPages walks venue booking as its users would: a street worker
// opens the unit hall's calendar from the resource page, books an evening
// (held for the unit), sees it on the area calendar; a clashing slot is a
// 409 naming the booking in the way, a slot outside the opening hours a
// 422, a form without a purpose names the field, and none of them writes
// a row; the unit's liaison confirms; the provider cannot cancel without a
// reason, the maker can; a resident sees none of it.
func TestBookingPages(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		hall := venue(t, s, d)
		cal := fmt.Sprintf("/resources/%d/bookings", hall)
		street := s.login(t, auth.StreetStaff)

		st, body := street.get(fmt.Sprintf("/resources/%d", hall))
		wantStatus(t, "resource page", st, http.StatusOK, body)
		testkit.Contains(t, body, `href="`+cal+`"`, ">预约</a>")
		st, body = street.get(cal)
		wantStatus(t, "venue calendar", st, http.StatusOK, body)
		testkit.Contains(t, body, "小店二楼活动室", "1-5 18:00-21:00; 6 08:00-12:00", "2026-11-30 至 2026-12-06", "2026-12-01 周二", "无预约",
			`<label for="bk-date">`, `<label for="bk-start">`, `<label for="bk-hold">`, "仅暂定（待对方确认）", `action="`+cal+`"`,
			`name="csrf"`, `value="2026-11-30"`, `<th scope="row"`, "?week=2026-12-07")
		if strings.Contains(body, "htmx.min.js") {
			t.Error("the booking pages load htmx")
		}

		resp := street.submit(cal, slot("19:00", "20:30", "居民议事会"))
		wantStatus(t, "book", resp.StatusCode, http.StatusSeeOther, resp.Body)
		page := resp.Header.Get("Location")
		if !regexp.MustCompile(`^/bookings/\d+\?done=booked$`).MatchString(page) {
			t.Fatalf("booking leads to %q", page)
		}
		page = strings.TrimSuffix(page, "?done=booked")
		st, body = street.get(page + "?done=booked")
		wantStatus(t, "booking page", st, http.StatusOK, body)
		testkit.Contains(t, body, "预约已提交", "小店二楼活动室", "2026-12-01", "19:00–20:30", "待确认", "保留至 2026-12-01 19:00", "居民议事会", "12 人")

		st, body = street.get("/bookings")
		wantStatus(t, "area calendar", st, http.StatusOK, body)
		testkit.Contains(t, body, `href="/bookings" aria-current="page"`, "场地预约", `href="`+cal+`?week=2026-11-30"`, "2026-12-01 周二",
			`href="`+page+`">19:00–20:30</a>`, "居民议事会", "待确认", "保留至 2026-12-01 19:00", "street_staff", `<caption class="visually-hidden">`)
		_, body = street.get("/bookings?area=" + testkit.ResA1 + "&week=2026-12-09")
		testkit.Contains(t, body, "2026-12-07 至 2026-12-13", "本周无预约的场地", "?area="+testkit.ResA1+"&amp;week=2026-11-30")
		if strings.Contains(body, "居民议事会") {
			t.Error("next week's calendar shows this week's booking")
		}
		if st, _ := street.get("/bookings?week=soon"); st != http.StatusBadRequest {
			t.Errorf("a made-up week: %d", st)
		}

		// Refused slots write nothing and keep what was typed.
		before := s.count(t, bookingRows)
		resp = street.submit(cal, slot("20:00", "21:00", "楼组长会议"))
		wantStatus(t, "a clash", resp.StatusCode, http.StatusConflict, resp.Body)
		testkit.Contains(t, resp.Body, `role="alert"`, "该场地 2026-12-01 19:00–20:30 已被预约，请换一个时间", `value="楼组长会议"`, `value="20:00"`)
		resp = street.submit(cal, slot("17:00", "18:30", "楼组长会议"))
		wantStatus(t, "before the hall opens", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		testkit.Contains(t, resp.Body, "该场地开放时间为 1-5 18:00-21:00; 6 08:00-12:00，所选时间不在开放时间内", `value="17:00"`)
		resp = street.submit(cal, slot("18:00", "19:00", " "))
		wantStatus(t, "no purpose", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		testkit.Contains(t, resp.Body, `id="bk-purpose-error"`, "请填写场地的用途", `aria-invalid="true"`, "请按提示修改后再提交")
		resp = street.submit(cal, slot("7pm", "21:00", "楼组长会议"))
		wantStatus(t, "a wrong time", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		testkit.Contains(t, resp.Body, `id="bk-start-error"`, "请填写时间，如 19:00")
		resp = street.submit(cal, slot("20:30", "20:00", "楼组长会议"))
		wantStatus(t, "ending before it starts", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		testkit.Contains(t, resp.Body, `id="bk-end-error"`, "结束时间须晚于开始时间")
		resp = street.post(cal, slot("20:30", "21:00", "楼组长会议"), nil)
		wantStatus(t, "no CSRF token", resp.StatusCode, http.StatusForbidden, resp.Body)
		if after := s.count(t, bookingRows); after != before {
			t.Fatalf("%d rows written by refused bookings", after-before)
		}

		// The unit's liaison confirms; then the provider cancels only with a reason.
		liaison := s.login(t, auth.UnitLiaison)
		st, body = liaison.get(page)
		wantStatus(t, "liaison's booking page", st, http.StatusOK, body)
		testkit.Contains(t, body, `action="`+page+`/confirm"`, `action="`+page+`/cancel"`, `<label for="bk-reason">取消原因</label>`)
		resp = liaison.submit(page+"/confirm", nil)
		wantStatus(t, "confirm", resp.StatusCode, http.StatusSeeOther, resp.Body)
		st, body = liaison.get(page + "?done=confirmed")
		wantStatus(t, "confirmed booking", st, http.StatusOK, body)
		testkit.Contains(t, body, "预约已确认", "已确认", "unit_liaison")
		if strings.Contains(body, "/confirm") {
			t.Error("a confirmed booking offers to confirm it")
		}
		resp = liaison.submit(page+"/confirm", nil)
		wantStatus(t, "confirm twice", resp.StatusCode, http.StatusConflict, resp.Body)
		testkit.Contains(t, resp.Body, "只有待确认的预约才能确认")
		_, body = liaison.get("/bookings")
		testkit.Contains(t, body, "19:00–20:30", "已确认")
		resp = liaison.submit(page+"/cancel", url.Values{"reason": {""}})
		wantStatus(t, "the provider cancels without a reason", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		testkit.Contains(t, resp.Body, `id="bk-reason-error"`, "请告诉预约人取消的原因")

		// A resident sees none of it.
		res := s.login(t, auth.Resident)
		if st, _ := res.get("/bookings"); st != http.StatusForbidden {
			t.Errorf("a resident's area calendar: %d", st)
		}
		for _, p := range []string{page, cal, "/bookings/999999"} {
			if st, _ := res.get(p); st != http.StatusNotFound {
				t.Errorf("a resident opens %s: %d", p, st)
			}
		}
		before = s.count(t, bookingRows)
		for _, p := range []string{cal, page + "/confirm", page + "/cancel"} {
			if resp := res.submit(p, slot("20:30", "21:00", "私人聚会")); resp.StatusCode != http.StatusNotFound {
				t.Errorf("a resident posts to %s: %d", p, resp.StatusCode)
			}
		}
		if s.count(t, bookingRows) != before {
			t.Fatal("a resident's posts wrote rows")
		}
		if _, home := res.get("/"); strings.Contains(home, `href="/bookings"`) {
			t.Error("a resident is offered bookings in the menu")
		}

		// The maker cancels without a reason; the slot is free again.
		resp = street.submit(page+"/cancel", nil)
		wantStatus(t, "the maker cancels", resp.StatusCode, http.StatusSeeOther, resp.Body)
		_, body = street.get(page)
		testkit.Contains(t, body, "已取消")
		if strings.Contains(body, "/cancel") {
			t.Error("a cancelled booking offers to cancel it")
		}
		_, body = street.get("/bookings")
		if strings.Contains(body, "居民议事会") {
			t.Error("the area calendar shows a cancelled booking")
		}
		resp = street.submit(cal, slot("20:00", "21:00", "楼组长会议"))
		wantStatus(t, "book the freed slot", resp.StatusCode, http.StatusSeeOther, resp.Body)

		// English, switched through the locale files.
		street.submit("/lang", url.Values{"lang": {"en"}})
		_, body = street.get(cal)
		testkit.Contains(t, body, "Opening hours", "2026-11-30 to 2026-12-06", "Tentative only", "Awaiting confirmation", "Tue")
		resp = street.submit(cal, slot("20:30", "21:00", "team meeting"))
		wantStatus(t, "an English clash", resp.StatusCode, http.StatusConflict, resp.Body)
		testkit.Contains(t, resp.Body, "the venue is already booked 2026-12-01 20:00–21:00; choose another time")
	})
}

// TestBookingOvernight: on a venue open into the night, an end before the
// start is the next day's, so 22:00 to 01:00 books three hours; an end
// 23 hours on is still refused as ending before it starts.
func TestBookingOvernight(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		hall := venueOpen(t, s, d, "夜间自习室", "1-7 18:00-02:00")
		cal := fmt.Sprintf("/resources/%d/bookings", hall)
		street := s.login(t, auth.StreetStaff)
		resp := street.submit(cal, slot("22:00", "01:00", "考前自习"))
		wantStatus(t, "overnight", resp.StatusCode, http.StatusSeeOther, resp.Body)
		var start, end time.Time
		if err := d.QueryRow(context.Background(), "SELECT starts_at, ends_at FROM bookings WHERE resource_id = ?", hall).Scan(&start, &end); err != nil {
			t.Fatal(err)
		}
		if got := end.Sub(start); got != 3*time.Hour || end.In(clock.Shanghai).Format("2006-01-02 15:04") != "2026-12-02 01:00" {
			t.Fatalf("booked %s to %s (%s), want 2026-12-01 22:00 to 2026-12-02 01:00", start, end, got)
		}
		resp = street.submit(cal, slot("19:00", "18:00", "考前自习"))
		wantStatus(t, "a slip", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		testkit.Contains(t, resp.Body, "结束时间须晚于开始时间")
	})
}
