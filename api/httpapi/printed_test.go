package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/httpapi/apitest"
	"github.com/lecms/lecms/api/records"
	"github.com/lecms/lecms/api/records/phototest"
	"github.com/lecms/lecms/api/store"
	"github.com/lecms/lecms/api/store/storetest"
)

func profileOf(t *testing.T, c *apitest.Client, id int64) records.OfficerProfile {
	t.Helper()
	var p records.OfficerProfile
	r := c.Get("/api/v1/officers/" + itoa(id) + "/profile")
	if r.Status != 200 {
		t.Fatalf("profile: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &p)
	return p
}

// editBody is the edit form as loaded, with changes on top.
func editBody(p records.OfficerProfile, changes map[string]any) map[string]any {
	b := map[string]any{"version": p.Version, "code": p.Code, "name": p.Name, "id_number": p.IDNumber, "area": p.Area,
		"category": p.Category, "staffing": p.Staffing, "training_hours": p.TrainingHours}
	for k, v := range changes {
		b[k] = v
	}
	return b
}

// While an application is on its way from the unit's stamp to the card,
// the printed fields (code, name, unit, area, photo) may not change: the
// stamped form carries their values. Other fields may; a returned
// application unlocks them for the correction.
func TestPrintedFieldsLockedWhileAnApplicationIsOpen(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		op, _ := h.login("op")
		rev, _ := h.login("rev")
		a := h.officer("A00001-a")
		path := "/api/v1/officers/" + itoa(a.ID)

		if p := profileOf(t, op, a.ID); p.OpenApplication != nil || len(p.LockedFields) != 0 {
			t.Fatalf("nothing open yet: %+v %v", p.OpenApplication, p.LockedFields)
		}
		res := created(t, op.Do(http.MethodPost, "/api/v1/applications", map[string]any{"kind": "new_card", "officer_ids": []int64{a.ID}}))
		p := profileOf(t, op, a.ID)
		if p.OpenApplication == nil || p.OpenApplication.ID != res.IDs[0] || !p.OpenApplication.Locks ||
			p.OpenApplication.State != domain.AppSubmitted || len(p.LockedFields) != 5 {
			t.Fatalf("profile while submitted: %+v %v", p.OpenApplication, p.LockedFields)
		}
		// Changing name and area is refused, naming both fields.
		pr := problemOf(t, op.Do(http.MethodPut, path, editBody(p, map[string]any{"name": "改名", "area": "别处", "post": "科长"})))
		if got := rulesOf(pr); pr.Status != 422 || pr.Code != "rule_violated" || len(got) != 2 ||
			got["name"] != "locked_by_application" || got["area"] != "locked_by_application" {
			t.Fatalf("printed edit: %+v", pr)
		}
		if len(h.audit.find("officer.update", domain.AuditFailure)) != 1 {
			t.Error("the refused edit is not audited")
		}
		// The photo too.
		ct, body := multipartPhoto("photo", "p.jpg", "image/jpeg", phototest.JPEG(300, 420))
		if pr := problemOf(t, send(op, http.MethodPut, path+"/photo", ct, body)); pr.Status != 422 || rulesOf(pr)["photo"] != "locked_by_application" {
			t.Fatalf("photo while locked: %+v", pr)
		}
		// A field that is not printed may change.
		if r := op.Do(http.MethodPut, path, editBody(p, map[string]any{"post": "科长"})); r.Status != 200 {
			t.Fatalf("non-printed edit: %d %s", r.Status, r.Body)
		}
		// Returned by the unit reviewer: open, but unlocked for the correction.
		if r := decide(rev, "reject", res.IDs, "姓名有误"); r.Status != 200 {
			t.Fatalf("reject: %d %s", r.Status, r.Body)
		}
		p = profileOf(t, op, a.ID)
		if p.OpenApplication == nil || p.OpenApplication.Locks || len(p.LockedFields) != 0 {
			t.Fatalf("profile while returned: %+v %v", p.OpenApplication, p.LockedFields)
		}
		if r := op.Do(http.MethodPut, path, editBody(p, map[string]any{"name": "改名"})); r.Status != 200 {
			t.Fatalf("correction after a return: %d %s", r.Status, r.Body)
		}
	})
}
