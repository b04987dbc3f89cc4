package agent

import (
	"bytes"
	"context"
	"errors"
	"time"

	"github.com/lecms/lecms/cardagent/errcode"
	"github.com/lecms/lecms/cardagent/pcsc"
)

// Run watches readers and cards until ctx ends, reporting changes through
// OnEvent and keeping the view Readers returns. It survives the PC/SC
// service stopping and starting: it then reports pcsc_status, drops and
// re-establishes its context, and reports the readers again.
func (a *Agent) Run(ctx context.Context) error {
	m := &monitor{a: a, known: map[string]*watched{}}
	for ctx.Err() == nil {
		pc, err := a.cfg.Provider.Establish()
		if err != nil {
			m.setAvailable(false, err)
			sleep(ctx, a.cfg.RetryInterval)
			continue
		}
		m.setAvailable(true, nil)
		err = m.watch(ctx, pc)
		pc.Release()
		if ctx.Err() != nil {
			break
		}
		a.log.Warn("lost the PC/SC service; re-establishing", "err", err)
		m.setAvailable(false, err)
		sleep(ctx, a.cfg.RetryInterval)
	}
	return ctx.Err()
}

type watched struct {
	state pcsc.StateFlag // last event state, as CurrentState for the next wait
	card  bool
	atr   []byte
}

type monitor struct {
	a         *Agent
	known     map[string]*watched
	available *bool
}

func (m *monitor) setAvailable(ok bool, err error) {
	if m.available != nil && *m.available == ok {
		return
	}
	m.available = &ok
	if ok {
		m.a.log.Info("PC/SC service available")
	} else {
		m.a.log.Warn("PC/SC service unavailable", "err", err)
	}
	m.a.mu.Lock()
	m.a.available = ok
	m.a.mu.Unlock()
	m.a.cfg.OnEvent(Event{Type: EventPCSCStatus, Available: &ok})
	if !ok {
		// Without the service there are no readers: say so, so the SPA
		// does not keep showing a card it can no longer reach.
		for name := range m.known {
			m.dropReader(name)
		}
	}
}

// watch loops over GetStatusChange on one context until the service is
// lost or ctx ends.
func (m *monitor) watch(ctx context.Context, pc pcsc.Context) error {
	stop := context.AfterFunc(ctx, func() { _ = pc.Cancel() })
	defer stop()
	pnp := true
	pnpState := pcsc.StateUnaware
	idle := 0 // consecutive wake-ups that changed nothing
	for ctx.Err() == nil {
		names, err := pc.ListReaders()
		if errors.Is(err, pcsc.ErrNoReaders) {
			names, err = nil, nil
		}
		if err != nil {
			return err
		}
		m.syncReaders(m.a.allowedReaders(names))

		states := make([]pcsc.ReaderState, 0, len(m.known)+1)
		for name, w := range m.known {
			states = append(states, pcsc.ReaderState{Reader: name, CurrentState: w.state})
		}
		if pnp {
			states = append(states, pcsc.ReaderState{Reader: pcsc.PnPNotification, CurrentState: pnpState})
		}
		if len(states) == 0 {
			sleep(ctx, m.a.cfg.PollInterval)
			continue
		}
		err = pc.GetStatusChange(states, m.a.cfg.PollInterval)
		switch {
		case err == nil:
			if pnp {
				pnpState = states[len(states)-1].EventState &^ pcsc.StateChanged
			}
			if m.apply(ctx, states) {
				idle = 0
			} else if idle++; pnp && idle > 20 {
				// A stack whose PnP entry reports a change on every call
				// would keep this loop spinning: poll instead.
				m.a.log.Info("PnP reader notifications keep firing; polling instead")
				pnp = false
			}
		case errors.Is(err, pcsc.ErrTimeout), errors.Is(err, pcsc.ErrCancelled):
		case errors.Is(err, pcsc.ErrUnknownReader), errors.Is(err, pcsc.ErrReaderUnavailable):
			// A reader left between listing and waiting: list again.
		case pcsc.ServiceLost(err):
			return err
		case pnp:
			// Some stacks refuse the PnP pseudo-reader; polling still
			// finds reader changes, once per PollInterval.
			m.a.log.Info("PnP reader notifications unavailable; polling", "err", err)
			pnp = false
		default:
			return err
		}
	}
	return ctx.Err()
}

func (m *monitor) syncReaders(names []string) {
	present := map[string]bool{}
	for _, n := range names {
		present[n] = true
		if _, ok := m.known[n]; !ok {
			m.known[n] = &watched{state: pcsc.StateUnaware}
			m.a.mu.Lock()
			m.a.readers[n] = &ReaderInfo{Name: n, Buzzer: m.a.hasBuzzer(n), Virtual: isVirtual(n)}
			m.a.mu.Unlock()
			m.a.log.Info("reader attached", "reader", n)
			m.a.cfg.OnEvent(Event{Type: EventReaderAttached, Reader: n})
		}
	}
	for n := range m.known {
		if !present[n] {
			m.dropReader(n)
		}
	}
}

func (m *monitor) dropReader(name string) {
	w := m.known[name]
	delete(m.known, name)
	if w != nil && w.card {
		m.a.cfg.OnEvent(Event{Type: EventCardRemoved, Reader: name})
	}
	m.a.mu.Lock()
	delete(m.a.readers, name)
	m.a.mu.Unlock()
	m.a.log.Info("reader removed", "reader", name)
	m.a.cfg.OnEvent(Event{Type: EventReaderRemoved, Reader: name})
}

// apply acts on the reader entries that changed and reports whether any did
// (the PnP entry only triggers a new listing).
func (m *monitor) apply(ctx context.Context, states []pcsc.ReaderState) bool {
	changed := false
	for _, s := range states {
		w, ok := m.known[s.Reader]
		if !ok || !s.EventState.Has(pcsc.StateChanged) {
			continue // the PnP entry, or no change
		}
		changed = true
		ev := s.EventState &^ pcsc.StateChanged
		if ev.Has(pcsc.StateUnknown) || ev.Has(pcsc.StateUnavailable) {
			continue // the reader is going away; the next listing drops it
		}
		present := ev.Has(pcsc.StatePresent)
		// The event counter (upper 16 bits) moves on every insertion and
		// removal, so a card swapped between two waits is still noticed.
		swapped := w.card && present && (ev>>16 != w.state>>16 || !bytes.Equal(s.ATR, w.atr))
		if w.card && (!present || swapped) {
			w.card = false
			m.a.log.Info("card removed", "reader", s.Reader)
			m.setCard(s.Reader, nil)
			m.a.cfg.OnEvent(Event{Type: EventCardRemoved, Reader: s.Reader})
		}
		w.state = ev
		if present && !w.card {
			w.card, w.atr = true, s.ATR
			info := m.a.identify(ctx, s.Reader, s.ATR)
			m.a.log.Info("card present", "reader", s.Reader, "profile", info.Profile, "uid", info.UID, "error", info.Error)
			m.setCard(s.Reader, info)
			m.a.cfg.OnEvent(Event{Type: EventCardPresent, Reader: s.Reader, Card: info})
		}
	}
	return changed
}

func (m *monitor) setCard(reader string, info *CardInfo) {
	m.a.mu.Lock()
	defer m.a.mu.Unlock()
	if r := m.a.readers[reader]; r != nil {
		r.Card = info
	}
}

// identify connects to a new card for its profile and UID. Failure is
// reported in the CardInfo, not as an error: the card is there either way.
func (a *Agent) identify(ctx context.Context, reader string, atr []byte) *CardInfo {
	info := &CardInfo{ATR: atr}
	err := a.withCard(ctx, reader, func(s *session) error {
		info.ATR = s.atr
		p, uid, err := a.open(s)
		if err != nil {
			return err
		}
		info.Profile, info.UID = p.Name(), uid
		return nil
	})
	if err != nil {
		info.Error = string(errcode.Of(err))
		a.log.Info("card not identified", "reader", reader, "err", err)
	}
	return info
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
