// Package pii protects personal data at rest: authenticated encryption of
// sensitive fields (ID numbers) and keyed blind indexes so that exact-match
// search works without storing the plaintext.
package pii

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"

	"github.com/emmansun/gmsm/sm3"
	"github.com/emmansun/gmsm/sm4"
)

// Algorithm names accepted by New.
const (
	AES256GCM = "aes-256-gcm" // AES-256-GCM + HMAC-SHA256 blind index
	SM4GCM    = "sm4-gcm"     // SM4-GCM + HMAC-SM3 blind index (for 密评)
)

// version prefixes every ciphertext so keys and algorithms can rotate.
const version byte = 1

// Protector seals and opens personal data with one master key. Separate
// sub-keys for encryption and indexing are derived from the master key so a
// leaked index key reveals nothing about the ciphertexts.
type Protector struct {
	alg    string
	aead   cipher.AEAD
	macKey []byte
	newMAC func() hash.Hash
}

// New builds a Protector; masterKey must be 32 bytes.
func New(alg string, masterKey []byte) (*Protector, error) {
	if len(masterKey) != 32 {
		return nil, fmt.Errorf("pii: master key must be 32 bytes, got %d", len(masterKey))
	}
	p := &Protector{alg: alg}
	var block cipher.Block
	var err error
	switch alg {
	case AES256GCM:
		p.newMAC = sha256.New
		block, err = aes.NewCipher(derive(sha256.New, masterKey, "lecms/pii/enc", 32))
	case SM4GCM:
		p.newMAC = sm3.New
		block, err = sm4.NewCipher(derive(sm3.New, masterKey, "lecms/pii/enc", 16))
	default:
		return nil, fmt.Errorf("pii: unknown algorithm %q (want %s or %s)", alg, AES256GCM, SM4GCM)
	}
	if err != nil {
		return nil, err
	}
	if p.aead, err = cipher.NewGCM(block); err != nil {
		return nil, err
	}
	p.macKey = derive(p.newMAC, masterKey, "lecms/pii/index", 32)
	return p, nil
}

func derive(h func() hash.Hash, key []byte, label string, n int) []byte {
	m := hmac.New(h, key)
	m.Write([]byte(label))
	return m.Sum(nil)[:n]
}

// Algorithm reports the configured algorithm.
func (p *Protector) Algorithm() string { return p.alg }

// Seal encrypts plaintext; aad binds the ciphertext to its context (e.g. the
// column name) so a value copied into another column fails to open.
func (p *Protector) Seal(plaintext string, aad []byte) []byte {
	nonce := make([]byte, p.aead.NonceSize(), 1+p.aead.NonceSize()+len(plaintext)+p.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	out := append([]byte{version}, nonce...)
	return p.aead.Seal(out, nonce, []byte(plaintext), aad)
}

// Open decrypts what Seal produced.
func (p *Protector) Open(sealed []byte, aad []byte) (string, error) {
	ns := p.aead.NonceSize()
	if len(sealed) < 1+ns+p.aead.Overhead() || sealed[0] != version {
		return "", errors.New("pii: malformed ciphertext")
	}
	plain, err := p.aead.Open(nil, sealed[1:1+ns], sealed[1+ns:], aad)
	if err != nil {
		return "", errors.New("pii: ciphertext does not authenticate")
	}
	return string(plain), nil
}

// BlindIndex is a keyed hash of a normalised value, for exact-match search
// and uniqueness without the plaintext.
func (p *Protector) BlindIndex(value string) []byte {
	m := hmac.New(p.newMAC, p.macKey)
	m.Write([]byte(value))
	return m.Sum(nil)
}
