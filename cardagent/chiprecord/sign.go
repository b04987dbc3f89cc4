package chiprecord

import (
	"errors"
	"fmt"

	"github.com/lecms/lecms/cardagent/sigalg"
)

// ErrBadSignature means the record's signature does not verify with any
// trusted provincial key.
var ErrBadSignature = errors.New("chiprecord: signature does not verify")

// Sign signs r with the provincial key, setting SigAlg, KeyID and Signature.
func Sign(r *Record, s sigalg.Signer) error {
	r.SigAlg = s.Alg()
	r.KeyID = s.KeyID()
	msg, err := r.SigningBytes()
	if err != nil {
		return err
	}
	sig, err := s.Sign(msg)
	if err != nil {
		return fmt.Errorf("chiprecord: sign: %w", err)
	}
	r.Signature = sig
	return nil
}

// Verify checks r's signature against the trusted provincial keys.
func Verify(r *Record, keys *sigalg.KeySet) error {
	msg, err := r.SigningBytes()
	if err != nil {
		return err
	}
	if err := keys.Verify(r.KeyID, r.SigAlg, msg, r.Signature); err != nil {
		return fmt.Errorf("%w: %v", ErrBadSignature, err)
	}
	return nil
}
