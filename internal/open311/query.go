package open311

import (
	"cmp"
	"context"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/demand"
	"gongzhi/internal/errs"
)

const (
	// Window is the longest span GET requests covers, and its default.
	Window = 90 * 24 * time.Hour
	// MaxRequests is the most requests one GET returns.
	MaxRequests = 1000
	// maxCodes bounds the service codes of one GET (each is a query).
	maxCodes = 100
	// pageSize is the demand service's largest page.
	pageSize = 500
)

// selection is a parsed GET requests call.
type selection struct {
	ids        []int64  // service_request_id: overrides everything else
	codes      []string // service_code; none means all
	statuses   []string // demand.ListFilter statuses to ask for; "" means all
	start, end time.Time
}

// parseSelection reads the filters of GET requests, reporting every bad
// one at once. Arguments sent empty are absent.
func parseSelection(q url.Values, now time.Time) (selection, error) {
	var s selection
	var bad problems
	if raw := list(q["service_request_id"]); len(raw) > 0 {
		if len(raw) > MaxRequests {
			return s, badRequest("service_request_id: at most %d ids at once", MaxRequests)
		}
		for _, v := range raw {
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil || id <= 0 {
				bad.add("service_request_id: %q is not a service request id", v)
			} else if !slices.Contains(s.ids, id) { // at most MaxRequests, so cheap
				s.ids = append(s.ids, id)
			}
		}
		if len(bad) > 0 {
			return s, bad.err()
		}
		return s, nil
	}
	if s.codes = list(q["service_code"]); len(s.codes) > maxCodes {
		bad.add("service_code: at most %d codes at once", maxCodes)
	}
	open, closed := false, false
	for _, st := range list(q["status"]) {
		switch strings.ToLower(st) {
		case "open":
			open = true
		case "closed":
			closed = true
		default:
			bad.add("status: %q is not open or closed", st)
		}
	}
	switch {
	case open && !closed:
		s.statuses = []string{"open"}
	case closed && !open:
		s.statuses = []string{string(demand.Closed), string(demand.Merged)}
	default:
		s.statuses = []string{""}
	}
	start, okStart := parseTime(q.Get("start_date"), "start_date", &bad)
	end, okEnd := parseTime(q.Get("end_date"), "end_date", &bad)
	switch {
	case !okStart && !okEnd:
		start, end = now.Add(-Window), now
	case !okStart:
		start = end.Add(-Window)
	case !okEnd:
		end = start.Add(Window)
	}
	if end.Before(start) {
		bad.add("end_date: %s is before start_date %s", isoTime(end), isoTime(start))
	} else if end.Sub(start) > Window {
		bad.add("start_date/end_date: the span may not exceed 90 days; ask for several spans")
	}
	if okEnd && len(strings.TrimSpace(q.Get("end_date"))) == len(time.DateOnly) {
		end = end.AddDate(0, 0, 1).Add(-time.Nanosecond) // a day given as end_date is included whole
	}
	s.start, s.end = start, end
	if len(bad) > 0 {
		return s, bad.err()
	}
	return s, nil
}

// list splits repeated and comma-separated values, dropping empty and
// repeated ones.
func list(vals []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, v := range vals {
		for p := range strings.SplitSeq(v, ",") {
			if p = strings.TrimSpace(p); p != "" && !seen[p] {
				seen[p] = true
				out = append(out, p)
			}
		}
	}
	return out
}

// timeLayouts are the W3C-note forms of ISO-8601 we read; those without
// an offset are taken as Asia/Shanghai time.
var timeLayouts = []struct {
	layout string
	local  bool
}{
	{time.RFC3339, false}, // fractions of a second are accepted too
	{"2006-01-02T15:04Z07:00", false},
	{"2006-01-02T15:04:05", true},
	{"2006-01-02T15:04", true},
	{time.DateOnly, true},
}

// The years a start_date or end_date may name. The demand list takes
// 4-digit dates, and a start_date of 9998 still ends its 90 days in 9999;
// outside them the argument the client sent is reported, not the list's
// own filter.
const minYear, maxYear = 1970, 9998

// parseTime reads an ISO-8601 argument. A '+' of an offset that arrived
// unescaped in a query string (and so as a space) is put back.
func parseTime(v, name string, bad *problems) (time.Time, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, false
	}
	if i := strings.LastIndexByte(v, ' '); i > 0 && strings.Contains(v[:i], "T") {
		v = v[:i] + "+" + v[i+1:]
	}
	for _, l := range timeLayouts {
		var t time.Time
		var err error
		if l.local {
			t, err = time.ParseInLocation(l.layout, v, clock.Shanghai)
		} else {
			t, err = time.Parse(l.layout, v)
		}
		if err == nil && (t.Year() < minYear || t.Year() > maxYear) {
			bad.add("%s: %q is out of range; ask for a time between the years %d and %d", name, v, minYear, maxYear)
			return time.Time{}, false
		}
		if err == nil {
			return t, true
		}
	}
	bad.add("%s: %q is not an ISO-8601 time such as 2026-11-30T09:30:00+08:00", name, v)
	return time.Time{}, false
}

// find returns the selected demands, each loaded whole (timeline and
// reporters) for its public record.
func (h *handler) find(ctx context.Context, s selection) ([]*demand.Demand, error) {
	ids := s.ids
	if len(ids) == 0 {
		var err error
		if ids, err = h.search(ctx, s); err != nil {
			return nil, err
		}
	}
	ds, err := h.loadAll(ctx, ids)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(ds, func(d *demand.Demand) bool { return d == nil }), nil
}

// loaders is how many demands loadAll reads at once: the demand service
// has no batch read with timelines, and one at a time a full answer of
// 1,000 requests takes well over a second on PostgreSQL.
const loaders = 6

// loadAll loads the demands in order; an id that names no demand (asked
// for by a client) is left nil.
func (h *handler) loadAll(ctx context.Context, ids []int64) ([]*demand.Demand, error) {
	out := make([]*demand.Demand, len(ids))
	fails := make([]error, len(ids))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(loaders, len(ids)) {
		wg.Go(func() {
			for i := range next {
				d, err := h.Demand.Get(ctx, auth.SystemPrincipal(), ids[i])
				if errs.Code(err) != errs.ENOTFOUND {
					out[i], fails[i] = d, err
				}
			}
		})
	}
	for i := range ids {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range fails {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// search lists the ids matching codes, statuses and the time span, newest
// first, at most MaxRequests. Open311 sees the whole jurisdiction, so it
// lists as the system; service codes are matched exactly (the demand list
// matches a parent category's children too) and times to the second (the
// list filters by Shanghai days).
func (h *handler) search(ctx context.Context, s selection) ([]int64, error) {
	codes := s.codes
	if len(codes) == 0 {
		codes = []string{""}
	}
	seen := map[int64]bool{}
	var found []demand.Demand
	for _, code := range codes {
		for _, st := range s.statuses {
			f := demand.ListFilter{Category: code, Status: st, Sort: "newest",
				From: s.start.In(clock.Shanghai).Format(time.DateOnly), To: s.end.In(clock.Shanghai).Format(time.DateOnly)}
			keep := func(d *demand.Demand) bool {
				return !seen[d.ID] && (code == "" || d.Category == code) && !d.CreatedAt.Before(s.start) && !d.CreatedAt.After(s.end)
			}
			ds, err := h.collect(ctx, f, keep)
			if err != nil {
				return nil, err
			}
			for _, d := range ds {
				seen[d.ID] = true
			}
			found = append(found, ds...)
		}
	}
	slices.SortFunc(found, func(a, b demand.Demand) int {
		if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
			return c
		}
		return cmp.Compare(b.ID, a.ID)
	})
	ids := make([]int64, 0, min(len(found), MaxRequests))
	for _, d := range found[:min(len(found), MaxRequests)] {
		ids = append(ids, d.ID)
	}
	return ids, nil
}

// collect pages through the demand list until MaxRequests demands pass keep.
func (h *handler) collect(ctx context.Context, f demand.ListFilter, keep func(*demand.Demand) bool) ([]demand.Demand, error) {
	var out []demand.Demand
	f.PerPage = pageSize
	for f.Page = 1; ; f.Page++ {
		res, err := h.Demand.List(ctx, auth.SystemPrincipal(), f)
		if err != nil {
			return nil, err
		}
		ds := res.Items
		for i := range ds {
			if keep(&ds[i]) {
				if out = append(out, ds[i]); len(out) == MaxRequests {
					return out, nil
				}
			}
		}
		if len(ds) < pageSize || !res.TotalCapped && f.Page*pageSize >= res.Total {
			return out, nil
		}
	}
}
