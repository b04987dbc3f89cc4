package token

import (
	"context"
	"sort"
	"sync"
)

// MemoryKeyStore keeps keys in memory: for tests and single-process tools.
type MemoryKeyStore struct {
	mu   sync.Mutex
	keys []Key
}

func (m *MemoryKeyStore) Keys(context.Context) ([]Key, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := append([]Key(nil), m.keys...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].CreatedAt.After(out[j].CreatedAt) })
	return out, nil
}

func (m *MemoryKeyStore) Add(_ context.Context, k Key) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.keys = append(m.keys, k)
	return nil
}
