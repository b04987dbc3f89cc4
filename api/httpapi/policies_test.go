package httpapi_test

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/settings"
	"github.com/lecms/lecms/api/store"
	"github.com/lecms/lecms/api/store/storetest"
)

func TestPoliciesArePublishedToSignedInUsers(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		if r := h.client().Get("/api/v1/policies"); r.Status != 401 {
			t.Errorf("anonymous: %d", r.Status)
		}
		// Reachable before the forced password change (its page shows the policy).
		newbie, _ := h.login("newbie")
		var got settings.Published
		r := newbie.Get("/api/v1/policies")
		if r.Status != 200 {
			t.Fatalf("policies: %d %s", r.Status, r.Body)
		}
		r.JSON(t, &got)
		if got.Password != (settings.PasswordRules{MinLength: 8, MinClasses: 3, History: 5, MaxAgeDays: 90}) ||
			got.Lockout != (settings.LockoutRules{MaxFailures: 5, LockMinutes: 15}) || got.IdleTimeoutSeconds != 1800 ||
			!slices.Equal(got.CancelReasons, domain.DefaultLifecyclePolicy().CancelReasons) || got.RevocationBarYears != 2 ||
			len(got.CertTypes) != 2 || got.CertTypes[0].Label != "行政执法证" {
			t.Fatalf("published: %+v", got)
		}
		// A province's own list of reasons reaches clients within the settings cache's TTL,
		// and is what a cancellation must quote.
		lp := domain.DefaultLifecyclePolicy()
		lp.CancelReasons = []string{"调离执法岗位", "退休", "机构改革"}
		if err := store.NewSettings(db).Put(context.Background(), "lifecycle_policy", lp, "test"); err != nil {
			t.Fatal(err)
		}
		h.clock.Advance(2 * time.Minute)
		newbie.Get("/api/v1/policies").JSON(t, &got)
		if !slices.Equal(got.CancelReasons, lp.CancelReasons) {
			t.Fatalf("configured reasons not published: %v", got.CancelReasons)
		}
		op, _ := h.login("op")
		b := h.officer("A00001-b")
		if r := op.Do(http.MethodPost, "/api/v1/applications", map[string]any{"kind": "cancellation", "reason": "机构改革", "officer_ids": []int64{b.ID}}); r.Status != 201 {
			t.Errorf("cancellation with a configured reason: %d %s", r.Status, r.Body)
		}
	})
}
