package vcard

import (
	"bytes"
	"sync"

	"github.com/lecms/lecms/cardagent/mifare"
)

// Mifare emulates a MIFARE Classic 1K on an ACR122U-style reader speaking
// the PC/SC part 3 pseudo-APDUs. It enforces keys and access conditions like
// the chip, so a wrong key cannot write. Unlike a real chip it keeps working
// after a failed authentication (a real one halts until re-selected).
type Mifare struct {
	Faults

	mu     sync.Mutex
	uid    [4]byte
	mem    [mifare.Blocks][mifare.BlockSize]byte
	keys   [2]*[mifare.KeySize]byte // the reader's volatile key slots
	authed bool
	sector int
	key    mifare.Key
}

// NewMifare returns a factory-fresh card: transport keys FFFFFFFFFFFF and
// access bits FF 07 80 on every sector.
func NewMifare(uid []byte) *Mifare {
	c := &Mifare{}
	copy(c.uid[:], uid)
	b0 := c.mem[0][:]
	copy(b0, c.uid[:])
	b0[4] = c.uid[0] ^ c.uid[1] ^ c.uid[2] ^ c.uid[3] // BCC
	b0[5], b0[6], b0[7] = 0x08, 0x04, 0x00            // SAK, ATQA
	copy(b0[8:], "LECMSVC1")
	ff := bytes.Repeat([]byte{0xFF}, mifare.KeySize)
	for s := range mifare.Sectors {
		copy(c.mem[mifare.TrailerOf(s)][:], mifare.Trailer(ff, mifare.Transport(), ff))
	}
	return c
}

// ATR is what an ACR122U reports for a MIFARE Classic 1K.
func (c *Mifare) ATR() []byte {
	return []byte{0x3B, 0x8F, 0x80, 0x01, 0x80, 0x4F, 0x0C, 0xA0, 0x00, 0x00, 0x03, 0x06, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x6A}
}

// UID returns the card's UID.
func (c *Mifare) UID() []byte { return append([]byte(nil), c.uid[:]...) }

// Block returns a copy of a block, for tests.
func (c *Mifare) Block(n int) []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]byte(nil), c.mem[n][:]...)
}

func (c *Mifare) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.authed = false
}

func (c *Mifare) Process(b []byte) ([]byte, error) {
	resp, err := c.process(b)
	if err != nil {
		return nil, err
	}
	return c.shape(resp), nil
}

// failed is what the ACR122U answers to any failed card operation.
func failed() []byte { return sw(0x6300) }

func (c *Mifare) process(b []byte) ([]byte, error) {
	cmd, err := parseCommand(b)
	if err != nil {
		return sw(0x6700), nil
	}
	if cmd.cla != 0xFF {
		return sw(0x6E00), nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case isLEDBuzzer(cmd):
		c.beep()
		return sw(0x9002), nil // SW2 is the LED state, not 00
	case cmd.ins == 0xCA:
		if cmd.p1 != 0x00 {
			return sw(0x6A81), nil
		}
		return withSW(c.uid[:], 0x9000), nil
	case cmd.ins == 0x82:
		return c.loadKey(cmd), nil
	case cmd.ins == 0x86:
		if len(cmd.data) != 5 || cmd.data[0] != 0x01 {
			return failed(), nil
		}
		return c.authenticate(int(cmd.data[2]), cmd.data[3], cmd.data[4]), nil
	case cmd.ins == 0x88: // obsolete form: FF 88 00 block keytype keyslot
		if len(b) != 6 {
			return failed(), nil
		}
		return c.authenticate(int(b[3]), b[4], b[5]), nil
	case cmd.ins == 0xB0:
		return c.read(int(cmd.p2)), nil
	case cmd.ins == 0xD6:
		return c.write(int(cmd.p2), cmd.data)
	}
	return failed(), nil
}

func (c *Mifare) loadKey(cmd command) []byte {
	if cmd.p1 != 0x00 || cmd.p2 > 1 || len(cmd.data) != mifare.KeySize {
		return failed()
	}
	var k [mifare.KeySize]byte
	copy(k[:], cmd.data)
	c.keys[cmd.p2] = &k
	return sw(0x9000)
}

func (c *Mifare) authenticate(block int, keyType, slot byte) []byte {
	c.authed = false
	if block >= mifare.Blocks || slot > 1 || c.keys[slot] == nil {
		return failed()
	}
	t := c.mem[mifare.TrailerOf(mifare.SectorOf(block))]
	var want []byte
	var k mifare.Key
	switch keyType {
	case 0x60:
		want, k = t[0:6], mifare.KeyA
	case 0x61:
		want, k = t[10:16], mifare.KeyB
	default:
		return failed()
	}
	if !bytes.Equal(want, c.keys[slot][:]) {
		return failed()
	}
	c.authed, c.sector, c.key = true, mifare.SectorOf(block), k
	return sw(0x9000)
}

func (c *Mifare) access(sector int) mifare.Access {
	t := c.mem[mifare.TrailerOf(sector)]
	a, err := mifare.DecodeAccess([3]byte(t[6:9]))
	if err != nil {
		return mifare.Access{7, 7, 7, 7} // unreadable bits lock everything, as on the chip
	}
	return a
}

func (c *Mifare) allowed(block int) bool {
	return c.authed && c.sector == mifare.SectorOf(block)
}

func (c *Mifare) read(block int) []byte {
	if block >= mifare.Blocks || !c.allowed(block) {
		return failed()
	}
	sector := mifare.SectorOf(block)
	a := c.access(sector)
	if !mifare.IsTrailer(block) {
		if !mifare.CanReadData(a[block%mifare.BlocksPerSector], c.key) {
			return failed()
		}
		return withSW(c.mem[block][:], 0x9000)
	}
	// Trailer: key A never reads back; access bits and key B as allowed.
	r := mifare.TrailerRightsFor(a[3], c.key)
	out := make([]byte, mifare.BlockSize)
	if r.ReadAccess {
		copy(out[6:10], c.mem[block][6:10])
	}
	if r.ReadKeyB {
		copy(out[10:16], c.mem[block][10:16])
	}
	return withSW(out, 0x9000)
}

func (c *Mifare) write(block int, data []byte) ([]byte, error) {
	if block == 0 || block >= mifare.Blocks || len(data) != mifare.BlockSize || !c.allowed(block) {
		return failed(), nil
	}
	sector := mifare.SectorOf(block)
	a := c.access(sector)
	if !mifare.IsTrailer(block) {
		if !mifare.CanWriteData(a[block%mifare.BlocksPerSector], c.key) {
			return failed(), nil
		}
	} else {
		r := mifare.TrailerRightsFor(a[3], c.key)
		if !r.WriteKeyA || !r.WriteAccess || !r.WriteKeyB {
			return failed(), nil
		}
		// Refuse access bits that would lock the sector for good; a real
		// chip would take them and be lost.
		if _, err := mifare.DecodeAccess([3]byte(data[6:9])); err != nil {
			return failed(), nil
		}
	}
	pull, bad := c.beforeUpdate()
	if pull {
		return nil, ErrPulled
	}
	if bad {
		data = garble(data)
	}
	copy(c.mem[block][:], data)
	return sw(0x9000), nil
}
