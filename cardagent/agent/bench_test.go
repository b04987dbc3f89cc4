package agent_test

import (
	"context"
	"crypto/rand"
	"io"
	"log/slog"
	"testing"

	"github.com/lecms/lecms/cardagent/agent"
	"github.com/lecms/lecms/cardagent/internal/fakeserver"
	"github.com/lecms/lecms/cardagent/sigalg"
	"github.com/lecms/lecms/cardagent/ticket"
	"github.com/lecms/lecms/cardagent/vcard"
)

// BenchmarkIssueAndVerify measures the agent's and the server's work for
// issuing one record once the card is on the reader: record signing,
// ticket, the agent's checks and card I/O (in memory, so PC/SC latency is
// excluded; the e2e suite logs the figure through real pcscd), receipt
// verification.
func BenchmarkIssueAndVerify(b *testing.B) {
	for name, mk := range map[string]func() vcard.Card{
		"iso":    func() vcard.Card { return vcard.NewISO(isoUID) },
		"mifare": func() vcard.Card { return vcard.NewMifare(mifareUID) },
	} {
		b.Run(name, func(b *testing.B) {
			auth, _ := fakeserver.New(sigalg.Ed25519)
			device, _ := sigalg.Generate(sigalg.Ed25519, rand.Reader)
			stack := vcard.NewStack(readerA)
			a, err := agent.New(agent.Config{
				Provider: stack, TicketKeys: sigalg.NewKeySet(auth.TicketKey.Public()),
				RecordKeys: sigalg.NewKeySet(auth.RecordKey.Public()), Device: device,
				Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
			})
			if err != nil {
				b.Fatal(err)
			}
			rv := &ticket.ReceiptVerifier{Devices: sigalg.NewKeySet(device.Public()), Guard: ticket.NewMemoryGuard(nil)}
			ctx := context.Background()
			for b.Loop() {
				b.StopTimer()
				c := mk()
				_ = stack.Insert(readerA, c)
				uid := map[string][]byte{"iso": isoUID, "mifare": mifareUID}[name]
				b.StartTimer()

				rec, err := auth.Sign(fakeserver.SampleRecord("37010200000042", uid, 1, d2024))
				if err != nil {
					b.Fatal(err)
				}
				tok, tk, err := auth.Ticket(ticket.Issue, uid, rec, fakeserver.TicketOptions{})
				if err != nil {
					b.Fatal(err)
				}
				res, err := a.Write(ctx, agent.WriteRequest{Purpose: ticket.Issue, Ticket: tok, Record: rec})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := rv.Verify(ctx, res.Receipt, tk); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
