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

	"gongzhi/internal/auth"
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
	m, code := c.open(ctx, cfg)
	if code != 0 {
		return code
	}
	if cfg.Demo {
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
	var n int
	err := m.DB.QueryRow(ctx, "SELECT count(*) FROM areas").Scan(&n)
	return n == 0, errs.Wrap(err, "count areas")
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
