package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/httpapi/apitest"
	"github.com/lecms/lecms/api/records"
	"github.com/lecms/lecms/api/store"
	"github.com/lecms/lecms/api/store/storetest"
)

func transferPath(id int64) string { return "/api/v1/officers/" + itoa(id) + "/transfer" }

func (h *harness) version(id int64) int {
	h.t.Helper()
	r, err := store.NewOfficers(h.db).Record(context.Background(), id)
	if err != nil {
		h.t.Fatal(err)
	}
	return r.Version
}

// 调动: a city office moves an officer with an active certificate from a
// county unit to a city unit; the record moves (same ID number, same row),
// a renewal is opened for the new unit, the timeline and the audit trail
// say who, when, from where, to where and why.
func TestTransferMovesTheRecordAndOpensARenewal(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		jinan, _ := h.login("jinan")
		b := h.officer("A00001-b") // active, due 2026-12-31 (due soon, not overdue)
		to := h.units["A00003"]    // 济南市市场监督管理局, 370100

		r := jinan.Do(http.MethodPost, transferPath(b.ID), map[string]any{"unit_id": to, "reason": "工作调动（济人社字〔2026〕12号）",
			"version": h.version(b.ID), "area": "济南市"})
		if r.Status != 201 {
			t.Fatalf("transfer: %d %s", r.Status, r.Body)
		}
		var res records.TransferResult
		r.JSON(t, &res)
		if res.FromUnitName != "历下区城市管理局" || res.ToUnitName != "济南市市场监督管理局" || res.ToRegion != "370100" ||
			res.ActorName != "jinan" || len(res.RenewalIDs) != 1 {
			t.Fatalf("result %+v", res)
		}
		moved := h.officer("A00001-b")
		if moved.ID != b.ID || moved.UnitID != to || moved.RegionCode != "370100" || moved.Area != "济南市" ||
			moved.CertState != domain.CertActive || moved.CertNo == nil || *moved.CertNo != *b.CertNo {
			t.Fatalf("officer after the move: %+v", moved)
		}
		// The renewal waits for the new unit's stamp; its reason says where from and why.
		apps := h.apps(jinan, "officer_id="+itoa(b.ID))
		if len(apps) != 1 || apps[0].ID != res.RenewalIDs[0] || apps[0].Kind != domain.AppRenewal || apps[0].State != domain.AppSubmitted ||
			apps[0].UnitID != to || apps[0].RegionCode != "370100" || apps[0].CertificateID == nil ||
			!strings.Contains(apps[0].Reason, "由历下区城市管理局调入济南市市场监督管理局") {
			t.Fatalf("renewal: %+v", apps)
		}
		// Timeline: the transfer, then the renewal it opened.
		var steps []domain.Step
		jinan.Get("/api/v1/officers/"+itoa(b.ID)+"/timeline").JSON(t, &steps)
		if len(steps) != 2 || steps[0].Kind != "transfer" || steps[0].Transfer == nil ||
			steps[0].Transfer.FromUnitName != "历下区城市管理局" || steps[0].Transfer.ToUnitID != to ||
			steps[0].ActorName != "jinan" || steps[0].Comment != "工作调动（济人社字〔2026〕12号）" ||
			steps[1].Kind != domain.AppRenewal || steps[1].Step != "apply" {
			t.Fatalf("timeline: %+v", steps)
		}
		// Audited in both regions, and the renewal's creation too.
		evs := h.audit.find("officer.transfer", domain.AuditSuccess)
		if len(evs) != 2 || evs[0].Scope != "370102" || evs[1].Scope != "370100" || evs[0].Detail["to_unit_id"] != to {
			t.Fatalf("transfer audit: %+v", evs)
		}
		if len(h.audit.find("application.create", domain.AuditSuccess)) != 1 {
			t.Error("renewal creation not audited")
		}
		// The new unit's reviewer would now stamp it; meanwhile the renewal
		// is in progress, so a second move is refused.
		p := problemOf(t, jinan.Do(http.MethodPost, transferPath(b.ID), map[string]any{"unit_id": h.units["A00002"],
			"reason": "再次调动", "version": h.version(b.ID)}))
		if p.Status != 422 || p.Errors[0].Field != "officer" || p.Errors[0].Rule != "open_application" {
			t.Fatalf("transfer with an open application: %+v", p)
		}
		// The old unit's operator no longer sees the officer; the new unit's list has them.
		op, _ := h.login("op")
		if r := op.Get("/api/v1/officers/" + itoa(b.ID)); r.Status != 404 {
			t.Errorf("old unit still sees the officer: %d", r.Status)
		}
	})
}

func TestTransferRefusals(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		jinan, _ := h.login("jinan")
		lixia, _ := h.login("lixia")
		qingdao, _ := h.login("qingdao")
		op, _ := h.login("op")
		a, c := h.officer("A00001-a"), h.officer("A00001-c")
		body := func(o domain.Officer, unit int64) map[string]any {
			return map[string]any{"unit_id": unit, "reason": "调动", "version": h.version(o.ID)}
		}

		// Validation names every field.
		p := problemOf(t, jinan.Do(http.MethodPost, transferPath(a.ID), map[string]any{"version": 0, "reason": " "}))
		if got := rulesOf(p); p.Status != 400 || got["unit_id"] != "required" || got["reason"] != "required" || got["version"] != "required" {
			t.Errorf("validation: %+v", p)
		}
		if p := problemOf(t, jinan.Do(http.MethodPost, transferPath(a.ID), body(a, h.units["A00001"]))); p.Status != 400 || rulesOf(p)["unit_id"] != "same_unit" {
			t.Errorf("same unit: %+v", p)
		}
		if p := problemOf(t, jinan.Do(http.MethodPost, transferPath(a.ID), body(a, 999999))); p.Status != 400 || rulesOf(p)["unit_id"] != "exists" {
			t.Errorf("unknown unit: %+v", p)
		}
		// A county office holds the old unit but not the city unit.
		if p := problemOf(t, lixia.Do(http.MethodPost, transferPath(a.ID), body(a, h.units["A00003"]))); p.Status != 403 || rulesOf(p)["unit_id"] != "jurisdiction" {
			t.Errorf("destination outside the reach: %+v", p)
		}
		// 青岛 does not see the officer at all; a unit operator may not transfer.
		if r := qingdao.Do(http.MethodPost, transferPath(a.ID), body(a, h.units["A00004"])); r.Status != 404 {
			t.Errorf("officer outside the reach: %d %s", r.Status, r.Body)
		}
		if r := op.Do(http.MethodPost, transferPath(a.ID), body(a, h.units["A00002"])); r.Status != 403 {
			t.Errorf("unit operator: %d %s", r.Status, r.Body)
		}
		// An overdue certificate can only be cancelled (rule 5): refused, nothing moves.
		p = problemOf(t, jinan.Do(http.MethodPost, transferPath(c.ID), body(c, h.units["A00003"])))
		if p.Status != 422 || rulesOf(p)["officer"] != "overdue" || !strings.Contains(p.Detail, "注销") {
			t.Errorf("overdue: %+v", p)
		}
		if h.officer("A00001-c").UnitID != h.units["A00001"] {
			t.Error("a refused transfer moved the officer")
		}
		// A stale version is a conflict.
		stale := body(a, h.units["A00002"])
		stale["version"] = h.version(a.ID) + 5
		if r := jinan.Do(http.MethodPost, transferPath(a.ID), stale); r.Status != 409 {
			t.Errorf("stale version: %d %s", r.Status, r.Body)
		}
		// Without a certificate the move opens nothing; the county office
		// moves between two of its own units.
		r := lixia.Do(http.MethodPost, transferPath(a.ID), body(a, h.units["A00002"]))
		if r.Status != 201 {
			t.Fatalf("transfer without a certificate: %d %s", r.Status, r.Body)
		}
		var res records.TransferResult
		r.JSON(t, &res)
		if len(res.RenewalIDs) != 0 || h.officer("A00001-a").UnitID != h.units["A00002"] || len(h.apps(lixia, "officer_id="+itoa(a.ID))) != 0 {
			t.Errorf("transfer without a certificate: %+v", res)
		}
		// A dissolved unit takes nobody in.
		if _, err := store.NewUnits(db).Dissolve(context.Background(), h.units["A00003"]); err != nil {
			t.Fatal(err)
		}
		d := h.officer("A00001-d")
		if p := problemOf(t, jinan.Do(http.MethodPost, transferPath(d.ID), body(d, h.units["A00003"]))); p.Status != 422 || rulesOf(p)["unit_id"] != "dissolved" {
			t.Errorf("dissolved destination: %+v", p)
		}
	})
}

// A transfer and an application for the same certificate-less officer,
// sent at once: whichever commits first, the other is refused, and no
// application is left with the unit the officer left.
func TestTransferAndApplicationAtOnceOneWins(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		jinan, _ := h.login("jinan")
		op, _ := h.login("op")
		a := h.officer("A00001-a")
		body := map[string]any{"unit_id": h.units["A00003"], "reason": "调动", "version": h.version(a.ID)}
		var transfer, apply *apitest.Response
		start := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(2)
		go func() {
			defer wg.Done()
			<-start
			transfer = jinan.Do(http.MethodPost, transferPath(a.ID), body)
		}()
		go func() {
			defer wg.Done()
			<-start
			apply = op.Do(http.MethodPost, "/api/v1/applications", map[string]any{"kind": "new_card", "officer_ids": []int64{a.ID}})
		}()
		close(start)
		wg.Wait()
		switch {
		case transfer.Status == 201:
			// The application lost: gated before the move (409), or
			// after it, when the officer is outside the operator's unit.
			p := problemOf(t, apply)
			switch {
			case p.Status == 409 && rulesOf(p)["officers/"+itoa(a.ID)] == "officer_changed" && strings.Contains(p.Detail, "已调动"):
			case p.Status == 403 && rulesOf(p)["officers/"+itoa(a.ID)] == "jurisdiction":
			default:
				t.Fatalf("transfer won; application: %+v", p)
			}
		case apply.Status == 201:
			if p := problemOf(t, transfer); p.Status != 422 || rulesOf(p)["officer"] != "open_application" {
				t.Fatalf("application won; transfer: %+v", p)
			}
		default:
			t.Fatalf("neither won: transfer %d %s, application %d %s", transfer.Status, transfer.Body, apply.Status, apply.Body)
		}
		var stray int
		if err := db.SQL().QueryRow(`SELECT COUNT(*) FROM applications a JOIN officers o ON o.id = a.officer_id
			WHERE a.unit_id <> o.unit_id`).Scan(&stray); err != nil || stray != 0 {
			t.Fatalf("%d applications outside their officer's unit (%v)", stray, err)
		}
	})
}
