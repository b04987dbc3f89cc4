package apdu

// PC/SC part 3 pseudo-APDUs (class FF), interpreted by the reader rather
// than the card. Contactless readers use them to reach storage cards such
// as MIFARE Classic that have no APDU interface of their own.

// GetUID asks the reader for the card's UID (FF CA 00 00 00).
func GetUID() []byte { return []byte{0xFF, 0xCA, 0x00, 0x00, 0x00} }

// KeyType selects MIFARE key A or B in GeneralAuthenticate.
type KeyType byte

const (
	KeyA KeyType = 0x60
	KeyB KeyType = 0x61
)

// LoadKey loads a 6-byte key into the reader's volatile key slot (0 or 1).
func LoadKey(slot byte, key []byte) []byte {
	return append([]byte{0xFF, 0x82, 0x00, slot, byte(len(key))}, key...)
}

// GeneralAuthenticate authenticates the sector holding block with the key
// in the reader's key slot.
func GeneralAuthenticate(block byte, kt KeyType, slot byte) []byte {
	return []byte{0xFF, 0x86, 0x00, 0x00, 0x05, 0x01, 0x00, block, byte(kt), slot}
}

// ReadBlock reads one 16-byte MIFARE block.
func ReadBlock(block byte) []byte { return []byte{0xFF, 0xB0, 0x00, block, 0x10} }

// UpdateBlock writes one 16-byte MIFARE block.
func UpdateBlock(block byte, data []byte) []byte {
	return append([]byte{0xFF, 0xD6, 0x00, block, byte(len(data))}, data...)
}

// Buzzer patterns for ACR122U-style LED/buzzer control.
type Buzz int

const (
	BuzzOK    Buzz = iota // one short beep, green LED
	BuzzError             // three beeps, red LED
)

// LEDBuzzer is the ACR122U "bi-color LED and buzzer control" pseudo-APDU
// (FF 00 40 P2 04 T1 T2 repetitions link). T1/T2 are in units of 100 ms and
// link 01 sounds the buzzer during T1. The reader answers 90 xx, where xx
// is its LED state, not 90 00.
func LEDBuzzer(b Buzz) []byte {
	switch b {
	case BuzzError:
		// Blink red (initial red blinking state + mask), final state red.
		return []byte{0xFF, 0x00, 0x40, 0x5D, 0x04, 0x02, 0x01, 0x03, 0x01}
	default:
		// Blink green once, final state green.
		return []byte{0xFF, 0x00, 0x40, 0xAE, 0x04, 0x01, 0x01, 0x01, 0x01}
	}
}
