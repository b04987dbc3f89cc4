package ticket

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/lecms/lecms/cardagent/internal/binenc"
	"github.com/lecms/lecms/cardagent/sigalg"
)

// MaxTTL is the longest a ticket may live. The agent refuses tickets with a
// longer window even when validly signed, so a leaked ticket is worth little.
const MaxTTL = 5 * time.Minute

// NonceSize is the length of ticket nonces.
const NonceSize = 16

// Ticket authorises one write of one record onto one card.
type Ticket struct {
	Purpose    Purpose
	Nonce      []byte // random; identifies the ticket and its receipt
	CertNo     string
	CardUID    []byte
	HashAlg    sigalg.HashAlg
	RecordHash []byte // hash of the exact encoded record to write
	// CardKey is the card's MIFARE Classic key B (see package cardkey),
	// empty for card types that need none. It is signed, not encrypted: it
	// opens only the card the operator is holding, and what it protects
	// against is overwriting; authenticity comes from the record signature.
	CardKey []byte
	// Device, if not zero, restricts the ticket to the agent with that
	// device key.
	Device    sigalg.KeyID
	IssuedAt  time.Time
	ExpiresAt time.Time

	SigAlg    sigalg.Alg
	KeyID     sigalg.KeyID
	Signature []byte
}

const (
	ticketMagic   = "LT"
	ticketVersion = 1
	ticketDomain  = "LECMS write ticket\x00"
)

// Request is what the server knows when it issues a ticket.
type Request struct {
	Purpose Purpose
	CertNo  string
	CardUID []byte
	Record  []byte // the encoded chip record (chiprecord.Encode)
	HashAlg sigalg.HashAlg
	CardKey []byte
	Device  sigalg.KeyID
}

// Issuer signs tickets with the server's ticket key.
type Issuer struct {
	Signer sigalg.Signer
	TTL    time.Duration    // 0 means MaxTTL
	Now    func() time.Time // nil means time.Now
	Rand   io.Reader        // nil means crypto/rand
}

// Issue returns a signed ticket for req.
func (is *Issuer) Issue(req Request) (*Ticket, error) {
	if !req.Purpose.valid() || req.CertNo == "" || len(req.CardUID) == 0 || len(req.Record) == 0 || !req.HashAlg.Valid() {
		return nil, errors.New("ticket: request needs purpose, certificate number, card uid, record and hash algorithm")
	}
	ttl := is.TTL
	if ttl == 0 {
		ttl = MaxTTL
	}
	if ttl < 0 || ttl > MaxTTL {
		return nil, fmt.Errorf("ticket: ttl %v outside (0, %v]", ttl, MaxTTL)
	}
	now := time.Now
	if is.Now != nil {
		now = is.Now
	}
	r := is.Rand
	if r == nil {
		r = rand.Reader
	}
	nonce := make([]byte, NonceSize)
	if _, err := io.ReadFull(r, nonce); err != nil {
		return nil, fmt.Errorf("ticket: nonce: %w", err)
	}
	issued := now().Truncate(time.Millisecond)
	t := &Ticket{
		Purpose:    req.Purpose,
		Nonce:      nonce,
		CertNo:     req.CertNo,
		CardUID:    bytes.Clone(req.CardUID),
		HashAlg:    req.HashAlg,
		RecordHash: req.HashAlg.Sum(req.Record),
		CardKey:    bytes.Clone(req.CardKey),
		Device:     req.Device,
		IssuedAt:   issued,
		ExpiresAt:  issued.Add(ttl),
	}
	if err := t.sign(is.Signer); err != nil {
		return nil, err
	}
	return t, nil
}

func (t *Ticket) sign(s sigalg.Signer) error {
	t.SigAlg, t.KeyID = s.Alg(), s.KeyID()
	msg, err := t.signingBytes()
	if err != nil {
		return err
	}
	if t.Signature, err = s.Sign(msg); err != nil {
		return fmt.Errorf("ticket: sign: %w", err)
	}
	return nil
}

func (t *Ticket) body(w *binenc.Writer) {
	w.Raw([]byte(ticketMagic))
	w.U8(ticketVersion)
	w.U8(uint8(t.Purpose))
	w.Bytes8("nonce", t.Nonce)
	w.String8("certificate number", t.CertNo)
	w.Bytes8("card uid", t.CardUID)
	w.U8(uint8(t.HashAlg))
	w.Bytes8("record hash", t.RecordHash)
	w.Bytes8("card key", t.CardKey)
	var device []byte
	if t.Device != (sigalg.KeyID{}) {
		device = t.Device[:]
	}
	w.Bytes8("device", device)
	w.I64(t.IssuedAt.UnixMilli())
	w.I64(t.ExpiresAt.UnixMilli())
	w.U8(uint8(t.SigAlg))
	w.Raw(t.KeyID[:])
}

func (t *Ticket) signingBytes() ([]byte, error) {
	w := binenc.NewWriter([]byte(ticketDomain))
	t.body(w)
	return w.Bytes(), w.Err()
}

// Encode returns the ticket as a token for the SPA to pass on unchanged.
func (t *Ticket) Encode() (string, error) {
	w := binenc.NewWriter(nil)
	t.body(w)
	w.Bytes8("signature", t.Signature)
	if err := w.Err(); err != nil {
		return "", fmt.Errorf("ticket: %w", err)
	}
	return encodeToken(w.Bytes()), nil
}

// Parse decodes a ticket token. It checks the structure only: call
// Verifier.Verify before trusting any field.
func Parse(token string) (*Ticket, error) {
	b, err := decodeToken(token)
	if err != nil {
		return nil, err
	}
	r := binenc.NewReader(b)
	if string(r.Raw(len(ticketMagic))) != ticketMagic || r.U8() != ticketVersion {
		return nil, fmt.Errorf("%w: not a version %d ticket", ErrInvalid, ticketVersion)
	}
	t := &Ticket{}
	t.Purpose = Purpose(r.U8())
	t.Nonce = r.Bytes8()
	t.CertNo = r.String8("certificate number")
	t.CardUID = r.Bytes8()
	t.HashAlg = sigalg.HashAlg(r.U8())
	t.RecordHash = r.Bytes8()
	t.CardKey = r.Bytes8()
	switch device := r.Bytes8(); len(device) {
	case 0:
	case len(t.Device):
		copy(t.Device[:], device)
	default:
		r.Fail(errors.New("device key id has the wrong length"))
	}
	t.IssuedAt = time.UnixMilli(r.I64())
	t.ExpiresAt = time.UnixMilli(r.I64())
	t.SigAlg = sigalg.Alg(r.U8())
	copy(t.KeyID[:], r.Raw(len(t.KeyID)))
	t.Signature = r.Bytes8()
	if r.Err() == nil && r.Remaining() != 0 {
		r.Fail(errors.New("trailing bytes"))
	}
	if err := r.Err(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if !t.Purpose.valid() || len(t.Nonce) != NonceSize || !t.HashAlg.Valid() ||
		len(t.RecordHash) != len(t.HashAlg.Sum(nil)) || len(t.CardUID) == 0 || t.CertNo == "" {
		return nil, fmt.Errorf("%w: missing or malformed fields", ErrInvalid)
	}
	return t, nil
}

// Verifier checks tickets on the agent.
type Verifier struct {
	Keys *sigalg.KeySet // the server's ticket keys
	// Device is the agent's own device key id: tickets bound to another
	// device are refused.
	Device sigalg.KeyID
	Now    func() time.Time // nil means time.Now
	// Skew is how far in the future IssuedAt may be, for clocks that
	// differ a little. 0 means one minute.
	Skew time.Duration
}

// Verify checks the signature, the validity window and the device binding.
// The card and record checks are CheckCard and CheckRecord.
func (v *Verifier) Verify(t *Ticket) error {
	msg, err := t.signingBytes()
	if err != nil {
		return fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if err := v.Keys.Verify(t.KeyID, t.SigAlg, msg, t.Signature); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if d := t.ExpiresAt.Sub(t.IssuedAt); d <= 0 || d > MaxTTL {
		return fmt.Errorf("%w: validity window %v exceeds %v", ErrInvalid, d, MaxTTL)
	}
	if t.Device != (sigalg.KeyID{}) && t.Device != v.Device {
		return fmt.Errorf("%w: ticket is for device %s, this is %s", ErrInvalid, t.Device, v.Device)
	}
	now := time.Now()
	if v.Now != nil {
		now = v.Now()
	}
	skew := v.Skew
	if skew == 0 {
		skew = time.Minute
	}
	if !now.Before(t.ExpiresAt) {
		return fmt.Errorf("%w: expired at %s", ErrExpired, t.ExpiresAt.UTC().Format(time.RFC3339))
	}
	if t.IssuedAt.After(now.Add(skew)) {
		return fmt.Errorf("%w: issued in the future (%s); check the clocks", ErrExpired, t.IssuedAt.UTC().Format(time.RFC3339))
	}
	return nil
}

// CheckCard checks that uid is the card the ticket is for.
func (t *Ticket) CheckCard(uid []byte) error {
	if !bytes.Equal(uid, t.CardUID) {
		return fmt.Errorf("%w: card %X, ticket is for %X", ErrWrongCard, uid, t.CardUID)
	}
	return nil
}

// CheckRecord checks that record is the encoded record the ticket is for.
func (t *Ticket) CheckRecord(record []byte) error {
	if !bytes.Equal(t.HashAlg.Sum(record), t.RecordHash) {
		return fmt.Errorf("%w: %s of the record differs from the ticket's", ErrRecordMismatch, t.HashAlg)
	}
	return nil
}
