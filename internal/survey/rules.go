package survey

import (
	"math"
	"regexp"
	"strconv"
	"time"

	"gongzhi/internal/clock"
	"gongzhi/internal/errs"
)

// z95 is the normal quantile of a two-sided 95% interval.
const z95 = 1.959963984540054

// Interval is an estimate with its 95% confidence interval. OK is false
// when there are too few answers for an interval (none, or one for a
// mean): Lo and Hi are then zero, and so is Value when there is no answer.
type Interval struct {
	Value float64 `json:"value"`
	Lo    float64 `json:"lo"`
	Hi    float64 `json:"hi"`
	N     int     `json:"n"`
	OK    bool    `json:"ok"`
}

// Wilson is the share x of n with its Wilson score 95% interval, in
// percent (0–100). The Wilson interval stays inside 0–100 and is honest
// for the small samples and extreme shares a committee's survey has.
func Wilson(x, n int) Interval {
	if n <= 0 || x < 0 || x > n {
		return Interval{N: max(n, 0)}
	}
	p, fn := float64(x)/float64(n), float64(n)
	z2 := z95 * z95
	den := 1 + z2/fn
	center := (p + z2/(2*fn)) / den
	half := z95 * math.Sqrt(p*(1-p)/fn+z2/(4*fn*fn)) / den
	return Interval{Value: 100 * p, Lo: 100 * math.Max(0, center-half), Hi: 100 * math.Min(1, center+half), N: n, OK: true}
}

// tTable holds Student's t 0.975 quantiles for 1 to 30 degrees of freedom.
var tTable = [...]float64{12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
	2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
	2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042}

// T975 is Student's t 0.975 quantile for df degrees of freedom: the table
// up to 30, then the Cornish–Fisher expansion (within 0.001 of the exact
// value beyond 30).
func T975(df int) float64 {
	if df < 1 {
		return math.NaN()
	}
	if df <= len(tTable) {
		return tTable[df-1]
	}
	z, d := z95, float64(df)
	return z + (z*z*z+z)/(4*d) + (5*math.Pow(z, 5)+16*z*z*z+3*z)/(96*d*d)
}

// MeanT is the mean of xs with its Student t 95% interval (needs two values).
func MeanT(xs []float64) Interval {
	n := len(xs)
	if n == 0 {
		return Interval{}
	}
	var sum float64
	for _, x := range xs {
		sum += x
	}
	mean := sum / float64(n)
	if n == 1 {
		return Interval{Value: mean, N: 1} // an estimate, but no interval from one answer
	}
	var ss float64
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	half := T975(n-1) * math.Sqrt(ss/float64(n-1)) / math.Sqrt(float64(n))
	return Interval{Value: mean, Lo: math.Max(0, mean-half), Hi: math.Min(100, mean+half), N: n, OK: true}
}

// Answer is one resident's questionnaire: three awareness items (知晓度:
// knows the committee's members, where to find it, its recent work), three
// participation items (参与度: took part this period in an activity, a
// meeting, a vote) and four satisfaction items (满意度, 1–5: service,
// response to demands, living environment, overall), and a comment.
type Answer struct {
	AwareMembers bool   `json:"aware_members"`
	AwareOffice  bool   `json:"aware_office"`
	AwareWork    bool   `json:"aware_work"`
	PartActivity bool   `json:"part_activity"`
	PartMeeting  bool   `json:"part_meeting"`
	PartVote     bool   `json:"part_vote"`
	SatService   int    `json:"sat_service"`
	SatResponse  int    `json:"sat_response"`
	SatLiving    int    `json:"sat_living"`
	SatOverall   int    `json:"sat_overall"`
	Comment      string `json:"comment,omitempty"`
}

// MaxComment is the longest comment, in characters.
const MaxComment = 500

// CheckAnswer refuses an answer with a satisfaction item outside 1–5 or a
// comment too long.
func CheckAnswer(a Answer) error {
	var ds []errs.Detail
	for _, it := range []struct {
		field string
		v     int
	}{{"sat_service", a.SatService}, {"sat_response", a.SatResponse}, {"sat_living", a.SatLiving}, {"sat_overall", a.SatOverall}} {
		if it.v < 1 || it.v > 5 {
			ds = append(ds, errs.D(it.field, "choose from 1 (very dissatisfied) to 5 (very satisfied)"))
		}
	}
	if len([]rune(a.Comment)) > MaxComment {
		ds = append(ds, errs.D("comment", "a comment is at most %d characters", MaxComment))
	}
	if len(ds) > 0 {
		return errs.Fields(ds)
	}
	return nil
}

// Aware: a resident knows the committee when they answer yes to at least
// two of the three awareness items.
func (a Answer) Aware() bool { return b2i(a.AwareMembers)+b2i(a.AwareOffice)+b2i(a.AwareWork) >= 2 }

// Took part: a resident took part when they did any of the three this period.
func (a Answer) TookPart() bool { return a.PartActivity || a.PartMeeting || a.PartVote }

// Satisfaction is the resident's satisfaction on 0–100: the mean of the
// four items, 1 → 0 and 5 → 100.
func (a Answer) Satisfaction() float64 {
	return float64(a.SatService+a.SatResponse+a.SatLiving+a.SatOverall-4) * 100 / 16
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Scores are a campaign's figures: the response rate (answers over links
// made), awareness and participation as shares of respondents with Wilson
// intervals, satisfaction as a mean on 0–100 with a t interval, and each
// item's share or mean.
type Scores struct {
	Links         int                 `json:"links"`
	Answers       int                 `json:"answers"`
	ResponseRate  float64             `json:"response_rate"` // percent; 0 without links
	Awareness     Interval            `json:"awareness"`
	Participation Interval            `json:"participation"`
	Satisfaction  Interval            `json:"satisfaction"`
	Items         map[string]Interval `json:"items"` // each item: yes/no items as Wilson shares, 1–5 items as means on 0–100
}

// Items names the questionnaire's items in the order pages show them.
var Items = []string{"aware_members", "aware_office", "aware_work", "part_activity", "part_meeting", "part_vote",
	"sat_service", "sat_response", "sat_living", "sat_overall"}

// Score computes a campaign's scores from its answers and the links made.
func Score(as []Answer, links int) Scores {
	s := Scores{Links: links, Answers: len(as), Items: map[string]Interval{}}
	if links > 0 {
		s.ResponseRate = 100 * float64(len(as)) / float64(links)
	}
	yes := map[string]int{}
	sat := map[string][]float64{}
	var aware, part int
	var overall []float64
	for _, a := range as {
		aware += b2i(a.Aware())
		part += b2i(a.TookPart())
		overall = append(overall, a.Satisfaction())
		for k, v := range map[string]bool{"aware_members": a.AwareMembers, "aware_office": a.AwareOffice, "aware_work": a.AwareWork,
			"part_activity": a.PartActivity, "part_meeting": a.PartMeeting, "part_vote": a.PartVote} {
			yes[k] += b2i(v)
		}
		for k, v := range map[string]int{"sat_service": a.SatService, "sat_response": a.SatResponse, "sat_living": a.SatLiving, "sat_overall": a.SatOverall} {
			sat[k] = append(sat[k], float64(v-1)*25)
		}
	}
	n := len(as)
	s.Awareness, s.Participation, s.Satisfaction = Wilson(aware, n), Wilson(part, n), MeanT(overall)
	for _, k := range Items[:6] {
		s.Items[k] = Wilson(yes[k], n)
	}
	for _, k := range Items[6:] {
		s.Items[k] = MeanT(sat[k])
	}
	return s
}

var periodRe = regexp.MustCompile(`^(20\d\d)(H[12]|Q[1-4])$`)

// Period reads a campaign's period — a half year (2026H2) or a quarter
// (2026Q3) — and returns its first day and the day after it, in Shanghai.
func Period(s string) (from, to time.Time, err error) {
	m := periodRe.FindStringSubmatch(s)
	if m == nil {
		return from, to, errs.Invalid("period", "write the period as a half year (2026H2) or a quarter (2026Q3)")
	}
	y, _ := strconv.Atoi(m[1])
	n := int(m[2][1] - '0')
	months := 6
	if m[2][0] == 'Q' {
		months = 3
	}
	from = time.Date(y, time.Month((n-1)*months+1), 1, 0, 0, 0, 0, clock.Shanghai)
	return from, from.AddDate(0, months, 0), nil
}

// Campaign statuses: open (answers taken between its opening and closing
// times) and closed (by the job at closes_at, or by staff).
const (
	Open   = "open"
	Closed = "closed"
)

// CanAnswer says whether a campaign takes an answer at now.
func CanAnswer(status string, opens, closes, now time.Time) error {
	switch {
	case status == Closed || !now.Before(closes):
		return errs.New(errs.ECONFLICT, "this survey has closed; thank you")
	case now.Before(opens):
		return errs.New(errs.ECONFLICT, "this survey opens at %s", opens.In(clock.Shanghai).Format("2006-01-02 15:04"))
	}
	return nil
}
