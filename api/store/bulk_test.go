package store_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/pii"
	"github.com/lecms/lecms/api/store"
	"github.com/lecms/lecms/api/store/storetest"
)

func testProtector(t testing.TB) *pii.Protector {
	t.Helper()
	p, err := pii.New(pii.AES256GCM, bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

var testRegions = []domain.Region{
	{Code: "370000", Name: "山东省"}, {Code: "370100", Name: "济南市"}, {Code: "370102", Name: "历下区"},
	{Code: "370200", Name: "青岛市"}, {Code: "370202", Name: "市南区"},
}

// setup loads regions and two units (历下区, 青岛市) and returns their ids.
func setup(t *testing.T, db *store.DB) (lixia, qingdao int64) {
	t.Helper()
	ctx := context.Background()
	if err := db.InsertRegions(ctx, testRegions); err != nil {
		t.Fatal(err)
	}
	ids, err := db.InsertUnits(ctx, []store.NewUnit{
		{Code: "A00001", Name: "济南市历下区城市管理局", RegionCode: "370102"},
		{Code: "A00002", Name: "青岛市市场监督管理局", RegionCode: "370200"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids[0], ids[1]
}

func date(s string) *domain.Date { d := domain.MustDate(s); return &d }

// officer builds a valid NewOfficer whose ID number is derived from seq.
func officer(p *pii.Protector, unit int64, code string, seq int, cert *store.NewCertificate) store.NewOfficer {
	id := domain.MakeIDNumber("370102", domain.NewDate(1980, 1, 1).AddDays(seq), seq%500, seq%2 == 0)
	return store.NewOfficer{
		Code: code, Name: "测试" + code, IDNumberEnc: p.Seal(id.String(), store.IDNumberAAD),
		IDNumberHash: p.BlindIndex(id.String()), IDNumberMasked: id.Masked(), Sex: id.Sex(),
		BirthDate: id.BirthDate(), UnitID: unit, Area: "济南市历下区", Category: "城市管理",
		Staffing: domain.StaffingEstablished, HasPhoto: true, Cert: cert,
		Exams: []store.NewExam{{Kind: "general", TakenOn: domain.MustDate("2015-05-01"), Score: 88, Passed: true}},
	}
}

func count(t *testing.T, db *store.DB, table string) int {
	t.Helper()
	var n int
	if err := db.SQL().QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestInsertRegionsIsIdempotent(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		for range 2 {
			if err := db.InsertRegions(ctx, testRegions); err != nil {
				t.Fatal(err)
			}
		}
		if n := count(t, db, "regions"); n != len(testRegions) {
			t.Fatalf("regions = %d, want %d", n, len(testRegions))
		}
		r, err := store.NewRegions(db).Get(ctx, "370102")
		if err != nil || r.Level != domain.LevelCounty || r.ParentCode != "370100" {
			t.Fatalf("Get(370102) = %+v, %v", r, err)
		}
		if err := db.InsertRegions(ctx, []domain.Region{{Code: "370102", Name: "历下"}}); err != nil {
			t.Fatal(err)
		}
		if r, _ := store.NewRegions(db).Get(ctx, "370102"); r.Name != "历下" {
			t.Fatalf("rename not applied: %+v", r)
		}
		if err := db.InsertRegions(ctx, []domain.Region{{Code: "37010", Name: "x"}}); domain.ErrorCode(err) != domain.CodeInvalid {
			t.Fatalf("bad code: %v", err)
		}
	})
}

func TestInsertUnits(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		lixia, qingdao := setup(t, db)
		if lixia == 0 || qingdao == 0 || lixia == qingdao {
			t.Fatalf("ids = %d, %d", lixia, qingdao)
		}
		var code, level, prov, city string
		db.SQL().QueryRow("SELECT code, level, prov_code, city_code FROM units WHERE id = $1", qingdao).Scan(&code, &level, &prov, &city)
		if code != "A00002" || level != "city" || prov != "37" || city != "3702" {
			t.Fatalf("青岛 unit = %q %q %q %q", code, level, prov, city)
		}
		db.SQL().QueryRow("SELECT code, level, prov_code, city_code FROM units WHERE id = $1", lixia).Scan(&code, &level, &prov, &city)
		if code != "A00001" || level != "county" || prov != "37" || city != "3701" {
			t.Fatalf("历下 unit = %q %q %q %q", code, level, prov, city)
		}

		// A duplicate code anywhere in the call leaves nothing behind.
		_, err := db.InsertUnits(ctx, []store.NewUnit{
			{Code: "A00003", Name: "新单位", RegionCode: "370100"},
			{Code: "A00001", Name: "重复", RegionCode: "370100"},
		})
		if domain.ErrorCode(err) != domain.CodeConflict {
			t.Fatalf("duplicate code: %v, want conflict", err)
		}
		if n := count(t, db, "units"); n != 2 {
			t.Fatalf("units after failed insert = %d, want 2", n)
		}
		for _, bad := range []store.NewUnit{
			{Code: "A0001", Name: "短", RegionCode: "370100"},
			{Code: "a00009", Name: "小写", RegionCode: "370100"},
			{Code: "A00009", Name: "", RegionCode: "370100"},
			{Code: "A00009", Name: "无此区划", RegionCode: "370199"},
		} {
			if _, err := db.InsertUnits(ctx, []store.NewUnit{bad}); domain.ErrorCode(err) != domain.CodeInvalid {
				t.Errorf("InsertUnits(%+v) = %v, want invalid", bad, err)
			}
		}
	})
}

func TestInsertOfficersAllOrNothing(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		p := testProtector(t)
		lixia, _ := setup(t, db)
		active := func(no string) *store.NewCertificate {
			return &store.NewCertificate{Type: domain.CertLawEnforcement, Number: no, State: domain.CertActive,
				IssuedOn: date("2020-01-01"), LastInspectedOn: date("2024-01-01"), NextDueOn: date("2026-01-01")}
		}
		empty := func() {
			t.Helper()
			for _, table := range []string{"officers", "certificates", "exam_records"} {
				if n := count(t, db, table); n != 0 {
					t.Fatalf("%s has %d rows after a failed batch", table, n)
				}
			}
		}

		// Duplicate officer code inside the batch, in the last row.
		batch := []store.NewOfficer{
			officer(p, lixia, "3701020001", 1, active("370102ZF000001")),
			officer(p, lixia, "3701020002", 2, active("370102ZF000002")),
			officer(p, lixia, "3701020001", 3, active("370102ZF000003")),
		}
		err := db.InsertOfficers(ctx, batch)
		if domain.ErrorCode(err) != domain.CodeConflict || !strings.Contains(err.Error(), "执法人员编码") {
			t.Fatalf("duplicate code: %v", err)
		}
		empty()

		// Duplicate ID number, duplicate certificate number.
		dupID := officer(p, lixia, "3701020003", 1, nil)
		if err := db.InsertOfficers(ctx, []store.NewOfficer{batch[0], dupID}); domain.ErrorCode(err) != domain.CodeConflict ||
			!strings.Contains(err.Error(), "身份证号") {
			t.Fatalf("duplicate ID number: %v", err)
		}
		empty()
		dupNo := officer(p, lixia, "3701020003", 3, active("370102ZF000001"))
		if err := db.InsertOfficers(ctx, []store.NewOfficer{batch[0], dupNo}); domain.ErrorCode(err) != domain.CodeConflict ||
			!strings.Contains(err.Error(), "证件编号") {
			t.Fatalf("duplicate certificate number: %v", err)
		}
		empty()

		// Unknown unit and invalid rows are refused before anything is written.
		ghost := officer(p, 999999, "3701020009", 9, nil)
		if err := db.InsertOfficers(ctx, []store.NewOfficer{batch[0], ghost}); domain.ErrorCode(err) != domain.CodeInvalid {
			t.Fatalf("unknown unit: %v", err)
		}
		noNumber := officer(p, lixia, "3701020010", 10, active(""))
		if err := db.InsertOfficers(ctx, []store.NewOfficer{noNumber}); domain.ErrorCode(err) != domain.CodeInvalid {
			t.Fatalf("active without number: %v", err)
		}
		empty()

		// The good rows go in; then a batch clashing with a stored code
		// leaves its other rows out too.
		if err := db.InsertOfficers(ctx, batch[:2]); err != nil {
			t.Fatal(err)
		}
		clash := []store.NewOfficer{officer(p, lixia, "3701020005", 5, active("370102ZF000005")),
			officer(p, lixia, "3701020002", 6, nil)}
		if err := db.InsertOfficers(ctx, clash); domain.ErrorCode(err) != domain.CodeConflict {
			t.Fatalf("clash with stored code: %v", err)
		}
		if o, c, e := count(t, db, "officers"), count(t, db, "certificates"), count(t, db, "exam_records"); o != 2 || c != 2 || e != 2 {
			t.Fatalf("after clash: officers %d, certificates %d, exams %d; want 2, 2, 2", o, c, e)
		}
	})
}

func TestInsertOfficersDenormalised(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		p := testProtector(t)
		lixia, qingdao := setup(t, db)
		certs := []*store.NewCertificate{
			{Type: domain.CertLawEnforcement, Number: "370102ZF000001", State: domain.CertActive, IssuedOn: date("2018-03-01"),
				LastInspectedOn: date("2024-02-29"), NextDueOn: date("2026-02-28"), ChipUID: "04A1B2C3", CardSerial: "SD0001"},
			{Type: domain.CertSupervision, State: domain.CertPending},
			nil,
			{Type: domain.CertLawEnforcement, Number: "370200ZF000001", State: domain.CertRevoked, IssuedOn: date("2016-01-01"),
				LastInspectedOn: date("2020-01-01"), BarredUntil: date("2027-01-01")},
			{Type: domain.CertLawEnforcement, Number: "370102ZF000002", State: domain.CertVoid, IssuedOn: date("2019-01-01"),
				LastInspectedOn: date("2019-01-01"), VoidReason: "登报声明作废"},
		}
		var batch []store.NewOfficer
		for i, c := range certs {
			unit := lixia
			if i == 3 {
				unit = qingdao
			}
			batch = append(batch, officer(p, unit, fmt.Sprintf("OFF%03d", i), i, c))
		}
		if err := db.InsertOfficers(ctx, batch); err != nil {
			t.Fatal(err)
		}
		// A second batch gets fresh ids.
		if err := db.InsertOfficers(ctx, []store.NewOfficer{officer(p, lixia, "OFF100", 100, nil)}); err != nil {
			t.Fatal(err)
		}
		if n := count(t, db, "officers"); n != 6 {
			t.Fatalf("officers = %d", n)
		}

		type pair struct {
			code, region, prov, city, state, certState string
			certID, cID                                *int64
			certType, cType, certNo, cNo               *string
			last, cLast, due, cDue                     *domain.Date
			enc                                        []byte
		}
		rows, err := db.SQL().QueryContext(ctx, `SELECT o.code, o.region_code, o.prov_code, o.city_code, o.cert_state,
				COALESCE(c.state, 'none'), o.cert_id, c.id, o.cert_type, c.type, o.cert_no, c.number,
				o.last_inspected_on, c.last_inspected_on, o.next_due_on, c.next_due_on, o.id_number_enc
			FROM officers o LEFT JOIN certificates c ON c.officer_id = o.id ORDER BY o.code`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var got []pair
		for rows.Next() {
			var r pair
			if err := rows.Scan(&r.code, &r.region, &r.prov, &r.city, &r.state, &r.certState, &r.certID, &r.cID,
				&r.certType, &r.cType, &r.certNo, &r.cNo, &r.last, &r.cLast, &r.due, &r.cDue, &r.enc); err != nil {
				t.Fatal(err)
			}
			got = append(got, r)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		eqInt := func(a, b *int64) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }
		eqStr := func(a, b *string) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }
		eqDate := func(a, b *domain.Date) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }
		for i, r := range got {
			if r.state != r.certState || !eqInt(r.certID, r.cID) || !eqStr(r.certType, r.cType) ||
				!eqStr(r.certNo, r.cNo) || !eqDate(r.last, r.cLast) || !eqDate(r.due, r.cDue) {
				t.Errorf("%s: officer columns differ from its certificate: %+v", r.code, r)
			}
			wantRegion := "370102"
			if r.code == "OFF003" {
				wantRegion = "370200"
			}
			if r.region != wantRegion || r.prov != wantRegion[:2] || r.city != wantRegion[:4] {
				t.Errorf("%s: region %s/%s/%s, want %s", r.code, r.region, r.prov, r.city, wantRegion)
			}
			if id, err := p.Open(r.enc, store.IDNumberAAD); err != nil {
				t.Errorf("%s: sealed ID number does not open: %v", r.code, err)
			} else if _, err := domain.ParseIDNumber(id); err != nil {
				t.Errorf("%s: ID number %s does not parse", r.code, id)
			}
			if i < len(certs) && certs[i] != nil && r.state != string(certs[i].State) {
				t.Errorf("%s: state %s, want %s", r.code, r.state, certs[i].State)
			}
		}
		if g := got[0]; g.due == nil || g.due.String() != "2026-02-28" || g.last.String() != "2024-02-29" {
			t.Errorf("dates did not round-trip: %+v", g)
		}
		if g := got[1]; g.certNo != nil || g.state != "pending" || g.certID == nil {
			t.Errorf("pending certificate: %+v", g)
		}
		if g := got[2]; g.state != "none" || g.certID != nil || g.certNo != nil || g.due != nil {
			t.Errorf("no certificate: %+v", g)
		}

		// The list reads the denormalised columns.
		page, err := store.NewOfficers(db).List(ctx, store.OfficerQuery{Region: "370100", Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Items) != 5 {
			t.Fatalf("list 370100 = %d officers, want 5", len(page.Items))
		}
		for _, o := range page.Items {
			if o.Code == "" || o.RegionCode != "370102" || (o.CertState != domain.CertNone && o.CertType == nil) {
				t.Errorf("list item not read from the row: %+v", o)
			}
		}
		if u, err := store.NewUnits(db).Get(ctx, qingdao); err != nil || u.Code != "A00002" || u.Level != domain.LevelCity {
			t.Errorf("Units.Get = %+v, %v", u, err)
		}

		// Rows inserted later without an explicit id do not collide.
		if _, err := db.SQL().ExecContext(ctx, `INSERT INTO exam_records (officer_id, kind, taken_on, score, passed, created_at)
			VALUES ($1, 'general', '2020-01-01', 70, true, CURRENT_TIMESTAMP)`, *got[0].certID); err != nil {
			t.Fatalf("insert after bulk ids: %v", err)
		}
	})
}

func TestMigrateUnderSearchPath(t *testing.T) {
	u := os.Getenv(storetest.EnvDatabaseURL)
	if u == "" {
		t.Skip(storetest.EnvDatabaseURL + " not set")
	}
	db := storetest.OpenPostgres(t, u)
	ctx := context.Background()
	if err := db.Migrate(ctx); err != nil { // again: a no-op
		t.Fatal(err)
	}
	var schema string
	if err := db.SQL().QueryRow("SELECT current_schema()").Scan(&schema); err != nil || !strings.HasPrefix(schema, "lecms_test_") {
		t.Fatalf("current_schema = %q, %v", schema, err)
	}
	var tables, indexes int
	db.SQL().QueryRow(`SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = $1 AND table_name IN
		('regions', 'units', 'officers', 'certificates', 'exam_records', 'users', 'schema_versions')`, schema).Scan(&tables)
	db.SQL().QueryRow(`SELECT COUNT(*) FROM pg_indexes WHERE schemaname = $1 AND indexname IN
		('ix_officers_prov_due', 'ix_officers_name', 'ux_certificates_live', 'ix_units_city_code')`, schema).Scan(&indexes)
	if tables != 7 || indexes != 4 {
		t.Fatalf("schema %s holds %d of 7 core tables and %d of 4 raw indexes", schema, tables, indexes)
	}
	if v, err := db.CurrentVersion(ctx); err != nil || v != store.SchemaVersion {
		t.Fatalf("version = %d, %v", v, err)
	}
}

// TestUsers lives here because bulk_test.go is the store test file of the
// seeding work; it covers users.go.
func TestUsers(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		users := store.NewUsers(db)
		lixia, _ := setup(t, db)
		id, err := users.Create(ctx, store.NewUser{Username: "lixia_op", DisplayName: "历下经办", PasswordHash: "$argon2id$x",
			Role: domain.RoleUnitOperator, ScopeRegion: "370102", UnitID: &lixia, MustChangePassword: false})
		if err != nil || id == 0 {
			t.Fatalf("Create = %d, %v", id, err)
		}
		if _, err := users.Create(ctx, store.NewUser{Username: "admin", PasswordHash: "h", Role: domain.RoleAdmin,
			ScopeRegion: "370000", MustChangePassword: true}); err != nil {
			t.Fatal(err)
		}
		u, err := users.ByUsername(ctx, "lixia_op")
		if err != nil {
			t.Fatal(err)
		}
		// must_change_password has default:true in the model: false must survive.
		if u.ID != id || u.MustChangePassword || u.Role != domain.RoleUnitOperator || u.ScopeRegion != "370102" ||
			u.UnitID == nil || *u.UnitID != lixia || u.PasswordHash != "$argon2id$x" || u.PasswordChangedAt.IsZero() {
			t.Fatalf("ByUsername = %+v", u)
		}
		if a, _ := users.ByUsername(ctx, "admin"); !a.MustChangePassword || a.UnitID != nil {
			t.Fatalf("admin = %+v", a)
		}
		if _, err := users.Create(ctx, store.NewUser{Username: "admin", PasswordHash: "h", Role: domain.RoleAdmin,
			ScopeRegion: "370000"}); domain.ErrorCode(err) != domain.CodeConflict {
			t.Fatalf("duplicate username: %v", err)
		}
		if _, err := users.ByUsername(ctx, "nobody"); domain.ErrorCode(err) != domain.CodeNotFound {
			t.Fatalf("missing user: %v", err)
		}
		if _, err := users.Create(ctx, store.NewUser{Username: "x", PasswordHash: "h", Role: domain.RoleAdmin,
			ScopeRegion: "37"}); domain.ErrorCode(err) != domain.CodeInvalid {
			t.Fatalf("bad scope: %v", err)
		}
		if n, err := users.Count(ctx); err != nil || n != 2 {
			t.Fatalf("Count = %d, %v", n, err)
		}
	})
}
