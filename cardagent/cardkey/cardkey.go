// Package cardkey derives the per-card MIFARE Classic keys from the
// provincial master secret and the card UID. It lives apart from the agent
// so the API server can import it: the server derives a card's key and puts
// it into the signed write ticket; the agent never sees the master secret,
// and a key read off one card opens no other card.
package cardkey

import (
	"crypto/hmac"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/lecms/lecms/cardagent/sigalg"
)

// Size is the length of a MIFARE Classic key.
const Size = 6

// Key is a MIFARE Classic key (Crypto1, 48 bits).
type Key [Size]byte

func (k Key) String() string { return hex.EncodeToString(k[:]) }

// ParseKey parses 12 hex digits.
func ParseKey(s string) (Key, error) {
	var k Key
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != Size {
		return k, fmt.Errorf("mifare key %q: want 12 hex digits", s)
	}
	copy(k[:], b)
	return k, nil
}

// MinMasterLen is the shortest master secret accepted: 128 bits, far more
// than the 48-bit keys it protects, so the master is never the weak point.
const MinMasterLen = 16

// label separates this derivation from any other use of the master secret.
// Bump the version suffix if the input layout ever changes.
const label = "LECMS/mifare-classic/key-b/v1"

// Derive returns the key B of the card with uid: HMAC(master, label || 0x00
// || len(uid) || uid) truncated to 6 bytes, with HMAC-SHA256 or HMAC-SM3.
// Truncating an HMAC keeps it a PRF, so one card's key says nothing about
// another card's.
func Derive(alg sigalg.HashAlg, master, uid []byte) (Key, error) {
	var k Key
	if !alg.Valid() {
		return k, fmt.Errorf("derive card key: unknown hash algorithm %s", alg)
	}
	if len(master) < MinMasterLen {
		return k, fmt.Errorf("derive card key: master secret must be at least %d bytes", MinMasterLen)
	}
	if len(uid) == 0 || len(uid) > 255 {
		return k, errors.New("derive card key: uid must be 1 to 255 bytes")
	}
	mac := hmac.New(alg.New, master)
	mac.Write([]byte(label))
	mac.Write([]byte{0, byte(len(uid))})
	mac.Write(uid)
	copy(k[:], mac.Sum(nil))
	return k, nil
}
