package main

import (
	"context"
	"encoding/base64"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v5"

	"github.com/lecms/lecms/api/config"
	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/httpapi"
	"github.com/lecms/lecms/api/pii"
	"github.com/lecms/lecms/api/seed"
	"github.com/lecms/lecms/api/store"
	"github.com/lecms/lecms/api/store/storetest"
)

type benchAuth struct{ p domain.Principal }

func (a benchAuth) Authenticate(*echo.Context) (domain.Principal, error) { return a.p, nil }

// BenchmarkServeOfficerList is GET /api/v1/officers through the handler
// `lecms serve` builds (middleware, registry service, store, JSON), in
// process and without a network, so that a CPU profile shows where the
// API's time goes beside PostgreSQL's:
//
//	LECMS_BENCH_DATABASE_URL=postgres://…/lecms_bench go test ./api/cmd/lecms -run '^$' \
//	    -bench ServeOfficerList -benchtime 5s -cpuprofile /tmp/serve.prof
//	go tool pprof -top -nodecount 40 /tmp/serve.prof
//
// Without LECMS_BENCH_DATABASE_URL, TEST_DATABASE_URL gets a fresh schema
// with BENCH_OFFICERS synthetic officers (default 20,000). BENCH_POOL sets
// the pool (default 16). The access log is JSON-encoded to io.Discard.
// Caveat: the services write their signing key and authorization policy
// into the database on first use, as `lecms serve` does at start.
func BenchmarkServeOfficerList(b *testing.B) {
	ctx := context.Background()
	pool := 16
	if s := os.Getenv("BENCH_POOL"); s != "" {
		pool, _ = strconv.Atoi(s)
	}
	// The data key `lecms serve` uses with this environment (the public
	// development key unless LECMS_DATA_KEY is set): the signing key in an
	// existing database is sealed with it.
	cfg, err := config.FromEnv()
	if err != nil {
		b.Fatal(err)
	}
	p, err := pii.New(cfg.DataCipher, cfg.DataKey)
	if err != nil {
		b.Fatal(err)
	}
	var db *store.DB
	if u := os.Getenv("LECMS_BENCH_DATABASE_URL"); u != "" {
		if db, err = store.Open(ctx, store.Options{DatabaseURL: u, MaxOpenConns: pool, MaxIdleConns: pool}); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { db.Close() })
	} else if u := os.Getenv(storetest.EnvDatabaseURL); u != "" {
		db = storetest.OpenPostgres(b, u)
		db.SQL().SetMaxOpenConns(pool)
		db.SQL().SetMaxIdleConns(pool)
		n := 20_000
		if s := os.Getenv("BENCH_OFFICERS"); s != "" {
			n, _ = strconv.Atoi(s)
		}
		if _, err := seed.Officers(ctx, seed.Deps{DB: db, PII: p}, n); err != nil {
			b.Fatal(err)
		}
		if _, err := db.SQL().ExecContext(ctx, "ANALYZE"); err != nil {
			b.Fatal(err)
		}
	} else {
		b.Skip("set LECMS_BENCH_DATABASE_URL or TEST_DATABASE_URL to benchmark on PostgreSQL")
	}
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	svc, err := newServices(ctx, &app{cfg: cfg, db: db, pii: p, log: log})
	if err != nil {
		b.Fatal(err)
	}
	// The services and middleware of `lecms serve`; only the bearer-token
	// check is replaced by a fixed province-wide reader (wrk runs measure
	// the token check too).
	e := httpapi.New(httpapi.Deps{Log: log, DB: db, SQL: db.SQL(), Registry: svc.registry, Identity: svc.identity,
		Auth:  benchAuth{domain.Principal{UserID: 1, Username: "bench", Role: domain.RoleLegalReviewer, Scope: "370000"}},
		Authz: svc.authz, Clients: svc.identity, BodyLimit: 4 << 20})

	var lo, hi domain.Date
	{
		var l, h string
		if err := db.SQL().QueryRowContext(ctx, "SELECT min(next_due_on)::text, max(next_due_on)::text FROM officers").Scan(&l, &h); err != nil {
			b.Fatal(err)
		}
		lo, hi = domain.MustDate(l), domain.MustDate(h)
	}
	days := int(hi.Time().Sub(lo.Time()).Hours() / 24)
	cities := []string{"3701", "3702", "3703", "3704", "3705", "3706", "3707", "3708",
		"3709", "3710", "3711", "3713", "3714", "3715", "3716", "3717"}
	target := func(rng *rand.Rand, cursor bool) string {
		t := "/api/v1/officers?region=" + cities[rng.IntN(len(cities))] + "00&limit=50"
		if cursor {
			due := lo.AddDays(days/10 + rng.IntN(max(1, days*8/10)))
			t += "&cursor=" + base64.RawURLEncoding.EncodeToString([]byte(`{"d":"`+due.String()+`","i":1}`))
		}
		return t
	}
	get := func(b *testing.B, rng *rand.Rand, cursor bool) {
		w := httptest.NewRecorder()
		e.ServeHTTP(w, httptest.NewRequest(http.MethodGet, target(rng, cursor), nil))
		if w.Code != http.StatusOK {
			b.Fatalf("status %d: %s", w.Code, w.Body.String())
		}
	}
	for _, cursor := range []bool{false, true} {
		name := map[bool]string{false: "first", true: "cursor"}[cursor]
		b.Run(name, func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 2))
			b.ReportAllocs()
			defer reportCPU(b, processCPU())
			for b.Loop() {
				get(b, rng, cursor)
			}
		})
		b.Run(name+"-x64", func(b *testing.B) {
			b.ReportAllocs()
			defer reportCPU(b, processCPU())
			b.SetParallelism(max(1, 64/runtime.GOMAXPROCS(0)))
			b.RunParallel(func(pb *testing.PB) {
				rng := rand.New(rand.NewPCG(rand.Uint64(), 3))
				for pb.Next() {
					get(b, rng, cursor)
				}
			})
		})
	}
}

// processCPU is this process's user+system CPU time from /proc/self/stat
// (Linux; 0 elsewhere), for a cpu-ns/op metric that a busy machine
// disturbs less than ns/op: the CPU the Go side spends per page.
func processCPU() time.Duration {
	b, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return 0
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:]) // fields from 3 on
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * (time.Second / 100) // USER_HZ
}

// reportCPU adds cpu-ns/op for the iterations since start.
func reportCPU(b *testing.B, start time.Duration) {
	if d := processCPU() - start; d > 0 && b.N > 0 {
		b.ReportMetric(float64(d.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}
