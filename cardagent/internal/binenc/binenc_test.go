package binenc

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	w := NewWriter(nil)
	w.U8(7)
	w.U16(0xbeef)
	w.U32(0xdeadbeef)
	w.I64(-5)
	w.Bytes8("b", []byte{1, 2, 3})
	w.String8("s", "济南")
	if w.Err() != nil {
		t.Fatal(w.Err())
	}
	r := NewReader(w.Bytes())
	if r.U8() != 7 || r.U16() != 0xbeef || r.U32() != 0xdeadbeef || r.I64() != -5 ||
		!bytes.Equal(r.Bytes8(), []byte{1, 2, 3}) || r.String8("s") != "济南" || r.Err() != nil {
		t.Fatal("round trip failed")
	}
	if r.Remaining() != 0 {
		t.Fatal("bytes left over")
	}
}

func TestErrors(t *testing.T) {
	w := NewWriter(nil)
	w.Bytes8("big", make([]byte, 256))
	w.U8(1)
	if w.Err() == nil || w.Len() != 0 {
		t.Fatal("oversized field accepted or later write not suppressed")
	}
	w = NewWriter(nil)
	w.String8("bad", "\xff")
	if w.Err() == nil {
		t.Fatal("invalid UTF-8 accepted")
	}
	r := NewReader([]byte{5, 1, 2})
	r.Bytes8()
	if !errors.Is(r.Err(), ErrShort) {
		t.Fatalf("err = %v", r.Err())
	}
	r = NewReader([]byte{1, 0xff})
	r.String8("name")
	if r.Err() == nil || !strings.Contains(r.Err().Error(), "name") {
		t.Fatalf("err = %v", r.Err())
	}
}
