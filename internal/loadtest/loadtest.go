// Package loadtest drives a running gongzhi server with many concurrent
// clients and reports throughput and latency: the mixed load of issue 7
// (a district admin's lists, searches, one demand, the rates, a
// breakdown, coverage, units and intake) and the HTTP ceiling of the same
// machine. `gongzhi bench mixed` runs it; docs/benchmarks.md has figures.
package loadtest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Target is what the mix needs to know of the district it runs against.
type Target struct {
	BaseURL    string   // http://127.0.0.1:8080
	Token      string   // a district admin's API token
	District   string   // the district's area code
	Streets    []string // street codes, for drill-downs
	Residents  []string // residential area codes, for intake
	Categories []string // active category codes
	Demands    []int64  // ids of existing demands
}

// Request is one kind of request in a mix, with its share of the load.
type Request struct {
	Name   string
	Weight int
	// Build returns the method, the path below BaseURL and a JSON body (nil: none).
	Build func(r *rand.Rand, t *Target) (method, path string, body []byte)
}

// searchWords are what staff type into the demand search.
var searchWords = []string{"噪音", "电梯", "垃圾", "停车", "漏水", "广场舞", "油烟", "路灯"}

// Mixed is the district admin's mix of issue 7: lists and searches
// dominate, as on a busy morning of a street's office.
func Mixed() []Request {
	yearAgo := time.Now().AddDate(-1, 0, 1).Format(time.DateOnly)
	pick := func(r *rand.Rand, xs []string) string { return xs[r.IntN(len(xs))] }
	return []Request{
		{"demand list", 20, func(r *rand.Rand, t *Target) (string, string, []byte) {
			q := url.Values{"page": {strconv.Itoa(1 + r.IntN(5))}}
			switch r.IntN(3) {
			case 1:
				q.Set("status", "dispatched")
			case 2:
				q.Set("area", pick(r, t.Streets))
			}
			return "GET", "/api/v1/demands?" + q.Encode(), nil
		}},
		{"demand search", 20, func(r *rand.Rand, t *Target) (string, string, []byte) {
			q := url.Values{"q": {pick(r, searchWords)}}
			if r.IntN(2) == 1 {
				q.Set("area", pick(r, t.Streets))
			}
			return "GET", "/api/v1/demands?" + q.Encode(), nil
		}},
		{"one demand", 15, func(r *rand.Rand, t *Target) (string, string, []byte) {
			return "GET", "/api/v1/demands/" + strconv.FormatInt(t.Demands[r.IntN(len(t.Demands))], 10), nil
		}},
		// The dashboard's figures: the last 30 days (what it opens with)
		// three times in four, a whole year otherwise.
		{"rates", 10, func(r *rand.Rand, t *Target) (string, string, []byte) {
			q := url.Values{"area": {t.District}}
			if r.IntN(2) == 1 {
				q.Set("area", pick(r, t.Streets))
			}
			if r.IntN(4) == 0 {
				q.Set("from", yearAgo)
			}
			return "GET", "/api/v1/stats/demands?" + q.Encode(), nil
		}},
		{"breakdown", 10, func(r *rand.Rand, t *Target) (string, string, []byte) {
			q := url.Values{"area": {t.District}}
			if r.IntN(4) == 0 {
				q.Set("from", yearAgo)
			}
			return "GET", "/api/v1/stats/demands/breakdown?" + q.Encode(), nil
		}},
		{"coverage", 10, func(r *rand.Rand, t *Target) (string, string, []byte) {
			area := t.District
			if r.IntN(2) == 1 {
				area = pick(r, t.Streets)
			}
			return "GET", "/api/v1/stats/coverage?area=" + area, nil
		}},
		{"units", 10, func(r *rand.Rand, t *Target) (string, string, []byte) {
			return "GET", "/api/v1/units?" + url.Values{"area": {pick(r, t.Streets)}, "page": {strconv.Itoa(1 + r.IntN(3))}}.Encode(), nil
		}},
		{"intake", 5, func(r *rand.Rand, t *Target) (string, string, []byte) {
			body := fmt.Sprintf(`{"category":%q,"area":%q,"channel":"hotline","description":"压力测试：%s问题反映 %d","reporter":{"name":"测试","phone":"139%08d"},"attributes":{"building":"12号"}}`,
				pick(r, t.Categories), pick(r, t.Residents), pick(r, searchWords), r.IntN(1_000_000), r.IntN(100_000_000))
			return "POST", "/api/v1/demands", []byte(body)
		}},
	}
}

// Only is one request of the mixed load alone (its name with dashes for
// spaces: "intake", "demand-search"), to see what each costs; nil when
// there is none of that name. Intake alone is the end-to-end figure beside
// BenchmarkIntake64's service-level one.
func Only(name string) []Request {
	if name == "reads" {
		// The mix without intake: what writes cost the readers (each commit
		// makes every SQLite connection drop its page cache).
		var out []Request
		for _, r := range Mixed() {
			if r.Name != "intake" {
				out = append(out, r)
			}
		}
		return out
	}
	for _, r := range Mixed() {
		if strings.ReplaceAll(r.Name, " ", "-") == name {
			return []Request{r}
		}
	}
	return nil
}

// Ceiling is the cheapest request through the same server and middleware,
// for the machine's HTTP ceiling.
func Ceiling() []Request {
	return []Request{{"healthz", 1, func(*rand.Rand, *Target) (string, string, []byte) { return "GET", "/healthz", nil }}}
}

// Stat is the figures of one kind of request, or of all of them.
type Stat struct {
	Name               string
	Requests           int
	PerSecond          float64
	P50, P95, P99, Max time.Duration
	Failed             int         // transport errors and 5xx
	ByStatus           map[int]int // 0: transport error
	FirstError         string      // the start of the first answer that was not 2xx
}

// Result is one run.
type Result struct {
	Clients  int
	Duration time.Duration
	CPU      time.Duration // the process's CPU time over the run
	All      Stat
	ByName   []Stat
}

type sample struct {
	kind   int
	status int
	took   time.Duration
	body   string // the start of a non-2xx answer
}

// Run sends mix from clients concurrent clients for d and measures every
// response. Each client waits for its answer before the next request (a
// closed loop), as staff at their desks do.
func Run(ctx context.Context, t *Target, mix []Request, clients int, d time.Duration) (Result, error) {
	if len(mix) == 0 || clients < 1 {
		return Result{}, fmt.Errorf("loadtest: empty mix or no clients")
	}
	var weights []int
	for i, m := range mix {
		for range m.Weight {
			weights = append(weights, i)
		}
	}
	tr := &http.Transport{MaxIdleConns: clients, MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients, IdleConnTimeout: time.Minute}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr, Timeout: 60 * time.Second}
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	per := make([][]sample, clients)
	var wg sync.WaitGroup
	cpu0 := cpuTime()
	start := time.Now()
	for c := range clients {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(c), 7))
			for ctx.Err() == nil {
				k := weights[r.IntN(len(weights))]
				method, path, body := mix[k].Build(r, t)
				status, took, answer := send(ctx, hc, t, method, path, body)
				if ctx.Err() != nil && status == 0 {
					return // cut off by the end of the run, not a failure
				}
				per[c] = append(per[c], sample{kind: k, status: status, took: took, body: answer})
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	cpu := cpuTime() - cpu0
	var all []sample
	for _, s := range per {
		all = append(all, s...)
	}
	res := Result{Clients: clients, Duration: elapsed, CPU: cpu, All: stat("all", all, elapsed)}
	for k, m := range mix {
		var mine []sample
		for _, s := range all {
			if s.kind == k {
				mine = append(mine, s)
			}
		}
		res.ByName = append(res.ByName, stat(m.Name, mine, elapsed))
	}
	return res, nil
}

func send(ctx context.Context, hc *http.Client, t *Target, method, path string, body []byte) (int, time.Duration, string) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, t.BaseURL+path, rd)
	if err != nil {
		return 0, 0, err.Error()
	}
	if t.Token != "" {
		req.Header.Set("Authorization", "Bearer "+t.Token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	start := time.Now()
	resp, err := hc.Do(req)
	if err != nil {
		return 0, time.Since(start), err.Error()
	}
	var answer string
	if resp.StatusCode >= 300 {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 300))
		answer = method + " " + path + " → " + string(b)
	}
	io.Copy(io.Discard, resp.Body)
	took := time.Since(start)
	resp.Body.Close()
	return resp.StatusCode, took, answer
}

func stat(name string, ss []sample, elapsed time.Duration) Stat {
	st := Stat{Name: name, Requests: len(ss), ByStatus: map[int]int{}}
	if len(ss) == 0 {
		return st
	}
	took := make([]time.Duration, len(ss))
	for i, s := range ss {
		took[i] = s.took
		st.ByStatus[s.status]++
		if s.body != "" && st.FirstError == "" {
			st.FirstError = s.body
		}
		if s.status == 0 || s.status >= 500 {
			st.Failed++
		}
	}
	slices.Sort(took)
	q := func(p float64) time.Duration { return took[min(len(took)-1, int(p*float64(len(took))))] }
	st.P50, st.P95, st.P99, st.Max = q(0.50), q(0.95), q(0.99), took[len(took)-1]
	st.PerSecond = float64(len(ss)) / elapsed.Seconds()
	return st
}

// Format writes r as a table.
func (r Result) Format(w io.Writer) {
	fmt.Fprintf(w, "%d clients, %.1f s", r.Clients, r.Duration.Seconds())
	if r.All.Requests > 0 && r.CPU > 0 {
		// Throughput moves with whatever else the machine runs; the
		// process's CPU time a request (server and clients) does less so.
		fmt.Fprintf(w, ", %.2f ms of CPU a request (server and clients)", float64(r.CPU.Microseconds())/1000/float64(r.All.Requests))
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "%-16s %9s %9s %9s %9s %9s %9s  %s\n", "request", "count", "req/s", "p50", "p95", "p99", "max", "statuses")
	for _, s := range append(r.ByName, r.All) {
		var codes []string
		keys := make([]int, 0, len(s.ByStatus))
		for k := range s.ByStatus {
			keys = append(keys, k)
		}
		sort.Ints(keys)
		for _, k := range keys {
			codes = append(codes, fmt.Sprintf("%d×%d", k, s.ByStatus[k]))
		}
		fmt.Fprintf(w, "%-16s %9d %9.1f %9s %9s %9s %9s  %s\n", s.Name, s.Requests, s.PerSecond, ms(s.P50), ms(s.P95), ms(s.P99), ms(s.Max), strings.Join(codes, " "))
	}
	for _, s := range r.ByName {
		if s.FirstError != "" {
			fmt.Fprintf(w, "  first error of %s: %s\n", s.Name, s.FirstError)
		}
	}
}

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 1, 64) + "ms"
}

// cpuTime is the CPU time this process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
