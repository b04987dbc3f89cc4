package registry

import (
	"context"
	"sync"
	"time"

	"github.com/lecms/lecms/api/domain"
)

// SettingsStore reads configurable rules.
type SettingsStore interface {
	Get(ctx context.Context, key string, v any) (bool, error)
}

// inspectionPolicyKey is the settings key of the inspection rules.
const inspectionPolicyKey = "inspection_policy"

// PolicySource serves the inspection policy from settings with a short
// cache: every replica rereads the database within ttl, so a change made on
// one replica reaches all of them without shared in-process state.
type PolicySource struct {
	store SettingsStore
	ttl   time.Duration
	now   func() time.Time

	mu      sync.Mutex
	policy  domain.InspectionPolicy
	fetched time.Time
}

func NewPolicySource(s SettingsStore, ttl time.Duration, now func() time.Time) *PolicySource {
	return &PolicySource{store: s, ttl: ttl, now: now}
}

// Inspection returns the current inspection policy (defaults where unset).
func (p *PolicySource) Inspection(ctx context.Context) (domain.InspectionPolicy, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.fetched.IsZero() && p.now().Sub(p.fetched) < p.ttl {
		return p.policy, nil
	}
	pol := domain.DefaultInspectionPolicy()
	if _, err := p.store.Get(ctx, inspectionPolicyKey, &pol); err != nil {
		return pol, err
	}
	p.policy, p.fetched = pol, p.now()
	return pol, nil
}
