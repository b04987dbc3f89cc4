package vcard

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/lecms/lecms/cardagent/pcsc"
)

// Stack is an in-memory PC/SC service implementing pcsc.Provider: readers
// that can be plugged and unplugged, cards that can be inserted and pulled,
// and a service that can stop and restart. It reproduces the behaviours the
// agent must cope with on real pcscd: contexts from before a restart stay
// broken, a pulled card fails the command in flight, and GetStatusChange
// reports changes with an event counter.
type Stack struct {
	mu      sync.Mutex
	changed chan struct{} // closed and replaced on every change
	readers []*memReader
	down    bool
	gen     int // service generation; bumped by Restart
}

type memReader struct {
	name   string
	card   Card
	events uint16 // insertions and removals, like pcsclite's event counter
}

// NewStack returns a running service with the named readers, all empty.
func NewStack(readers ...string) *Stack {
	s := &Stack{changed: make(chan struct{})}
	for _, r := range readers {
		s.readers = append(s.readers, &memReader{name: r})
	}
	return s
}

func (s *Stack) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

func (s *Stack) reader(name string) *memReader {
	for _, r := range s.readers {
		if r.name == name {
			return r
		}
	}
	return nil
}

// Insert puts card into reader.
func (s *Stack) Insert(reader string, card Card) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.reader(reader)
	if r == nil {
		return fmt.Errorf("vcard: no reader %q", reader)
	}
	card.Reset()
	r.card = card
	r.events++
	s.notifyLocked()
	return nil
}

// Remove takes the card out of reader.
func (s *Stack) Remove(reader string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.removeLocked(reader)
}

func (s *Stack) removeLocked(reader string) {
	if r := s.reader(reader); r != nil && r.card != nil {
		r.card = nil
		r.events++
		s.notifyLocked()
	}
}

// PlugReader adds a reader.
func (s *Stack) PlugReader(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.reader(name) == nil {
		s.readers = append(s.readers, &memReader{name: name})
		s.notifyLocked()
	}
}

// UnplugReader removes a reader and any card in it.
func (s *Stack) UnplugReader(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, r := range s.readers {
		if r.name == name {
			s.readers = append(s.readers[:i], s.readers[i+1:]...)
			s.notifyLocked()
			return
		}
	}
}

// Stop stops the service: every call on every context fails.
func (s *Stack) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.down = true
	s.notifyLocked()
}

// Start starts the service again. Contexts established before Stop stay
// broken, as with pcscd.
func (s *Stack) Start() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.down = false
	s.gen++
	s.notifyLocked()
}

// PC/SC errors as pcsclite words them; functions rather than shared
// values, so no caller can alter another's error.
func errNoService() error { return pcsc.FromCode(0x8010001D, "vcard: Service not available.") }
func errNoReaders() error {
	return pcsc.FromCode(0x8010002E, "vcard: Cannot find a smart card reader.")
}
func errUnknownReader() error { return pcsc.FromCode(0x80100009, "vcard: Unknown reader specified.") }
func errTimeout() error       { return pcsc.FromCode(0x8010000A, "vcard: Command timeout.") }
func errCancelled() error     { return pcsc.FromCode(0x80100002, "vcard: Command cancelled.") }
func errNoSmartcard() error   { return pcsc.FromCode(0x8010000C, "vcard: No smart card inserted.") }
func errRemoved() error       { return pcsc.FromCode(0x80100069, "vcard: Card was removed.") }
func errTransaction() error   { return pcsc.FromCode(0x80100016, "vcard: Transaction failed.") }

// Establish implements pcsc.Provider.
func (s *Stack) Establish() (pcsc.Context, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.down {
		return nil, errNoService()
	}
	return &memContext{s: s, gen: s.gen, cancel: make(chan struct{}, 1)}, nil
}

type memContext struct {
	s      *Stack
	gen    int
	cancel chan struct{}
}

func (c *memContext) aliveLocked() error {
	if c.s.down || c.s.gen != c.gen {
		return errNoService()
	}
	return nil
}

func (c *memContext) ListReaders() ([]string, error) {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	if err := c.aliveLocked(); err != nil {
		return nil, err
	}
	if len(c.s.readers) == 0 {
		return nil, errNoReaders()
	}
	names := make([]string, len(c.s.readers))
	for i, r := range c.s.readers {
		names[i] = r.name
	}
	return names, nil
}

// stateLocked computes the event state of one entry as pcsclite does.
func (c *memContext) stateLocked(name string) (pcsc.StateFlag, []byte) {
	if name == pcsc.PnPNotification {
		return pcsc.StateFlag(len(c.s.readers)) << 16, nil
	}
	r := c.s.reader(name)
	if r == nil {
		return pcsc.StateUnknown, nil
	}
	counter := pcsc.StateFlag(r.events) << 16
	if r.card == nil {
		return pcsc.StateEmpty | counter, nil
	}
	return pcsc.StatePresent | counter, r.card.ATR()
}

func (c *memContext) GetStatusChange(states []pcsc.ReaderState, timeout time.Duration) error {
	var deadline <-chan time.Time
	if timeout >= 0 {
		t := time.NewTimer(timeout)
		defer t.Stop()
		deadline = t.C
	}
	for {
		c.s.mu.Lock()
		if err := c.aliveLocked(); err != nil {
			c.s.mu.Unlock()
			return err
		}
		changed := false
		for i := range states {
			ev, atr := c.stateLocked(states[i].Reader)
			if ev != states[i].CurrentState&^pcsc.StateChanged || states[i].CurrentState == pcsc.StateUnaware {
				changed = true
				ev |= pcsc.StateChanged
			}
			states[i].EventState, states[i].ATR = ev, atr
		}
		wait := c.s.changed
		c.s.mu.Unlock()
		if changed {
			return nil
		}
		select {
		case <-wait:
		case <-deadline:
			return errTimeout()
		case <-c.cancel:
			return errCancelled()
		}
	}
}

func (c *memContext) Connect(reader string) (pcsc.Card, error) {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	if err := c.aliveLocked(); err != nil {
		return nil, err
	}
	r := c.s.reader(reader)
	switch {
	case r == nil:
		return nil, errUnknownReader()
	case r.card == nil:
		return nil, errNoSmartcard()
	}
	return &memCard{ctx: c, reader: r, card: r.card, events: r.events}, nil
}

func (c *memContext) Cancel() error {
	select {
	case c.cancel <- struct{}{}:
	default:
	}
	return nil
}

func (c *memContext) Release() error { return nil }

type memCard struct {
	ctx    *memContext
	reader *memReader
	card   Card
	events uint16
}

// checkLocked fails if the service went away or the card left (even if it
// came back: a new insertion is a new card session).
func (m *memCard) checkLocked() error {
	if err := m.ctx.aliveLocked(); err != nil {
		return err
	}
	if m.reader.card != m.card || m.reader.events != m.events {
		return errRemoved()
	}
	return nil
}

func (m *memCard) Transmit(apdu []byte) ([]byte, error) {
	s := m.ctx.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := m.checkLocked(); err != nil {
		return nil, err
	}
	resp, err := m.card.Process(apdu)
	if errors.Is(err, ErrPulled) {
		s.removeLocked(m.reader.name)
		return nil, errTransaction()
	}
	return resp, err
}

func (m *memCard) Begin() error {
	m.ctx.s.mu.Lock()
	defer m.ctx.s.mu.Unlock()
	return m.checkLocked()
}

func (m *memCard) End() error { return nil }

func (m *memCard) Status() (pcsc.CardStatus, error) {
	m.ctx.s.mu.Lock()
	defer m.ctx.s.mu.Unlock()
	if err := m.checkLocked(); err != nil {
		return pcsc.CardStatus{}, err
	}
	return pcsc.CardStatus{Reader: m.reader.name, ATR: m.card.ATR()}, nil
}

func (m *memCard) Disconnect(reset bool) error {
	if reset {
		m.card.Reset()
	}
	return nil
}
