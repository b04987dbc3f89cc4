package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/httpapi"
	"github.com/lecms/lecms/api/store"
	"github.com/lecms/lecms/api/store/storetest"
)

// agentByID finds an agent in the list the API gives.
func agentByID(t *testing.T, c interface{ Get(string) *apitestResponse }, id int64) httpapi.CardAgent {
	t.Helper()
	var list []httpapi.CardAgent
	c.Get("/api/v1/card-agents").JSON(t, &list)
	for _, a := range list {
		if a.ID == id {
			return a
		}
	}
	t.Fatalf("agent %d not listed: %+v", id, list)
	return httpapi.CardAgent{}
}

// A disabled agent gets no ticket and its receipts are refused, also for
// a ticket signed before it was disabled; enabling it again restores both.
// Who, when and why are on the agent and in the audit trail.
func TestDisabledCardAgentIsRefused(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		id := h.inProduction("A00001-a")
		issuer := h.as("issuer")
		ag := h.newAgent(issuer, true)
		const uid = "5C1D2E3F"
		item := "/api/v1/production/items/" + itoa(id)
		agents := "/api/v1/card-agents/" + itoa(ag.id)

		if a := agentByID(t, issuer, ag.id); a.Disabled || a.DisabledAt != nil || a.LastUsedAt != nil || a.DisabledReason != "" {
			t.Fatalf("a new agent: %+v", a)
		}
		// A ticket while enabled (its last use), written, but the receipt
		// arrives after the agent was disabled.
		wt := ticketOf(t, issuer.Do(http.MethodPost, item+"/ticket", map[string]any{"card_uid": uid, "agent_id": ag.id}))
		if a := agentByID(t, issuer, ag.id); a.LastUsedAt == nil || !a.LastUsedAt.Equal(h.clock.Now().Truncate(time.Millisecond)) &&
			!a.LastUsedAt.Equal(h.clock.Now()) {
			t.Fatalf("last use after a ticket: %+v (now %s)", a.LastUsedAt, h.clock.Now())
		}
		receipt := ag.write(wt, uid)

		// The reason is required; legal offices (read only) may not disable.
		if p := problemOf(t, issuer.Do(http.MethodPost, agents+"/disable", map[string]string{"reason": "  "})); p.Status != 400 || p.Errors[0].Field != "reason" {
			t.Fatalf("disable without a reason: %+v", p)
		}
		if r := h.as("lixia").Do(http.MethodPost, agents+"/disable", map[string]string{"reason": "x"}); r.Status != 403 {
			t.Fatalf("legal office disabling: %d", r.Status)
		}
		// 济南's administrator does not see the province's agents.
		if r := h.as("jinan_admin").Do(http.MethodPost, agents+"/disable", map[string]string{"reason": "x"}); r.Status != 404 {
			t.Fatalf("city administrator disabling a provincial agent: %d", r.Status)
		}
		r := issuer.Do(http.MethodPost, agents+"/disable", map[string]string{"reason": "设备丢失"})
		if r.Status != 200 {
			t.Fatalf("disable: %d %s", r.Status, r.Body)
		}
		var d httpapi.CardAgent
		r.JSON(t, &d)
		if !d.Disabled || d.DisabledAt == nil || d.DisabledBy != "issuer" || d.DisabledReason != "设备丢失" {
			t.Fatalf("disabled agent: %+v", d)
		}
		if a := agentByID(t, issuer, ag.id); !a.Disabled || a.DisabledReason != "设备丢失" || a.DisabledBy != "issuer" {
			t.Fatalf("listed after disabling: %+v", a)
		}
		ruleOf(t, issuer.Do(http.MethodPost, agents+"/disable", map[string]string{"reason": "again"}), 409, "disabled")

		// The receipt of the earlier ticket, and a new ticket, are refused.
		p := ruleOf(t, issuer.Do(http.MethodPost, item+"/receipt", map[string]string{"receipt": receipt}), 422, "agent_disabled")
		if p.Code != "rule_violated" || !strings.Contains(p.Detail, "由 issuer 停用") || !strings.Contains(p.Detail, "设备丢失") {
			t.Errorf("refusal names the disabled agent and why: %+v", p)
		}
		if h.app(id).State != domain.AppInProduction {
			t.Fatal("a disabled agent's receipt completed the application")
		}
		p = ruleOf(t, issuer.Do(http.MethodPost, item+"/ticket", map[string]any{"card_uid": uid, "agent_id": ag.id}), 422, "agent_disabled")
		if !strings.Contains(p.Errors[0].Message, "制证室 1 号机") {
			t.Errorf("ticket refusal names the agent: %+v", p)
		}
		ruleOf(t, issuer.Do(http.MethodPost, item+"/ticket", map[string]any{"card_uid": uid, "device_key_id": ag.device.KeyID().String()}),
			422, "agent_disabled")
		if fails := h.audit.find("card.receipt", domain.AuditFailure); len(fails) != 1 || fails[0].Detail["rule"] != "agent_disabled" {
			t.Fatalf("refused receipt audited: %+v", fails)
		}
		ev := h.audit.find("card_agent.disable", domain.AuditSuccess)
		if len(ev) != 1 || ev[0].Detail["reason"] != "设备丢失" || ev[0].ActorName != "issuer" || ev[0].TargetID != itoa(ag.id) ||
			ev[0].Detail["key_id"] != ag.device.KeyID().String() {
			t.Fatalf("disable audited: %+v", ev)
		}

		// Enabled again (reason optional, even without a body): the same receipt counts.
		admin := h.as("admin")
		r = admin.Do(http.MethodPost, agents+"/enable", nil)
		if r.Status != 200 {
			t.Fatalf("enable: %d %s", r.Status, r.Body)
		}
		var e httpapi.CardAgent
		r.JSON(t, &e)
		if e.Disabled || e.DisabledAt != nil || e.DisabledBy != "" || e.DisabledReason != "" {
			t.Fatalf("enabled agent: %+v", e)
		}
		ruleOf(t, admin.Do(http.MethodPost, agents+"/enable", map[string]string{"reason": "again"}), 409, "enabled")
		if ev := h.audit.find("card_agent.enable", domain.AuditSuccess); len(ev) != 1 || ev[0].Detail["disabled_reason"] != "设备丢失" ||
			ev[0].ActorName != "admin" {
			t.Fatalf("enable audited: %+v", ev)
		}
		if r := issuer.Do(http.MethodPost, item+"/receipt", map[string]string{"receipt": receipt}); r.Status != 200 {
			t.Fatalf("receipt after enabling: %d %s", r.Status, r.Body)
		}
		// Unknown agents are 404.
		if r := issuer.Do(http.MethodPost, "/api/v1/card-agents/999999/disable", map[string]string{"reason": "x"}); r.Status != 404 {
			t.Fatalf("unknown agent: %d", r.Status)
		}
	})
}

// An inspection sync by a disabled agent is refused like an issue.
func TestDisabledCardAgentCannotSyncInspections(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		id := h.approvedInspection("A00001-b")
		b := h.officer("A00001-b")
		lixia, issuer := h.as("lixia"), h.as("issuer")
		ag := h.newAgent(issuer, true)
		const uid = "A1B2C3D4"
		path := "/api/v1/inspections/" + itoa(id)
		onCard := h.cardRecord(*b.CertNo, uid, 3, "2026-12-31", "2024-12-31")
		wt := ticketOf(t, lixia.Do(http.MethodPost, path+"/ticket", map[string]any{"card_uid": uid, "agent_id": ag.id, "card_record": onCard}))
		if r := issuer.Do(http.MethodPost, "/api/v1/card-agents/"+itoa(ag.id)+"/disable", map[string]string{"reason": "人员调离"}); r.Status != 200 {
			t.Fatalf("disable: %d %s", r.Status, r.Body)
		}
		ruleOf(t, lixia.Do(http.MethodPost, path+"/receipt", map[string]string{"receipt": ag.write(wt, uid)}), 422, "agent_disabled")
		ruleOf(t, lixia.Do(http.MethodPost, path+"/ticket", map[string]any{"card_uid": uid, "agent_id": ag.id, "card_record": onCard}),
			422, "agent_disabled")
		var apps struct{ Items []domain.Application }
		lixia.Get("/api/v1/applications?officer_id="+itoa(b.ID)).JSON(t, &apps)
		if len(apps.Items) != 1 || apps.Items[0].Chip.SyncedAt != nil || apps.Items[0].Chip.SyncMethod != "" {
			t.Fatalf("a refused sync left chip facts: %+v", apps.Items)
		}
		if o := h.officer("A00001-b"); o.NextDueOn.String() != "2026-12-31" {
			t.Fatalf("a disabled agent's receipt changed the certificate: %+v", o)
		}
	})
}

// Application rows carry the chip facts: the chip UID, the confirmed card
// write, and an inspection's steps 4 and 5 with how step 4 was done.
func TestApplicationRowsCarryChipFacts(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		issuer := h.as("issuer")
		appOf := func(officerID, appID int64) domain.Application {
			t.Helper()
			var page struct{ Items []domain.Application }
			issuer.Get("/api/v1/applications?officer_id="+itoa(officerID)).JSON(t, &page)
			for _, a := range page.Items {
				if a.ID == appID {
					return a
				}
			}
			t.Fatalf("application %d not listed: %+v", appID, page.Items)
			return domain.Application{}
		}
		// A new card: nothing before the write; the UID and the receipt's acceptance after.
		id := h.inProduction("A00001-a")
		a := h.officer("A00001-a")
		if c := appOf(a.ID, id).Chip; c.UID != "" || c.WrittenAt != nil || c.SyncedAt != nil || c.SyncMethod != "" || c.StickerAt != nil {
			t.Fatalf("chip facts before the write: %+v", c)
		}
		ag := h.newAgent(issuer, true)
		wt := ticketOf(t, issuer.Do(http.MethodPost, "/api/v1/production/items/"+itoa(id)+"/ticket", map[string]any{"card_uid": "5C1D2E3F", "agent_id": ag.id}))
		if c := appOf(a.ID, id).Chip; c.WrittenAt != nil {
			t.Fatalf("a ticket is not a write: %+v", c)
		}
		if r := issuer.Do(http.MethodPost, "/api/v1/production/items/"+itoa(id)+"/receipt", map[string]string{"receipt": ag.write(wt, "5C1D2E3F")}); r.Status != 200 {
			t.Fatalf("receipt: %d %s", r.Status, r.Body)
		}
		if c := appOf(a.ID, id).Chip; c.UID != "5C1D2E3F" || c.WrittenAt == nil || !c.WrittenAt.Equal(h.clock.Now()) || c.SyncedAt != nil {
			t.Fatalf("chip facts after the write: %+v (now %s)", c, h.clock.Now())
		}

		// An inspection synced through the chip, then the sticker.
		insp := h.approvedInspection("A00001-b")
		b := h.officer("A00001-b")
		if c := appOf(b.ID, insp).Chip; c.UID != "" || c.SyncedAt != nil {
			t.Fatalf("inspection before sync: %+v", c)
		}
		const uid = "A1B2C3D4"
		wt = ticketOf(t, issuer.Do(http.MethodPost, "/api/v1/inspections/"+itoa(insp)+"/ticket", map[string]any{"card_uid": uid,
			"agent_id": ag.id, "card_record": h.cardRecord(*b.CertNo, uid, 3, "2026-12-31", "2024-12-31")}))
		h.clock.Advance(time.Second)
		if r := issuer.Do(http.MethodPost, "/api/v1/inspections/"+itoa(insp)+"/receipt", map[string]string{"receipt": ag.write(wt, uid)}); r.Status != 200 {
			t.Fatalf("sync receipt: %d %s", r.Status, r.Body)
		}
		synced := h.clock.Now()
		c := appOf(b.ID, insp).Chip
		if c.UID != uid || c.SyncMethod != "chip" || c.SyncedAt == nil || !c.SyncedAt.Equal(synced) || c.WrittenAt == nil ||
			!c.WrittenAt.Equal(synced) || c.StickerAt != nil || c.NextDueOn == nil || c.NextDueOn.String() != "2028-12-31" {
			t.Fatalf("inspection after a chip sync: %+v", c)
		}
		h.clock.Advance(time.Minute)
		if r := issuer.Do(http.MethodPost, "/api/v1/inspections/"+itoa(insp)+"/sticker", nil); r.Status != 200 {
			t.Fatalf("sticker: %d %s", r.Status, r.Body)
		}
		if c := appOf(b.ID, insp).Chip; c.StickerAt == nil || !c.StickerAt.Equal(h.clock.Now()) || c.SyncMethod != "chip" {
			t.Fatalf("inspection after the sticker: %+v", c)
		}

		// By hand: synced, but no receipt was ever accepted.
		h.addOfficer("A00001-z", 3, "2026-12-31")
		man := h.approvedInspection("A00001-z")
		z := h.officer("A00001-z")
		if r := issuer.Do(http.MethodPost, "/api/v1/inspections/"+itoa(man)+"/manual-sync", map[string]string{"reason": "芯片损坏"}); r.Status != 200 {
			t.Fatalf("manual sync: %d %s", r.Status, r.Body)
		}
		if c := appOf(z.ID, man).Chip; c.SyncMethod != "manual" || c.SyncedAt == nil || c.WrittenAt != nil || c.StickerAt != nil ||
			c.NextDueOn == nil || c.NextDueOn.String() != "2028-12-31" {
			t.Fatalf("inspection after a manual sync: %+v", c)
		}
	})
}

// The SPA learns from the API whether this province allows manual sync.
func TestInspectionSyncPolicy(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		var sp httpapi.InspectionSyncPolicy
		lixia := h.as("lixia")
		lixia.Get("/api/v1/inspections/sync-policy").JSON(t, &sp)
		if !sp.ManualChipSync {
			t.Fatalf("default policy: %+v", sp)
		}
		if r := h.as("op").Get("/api/v1/inspections/sync-policy"); r.Status != 403 {
			t.Fatalf("unit operator reading the sync policy: %d", r.Status)
		}
		if err := store.NewSettings(db).Put(context.Background(), "lifecycle_policy", map[string]any{"manual_chip_sync": false,
			"separate_duties": true, "number_template": "{region}{type}{seq:6}", "revocation_bar_years": 2}, "admin"); err != nil {
			t.Fatal(err)
		}
		h.clock.Advance(2 * time.Minute) // past the settings cache
		h.as("issuer").Get("/api/v1/inspections/sync-policy").JSON(t, &sp)
		if sp.ManualChipSync {
			t.Fatalf("policy after the setting was turned off: %+v", sp)
		}
	})
}
