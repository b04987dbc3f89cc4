//go:build (cgo && !windows) || windows

package pcsc

import (
	"errors"
	"time"

	"github.com/ebfe/scard"
)

// System is the Provider backed by the platform PC/SC stack: pcsclite
// through cgo on Linux and macOS, winscard.dll on Windows (no cgo needed).
type System struct{}

// Available reports whether this build can reach the platform PC/SC stack.
const Available = true

func (System) Establish() (Context, error) {
	ctx, err := scard.EstablishContext()
	if err != nil {
		return nil, convert(err)
	}
	return &sysContext{ctx: ctx}, nil
}

func convert(err error) error {
	var se scard.Error
	if errors.As(err, &se) {
		return FromCode(uint32(se), se.Error())
	}
	return err
}

type sysContext struct{ ctx *scard.Context }

func (c *sysContext) ListReaders() ([]string, error) {
	r, err := c.ctx.ListReaders()
	return r, convert(err)
}

func (c *sysContext) GetStatusChange(states []ReaderState, timeout time.Duration) error {
	rs := make([]scard.ReaderState, len(states))
	for i, s := range states {
		rs[i] = scard.ReaderState{Reader: s.Reader, CurrentState: scard.StateFlag(s.CurrentState)}
	}
	if err := c.ctx.GetStatusChange(rs, timeout); err != nil {
		return convert(err)
	}
	for i := range rs {
		states[i].EventState = StateFlag(rs[i].EventState)
		states[i].ATR = append([]byte(nil), rs[i].Atr...)
	}
	return nil
}

func (c *sysContext) Connect(reader string) (Card, error) {
	card, err := c.ctx.Connect(reader, scard.ShareShared, scard.ProtocolAny)
	if err != nil {
		return nil, convert(err)
	}
	return &sysCard{card: card}, nil
}

func (c *sysContext) Cancel() error  { return convert(c.ctx.Cancel()) }
func (c *sysContext) Release() error { return convert(c.ctx.Release()) }

type sysCard struct{ card *scard.Card }

func (c *sysCard) Transmit(apdu []byte) ([]byte, error) {
	r, err := c.card.Transmit(apdu)
	return r, convert(err)
}

func (c *sysCard) Begin() error { return convert(c.card.BeginTransaction()) }
func (c *sysCard) End() error   { return convert(c.card.EndTransaction(scard.LeaveCard)) }

func (c *sysCard) Status() (CardStatus, error) {
	st, err := c.card.Status()
	if err != nil {
		return CardStatus{}, convert(err)
	}
	return CardStatus{Reader: st.Reader, ATR: st.Atr}, nil
}

func (c *sysCard) Disconnect(reset bool) error {
	d := scard.LeaveCard
	if reset {
		d = scard.ResetCard
	}
	return convert(c.card.Disconnect(d))
}
