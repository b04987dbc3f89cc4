// Package binenc is the tiny length-prefixed binary codec shared by chip
// records, write tickets and receipts. Every variable-length field carries a
// one-byte length, which keeps records compact enough for a MIFARE Classic
// sector chain and makes the encoding canonical: one value, one byte string,
// so signatures over the encoding are unambiguous.
package binenc

import (
	"encoding/binary"
	"errors"
	"fmt"
	"unicode/utf8"
)

// ErrShort is returned when the input ends inside a field.
var ErrShort = errors.New("binenc: input ends inside a field")

// Writer appends fields to a buffer. The first error sticks and later
// writes do nothing, so callers check Err once at the end.
type Writer struct {
	buf []byte
	err error
}

// NewWriter returns a Writer appending to buf (which may be nil).
func NewWriter(buf []byte) *Writer { return &Writer{buf: buf} }

func (w *Writer) Bytes() []byte { return w.buf }
func (w *Writer) Err() error    { return w.err }
func (w *Writer) Len() int      { return len(w.buf) }

func (w *Writer) U8(v uint8) {
	if w.err == nil {
		w.buf = append(w.buf, v)
	}
}

func (w *Writer) U16(v uint16) {
	if w.err == nil {
		w.buf = binary.BigEndian.AppendUint16(w.buf, v)
	}
}

func (w *Writer) U32(v uint32) {
	if w.err == nil {
		w.buf = binary.BigEndian.AppendUint32(w.buf, v)
	}
}

func (w *Writer) I64(v int64) {
	if w.err == nil {
		w.buf = binary.BigEndian.AppendUint64(w.buf, uint64(v))
	}
}

// Raw appends b without a length.
func (w *Writer) Raw(b []byte) {
	if w.err == nil {
		w.buf = append(w.buf, b...)
	}
}

// Bytes8 appends a one-byte length then b; name is for the error message.
func (w *Writer) Bytes8(name string, b []byte) {
	if w.err != nil {
		return
	}
	if len(b) > 255 {
		w.err = fmt.Errorf("%s: %d bytes, at most 255 fit", name, len(b))
		return
	}
	w.buf = append(w.buf, byte(len(b)))
	w.buf = append(w.buf, b...)
}

// String8 is Bytes8 for UTF-8 text.
func (w *Writer) String8(name, s string) {
	if w.err == nil && !utf8.ValidString(s) {
		w.err = fmt.Errorf("%s: not valid UTF-8", name)
		return
	}
	w.Bytes8(name, []byte(s))
}

// Reader reads fields from a byte string with a sticky error, like Writer.
type Reader struct {
	buf []byte
	off int
	err error
}

func NewReader(b []byte) *Reader { return &Reader{buf: b} }

func (r *Reader) Err() error { return r.err }

// Offset is how many bytes have been consumed.
func (r *Reader) Offset() int { return r.off }

// Remaining is how many bytes are left.
func (r *Reader) Remaining() int { return len(r.buf) - r.off }

func (r *Reader) take(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n > len(r.buf)-r.off {
		r.err = ErrShort
		return nil
	}
	b := r.buf[r.off : r.off+n]
	r.off += n
	return b
}

func (r *Reader) U8() uint8 {
	if b := r.take(1); b != nil {
		return b[0]
	}
	return 0
}

func (r *Reader) U16() uint16 {
	if b := r.take(2); b != nil {
		return binary.BigEndian.Uint16(b)
	}
	return 0
}

func (r *Reader) U32() uint32 {
	if b := r.take(4); b != nil {
		return binary.BigEndian.Uint32(b)
	}
	return 0
}

func (r *Reader) I64() int64 {
	if b := r.take(8); b != nil {
		return int64(binary.BigEndian.Uint64(b))
	}
	return 0
}

// Raw returns the next n bytes (a copy).
func (r *Reader) Raw(n int) []byte {
	if b := r.take(n); b != nil {
		return append([]byte(nil), b...)
	}
	return nil
}

// Bytes8 reads a one-byte length and that many bytes (a copy).
func (r *Reader) Bytes8() []byte {
	n := int(r.U8())
	return r.Raw(n)
}

// String8 reads a Bytes8 field holding UTF-8 text.
func (r *Reader) String8(name string) string {
	b := r.Bytes8()
	if r.err == nil && !utf8.Valid(b) {
		r.err = fmt.Errorf("%s: not valid UTF-8", name)
	}
	return string(b)
}

// Fail sets the sticky error if none is set yet.
func (r *Reader) Fail(err error) {
	if r.err == nil {
		r.err = err
	}
}
