package seed

import (
	"bytes"
	"context"
	"math/big"
	"os"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/pii"
	"github.com/lecms/lecms/api/store"
	"github.com/lecms/lecms/api/store/storetest"
)

func testDeps(t testing.TB) Deps {
	t.Helper()
	p, err := pii.New(pii.AES256GCM, bytes.Repeat([]byte{9}, 32))
	if err != nil {
		t.Fatal(err)
	}
	d := Deps{DB: nil, PII: p, Policy: domain.DefaultInspectionPolicy(), Today: domain.MustDate("2026-03-15")}
	return d
}

func TestUSCC(t *testing.T) {
	// The worked example of GB 32100-2015.
	if c := orgCodeCheck("M000100Y"); c != '4' {
		t.Errorf("orgCodeCheck(M000100Y) = %c, want 4", c)
	}
	if c := usccCheck("91350100M000100Y4"); c != '3' {
		t.Errorf("usccCheck(91350100M000100Y4) = %c, want 3", c)
	}
	re := regexp.MustCompile(`^11370102\d{8}[0-9X][0-9A-HJ-NPQRTUWXY]$`)
	g := newOfficerGen(1, testDeps(t), nil)
	for range 1000 {
		c := uscc(g.rng, "370102")
		if !re.MatchString(c) || usccCheck(c[:17]) != c[17] || orgCodeCheck(c[8:16]) != c[16] {
			t.Fatalf("invalid credit code %s", c)
		}
	}
}

func TestSyntheticIDsAreInjective(t *testing.T) {
	if g := new(big.Int).GCD(nil, nil, big.NewInt(idMultiplier), big.NewInt(idSpace)); g.Int64() != 1 {
		t.Fatalf("multiplier shares factor %d with the ID space %d", g.Int64(), idSpace)
	}
	g := newOfficerGen(1, testDeps(t), nil)
	seen := map[string]int64{}
	for k := int64(1); k <= 300_000; k++ {
		id := g.syntheticID(k, "370102")
		if _, err := domain.ParseIDNumber(string(id)); err != nil {
			t.Fatalf("k=%d: %s: %v", k, id, err)
		}
		seq, _ := strconv.Atoi(string(id[14:17]))
		if seq/2 < demoIDSeqs {
			t.Fatalf("k=%d: sequence %d overlaps the demo's", k, seq)
		}
		key := string(id[6:17]) // the region may repeat; birth date + sequence must not
		if prev, dup := seen[key]; dup {
			t.Fatalf("k=%d and k=%d share %s", prev, k, key)
		}
		seen[key] = k
	}
	// The end of the space still maps inside it.
	if id := g.syntheticID(idSpace, "370102"); id.BirthDate().After(birthTo) {
		t.Fatalf("last id %s", id)
	}
}

func TestDemoGenerationIsDeterministic(t *testing.T) {
	d := testDeps(t)
	gen := func() []store.NewOfficer {
		units := make([]demoUnit, len(demoUnits))
		copy(units, demoUnits)
		for i := range units {
			units[i].ID = int64(i + 1)
		}
		return demoOfficers(newOfficerGen(42, d, nil), units)
	}
	a, b := gen(), gen()
	if len(a) != DemoOfficers || len(b) != DemoOfficers {
		t.Fatalf("%d, %d officers", len(a), len(b))
	}
	for i := range a {
		x, y := a[i], b[i]
		if x.Code != y.Code || x.Name != y.Name || x.IDNumberMasked != y.IDNumberMasked ||
			!bytes.Equal(x.IDNumberHash, y.IDNumberHash) || (x.Cert == nil) != (y.Cert == nil) ||
			(x.Cert != nil && (x.Cert.Number != y.Cert.Number || x.Cert.State != y.Cert.State)) {
			t.Fatalf("officer %d differs between runs: %+v / %+v", i, x, y)
		}
	}
	// Another day: the same people, only their dates move.
	d.Today = d.Today.AddDays(200)
	c := gen()
	for i := range a {
		if a[i].Code != c[i].Code || a[i].Name != c[i].Name || a[i].IDNumberMasked != c[i].IDNumberMasked ||
			a[i].Staffing != c[i].Staffing || a[i].Post != c[i].Post {
			t.Fatalf("officer %d changes with Today: %s %s / %s %s", i, a[i].Code, a[i].Name, c[i].Code, c[i].Name)
		}
	}
	if len(demoUnits) < 180 || len(demoUnits) > 220 {
		t.Errorf("%d demo units", len(demoUnits))
	}
	names := map[string]bool{}
	for _, u := range demoUnits {
		if names[u.Name] {
			t.Errorf("unit name %s repeats", u.Name)
		}
		names[u.Name] = true
	}
}

// TestSeedVsPlainCopy measures `Officers` against a plain COPY of the same
// generated rows into the same (freshly migrated, indexed) tables. It runs
// only when asked:
//
//	TEST_DATABASE_URL=postgres://… LECMS_SEED_BENCH_OFFICERS=1000000 \
//	  go test -run TestSeedVsPlainCopy -v -timeout 30m ./api/seed/
func TestSeedVsPlainCopy(t *testing.T) {
	url, nStr := os.Getenv(storetest.EnvDatabaseURL), os.Getenv("LECMS_SEED_BENCH_OFFICERS")
	if url == "" || nStr == "" {
		t.Skip("set TEST_DATABASE_URL and LECMS_SEED_BENCH_OFFICERS to measure")
	}
	n, err := strconv.Atoi(nStr)
	if err != nil || n <= 0 {
		t.Fatalf("LECMS_SEED_BENCH_OFFICERS=%q", nStr)
	}
	writers := 2
	if w := os.Getenv("LECMS_SEED_WRITERS"); w != "" {
		writers, _ = strconv.Atoi(w)
	}
	ctx := context.Background()

	// 1. The plain COPY: same units, same generated officers, ids assigned
	// in memory, three COPY statements in one transaction.
	plainDB := storetest.OpenPostgres(t, url)
	d := testDeps(t)
	d.DB = plainDB
	if _, err := Officers(ctx, d, 0); err != nil { // regions and units only
		t.Fatal(err)
	}
	units, _, err := ensureSyntheticUnits(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	genStart := time.Now()
	g := newOfficerGen(1, d, nil)
	var all []store.NewOfficer
	for done := 0; done < n; done += syntheticBatch {
		all = append(all, g.syntheticBatch(units, int64(done+1), min(syntheticBatch, n-done))...)
	}
	genTime := time.Since(genStart)
	region := map[int64]string{}
	for _, u := range units {
		region[u.ID] = string(u.Region)
	}
	plain := plainCopy(t, ctx, plainDB, all, region)
	all = nil

	// 2. The seed, on a fresh schema.
	seedDB := storetest.OpenPostgres(t, url)
	d.DB = seedDB
	if _, err := Officers(ctx, d, 0); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	sum, err := Officers(ctx, d, n)
	if err != nil {
		t.Fatal(err)
	}
	seedTime := time.Since(start)
	var a, b int
	plainDB.SQL().QueryRow("SELECT COUNT(*) FROM officers").Scan(&a)
	seedDB.SQL().QueryRow("SELECT COUNT(*) FROM officers").Scan(&b)
	if a != n || b != n || sum.Officers != n {
		t.Fatalf("officers: plain %d, seed %d, want %d", a, b, n)
	}
	ratio := seedTime.Seconds() / plain.Seconds()
	t.Logf("%d officers, %d certificates, %d exam records (%d writers)", n, sum.Certificates, sum.Exams, writers)
	t.Logf("generation alone (names, ID numbers, sealing): %s", genTime.Round(time.Millisecond))
	t.Logf("plain COPY: %s (%.0f officers/s)", plain.Round(time.Millisecond), float64(n)/plain.Seconds())
	t.Logf("seed:       %s (%.0f officers/s), %.2f× the plain COPY", seedTime.Round(time.Millisecond), float64(n)/seedTime.Seconds(), ratio)
	if ratio > 3 {
		t.Errorf("seeding took %.2f× a plain COPY, target ≤ 3×", ratio)
	}
}

func plainCopy(t *testing.T, ctx context.Context, db *store.DB, all []store.NewOfficer, region map[int64]string) time.Duration {
	t.Helper()
	// For scale: the officer rows alone into an index-free copy of the table.
	if _, err := db.SQL().ExecContext(ctx, "CREATE TABLE officers_noidx (LIKE officers INCLUDING DEFAULTS)"); err != nil {
		t.Fatal(err)
	}
	noIdx := copyOfficers(t, ctx, db, "officers_noidx", all, region, nil)
	t.Logf("officer rows alone, table without indexes: %s (%.0f rows/s)", noIdx.Round(time.Millisecond), float64(len(all))/noIdx.Seconds())
	if _, err := db.SQL().ExecContext(ctx, "DROP TABLE officers_noidx"); err != nil {
		t.Fatal(err)
	}
	return plainCopyAll(t, ctx, db, all, region)
}

// copyOfficers COPYs the officer rows alone into table in one transaction.
func copyOfficers(t *testing.T, ctx context.Context, db *store.DB, table string, all []store.NewOfficer, region map[int64]string, certOf []int64) time.Duration {
	t.Helper()
	conn, err := db.SQL().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	now := time.Now().UTC()
	var elapsed time.Duration
	err = conn.Raw(func(dc any) error {
		start := time.Now()
		tx, err := dc.(*stdlib.Conn).Conn().Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(ctx)
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{table}, []string{"id", "code", "name", "id_number_enc",
			"id_number_hash", "id_number_masked", "sex", "birth_date", "unit_id", "region_code", "prov_code", "city_code",
			"area", "category", "education", "post", "staffing", "has_photo", "training_hours", "cert_state", "created_at", "updated_at"},
			pgx.CopyFromSlice(len(all), func(i int) ([]any, error) {
				o := &all[i]
				r := region[o.UnitID]
				return []any{int64(i + 1), o.Code, o.Name, o.IDNumberEnc, o.IDNumberHash, o.IDNumberMasked, string(o.Sex),
					o.BirthDate.Time(), o.UnitID, r, r[:2], r[:4], o.Area, o.Category, o.Education, o.Post, string(o.Staffing),
					o.HasPhoto, o.TrainingHours, "none", now, now}, nil
			})); err != nil {
			return err
		}
		if err := tx.Commit(ctx); err != nil {
			return err
		}
		elapsed = time.Since(start)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return elapsed
}

func plainCopyAll(t *testing.T, ctx context.Context, db *store.DB, all []store.NewOfficer, region map[int64]string) time.Duration {
	t.Helper()
	conn, err := db.SQL().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	now := time.Now().UTC()
	var elapsed time.Duration
	err = conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		date := func(d *domain.Date) any {
			if d == nil {
				return nil
			}
			return d.Time()
		}
		// ids: officer i+1; certificates and exams numbered in order. The
		// certificate and exam rows are built before the clock starts.
		certOf := make([]int64, len(all))
		var nc int64
		for i := range all {
			if all[i].Cert != nil {
				nc++
				certOf[i] = nc
			}
		}
		var certRows, examRows [][]any
		for i := range all {
			if c := all[i].Cert; c != nil {
				r := region[all[i].UnitID]
				var no any
				if c.Number != "" {
					no = c.Number
				}
				certRows = append(certRows, []any{certOf[i], int64(i + 1), string(c.Type), no, string(c.State), date(c.IssuedOn),
					date(c.LastInspectedOn), date(c.NextDueOn), c.ChipUID, c.CardSerial, r, r[:2], r[:4], c.VoidReason,
					date(c.BarredUntil), 1, now, now})
			}
			for _, e := range all[i].Exams {
				examRows = append(examRows, []any{int64(len(examRows) + 1), int64(i + 1), e.Kind, e.TakenOn.Time(), e.Score, e.Passed, now})
			}
		}
		start := time.Now()
		tx, err := pc.Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(ctx)
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"officers"}, []string{"id", "code", "name", "id_number_enc",
			"id_number_hash", "id_number_masked", "sex", "birth_date", "unit_id", "region_code", "prov_code", "city_code",
			"area", "category", "education", "post", "staffing", "has_photo", "training_hours", "cert_id", "cert_type",
			"cert_no", "cert_state", "last_inspected_on", "next_due_on", "created_at", "updated_at"},
			pgx.CopyFromSlice(len(all), func(i int) ([]any, error) {
				o := &all[i]
				r := region[o.UnitID]
				var certID, certType, certNo, last, next any
				state := "none"
				if c := o.Cert; c != nil {
					certID, certType, state, last, next = certOf[i], string(c.Type), string(c.State), date(c.LastInspectedOn), date(c.NextDueOn)
					if c.Number != "" {
						certNo = c.Number
					}
				}
				return []any{int64(i + 1), o.Code, o.Name, o.IDNumberEnc, o.IDNumberHash, o.IDNumberMasked, string(o.Sex),
					o.BirthDate.Time(), o.UnitID, r, r[:2], r[:4], o.Area, o.Category, o.Education, o.Post, string(o.Staffing),
					o.HasPhoto, o.TrainingHours, certID, certType, certNo, state, last, next, now, now}, nil
			})); err != nil {
			return err
		}
		t1 := time.Now()
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"certificates"}, []string{"id", "officer_id", "type", "number", "state",
			"issued_on", "last_inspected_on", "next_due_on", "chip_uid", "card_serial", "region_code", "prov_code",
			"city_code", "void_reason", "barred_until", "version", "created_at", "updated_at"}, pgx.CopyFromRows(certRows)); err != nil {
			return err
		}
		t2 := time.Now()
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"exam_records"}, []string{"id", "officer_id", "kind", "taken_on",
			"score", "passed", "created_at"}, pgx.CopyFromRows(examRows)); err != nil {
			return err
		}
		t3 := time.Now()
		if err := tx.Commit(ctx); err != nil {
			return err
		}
		elapsed = time.Since(start)
		t.Logf("plain COPY by table: officers %s, certificates %s, exam records %s, commit %s",
			t1.Sub(start).Round(time.Millisecond), t2.Sub(t1).Round(time.Millisecond), t3.Sub(t2).Round(time.Millisecond),
			time.Since(t3).Round(time.Millisecond))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return elapsed
}
