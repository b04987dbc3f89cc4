package chiprecord

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"time"

	"github.com/lecms/lecms/cardagent/internal/binenc"
	"github.com/lecms/lecms/cardagent/sigalg"
)

// EncodedLen reads the header at the start of b and returns the length of
// the whole encoded record, so a card reader can fetch exactly that many
// bytes. It returns ErrEmpty if b does not start with a record header.
func EncodedLen(b []byte) (int, error) {
	if len(b) < headerSize {
		return 0, fmt.Errorf("%w: %d bytes is shorter than a header", ErrCorrupt, len(b))
	}
	if b[0] != magic0 || b[1] != magic1 {
		return 0, ErrEmpty
	}
	if b[2] != FormatVersion {
		return 0, fmt.Errorf("%w: format version %d not supported", ErrCorrupt, b[2])
	}
	n := headerSize + int(binary.BigEndian.Uint16(b[4:6])) + checksumSize
	if n > MaxEncodedSize {
		return 0, fmt.Errorf("%w: length %d exceeds %d", ErrCorrupt, n, MaxEncodedSize)
	}
	return n, nil
}

// Decode parses the record at the start of b (trailing bytes, such as the
// rest of a slot, are ignored) and checks its checksum. It does not check
// the signature: see Verify.
func Decode(b []byte) (*Record, error) {
	n, err := EncodedLen(b)
	if err != nil {
		return nil, err
	}
	if len(b) < n {
		return nil, fmt.Errorf("%w: %d bytes, header says %d", ErrCorrupt, len(b), n)
	}
	b = b[:n]
	want, err := ChecksumAlg(b[3]).sum(b[:n-checksumSize])
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	if !bytes.Equal(want[:], b[n-checksumSize:]) {
		return nil, fmt.Errorf("%w: checksum mismatch", ErrCorrupt)
	}
	rd := binenc.NewReader(b[headerSize : n-checksumSize])
	r := &Record{}
	r.Seq = rd.U32()
	r.CertNo = rd.String8("certificate number")
	r.Name = rd.String8("name")
	r.UnitCode = rd.String8("unit code")
	r.Area = rd.String8("enforcement area")
	r.Category = rd.String8("enforcement category")
	r.ValidUntil = readDate(rd)
	r.LastInspection = readDate(rd)
	r.CardUID = rd.Bytes8()
	r.SigAlg = sigalg.Alg(rd.U8())
	copy(r.KeyID[:], rd.Raw(len(r.KeyID)))
	r.Signature = rd.Bytes8()
	if rd.Err() == nil && rd.Remaining() != 0 {
		rd.Fail(fmt.Errorf("%d stray bytes after the signature", rd.Remaining()))
	}
	if rd.Err() == nil && (!r.ValidUntil.valid() || !r.LastInspection.valid()) {
		rd.Fail(fmt.Errorf("invalid date"))
	}
	if err := rd.Err(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	return r, nil
}

func readDate(rd *binenc.Reader) Date {
	return Date{Year: int(rd.U16()), Month: time.Month(rd.U8()), Day: int(rd.U8())}
}
