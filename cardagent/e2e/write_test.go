package e2e

import (
	"errors"
	"testing"
	"time"

	"github.com/lecms/lecms/cardagent/agent"
	"github.com/lecms/lecms/cardagent/errcode"
	"github.com/lecms/lecms/cardagent/internal/fakeserver"
	"github.com/lecms/lecms/cardagent/server"
	"github.com/lecms/lecms/cardagent/ticket"
	"github.com/lecms/lecms/cardagent/vcard"
)

var fakeServerDefaults = fakeserver.TicketOptions{}

func TestIssueThenSyncInspection(t *testing.T) {
	s := need(t)
	for _, cc := range cardCases() {
		t.Run(cc.name, func(t *testing.T) {
			c := s.client(t)
			card, faults := cc.make()
			ins := s.insert(t, c, card, vpcdPort0)
			if !sameUID(ins.info.UID, cc.uid) || ins.info.Error != "" {
				t.Fatalf("card_present %+v", ins.info)
			}
			if r := read(t, c, ""); r.State != agent.CardBlank {
				t.Fatalf("new card: %+v", r)
			}
			rv := s.receiptVerifier()
			res := s.mustWrite(t, c, rv, ticket.Issue, "", cc.uid, 1, inspected[1])
			if res.Slot != "A" {
				t.Fatalf("issue wrote slot %s", res.Slot)
			}
			wantSeq(t, read(t, c, ""), 1)

			res = s.mustWrite(t, c, rv, ticket.Sync, ins.reader, cc.uid, 2, inspected[2])
			if res.Slot != "B" {
				t.Fatalf("sync wrote slot %s", res.Slot)
			}
			r := read(t, c, ins.reader)
			wantSeq(t, r, 2)
			if r.Record.LastInspection != inspected[2] || r.Slots[0].Seq != 1 || r.Slots[1].Seq != 2 {
				t.Fatalf("after sync: %+v slots %+v", r.Record, r.Slots)
			}

			if err := c.Call(ctxFor(t, callWait), server.TypeBeep, server.BeepParams{Pattern: "ok"}, nil); err != nil {
				t.Fatalf("beep: %v", err)
			}
			if faults.Beeps() != 1 {
				t.Fatalf("the reader beeped %d times", faults.Beeps())
			}
		})
	}
}

func TestReadbackMismatchKeepsPreviousRecord(t *testing.T) {
	s := need(t)
	for _, cc := range cardCases() {
		t.Run(cc.name, func(t *testing.T) {
			c := s.client(t)
			card, faults := cc.make()
			s.insert(t, c, card, vpcdPort0)
			rv := s.receiptVerifier()
			s.mustWrite(t, c, rv, ticket.Issue, "", cc.uid, 1, inspected[1])

			faults.CorruptWrites(1000) // a chip that garbles every write
			rec := s.record(t, certNo, cc.uid, 2, inspected[2])
			tok, _ := s.ticket(t, ticket.Sync, cc.uid, rec, fakeServerDefaults)
			_, err := s.write(t, c, ticket.Sync, "", tok, rec)
			wantCode(t, err, errcode.ReadbackMismatch)
			faults.Clear()

			r := read(t, c, "")
			wantSeq(t, r, 1)
			if r.Slots[1].State == "valid" {
				t.Fatalf("garbled slot B reads as valid: %+v", r.Slots)
			}
		})
	}
}

// TestCardPulledBetweenSlotWrites writes seq 1 into slot A and seq 2 into
// slot B, then pulls the card during the write of seq 3 into slot A: the
// card must still hold seq 2, and the same ticket must work once the card
// is back.
func TestCardPulledBetweenSlotWrites(t *testing.T) {
	s := need(t)
	for _, cc := range cardCases() {
		for _, after := range []int{0, 3} {
			if cc.name == "iso" && after > 0 {
				continue // the ISO record is a single UPDATE BINARY
			}
			t.Run(cc.name, func(t *testing.T) {
				c := s.client(t)
				card, faults := cc.make()
				ins := s.insert(t, c, card, vpcdPort0)
				rv := s.receiptVerifier()
				s.mustWrite(t, c, rv, ticket.Issue, "", cc.uid, 1, inspected[1])
				s.mustWrite(t, c, rv, ticket.Sync, "", cc.uid, 2, inspected[2])

				rec := s.record(t, certNo, cc.uid, 3, inspected[3])
				tok, tk := s.ticket(t, ticket.Sync, cc.uid, rec, fakeServerDefaults)
				before := faults.Updates()
				faults.PullAfterUpdates(after)
				_, err := s.write(t, c, ticket.Sync, "", tok, rec)
				wantCode(t, err, errcode.CardRemoved)
				if got := faults.Updates() - before; got != after {
					t.Fatalf("%d updates reached the card, want %d", got, after)
				}
				if _, err := c.WaitEvent(ctxFor(t, eventWait), agent.EventCardRemoved, ins.reader); err != nil {
					t.Fatal(err)
				}
				<-ins.in.Done()
				waitEmpty(t, c, ins.reader)

				// The operator puts the same card back.
				back := s.insert(t, c, card, vpcdPort0)
				r := read(t, c, back.reader)
				wantSeq(t, r, 2)
				if r.Slots[0].State == "valid" && r.Slots[0].Seq == 3 {
					t.Fatal("torn slot A reads as the new record")
				}
				res, err := s.write(t, c, ticket.Sync, "", tok, rec)
				if err != nil {
					t.Fatalf("retry with the same ticket: %v", err)
				}
				if _, err := rv.Verify(ctxFor(t, callWait), res.Receipt, tk); err != nil {
					t.Fatal(err)
				}
				wantSeq(t, read(t, c, ""), 3)
			})
		}
	}
}

func TestWrongCardIsRefused(t *testing.T) {
	s := need(t)
	c := s.client(t)
	card := vcard.NewMifare(mifareUID)
	s.insert(t, c, card, vpcdPort0)
	other := []byte{0x11, 0x22, 0x33, 0x44}
	rec := s.record(t, certNo, other, 1, inspected[1])
	tok, _ := s.ticket(t, ticket.Issue, other, rec, fakeServerDefaults)
	_, err := s.write(t, c, ticket.Issue, "", tok, rec)
	wantCode(t, err, errcode.WrongCard)
	if card.Updates() != 0 {
		t.Fatal("the wrong card was written")
	}
	if r := read(t, c, ""); r.State != agent.CardBlank {
		t.Fatalf("card state %s", r.State)
	}
}

func TestExpiredTamperedAndMismatchedTickets(t *testing.T) {
	s := need(t)
	c := s.client(t)
	card := vcard.NewISO(isoUID)
	s.insert(t, c, card, vpcdPort0)
	rec := s.record(t, certNo, isoUID, 1, inspected[1])

	expired, _ := s.ticket(t, ticket.Issue, isoUID, rec, fakeserver.TicketOptions{IssuedAt: time.Now().Add(-5*time.Minute - time.Second)})
	_, err := s.write(t, c, ticket.Issue, "", expired, rec)
	wantCode(t, err, errcode.TicketExpired)

	good, _ := s.ticket(t, ticket.Issue, isoUID, rec, fakeServerDefaults)
	b := []byte(good)
	b[len(b)/2] ^= 0x01 // base64url characters stay base64url
	_, err = s.write(t, c, ticket.Issue, "", string(b), rec)
	wantCode(t, err, errcode.TicketInvalid)

	other := s.record(t, certNo, isoUID, 1, inspected[2])
	_, err = s.write(t, c, ticket.Issue, "", good, other)
	wantCode(t, err, errcode.RecordMismatch)

	_, err = s.write(t, c, ticket.Sync, "", good, rec) // an issue ticket used for sync
	wantCode(t, err, errcode.TicketInvalid)

	rogue, _ := fakeserver.New(s.auth.TicketKey.Alg())
	forged, _, _ := rogue.Ticket(ticket.Issue, isoUID, rec, fakeServerDefaults)
	_, err = s.write(t, c, ticket.Issue, "", forged, rec)
	wantCode(t, err, errcode.TicketInvalid)

	if card.Updates() != 0 {
		t.Fatal("a refused ticket wrote to the card")
	}
}

func TestReplayedTicketsAndReceipts(t *testing.T) {
	s := need(t)
	c := s.client(t)
	s.insert(t, c, vcard.NewISO(isoUID), vpcdPort0)
	rec := s.record(t, certNo, isoUID, 1, inspected[1])
	tok, tk := s.ticket(t, ticket.Issue, isoUID, rec, fakeServerDefaults)
	res, err := s.write(t, c, ticket.Issue, "", tok, rec)
	if err != nil {
		t.Fatal(err)
	}
	rv := s.receiptVerifier()
	if _, err := rv.Verify(ctxFor(t, callWait), res.Receipt, tk); err != nil {
		t.Fatal(err)
	}
	if _, err := rv.Verify(ctxFor(t, callWait), res.Receipt, tk); !errors.Is(err, ticket.ErrReplay) {
		t.Fatalf("replayed receipt: %v", err)
	}
	_, err = s.write(t, c, ticket.Issue, "", tok, rec)
	wantCode(t, err, errcode.TicketReplayed)
}
