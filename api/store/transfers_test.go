package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/store"
	"github.com/lecms/lecms/api/store/storetest"
)

func TestTransferMovesOfficerAndOpensRenewals(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		lixia, qingdao := setup(t, db)
		p := testProtector(t)
		officers, apps := store.NewOfficers(db), store.NewApplications(db)
		last := date("2025-03-01")
		cert := &store.NewCertificate{Type: domain.CertLawEnforcement, Number: "370102ZF000001", State: domain.CertActive,
			IssuedOn: last, LastInspectedOn: last, NextDueOn: date("2027-03-01")}
		if err := db.InsertOfficers(ctx, []store.NewOfficer{officer(p, lixia, "T1", 1, cert), officer(p, lixia, "T2", 2, nil)}); err != nil {
			t.Fatal(err)
		}
		page, err := officers.List(ctx, store.OfficerQuery{Limit: 10})
		if err != nil || len(page.Items) != 2 {
			t.Fatalf("list: %v %v", page, err)
		}
		ids := map[string]int64{}
		for _, o := range page.Items {
			ids[o.Code] = o.ID
		}
		t1, t2 := ids["T1"], ids["T2"]
		now := time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)
		cands, err := apps.Candidates(ctx, []int64{t1}, domain.CertLawEnforcement)
		if err != nil || cands[t1].Cert == nil {
			t.Fatalf("candidate: %+v %v", cands, err)
		}
		certID := cands[t1].Cert.ID
		renewal := store.NewApplication{Kind: domain.AppRenewal, State: domain.AppSubmitted, OfficerID: t1, CertificateID: &certID,
			CertType: domain.CertLawEnforcement, UnitID: qingdao, RegionCode: "370200", ApplicantID: 9, ApplicantName: "sft", Reason: "调动换发"}

		// A stale version changes nothing.
		if _, err := officers.Transfer(ctx, store.TransferPlan{OfficerID: t1, Version: 7, ToUnitID: qingdao, Reason: "调动",
			Renewals: []store.NewApplication{renewal}}, now); domain.ErrorCode(err) != domain.CodeConflict {
			t.Fatalf("stale version: %v", err)
		}
		tr, err := officers.Transfer(ctx, store.TransferPlan{OfficerID: t1, Version: 1, ToUnitID: qingdao, Area: "青岛市",
			ActorID: 9, ActorName: "sft", Reason: "调动", Renewals: []store.NewApplication{renewal}}, now)
		if err != nil {
			t.Fatal(err)
		}
		if tr.FromUnitName != "济南市历下区城市管理局" || tr.ToUnitName != "青岛市市场监督管理局" || tr.ToRegion != "370200" || len(tr.RenewalIDs) != 1 {
			t.Fatalf("transfer: %+v", tr)
		}
		r, err := officers.Record(ctx, t1)
		if err != nil || r.UnitID != qingdao || r.RegionCode != "370200" || r.Area != "青岛市" || r.Version != 2 {
			t.Fatalf("record after the move: %+v %v", r, err)
		}
		// The officer list finds them under the new city, with the same certificate.
		if got, err := officers.List(ctx, store.OfficerQuery{Region: "370200", Limit: 10}); err != nil || len(got.Items) != 1 ||
			got.Items[0].ID != t1 || got.Items[0].CertNo == nil || *got.Items[0].CertNo != "370102ZF000001" {
			t.Fatalf("list of the new city: %+v %v", got, err)
		}
		open, err := apps.OpenFor(ctx, t1)
		if err != nil || open == nil || open.ID != tr.RenewalIDs[0] || open.Kind != domain.AppRenewal || !open.Locks {
			t.Fatalf("open renewal: %+v %v", open, err)
		}
		// With the renewal open, the next move is refused.
		if _, err := officers.Transfer(ctx, store.TransferPlan{OfficerID: t1, Version: 2, ToUnitID: lixia, Reason: "回调"}, now); domain.ErrorCode(err) != domain.CodeRuleViolated {
			t.Fatalf("move with an open application: %v", err)
		}
		// An officer without certificate moves without applications; the history lists the moves.
		if _, err := officers.Transfer(ctx, store.TransferPlan{OfficerID: t2, Version: 1, ToUnitID: qingdao, ActorName: "sft", Reason: "调动"}, now); err != nil {
			t.Fatal(err)
		}
		if open, err := apps.OpenFor(ctx, t2); err != nil || open != nil {
			t.Fatalf("no application expected: %+v %v", open, err)
		}
		hist, err := officers.Transfers(ctx, t1)
		if err != nil || len(hist) != 1 || hist[0].ToUnitID != qingdao || hist[0].Reason != "调动" || !hist[0].At.Equal(now) {
			t.Fatalf("history: %+v %v", hist, err)
		}
	})
}
