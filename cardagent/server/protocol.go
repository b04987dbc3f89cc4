// Package server is the card agent's websocket front end for the SPA:
// origin and host checks, pairing and challenge authentication, and the
// JSON message protocol documented in docs/card-agent.md.
package server

import (
	"encoding/json"

	"github.com/lecms/lecms/cardagent/agent"
	"github.com/lecms/lecms/cardagent/errcode"
)

// Path is where the websocket is served.
const Path = "/ws"

// Request is a message from the SPA. ID is chosen by the SPA and echoed in
// the response; it lets the SPA have several requests in flight.
type Request struct {
	ID     string          `json:"id"`
	Type   string          `json:"type"`
	Params json.RawMessage `json:"params,omitempty"`
}

// Message kinds sent by the agent.
const (
	KindResponse = "response"
	KindEvent    = "event"
)

// Response answers one Request.
type Response struct {
	Kind   string     `json:"kind"` // "response"
	ID     string     `json:"id"`
	Type   string     `json:"type"`
	OK     bool       `json:"ok"`
	Result any        `json:"result,omitempty"`
	Error  *ErrorBody `json:"error,omitempty"`
}

// ErrorBody carries a stable code for the SPA and a message for people.
type ErrorBody struct {
	Code    errcode.Code `json:"code"`
	Message string       `json:"message"`
}

// EventMessage reports a reader or card change.
type EventMessage struct {
	Kind string    `json:"kind"` // "event"
	Type string    `json:"type"`
	Data EventData `json:"data"`
}

// EventData is the payload of an event.
type EventData struct {
	Reader    string          `json:"reader,omitempty"`
	Card      *agent.CardInfo `json:"card,omitempty"`
	Available *bool           `json:"available,omitempty"`
}

// Request types.
const (
	TypeHello          = "hello"
	TypeVersion        = "version"
	TypePairBegin      = "pair_begin"
	TypePairComplete   = "pair_complete"
	TypeAuthenticate   = "authenticate"
	TypeUnpair         = "unpair"
	TypeListReaders    = "list_readers"
	TypeReadCard       = "read_card"
	TypeIssueCard      = "issue_card"
	TypeSyncInspection = "sync_inspection"
	TypeBeep           = "beep"
)

// HelloParams are optional.
type HelloParams struct {
	Client   string `json:"client,omitempty"`
	Protocol int    `json:"protocol,omitempty"`
}

// HelloResult tells the SPA who it talks to and what to do next.
type HelloResult struct {
	Agent    string `json:"agent"`
	Version  string `json:"version"`
	Protocol int    `json:"protocol"`
	Build    string `json:"build"` // "release" or "dev"
	// Nonce is the challenge for authenticate (base64). Every hello makes
	// a new one; authenticate consumes it.
	Nonce         []byte `json:"nonce"`
	Authenticated bool   `json:"authenticated"`
	DeviceKey     string `json:"device_key"`
	DeviceKeyID   string `json:"device_key_id"`
	CanWrite      bool   `json:"can_write"` // false until trusted ticket keys are configured
}

// VersionResult answers version.
type VersionResult struct {
	Agent    string `json:"agent"`
	Version  string `json:"version"`
	Protocol int    `json:"protocol"`
	Build    string `json:"build"`
}

// PairBeginResult: the code itself is shown only by the agent.
type PairBeginResult struct {
	ExpiresAt  string `json:"expires_at"` // RFC 3339
	CodeLength int    `json:"code_length"`
}

// PairCompleteParams carry the code the operator typed.
type PairCompleteParams struct {
	Code  string `json:"code"`
	Label string `json:"label,omitempty"` // e.g. "Chrome, issuing desk 2"
}

// PairCompleteResult holds what the SPA must store (e.g. IndexedDB).
type PairCompleteResult struct {
	PairingID string `json:"pairing_id"`
	Secret    []byte `json:"secret"` // base64
}

// AuthenticateParams answer the hello nonce.
type AuthenticateParams struct {
	PairingID string `json:"pairing_id"`
	Response  []byte `json:"response"` // base64 HMAC-SHA256
}

// AuthenticateResult confirms the session.
type AuthenticateResult struct {
	Authenticated bool   `json:"authenticated"`
	Label         string `json:"label"`
}

// ListReadersResult is the monitor's view.
type ListReadersResult struct {
	PCSCAvailable bool               `json:"pcsc_available"`
	Readers       []agent.ReaderInfo `json:"readers"`
}

// ReaderParams select a reader; empty means the only card present.
type ReaderParams struct {
	Reader string `json:"reader,omitempty"`
}

// WriteParams carry what the server produced for a write.
type WriteParams struct {
	Reader string `json:"reader,omitempty"`
	Ticket string `json:"ticket"`
	Record []byte `json:"record"` // base64 of the encoded chip record
}

// BeepParams pick the pattern: "ok" (default) or "error".
type BeepParams struct {
	Reader  string `json:"reader,omitempty"`
	Pattern string `json:"pattern,omitempty"`
}

// Empty is the result of commands with nothing to report.
type Empty struct{}
