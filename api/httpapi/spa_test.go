package httpapi_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/lecms/lecms/api/httpapi"
)

// The SPA is served at "/" and for client-side routes; API paths never fall
// back to it.
func TestSPAServesIndexForAppRoutesOnly(t *testing.T) {
	spa := fstest.MapFS{
		"index.html":    {Data: []byte("<!doctype html><title>LECMS</title>")},
		"assets/app.js": {Data: []byte("console.log(1)")},
	}
	e := httpapi.New(httpapi.Deps{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), DB: nil, BodyLimit: 1024, SPA: spa,
		Auth: fixedAuth{}})
	get := func(path string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		return rec
	}
	for _, path := range []string{"/", "/officers", "/applications/unit-review?x=1"} {
		if r := get(path); r.Code != 200 || !strings.Contains(r.Body.String(), "<title>LECMS") {
			t.Errorf("%s: %d %q", path, r.Code, r.Body.String())
		}
	}
	if r := get("/assets/app.js"); r.Code != 200 || !strings.Contains(r.Header().Get("Cache-Control"), "immutable") {
		t.Errorf("asset: %d %q", r.Code, r.Header().Get("Cache-Control"))
	}
	if r := get("/assets/missing.js"); r.Code != 404 {
		t.Errorf("missing asset: %d", r.Code)
	}
	if r := get("/api/v1/nope"); r.Code != 404 || !strings.HasPrefix(r.Header().Get("Content-Type"), "application/problem+json") {
		t.Errorf("unknown API path: %d %q", r.Code, r.Header().Get("Content-Type"))
	}
}
