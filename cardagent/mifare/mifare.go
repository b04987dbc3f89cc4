// Package mifare holds the MIFARE Classic 1K memory layout and access
// conditions, shared by the card profile (which personalises sectors) and
// the virtual card (which enforces them like a real chip).
package mifare

import (
	"errors"
)

// Memory layout of a MIFARE Classic 1K: 16 sectors of 4 blocks of 16
// bytes; the last block of each sector is its trailer (key A, access bits,
// general-purpose byte, key B) and block 0 holds the manufacturer data.
const (
	Sectors         = 16
	BlocksPerSector = 4
	BlockSize       = 16
	Blocks          = Sectors * BlocksPerSector
	DataBlocks      = BlocksPerSector - 1 // per sector
	KeySize         = 6
)

// SectorOf returns the sector holding block.
func SectorOf(block int) int { return block / BlocksPerSector }

// TrailerOf returns the trailer block of sector.
func TrailerOf(sector int) int { return sector*BlocksPerSector + BlocksPerSector - 1 }

// IsTrailer reports whether block is a sector trailer.
func IsTrailer(block int) bool { return block%BlocksPerSector == BlocksPerSector-1 }

// Cond is the 3-bit access condition C1 C2 C3 of one block, with C1 as the
// most significant bit, as the tables of the MIFARE datasheet write them.
type Cond uint8

// Access holds the conditions of the three data blocks and the trailer.
type Access [BlocksPerSector]Cond

// Transport is the factory setting: key A can do everything (FF 07 80).
func Transport() Access { return Access{0b000, 0b000, 0b000, 0b001} }

// Personalised is what LECMS sets: data readable with key A or B and
// writable only with key B; the trailer (keys and access bits) writable
// only with key B (78 77 88).
func Personalised() Access { return Access{0b100, 0b100, 0b100, 0b011} }

// Encode returns the three access bytes (trailer bytes 6-8), which hold
// every bit twice, once inverted.
func (a Access) Encode() [3]byte {
	var c1, c2, c3 byte
	for i, c := range a {
		c1 |= byte(c>>2&1) << i
		c2 |= byte(c>>1&1) << i
		c3 |= byte(c&1) << i
	}
	return [3]byte{
		(^c2&0xF)<<4 | ^c1&0xF,
		c1<<4 | ^c3&0xF,
		c3<<4 | c2,
	}
}

// ErrBadAccessBits is returned for access bytes whose inverted copy does
// not match; a real chip would lock the sector for good with them.
var ErrBadAccessBits = errors.New("mifare: inconsistent access bits")

// DecodeAccess parses trailer bytes 6-8.
func DecodeAccess(b [3]byte) (Access, error) {
	c1, c2, c3 := b[1]>>4, b[2]&0xF, b[2]>>4
	if ^c1&0xF != b[0]&0xF || ^c2&0xF != b[0]>>4 || ^c3&0xF != b[1]&0xF {
		return Access{}, ErrBadAccessBits
	}
	var a Access
	for i := range a {
		a[i] = Cond(c1>>i&1)<<2 | Cond(c2>>i&1)<<1 | Cond(c3>>i&1)
	}
	return a, nil
}

// Key says which key a sector was authenticated with.
type Key int

const (
	KeyA Key = iota
	KeyB
)

// CanReadData reports whether a data block with condition c can be read
// after authenticating with k.
func CanReadData(c Cond, k Key) bool {
	switch c {
	case 0b000, 0b010, 0b100, 0b110, 0b001:
		return true
	case 0b011, 0b101:
		return k == KeyB
	}
	return false
}

// CanWriteData reports whether a data block with condition c can be
// written after authenticating with k.
func CanWriteData(c Cond, k Key) bool {
	switch c {
	case 0b000:
		return true
	case 0b100, 0b110, 0b011:
		return k == KeyB
	}
	return false
}

// TrailerRights are what a key may do with a sector trailer.
type TrailerRights struct {
	WriteKeyA, ReadAccess, WriteAccess, ReadKeyB, WriteKeyB bool
}

// TrailerRightsFor returns the rights key k has on a trailer with condition c.
func TrailerRightsFor(c Cond, k Key) TrailerRights {
	a, b := k == KeyA, k == KeyB
	switch c {
	case 0b000:
		return TrailerRights{WriteKeyA: a, ReadAccess: a, ReadKeyB: a, WriteKeyB: a}
	case 0b010:
		return TrailerRights{ReadAccess: a, ReadKeyB: a}
	case 0b100:
		return TrailerRights{WriteKeyA: b, ReadAccess: true, WriteKeyB: b}
	case 0b110:
		return TrailerRights{ReadAccess: true}
	case 0b001:
		return TrailerRights{WriteKeyA: a, ReadAccess: a, WriteAccess: a, ReadKeyB: a, WriteKeyB: a}
	case 0b011:
		return TrailerRights{WriteKeyA: b, ReadAccess: true, WriteAccess: b, WriteKeyB: b}
	case 0b101:
		return TrailerRights{ReadAccess: true, WriteAccess: b}
	}
	return TrailerRights{ReadAccess: true}
}

// Trailer builds a sector trailer block.
func Trailer(keyA []byte, a Access, keyB []byte) []byte {
	t := make([]byte, BlockSize)
	copy(t[0:6], keyA)
	ab := a.Encode()
	copy(t[6:9], ab[:])
	t[9] = 0x69 // general-purpose byte; 69 is the factory value
	copy(t[10:16], keyB)
	return t
}
