package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"gongzhi/internal/auth"
)

type requestIDKey struct{}

// RequestID returns the id of the request ctx belongs to.
func RequestID(ctx context.Context) string {
	s, _ := ctx.Value(requestIDKey{}).(string)
	return s
}

// withRequestID takes X-Request-ID from a trusted proxy or makes one, and echoes it.
func withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-ID")
		if id == "" || len(id) > 64 {
			b := make([]byte, 8)
			rand.Read(b)
			id = hex.EncodeToString(b)
		}
		w.Header().Set("X-Request-ID", id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id)))
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (s *statusWriter) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the real writer (flush, deadlines).
func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// withLogging writes one line per request (static files only when they
// fail). A tracking link's token is redacted from the path: whoever reads
// the log must not be able to open or rate a resident's demand.
func withLogging(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		if strings.HasPrefix(r.URL.Path, "/static/") && sw.status < 400 {
			return
		}
		log.LogAttrs(r.Context(), slog.LevelInfo, "http",
			slog.String("id", RequestID(r.Context())), slog.String("method", r.Method), slog.String("path", auth.RedactPath(r.URL.Path)),
			slog.Int("status", sw.status), slog.Int("bytes", sw.bytes), slog.Duration("took", time.Since(start)))
	})
}

func withMetrics(reg *prometheus.Registry, next http.Handler) http.Handler {
	reqs := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "gongzhi_http_requests_total", Help: "HTTP requests by surface and status."},
		[]string{"surface", "code"})
	dur := prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "gongzhi_http_request_seconds", Help: "HTTP request latency by surface.",
		Buckets: prometheus.DefBuckets}, []string{"surface"})
	reg.MustRegister(reqs, dur)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		s := surface(r.URL.Path)
		reqs.WithLabelValues(s, strconv.Itoa(max(sw.status, 200))).Inc()
		dur.WithLabelValues(s).Observe(time.Since(start).Seconds())
	})
}

// surface keeps metric labels few: api, open311, static, ops or web.
func surface(path string) string {
	switch {
	case strings.HasPrefix(path, "/api/"):
		return "api"
	case strings.HasPrefix(path, "/open311/"):
		return "open311"
	case strings.HasPrefix(path, "/static/"):
		return "static"
	case path == "/healthz" || path == "/readyz" || path == "/metrics":
		return "ops"
	}
	return "web"
}

func metricsHandler(reg *prometheus.Registry) http.Handler {
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
}

func randRead(b []byte) { rand.Read(b) }
