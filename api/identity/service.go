// Package identity is who is who: login, token refresh and logout,
// passwords and lockout, user administration and API clients. It turns
// credentials into a domain.Principal; authz decides what that may do.
package identity

import (
	"context"
	"sync"
	"time"

	"github.com/lecms/lecms/api/authz"
	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/password"
	"github.com/lecms/lecms/api/store"
	"github.com/lecms/lecms/api/token"
)

// Config holds the configurable security rules.
type Config struct {
	AccessTTL        time.Duration // access token lifetime (default 15 min)
	RefreshTTL       time.Duration // absolute refresh-token lifetime (default 12 h)
	IdleTimeout      time.Duration // no refresh for this long ends the session (default 30 min)
	MaxFailures      int           // failed logins before lockout (default 5)
	LockFor          time.Duration // lockout duration (default 15 min)
	LoginPerIPPerMin int           // login attempts per IP per minute (default 20)
	Password         domain.PasswordPolicy
}

// DefaultConfig is the MLPS-level-3 baseline.
func DefaultConfig() Config {
	return Config{AccessTTL: 15 * time.Minute, RefreshTTL: 12 * time.Hour, IdleTimeout: 30 * time.Minute,
		MaxFailures: 5, LockFor: 15 * time.Minute, LoginPerIPPerMin: 20, Password: domain.DefaultPasswordPolicy()}
}

// Deps are the service's collaborators.
type Deps struct {
	Users    *store.Users
	Sessions *store.Sessions
	Rates    *store.RateLimits
	Clients  *store.Clients
	Units    UnitLookup
	Hasher   *password.Hasher
	Signer   *token.Signer
	Authz    *authz.Enforcer
	Audit    domain.Auditor
	Now      func() time.Time
}

// UnitLookup finds a unit for role assignment checks.
type UnitLookup interface {
	Get(ctx context.Context, id int64) (domain.Unit, error)
}

// Service implements identity.
type Service struct {
	Deps
	cfg Config

	dummyOnce sync.Once
	dummyHash string // verified against for unknown users: equal timing

	activeMu sync.Mutex
	active   map[string]time.Time // session id → checked-active until
}

// New builds the service.
func New(d Deps, cfg Config) *Service {
	return &Service{Deps: d, cfg: cfg, active: map[string]time.Time{}}
}

// Config returns the rules in force (the SPA shows the idle timeout).
func (s *Service) Config() Config { return s.cfg }

// audit records an event; a change whose audit cannot be written fails
// (MLPS: no unaudited change).
func (s *Service) audit(ctx context.Context, e domain.AuditEvent) error {
	if s.Audit == nil {
		return nil
	}
	if e.At.IsZero() {
		e.At = s.Now().UTC()
	}
	if err := s.Audit.Record(ctx, e); err != nil {
		return domain.Internal(err)
	}
	return nil
}
