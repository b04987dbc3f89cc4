package token

import (
	"sync"
	"time"
)

// Verifying an Ed25519 signature costs ~60 µs, paid on every request a
// browser makes with the same token (7.5 % of the server's CPU on the
// officer list, docs/performance.md). A verified token is therefore
// remembered for a short while. Only a pure fact is cached (this exact
// string carries a valid signature and these claims), so replicas need not
// share it; session checks (logout, disabling) happen after Verify and are
// not affected. Keys are never removed from the ring, so a cached token
// never outlives its key.
const (
	verifiedTTL = time.Minute
	verifiedMax = 10_000 // bound memory: the map is dropped wholesale when full
)

type verifiedEntry struct {
	claims Claims
	until  time.Time
}

type verifiedCache struct {
	mu      sync.Mutex
	entries map[string]verifiedEntry
}

func (v *verifiedCache) get(raw string, now time.Time) (Claims, bool) {
	v.mu.Lock()
	e, ok := v.entries[raw]
	v.mu.Unlock()
	if !ok || !now.Before(e.until) {
		return Claims{}, false
	}
	return e.claims, true
}

// put remembers c until the earlier of its expiry and now + verifiedTTL.
func (v *verifiedCache) put(raw string, c Claims, now time.Time) {
	until := now.Add(verifiedTTL)
	if c.ExpiresAt != nil && c.ExpiresAt.Time.Before(until) {
		until = c.ExpiresAt.Time
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.entries == nil || len(v.entries) >= verifiedMax {
		v.entries = make(map[string]verifiedEntry)
	}
	v.entries[raw] = verifiedEntry{claims: c, until: until}
}
