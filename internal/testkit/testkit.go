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
	return CloneDSN(t, ""), ""
}

// CloneDSN creates a uniquely named PostgreSQL database copied from template
// (a database nobody is connected to; empty means an empty database), drops it
// when the test ends, and returns its URL. Copying a prepared database takes
// a second where building it again can take a minute.
func CloneDSN(t testing.TB, template string) string {
	t.Helper()
	if os.Getenv(PostgresEnv) == "" {
		t.Skip(PostgresEnv + " not set")
	}
	name := "gz_t_" + randHex(6)
	dsn, err := CreateDatabase(name, template)
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	t.Cleanup(func() { DropDatabase(name) })
	return dsn
}

// CreateDatabase creates a PostgreSQL database on the test server, empty or
// copied from template, and returns its URL.
func CreateDatabase(name, template string) (string, error) {
	server := os.Getenv(PostgresEnv)
	if server == "" {
		return "", fmt.Errorf("%s not set", PostgresEnv)
	}
	u, err := url.Parse(server)
	if err != nil {
		return "", fmt.Errorf("bad %s: %v", PostgresEnv, err)
	}
	admin, err := sql.Open("pgx", server)
	if err != nil {
		return "", err
	}
	defer admin.Close()
	// UTF-8 collation so Chinese text is visible to text search and sorts sanely.
	q := fmt.Sprintf("CREATE DATABASE %s TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'", name)
	if template != "" {
		q = fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s", name, template)
	}
	if _, err := admin.Exec(q); err != nil {
		return "", fmt.Errorf("create database: %w", err)
	}
	u.Path = "/" + name
	return u.String(), nil
}

// DropDatabase drops a database CreateDatabase made, closing its sessions.
func DropDatabase(name string) {
	a, err := sql.Open("pgx", os.Getenv(PostgresEnv))
	if err != nil {
		return
	}
	defer a.Close()
	a.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
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
