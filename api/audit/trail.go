// Package audit keeps the audit trail MLPS level 3 asks for: every action
// with who, when, what and the result, kept at least six months and
// protected from deletion and alteration.
//
// Events form a hash chain (each row's hash covers the previous row's
// hash), appended under a lock on the chain head so that many API
// replicas still build one linear chain. The database refuses UPDATE and
// DELETE (see store.AuditLog); Verify recomputes the chain to detect what a
// database superuser could still do. Pruning past the retention period
// leaves an anchor so the remaining chain still verifies.
package audit

import (
	"context"
	"time"

	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/store"
)

// Recorder is what services depend on to audit their actions: a
// domain.Auditor that can also write the event in the transaction of the
// change it describes, so the two commit or roll back together.
type Recorder interface {
	domain.Auditor
	RecordTx(ctx context.Context, tx *store.Tx, e domain.AuditEvent) error
}

// SettingsStore reads configurable rules (the retention period).
type SettingsStore interface {
	Get(ctx context.Context, key string, v any) (bool, error)
}

// Options configure a Trail; the zero value of each field is a usable default.
type Options struct {
	Hash      Algorithm        // SHA256 (default) or SM3
	Now       func() time.Time // time.Now
	Location  *time.Location   // the calendar of prune dates; China Standard Time
	Settings  SettingsStore    // retention policy; nil keeps the legal minimum
	BatchSize int              // rows per Verify read; 1000
}

// Trail records, verifies, prunes and searches the audit chain.
type Trail struct {
	log      *store.AuditLog
	alg      Algorithm
	now      func() time.Time
	loc      *time.Location
	settings SettingsStore
	batch    int
}

var _ Recorder = (*Trail)(nil)

// New builds a Trail; it fails on an unknown hash algorithm.
func New(log *store.AuditLog, o Options) (*Trail, error) {
	t := &Trail{log: log, alg: o.Hash, now: o.Now, loc: o.Location, settings: o.Settings, batch: o.BatchSize}
	if t.alg == "" {
		t.alg = SHA256
	}
	if _, err := t.alg.newHash(); err != nil {
		return nil, err
	}
	if t.now == nil {
		t.now = time.Now
	}
	if t.loc == nil {
		t.loc = time.FixedZone("CST", 8*60*60)
	}
	if t.batch <= 0 {
		t.batch = 1000
	}
	return t, nil
}

// Record appends e in a transaction of its own: for events that describe
// no database change (logins, refused requests, exports). e.At is kept
// when set (the time of the action), else stamped by the trail's clock;
// the chain order is the id order either way.
func (t *Trail) Record(ctx context.Context, e domain.AuditEvent) error {
	entry, err := entryOf(e)
	if err != nil {
		return err
	}
	seal, err := t.sealer()
	if err != nil {
		return err
	}
	_, err = t.log.Append(ctx, string(t.alg), entry, seal)
	return err
}

// RecordTx appends e inside tx. It holds the chain lock until tx ends:
// record last, just before commit, so other writers wait the least.
func (t *Trail) RecordTx(ctx context.Context, tx *store.Tx, e domain.AuditEvent) error {
	entry, err := entryOf(e)
	if err != nil {
		return err
	}
	seal, err := t.sealer()
	if err != nil {
		return err
	}
	_, err = t.log.AppendTx(ctx, tx, string(t.alg), entry, seal)
	return err
}

// sealer stamps events without a time under the chain lock, keeps
// microseconds (what both databases store, so the hash survives the round
// trip) and links the entry to its predecessor.
func (t *Trail) sealer() (store.Seal, error) {
	h, err := t.alg.newHash()
	if err != nil {
		return nil, err
	}
	return func(e *store.AuditEntry) error {
		if e.At.IsZero() {
			e.At = t.now()
		}
		e.At = e.At.UTC().Truncate(time.Microsecond)
		e.Hash = chainHash(h, e.PrevHash, e)
		return nil
	}, nil
}
