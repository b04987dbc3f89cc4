package pairing

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"
)

func TestStorePersistsWithPrivatePermissions(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "pairings.json")
	s, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Add("http://localhost:8080", "Chrome")
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("pairing file mode %v, want 0600", st.Mode().Perm())
	}
	if d, _ := os.Stat(filepath.Dir(path)); d.Mode().Perm() != 0o700 {
		t.Fatalf("config dir mode %v, want 0700", d.Mode().Perm())
	}

	s2, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	nonce := NewNonce()
	if _, err := s2.Authenticate(p.ID, "http://localhost:8080", nonce, Response(p.Secret, nonce)); err != nil {
		t.Fatalf("reloaded pairing: %v", err)
	}
	if got := s2.List(); len(got) != 1 || got[0].Secret != nil {
		t.Fatalf("List = %+v", got)
	}
	if err := s2.Remove(p.ID); err != nil {
		t.Fatal(err)
	}
	s3, _ := Open(path, nil)
	if len(s3.List()) != 0 {
		t.Fatal("removed pairing came back")
	}
}

func TestChallenge(t *testing.T) {
	s, _ := Open(filepath.Join(t.TempDir(), "p.json"), nil)
	p, _ := s.Add("http://localhost:8080", "")
	nonce := NewNonce()
	good := Response(p.Secret, nonce)

	cases := []struct {
		name        string
		id, origin  string
		nonce, resp []byte
		want        error
	}{
		{"good", p.ID, "http://localhost:8080", nonce, good, nil},
		{"other nonce", p.ID, "http://localhost:8080", NewNonce(), good, ErrBadResponse},
		{"wrong secret", p.ID, "http://localhost:8080", nonce, Response(make([]byte, 32), nonce), ErrBadResponse},
		{"other origin", p.ID, "http://127.0.0.1:8080", nonce, good, ErrUnknown},
		{"unknown id", "nope", "http://localhost:8080", nonce, good, ErrUnknown},
	}
	for _, c := range cases {
		if _, err := s.Authenticate(c.id, c.origin, c.nonce, c.resp); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
}

func TestResponseKnownAnswer(t *testing.T) {
	// Pinned so the SPA implementation can be checked against it;
	// cross-checked with Python's hmac module.
	secret := make([]byte, 32)
	nonce := make([]byte, 32)
	for i := range secret {
		secret[i], nonce[i] = byte(i), byte(0xff-i)
	}
	const want = "7c8eba38880deb18eb135705b5461322a5bb1a47576170a039eec7d628e0c355"
	if got := hexOf(Response(secret, nonce)); got != want {
		t.Fatalf("Response = %s", got)
	}
}

func hexOf(b []byte) string {
	const d = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, d[c>>4], d[c&15])
	}
	return string(out)
}

func TestCodes(t *testing.T) {
	now := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	c := NewCodes(func() time.Time { return now })
	if err := c.Redeem("o", "s1", "123456"); !errors.Is(err, ErrNoCode) {
		t.Fatalf("no code: %v", err)
	}
	code, _, err := c.New("o", "s1")
	if err != nil || !regexp.MustCompile(`^\d{6}$`).MatchString(code) {
		t.Fatalf("code %q %v", code, err)
	}
	if err := c.Redeem("o", "s2", code); !errors.Is(err, ErrNoCode) {
		t.Fatalf("other session: %v", err)
	}
	if err := c.Redeem("o2", "s1", code); !errors.Is(err, ErrNoCode) {
		t.Fatalf("other origin: %v", err)
	}
	if err := c.Redeem("o", "s1", code); err != nil {
		t.Fatal(err)
	}
	if err := c.Redeem("o", "s1", code); !errors.Is(err, ErrNoCode) {
		t.Fatalf("code reused: %v", err)
	}

	// Wrong guesses exhaust the code.
	code, _, _ = c.New("o", "s1")
	wrong := "000000"
	if code == wrong {
		wrong = "000001"
	}
	for i := 1; i < MaxAttempts; i++ {
		if err := c.Redeem("o", "s1", wrong); !errors.Is(err, ErrWrongCode) {
			t.Fatalf("guess %d: %v", i, err)
		}
	}
	if err := c.Redeem("o", "s1", wrong); !errors.Is(err, ErrCodeUsed) {
		t.Fatalf("last guess: %v", err)
	}
	if err := c.Redeem("o", "s1", code); !errors.Is(err, ErrNoCode) {
		t.Fatalf("right code after exhaustion: %v", err)
	}

	// Codes expire.
	code, _, _ = c.New("o", "s1")
	now = now.Add(CodeTTL + time.Second)
	if err := c.Redeem("o", "s1", code); !errors.Is(err, ErrNoCode) {
		t.Fatalf("expired code: %v", err)
	}
}
