package app

import (
	"context"
	"errors"
	"fmt"
	"gongzhi/internal/booking"
	"gongzhi/internal/cadre"
	"gongzhi/internal/fund"
	"gongzhi/internal/lists"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"gongzhi/internal/activity"
	"gongzhi/internal/alliance"
	"gongzhi/internal/api"
	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/delib"
	"gongzhi/internal/demand"
	"gongzhi/internal/hotspot"
	"gongzhi/internal/jobs"
	"gongzhi/internal/notify"
	"gongzhi/internal/open311"
	"gongzhi/internal/org"
	"gongzhi/internal/pairing"
	"gongzhi/internal/party"
	"gongzhi/internal/phone"
	"gongzhi/internal/points"
	"gongzhi/internal/suggest"
	"gongzhi/internal/survey"
	"gongzhi/internal/web"
)

// Main is the running application: storage, services and the HTTP server.
// Tests build one on a temp database and an address of ":0".
type Main struct {
	Config Config
	Clock  clock.Clock
	Logger *slog.Logger
	Hasher *auth.Hasher

	DB      *db.DB
	Auth    *auth.Service
	Org     *org.Service
	Notify  *notify.Service
	Demand  *demand.Service
	Lists   *lists.Service
	Booking *booking.Service
	Fund    *fund.Service
	Suggest *suggest.Service
	Delib   *delib.Service
	Hotspot *hotspot.Service

	Party    *party.Service
	Pairing  *pairing.Service
	Activity *activity.Service
	Points   *points.Service
	Cadre    *cadre.Service
	Survey   *survey.Service
	Alliance *alliance.Service
	Phone    *phone.Service
	// Jobs is the server's one job queue: every capability's timers and
	// outboxes run on it (internal/jobs).
	Jobs *jobs.Queue

	stopWorkers context.CancelFunc
	workers     chan struct{}
	// background counts the work a server starts beside serving (the first
	// suggestion model); the load benchmark waits for it.
	background sync.WaitGroup

	registry *prometheus.Registry
	server   *http.Server
	ln       net.Listener
	done     chan error

	start starting // what serve answers before it is ready (readiness.go)
}

// NewMain returns a Main for cfg logging to logw.
func NewMain(cfg Config, logw io.Writer) *Main {
	return &Main{Config: cfg, Clock: clock.Real{}, Logger: newLogger(cfg, logw), Hasher: auth.DefaultHasher()}
}

func newLogger(cfg Config, w io.Writer) *slog.Logger {
	var lvl slog.Level
	lvl.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: lvl}
	if cfg.LogJSON {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// Open connects storage (running migrations) and builds the services.
func (m *Main) Open(ctx context.Context) error {
	d, err := db.Open(ctx, m.Config.DB, m.Config.DataDir)
	if err != nil {
		return err
	}
	m.DB = d
	m.Auth = auth.NewService(d, m.Clock, m.Hasher)
	m.Jobs = jobs.New(d, m.Clock, m.Logger)
	for _, c := range capabilities() {
		c.open(m)
	}
	return nil
}

// Handler returns the whole HTTP surface: pages, API, health and metrics.
func (m *Main) Handler() (http.Handler, error) {
	m.registry = prometheus.NewRegistry()
	m.registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		newDBCollector(m.DB, m.Clock))
	if m.Config.BackupDir != "" {
		m.registry.MustRegister(newBackupCollector(m.Config.BackupDir, m.Clock))
	}
	proxies, err := m.Config.Proxies()
	if err != nil {
		return nil, err
	}
	pages, err := web.New(web.Deps{Services: m.services(),
		SecureCookies: m.Config.SecureCookies, TrustedProxies: proxies})
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	g := newGate(m.Config.MaxRequests)
	mux.Handle("/api/v1/", g.wrap(api.New(api.Deps{Services: m.services(), TrustedProxies: proxies})))
	var district string // the jurisdiction Open311 serves: the root of the area tree
	if root, err := area.Root(context.Background(), m.DB); err == nil {
		district = root.Code
	}
	mux.Handle(open311.Prefix, g.wrap(open311.New(open311.Deps{Demand: m.Demand, Auth: m.Auth, Org: m.Org, Clock: m.Clock, Logger: m.Logger,
		BaseURL: m.Config.BaseURL, Jurisdiction: district, DefaultArea: district})))
	mux.HandleFunc("GET /healthz", m.healthz)
	mux.HandleFunc("GET /readyz", m.readyz)
	mux.Handle("GET /metrics", metricsHandler(m.registry))
	mux.Handle("/", g.wrap(pages))
	return withRequestID(withLogging(m.Logger, withMetrics(m.registry, withCompression(mux)))), nil
}

func (m *Main) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := m.DB.Ping(ctx); err != nil {
		http.Error(w, "database unavailable", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintln(w, "ok")
}

// Run starts serving on Config.Addr (opened by Listen, or now) and returns
// once the whole surface answers there.
func (m *Main) Run(ctx context.Context) error {
	h, err := m.Handler()
	if err != nil {
		return err
	}
	if err := m.Listen(); err != nil {
		return err
	}
	m.start.ready(h)
	m.Logger.Info("serving", "url", m.URL(), "db", m.DB.Dialect.String())
	return m.startWorkers()
}

// Listen opens Config.Addr and answers there before the server is ready
// (Run makes it ready): see starting.
func (m *Main) Listen() error {
	if m.ln != nil {
		return nil
	}
	ln, err := net.Listen("tcp", m.Config.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", m.Config.Addr, err)
	}
	m.ln = ln
	m.start.init()
	m.server = &http.Server{Handler: http.HandlerFunc(m.start.serveHTTP), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute,
		ErrorLog: slog.NewLogLogger(m.Logger.Handler(), slog.LevelWarn)}
	m.done = make(chan error, 1)
	go func() {
		err := m.server.Serve(ln)
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		m.done <- err
	}()
	return nil
}

// startWorkers runs the job queue (SLA timers, webhooks, e-mail) and warms
// the duplicate index in the background until Close.
func (m *Main) startWorkers() error {
	var mailer notify.Mailer
	if m.Config.SMTPEnabled() {
		sm, err := notify.NewSMTPMailer(m.Config.SMTP, m.Clock)
		if err != nil {
			return err
		}
		mailer = sm
	}
	for _, c := range capabilities() {
		if c.serve != nil {
			c.serve(m, mailer)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	m.stopWorkers, m.workers = cancel, make(chan struct{}, 2)
	go func() {
		// Load the duplicate index now, not on the first intake (about a second at 100,000 open demands).
		if err := m.Demand.WarmSimilar(ctx); err != nil && ctx.Err() == nil {
			m.Logger.Error("duplicate index", "err", err)
		}
		m.workers <- struct{}{}
	}()
	go func() {
		m.Jobs.Run(ctx, m.Config.TimerInterval)
		m.workers <- struct{}{}
	}()
	return nil
}

// URL is the base URL the server listens on.
func (m *Main) URL() string {
	if m.ln == nil {
		return ""
	}
	return "http://" + m.ln.Addr().String()
}

// Close finishes in-flight requests (up to 20 s), then closes storage.
func (m *Main) Close() error {
	var err error
	if m.stopWorkers != nil {
		m.stopWorkers()
		<-m.workers
		<-m.workers
	}
	if m.server != nil {
		m.start.giveUp() // requests still waiting for a start that will not come get 503
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		err = m.server.Shutdown(ctx)
		if serr := <-m.done; err == nil {
			err = serr
		}
	}
	if m.DB != nil {
		if cerr := m.DB.Close(); err == nil {
			err = cerr
		}
	}
	return err
}
