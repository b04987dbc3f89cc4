package ticket

import "errors"

var (
	// ErrInvalid: malformed, unsigned, signed by an untrusted key, tampered
	// with, or not matching what it is used for.
	ErrInvalid = errors.New("ticket: invalid")
	// ErrExpired: past its expiry, or issued in the future (clocks differ).
	ErrExpired = errors.New("ticket: expired or not yet valid")
	// ErrWrongCard: the card's UID is not the one the ticket is for.
	ErrWrongCard = errors.New("ticket: wrong card")
	// ErrRecordMismatch: the record's hash or certificate number is not the
	// one the ticket is for.
	ErrRecordMismatch = errors.New("ticket: record does not match")
	// ErrReadbackMismatch: the receipt says the card holds other bytes than
	// the ticket authorised.
	ErrReadbackMismatch = errors.New("ticket: read-back hash does not match")
	// ErrReplay: the nonce was already used.
	ErrReplay = errors.New("ticket: replayed")
)
