// Package app wires gongzhi together: configuration, the Main that opens
// storage and serves HTTP, and the command line.
package app

import (
	"flag"
	"fmt"
	"net"
	"net/netip"
	"runtime"
	"strconv"
	"strings"
	"time"

	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/notify"
)

// Config is every setting, from flags and GONGZHI_* variables, validated once.
type Config struct {
	DataDir       string // --data / GONGZHI_DATA: where the SQLite database lives (photos and files are in the database)
	DB            string // --db / GONGZHI_DB: postgres://… or empty for SQLite
	Addr          string // --addr / GONGZHI_ADDR
	Demo          bool   // --demo: fill an empty database with the demo district
	LogJSON       bool   // --log-json / GONGZHI_LOG_JSON
	LogLevel      string // --log-level / GONGZHI_LOG_LEVEL: debug, info, warn, error
	SecureCookies bool   // --secure-cookies / GONGZHI_SECURE_COOKIES: always mark cookies Secure
	// TrustedProxies (--trusted-proxy / GONGZHI_TRUSTED_PROXIES) are comma-separated
	// CIDRs of our reverse proxies, whose X-Forwarded-For is believed.
	TrustedProxies string
	BaseURL        string        // --base-url / GONGZHI_BASE_URL: the site's public address, for links in e-mails and Open311 discovery
	TimerInterval  time.Duration // --timer-interval / GONGZHI_TIMER_INTERVAL: how often SLA timers and outgoing notices are checked
	MaxRequests    int           // --max-requests / GONGZHI_MAX_REQUESTS: requests handled at once, the rest wait their turn in arrival order (default 4 a core; 0: no limit)
	FiguresLag     time.Duration // --figures-lag / GONGZHI_FIGURES_LAG: how old the demand rates and dashboards served may be (0: computed on every read)
	SMTP           notify.SMTPConfig
	// SMS is the text-message gateway: --sms-gateway / GONGZHI_SMS_GATEWAY,
	// its signing secret only from GONGZHI_SMS_SECRET. Empty: no SMS.
	SMS notify.SMSConfig
	// WebhookAllowPrivate (--webhook-allow-private / GONGZHI_WEBHOOK_ALLOW_PRIVATE)
	// lets webhooks go to loopback, private and link-local addresses, for
	// receivers on the internal network; off, only public addresses.
	WebhookAllowPrivate bool
	// BackupDir (--backup-dir / GONGZHI_BACKUP_DIR) is where serve writes
	// scheduled backups and whose newest backup gongzhi_backup_age_seconds
	// reports; empty (the default): neither.
	BackupDir   string
	BackupEvery time.Duration // --backup-every / GONGZHI_BACKUP_EVERY: how often serve backs up into BackupDir; 0 only watches the directory
	BackupKeep  int           // --backup-keep / GONGZHI_BACKUP_KEEP: how many scheduled backups stay in BackupDir
}

// SMTPEnabled reports whether e-mail is configured.
func (c Config) SMTPEnabled() bool { return c.SMTP.Host != "" }

// WebhookTargets is the rule for where webhooks may go, for both the
// service that saves URLs and the dispatcher that sends to them.
func (c Config) WebhookTargets() notify.Targets {
	return notify.Targets{AllowPrivate: c.WebhookAllowPrivate}
}

// DefaultConfig returns the defaults, overridden by GONGZHI_* variables.
func DefaultConfig(getenv func(string) string) Config {
	c := Config{DataDir: "./gongzhi-data", Addr: "127.0.0.1:8080", LogLevel: "info", TimerInterval: 5 * time.Second, FiguresLag: 2 * time.Second,
		MaxRequests: 4 * runtime.GOMAXPROCS(0),
		SMTP:        notify.SMTPConfig{Port: 587}, BackupEvery: 24 * time.Hour, BackupKeep: 7}
	str := func(dst *string, key string) {
		if v := getenv(key); v != "" {
			*dst = v
		}
	}
	boolean := func(dst *bool, key string) {
		if v, err := strconv.ParseBool(getenv(key)); err == nil {
			*dst = v
		}
	}
	str(&c.DataDir, "GONGZHI_DATA")
	str(&c.DB, "GONGZHI_DB")
	str(&c.Addr, "GONGZHI_ADDR")
	str(&c.LogLevel, "GONGZHI_LOG_LEVEL")
	boolean(&c.LogJSON, "GONGZHI_LOG_JSON")
	boolean(&c.SecureCookies, "GONGZHI_SECURE_COOKIES")
	boolean(&c.WebhookAllowPrivate, "GONGZHI_WEBHOOK_ALLOW_PRIVATE")
	str(&c.TrustedProxies, "GONGZHI_TRUSTED_PROXIES")
	str(&c.BaseURL, "GONGZHI_BASE_URL")
	str(&c.SMTP.Host, "GONGZHI_SMTP_HOST")
	str(&c.SMTP.Username, "GONGZHI_SMTP_USERNAME")
	str(&c.SMTP.Password, "GONGZHI_SMTP_PASSWORD")
	str(&c.SMTP.From, "GONGZHI_SMTP_FROM")
	str(&c.SMS.Gateway, "GONGZHI_SMS_GATEWAY")
	str(&c.SMS.Secret, "GONGZHI_SMS_SECRET")
	if v, err := strconv.Atoi(getenv("GONGZHI_SMTP_PORT")); err == nil {
		c.SMTP.Port = v
	}
	if v, err := time.ParseDuration(getenv("GONGZHI_TIMER_INTERVAL")); err == nil {
		c.TimerInterval = v
	}
	if v, err := strconv.Atoi(getenv("GONGZHI_MAX_REQUESTS")); err == nil {
		c.MaxRequests = v
	}
	if v, err := time.ParseDuration(getenv("GONGZHI_FIGURES_LAG")); err == nil {
		c.FiguresLag = v
	}
	str(&c.BackupDir, "GONGZHI_BACKUP_DIR")
	if v, err := time.ParseDuration(getenv("GONGZHI_BACKUP_EVERY")); err == nil {
		c.BackupEvery = v
	}
	if v, err := strconv.Atoi(getenv("GONGZHI_BACKUP_KEEP")); err == nil {
		c.BackupKeep = v
	}
	return c
}

// storageFlags binds the flags every command takes.
func (c *Config) storageFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.DataDir, "data", c.DataDir, "directory of the SQLite database gongzhi.db (photos and files are stored in the database; unused with --db); env GONGZHI_DATA")
	fs.StringVar(&c.DB, "db", c.DB, "database: postgres://… for PostgreSQL, empty for SQLite in --data; env GONGZHI_DB")
	fs.BoolVar(&c.LogJSON, "log-json", c.LogJSON, "log JSON lines instead of text; env GONGZHI_LOG_JSON")
	fs.StringVar(&c.LogLevel, "log-level", c.LogLevel, "debug, info, warn or error; env GONGZHI_LOG_LEVEL")
}

// serveFlags binds the flags of serve.
func (c *Config) serveFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.Addr, "addr", c.Addr, "listen address HOST:PORT; env GONGZHI_ADDR")
	fs.BoolVar(&c.Demo, "demo", c.Demo, "fill an empty database with the demo district first and print the demo logins")
	fs.BoolVar(&c.SecureCookies, "secure-cookies", c.SecureCookies, "always mark cookies Secure (behind a TLS proxy); env GONGZHI_SECURE_COOKIES")
	fs.StringVar(&c.TrustedProxies, "trusted-proxy", c.TrustedProxies, "comma-separated CIDRs of reverse proxies whose X-Forwarded-For is believed; env GONGZHI_TRUSTED_PROXIES")
	fs.StringVar(&c.BaseURL, "base-url", c.BaseURL, "public address of the site (https://…), for links in e-mails; env GONGZHI_BASE_URL")
	fs.BoolVar(&c.WebhookAllowPrivate, "webhook-allow-private", c.WebhookAllowPrivate, "let webhooks go to loopback, private and link-local addresses (receivers on the internal network); env GONGZHI_WEBHOOK_ALLOW_PRIVATE")
	fs.IntVar(&c.MaxRequests, "max-requests", c.MaxRequests, "requests handled at once; the rest wait their turn in arrival order (0: no limit); env GONGZHI_MAX_REQUESTS")
	fs.DurationVar(&c.FiguresLag, "figures-lag", c.FiguresLag, "how old the demand rates and dashboard figures served may be (0: computed on every read); env GONGZHI_FIGURES_LAG")
	fs.DurationVar(&c.TimerInterval, "timer-interval", c.TimerInterval, "how often SLA timers and outgoing webhooks/e-mail are checked; env GONGZHI_TIMER_INTERVAL")
	fs.StringVar(&c.SMTP.Host, "smtp-host", c.SMTP.Host, "SMTP server for e-mailed notices (empty: no e-mail); env GONGZHI_SMTP_HOST")
	fs.IntVar(&c.SMTP.Port, "smtp-port", c.SMTP.Port, "SMTP port; env GONGZHI_SMTP_PORT")
	fs.StringVar(&c.SMTP.Username, "smtp-username", c.SMTP.Username, "SMTP user (password only from env GONGZHI_SMTP_PASSWORD); env GONGZHI_SMTP_USERNAME")
	fs.StringVar(&c.SMTP.From, "smtp-from", c.SMTP.From, "sender address of e-mailed notices; env GONGZHI_SMTP_FROM")
	fs.StringVar(&c.SMS.Gateway, "sms-gateway", c.SMS.Gateway, "HTTP gateway text messages are posted to, signed (secret only from env GONGZHI_SMS_SECRET; needs --base-url; empty: no SMS); env GONGZHI_SMS_GATEWAY")
	fs.StringVar(&c.BackupDir, "backup-dir", c.BackupDir, "directory for scheduled backups, watched by gongzhi_backup_age_seconds (empty: none); env GONGZHI_BACKUP_DIR")
	fs.DurationVar(&c.BackupEvery, "backup-every", c.BackupEvery, "how often serve backs up into --backup-dir (0: never, only watch it); env GONGZHI_BACKUP_EVERY")
	fs.IntVar(&c.BackupKeep, "backup-keep", c.BackupKeep, "how many scheduled backups to keep in --backup-dir (the oldest go); env GONGZHI_BACKUP_KEEP")
}

// Validate checks the whole config once, so later code can trust it.
func (c Config) Validate() error {
	if c.DB != "" && !db.IsPostgres(c.DB) {
		return fmt.Errorf("--db must be a postgres:// URL (leave it empty for SQLite in --data)")
	}
	if c.DB == "" && strings.TrimSpace(c.DataDir) == "" {
		return fmt.Errorf("--data must name a directory")
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return fmt.Errorf("--addr must be HOST:PORT: %v", err)
	}
	if c.TimerInterval < 100*time.Millisecond || c.TimerInterval > time.Hour {
		return fmt.Errorf("--timer-interval must be between 100ms and 1h")
	}
	if c.BackupDir != "" && c.BackupEvery != 0 && (c.BackupEvery < time.Minute || c.BackupEvery > 31*24*time.Hour) {
		return fmt.Errorf("--backup-every must be 0 (no schedule) or between 1m and 744h")
	}
	if c.BackupKeep < 1 {
		return fmt.Errorf("--backup-keep must be at least 1")
	}
	if c.SMTPEnabled() {
		if err := c.SMTP.Validate(); err != nil {
			return fmt.Errorf("--smtp-*: %s", errs.Message(err))
		}
	}
	if c.SMS.Enabled() {
		if err := c.SMS.Validate(); err != nil {
			return fmt.Errorf("--sms-gateway: %s", errs.Message(err))
		}
		if c.BaseURL == "" {
			return fmt.Errorf("--sms-gateway needs --base-url: text messages carry a link to the tracking page")
		}
	}
	if _, err := c.Proxies(); err != nil {
		return err
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("--log-level must be debug, info, warn or error")
	}
	return nil
}

// Proxies parses TrustedProxies; a bare address counts as a single host.
func (c Config) Proxies() ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range strings.Split(c.TrustedProxies, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if !strings.Contains(s, "/") {
			a, err := netip.ParseAddr(s)
			if err != nil {
				return nil, fmt.Errorf("--trusted-proxy: %q is not an address or CIDR", s)
			}
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return nil, fmt.Errorf("--trusted-proxy: %q is not an address or CIDR", s)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}
