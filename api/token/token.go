// Package token issues and verifies the API's access tokens: short-lived
// JWTs signed with Ed25519 (EdDSA). Signing keys carry a key id (kid) and
// live in the database, so every replica signs and verifies with the same
// ring and a rotation reaches all of them.
package token

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Issuer and audience written into and required from every token.
const (
	Issuer   = "lecms"
	Audience = "lecms-api"
)

// Kinds of subject.
const (
	KindUser   = "user"
	KindClient = "client"
)

// Key is one signing key.
type Key struct {
	ID        string
	Private   ed25519.PrivateKey
	Public    ed25519.PublicKey
	CreatedAt time.Time
}

// KeyStore persists signing keys.
type KeyStore interface {
	// Keys returns the stored keys, newest first.
	Keys(ctx context.Context) ([]Key, error)
	Add(ctx context.Context, k Key) error
}

// GenerateKey makes a fresh Ed25519 key with a random key id.
func GenerateKey(now time.Time) (Key, error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return Key{}, err
	}
	var id [9]byte
	if _, err := rand.Read(id[:]); err != nil {
		return Key{}, err
	}
	return Key{ID: base64.RawURLEncoding.EncodeToString(id[:]), Private: priv, Public: pub, CreatedAt: now.UTC()}, nil
}

// Claims are what an access token says about its subject.
type Claims struct {
	jwt.RegisteredClaims
	Kind      string   `json:"knd"`
	Name      string   `json:"nam,omitempty"` // username, for audit lines
	Role      string   `json:"rol,omitempty"`
	Scope     string   `json:"scp,omitempty"` // jurisdiction: region code
	Unit      int64    `json:"uni,omitempty"` // unit roles: their unit
	Session   string   `json:"sid,omitempty"` // refresh-token family
	Grants    []string `json:"grt,omitempty"` // API clients: granted scopes
	PwdChange bool     `json:"pwc,omitempty"` // must change password before anything else
}

// ErrInvalid is every verification failure; the reason is not told to the
// caller (it only helps an attacker), but it is wrapped for logs.
var ErrInvalid = errors.New("token: invalid")

// Signer signs and verifies tokens with the key ring from a KeyStore.
type Signer struct {
	store KeyStore
	ttl   time.Duration
	now   func() time.Time

	mu         sync.Mutex
	keys       map[string]Key
	active     Key
	loaded     time.Time
	lastMissAt time.Time

	verified verifiedCache
}

// reloadEvery bounds how stale a replica's key ring can be; unknown key ids
// also trigger a reload, at most once per missReloadGap so random kids
// cannot make every request hit the database.
const (
	reloadEvery   = time.Minute
	missReloadGap = 5 * time.Second
)

// NewSigner builds a signer issuing tokens valid for ttl.
func NewSigner(store KeyStore, ttl time.Duration, now func() time.Time) *Signer {
	return &Signer{store: store, ttl: ttl, now: now}
}

// TTL is the lifetime of issued tokens.
func (s *Signer) TTL() time.Duration { return s.ttl }

// EnsureKey creates the first signing key when there is none.
func (s *Signer) EnsureKey(ctx context.Context) error {
	keys, err := s.store.Keys(ctx)
	if err != nil || len(keys) > 0 {
		return err
	}
	return s.Rotate(ctx)
}

// Rotate adds a new signing key; it becomes active on every replica within
// reloadEvery, and old keys keep verifying the tokens they signed.
func (s *Signer) Rotate(ctx context.Context) error {
	k, err := GenerateKey(s.now())
	if err != nil {
		return err
	}
	if err := s.store.Add(ctx, k); err != nil {
		return err
	}
	s.mu.Lock()
	s.loaded = time.Time{}
	s.mu.Unlock()
	return nil
}

func (s *Signer) ring(ctx context.Context, wantKID string) (map[string]Key, Key, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	stale := s.loaded.IsZero() || now.Sub(s.loaded) > reloadEvery
	if _, known := s.keys[wantKID]; wantKID != "" && !known && now.Sub(s.lastMissAt) > missReloadGap {
		stale, s.lastMissAt = true, now
	}
	if stale {
		keys, err := s.store.Keys(ctx)
		if err != nil {
			return nil, Key{}, fmt.Errorf("token: load keys: %w", err)
		}
		if len(keys) == 0 {
			return nil, Key{}, errors.New("token: no signing key (run lecms migrate or start the server once)")
		}
		s.keys = make(map[string]Key, len(keys))
		for _, k := range keys {
			s.keys[k.ID] = k
		}
		s.active, s.loaded = keys[0], now
	}
	return s.keys, s.active, nil
}

// Sign issues a token for c, filling issuer, audience, times and a token id.
func (s *Signer) Sign(ctx context.Context, c Claims) (string, time.Time, error) {
	_, key, err := s.ring(ctx, "")
	if err != nil {
		return "", time.Time{}, err
	}
	now := s.now().UTC()
	exp := now.Add(s.ttl)
	var jti [12]byte
	if _, err := rand.Read(jti[:]); err != nil {
		return "", time.Time{}, err
	}
	c.Issuer, c.Audience = Issuer, jwt.ClaimStrings{Audience}
	c.IssuedAt, c.NotBefore, c.ExpiresAt = jwt.NewNumericDate(now), jwt.NewNumericDate(now), jwt.NewNumericDate(exp)
	c.ID = base64.RawURLEncoding.EncodeToString(jti[:])
	t := jwt.NewWithClaims(jwt.SigningMethodEdDSA, c)
	t.Header["kid"] = key.ID
	signed, err := t.SignedString(key.Private)
	return signed, exp, err
}

// Verify checks signature, algorithm (EdDSA only: "none" and HMAC
// confusion are refused), issuer, audience, expiry and the kid.
// A token verified within the last minute is not checked again (see
// verifiedCache).
func (s *Signer) Verify(ctx context.Context, raw string) (Claims, error) {
	if c, ok := s.verified.get(raw, s.now()); ok {
		return c, nil
	}
	var c Claims
	_, err := jwt.ParseWithClaims(raw, &c, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		keys, _, err := s.ring(ctx, kid)
		if err != nil {
			return nil, err
		}
		k, ok := keys[kid]
		if !ok {
			return nil, fmt.Errorf("unknown kid %q", kid)
		}
		return k.Public, nil
	},
		jwt.WithValidMethods([]string{jwt.SigningMethodEdDSA.Alg()}),
		jwt.WithIssuer(Issuer), jwt.WithAudience(Audience),
		jwt.WithExpirationRequired(), jwt.WithIssuedAt(), jwt.WithTimeFunc(s.now),
		jwt.WithLeeway(30*time.Second), jwt.WithStrictDecoding())
	if err != nil {
		return Claims{}, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if c.Kind != KindUser && c.Kind != KindClient || c.Subject == "" {
		return Claims{}, fmt.Errorf("%w: missing kind or subject", ErrInvalid)
	}
	s.verified.put(raw, c, s.now())
	return c, nil
}
