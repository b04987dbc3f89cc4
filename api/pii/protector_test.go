package pii

import (
	"bytes"
	"testing"
)

func testKey(b byte) []byte { return bytes.Repeat([]byte{b}, 32) }

func TestSealOpenRoundTrip(t *testing.T) {
	for _, alg := range []string{AES256GCM, SM4GCM} {
		t.Run(alg, func(t *testing.T) {
			p, err := New(alg, testKey(7))
			if err != nil {
				t.Fatal(err)
			}
			aad := []byte("officers.id_number")
			a, b := p.Seal("370102198001011234", aad), p.Seal("370102198001011234", aad)
			if bytes.Equal(a, b) {
				t.Fatal("two seals of one value are equal: nonce reuse")
			}
			if bytes.Contains(a, []byte("370102")) {
				t.Fatal("ciphertext contains plaintext")
			}
			got, err := p.Open(a, aad)
			if err != nil || got != "370102198001011234" {
				t.Fatalf("Open = %q, %v", got, err)
			}
			if _, err := p.Open(a, []byte("other.column")); err == nil {
				t.Fatal("opened with the wrong associated data")
			}
			a[len(a)-1] ^= 1
			if _, err := p.Open(a, aad); err == nil {
				t.Fatal("opened a tampered ciphertext")
			}
			if _, err := p.Open([]byte{1, 2}, aad); err == nil {
				t.Fatal("opened a truncated ciphertext")
			}
		})
	}
}

func TestBlindIndexIsKeyedAndDeterministic(t *testing.T) {
	p1, _ := New(AES256GCM, testKey(1))
	p2, _ := New(AES256GCM, testKey(2))
	s1, _ := New(SM4GCM, testKey(1))
	v := "370102198001011234"
	if !bytes.Equal(p1.BlindIndex(v), p1.BlindIndex(v)) {
		t.Fatal("blind index not deterministic")
	}
	if bytes.Equal(p1.BlindIndex(v), p2.BlindIndex(v)) {
		t.Fatal("blind index does not depend on the key")
	}
	if bytes.Equal(p1.BlindIndex(v), s1.BlindIndex(v)) {
		t.Fatal("SM3 and SHA-256 indexes coincide")
	}
	if bytes.Equal(p1.BlindIndex(v), p1.BlindIndex(v+"0")) {
		t.Fatal("different values share an index")
	}
}

func TestNewRejectsBadInput(t *testing.T) {
	if _, err := New(AES256GCM, make([]byte, 16)); err == nil {
		t.Fatal("accepted a short key")
	}
	if _, err := New("rot13", testKey(1)); err == nil {
		t.Fatal("accepted an unknown algorithm")
	}
}

func BenchmarkSeal(b *testing.B) {
	for _, alg := range []string{AES256GCM, SM4GCM} {
		p, _ := New(alg, testKey(3))
		b.Run(alg, func(b *testing.B) {
			for b.Loop() {
				p.Seal("370102198001011234", []byte("officers.id_number"))
			}
		})
	}
}
