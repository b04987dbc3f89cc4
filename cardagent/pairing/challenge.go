package pairing

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
)

// NonceSize is the length of challenge nonces.
const NonceSize = 32

// authLabel separates this HMAC from any other use of the secret.
const authLabel = "LECMS card agent auth v1"

// NewNonce returns a fresh challenge nonce.
func NewNonce() []byte {
	n := make([]byte, NonceSize)
	if _, err := rand.Read(n); err != nil {
		panic("pairing: crypto/rand failed: " + err.Error()) // never happens on supported systems
	}
	return n
}

// Response is the answer to a challenge: HMAC-SHA256 keyed with the
// pairing secret over the label, a zero byte and the nonce. In the SPA:
//
//	const key = await crypto.subtle.importKey("raw", secret, {name: "HMAC", hash: "SHA-256"}, false, ["sign"]);
//	const msg = concat(utf8("LECMS card agent auth v1"), [0], nonce);
//	const response = new Uint8Array(await crypto.subtle.sign("HMAC", key, msg));
func Response(secret, nonce []byte) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(authLabel))
	m.Write([]byte{0})
	m.Write(nonce)
	return m.Sum(nil)
}
