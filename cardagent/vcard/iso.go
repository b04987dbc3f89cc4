package vcard

import (
	"encoding/binary"
	"sync"
)

// ISO emulates a contactless ISO 7816-4 CPU card (ISO 14443-4) with one
// transparent EF, as seen through a PC/SC part 3 reader that also answers
// the GET UID pseudo-APDU.
type ISO struct {
	Faults

	mu       sync.Mutex
	uid      []byte
	fid      uint16
	ef       []byte
	selected bool
}

// ISOFileID and ISOFileSize are the EF the emulator carries by default,
// matching the agent's default profile configuration.
const (
	ISOFileID   = 0xEF01
	ISOFileSize = 1024
)

// NewISO returns a blank ISO card with uid.
func NewISO(uid []byte) *ISO {
	return &ISO{uid: append([]byte(nil), uid...), fid: ISOFileID, ef: make([]byte, ISOFileSize)}
}

// ATR is the PC/SC part 3 form for an ISO 14443-4 card: 3B 8n 80 01 with
// the historical bytes "LECMSISO".
func (c *ISO) ATR() []byte {
	return withTCK([]byte{0x3B, 0x88, 0x80, 0x01, 'L', 'E', 'C', 'M', 'S', 'I', 'S', 'O'})
}

// UID returns the card's UID.
func (c *ISO) UID() []byte { return append([]byte(nil), c.uid...) }

// EF returns a copy of the file contents.
func (c *ISO) EF() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]byte(nil), c.ef...)
}

func (c *ISO) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.selected = false
}

func (c *ISO) Process(b []byte) ([]byte, error) {
	resp, err := c.process(b)
	if err != nil {
		return nil, err
	}
	return c.shape(resp), nil
}

func (c *ISO) process(b []byte) ([]byte, error) {
	cmd, err := parseCommand(b)
	if err != nil {
		return sw(0x6700), nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if cmd.cla == 0xFF {
		switch {
		case cmd.ins == 0xCA && cmd.p1 == 0x00:
			return withSW(c.uid, 0x9000), nil
		case isLEDBuzzer(cmd):
			c.beep()
			return sw(0x9000), nil
		}
		return sw(0x6A81), nil
	}
	if cmd.cla&0x80 != 0 {
		return sw(0x6E00), nil
	}
	switch cmd.ins {
	case 0xA4:
		return c.selectFile(cmd), nil
	case 0xB0:
		return c.readBinary(cmd), nil
	case 0xD6:
		return c.updateBinary(cmd)
	}
	return sw(0x6D00), nil
}

func (c *ISO) selectFile(cmd command) []byte {
	if (cmd.p1 != 0x00 && cmd.p1 != 0x02) || len(cmd.data) != 2 {
		return sw(0x6A86)
	}
	fid := binary.BigEndian.Uint16(cmd.data)
	switch fid {
	case 0x3F00:
		c.selected = false
		return sw(0x9000)
	case c.fid:
		c.selected = true
	default:
		return sw(0x6A82)
	}
	if cmd.p2&0x0C == 0x0C {
		return sw(0x9000)
	}
	// FCP template: file size, descriptor (transparent EF), identifier.
	size := len(c.ef)
	fcp := []byte{0x62, 0x0B, 0x80, 0x02, byte(size >> 8), byte(size), 0x82, 0x01, 0x01, 0x83, 0x02, byte(fid >> 8), byte(fid)}
	return withSW(fcp, 0x9000)
}

func (c *ISO) offset(cmd command) (int, bool) {
	if cmd.p1&0x80 != 0 { // short EF identifier form: not supported here
		return 0, false
	}
	return int(cmd.p1)<<8 | int(cmd.p2), true
}

func (c *ISO) readBinary(cmd command) []byte {
	if !c.selected {
		return sw(0x6986)
	}
	off, ok := c.offset(cmd)
	if !ok {
		return sw(0x6A81)
	}
	if off >= len(c.ef) {
		return sw(0x6B00)
	}
	n := cmd.le
	if !cmd.hasLe {
		n = 256
	}
	if off+n > len(c.ef) {
		return withSW(c.ef[off:], 0x6282)
	}
	return withSW(c.ef[off:off+n], 0x9000)
}

func (c *ISO) updateBinary(cmd command) ([]byte, error) {
	if !c.selected {
		return sw(0x6986), nil
	}
	off, ok := c.offset(cmd)
	if !ok {
		return sw(0x6A81), nil
	}
	if len(cmd.data) == 0 || off+len(cmd.data) > len(c.ef) {
		return sw(0x6B00), nil
	}
	pull, bad := c.beforeUpdate()
	if pull {
		return nil, ErrPulled
	}
	data := cmd.data
	if bad {
		data = garble(data)
	}
	copy(c.ef[off:], data)
	return sw(0x9000), nil
}
