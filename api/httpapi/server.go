package httpapi

import (
	"context"
	"database/sql"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/labstack/echo/v5"
	"github.com/labstack/echo/v5/middleware"

	"github.com/lecms/lecms/api/audit"
	"github.com/lecms/lecms/api/authz"
	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/identity"
	"github.com/lecms/lecms/api/issuance"
	"github.com/lecms/lecms/api/lifecycle"
	"github.com/lecms/lecms/api/records"
	"github.com/lecms/lecms/api/registry"
	"github.com/lecms/lecms/api/settings"
)

// ClientGate meters and audits every call of an API client.
type ClientGate interface {
	ClientCall(ctx context.Context, p domain.Principal, route, requestID, ip string) error
}

// Deps is everything the HTTP edge needs; main wires it.
type Deps struct {
	Log         *slog.Logger
	DB          Pinger
	SQL         *sql.DB // for pool metrics; may be nil
	Registry    *registry.Service
	Identity    *identity.Service
	Lifecycle   *lifecycle.Service
	Records     *records.Service
	Audit       *audit.Trail
	Issuance    *issuance.Service   // production and chip writes
	Policies    *settings.Publisher // the published rules (GET /api/v1/policies)
	Auth        Authenticator
	Authz       *authz.Enforcer
	Clients     ClientGate
	CORSOrigins []string
	// IPExtractor says where the client address comes from; nil = the
	// connection's address (no proxy is trusted).
	IPExtractor echo.IPExtractor
	BodyLimit   int64
	// MaxInFlight bounds the API requests served at once (the rest queue in
	// arrival order, see admission); 0 = no bound.
	MaxInFlight  int
	SecureCookie bool
	Spec         Spec
	SPA          fs.FS // built SPA (index.html + assets); nil when not built
}

// TrustedProxies builds the client-address extractor for a list of CIDRs
// (and the words "loopback" and "private"): X-Forwarded-For is believed
// only from those, so login rate limits see real clients behind the
// proxy and nobody can forge their address around it.
func TrustedProxies(list []string) echo.IPExtractor {
	if len(list) == 0 {
		return nil
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, p := range list {
		switch p {
		case "loopback":
			opts = append(opts, echo.TrustLoopback(true))
		case "private":
			opts = append(opts, echo.TrustPrivateNet(true))
		default:
			if _, n, err := net.ParseCIDR(p); err == nil {
				opts = append(opts, echo.TrustIPRange(n))
			}
		}
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

// admissionMaxWait is how long a request may queue for an admission slot
// before it is answered 503.
const admissionMaxWait = 10 * time.Second

// New builds the HTTP handler.
func New(d Deps) *echo.Echo {
	e := echo.New()
	e.HTTPErrorHandler = errorHandler(d.Log)
	if d.IPExtractor != nil {
		e.IPExtractor = d.IPExtractor
	}
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

	h := handlers{
		auth:     &authHandler{svc: d.Identity, secureCookie: d.SecureCookie},
		users:    &usersHandler{svc: d.Identity},
		registry: &registryHandler{svc: d.Registry},
		audit:    &auditHandler{trail: d.Audit},
		apps:     &applicationsHandler{svc: d.Lifecycle, registry: d.Registry},
		records:  &recordsHandler{svc: d.Records},
		issuance: &issuanceHandler{svc: d.Issuance},
		policies: &policiesHandler{svc: d.Policies},
	}
	// Routes are added one by one, not through an e.Group("", …): a group
	// with middleware registers its own catch-all, which shadowed the SPA at "/".
	admit := admission(d.MaxInFlight, admissionMaxWait)
	for _, r := range h.routes() {
		e.Add(r.Method, r.Path, r.handler, append([]echo.MiddlewareFunc{apiNoStore(), admit}, guard(r.Access, d)...)...)
	}
	// Unknown API paths must be problem JSON, never the SPA's index.html.
	e.Any("/api/*", func(c *echo.Context) error { return echo.ErrNotFound })
	if d.SPA != nil {
		registerSPA(e, d.SPA)
	}
	return e
}
