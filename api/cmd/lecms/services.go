package main

import (
	"context"
	"fmt"
	"runtime"
	"time"

	"github.com/lecms/lecms/api/authz"
	"github.com/lecms/lecms/api/identity"
	"github.com/lecms/lecms/api/lifecycle"
	"github.com/lecms/lecms/api/password"
	"github.com/lecms/lecms/api/registry"
	"github.com/lecms/lecms/api/settings"
	"github.com/lecms/lecms/api/store"
	"github.com/lecms/lecms/api/token"
)

// services are the application services built over an app's database.
type services struct {
	authz     *authz.Enforcer
	registry  *registry.Service
	identity  *identity.Service
	lifecycle *lifecycle.Service
	signer    *token.Signer
}

func newServices(ctx context.Context, a *app) (*services, error) {
	adapter, err := a.db.PolicyAdapter()
	if err != nil {
		return nil, fmt.Errorf("authorization policy store: %w", err)
	}
	az, err := authz.New(adapter)
	if err != nil {
		return nil, err
	}
	cfg := identity.DefaultConfig()
	signer := token.NewSigner(store.NewSigningKeys(a.db, a.pii), cfg.AccessTTL, time.Now)
	if err := signer.EnsureKey(ctx); err != nil {
		return nil, fmt.Errorf("token signing key: %w", err)
	}
	policy := settings.NewPolicySource(store.NewSettings(a.db), 30*time.Second, time.Now)
	units := store.NewUnits(a.db)
	apps := lifecycle.New(lifecycle.Deps{Apps: store.NewApplications(a.db), Officers: store.NewOfficers(a.db), Authz: az,
		Policies: policy, Audit: nil, Now: time.Now, Loc: chinaTime})
	return &services{
		lifecycle: apps,
		authz:     az,
		signer:    signer,
		registry: registry.New(store.NewRegions(a.db), units, store.NewOfficers(a.db),
			a.pii, az, policy, time.Now, chinaTime),
		identity: identity.New(identity.Deps{
			Users: store.NewUsers(a.db), Sessions: store.NewSessions(a.db), Rates: store.NewRateLimits(a.db),
			Clients: store.NewClients(a.db), Units: units, Hasher: password.New(runtime.NumCPU()),
			Signer: signer, Authz: az, Audit: nil, Now: time.Now, // audit recorder: wired when api/audit lands
		}, cfg),
	}, nil
}
