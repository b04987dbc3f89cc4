package httpapi

import (
	"database/sql"
	"io/fs"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v5"
	"github.com/labstack/echo/v5/middleware"

	"github.com/lecms/lecms/api/registry"
)

// Deps is everything the HTTP edge needs; main wires it.
type Deps struct {
	Log         *slog.Logger
	DB          Pinger
	SQL         *sql.DB // for pool metrics; may be nil
	Registry    *registry.Service
	Auth        Authenticator
	CORSOrigins []string
	BodyLimit   int64
	Spec        Spec
	SPA         fs.FS // built SPA (index.html + assets); nil when not built
}

// Route describes one API route, for the authorization matrix and docs.
type Route struct {
	Method string
	Path   string
	Public bool // reachable without authentication
}

// New builds the HTTP handler.
func New(d Deps) *echo.Echo {
	e := echo.New()
	e.HTTPErrorHandler = errorHandler(d.Log)
	m := newMetrics(d.SQL)

	e.Use(requestID(), accessLog(d.Log), middleware.Recover(), m.middleware(),
		securityHeaders(), middleware.BodyLimit(d.BodyLimit))
	if len(d.CORSOrigins) > 0 {
		e.Use(middleware.CORSWithConfig(middleware.CORSConfig{
			AllowOrigins:     d.CORSOrigins,
			AllowMethods:     []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete},
			AllowHeaders:     []string{echo.HeaderContentType, echo.HeaderAuthorization, echo.HeaderXRequestID},
			ExposeHeaders:    []string{echo.HeaderXRequestID},
			AllowCredentials: true,
			MaxAge:           600,
		}))
	}

	health := &healthHandler{db: d.DB}
	e.GET("/healthz", health.live)
	e.GET("/readyz", health.ready)
	e.GET("/metrics", echo.WrapHandler(m.handler()))
	d.Spec.register(e)

	api := e.Group("/api/v1", apiNoStore())
	api.POST("/id-numbers/check", checkIDNumber)

	reg := &registryHandler{svc: d.Registry}
	authed := api.Group("", authenticate(d.Auth))
	authed.GET("/regions", reg.regionTree)
	authed.GET("/units", reg.listUnits)
	authed.GET("/officers", reg.listOfficers)
	authed.GET("/officers/count", reg.countOfficers)
	authed.GET("/officers/:id", reg.getOfficer)

	// Unknown API paths must be problem JSON, never the SPA's index.html.
	api.Any("/*", func(c *echo.Context) error { return echo.ErrNotFound })
	if d.SPA != nil {
		registerSPA(e, d.SPA)
	}
	return e
}
