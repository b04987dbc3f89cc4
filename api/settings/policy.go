// Package settings serves the configurable rules (inspection cycle, exam
// frequency, cancellation reasons, number template…) from the settings
// table, with defaults for what is unset.
package settings

import (
	"context"
	"sync"
	"time"

	"github.com/lecms/lecms/api/domain"
)

// Store reads configurable rules.
type Store interface {
	Get(ctx context.Context, key string, v any) (bool, error)
}

// Settings keys.
const (
	inspectionPolicyKey = "inspection_policy"
	lifecyclePolicyKey  = "lifecycle_policy"
)

// PolicySource serves the inspection policy from settings with a short
// cache: every replica rereads the database within ttl, so a change made on
// one replica reaches all of them without shared in-process state.
type PolicySource struct {
	store Store
	ttl   time.Duration
	now   func() time.Time

	mu        sync.Mutex
	policy    domain.InspectionPolicy
	lifecycle domain.LifecyclePolicy
	fetched   time.Time
}

func NewPolicySource(s Store, ttl time.Duration, now func() time.Time) *PolicySource {
	return &PolicySource{store: s, ttl: ttl, now: now}
}

// Inspection returns the current inspection policy (defaults where unset).
func (p *PolicySource) Inspection(ctx context.Context) (domain.InspectionPolicy, error) {
	if err := p.refresh(ctx); err != nil {
		return domain.DefaultInspectionPolicy(), err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.policy, nil
}

// Lifecycle returns the current application rules (defaults where unset).
func (p *PolicySource) Lifecycle(ctx context.Context) (domain.LifecyclePolicy, error) {
	if err := p.refresh(ctx); err != nil {
		return domain.DefaultLifecyclePolicy(), err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.lifecycle, nil
}

func (p *PolicySource) refresh(ctx context.Context) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.fetched.IsZero() && p.now().Sub(p.fetched) < p.ttl {
		return nil
	}
	ins, lc := domain.DefaultInspectionPolicy(), domain.DefaultLifecyclePolicy()
	if _, err := p.store.Get(ctx, inspectionPolicyKey, &ins); err != nil {
		return err
	}
	if _, err := p.store.Get(ctx, lifecyclePolicyKey, &lc); err != nil {
		return err
	}
	p.policy, p.lifecycle, p.fetched = ins, lc, p.now()
	return nil
}
