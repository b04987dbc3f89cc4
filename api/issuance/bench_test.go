package issuance

import (
	"context"
	"crypto/rand"
	"testing"
	"time"

	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/store"
	"github.com/lecms/lecms/cardagent/chiprecord"
	"github.com/lecms/lecms/cardagent/sigalg"
	"github.com/lecms/lecms/cardagent/ticket"
)

// The server's cryptographic work per card: build and sign the chip record,
// derive the MIFARE key, sign and encode the ticket; then, when the receipt
// comes back, parse the stored ticket and verify the receipt (signature,
// binding, times, replay claim). The agent's receipt signing is not the
// server's work and is left out of the timing. Target: over 5,000 cards
// per second per core.
//
//	go test -run '^$' -bench ServerTicketAndReceipt -cpu 1 ./api/issuance
func BenchmarkServerTicketAndReceipt(b *testing.B) {
	for _, alg := range []sigalg.Alg{sigalg.Ed25519, sigalg.SM2} {
		b.Run(alg.String(), func(b *testing.B) {
			cfg := KeyConfig{SigAlg: alg, HashAlg: sigalg.SHA256, Checksum: chiprecord.CRC32}
			if alg == sigalg.SM2 {
				cfg.HashAlg, cfg.Checksum = sigalg.SM3, chiprecord.SM3
			}
			keys, err := LoadKeys(context.Background(), cfg, &memKeys{}, nil)
			if err != nil {
				b.Fatal(err)
			}
			device, _ := sigalg.Generate(alg, rand.Reader)
			devices := sigalg.NewKeySet(device.Public())
			sub := store.ChipSubject{CertNo: "370102ZF000913", OfficerName: "王小明", UnitCode: "A00001", Area: "济南市历下区",
				Category: "市场监管、食品安全"}
			w := written{purpose: ticket.Issue, seq: 1, validUntil: domain.MustDate("2028-11-26"), lastInspection: domain.MustDate("2026-11-26")}
			uid := []byte{0x5C, 0x1D, 0x2E, 0x3F}
			guard := ticket.NewMemoryGuard(nil)
			ctx := context.Background()
			const chunk = 256
			signed := make([]Signed, chunk)
			receipts := make([]string, chunk)
			b.ReportAllocs()
			b.ResetTimer()
			for done := 0; done < b.N; done += chunk {
				n := min(chunk, b.N-done)
				for i := range n { // server: record and ticket
					if signed[i], err = keys.Sign(sub, uid, w, device.KeyID(), time.Now); err != nil {
						b.Fatal(err)
					}
				}
				b.StopTimer() // agent: write the card, sign the receipt
				for i := range n {
					r, err := ticket.NewReceipt(device, signed[i].Ticket, uid, signed[i].Record, 0, 1, time.Now())
					if err != nil {
						b.Fatal(err)
					}
					receipts[i], _ = r.Encode()
				}
				b.StartTimer()
				for i := range n { // server: the stored ticket and the receipt
					t, err := ticket.Parse(signed[i].Token)
					if err != nil {
						b.Fatal(err)
					}
					rv := ticket.ReceiptVerifier{Devices: devices, Guard: guard}
					if _, err := rv.Verify(ctx, receipts[i], t); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "cards/s")
		})
	}
}
