package httpapi_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/httpapi"
	"github.com/lecms/lecms/api/httpapi/apitest"
	"github.com/lecms/lecms/api/issuance"
	"github.com/lecms/lecms/api/lifecycle"
	"github.com/lecms/lecms/api/settings"
	"github.com/lecms/lecms/api/store"
	"github.com/lecms/lecms/api/store/storetest"
	"github.com/lecms/lecms/cardagent/chiprecord"
	"github.com/lecms/lecms/cardagent/sigalg"
	"github.com/lecms/lecms/cardagent/ticket"
)

// issuanceOf keeps each harness's card keys, for tests that play the card
// agent or put a card into a reader.
var issuanceOf sync.Map // *harness → *issuance.Keys

// withIssuance wires the production and chip service into a harness, with
// card keys made on first use in the test database (as on a first start).
func (h *harness) withIssuance(d httpapi.Deps, policies *settings.PolicySource, loc *time.Location) httpapi.Deps {
	h.t.Helper()
	st := store.NewIssuance(h.db, h.pii)
	keys, err := issuance.LoadKeys(context.Background(), issuance.KeyConfig{}, st, nil)
	if err != nil {
		h.t.Fatal(err)
	}
	issuanceOf.Store(h, keys)
	h.t.Cleanup(func() { issuanceOf.Delete(h) })
	d.Issuance = issuance.New(issuance.Deps{Store: st, Apps: store.NewApplications(h.db), Authz: d.Authz, Policies: policies,
		Settings: store.NewSettings(h.db), Audit: h.audit, Keys: keys, Now: h.clock.Now, Loc: loc})
	return d
}

// sessions caches signed-in clients per harness and user: the fixture's
// logins share one IP, limited to 20 a minute. A client is reused while
// its access token is fresh on the harness clock.
var sessions sync.Map // sessionKey → session

type sessionKey struct {
	h    *harness
	user string
}

type session struct {
	c  *apitest.Client
	at time.Time
}

// as returns a client signed in as user.
func (h *harness) as(user string) *apitest.Client {
	h.t.Helper()
	k := sessionKey{h, user}
	if v, ok := sessions.Load(k); ok {
		if s := v.(session); h.clock.Now().Sub(s.at) < 10*time.Minute {
			return s.c
		}
	}
	c, _ := h.login(user)
	sessions.Store(k, session{c: c, at: h.clock.Now()})
	h.t.Cleanup(func() { sessions.Delete(k) })
	return c
}

func (h *harness) cardKeys() *issuance.Keys {
	k, _ := issuanceOf.Load(h)
	return k.(*issuance.Keys)
}

// fakeAgent plays the card agent: a device key, the server's public keys from
// the API (as its config.json would hold them), and a card.
type fakeAgent struct {
	t          *testing.T
	h          *harness
	device     sigalg.Signer
	id         int64
	forger     bool // signs whatever it is given, without the agent's checks
	ticketKeys *sigalg.KeySet
	recordKeys *sigalg.KeySet
}

func (h *harness) newAgent(issuer *apitest.Client, register bool) *fakeAgent {
	h.t.Helper()
	dev, err := sigalg.Generate(sigalg.Ed25519, rand.Reader)
	if err != nil {
		h.t.Fatal(err)
	}
	a := &fakeAgent{t: h.t, h: h, device: dev}
	var keys httpapi.CardServerKeys
	if r := issuer.Get("/api/v1/card-agents/server-keys"); r.Status != 200 {
		h.t.Fatalf("server keys: %d %s", r.Status, r.Body)
	} else {
		r.JSON(h.t, &keys)
	}
	if a.ticketKeys, err = sigalg.ParseKeySet(strings.Join(keys.TicketKeys, ",")); err != nil {
		h.t.Fatal(err)
	}
	if a.recordKeys, err = sigalg.ParseKeySet(strings.Join(keys.RecordKeys, ",")); err != nil {
		h.t.Fatal(err)
	}
	if register {
		r := issuer.Do(http.MethodPost, "/api/v1/card-agents", map[string]string{"name": "制证室 1 号机", "public_key": dev.Public().String()})
		if r.Status != 201 {
			h.t.Fatalf("register agent: %d %s", r.Status, r.Body)
		}
		var ca httpapi.CardAgent
		r.JSON(h.t, &ca)
		if ca.KeyID != dev.KeyID().String() || ca.Alg != "ed25519" {
			h.t.Fatalf("registered agent %+v", ca)
		}
		a.id = ca.ID
	}
	return a
}

// write checks a ticket as the agent does before touching the card, and
// answers with the receipt of a successful write of the record onto the
// card with uid (what the card reads back).
func (a *fakeAgent) write(wt httpapi.WriteTicket, uid string) string {
	a.t.Helper()
	now := a.h.clock.Now().Add(time.Second)
	tk, err := ticket.Parse(wt.Ticket)
	if err != nil {
		a.t.Fatal(err)
	}
	if a.forger {
		card, _ := hex.DecodeString(uid)
		record, _ := base64.StdEncoding.DecodeString(wt.Record)
		r, err := ticket.NewReceipt(a.device, tk, card, record, 0, wt.Seq, now)
		if err != nil {
			a.t.Fatal(err)
		}
		tok, _ := r.Encode()
		return tok
	}
	if err := (&ticket.Verifier{Keys: a.ticketKeys, Device: a.device.KeyID(), Now: func() time.Time { return now }}).Verify(tk); err != nil {
		a.t.Fatalf("the agent refuses the ticket: %v", err)
	}
	record, err := base64.StdEncoding.DecodeString(wt.Record)
	if err != nil {
		a.t.Fatal(err)
	}
	if err := tk.CheckRecord(record); err != nil {
		a.t.Fatal(err)
	}
	rec, err := chiprecord.Decode(record)
	if err != nil {
		a.t.Fatal(err)
	}
	if err := chiprecord.Verify(rec, a.recordKeys); err != nil {
		a.t.Fatalf("record signature: %v", err)
	}
	if len(tk.CardKey) != 6 {
		a.t.Errorf("ticket carries no MIFARE card key: %x", tk.CardKey)
	}
	card, _ := hex.DecodeString(uid)
	r, err := ticket.NewReceipt(a.device, tk, card, record, 1, rec.Seq, now)
	if err != nil {
		a.t.Fatal(err)
	}
	tok, err := r.Encode()
	if err != nil {
		a.t.Fatal(err)
	}
	return tok
}

// cardRecord is what a card issued by this server holds for a certificate
// (read_card's record_bytes), for inspections of certificates issued
// before the test.
func (h *harness) cardRecord(certNo, uid string, seq uint32, valid, last string) string {
	h.t.Helper()
	card, _ := hex.DecodeString(uid)
	v, _ := chiprecord.ParseDate(valid)
	l, _ := chiprecord.ParseDate(last)
	rec := &chiprecord.Record{Seq: seq, CertNo: certNo, Name: "测试", UnitCode: "A00001", Area: "历下区", Category: "城市管理",
		ValidUntil: v, LastInspection: l, CardUID: card}
	keys := h.cardKeys()
	if err := chiprecord.Sign(rec, keys.Record); err != nil {
		h.t.Fatal(err)
	}
	b, err := chiprecord.Encode(rec, keys.Checksum)
	if err != nil {
		h.t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(b)
}

func created(t *testing.T, r *apitest.Response) lifecycle.BatchResult {
	t.Helper()
	if r.Status != 201 && r.Status != 200 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	var res lifecycle.BatchResult
	r.JSON(t, &res)
	return res
}

// approvedNewCard takes officer code through apply, the unit's stamp and
// the 历下区 legal office: legal_approved with a pending numbered certificate.
func (h *harness) approvedNewCard(code string) int64 {
	h.t.Helper()
	op := h.as("op")
	rev := h.as("rev")
	lixia := h.as("lixia")
	o := h.officer(code)
	id := created(h.t, op.Do(http.MethodPost, "/api/v1/applications", map[string]any{"kind": "new_card", "officer_ids": []int64{o.ID}})).IDs[0]
	created(h.t, decide(rev, "approve_unit", []int64{id}, "同意"))
	created(h.t, decide(lixia, "approve_legal", []int64{id}, "审核通过"))
	return id
}

// approvedInspection does the same for an inspection of round 2024.
func (h *harness) approvedInspection(code string) int64 {
	h.t.Helper()
	op := h.as("op")
	rev := h.as("rev")
	lixia := h.as("lixia")
	o := h.officer(code)
	id := created(h.t, op.Do(http.MethodPost, "/api/v1/applications", map[string]any{"kind": "inspection", "round": 2024, "officer_ids": []int64{o.ID}})).IDs[0]
	created(h.t, decide(rev, "approve_unit", []int64{id}, ""))
	created(h.t, decide(lixia, "approve_legal", []int64{id}, ""))
	return id
}

// addOfficer puts another officer into unit A00001 (the operator's): like
// the fixture's a (no certificate) or, with due set, like b (active,
// inspected two years before due).
func (h *harness) addOfficer(code string, seq int, due string) {
	h.t.Helper()
	id := domain.MakeIDNumber("370102", domain.NewDate(1990, 5, 1+seq), 300+seq, seq%2 == 0)
	o := store.NewOfficer{Code: code, Name: "补充" + code, IDNumberEnc: h.pii.Seal(string(id), store.IDNumberAAD),
		IDNumberHash: h.pii.BlindIndex(string(id)), IDNumberMasked: id.Masked(), Sex: id.Sex(), BirthDate: id.BirthDate(),
		UnitID: h.units["A00001"], Area: "历下区", Category: "城市管理", Staffing: domain.StaffingEstablished, HasPhoto: true,
		Exams: []store.NewExam{{Kind: "general", TakenOn: domain.MustDate("2020-05-01"), Score: 85, Passed: true}}}
	if due != "" {
		d := domain.MustDate(due)
		last := d.AddMonths(-24)
		o.Cert = &store.NewCertificate{Type: domain.CertLawEnforcement, Number: "370102ZF" + strconv.Itoa(800000+seq), State: domain.CertActive,
			IssuedOn: &last, LastInspectedOn: &last, NextDueOn: &d}
	}
	if err := h.db.InsertOfficers(context.Background(), []store.NewOfficer{o}); err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) app(id int64) domain.Application {
	h.t.Helper()
	got, err := store.NewApplications(h.db).Get(context.Background(), []int64{id})
	if err != nil || len(got) != 1 {
		h.t.Fatalf("application %d: %v %v", id, err, got)
	}
	return got[0]
}

func ticketOf(t *testing.T, r *apitest.Response) httpapi.WriteTicket {
	t.Helper()
	if r.Status != 201 {
		t.Fatalf("ticket: %d %s", r.Status, r.Body)
	}
	var wt httpapi.WriteTicket
	r.JSON(t, &wt)
	return wt
}

func steps(t *testing.T, c *apitest.Client, officerID int64) string {
	t.Helper()
	var ss []domain.Step
	c.Get("/api/v1/officers/"+itoa(officerID)+"/timeline").JSON(t, &ss)
	var names []string
	for _, s := range ss {
		names = append(names, s.Step)
	}
	return strings.Join(names, " ")
}

// ruleOf asserts a refusal's status and rule.
func ruleOf(t *testing.T, r *apitest.Response, status int, rule string) httpapi.Problem {
	t.Helper()
	p := problemOf(t, r)
	if p.Status != status || len(p.Errors) == 0 || p.Errors[0].Rule != rule {
		t.Fatalf("want %d %s, got %+v", status, rule, p)
	}
	return p
}

// A new card from legal approval to an active certificate: the county's
// approval is reported by its city, queued for the province, batched,
// written under a ticket and confirmed by the agent's receipt, handed out.
func TestNewCardIsIssuedThroughTicketAndReceipt(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		id := h.approvedNewCard("A00001-a")
		a := h.officer("A00001-a")
		issuer := h.as("issuer")
		jinan := h.as("jinan")
		lixia := h.as("lixia")

		// Not reported yet: not in the queue, and a batch is refused.
		var queue []httpapi.ProductionQueueCity
		issuer.Get("/api/v1/production/queue").JSON(t, &queue)
		if len(queue) != 0 {
			t.Fatalf("queue before the report: %+v", queue)
		}
		ruleOf(t, issuer.Do(http.MethodPost, "/api/v1/production/batches", map[string]any{"application_ids": []int64{id}}), 422, "not_reported")
		// Only the city office reports (the county's approvals go through it).
		ruleOf(t, lixia.Do(http.MethodPost, "/api/v1/production/reports", map[string]any{"all": true}), 422, "level")
		if res := created(t, jinan.Do(http.MethodPost, "/api/v1/production/reports", map[string]any{"all": true})); res.Count != 1 || res.IDs[0] != id {
			t.Fatalf("report: %+v", res)
		}
		ruleOf(t, jinan.Do(http.MethodPost, "/api/v1/production/reports", map[string]any{"application_ids": []int64{id}}), 422, "reported")

		issuer.Get("/api/v1/production/queue").JSON(t, &queue)
		if len(queue) != 1 || queue[0].CityCode != "370100" || queue[0].CityName != "济南市" || queue[0].Count != 1 || queue[0].Oldest.IsZero() {
			t.Fatalf("queue: %+v", queue)
		}
		// The issuer batches the city's queue, with the count seen.
		if p := problemOf(t, issuer.Do(http.MethodPost, "/api/v1/production/batches", map[string]any{"city": "370100", "expected_count": 2})); p.Status != 409 {
			t.Fatalf("batch with a stale count: %+v", p)
		}
		r := issuer.Do(http.MethodPost, "/api/v1/production/batches", map[string]any{"city": "370100", "expected_count": 1})
		if r.Status != 201 {
			t.Fatalf("batch: %d %s", r.Status, r.Body)
		}
		var batch httpapi.BatchCreated
		r.JSON(t, &batch)
		if h.app(id).State != domain.AppInProduction {
			t.Fatalf("application after batching: %+v", h.app(id))
		}
		var detail httpapi.ProductionBatchDetail
		issuer.Get("/api/v1/production/batches/"+itoa(batch.ID)).JSON(t, &detail)
		if len(detail.Items) != 1 || detail.Items[0].CardState != "pending" || detail.Items[0].CertNo != "370102ZF000913" ||
			detail.Items[0].OfficerName != a.Name || detail.Items[0].UnitName != "历下区城市管理局" || detail.Batch.Pending != 1 {
			t.Fatalf("batch detail: %+v", detail)
		}

		// Writing the card: the agent checks the ticket and record with the
		// server's public keys, writes, and signs a receipt.
		ag := h.newAgent(issuer, true)
		const uid = "5C1D2E3F"
		wt := ticketOf(t, issuer.Do(http.MethodPost, "/api/v1/production/items/"+itoa(id)+"/ticket",
			map[string]any{"card_uid": "5c:1d:2e:3f", "agent_id": ag.id}))
		if wt.Purpose != "issue" || wt.CertNo != "370102ZF000913" || wt.CardUID != uid || wt.Seq != 1 ||
			wt.LastInspection.String() != "2026-11-26" || wt.ValidUntil.String() != "2028-11-26" ||
			!wt.ExpiresAt.Equal(h.clock.Now().Add(5*time.Minute).Truncate(time.Millisecond)) {
			t.Fatalf("ticket: %+v", wt)
		}
		receipt := ag.write(wt, uid)
		r = issuer.Do(http.MethodPost, "/api/v1/production/items/"+itoa(id)+"/receipt", map[string]string{"receipt": receipt})
		if r.Status != 200 {
			t.Fatalf("receipt: %d %s", r.Status, r.Body)
		}
		var res httpapi.ChipWriteResult
		r.JSON(t, &res)
		if res.ApplicationState != domain.AppCompleted || res.CertState != domain.CertActive || res.ChipUID != uid ||
			res.IssuedOn.String() != "2026-11-26" || res.NextDueOn.String() != "2028-11-26" || res.Slot != "B" || res.Seq != 1 {
			t.Fatalf("write result: %+v", res)
		}
		// Certificate, officer list columns, application, timeline, audit.
		o := h.officer("A00001-a")
		if o.CertState != domain.CertActive || o.LastInspectedOn.String() != "2026-11-26" || o.NextDueOn.String() != "2028-11-26" {
			t.Fatalf("officer after issue: %+v", o)
		}
		var chip string
		if err := db.SQL().QueryRow("SELECT chip_uid FROM certificates WHERE number = '370102ZF000913'").Scan(&chip); err != nil || chip != uid {
			t.Fatalf("chip uid %q %v", chip, err)
		}
		if got := steps(t, issuer, a.ID); got != "apply unit_approve legal_approve report production chip_write" {
			t.Errorf("timeline: %s", got)
		}
		ev := h.audit.find("certificate.issue", domain.AuditSuccess)
		if len(ev) != 1 || ev[0].Detail["card_uid"] != uid || ev[0].Detail["device_key_id"] != ag.device.KeyID().String() ||
			ev[0].Detail["ticket_nonce"] == "" || ev[0].Detail["slot"] != "B" {
			t.Fatalf("audit: %+v", ev)
		}
		if len(h.audit.find("card.ticket", domain.AuditSuccess)) != 1 || len(h.audit.find("production.report", "")) != 1 {
			t.Error("ticket or report not audited")
		}

		// The same receipt again: a replay.
		ruleOf(t, issuer.Do(http.MethodPost, "/api/v1/production/items/"+itoa(id)+"/receipt", map[string]string{"receipt": receipt}), 409, "replayed")
		if len(h.audit.find("card.receipt", domain.AuditFailure)) != 1 {
			t.Error("refused receipt not audited")
		}
		// The card cannot go to a second certificate, nor be written again.
		ruleOf(t, issuer.Do(http.MethodPost, "/api/v1/production/items/"+itoa(id)+"/ticket",
			map[string]any{"card_uid": uid, "agent_id": ag.id}), 409, "state")

		// Handing out the batch.
		if res := created(t, issuer.Do(http.MethodPost, "/api/v1/production/batches/"+itoa(batch.ID)+"/dispatch", nil)); res.Count != 1 {
			t.Fatalf("dispatch: %+v", res)
		}
		issuer.Get("/api/v1/production/batches/"+itoa(batch.ID)).JSON(t, &detail)
		if detail.Items[0].CardState != "issued" || detail.Items[0].ChipUID != uid || detail.Batch.Issued != 1 || detail.Items[0].IssuedAt == nil {
			t.Fatalf("after dispatch: %+v", detail)
		}
		ruleOf(t, issuer.Do(http.MethodPost, "/api/v1/production/batches/"+itoa(batch.ID)+"/dispatch", nil), 422, "nothing_written")
		var page httpapi.ProductionBatchPage
		issuer.Get("/api/v1/production/batches").JSON(t, &page)
		if len(page.Items) != 1 || page.Items[0].Issued != 1 || page.Items[0].CityCode != "370100" {
			t.Fatalf("batches: %+v", page)
		}
	})
}

// inProduction takes officer code's new card into a production batch.
func (h *harness) inProduction(code string) int64 {
	h.t.Helper()
	id := h.approvedNewCard(code)
	jinan := h.as("jinan")
	issuer := h.as("issuer")
	created(h.t, jinan.Do(http.MethodPost, "/api/v1/production/reports", map[string]any{"application_ids": []int64{id}}))
	if r := issuer.Do(http.MethodPost, "/api/v1/production/batches", map[string]any{"application_ids": []int64{id}}); r.Status != 201 {
		h.t.Fatalf("batch: %d %s", r.Status, r.Body)
	}
	return id
}

func TestReceiptsThatAreRefused(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		id := h.inProduction("A00001-a")
		issuer := h.as("issuer")
		ag := h.newAgent(issuer, true)
		const uid = "04A1B2C3D4E5F6"
		path := "/api/v1/production/items/" + itoa(id)

		// A ticket for an agent that is not registered.
		ruleOf(t, issuer.Do(http.MethodPost, path+"/ticket", map[string]any{"card_uid": uid, "agent_id": 9999}), 422, "agent_not_registered")
		stranger := h.newAgent(issuer, false)
		ruleOf(t, issuer.Do(http.MethodPost, path+"/ticket", map[string]any{"card_uid": uid, "device_key_id": stranger.device.KeyID().String()}),
			422, "agent_not_registered")

		wt := ticketOf(t, issuer.Do(http.MethodPost, path+"/ticket", map[string]any{"card_uid": uid, "device_key_id": ag.device.KeyID().String()}))
		// A receipt for another card than the ticket's.
		ruleOf(t, issuer.Do(http.MethodPost, path+"/receipt", map[string]string{"receipt": ag.write(wt, "DEADBEEF")}), 422, "wrong_card")
		// A receipt signed by an agent nobody registered.
		stranger.forger = true
		ruleOf(t, issuer.Do(http.MethodPost, path+"/receipt", map[string]string{"receipt": stranger.write(wt, uid)}), 422, "agent_not_registered")
		// Garbage.
		ruleOf(t, issuer.Do(http.MethodPost, path+"/receipt", map[string]string{"receipt": "TFIB!!"}), 400, "format")
		// None of these used the ticket up: the genuine receipt still counts.
		if r := issuer.Do(http.MethodPost, path+"/receipt", map[string]string{"receipt": ag.write(wt, uid)}); r.Status != 200 {
			t.Fatalf("genuine receipt after refused ones: %d %s", r.Status, r.Body)
		}
		fails := h.audit.find("card.receipt", domain.AuditFailure)
		if len(fails) != 3 || fails[0].Detail["rule"] != "wrong_card" || fails[1].Detail["rule"] != "agent_not_registered" {
			t.Fatalf("refusals audited: %+v", fails)
		}

		// An expired ticket: the receipt arrives after ticket expiry + grace.
		h.addOfficer("A00001-x", 1, "")
		h.addOfficer("A00001-y", 2, "")
		id2 := h.inProduction("A00001-x")
		op2 := "/api/v1/production/items/" + itoa(id2)
		wt = ticketOf(t, issuer.Do(http.MethodPost, op2+"/ticket", map[string]any{"card_uid": "11223344", "agent_id": ag.id}))
		receipt := ag.write(wt, "11223344")
		h.clock.Advance(ticket.MaxTTL + ticket.ReceiptGrace + time.Second)
		issuer = h.as("issuer") // the access token expired too
		ruleOf(t, issuer.Do(http.MethodPost, op2+"/receipt", map[string]string{"receipt": receipt}), 422, "ticket_expired")
		if h.app(id2).State != domain.AppInProduction {
			t.Fatal("an expired ticket's receipt changed the application")
		}
		// A fresh ticket works.
		wt = ticketOf(t, issuer.Do(http.MethodPost, op2+"/ticket", map[string]any{"card_uid": "11223344", "agent_id": ag.id}))
		if r := issuer.Do(http.MethodPost, op2+"/receipt", map[string]string{"receipt": ag.write(wt, "11223344")}); r.Status != 200 {
			t.Fatalf("fresh ticket: %d %s", r.Status, r.Body)
		}
		// The receipt of one application does not complete another.
		id3 := h.inProduction("A00001-y")
		wt = ticketOf(t, issuer.Do(http.MethodPost, "/api/v1/production/items/"+itoa(id3)+"/ticket", map[string]any{"card_uid": "55667788", "agent_id": ag.id}))
		ruleOf(t, issuer.Do(http.MethodPost, "/api/v1/production/items/"+itoa(id2)+"/receipt", map[string]string{"receipt": ag.write(wt, "55667788")}),
			422, "unknown_ticket")
		// A card already holding a certificate is refused for another.
		ruleOf(t, issuer.Do(http.MethodPost, "/api/v1/production/items/"+itoa(id3)+"/ticket", map[string]any{"card_uid": uid, "agent_id": ag.id}),
			422, "card_in_use")
	})
}

// Inspection steps 4 and 5: the chip gets the previous due date + one
// cycle (not today + cycle), the application stays open until the sticker.
func TestInspectionSyncAndSticker(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		id := h.approvedInspection("A00001-b") // last inspected 2024-12-31, due 2026-12-31
		b := h.officer("A00001-b")
		lixia := h.as("lixia")
		issuer := h.as("issuer")
		ag := h.newAgent(issuer, true)
		const uid = "A1B2C3D4"
		path := "/api/v1/inspections/" + itoa(id)
		certNo := *b.CertNo

		// The sync is written over the card's record: read it first.
		p := problemOf(t, lixia.Do(http.MethodPost, path+"/ticket", map[string]any{"card_uid": uid, "agent_id": ag.id}))
		if p.Status != 400 || p.Errors[0].Field != "card_record" {
			t.Fatalf("sync without the card's record: %+v", p)
		}
		ruleOf(t, lixia.Do(http.MethodPost, path+"/sticker", nil), 422, "not_synced")
		onCard := h.cardRecord(certNo, uid, 3, "2026-12-31", "2024-12-31")
		other := h.cardRecord("370102ZF999999", uid, 3, "2026-12-31", "2024-12-31")
		ruleOf(t, lixia.Do(http.MethodPost, path+"/ticket", map[string]any{"card_uid": uid, "agent_id": ag.id, "card_record": other}), 422, "wrong_card")

		wt := ticketOf(t, lixia.Do(http.MethodPost, path+"/ticket", map[string]any{"card_uid": uid, "agent_id": ag.id, "card_record": onCard}))
		if wt.Purpose != "sync" || wt.CertNo != certNo || wt.Seq != 4 || wt.LastInspection.String() != "2026-12-31" ||
			wt.ValidUntil.String() != "2028-12-31" || !strings.Contains(wt.Notice, "有效期") {
			t.Fatalf("sync ticket: %+v", wt)
		}
		r := lixia.Do(http.MethodPost, path+"/receipt", map[string]string{"receipt": ag.write(wt, uid)})
		if r.Status != 200 {
			t.Fatalf("sync receipt: %d %s", r.Status, r.Body)
		}
		var res httpapi.ChipWriteResult
		r.JSON(t, &res)
		if res.ApplicationState != domain.AppLegalApproved || res.NextStep != "sticker" || res.LastInspectedOn.String() != "2026-12-31" ||
			res.NextDueOn.String() != "2028-12-31" || res.ChipUID != uid {
			t.Fatalf("sync result: %+v", res)
		}
		o := h.officer("A00001-b")
		if o.LastInspectedOn.String() != "2026-12-31" || o.NextDueOn.String() != "2028-12-31" || o.CertState != domain.CertActive {
			t.Fatalf("officer after sync: %+v", o)
		}
		var inspections int
		if err := db.SQL().QueryRow("SELECT inspections FROM certificates WHERE number = '" + certNo + "'").Scan(&inspections); err != nil || inspections != 1 {
			t.Fatalf("inspections %d %v", inspections, err)
		}
		// Four steps are not an inspection: it stays open until the sticker.
		if a := h.app(id); a.State != domain.AppLegalApproved {
			t.Fatalf("application after step 4: %+v", a)
		}
		ruleOf(t, lixia.Do(http.MethodPost, path+"/ticket", map[string]any{"card_uid": uid, "agent_id": ag.id, "card_record": onCard}), 409, "synced")
		r = lixia.Do(http.MethodPost, path+"/sticker", nil)
		if r.Status != 200 {
			t.Fatalf("sticker: %d %s", r.Status, r.Body)
		}
		if a := h.app(id); a.State != domain.AppCompleted {
			t.Fatalf("application after step 5: %+v", a)
		}
		ruleOf(t, lixia.Do(http.MethodPost, path+"/sticker", nil), 409, "state")
		if got := steps(t, lixia, b.ID); got != "apply unit_approve legal_approve chip_sync sticker" {
			t.Errorf("timeline: %s", got)
		}
		if len(h.audit.find("inspection.sync", domain.AuditSuccess)) != 1 || len(h.audit.find("inspection.sticker", domain.AuditSuccess)) != 1 {
			t.Error("sync or sticker not audited")
		}
		// The next sync knows the chip's sequence without reading the card.
		var seq int
		if err := db.SQL().QueryRow("SELECT MAX(seq) FROM card_tickets WHERE used_at IS NOT NULL").Scan(&seq); err != nil || seq != 4 {
			t.Fatalf("confirmed seq %d %v", seq, err)
		}
	})
}

// An approval whose chip sync did not happen before the round's due date
// is stale: refused, marked, and the certificate can only be cancelled.
func TestStaleInspectionApprovalIsRefusedAndMarked(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		id := h.approvedInspection("A00001-b") // due 2026-12-31
		b := h.officer("A00001-b")
		h.clock.Advance(37 * 24 * time.Hour) // 2027-01-02
		lixia := h.as("lixia")
		issuer := h.as("issuer")
		ag := h.newAgent(issuer, true)
		p := ruleOf(t, lixia.Do(http.MethodPost, "/api/v1/inspections/"+itoa(id)+"/ticket", map[string]any{"card_uid": "A1B2C3D4",
			"agent_id": ag.id, "card_record": h.cardRecord(*b.CertNo, "A1B2C3D4", 1, "2026-12-31", "2024-12-31")}), 422, "stale")
		if !strings.Contains(p.Detail, "注销") {
			t.Errorf("the message must say the certificate must be cancelled: %s", p.Detail)
		}
		if a := h.app(id); a.State != domain.AppStale {
			t.Fatalf("not marked stale: %+v", a)
		}
		if len(h.audit.find("inspection.stale", domain.AuditSuccess)) != 1 {
			t.Error("stale marking not audited")
		}
		ruleOf(t, issuer.Do(http.MethodPost, "/api/v1/inspections/"+itoa(id)+"/manual-sync", map[string]string{"reason": "芯片损坏"}), 422, "stale")
		if o := h.officer("A00001-b"); o.NextDueOn.String() != "2026-12-31" {
			t.Fatalf("a stale approval changed the certificate: %+v", o)
		}
		if got := steps(t, lixia, b.ID); !strings.HasSuffix(got, "legal_approve stale") {
			t.Errorf("timeline: %s", got)
		}
		// The only way forward: cancellation, which the open application no longer blocks.
		op := h.as("op")
		if r := op.Do(http.MethodPost, "/api/v1/applications", map[string]any{"kind": "cancellation", "reason": "逾期未年检", "officer_ids": []int64{b.ID}}); r.Status != 201 {
			t.Fatalf("cancellation after a stale approval: %d %s", r.Status, r.Body)
		}
	})
}

func TestManualSyncIsTheIssuersAndAudited(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		id := h.approvedInspection("A00001-b")
		issuer := h.as("issuer")
		lixia := h.as("lixia")
		path := "/api/v1/inspections/" + itoa(id) + "/manual-sync"
		if r := lixia.Do(http.MethodPost, path, map[string]string{"reason": "芯片损坏"}); r.Status != 403 {
			t.Fatalf("legal office syncing by hand: %d", r.Status)
		}
		if p := problemOf(t, issuer.Do(http.MethodPost, path, map[string]string{"reason": " "})); p.Status != 400 || p.Errors[0].Field != "reason" {
			t.Fatalf("without a reason: %+v", p)
		}
		r := issuer.Do(http.MethodPost, path, map[string]string{"reason": "芯片损坏无法读写，已核对卡面"})
		if r.Status != 200 {
			t.Fatalf("manual sync: %d %s", r.Status, r.Body)
		}
		var res httpapi.ChipWriteResult
		r.JSON(t, &res)
		if res.NextDueOn.String() != "2028-12-31" || res.NextStep != "sticker" {
			t.Fatalf("manual sync result: %+v", res)
		}
		ev := h.audit.find("inspection.manual_sync", domain.AuditSuccess)
		if len(ev) != 1 || ev[0].Detail["reason"] != "芯片损坏无法读写，已核对卡面" || ev[0].ActorName != "issuer" {
			t.Fatalf("manual sync audit: %+v", ev)
		}
		if got := steps(t, issuer, h.officer("A00001-b").ID); !strings.HasSuffix(got, "manual_sync") {
			t.Errorf("timeline: %s", got)
		}
		if r := issuer.Do(http.MethodPost, "/api/v1/inspections/"+itoa(id)+"/sticker", nil); r.Status != 200 {
			t.Fatalf("sticker after manual sync: %d %s", r.Status, r.Body)
		}

		// A province that does not allow it.
		h.addOfficer("A00001-z", 3, "2026-12-31")
		id2 := h.approvedInspection("A00001-z")
		if err := store.NewSettings(db).Put(context.Background(), "lifecycle_policy", map[string]any{"manual_chip_sync": false,
			"separate_duties": true, "number_template": "{region}{type}{seq:6}", "revocation_bar_years": 2}, "admin"); err != nil {
			t.Fatal(err)
		}
		h.clock.Advance(2 * time.Minute) // past the settings cache
		issuer = h.as("issuer")
		ruleOf(t, issuer.Do(http.MethodPost, "/api/v1/inspections/"+itoa(id2)+"/manual-sync", map[string]string{"reason": "芯片损坏"}),
			422, "manual_sync_disabled")
	})
}

// Only the card issuer issues; a unit operator requests no ticket; a legal
// office syncs only its own level.
func TestWhoMayWriteChips(t *testing.T) {
	h := newHarness(t, storetest.OpenSQLite(t))
	card := h.inProduction("A00001-a")
	insp := h.approvedInspection("A00001-b")
	issuer := h.as("issuer")
	ag := h.newAgent(issuer, true)
	body := map[string]any{"card_uid": "A1B2C3D4", "agent_id": ag.id}
	for _, who := range []string{"op", "rev", "lixia", "jinan", "admin"} {
		c := h.as(who)
		if r := c.Do(http.MethodPost, "/api/v1/production/items/"+itoa(card)+"/ticket", body); r.Status != 403 {
			t.Errorf("%s requesting a card ticket: %d, want 403", who, r.Status)
		}
		if r := c.Do(http.MethodPost, "/api/v1/production/items/"+itoa(card)+"/receipt", map[string]string{"receipt": "x"}); r.Status != 403 {
			t.Errorf("%s posting a card receipt: %d, want 403", who, r.Status)
		}
	}
	for who, want := range map[string]int{"op": 403, "rev": 403, "admin": 403, "jinan": 403, "qingdao": 404} {
		c := h.as(who)
		if r := c.Do(http.MethodPost, "/api/v1/inspections/"+itoa(insp)+"/ticket", body); r.Status != want {
			t.Errorf("%s requesting a sync ticket: %d, want %d", who, r.Status, want)
		}
	}
	// The 历下区 office (which approved it) and the card issuer may.
	for _, who := range []string{"lixia", "issuer"} {
		c := h.as(who)
		p := problemOf(t, c.Do(http.MethodPost, "/api/v1/inspections/"+itoa(insp)+"/ticket", body))
		if p.Status != 400 || p.Errors[0].Field != "card_record" { // allowed: only the card's record is missing
			t.Errorf("%s requesting a sync ticket: %+v", who, p)
		}
	}
	op := h.as("op")
	if r := op.Do(http.MethodPost, "/api/v1/card-agents", map[string]string{"name": "x", "public_key": ag.device.Public().String()}); r.Status != 403 {
		t.Errorf("unit operator registering an agent: %d", r.Status)
	}
}

func TestCardAgentsAndVersion(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		issuer := h.as("issuer")
		ag := h.newAgent(issuer, true)
		ruleOf(t, issuer.Do(http.MethodPost, "/api/v1/card-agents", map[string]string{"name": "again", "public_key": ag.device.Public().String()}), 409, "unique")
		ruleOf(t, issuer.Do(http.MethodPost, "/api/v1/card-agents", map[string]string{"name": "bad", "public_key": "ed25519-private:AAAA"}), 400, "format")
		sm2, _ := sigalg.Generate(sigalg.SM2, rand.Reader)
		admin := h.as("admin")
		if r := admin.Do(http.MethodPost, "/api/v1/card-agents", map[string]string{"name": "SM2 机", "public_key": sm2.Public().String()}); r.Status != 201 {
			t.Fatalf("sm2 agent: %d %s", r.Status, r.Body)
		}
		var list []httpapi.CardAgent
		lixia := h.as("lixia")
		issuer.Get("/api/v1/card-agents").JSON(t, &list)
		if len(list) != 2 || list[0].Alg != "sm2" || list[1].KeyID != ag.device.KeyID().String() {
			t.Fatalf("agents: %+v", list)
		}
		if len(h.audit.find("card_agent.register", domain.AuditSuccess)) != 2 {
			t.Error("registrations not audited")
		}
		var v httpapi.CardAgentVersion
		lixia.Get("/api/v1/card-agents/version").JSON(t, &v)
		if v.Minimum != "1.0.0" || v.Latest != "1.0.0" || v.Protocol != 1 {
			t.Fatalf("default version: %+v", v)
		}
		if err := store.NewSettings(db).Put(context.Background(), "card_agent_version", map[string]any{"minimum": "1.1.0", "latest": "1.2.3"}, "admin"); err != nil {
			t.Fatal(err)
		}
		lixia.Get("/api/v1/card-agents/version").JSON(t, &v)
		if v.Minimum != "1.1.0" || v.Latest != "1.2.3" {
			t.Fatalf("configured version: %+v", v)
		}
	})
}

// issuanceProbes are the authorization-matrix probes of the production and
// chip routes. Inside: an unknown application or batch (404), or a body
// the route refuses (400/422), for whoever may call it. Outside: a legally
// approved inspection of 青岛市南区, which no 济南 office may sync (404);
// nothing lies outside the province-wide card issuer.
func issuanceProbes(h *harness) map[string]probe {
	h.t.Helper()
	ctx := context.Background()
	o := h.officer("A00004-b")
	var certID int64
	if err := h.db.SQL().QueryRow("SELECT id FROM certificates WHERE officer_id = " + itoa(o.ID)).Scan(&certID); err != nil {
		h.t.Fatal(err)
	}
	ids, err := store.NewApplications(h.db).Create(ctx, []store.NewApplication{{Kind: domain.AppInspection,
		State: domain.AppLegalApproved, OfficerID: o.ID, CertificateID: &certID, CertType: domain.CertLawEnforcement,
		UnitID: h.units["A00004"], RegionCode: "370202", ApplicantID: 1, ApplicantName: "matrix", RoundYear: 2024,
		RoundDueOn: o.NextDueOn}}, h.clock.Now())
	if err != nil {
		h.t.Fatal(err)
	}
	far := ids[0]
	q := func(p string) func(actor) (string, any) { return func(actor) (string, any) { return p, nil } }
	post := func(p string, body any) func(actor) (string, any) {
		return func(actor) (string, any) { return p, body }
	}
	sync := func(step string, body any) probe {
		return probe{inside: post("/api/v1/inspections/999999/"+step, body), outside: func(a actor) (string, any) {
			if a.principal.Scope.Contains("370202") {
				return "/api/v1/inspections/0/" + step, body // nothing outside
			}
			return "/api/v1/inspections/" + itoa(far) + "/" + step, body
		}}
	}
	card := map[string]any{"card_uid": "A1B2C3D4", "agent_id": 1}
	dev, err := sigalg.Generate(sigalg.Ed25519, rand.Reader)
	if err != nil {
		h.t.Fatal(err)
	}
	qingdao, err := store.NewIssuance(h.db, h.pii).AddAgent(ctx, store.CardAgent{Name: "青岛制证机", KeyID: dev.KeyID().String(),
		PublicKey: dev.Public().String(), Alg: "ed25519", RegionCode: "370200", RegisteredBy: "matrix"}, 1, h.clock.Now())
	if err != nil {
		h.t.Fatal(err)
	}
	reason := map[string]string{"reason": "矩阵"}
	agentProbe := func(action string) probe {
		return probe{inside: post("/api/v1/card-agents/999999/"+action, reason), outside: func(a actor) (string, any) {
			if a.principal.Scope.Contains("370200") {
				return "/api/v1/card-agents/0/" + action, reason // nothing outside
			}
			return "/api/v1/card-agents/" + itoa(qingdao.ID) + "/" + action, reason
		}}
	}
	return map[string]probe{
		"POST /api/v1/production/reports":              {inside: post("/api/v1/production/reports", map[string]any{"all": true})},
		"GET /api/v1/production/queue":                 {inside: q("/api/v1/production/queue")},
		"POST /api/v1/production/batches":              {inside: post("/api/v1/production/batches", map[string]any{"application_ids": []int64{}})},
		"GET /api/v1/production/batches":               {inside: q("/api/v1/production/batches")},
		"GET /api/v1/production/batches/:id":           {inside: q("/api/v1/production/batches/999999")},
		"POST /api/v1/production/batches/:id/dispatch": {inside: post("/api/v1/production/batches/999999/dispatch", nil)},
		"POST /api/v1/production/items/:id/ticket":     {inside: post("/api/v1/production/items/999999/ticket", card)},
		"POST /api/v1/production/items/:id/receipt":    {inside: post("/api/v1/production/items/999999/receipt", map[string]string{"receipt": "x"})},
		"POST /api/v1/inspections/:id/ticket":          sync("ticket", card),
		"POST /api/v1/inspections/:id/receipt":         sync("receipt", map[string]string{"receipt": "x"}),
		"POST /api/v1/inspections/:id/sticker":         sync("sticker", nil),
		"POST /api/v1/inspections/:id/manual-sync":     sync("manual-sync", map[string]string{"reason": "矩阵"}),
		"POST /api/v1/card-agents":                     {inside: post("/api/v1/card-agents", map[string]string{"name": "矩阵", "public_key": "bad"})},
		"GET /api/v1/card-agents":                      {inside: q("/api/v1/card-agents")},
		// Inside: an unknown agent (404) for whoever may write agents.
		// Outside: an agent of 青岛.
		"POST /api/v1/card-agents/:id/disable": agentProbe("disable"),
		"POST /api/v1/card-agents/:id/enable":  agentProbe("enable"),
		"GET /api/v1/inspections/sync-policy":  {inside: q("/api/v1/inspections/sync-policy")},
		"GET /api/v1/card-agents/version":      {inside: q("/api/v1/card-agents/version")},
		"GET /api/v1/card-agents/server-keys":  {inside: q("/api/v1/card-agents/server-keys")},
	}
}
