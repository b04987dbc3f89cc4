// Package pcsc is the small seam between the card agent and PC/SC. The
// agent only uses these interfaces; package scard (cgo with pcsclite, or
// winscard on Windows) sits behind Establish, and tests plug in the
// in-memory stack of package vcard instead.
package pcsc

import "time"

// Provider opens PC/SC contexts. A context broken by a pcscd restart stays
// broken (and pcsclite's IsValid still says true), so the agent drops a
// context after any service error and asks for a new one.
type Provider interface {
	Establish() (Context, error)
}

// Context is one PC/SC context. Its methods must not be called
// concurrently, except Cancel, which interrupts GetStatusChange.
type Context interface {
	ListReaders() ([]string, error)
	GetStatusChange(states []ReaderState, timeout time.Duration) error
	// Connect connects in shared mode with T=0 or T=1.
	Connect(reader string) (Card, error)
	Cancel() error
	Release() error
}

// Card is a connection to the card in one reader.
type Card interface {
	// Transmit sends one APDU and returns the response, status word included.
	Transmit(apdu []byte) ([]byte, error)
	// Begin and End bracket a sequence of APDUs no other application may
	// interleave with (SCardBeginTransaction / SCardEndTransaction).
	Begin() error
	End() error
	// Status returns the ATR.
	Status() (CardStatus, error)
	// Disconnect leaves the card powered (reset false) or resets it.
	Disconnect(reset bool) error
}

// CardStatus is what Status reports.
type CardStatus struct {
	Reader string
	ATR    []byte
}

// StateFlag is the PC/SC SCARD_STATE_* bit set. The values are those of
// PC/SC, so the scard implementation converts by plain casts.
type StateFlag uint32

const (
	StateUnaware     StateFlag = 0x0000
	StateIgnore      StateFlag = 0x0001
	StateChanged     StateFlag = 0x0002
	StateUnknown     StateFlag = 0x0004
	StateUnavailable StateFlag = 0x0008
	StateEmpty       StateFlag = 0x0010
	StatePresent     StateFlag = 0x0020
	StateAtrmatch    StateFlag = 0x0040
	StateExclusive   StateFlag = 0x0080
	StateInuse       StateFlag = 0x0100
	StateMute        StateFlag = 0x0200
	StateUnpowered   StateFlag = 0x0400

	// The upper 16 bits carry an event counter (pcsclite, Windows): a card
	// swapped between two polls changes the counter even if the flags look
	// the same.
	stateFlagsMask StateFlag = 0xFFFF
)

// Flags returns the state without the event counter.
func (s StateFlag) Flags() StateFlag { return s & stateFlagsMask }

// Has reports whether all bits of f are set.
func (s StateFlag) Has(f StateFlag) bool { return s&f == f }

// PnPNotification is the pseudo-reader whose state changes when a reader is
// plugged in or out (pcsclite and Windows both support it).
const PnPNotification = `\\?PnP?\Notification`

// ReaderState is one entry of GetStatusChange, as in PC/SC.
type ReaderState struct {
	Reader       string
	CurrentState StateFlag
	EventState   StateFlag
	ATR          []byte
}
