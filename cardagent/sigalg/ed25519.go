package sigalg

import (
	"crypto/ed25519"
	"fmt"
	"io"
)

type ed25519Public struct {
	key ed25519.PublicKey
	id  KeyID
}

func newEd25519Public(key ed25519.PublicKey) *ed25519Public {
	return &ed25519Public{key: key, id: keyIDOf(Ed25519, key)}
}

func (p *ed25519Public) Alg() Alg     { return Ed25519 }
func (p *ed25519Public) KeyID() KeyID { return p.id }
func (p *ed25519Public) String() string {
	return "ed25519:" + encodeB64(p.key)
}
func (p *ed25519Public) Verify(msg, sig []byte) bool {
	return len(sig) == ed25519.SignatureSize && ed25519.Verify(p.key, msg, sig)
}

type ed25519Private struct {
	key ed25519.PrivateKey
	pub *ed25519Public
}

func newEd25519Private(key ed25519.PrivateKey) *ed25519Private {
	return &ed25519Private{key: key, pub: newEd25519Public(key.Public().(ed25519.PublicKey))}
}

func (p *ed25519Private) Alg() Alg         { return Ed25519 }
func (p *ed25519Private) KeyID() KeyID     { return p.pub.id }
func (p *ed25519Private) Public() Verifier { return p.pub }
func (p *ed25519Private) Sign(msg []byte) ([]byte, error) {
	return ed25519.Sign(p.key, msg), nil
}
func (p *ed25519Private) PrivateString() string {
	return "ed25519" + privateSuffix + ":" + encodeB64(p.key.Seed())
}

func generateEd25519(rand io.Reader) (Signer, error) {
	_, key, err := ed25519.GenerateKey(rand)
	if err != nil {
		return nil, fmt.Errorf("generate ed25519 key: %w", err)
	}
	return newEd25519Private(key), nil
}

func parseEd25519Public(b []byte) (Verifier, error) {
	if len(b) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("ed25519 public key: want %d bytes, got %d", ed25519.PublicKeySize, len(b))
	}
	return newEd25519Public(ed25519.PublicKey(append([]byte(nil), b...))), nil
}

func parseEd25519Private(b []byte) (Signer, error) {
	if len(b) != ed25519.SeedSize {
		return nil, fmt.Errorf("ed25519 private key: want a %d-byte seed, got %d bytes", ed25519.SeedSize, len(b))
	}
	return newEd25519Private(ed25519.NewKeyFromSeed(b)), nil
}
