package audit_test

import (
	"context"
	"testing"
	"time"

	"github.com/lecms/lecms/api/audit"
	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/store"
	"github.com/lecms/lecms/api/store/storetest"
)

var cst = time.FixedZone("CST", 8*3600)

// pruneFixture: 300 events an hour apart starting 400 days ago, then 20
// from ten days ago; the trail's clock is back at the real now, which the
// database guards also use.
func pruneFixture(t *testing.T, db *store.DB, o audit.Options) (*audit.Trail, *clock, time.Time) {
	t.Helper()
	now := time.Now()
	clk := newClock(now.AddDate(0, 0, -400), time.Hour)
	o.Now, o.Location, o.BatchSize = clk.Now, cst, 64
	tr := newTrail(t, db, o)
	recordN(t, tr, 300)
	clk.Set(now.AddDate(0, 0, -10))
	recordN(t, tr, 20)
	clk.Set(now)
	clk.step = time.Second
	return tr, clk, now
}

func day(t time.Time) domain.Date { return domain.DateOf(t.In(cst)) }

func TestPruneKeepsTheRetentionPeriod(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		tr, _, now := pruneFixture(t, db, audit.Options{})
		for _, before := range []domain.Date{day(now), day(now).AddDays(-182), {}} {
			_, err := tr.Prune(ctx, before, "ops")
			if domain.ErrorCode(err) != domain.CodeRuleViolated {
				t.Errorf("prune before %s: %v", before, err)
			}
		}
		r := verify(t, tr)
		if !r.OK() || r.AnchorID != 0 || r.Checked != 323 { // 320 events and the three refusals
			t.Fatalf("after refusals: %+v %+v", r, r.Break)
		}
		page, err := tr.Search(ctx, domain.Principal{Scope: "370000"}, audit.Filter{Action: "audit.prune"})
		if err != nil || len(page.Items) != 3 || page.Items[0].Result != domain.AuditDenied || page.Items[0].ActorName != "ops" {
			t.Fatalf("refusals are audited: %+v %v", page.Items, err)
		}
	})
}

func TestPruneLeavesAVerifiableChain(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		tr, _, now := pruneFixture(t, db, audit.Options{})
		// First the events of the first five days (in batches of 1000: one).
		before := day(now.AddDate(0, 0, -395))
		res, err := tr.Prune(ctx, before, "ops")
		if err != nil {
			t.Fatal(err)
		}
		if res.Removed < 4*24 || res.Removed > 6*24 || res.AnchorID != res.Removed {
			t.Fatalf("first prune: %+v", res)
		}
		r := verify(t, tr)
		if !r.OK() || r.AnchorID != res.AnchorID || r.FirstID != res.AnchorID+1 || r.AnchorAt == nil ||
			!r.AnchorAt.Before(time.Date(before.Year(), before.Month(), before.Day(), 0, 0, 0, 0, cst)) {
			t.Fatalf("after first prune: %+v %+v", r, r.Break)
		}
		// Then everything past the retention period: the 300 old events.
		res, err = tr.Prune(ctx, day(now).AddDays(-audit.MinRetentionDays), "ops")
		if err != nil || res.AnchorID != 300 {
			t.Fatalf("second prune: %+v %v", res, err)
		}
		recordN(t, tr, 5) // appends continue from the anchored chain
		r = verify(t, tr)
		if !r.OK() || r.FirstID != 301 || r.Checked != 20+2+5 {
			t.Fatalf("after second prune: %+v %+v", r, r.Break)
		}
		// Nothing left to prune is not an error.
		if res, err := tr.Prune(ctx, day(now).AddDays(-audit.MinRetentionDays), "ops"); err != nil || res.Removed != 0 {
			t.Fatalf("third prune: %+v %v", res, err)
		}
		// A tampered chain, or an attacker's deletion below the new
		// anchor, is still detected.
		tamper(t, db, `DELETE FROM audit_events WHERE id = 301`)
		if r := verify(t, tr); r.OK() || r.Break.ID != 301 || r.Break.Kind != audit.BreakMissing {
			t.Fatalf("deleted first row after the anchor: %+v %+v", r, r.Break)
		}
	})
}

func TestPruneRefusesABrokenChain(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		tr, _, now := pruneFixture(t, db, audit.Options{})
		tamper(t, db, `UPDATE audit_events SET action = 'auth.logout' WHERE id = 50`)
		_, err := tr.Prune(context.Background(), day(now).AddDays(-200), "ops")
		if domain.ErrorCode(err) != domain.CodeConflict {
			t.Fatalf("prune of a broken chain: %v", err)
		}
		if r := verify(t, tr); r.AnchorID != 0 || r.Break == nil || r.Break.ID != 50 {
			t.Fatalf("evidence kept: %+v %+v", r, r.Break)
		}
	})
}

// The retention setting can lengthen the period, never shorten it.
func TestRetentionSetting(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		settings := store.NewSettings(db)
		tr, _, now := pruneFixture(t, db, audit.Options{Settings: settings})
		if err := settings.Put(ctx, audit.PolicyKey, audit.Policy{RetentionDays: 365}, "test"); err != nil {
			t.Fatal(err)
		}
		if _, err := tr.Prune(ctx, day(now).AddDays(-300), "ops"); domain.ErrorCode(err) != domain.CodeRuleViolated {
			t.Fatalf("inside a 365-day period: %v", err)
		}
		if _, err := tr.Prune(ctx, day(now).AddDays(-390), "ops"); err != nil {
			t.Fatalf("outside a 365-day period: %v", err)
		}
		if err := settings.Put(ctx, audit.PolicyKey, audit.Policy{RetentionDays: 30}, "test"); err != nil {
			t.Fatal(err)
		}
		if p, err := tr.Policy(ctx); err != nil || p.RetentionDays != audit.MinRetentionDays {
			t.Fatalf("30 days is raised to the floor: %+v %v", p, err)
		}
		if _, err := tr.Prune(ctx, day(now).AddDays(-100), "ops"); domain.ErrorCode(err) != domain.CodeRuleViolated {
			t.Fatalf("inside the legal floor: %v", err)
		}
	})
}

// A trail whose clock runs years ahead would allow the date, but the
// database keeps six months by its own clock.
func TestDatabaseKeepsSixMonthsWhateverTheAppClock(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		tr, clk, now := pruneFixture(t, db, audit.Options{})
		clk.Set(now.AddDate(3, 0, 0))
		_, err := tr.Prune(context.Background(), day(now).AddDays(1), "ops")
		if err == nil {
			t.Fatal("pruned recent events")
		}
		if r := verify(t, tr); !r.OK() || r.AnchorID != 0 {
			t.Fatalf("%+v %+v", r, r.Break)
		}
	})
}
