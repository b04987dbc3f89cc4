package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/lecms/lecms/api/config"
	"github.com/lecms/lecms/api/pii"
	"github.com/lecms/lecms/api/store"
)

// app holds what every subcommand needs: configuration, the database and
// the personal-data protector. Built once per process, passed explicitly.
type app struct {
	cfg *config.Config
	db  *store.DB
	pii *pii.Protector
	log *slog.Logger
}

// openApp loads configuration, connects and migrates.
func openApp(ctx context.Context) (*app, error) {
	cfg, err := config.FromEnv()
	if err != nil {
		return nil, err
	}
	log := newLogger(cfg)
	protector, err := pii.New(cfg.DataCipher, cfg.DataKey)
	if err != nil {
		return nil, err
	}
	if cfg.DemoKey {
		log.Warn("using the public development data key; set LECMS_DATA_KEY for real data")
	}
	db, err := store.Open(ctx, store.Options{
		DatabaseURL: cfg.DatabaseURL, SQLitePath: cfg.SQLitePath(),
		MaxOpenConns: cfg.DBMaxOpenConns, MaxIdleConns: cfg.DBMaxIdleConns, Logger: log,
	})
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate: %w", err)
	}
	return &app{cfg: cfg, db: db, pii: protector, log: log}, nil
}

func (a *app) Close() error { return a.db.Close() }

func newLogger(cfg *config.Config) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "text" {
		return slog.New(slog.NewTextHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewJSONHandler(os.Stderr, opts))
}
