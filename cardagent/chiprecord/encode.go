package chiprecord

import (
	"errors"
	"fmt"

	"github.com/lecms/lecms/cardagent/internal/binenc"
)

// Layout of an encoded record (all integers big-endian):
//
//	0  magic "LC"
//	2  format version (1)
//	3  checksum algorithm (1 CRC32, 2 SM3)
//	4  body length N (uint16)
//	6  body, N bytes:
//	     seq u32 | cert no | name | unit code | area | category   (text: u8 length + UTF-8)
//	     valid until | last inspection                            (date: u16 year, u8 month, u8 day)
//	     card uid (u8 length + bytes) | signature alg u8 | key id (8 bytes)
//	     signature (u8 length + bytes)
//	6+N checksum over bytes [0, 6+N), 4 bytes
//
// The signature covers signingDomain, the format version and the body up to
// and including the key id, so a signature cannot be replayed onto another
// record type or another field layout.
const (
	magic0, magic1 = 'L', 'C'
	headerSize     = 6
	signingDomain  = "LECMS chip record\x00"
)

var (
	// ErrEmpty means the bytes do not start like a record at all: an unused
	// slot (zeros, 0xFF) or foreign data.
	ErrEmpty = errors.New("chiprecord: no record")
	// ErrCorrupt means the bytes start like a record but are incomplete or
	// damaged: typically a write torn off by pulling the card.
	ErrCorrupt = errors.New("chiprecord: corrupt record")
	// ErrTooLarge means the record does not fit MaxEncodedSize.
	ErrTooLarge = errors.New("chiprecord: record too large for a card slot")
)

// body encodes the body; with sig false it stops before the signature,
// which is the part the signature covers.
func (r *Record) body(sig bool) ([]byte, error) {
	if !r.ValidUntil.valid() || !r.LastInspection.valid() {
		return nil, errors.New("chiprecord: invalid date")
	}
	if r.ValidUntil.IsZero() {
		return nil, errors.New("chiprecord: valid-until date is required")
	}
	if r.CertNo == "" {
		return nil, errors.New("chiprecord: certificate number is required")
	}
	w := binenc.NewWriter(make([]byte, 0, MaxEncodedSize))
	w.U32(r.Seq)
	w.String8("certificate number", r.CertNo)
	w.String8("name", r.Name)
	w.String8("unit code", r.UnitCode)
	w.String8("enforcement area", r.Area)
	w.String8("enforcement category", r.Category)
	writeDate(w, r.ValidUntil)
	writeDate(w, r.LastInspection)
	w.Bytes8("card uid", r.CardUID)
	w.U8(uint8(r.SigAlg))
	w.Raw(r.KeyID[:])
	if sig {
		w.Bytes8("signature", r.Signature)
	}
	if err := w.Err(); err != nil {
		return nil, fmt.Errorf("chiprecord: %w", err)
	}
	return w.Bytes(), nil
}

func writeDate(w *binenc.Writer, d Date) {
	w.U16(uint16(d.Year))
	w.U8(uint8(d.Month))
	w.U8(uint8(d.Day))
}

// SigningBytes returns the bytes the provincial signature covers.
func (r *Record) SigningBytes() ([]byte, error) {
	b, err := r.body(false)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(signingDomain)+1+len(b))
	out = append(out, signingDomain...)
	out = append(out, FormatVersion)
	return append(out, b...), nil
}

// Encode returns the slot bytes of a signed record.
func Encode(r *Record, c ChecksumAlg) ([]byte, error) {
	if !r.Signed() {
		return nil, errors.New("chiprecord: refusing to encode an unsigned record")
	}
	body, err := r.body(true)
	if err != nil {
		return nil, err
	}
	total := headerSize + len(body) + checksumSize
	if total > MaxEncodedSize {
		return nil, fmt.Errorf("%w: %d bytes, at most %d", ErrTooLarge, total, MaxEncodedSize)
	}
	out := make([]byte, 0, total)
	out = append(out, magic0, magic1, FormatVersion, byte(c), byte(len(body)>>8), byte(len(body)))
	out = append(out, body...)
	sum, err := c.sum(out)
	if err != nil {
		return nil, fmt.Errorf("chiprecord: %w", err)
	}
	return append(out, sum[:]...), nil
}
