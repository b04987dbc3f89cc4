package pcsc

import (
	"errors"
	"fmt"
)

// Sentinel errors the agent acts on. Implementations return an *Error
// wrapping one of them, so errors.Is works and the native code and text
// stay available for logs.
var (
	ErrNoService         = errors.New("pcsc: service not available")
	ErrNoReaders         = errors.New("pcsc: no readers")
	ErrUnknownReader     = errors.New("pcsc: unknown reader")
	ErrReaderUnavailable = errors.New("pcsc: reader unavailable")
	ErrTimeout           = errors.New("pcsc: timeout")
	ErrCancelled         = errors.New("pcsc: cancelled")
	ErrNoSmartcard       = errors.New("pcsc: no card in reader")
	ErrRemovedCard       = errors.New("pcsc: card removed")
	ErrResetCard         = errors.New("pcsc: card reset")
	ErrUnresponsiveCard  = errors.New("pcsc: card unresponsive")
	ErrSharingViolation  = errors.New("pcsc: card in use by another application")
	ErrTransaction       = errors.New("pcsc: transaction failed")
	ErrInvalidHandle     = errors.New("pcsc: invalid handle")
	ErrOther             = errors.New("pcsc: error")
)

// Error is a PC/SC error with its native code.
type Error struct {
	Kind error  // one of the sentinels
	Code uint32 // the SCARD_E_* / SCARD_W_* value
	Text string // the native text, e.g. "scard: Card was removed."
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s (0x%08X)", e.Text, e.Code)
}

func (e *Error) Unwrap() error { return e.Kind }

// FromCode maps a native PC/SC return code to an *Error.
func FromCode(code uint32, text string) *Error {
	return &Error{Kind: kindOf(code), Code: code, Text: text}
}

func kindOf(code uint32) error {
	switch code {
	case 0x8010001D, 0x8010001E, 0x80100013, 0x80100018: // NO_SERVICE, SERVICE_STOPPED, F_COMM_ERROR, P_SHUTDOWN
		return ErrNoService
	case 0x8010002E: // NO_READERS_AVAILABLE
		return ErrNoReaders
	case 0x80100009: // UNKNOWN_READER
		return ErrUnknownReader
	case 0x80100017: // READER_UNAVAILABLE
		return ErrReaderUnavailable
	case 0x8010000A: // E_TIMEOUT
		return ErrTimeout
	case 0x80100002: // CANCELLED
		return ErrCancelled
	case 0x8010000C: // NO_SMARTCARD
		return ErrNoSmartcard
	case 0x80100069: // W_REMOVED_CARD
		return ErrRemovedCard
	case 0x80100068: // W_RESET_CARD
		return ErrResetCard
	case 0x80100066, 0x80100067: // W_UNRESPONSIVE_CARD, W_UNPOWERED_CARD
		return ErrUnresponsiveCard
	case 0x8010000B: // SHARING_VIOLATION
		return ErrSharingViolation
	case 0x80100016: // NOT_TRANSACTED: "Transaction failed.", seen when a card is pulled mid-APDU
		return ErrTransaction
	case 0x80100003: // INVALID_HANDLE
		return ErrInvalidHandle
	}
	return ErrOther
}

// ServiceLost reports whether err means the context is unusable and a new
// one must be established.
func ServiceLost(err error) bool {
	return errors.Is(err, ErrNoService) || errors.Is(err, ErrInvalidHandle)
}

// CardGone reports whether err means the card left (or was reset) during
// the command.
func CardGone(err error) bool {
	return errors.Is(err, ErrRemovedCard) || errors.Is(err, ErrResetCard) ||
		errors.Is(err, ErrTransaction) || errors.Is(err, ErrNoSmartcard) || errors.Is(err, ErrUnresponsiveCard)
}
