package delib_test

import (
	"strings"
	"testing"
	"time"

	"gongzhi/internal/delib"
	"gongzhi/internal/errs"
)

func TestCount(t *testing.T) {
	yn := []string{"同意", "不同意", "弃权"}
	cases := []struct {
		name              string
		ballots           []int
		quorum, threshold int
		winner            string
		passed, quorumMet bool
	}{
		{"majority passes", []int{0, 0, 1}, 0, 50, "同意", true, true},
		{"no ballots", nil, 0, 50, "", false, true},
		{"tie decides nothing", []int{0, 1}, 0, 50, "", false, true},
		{"quorum missed", []int{0, 0, 0}, 4, 50, "同意", false, false},
		{"quorum met exactly", []int{0, 0, 0, 1}, 4, 50, "同意", true, true},
		{"two thirds not reached", []int{0, 0, 1, 2}, 0, 67, "同意", false, true},
		{"two thirds reached", []int{0, 0, 0, 1}, 0, 67, "同意", true, true},
		{"leader below half of three-way", []int{0, 0, 1, 2, 2, 1, 0}, 0, 50, "同意", false, true},
		{"out-of-range ballots ignored", []int{0, 7, -1}, 0, 50, "同意", true, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := delib.Count(yn, c.ballots, c.quorum, c.threshold)
			if r.Winner != c.winner || r.Passed != c.passed || r.QuorumMet != c.quorumMet {
				t.Fatalf("Count = %+v, want winner %q passed %v quorum %v", r, c.winner, c.passed, c.quorumMet)
			}
			sum := 0
			for _, n := range r.Tally {
				sum += n
			}
			if sum != r.Ballots || len(r.Tally) != len(yn) {
				t.Fatalf("tally %v does not add up to %d ballots over every choice", r.Tally, r.Ballots)
			}
		})
	}
}

func TestMoveVote(t *testing.T) {
	cases := []struct{ from, action, to, code string }{
		{delib.Scheduled, "open", delib.Open, ""},
		{delib.Open, "close", delib.Closed, ""},
		{delib.Scheduled, "cancel", delib.Cancelled, ""},
		{delib.Open, "open", "", errs.ECONFLICT},
		{delib.Closed, "close", "", errs.ECONFLICT},
		{delib.Scheduled, "close", "", errs.ECONFLICT},
		{delib.Open, "cancel", "", errs.ECONFLICT},
	}
	for _, c := range cases {
		to, err := delib.MoveVote(c.from, c.action)
		if to != c.to || errs.Code(err) != c.code {
			t.Errorf("MoveVote(%s, %s) = %q, %v; want %q %s", c.from, c.action, to, err, c.to, c.code)
		}
	}
}

func TestCanCast(t *testing.T) {
	opens := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	closes := opens.Add(48 * time.Hour)
	cases := []struct {
		name   string
		status string
		now    time.Time
		want   string
	}{
		{"open", delib.Open, opens.Add(time.Hour), ""},
		{"scheduled", delib.Scheduled, opens.Add(-time.Hour), errs.ECONFLICT},
		{"closed", delib.Closed, opens.Add(time.Hour), errs.ECONFLICT},
		{"open but past its closing time (job late)", delib.Open, closes, errs.ECONFLICT},
		{"cancelled", delib.Cancelled, opens.Add(time.Hour), errs.ECONFLICT},
	}
	for _, c := range cases {
		if got := errs.Code(delib.CanCast(c.status, opens, closes, c.now)); got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
}

func TestCheckVote(t *testing.T) {
	now := time.Date(2026, 11, 30, 1, 30, 0, 0, time.UTC)
	good := func() delib.VoteInput {
		return delib.VoteInput{Area: "x", Question: "是否加装电梯？", Choices: []string{"同意", "不同意"}, OpensAt: now, ClosesAt: now.Add(72 * time.Hour), ThresholdPct: 50}
	}
	cases := []struct {
		name  string
		edit  func(*delib.VoteInput)
		field string
	}{
		{"good", func(*delib.VoteInput) {}, ""},
		{"no question", func(v *delib.VoteInput) { v.Question = "  " }, "question"},
		{"one choice", func(v *delib.VoteInput) { v.Choices = []string{"同意", " "} }, "choices"},
		{"eleven choices", func(v *delib.VoteInput) { v.Choices = strings.Split("a b c d e f g h i j k", " ") }, "choices"},
		{"same choice twice", func(v *delib.VoteInput) { v.Choices = []string{"同意", "同意"} }, "choices"},
		{"closes before it opens", func(v *delib.VoteInput) { v.ClosesAt = v.OpensAt.Add(-time.Hour) }, "closes_at"},
		{"closes in the past", func(v *delib.VoteInput) { v.OpensAt, v.ClosesAt = now.Add(-3*time.Hour), now.Add(-time.Hour) }, "closes_at"},
		{"threshold 0", func(v *delib.VoteInput) { v.ThresholdPct = 0 }, "threshold_pct"},
		{"negative quorum", func(v *delib.VoteInput) { v.Quorum = -1 }, "quorum"},
	}
	for _, c := range cases {
		in := good()
		c.edit(&in)
		err := delib.CheckVote(&in, now)
		if c.field == "" {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		if d := errs.DetailsOf(err); len(d) == 0 || d[0].Field != c.field {
			t.Errorf("%s: got %v, want a fault in %s", c.name, err, c.field)
		}
	}
}

func TestReceiptsAndHouseholds(t *testing.T) {
	seen := map[string]bool{}
	for range 2000 {
		r := delib.NewReceipt()
		if len(r) != delib.ReceiptLen || strings.ContainsAny(r, "ILOU") || seen[r] {
			t.Fatalf("receipt %q: want 10 characters of Crockford base32, each new", r)
		}
		seen[r] = true
		if delib.NormalReceipt(strings.ToLower(r[:5])+" "+r[5:]) != r {
			t.Fatalf("a receipt typed in lower case with a space is read back: %q", r)
		}
	}
	hh, err := delib.Households([]string{" 3号楼 201室", "３号楼２０１室", "", "5号楼101室"})
	if err != nil || len(hh) != 2 || hh[0] != "3号楼201室" || hh[1] != "5号楼101室" {
		t.Fatalf("households: %q %v", hh, err)
	}
}

func TestTopicRules(t *testing.T) {
	cases := []struct {
		from      string
		n, thresh int
		to, code  string
	}{
		{delib.TopicOpen, 0, 3, delib.TopicOpen, ""},
		{delib.TopicOpen, 2, 3, delib.TopicAgenda, ""},
		{delib.TopicAgenda, 5, 3, delib.TopicAgenda, ""},
		{delib.TopicAnswered, 5, 3, "", errs.ECONFLICT},
		{delib.TopicClosed, 0, 3, "", errs.ECONFLICT},
	}
	for _, c := range cases {
		to, err := delib.Supported(c.from, c.n, c.thresh)
		if to != c.to || errs.Code(err) != c.code {
			t.Errorf("Supported(%s, %d, %d) = %q %v, want %q %s", c.from, c.n, c.thresh, to, err, c.to, c.code)
		}
	}
	if _, err := delib.MoveTopic(delib.TopicAnswered, "close"); errs.Code(err) != errs.ECONFLICT {
		t.Errorf("closing an answered topic: %v", err)
	}
	if to, err := delib.MoveTopic(delib.TopicAgenda, "answer"); to != delib.TopicAnswered || err != nil {
		t.Errorf("answering a topic on the agenda: %q %v", to, err)
	}
}

func TestReadHouseholds(t *testing.T) {
	hh, err := delib.ReadHouseholds("户.csv", []byte("\xef\xbb\xbf门牌,备注\n3号楼201室,张\n３号楼２０１室\n\n5号楼 101室,\n"))
	if err != nil || len(hh) != 2 || hh[0] != "3号楼201室" || hh[1] != "5号楼101室" {
		t.Fatalf("csv: %q %v", hh, err)
	}
	_, err = delib.ReadHouseholds("户.csv", []byte("门牌\n"+strings.Repeat("长", 51)+"\n"))
	if err == nil || !strings.Contains(err.Error(), "row 2") {
		t.Fatalf("a long label names its row: %v", err)
	}
	if _, err := delib.ReadHouseholds("户.xlsx", []byte("not a zip")); errs.Code(err) != errs.EINVALID {
		t.Fatalf("a broken workbook: %v", err)
	}
}
