package main

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"time"

	"github.com/lecms/lecms/api/audit"
	"github.com/lecms/lecms/api/authz"
	"github.com/lecms/lecms/api/identity"
	"github.com/lecms/lecms/api/issuance"
	"github.com/lecms/lecms/api/lifecycle"
	"github.com/lecms/lecms/api/password"
	"github.com/lecms/lecms/api/records"
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
	records   *records.Service
	signer    *token.Signer
	audit     *audit.Trail
	issuance  *issuance.Service // production and chip writes
	policies  *settings.Publisher
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
	trail, err := newTrail(ctx, a)
	if err != nil {
		return nil, err
	}
	apps := lifecycle.New(lifecycle.Deps{Apps: store.NewApplications(a.db), Officers: store.NewOfficers(a.db), Authz: az,
		Policies: policy, Audit: trail, Transfers: store.NewOfficers(a.db), Now: time.Now, Loc: chinaTime})
	// issuance: card keys from LECMS_CARD_* (or files), else sealed in the database.
	cardCfg, err := issuance.KeyConfigFromEnv(os.LookupEnv)
	if err != nil {
		return nil, err
	}
	issStore := store.NewIssuance(a.db, a.pii)
	cardKeys, err := issuance.LoadKeys(ctx, cardCfg, issStore, nil)
	if err != nil {
		return nil, err
	}
	iss := issuance.New(issuance.Deps{Store: issStore, Apps: store.NewApplications(a.db), Authz: az, Policies: policy,
		Settings: store.NewSettings(a.db), Audit: trail, Keys: cardKeys, Now: time.Now, Loc: chinaTime})
	reg := registry.New(store.NewRegions(a.db), units, store.NewOfficers(a.db), a.pii, az, policy, time.Now, chinaTime)
	recs := records.New(records.Deps{Units: units, Officers: store.NewOfficers(a.db), Photos: store.NewPhotos(a.db),
		Exams: store.NewExams(a.db), Regions: store.NewRegions(a.db), Reader: reg, PII: a.pii, Authz: az, Audit: trail,
		Cancel: apps, Apps: store.NewApplications(a.db), Renew: apps, Now: time.Now, Loc: chinaTime})
	return &services{
		lifecycle: apps,
		records:   recs,
		audit:     trail,
		issuance:  iss,
		authz:     az,
		signer:    signer,
		registry:  reg,
		policies: settings.NewPublisher(policy, settings.SecurityRules{Password: cfg.Password, MaxFailures: cfg.MaxFailures,
			LockFor: cfg.LockFor, IdleTimeout: cfg.IdleTimeout}),
		identity: identity.New(identity.Deps{
			Users: store.NewUsers(a.db), Sessions: store.NewSessions(a.db), Rates: store.NewRateLimits(a.db),
			Clients: store.NewClients(a.db), Units: units, Hasher: password.New(runtime.NumCPU()),
			Signer: signer, Authz: az, Audit: trail, Now: time.Now,
		}, cfg),
	}, nil
}
