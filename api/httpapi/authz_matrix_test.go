package httpapi_test

import (
	"context"
	"fmt"

	"github.com/labstack/echo/v5"
	"strings"
	"testing"

	"github.com/lecms/lecms/api/authz"
	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/httpapi"
	"github.com/lecms/lecms/api/store"
	"github.com/lecms/lecms/api/store/storetest"
)

// probe is how the matrix exercises one route: a request inside the
// caller's jurisdiction and, where the route takes a target, one outside.
type probe struct {
	inside  func(a actor) (path string, body any)
	outside func(a actor) (path string, body any) // nil: the route has no target
}

// actor is a signed-in principal of the fixture.
type actor struct {
	name                   string
	principal              domain.Principal
	ownOfficer, farOfficer int64 // an officer inside / outside the jurisdiction (0: none outside)
	ownUser, farUser       int64
}

// probes must name every API route: a new endpoint without an entry here
// fails TestAuthorizationMatrix, so nobody adds a route without deciding
// who may call it.
func probes(h *harness) map[string]probe {
	q := func(p string) func(actor) (string, any) { return func(actor) (string, any) { return p, nil } }
	inScope := func(p string) func(a actor) (string, any) {
		return func(a actor) (string, any) { return p + "?region=" + string(a.principal.Scope), nil }
	}
	outScope := func(p string) func(a actor) (string, any) {
		return func(actor) (string, any) { return p + "?region=110101", nil } // 北京东城: outside everyone
	}
	officer := func(far bool) func(a actor) (string, any) {
		return func(a actor) (string, any) {
			id := a.ownOfficer
			if far {
				id = a.farOfficer
			}
			return fmt.Sprintf("/api/v1/officers/%d", id), nil
		}
	}
	userAction := func(action string, far bool, body any) func(a actor) (string, any) {
		return func(a actor) (string, any) {
			id := a.ownUser
			if far {
				id = a.farUser
			}
			return fmt.Sprintf("/api/v1/users/%d/%s", id, action), body
		}
	}
	newUser := func(scope func(actor) string) func(a actor) (string, any) {
		return func(a actor) (string, any) {
			return "/api/v1/users", map[string]any{"username": "m_" + a.name, "display_name": "矩阵", "role": "legal_reviewer",
				"scope": scope(a), "password": "Initial@2026"}
		}
	}
	client := func(scope func(actor) string) func(a actor) (string, any) {
		return func(a actor) (string, any) {
			return "/api/v1/clients", map[string]any{"name": "矩阵", "grants": []string{"verify"}, "scope": scope(a)}
		}
	}
	own := func(a actor) string { return string(a.principal.Scope) }
	far := func(actor) string { return "110101" }
	reset := map[string]string{"password": "Reset@2026xy"}
	timeline := func(far bool) func(a actor) (string, any) {
		return func(a actor) (string, any) { p, _ := officer(far)(a); return p + "/timeline", nil }
	}
	apply := func(far bool) func(a actor) (string, any) {
		return func(a actor) (string, any) {
			id := a.ownOfficer
			if far {
				id = a.farOfficer
			}
			return "/api/v1/applications", map[string]any{"kind": "new_card", "officer_ids": []int64{id}}
		}
	}
	sanction := func(far bool) func(a actor) (string, any) {
		return func(a actor) (string, any) {
			if !far { // the body is incomplete: the route answers 400 to whoever may call it
				return "/api/v1/certificates/sanctions", map[string]any{"kind": "suspension", "officer_ids": []int64{a.ownOfficer}}
			}
			return "/api/v1/certificates/sanctions", map[string]any{"kind": "suspension", "officer_ids": []int64{a.farOfficer}, "reason": "矩阵"}
		}
	}
	rp := recordsProbes(h)  // records
	ip := issuanceProbes(h) // issuance
	return map[string]probe{
		"POST /api/v1/id-numbers/check": {inside: func(actor) (string, any) {
			return "/api/v1/id-numbers/check", map[string]string{"id_number": "11010519491231002X"}
		}},
		"POST /api/v1/auth/password": {inside: func(actor) (string, any) {
			return "/api/v1/auth/password", map[string]string{"old_password": "Wrong@2026", "new_password": "Whatever#2030"}
		}},
		"GET /api/v1/me":                        {inside: q("/api/v1/me")},
		"GET /api/v1/policies":                  {inside: q("/api/v1/policies")},
		"GET /api/v1/regions":                   {inside: q("/api/v1/regions")},
		"GET /api/v1/units":                     {inside: inScope("/api/v1/units"), outside: outScope("/api/v1/units")},
		"GET /api/v1/officers":                  {inside: inScope("/api/v1/officers"), outside: outScope("/api/v1/officers")},
		"GET /api/v1/officers/count":            {inside: inScope("/api/v1/officers/count"), outside: outScope("/api/v1/officers/count")},
		"GET /api/v1/officers/:id":              {inside: officer(false), outside: officer(true)},
		"GET /api/v1/users":                     {inside: q("/api/v1/users")},
		"POST /api/v1/users":                    {inside: newUser(own), outside: newUser(far)},
		"POST /api/v1/users/:id/password-reset": {inside: userAction("password-reset", false, reset), outside: userAction("password-reset", true, reset)},
		"POST /api/v1/users/:id/disable":        {inside: userAction("disable", false, nil), outside: userAction("disable", true, nil)},
		"POST /api/v1/users/:id/enable":         {inside: userAction("enable", false, nil), outside: userAction("enable", true, nil)},
		"POST /api/v1/users/:id/unlock":         {inside: userAction("unlock", false, nil), outside: userAction("unlock", true, nil)},
		"POST /api/v1/clients":                  {inside: client(own), outside: client(far)},
		"GET /api/v1/audit-events":              {inside: inScope("/api/v1/audit-events"), outside: outScope("/api/v1/audit-events")},
		"GET /api/v1/applications":              {inside: inScope("/api/v1/applications"), outside: outScope("/api/v1/applications")},
		"GET /api/v1/applications/count":        {inside: inScope("/api/v1/applications/count"), outside: outScope("/api/v1/applications/count")},
		"POST /api/v1/applications":             {inside: apply(false), outside: apply(true)},
		"POST /api/v1/applications/decisions": {inside: func(actor) (string, any) {
			return "/api/v1/applications/decisions", map[string]any{"action": "approve_unit", "ids": []int64{}}
		}},
		"POST /api/v1/certificates/sanctions": {inside: sanction(false), outside: sanction(true)},
		"GET /api/v1/officers/:id/timeline":   {inside: timeline(false), outside: timeline(true)},
		// records
		"POST /api/v1/units":                       rp["POST /api/v1/units"],
		"GET /api/v1/units/:id":                    rp["GET /api/v1/units/:id"],
		"PUT /api/v1/units/:id":                    rp["PUT /api/v1/units/:id"],
		"DELETE /api/v1/units/:id":                 rp["DELETE /api/v1/units/:id"],
		"POST /api/v1/units/:id/dissolve":          rp["POST /api/v1/units/:id/dissolve"],
		"POST /api/v1/officers":                    rp["POST /api/v1/officers"],
		"PUT /api/v1/officers/:id":                 rp["PUT /api/v1/officers/:id"],
		"GET /api/v1/officers/:id/profile":         rp["GET /api/v1/officers/:id/profile"],
		"POST /api/v1/officers/:id/exams":          rp["POST /api/v1/officers/:id/exams"],
		"PUT /api/v1/officers/:id/photo":           rp["PUT /api/v1/officers/:id/photo"],
		"GET /api/v1/officers/:id/photo":           rp["GET /api/v1/officers/:id/photo"],
		"GET /api/v1/officers/:id/photo/thumbnail": rp["GET /api/v1/officers/:id/photo/thumbnail"],
		"POST /api/v1/officers/:id/transfer":       rp["POST /api/v1/officers/:id/transfer"],
		// issuance
		"POST /api/v1/production/reports":              ip["POST /api/v1/production/reports"],
		"GET /api/v1/production/queue":                 ip["GET /api/v1/production/queue"],
		"POST /api/v1/production/batches":              ip["POST /api/v1/production/batches"],
		"GET /api/v1/production/batches":               ip["GET /api/v1/production/batches"],
		"GET /api/v1/production/batches/:id":           ip["GET /api/v1/production/batches/:id"],
		"POST /api/v1/production/batches/:id/dispatch": ip["POST /api/v1/production/batches/:id/dispatch"],
		"POST /api/v1/production/items/:id/ticket":     ip["POST /api/v1/production/items/:id/ticket"],
		"POST /api/v1/production/items/:id/receipt":    ip["POST /api/v1/production/items/:id/receipt"],
		"POST /api/v1/inspections/:id/ticket":          ip["POST /api/v1/inspections/:id/ticket"],
		"POST /api/v1/inspections/:id/receipt":         ip["POST /api/v1/inspections/:id/receipt"],
		"POST /api/v1/inspections/:id/sticker":         ip["POST /api/v1/inspections/:id/sticker"],
		"POST /api/v1/inspections/:id/manual-sync":     ip["POST /api/v1/inspections/:id/manual-sync"],
		"POST /api/v1/card-agents":                     ip["POST /api/v1/card-agents"],
		"GET /api/v1/card-agents":                      ip["GET /api/v1/card-agents"],
		"POST /api/v1/card-agents/:id/disable":         ip["POST /api/v1/card-agents/:id/disable"],
		"POST /api/v1/card-agents/:id/enable":          ip["POST /api/v1/card-agents/:id/enable"],
		"GET /api/v1/inspections/sync-policy":          ip["GET /api/v1/inspections/sync-policy"],
		"GET /api/v1/card-agents/version":              ip["GET /api/v1/card-agents/version"],
		"GET /api/v1/card-agents/server-keys":          ip["GET /api/v1/card-agents/server-keys"],
	}
}

func TestAuthorizationMatrix(t *testing.T) {
	h := newHarness(t, storetest.OpenSQLite(t))
	ctx := context.Background()
	az, err := authz.New(authz.FilePolicy())
	if err != nil {
		t.Fatal(err)
	}
	// Every route the server serves under /api is in the table, and every
	// non-public one has a probe.
	table := map[string]httpapi.RouteSpec{}
	for _, r := range httpapi.Routes() {
		table[r.Method+" "+r.Path] = r
	}
	for _, r := range h.e.(*echo.Echo).Router().Routes() {
		key := r.Method + " " + r.Path
		if strings.HasPrefix(r.Path, "/api/v1/") && r.Path != "/api/v1/openapi.json" {
			if _, ok := table[key]; !ok {
				t.Errorf("route %s is served but not in httpapi.Routes(): it has no access rule", key)
			}
		}
	}
	pr := probes(h)
	for key, r := range table {
		if _, ok := pr[key]; !ok && !r.Access.Public {
			t.Errorf("route %s has no probe in the authorization matrix", key)
		}
	}

	officers, err := store.NewOfficers(h.db).List(ctx, store.OfficerQuery{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	officerIn := func(scope domain.RegionCode, unit int64, inside bool) int64 {
		for _, o := range officers.Items {
			in := scope.Contains(o.RegionCode) && (unit == 0 || o.UnitID == unit)
			if in == inside {
				return o.ID
			}
		}
		return 0
	}
	users, _, err := store.NewUsers(h.db).List(ctx, store.UserFilter{Region: "370000", Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	userIn := func(scope domain.RegionCode, inside bool) int64 {
		for _, u := range users {
			if strings.HasPrefix(u.Username, "target_") && scope.Contains(u.ScopeRegion) == inside {
				return u.ID
			}
		}
		return 0
	}
	for _, name := range []string{"admin", "jinan_admin", "sft", "jinan", "lixia", "op", "rev", "issuer"} {
		c, _ := h.login(name)
		su, _ := store.NewUsers(h.db).ByUsername(ctx, name)
		p := domain.Principal{UserID: su.ID, Role: su.Role, Scope: su.ScopeRegion}
		if su.UnitID != nil {
			p.UnitID = *su.UnitID
		}
		a := actor{name: name, principal: p, ownOfficer: officerIn(p.Scope, p.UnitID, true), farOfficer: officerIn(p.Scope, p.UnitID, false),
			ownUser: userIn(p.Scope, true), farUser: userIn(p.Scope, false)}
		for key, r := range table {
			pb, ok := pr[key]
			if !ok || r.Access.Public {
				continue
			}
			allowed := r.Access.Obj == "" || az.Can(p, r.Access.Obj, r.Access.Act, authz.Own(p))
			path, body := pb.inside(a)
			status := c.Do(r.Method, path, body).Status
			switch {
			case allowed && (status == 401 || status == 403):
				t.Errorf("%s %s inside jurisdiction: %d, want allowed", name, key, status)
			case !allowed && status != 403:
				t.Errorf("%s %s without permission: %d, want 403", name, key, status)
			}
			if pb.outside == nil || !allowed || strings.Contains(path, "/0") {
				continue
			}
			path, body = pb.outside(a)
			if strings.Contains(path, "/0/") || strings.HasSuffix(path, "/0") {
				continue // nothing lies outside a province-wide jurisdiction in the fixture
			}
			if status := c.Do(r.Method, path, body).Status; status != 403 && status != 404 {
				t.Errorf("%s %s outside jurisdiction (%s): %d, want 403 or 404", name, key, path, status)
			}
		}
	}
}
