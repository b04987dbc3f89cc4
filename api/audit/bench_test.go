package audit_test

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/lecms/lecms/api/audit"
	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/store"
	"github.com/lecms/lecms/api/store/storetest"
)

// BenchmarkRecord measures appends per second: serial (one writer) and
// parallel (8 writers per CPU queueing on the chain lock, as replicas and
// request handlers do).
// PostgreSQL runs when TEST_DATABASE_URL is set.
func BenchmarkRecord(b *testing.B) {
	dbs := map[string]func(testing.TB) *store.DB{"sqlite": storetest.OpenSQLite}
	if u := os.Getenv(storetest.EnvDatabaseURL); u != "" {
		dbs["postgres"] = func(tb testing.TB) *store.DB { return storetest.OpenPostgres(tb, u) }
	}
	for _, name := range []string{"sqlite", "postgres"} {
		open, ok := dbs[name]
		if !ok {
			continue
		}
		for _, alg := range []audit.Algorithm{audit.SHA256, audit.SM3} {
			for _, parallel := range []bool{false, true} {
				b.Run(fmt.Sprintf("%s/%s/parallel=%v", name, alg, parallel), func(b *testing.B) {
					tr := newTrail(b, open(b), audit.Options{Hash: alg})
					e := domain.AuditEvent{ActorID: 1, ActorName: "admin", Role: "admin", Scope: "370102", Action: "officer.update",
						TargetType: "officer", TargetID: "42", Result: domain.AuditSuccess, IP: "10.0.0.1", RequestID: "bench",
						Detail: map[string]any{"field": "post", "from": "科员", "to": "科长"}}
					ctx := context.Background()
					b.ResetTimer()
					if parallel {
						b.SetParallelism(8)
						b.RunParallel(func(pb *testing.PB) {
							for pb.Next() {
								if err := tr.Record(ctx, e); err != nil {
									b.Error(err)
									return
								}
							}
						})
					} else {
						for b.Loop() {
							if err := tr.Record(ctx, e); err != nil {
								b.Fatal(err)
							}
						}
					}
					b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "appends/s")
				})
			}
		}
	}
}
