package httpapi_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v5"
	swaggerfiles "github.com/swaggo/files/v2"

	"github.com/lecms/lecms/api/authz"
	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/httpapi"
	"github.com/lecms/lecms/api/httpapi/apitest"
	"github.com/lecms/lecms/api/pii"
	"github.com/lecms/lecms/api/registry"
	"github.com/lecms/lecms/api/settings"
	"github.com/lecms/lecms/api/store"
	"github.com/lecms/lecms/docs"
)

// fixedNow pins "today" so due states in assertions do not drift.
var fixedNow = func() time.Time { return time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC) }

// fixedAuth authenticates every request as one principal: these tests are
// about the edge, not about login (see identity_test.go for that).
type fixedAuth struct{ p domain.Principal }

func (f fixedAuth) Authenticate(*echo.Context) (domain.Principal, error) { return f.p, nil }

// newServer serves db to a legal reviewer of scope.
func newServer(t *testing.T, db *store.DB, scope domain.RegionCode) *apitest.Client {
	t.Helper()
	return newServerAs(t, db, domain.Principal{UserID: 1, Username: "tester", Role: domain.RoleLegalReviewer, Scope: scope})
}

func newServerAs(t *testing.T, db *store.DB, p domain.Principal) *apitest.Client {
	t.Helper()
	protector, err := pii.New(pii.AES256GCM, bytes.Repeat([]byte{9}, 32))
	if err != nil {
		t.Fatal(err)
	}
	az, err := authz.New(authz.FilePolicy())
	if err != nil {
		t.Fatal(err)
	}
	svc := registry.New(store.NewRegions(db), store.NewUnits(db), store.NewOfficers(db), protector, az,
		settings.NewPolicySource(store.NewSettings(db), time.Minute, fixedNow), fixedNow, time.FixedZone("CST", 8*3600))
	e := httpapi.New(httpapi.Deps{
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), DB: db, SQL: db.SQL(), Registry: svc,
		Auth: fixedAuth{p}, Authz: az, BodyLimit: 4096,
		Spec: httpapi.Spec{Swagger2: docs.Swagger2(), OpenAPI3: docs.OpenAPI3(), UI: swaggerfiles.FS},
	})
	return apitest.New(t, e)
}

func emptyDB(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), store.Options{SQLitePath: filepath.Join(t.TempDir(), "t.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

func problemOf(t *testing.T, r *apitest.Response) httpapi.Problem {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Fatalf("content type %q, want problem JSON; body %s", ct, r.Body)
	}
	var p httpapi.Problem
	r.JSON(t, &p)
	if p.Status != r.Status || p.Code == "" || p.Detail == "" || p.RequestID == "" {
		t.Fatalf("incomplete problem: %+v", p)
	}
	return p
}

func TestHealthAndReadiness(t *testing.T) {
	c := newServer(t, emptyDB(t), "370000")
	if r := c.Get("/healthz"); r.Status != http.StatusOK {
		t.Fatalf("healthz %d", r.Status)
	}
	if r := c.Get("/readyz"); r.Status != http.StatusOK {
		t.Fatalf("readyz %d", r.Status)
	}
}

func TestReadinessFailsWhenTheDatabaseIsGone(t *testing.T) {
	db := emptyDB(t)
	c := newServer(t, db, "370000")
	db.Close()
	r := c.Get("/readyz")
	if r.Status != http.StatusServiceUnavailable || problemOf(t, r).Code != "unavailable" {
		t.Fatalf("readyz with a closed database: %d %s", r.Status, r.Body)
	}
}

// Every bad query parameter is a 400 naming the parameter and the rule.
func TestBadQueryParametersAreNamed(t *testing.T) {
	c := newServer(t, emptyDB(t), "370000")
	cases := []struct{ query, field, rule string }{
		{"limit=0", "limit", "range"},
		{"limit=201", "limit", "range"},
		{"limit=abc", "limit", "range"},
		{"region=37010X", "region", "region_code"},
		{"region=3701", "region", "region_code"},
		{"unit_id=-3", "unit_id", "positive_integer"},
		{"due_state=red", "due_state", "enum"},
		{"cert_state=lost", "cert_state", "enum"},
		{"year=1800", "year", "range"},
		{"id_number=370102198001011230", "id_number", "checksum"},
		{"id_number=12345", "id_number", "length"},
		{"cursor=not-a-cursor", "cursor", "format"},
		{"name=" + strings.Repeat("张", 40), "name", "max_length"},
	}
	for _, tc := range cases {
		paths := []string{"/api/v1/officers?", "/api/v1/officers/count?"}
		if tc.field == "limit" || tc.field == "cursor" {
			paths = paths[:1] // count takes no page parameters
		}
		for _, path := range paths {
			r := c.Get(path + tc.query)
			if r.Status != http.StatusBadRequest {
				t.Errorf("%s%s: status %d, want 400", path, tc.query, r.Status)
				continue
			}
			p := problemOf(t, r)
			if p.Code != "invalid" || len(p.Errors) == 0 || p.Errors[0].Field != tc.field || p.Errors[0].Rule != tc.rule {
				t.Errorf("%s%s: got %+v, want field %s rule %s", path, tc.query, p.Errors, tc.field, tc.rule)
			}
		}
	}
	// Several bad parameters are reported together.
	p := problemOf(t, c.Get("/api/v1/officers?limit=0&due_state=red&region=1"))
	if len(p.Errors) != 3 {
		t.Errorf("want 3 field errors, got %+v", p.Errors)
	}
}

func TestBadPathAndUnknownRoutes(t *testing.T) {
	c := newServer(t, emptyDB(t), "370000")
	if p := problemOf(t, c.Get("/api/v1/officers/abc")); p.Status != 400 || p.Errors[0].Field != "id" {
		t.Errorf("non-numeric id: %+v", p)
	}
	if p := problemOf(t, c.Get("/api/v1/officers/999")); p.Status != 404 || p.Code != "not_found" {
		t.Errorf("missing officer: %+v", p)
	}
	if p := problemOf(t, c.Get("/api/v1/no-such-thing")); p.Status != 404 {
		t.Errorf("unknown API path: %+v", p)
	}
	if p := problemOf(t, c.Do(http.MethodDelete, "/api/v1/regions", nil)); p.Status != 405 && p.Status != 404 {
		t.Errorf("wrong method: %+v", p)
	}
}

func TestRegionOutsideJurisdictionIsForbidden(t *testing.T) {
	c := newServer(t, emptyDB(t), "370100")
	if p := problemOf(t, c.Get("/api/v1/officers?region=370200")); p.Status != 403 || p.Code != "forbidden" {
		t.Errorf("济南 viewer asking for 青岛: %+v", p)
	}
	if r := c.Get("/api/v1/officers?region=370102"); r.Status != 200 {
		t.Errorf("济南 viewer asking for 历下区: %d %s", r.Status, r.Body)
	}
}

func TestJSONBodiesAreStrict(t *testing.T) {
	c := newServer(t, emptyDB(t), "370000")
	cases := []struct {
		name, body, field, rule string
	}{
		{"malformed", `{"id_number": "1101`, "body", "json_syntax"},
		{"syntax", `{"id_number" 1}`, "body", "json_syntax"},
		{"unknown field", `{"id_number":"11010519491231002X","admin":true}`, "admin", "unknown_field"},
		{"wrong type", `{"id_number": 42}`, "id_number", "type"},
		{"two objects", `{"id_number":"11010519491231002X"}{}`, "body", "single_object"},
		{"empty", ``, "body", "required"},
		{"bad checksum", `{"id_number":"110105194912310021"}`, "id_number", "checksum"},
	}
	for _, tc := range cases {
		r := c.Do(http.MethodPost, "/api/v1/id-numbers/check", []byte(tc.body))
		if r.Status != 400 {
			t.Errorf("%s: status %d", tc.name, r.Status)
			continue
		}
		p := problemOf(t, r)
		if len(p.Errors) == 0 || p.Errors[0].Field != tc.field || p.Errors[0].Rule != tc.rule {
			t.Errorf("%s: got %+v, want %s/%s", tc.name, p.Errors, tc.field, tc.rule)
		}
	}
	c.Header.Set("Content-Type", "text/plain")
	if p := problemOf(t, c.Do(http.MethodPost, "/api/v1/id-numbers/check", []byte(`{}`))); p.Status != 400 || p.Errors[0].Rule != "media_type" {
		t.Errorf("text/plain body: %+v", p)
	}
	c.Header.Del("Content-Type")
	big := `{"id_number":"` + strings.Repeat("1", 5000) + `"}`
	if p := problemOf(t, c.Do(http.MethodPost, "/api/v1/id-numbers/check", []byte(big))); p.Status != 413 {
		t.Errorf("oversized body: %+v", p)
	}
}

func TestIDNumberCheckDerivesSexAndBirthDate(t *testing.T) {
	c := newServer(t, emptyDB(t), "370000")
	r := c.Do(http.MethodPost, "/api/v1/id-numbers/check", map[string]string{"id_number": " １１０１０５１９４９１２３１００２x "})
	if r.Status != 200 {
		t.Fatalf("status %d %s", r.Status, r.Body)
	}
	var info httpapi.IDNumberInfo
	r.JSON(t, &info)
	if info.IDNumber != "11010519491231002X" || info.Sex != domain.SexFemale || info.BirthDate.String() != "1949-12-31" || info.Masked != "110105********002X" {
		t.Fatalf("got %+v", info)
	}
}

func TestEdgeHeadersMetricsAndSpec(t *testing.T) {
	c := newServer(t, emptyDB(t), "370000")
	c.Header.Set("X-Request-Id", "trace-abc-123")
	r := c.Get("/api/v1/regions")
	if r.Header.Get("X-Request-Id") != "trace-abc-123" {
		t.Errorf("request id not echoed: %q", r.Header.Get("X-Request-Id"))
	}
	for h, want := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Cache-Control": "no-store"} {
		if got := r.Header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	c.Header.Set("X-Request-Id", "<script>alert(1)</script>")
	if rid := c.Get("/healthz").Header.Get("X-Request-Id"); strings.Contains(rid, "<") || rid == "" {
		t.Errorf("unsafe request id accepted: %q", rid)
	}
	m := c.Get("/metrics")
	if m.Status != 200 || !bytes.Contains(m.Body, []byte(`lecms_http_requests_total{method="GET",route="/api/v1/regions",status="200"} 1`)) {
		t.Errorf("metrics do not count the request by route:\n%.2000s", m.Body)
	}
	for _, path := range []string{"/swagger/", "/swagger/doc.json", "/api/v1/openapi.json", "/swagger/swagger-ui-bundle.js"} {
		if r := c.Get(path); r.Status != 200 || len(r.Body) < 100 {
			t.Errorf("%s: %d (%d bytes)", path, r.Status, len(r.Body))
		}
	}
}
