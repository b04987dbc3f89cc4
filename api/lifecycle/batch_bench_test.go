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
// columns and timeline, in one transaction. Target: under 5 s with
// 1,000,000 officers on record.
//
//	TEST_DATABASE_URL=postgres://… go test -run '^$' -bench ApproveLegalBatch -benchtime 1x ./api/lifecycle/
//	    a fresh schema holding only the 10,000 officers
//	LECMS_BENCH_APPROVE_DATABASE_URL=postgres://…/lecms_bench_approve go test …
//	    a scratch copy of the 1,000,000-officer database (scripts/bench-approvals.sh
//	    makes it with CREATE DATABASE … TEMPLATE lecms_bench); each iteration
//	    adds a unit with 10,000 officers and their applications to it, then
//	    approves them. The database is written to: never point it at real data.
func BenchmarkApproveLegalBatch10k(b *testing.B) {
	scratch := os.Getenv("LECMS_BENCH_APPROVE_DATABASE_URL")
	u := os.Getenv(storetest.EnvDatabaseURL)
	if u == "" && scratch == "" {
		b.Skip("neither TEST_DATABASE_URL nor LECMS_BENCH_APPROVE_DATABASE_URL is set")
	}
	const n = 10000
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		var db *store.DB
		if scratch != "" {
			var err error
			if db, err = store.Open(ctx, store.Options{DatabaseURL: scratch, MaxOpenConns: 8, MaxIdleConns: 8}); err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { db.Close() })
		} else {
			db = storetest.OpenPostgres(b, u)
		}
		svc, ids := batchFixture(b, db, n, scratch == "")
		lixia := domain.Principal{UserID: 2, Username: "lixia", Role: domain.RoleLegalReviewer, Scope: "370102"}
		b.StartTimer()
		res, err := svc.Decide(ctx, lixia, lifecycle.DecideRequest{Action: lifecycle.ActionApproveLegal, IDs: ids})
		b.StopTimer()
		if err != nil || res.Count != n {
			b.Fatalf("%v %+v", err, res.Count)
		}
	}
}

// batchFixture adds a unit of 历下区 with n officers ready for a first card
// and their unit-approved applications. In a fresh schema it adds the
// regions too; in a populated database it picks codes nobody has.
func batchFixture(b *testing.B, db *store.DB, n int, fresh bool) (*lifecycle.Service, []int64) {
	ctx := context.Background()
	tag := "A000" // 4 characters: unit code (tag + "01"), officer codes, ID-number hashes
	if fresh {
		if err := db.InsertRegions(ctx, []domain.Region{{Code: "370000", Name: "山东省"}, {Code: "370100", Name: "济南市"}, {Code: "370102", Name: "历下区"}}); err != nil {
			b.Fatal(err)
		}
	} else {
		tag = fmt.Sprintf("Z%03X", time.Now().UnixNano()%0x1000)
	}
	unitIDs, err := db.InsertUnits(ctx, []store.NewUnit{{Code: tag + "01", Name: "历下区城市管理局" + tag, RegionCode: "370102"}})
	if err != nil {
		b.Fatal(err)
	}
	passed := []store.NewExam{{Kind: "general", TakenOn: domain.MustDate("2020-01-01"), Score: 90, Passed: true}}
	officers := make([]store.NewOfficer, n)
	for i := range officers {
		id := domain.MakeIDNumber("370102", domain.NewDate(1970+i%30, time.Month(1+i%12), 1+i%28), i%500, i%2 == 0)
		officers[i] = store.NewOfficer{Code: fmt.Sprintf("P%s%07d", tag, i), Name: "测试", IDNumberEnc: []byte{1},
			IDNumberHash: []byte(fmt.Sprintf("h%s%07d", tag, i)), IDNumberMasked: id.Masked(), Sex: id.Sex(), BirthDate: id.BirthDate(),
			UnitID: unitIDs[0], Area: "历下区", Staffing: domain.StaffingEstablished, HasPhoto: true, Exams: passed}
	}
	if err := db.InsertOfficers(ctx, officers); err != nil {
		b.Fatal(err)
	}
	oids, err := store.NewOfficers(db).IDs(ctx, store.OfficerQuery{UnitID: unitIDs[0]}, n)
	if err != nil {
		b.Fatal(err)
	}
	apps := make([]store.NewApplication, len(oids))
	for i, id := range oids {
		apps[i] = store.NewApplication{Kind: domain.AppNewCard, State: domain.AppUnitApproved, OfficerID: id,
			CertType: domain.CertLawEnforcement, UnitID: unitIDs[0], RegionCode: "370102", ApplicantID: 1, ApplicantName: "op"}
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
