// Package agent is the card agent's logic: it watches readers and cards,
// reads records, and writes them under server-signed tickets. It talks to
// PC/SC only through package pcsc, so it is tested without cgo against the
// in-memory cards of package vcard. The websocket front end is package
// server.
package agent

import (
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/lecms/lecms/cardagent/card"
	"github.com/lecms/lecms/cardagent/pcsc"
	"github.com/lecms/lecms/cardagent/sigalg"
	"github.com/lecms/lecms/cardagent/ticket"
)

// Config configures an Agent. Provider, Device and TicketKeys are required.
type Config struct {
	Provider pcsc.Provider
	Profiles card.Config
	// TicketKeys are the server keys whose write tickets the agent obeys.
	TicketKeys *sigalg.KeySet
	// RecordKeys are the provincial keys that sign chip records. Optional:
	// when set, records are verified before writing and after reading.
	RecordKeys *sigalg.KeySet
	// Device signs receipts.
	Device sigalg.Signer
	// RefuseVirtualReaders hides and refuses readers named "Virtual PCD"
	// (vsmartcard-vpcd). Release builds force it on.
	RefuseVirtualReaders bool
	// BuzzerReaders lists substrings of the names of readers that take the
	// ACR122U LED/buzzer pseudo-APDU.
	BuzzerReaders []string
	// OnEvent receives reader and card events; it must not block.
	OnEvent func(Event)
	Logger  *slog.Logger
	Now     func() time.Time

	// PollInterval bounds each wait for a status change, so reader
	// changes are seen even without PnP notifications (default 1 s).
	PollInterval time.Duration
	// RetryInterval is the pause between attempts to reach a stopped
	// PC/SC service (default 1 s).
	RetryInterval time.Duration
	// LockTimeout is how long a command waits for the one holding the
	// card to finish before failing with busy (default 15 s).
	LockTimeout time.Duration
}

// Agent is the card agent. Its methods are safe for concurrent use; card
// commands are serialised, since one operator works one card at a time.
type Agent struct {
	cfg     Config
	log     *slog.Logger
	tickets *ticket.Verifier
	used    *ticket.MemoryGuard // tickets already written with

	lock chan struct{} // held by the card command in progress

	mu        sync.Mutex // guards the monitor's view below
	available bool
	readers   map[string]*ReaderInfo
}

// New returns an agent; call Run to start watching readers.
func New(cfg Config) (*Agent, error) {
	if cfg.Provider == nil || cfg.Device == nil {
		return nil, errors.New("agent: Provider and Device are required")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.OnEvent == nil {
		cfg.OnEvent = func(Event) {}
	}
	if cfg.PollInterval == 0 {
		cfg.PollInterval = time.Second
	}
	if cfg.RetryInterval == 0 {
		cfg.RetryInterval = time.Second
	}
	if cfg.LockTimeout == 0 {
		cfg.LockTimeout = 15 * time.Second
	}
	return &Agent{
		cfg: cfg,
		log: cfg.Logger,
		tickets: &ticket.Verifier{
			Keys:   cfg.TicketKeys,
			Device: cfg.Device.KeyID(),
			Now:    cfg.Now,
		},
		used:    ticket.NewMemoryGuard(cfg.Now),
		lock:    make(chan struct{}, 1),
		readers: map[string]*ReaderInfo{},
	}, nil
}

// DeviceKey returns the public key that verifies the agent's receipts.
func (a *Agent) DeviceKey() sigalg.Verifier { return a.cfg.Device.Public() }

// CanWrite reports whether write tickets can be accepted at all.
func (a *Agent) CanWrite() bool { return a.cfg.TicketKeys.Len() > 0 }
