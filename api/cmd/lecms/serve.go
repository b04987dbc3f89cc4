package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/labstack/echo/v5"
	swaggerfiles "github.com/swaggo/files/v2"

	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/httpapi"
	"github.com/lecms/lecms/api/seed"
	"github.com/lecms/lecms/docs"
)

// chinaTime is the province's civil time (no DST), used for "today".
var chinaTime = time.FixedZone("CST", 8*60*60)

func runServe(ctx context.Context, _ []string, _ io.Writer, _ *slog.Logger) error {
	a, err := openApp(ctx)
	if err != nil {
		return err
	}
	tuneGC(a.log)
	defer a.Close()
	if err := seedDemoIfEmpty(ctx, a); err != nil {
		return err
	}
	svc, err := newServices(ctx, a)
	if err != nil {
		return err
	}
	e := httpapi.New(httpapi.Deps{
		Log:          a.log,
		DB:           a.db,
		SQL:          a.db.SQL(),
		Registry:     svc.registry,
		Identity:     svc.identity,
		Lifecycle:    svc.lifecycle,
		Records:      svc.records,
		Issuance:     svc.issuance,
		Policies:     svc.policies,
		Audit:        svc.audit,
		Auth:         httpapi.TokenAuth{Verify: svc.identity.Authenticate},
		Authz:        svc.authz,
		Clients:      svc.identity,
		CORSOrigins:  a.cfg.CORSOrigins,
		IPExtractor:  httpapi.TrustedProxies(a.cfg.TrustedProxies),
		BodyLimit:    a.cfg.BodyLimit,
		MaxInFlight:  a.cfg.MaxInFlight,
		SecureCookie: !a.cfg.InsecureCookie,
		Spec:         httpapi.Spec{Swagger2: docs.Swagger2(), OpenAPI3: docs.OpenAPI3(), UI: swaggerfiles.FS},
		SPA:          spaFS(a.cfg.SPADir, a.log),
	})
	// issuance: inspection approvals not synced in their round become stale (rule 6).
	go svc.issuance.RunSweeper(ctx, time.Hour, a.log)
	a.log.Info("serving", "addr", a.cfg.Addr, "database", a.db.Dialect(), "spa", a.cfg.SPADir)
	sc := echo.StartConfig{
		Address:         a.cfg.Addr,
		HideBanner:      true,
		HidePort:        true,
		GracefulTimeout: a.cfg.ShutdownGrace,
		BeforeServeFunc: func(s *http.Server) error {
			s.ReadHeaderTimeout = 10 * time.Second
			s.ReadTimeout = 60 * time.Second
			s.WriteTimeout = 120 * time.Second
			s.IdleTimeout = 120 * time.Second
			return nil
		},
	}
	if err := sc.Start(ctx, e); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

// spaFS returns the built SPA when index.html is there, else nil (API only).
func spaFS(dir string, log *slog.Logger) fs.FS {
	fsys := os.DirFS(dir)
	if _, err := fs.Stat(fsys, "index.html"); err != nil {
		log.Warn("SPA not built: serving the API only (run make run, or npm run build in frontend/)", "dir", dir)
		return nil
	}
	return fsys
}

// seedDemoIfEmpty loads demo data on the first start of a demo setup, so
// `make run` on a fresh machine shows a populated system.
func seedDemoIfEmpty(ctx context.Context, a *app) error {
	if !a.cfg.Demo {
		return nil
	}
	d, err := seedDeps(ctx, a, a.log, domain.Date{})
	if err != nil {
		return err
	}
	seeded, err := seed.DemoIfEmpty(ctx, d)
	if seeded {
		a.log.Info("empty database: loaded demo data", "accounts_password", seed.DemoPassword)
	}
	return err
}
