// Package fakeserver plays the API server's part in tests: it signs chip
// records with a provincial key, derives MIFARE card keys and issues write
// tickets, using the same packages the real server will.
package fakeserver

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"time"

	"github.com/lecms/lecms/cardagent/cardkey"
	"github.com/lecms/lecms/cardagent/chiprecord"
	"github.com/lecms/lecms/cardagent/sigalg"
	"github.com/lecms/lecms/cardagent/ticket"
)

// Authority holds the server-side secrets.
type Authority struct {
	RecordKey sigalg.Signer // provincial key signing chip records
	TicketKey sigalg.Signer // server key signing write tickets
	Master    []byte        // MIFARE key master secret
	Hash      sigalg.HashAlg
	Checksum  chiprecord.ChecksumAlg
	Now       func() time.Time
}

// New returns an authority with fresh keys of algorithm alg.
func New(alg sigalg.Alg) (*Authority, error) {
	rk, err := sigalg.Generate(alg, rand.Reader)
	if err != nil {
		return nil, err
	}
	tk, err := sigalg.Generate(alg, rand.Reader)
	if err != nil {
		return nil, err
	}
	master := make([]byte, 32)
	if _, err := rand.Read(master); err != nil {
		return nil, err
	}
	return &Authority{RecordKey: rk, TicketKey: tk, Master: master, Hash: sigalg.SHA256, Checksum: chiprecord.CRC32, Now: time.Now}, nil
}

// SampleRecord returns a plausible record for certNo on the card uid.
func SampleRecord(certNo string, uid []byte, seq uint32, lastInspection chiprecord.Date) *chiprecord.Record {
	return &chiprecord.Record{
		Seq: seq, CertNo: certNo, Name: "王小明", UnitCode: "A00001",
		Area: "济南市历下区", Category: "市场监管、食品安全",
		ValidUntil:     chiprecord.Date{Year: 2031, Month: 6, Day: 30},
		LastInspection: lastInspection,
		CardUID:        bytes.Clone(uid),
	}
}

// Sign signs and encodes r.
func (a *Authority) Sign(r *chiprecord.Record) ([]byte, error) {
	if err := chiprecord.Sign(r, a.RecordKey); err != nil {
		return nil, err
	}
	return chiprecord.Encode(r, a.Checksum)
}

// TicketOptions adjusts a ticket away from the normal case.
type TicketOptions struct {
	IssuedAt time.Time // zero: now
	TTL      time.Duration
	CertNo   string // zero: from the record
	NoKey    bool   // leave the card key out
	Device   sigalg.KeyID
}

// Ticket issues a ticket for writing record onto the card uid.
func (a *Authority) Ticket(p ticket.Purpose, uid, record []byte, o TicketOptions) (string, *ticket.Ticket, error) {
	rec, err := chiprecord.Decode(record)
	if err != nil {
		return "", nil, fmt.Errorf("fakeserver: %w", err)
	}
	certNo := o.CertNo
	if certNo == "" {
		certNo = rec.CertNo
	}
	now := a.Now
	if !o.IssuedAt.IsZero() {
		now = func() time.Time { return o.IssuedAt }
	}
	var key []byte
	if !o.NoKey {
		k, err := cardkey.Derive(a.Hash, a.Master, uid)
		if err != nil {
			return "", nil, err
		}
		key = k[:]
	}
	is := &ticket.Issuer{Signer: a.TicketKey, TTL: o.TTL, Now: now}
	t, err := is.Issue(ticket.Request{Purpose: p, CertNo: certNo, CardUID: uid, Record: record, HashAlg: a.Hash, CardKey: key, Device: o.Device})
	if err != nil {
		return "", nil, err
	}
	tok, err := t.Encode()
	return tok, t, err
}
