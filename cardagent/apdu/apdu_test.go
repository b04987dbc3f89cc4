package apdu

import (
	"bytes"
	"errors"
	"testing"
)

func TestParse(t *testing.T) {
	r, err := Parse([]byte{1, 2, 0x90, 0x00})
	if err != nil || !r.OK() || !bytes.Equal(r.Data, []byte{1, 2}) {
		t.Fatalf("Parse = %+v, %v", r, err)
	}
	for _, b := range [][]byte{nil, {0x90}} {
		if _, err := Parse(b); !errors.Is(err, ErrShortResponse) {
			t.Fatalf("Parse(% x) = %v", b, err)
		}
	}
	r, _ = Parse([]byte{0x6A, 0x82})
	var se *StatusError
	if err := r.Err("SELECT"); !errors.As(err, &se) || se.SW != SWFileNotFound {
		t.Fatalf("Err = %v", err)
	}
}

func TestBuilders(t *testing.T) {
	cases := []struct{ got, want []byte }{
		{SelectEF(0xEF01), []byte{0x00, 0xA4, 0x02, 0x0C, 0x02, 0xEF, 0x01}},
		{ReadBinary(0x0102, 256), []byte{0x00, 0xB0, 0x01, 0x02, 0x00}},
		{UpdateBinary(0x0200, []byte{9}), []byte{0x00, 0xD6, 0x02, 0x00, 0x01, 9}},
		{GetUID(), []byte{0xFF, 0xCA, 0x00, 0x00, 0x00}},
		{LoadKey(1, []byte{1, 2, 3, 4, 5, 6}), []byte{0xFF, 0x82, 0x00, 0x01, 0x06, 1, 2, 3, 4, 5, 6}},
		{GeneralAuthenticate(7, KeyB, 1), []byte{0xFF, 0x86, 0x00, 0x00, 0x05, 0x01, 0x00, 0x07, 0x61, 0x01}},
		{ReadBlock(4), []byte{0xFF, 0xB0, 0x00, 0x04, 0x10}},
	}
	for i, c := range cases {
		if !bytes.Equal(c.got, c.want) {
			t.Errorf("case %d: % X, want % X", i, c.got, c.want)
		}
	}
}
