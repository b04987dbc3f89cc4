package vcard

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"testing"
	"time"

	"github.com/lecms/lecms/cardagent/pcsc"
)

func TestParseCommand(t *testing.T) {
	cases := []struct {
		in      []byte
		data    []byte
		le      int
		wantErr bool
	}{
		{in: []byte{0, 0xA4, 0, 0}},
		{in: []byte{0, 0xB0, 0, 0, 0}, le: 256},
		{in: []byte{0, 0xD6, 0, 0, 2, 1, 2}, data: []byte{1, 2}},
		{in: []byte{0, 0xA4, 0, 0, 2, 1, 2, 0x10}, data: []byte{1, 2}, le: 16},
		{in: []byte{0, 0xB0, 0, 0, 0, 0x01, 0x00}, le: 256},                             // extended Le
		{in: []byte{0, 0xD6, 0, 0, 0, 0, 2, 7, 8}, data: []byte{7, 8}},                  // extended Lc
		{in: []byte{0, 0xD6, 0, 0, 0, 0, 2, 7, 8, 0, 0}, data: []byte{7, 8}, le: 65536}, // extended both
		{in: []byte{0, 0xD6, 0, 0, 3, 1}, wantErr: true},
		{in: []byte{0, 0xD6}, wantErr: true},
	}
	for _, c := range cases {
		got, err := parseCommand(c.in)
		if (err != nil) != c.wantErr {
			t.Fatalf("% X: err %v", c.in, err)
		}
		if err == nil && (!bytes.Equal(got.data, c.data) || got.le != c.le) {
			t.Fatalf("% X: data % X le %d", c.in, got.data, got.le)
		}
	}
}

// fakeVPCD plays vpcd's side of the protocol over a real TCP connection.
type fakeVPCD struct{ conn net.Conn }

func (f *fakeVPCD) send(t *testing.T, msg []byte) {
	t.Helper()
	// Like vpcd, length and payload in two writes.
	if _, err := f.conn.Write(binary.BigEndian.AppendUint16(nil, uint16(len(msg)))); err != nil {
		t.Fatal(err)
	}
	if _, err := f.conn.Write(msg); err != nil {
		t.Fatal(err)
	}
}

func (f *fakeVPCD) recv(t *testing.T) ([]byte, error) {
	t.Helper()
	_ = f.conn.SetReadDeadline(time.Now().Add(2 * time.Second))
	var hdr [2]byte
	if _, err := io.ReadFull(f.conn, hdr[:]); err != nil {
		return nil, err
	}
	msg := make([]byte, binary.BigEndian.Uint16(hdr[:]))
	_, err := io.ReadFull(f.conn, msg)
	return msg, err
}

func TestVPCDProtocol(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, _ := ln.Accept()
		accepted <- c
	}()
	card := NewISO([]byte{1, 2, 3, 4})
	in, err := Insert(context.Background(), ln.Addr().String(), card)
	if err != nil {
		t.Fatal(err)
	}
	v := &fakeVPCD{conn: <-accepted}
	defer v.conn.Close()

	v.send(t, []byte{ctrlOn})
	v.send(t, []byte{ctrlATR})
	if atr, err := v.recv(t); err != nil || !bytes.Equal(atr, card.ATR()) {
		t.Fatalf("ATR % X, %v", atr, err)
	}
	v.send(t, []byte{0xFF, 0xCA, 0x00, 0x00, 0x00})
	if r, _ := v.recv(t); !bytes.Equal(r, []byte{1, 2, 3, 4, 0x90, 0x00}) {
		t.Fatalf("GET UID answered % X", r)
	}
	v.send(t, []byte{0x00, 0xA4, 0x02, 0x0C, 0x02, 0xEF, 0x01})
	if r, _ := v.recv(t); !bytes.Equal(r, []byte{0x90, 0x00}) {
		t.Fatalf("SELECT answered % X", r)
	}
	// A pulled card closes the connection without answering.
	card.PullAfterUpdates(0)
	v.send(t, []byte{0x00, 0xD6, 0x00, 0x00, 0x01, 0x55})
	if _, err := v.recv(t); err == nil {
		t.Fatal("pulled card answered")
	}
	if !errors.Is(in.Err(), ErrPulled) {
		t.Fatalf("Err = %v", in.Err())
	}
	if card.EF()[0] != 0 {
		t.Fatal("the update that pulled the card was applied")
	}
}

func TestStackRestartBreaksOldContexts(t *testing.T) {
	s := NewStack("R")
	old, _ := s.Establish()
	s.Stop()
	if _, err := s.Establish(); !errors.Is(err, pcsc.ErrNoService) {
		t.Fatalf("Establish while stopped: %v", err)
	}
	s.Start()
	if _, err := old.ListReaders(); !errors.Is(err, pcsc.ErrNoService) {
		t.Fatalf("old context after restart: %v", err)
	}
	fresh, err := s.Establish()
	if err != nil {
		t.Fatal(err)
	}
	if r, err := fresh.ListReaders(); err != nil || len(r) != 1 {
		t.Fatalf("fresh context: %v %v", r, err)
	}
}

func TestStackStatusChange(t *testing.T) {
	s := NewStack("R")
	ctx, _ := s.Establish()
	st := []pcsc.ReaderState{{Reader: "R"}}
	if err := ctx.GetStatusChange(st, 0); err != nil || !st[0].EventState.Has(pcsc.StateEmpty) {
		t.Fatalf("initial: %v %v", st[0].EventState, err)
	}
	st[0].CurrentState = st[0].EventState &^ pcsc.StateChanged
	if err := ctx.GetStatusChange(st, 10*time.Millisecond); !errors.Is(err, pcsc.ErrTimeout) {
		t.Fatalf("no change: %v", err)
	}
	go func() {
		time.Sleep(10 * time.Millisecond)
		_ = s.Insert("R", NewMifare([]byte{1, 2, 3, 4}))
	}()
	if err := ctx.GetStatusChange(st, time.Second); err != nil || !st[0].EventState.Has(pcsc.StatePresent) || len(st[0].ATR) == 0 {
		t.Fatalf("insert: %v %v", st[0].EventState, err)
	}
	go func() { time.Sleep(10 * time.Millisecond); _ = ctx.Cancel() }()
	st[0].CurrentState = st[0].EventState &^ pcsc.StateChanged
	if err := ctx.GetStatusChange(st, -1); !errors.Is(err, pcsc.ErrCancelled) {
		t.Fatalf("cancel: %v", err)
	}
}
