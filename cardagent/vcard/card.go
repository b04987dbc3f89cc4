// Package vcard emulates the cards LECMS writes, for tests and for manual
// trials without hardware: an ISO 7816-4 CPU card with a transparent EF, and
// a MIFARE Classic 1K behind an ACR122U-style reader. A card can sit in the
// in-memory PC/SC stack (Stack, no cgo, for unit tests) or be inserted into
// a real pcscd through vsmartcard-vpcd (Insert). Faults lets tests pull the
// card mid-write, garble writes and cut responses short.
package vcard

import (
	"encoding/binary"
	"errors"
)

// Card is an emulated card.
type Card interface {
	ATR() []byte
	// Process answers one command APDU. It returns ErrPulled when fault
	// injection pulls the card: the command has no effect and no answer.
	Process(cmd []byte) ([]byte, error)
	// Reset forgets volatile state (selected file, authentication), as a
	// power cycle does.
	Reset()
}

// ErrPulled means the card left the reader during the command.
var ErrPulled = errors.New("vcard: card pulled")

func sw(v uint16) []byte { return []byte{byte(v >> 8), byte(v)} }

func withSW(data []byte, v uint16) []byte { return append(append([]byte(nil), data...), sw(v)...) }

// command is a parsed command APDU (ISO 7816-3 cases 1-4, short and
// extended).
type command struct {
	cla, ins, p1, p2 byte
	data             []byte
	le               int // expected response length; 0 when absent
	hasLe            bool
}

var errMalformed = errors.New("malformed APDU")

func parseCommand(b []byte) (command, error) {
	if len(b) < 4 {
		return command{}, errMalformed
	}
	c := command{cla: b[0], ins: b[1], p1: b[2], p2: b[3]}
	body := b[4:]
	switch {
	case len(body) == 0: // case 1
	case len(body) == 1: // case 2 short
		c.le, c.hasLe = int(body[0]), true
		if c.le == 0 {
			c.le = 256
		}
	case body[0] != 0: // cases 3 and 4 short
		lc := int(body[0])
		switch len(body) {
		case 1 + lc:
		case 2 + lc:
			c.le, c.hasLe = int(body[1+lc]), true
			if c.le == 0 {
				c.le = 256
			}
		default:
			return command{}, errMalformed
		}
		c.data = body[1 : 1+lc]
	case len(body) == 3: // case 2 extended
		c.le, c.hasLe = int(binary.BigEndian.Uint16(body[1:])), true
		if c.le == 0 {
			c.le = 65536
		}
	case len(body) > 3: // cases 3 and 4 extended
		lc := int(binary.BigEndian.Uint16(body[1:3]))
		switch len(body) {
		case 3 + lc:
		case 5 + lc:
			c.le, c.hasLe = int(binary.BigEndian.Uint16(body[3+lc:])), true
			if c.le == 0 {
				c.le = 65536
			}
		default:
			return command{}, errMalformed
		}
		c.data = body[3 : 3+lc]
	default:
		return command{}, errMalformed
	}
	return c, nil
}

// isLEDBuzzer reports whether cmd is the ACR122U LED/buzzer pseudo-APDU.
func isLEDBuzzer(c command) bool { return c.cla == 0xFF && c.ins == 0x00 && c.p1 == 0x40 }

// withTCK appends the ATR check byte (XOR of T0 through the last byte).
func withTCK(atr []byte) []byte {
	var x byte
	for _, b := range atr[1:] {
		x ^= b
	}
	return append(atr, x)
}
