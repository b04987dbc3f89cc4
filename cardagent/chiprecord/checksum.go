package chiprecord

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"

	"github.com/emmansun/gmsm/sm3"
)

// ChecksumAlg selects the 4-byte checksum that lets a reader tell a torn or
// garbled slot from a complete one. It protects against accidents only;
// authenticity comes from the signature.
type ChecksumAlg uint8

const (
	CRC32 ChecksumAlg = 1 // CRC-32/IEEE
	SM3   ChecksumAlg = 2 // first 4 bytes of SM3, for deployments that must use SM algorithms only
)

func (c ChecksumAlg) String() string {
	switch c {
	case CRC32:
		return "crc32"
	case SM3:
		return "sm3"
	}
	return fmt.Sprintf("checksum(%d)", uint8(c))
}

// ParseChecksumAlg parses "crc32" or "sm3".
func ParseChecksumAlg(s string) (ChecksumAlg, error) {
	switch s {
	case "crc32":
		return CRC32, nil
	case "sm3":
		return SM3, nil
	}
	return 0, fmt.Errorf("unknown checksum %q (want crc32 or sm3)", s)
}

const checksumSize = 4

func (c ChecksumAlg) sum(data []byte) ([checksumSize]byte, error) {
	var out [checksumSize]byte
	switch c {
	case CRC32:
		binary.BigEndian.PutUint32(out[:], crc32.ChecksumIEEE(data))
	case SM3:
		s := sm3.Sum(data)
		copy(out[:], s[:])
	default:
		return out, fmt.Errorf("unknown checksum algorithm %d", uint8(c))
	}
	return out, nil
}
