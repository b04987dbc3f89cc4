package ticket

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"testing"
	"time"

	"github.com/lecms/lecms/cardagent/sigalg"
)

var t0 = time.Date(2026, 6, 30, 9, 0, 0, 0, time.UTC)

type fixture struct {
	server, device sigalg.Signer
	record         []byte
	uid            []byte
	issuer         *Issuer
	verifier       *Verifier
}

func newFixture(t testing.TB, alg sigalg.Alg) *fixture {
	t.Helper()
	server, err := sigalg.Generate(alg, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	device, err := sigalg.Generate(alg, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{
		server: server, device: device,
		record:   []byte("LC\x01\x01 pretend this is an encoded chip record"),
		uid:      []byte{0x04, 0xa1, 0xb2, 0xc3},
		issuer:   &Issuer{Signer: server, Now: func() time.Time { return t0 }},
		verifier: &Verifier{Keys: sigalg.NewKeySet(server.Public()), Device: device.KeyID(), Now: func() time.Time { return t0.Add(time.Minute) }},
	}
}

func (f *fixture) issue(t testing.TB, hash sigalg.HashAlg) *Ticket {
	t.Helper()
	tk, err := f.issuer.Issue(Request{
		Purpose: Sync, CertNo: "37010201000123", CardUID: f.uid, Record: f.record,
		HashAlg: hash, CardKey: []byte{1, 2, 3, 4, 5, 6}, Device: f.device.KeyID(),
	})
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

func roundTrip(t testing.TB, tk *Ticket) *Ticket {
	t.Helper()
	tok, err := tk.Encode()
	if err != nil {
		t.Fatal(err)
	}
	out, err := Parse(tok)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestTicketAcceptedAndChecks(t *testing.T) {
	for _, alg := range []sigalg.Alg{sigalg.Ed25519, sigalg.SM2} {
		for _, h := range []sigalg.HashAlg{sigalg.SHA256, sigalg.SM3} {
			f := newFixture(t, alg)
			tk := roundTrip(t, f.issue(t, h))
			if err := f.verifier.Verify(tk); err != nil {
				t.Fatalf("%s/%s: %v", alg, h, err)
			}
			if err := tk.CheckCard(f.uid); err != nil {
				t.Fatal(err)
			}
			if err := tk.CheckRecord(f.record); err != nil {
				t.Fatal(err)
			}
			if tk.Purpose != Sync || !bytes.Equal(tk.CardKey, []byte{1, 2, 3, 4, 5, 6}) {
				t.Fatal("fields lost in round trip")
			}
		}
	}
}

func TestTicketExpiry(t *testing.T) {
	f := newFixture(t, sigalg.Ed25519)
	tk := f.issue(t, sigalg.SHA256)
	for _, c := range []struct {
		at   time.Time
		want error
	}{
		{t0, nil},
		{t0.Add(MaxTTL - time.Millisecond), nil},
		{t0.Add(MaxTTL), ErrExpired},
		{t0.Add(time.Hour), ErrExpired},
		{t0.Add(-30 * time.Second), nil}, // within the clock skew
		{t0.Add(-2 * time.Minute), ErrExpired},
	} {
		v := *f.verifier
		v.Now = func() time.Time { return c.at }
		if err := v.Verify(tk); !errors.Is(err, c.want) {
			t.Fatalf("at %v: %v, want %v", c.at.Sub(t0), err, c.want)
		}
	}
}

func TestTicketTamperedAnywhereIsRefused(t *testing.T) {
	f := newFixture(t, sigalg.Ed25519)
	tok, _ := f.issue(t, sigalg.SHA256).Encode()
	raw, _ := decodeToken(tok)
	for i := range raw {
		m := bytes.Clone(raw)
		m[i] ^= 0x01
		tk, err := Parse(encodeToken(m))
		if err == nil {
			err = f.verifier.Verify(tk)
		}
		if err == nil {
			t.Fatalf("flipping byte %d went unnoticed", i)
		}
		if !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrExpired) {
			t.Fatalf("byte %d: unexpected error %v", i, err)
		}
	}
	if _, err := Parse("not a ticket!"); !errors.Is(err, ErrInvalid) {
		t.Fatalf("garbage: %v", err)
	}
}

func TestTicketRefusals(t *testing.T) {
	f := newFixture(t, sigalg.Ed25519)
	tk := f.issue(t, sigalg.SHA256)

	if err := tk.CheckCard([]byte{0x04, 0xa1, 0xb2, 0xc4}); !errors.Is(err, ErrWrongCard) {
		t.Fatalf("wrong uid: %v", err)
	}
	if err := tk.CheckRecord(append(bytes.Clone(f.record), 0)); !errors.Is(err, ErrRecordMismatch) {
		t.Fatalf("wrong hash: %v", err)
	}

	// Signed by a key the agent does not trust.
	rogue, _ := sigalg.Generate(sigalg.Ed25519, rand.Reader)
	ri := *f.issuer
	ri.Signer = rogue
	rtk, _ := ri.Issue(Request{Purpose: Issue, CertNo: "X", CardUID: f.uid, Record: f.record, HashAlg: sigalg.SHA256})
	if err := f.verifier.Verify(rtk); !errors.Is(err, ErrInvalid) {
		t.Fatalf("untrusted key: %v", err)
	}

	// Bound to another device.
	other := *f.verifier
	other.Device = rogue.KeyID()
	if err := other.Verify(tk); !errors.Is(err, ErrInvalid) {
		t.Fatalf("other device: %v", err)
	}

	// A validly signed ticket living longer than MaxTTL.
	long := *tk
	long.ExpiresAt = long.IssuedAt.Add(time.Hour)
	if err := long.sign(f.server); err != nil {
		t.Fatal(err)
	}
	if err := f.verifier.Verify(&long); !errors.Is(err, ErrInvalid) {
		t.Fatalf("long ticket: %v", err)
	}
	if _, err := (&Issuer{Signer: f.server, TTL: time.Hour}).Issue(Request{Purpose: Issue, CertNo: "X", CardUID: f.uid, Record: f.record, HashAlg: sigalg.SHA256}); err == nil {
		t.Fatal("issuer made a ticket longer than MaxTTL")
	}
}

func TestReceiptVerification(t *testing.T) {
	f := newFixture(t, sigalg.Ed25519)
	tk := f.issue(t, sigalg.SHA256)
	guard := NewMemoryGuard(func() time.Time { return t0 })
	rv := &ReceiptVerifier{
		Devices: sigalg.NewKeySet(f.device.Public()),
		Guard:   guard,
		Now:     func() time.Time { return t0.Add(2 * time.Minute) },
	}
	ctx := context.Background()
	mk := func(readback []byte, uid []byte, signer sigalg.Signer) string {
		r, err := NewReceipt(signer, tk, uid, readback, 1, 9, t0.Add(time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		tok, _ := r.Encode()
		return tok
	}

	// Refusals come first: none of them may burn the nonce.
	if _, err := rv.Verify(ctx, mk(append(bytes.Clone(f.record), 1), f.uid, f.device), tk); !errors.Is(err, ErrReadbackMismatch) {
		t.Fatalf("mismatching read-back: %v", err)
	}
	if _, err := rv.Verify(ctx, mk(f.record, []byte{9, 9, 9, 9}, f.device), tk); !errors.Is(err, ErrWrongCard) {
		t.Fatalf("other card: %v", err)
	}
	rogue, _ := sigalg.Generate(sigalg.Ed25519, rand.Reader)
	if _, err := rv.Verify(ctx, mk(f.record, f.uid, rogue), tk); !errors.Is(err, ErrInvalid) {
		t.Fatalf("unregistered device: %v", err)
	}
	good := mk(f.record, f.uid, f.device)
	raw, _ := decodeToken(good)
	raw[len(raw)-70] ^= 1
	if _, err := rv.Verify(ctx, encodeToken(raw), tk); !errors.Is(err, ErrInvalid) {
		t.Fatalf("tampered receipt: %v", err)
	}
	other := f.issue(t, sigalg.SHA256)
	if _, err := rv.Verify(ctx, good, other); !errors.Is(err, ErrInvalid) {
		t.Fatalf("receipt for another ticket: %v", err)
	}
	late := *rv
	late.Now = func() time.Time { return tk.ExpiresAt.Add(ReceiptGrace + time.Second) }
	if _, err := late.Verify(ctx, good, tk); !errors.Is(err, ErrExpired) {
		t.Fatalf("late receipt: %v", err)
	}
	if guard.Len() != 0 {
		t.Fatal("a refused receipt claimed the nonce")
	}

	r, err := rv.Verify(ctx, good, tk)
	if err != nil {
		t.Fatal(err)
	}
	if r.Slot != 1 || r.Seq != 9 {
		t.Fatalf("receipt fields: %+v", r)
	}
	if _, err := rv.Verify(ctx, good, tk); !errors.Is(err, ErrReplay) {
		t.Fatalf("replayed receipt: %v", err)
	}
}

func TestMemoryGuardForgetsAfterUntil(t *testing.T) {
	now := t0
	g := NewMemoryGuard(func() time.Time { return now })
	ctx := context.Background()
	if err := g.Claim(ctx, []byte("n"), t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := g.Claim(ctx, []byte("n"), t0.Add(time.Minute)); !errors.Is(err, ErrReplay) {
		t.Fatal("second claim accepted")
	}
	now = t0.Add(2 * time.Minute)
	if g.Used([]byte("n")) {
		t.Fatal("expired nonce still reported used")
	}
	if err := g.Claim(ctx, []byte("m"), now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if g.Len() != 1 {
		t.Fatalf("expired nonce not swept: %d entries", g.Len())
	}
}
