package vcard

import (
	"bytes"
	"testing"

	"github.com/lecms/lecms/cardagent/apdu"
	"github.com/lecms/lecms/cardagent/mifare"
)

func send(t *testing.T, c Card, cmd []byte) apdu.Response {
	t.Helper()
	raw, err := c.Process(cmd)
	if err != nil {
		t.Fatal(err)
	}
	r, err := apdu.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestMifareEnforcesKeysAndAccessBits checks the emulator behaves like the
// chip, since the MIFARE profile's tests rely on it to refuse wrong keys.
func TestMifareEnforcesKeysAndAccessBits(t *testing.T) {
	c := NewMifare([]byte{1, 2, 3, 4})
	ff := bytes.Repeat([]byte{0xFF}, 6)
	keyB := []byte{0xB0, 0xB1, 0xB2, 0xB3, 0xB4, 0xB5}
	data := bytes.Repeat([]byte{0x42}, 16)
	const sector, block = 2, 8

	if r := send(t, c, apdu.UpdateBlock(block, data)); r.OK() {
		t.Fatal("write without authentication")
	}
	send(t, c, apdu.LoadKey(0, ff))
	send(t, c, apdu.LoadKey(1, keyB))
	if r := send(t, c, apdu.GeneralAuthenticate(block, apdu.KeyA, 0)); !r.OK() {
		t.Fatalf("transport key A: %04X", r.SW)
	}
	if r := send(t, c, apdu.UpdateBlock(block, data)); !r.OK() {
		t.Fatal("transport configuration refuses key A writes")
	}
	// Personalise: key A stays FF.., key B set, access 78 77 88.
	if r := send(t, c, apdu.UpdateBlock(byte(mifare.TrailerOf(sector)), mifare.Trailer(ff, mifare.Personalised(), keyB))); !r.OK() {
		t.Fatal("trailer write refused")
	}
	if r := send(t, c, apdu.GeneralAuthenticate(block, apdu.KeyA, 0)); !r.OK() {
		t.Fatal("key A no longer authenticates")
	}
	if r := send(t, c, apdu.ReadBlock(block)); !r.OK() || !bytes.Equal(r.Data, data) {
		t.Fatal("key A cannot read")
	}
	if r := send(t, c, apdu.UpdateBlock(block, make([]byte, 16))); r.SW != 0x6300 {
		t.Fatalf("key A wrote a personalised block: %04X", r.SW)
	}
	if r := send(t, c, apdu.UpdateBlock(byte(mifare.TrailerOf(sector)), mifare.Trailer(ff, mifare.Transport(), ff))); r.SW != 0x6300 {
		t.Fatal("key A rewrote the trailer")
	}
	if r := send(t, c, apdu.ReadBlock(block+4)); r.OK() {
		t.Fatal("read outside the authenticated sector")
	}
	send(t, c, apdu.LoadKey(1, ff))
	if r := send(t, c, apdu.GeneralAuthenticate(block, apdu.KeyB, 1)); r.OK() {
		t.Fatal("wrong key B accepted")
	}
	send(t, c, apdu.LoadKey(1, keyB))
	if r := send(t, c, apdu.GeneralAuthenticate(block, apdu.KeyB, 1)); !r.OK() {
		t.Fatal("key B refused")
	}
	if r := send(t, c, apdu.UpdateBlock(block, make([]byte, 16))); !r.OK() {
		t.Fatal("key B cannot write")
	}
	if r := send(t, c, apdu.ReadBlock(byte(mifare.TrailerOf(sector)))); !r.OK() || !bytes.Equal(r.Data[:6], make([]byte, 6)) || !bytes.Equal(r.Data[6:9], []byte{0x78, 0x77, 0x88}) {
		t.Fatalf("trailer read: % X", r.Data)
	}
	if r := send(t, c, apdu.UpdateBlock(0, data)); r.OK() {
		t.Fatal("manufacturer block written")
	}
}
