package httpapi_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/httpapi"
	"github.com/lecms/lecms/api/store"
	"github.com/lecms/lecms/api/store/storetest"
	"github.com/lecms/lecms/cardagent/agent"
	"github.com/lecms/lecms/cardagent/sigalg"
	"github.com/lecms/lecms/cardagent/ticket"
	"github.com/lecms/lecms/cardagent/vcard"
)

const reader = "ACS ACR122U PICC Interface 00 00"

// realAgent runs the card agent's own code over an in-memory PC/SC stack,
// configured with the server's public keys and registered with the server.
func (h *harness) realAgent(issuer interface {
	Get(string) *apitestResponse
	Do(string, string, any) *apitestResponse
}) (*agent.Agent, sigalg.Signer, *vcard.Stack, chan agent.Event) {
	h.t.Helper()
	var keys httpapi.CardServerKeys
	issuer.Get("/api/v1/card-agents/server-keys").JSON(h.t, &keys)
	ticketKeys, err := sigalg.ParseKeySet(strings.Join(keys.TicketKeys, ","))
	if err != nil {
		h.t.Fatal(err)
	}
	recordKeys, err := sigalg.ParseKeySet(strings.Join(keys.RecordKeys, ","))
	if err != nil {
		h.t.Fatal(err)
	}
	device, err := sigalg.Generate(sigalg.Ed25519, rand.Reader)
	if err != nil {
		h.t.Fatal(err)
	}
	if r := issuer.Do(http.MethodPost, "/api/v1/card-agents", map[string]string{"name": "真读卡器", "public_key": device.Public().String()}); r.Status != 201 {
		h.t.Fatalf("register: %d %s", r.Status, r.Body)
	}
	stack := vcard.NewStack(reader)
	events := make(chan agent.Event, 100)
	a, err := agent.New(agent.Config{Provider: stack, TicketKeys: ticketKeys, RecordKeys: recordKeys, Device: device,
		BuzzerReaders: []string{"ACR122"}, OnEvent: func(e agent.Event) { events <- e },
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: h.clock.Now,
		PollInterval: 50 * time.Millisecond, RetryInterval: 20 * time.Millisecond})
	if err != nil {
		h.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = a.Run(ctx) }()
	h.t.Cleanup(func() { cancel(); <-done })
	return a, device, stack, events
}

func hexUID(b agent.HexBytes) string {
	t, _ := b.MarshalText()
	return string(t)
}

func waitFor(t *testing.T, events chan agent.Event, typ string) {
	t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case e := <-events:
			if e.Type == typ {
				return
			}
		case <-timeout:
			t.Fatalf("no %s event", typ)
		}
	}
}

func TestRealAgentIssuesAMifareCardAndSyncsItsInspection(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		ctx := context.Background()
		id := h.inProduction("A00001-a")
		issuer := h.as("issuer")
		ag, device, stack, events := h.realAgent(issuer)
		keyID := device.KeyID().String()
		waitFor(t, events, agent.EventReaderAttached)
		uid := []byte{0x5C, 0x1D, 0x2E, 0x3F}
		if err := stack.Insert(reader, vcard.NewMifare(uid)); err != nil {
			t.Fatal(err)
		}
		waitFor(t, events, agent.EventCardPresent)

		// Issue: read the blank card, get the ticket, write, confirm.
		read, err := ag.ReadCard(ctx, "")
		if err != nil || read.State != agent.CardBlank || read.Profile != "mifare-classic-1k" {
			t.Fatalf("blank card: %+v %v", read, err)
		}
		wt := ticketOf(t, issuer.Do(http.MethodPost, "/api/v1/production/items/"+itoa(id)+"/ticket",
			map[string]any{"card_uid": hexUID(read.UID), "device_key_id": keyID}))
		record, _ := base64.StdEncoding.DecodeString(wt.Record)
		res, err := ag.Write(ctx, agent.WriteRequest{Purpose: ticket.Issue, Ticket: wt.Ticket, Record: record})
		if err != nil {
			t.Fatalf("the agent refused the server's ticket: %v", err)
		}
		if r := issuer.Do(http.MethodPost, "/api/v1/production/items/"+itoa(id)+"/receipt", map[string]string{"receipt": res.Receipt}); r.Status != 200 {
			t.Fatalf("receipt: %d %s", r.Status, r.Body)
		}
		o := h.officer("A00001-a")
		if o.CertState != domain.CertActive || o.NextDueOn.String() != "2028-11-26" {
			t.Fatalf("after issue: %+v", o)
		}

		// Two years on, in the warning window: the 2026 round.
		h.clock.Advance(domain.MustDate("2028-10-10").Time().Sub(domain.MustDate("2026-11-26").Time()))
		// Passwords expire after 90 days: the staff changed theirs meanwhile.
		upd := "UPDATE users SET password_changed_at = ?"
		if db.Dialect() == store.Postgres {
			upd = "UPDATE users SET password_changed_at = $1"
		}
		if _, err := db.SQL().Exec(upd, h.clock.Now()); err != nil {
			t.Fatal(err)
		}
		op, rev, lixia := h.as("op"), h.as("rev"), h.as("lixia")
		insp := created(t, op.Do(http.MethodPost, "/api/v1/applications", map[string]any{"kind": "inspection", "round": 2026, "officer_ids": []int64{o.ID}})).IDs[0]
		created(t, decide(rev, "approve_unit", []int64{insp}, ""))
		created(t, decide(lixia, "approve_legal", []int64{insp}, ""))

		// Step 4 at the 历下区 office: read the card, sync over its record.
		read, err = ag.ReadCard(ctx, "")
		if err != nil || read.State != agent.CardValid || read.Signature != agent.SigValid {
			t.Fatalf("issued card: %+v %v", read, err)
		}
		wt = ticketOf(t, lixia.Do(http.MethodPost, "/api/v1/inspections/"+itoa(insp)+"/ticket", map[string]any{
			"card_uid": hexUID(read.UID), "device_key_id": keyID,
			"card_record": base64.StdEncoding.EncodeToString(read.RecordBytes)}))
		if wt.Seq != 2 || wt.LastInspection.String() != "2028-11-26" || wt.ValidUntil.String() != "2030-11-26" {
			t.Fatalf("sync ticket: %+v", wt)
		}
		record, _ = base64.StdEncoding.DecodeString(wt.Record)
		res, err = ag.Write(ctx, agent.WriteRequest{Purpose: ticket.Sync, Ticket: wt.Ticket, Record: record})
		if err != nil {
			t.Fatalf("sync write (the card key must be the one issue personalised): %v", err)
		}
		if r := lixia.Do(http.MethodPost, "/api/v1/inspections/"+itoa(insp)+"/receipt", map[string]string{"receipt": res.Receipt}); r.Status != 200 {
			t.Fatalf("sync receipt: %d %s", r.Status, r.Body)
		}
		// Step 5, then the card holds the new dates.
		if r := lixia.Do(http.MethodPost, "/api/v1/inspections/"+itoa(insp)+"/sticker", nil); r.Status != 200 {
			t.Fatalf("sticker: %d %s", r.Status, r.Body)
		}
		read, err = ag.ReadCard(ctx, "")
		if err != nil || read.Record.Seq != 2 || read.Record.ValidUntil.String() != "2030-11-26" || read.Record.LastInspection.String() != "2028-11-26" ||
			read.Record.CertNo != *o.CertNo || read.UIDMatches == nil || !*read.UIDMatches {
			t.Fatalf("card after sync: %+v %+v %v", read, read.Record, err)
		}
		if o := h.officer("A00001-a"); o.NextDueOn.String() != "2030-11-26" {
			t.Fatalf("certificate after sync: %+v", o)
		}
	})
}
