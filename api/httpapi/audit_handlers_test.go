package httpapi

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/labstack/echo/v5"

	"github.com/lecms/lecms/api/audit"
	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/httpapi/apitest"
	"github.com/lecms/lecms/api/store"
	"github.com/lecms/lecms/api/store/storetest"
)

// auditServer serves the audit route as p, with the production error
// handler and request ids, until server.go wires it behind authentication.
func auditServer(t *testing.T, trail *audit.Trail, p domain.Principal) *apitest.Client {
	t.Helper()
	e := echo.New()
	e.HTTPErrorHandler = errorHandler(slog.New(slog.NewTextHandler(io.Discard, nil)))
	e.Use(requestID())
	api := e.Group("/api/v1", func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c *echo.Context) error { c.Set(principalKey, p); return next(c) }
	})
	api.GET("/audit-events", (&auditHandler{trail: trail}).listAuditEvents)
	return apitest.New(t, e)
}

var auditT0 = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)

// auditTrail records six events a minute apart: ids 1–3 in 济南, 4–5 in
// 青岛, 6 without a scope.
func auditTrail(t *testing.T) *audit.Trail {
	t.Helper()
	db := storetest.OpenSQLite(t)
	db.SQL().SetMaxIdleConns(2)
	next := auditT0
	tr, err := audit.New(store.NewAuditLog(db), audit.Options{Now: func() time.Time { n := next; next = next.Add(time.Minute); return n }})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []domain.AuditEvent{
		{ActorID: 1, ActorName: "lixia", Role: string(domain.RoleUnitOperator), Scope: "370102", Action: "officer.create", TargetType: "officer", TargetID: "11", Result: domain.AuditSuccess, IP: "10.1.2.3", RequestID: "req-1", Detail: map[string]any{"id_number": "370102********1234", "count": 1}},
		{ActorID: 2, ActorName: "jinan", Role: string(domain.RoleAdmin), Scope: "370100", Action: "user.create", TargetType: "user", TargetID: "9", Result: domain.AuditSuccess},
		{ActorID: 2, ActorName: "jinan", Role: string(domain.RoleAdmin), Scope: "370100", Action: "auth.login", Result: domain.AuditSuccess},
		{ActorID: 3, ActorName: "qingdao", Role: string(domain.RoleAdmin), Scope: "370200", Action: "auth.login", Result: domain.AuditSuccess},
		{ActorID: 3, ActorName: "qingdao", Role: string(domain.RoleAdmin), Scope: "370202", Action: "officer.update", TargetType: "officer", TargetID: "12", Result: domain.AuditDenied},
		{ActorName: "unknown", Action: "auth.login", Result: domain.AuditFailure, IP: "203.0.113.9"},
	} {
		if err := tr.Record(context.Background(), e); err != nil {
			t.Fatal(err)
		}
	}
	return tr
}

func auditIDs(t *testing.T, r *apitest.Response) ([]int64, AuditEventPage) {
	t.Helper()
	if r.Status != http.StatusOK {
		t.Fatalf("status %d: %s", r.Status, r.Body)
	}
	var page AuditEventPage
	r.JSON(t, &page)
	ids := make([]int64, len(page.Items))
	for i, e := range page.Items {
		ids[i] = e.ID
	}
	return ids, page
}

func TestAuditEventsAreScopedAndPaged(t *testing.T) {
	tr := auditTrail(t)
	jinan := auditServer(t, tr, domain.Principal{UserID: 2, Username: "jinan", Role: domain.RoleAdmin, Scope: "370100"})
	ids, page := auditIDs(t, jinan.Get("/api/v1/audit-events"))
	if len(ids) != 3 || ids[0] != 3 || ids[2] != 1 || page.NextCursor != "" {
		t.Fatalf("济南 admin sees %v", ids)
	}
	first := page.Items[2]
	if first.Action != "officer.create" || first.Scope != "370102" || first.Result != "success" || first.IP != "10.1.2.3" ||
		first.RequestID != "req-1" || len(first.Hash) != 64 || first.Detail["id_number"] != "370102********1234" || !first.At.Equal(auditT0) {
		t.Errorf("event as served: %+v", first)
	}
	// Keyset pages, newest first.
	ids, page = auditIDs(t, jinan.Get("/api/v1/audit-events?limit=2"))
	if len(ids) != 2 || ids[0] != 3 || page.NextCursor == "" {
		t.Fatalf("first page %v %q", ids, page.NextCursor)
	}
	ids, page = auditIDs(t, jinan.Get("/api/v1/audit-events?limit=2&cursor="+url.QueryEscape(page.NextCursor)))
	if len(ids) != 1 || ids[0] != 1 || page.NextCursor != "" {
		t.Fatalf("second page %v %q", ids, page.NextCursor)
	}
	// 济南 does not see 青岛, and may not ask for it.
	if p := auditProblem(t, jinan.Get("/api/v1/audit-events?region=370200")); p.Status != 403 || p.Code != "forbidden" {
		t.Errorf("济南 asking for 青岛: %+v", p)
	}
	prov := auditServer(t, tr, domain.Principal{UserID: 4, Username: "prov", Role: domain.RoleAdmin, Scope: "370000"})
	if ids, _ := auditIDs(t, prov.Get("/api/v1/audit-events")); len(ids) != 6 {
		t.Errorf("province admin sees %v", ids)
	}
	qingdao := auditServer(t, tr, domain.Principal{UserID: 3, Username: "qingdao", Role: domain.RoleAdmin, Scope: "370200"})
	if ids, _ := auditIDs(t, qingdao.Get("/api/v1/audit-events")); len(ids) != 2 || ids[0] != 5 || ids[1] != 4 {
		t.Errorf("青岛 admin sees %v", ids)
	}
}

func TestAuditEventFilters(t *testing.T) {
	prov := auditServer(t, auditTrail(t), domain.Principal{Username: "prov", Role: domain.RoleAdmin, Scope: "370000"})
	at := func(id int) string {
		return url.QueryEscape(auditT0.Add(time.Duration(id-1) * time.Minute).Format(time.RFC3339))
	}
	cases := map[string]string{
		"action=auth":                              "[6 4 3]",
		"action=officer.update":                    "[5]",
		"result=failure":                           "[6]",
		"actor=qingdao":                            "[5 4]",
		"actor_id=2":                               "[3 2]",
		"target_type=officer&target_id=11":         "[1]",
		"request_id=req-1":                         "[1]",
		"region=370200":                            "[5 4]",
		"from=" + at(2) + "&to=" + at(4):           "[3 2]",
		"from=2026-03-01T16:03:00%2B08:00":         "[6 5 4]", // same instant as 08:03Z
		"action=auth&result=success&from=" + at(4): "[4]",
		"actor=nobody":                             "[]",
	}
	for query, want := range cases {
		ids, _ := auditIDs(t, prov.Get("/api/v1/audit-events?"+query))
		if got := fmt.Sprint(ids); got != want {
			t.Errorf("%s: %s, want %s", query, got, want)
		}
	}
}

// Every bad filter is a 400 problem naming the parameter.
func TestAuditEventBadFiltersAreNamed(t *testing.T) {
	prov := auditServer(t, auditTrail(t), domain.Principal{Username: "prov", Role: domain.RoleAdmin, Scope: "370000"})
	cases := []struct{ query, field, rule string }{
		{"from=2026-03-01", "from", "date_time"},
		{"to=yesterday", "to", "date_time"},
		{"from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z", "to", "after_from"},
		{"actor_id=-1", "actor_id", "positive_integer"},
		{"result=ok", "result", "enum"},
		{"limit=0", "limit", "range"},
		{"limit=500", "limit", "range"},
		{"region=37010X", "region", "region_code"},
		{"action=Auth%25", "action", "format"},
		{"cursor=not-a-cursor", "cursor", "format"},
	}
	for _, tc := range cases {
		p := auditProblem(t, prov.Get("/api/v1/audit-events?"+tc.query))
		if p.Status != 400 || p.Code != "invalid" || len(p.Errors) == 0 || p.Errors[0].Field != tc.field || p.Errors[0].Rule != tc.rule {
			t.Errorf("%s: %+v, want %s/%s", tc.query, p, tc.field, tc.rule)
		}
	}
	if p := auditProblem(t, prov.Get("/api/v1/audit-events?from=x&result=ok&limit=0")); len(p.Errors) != 3 {
		t.Errorf("want 3 field errors, got %+v", p.Errors)
	}
	unit := auditServer(t, auditTrail(t), domain.Principal{Username: "op", Role: domain.RoleUnitOperator, Scope: "370102", UnitID: 1})
	if p := auditProblem(t, unit.Get("/api/v1/audit-events")); p.Status != 403 {
		t.Errorf("unit user: %+v", p)
	}
}

func auditProblem(t *testing.T, r *apitest.Response) Problem {
	t.Helper()
	var p Problem
	r.JSON(t, &p)
	if p.Status != r.Status || p.RequestID == "" || p.Detail == "" {
		t.Fatalf("incomplete problem %d: %s", r.Status, r.Body)
	}
	return p
}
