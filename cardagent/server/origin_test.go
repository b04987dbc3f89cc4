package server

import "testing"

func TestOrigins(t *testing.T) {
	o, err := ParseOrigins("http://localhost:8080, http://127.0.0.1:8080,https://lecms.example.cn/")
	if err != nil {
		t.Fatal(err)
	}
	for origin, want := range map[string]bool{
		"http://localhost:8080":          true,
		"HTTP://LOCALHOST:8080":          true,
		"http://127.0.0.1:8080":          true,
		"https://lecms.example.cn":       true,
		"https://lecms.example.cn:443":   true,
		"":                               false,
		"null":                           false,
		"http://localhost:8081":          false,
		"https://localhost:8080":         false,
		"http://lecms.example.cn":        false,
		"https://lecms.example.cn.evil":  false,
		"https://evil.example/":          false,
		"http://localhost:8080/path":     false,
		"http://user@localhost:8080":     false,
		"chrome-extension://abcdefghijk": false,
	} {
		if got := o.Allowed(origin); got != want {
			t.Errorf("Allowed(%q) = %v, want %v", origin, got, want)
		}
	}
	if _, err := ParseOrigins("localhost:8080"); err == nil {
		t.Error("origin without scheme accepted")
	}
	if _, err := ParseOrigins("http://localhost:8080/app"); err == nil {
		t.Error("origin with a path accepted")
	}
}

func TestLoopbackHost(t *testing.T) {
	for host, want := range map[string]bool{
		"127.0.0.1:17321":      true,
		"localhost:17321":      true,
		"[::1]:17321":          true,
		"127.0.0.1:80":         false,
		"evil.example:17321":   false,
		"127.0.0.1":            false,
		"192.168.1.10:17321":   false,
		"localhost.evil:17321": false,
	} {
		if got := loopbackHost(host, "17321"); got != want {
			t.Errorf("loopbackHost(%q) = %v, want %v", host, got, want)
		}
	}
}
