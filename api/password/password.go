// Package password hashes and verifies account passwords with argon2id
// (RFC 9106), stored in the PHC string format
//
//	$argon2id$v=19$m=65536,t=1,p=2$<salt>$<hash>
//
// with unpadded standard base64 for salt and hash. Parameters travel with
// every hash, so they can be raised later: NeedsRehash tells a login
// handler to store a fresh hash after a successful verification.
//
// Each hash costs ~22 ms and 64 MiB on the reference 2-core machine, so a
// Hasher bounds how many run at once: a login burst queues (and gives up
// with its request context) instead of starving the API or the memory.
package password

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id cost parameters.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes
	Threads uint8  // lanes
	SaltLen uint32 // bytes
	KeyLen  uint32 // bytes
}

// DefaultParams is t=1, m=64 MiB, p=2 (RFC 9106's second recommended
// option, ~22 ms on the reference machine), 16-byte salt, 32-byte hash.
func DefaultParams() Params {
	return Params{Memory: 64 * 1024, Time: 1, Threads: 2, SaltLen: 16, KeyLen: 32}
}

// Limits applied to parameters read from a stored hash, so a tampered or
// hostile hash string cannot make Verify allocate gigabytes or spin for
// minutes.
const (
	maxMemory  = 1 << 20 // KiB = 1 GiB
	maxTime    = 16
	maxThreads = 64
	minSalt    = 8
	maxSalt    = 64
	minKey     = 16
	maxKey     = 64
)

// ErrMalformed is returned for a stored hash that is not a PHC argon2id
// string this package can verify (wrong algorithm, version, parameters,
// base64, lengths).
var ErrMalformed = errors.New("password: malformed argon2id hash")

// Hasher hashes and verifies passwords with bounded concurrency. It is safe
// for concurrent use; share one per process.
type Hasher struct {
	params Params
	sem    chan struct{}
	// derive is argon2.IDKey; tests replace it to observe concurrency.
	derive func(password, salt []byte, time, memory uint32, threads uint8, keyLen uint32) []byte
}

// New returns a Hasher with DefaultParams that runs at most maxConcurrent
// hashes at once (values below 1 mean 1).
func New(maxConcurrent int) *Hasher {
	h, err := NewWithParams(DefaultParams(), maxConcurrent)
	if err != nil {
		panic(err) // DefaultParams are valid
	}
	return h
}

// NewWithParams returns a Hasher with explicit parameters, e.g. cheaper ones
// in tests. It refuses parameters outside the limits Verify accepts.
func NewWithParams(p Params, maxConcurrent int) (*Hasher, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	if maxConcurrent < 1 {
		maxConcurrent = 1
	}
	return &Hasher{params: p, sem: make(chan struct{}, maxConcurrent), derive: argon2.IDKey}, nil
}

// Params reports the parameters new hashes are made with.
func (h *Hasher) Params() Params { return h.params }

func (p Params) check() error {
	switch {
	case p.Memory < 8*uint32(p.Threads) || p.Memory > maxMemory:
		return fmt.Errorf("password: memory %d KiB out of range", p.Memory)
	case p.Time < 1 || p.Time > maxTime:
		return fmt.Errorf("password: time %d out of range", p.Time)
	case p.Threads < 1 || p.Threads > maxThreads:
		return fmt.Errorf("password: threads %d out of range", p.Threads)
	case p.SaltLen < minSalt || p.SaltLen > maxSalt:
		return fmt.Errorf("password: salt length %d out of range", p.SaltLen)
	case p.KeyLen < minKey || p.KeyLen > maxKey:
		return fmt.Errorf("password: key length %d out of range", p.KeyLen)
	}
	return nil
}

// acquire takes a hashing slot or gives up when ctx ends.
func (h *Hasher) acquire(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	select {
	case h.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (h *Hasher) release() { <-h.sem }

// Hash returns the PHC string of plain under a fresh random salt. It waits
// for a free slot and returns ctx's error if ctx ends first.
func (h *Hasher) Hash(ctx context.Context, plain string) (string, error) {
	salt := make([]byte, h.params.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	key := h.derive([]byte(plain), salt, h.params.Time, h.params.Memory, h.params.Threads, h.params.KeyLen)
	h.release()
	return encode(h.params, salt, key), nil
}

// Verify reports whether plain matches encoded. A wrong password is
// (false, nil); a malformed hash is (false, ErrMalformed); a context that
// ends while waiting for a slot is (false, ctx.Err()). The comparison is
// constant-time.
func (h *Hasher) Verify(ctx context.Context, plain, encoded string) (bool, error) {
	p, salt, want, err := Decode(encoded)
	if err != nil {
		return false, err
	}
	if err := h.acquire(ctx); err != nil {
		return false, err
	}
	got := h.derive([]byte(plain), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	h.release()
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// NeedsRehash reports whether encoded was made with parameters other than
// the Hasher's (or cannot be read), so that a login handler stores a new
// hash after a successful Verify.
func (h *Hasher) NeedsRehash(encoded string) bool {
	p, salt, key, err := Decode(encoded)
	if err != nil {
		return true
	}
	return p.Memory != h.params.Memory || p.Time != h.params.Time || p.Threads != h.params.Threads ||
		uint32(len(key)) != h.params.KeyLen || uint32(len(salt)) < h.params.SaltLen
}

var b64 = base64.RawStdEncoding

func encode(p Params, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// Decode parses a PHC argon2id string into its parameters (SaltLen and
// KeyLen set from the decoded lengths), salt and hash. It accepts exactly
// the form this package writes: version 19 and parameters in m,t,p order.
func Decode(encoded string) (p Params, salt, key []byte, err error) {
	parts := strings.Split(encoded, "$")
	// "", "argon2id", "v=19", "m=…,t=…,p=…", salt, hash
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, ErrMalformed
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return p, nil, nil, ErrMalformed
	}
	kv := strings.Split(parts[3], ",")
	if len(kv) != 3 {
		return p, nil, nil, ErrMalformed
	}
	var vals [3]uint64
	for i, name := range []string{"m", "t", "p"} {
		v, ok := strings.CutPrefix(kv[i], name+"=")
		if !ok || v == "" || (len(v) > 1 && v[0] == '0') {
			return p, nil, nil, ErrMalformed
		}
		if vals[i], err = strconv.ParseUint(v, 10, 32); err != nil {
			return p, nil, nil, ErrMalformed
		}
	}
	if vals[2] > maxThreads {
		return p, nil, nil, ErrMalformed
	}
	p = Params{Memory: uint32(vals[0]), Time: uint32(vals[1]), Threads: uint8(vals[2])}
	if salt, err = b64.Strict().DecodeString(parts[4]); err != nil {
		return Params{}, nil, nil, ErrMalformed
	}
	if key, err = b64.Strict().DecodeString(parts[5]); err != nil {
		return Params{}, nil, nil, ErrMalformed
	}
	p.SaltLen, p.KeyLen = uint32(len(salt)), uint32(len(key))
	if p.check() != nil {
		return Params{}, nil, nil, ErrMalformed
	}
	return p, salt, key, nil
}
