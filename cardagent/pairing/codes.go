package pairing

import (
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"math/big"
	"sync"
	"time"
)

// Pairing-code rules: six digits, valid for CodeTTL, at most MaxAttempts
// wrong guesses, one code pending at a time, usable only by the connection
// that asked for it. Guessing therefore succeeds with odds of 5 in a million
// per code the operator sees appear unprompted.
const (
	CodeTTL     = 2 * time.Minute
	MaxAttempts = 5
)

var (
	ErrNoCode    = errors.New("pairing: no pairing code pending; request one first")
	ErrCodeUsed  = errors.New("pairing: too many wrong codes; request a new one")
	ErrWrongCode = errors.New("pairing: wrong code")
)

// Codes manages the pending pairing code.
type Codes struct {
	mu      sync.Mutex
	now     func() time.Time
	pending *pending
}

type pending struct {
	code     string
	origin   string
	session  string
	expires  time.Time
	attempts int
}

// NewCodes returns an empty code manager; now may be nil for time.Now.
func NewCodes(now func() time.Time) *Codes {
	if now == nil {
		now = time.Now
	}
	return &Codes{now: now}
}

// New makes a code for the connection session from origin, replacing any
// pending one, and returns it with its expiry.
func (c *Codes) New(origin, session string) (string, time.Time, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return "", time.Time{}, fmt.Errorf("pairing: %w", err)
	}
	code := fmt.Sprintf("%06d", n.Int64())
	c.mu.Lock()
	defer c.mu.Unlock()
	exp := c.now().Add(CodeTTL)
	c.pending = &pending{code: code, origin: origin, session: session, expires: exp}
	return code, exp, nil
}

// Redeem checks code for session and origin. Success consumes the code;
// a wrong guess counts against MaxAttempts.
func (c *Codes) Redeem(origin, session, code string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	p := c.pending
	if p == nil || p.session != session || p.origin != origin || c.now().After(p.expires) {
		return ErrNoCode
	}
	if subtle.ConstantTimeCompare([]byte(code), []byte(p.code)) != 1 {
		p.attempts++
		if p.attempts >= MaxAttempts {
			c.pending = nil
			return ErrCodeUsed
		}
		return fmt.Errorf("%w (%d attempts left)", ErrWrongCode, MaxAttempts-p.attempts)
	}
	c.pending = nil
	return nil
}
