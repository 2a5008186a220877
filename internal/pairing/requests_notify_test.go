package pairing_test

import (
	"context"
	"testing"

	"gongzhi/internal/db"
	"gongzhi/internal/notify"
	"gongzhi/internal/pairing"
	"gongzhi/internal/testkit"
)

// TestRequestReachesInboxes: a help request sent through a person's link
// puts one notice in the inbox of the paired member and of the residential
// area's staff, none in another area's staff's or an unpaired member's,
// and the notice holds no phone number; a refused request tells no one.
func TestRequestReachesInboxes(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d)
		w.s.SetNotifier(notify.NewService(d, testkit.Clock(), notify.Options{}))
		if _, err := w.s.MakePair(ctx, w.staff, w.person.ID, pairing.PairInput{MemberID: w.memID}); err != nil {
			t.Fatal(err)
		}
		link, err := w.s.MakeLink(ctx, w.staff, w.person.ID)
		if err != nil {
			t.Fatal(err)
		}
		inbox := func(userID int64) int {
			return count(t, d, "SELECT count(*) FROM inbox WHERE user_id = ? AND entity = 'care_request'", userID)
		}
		if _, err := w.s.SendRequest(ctx, link.Token, pairing.RequestInput{Body: " "}); err == nil {
			t.Fatal("an empty request was taken")
		}
		if n := count(t, d, "SELECT count(*) FROM inbox WHERE entity = 'care_request'"); n != 0 {
			t.Fatalf("a refused request wrote %d notices", n)
		}
		if _, err := w.s.SendRequest(ctx, link.Token, pairing.RequestInput{Body: "灯泡坏了，看不见", Callback: "13700001111"}); err != nil {
			t.Fatal(err)
		}
		for who, want := range map[string]struct {
			id   int64
			want int
		}{"paired member": {w.mem.UserID, 1}, "area's staff": {w.staff.UserID, 1}, "another area's staff": {w.staffB.UserID, 0}, "unpaired member": {w.other.UserID, 0}} {
			if n := inbox(want.id); n != want.want {
				t.Errorf("%s: %d notices of the request, want %d", who, n, want.want)
			}
		}
		if n := count(t, d, "SELECT count(*) FROM inbox WHERE entity = 'care_request' AND (title LIKE '%1111%' OR body LIKE '%1111%')"); n != 0 {
			t.Errorf("%d notices carry the callback number", n)
		}
	})
}
