package chiprecord

import (
	"crypto/rand"
	"testing"

	"github.com/lecms/lecms/cardagent/sigalg"
)

func sampleRecord(seq uint32) *Record {
	return &Record{
		Seq:            seq,
		CertNo:         "37010201000123",
		Name:           "张三丰",
		UnitCode:       "A00001",
		Area:           "济南市历下区",
		Category:       "市场监管",
		ValidUntil:     Date{2030, 6, 30},
		LastInspection: Date{2026, 6, 30},
		CardUID:        []byte{0x04, 0xa1, 0xb2, 0xc3},
	}
}

func newSigner(t testing.TB, alg sigalg.Alg) sigalg.Signer {
	t.Helper()
	s, err := sigalg.Generate(alg, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func encodeSigned(t testing.TB, r *Record, s sigalg.Signer, c ChecksumAlg) []byte {
	t.Helper()
	if err := Sign(r, s); err != nil {
		t.Fatal(err)
	}
	b, err := Encode(r, c)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
