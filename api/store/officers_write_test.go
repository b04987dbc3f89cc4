package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/pii"
	"github.com/lecms/lecms/api/store"
	"github.com/lecms/lecms/api/store/storetest"
)

// fields builds valid officer fields for ID number id.
func fields(p *pii.Protector, unit int64, code string, id domain.IDNumber) store.OfficerFields {
	return store.OfficerFields{Code: code, Name: "测试" + code, IDNumberEnc: p.Seal(id.String(), store.IDNumberAAD),
		IDNumberHash: p.BlindIndex(id.String()), IDNumberMasked: id.Masked(), Sex: id.Sex(), BirthDate: id.BirthDate(),
		UnitID: unit, Area: "济南市历下区", Category: "城市管理", Staffing: domain.StaffingEstablished}
}

func TestOfficerCreateRecordUpdate(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		lixia, _ := setup(t, db)
		p := testProtector(t)
		officers := store.NewOfficers(db)
		id1 := domain.MakeIDNumber("370102", domain.NewDate(1985, 5, 6), 12, true)
		f := fields(p, lixia, "W001", id1)
		f.SanctionLevel, f.SanctionUntil, f.TrainingHours, f.ReviewResult = "warning", date("2027-01-31"), 40, "competent"
		id, err := officers.Create(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		r, err := officers.Record(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if r.Version != 1 || r.RegionCode != "370102" || r.UnitName != "济南市历下区城市管理局" || r.Code != "W001" ||
			r.TrainingHours != 40 || r.SanctionUntil == nil || r.SanctionUntil.String() != "2027-01-31" || r.Sex != domain.SexMale ||
			r.BirthDate.String() != "1985-05-06" || r.HasPhoto {
			t.Fatalf("record: %+v", r)
		}
		if got, err := p.Open(r.IDNumberEnc, store.IDNumberAAD); err != nil || got != id1.String() {
			t.Fatalf("sealed ID number: %q %v", got, err)
		}
		// The read side sees the new officer with its unit and region.
		if o, err := officers.Get(ctx, id, "370100"); err != nil || o.UnitName != "济南市历下区城市管理局" || o.CertState != domain.CertNone {
			t.Fatalf("read side: %+v %v", o, err)
		}

		// Edit at the current version; the sanction is lifted.
		f.Name, f.Sex, f.SanctionLevel, f.SanctionUntil = "改名", domain.SexFemale, "", nil
		v, err := officers.Update(ctx, id, 1, f, nil)
		if err != nil || v != 2 {
			t.Fatalf("update: %d %v", v, err)
		}
		if r, _ := officers.Record(ctx, id); r.Name != "改名" || r.Sex != domain.SexFemale || r.SanctionUntil != nil || r.Version != 2 {
			t.Fatalf("after update: %+v", r)
		}
		// The same version again is stale.
		_, err = officers.Update(ctx, id, 1, f, nil)
		if domain.ErrorCode(err) != domain.CodeConflict || !strings.Contains(err.Error(), "第 2 版") {
			t.Fatalf("stale version: %v", err)
		}
		if _, err := officers.Update(ctx, 987654, 1, f, nil); domain.ErrorCode(err) != domain.CodeNotFound {
			t.Fatalf("unknown officer: %v", err)
		}
		if _, err := officers.Record(ctx, 987654); domain.ErrorCode(err) != domain.CodeNotFound {
			t.Fatalf("unknown record: %v", err)
		}
	})
}

func TestOfficerDuplicatesNameTheExistingOfficer(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		lixia, qingdao := setup(t, db)
		p := testProtector(t)
		officers := store.NewOfficers(db)
		// Bulk-inserted officers start at version 1 too.
		if err := db.InsertOfficers(ctx, []store.NewOfficer{officer(p, lixia, "BULK1", 3, nil)}); err != nil {
			t.Fatal(err)
		}
		bulk, err := officers.List(ctx, store.OfficerQuery{OfficerCode: "BULK1", Limit: 1})
		if err != nil || len(bulk.Items) != 1 {
			t.Fatal(bulk, err)
		}
		if r, err := officers.Record(ctx, bulk.Items[0].ID); err != nil || r.Version != 1 {
			t.Fatalf("bulk record: %+v %v", r, err)
		}
		bulkID := domain.MakeIDNumber("370102", domain.NewDate(1980, 1, 1).AddDays(3), 3, false)

		// The same person in another unit: refused, naming the officer code.
		_, err = officers.Create(ctx, fields(p, qingdao, "Q001", bulkID))
		if domain.ErrorCode(err) != domain.CodeConflict || !strings.Contains(err.Error(), "BULK1") || strings.Contains(err.Error(), bulkID.String()) {
			t.Fatalf("same person: %v", err)
		}
		other := domain.MakeIDNumber("370202", domain.NewDate(1990, 2, 3), 7, false)
		if _, err := officers.Create(ctx, fields(p, qingdao, "BULK1", other)); domain.ErrorCode(err) != domain.CodeConflict ||
			!strings.Contains(err.Error(), "编码 BULK1") {
			t.Fatalf("code in use: %v", err)
		}
		id, err := officers.Create(ctx, fields(p, qingdao, "Q001", other))
		if err != nil {
			t.Fatal(err)
		}
		// An edit may not take another person's ID number either.
		if _, err := officers.Update(ctx, id, 1, fields(p, qingdao, "Q001", bulkID), nil); domain.ErrorCode(err) != domain.CodeConflict ||
			!strings.Contains(err.Error(), "BULK1") {
			t.Fatalf("edit to a taken ID number: %v", err)
		}
		// Keeping one's own number and code is no conflict.
		if _, err := officers.Update(ctx, id, 1, fields(p, qingdao, "Q001", other), nil); err != nil {
			t.Fatal(err)
		}
		if n := count(t, db, "officers"); n != 2 {
			t.Fatalf("officers: %d", n)
		}
	})
}

func TestOfficerCreateNeedsALiveUnit(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		lixia, _ := setup(t, db)
		p := testProtector(t)
		officers := store.NewOfficers(db)
		id := domain.MakeIDNumber("370102", domain.NewDate(1985, 5, 6), 12, true)
		if _, err := officers.Create(ctx, fields(p, 4242, "X1", id)); domain.ErrorCode(err) != domain.CodeNotFound {
			t.Fatalf("unknown unit: %v", err)
		}
		if _, err := store.NewUnits(db).Dissolve(ctx, lixia); err != nil {
			t.Fatal(err)
		}
		if _, err := officers.Create(ctx, fields(p, lixia, "X1", id)); domain.ErrorCode(err) != domain.CodeRuleViolated {
			t.Fatalf("dissolved unit: %v", err)
		}
	})
}

func TestConcurrentEditsAtOneVersionSaveOnce(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		lixia, _ := setup(t, db)
		p := testProtector(t)
		officers := store.NewOfficers(db)
		idn := domain.MakeIDNumber("370102", domain.NewDate(1985, 5, 6), 12, true)
		id, err := officers.Create(ctx, fields(p, lixia, "C001", idn))
		if err != nil {
			t.Fatal(err)
		}
		const n = 6
		errs := make(chan error, n)
		for i := 0; i < n; i++ {
			go func() {
				f := fields(p, lixia, "C001", idn)
				f.Name = fmt.Sprintf("编辑%d", i)
				_, err := officers.Update(ctx, id, 1, f, nil)
				errs <- err
			}()
		}
		saved := 0
		for i := 0; i < n; i++ {
			switch err := <-errs; domain.ErrorCode(err) {
			case domain.CodeConflict:
			default:
				if err != nil {
					t.Errorf("edit: %v", err)
				}
				saved++
			}
		}
		if r, _ := officers.Record(ctx, id); saved != 1 || r.Version != 2 {
			t.Fatalf("%d edits saved at version 1, record at version %d", saved, r.Version)
		}
	})
}
