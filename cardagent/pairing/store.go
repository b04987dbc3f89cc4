// Package pairing lets a browser pair with the agent once and prove it on
// every later connection. Pairing: the agent shows a 6-digit code (log,
// console, later a tray icon); the operator types it into the SPA; the agent
// answers with a pairing id and a random secret, which the SPA keeps. Later
// connections get a fresh nonce and must answer HMAC-SHA256(secret, label
// || nonce) before any card command.
package pairing

import (
	"crypto/hmac"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/google/uuid"
)

// SecretSize is the length of pairing secrets.
const SecretSize = 32

// Pairing is one paired browser profile (one SPA origin in one browser).
type Pairing struct {
	ID       string    `json:"id"`
	Secret   []byte    `json:"secret,omitempty"`
	Origin   string    `json:"origin"`
	Label    string    `json:"label"`
	Created  time.Time `json:"created"`
	LastUsed time.Time `json:"last_used"`
}

// ErrUnknown means no pairing has the given id (or it belongs to another
// origin); ErrBadResponse means the challenge answer is wrong.
var (
	ErrUnknown     = errors.New("pairing: unknown pairing")
	ErrBadResponse = errors.New("pairing: wrong challenge response")
)

// Store keeps pairings in a JSON file readable only by the user (0600),
// since the secrets in it are what lets a page drive the card writer.
type Store struct {
	mu    sync.Mutex
	path  string
	items map[string]*Pairing
	now   func() time.Time
}

type file struct {
	Version  int        `json:"version"`
	Pairings []*Pairing `json:"pairings"`
}

// Open loads the store at path, creating its directory (0700) if needed.
// A missing file is an empty store.
func Open(path string, now func() time.Time) (*Store, error) {
	if now == nil {
		now = time.Now
	}
	s := &Store{path: path, items: map[string]*Pairing{}, now: now}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("pairing: %w", err)
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return nil, fmt.Errorf("pairing: %w", err)
	}
	var f file
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("pairing: %s: %w", path, err)
	}
	for _, p := range f.Pairings {
		if p.ID != "" && len(p.Secret) == SecretSize {
			s.items[p.ID] = p
		}
	}
	return s, nil
}

// saveLocked writes the file atomically: a temporary file created 0600,
// synced, then renamed over the old one, so a crash never leaves a
// half-written store or a moment where the secrets are world-readable.
func (s *Store) saveLocked() error {
	f := file{Version: 1}
	for _, p := range s.items {
		f.Pairings = append(f.Pairings, p)
	}
	sort.Slice(f.Pairings, func(i, j int) bool { return f.Pairings[i].Created.Before(f.Pairings[j].Created) })
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(s.path), ".pairings-*")
	if err != nil {
		return fmt.Errorf("pairing: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("pairing: %w", err)
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("pairing: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("pairing: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("pairing: %w", err)
	}
	if err := os.Rename(tmp.Name(), s.path); err != nil {
		return fmt.Errorf("pairing: %w", err)
	}
	return nil
}

// Add creates and persists a pairing for origin.
func (s *Store) Add(origin, label string) (*Pairing, error) {
	secret := make([]byte, SecretSize)
	if _, err := rand.Read(secret); err != nil {
		return nil, fmt.Errorf("pairing: %w", err)
	}
	now := s.now().UTC().Truncate(time.Second)
	p := &Pairing{ID: uuid.NewString(), Secret: secret, Origin: origin, Label: label, Created: now, LastUsed: now}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.items[p.ID] = p
	if err := s.saveLocked(); err != nil {
		delete(s.items, p.ID)
		return nil, err
	}
	c := *p
	return &c, nil
}

// Authenticate checks the answer to nonce for pairing id, which must have
// been made from origin: a secret lifted from one site's storage is no use
// to another site.
func (s *Store) Authenticate(id, origin string, nonce, response []byte) (*Pairing, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.items[id]
	if !ok || p.Origin != origin {
		return nil, ErrUnknown
	}
	if !hmac.Equal(Response(p.Secret, nonce), response) {
		return nil, ErrBadResponse
	}
	// Last-use is kept to the day, to avoid a disk write per connection.
	now := s.now().UTC().Truncate(time.Second)
	if now.Sub(p.LastUsed) > 24*time.Hour {
		p.LastUsed = now
		_ = s.saveLocked()
	}
	c := *p
	c.Secret = nil
	return &c, nil
}

// Remove deletes a pairing.
func (s *Store) Remove(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.items[id]
	if !ok {
		return ErrUnknown
	}
	delete(s.items, id)
	if err := s.saveLocked(); err != nil {
		s.items[id] = p
		return err
	}
	return nil
}

// List returns the pairings without their secrets.
func (s *Store) List() []Pairing {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Pairing, 0, len(s.items))
	for _, p := range s.items {
		c := *p
		c.Secret = nil
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Created.Before(out[j].Created) })
	return out
}
