package audit

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"hash"

	"github.com/emmansun/gmsm/sm3"

	"github.com/lecms/lecms/api/store"
)

// Algorithm names the hash that links the chain. A chain keeps the
// algorithm it was started with (recorded in the chain row), so Verify
// needs no configuration and a recorder configured otherwise fails loudly.
type Algorithm string

const (
	SHA256 Algorithm = "sha256"
	SM3    Algorithm = "sm3" // GB/T 32905, for commercial-cryptography (密评) assessments
)

func (a Algorithm) newHash() (hash.Hash, error) {
	switch a {
	case SHA256:
		return sha256.New(), nil
	case SM3:
		return sm3.New(), nil
	}
	return nil, fmt.Errorf("audit: unknown hash algorithm %q (want %s or %s)", a, SHA256, SM3)
}

// encodingTag starts every encoding: it separates audit hashes from any
// other use of the same hash and versions the format.
const encodingTag = "lecms.audit.v1\x00"

// chainHash is H(prev_hash || canonical encoding of e). The encoding is
// fixed-width integers and length-prefixed strings in a fixed order, so no
// two different events encode alike. It covers the id and the timestamp
// (microseconds, what both databases keep), so renumbering or re-dating a
// row breaks its hash just as editing a field does.
func chainHash(h hash.Hash, prev []byte, e *store.AuditEntry) []byte {
	b := make([]byte, 0, 256+len(e.Detail))
	b = append(b, encodingTag...)
	b = binary.BigEndian.AppendUint64(b, uint64(e.ID))
	b = binary.BigEndian.AppendUint64(b, uint64(e.At.UnixMicro()))
	if e.ActorID != nil {
		b = append(b, 1)
		b = binary.BigEndian.AppendUint64(b, uint64(*e.ActorID))
	} else {
		b = append(b, 0)
	}
	for _, s := range []string{e.ActorName, e.Role, string(e.Scope), e.Action, e.TargetType, e.TargetID,
		e.Result, e.IP, e.RequestID, e.Detail} {
		b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
		b = append(b, s...)
	}
	h.Reset()
	h.Write(prev)
	h.Write(b)
	return h.Sum(nil)
}
