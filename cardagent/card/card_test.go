package card_test

import (
	"bytes"
	"crypto/rand"
	"testing"

	"github.com/lecms/lecms/cardagent/card"
	"github.com/lecms/lecms/cardagent/cardkey"
	"github.com/lecms/lecms/cardagent/chiprecord"
	"github.com/lecms/lecms/cardagent/errcode"
	"github.com/lecms/lecms/cardagent/mifare"
	"github.com/lecms/lecms/cardagent/pcsc"
	"github.com/lecms/lecms/cardagent/sigalg"
	"github.com/lecms/lecms/cardagent/vcard"
)

type emulated interface {
	vcard.Card
	PullAfterUpdates(int)
	CorruptWrites(int)
	ShortResponses(int, int)
	Clear()
}

var uid = []byte{0x04, 0x11, 0x22, 0x33}

func newCards() map[string]func() emulated {
	return map[string]func() emulated{
		card.ISOName:    func() emulated { return vcard.NewISO(append(uid, 0x44, 0x55, 0x66)) },
		card.MifareName: func() emulated { return vcard.NewMifare(uid) },
	}
}

// open connects to the card in the stack's reader and detects its profile,
// as the agent does for every command.
func open(t *testing.T, stack *vcard.Stack) (card.Profile, pcsc.Card) {
	t.Helper()
	ctx, err := stack.Establish()
	if err != nil {
		t.Fatal(err)
	}
	conn, err := ctx.Connect("R")
	if err != nil {
		t.Fatal(err)
	}
	st, err := conn.Status()
	if err != nil {
		t.Fatal(err)
	}
	p, err := card.Detect(st.ATR, conn, card.Config{})
	if err != nil {
		t.Fatal(err)
	}
	return p, conn
}

var signer = func() sigalg.Signer {
	s, err := sigalg.Generate(sigalg.Ed25519, rand.Reader)
	if err != nil {
		panic(err)
	}
	return s
}()

func record(t *testing.T, seq uint32, cardUID []byte) []byte {
	t.Helper()
	r := &chiprecord.Record{
		Seq: seq, CertNo: "37010201000123", Name: "李四", UnitCode: "A00001",
		Area: "济南市", Category: "城市管理、市场监管、交通运输、生态环境",
		ValidUntil: chiprecord.Date{Year: 2031, Month: 6, Day: 30}, LastInspection: chiprecord.Date{Year: 2025 + int(seq), Month: 6, Day: 30},
		CardUID: cardUID,
	}
	if err := chiprecord.Sign(r, signer); err != nil {
		t.Fatal(err)
	}
	b, err := chiprecord.Encode(r, chiprecord.CRC32)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var key = cardkey.Key{0x10, 0x20, 0x30, 0x40, 0x50, 0x60}

// write performs what the agent does for a write: inspect, prepare on
// issue, write the target slot, read back.
func write(p card.Profile, rec []byte, k *cardkey.Key) (int, error) {
	sel, err := card.ReadSlots(p)
	if err != nil {
		return 0, err
	}
	if sel.Current() == nil {
		if err := p.Prepare(k); err != nil {
			return 0, err
		}
	}
	target := sel.Target()
	_, err = card.WriteVerified(p, target, rec, k)
	return target, err
}

func current(t *testing.T, p card.Profile) *chiprecord.Record {
	t.Helper()
	sel, err := card.ReadSlots(p)
	if err != nil {
		t.Fatal(err)
	}
	return sel.Current()
}

func TestDetectAndUID(t *testing.T) {
	for name, mk := range newCards() {
		stack := vcard.NewStack("R")
		c := mk()
		_ = stack.Insert("R", c)
		p, _ := open(t, stack)
		if p.Name() != name {
			t.Fatalf("detected %s, want %s", p.Name(), name)
		}
		u, err := p.UID()
		if err != nil || !bytes.HasPrefix(u, uid) {
			t.Fatalf("%s: uid % X, %v", name, u, err)
		}
		if p.SlotCapacity() < chiprecord.MaxEncodedSize {
			t.Fatalf("%s: slot of %d bytes cannot hold every record", name, p.SlotCapacity())
		}
	}
}

func TestWriteAlternatesSlotsAndReadsBack(t *testing.T) {
	for name, mk := range newCards() {
		t.Run(name, func(t *testing.T) {
			stack := vcard.NewStack("R")
			_ = stack.Insert("R", mk())
			p, _ := open(t, stack)
			if current(t, p) != nil {
				t.Fatal("blank card shows a record")
			}
			for seq := uint32(1); seq <= 4; seq++ {
				slot, err := write(p, record(t, seq, uid), &key)
				if err != nil {
					t.Fatalf("write %d: %v", seq, err)
				}
				if want := int(seq-1) % 2; slot != want {
					t.Fatalf("write %d went to slot %d, want %d", seq, slot, want)
				}
				// A fresh connection sees what was written.
				p2, _ := open(t, stack)
				if cur := current(t, p2); cur == nil || cur.Seq != seq {
					t.Fatalf("after write %d current is %+v", seq, cur)
				}
			}
		})
	}
}

func TestCardPulledMidWriteKeepsPreviousRecord(t *testing.T) {
	for name, mk := range newCards() {
		t.Run(name, func(t *testing.T) {
			// Pull after every possible number of update commands; the
			// loop ends when n exceeds the updates a write takes.
			for n := 0; ; n++ {
				stack := vcard.NewStack("R")
				c := mk()
				_ = stack.Insert("R", c)
				p, _ := open(t, stack)
				if _, err := write(p, record(t, 1, uid), &key); err != nil {
					t.Fatal(err)
				}
				if _, err := write(p, record(t, 2, uid), &key); err != nil {
					t.Fatal(err)
				}
				c.PullAfterUpdates(n)
				_, err := write(p, record(t, 3, uid), &key)
				c.Clear()
				if err == nil {
					if n == 0 {
						t.Fatal("write survived a pull before its first update")
					}
					if cur := current(t, p); cur == nil || cur.Seq != 3 {
						t.Fatalf("complete write: current %+v", cur)
					}
					return
				}
				if errcode.Of(err) != errcode.CardRemoved {
					t.Fatalf("pull after %d updates: %v, want card_removed", n, err)
				}
				_ = stack.Insert("R", c) // put the same card back
				p2, _ := open(t, stack)
				if cur := current(t, p2); cur == nil || cur.Seq != 2 {
					t.Fatalf("pull after %d updates: current %+v, want seq 2", n, cur)
				}
			}
		})
	}
}

func TestReadbackMismatch(t *testing.T) {
	for name, mk := range newCards() {
		t.Run(name, func(t *testing.T) {
			stack := vcard.NewStack("R")
			c := mk()
			_ = stack.Insert("R", c)
			p, _ := open(t, stack)
			if _, err := write(p, record(t, 1, uid), &key); err != nil {
				t.Fatal(err)
			}
			c.CorruptWrites(1)
			if _, err := write(p, record(t, 2, uid), &key); errcode.Of(err) != errcode.ReadbackMismatch {
				t.Fatalf("garbled write: %v, want readback_mismatch", err)
			}
			if cur := current(t, p); cur == nil || cur.Seq != 1 {
				t.Fatalf("after a garbled write current is %+v, want seq 1", cur)
			}
		})
	}
}

func TestShortResponses(t *testing.T) {
	for name, mk := range newCards() {
		for _, n := range []int{0, 1} {
			stack := vcard.NewStack("R")
			c := mk()
			_ = stack.Insert("R", c)
			p, _ := open(t, stack)
			c.ShortResponses(1, n)
			if _, err := p.UID(); errcode.Of(err) != errcode.CardBadResponse {
				t.Fatalf("%s: %d-byte response: %v, want card_bad_response", name, n, err)
			}
		}
	}
}

func TestMifareKeys(t *testing.T) {
	stack := vcard.NewStack("R")
	c := vcard.NewMifare(uid)
	_ = stack.Insert("R", c)
	p, _ := open(t, stack)
	if _, err := write(p, record(t, 1, uid), &key); err != nil {
		t.Fatal(err)
	}
	// Every data sector of both slots is now personalised with the card key.
	for s := 1; s <= 14; s++ {
		tr := c.Block(mifare.TrailerOf(s))
		if !bytes.Equal(tr[6:9], []byte{0x78, 0x77, 0x88}) || !bytes.Equal(tr[10:16], key[:]) {
			t.Fatalf("sector %d trailer % X", s, tr)
		}
	}
	if tr := c.Block(mifare.TrailerOf(15)); !bytes.Equal(tr[6:9], []byte{0xFF, 0x07, 0x80}) {
		t.Fatal("sector 15 was touched")
	}
	// Another card's key opens nothing and writes nothing.
	before := c.Block(mifare.TrailerOf(8) - 3)
	wrong := cardkey.Key{1, 2, 3, 4, 5, 6}
	if _, err := write(p, record(t, 2, uid), &wrong); errcode.Of(err) != errcode.CardAuthFailed {
		t.Fatalf("wrong key: %v, want card_auth_failed", err)
	}
	if !bytes.Equal(before, c.Block(mifare.TrailerOf(8)-3)) {
		t.Fatal("wrong key changed data")
	}
	// Key A reads but cannot write: the emulator enforces access bits.
	if err := p.Write(1, record(t, 2, uid), nil); errcode.Of(err) != errcode.TicketInvalid {
		t.Fatalf("write without a key: %v", err)
	}
	if cur := current(t, p); cur == nil || cur.Seq != 1 {
		t.Fatalf("current %+v", cur)
	}
}

func TestUnsupportedCards(t *testing.T) {
	atr := []byte{0x3B, 0x8F, 0x80, 0x01, 0x80, 0x4F, 0x0C, 0xA0, 0x00, 0x00, 0x03, 0x06, 0x03, 0x00, 0x03, 0, 0, 0, 0, 0x68}
	if _, err := card.Detect(atr, nil, card.Config{}); errcode.Of(err) != errcode.CardUnsupported {
		t.Fatalf("MIFARE Ultralight: %v", err)
	}
	// An ISO card without the LECMS file.
	stack := vcard.NewStack("R")
	_ = stack.Insert("R", vcard.NewISO(uid))
	ctx, _ := stack.Establish()
	conn, _ := ctx.Connect("R")
	st, _ := conn.Status()
	p, _ := card.Detect(st.ATR, conn, card.Config{ISOFileID: 0x1234})
	if _, err := card.ReadSlots(p); errcode.Of(err) != errcode.CardUnsupported {
		t.Fatalf("missing EF: %v", err)
	}
}
