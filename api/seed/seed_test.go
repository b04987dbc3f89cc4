package seed_test

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/password"
	"github.com/lecms/lecms/api/pii"
	"github.com/lecms/lecms/api/seed"
	"github.com/lecms/lecms/api/store"
	"github.com/lecms/lecms/api/store/storetest"
)

var today = domain.MustDate("2026-03-15")

func deps(t testing.TB, db *store.DB) seed.Deps {
	t.Helper()
	p, err := pii.New(pii.AES256GCM, bytes.Repeat([]byte{9}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return seed.Deps{DB: db, PII: p, Hasher: password.New(2), Policy: domain.DefaultInspectionPolicy(), Today: today}
}

func count(t testing.TB, db *store.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.SQL().QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func TestShandongTree(t *testing.T) {
	regions := seed.Shandong()
	byCode := map[domain.RegionCode]domain.Region{}
	counties := map[domain.RegionCode][]string{}
	for _, r := range regions {
		if _, err := domain.ParseRegionCode(string(r.Code)); err != nil {
			t.Errorf("%s: %v", r.Code, err)
		}
		if _, dup := byCode[r.Code]; dup {
			t.Errorf("duplicate code %s", r.Code)
		}
		if r.Level != r.Code.Level() || r.ParentCode != r.Code.Parent() {
			t.Errorf("%s %s: level %s parent %s", r.Code, r.Name, r.Level, r.ParentCode)
		}
		byCode[r.Code] = r
		if r.Level == domain.LevelCounty {
			counties[r.ParentCode] = append(counties[r.ParentCode], string(r.Code)+r.Name)
		}
	}
	for _, r := range regions {
		if r.ParentCode != "" {
			if _, ok := byCode[r.ParentCode]; !ok {
				t.Errorf("%s has no parent %s", r.Code, r.ParentCode)
			}
		}
	}
	cities := map[domain.RegionCode]string{
		"370100": "济南市", "370200": "青岛市", "370300": "淄博市", "370400": "枣庄市", "370500": "东营市",
		"370600": "烟台市", "370700": "潍坊市", "370800": "济宁市", "370900": "泰安市", "371000": "威海市",
		"371100": "日照市", "371300": "临沂市", "371400": "德州市", "371500": "聊城市", "371600": "滨州市",
		"371700": "菏泽市",
	}
	nCities := 0
	for _, r := range regions {
		if r.Level == domain.LevelCity {
			nCities++
			if cities[r.Code] != r.Name {
				t.Errorf("city %s %s, want %s", r.Code, r.Name, cities[r.Code])
			}
		}
	}
	if nCities != 16 || byCode["370000"].Name != "山东省" {
		t.Fatalf("%d cities", nCities)
	}
	if _, ok := byCode["371200"]; ok {
		t.Error("the abolished 莱芜市 is in the tree")
	}
	want := map[domain.RegionCode]string{
		"370100": "[370102历下区 370103市中区 370104槐荫区 370105天桥区 370112历城区 370113长清区 370114章丘区 370115济阳区 370116莱芜区 370117钢城区 370124平阴县 370126商河县]",
		"370200": "[370202市南区 370203市北区 370211黄岛区 370212崂山区 370213李沧区 370214城阳区 370215即墨区 370281胶州市 370283平度市 370285莱西市]",
	}
	for city, list := range want {
		if got := fmt.Sprint(counties[city]); got != list {
			t.Errorf("counties of %s:\n got %s\nwant %s", city, got, list)
		}
	}
	total := 0
	for _, l := range counties {
		total += len(l)
	}
	if total != 136 { // 58 districts, 26 county-level cities, 52 counties
		t.Errorf("%d county-level divisions, want 136", total)
	}
}

var certNoRE = regexp.MustCompile(`^(37\d{4})(ZF|JD)(\d{6})$`)

func TestDemo(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d := deps(t, db)
		start := time.Now()
		seeded, err := seed.DemoIfEmpty(ctx, d)
		if err != nil || !seeded {
			t.Fatalf("DemoIfEmpty = %v, %v", seeded, err)
		}
		t.Logf("%s demo seed: %s", db.Dialect(), time.Since(start).Round(time.Millisecond))

		// Advertised counts.
		units, officers := count(t, db, "SELECT COUNT(*) FROM units"), count(t, db, "SELECT COUNT(*) FROM officers")
		if units < 180 || units > 220 || officers != seed.DemoOfficers {
			t.Fatalf("units %d, officers %d", units, officers)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM units WHERE region_code = '370000'"); n < 15 {
			t.Errorf("%d province-level units", n)
		}
		if n := count(t, db, "SELECT COUNT(DISTINCT city_code) FROM units WHERE level = 'city'"); n != 16 {
			t.Errorf("city-level units in %d cities, want 16", n)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM users"); n != len(seed.DemoAccounts()) {
			t.Errorf("%d users, want %d", n, len(seed.DemoAccounts()))
		}
		if n := count(t, db, "SELECT COUNT(*) FROM regions"); n != 153 {
			t.Errorf("%d regions, want 153", n)
		}

		// Every ID number parses, its sealed form opens to it, and the
		// derived columns agree with it.
		rows, err := db.SQL().QueryContext(ctx, `SELECT code, id_number_enc, id_number_hash, id_number_masked, sex, birth_date,
			region_code, has_photo, staffing, cert_state FROM officers`)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for rows.Next() {
			var code, masked, sex, region, staffing, state string
			var enc, hash []byte
			var birth domain.Date
			var photo bool
			if err := rows.Scan(&code, &enc, &hash, &masked, &sex, &birth, &region, &photo, &staffing, &state); err != nil {
				t.Fatal(err)
			}
			plain, err := d.PII.Open(enc, store.IDNumberAAD)
			if err != nil {
				t.Fatalf("%s: %v", code, err)
			}
			id, err := domain.ParseIDNumber(plain)
			if err != nil {
				t.Fatalf("%s: ID number %s: %v", code, plain, err)
			}
			if id.Masked() != masked || string(id.Sex()) != sex || id.BirthDate() != birth || !bytes.Equal(d.PII.BlindIndex(plain), hash) {
				t.Fatalf("%s: columns disagree with ID number %s", code, masked)
			}
			if y := birth.Year(); y < 1965 || y > 1998 {
				t.Fatalf("%s: born %s", code, birth)
			}
			if seen[plain] {
				t.Fatalf("ID number of %s repeats", code)
			}
			seen[plain] = true
			if code[:6] != region || len(code) != 10 {
				t.Fatalf("officer code %s does not start with its region %s", code, region)
			}
			if state != "none" && state != "pending" && (!photo || staffing != "established") {
				t.Fatalf("%s holds a %s certificate without photo or establishment", code, state)
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()

		// Certificate numbers: unique, in the template, matching the unit's region and type.
		if n, d := count(t, db, "SELECT COUNT(number) FROM certificates"), count(t, db, "SELECT COUNT(DISTINCT number) FROM certificates"); n != d || n < 3000 {
			t.Fatalf("%d numbers, %d distinct", n, d)
		}
		crow, err := db.SQL().QueryContext(ctx, `SELECT c.number, c.type, u.region_code FROM certificates c
			JOIN officers o ON o.id = c.officer_id JOIN units u ON u.id = o.unit_id WHERE c.number IS NOT NULL`)
		if err != nil {
			t.Fatal(err)
		}
		for crow.Next() {
			var no, typ, region string
			crow.Scan(&no, &typ, &region)
			m := certNoRE.FindStringSubmatch(no)
			if m == nil || m[1] != region || (m[2] == "JD") != (typ == string(domain.CertSupervision)) {
				t.Fatalf("certificate %s (%s) of a unit in %s", no, typ, region)
			}
		}
		crow.Close()

		// The officer list columns equal the certificate row.
		if n := count(t, db, `SELECT COUNT(*) FROM officers o LEFT JOIN certificates c ON c.id = o.cert_id
			WHERE (o.cert_id IS NULL) <> (c.id IS NULL) OR c.officer_id <> o.id OR o.cert_state <> COALESCE(c.state, 'none')
			OR o.cert_type IS DISTINCT FROM c.type OR o.cert_no IS DISTINCT FROM c.number
			OR o.last_inspected_on IS DISTINCT FROM c.last_inspected_on OR o.next_due_on IS DISTINCT FROM c.next_due_on`); n != 0 {
			t.Fatalf("%d officers whose list columns differ from their certificate", n)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM certificates c LEFT JOIN officers o ON o.cert_id = c.id WHERE o.id IS NULL"); n != 0 {
			t.Fatalf("%d certificates no officer points at", n)
		}

		// Every certificate state and every due state occurs.
		states := map[string]int{}
		due := map[domain.DueState]int{}
		srows, _ := db.SQL().QueryContext(ctx, "SELECT cert_state, next_due_on FROM officers")
		for srows.Next() {
			var s string
			var next *domain.Date
			srows.Scan(&s, &next)
			states[s]++
			due[d.Policy.DueStateOn(next, today)]++
		}
		srows.Close()
		for _, s := range []domain.CertState{domain.CertNone, domain.CertPending, domain.CertActive, domain.CertSuspended,
			domain.CertRevoked, domain.CertCancelled, domain.CertVoid} {
			if states[string(s)] < 10 {
				t.Errorf("certificate state %s: %d officers", s, states[string(s)])
			}
		}
		for _, s := range []domain.DueState{domain.DueNone, domain.DueOK, domain.DueSoon, domain.DueOverdue} {
			if due[s] < 100 {
				t.Errorf("due state %s: %d officers", s, due[s])
			}
		}
		t.Logf("cert states %v, due states %v", states, due)

		// 年检年度: many were last inspected two years ago (due this round),
		// and the years spread.
		years := map[int]int{}
		yrows, _ := db.SQL().QueryContext(ctx, "SELECT last_inspected_on FROM officers WHERE last_inspected_on IS NOT NULL")
		for yrows.Next() {
			var last domain.Date
			yrows.Scan(&last)
			years[last.Year()]++
		}
		yrows.Close()
		if years[today.Year()-2] < 500 || len(years) < 5 {
			t.Errorf("last inspection years %v", years)
		}
		// certificates.inspections counts the inspections since issue: the
		// certificate was issued k cycles before its last inspection.
		irows, err := db.SQL().QueryContext(ctx, `SELECT issued_on, last_inspected_on, inspections FROM certificates
			WHERE issued_on IS NOT NULL`)
		if err != nil {
			t.Fatal(err)
		}
		byK := map[int]int{}
		for irows.Next() {
			var issued, last domain.Date
			var k int
			if err := irows.Scan(&issued, &last, &k); err != nil {
				t.Fatal(err)
			}
			if k < 0 || !last.AddMonths(-d.Policy.CycleMonths*k).Equal(issued) {
				t.Fatalf("issued %s, last inspected %s, %d inspections", issued, last, k)
			}
			byK[k]++
		}
		irows.Close()
		if byK[0] < 100 || byK[1] < 100 || byK[2] < 100 || byK[3] < 50 {
			t.Errorf("inspections per certificate %v", byK)
		}
		// The legal office's inspection gate (an exam at every Nth
		// inspection) passes for every officer in the round (due soon).
		ids := []int64{}
		drows, _ := db.SQL().QueryContext(ctx, "SELECT id FROM officers WHERE cert_state = 'active' AND next_due_on >= $1 AND next_due_on <= $2",
			today, today.AddMonths(d.Policy.WarnMonths))
		for drows.Next() {
			var id int64
			drows.Scan(&id)
			ids = append(ids, id)
		}
		drows.Close()
		examYears := 0
		for _, ct := range []domain.CertType{domain.CertLawEnforcement, domain.CertSupervision} {
			cands, err := store.NewApplications(db).Candidates(ctx, ids, ct)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range cands {
				if c.Cert == nil || c.Cert.Type != ct {
					continue
				}
				if (c.Inspections+1)%d.Policy.ExamEveryNth == 0 {
					examYears++
				}
				if r := domain.CheckLegalApproval(domain.AppInspection, c, today, d.Policy); r != nil {
					t.Fatalf("due-soon officer %s refused: %s", c.OfficerCode, r.Message)
				}
			}
		}
		if len(ids) < 100 || examYears < 30 {
			t.Errorf("%d due-soon officers, %d of them in an exam year", len(ids), examYears)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM exam_records WHERE passed = false"); n < 50 {
			t.Errorf("%d failed exams", n)
		}

		// Demo accounts: every role, the right scope and unit, the published password.
		roles := map[domain.Role]bool{}
		users := store.NewUsers(db)
		for _, a := range seed.DemoAccounts() {
			u, err := users.ByUsername(ctx, a.Username)
			if err != nil {
				t.Fatalf("%s: %v", a.Username, err)
			}
			roles[u.Role] = true
			if u.Role != a.Role || u.ScopeRegion != a.Scope || u.MustChangePassword || u.Disabled {
				t.Errorf("%s = %+v", a.Username, u)
			}
			if (a.UnitCode != "") != (u.UnitID != nil) {
				t.Errorf("%s: unit %v, want code %q", a.Username, u.UnitID, a.UnitCode)
			}
			if u.UnitID != nil {
				var code, region string
				db.SQL().QueryRow("SELECT code, region_code FROM units WHERE id = $1", *u.UnitID).Scan(&code, &region)
				if code != a.UnitCode || region != string(a.Scope) {
					t.Errorf("%s: unit %s in %s, want %s in %s", a.Username, code, region, a.UnitCode, a.Scope)
				}
				if n := count(t, db, "SELECT COUNT(*) FROM officers WHERE unit_id = $1", *u.UnitID); n < 20 {
					t.Errorf("%s's unit has only %d officers", a.Username, n)
				}
			}
			if ok, err := d.Hasher.Verify(ctx, a.Password, u.PasswordHash); err != nil || !ok {
				t.Errorf("%s: password does not verify: %v", a.Username, err)
			}
		}
		for _, r := range []domain.Role{domain.RoleAdmin, domain.RoleLegalReviewer, domain.RoleUnitOperator,
			domain.RoleUnitReviewer, domain.RoleCardIssuer} {
			if !roles[r] {
				t.Errorf("no demo account with role %s", r)
			}
		}

		// A second start is a no-op; an explicit second Demo is refused.
		if seeded, err := seed.DemoIfEmpty(ctx, d); err != nil || seeded {
			t.Fatalf("second DemoIfEmpty = %v, %v", seeded, err)
		}
		if _, err := seed.Demo(ctx, d); err == nil {
			t.Fatal("Demo ran twice")
		}
		if n := count(t, db, "SELECT COUNT(*) FROM officers"); n != seed.DemoOfficers {
			t.Fatalf("officers after second run = %d", n)
		}
	})
}

func TestSynthetic(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d := deps(t, db)
		s1, err := seed.Officers(ctx, d, 2500)
		if err != nil {
			t.Fatal(err)
		}
		if want := 16 * seed.SyntheticUnitsPerCity; s1.Units != want || count(t, db, "SELECT COUNT(*) FROM units") != want {
			t.Fatalf("units: summary %d, want %d", s1.Units, want)
		}
		// Units spread over every city, at city and county level.
		if n := count(t, db, "SELECT COUNT(DISTINCT city_code) FROM units WHERE level = 'county'"); n != 16 {
			t.Errorf("county units in %d cities", n)
		}
		if n := count(t, db, "SELECT COUNT(DISTINCT region_code) FROM units"); n != 16+136 {
			t.Errorf("units in %d regions, want %d", n, 16+136)
		}
		if n := count(t, db, "SELECT COUNT(DISTINCT name) FROM units"); n != 16*seed.SyntheticUnitsPerCity {
			t.Errorf("%d distinct unit names", n)
		}
		// A second run continues: new codes, no new units.
		s2, err := seed.Officers(ctx, d, 1500)
		if err != nil {
			t.Fatal(err)
		}
		if s2.Units != 0 || s1.Officers != 2500 || s2.Officers != 1500 {
			t.Fatalf("summaries %+v / %+v", s1, s2)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM officers"); n != 4000 {
			t.Fatalf("officers = %d", n)
		}
		var maxCode string
		db.SQL().QueryRow("SELECT MAX(code) FROM officers").Scan(&maxCode)
		if maxCode != "S000004000" {
			t.Errorf("max code %s", maxCode)
		}
		if c := count(t, db, "SELECT COUNT(*) FROM certificates"); c != s1.Certificates+s2.Certificates {
			t.Errorf("certificates %d, summaries %d+%d", c, s1.Certificates, s2.Certificates)
		}
		for _, s := range []domain.DueState{domain.DueOK, domain.DueSoon, domain.DueOverdue, domain.DueNone} {
			if s1.DueStates[s] == 0 {
				t.Errorf("no %s officers", s)
			}
		}
		// The demo loads on top without colliding: ID numbers, codes and
		// certificate numbers continue.
		if _, err := seed.Demo(ctx, d); err != nil {
			t.Fatalf("Demo after synthetic: %v", err)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM officers"); n != 4000+seed.DemoOfficers {
			t.Fatalf("officers = %d", n)
		}
	})
}
