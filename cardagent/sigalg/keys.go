package sigalg

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
)

// KeyID names a public key: the first 8 bytes of SHA-256 over the algorithm
// byte and the public key. It travels in signed objects so a verifier holding
// several keys (rotation, one per province) picks the right one.
type KeyID [8]byte

func (id KeyID) String() string { return hex.EncodeToString(id[:]) }

// ParseKeyID parses the 16 hex digits String produces.
func ParseKeyID(s string) (KeyID, error) {
	var id KeyID
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != len(id) {
		return id, fmt.Errorf("key id %q: want 16 hex digits", s)
	}
	copy(id[:], b)
	return id, nil
}

func keyIDOf(alg Alg, pub []byte) KeyID {
	h := sha256.New()
	h.Write([]byte{byte(alg)})
	h.Write(pub)
	var id KeyID
	copy(id[:], h.Sum(nil))
	return id
}

// Verifier checks signatures made by one key.
type Verifier interface {
	Alg() Alg
	KeyID() KeyID
	Verify(msg, sig []byte) bool
	// String returns the public key in the text form ParsePublicKey reads,
	// e.g. "ed25519:BASE64"; it is what an operator registers on the server.
	String() string
}

// Signer signs with one private key.
type Signer interface {
	Alg() Alg
	KeyID() KeyID
	Sign(msg []byte) ([]byte, error)
	Public() Verifier
	// PrivateString returns the private key in the text form ParsePrivateKey
	// reads. Only key files should ever hold it.
	PrivateString() string
}

// Generate creates a new key pair; rand is normally crypto/rand.Reader.
func Generate(alg Alg, rand io.Reader) (Signer, error) {
	switch alg {
	case Ed25519:
		return generateEd25519(rand)
	case SM2:
		return generateSM2(rand)
	}
	return nil, fmt.Errorf("generate key: unknown algorithm %s", alg)
}

// Text forms: "<alg>:<base64 public>" and "<alg>-private:<base64 private>".
// Ed25519 public keys are the 32-byte RFC 8032 encoding and private keys the
// 32-byte seed; SM2 public keys are the 65-byte uncompressed point and private
// keys the 32-byte scalar.
const privateSuffix = "-private"

// ParsePublicKey parses a public key in text form.
func ParsePublicKey(s string) (Verifier, error) {
	alg, data, err := splitKey(s)
	if err != nil {
		return nil, err
	}
	if strings.HasSuffix(alg, privateSuffix) {
		return nil, errors.New("parse public key: got a private key")
	}
	switch alg {
	case "ed25519":
		return parseEd25519Public(data)
	case "sm2":
		return parseSM2Public(data)
	}
	return nil, fmt.Errorf("parse public key: unknown algorithm %q", alg)
}

// ParsePrivateKey parses a private key in text form.
func ParsePrivateKey(s string) (Signer, error) {
	alg, data, err := splitKey(s)
	if err != nil {
		return nil, err
	}
	switch alg {
	case "ed25519" + privateSuffix:
		return parseEd25519Private(data)
	case "sm2" + privateSuffix:
		return parseSM2Private(data)
	}
	return nil, fmt.Errorf("parse private key: unknown or public key type %q", alg)
}

func splitKey(s string) (string, []byte, error) {
	alg, b64, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok {
		return "", nil, errors.New("parse key: want <alg>:<base64>")
	}
	data, err := decodeB64(b64)
	if err != nil {
		return "", nil, fmt.Errorf("parse key: %w", err)
	}
	return alg, data, nil
}
