package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/pii"
	"github.com/lecms/lecms/api/store"
	"github.com/lecms/lecms/api/store/storetest"
)

// issuanceFixture: officers in a 历下区 unit (county) and in a
// province-level unit, no certificates.
type issuanceFixture struct {
	db       *store.DB
	iss      *store.Issuance
	apps     *store.Applications
	county   []int64 // officer ids, unit 1 (370102)
	province []int64 // officer ids, unit 2 (370000)
}

func newIssuanceFixture(t *testing.T, db *store.DB) *issuanceFixture {
	t.Helper()
	ctx := context.Background()
	if err := db.InsertRegions(ctx, []domain.Region{{Code: "370000", Name: "山东省"}, {Code: "370100", Name: "济南市"}, {Code: "370102", Name: "历下区"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.InsertUnits(ctx, []store.NewUnit{{Code: "A00001", Name: "历下区城市管理局", RegionCode: "370102"},
		{Code: "S00001", Name: "省市场监督管理局", RegionCode: "370000"}}); err != nil {
		t.Fatal(err)
	}
	var officers []store.NewOfficer
	for i := 0; i < 8; i++ {
		id := domain.MakeIDNumber("370102", domain.NewDate(1980, 1, 1+i), i, i%2 == 0)
		officers = append(officers, store.NewOfficer{Code: fmt.Sprintf("P%03d", i), Name: "测试", IDNumberEnc: []byte{1},
			IDNumberHash: []byte(fmt.Sprintf("h%03d", i)), IDNumberMasked: id.Masked(), Sex: id.Sex(), BirthDate: id.BirthDate(),
			UnitID: int64(1 + i/4), Area: "历下区", Staffing: domain.StaffingEstablished, HasPhoto: true})
	}
	if err := db.InsertOfficers(ctx, officers); err != nil {
		t.Fatal(err)
	}
	ids, err := store.NewOfficers(db).IDs(ctx, store.OfficerQuery{}, 100)
	if err != nil {
		t.Fatal(err)
	}
	f := &issuanceFixture{db: db, iss: store.NewIssuance(db, testSealer(t)), apps: store.NewApplications(db)}
	for _, id := range ids {
		var unit int64
		if err := db.SQL().QueryRow(fmt.Sprintf("SELECT unit_id FROM officers WHERE id = %d", id)).Scan(&unit); err != nil {
			t.Fatal(err)
		}
		if unit == 1 {
			f.county = append(f.county, id)
		} else {
			f.province = append(f.province, id)
		}
	}
	return f
}

func testSealer(t *testing.T) *pii.Protector {
	p, err := pii.New(pii.AES256GCM, bytes.Repeat([]byte{9}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// approved makes legally approved new-card applications with pending,
// numbered certificates for officers of a unit.
func (f *issuanceFixture) approved(t *testing.T, officers []int64, unit int64, region domain.RegionCode) []domain.Application {
	t.Helper()
	ctx := context.Background()
	var news []store.NewApplication
	for _, o := range officers {
		news = append(news, store.NewApplication{Kind: domain.AppNewCard, State: domain.AppUnitApproved, OfficerID: o,
			CertType: domain.CertLawEnforcement, UnitID: unit, RegionCode: region, ApplicantID: 1, ApplicantName: "op"})
	}
	ids, err := f.apps.Create(ctx, news, time.Now().UTC())
	if err != nil {
		t.Fatal(err)
	}
	apps, _ := f.apps.Get(ctx, ids)
	var changes []store.Change
	for _, a := range apps {
		changes = append(changes, store.Change{ID: a.ID, Version: a.Version, From: a.State, To: domain.AppLegalApproved,
			Step: "legal_approve", Decision: "approve", ActorID: 2, ActorName: "legal", OfficerID: a.OfficerID,
			NewCert: &store.NewCertPlan{Type: domain.CertLawEnforcement, Region: region, Prefix: string(region) + "ZF", Width: 6}})
	}
	if err := f.apps.Apply(ctx, changes, time.Now().UTC()); err != nil {
		t.Fatal(err)
	}
	apps, _ = f.apps.Get(ctx, ids)
	return apps
}

func TestProductionQueueAndBatch(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newIssuanceFixture(t, db)
		county := f.approved(t, f.county[:3], 1, "370102")
		prov := f.approved(t, f.province[:2], 2, "370000")
		// Province-level approvals are queued at once; the county's only once
		// its city reported them.
		q, err := f.iss.Queue(ctx, "37")
		if err != nil {
			t.Fatal(err)
		}
		if len(q) != 1 || q[0].CityCode != "370000" || q[0].Count != 2 || q[0].Oldest.IsZero() {
			t.Fatalf("queue before the report: %+v", q)
		}
		un, err := f.iss.Unreported(ctx, "3701", 100)
		if err != nil || len(un) != 3 {
			t.Fatalf("unreported: %v %v", un, err)
		}
		var items []store.ReportItem
		for _, a := range county[:2] {
			items = append(items, store.ReportItem{ID: a.ID, Version: a.Version, CityCode: "3701"})
		}
		// A stale version refuses the whole report.
		stale := append([]store.ReportItem{}, items...)
		stale[1].Version = 99
		if err := f.iss.Report(ctx, stale, store.Actor{ID: 3, Name: "jinan"}, time.Now().UTC()); !errors.Is(err, store.ErrStale) {
			t.Fatalf("stale report: %v", err)
		}
		if err := f.iss.Report(ctx, items, store.Actor{ID: 3, Name: "jinan"}, time.Now().UTC()); err != nil {
			t.Fatal(err)
		}
		q, _ = f.iss.Queue(ctx, "37")
		if len(q) != 2 || q[0].CityCode != "370000" || q[1].CityCode != "370100" || q[1].CityName != "济南市" || q[1].Count != 2 {
			t.Fatalf("queue after the report: %+v", q)
		}
		queued, err := f.iss.QueuedIn(ctx, "3701", 100)
		if err != nil || len(queued) != 2 {
			t.Fatalf("queued in 3701: %v %v", queued, err)
		}
		// A batch of the reported ones: in production, pending cards.
		apps, _ := f.apps.Get(ctx, queued)
		var bi []store.BatchItem
		for _, a := range apps {
			bi = append(bi, store.BatchItem{ID: a.ID, Version: a.Version, CertificateID: *a.CertificateID})
		}
		bid, err := f.iss.CreateBatch(ctx, "37", "3701", bi, store.Actor{ID: 4, Name: "issuer"}, time.Now().UTC())
		if err != nil {
			t.Fatal(err)
		}
		b, cards, err := f.iss.Batch(ctx, "37", bid)
		if err != nil || b.Pending != 2 || len(cards) != 2 || cards[0].CardState != store.CardPending || cards[0].CertNo == "" {
			t.Fatalf("batch: %+v %+v %v", b, cards, err)
		}
		if _, _, err := f.iss.Batch(ctx, "44", bid); domain.ErrorCode(err) != domain.CodeNotFound {
			t.Fatalf("another province's batch: %v", err)
		}
		// The same applications cannot go into a second batch.
		if _, err := f.iss.CreateBatch(ctx, "37", "3701", bi, store.Actor{ID: 4, Name: "issuer"}, time.Now().UTC()); !errors.Is(err, store.ErrStale) {
			t.Fatalf("second batch: %v", err)
		}
		q, _ = f.iss.Queue(ctx, "37")
		if len(q) != 1 || q[0].CityCode != "370000" || prov[0].State != domain.AppLegalApproved {
			t.Fatalf("queue after batching: %+v", q)
		}
	})
}

// inProduction puts n county applications into a batch and gives each a
// saved ticket; it returns the applications and the tickets' nonces.
func (f *issuanceFixture) inProduction(t *testing.T, n int) ([]domain.Application, [][]byte) {
	t.Helper()
	ctx := context.Background()
	apps := f.approved(t, f.county[:n], 1, "370102")
	var items []store.ReportItem
	for _, a := range apps {
		items = append(items, store.ReportItem{ID: a.ID, Version: a.Version, CityCode: "3701"})
	}
	if err := f.iss.Report(ctx, items, store.Actor{ID: 3, Name: "jinan"}, time.Now().UTC()); err != nil {
		t.Fatal(err)
	}
	apps, _ = f.apps.Get(ctx, ids(apps))
	var bi []store.BatchItem
	for _, a := range apps {
		bi = append(bi, store.BatchItem{ID: a.ID, Version: a.Version, CertificateID: *a.CertificateID})
	}
	if _, err := f.iss.CreateBatch(ctx, "37", "3701", bi, store.Actor{ID: 4, Name: "issuer"}, time.Now().UTC()); err != nil {
		t.Fatal(err)
	}
	var nonces [][]byte
	for i, a := range apps {
		nonce := []byte(fmt.Sprintf("nonce-%010d", i))
		if err := f.iss.SaveTicket(ctx, store.CardTicket{Nonce: nonce, ApplicationID: a.ID, CertificateID: *a.CertificateID,
			Purpose: "issue", CertNo: *a.CertNo, CardUID: fmt.Sprintf("AA%06d", i), AgentID: 1, DeviceKeyID: "0011223344556677", Seq: 1,
			ValidUntil: domain.MustDate("2028-11-26"), LastInspection: domain.MustDate("2026-11-26"), Token: "t",
			IssuedBy: 4, IssuedAt: time.Now().UTC(), ExpiresAt: time.Now().UTC().Add(5 * time.Minute)}); err != nil {
			t.Fatal(err)
		}
		nonces = append(nonces, nonce)
	}
	return apps, nonces
}

func issueWrite(a domain.Application, nonce []byte) store.ChipWrite {
	return store.ChipWrite{ApplicationID: a.ID, OfficerID: a.OfficerID, CertificateID: *a.CertificateID, Nonce: nonce,
		CardUID: "AA000000", Slot: 0, ReceiptAt: time.Now(), By: store.Actor{ID: 4, Name: "issuer"},
		IssuedOn: domain.MustDate("2026-11-26"), LastInspectedOn: domain.MustDate("2026-11-26"), NextDueOn: domain.MustDate("2028-11-26")}
}

// The replay guard is the database: of concurrent confirmations of one
// receipt exactly one wins, and a confirmation that fails after claiming
// the nonce (a lost race) leaves it unclaimed.
func TestReceiptNonceIsClaimedOnce(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newIssuanceFixture(t, db)
		apps, nonces := f.inProduction(t, 2)
		a, nonce := apps[0], nonces[0]
		claimOnly := func(n []byte) func(store.NonceClaimer) error {
			return func(claim store.NonceClaimer) error { return claim(ctx, n, time.Now().Add(10*time.Minute)) }
		}
		const racers = 8
		errs := make([]error, racers)
		var wg sync.WaitGroup
		for i := range racers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = f.iss.ConfirmIssue(ctx, issueWrite(a, nonce), claimOnly(nonce), time.Now().UTC())
			}()
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case errors.Is(err, store.ErrNonceUsed):
			default:
				t.Errorf("unexpected error: %v", err)
			}
		}
		if won != 1 {
			t.Fatalf("%d confirmations won, want 1 (%v)", won, errs)
		}
		got, _ := f.apps.Get(ctx, []int64{a.ID})
		if got[0].State != domain.AppCompleted {
			t.Fatalf("application %+v", got[0])
		}
		var state, chip string
		if err := db.SQL().QueryRow(fmt.Sprintf("SELECT state, chip_uid FROM certificates WHERE id = %d", *a.CertificateID)).Scan(&state, &chip); err != nil || state != "active" || chip != "AA000000" {
			t.Fatalf("certificate %s %s %v", state, chip, err)
		}
		// A confirmation that loses its race after claiming (the application
		// is completed already) rolls the claim back.
		other := []byte("nonce-unrelated")
		if err := f.iss.ConfirmIssue(ctx, issueWrite(a, nonces[1]), claimOnly(other), time.Now().UTC()); !errors.Is(err, store.ErrStale) {
			t.Fatalf("confirming a completed application: %v", err)
		}
		var n int
		if err := db.SQL().QueryRow("SELECT COUNT(*) FROM card_receipt_nonces").Scan(&n); err != nil || n != 1 {
			t.Fatalf("%d nonces claimed, want 1 (%v)", n, err)
		}
		// Pruning forgets expired nonces only.
		if gone, err := f.iss.PruneNonces(ctx, time.Now().Add(time.Minute)); err != nil || gone != 0 {
			t.Fatalf("pruned %d %v", gone, err)
		}
		if gone, err := f.iss.PruneNonces(ctx, time.Now().Add(time.Hour)); err != nil || gone != 1 {
			t.Fatalf("pruned %d %v", gone, err)
		}
	})
}

func TestCardKeysAreSealedAndTheFirstWins(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		iss := store.NewIssuance(db, testSealer(t))
		_, first, err := iss.EnsureCardKey(ctx, "record.ed25519", "ed25519", "ed25519-private:FIRST", "ed25519:pub1")
		if err != nil || first != "ed25519-private:FIRST" {
			t.Fatalf("first: %q %v", first, err)
		}
		_, second, err := iss.EnsureCardKey(ctx, "record.ed25519", "ed25519", "ed25519-private:SECOND", "ed25519:pub2")
		if err != nil || second != "ed25519-private:FIRST" {
			t.Fatalf("a second replica's key replaced the first: %q %v", second, err)
		}
		var raw []byte
		if err := db.SQL().QueryRow("SELECT private_enc FROM card_keys WHERE purpose = 'record.ed25519'").Scan(&raw); err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(raw, []byte("FIRST")) {
			t.Fatal("the private key is stored in clear")
		}
		// Sealed for its purpose: a row copied under another purpose does not open.
		if _, err := db.SQL().Exec("INSERT INTO card_keys (purpose, alg, private_enc, public, created_at) SELECT 'ticket.ed25519', alg, private_enc, public, created_at FROM card_keys"); err != nil {
			t.Fatal(err)
		}
		if _, _, _, err := iss.CardKey(ctx, "ticket.ed25519"); err == nil {
			t.Fatal("a key copied to another purpose opened")
		}
	})
}

func TestStaleSweepSparesSyncedAndCurrentRounds(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newIssuanceFixture(t, db)
		// Three active certificates due 2026-12-31, each with a legally approved inspection.
		var apps []int64
		for i, o := range f.county[:3] {
			due := domain.MustDate("2026-12-31")
			if _, err := db.SQL().Exec(fmt.Sprintf(`INSERT INTO certificates (officer_id, type, number, state, issued_on, last_inspected_on,
				next_due_on, region_code, prov_code, city_code, version, created_at, updated_at)
				VALUES (%d, 'law_enforcement', '370102ZF%06d', 'active', '2024-12-31', '2024-12-31', '2026-12-31', '370102', '37', '3701', 1, '2024-12-31', '2024-12-31')`, o, i+1)); err != nil {
				t.Fatal(err)
			}
			var cert int64
			db.SQL().QueryRow(fmt.Sprintf("SELECT id FROM certificates WHERE officer_id = %d", o)).Scan(&cert)
			ids, err := f.apps.Create(ctx, []store.NewApplication{{Kind: domain.AppInspection, State: domain.AppLegalApproved, OfficerID: o,
				CertificateID: &cert, CertType: domain.CertLawEnforcement, UnitID: 1, RegionCode: "370102", ApplicantID: 1,
				ApplicantName: "op", RoundYear: 2024, RoundDueOn: &due}}, time.Now().UTC())
			if err != nil {
				t.Fatal(err)
			}
			apps = append(apps, ids[0])
		}
		// The first is synced (step 4 done), so it can still get its sticker.
		got, _ := f.apps.Get(ctx, apps[:1])
		if err := f.iss.ConfirmSync(ctx, store.ChipWrite{ApplicationID: apps[0], OfficerID: got[0].OfficerID, CertificateID: *got[0].CertificateID,
			By: store.Actor{ID: 4, Name: "issuer"}, LastInspectedOn: domain.MustDate("2026-12-31"), NextDueOn: domain.MustDate("2028-12-31"),
			Reason: "测试"}, nil, time.Now().UTC()); err != nil {
			t.Fatal(err)
		}
		// On the due date nothing is stale yet; the day after, the unsynced are.
		if moved, err := f.iss.MarkStale(ctx, domain.MustDate("2026-12-31"), nil, store.Actor{Name: "system"}, time.Now().UTC()); err != nil || len(moved) != 0 {
			t.Fatalf("on the due date: %v %v", moved, err)
		}
		moved, err := f.iss.MarkStale(ctx, domain.MustDate("2027-01-01"), nil, store.Actor{Name: "system"}, time.Now().UTC())
		if err != nil || len(moved) != 2 || moved[0] != apps[1] || moved[1] != apps[2] {
			t.Fatalf("after the due date: %v %v", moved, err)
		}
		all, _ := f.apps.Get(ctx, apps)
		if all[0].State != domain.AppLegalApproved || all[1].State != domain.AppStale || all[2].State != domain.AppStale {
			t.Fatalf("states: %v %v %v", all[0].State, all[1].State, all[2].State)
		}
		if err := f.iss.Sticker(ctx, apps[0], store.Actor{ID: 4, Name: "issuer"}, time.Now().UTC()); err != nil {
			t.Fatal(err)
		}
		if err := f.iss.Sticker(ctx, apps[1], store.Actor{ID: 4, Name: "issuer"}, time.Now().UTC()); !errors.Is(err, store.ErrStale) {
			t.Fatalf("sticker without a sync: %v", err)
		}
	})
}
