package lifecycle_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/lecms/lecms/api/authz"
	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/lifecycle"
	"github.com/lecms/lecms/api/settings"
	"github.com/lecms/lecms/api/store"
	"github.com/lecms/lecms/api/store/storetest"
)

// BenchmarkApproveLegalBatch10k approves 10,000 new-card applications in
// one request on PostgreSQL: gates, numbers, certificates, officer list
// columns and timeline, in one transaction. Target: under 5 s.
//
//	TEST_DATABASE_URL=postgres://… go test -run '^$' -bench ApproveLegalBatch -benchtime 1x ./api/lifecycle/
func BenchmarkApproveLegalBatch10k(b *testing.B) {
	u := os.Getenv(storetest.EnvDatabaseURL)
	if u == "" {
		b.Skip("TEST_DATABASE_URL not set")
	}
	const n = 10000
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db := storetest.OpenPostgres(b, u)
		svc, ids := batchFixture(b, db, n)
		lixia := domain.Principal{UserID: 2, Username: "lixia", Role: domain.RoleLegalReviewer, Scope: "370102"}
		b.StartTimer()
		res, err := svc.Decide(ctx, lixia, lifecycle.DecideRequest{Action: lifecycle.ActionApproveLegal, IDs: ids})
		b.StopTimer()
		if err != nil || res.Count != n {
			b.Fatalf("%v %+v", err, res.Count)
		}
	}
}

func batchFixture(b *testing.B, db *store.DB, n int) (*lifecycle.Service, []int64) {
	ctx := context.Background()
	if err := db.InsertRegions(ctx, []domain.Region{{Code: "370000", Name: "山东省"}, {Code: "370100", Name: "济南市"}, {Code: "370102", Name: "历下区"}}); err != nil {
		b.Fatal(err)
	}
	if _, err := db.InsertUnits(ctx, []store.NewUnit{{Code: "A00001", Name: "历下区城市管理局", RegionCode: "370102"}}); err != nil {
		b.Fatal(err)
	}
	passed := []store.NewExam{{Kind: "general", TakenOn: domain.MustDate("2020-01-01"), Score: 90, Passed: true}}
	officers := make([]store.NewOfficer, n)
	for i := range officers {
		id := domain.MakeIDNumber("370102", domain.NewDate(1970+i%30, time.Month(1+i%12), 1+i%28), i%500, i%2 == 0)
		officers[i] = store.NewOfficer{Code: fmt.Sprintf("P%07d", i), Name: "测试", IDNumberEnc: []byte{1},
			IDNumberHash: []byte(fmt.Sprintf("h%07d", i)), IDNumberMasked: id.Masked(), Sex: id.Sex(), BirthDate: id.BirthDate(),
			UnitID: 1, Area: "历下区", Staffing: domain.StaffingEstablished, HasPhoto: true, Exams: passed}
	}
	if err := db.InsertOfficers(ctx, officers); err != nil {
		b.Fatal(err)
	}
	oids, err := store.NewOfficers(db).IDs(ctx, store.OfficerQuery{}, n)
	if err != nil {
		b.Fatal(err)
	}
	apps := make([]store.NewApplication, len(oids))
	for i, id := range oids {
		apps[i] = store.NewApplication{Kind: domain.AppNewCard, State: domain.AppUnitApproved, OfficerID: id,
			CertType: domain.CertLawEnforcement, UnitID: 1, RegionCode: "370102", ApplicantID: 1, ApplicantName: "op"}
	}
	ids, err := store.NewApplications(db).Create(ctx, apps, time.Now().UTC())
	if err != nil {
		b.Fatal(err)
	}
	az, err := authz.New(authz.FilePolicy())
	if err != nil {
		b.Fatal(err)
	}
	svc := lifecycle.New(lifecycle.Deps{Apps: store.NewApplications(db), Officers: store.NewOfficers(db), Authz: az,
		Policies: settings.NewPolicySource(store.NewSettings(db), time.Minute, time.Now), Now: time.Now, Loc: time.UTC})
	return svc, ids
}
