package server

import (
	"net"
	"net/url"
	"strings"
)

// Origins is the allow-list of SPA origins, normalised to scheme://host:port.
type Origins struct{ allowed map[string]bool }

// ParseOrigins parses a comma-separated list such as
// "http://localhost:8080,https://lecms.sd.gov.cn".
func ParseOrigins(list string) (Origins, error) {
	o := Origins{allowed: map[string]bool{}}
	for _, s := range strings.Split(list, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		n, ok := normaliseOrigin(s)
		if !ok {
			return o, &url.Error{Op: "parse origin", URL: s, Err: errBadOrigin}
		}
		o.allowed[n] = true
	}
	return o, nil
}

type originError string

func (e originError) Error() string { return string(e) }

const errBadOrigin = originError("want scheme://host[:port] with no path")

// Allowed reports whether origin (an Origin header value) is on the list.
// A missing origin is refused: browsers always send one on websocket
// handshakes, and anything else has no business with the agent.
func (o Origins) Allowed(origin string) bool {
	n, ok := normaliseOrigin(origin)
	return ok && o.allowed[n]
}

// List returns the allowed origins.
func (o Origins) List() []string {
	out := make([]string, 0, len(o.allowed))
	for k := range o.allowed {
		out = append(out, k)
	}
	return out
}

// defaultPort returns the port an origin without one uses, or "" for
// schemes a browser page cannot have.
func defaultPort(scheme string) string {
	switch scheme {
	case "http":
		return "80"
	case "https":
		return "443"
	}
	return ""
}

func normaliseOrigin(s string) (string, bool) {
	if s == "" || s == "null" {
		return "", false
	}
	u, err := url.Parse(strings.TrimSuffix(s, "/"))
	if err != nil || u.Host == "" || u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return "", false
	}
	scheme := strings.ToLower(u.Scheme)
	def := defaultPort(scheme)
	if def == "" {
		return "", false
	}
	host, port := strings.ToLower(u.Hostname()), u.Port()
	if port == "" {
		port = def
	}
	return scheme + "://" + net.JoinHostPort(host, port), true
}

// loopbackHost reports whether a Host header names this machine's loopback
// at port. Checking it defeats DNS rebinding, where a foreign page reaches
// 127.0.0.1 through a name it controls (its Origin would be refused anyway;
// this is the second lock).
func loopbackHost(host, port string) bool {
	h, p, err := net.SplitHostPort(host)
	if err != nil || p != port {
		return false
	}
	switch strings.ToLower(h) {
	case "localhost", "127.0.0.1", "::1":
		return true
	}
	return false
}
