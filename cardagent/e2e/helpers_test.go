package e2e

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/lecms/lecms/cardagent/agent"
	"github.com/lecms/lecms/cardagent/chiprecord"
	"github.com/lecms/lecms/cardagent/errcode"
	"github.com/lecms/lecms/cardagent/internal/agentclient"
	"github.com/lecms/lecms/cardagent/internal/fakeserver"
	"github.com/lecms/lecms/cardagent/server"
	"github.com/lecms/lecms/cardagent/sigalg"
	"github.com/lecms/lecms/cardagent/ticket"
	"github.com/lecms/lecms/cardagent/vcard"
)

// Timeouts for what pcscd needs: it polls vpcd every ~0.4 s.
const (
	eventWait = 5 * time.Second
	callWait  = 20 * time.Second
)

func ctxFor(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// client connects and authenticates with the suite's pairing. On failure
// the agent's log for the test is printed.
func (s *suite) client(t *testing.T) *agentclient.Client {
	t.Helper()
	logStart := s.agent.LogLen()
	c, _, err := agentclient.Dial(ctxFor(t, callWait), s.agent.url, spaOrigin)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c.Close()
		if t.Failed() {
			t.Logf("agent log during the test:\n%s", s.agent.LogSince(logStart))
		}
	})
	if _, err := c.Authenticate(ctxFor(t, callWait), s.pairingID, s.secret); err != nil {
		t.Fatal(err)
	}
	return c
}

func readerFor(port int) string {
	if port == vpcdPort1 {
		return reader1
	}
	return reader0
}

// inserted is a virtual card in a vpcd slot.
type inserted struct {
	in     *vcard.Inserted
	reader string
	info   *agent.CardInfo
}

// insert puts card into the vpcd slot at port and waits until the agent
// reports it. The card is taken out again when the test ends.
func (s *suite) insert(t *testing.T, c *agentclient.Client, card vcard.Card, port int) *inserted {
	t.Helper()
	in, err := vcard.Insert(ctxFor(t, callWait), fmt.Sprintf("127.0.0.1:%d", port), card)
	if err != nil {
		t.Fatal(err)
	}
	reader := readerFor(port)
	ev, err := c.WaitEvent(ctxFor(t, eventWait), agent.EventCardPresent, reader)
	if err != nil {
		in.Remove()
		t.Fatal(err)
	}
	ins := &inserted{in: in, reader: reader, info: ev.Data.Card}
	t.Cleanup(func() { s.remove(t, c, ins) })
	return ins
}

// remove takes the card out and waits until the agent has seen it go:
// pcscd keeps the old ATR if a new card arrives in a slot before it has
// seen the old one leave.
func (s *suite) remove(t *testing.T, c *agentclient.Client, ins *inserted) {
	t.Helper()
	select {
	case <-ins.in.Done():
	default:
		ins.in.Remove()
	}
	waitEmpty(t, c, ins.reader)
}

func waitEmpty(t *testing.T, c *agentclient.Client, reader string) {
	t.Helper()
	deadline := time.Now().Add(eventWait)
	for time.Now().Before(deadline) {
		var lr server.ListReadersResult
		if err := c.Call(ctxFor(t, callWait), server.TypeListReaders, nil, &lr); err != nil {
			t.Fatal(err)
		}
		for _, r := range lr.Readers {
			if r.Name == reader && r.Card == nil {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("reader %s never became empty", reader)
}

func (s *suite) record(t *testing.T, certNo string, uid []byte, seq uint32, inspected chiprecord.Date) []byte {
	t.Helper()
	b, err := s.auth.Sign(fakeserver.SampleRecord(certNo, uid, seq, inspected))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (s *suite) ticket(t *testing.T, p ticket.Purpose, uid, rec []byte, o fakeserver.TicketOptions) (string, *ticket.Ticket) {
	t.Helper()
	tok, tk, err := s.auth.Ticket(p, uid, rec, o)
	if err != nil {
		t.Fatal(err)
	}
	return tok, tk
}

func writeType(p ticket.Purpose) string {
	if p == ticket.Sync {
		return server.TypeSyncInspection
	}
	return server.TypeIssueCard
}

// write sends a write request as the SPA would, with a ticket fresh from
// the server.
func (s *suite) write(t *testing.T, c *agentclient.Client, p ticket.Purpose, reader, tok string, rec []byte) (*agent.WriteResult, error) {
	t.Helper()
	var res agent.WriteResult
	err := c.Call(ctxFor(t, callWait), writeType(p), server.WriteParams{Reader: reader, Ticket: tok, Record: rec}, &res)
	return &res, err
}

// receiptVerifier is the server's side: the registered device key and a
// replay guard (the server's database in production).
func (s *suite) receiptVerifier() *ticket.ReceiptVerifier {
	return &ticket.ReceiptVerifier{Devices: sigalg.NewKeySet(s.agent.device), Guard: ticket.NewMemoryGuard(nil)}
}

// mustWrite writes and checks the receipt like the server would.
func (s *suite) mustWrite(t *testing.T, c *agentclient.Client, rv *ticket.ReceiptVerifier, p ticket.Purpose, reader string, uid []byte, seq uint32, inspected chiprecord.Date) *agent.WriteResult {
	t.Helper()
	rec := s.record(t, certNo, uid, seq, inspected)
	tok, tk := s.ticket(t, p, uid, rec, fakeserver.TicketOptions{})
	res, err := s.write(t, c, p, reader, tok, rec)
	if err != nil {
		t.Fatalf("%s seq %d: %v", p, seq, err)
	}
	if _, err := rv.Verify(ctxFor(t, callWait), res.Receipt, tk); err != nil {
		t.Fatalf("%s seq %d: receipt: %v", p, seq, err)
	}
	return res
}

func read(t *testing.T, c *agentclient.Client, reader string) *agent.CardRead {
	t.Helper()
	var r agent.CardRead
	if err := c.Call(ctxFor(t, callWait), server.TypeReadCard, server.ReaderParams{Reader: reader}, &r); err != nil {
		t.Fatalf("read_card: %v", err)
	}
	return &r
}

func wantCode(t *testing.T, err error, code errcode.Code) {
	t.Helper()
	if got := agentclient.Code(err); got != code {
		t.Fatalf("got %v, want %s", err, code)
	}
}

func wantSeq(t *testing.T, r *agent.CardRead, seq uint32) {
	t.Helper()
	if r.Record == nil || r.Record.Seq != seq {
		t.Fatalf("card holds %+v (slots %+v), want seq %d", r.Record, r.Slots, seq)
	}
	if r.Signature != agent.SigValid || r.UIDMatches == nil || !*r.UIDMatches {
		t.Fatalf("record signature %s, uid match %v", r.Signature, r.UIDMatches)
	}
}

const certNo = "37010200000321"

var (
	isoUID    = []byte{0x04, 0xE2, 0x11, 0x5A, 0x6B, 0x7C, 0x80}
	mifareUID = []byte{0x5C, 0x1D, 0x2E, 0x3F}
	inspected = []chiprecord.Date{{}, {Year: 2024, Month: 6, Day: 30}, {Year: 2026, Month: 6, Day: 30}, {Year: 2028, Month: 6, Day: 30}, {Year: 2030, Month: 6, Day: 30}}
)

type cardCase struct {
	name string
	make func() (vcard.Card, *vcard.Faults)
	uid  []byte
}

func cardCases() []cardCase {
	return []cardCase{
		{"iso", func() (vcard.Card, *vcard.Faults) { c := vcard.NewISO(isoUID); return c, &c.Faults }, isoUID},
		{"mifare", func() (vcard.Card, *vcard.Faults) { c := vcard.NewMifare(mifareUID); return c, &c.Faults }, mifareUID},
	}
}

func sameUID(a agent.HexBytes, b []byte) bool { return bytes.Equal(a, b) }
