package sigalg

import (
	"fmt"
	"strings"
)

// KeySet holds the public keys a verifier trusts, by key id. It is built
// once at start-up and only read afterwards, so it needs no lock.
type KeySet struct {
	keys map[KeyID]Verifier
}

// NewKeySet returns a set holding keys.
func NewKeySet(keys ...Verifier) *KeySet {
	s := &KeySet{keys: make(map[KeyID]Verifier, len(keys))}
	for _, k := range keys {
		s.keys[k.KeyID()] = k
	}
	return s
}

// ParseKeySet parses public keys in text form, separated by commas, spaces
// or newlines.
func ParseKeySet(text string) (*KeySet, error) {
	var keys []Verifier
	for _, f := range strings.FieldsFunc(text, func(r rune) bool {
		return r == ',' || r == ' ' || r == '\n' || r == '\t' || r == '\r'
	}) {
		k, err := ParsePublicKey(f)
		if err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	return NewKeySet(keys...), nil
}

// Len reports how many keys the set holds.
func (s *KeySet) Len() int {
	if s == nil {
		return 0
	}
	return len(s.keys)
}

// Lookup returns the key with id, checking that it is of algorithm alg so a
// signature can never be checked with an algorithm other than the key's.
func (s *KeySet) Lookup(id KeyID, alg Alg) (Verifier, error) {
	if s == nil {
		return nil, fmt.Errorf("no trusted keys configured")
	}
	k, ok := s.keys[id]
	if !ok {
		return nil, fmt.Errorf("key %s is not trusted", id)
	}
	if k.Alg() != alg {
		return nil, fmt.Errorf("key %s is %s, signature says %s", id, k.Alg(), alg)
	}
	return k, nil
}

// Verify checks sig over msg with the trusted key id of algorithm alg.
func (s *KeySet) Verify(id KeyID, alg Alg, msg, sig []byte) error {
	k, err := s.Lookup(id, alg)
	if err != nil {
		return err
	}
	if !k.Verify(msg, sig) {
		return fmt.Errorf("signature by key %s does not verify", id)
	}
	return nil
}
