package e2e

import (
	"net/http"
	"testing"

	"github.com/lecms/lecms/cardagent/errcode"
	"github.com/lecms/lecms/cardagent/internal/agentclient"
	"github.com/lecms/lecms/cardagent/server"
	"github.com/lecms/lecms/cardagent/ticket"
	"github.com/lecms/lecms/cardagent/vcard"
)

func TestForeignOriginIsRefused(t *testing.T) {
	s := need(t)
	for _, origin := range []string{"https://evil.example", "http://localhost:9999", ""} {
		c, resp, err := agentclient.Dial(ctxFor(t, callWait), s.agent.url, origin)
		if err == nil {
			c.Close()
			t.Fatalf("origin %q accepted", origin)
		}
		if resp == nil || resp.StatusCode != http.StatusForbidden {
			t.Fatalf("origin %q: %v", origin, err)
		}
	}
}

func TestUnpairedClientCannotTouchCards(t *testing.T) {
	s := need(t)
	paired := s.client(t)
	card := vcard.NewISO(isoUID)
	s.insert(t, paired, card, vpcdPort0)

	c, _, err := agentclient.Dial(ctxFor(t, callWait), s.agent.url, spaOrigin)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var hello server.HelloResult
	if err := c.Call(ctxFor(t, callWait), server.TypeHello, nil, &hello); err != nil {
		t.Fatal(err)
	}
	if hello.Version != "e2e-test" || hello.Authenticated || hello.DeviceKey != s.agent.device.String() {
		t.Fatalf("hello %+v", hello)
	}
	for _, typ := range []string{server.TypeListReaders, server.TypeReadCard, server.TypeBeep} {
		wantCode(t, c.Call(ctxFor(t, callWait), typ, nil, nil), errcode.NotPaired)
	}
	rec := s.record(t, certNo, isoUID, 1, inspected[1])
	tok, _ := s.ticket(t, ticket.Issue, isoUID, rec, fakeServerDefaults)
	wantCode(t, c.Call(ctxFor(t, callWait), server.TypeIssueCard, server.WriteParams{Ticket: tok, Record: rec}, nil), errcode.NotPaired)
	// A guessed secret for the suite's real pairing id.
	_, err = c.Authenticate(ctxFor(t, callWait), s.pairingID, make([]byte, 32))
	wantCode(t, err, errcode.AuthFailed)
	wantCode(t, c.Call(ctxFor(t, callWait), server.TypeReadCard, nil, nil), errcode.NotPaired)

	if card.Updates() != 0 {
		t.Fatal("the card was written")
	}
	if r := read(t, paired, ""); r.State != "blank" {
		t.Fatalf("card state %s", r.State)
	}
}

func TestPairingThenChallengeOnReconnect(t *testing.T) {
	s := need(t)
	c, _, err := agentclient.Dial(ctxFor(t, callWait), s.agent.url, spaOrigin)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	pr, err := c.Pair(ctxFor(t, callWait), "browser B", s.agent.Code)
	if err != nil {
		t.Fatal(err)
	}
	c2, _, err := agentclient.Dial(ctxFor(t, callWait), s.agent.url, spaOrigin)
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	if _, err := c2.Authenticate(ctxFor(t, callWait), pr.PairingID, pr.Secret); err != nil {
		t.Fatal(err)
	}
	var lr server.ListReadersResult
	if err := c2.Call(ctxFor(t, callWait), server.TypeListReaders, nil, &lr); err != nil {
		t.Fatal(err)
	}
	if !lr.PCSCAvailable || len(lr.Readers) != 2 || lr.Readers[0].Name != reader0 || !lr.Readers[0].Virtual {
		t.Fatalf("list_readers %+v", lr)
	}
	if err := c2.Call(ctxFor(t, callWait), server.TypeUnpair, nil, nil); err != nil {
		t.Fatal(err)
	}
}
