package web

import (
	"context"
	"strconv"
	"strings"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/demand"
	"gongzhi/internal/org"
)

// areaChoice is an area offered for typing into an <input list>: its label
// is the name path inside the user's scope (湖南路街道/东湖居民区/第1网格),
// which tells apart grids that share a name.
type areaChoice struct {
	Code, Name, Level, Label string
}

// areaChoices lists the areas p may see, in tree order, labelled by name path.
func (s *server) areaChoices(ctx context.Context, p *auth.Principal) ([]areaChoice, error) {
	areas, err := s.Org.Areas(ctx, p, org.AreaFilter{})
	if err != nil {
		return nil, err
	}
	labels := map[string]string{}
	out := make([]areaChoice, 0, len(areas))
	for _, a := range areas {
		name := a.NameIn(langOf(p))
		label := name
		if parent, ok := labels[a.ParentCode]; ok { // parents come first in path order
			label = parent + "/" + name
		}
		labels[a.Code] = label
		out = append(out, areaChoice{Code: a.Code, Name: name, Level: string(a.Level), Label: label})
	}
	return out, nil
}

// resolveArea turns what the operator typed (a code, a name path from the
// list, or a name that only one area has) into an area code.
func resolveArea(choices []areaChoice, text string) (string, bool) {
	text = strings.TrimSpace(text)
	if text == "" {
		return "", false
	}
	var byName []string
	for _, c := range choices {
		if c.Code == text || c.Label == text {
			return c.Code, true
		}
		if c.Name == text {
			byName = append(byName, c.Code)
		}
	}
	if len(byName) == 1 {
		return byName[0], true
	}
	return "", false
}

// resolveCategory turns a typed category (its code, Chinese or English name)
// into its code.
func resolveCategory(cats []demand.Category, text string) (string, bool) {
	text = strings.TrimSpace(text)
	if text == "" {
		return "", false
	}
	for _, c := range cats {
		if strings.EqualFold(c.Code, text) || c.Name == text || c.NameEN != "" && strings.EqualFold(c.NameEN, text) {
			return c.Code, true
		}
	}
	return "", false
}

// categoryNames maps category codes to names in the request's language.
func (rq *request) categoryNames(cats []demand.Category) map[string]string {
	out := make(map[string]string, len(cats))
	for _, c := range cats {
		out[c.Code] = rq.categoryName(c)
	}
	return out
}

// categoryName is the category's name in the request's language.
func (rq *request) categoryName(c demand.Category) string {
	if rq.Lang == langEN && c.NameEN != "" {
		return c.NameEN
	}
	return c.Name
}

// clockInfo is how a demand stands against the deadline that runs now.
type clockInfo struct {
	Due  time.Time
	Late bool   // the deadline has passed, or the service marked the demand overdue
	Left string // 还剩 2 小时 / 已超时 3 小时; empty when no clock runs
}

// clockOf reads the running deadline: the contact limit until the resident
// has been contacted, then the resolve limit. Resolved, closed and merged
// demands have no clock running.
func (rq *request) clockOf(now time.Time, d *demand.Demand) clockInfo {
	c := clockInfo{Due: d.ContactDue, Late: d.Overdue}
	if d.ContactedAt != nil {
		c.Due = d.ResolveDue
	}
	switch d.Status {
	case demand.Resolved, demand.Closed, demand.Merged:
		return c
	}
	if left := c.Due.Sub(now); left >= 0 {
		c.Left = rq.T("demand.time_left", rq.span(left))
	} else {
		c.Late = true
		c.Left = rq.T("demand.time_late", rq.span(-left))
	}
	return c
}

// span writes a duration the way staff say it: minutes under an hour,
// hours under two days, then days.
func (rq *request) span(d time.Duration) string {
	switch {
	case d < time.Hour:
		return rq.T("dur.minutes", max(1, int(d/time.Minute)))
	case d < 48*time.Hour:
		return rq.T("dur.hours", int(d/time.Hour))
	}
	return rq.T("dur.days", int(d/(24*time.Hour)))
}

// parseLocal reads an <input type="datetime-local"> value as Shanghai time.
func parseLocal(v string) (time.Time, bool) {
	v = strings.TrimSpace(v)
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, v, clock.Shanghai); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// parseCoord reads a latitude or longitude; empty is nil, junk is an error.
func parseCoord(v string) (*float64, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil, true
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return nil, false
	}
	return &f, true
}

// today is the current Shanghai date.
func (s *server) today() time.Time {
	n := s.Clock.Now().In(clock.Shanghai)
	return time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, clock.Shanghai)
}
