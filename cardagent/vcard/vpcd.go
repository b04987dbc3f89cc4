package vcard

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
)

// DefaultVPCDAddr is the first slot of vsmartcard-vpcd ("Virtual PCD 00
// 00"); the second slot listens on port 35964.
const DefaultVPCDAddr = "127.0.0.1:35963"

// Inserted is a card inserted into a vpcd slot: the TCP connection is the
// card being in the reader.
type Inserted struct {
	conn net.Conn
	card Card
	done chan struct{}
	once sync.Once
	err  error
}

// Insert connects card to vpcd at addr and serves it until Remove, a fault
// pulling the card, or vpcd closing the connection.
func Insert(ctx context.Context, addr string, card Card) (*Inserted, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("vcard: insert into vpcd at %s: %w", addr, err)
	}
	in := &Inserted{conn: conn, card: card, done: make(chan struct{})}
	card.Reset()
	go in.serve()
	return in, nil
}

// Remove pulls the card out and waits until serving has stopped.
func (in *Inserted) Remove() {
	in.conn.Close()
	<-in.done
}

// Done is closed when the card has left the reader.
func (in *Inserted) Done() <-chan struct{} { return in.done }

// Err says why the card left: nil after Remove, ErrPulled after a fault,
// else the connection error.
func (in *Inserted) Err() error {
	<-in.done
	return in.err
}

// vpcd protocol: every message both ways is a 2-byte big-endian length and
// the payload. A 1-byte message from vpcd is a control code (0 power off,
// 1 power on, 2 reset: no reply; 4 get ATR: reply with the ATR); anything
// longer is an APDU, answered with response data and status word.
const (
	ctrlOff   = 0
	ctrlOn    = 1
	ctrlReset = 2
	ctrlATR   = 4
)

func (in *Inserted) serve() {
	defer close(in.done)
	defer in.conn.Close()
	var hdr [2]byte
	for {
		// vpcd writes length and payload separately; without quick ACKs,
		// Nagle and delayed ACK cost ~40 ms per APDU.
		quickAck(in.conn)
		if _, err := io.ReadFull(in.conn, hdr[:]); err != nil {
			in.finish(err)
			return
		}
		msg := make([]byte, binary.BigEndian.Uint16(hdr[:]))
		quickAck(in.conn)
		if _, err := io.ReadFull(in.conn, msg); err != nil {
			in.finish(err)
			return
		}
		var reply []byte
		switch {
		case len(msg) == 0:
			continue
		case len(msg) == 1:
			switch msg[0] {
			case ctrlOff, ctrlOn, ctrlReset:
				in.card.Reset()
				continue
			case ctrlATR:
				reply = in.card.ATR()
			default:
				continue
			}
		default:
			resp, err := in.card.Process(msg)
			if errors.Is(err, ErrPulled) {
				in.err = ErrPulled
				return
			}
			if err != nil {
				in.finish(err)
				return
			}
			if len(resp) == 0 {
				// vpcd takes an empty answer as the card leaving, but its
				// read of a zero-length frame stalls until the connection
				// closes; close it now. Through pcscd the application then
				// sees what a pulled card gives: an empty "successful"
				// response.
				in.err = ErrPulled
				return
			}
			reply = resp
		}
		out := make([]byte, 2+len(reply))
		binary.BigEndian.PutUint16(out, uint16(len(reply)))
		copy(out[2:], reply)
		if _, err := in.conn.Write(out); err != nil {
			in.finish(err)
			return
		}
	}
}

func (in *Inserted) finish(err error) {
	if errors.Is(err, net.ErrClosed) {
		err = nil // Remove
	}
	in.once.Do(func() { in.err = err })
}
