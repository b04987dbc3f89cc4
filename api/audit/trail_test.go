package audit_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lecms/lecms/api/audit"
	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/store"
	"github.com/lecms/lecms/api/store/storetest"
)

const chainLen = 250

func TestChainVerifies(t *testing.T) {
	for _, alg := range []audit.Algorithm{audit.SHA256, audit.SM3} {
		t.Run(string(alg), func(t *testing.T) {
			storetest.Dialects(t, func(t *testing.T, db *store.DB) {
				// A batch size that does not divide the chain exercises batch edges.
				tr := newTrail(t, db, audit.Options{Hash: alg, BatchSize: 7})
				if r := verify(t, tr); !r.OK() || r.Checked != 0 {
					t.Fatalf("empty chain: %+v", r)
				}
				recordN(t, tr, chainLen)
				r := verify(t, tr)
				if !r.OK() || r.Checked != chainLen || r.FirstID != 1 || r.LastID != chainLen || r.HeadID != chainLen || r.Algorithm != alg {
					t.Fatalf("report %+v %+v", r, r.Break)
				}
				if len(r.HeadHash) != 32 {
					t.Errorf("head hash %x", r.HeadHash)
				}
			})
		})
	}
}

// Each way of tampering is detected at the row where it happened.
func TestTamperingIsDetected(t *testing.T) {
	cases := []struct {
		name string
		stmt string
		args []any
		id   int64
		kind audit.BreakKind
	}{
		{"altered action", `UPDATE audit_events SET action = 'officer.read' WHERE id = ?`, []any{117}, 117, audit.BreakAltered},
		{"altered result", `UPDATE audit_events SET result = 'failure' WHERE id = ?`, []any{3}, 3, audit.BreakAltered},
		{"altered actor", `UPDATE audit_events SET actor_name = 'nobody' WHERE id = ?`, []any{chainLen}, chainLen, audit.BreakAltered},
		{"re-dated", `UPDATE audit_events SET at = ? WHERE id = ?`, []any{time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC), 9}, 9, audit.BreakAltered},
		{"deleted middle row", `DELETE FROM audit_events WHERE id = ?`, []any{100}, 100, audit.BreakMissing},
		{"deleted first row", `DELETE FROM audit_events WHERE id = ?`, []any{1}, 1, audit.BreakMissing},
		{"deleted last row", `DELETE FROM audit_events WHERE id = ?`, []any{chainLen}, chainLen, audit.BreakTruncated},
		{"re-filed into another city", `UPDATE audit_events SET city_code = '3702' WHERE id = ?`, []any{42}, 42, audit.BreakMisfiled},
		{"head moved back", `UPDATE audit_chain SET head_hash = ? WHERE id = 1`, []any{[]byte("forged")}, chainLen, audit.BreakHead},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			storetest.Dialects(t, func(t *testing.T, db *store.DB) {
				tr := newTrail(t, db, audit.Options{BatchSize: 16})
				recordN(t, tr, chainLen)
				tamper(t, db, tc.stmt, tc.args...)
				r := verify(t, tr)
				if r.OK() || r.Break.ID != tc.id || r.Break.Kind != tc.kind || r.Break.Message == "" {
					t.Fatalf("want %s at %d, got %+v %+v", tc.kind, tc.id, r, r.Break)
				}
				through := tc.id - 1 // rows before the break were checked
				if tc.kind == audit.BreakHead {
					through = tc.id // all rows, then the head
				}
				if r.LastID != through || r.Checked != through {
					t.Errorf("checked through %d (%d rows), want through %d", r.LastID, r.Checked, through)
				}
			})
		})
	}
}

// Deleting a row and renumbering the rest closes the id gap; the link to
// the previous hash still breaks.
func TestRenumberingIsDetected(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		tr := newTrail(t, db, audit.Options{})
		recordN(t, tr, 20)
		tamper(t, db, `DELETE FROM audit_events WHERE id = 10`)
		for id := 11; id <= 20; id++ {
			tamper(t, db, `UPDATE audit_events SET id = ? WHERE id = ?`, id-1, id)
		}
		tamper(t, db, `UPDATE audit_chain SET head_id = 19 WHERE id = 1`)
		if r := verify(t, tr); r.OK() || r.Break.ID != 10 || r.Break.Kind != audit.BreakRelinked {
			t.Fatalf("renumbered: %+v %+v", r, r.Break)
		}
	})
}

// Swapping two rows breaks the link the same way.
func TestReorderingIsDetected(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		tr := newTrail(t, db, audit.Options{})
		recordN(t, tr, 20)
		// Swap rows 5 and 6 through a free id.
		tamper(t, db, `UPDATE audit_events SET id = 1000 WHERE id = 5`)
		tamper(t, db, `UPDATE audit_events SET id = 5 WHERE id = 6`)
		tamper(t, db, `UPDATE audit_events SET id = 6 WHERE id = 1000`)
		if r := verify(t, tr); r.OK() || r.Break.ID != 5 || r.Break.Kind != audit.BreakRelinked {
			t.Fatalf("reordered: %+v %+v", r, r.Break)
		}
	})
}

// An event recorded in a transaction that rolls back leaves no trace and
// no id gap; a committed one lands with its change.
func TestRecordTxCommitsWithTheChange(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		tr := newTrail(t, db, audit.Options{})
		recordN(t, tr, 2)
		boom := errors.New("change failed")
		err := db.InTx(ctx, func(tx *store.Tx) error {
			if err := tr.RecordTx(ctx, tx, domain.AuditEvent{Action: "officer.create", Result: domain.AuditSuccess}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("rollback: %v", err)
		}
		err = db.InTx(ctx, func(tx *store.Tx) error {
			return tr.RecordTx(ctx, tx, domain.AuditEvent{Action: "officer.update", Result: domain.AuditSuccess, TargetID: "7"})
		})
		if err != nil {
			t.Fatal(err)
		}
		recordN(t, tr, 1)
		r := verify(t, tr)
		if !r.OK() || r.Checked != 4 || r.HeadID != 4 {
			t.Fatalf("%+v %+v", r, r.Break)
		}
		page, err := tr.Search(ctx, domain.Principal{Scope: "370000"}, audit.Filter{Action: "officer.update"})
		if err != nil || len(page.Items) != 1 || page.Items[0].ID != 3 || page.Items[0].TargetID != "7" {
			t.Fatalf("committed event: %+v %v", page, err)
		}
	})
}

// Replicas appending at once still build one linear chain.
func TestConcurrentAppendsFormOneChain(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		const writers, each = 8, 40
		tr := newTrail(t, db, audit.Options{Hash: audit.SM3})
		// Each goroutine appends on its own pooled connection, as replicas do.
		var wg sync.WaitGroup
		errs := make(chan error, writers*each)
		for w := range writers {
			wg.Go(func() {
				for i := range each {
					errs <- tr.Record(context.Background(), domain.AuditEvent{ActorName: fmt.Sprintf("w%d", w),
						Action: "officer.update", TargetID: fmt.Sprint(i), Result: domain.AuditSuccess})
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if r := verify(t, tr); !r.OK() || r.Checked != writers*each || r.HeadID != writers*each {
			t.Fatalf("%+v %+v", r, r.Break)
		}
	})
}

func TestChainKeepsItsAlgorithm(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		recordN(t, newTrail(t, db, audit.Options{Hash: audit.SHA256}), 1)
		err := newTrail(t, db, audit.Options{Hash: audit.SM3}).Record(context.Background(),
			domain.AuditEvent{Action: "auth.login", Result: domain.AuditSuccess})
		if !errors.Is(err, store.ErrAuditAlgorithm) {
			t.Fatalf("SM3 recorder on a SHA-256 chain: %v", err)
		}
	})
	if _, err := audit.New(nil, audit.Options{Hash: "md5"}); err == nil {
		t.Error("md5 accepted")
	}
}

// Bad events are programming errors, and personal data in clear is refused.
func TestInvalidEventsAreRefused(t *testing.T) {
	db := storetest.OpenSQLite(t)
	tr := newTrail(t, db, audit.Options{})
	id := string(domain.MakeIDNumber("370102", domain.NewDate(1980, 5, 17), 12, true))
	cases := map[string]domain.AuditEvent{
		"no action":         {Result: domain.AuditSuccess},
		"one-word action":   {Action: "login", Result: domain.AuditSuccess},
		"upper-case action": {Action: "Auth.Login", Result: domain.AuditSuccess},
		"no result":         {Action: "auth.login"},
		"bad result":        {Action: "auth.login", Result: "ok"},
		"bad scope":         {Action: "auth.login", Result: domain.AuditSuccess, Scope: "3701"},
		"bad ip":            {Action: "auth.login", Result: domain.AuditSuccess, IP: "localhost"},
		"long target id":    {Action: "auth.login", Result: domain.AuditSuccess, TargetID: strings.Repeat("x", 65)},
		"id number detail":  {Action: "officer.create", Result: domain.AuditSuccess, Detail: map[string]any{"who": "张三 " + id}},
		"id number target":  {Action: "officer.create", Result: domain.AuditSuccess, TargetID: id},
		"huge detail":       {Action: "officer.create", Result: domain.AuditSuccess, Detail: map[string]any{"x": strings.Repeat("a", 5000)}},
	}
	for name, e := range cases {
		err := tr.Record(context.Background(), e)
		if domain.ErrorCode(err) != domain.CodeInternal || err == nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	masked := domain.IDNumber(id).Masked()
	ok := domain.AuditEvent{Action: "officer.create", Result: domain.AuditSuccess, IP: "2001:db8::1",
		Detail: map[string]any{"id_number": masked, "card_serial": "123456789012345678"}}
	if err := tr.Record(context.Background(), ok); err != nil {
		t.Errorf("masked ID number refused: %v", err)
	}
	if r := verify(t, tr); !r.OK() || r.Checked != 1 {
		t.Fatalf("%+v", r)
	}
}

// The time of the action given by the caller is kept (to the
// microsecond, what both databases store); the trail stamps the others.
func TestRecordKeepsTheCallersTime(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		stamp := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
		tr := newTrail(t, db, audit.Options{Now: func() time.Time { return stamp }})
		given := time.Date(2026, 2, 28, 23, 59, 59, 123456789, cst)
		for _, at := range []time.Time{given, {}} {
			if err := tr.Record(ctx, domain.AuditEvent{At: at, Action: "auth.login", Result: domain.AuditSuccess}); err != nil {
				t.Fatal(err)
			}
		}
		page, err := tr.Search(ctx, domain.Principal{Scope: "370000"}, audit.Filter{})
		if err != nil || len(page.Items) != 2 {
			t.Fatalf("%+v %v", page, err)
		}
		if got := page.Items[1].At; !got.Equal(given.Truncate(time.Microsecond)) || got.Location() != time.UTC {
			t.Errorf("given time stored as %v", got)
		}
		if got := page.Items[0].At; !got.Equal(stamp) {
			t.Errorf("stamped time %v, want %v", got, stamp)
		}
		if r := verify(t, tr); !r.OK() {
			t.Fatalf("%+v", r.Break)
		}
	})
}
