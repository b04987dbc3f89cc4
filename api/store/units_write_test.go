package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/store"
	"github.com/lecms/lecms/api/store/storetest"
)

func TestUnitCreateUpdateDelete(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		lixia, _ := setup(t, db)
		units := store.NewUnits(db)
		id, err := units.Create(ctx, store.NewUnit{Code: "B00001", Name: "济南市司法局", RegionCode: "370100",
			CreditCode: "11370100004200000X", Contact: "王五", Phone: "0531-12345678"})
		if err != nil {
			t.Fatal(err)
		}
		u, err := units.Get(ctx, id)
		if err != nil || u.Code != "B00001" || u.Level != domain.LevelCity || u.RegionName != "济南市" || u.Phone != "0531-12345678" {
			t.Fatalf("created: %+v %v", u, err)
		}
		if _, err := units.Create(ctx, store.NewUnit{Code: "B00001", Name: "重复", RegionCode: "370100"}); domain.ErrorCode(err) != domain.CodeConflict ||
			!strings.Contains(err.(*domain.Error).Message, "B00001") {
			t.Fatalf("duplicate code: %v", err)
		}

		// An empty unit may move to another region; the level follows.
		if err := units.Update(ctx, id, store.NewUnit{Code: "B00001", Name: "历下区司法局", RegionCode: "370102"}); err != nil {
			t.Fatal(err)
		}
		if u, _ := units.Get(ctx, id); u.Level != domain.LevelCounty || u.Name != "历下区司法局" || u.CreditCode != "" {
			t.Fatalf("updated: %+v", u)
		}
		if err := units.Update(ctx, id, store.NewUnit{Code: "A00001", Name: "x", RegionCode: "370102"}); domain.ErrorCode(err) != domain.CodeConflict {
			t.Fatalf("code taken by another unit: %v", err)
		}
		if err := units.Update(ctx, id, store.NewUnit{Code: "B00001", Name: "x", RegionCode: "370105"}); domain.ErrorCode(err) != domain.CodeInvalid {
			t.Fatalf("unknown region: %v", err)
		}
		if err := units.Update(ctx, 99999, store.NewUnit{Code: "B00009", Name: "x", RegionCode: "370102"}); domain.ErrorCode(err) != domain.CodeNotFound {
			t.Fatalf("unknown unit: %v", err)
		}

		// A unit with officers keeps its region and cannot be deleted.
		p := testProtector(t)
		if err := db.InsertOfficers(ctx, []store.NewOfficer{officer(p, lixia, "P1", 1, nil)}); err != nil {
			t.Fatal(err)
		}
		err = units.Update(ctx, lixia, store.NewUnit{Code: "A00001", Name: "改名可以", RegionCode: "370202"})
		if domain.ErrorCode(err) != domain.CodeConflict || !strings.Contains(err.Error(), "1 名执法人员") {
			t.Fatalf("moving a unit with officers: %v", err)
		}
		if err := units.Update(ctx, lixia, store.NewUnit{Code: "A00001", Name: "改名可以", RegionCode: "370102"}); err != nil {
			t.Fatalf("renaming a unit with officers: %v", err)
		}
		err = units.Delete(ctx, lixia)
		if domain.ErrorCode(err) != domain.CodeConflict || !strings.Contains(err.Error(), "撤销") {
			t.Fatalf("deleting a unit with officers: %v", err)
		}
		if err := units.Delete(ctx, id); err != nil {
			t.Fatal(err)
		}
		if _, err := units.Get(ctx, id); domain.ErrorCode(err) != domain.CodeNotFound {
			t.Fatalf("deleted unit: %v", err)
		}
		if err := units.Delete(ctx, id); domain.ErrorCode(err) != domain.CodeNotFound {
			t.Fatalf("deleting twice: %v", err)
		}
	})
}

func TestUnitWithUsersIsNotDeletedNorMoved(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		lixia, _ := setup(t, db)
		if _, err := store.NewUsers(db).Create(ctx, store.NewUser{Username: "op", DisplayName: "op", PasswordHash: "x",
			Role: domain.RoleUnitOperator, ScopeRegion: "370102", UnitID: &lixia}); err != nil {
			t.Fatal(err)
		}
		units := store.NewUnits(db)
		if err := units.Delete(ctx, lixia); domain.ErrorCode(err) != domain.CodeConflict || !strings.Contains(err.Error(), "用户账号") {
			t.Fatalf("delete: %v", err)
		}
		if err := units.Update(ctx, lixia, store.NewUnit{Code: "A00001", Name: "x", RegionCode: "370100"}); domain.ErrorCode(err) != domain.CodeConflict {
			t.Fatalf("move: %v", err)
		}
	})
}

func TestUnitDissolve(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		lixia, _ := setup(t, db)
		units := store.NewUnits(db)
		already, err := units.Dissolve(ctx, lixia)
		if err != nil || already {
			t.Fatalf("dissolve: %v %v", already, err)
		}
		if u, _ := units.Get(ctx, lixia); !u.Dissolved {
			t.Fatalf("not dissolved: %+v", u)
		}
		if already, err := units.Dissolve(ctx, lixia); err != nil || !already {
			t.Fatalf("dissolve again: %v %v", already, err)
		}
		if err := units.Update(ctx, lixia, store.NewUnit{Code: "A00001", Name: "x", RegionCode: "370102"}); domain.ErrorCode(err) != domain.CodeRuleViolated {
			t.Fatalf("editing a dissolved unit: %v", err)
		}
		if _, err := units.Dissolve(ctx, 4242); domain.ErrorCode(err) != domain.CodeNotFound {
			t.Fatalf("unknown unit: %v", err)
		}
	})
}
