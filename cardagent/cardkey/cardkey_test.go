package cardkey

import (
	"bytes"
	"testing"

	"github.com/lecms/lecms/cardagent/sigalg"
)

var master = bytes.Repeat([]byte{0x5a}, 32)

func TestDifferentUIDsGiveDifferentKeys(t *testing.T) {
	for _, alg := range []sigalg.HashAlg{sigalg.SHA256, sigalg.SM3} {
		seen := map[Key][]byte{}
		for i := 0; i < 1000; i++ {
			uid := []byte{0x04, byte(i >> 8), byte(i), 0x11}
			k, err := Derive(alg, master, uid)
			if err != nil {
				t.Fatal(err)
			}
			if prev, dup := seen[k]; dup {
				t.Fatalf("%s: uid %x and %x share key %s", alg, prev, uid, k)
			}
			seen[k] = uid
		}
	}
}

func TestDeriveIsDeterministicAndDependsOnEverything(t *testing.T) {
	uid := []byte{0x04, 0xa1, 0xb2, 0xc3}
	k1, _ := Derive(sigalg.SHA256, master, uid)
	k2, _ := Derive(sigalg.SHA256, master, uid)
	if k1 != k2 {
		t.Fatal("same input, different keys")
	}
	kSM3, _ := Derive(sigalg.SM3, master, uid)
	if kSM3 == k1 {
		t.Fatal("SM3 and SHA-256 derivations agree")
	}
	otherMaster := bytes.Repeat([]byte{0xa5}, 32)
	kOther, _ := Derive(sigalg.SHA256, otherMaster, uid)
	if kOther == k1 {
		t.Fatal("master secret does not matter")
	}
	// A 7-byte UID that starts with a 4-byte one must not collide with it
	// (the length prefix is there for that).
	k7, _ := Derive(sigalg.SHA256, master, append(bytes.Clone(uid), 0, 0, 0))
	if k7 == k1 {
		t.Fatal("uid prefix collides")
	}
}

func TestDeriveKnownAnswer(t *testing.T) {
	// Pinned so a change to the derivation (which would lock every issued
	// card) fails loudly. Value cross-checked with Python hmac/hashlib.
	k, err := Derive(sigalg.SHA256, master, []byte{1, 2, 3, 4})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := k.String(), "533d5845306d"; got != want {
		t.Fatalf("derived %s, pinned %s", got, want)
	}
}

func TestDeriveRejectsBadInput(t *testing.T) {
	if _, err := Derive(sigalg.SHA256, []byte("short"), []byte{1}); err == nil {
		t.Fatal("short master accepted")
	}
	if _, err := Derive(sigalg.SHA256, master, nil); err == nil {
		t.Fatal("empty uid accepted")
	}
	if _, err := Derive(sigalg.HashAlg(9), master, []byte{1}); err == nil {
		t.Fatal("unknown algorithm accepted")
	}
}

func TestParseKey(t *testing.T) {
	k, err := ParseKey("A0A1A2A3A4A5")
	if err != nil || k != (Key{0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5}) {
		t.Fatalf("ParseKey = %v, %v", k, err)
	}
	if _, err := ParseKey("A0A1"); err == nil {
		t.Fatal("short key accepted")
	}
}
