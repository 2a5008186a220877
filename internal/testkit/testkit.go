// Package testkit gives tests real databases on both engines, one fresh
// database per test, and a clock they can set.
package testkit

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"gongzhi/internal/clock"
	"gongzhi/internal/db"
)

// PostgresEnv names the variable holding a PostgreSQL server URL for tests,
// e.g. postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable.
const PostgresEnv = "GONGZHI_TEST_POSTGRES"

// Engines lists the engines the suite runs on: SQLite always, PostgreSQL
// when GONGZHI_TEST_POSTGRES names a server.
func Engines() []db.Dialect {
	if os.Getenv(PostgresEnv) != "" {
		return []db.Dialect{db.SQLite, db.Postgres}
	}
	return []db.Dialect{db.SQLite}
}

// EachEngine runs fn as a subtest per engine, each with its own fresh database.
func EachEngine(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	for _, e := range Engines() {
		t.Run(e.String(), func(t *testing.T) {
			fn(t, NewDB(t, e))
		})
	}
}

// NewDB opens a fresh, migrated database of the dialect, dropped when the test ends.
func NewDB(t testing.TB, d db.Dialect) *db.DB {
	t.Helper()
	dsn, dir := NewDSN(t, d)
	ctx := context.Background()
	h, err := db.Open(ctx, dsn, dir)
	if err != nil {
		t.Fatalf("open %s: %v", d, err)
	}
	t.Cleanup(func() { h.Close() })
	return h
}

// NewDSN creates an empty database and returns how to open it: a postgres
// URL, or "" and a data directory for SQLite.
func NewDSN(t testing.TB, d db.Dialect) (dsn, dataDir string) {
	t.Helper()
	if d == db.SQLite {
		return "", t.TempDir()
	}
	server := os.Getenv(PostgresEnv)
	if server == "" {
		t.Skip(PostgresEnv + " not set")
	}
	name := "gz_t_" + randHex(6)
	admin, err := sql.Open("pgx", server)
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	defer admin.Close()
	// UTF-8 collation so Chinese text is visible to text search and sorts sanely.
	q := fmt.Sprintf("CREATE DATABASE %s TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'", name)
	if _, err := admin.Exec(q); err != nil {
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", server)
		if err != nil {
			return
		}
		defer a.Close()
		a.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
	})
	u, err := url.Parse(server)
	if err != nil {
		t.Fatalf("bad %s: %v", PostgresEnv, err)
	}
	u.Path = "/" + name
	return u.String(), ""
}

// Clock returns a fake clock at a fixed, realistic moment (Asia/Shanghai working hours).
func Clock() *clock.Fake {
	return clock.NewFake(time.Date(2026, 11, 30, 1, 30, 0, 0, time.UTC))
}

func randHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// Contains fails the test unless s contains every one of subs.
func Contains(t testing.TB, s string, subs ...string) {
	t.Helper()
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			t.Errorf("want %q in:\n%.2000s", sub, s)
		}
	}
}
