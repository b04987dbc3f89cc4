package agent_test

import (
	"context"
	"crypto/rand"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/lecms/lecms/cardagent/agent"
	"github.com/lecms/lecms/cardagent/chiprecord"
	"github.com/lecms/lecms/cardagent/errcode"
	"github.com/lecms/lecms/cardagent/internal/fakeserver"
	"github.com/lecms/lecms/cardagent/sigalg"
	"github.com/lecms/lecms/cardagent/ticket"
	"github.com/lecms/lecms/cardagent/vcard"
)

const readerA, readerB = "ACS ACR122U PICC Interface 00 00", "ACS ACR122U PICC Interface 01 00"

type harness struct {
	t      *testing.T
	stack  *vcard.Stack
	auth   *fakeserver.Authority
	device sigalg.Signer
	agent  *agent.Agent
	events chan agent.Event
}

func newHarness(t *testing.T, mod func(*agent.Config), readers ...string) *harness {
	t.Helper()
	if len(readers) == 0 {
		readers = []string{readerA}
	}
	auth, err := fakeserver.New(sigalg.Ed25519)
	if err != nil {
		t.Fatal(err)
	}
	device, err := sigalg.Generate(sigalg.Ed25519, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, stack: vcard.NewStack(readers...), auth: auth, device: device, events: make(chan agent.Event, 100)}
	cfg := agent.Config{
		Provider:      h.stack,
		TicketKeys:    sigalg.NewKeySet(auth.TicketKey.Public()),
		RecordKeys:    sigalg.NewKeySet(auth.RecordKey.Public()),
		Device:        device,
		BuzzerReaders: []string{"ACR122"},
		OnEvent:       func(e agent.Event) { h.events <- e },
		Logger:        slog.New(slog.NewTextHandler(io.Discard, nil)),
		PollInterval:  50 * time.Millisecond,
		RetryInterval: 20 * time.Millisecond,
	}
	if mod != nil {
		mod(&cfg)
	}
	h.agent, err = agent.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = h.agent.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return h
}

// expect waits for an event of type typ on reader, skipping others.
func (h *harness) expect(typ, reader string) agent.Event {
	h.t.Helper()
	timeout := time.After(3 * time.Second)
	for {
		select {
		case e := <-h.events:
			if e.Type == typ && (reader == "" || e.Reader == reader) {
				return e
			}
		case <-timeout:
			h.t.Fatalf("no %s event for %q", typ, reader)
		}
	}
}

func (h *harness) record(uid []byte, seq uint32, inspected chiprecord.Date) []byte {
	h.t.Helper()
	b, err := h.auth.Sign(fakeserver.SampleRecord("37010200000042", uid, seq, inspected))
	if err != nil {
		h.t.Fatal(err)
	}
	return b
}

func (h *harness) ticket(p ticket.Purpose, uid, rec []byte, o fakeserver.TicketOptions) (string, *ticket.Ticket) {
	h.t.Helper()
	tok, t, err := h.auth.Ticket(p, uid, rec, o)
	if err != nil {
		h.t.Fatal(err)
	}
	return tok, t
}

func (h *harness) write(p ticket.Purpose, reader, tok string, rec []byte) (*agent.WriteResult, error) {
	return h.agent.Write(context.Background(), agent.WriteRequest{Purpose: p, Reader: reader, Ticket: tok, Record: rec})
}

func wantCode(t *testing.T, err error, code errcode.Code) {
	t.Helper()
	if errcode.Of(err) != code {
		t.Fatalf("got %v, want %s", err, code)
	}
}

var (
	isoUID    = []byte{0x04, 0x52, 0x3A, 0x1B, 0x2C, 0x3D, 0x80}
	mifareUID = []byte{0xA1, 0xB2, 0xC3, 0xD4}
	d2024     = chiprecord.Date{Year: 2024, Month: 6, Day: 30}
	d2026     = chiprecord.Date{Year: 2026, Month: 6, Day: 30}
)

func cards() map[string]func() (vcard.Card, []byte) {
	return map[string]func() (vcard.Card, []byte){
		"iso":    func() (vcard.Card, []byte) { return vcard.NewISO(isoUID), isoUID },
		"mifare": func() (vcard.Card, []byte) { return vcard.NewMifare(mifareUID), mifareUID },
	}
}

func TestIssueThenSyncInspection(t *testing.T) {
	for name, mk := range cards() {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, nil)
			h.expect(agent.EventReaderAttached, readerA)
			c, uid := mk()
			_ = h.stack.Insert(readerA, c)
			if e := h.expect(agent.EventCardPresent, readerA); string(e.Card.UID) != string(uid) {
				t.Fatalf("card_present uid %X", e.Card.UID)
			}

			r, err := h.agent.ReadCard(context.Background(), "")
			if err != nil || r.State != agent.CardBlank {
				t.Fatalf("blank read: %+v %v", r, err)
			}

			rv := &ticket.ReceiptVerifier{Devices: sigalg.NewKeySet(h.device.Public()), Guard: ticket.NewMemoryGuard(nil)}
			rec1 := h.record(uid, 1, d2024)
			tok, tk := h.ticket(ticket.Issue, uid, rec1, fakeserver.TicketOptions{})
			res, err := h.write(ticket.Issue, "", tok, rec1)
			if err != nil {
				t.Fatal(err)
			}
			if res.Slot != "A" || res.Seq != 1 || res.AlreadyWritten {
				t.Fatalf("issue result %+v", res)
			}
			if _, err := rv.Verify(context.Background(), res.Receipt, tk); err != nil {
				t.Fatalf("receipt: %v", err)
			}

			rec2 := h.record(uid, 2, d2026)
			tok, tk = h.ticket(ticket.Sync, uid, rec2, fakeserver.TicketOptions{})
			res, err = h.write(ticket.Sync, readerA, tok, rec2)
			if err != nil {
				t.Fatal(err)
			}
			if res.Slot != "B" || res.Seq != 2 {
				t.Fatalf("sync result %+v", res)
			}
			if _, err := rv.Verify(context.Background(), res.Receipt, tk); err != nil {
				t.Fatalf("receipt: %v", err)
			}

			r, err = h.agent.ReadCard(context.Background(), readerA)
			if err != nil {
				t.Fatal(err)
			}
			if r.State != agent.CardValid || r.Record.Seq != 2 || r.Record.LastInspection != d2026 ||
				r.Signature != agent.SigValid || r.UIDMatches == nil || !*r.UIDMatches {
				t.Fatalf("read after sync: %+v %+v", r, r.Record)
			}
			if string(r.RecordBytes) != string(rec2) {
				t.Fatal("record bytes differ from what was written")
			}
		})
	}
}

func TestWriteRefusals(t *testing.T) {
	h := newHarness(t, nil)
	h.expect(agent.EventReaderAttached, readerA)
	c := vcard.NewMifare(mifareUID)
	_ = h.stack.Insert(readerA, c)
	h.expect(agent.EventCardPresent, readerA)
	uid := mifareUID
	rec1 := h.record(uid, 1, d2024)

	// Refusals before anything was written: the card must stay blank.
	otherUID := []byte{9, 9, 9, 9}
	tok, _ := h.ticket(ticket.Issue, otherUID, h.record(otherUID, 1, d2024), fakeserver.TicketOptions{})
	_, err := h.write(ticket.Issue, "", tok, h.record(otherUID, 1, d2024))
	wantCode(t, err, errcode.WrongCard)

	tok, _ = h.ticket(ticket.Issue, uid, rec1, fakeserver.TicketOptions{IssuedAt: time.Now().Add(-6 * time.Minute)})
	_, err = h.write(ticket.Issue, "", tok, rec1)
	wantCode(t, err, errcode.TicketExpired)

	tok, _ = h.ticket(ticket.Issue, uid, rec1, fakeserver.TicketOptions{})
	tampered := []byte(tok)
	tampered[20] ^= 0x01
	_, err = h.write(ticket.Issue, "", string(tampered), rec1)
	wantCode(t, err, errcode.TicketInvalid)

	_, err = h.write(ticket.Sync, "", tok, rec1) // issue ticket sent as sync
	wantCode(t, err, errcode.TicketInvalid)

	_, err = h.write(ticket.Issue, "", tok, h.record(uid, 1, d2026)) // another record
	wantCode(t, err, errcode.RecordMismatch)

	garbage := append([]byte(nil), rec1...)
	garbage[10] ^= 1
	gtok, _ := h.ticket(ticket.Issue, uid, rec1, fakeserver.TicketOptions{})
	_, err = h.write(ticket.Issue, "", gtok, garbage)
	wantCode(t, err, errcode.RecordMismatch)

	nokey, _ := h.ticket(ticket.Issue, uid, rec1, fakeserver.TicketOptions{NoKey: true})
	_, err = h.write(ticket.Issue, "", nokey, rec1)
	wantCode(t, err, errcode.TicketInvalid)

	tok2, _ := h.ticket(ticket.Sync, uid, rec1, fakeserver.TicketOptions{})
	_, err = h.write(ticket.Sync, "", tok2, rec1)
	wantCode(t, err, errcode.RecordMissing)

	if c.Updates() != 0 {
		t.Fatalf("refused writes sent %d updates to the card", c.Updates())
	}

	// Now issue for real, then try the refusals that need a record.
	if _, err := h.write(ticket.Issue, "", tok, rec1); err != nil {
		t.Fatal(err)
	}
	_, err = h.write(ticket.Issue, "", tok, rec1)
	wantCode(t, err, errcode.TicketReplayed)

	stale, _ := h.ticket(ticket.Sync, uid, h.record(uid, 1, d2026), fakeserver.TicketOptions{})
	_, err = h.write(ticket.Sync, "", stale, h.record(uid, 1, d2026))
	wantCode(t, err, errcode.StaleRecord)

	foreign, _ := h.auth.Sign(fakeserver.SampleRecord("37010200000099", uid, 5, d2026))
	ftok, _ := h.ticket(ticket.Issue, uid, foreign, fakeserver.TicketOptions{})
	_, err = h.write(ticket.Issue, "", ftok, foreign)
	wantCode(t, err, errcode.CardNotBlank)

	// A second ticket for the same record (the first receipt got lost).
	again, _ := h.ticket(ticket.Issue, uid, rec1, fakeserver.TicketOptions{})
	res, err := h.write(ticket.Issue, "", again, rec1)
	if err != nil || !res.AlreadyWritten {
		t.Fatalf("retry of a completed write: %+v %v", res, err)
	}
}

func TestUntrustedRecordAndTicketKeys(t *testing.T) {
	h := newHarness(t, nil)
	h.expect(agent.EventReaderAttached, readerA)
	_ = h.stack.Insert(readerA, vcard.NewISO(isoUID))
	h.expect(agent.EventCardPresent, readerA)

	rogue, _ := fakeserver.New(sigalg.Ed25519)
	rec, _ := rogue.Sign(fakeserver.SampleRecord("37010200000042", isoUID, 1, d2024))
	// Genuine ticket, record signed by an unknown provincial key.
	tok, _ := h.ticket(ticket.Issue, isoUID, rec, fakeserver.TicketOptions{})
	_, err := h.write(ticket.Issue, "", tok, rec)
	wantCode(t, err, errcode.RecordInvalid)
	// Ticket from an unknown server.
	rtok, _, _ := rogue.Ticket(ticket.Issue, isoUID, rec, fakeserver.TicketOptions{})
	_, err = h.write(ticket.Issue, "", rtok, rec)
	wantCode(t, err, errcode.TicketInvalid)
}

func TestCardPulledMidWriteThenRetry(t *testing.T) {
	for name, mk := range cards() {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, nil)
			h.expect(agent.EventReaderAttached, readerA)
			vc, uid := mk()
			c := vc.(interface{ PullAfterUpdates(int) })
			_ = h.stack.Insert(readerA, vc)
			h.expect(agent.EventCardPresent, readerA)

			for seq := uint32(1); seq <= 2; seq++ {
				rec := h.record(uid, seq, d2024)
				p := ticket.Sync
				if seq == 1 {
					p = ticket.Issue
				}
				tok, _ := h.ticket(p, uid, rec, fakeserver.TicketOptions{})
				if _, err := h.write(p, "", tok, rec); err != nil {
					t.Fatal(err)
				}
			}
			rec3 := h.record(uid, 3, d2026)
			tok, _ := h.ticket(ticket.Sync, uid, rec3, fakeserver.TicketOptions{})
			c.PullAfterUpdates(0)
			_, err := h.write(ticket.Sync, "", tok, rec3)
			wantCode(t, err, errcode.CardRemoved)
			h.expect(agent.EventCardRemoved, readerA)

			_ = h.stack.Insert(readerA, vc)
			h.expect(agent.EventCardPresent, readerA)
			r, err := h.agent.ReadCard(context.Background(), "")
			if err != nil || r.Record == nil || r.Record.Seq != 2 {
				t.Fatalf("after the pull: %+v %v", r, err)
			}
			// The same ticket still works: the failed write did not use it up.
			res, err := h.write(ticket.Sync, "", tok, rec3)
			if err != nil || res.Seq != 3 {
				t.Fatalf("retry: %+v %v", res, err)
			}
		})
	}
}

func TestReaderSelection(t *testing.T) {
	h := newHarness(t, nil, readerA, readerB)
	ctx := context.Background()
	_, err := h.agent.ReadCard(ctx, "")
	wantCode(t, err, errcode.NoCard)
	_, err = h.agent.ReadCard(ctx, "No Such Reader")
	wantCode(t, err, errcode.ReaderUnavailable)

	_ = h.stack.Insert(readerA, vcard.NewISO(isoUID))
	_ = h.stack.Insert(readerB, vcard.NewMifare(mifareUID))
	_, err = h.agent.ReadCard(ctx, "")
	wantCode(t, err, errcode.MultipleCards)
	if r, err := h.agent.ReadCard(ctx, readerB); err != nil || r.Profile != "mifare-classic-1k" {
		t.Fatalf("explicit reader: %+v %v", r, err)
	}
}

func TestVirtualReadersRefusedByPolicy(t *testing.T) {
	const virtual = "Virtual PCD 00 00"
	h := newHarness(t, func(c *agent.Config) { c.RefuseVirtualReaders = true }, readerA, virtual)
	h.expect(agent.EventReaderAttached, readerA)
	_ = h.stack.Insert(virtual, vcard.NewISO(isoUID))
	_, err := h.agent.ReadCard(context.Background(), virtual)
	wantCode(t, err, errcode.ReaderForbidden)
	_, err = h.agent.ReadCard(context.Background(), "")
	wantCode(t, err, errcode.NoCard) // the virtual reader's card does not count
	if _, readers := h.agent.Readers(); len(readers) != 1 || readers[0].Name != readerA {
		t.Fatalf("readers shown: %+v", readers)
	}
}

func TestShortResponseIsAnError(t *testing.T) {
	h := newHarness(t, nil)
	c := vcard.NewISO(isoUID)
	_ = h.stack.Insert(readerA, c)
	h.expect(agent.EventCardPresent, readerA)
	c.ShortResponses(1, 0)
	_, err := h.agent.ReadCard(context.Background(), "")
	wantCode(t, err, errcode.CardBadResponse)
}

func TestBeep(t *testing.T) {
	h := newHarness(t, nil, readerA, "Other Reader 00")
	c := vcard.NewMifare(mifareUID)
	_ = h.stack.Insert(readerA, c)
	if err := h.agent.Beep(context.Background(), "", 0); err != nil {
		t.Fatal(err)
	}
	if c.Beeps() != 1 {
		t.Fatalf("beeps %d", c.Beeps())
	}
	h.stack.Remove(readerA)
	_ = h.stack.Insert("Other Reader 00", c)
	wantCode(t, h.agent.Beep(context.Background(), "", 0), errcode.NotSupported)
}

func TestMonitorSurvivesServiceRestartAndReaderUnplug(t *testing.T) {
	h := newHarness(t, nil)
	h.expect(agent.EventReaderAttached, readerA)
	_ = h.stack.Insert(readerA, vcard.NewISO(isoUID))
	h.expect(agent.EventCardPresent, readerA)

	h.stack.UnplugReader(readerA)
	h.expect(agent.EventCardRemoved, readerA)
	h.expect(agent.EventReaderRemoved, readerA)
	h.stack.PlugReader(readerA)
	h.expect(agent.EventReaderAttached, readerA)

	h.stack.Stop()
	if e := h.expect(agent.EventPCSCStatus, ""); *e.Available {
		t.Fatal("pcsc_status says available after stop")
	}
	h.expect(agent.EventReaderRemoved, readerA)
	_, err := h.agent.ReadCard(context.Background(), "")
	wantCode(t, err, errcode.PCSCUnavailable)

	h.stack.Start()
	if e := h.expect(agent.EventPCSCStatus, ""); !*e.Available {
		t.Fatal("pcsc_status not back")
	}
	h.expect(agent.EventReaderAttached, readerA)
	_ = h.stack.Insert(readerA, vcard.NewISO(isoUID))
	h.expect(agent.EventCardPresent, readerA)
	if _, err := h.agent.ReadCard(context.Background(), ""); err != nil {
		t.Fatal(err)
	}
	if ok, readers := h.agent.Readers(); !ok || len(readers) != 1 || readers[0].Card == nil {
		t.Fatalf("view after restart: %v %+v", ok, readers)
	}
}
