package app

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"os"
	"runtime/pprof"
	"runtime/trace"
	"time"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/loadtest"
)

// benchMixed runs `gongzhi bench mixed`: the server on the given database
// (the demo district is built first when it is empty) under issue 7's
// mixed load of a district admin, then the same machine's HTTP ceiling.
// Figures and the command line are in docs/benchmarks.md.
func (c *CLI) benchMixed(ctx context.Context, args []string) int {
	clients, duration, ceiling, profile, traceFile, mixName := 200, 60*time.Second, true, "", "", "mixed"
	warmup := 5 * time.Second
	cfg, rest, code := c.parse("bench mixed", args, func(fs *flag.FlagSet, _ *Config) {
		fs.IntVar(&clients, "clients", clients, "concurrent clients")
		fs.DurationVar(&duration, "duration", duration, "how long the mixed load runs")
		fs.DurationVar(&warmup, "warmup", warmup, "how long the same load runs unmeasured first, after the server's start-up work")
		fs.BoolVar(&ceiling, "ceiling", ceiling, "also measure the HTTP ceiling (GET /healthz) for as long")
		fs.StringVar(&profile, "cpuprofile", "", "write a CPU profile of the mixed load (server and clients) to this file")
		fs.StringVar(&traceFile, "trace", "", "write an execution trace of the mixed load to this file (go tool trace): where requests wait")
		fs.StringVar(&mixName, "mix", mixName, "mixed (issue 7's district admin), reads (the mix without intake), or one of its requests alone: demand-list, demand-search, one-demand, rates, breakdown, coverage, units, intake")
	})
	if code != 0 || len(rest) > 0 {
		return c.usageCode(code, "bench mixed takes no arguments")
	}
	mix := loadtest.Mixed()
	if mixName != "mixed" {
		mix = loadtest.Only(mixName)
	}
	if mix == nil {
		fmt.Fprintf(c.Stderr, "gongzhi bench mixed: unknown --mix %q\n", mixName)
		return exitUsage
	}
	if clients < 1 || duration < time.Second {
		fmt.Fprintln(c.Stderr, "gongzhi bench mixed: --clients must be at least 1 and --duration at least 1s")
		return exitUsage
	}
	cfg.Addr, cfg.LogLevel = "127.0.0.1:0", "error" // a log line per request would be most of the work
	m, code := c.open(ctx, cfg)
	if code != 0 {
		return code
	}
	defer m.Close()
	empty, err := area.Empty(ctx, m.DB)
	if err != nil {
		c.fail("bench", err)
		return exitFail
	}
	if empty {
		fmt.Fprintln(c.Stdout, "empty database: building the demo district first")
		if code := c.buildDemo(ctx, m); code != 0 {
			return code
		}
	}
	t, err := benchTarget(ctx, m)
	if err != nil {
		c.fail("bench", err)
		return exitFail
	}
	if err := m.Run(ctx); err != nil {
		c.fail("bench", err)
		return exitFail
	}
	t.BaseURL = m.URL()
	// Measure the server as it runs, not as it starts: its start-up work
	// done, then a few seconds of the same load unmeasured (connections,
	// caches, prepared statements).
	m.background.Wait()
	if warmup > 0 {
		if _, err := loadtest.Run(ctx, t, mix, clients, warmup); err != nil {
			c.fail("bench", err)
			return exitFail
		}
	}
	fmt.Fprintf(c.Stdout, "%s load on %s: %d demands, %d streets\n", mixName, m.DB.Dialect, len(t.Demands), len(t.Streets))
	if profile != "" {
		f, err := os.Create(profile)
		if err != nil {
			c.fail("bench", err)
			return exitFail
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			c.fail("bench", err)
			return exitFail
		}
	}
	if traceFile != "" {
		f, err := os.Create(traceFile)
		if err != nil {
			c.fail("bench", err)
			return exitFail
		}
		defer f.Close()
		if err := trace.Start(f); err != nil {
			c.fail("bench", err)
			return exitFail
		}
	}
	res, err := loadtest.Run(ctx, t, mix, clients, duration)
	if profile != "" {
		pprof.StopCPUProfile()
	}
	if traceFile != "" {
		trace.Stop()
	}
	if err != nil {
		c.fail("bench", err)
		return exitFail
	}
	res.Format(c.Stdout)
	if ceiling {
		fmt.Fprintln(c.Stdout, "\nHTTP ceiling (GET /healthz):")
		res, err := loadtest.Run(ctx, t, loadtest.Ceiling(), clients, duration)
		if err != nil {
			c.fail("bench", err)
			return exitFail
		}
		res.Format(c.Stdout)
	}
	return exitOK
}

// benchTarget reads what the mix needs from the database and makes a token
// for a district admin of the root area.
func benchTarget(ctx context.Context, m *Main) (*loadtest.Target, error) {
	t := &loadtest.Target{}
	var user int64
	roots, err := area.Roots(ctx, m.DB)
	if err != nil {
		return nil, err
	}
	for _, r := range roots {
		err := m.DB.QueryRow(ctx, "SELECT user_id FROM grants WHERE area_code = ? AND role = 'district_admin' ORDER BY user_id LIMIT 1", r.Code).Scan(&user)
		if err == nil {
			t.District = r.Code
			break
		} else if !errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
	}
	if t.District == "" {
		return nil, fmt.Errorf("no district admin on the root area: run gongzhi demo on an empty database, or add one")
	}
	if t.Streets, err = area.Codes(ctx, m.DB, area.Street); err != nil {
		return nil, err
	}
	if t.Residents, err = area.Codes(ctx, m.DB, area.Residential); err != nil {
		return nil, err
	}
	if t.Categories, err = db.Strings(ctx, m.DB, "SELECT code FROM demand_categories WHERE active = TRUE ORDER BY code"); err != nil {
		return nil, err
	}
	if t.Demands, err = db.IDs(ctx, m.DB, "SELECT id FROM demands ORDER BY id DESC LIMIT 5000"); err != nil {
		return nil, err
	}
	if len(t.Streets) == 0 || len(t.Residents) == 0 || len(t.Categories) == 0 || len(t.Demands) == 0 {
		return nil, fmt.Errorf("the database holds no demands to load: run gongzhi demo on an empty database")
	}
	t.Token, _, err = m.Auth.CreateToken(ctx, auth.SystemPrincipal(), user, "gongzhi bench")
	return t, err
}
