package delib

import (
	"crypto/rand"
	"strings"
	"time"
	"unicode"

	"gongzhi/internal/errs"
)

// Statuses of a vote.
const (
	Scheduled = "scheduled" // made, waiting for its opening time
	Open      = "open"      // taking ballots until closes_at
	Closed    = "closed"    // counted; its receipts are published
	Cancelled = "cancelled" // withdrawn before it opened
)

// VoteStatuses lists every status of a vote.
var VoteStatuses = []string{Scheduled, Open, Closed, Cancelled}

// Limits of a vote.
const (
	MinChoices  = 2
	MaxChoices  = 10
	MaxDuration = 90 * 24 * time.Hour
	MaxLinks    = 5000 // links made in one go
)

// VoteInput is a new vote (表决).
type VoteInput struct {
	Area        string    `json:"area"`
	TopicID     *int64    `json:"topic_id,omitempty"`
	Question    string    `json:"question"`
	Description string    `json:"description,omitempty"`
	Choices     []string  `json:"choices"`
	OpensAt     time.Time `json:"opens_at"`
	ClosesAt    time.Time `json:"closes_at"`
	// Residents: residents signed in whose account lies in the area may
	// vote, besides whoever holds a ballot link.
	Residents bool `json:"residents"`
	// PerHousehold counts one ballot per household: a signed-in resident
	// names their household, a link carries one.
	PerHousehold bool `json:"per_household"`
	// Quorum is the least number of ballots for a result to stand (0: none).
	Quorum int `json:"quorum"`
	// ThresholdPct is the share of ballots (percent) the leading choice
	// needs to pass; 50 and a unique leader means at least half.
	ThresholdPct int `json:"threshold_pct"`
}

// CheckVote cleans a new vote and names every field at fault.
func CheckVote(in *VoteInput, now time.Time) error {
	var d []errs.Detail
	in.Question, in.Description = strings.TrimSpace(in.Question), strings.TrimSpace(in.Description)
	switch n := len([]rune(in.Question)); {
	case n == 0:
		d = append(d, errs.D("question", "write the question residents vote on"))
	case n > 200:
		d = append(d, errs.D("question", "the question is at most 200 characters"))
	}
	if len([]rune(in.Description)) > 2000 {
		d = append(d, errs.D("description", "the description is at most 2000 characters"))
	}
	var choices []string
	for _, c := range in.Choices {
		if c = strings.TrimSpace(c); c != "" {
			choices = append(choices, c)
		}
	}
	in.Choices = choices
	switch {
	case len(choices) < MinChoices || len(choices) > MaxChoices:
		d = append(d, errs.D("choices", "give 2 to 10 choices, one a line"))
	case hasDuplicate(choices):
		d = append(d, errs.D("choices", "each choice must differ from the others"))
	default:
		for _, c := range choices {
			if len([]rune(c)) > 50 {
				d = append(d, errs.D("choices", "a choice is at most 50 characters"))
				break
			}
		}
	}
	switch {
	case in.OpensAt.IsZero():
		d = append(d, errs.D("opens_at", "give the time the vote opens"))
	case in.ClosesAt.IsZero():
		d = append(d, errs.D("closes_at", "give the time the vote closes"))
	case !in.ClosesAt.After(in.OpensAt):
		d = append(d, errs.D("closes_at", "the vote must close after it opens"))
	case !in.ClosesAt.After(now):
		d = append(d, errs.D("closes_at", "the closing time has passed; choose a time to come"))
	case in.ClosesAt.Sub(in.OpensAt) > MaxDuration:
		d = append(d, errs.D("closes_at", "a vote is open at most 90 days"))
	}
	if in.Quorum < 0 {
		d = append(d, errs.D("quorum", "the quorum cannot be negative"))
	}
	if in.ThresholdPct < 1 || in.ThresholdPct > 100 {
		d = append(d, errs.D("threshold_pct", "the pass threshold is a percentage from 1 to 100"))
	}
	if len(d) > 0 {
		return errs.Fields(d)
	}
	return nil
}

func hasDuplicate(ss []string) bool {
	seen := map[string]bool{}
	for _, s := range ss {
		if seen[s] {
			return true
		}
		seen[s] = true
	}
	return false
}

// MoveVote decides whether a vote in status from may take action (open,
// close, cancel) and returns its new status.
func MoveVote(from, action string) (string, error) {
	switch {
	case action == "open" && from == Scheduled:
		return Open, nil
	case action == "close" && from == Open:
		return Closed, nil
	case action == "cancel" && from == Scheduled:
		return Cancelled, nil
	}
	switch action {
	case "open":
		return "", errs.New(errs.ECONFLICT, "only a vote waiting to open can be opened")
	case "close":
		return "", errs.New(errs.ECONFLICT, "only an open vote can be closed")
	}
	return "", errs.New(errs.ECONFLICT, "only a vote that has not opened can be cancelled")
}

// CanCast decides whether a ballot may be cast at now in a vote.
func CanCast(status string, opens, closes, now time.Time) error {
	switch {
	case status == Closed || (status == Open && !now.Before(closes)):
		return errs.New(errs.ECONFLICT, "the vote has closed; no more ballots are taken")
	case status == Cancelled:
		return errs.New(errs.ECONFLICT, "the vote was cancelled")
	case status != Open || now.Before(opens):
		return errs.New(errs.ECONFLICT, "the vote has not opened yet")
	}
	return nil
}

// Result is a closed vote's outcome.
type Result struct {
	Ballots   int            `json:"ballots"`
	Tally     map[string]int `json:"tally"`
	Winner    string         `json:"winner"` // the unique leading choice; empty on a tie or no ballots
	QuorumMet bool           `json:"quorum_met"`
	Passed    bool           `json:"passed"` // quorum met and the winner holds the threshold share
}

// Count tallies ballots (indexes into choices) and decides the outcome.
// Every choice appears in the tally, with 0 when nobody chose it.
func Count(choices []string, ballots []int, quorum, thresholdPct int) Result {
	r := Result{Tally: make(map[string]int, len(choices))}
	for _, c := range choices {
		r.Tally[c] = 0
	}
	for _, b := range ballots {
		if b >= 0 && b < len(choices) {
			r.Tally[choices[b]]++
			r.Ballots++
		}
	}
	best, tie := -1, false
	for _, c := range choices {
		switch n := r.Tally[c]; {
		case n > best:
			best, tie, r.Winner = n, false, c
		case n == best:
			tie = true
		}
	}
	if tie || best <= 0 {
		r.Winner = ""
	}
	r.QuorumMet = r.Ballots >= quorum
	r.Passed = r.QuorumMet && r.Winner != "" && best*100 >= thresholdPct*r.Ballots
	return r
}

// receiptAlphabet is base32 without the letters read as digits (I, L, O, U):
// Crockford's alphabet, easy to read out and type.
const receiptAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// ReceiptLen is the length of a receipt: 50 random bits.
const ReceiptLen = 10

// NewReceipt draws a random receipt. It carries nothing of the voter or
// the time, and receipts sort in no order related to when they were cast.
func NewReceipt() string {
	b := make([]byte, ReceiptLen)
	rand.Read(b)
	for i := range b {
		b[i] = receiptAlphabet[int(b[i])%len(receiptAlphabet)] // 256 is a multiple of 32: no bias
	}
	return string(b)
}

// NormalReceipt reads a receipt as a voter types it: spaces and dashes
// dropped, upper case, O read as 0 and I/L as 1.
func NormalReceipt(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		switch {
		case r == 'O':
			r = '0'
		case r == 'I' || r == 'L':
			r = '1'
		case r == ' ' || r == '-' || r == '\t':
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// NormalHousehold reads a household label (门牌, e.g. "3号楼 201室") the
// same way whoever writes it: spaces dropped, full-width letters and digits
// made half-width, letters in upper case.
func NormalHousehold(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '！' && r <= '～' {
			r -= 0xFEE0
		}
		if unicode.IsSpace(r) {
			continue
		}
		b.WriteRune(unicode.ToUpper(r))
	}
	return b.String()
}

// Households cleans a list of household labels: normalized, blanks dropped,
// each once, and at most MaxLinks of them.
func Households(in []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, h := range in {
		if h = NormalHousehold(h); h != "" && !seen[h] {
			seen[h] = true
			if len([]rune(h)) > 50 {
				return nil, errs.Invalid("households", "a household label is at most 50 characters: %s", h)
			}
			out = append(out, h)
		}
	}
	if len(out) > MaxLinks {
		return nil, errs.Invalid("households", "make at most %d links at a time", MaxLinks)
	}
	return out, nil
}

// Statuses of a topic.
const (
	TopicOpen     = "open"     // raised, gathering support
	TopicAgenda   = "agenda"   // reached its threshold: staff owe an answer by due_at
	TopicAnswered = "answered" // staff answered (or put it to a vote)
	TopicClosed   = "closed"   // withdrawn, merged or out of scope, with the reason
)

// TopicStatuses lists every status of a topic.
var TopicStatuses = []string{TopicOpen, TopicAgenda, TopicAnswered, TopicClosed}

// Defaults of an area without its own setting.
const (
	DefaultSupportThreshold = 10
	DefaultAnswerDays       = 10 // working days
)

// Supported decides a support of a topic in status from that had n
// supports and needs threshold: the new status (agenda when the support
// reaches the threshold).
func Supported(from string, n, threshold int) (string, error) {
	if from != TopicOpen && from != TopicAgenda {
		return "", errs.New(errs.ECONFLICT, "the topic was answered or closed; it takes no more support")
	}
	if from == TopicOpen && n+1 >= threshold {
		return TopicAgenda, nil
	}
	return from, nil
}

// MoveTopic decides whether a topic in status from may be answered or
// closed by staff.
func MoveTopic(from, action string) (string, error) {
	switch {
	case action == "answer" && (from == TopicOpen || from == TopicAgenda):
		return TopicAnswered, nil
	case action == "close" && (from == TopicOpen || from == TopicAgenda):
		return TopicClosed, nil
	}
	return "", errs.New(errs.ECONFLICT, "the topic was answered or closed already")
}

// TopicInput is a new topic.
type TopicInput struct {
	Area  string `json:"area"`
	Title string `json:"title"`
	Body  string `json:"body,omitempty"`
	// Demands makes the topic from a cluster of demands of the area (staff
	// only): it links them, by number.
	Demands []int64 `json:"demand_ids,omitempty"`
}

// CheckTopic cleans a new topic.
func CheckTopic(in *TopicInput) error {
	in.Title, in.Body = strings.TrimSpace(in.Title), strings.TrimSpace(in.Body)
	var d []errs.Detail
	switch n := len([]rune(in.Title)); {
	case n == 0:
		d = append(d, errs.D("title", "say in a line what the topic is"))
	case n > 100:
		d = append(d, errs.D("title", "the title is at most 100 characters"))
	}
	if len([]rune(in.Body)) > 2000 {
		d = append(d, errs.D("body", "the text is at most 2000 characters"))
	}
	seen := map[int64]bool{}
	for _, id := range in.Demands {
		if id < 1 || seen[id] {
			d = append(d, errs.D("demand_ids", "list each demand once, by its number"))
			break
		}
		seen[id] = true
	}
	if len(in.Demands) > MaxTopicDemands {
		d = append(d, errs.D("demand_ids", "a topic links at most %d demands", MaxTopicDemands))
	}
	if len(d) > 0 {
		return errs.Fields(d)
	}
	return nil
}
