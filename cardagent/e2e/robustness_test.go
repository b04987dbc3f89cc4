package e2e

import (
	"testing"

	"github.com/lecms/lecms/cardagent/agent"
	"github.com/lecms/lecms/cardagent/errcode"
	"github.com/lecms/lecms/cardagent/server"
	"github.com/lecms/lecms/cardagent/ticket"
	"github.com/lecms/lecms/cardagent/vcard"
)

func TestTwoCardsAreRefused(t *testing.T) {
	s := need(t)
	c := s.client(t)
	s.insert(t, c, vcard.NewISO(isoUID), vpcdPort0)
	s.insert(t, c, vcard.NewMifare(mifareUID), vpcdPort1)
	wantCode(t, c.Call(ctxFor(t, callWait), server.TypeReadCard, nil, nil), errcode.MultipleCards)
	rec := s.record(t, certNo, isoUID, 1, inspected[1])
	tok, _ := s.ticket(t, ticket.Issue, isoUID, rec, fakeServerDefaults)
	_, err := s.write(t, c, ticket.Issue, "", tok, rec)
	wantCode(t, err, errcode.MultipleCards)
	// Naming the reader is unambiguous.
	if r := read(t, c, reader1); r.Profile != "mifare-classic-1k" {
		t.Fatalf("reader 1 holds %+v", r)
	}
}

// TestShortResponse has the card answer one byte, without a complete
// status word: an error, never success. (An empty answer is what pcscd
// reports for a card pulled mid-command; vpcd takes it as the card leaving,
// so TestCardPulledBetweenSlotWrites covers it.)
func TestShortResponse(t *testing.T) {
	s := need(t)
	c := s.client(t)
	card := vcard.NewISO(isoUID)
	s.insert(t, c, card, vpcdPort0)
	card.ShortResponses(1, 1)
	wantCode(t, c.Call(ctxFor(t, callWait), server.TypeReadCard, nil, nil), errcode.CardBadResponse)
	if r := read(t, c, ""); r.State != agent.CardBlank {
		t.Fatalf("after a short response: %+v", r)
	}
}

func TestNoCard(t *testing.T) {
	s := need(t)
	c := s.client(t)
	wantCode(t, c.Call(ctxFor(t, callWait), server.TypeReadCard, nil, nil), errcode.NoCard)
	wantCode(t, c.Call(ctxFor(t, callWait), server.TypeReadCard, server.ReaderParams{Reader: "ACS ACR122U 00 00"}, nil), errcode.ReaderUnavailable)
}

// TestPCSCDRestart stops pcscd under the running agent and starts it again:
// the agent must notice both, re-establish its PC/SC context (the old one
// stays broken) and work with the new pcscd.
func TestPCSCDRestart(t *testing.T) {
	s := need(t)
	if !s.pcscd.owned {
		t.Skip("pcscd was already running when the suite started; stop it (scripts/pcsc-env.sh stop) to let the suite restart it")
	}
	c := s.client(t)
	if err := s.pcscd.stop(); err != nil {
		t.Fatal(err)
	}
	ev, err := c.WaitEvent(ctxFor(t, eventWait), agent.EventPCSCStatus, "")
	if err != nil || *ev.Data.Available {
		t.Fatalf("pcsc_status after stop: %+v %v", ev, err)
	}
	wantCode(t, c.Call(ctxFor(t, callWait), server.TypeReadCard, nil, nil), errcode.PCSCUnavailable)

	if err := s.pcscd.start(); err != nil {
		t.Fatal(err)
	}
	ev, err = c.WaitEvent(ctxFor(t, eventWait), agent.EventPCSCStatus, "")
	if err != nil || !*ev.Data.Available {
		t.Fatalf("pcsc_status after start: %+v %v", ev, err)
	}
	if _, err := c.WaitEvent(ctxFor(t, eventWait), agent.EventReaderAttached, reader0); err != nil {
		t.Fatal(err)
	}
	s.insert(t, c, vcard.NewISO(isoUID), vpcdPort0)
	if r := read(t, c, ""); r.State != agent.CardBlank {
		t.Fatalf("read after restart: %+v", r)
	}
}
