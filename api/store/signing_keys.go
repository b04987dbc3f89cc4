package store

import (
	"context"
	"crypto/ed25519"
	"fmt"

	"github.com/lecms/lecms/api/token"
)

// Sealer encrypts secrets at rest (implemented by pii.Protector).
type Sealer interface {
	Seal(plaintext string, aad []byte) []byte
	Open(sealed []byte, aad []byte) (string, error)
}

var signingKeyAAD = []byte("signing_keys.private")

// SigningKeys stores token signing keys, private halves sealed.
type SigningKeys struct {
	db     *DB
	sealer Sealer
}

func NewSigningKeys(db *DB, s Sealer) *SigningKeys { return &SigningKeys{db: db, sealer: s} }

// keep is how many keys are kept for verification: older ones signed no
// token that is still valid (tokens live minutes, rotations are rarer).
const keepSigningKeys = 4

func (s *SigningKeys) Keys(ctx context.Context) ([]token.Key, error) {
	var rows []signingKeyRow
	if err := s.db.ctx(ctx).Order("created_at DESC").Limit(keepSigningKeys).Find(&rows).Error; err != nil {
		return nil, err
	}
	keys := make([]token.Key, 0, len(rows))
	for _, r := range rows {
		priv, err := s.sealer.Open(r.PrivateEnc, signingKeyAAD)
		if err != nil {
			return nil, fmt.Errorf("signing key %s: %w (was LECMS_DATA_KEY changed?)", r.KID, err)
		}
		if len(priv) != ed25519.PrivateKeySize {
			return nil, fmt.Errorf("signing key %s: bad length", r.KID)
		}
		keys = append(keys, token.Key{ID: r.KID, Private: ed25519.PrivateKey(priv), Public: ed25519.PublicKey(r.Public), CreatedAt: r.CreatedAt})
	}
	return keys, nil
}

func (s *SigningKeys) Add(ctx context.Context, k token.Key) error {
	return s.db.ctx(ctx).Create(&signingKeyRow{KID: k.ID, Alg: "EdDSA",
		PrivateEnc: s.sealer.Seal(string(k.Private), signingKeyAAD), Public: k.Public, CreatedAt: k.CreatedAt}).Error
}
