// Package errcode defines the stable error codes the card agent reports to
// the SPA. The codes are part of the websocket protocol: the SPA switches on
// them to tell the operator what to do, so a code never changes meaning.
package errcode

import (
	"errors"
	"fmt"
)

// Code is a stable, machine-readable error code.
type Code string

// The codes, grouped by who can fix the problem.
const (
	// Protocol and session.
	BadRequest      Code = "bad_request"      // malformed message or parameters
	UnknownType     Code = "unknown_type"     // message type the agent does not know
	OriginForbidden Code = "origin_forbidden" // Origin header missing or not allowed
	NotPaired       Code = "not_paired"       // card command before pairing/authentication
	PairingFailed   Code = "pairing_failed"   // wrong, expired or exhausted pairing code
	AuthFailed      Code = "auth_failed"      // challenge answer wrong or pairing unknown
	Busy            Code = "busy"             // another card operation holds the reader too long
	Internal        Code = "internal"         // a bug or an unexpected local failure

	// PC/SC and readers.
	PCSCUnavailable   Code = "pcsc_unavailable"   // PC/SC service not running
	ReaderUnavailable Code = "reader_unavailable" // reader unknown, unplugged or in use elsewhere
	ReaderForbidden   Code = "reader_forbidden"   // reader refused by policy (virtual reader in a release build)
	NoCard            Code = "no_card"            // no card on the reader
	MultipleCards     Code = "multiple_cards"     // more than one card present: leave only one
	NotSupported      Code = "not_supported"      // the reader or card cannot do this (e.g. no buzzer)

	// Card.
	CardRemoved      Code = "card_removed"      // card pulled (or reset) during the command
	CardUnsupported  Code = "card_unsupported"  // card type not recognised
	CardError        Code = "card_error"        // card answered with an unexpected status word
	CardBadResponse  Code = "card_bad_response" // response shorter than the two status bytes, or malformed
	CardAuthFailed   Code = "card_auth_failed"  // MIFARE key rejected by the card
	WrongCard        Code = "wrong_card"        // card UID differs from the one the ticket is for
	CardNotBlank     Code = "card_not_blank"    // issue on a card holding another certificate
	RecordMissing    Code = "record_missing"    // sync on a card without a valid record
	StaleRecord      Code = "stale_record"      // record to write is not newer than the card's
	ReadbackMismatch Code = "readback_mismatch" // what was read back differs from what was written

	// Tickets and records.
	TicketExpired  Code = "ticket_expired"   // ticket past its expiry (or not yet valid)
	TicketInvalid  Code = "ticket_invalid"   // bad format, signature, key or purpose
	TicketReplayed Code = "ticket_replayed"  // ticket already used for a successful write
	RecordInvalid  Code = "record_invalid"   // record bytes do not decode or verify
	RecordMismatch Code = "record_mismatch"  // record does not match the ticket
	RecordTooLarge Code = "record_too_large" // record does not fit the card's slot
)

// Error is an error carrying a Code. Message is for humans (logs, the
// operator); the SPA should switch on Code only.
type Error struct {
	Code    Code
	Message string
	Err     error // the cause, for logs; never sent to the SPA
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// New returns an Error with a formatted message.
func New(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns an Error with a cause. The message should say what failed
// in words the operator understands; the cause goes to the log.
func Wrap(code Code, err error, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Err: err}
}

// Of returns the code carried by err or by any error it wraps, and Internal
// for errors without one: an uncoded error reaching the SPA is a bug.
func Of(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// Is reports whether err carries code.
func Is(err error, code Code) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == code
}

// MessageOf returns the human message of the outermost coded error, or a
// generic text for uncoded ones (whose text may hold internal details).
func MessageOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
