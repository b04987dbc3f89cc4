package store_test

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/store"
	"github.com/lecms/lecms/api/store/storetest"
)

// appFixture makes n officers of one 历下区 unit with a submitted new-card
// application each, and returns the applications.
func appFixture(t testing.TB, db *store.DB, n int) []domain.Application {
	t.Helper()
	ctx := context.Background()
	f := newListFixtureN(t, db, n)
	apps := make([]store.NewApplication, 0, n)
	for _, id := range f {
		apps = append(apps, store.NewApplication{Kind: domain.AppNewCard, State: domain.AppUnitApproved, OfficerID: id,
			CertType: domain.CertLawEnforcement, UnitID: 1, RegionCode: "370102", ApplicantID: 1, ApplicantName: "op"})
	}
	ids, err := store.NewApplications(db).Create(ctx, apps, time.Now().UTC())
	if err != nil {
		t.Fatal(err)
	}
	got, err := store.NewApplications(db).Get(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// newListFixtureN inserts n certificate-less officers into one unit.
func newListFixtureN(t testing.TB, db *store.DB, n int) []int64 {
	t.Helper()
	ctx := context.Background()
	if err := db.InsertRegions(ctx, []domain.Region{{Code: "370000", Name: "山东省"}, {Code: "370100", Name: "济南市"}, {Code: "370102", Name: "历下区"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.InsertUnits(ctx, []store.NewUnit{{Code: "A00001", Name: "历下区城市管理局", RegionCode: "370102"}}); err != nil {
		t.Fatal(err)
	}
	officers := make([]store.NewOfficer, n)
	for i := range officers {
		id := domain.MakeIDNumber("370102", domain.NewDate(1970+i%30, time.Month(1+i%12), 1+i%28), i%500, i%2 == 0)
		officers[i] = store.NewOfficer{Code: fmt.Sprintf("P%07d", i), Name: "测试", IDNumberEnc: []byte{1},
			IDNumberHash: []byte(fmt.Sprintf("h%07d", i)), IDNumberMasked: id.Masked(), Sex: id.Sex(), BirthDate: id.BirthDate(),
			UnitID: 1, Area: "历下区", Staffing: domain.StaffingEstablished, HasPhoto: true}
	}
	for start := 0; start < n; start += 10000 {
		if err := db.InsertOfficers(ctx, officers[start:min(start+10000, n)]); err != nil {
			t.Fatal(err)
		}
	}
	ids, err := store.NewOfficers(db).IDs(ctx, store.OfficerQuery{}, n)
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func approvalChange(a domain.Application) store.Change {
	return store.Change{ID: a.ID, Version: a.Version, From: a.State, To: domain.AppLegalApproved, Step: "legal_approve",
		Decision: "approve", ActorID: 2, ActorName: "lixia", OfficerID: a.OfficerID,
		NewCert: &store.NewCertPlan{Type: domain.CertLawEnforcement, Region: "370102", Prefix: "370102ZF", Width: 6}}
}

func TestNumbersAreUniqueUnderConcurrency(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		apps := appFixture(t, db, 40)
		s := store.NewApplications(db)
		var wg sync.WaitGroup
		errs := make(chan error, len(apps))
		for i := 0; i < len(apps); i += 5 { // 8 concurrent batches of 5
			batch := apps[i : i+5]
			wg.Add(1)
			go func() {
				defer wg.Done()
				changes := make([]store.Change, len(batch))
				for j, a := range batch {
					changes[j] = approvalChange(a)
				}
				errs <- s.Apply(context.Background(), changes, time.Now().UTC())
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		got, _ := s.Get(context.Background(), ids(apps))
		var nums []string
		for _, a := range got {
			if a.CertNo == nil {
				t.Fatalf("no number: %+v", a)
			}
			nums = append(nums, *a.CertNo)
		}
		sort.Strings(nums)
		for i, n := range nums { // unique and contiguous from 1
			if want := fmt.Sprintf("370102ZF%06d", i+1); n != want {
				t.Fatalf("number %d is %s, want %s (all: %v)", i, n, want, nums)
			}
		}
	})
}

func TestApplyIsAllOrNothingOnAStaleVersion(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		apps := appFixture(t, db, 3)
		s := store.NewApplications(db)
		changes := []store.Change{approvalChange(apps[0]), approvalChange(apps[1]), approvalChange(apps[2])}
		changes[2].Version = 99 // someone changed it meanwhile
		if err := s.Apply(context.Background(), changes, time.Now().UTC()); err != store.ErrStale {
			t.Fatalf("want ErrStale, got %v", err)
		}
		got, _ := s.Get(context.Background(), ids(apps))
		for _, a := range got {
			if a.State != domain.AppUnitApproved || a.CertNo != nil {
				t.Fatalf("a stale batch changed %+v", a)
			}
		}
	})
}

func ids(apps []domain.Application) []int64 {
	out := make([]int64, len(apps))
	for i, a := range apps {
		out[i] = a.ID
	}
	return out
}
