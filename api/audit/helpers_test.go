package audit_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/lecms/lecms/api/audit"
	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/store"
)

// clock is a test clock that advances by step on every reading.
type clock struct {
	mu   sync.Mutex
	t    time.Time
	step time.Duration
}

func newClock(start time.Time, step time.Duration) *clock { return &clock{t: start, step: step} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.t
	c.t = c.t.Add(c.step)
	return t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

func newTrail(t testing.TB, db *store.DB, o audit.Options) *audit.Trail {
	t.Helper()
	// storetest opens SQLite with MaxIdleConns 0, which reconnects (and
	// rereads the schema) on every statement; production keeps idle
	// connections, so do the tests.
	db.SQL().SetMaxIdleConns(4)
	tr, err := audit.New(store.NewAuditLog(db), o)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// recordN appends n events with varied fields.
func recordN(t testing.TB, tr *audit.Trail, n int) {
	t.Helper()
	ctx := context.Background()
	actions := []string{"auth.login", "officer.create", "officer.update", "application.approve"}
	for i := range n {
		e := domain.AuditEvent{
			ActorID: int64(i%5 + 1), ActorName: fmt.Sprintf("user%d", i%5), Role: "admin", Scope: "370102",
			Action: actions[i%len(actions)], TargetType: "officer", TargetID: fmt.Sprint(i), Result: domain.AuditSuccess,
			IP: "10.0.0.1", RequestID: fmt.Sprintf("req-%d", i), Detail: map[string]any{"n": i, "id_number": "370102********1234"},
		}
		if err := tr.Record(ctx, e); err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
	}
}

// tamper runs SQL as an attacker with database rights would: with the
// append-only guards out of the way (disabled on PostgreSQL, dropped on
// SQLite, which cannot disable a trigger).
func tamper(t testing.TB, db *store.DB, stmt string, args ...any) {
	t.Helper()
	ctx := context.Background()
	var off []string
	if db.Dialect() == store.Postgres {
		off = []string{`ALTER TABLE audit_events DISABLE TRIGGER USER`, `ALTER TABLE audit_chain DISABLE TRIGGER USER`}
	} else {
		for _, tr := range []string{"audit_events_no_update", "audit_events_no_delete", "audit_chain_no_delete", "audit_chain_forward_only"} {
			off = append(off, `DROP TRIGGER IF EXISTS `+tr)
		}
	}
	for _, s := range append(off, stmt) {
		a := args
		if s != stmt {
			a = nil
		}
		if _, err := db.SQL().ExecContext(ctx, rebind(db, s), a...); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// rebind turns ? placeholders into $n for PostgreSQL's database/sql driver.
func rebind(db *store.DB, q string) string {
	if db.Dialect() != store.Postgres {
		return q
	}
	out, n := make([]byte, 0, len(q)+8), 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			out = fmt.Appendf(out, "$%d", n)
			continue
		}
		out = append(out, q[i])
	}
	return string(out)
}

func verify(t testing.TB, tr *audit.Trail) audit.Report {
	t.Helper()
	r, err := tr.Verify(context.Background())
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	return r
}

func asDomain(err error, de **domain.Error) bool { return errors.As(err, de) }
