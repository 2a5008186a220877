package app

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/backup"
	"gongzhi/internal/db"
	"gongzhi/internal/demo"
	"gongzhi/internal/errs"
	"gongzhi/internal/org"
)

// Version is set at build time with -ldflags "-X gongzhi/internal/app.Version=…".
var Version = "dev"

// Exit codes, part of the command line's contract: 0 success, 1 failure,
// 2 usage error.
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
)

const usage = `gongzhi — 共治: party-building-led grassroots governance

Usage:
  gongzhi serve [--data DIR] [--db DSN] [--addr HOST:PORT] [--demo]
  gongzhi demo [--data DIR] [--db DSN]
  gongzhi migrate [--data DIR] [--db DSN]
  gongzhi user add --username U --role ROLE --area CODE [--unit ID] [--display-name N] [--password-stdin]
  gongzhi token create --username U [--label L]
  gongzhi import units FILE
  gongzhi export units [--area CODE] [--kind KIND] [--out FILE.xlsx|FILE.csv]
  gongzhi bench mixed [--clients 200] [--duration 60s] [--mix mixed|intake|demand-search|…] [--ceiling=false] [--cpuprofile F]
  gongzhi backup --out FILE            (while serve runs: one consistent snapshot, either engine)
  gongzhi restore [--check] FILE       (into an empty database of either engine; --check only reads FILE)
  gongzhi move --to postgres://…|sqlite:PATH|DIR
  gongzhi version

Every command takes --data DIR and --db DSN (env GONGZHI_DATA, GONGZHI_DB).
Roles: district_admin, street_staff, community_staff, grid_worker, unit_liaison, member, resident, auditor.
A unit_liaison names its unit with --unit (a unit id inside --area): it sees only the demands dispatched to it
(without --unit it reaches no demand until a unit is named).
`

// CLI holds the streams a command talks to, so tests can run commands in-process.
type CLI struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	// Ready, when set, is called with the running Main once serve listens (tests).
	Ready func(*Main)
}

// Run runs one command line and returns its exit code.
func (c *CLI) Run(ctx context.Context, args []string) int {
	if c.Getenv == nil {
		c.Getenv = os.Getenv
	}
	if len(args) == 0 {
		fmt.Fprint(c.Stderr, usage)
		return exitUsage
	}
	cmd, rest := args[0], args[1:]
	if len(rest) > 0 && (cmd == "user" || cmd == "token" || cmd == "import" || cmd == "export" || cmd == "bench") {
		cmd, rest = cmd+" "+rest[0], rest[1:]
	}
	switch cmd {
	case "serve":
		return c.serve(ctx, rest)
	case "demo":
		return c.demo(ctx, rest)
	case "migrate":
		return c.migrate(ctx, rest)
	case "user add":
		return c.userAdd(ctx, rest)
	case "token create":
		return c.tokenCreate(ctx, rest)
	case "import units":
		return c.importUnits(ctx, rest)
	case "export units":
		return c.exportUnits(ctx, rest)
	case "bench mixed":
		return c.benchMixed(ctx, rest)
	case "backup":
		return c.backup(ctx, rest)
	case "restore":
		return c.restore(ctx, rest)
	case "move":
		return c.move(ctx, rest)
	case "version", "--version", "-v":
		fmt.Fprintf(c.Stdout, "gongzhi %s (schema %d)\n", Version, db.SchemaVersion())
		return exitOK
	case "help", "--help", "-h":
		fmt.Fprint(c.Stdout, usage)
		return exitOK
	}
	fmt.Fprintf(c.Stderr, "gongzhi: unknown command %q\n\n%s", strings.Join(args[:min(2, len(args))], " "), usage)
	return exitUsage
}

// parse binds flags, parses args and validates the config; code is 0 on success.
func (c *CLI) parse(name string, args []string, bind func(*flag.FlagSet, *Config)) (Config, []string, int) {
	cfg := DefaultConfig(c.Getenv)
	fs := flag.NewFlagSet("gongzhi "+name, flag.ContinueOnError)
	fs.SetOutput(c.Stderr)
	cfg.storageFlags(fs)
	if bind != nil {
		bind(fs, &cfg)
	}
	// Flags may come before or after positional arguments (import units FILE --data DIR).
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return cfg, nil, -1
			}
			return cfg, nil, exitUsage
		}
		if fs.NArg() == 0 {
			break
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if err := cfg.Validate(); err != nil {
		fmt.Fprintf(c.Stderr, "gongzhi %s: %v\n", name, err)
		return cfg, nil, exitUsage
	}
	return cfg, positional, 0
}

// open builds and opens a Main; logs go to stderr.
func (c *CLI) open(ctx context.Context, cfg Config) (*Main, int) {
	m := NewMain(cfg, c.Stderr)
	if err := m.Open(ctx); err != nil {
		c.fail("open database", err)
		return nil, exitFail
	}
	return m, 0
}

// fail prints err on stderr with its details, one per line.
func (c *CLI) fail(what string, err error) {
	details := errs.DetailsOf(err)
	if len(details) == 0 || errs.Code(err) == errs.EINTERNAL {
		msg := errs.Message(err)
		if errs.Code(err) == errs.EINTERNAL {
			msg = err.Error()
		}
		fmt.Fprintf(c.Stderr, "gongzhi: %s: %s\n", what, msg)
		return
	}
	fmt.Fprintf(c.Stderr, "gongzhi: %s: %s\n", what, errs.Message(err))
	for _, d := range details {
		switch {
		case d.Row > 0 && d.Column == "": // a whole row, as a file over the import limits
			fmt.Fprintf(c.Stderr, "  row %d: %s\n", d.Row, d.Message)
		case d.Row > 0:
			fmt.Fprintf(c.Stderr, "  row %d, column %s: %s\n", d.Row, d.Column, d.Message)
		case d.Field != "":
			fmt.Fprintf(c.Stderr, "  %s: %s\n", d.Field, d.Message)
		}
	}
}

func (c *CLI) serve(ctx context.Context, args []string) int {
	cfg, rest, code := c.parse("serve", args, func(fs *flag.FlagSet, cfg *Config) { cfg.serveFlags(fs) })
	if code != 0 || len(rest) > 0 {
		return c.usageCode(code, "serve takes no arguments")
	}
	// Listen first: while the database is waited for and migrated, and the
	// demo built, /readyz answers 503 naming the step (readiness.go).
	m := NewMain(cfg, c.Stderr)
	if err := m.Listen(); err != nil {
		c.fail("serve", err)
		return exitFail
	}
	err := m.waitForRestore(ctx)
	if err == nil {
		m.start.set("migrating the database")
		err = m.Open(ctx)
	}
	if err != nil {
		m.Close()
		if ctx.Err() != nil { // SIGTERM while starting: a stop, not a failure
			m.Logger.Info("stopped while starting")
			return exitOK
		}
		c.fail("open database", err)
		return exitFail
	}
	if cfg.Demo {
		m.start.set("building the demo district")
		if empty, err := c.isEmpty(ctx, m); err != nil {
			c.fail("demo", err)
			m.Close()
			return exitFail
		} else if empty {
			if code := c.buildDemo(ctx, m); code != 0 {
				m.Close()
				return code
			}
		} else {
			fmt.Fprintln(c.Stdout, "database is not empty; serving it as it is (demo not rebuilt)")
		}
	}
	if err := m.Run(ctx); err != nil {
		c.fail("serve", err)
		m.Close()
		return exitFail
	}
	fmt.Fprintf(c.Stdout, "gongzhi is serving at %s\n", m.URL())
	if c.Ready != nil {
		c.Ready(m)
	}
	select {
	case <-ctx.Done(): // SIGTERM or SIGINT
	case err := <-m.done:
		m.done <- err // let Close collect it
	}
	m.Logger.Info("shutting down: finishing in-flight requests")
	if err := m.Close(); err != nil {
		c.fail("shutdown", err)
		return exitFail
	}
	return exitOK
}

func (c *CLI) usageCode(code int, msg string) int {
	if code == -1 {
		return exitOK
	}
	if code != 0 {
		return code
	}
	fmt.Fprintf(c.Stderr, "gongzhi: %s\n", msg)
	return exitUsage
}

func (c *CLI) isEmpty(ctx context.Context, m *Main) (bool, error) {
	return area.Empty(ctx, m.DB)
}

func (c *CLI) buildDemo(ctx context.Context, m *Main) int {
	logins, err := demo.Build(ctx, m.DB, m.Auth, m.Clock)
	if err != nil {
		c.fail("demo", err)
		return exitFail
	}
	fmt.Fprintln(c.Stdout, "demo district 徐汇区 (310104) is ready. Demo logins:")
	for _, l := range logins {
		unit := ""
		if l.UnitName != "" {
			unit = " · " + l.UnitName
		}
		fmt.Fprintf(c.Stdout, "  %-10s %-16s %-18s %s (%s)%s\n", l.Username, l.Password, l.Role, l.AreaName, l.Area, unit)
	}
	return exitOK
}

func (c *CLI) demo(ctx context.Context, args []string) int {
	cfg, rest, code := c.parse("demo", args, nil)
	if code != 0 || len(rest) > 0 {
		return c.usageCode(code, "demo takes no arguments")
	}
	m, code := c.open(ctx, cfg)
	if code != 0 {
		return code
	}
	defer m.Close()
	return c.buildDemo(ctx, m)
}

func (c *CLI) migrate(ctx context.Context, args []string) int {
	cfg, rest, code := c.parse("migrate", args, nil)
	if code != 0 || len(rest) > 0 {
		return c.usageCode(code, "migrate takes no arguments")
	}
	m, code := c.open(ctx, cfg)
	if code != 0 {
		return code
	}
	defer m.Close()
	fmt.Fprintf(c.Stdout, "migrations applied (%s)\n", m.DB.Dialect)
	return exitOK
}

func (c *CLI) userAdd(ctx context.Context, args []string) int {
	var username, role, area, display string
	var unit int64
	var pwStdin bool
	cfg, rest, code := c.parse("user add", args, func(fs *flag.FlagSet, _ *Config) {
		fs.StringVar(&username, "username", "", "login name (required)")
		fs.StringVar(&role, "role", "", "role (required): "+strings.Join(roleNames(), ", "))
		fs.StringVar(&area, "area", "", "area code the role is granted on (required)")
		fs.Int64Var(&unit, "unit", 0, "id of the unit a unit_liaison handles the dispatched demands of (a liaison without one reaches no demand)")
		fs.StringVar(&display, "display-name", "", "name shown in the interface")
		fs.BoolVar(&pwStdin, "password-stdin", false, "read the password from the first line of stdin instead of generating one")
	})
	if code != 0 || len(rest) > 0 {
		return c.usageCode(code, "user add takes no arguments")
	}
	if username == "" || role == "" || area == "" {
		fmt.Fprintln(c.Stderr, "gongzhi user add: --username, --role and --area are required")
		return exitUsage
	}
	password, generated := "", false
	if pwStdin {
		line, err := bufio.NewReader(c.Stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			c.fail("read password", err)
			return exitFail
		}
		password = strings.TrimRight(line, "\r\n")
	} else {
		password, generated = randomPassword(), true
	}
	m, code := c.open(ctx, cfg)
	if code != 0 {
		return code
	}
	defer m.Close()
	u, err := m.Auth.CreateUser(ctx, auth.SystemPrincipal(), auth.NewUser{Username: username, DisplayName: display, Password: password, Role: role, Area: area, Unit: unit})
	if err != nil {
		c.fail("user add", err)
		return exitFail
	}
	fmt.Fprintf(c.Stdout, "created user %s (id %d) as %s on %s\n", u.Username, u.ID, role, area)
	if generated {
		fmt.Fprintf(c.Stdout, "password: %s\n", password)
	}
	return exitOK
}

func roleNames() []string {
	out := make([]string, len(auth.Roles))
	for i, r := range auth.Roles {
		out[i] = string(r)
	}
	return out
}

func (c *CLI) tokenCreate(ctx context.Context, args []string) int {
	var username, label string
	cfg, rest, code := c.parse("token create", args, func(fs *flag.FlagSet, _ *Config) {
		fs.StringVar(&username, "username", "", "user the token acts as (required)")
		fs.StringVar(&label, "label", "", "what the token is for")
	})
	if code != 0 || len(rest) > 0 {
		return c.usageCode(code, "token create takes no arguments")
	}
	if username == "" {
		fmt.Fprintln(c.Stderr, "gongzhi token create: --username is required")
		return exitUsage
	}
	m, code := c.open(ctx, cfg)
	if code != 0 {
		return code
	}
	defer m.Close()
	id, err := m.Auth.UserIDByName(ctx, username)
	if err != nil {
		c.fail("token create", err)
		return exitFail
	}
	secret, _, err := m.Auth.CreateToken(ctx, auth.SystemPrincipal(), id, label)
	if err != nil {
		c.fail("token create", err)
		return exitFail
	}
	fmt.Fprintf(c.Stdout, "token for %s (shown once; store it now):\n%s\n", username, secret)
	return exitOK
}

func (c *CLI) importUnits(ctx context.Context, args []string) int {
	cfg, rest, code := c.parse("import units", args, nil)
	if code != 0 || len(rest) != 1 {
		return c.usageCode(code, "import units takes exactly one FILE (.csv or .xlsx)")
	}
	file := rest[0]
	f, err := os.Open(file)
	if err != nil {
		fmt.Fprintf(c.Stderr, "gongzhi: import units: %v\n", err)
		return exitFail
	}
	defer f.Close()
	m, code := c.open(ctx, cfg)
	if code != 0 {
		return code
	}
	defer m.Close()
	res, err := m.Org.ImportUnits(ctx, auth.SystemPrincipal(), filepath.Base(file), f, nil)
	if err != nil {
		c.fail("import units "+file, err)
		return exitFail
	}
	fmt.Fprintf(c.Stdout, "imported %d units from %s\n", res.Created, file)
	return exitOK
}

func (c *CLI) exportUnits(ctx context.Context, args []string) int {
	var area, kind, out string
	cfg, rest, code := c.parse("export units", args, func(fs *flag.FlagSet, _ *Config) {
		fs.StringVar(&area, "area", "", "only units in this area's subtree")
		fs.StringVar(&kind, "kind", "", "only this kind: regional_unit, non_public_enterprise, social_organization, shop")
		fs.StringVar(&out, "out", "", "output file, .xlsx or .csv (default: CSV on stdout)")
	})
	if code != 0 || len(rest) > 0 {
		return c.usageCode(code, "export units takes no arguments")
	}
	f := org.UnitFilter{Area: area}
	if kind != "" {
		k := org.UnitKind(kind)
		f.Kind = &k
	}
	m, code := c.open(ctx, cfg)
	if code != 0 {
		return code
	}
	defer m.Close()
	w := c.Stdout
	var file *os.File
	if out != "" {
		var err error
		if file, err = os.Create(out); err != nil {
			fmt.Fprintf(c.Stderr, "gongzhi: export units: %v\n", err)
			return exitFail
		}
		w = file
	}
	var err error
	if strings.HasSuffix(strings.ToLower(out), ".xlsx") {
		err = m.Org.ExportUnitsXLSX(ctx, auth.SystemPrincipal(), f, w)
	} else {
		err = m.Org.ExportUnitsCSV(ctx, auth.SystemPrincipal(), f, w)
	}
	if file != nil {
		if cerr := file.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		c.fail("export units", err)
		return exitFail
	}
	return exitOK
}

func randomPassword() string {
	const alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
	b := make([]byte, 16)
	randRead(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b[:4]) + "-" + string(b[4:8]) + "-" + string(b[8:12]) + "-" + string(b[12:])
}

// connect opens the database of cfg as it stands, without migrating it:
// backup and move read a live server's database and must not change it.
func (c *CLI) connect(ctx context.Context, what string, cfg Config) (*db.DB, int) {
	if cfg.DB == "" {
		if _, err := os.Stat(db.SQLitePath(cfg.DataDir)); err != nil {
			fmt.Fprintf(c.Stderr, "gongzhi: %s: no database at %s (give --data DIR or --db postgres://…)\n", what, db.SQLitePath(cfg.DataDir))
			return nil, exitFail
		}
	}
	d, err := db.Connect(ctx, cfg.DB, cfg.DataDir)
	if err != nil {
		c.fail(what, err)
		return nil, exitFail
	}
	return d, 0
}

// copyOptions reports a copy's progress on stderr: a bar redrawn in place
// on a terminal, one line per table otherwise.
func (c *CLI) copyOptions(verb string) backup.Options {
	tty := false
	if f, ok := c.Stderr.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			tty = true
		}
	}
	last := time.Now()
	return backup.Options{
		Release: Version,
		Progress: func(p backup.Progress) {
			switch {
			case p.End:
				clear := ""
				if tty {
					clear = "\r\033[K"
				}
				fmt.Fprintf(c.Stderr, "%s%s: %-24s %11s rows %6.1fs\n", clear, verb, p.Table, thousands(p.Done), time.Since(last).Seconds())
				last = time.Now()
			case tty && p.Total > 0:
				done := int(20 * min(p.Done, p.Total) / p.Total)
				fmt.Fprintf(c.Stderr, "\r\033[K%s: %-24s [%s%s] %s/%s", verb, p.Table, strings.Repeat("#", done), strings.Repeat(" ", 20-done), thousands(p.Done), thousands(p.Total))
			}
		},
		Step: func(s string) {
			fmt.Fprintf(c.Stderr, "%s: %s\n", verb, s)
			last = time.Now()
		},
	}
}

func thousands(n int64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func (c *CLI) backup(ctx context.Context, args []string) int {
	var out string
	cfg, rest, code := c.parse("backup", args, func(fs *flag.FlagSet, _ *Config) {
		fs.StringVar(&out, "out", "", "backup file to write (required; - for stdout)")
	})
	if code != 0 || len(rest) > 0 {
		return c.usageCode(code, "backup takes no arguments")
	}
	if out == "" {
		fmt.Fprintln(c.Stderr, "gongzhi backup: --out FILE is required")
		return exitUsage
	}
	d, code := c.connect(ctx, "backup", cfg)
	if code != 0 {
		return code
	}
	defer d.Close()
	start := time.Now()
	var m *backup.Manifest
	var err error
	if out == "-" {
		m, err = backup.Backup(ctx, d, c.Stdout, c.copyOptions("backup"))
	} else {
		// Written beside its final name and renamed when complete, so FILE
		// is never a partial backup.
		m, err = backup.WriteFile(ctx, d, out, c.copyOptions("backup"))
	}
	if err != nil {
		c.fail("backup", err)
		return exitFail
	}
	size := ""
	if st, err := os.Stat(out); err == nil {
		size = fmt.Sprintf(" (%.1f MiB)", float64(st.Size())/(1<<20))
	}
	fmt.Fprintf(c.Stderr, "backup of the %s database (schema %d): %d tables, %s rows → %s%s in %.1fs\n",
		m.Header.Engine, m.Header.Schema, len(m.Sums), thousands(m.Rows()), out, size, time.Since(start).Seconds())
	return exitOK
}

func (c *CLI) restore(ctx context.Context, args []string) int {
	var check bool
	cfg, rest, code := c.parse("restore", args, func(fs *flag.FlagSet, _ *Config) {
		fs.BoolVar(&check, "check", false, "only check FILE (counts, checksums, completeness) and list what it holds; no database is opened")
	})
	if code != 0 || len(rest) != 1 {
		return c.usageCode(code, "restore takes exactly one FILE (a backup written by gongzhi backup)")
	}
	if check {
		m, err := backup.CheckFile(ctx, rest[0])
		if err != nil {
			c.fail("restore --check "+rest[0], err)
			return exitFail
		}
		fmt.Fprintf(c.Stdout, "%s is a complete backup of a %s database (schema %d) taken %s by gongzhi %s:\n",
			rest[0], m.Header.Engine, m.Header.Schema, m.Header.CreatedAt.Format(time.RFC3339), m.Header.Gongzhi)
		for _, s := range m.Sums {
			fmt.Fprintf(c.Stdout, "  %-24s %11s rows  sha256 %.16s…\n", s.Table, thousands(s.Rows), s.SHA256)
		}
		fmt.Fprintf(c.Stdout, "%d tables, %s rows; counts and checksums verified\n", len(m.Sums), thousands(m.Rows()))
		return exitOK
	}
	start := time.Now()
	t := backup.Target{DSN: cfg.DB, DataDir: cfg.DataDir}
	if cfg.DB != "" {
		t.DataDir = ""
	}
	m, err := backup.RestoreFile(ctx, rest[0], t, c.copyOptions("restore"))
	if err != nil {
		c.fail("restore "+rest[0], err)
		return exitFail
	}
	fmt.Fprintf(c.Stdout, "restored %s (%s, schema %d, taken %s): %d tables, %s rows into %s in %.1fs; checksums verified\n",
		rest[0], m.Header.Engine, m.Header.Schema, m.Header.CreatedAt.Format(time.RFC3339), len(m.Sums), thousands(m.Rows()), t, time.Since(start).Seconds())
	return exitOK
}

func (c *CLI) move(ctx context.Context, args []string) int {
	var to string
	cfg, rest, code := c.parse("move", args, func(fs *flag.FlagSet, _ *Config) {
		fs.StringVar(&to, "to", "", "the empty database to copy into: postgres://…, sqlite:PATH or a data directory (required)")
	})
	if code != 0 || len(rest) > 0 {
		return c.usageCode(code, "move takes no arguments")
	}
	if to == "" {
		fmt.Fprintln(c.Stderr, "gongzhi move: --to is required")
		return exitUsage
	}
	t, err := backup.ParseTarget(to)
	if err != nil {
		c.fail("move", err)
		return exitFail
	}
	src, code := c.connect(ctx, "move", cfg)
	if code != 0 {
		return code
	}
	defer src.Close()
	start := time.Now()
	res, err := backup.MoveTo(ctx, src, t, c.copyOptions("move"))
	if err != nil {
		c.fail("move", err)
		return exitFail
	}
	if res.Already {
		fmt.Fprintf(c.Stdout, "%s already holds every row of the source (an earlier move finished the copy); statistics refreshed\n", t)
		return exitOK
	}
	fmt.Fprintf(c.Stdout, "moved %d tables, %s rows from %s to %s in %.1fs; checksums equal on both sides\n",
		len(res.Manifest.Sums), thousands(res.Manifest.Rows()), src.Dialect, t, time.Since(start).Seconds())
	return exitOK
}
