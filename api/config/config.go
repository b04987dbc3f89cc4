// Package config reads LECMS settings from environment variables. Every
// secret may instead be given as a file with the _FILE suffix (Docker and
// Kubernetes secrets). Validation happens once, at start, with messages that
// name the variable.
package config

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/lecms/lecms/api/pii"
)

// Environments.
const (
	EnvDevelopment = "development"
	EnvProduction  = "production"
)

// demoDataKeySeed derives the development data key. It is public by design:
// production refuses to start with it.
const demoDataKeySeed = "lecms-development-data-key-do-not-use-in-production"

// Config is the validated configuration.
type Config struct {
	Env            string
	Addr           string
	DatabaseURL    string // empty = embedded SQLite under DataDir
	DataDir        string
	SPADir         string
	DataKey        []byte // 32 bytes, master key for personal data
	DataCipher     string
	DemoKey        bool // DataKey is the public development key
	Demo           bool // seed demo data on first start of an empty database
	InsecureCookie bool // refresh cookie without Secure, for plain-http trials only
	CORSOrigins    []string
	TrustedProxies []string // CIDRs, or "loopback"/"private": whose X-Forwarded-For names the client
	BodyLimit      int64
	LogLevel       string
	LogFormat      string
	DBMaxOpenConns int
	DBMaxIdleConns int
	MaxInFlight    int // API requests served at once; the rest queue in arrival order
	ShutdownGrace  time.Duration
}

// Embedded reports whether the embedded SQLite database is used.
func (c *Config) Embedded() bool { return c.DatabaseURL == "" }

// SQLitePath is the embedded database file.
func (c *Config) SQLitePath() string { return filepath.Join(c.DataDir, "lecms.db") }

// Lookup reads one variable; injected so tests need no process environment.
type Lookup func(string) (string, bool)

// FromEnv reads the process environment.
func FromEnv() (*Config, error) { return Load(os.LookupEnv) }

// Load reads and validates the configuration; all problems are reported at once.
func Load(env Lookup) (*Config, error) {
	r := reader{env: env}
	c := &Config{
		Env:            r.str("LECMS_ENV", EnvDevelopment),
		Addr:           r.str("LECMS_ADDR", ":8080"),
		DatabaseURL:    r.secret("LECMS_DATABASE_URL"),
		DataDir:        r.str("LECMS_DATA_DIR", "./data"),
		SPADir:         r.str("LECMS_SPA_DIR", "./frontend/dist"),
		DataCipher:     r.str("LECMS_DATA_CIPHER", pii.AES256GCM),
		CORSOrigins:    r.list("LECMS_CORS_ORIGINS"),
		TrustedProxies: r.list("LECMS_TRUSTED_PROXIES"),
		BodyLimit:      int64(r.int("LECMS_BODY_LIMIT_BYTES", 4<<20, 1024, 64<<20)),
		LogLevel:       r.str("LECMS_LOG_LEVEL", "info"),
		LogFormat:      r.str("LECMS_LOG_FORMAT", "json"),
		DBMaxOpenConns: r.int("LECMS_DB_MAX_OPEN_CONNS", 32, 1, 1000),
		DBMaxIdleConns: r.int("LECMS_DB_MAX_IDLE_CONNS", 32, 0, 1000),
		MaxInFlight:    r.int("LECMS_MAX_INFLIGHT", -1, 0, 100000),
		ShutdownGrace:  time.Duration(r.int("LECMS_SHUTDOWN_GRACE_SECONDS", 15, 0, 600)) * time.Second,
	}
	switch c.Env {
	case EnvDevelopment, EnvProduction:
	default:
		r.fail("LECMS_ENV must be %q or %q", EnvDevelopment, EnvProduction)
	}
	if c.DatabaseURL != "" && !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		r.fail("LECMS_DATABASE_URL must be a postgres:// URL, or empty for the embedded database")
	}
	switch c.DataCipher {
	case pii.AES256GCM, pii.SM4GCM:
	default:
		r.fail("LECMS_DATA_CIPHER must be %q or %q", pii.AES256GCM, pii.SM4GCM)
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		r.fail("LECMS_LOG_LEVEL must be debug, info, warn or error")
	}
	if c.LogFormat != "json" && c.LogFormat != "text" {
		r.fail("LECMS_LOG_FORMAT must be json or text")
	}
	for _, p := range c.TrustedProxies {
		if p == "loopback" || p == "private" {
			continue
		}
		if _, _, err := net.ParseCIDR(p); err != nil {
			r.fail("LECMS_TRUSTED_PROXIES: %q is not a CIDR (e.g. 10.0.0.0/8), \"loopback\" or \"private\"", p)
		}
	}
	if key := r.secret("LECMS_DATA_KEY"); key != "" {
		c.DataKey = r.key32("LECMS_DATA_KEY", key)
	} else {
		sum := sha256.Sum256([]byte(demoDataKeySeed))
		c.DataKey, c.DemoKey = sum[:], true
	}
	if c.MaxInFlight < 0 { // unset: as many requests as database connections
		c.MaxInFlight = c.DBMaxOpenConns
	}
	c.Demo = r.bool("LECMS_DEMO", c.Env == EnvDevelopment && c.Embedded())
	c.InsecureCookie = r.bool("LECMS_COOKIE_INSECURE", false)
	if c.Env == EnvProduction {
		if c.Embedded() {
			r.fail("production needs LECMS_DATABASE_URL: the embedded database is for trials only")
		}
		if c.DemoKey {
			r.fail("production needs LECMS_DATA_KEY (or LECMS_DATA_KEY_FILE): the development key is public")
		}
		if c.Demo {
			r.fail("LECMS_DEMO must be off in production: demo accounts have published passwords")
		}
		if c.InsecureCookie {
			r.fail("LECMS_COOKIE_INSECURE must be off in production: the refresh cookie needs HTTPS")
		}
	}
	if len(r.errs) > 0 {
		return nil, fmt.Errorf("configuration: %w", errors.Join(r.errs...))
	}
	return c, nil
}

type reader struct {
	env  Lookup
	errs []error
}

func (r *reader) fail(format string, args ...any) {
	r.errs = append(r.errs, fmt.Errorf(format, args...))
}

func (r *reader) str(name, def string) string {
	if v, ok := r.env(name); ok && strings.TrimSpace(v) != "" {
		return strings.TrimSpace(v)
	}
	return def
}

// secret reads NAME, or the file named by NAME_FILE; giving both is an error.
func (r *reader) secret(name string) string {
	v, hasV := r.env(name)
	f, hasF := r.env(name + "_FILE")
	if hasV && hasF && v != "" && f != "" {
		r.fail("set %s or %s_FILE, not both", name, name)
		return ""
	}
	if hasF && f != "" {
		b, err := os.ReadFile(f)
		if err != nil {
			r.fail("%s_FILE: %v", name, err)
			return ""
		}
		return strings.TrimSpace(string(b))
	}
	return strings.TrimSpace(v)
}

func (r *reader) int(name string, def, lo, hi int) int {
	v, ok := r.env(name)
	if !ok || v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		r.fail("%s must be a whole number from %d to %d, got %q", name, lo, hi, v)
		return def
	}
	return n
}

func (r *reader) bool(name string, def bool) bool {
	v, ok := r.env(name)
	if !ok || v == "" {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		r.fail("%s must be true or false, got %q", name, v)
		return def
	}
	return b
}

func (r *reader) list(name string) []string {
	var out []string
	for _, s := range strings.Split(r.str(name, ""), ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// key32 accepts 32 bytes as 64 hex digits or standard base64.
func (r *reader) key32(name, s string) []byte {
	if b, err := hex.DecodeString(s); err == nil && len(b) == 32 {
		return b
	}
	if b, err := base64.StdEncoding.DecodeString(s); err == nil && len(b) == 32 {
		return b
	}
	r.fail("%s must be 32 bytes as 64 hex digits or base64", name)
	return nil
}
