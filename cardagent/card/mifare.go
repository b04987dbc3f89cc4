package card

import (
	"slices"

	"github.com/lecms/lecms/cardagent/apdu"
	"github.com/lecms/lecms/cardagent/cardkey"
	"github.com/lecms/lecms/cardagent/errcode"
	"github.com/lecms/lecms/cardagent/mifare"
)

// Layout on a MIFARE Classic 1K: slot A in sectors 1-7, slot B in sectors
// 8-14, three 16-byte data blocks each (336 bytes per slot). Sector 0 keeps
// the manufacturer block and any MAD; sector 15 is left free.
const (
	mifareSlotSectors = 7
	mifareFirstSector = 1
	mifareSlotSize    = mifareSlotSectors * mifare.DataBlocks * mifare.BlockSize
)

// Reader key slots: the read/transport key A goes into slot 0 and the card
// key B into slot 1, so switching between them needs no reload.
const (
	keySlotA byte = 0
	keySlotB byte = 1
)

type mifareCard struct {
	t            Transmitter
	readKey      cardkey.Key
	transportKey cardkey.Key

	loaded [2]*cardkey.Key // what each reader key slot holds

	// The sector currently authenticated and with what, so consecutive
	// blocks of a sector cost one authentication.
	authOK     bool
	authSector int
	authType   apdu.KeyType
	authKey    cardkey.Key
}

func newMifare(t Transmitter, cfg Config) *mifareCard {
	return &mifareCard{t: t, readKey: cfg.readKey(), transportKey: cfg.transportKey()}
}

func (c *mifareCard) Name() string      { return MifareName }
func (c *mifareCard) SlotCapacity() int { return mifareSlotSize }
func (c *mifareCard) ReadUnit() int     { return mifare.DataBlocks * mifare.BlockSize }
func (c *mifareCard) NeedsKey() bool    { return true }

func (c *mifareCard) UID() ([]byte, error) {
	data, err := expectOK(c.t, "GET UID", apdu.GetUID())
	if err != nil {
		return nil, err
	}
	if len(data) != 4 && len(data) != 7 && len(data) != 10 {
		return nil, errcode.New(errcode.CardBadResponse, "GET UID returned %d bytes", len(data))
	}
	return data, nil
}

func slotSectors(slot int) []int {
	s := make([]int, mifareSlotSectors)
	for i := range s {
		s[i] = mifareFirstSector + slot*mifareSlotSectors + i
	}
	return s
}

// blockAt returns the block holding byte off of slot.
func blockAt(slot, off int) int {
	i := off / mifare.BlockSize
	sector := mifareFirstSector + slot*mifareSlotSectors + i/mifare.DataBlocks
	return sector*mifare.BlocksPerSector + i%mifare.DataBlocks
}

func (c *mifareCard) loadKey(slot byte, key cardkey.Key) error {
	if c.loaded[slot] != nil && *c.loaded[slot] == key {
		return nil
	}
	c.loaded[slot] = nil
	if _, err := expectOK(c.t, "LOAD KEY", apdu.LoadKey(slot, key[:])); err != nil {
		return err
	}
	c.loaded[slot] = &key
	return nil
}

func (c *mifareCard) auth(sector int, kt apdu.KeyType, key cardkey.Key) error {
	if c.authOK && c.authSector == sector && c.authType == kt && c.authKey == key {
		return nil
	}
	c.authOK = false
	slot := keySlotA
	if kt == apdu.KeyB {
		slot = keySlotB
	}
	if err := c.loadKey(slot, key); err != nil {
		return err
	}
	block := byte(sector * mifare.BlocksPerSector)
	r, err := exchange(c.t, "AUTHENTICATE", apdu.GeneralAuthenticate(block, kt, slot))
	if err != nil {
		return err
	}
	if r.SW == apdu.SWOperationFailed {
		return errcode.New(errcode.CardAuthFailed, "sector %d refused the key", sector)
	}
	if !r.OK() {
		return errcode.New(errcode.CardError, "AUTHENTICATE sector %d failed (status %04X)", sector, r.SW)
	}
	c.authOK, c.authSector, c.authType, c.authKey = true, sector, kt, key
	return nil
}

// authRead authenticates for reading: with the read key, or with the
// transport key on a factory-fresh sector if the two differ. (A failed
// authentication halts a real MIFARE card until the next selection, so the
// defaults keep the two keys equal and never fail here.)
func (c *mifareCard) authRead(sector int) error {
	err := c.auth(sector, apdu.KeyA, c.readKey)
	if errcode.Is(err, errcode.CardAuthFailed) && c.transportKey != c.readKey {
		err = c.auth(sector, apdu.KeyA, c.transportKey)
	}
	return err
}

func (c *mifareCard) readBlock(block int) ([]byte, error) {
	data, err := expectOK(c.t, "READ BLOCK", apdu.ReadBlock(byte(block)))
	if err != nil {
		return nil, err
	}
	if len(data) != mifare.BlockSize {
		return nil, errcode.New(errcode.CardBadResponse, "READ BLOCK %d returned %d bytes", block, len(data))
	}
	return data, nil
}

func (c *mifareCard) writeBlock(block int, data []byte) error {
	_, err := expectOK(c.t, "UPDATE BLOCK", apdu.UpdateBlock(byte(block), data))
	return err
}

func (c *mifareCard) Read(slot, off, n int) ([]byte, error) {
	if slot < 0 || slot > 1 || off < 0 || n <= 0 || off+n > mifareSlotSize {
		return nil, errcode.New(errcode.Internal, "mifare: slot %d range %d+%d outside the slot", slot, off, n)
	}
	first, last := off/mifare.BlockSize, (off+n-1)/mifare.BlockSize
	out := make([]byte, 0, (last-first+1)*mifare.BlockSize)
	for i := first; i <= last; i++ {
		block := blockAt(slot, i*mifare.BlockSize)
		if err := c.authRead(mifare.SectorOf(block)); err != nil {
			return nil, err
		}
		data, err := c.readBlock(block)
		if err != nil {
			return nil, err
		}
		out = append(out, data...)
	}
	start := off - first*mifare.BlockSize
	return out[start : start+n], nil
}

// personalised reads a sector's access bits to tell a factory-fresh sector
// (transport configuration) from one LECMS has already set up.
func (c *mifareCard) personalised(sector int) (bool, error) {
	if err := c.authRead(sector); err != nil {
		return false, err
	}
	t, err := c.readBlock(mifare.TrailerOf(sector))
	if err != nil {
		return false, err
	}
	a, err := mifare.DecodeAccess([3]byte(t[6:9]))
	if err != nil {
		return false, unsupported("sector %d has damaged access bits", sector)
	}
	switch a {
	case mifare.Personalised():
		return true, nil
	case mifare.Transport():
		return false, nil
	}
	return false, unsupported("sector %d has foreign access conditions %X", sector, t[6:9])
}

// openForWrite authenticates sector for writing and reports whether its
// trailer still has to be set.
func (c *mifareCard) openForWrite(sector int, key cardkey.Key) (fresh bool, err error) {
	p, err := c.personalised(sector)
	if err != nil {
		return false, err
	}
	if p {
		if err := c.auth(sector, apdu.KeyB, key); err != nil {
			if errcode.Is(err, errcode.CardAuthFailed) {
				return false, errcode.Wrap(errcode.CardAuthFailed, err, "the card key in the ticket does not open this card")
			}
			return false, err
		}
		return false, nil
	}
	return true, c.auth(sector, apdu.KeyA, c.transportKey)
}

func (c *mifareCard) personalise(sector int, key cardkey.Key) error {
	err := c.writeBlock(mifare.TrailerOf(sector), mifare.Trailer(c.readKey[:], mifare.Personalised(), key[:]))
	c.authOK = false // new keys: authenticate afresh next time
	return err
}

func needKey(key *cardkey.Key) error {
	if key == nil {
		return errcode.New(errcode.TicketInvalid, "a MIFARE card needs the card key in the ticket")
	}
	return nil
}

func (c *mifareCard) Prepare(key *cardkey.Key) error {
	if err := needKey(key); err != nil {
		return err
	}
	for slot := range 2 {
		for _, sector := range slotSectors(slot) {
			fresh, err := c.openForWrite(sector, *key)
			if err != nil {
				return err
			}
			if fresh {
				if err := c.personalise(sector, *key); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// Write writes the blocks last to first (see iso.Write for why) and sets
// the trailer of any factory-fresh sector it touches after its data.
func (c *mifareCard) Write(slot int, data []byte, key *cardkey.Key) error {
	if err := needKey(key); err != nil {
		return err
	}
	if slot < 0 || slot > 1 || len(data) == 0 || len(data) > mifareSlotSize {
		return errcode.New(errcode.RecordTooLarge, "record of %d bytes does not fit a %d-byte MIFARE slot", len(data), mifareSlotSize)
	}
	padded := make([]byte, (len(data)+mifare.BlockSize-1)/mifare.BlockSize*mifare.BlockSize)
	copy(padded, data)

	bySector := map[int][]int{} // sector -> block indexes within the slot
	var sectors []int
	for i := 0; i < len(padded)/mifare.BlockSize; i++ {
		s := mifare.SectorOf(blockAt(slot, i*mifare.BlockSize))
		if _, ok := bySector[s]; !ok {
			sectors = append(sectors, s)
		}
		bySector[s] = append(bySector[s], i)
	}
	slices.Reverse(sectors)
	for _, sector := range sectors {
		fresh, err := c.openForWrite(sector, *key)
		if err != nil {
			return err
		}
		idx := bySector[sector]
		for j := len(idx) - 1; j >= 0; j-- {
			i := idx[j]
			if err := c.writeBlock(blockAt(slot, i*mifare.BlockSize), padded[i*mifare.BlockSize:(i+1)*mifare.BlockSize]); err != nil {
				return err
			}
		}
		if fresh {
			if err := c.personalise(sector, *key); err != nil {
				return err
			}
		}
	}
	return nil
}
