// Package storetest opens a freshly migrated database per test: embedded
// SQLite in t.TempDir() by default, and with TEST_DATABASE_URL set
// (postgres://…) a PostgreSQL schema of its own, so tests run in parallel
// without seeing each other's rows.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lecms/lecms/api/store"
)

// EnvDatabaseURL names the variable that enables PostgreSQL tests.
const EnvDatabaseURL = "TEST_DATABASE_URL"

// Open returns a migrated database for t, closed (and on PostgreSQL
// dropped) when t ends: PostgreSQL when TEST_DATABASE_URL is set, else
// SQLite.
func Open(t testing.TB) *store.DB {
	t.Helper()
	if u := os.Getenv(EnvDatabaseURL); u != "" {
		return OpenPostgres(t, u)
	}
	return OpenSQLite(t)
}

// OpenSQLite returns a migrated embedded database in t.TempDir().
func OpenSQLite(t testing.TB) *store.DB {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, store.Options{SQLitePath: filepath.Join(t.TempDir(), "lecms.db")})
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate sqlite: %v", err)
	}
	return db
}

// OpenPostgres creates a schema with a random name in the database at
// baseURL, connects with search_path set to it, migrates, and drops the
// schema when t ends.
func OpenPostgres(t testing.TB, baseURL string) *store.DB {
	t.Helper()
	ctx := context.Background()
	schema := "lecms_test_" + randomHex(6)
	dbURL, err := WithSearchPath(baseURL, schema)
	if err != nil {
		t.Fatalf("%s: %v", EnvDatabaseURL, err)
	}
	admin, err := store.Open(ctx, store.Options{DatabaseURL: baseURL, MaxOpenConns: 1})
	if err != nil {
		t.Fatalf("connect to %s: %v", EnvDatabaseURL, err)
	}
	if _, err := admin.SQL().ExecContext(ctx, `CREATE SCHEMA "`+schema+`"`); err != nil {
		admin.Close()
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.SQL().ExecContext(context.Background(), `DROP SCHEMA "`+schema+`" CASCADE`); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
		admin.Close()
	})
	db, err := store.Open(ctx, store.Options{DatabaseURL: dbURL, MaxOpenConns: 8, MaxIdleConns: 8})
	if err != nil {
		t.Fatalf("connect to schema %s: %v", schema, err)
	}
	t.Cleanup(func() { db.Close() }) // runs before the drop (cleanups are LIFO)
	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate schema %s: %v", schema, err)
	}
	return db
}

// Dialects runs body as subtest "sqlite" and, when TEST_DATABASE_URL is
// set, again as subtest "postgres", each with a fresh database.
func Dialects(t *testing.T, body func(t *testing.T, db *store.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { body(t, OpenSQLite(t)) })
	if u := os.Getenv(EnvDatabaseURL); u != "" {
		t.Run("postgres", func(t *testing.T) { body(t, OpenPostgres(t, u)) })
	}
}

// WithSearchPath returns the postgres:// URL u with the search_path
// runtime parameter set to schema (pgx sends unknown URL parameters to the
// server as run-time settings).
func WithSearchPath(u, schema string) (string, error) {
	if !strings.HasPrefix(u, "postgres://") && !strings.HasPrefix(u, "postgresql://") {
		return "", fmt.Errorf("want a postgres:// URL, got %q", u)
	}
	p, err := url.Parse(u)
	if err != nil {
		return "", err
	}
	q := p.Query()
	q.Set("search_path", schema)
	p.RawQuery = q.Encode()
	return p.String(), nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
