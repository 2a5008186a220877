package app

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"gongzhi/internal/backup"
	"gongzhi/internal/db"
)

// starting is what serve answers between opening its address and being
// ready (就绪): it listens first, so an operator's probes see a server that
// is starting rather than a refused connection, then waits for a restore
// copying into its database, runs the migrations and builds the demo.
// Meanwhile /healthz and /readyz answer 503 naming the step ("starting:
// migrating the database"): /healthz says 200 once the process has started
// and stays "the process is up" from then on, so whatever waited for it
// before serve listened early (scripts, tests, a startup probe) still waits
// for a started server; any other request waits until the server is ready
// (or its client gives up), so a page asked for during a restart loads late
// rather than failing.
type starting struct {
	handler atomic.Pointer[http.Handler] // the whole surface, once ready
	phase   atomic.Pointer[string]       // the step under way
	done    chan struct{}                // closed when ready, or when serve gives up
	once    sync.Once
}

func (s *starting) init() {
	s.done = make(chan struct{})
	s.set("starting")
}

// set names the step serve is in.
func (s *starting) set(phase string) { s.phase.Store(&phase) }

// ready makes h the whole surface and lets the waiting requests through.
func (s *starting) ready(h http.Handler) {
	s.handler.Store(&h)
	s.giveUp()
}

// giveUp releases waiting requests; without a handler they get 503.
func (s *starting) giveUp() {
	if s.done != nil {
		s.once.Do(func() { close(s.done) })
	}
}

func (s *starting) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if h := s.handler.Load(); h != nil {
		(*h).ServeHTTP(w, r)
		return
	}
	phase := *s.phase.Load()
	switch r.URL.Path {
	case "/healthz":
		plain(w, http.StatusServiceUnavailable, "starting: "+phase)
		return
	case "/readyz":
		plain(w, http.StatusServiceUnavailable, "not ready: "+phase)
		return
	}
	select {
	case <-s.done:
	case <-r.Context().Done():
		return
	}
	if h := s.handler.Load(); h != nil {
		(*h).ServeHTTP(w, r)
		return
	}
	w.Header().Set("Retry-After", "10")
	plain(w, http.StatusServiceUnavailable, "gongzhi did not start")
}

func plain(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	fmt.Fprintln(w, msg)
}

// readyz answers 200 when the server can serve its district: the database
// answers and no restore or move is copying into it (the copy's lock,
// internal/backup); otherwise 503 with the reason. /healthz stays "the
// process is up and reaches its database".
func (m *Main) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := m.DB.Ping(ctx); err != nil {
		plain(w, http.StatusServiceUnavailable, "not ready: database unavailable")
		return
	}
	running, err := backup.RestoreRunning(ctx, m.DB)
	switch {
	case err != nil:
		plain(w, http.StatusServiceUnavailable, "not ready: database unavailable")
	case running:
		plain(w, http.StatusServiceUnavailable, "not ready: a restore or move is copying into this database")
	default:
		plain(w, http.StatusOK, "ready")
	}
}

// waitForRestore waits, before serve migrates its database, while a restore
// or move copies into it: the server's first writes (its periodic jobs)
// would land in the middle of the copy and spoil it.
func (m *Main) waitForRestore(ctx context.Context) error {
	d, err := db.Connect(ctx, m.Config.DB, m.Config.DataDir)
	if err != nil {
		return err
	}
	defer d.Close()
	for logged := false; ; logged = true {
		running, err := backup.RestoreRunning(ctx, d)
		if err != nil || !running {
			return err
		}
		if !logged {
			m.Logger.Warn("a restore or move is copying into the database; serve waits for it to finish")
			m.start.set("waiting for a restore or move copying into the database")
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Second):
		}
	}
}
