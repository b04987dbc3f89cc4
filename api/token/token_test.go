package token

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newSigner(t *testing.T) (*Signer, *clock, *MemoryKeyStore) {
	t.Helper()
	c := &clock{t: time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)}
	ks := &MemoryKeyStore{}
	s := NewSigner(ks, 15*time.Minute, c.now)
	if err := s.EnsureKey(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s, c, ks
}

func userClaims() Claims {
	return Claims{RegisteredClaims: jwt.RegisteredClaims{Subject: "42"}, Kind: KindUser, Role: "legal_reviewer", Scope: "370100", Session: "s1"}
}

func TestSignAndVerify(t *testing.T) {
	s, _, _ := newSigner(t)
	raw, exp, err := s.Sign(context.Background(), userClaims())
	if err != nil {
		t.Fatal(err)
	}
	if exp.Sub(time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)) != 15*time.Minute {
		t.Fatalf("expiry %v", exp)
	}
	c, err := s.Verify(context.Background(), raw)
	if err != nil {
		t.Fatal(err)
	}
	if c.Subject != "42" || c.Role != "legal_reviewer" || c.Scope != "370100" || c.ID == "" {
		t.Fatalf("claims %+v", c)
	}
}

// segment re-encodes one part of a JWT after f edits its JSON.
func editSegment(t *testing.T, raw string, part int, f func(m map[string]any)) string {
	t.Helper()
	parts := strings.Split(raw, ".")
	b, err := base64.RawURLEncoding.DecodeString(parts[part])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	f(m)
	b, _ = json.Marshal(m)
	parts[part] = base64.RawURLEncoding.EncodeToString(b)
	return strings.Join(parts, ".")
}

func TestTamperedTokensAreRefused(t *testing.T) {
	s, c, _ := newSigner(t)
	ctx := context.Background()
	raw, _, _ := s.Sign(ctx, userClaims())
	other, _, _ := newSigner(t) // another key ring: "wrong key"
	foreign, _, _ := other.Sign(ctx, userClaims())

	cases := map[string]string{
		"changed role":  editSegment(t, raw, 1, func(m map[string]any) { m["rol"] = "admin" }),
		"widened scope": editSegment(t, raw, 1, func(m map[string]any) { m["scp"] = "370000" }),
		"alg none": func() string {
			h := editSegment(t, raw, 0, func(m map[string]any) { m["alg"] = "none" })
			p := strings.Split(h, ".")
			return p[0] + "." + p[1] + "."
		}(),
		"alg HS256 with the public key as secret": func() string {
			_, key, _ := s.ring(ctx, "")
			tok := jwt.NewWithClaims(jwt.SigningMethodHS256, userClaims())
			tok.Header["kid"] = key.ID
			signed, _ := tok.SignedString([]byte(key.Public))
			return signed
		}(),
		"wrong key":    foreign,
		"unknown kid":  editSegment(t, raw, 0, func(m map[string]any) { m["kid"] = "nope" }),
		"garbage":      "not.a.token",
		"empty":        "",
		"wrong issuer": mustSignRaw(t, s, func(c *Claims) { c.Issuer = "evil" }),
		"wrong audience": mustSignRaw(t, s, func(c *Claims) {
			c.Audience = jwt.ClaimStrings{"other-api"}
		}),
		"no subject": mustSignRaw(t, s, func(c *Claims) { c.Subject = "" }),
	}
	for name, tok := range cases {
		if _, err := s.Verify(ctx, tok); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: accepted (err %v)", name, err)
		}
	}
	c.t = c.t.Add(16 * time.Minute)
	if _, err := s.Verify(ctx, raw); !errors.Is(err, ErrInvalid) {
		t.Error("expired token accepted")
	}
}

// mustSignRaw signs claims edited after the signer filled them, with the
// signer's own key: only the edited claim makes it invalid.
func mustSignRaw(t *testing.T, s *Signer, edit func(*Claims)) string {
	t.Helper()
	_, key, err := s.ring(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	c := userClaims()
	now := s.now()
	c.Issuer, c.Audience = Issuer, jwt.ClaimStrings{Audience}
	c.IssuedAt, c.ExpiresAt = jwt.NewNumericDate(now), jwt.NewNumericDate(now.Add(time.Minute))
	edit(&c)
	tok := jwt.NewWithClaims(jwt.SigningMethodEdDSA, c)
	tok.Header["kid"] = key.ID
	raw, err := tok.SignedString(key.Private)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func TestRotationKeepsOldTokensValid(t *testing.T) {
	s, c, ks := newSigner(t)
	ctx := context.Background()
	before, _, _ := s.Sign(ctx, userClaims())
	c.t = c.t.Add(time.Second)
	if err := s.Rotate(ctx); err != nil {
		t.Fatal(err)
	}
	after, _, _ := s.Sign(ctx, userClaims())
	kid := func(raw string) string {
		tok, _, _ := jwt.NewParser().ParseUnverified(raw, &Claims{})
		return tok.Header["kid"].(string)
	}
	if kid(before) == kid(after) {
		t.Fatal("rotation did not change the signing key")
	}
	for _, raw := range []string{before, after} {
		if _, err := s.Verify(ctx, raw); err != nil {
			t.Errorf("token of kid %s refused after rotation: %v", kid(raw), err)
		}
	}
	// A second replica with its own cache sees the new key on first use.
	replica := NewSigner(ks, 15*time.Minute, c.now)
	if _, err := replica.Verify(ctx, after); err != nil {
		t.Errorf("replica refused the rotated key: %v", err)
	}
}

func BenchmarkVerify(b *testing.B) {
	ks := &MemoryKeyStore{}
	s := NewSigner(ks, 15*time.Minute, time.Now)
	_ = s.EnsureKey(context.Background())
	raw, _, _ := s.Sign(context.Background(), userClaims())
	for b.Loop() {
		if _, err := s.Verify(context.Background(), raw); err != nil {
			b.Fatal(err)
		}
	}
}

// A remembered token is still refused once it expires, and a token that
// failed is never remembered.
func TestVerifiedTokensAreRememberedOnlyUntilExpiry(t *testing.T) {
	_, c, ks := newSigner(t)
	s := NewSigner(ks, 20*time.Second, c.now) // expires well inside the cache's minute
	ctx := context.Background()
	raw, _, err := s.Sign(ctx, userClaims())
	if err != nil {
		t.Fatal(err)
	}
	first, err := s.Verify(ctx, raw)
	if err != nil {
		t.Fatal(err)
	}
	c.t = c.t.Add(10 * time.Second)
	again, err := s.Verify(ctx, raw)
	if err != nil || again.ID != first.ID || again.Subject != "42" {
		t.Fatalf("second verification: %+v, %v", again, err)
	}
	// 55 s after signing: past expiry and leeway, inside the cache's minute.
	c.t = c.t.Add(45 * time.Second)
	if _, err := s.Verify(ctx, raw); !errors.Is(err, ErrInvalid) {
		t.Fatalf("expired token accepted: %v", err)
	}
	// A tampered copy is a different string and is checked in full, every time.
	raw2, _, err := s.Sign(ctx, userClaims())
	if err != nil {
		t.Fatal(err)
	}
	bad := editSegment(t, raw2, 1, func(m map[string]any) { m["role"] = "admin" })
	for range 2 {
		if _, err := s.Verify(ctx, bad); !errors.Is(err, ErrInvalid) {
			t.Fatalf("tampered token accepted: %v", err)
		}
	}
}

// The cache stays bounded however many tokens pass through it.
func TestVerifiedCacheIsBounded(t *testing.T) {
	var v verifiedCache
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	for i := range verifiedMax + 10 {
		v.put("token-"+time.Duration(i).String(), Claims{}, now)
	}
	if n := len(v.entries); n > verifiedMax {
		t.Fatalf("cache holds %d entries, bound is %d", n, verifiedMax)
	}
}
