package card

import (
	"fmt"

	"github.com/lecms/lecms/cardagent/apdu"
	"github.com/lecms/lecms/cardagent/cardkey"
	"github.com/lecms/lecms/cardagent/errcode"
)

// iso is an ISO 7816-4 CPU card holding both slots in one transparent EF:
// slot A at offset 0, slot B at offset SlotSize.
type iso struct {
	t        Transmitter
	fid      uint16
	slotSize int
	selected bool
}

func newISO(t Transmitter, cfg Config) *iso {
	return &iso{t: t, fid: cfg.isoFileID(), slotSize: cfg.isoSlotSize()}
}

func (c *iso) Name() string                   { return ISOName }
func (c *iso) SlotCapacity() int              { return c.slotSize }
func (c *iso) ReadUnit() int                  { return apdu.MaxChunk }
func (c *iso) NeedsKey() bool                 { return false }
func (c *iso) Prepare(key *cardkey.Key) error { return nil }

// UID uses the PC/SC part 3 GET DATA, which contactless readers answer for
// ISO 14443-4 cards too.
func (c *iso) UID() ([]byte, error) {
	r, err := exchange(c.t, "GET UID", apdu.GetUID())
	if err != nil {
		return nil, err
	}
	if !r.OK() || len(r.Data) == 0 {
		return nil, unsupported("the reader cannot tell this card's UID (status %04X)", r.SW)
	}
	return r.Data, nil
}

func (c *iso) selectEF() error {
	if c.selected {
		return nil
	}
	r, err := exchange(c.t, "SELECT", apdu.SelectEF(c.fid))
	if err != nil {
		return err
	}
	switch {
	case r.SW == apdu.SWFileNotFound:
		return unsupported("the card has no LECMS file %04X", c.fid)
	case !r.OK():
		return errcode.New(errcode.CardError, "SELECT %04X failed (status %04X)", c.fid, r.SW)
	}
	c.selected = true
	return nil
}

func (c *iso) span(slot, off, n int) (uint16, error) {
	if slot < 0 || slot > 1 || off < 0 || n < 0 || off+n > c.slotSize {
		return 0, fmt.Errorf("iso: slot %d range %d+%d outside the %d-byte slot", slot, off, n, c.slotSize)
	}
	return uint16(slot*c.slotSize + off), nil
}

func (c *iso) Read(slot, off, n int) ([]byte, error) {
	base, err := c.span(slot, off, n)
	if err != nil {
		return nil, errcode.Wrap(errcode.Internal, err, "read outside a slot")
	}
	if err := c.selectEF(); err != nil {
		return nil, err
	}
	out := make([]byte, 0, n)
	for len(out) < n {
		chunk := min(n-len(out), apdu.MaxChunk)
		data, err := expectOK(c.t, "READ BINARY", apdu.ReadBinary(base+uint16(len(out)), chunk))
		if err != nil {
			return nil, err
		}
		if len(data) != chunk {
			return nil, errcode.New(errcode.CardBadResponse, "READ BINARY returned %d bytes, asked for %d", len(data), chunk)
		}
		out = append(out, data...)
	}
	return out, nil
}

// Write sends the chunks last to first, so the header, which makes a slot
// look like a record, is written last. The checksum is what really guards
// against torn writes; this only keeps a torn slot looking empty instead of
// corrupt where it was empty before.
func (c *iso) Write(slot int, data []byte, _ *cardkey.Key) error {
	base, err := c.span(slot, 0, len(data))
	if err != nil {
		return errcode.Wrap(errcode.RecordTooLarge, err, "record does not fit the card")
	}
	if err := c.selectEF(); err != nil {
		return err
	}
	chunks := (len(data) + apdu.MaxChunk - 1) / apdu.MaxChunk
	for i := chunks - 1; i >= 0; i-- {
		lo, hi := i*apdu.MaxChunk, min((i+1)*apdu.MaxChunk, len(data))
		if _, err := expectOK(c.t, "UPDATE BINARY", apdu.UpdateBinary(base+uint16(lo), data[lo:hi])); err != nil {
			return err
		}
	}
	return nil
}
