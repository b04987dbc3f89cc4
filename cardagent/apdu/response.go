// Package apdu builds the command APDUs the card profiles send and parses
// responses. It knows ISO 7816-4 (SELECT, READ BINARY, UPDATE BINARY) and
// the PC/SC part 3 pseudo-APDUs (CLA FF) that contactless readers such as
// the ACR122U use to drive MIFARE Classic cards.
package apdu

import (
	"errors"
	"fmt"
)

// Status words the profiles act on.
const (
	SWOK               uint16 = 0x9000
	SWOperationFailed  uint16 = 0x6300 // PC/SC part 3: e.g. MIFARE authentication failed
	SWWrongLength      uint16 = 0x6700
	SWSecurityStatus   uint16 = 0x6982
	SWNoCurrentEF      uint16 = 0x6986
	SWFileNotFound     uint16 = 0x6A82
	SWFuncNotSupported uint16 = 0x6A81
	SWWrongP1P2        uint16 = 0x6B00
	SWInsNotSupported  uint16 = 0x6D00
	SWClaNotSupported  uint16 = 0x6E00
	SWEndOfFile        uint16 = 0x6282
)

// ErrShortResponse is returned for a response without the two status
// bytes. PC/SC can report success with an empty response (a card or driver
// failing silently); such a response must never count as success.
var ErrShortResponse = errors.New("apdu: response shorter than the 2 status bytes")

// Response is a parsed response APDU.
type Response struct {
	Data []byte
	SW   uint16
}

// Parse splits a response into data and status word.
func Parse(b []byte) (Response, error) {
	if len(b) < 2 {
		return Response{}, fmt.Errorf("%w (got %d bytes)", ErrShortResponse, len(b))
	}
	n := len(b) - 2
	return Response{Data: b[:n], SW: uint16(b[n])<<8 | uint16(b[n+1])}, nil
}

// OK reports whether the status word is 90 00.
func (r Response) OK() bool { return r.SW == SWOK }

// SW1 returns the first status byte.
func (r Response) SW1() byte { return byte(r.SW >> 8) }

// StatusError is a response whose status word the caller did not expect.
type StatusError struct {
	Command string
	SW      uint16
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("%s: card answered %04X", e.Command, e.SW)
}

// Err returns nil if the status word is 90 00, else a *StatusError.
func (r Response) Err(command string) error {
	if r.OK() {
		return nil
	}
	return &StatusError{Command: command, SW: r.SW}
}
