package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/httpapi"
	"github.com/lecms/lecms/api/httpapi/apitest"
	"github.com/lecms/lecms/api/lifecycle"
	"github.com/lecms/lecms/api/store"
	"github.com/lecms/lecms/api/store/storetest"
)

func (h *harness) officer(code string) domain.Officer {
	h.t.Helper()
	page, err := store.NewOfficers(h.db).List(context.Background(), store.OfficerQuery{OfficerCode: code, Limit: 1})
	if err != nil || len(page.Items) != 1 {
		h.t.Fatalf("officer %s: %v %+v", code, err, page)
	}
	return page.Items[0]
}

func (h *harness) apps(c interface {
	Get(string) *apitestResponse
}, query string) []domain.Application {
	h.t.Helper()
	var page httpapi.ApplicationPage
	r := c.Get("/api/v1/applications?limit=200&" + query)
	if r.Status != 200 {
		h.t.Fatalf("list applications: %d %s", r.Status, r.Body)
	}
	r.JSON(h.t, &page)
	return page.Items
}

func decide(c interface {
	Do(string, string, any) *apitestResponse
}, action string, ids []int64, comment string) *apitestResponse {
	return c.Do(http.MethodPost, "/api/v1/applications/decisions", map[string]any{"action": action, "ids": ids, "comment": comment})
}

func TestNewCardFlowAssignsANumber(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		op, _ := h.login("op")
		rev, _ := h.login("rev")
		lixia, _ := h.login("lixia")
		jinan, _ := h.login("jinan")
		a := h.officer("A00001-a")

		r := op.Do(http.MethodPost, "/api/v1/applications", map[string]any{"kind": "new_card", "officer_ids": []int64{a.ID}})
		if r.Status != 201 {
			t.Fatalf("apply: %d %s", r.Status, r.Body)
		}
		var res lifecycle.BatchResult
		r.JSON(t, &res)
		if res.Count != 1 {
			t.Fatalf("apply result %+v", res)
		}
		id := res.IDs[0]
		// A second open application for the same officer is refused.
		if p := problemOf(t, op.Do(http.MethodPost, "/api/v1/applications", map[string]any{"kind": "new_card", "officer_ids": []int64{a.ID}})); p.Status != 422 || p.Errors[0].Rule != "open_application" {
			t.Errorf("duplicate application: %+v", p)
		}
		// The legal office cannot skip the unit's stamp.
		if p := problemOf(t, decide(lixia, "approve_legal", []int64{id}, "")); p.Status != 422 || p.Errors[0].Rule != "state" {
			t.Errorf("legal approval before the unit's: %+v", p)
		}
		if r := decide(rev, "approve_unit", []int64{id}, "同意"); r.Status != 200 {
			t.Fatalf("unit approval: %d %s", r.Status, r.Body)
		}
		// 济南 (city) sees the 历下区 application but may not approve it: not its level.
		if p := problemOf(t, decide(jinan, "approve_legal", []int64{id}, "")); p.Status != 422 || p.Errors[0].Rule != "level" {
			t.Errorf("city office approving a county unit: %+v", p)
		}
		if r := decide(lixia, "approve_legal", []int64{id}, "审核通过"); r.Status != 200 {
			t.Fatalf("legal approval: %d %s", r.Status, r.Body)
		}
		got := h.apps(lixia, "officer_id="+itoa(a.ID))
		if len(got) != 1 || got[0].State != domain.AppLegalApproved || got[0].CertNo == nil || *got[0].CertNo != "370102ZF000913" {
			// the fixture's highest 370102ZF number is 000912: the sequence continues after it
			t.Fatalf("after legal approval: %+v", got)
		}
		o := h.officer("A00001-a")
		if o.CertState != domain.CertPending || o.CertNo == nil || *o.CertNo != "370102ZF000913" {
			t.Errorf("officer list columns not refreshed: %+v", o)
		}
		var steps []domain.Step
		op.Get("/api/v1/officers/"+itoa(a.ID)+"/timeline").JSON(t, &steps)
		var names []string
		for _, s := range steps {
			names = append(names, s.Step+":"+s.ActorName)
		}
		if strings.Join(names, " ") != "apply:op unit_approve:rev legal_approve:lixia" {
			t.Errorf("timeline: %v", names)
		}
		if len(h.audit.find("application.approve_legal", domain.AuditSuccess)) != 1 {
			t.Error("legal approval not audited")
		}
	})
}

func TestApplyGatesAreAllOrNothing(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		op, _ := h.login("op")
		b, c, d := h.officer("A00001-b"), h.officer("A00001-c"), h.officer("A00001-d")
		other := h.officer("A00002-a") // a sibling unit's officer

		// Inspection of the 2024 round: b is due soon (fine), c is overdue.
		p := problemOf(t, op.Do(http.MethodPost, "/api/v1/applications", map[string]any{"kind": "inspection", "round": 2024, "officer_ids": []int64{b.ID, c.ID}}))
		if p.Status != 422 || len(p.Errors) != 1 || p.Errors[0].Field != "officers/"+itoa(c.ID) || p.Errors[0].Rule != "overdue" || !strings.Contains(p.Errors[0].Message, "注销") {
			t.Fatalf("overdue in the batch: %+v", p)
		}
		if n := len(h.apps(op, "")); n != 0 {
			t.Fatalf("a refused batch wrote %d applications", n)
		}
		// Round required, and officers outside the round refused.
		if p := problemOf(t, op.Do(http.MethodPost, "/api/v1/applications", map[string]any{"kind": "inspection", "officer_ids": []int64{b.ID}})); p.Status != 400 || p.Errors[0].Field != "round" {
			t.Errorf("inspection without round: %+v", p)
		}
		if p := problemOf(t, op.Do(http.MethodPost, "/api/v1/applications", map[string]any{"kind": "inspection", "round": 2023, "officer_ids": []int64{b.ID}})); p.Status != 422 || p.Errors[0].Rule != "round" {
			t.Errorf("officer not in the round: %+v", p)
		}
		// New card: failed exam; and an officer of another unit.
		if p := problemOf(t, op.Do(http.MethodPost, "/api/v1/applications", map[string]any{"kind": "new_card", "officer_ids": []int64{d.ID}})); p.Status != 422 || p.Errors[0].Rule != "exam" {
			t.Errorf("failed exam: %+v", p)
		}
		if p := problemOf(t, op.Do(http.MethodPost, "/api/v1/applications", map[string]any{"kind": "new_card", "officer_ids": []int64{other.ID, 99999}})); p.Status != 403 || len(p.Errors) != 2 {
			t.Errorf("foreign and unknown officers: %+v", p)
		}
		// Cancellation needs a reason from the list; lost-card replacement the void notice.
		if p := problemOf(t, op.Do(http.MethodPost, "/api/v1/applications", map[string]any{"kind": "cancellation", "reason": "不想干了", "officer_ids": []int64{b.ID}})); p.Status != 400 || p.Errors[0].Field != "reason" {
			t.Errorf("free-text cancellation reason: %+v", p)
		}
		if p := problemOf(t, op.Do(http.MethodPost, "/api/v1/applications", map[string]any{"kind": "replacement", "loss": "lost", "officer_ids": []int64{b.ID}})); p.Status != 400 || p.Errors[0].Field != "void_notice" {
			t.Errorf("lost card without void notice: %+v", p)
		}
		// Success, now: the inspection of b alone.
		if r := op.Do(http.MethodPost, "/api/v1/applications", map[string]any{"kind": "inspection", "round": 2024, "officer_ids": []int64{b.ID}}); r.Status != 201 {
			t.Errorf("inspection of b: %d %s", r.Status, r.Body)
		}
	})
}

func TestBatchByFilterNeedsTheCountTheUserSaw(t *testing.T) {
	h := newHarness(t, storetest.OpenSQLite(t))
	op, _ := h.login("op")
	body := func(n int) map[string]any {
		return map[string]any{"kind": "inspection", "round": 2024, "filter": map[string]any{"year": 2024, "cert_state": "active", "expected_count": n}}
	}
	// b and c of A00001 were last inspected in 2024; c is overdue, so use b only via officer code.
	if p := problemOf(t, op.Do(http.MethodPost, "/api/v1/applications", body(5))); p.Status != 409 || p.Errors[0].Field != "expected_count" {
		t.Fatalf("changed selection: %+v", p)
	}
	p := problemOf(t, op.Do(http.MethodPost, "/api/v1/applications", body(2)))
	if p.Status != 422 || len(p.Errors) != 1 || p.Errors[0].Rule != "overdue" {
		t.Fatalf("selection with an overdue officer: %+v", p)
	}
}

func TestRejectResubmitWithdrawAndCancellation(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		op, _ := h.login("op")
		rev, _ := h.login("rev")
		lixia, _ := h.login("lixia")
		b := h.officer("A00001-b")
		var res lifecycle.BatchResult
		op.Do(http.MethodPost, "/api/v1/applications", map[string]any{"kind": "cancellation", "reason": "退休", "officer_ids": []int64{b.ID}}).JSON(t, &res)
		id := res.IDs
		if p := problemOf(t, decide(rev, "reject", id, "")); p.Status != 400 || p.Errors[0].Field != "comment" {
			t.Errorf("reject without comment: %+v", p)
		}
		if r := decide(rev, "reject", id, "请补充离岗证明"); r.Status != 200 {
			t.Fatalf("reject: %d %s", r.Status, r.Body)
		}
		got := h.apps(op, "")
		if got[0].State != domain.AppReturned || got[0].ReturnedComment != "请补充离岗证明" {
			t.Fatalf("returned: %+v", got[0])
		}
		if r := decide(op, "resubmit", id, "已补充"); r.Status != 200 {
			t.Fatalf("resubmit: %d %s", r.Status, r.Body)
		}
		decide(rev, "approve_unit", id, "")
		if r := decide(lixia, "approve_legal", id, ""); r.Status != 200 {
			t.Fatalf("legal approval: %d %s", r.Status, r.Body)
		}
		if got := h.apps(op, ""); got[0].State != domain.AppCompleted {
			t.Errorf("cancellation not completed: %+v", got[0])
		}
		if o := h.officer("A00001-b"); o.CertState != domain.CertCancelled {
			t.Errorf("certificate not cancelled: %+v", o)
		}
		// Withdraw.
		a := h.officer("A00001-a")
		op.Do(http.MethodPost, "/api/v1/applications", map[string]any{"kind": "new_card", "officer_ids": []int64{a.ID}}).JSON(t, &res)
		if r := decide(op, "withdraw", res.IDs, ""); r.Status != 200 {
			t.Fatalf("withdraw: %d %s", r.Status, r.Body)
		}
		if p := problemOf(t, decide(rev, "approve_unit", res.IDs, "")); p.Status != 422 || p.Errors[0].Rule != "state" {
			t.Errorf("approving a withdrawn application: %+v", p)
		}
	})
}

func TestLegalGateRechecksAtApproval(t *testing.T) {
	h := newHarness(t, storetest.OpenSQLite(t))
	op, _ := h.login("op")
	rev, _ := h.login("rev")
	lixia, _ := h.login("lixia")
	a := h.officer("A00001-a")
	var res lifecycle.BatchResult
	op.Do(http.MethodPost, "/api/v1/applications", map[string]any{"kind": "new_card", "officer_ids": []int64{a.ID}}).JSON(t, &res)
	decide(rev, "approve_unit", res.IDs, "")
	if _, err := h.db.SQL().Exec("UPDATE officers SET has_photo = false WHERE id = ?", a.ID); err != nil {
		t.Fatal(err)
	}
	p := problemOf(t, decide(lixia, "approve_legal", res.IDs, ""))
	if p.Status != 422 || p.Errors[0].Rule != "photo" || !strings.Contains(p.Detail, "未做任何更改") {
		t.Fatalf("no photo at legal approval: %+v", p)
	}
}

func TestSeparationOfDuties(t *testing.T) {
	// A province may let one person hold both unit duties; the applicant
	// still cannot stamp their own application.
	h := newHarnessPolicy(t, storetest.OpenSQLite(t), "p, unit_reviewer, application, create, unit")
	rev, _ := h.login("rev")
	a := h.officer("A00001-a")
	var res lifecycle.BatchResult
	if r := rev.Do(http.MethodPost, "/api/v1/applications", map[string]any{"kind": "new_card", "officer_ids": []int64{a.ID}}); r.Status != 201 {
		t.Fatalf("apply: %d %s", r.Status, r.Body)
	} else {
		r.JSON(t, &res)
	}
	p := problemOf(t, decide(rev, "approve_unit", res.IDs, ""))
	if p.Status != 422 || p.Errors[0].Rule != "separation_of_duties" {
		t.Fatalf("self-approval: %+v", p)
	}
}

// Two reviewers approve the same application at once: one wins, the other
// gets 409, whatever the timing.
func TestConcurrentApprovalsOneWins(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		op, _ := h.login("op")
		a := h.officer("A00001-a")
		var res lifecycle.BatchResult
		op.Do(http.MethodPost, "/api/v1/applications", map[string]any{"kind": "new_card", "officer_ids": []int64{a.ID}}).JSON(t, &res)
		seen := h.apps(op, "")[0]
		reviewers := []*apitest.Client{}
		for range 2 {
			c, _ := h.login("rev")
			reviewers = append(reviewers, c)
		}
		statuses := make([]int, 2)
		var wg sync.WaitGroup
		for i, c := range reviewers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				statuses[i] = c.Do(http.MethodPost, "/api/v1/applications/decisions", map[string]any{"action": "approve_unit",
					"ids": []int64{seen.ID}, "versions": map[string]int{itoa(seen.ID): seen.Version}}).Status
			}()
		}
		wg.Wait()
		if !(statuses[0] == 200 && statuses[1] == 409 || statuses[0] == 409 && statuses[1] == 200) {
			t.Fatalf("statuses %v, want one 200 and one 409", statuses)
		}
		if got := h.apps(op, "")[0]; got.State != domain.AppUnitApproved || got.Version != seen.Version+1 {
			t.Errorf("after the race: %+v", got)
		}
	})
}

func TestSuspensionAndRevocationByTheLegalOffice(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		lixia, _ := h.login("lixia")
		jinan, _ := h.login("jinan")
		b := h.officer("A00001-b")
		if p := problemOf(t, jinan.Do(http.MethodPost, "/api/v1/certificates/sanctions", map[string]any{"kind": "suspension", "officer_ids": []int64{b.ID}, "reason": "调查"})); p.Status != 403 {
			t.Errorf("city office suspending a county unit's officer: %+v", p)
		}
		if r := lixia.Do(http.MethodPost, "/api/v1/certificates/sanctions", map[string]any{"kind": "revocation", "officer_ids": []int64{b.ID}, "reason": "严重违法"}); r.Status != 201 {
			t.Fatalf("revoke: %d %s", r.Status, r.Body)
		}
		if o := h.officer("A00001-b"); o.CertState != domain.CertRevoked {
			t.Fatalf("not revoked: %+v", o)
		}
		// Barred from a new card for two years.
		op, _ := h.login("op")
		if p := problemOf(t, op.Do(http.MethodPost, "/api/v1/applications", map[string]any{"kind": "new_card", "officer_ids": []int64{b.ID}})); p.Status != 422 || p.Errors[0].Rule != "barred" {
			t.Errorf("new card after revocation: %+v", p)
		}
	})
}

// 年检年度 on the queues: the year of the officer's last inspection, as on
// the officer list; a batch by filter honours it (rule 7: bulk actions
// never touch officers outside the round).
func TestQueuesFilterByInspectionYear(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		op, _ := h.login("op")
		rev, _ := h.login("rev")
		b, a := h.officer("A00001-b"), h.officer("A00001-a") // b last inspected 2024; a never
		created(t, op.Do(http.MethodPost, "/api/v1/applications", map[string]any{"kind": "inspection", "round": 2024, "officer_ids": []int64{b.ID}}))
		created(t, op.Do(http.MethodPost, "/api/v1/applications", map[string]any{"kind": "new_card", "officer_ids": []int64{a.ID}}))

		ids := func(query string) []int64 {
			var out []int64
			for _, x := range h.apps(rev, query) {
				out = append(out, x.OfficerID)
			}
			return out
		}
		if got := ids("state=submitted&year=2024"); len(got) != 1 || got[0] != b.ID {
			t.Errorf("year 2024: %v", got)
		}
		if got := ids("state=submitted&year=2023"); len(got) != 0 {
			t.Errorf("year 2023: %v", got)
		}
		if got := ids("state=submitted"); len(got) != 2 {
			t.Errorf("no year: %v", got)
		}
		var n httpapi.Count
		rev.Get("/api/v1/applications/count?state=submitted&year=2024").JSON(t, &n)
		if n.Total != 1 {
			t.Errorf("count with year: %d", n.Total)
		}
		for _, bad := range []string{"abc", "1989", "2101"} {
			p := problemOf(t, rev.Get("/api/v1/applications?year="+bad))
			if p.Status != 400 || rulesOf(p)["year"] != "range" {
				t.Errorf("year=%s: %+v", bad, p)
			}
		}
		// 全选 in the 2024 round stamps b only.
		r := rev.Do(http.MethodPost, "/api/v1/applications/decisions", map[string]any{"action": "approve_unit",
			"filter": map[string]any{"state": "submitted", "year": 2024, "expected_count": 1}})
		if r.Status != 200 {
			t.Fatalf("batch by filter with year: %d %s", r.Status, r.Body)
		}
		if got := ids("state=submitted"); len(got) != 1 || got[0] != a.ID {
			t.Errorf("the batch touched another round: %v", got)
		}
		p := problemOf(t, rev.Do(http.MethodPost, "/api/v1/applications/decisions", map[string]any{"action": "approve_unit",
			"filter": map[string]any{"state": "submitted", "year": 20, "expected_count": 1}}))
		if p.Status != 400 || rulesOf(p)["filter.year"] != "range" {
			t.Errorf("bad year in a filter: %+v", p)
		}
	})
}
