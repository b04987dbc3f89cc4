// Package card implements the card profiles (an ISO 7816-4 CPU card with a
// transparent EF, and a MIFARE Classic 1K behind an ACR122U-style reader)
// behind one interface, and the A/B slot store on top of them.
package card

import (
	"github.com/lecms/lecms/cardagent/cardkey"
)

// Transmitter sends APDUs to a card; pcsc.Card satisfies it.
type Transmitter interface {
	Transmit(apdu []byte) ([]byte, error)
}

// Profile is a card type seen as two record slots.
type Profile interface {
	// Name identifies the profile in messages to the SPA.
	Name() string
	// UID returns the card's unique identifier.
	UID() ([]byte, error)
	// SlotCapacity is the size of each of the two slots in bytes.
	SlotCapacity() int
	// ReadUnit is the number of bytes one read command fetches cheaply;
	// the slot store reads the record header with one such read.
	ReadUnit() int
	// Read returns n bytes of slot at offset off.
	Read(slot, off, n int) ([]byte, error)
	// Write writes data at the start of slot, using key where the card
	// protects writes (MIFARE key B); profiles that need no key ignore it.
	Write(slot int, data []byte, key *cardkey.Key) error
	// NeedsKey reports whether Write needs a card key.
	NeedsKey() bool
	// Prepare readies a new card for its first record: on MIFARE it sets
	// the card key and access conditions on every sector of both slots.
	Prepare(key *cardkey.Key) error
}

// Profile names reported to the SPA.
const (
	ISOName    = "iso7816"
	MifareName = "mifare-classic-1k"
)

// Config tunes the profiles; the zero value gives the defaults.
type Config struct {
	// ISOFileID is the transparent EF holding both slots (default EF01).
	ISOFileID uint16
	// ISOSlotSize is the size of each slot in that EF (default 512).
	ISOSlotSize int
	// MifareReadKey is key A, which reads the record (default FFFFFFFFFFFF).
	// Records are signed and carry no ID number, so they need not be
	// secret; what needs protection is writing, which takes key B.
	MifareReadKey *cardkey.Key
	// MifareTransportKey is the key A of factory-fresh sectors (default
	// FFFFFFFFFFFF).
	MifareTransportKey *cardkey.Key
}

func (c Config) isoFileID() uint16 {
	if c.ISOFileID == 0 {
		return 0xEF01
	}
	return c.ISOFileID
}

func (c Config) isoSlotSize() int {
	if c.ISOSlotSize == 0 {
		return 512
	}
	return c.ISOSlotSize
}

// factoryKey is the key of factory-fresh MIFARE Classic sectors.
func factoryKey() cardkey.Key { return cardkey.Key{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF} }

func (c Config) readKey() cardkey.Key {
	if c.MifareReadKey == nil {
		return factoryKey()
	}
	return *c.MifareReadKey
}

func (c Config) transportKey() cardkey.Key {
	if c.MifareTransportKey == nil {
		return factoryKey()
	}
	return *c.MifareTransportKey
}

// Detect picks the profile for the card with atr.
func Detect(atr []byte, t Transmitter, cfg Config) (Profile, error) {
	switch kind := classifyATR(atr); kind {
	case atrMifare1K:
		return newMifare(t, cfg), nil
	case atrOtherStorage:
		return nil, unsupported("storage card %X is not a MIFARE Classic 1K", atr)
	default:
		return newISO(t, cfg), nil
	}
}
