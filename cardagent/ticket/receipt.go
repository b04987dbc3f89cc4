package ticket

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/lecms/lecms/cardagent/internal/binenc"
	"github.com/lecms/lecms/cardagent/sigalg"
)

// Receipt is the agent's signed statement of what a card holds after a
// write: the ticket it answers, the card, and the hash of the bytes read back.
type Receipt struct {
	TicketNonce  []byte
	CardUID      []byte
	HashAlg      sigalg.HashAlg
	ReadbackHash []byte
	Slot         uint8  // 0 = A, 1 = B
	Seq          uint32 // sequence number of the record written
	Time         time.Time

	SigAlg    sigalg.Alg
	KeyID     sigalg.KeyID // the agent's device key
	Signature []byte
}

const (
	receiptMagic   = "LR"
	receiptVersion = 1
	receiptDomain  = "LECMS write receipt\x00"
)

// ReceiptGrace is how long after its ticket expires a receipt is still
// accepted: the agent may finish a write just before expiry and the SPA
// needs time to forward the receipt. Replay guards keep nonces at least
// until ticket expiry + ReceiptGrace.
const ReceiptGrace = 5 * time.Minute

// NewReceipt signs a receipt for a write done under t.
func NewReceipt(device sigalg.Signer, t *Ticket, uid, readback []byte, slot int, seq uint32, now time.Time) (*Receipt, error) {
	r := &Receipt{
		TicketNonce:  bytes.Clone(t.Nonce),
		CardUID:      bytes.Clone(uid),
		HashAlg:      t.HashAlg,
		ReadbackHash: t.HashAlg.Sum(readback),
		Slot:         uint8(slot),
		Seq:          seq,
		Time:         now.Truncate(time.Millisecond),
		SigAlg:       device.Alg(),
		KeyID:        device.KeyID(),
	}
	msg, err := r.signingBytes()
	if err != nil {
		return nil, err
	}
	if r.Signature, err = device.Sign(msg); err != nil {
		return nil, fmt.Errorf("receipt: sign: %w", err)
	}
	return r, nil
}

func (r *Receipt) body(w *binenc.Writer) {
	w.Raw([]byte(receiptMagic))
	w.U8(receiptVersion)
	w.Bytes8("ticket nonce", r.TicketNonce)
	w.Bytes8("card uid", r.CardUID)
	w.U8(uint8(r.HashAlg))
	w.Bytes8("read-back hash", r.ReadbackHash)
	w.U8(r.Slot)
	w.U32(r.Seq)
	w.I64(r.Time.UnixMilli())
	w.U8(uint8(r.SigAlg))
	w.Raw(r.KeyID[:])
}

func (r *Receipt) signingBytes() ([]byte, error) {
	w := binenc.NewWriter([]byte(receiptDomain))
	r.body(w)
	return w.Bytes(), w.Err()
}

// Encode returns the receipt as a token for the SPA to forward unchanged.
func (r *Receipt) Encode() (string, error) {
	w := binenc.NewWriter(nil)
	r.body(w)
	w.Bytes8("signature", r.Signature)
	if err := w.Err(); err != nil {
		return "", fmt.Errorf("receipt: %w", err)
	}
	return encodeToken(w.Bytes()), nil
}

// ParseReceipt decodes a receipt token without verifying it.
func ParseReceipt(token string) (*Receipt, error) {
	b, err := decodeToken(token)
	if err != nil {
		return nil, err
	}
	rd := binenc.NewReader(b)
	if string(rd.Raw(len(receiptMagic))) != receiptMagic || rd.U8() != receiptVersion {
		return nil, fmt.Errorf("%w: not a version %d receipt", ErrInvalid, receiptVersion)
	}
	r := &Receipt{}
	r.TicketNonce = rd.Bytes8()
	r.CardUID = rd.Bytes8()
	r.HashAlg = sigalg.HashAlg(rd.U8())
	r.ReadbackHash = rd.Bytes8()
	r.Slot = rd.U8()
	r.Seq = rd.U32()
	r.Time = time.UnixMilli(rd.I64())
	r.SigAlg = sigalg.Alg(rd.U8())
	copy(r.KeyID[:], rd.Raw(len(r.KeyID)))
	r.Signature = rd.Bytes8()
	if rd.Err() == nil && rd.Remaining() != 0 {
		rd.Fail(errors.New("trailing bytes"))
	}
	if err := rd.Err(); err != nil {
		return nil, fmt.Errorf("%w: receipt: %v", ErrInvalid, err)
	}
	return r, nil
}

// ReceiptVerifier checks receipts on the server.
type ReceiptVerifier struct {
	Devices *sigalg.KeySet // registered agent device keys
	Guard   ReplayGuard    // accepts each ticket's receipt once
	Now     func() time.Time
	Skew    time.Duration // allowed clock difference; 0 means one minute
}

// Verify checks a receipt token against the ticket it answers and claims
// the ticket nonce in the replay guard. It returns the receipt only if the
// card was written with exactly the record the ticket authorised.
func (v *ReceiptVerifier) Verify(ctx context.Context, token string, t *Ticket) (*Receipt, error) {
	r, err := ParseReceipt(token)
	if err != nil {
		return nil, err
	}
	msg, err := r.signingBytes()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if err := v.Devices.Verify(r.KeyID, r.SigAlg, msg, r.Signature); err != nil {
		return nil, fmt.Errorf("%w: receipt: %v", ErrInvalid, err)
	}
	if t.Device != (sigalg.KeyID{}) && r.KeyID != t.Device {
		return nil, fmt.Errorf("%w: receipt from device %s, ticket was for %s", ErrInvalid, r.KeyID, t.Device)
	}
	if !bytes.Equal(r.TicketNonce, t.Nonce) {
		return nil, fmt.Errorf("%w: receipt answers another ticket", ErrInvalid)
	}
	if !bytes.Equal(r.CardUID, t.CardUID) {
		return nil, fmt.Errorf("%w: receipt is for card %X, ticket for %X", ErrWrongCard, r.CardUID, t.CardUID)
	}
	if r.HashAlg != t.HashAlg || !bytes.Equal(r.ReadbackHash, t.RecordHash) {
		return nil, ErrReadbackMismatch
	}
	now := time.Now()
	if v.Now != nil {
		now = v.Now()
	}
	skew := v.Skew
	if skew == 0 {
		skew = time.Minute
	}
	until := t.ExpiresAt.Add(ReceiptGrace)
	if r.Time.Before(t.IssuedAt.Add(-skew)) || r.Time.After(t.ExpiresAt.Add(skew)) {
		return nil, fmt.Errorf("%w: receipt time %s outside the ticket's validity", ErrInvalid, r.Time.UTC().Format(time.RFC3339))
	}
	if now.After(until) {
		return nil, fmt.Errorf("%w: receipt arrived after %s", ErrExpired, until.UTC().Format(time.RFC3339))
	}
	// Claim last, so a forged or mismatched receipt cannot burn the nonce
	// of a genuine one still on its way.
	if err := v.Guard.Claim(ctx, r.TicketNonce, until); err != nil {
		return nil, err
	}
	return r, nil
}
