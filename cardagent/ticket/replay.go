package ticket

import (
	"context"
	"sync"
	"time"
)

// ReplayGuard remembers used nonces. The server backs it with its database
// (a unique key on the nonce); the agent and tests use MemoryGuard.
type ReplayGuard interface {
	// Claim marks nonce as used and returns ErrReplay if it already was.
	// The guard may forget the nonce after until; whatever carries the
	// nonce is refused as expired by then.
	Claim(ctx context.Context, nonce []byte, until time.Time) error
}

// MemoryGuard is an in-memory ReplayGuard.
type MemoryGuard struct {
	mu        sync.Mutex
	used      map[string]time.Time
	now       func() time.Time
	nextPrune time.Time
}

// pruneEvery bounds how often the whole map is swept, so Claim stays O(1)
// on average however many nonces are live.
const pruneEvery = time.Minute

// NewMemoryGuard returns an empty guard; now may be nil for time.Now.
func NewMemoryGuard(now func() time.Time) *MemoryGuard {
	if now == nil {
		now = time.Now
	}
	return &MemoryGuard{used: map[string]time.Time{}, now: now}
}

func (g *MemoryGuard) Claim(_ context.Context, nonce []byte, until time.Time) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now()
	g.pruneLocked(now)
	if g.liveLocked(nonce, now) {
		return ErrReplay
	}
	g.used[string(nonce)] = until
	return nil
}

// Used reports whether nonce has been claimed and not yet forgotten.
func (g *MemoryGuard) Used(nonce []byte) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.liveLocked(nonce, g.now())
}

// Len reports how many nonces are remembered, expired ones included until
// the next sweep.
func (g *MemoryGuard) Len() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.used)
}

func (g *MemoryGuard) liveLocked(nonce []byte, now time.Time) bool {
	until, ok := g.used[string(nonce)]
	return ok && !now.After(until)
}

func (g *MemoryGuard) pruneLocked(now time.Time) {
	if now.Before(g.nextPrune) {
		return
	}
	g.nextPrune = now.Add(pruneEvery)
	for k, until := range g.used {
		if now.After(until) {
			delete(g.used, k)
		}
	}
}
