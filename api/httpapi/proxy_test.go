package httpapi_test

import (
	"net/http/httptest"
	"testing"

	"github.com/lecms/lecms/api/httpapi"
)

func TestTrustedProxies(t *testing.T) {
	req := func(remote, xff string) string {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = remote
		r.Header.Set("X-Forwarded-For", xff)
		return httpapi.TrustedProxies([]string{"172.16.0.0/12"})(r)
	}
	if got := req("172.18.0.5:4000", "203.0.113.9"); got != "203.0.113.9" {
		t.Errorf("behind the trusted proxy: %s", got)
	}
	if got := req("198.51.100.7:4000", "203.0.113.9"); got != "198.51.100.7" {
		t.Errorf("a client forging X-Forwarded-For: %s", got)
	}
	if httpapi.TrustedProxies(nil) != nil {
		t.Error("no proxies configured must mean the connection address")
	}
}
