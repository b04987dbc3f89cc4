package sigalg

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"math/big"

	"github.com/emmansun/gmsm/sm2"
)

// SM2 signatures use the default user id of GB/T 32918 ("1234567812345678")
// and the ASN.1 DER encoding, as the gmsm package and most Chinese HSMs do.

type sm2Public struct {
	key *ecdsa.PublicKey
	raw []byte // uncompressed point, 65 bytes
	id  KeyID
}

func newSM2Public(key *ecdsa.PublicKey) *sm2Public {
	raw := elliptic.Marshal(key.Curve, key.X, key.Y) //nolint:staticcheck // the only uncompressed-point encoder for a non-stdlib curve
	return &sm2Public{key: key, raw: raw, id: keyIDOf(SM2, raw)}
}

func (p *sm2Public) Alg() Alg       { return SM2 }
func (p *sm2Public) KeyID() KeyID   { return p.id }
func (p *sm2Public) String() string { return "sm2:" + encodeB64(p.raw) }
func (p *sm2Public) Verify(msg, sig []byte) bool {
	return sm2.VerifyASN1WithSM2(p.key, nil, msg, sig)
}

type sm2Private struct {
	key *sm2.PrivateKey
	pub *sm2Public
}

func newSM2Private(key *sm2.PrivateKey) *sm2Private {
	return &sm2Private{key: key, pub: newSM2Public(&key.PublicKey)}
}

func (p *sm2Private) Alg() Alg         { return SM2 }
func (p *sm2Private) KeyID() KeyID     { return p.pub.id }
func (p *sm2Private) Public() Verifier { return p.pub }
func (p *sm2Private) Sign(msg []byte) ([]byte, error) {
	// crypto/rand rather than a caller-supplied reader: SM2 nonces must be
	// unpredictable, and gmsm mixes the private key into them anyway.
	return p.key.SignWithSM2(rand.Reader, nil, msg)
}
func (p *sm2Private) PrivateString() string {
	d := make([]byte, 32)
	p.key.D.FillBytes(d)
	return "sm2" + privateSuffix + ":" + encodeB64(d)
}

func generateSM2(r io.Reader) (Signer, error) {
	key, err := sm2.GenerateKey(r)
	if err != nil {
		return nil, fmt.Errorf("generate sm2 key: %w", err)
	}
	return newSM2Private(key), nil
}

func parseSM2Public(b []byte) (Verifier, error) {
	c := sm2.P256()
	x, y := elliptic.Unmarshal(c, b) //nolint:staticcheck // checks the point is on the curve
	if x == nil {
		return nil, errors.New("sm2 public key: want a 65-byte uncompressed point on the SM2 curve")
	}
	return newSM2Public(&ecdsa.PublicKey{Curve: c, X: x, Y: y}), nil
}

func parseSM2Private(b []byte) (Signer, error) {
	c := sm2.P256()
	if len(b) != 32 {
		return nil, fmt.Errorf("sm2 private key: want 32 bytes, got %d", len(b))
	}
	d := new(big.Int).SetBytes(b)
	// SM2 needs 1 <= d <= n-2 (d+1 is inverted during signing).
	limit := new(big.Int).Sub(c.Params().N, big.NewInt(1))
	if d.Sign() <= 0 || d.Cmp(limit) >= 0 {
		return nil, errors.New("sm2 private key: scalar out of range")
	}
	x, y := c.ScalarBaseMult(b)
	key := &sm2.PrivateKey{PrivateKey: ecdsa.PrivateKey{
		PublicKey: ecdsa.PublicKey{Curve: c, X: x, Y: y},
		D:         d,
	}}
	return newSM2Private(key), nil
}
