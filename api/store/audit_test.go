package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/lecms/lecms/api/store"
	"github.com/lecms/lecms/api/store/storetest"
)

// appendAt appends one entry stamped at; the hash only has to be unique
// here (the audit package tests the real chain hash).
func appendAt(t *testing.T, l *store.AuditLog, at time.Time) store.AuditEntry {
	t.Helper()
	e, err := l.Append(context.Background(), "sha256", store.AuditEntry{Action: "officer.update", Result: "success", Detail: "{}", Scope: "370102"},
		func(e *store.AuditEntry) error {
			e.At = at
			e.Hash = fmt.Appendf(nil, "hash-%d-%x", e.ID, e.PrevHash)
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func appendOld(t *testing.T, db *store.DB, n int) (*store.AuditLog, time.Time) {
	t.Helper()
	l := store.NewAuditLog(db)
	start := time.Now().AddDate(-1, 0, 0).UTC().Truncate(time.Microsecond)
	for i := range n {
		appendAt(t, l, start.Add(time.Duration(i)*time.Hour))
	}
	return l, start
}

func TestAuditAppendLinksAndNumbersWithoutGaps(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		l, _ := appendOld(t, db, 3)
		// A rolled-back append must not consume an id.
		boom := errors.New("boom")
		err := db.InTx(ctx, func(tx *store.Tx) error {
			_, err := l.AppendTx(ctx, tx, "sha256", store.AuditEntry{Action: "a.b", Result: "success", Detail: "{}"},
				func(e *store.AuditEntry) error { e.At, e.Hash = time.Now(), []byte("x"); return nil })
			if err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		e := appendAt(t, l, time.Now())
		h, err := l.Head(ctx)
		if err != nil || e.ID != 4 || h.HeadID != 4 || string(h.HeadHash) != string(e.Hash) || h.Algorithm != "sha256" {
			t.Fatalf("entry %+v head %+v %v", e, h, err)
		}
		rows, err := l.Range(ctx, 0, 10, 10)
		if err != nil || len(rows) != 4 {
			t.Fatalf("%d rows %v", len(rows), err)
		}
		for i, r := range rows {
			if i > 0 && string(r.PrevHash) != string(rows[i-1].Hash) {
				t.Errorf("row %d not linked to %d", r.ID, rows[i-1].ID)
			}
			if r.ProvCode != "37" || r.CityCode != "3701" {
				t.Errorf("row %d jurisdiction columns %q %q", r.ID, r.ProvCode, r.CityCode)
			}
		}
		if _, err := l.Append(ctx, "sm3", store.AuditEntry{}, func(*store.AuditEntry) error { return nil }); !errors.Is(err, store.ErrAuditAlgorithm) {
			t.Errorf("another algorithm: %v", err)
		}
	})
}

// Without the prune path, the database refuses to change or remove audit
// rows, and the chain row only moves forward.
func TestAuditGuardsRefuseUpdateAndDelete(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		appendOld(t, db, 5)
		ctx := context.Background()
		stmts := []string{
			`UPDATE audit_events SET action = 'auth.logout' WHERE id = 2`,
			`UPDATE audit_events SET city_code = '3702' WHERE id = 2`,
			`DELETE FROM audit_events WHERE id = 5`,
			`DELETE FROM audit_events`,
			`UPDATE audit_chain SET head_id = 4 WHERE id = 1`,
			`UPDATE audit_chain SET head_hash = NULL WHERE id = 1`,
			`UPDATE audit_chain SET anchor_id = 3 WHERE id = 1`,
			`UPDATE audit_chain SET algorithm = 'sm3' WHERE id = 1`,
			`DELETE FROM audit_chain`,
		}
		if db.Dialect() == store.Postgres {
			stmts = append(stmts, `TRUNCATE audit_events`, `TRUNCATE audit_chain`)
		}
		for _, s := range stmts {
			if _, err := db.SQL().ExecContext(ctx, s); err == nil {
				t.Errorf("%s: accepted", s)
			} else if !strings.Contains(err.Error(), "refused") {
				t.Errorf("%s: unexpected error %v", s, err)
			}
		}
		if db.Dialect() == store.Postgres {
			// The session setting alone is not enough: updates, rows above
			// the anchor, and an anchor that is not a real row, stay refused.
			conn, err := db.SQL().Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			if _, err := conn.ExecContext(ctx, `SET lecms.audit_prune = 'on'`); err != nil {
				t.Fatal(err)
			}
			for _, s := range []string{
				`DELETE FROM audit_events WHERE id = 5`,
				`UPDATE audit_events SET action = 'auth.logout' WHERE id = 2`,
				`UPDATE audit_chain SET anchor_id = 3 WHERE id = 1`,
			} {
				if _, err := conn.ExecContext(ctx, s); err == nil {
					t.Errorf("%s with lecms.audit_prune = on: accepted", s)
				}
			}
		}
		l := store.NewAuditLog(db)
		if rows, err := l.Range(ctx, 0, 10, 10); err != nil || len(rows) != 5 || rows[1].Action != "officer.update" {
			t.Fatalf("rows after refused changes: %d %v", len(rows), err)
		}
	})
}

// Migrating again (every start does) keeps one set of guards and brings
// back a guard that was disabled or dropped.
func TestAuditGuardsSurviveASecondMigration(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		appendOld(t, db, 2)
		if db.Dialect() == store.Postgres {
			mustExec(t, db, `ALTER TABLE audit_events DISABLE TRIGGER USER`)
			mustExec(t, db, `ALTER TABLE audit_chain DISABLE TRIGGER USER`)
		} else {
			mustExec(t, db, `DROP TRIGGER audit_events_no_delete`)
			mustExec(t, db, `DROP TRIGGER audit_chain_forward_only`)
		}
		if err := db.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SQL().Exec(`DELETE FROM audit_events WHERE id = 1`); err == nil {
			t.Fatal("delete accepted after a second migration")
		}
		if _, err := db.SQL().Exec(`UPDATE audit_chain SET head_id = 1 WHERE id = 1`); err == nil {
			t.Fatal("chain moved back after a second migration")
		}
		if db.Dialect() == store.Postgres {
			var n int
			if err := db.SQL().QueryRow(`SELECT count(*) FROM pg_trigger WHERE tgrelid = 'audit_events'::regclass AND NOT tgisinternal`).Scan(&n); err != nil || n != 2 {
				t.Fatalf("%d triggers on audit_events: %v", n, err)
			}
		}
	})
}

// Pruning works in batches from the anchor and stops at the first row at
// or after the cutoff, even if a later row carries an older timestamp (a
// replica with a slow clock): what remains is a contiguous tail.
func TestAuditPruneBatchKeepsAContiguousTail(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		l, start := appendOld(t, db, 10)
		appendAt(t, l, start.Add(-time.Hour)) // id 11: older than every other
		cutoff := start.Add(7 * time.Hour)    // rows 1–7 are before it
		var batches []int64
		for {
			n, err := l.PruneBatch(ctx, cutoff, 3)
			if err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				break
			}
			batches = append(batches, n)
		}
		if fmt.Sprint(batches) != "[3 3 1]" {
			t.Errorf("batches %v, want [3 3 1]", batches)
		}
		h, err := l.Head(ctx)
		if err != nil || h.AnchorID != 7 || h.HeadID != 11 || h.AnchorAt == nil || !h.AnchorAt.Equal(start.Add(6*time.Hour)) {
			t.Fatalf("head %+v %v", h, err)
		}
		rows, err := l.Range(ctx, 0, 100, 100)
		if err != nil || len(rows) != 4 || rows[0].ID != 8 || string(rows[0].PrevHash) != string(h.AnchorHash) {
			t.Fatalf("remaining %+v %v", rows, err)
		}
	})
}

// Pruning refuses to anchor over a hole: that would hide a deletion.
func TestAuditPruneBatchRefusesAGap(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		l, start := appendOld(t, db, 6)
		if db.Dialect() == store.Postgres {
			mustExec(t, db, `ALTER TABLE audit_events DISABLE TRIGGER USER`)
		} else {
			mustExec(t, db, `DROP TRIGGER audit_events_no_delete`)
		}
		mustExec(t, db, `DELETE FROM audit_events WHERE id = 3`)
		if _, err := l.PruneBatch(ctx, start.Add(24*time.Hour), 100); !errors.Is(err, store.ErrAuditGap) {
			t.Fatalf("prune over a gap: %v", err)
		}
		if h, _ := l.Head(ctx); h.AnchorID != 0 {
			t.Fatalf("anchor moved to %d", h.AnchorID)
		}
	})
}

func mustExec(t *testing.T, db *store.DB, stmt string) {
	t.Helper()
	if _, err := db.SQL().Exec(stmt); err != nil {
		t.Fatalf("%s: %v", stmt, err)
	}
}
