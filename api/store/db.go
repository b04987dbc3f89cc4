// Package store keeps LECMS's records in PostgreSQL (production) or the
// embedded, cgo-free SQLite (the zero-setup default) through GORM. The same
// code and the same tests run on both.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ncruces/go-sqlite3/gormlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Dialect names the database behind a DB.
type Dialect string

const (
	Postgres Dialect = "postgres"
	SQLite   Dialect = "sqlite"
)

// Options says which database to open and how to size its pool.
type Options struct {
	DatabaseURL  string // postgres://…; empty opens SQLitePath
	SQLitePath   string
	MaxOpenConns int
	MaxIdleConns int
	Logger       *slog.Logger
}

// DB is an open database with its dialect.
type DB struct {
	gorm    *gorm.DB
	sql     *sql.DB
	dialect Dialect
}

// Open connects and checks the connection; it does not migrate.
func Open(ctx context.Context, o Options) (*DB, error) {
	cfg := &gorm.Config{
		Logger:                 logger.Discard,
		SkipDefaultTransaction: true, // single statements need no wrapping transaction
		PrepareStmt:            false,
		NowFunc:                func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) },
	}
	var (
		g   *gorm.DB
		d   Dialect
		err error
	)
	if o.DatabaseURL != "" {
		d = Postgres
		g, err = gorm.Open(postgres.Open(o.DatabaseURL), cfg)
	} else {
		d = SQLite
		if err = os.MkdirAll(filepath.Dir(o.SQLitePath), 0o750); err != nil {
			return nil, fmt.Errorf("create data directory: %w", err)
		}
		// busy_timeout first: the pragmas run in order on every new
		// connection, and journal_mode needs a lock, so without the timeout
		// already set a connection opened while another writes fails at once.
		// WAL lets readers run beside the writer; immediate transactions
		// avoid lock-upgrade deadlocks.
		// The path is escaped: a '#' or '?' in it would end the file name.
		dsn := "file:" + sqliteURIPath(o.SQLitePath) + "?_pragma=busy_timeout(15000)&_pragma=journal_mode(WAL)" +
			"&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"
		g, err = gorm.Open(gormlite.Open(dsn), cfg)
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", d, err)
	}
	g.ClauseBuilders["LIMIT"] = literalLimit
	sqlDB, err := g.DB()
	if err != nil {
		return nil, err
	}
	if o.MaxOpenConns > 0 {
		sqlDB.SetMaxOpenConns(o.MaxOpenConns)
	}
	if o.MaxIdleConns > 0 { // 0 keeps database/sql's default (2), not "no idle connection"
		sqlDB.SetMaxIdleConns(o.MaxIdleConns)
	}
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := sqlDB.PingContext(pingCtx); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("connect to %s: %w", d, err)
	}
	return &DB{gorm: g, sql: sqlDB, dialect: d}, nil
}

// sqliteURIPath escapes the characters that would end the file name in a
// file: URI ('?' starts the parameters, '#' a fragment).
func sqliteURIPath(p string) string {
	return strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(p)
}

// Dialect reports the database kind.
func (db *DB) Dialect() Dialect { return db.dialect }

// Ping checks the database answers, for readiness probes.
func (db *DB) Ping(ctx context.Context) error { return db.sql.PingContext(ctx) }

// Close releases the pool.
func (db *DB) Close() error { return db.sql.Close() }

// SQL exposes the pool for tools (pgbench comparisons, COPY).
func (db *DB) SQL() *sql.DB { return db.sql }

// Stats reports pool statistics for metrics.
func (db *DB) Stats() sql.DBStats { return db.sql.Stats() }

func (db *DB) ctx(ctx context.Context) *gorm.DB { return db.gorm.WithContext(ctx) }

// isNotFound reports GORM's not-found error.
func isNotFound(err error) bool { return errors.Is(err, gorm.ErrRecordNotFound) }
