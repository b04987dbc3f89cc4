// Package sigalg puts the signature and hash algorithms of LECMS behind
// small interfaces, so every signed object (chip records, write tickets,
// receipts) can use Ed25519 or SM2, and SHA-256 or SM3, by configuration.
// The API server imports it to sign and verify with the same code as the
// agent.
package sigalg

import (
	"crypto/sha256"
	"fmt"
	"hash"

	"github.com/emmansun/gmsm/sm3"
)

// Alg identifies a signature algorithm. The numeric values are written into
// chip records, tickets and receipts: never renumber them.
type Alg uint8

const (
	Ed25519 Alg = 1
	SM2     Alg = 2 // GB/T 32918 with SM3 and the default user id
)

func (a Alg) String() string {
	switch a {
	case Ed25519:
		return "ed25519"
	case SM2:
		return "sm2"
	}
	return fmt.Sprintf("alg(%d)", uint8(a))
}

// ParseAlg parses "ed25519" or "sm2".
func ParseAlg(s string) (Alg, error) {
	switch s {
	case "ed25519":
		return Ed25519, nil
	case "sm2":
		return SM2, nil
	}
	return 0, fmt.Errorf("unknown signature algorithm %q (want ed25519 or sm2)", s)
}

// HashAlg identifies a hash algorithm. The numeric values are written into
// tickets and receipts: never renumber them.
type HashAlg uint8

const (
	SHA256 HashAlg = 1
	SM3    HashAlg = 2
)

func (h HashAlg) String() string {
	switch h {
	case SHA256:
		return "sha256"
	case SM3:
		return "sm3"
	}
	return fmt.Sprintf("hash(%d)", uint8(h))
}

// ParseHashAlg parses "sha256" or "sm3".
func ParseHashAlg(s string) (HashAlg, error) {
	switch s {
	case "sha256":
		return SHA256, nil
	case "sm3":
		return SM3, nil
	}
	return 0, fmt.Errorf("unknown hash algorithm %q (want sha256 or sm3)", s)
}

// Valid reports whether h is a known algorithm.
func (h HashAlg) Valid() bool { return h == SHA256 || h == SM3 }

// New returns a new hash.Hash; it panics on an unknown algorithm, which
// callers rule out with Valid when the value comes from outside.
func (h HashAlg) New() hash.Hash {
	switch h {
	case SHA256:
		return sha256.New()
	case SM3:
		return sm3.New()
	}
	panic("sigalg: unknown hash algorithm " + h.String())
}

// Sum hashes data.
func (h HashAlg) Sum(data []byte) []byte {
	switch h {
	case SHA256:
		s := sha256.Sum256(data)
		return s[:]
	case SM3:
		s := sm3.Sum(data)
		return s[:]
	}
	panic("sigalg: unknown hash algorithm " + h.String())
}
