// Package apitest drives the HTTP edge in tests and checks every response
// against the committed OpenAPI 3 document, so the spec third parties read
// is the behaviour they get.
package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/lecms/lecms/docs"
)

// Client sends requests to handler and validates them against the spec.
type Client struct {
	t       testing.TB
	handler http.Handler
	router  routers.Router
	Header  http.Header // sent with every request
}

// New loads the spec once per client; a spec that does not load fails the test.
func New(t testing.TB, handler http.Handler) *Client {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(docs.OpenAPI3())
	if err != nil {
		t.Fatalf("load openapi.json: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("openapi.json is invalid: %v", err)
	}
	doc.Servers = nil // match any host
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatalf("route openapi.json: %v", err)
	}
	return &Client{t: t, handler: handler, router: router, Header: http.Header{}}
}

// Response is a recorded response.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v, failing the test on error.
func (r *Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// Do sends a request. Documented routes must answer as documented
// (status declared, body matching its schema); requests the spec does not
// describe (unknown paths) must at least answer problem JSON.
func (c *Client) Do(method, target string, body any) *Response {
	c.t.Helper()
	var raw []byte
	switch b := body.(type) {
	case nil:
	case []byte:
		raw = b
	case string:
		raw = []byte(b)
	default:
		var err error
		if raw, err = json.Marshal(b); err != nil {
			c.t.Fatal(err)
		}
	}
	req := httptest.NewRequest(method, target, bytes.NewReader(raw))
	for k, v := range c.Header {
		req.Header[k] = v
	}
	if raw != nil && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	c.handler.ServeHTTP(rec, req)
	res := &Response{Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
	c.validate(req, res)
	return res
}

// Get is Do with GET.
func (c *Client) Get(target string) *Response { c.t.Helper(); return c.Do(http.MethodGet, target, nil) }

func (c *Client) validate(req *http.Request, res *Response) {
	c.t.Helper()
	route, params, err := c.router.FindRoute(req)
	if err != nil {
		// Undocumented: operator pages (metrics, Swagger UI, the SPA) are
		// not API; an undocumented /api path must be a problem response.
		if strings.HasPrefix(req.URL.Path, "/api/") &&
			(res.Status < 400 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/problem+json")) {
			c.t.Errorf("%s %s: undocumented API route answered %d %s", req.Method, req.URL, res.Status, res.Header.Get("Content-Type"))
		}
		return
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
		},
		Status: res.Status,
		Header: res.Header,
		Body:   io.NopCloser(bytes.NewReader(res.Body)),
		Options: &openapi3filter.Options{
			IncludeResponseStatus: true, // an undeclared status is a spec violation
			MultiError:            true,
		},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		c.t.Errorf("%s %s → %d does not match openapi.json: %v\nbody: %.600s", req.Method, req.URL, res.Status, err, res.Body)
	}
}
