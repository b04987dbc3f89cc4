package ticket

import (
	"context"
	"encoding/binary"
	"testing"
	"time"

	"github.com/lecms/lecms/cardagent/sigalg"
)

// The server issues a ticket and verifies a receipt per card written; the
// target is over 5,000 of each per second per core. Run with
//
//	go test -run=^$ -bench=. -cpu=1 ./cardagent/ticket
func BenchmarkIssueTicket(b *testing.B) {
	for _, alg := range []sigalg.Alg{sigalg.Ed25519, sigalg.SM2} {
		b.Run(alg.String(), func(b *testing.B) {
			f := newFixture(b, alg)
			req := Request{Purpose: Sync, CertNo: "37010201000123", CardUID: f.uid, Record: f.record, HashAlg: sigalg.SHA256}
			b.ReportAllocs()
			for b.Loop() {
				tk, err := f.issuer.Issue(req)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := tk.Encode(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "tickets/s")
		})
	}
}

func BenchmarkVerifyReceipt(b *testing.B) {
	for _, alg := range []sigalg.Alg{sigalg.Ed25519, sigalg.SM2} {
		b.Run(alg.String(), func(b *testing.B) {
			f := newFixture(b, alg)
			tk := f.issue(b, sigalg.SHA256)
			rv := &ReceiptVerifier{
				Devices: sigalg.NewKeySet(f.device.Public()),
				Guard:   NewMemoryGuard(func() time.Time { return t0 }),
				Now:     func() time.Time { return t0.Add(time.Minute) },
			}
			r, err := NewReceipt(f.device, tk, f.uid, f.record, 0, 1, t0.Add(time.Second))
			if err != nil {
				b.Fatal(err)
			}
			tok, _ := r.Encode()
			ctx := context.Background()
			b.ReportAllocs()
			i := uint64(0)
			for b.Loop() {
				// Every receipt is genuine and verified in full; only the
				// replay guard is told a fresh nonce, as the real server's
				// would be for a fresh ticket.
				if _, err := verifyWithNonce(ctx, rv, tok, tk, i); err != nil {
					b.Fatal(err)
				}
				i++
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "receipts/s")
		})
	}
}

// verifyWithNonce runs Verify with a guard keyed on a counter so the
// benchmark can reuse one signed receipt without tripping replay detection.
func verifyWithNonce(ctx context.Context, rv *ReceiptVerifier, tok string, tk *Ticket, i uint64) (*Receipt, error) {
	g := counterGuard{inner: rv.Guard, i: i}
	v := *rv
	v.Guard = g
	return v.Verify(ctx, tok, tk)
}

type counterGuard struct {
	inner ReplayGuard
	i     uint64
}

func (g counterGuard) Claim(ctx context.Context, nonce []byte, until time.Time) error {
	return g.inner.Claim(ctx, binary.BigEndian.AppendUint64(append([]byte(nil), nonce...), g.i), until)
}
