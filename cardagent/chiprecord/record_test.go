package chiprecord

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/lecms/lecms/cardagent/sigalg"
)

func TestEncodeDecodeRoundTrip(t *testing.T) {
	for _, alg := range []sigalg.Alg{sigalg.Ed25519, sigalg.SM2} {
		for _, c := range []ChecksumAlg{CRC32, SM3} {
			t.Run(alg.String()+"/"+c.String(), func(t *testing.T) {
				s := newSigner(t, alg)
				in := sampleRecord(7)
				b := encodeSigned(t, in, s, c)
				if len(b) > MaxEncodedSize {
					t.Fatalf("sample record is %d bytes", len(b))
				}
				// Trailing slot bytes must be ignored.
				out, err := Decode(append(bytes.Clone(b), make([]byte, 40)...))
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(in, out) {
					t.Fatalf("round trip:\n in  %+v\n out %+v", in, out)
				}
				if err := Verify(out, sigalg.NewKeySet(s.Public())); err != nil {
					t.Fatal(err)
				}
				if n, _ := EncodedLen(b); n != len(b) {
					t.Fatalf("EncodedLen = %d, want %d", n, len(b))
				}
			})
		}
	}
}

func TestEncodingIsPinned(t *testing.T) {
	// The layout is a contract with cards already in the field.
	r := &Record{Seq: 1, CertNo: "N", ValidUntil: Date{2030, 1, 2}, SigAlg: sigalg.Ed25519, Signature: []byte{0xee}}
	b, err := Encode(r, CRC32)
	if err != nil {
		t.Fatal(err)
	}
	want := []byte{
		'L', 'C', 1, 1, 0, 30, // header, body length 30
		0, 0, 0, 1, // seq
		1, 'N', 0, 0, 0, 0, // cert no, name, unit, area, category
		0x07, 0xee, 1, 2, // valid until 2030-01-02
		0, 0, 0, 0, // last inspection: none
		0,                      // card uid: empty
		1,                      // ed25519
		0, 0, 0, 0, 0, 0, 0, 0, // key id
		1, 0xee, // signature
	}
	if !bytes.Equal(b[:len(b)-4], want) {
		t.Fatalf("encoding\n got  % x\n want % x", b[:len(b)-4], want)
	}
}

func TestTamperedRecordFailsChecksumOrSignature(t *testing.T) {
	s := newSigner(t, sigalg.Ed25519)
	keys := sigalg.NewKeySet(s.Public())
	b := encodeSigned(t, sampleRecord(3), s, CRC32)
	for i := range b {
		for _, bit := range []byte{0x01, 0x80} {
			m := bytes.Clone(b)
			m[i] ^= bit
			r, err := Decode(m)
			if err != nil {
				continue // checksum or structure caught it
			}
			if Verify(r, keys) == nil {
				t.Fatalf("flipping bit %#x of byte %d went unnoticed", bit, i)
			}
		}
	}
	// A checksum recomputed by an attacker still leaves the signature.
	r := sampleRecord(3)
	_ = Sign(r, s)
	r.LastInspection = Date{2028, 6, 30}
	forged, err := Encode(r, CRC32)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Decode(forged)
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify(got, keys); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("forged inspection date: Verify = %v", err)
	}
}

func TestEveryTruncationIsCorrupt(t *testing.T) {
	b := encodeSigned(t, sampleRecord(3), newSigner(t, sigalg.SM2), SM3)
	for n := 0; n < len(b); n++ {
		if _, err := Decode(b[:n]); err == nil {
			t.Fatalf("truncated to %d bytes decodes", n)
		}
	}
}

func TestEmptySlots(t *testing.T) {
	for _, b := range [][]byte{make([]byte, 64), bytes.Repeat([]byte{0xff}, 64)} {
		if _, err := Decode(b); !errors.Is(err, ErrEmpty) {
			t.Fatalf("Decode(% x...) = %v, want ErrEmpty", b[:4], err)
		}
	}
}

func TestEncodeRefusals(t *testing.T) {
	r := sampleRecord(1)
	if _, err := Encode(r, CRC32); err == nil {
		t.Fatal("unsigned record encoded")
	}
	r.Signature = make([]byte, 64)
	r.Category = strings.Repeat("食品药品安全监督管理", 8) // 240 bytes
	if _, err := Encode(r, CRC32); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("oversized record: %v", err)
	}
	r = sampleRecord(1)
	r.Signature = []byte{1}
	r.ValidUntil = Date{2030, 2, 30}
	if _, err := Encode(r, CRC32); err == nil {
		t.Fatal("February 30th accepted")
	}
	r.ValidUntil = Date{}
	if _, err := Encode(r, CRC32); err == nil {
		t.Fatal("missing valid-until accepted")
	}
}

func TestDateText(t *testing.T) {
	d, err := ParseDate("2026-06-30")
	if err != nil || d != (Date{2026, 6, 30}) || d.String() != "2026-06-30" {
		t.Fatalf("ParseDate = %v %v", d, err)
	}
	if z, err := ParseDate(""); err != nil || !z.IsZero() || z.String() != "" {
		t.Fatal("empty date")
	}
	if _, err := ParseDate("2026-13-01"); err == nil {
		t.Fatal("month 13 accepted")
	}
}

func FuzzDecode(f *testing.F) {
	s := newSigner(f, sigalg.Ed25519)
	f.Add(encodeSigned(f, sampleRecord(1), s, CRC32))
	f.Add([]byte{'L', 'C', 1, 1, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := Decode(b)
		if err != nil {
			return
		}
		// Whatever decodes must re-encode to the same bytes (canonical form).
		out, err := Encode(r, ChecksumAlg(b[3]))
		if err != nil {
			t.Fatalf("decoded record does not re-encode: %v", err)
		}
		if n, _ := EncodedLen(b); !bytes.Equal(out, b[:n]) {
			t.Fatalf("re-encoding differs")
		}
	})
}
