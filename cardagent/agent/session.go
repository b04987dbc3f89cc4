package agent

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/lecms/lecms/cardagent/card"
	"github.com/lecms/lecms/cardagent/errcode"
	"github.com/lecms/lecms/cardagent/pcsc"
)

// session is one connection to one card, for the length of one command.
type session struct {
	reader string
	conn   pcsc.Card
	atr    []byte
}

// acquire takes the card lock, waiting at most LockTimeout.
func (a *Agent) acquire(ctx context.Context) (release func(), err error) {
	ctx, cancel := context.WithTimeout(ctx, a.cfg.LockTimeout)
	defer cancel()
	select {
	case a.lock <- struct{}{}:
		return func() { <-a.lock }, nil
	case <-ctx.Done():
		return nil, errcode.New(errcode.Busy, "another card command is still running")
	}
}

// withCard connects to the card on reader (or, with reader "", to the only
// card present on any reader) and runs fn inside a PC/SC transaction.
//
// Every command establishes its own PC/SC context: a context survives
// nothing (a pcscd restart leaves it broken while it claims to be valid),
// establishing one costs well under a millisecond, and the monitor's
// context is busy blocking in GetStatusChange.
func (a *Agent) withCard(ctx context.Context, reader string, fn func(*session) error) error {
	release, err := a.acquire(ctx)
	if err != nil {
		return err
	}
	defer release()

	pc, err := a.cfg.Provider.Establish()
	if err != nil {
		return pcscError(err)
	}
	defer pc.Release()

	reader, err = a.pickReader(pc, reader)
	if err != nil {
		return err
	}
	conn, err := pc.Connect(reader)
	if err != nil {
		if errors.Is(err, pcsc.ErrNoSmartcard) {
			return errcode.Wrap(errcode.NoCard, err, "no card on %s", reader)
		}
		return card.TransmitError(err, "connect")
	}
	defer conn.Disconnect(false)
	if err := conn.Begin(); err != nil {
		return card.TransmitError(err, "begin transaction")
	}
	defer conn.End()
	st, err := conn.Status()
	if err != nil {
		return card.TransmitError(err, "card status")
	}
	err = fn(&session{reader: reader, conn: conn, atr: st.ATR})
	if errcode.Is(err, errcode.CardBadResponse) && a.cardLeft(pc, reader) {
		return &errcode.Error{Code: errcode.CardRemoved, Message: "the card was removed (" + errcode.MessageOf(err) + ")", Err: err}
	}
	return err
}

// leaveWait is how long a short response waits for the reader to report
// the card gone; pcscd polls readers about every 0.4 s.
const leaveWait = 800 * time.Millisecond

// cardLeft tells a card pulled mid-command from one answering short. Through
// pcscd a pulled card can show up as a successful transmit with an empty
// response; only the reader state, a moment later, says which it was.
func (a *Agent) cardLeft(pc pcsc.Context, reader string) bool {
	st := []pcsc.ReaderState{{Reader: reader, CurrentState: pcsc.StateUnaware}}
	if err := pc.GetStatusChange(st, 0); err != nil {
		return pcsc.CardGone(err)
	}
	if !st[0].EventState.Has(pcsc.StatePresent) {
		return true
	}
	st[0].CurrentState = st[0].EventState &^ pcsc.StateChanged
	deadline := time.Now().Add(leaveWait)
	for time.Now().Before(deadline) {
		err := pc.GetStatusChange(st, time.Until(deadline))
		if err != nil {
			return false // timeout: the card stayed
		}
		ev := st[0].EventState &^ pcsc.StateChanged
		if !ev.Has(pcsc.StatePresent) || ev>>16 != st[0].CurrentState>>16 {
			return true
		}
		st[0].CurrentState = ev
	}
	return false
}

func pcscError(err error) error {
	return errcode.Wrap(errcode.PCSCUnavailable, err, "the smart card service is not running")
}

// pickReader checks the requested reader, or finds the only reader with a
// card. Two cards present is refused rather than guessed at: writing the
// wrong officer's card is the mistake to prevent.
func (a *Agent) pickReader(pc pcsc.Context, want string) (string, error) {
	names, err := pc.ListReaders()
	switch {
	case errors.Is(err, pcsc.ErrNoReaders):
		return "", errcode.New(errcode.ReaderUnavailable, "no card reader is connected")
	case pcsc.ServiceLost(err):
		return "", pcscError(err)
	case err != nil:
		return "", errcode.Wrap(errcode.ReaderUnavailable, err, "cannot list readers")
	}
	if want != "" {
		switch {
		case a.refused(want):
			return "", errcode.New(errcode.ReaderForbidden, "reader %q is not allowed in this build", want)
		case !slices.Contains(names, want):
			return "", errcode.New(errcode.ReaderUnavailable, "reader %q is not connected", want)
		}
		return want, nil
	}
	names = a.allowedReaders(names)
	if len(names) == 0 {
		return "", errcode.New(errcode.ReaderUnavailable, "no card reader is connected")
	}
	states := make([]pcsc.ReaderState, len(names))
	for i, n := range names {
		states[i] = pcsc.ReaderState{Reader: n, CurrentState: pcsc.StateUnaware}
	}
	if err := pc.GetStatusChange(states, 0); err != nil {
		if pcsc.ServiceLost(err) {
			return "", pcscError(err)
		}
		return "", errcode.Wrap(errcode.ReaderUnavailable, err, "cannot read reader states")
	}
	var withCard []string
	for _, s := range states {
		if s.EventState.Has(pcsc.StatePresent) {
			withCard = append(withCard, s.Reader)
		}
	}
	switch len(withCard) {
	case 0:
		return "", errcode.New(errcode.NoCard, "put the card on the reader")
	case 1:
		return withCard[0], nil
	}
	return "", errcode.New(errcode.MultipleCards, "cards are present on %d readers; leave only the one to work on", len(withCard))
}

// open detects the profile and reads the UID.
func (a *Agent) open(s *session) (card.Profile, []byte, error) {
	p, err := card.Detect(s.atr, s.conn, a.cfg.Profiles)
	if err != nil {
		return nil, nil, err
	}
	uid, err := p.UID()
	if err != nil {
		return nil, nil, err
	}
	return p, uid, nil
}
