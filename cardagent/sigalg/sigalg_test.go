package sigalg

import (
	"bytes"
	"crypto/rand"
	"testing"
)

func TestSignVerifyRoundTrip(t *testing.T) {
	for _, alg := range []Alg{Ed25519, SM2} {
		t.Run(alg.String(), func(t *testing.T) {
			s, err := Generate(alg, rand.Reader)
			if err != nil {
				t.Fatal(err)
			}
			msg := []byte("执法证 record")
			sig, err := s.Sign(msg)
			if err != nil {
				t.Fatal(err)
			}
			if !s.Public().Verify(msg, sig) {
				t.Fatal("own signature does not verify")
			}
			if s.Public().Verify([]byte("other"), sig) {
				t.Fatal("signature verifies over another message")
			}
			bad := bytes.Clone(sig)
			bad[len(bad)-1] ^= 1
			if s.Public().Verify(msg, bad) {
				t.Fatal("tampered signature verifies")
			}

			// Text forms survive a round trip with the same key id.
			priv, err := ParsePrivateKey(s.PrivateString())
			if err != nil {
				t.Fatal(err)
			}
			pub, err := ParsePublicKey(s.Public().String())
			if err != nil {
				t.Fatal(err)
			}
			if priv.KeyID() != s.KeyID() || pub.KeyID() != s.KeyID() {
				t.Fatal("key id changed through text form")
			}
			sig2, _ := priv.Sign(msg)
			if !pub.Verify(msg, sig2) {
				t.Fatal("reparsed keys do not work together")
			}
			if _, err := ParsePublicKey(s.PrivateString()); err == nil {
				t.Fatal("private key accepted as public")
			}
		})
	}
}

func TestKeySetRefusesWrongAlgAndUnknownKey(t *testing.T) {
	ed, _ := Generate(Ed25519, rand.Reader)
	other, _ := Generate(Ed25519, rand.Reader)
	set, err := ParseKeySet(ed.Public().String() + ",\n")
	if err != nil {
		t.Fatal(err)
	}
	msg := []byte("m")
	sig, _ := ed.Sign(msg)
	if err := set.Verify(ed.KeyID(), Ed25519, msg, sig); err != nil {
		t.Fatal(err)
	}
	if err := set.Verify(ed.KeyID(), SM2, msg, sig); err == nil {
		t.Fatal("accepted a signature claiming another algorithm")
	}
	osig, _ := other.Sign(msg)
	if err := set.Verify(other.KeyID(), Ed25519, msg, osig); err == nil {
		t.Fatal("accepted an untrusted key")
	}
}

func TestHashAlgs(t *testing.T) {
	// SM3("abc") from GB/T 32905 appendix A.
	want := "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
	if got := SM3.Sum([]byte("abc")); hexs(got) != want {
		t.Fatalf("SM3(abc) = %x", got)
	}
	if len(SHA256.Sum(nil)) != 32 {
		t.Fatal("sha256 size")
	}
}

func hexs(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}
