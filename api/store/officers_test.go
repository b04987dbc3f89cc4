package store_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/pii"
	"github.com/lecms/lecms/api/store"
	"github.com/lecms/lecms/api/store/storetest"
)

// listFixture: three units in 历下区 (county), 济南 (city) and 青岛, and
// officers with due dates (some equal, to exercise the id tie-break) and
// without (no certificate).
type listFixture struct {
	db    *store.DB
	pii   *pii.Protector
	units map[string]int64  // unit code → id
	ids   map[string]string // officer code → ID number
}

func newListFixture(t *testing.T, db *store.DB) *listFixture {
	t.Helper()
	ctx := context.Background()
	p, err := pii.New(pii.AES256GCM, bytes.Repeat([]byte{5}, 32))
	if err != nil {
		t.Fatal(err)
	}
	f := &listFixture{db: db, pii: p, units: map[string]int64{}, ids: map[string]string{}}
	if err := db.InsertRegions(ctx, []domain.Region{
		{Code: "370000", Name: "山东省"}, {Code: "370100", Name: "济南市"}, {Code: "370102", Name: "历下区"},
		{Code: "370200", Name: "青岛市"}, {Code: "370202", Name: "市南区"},
	}); err != nil {
		t.Fatal(err)
	}
	units := []store.NewUnit{
		{Code: "A00001", Name: "历下区城市管理局", RegionCode: "370102"},
		{Code: "A00002", Name: "济南市市场监督管理局", RegionCode: "370100"},
		{Code: "A00003", Name: "青岛市市南区市场监督管理局", RegionCode: "370202"},
	}
	ids, err := db.InsertUnits(ctx, units)
	if err != nil {
		t.Fatal(err)
	}
	for i, u := range units {
		f.units[u.Code] = ids[i]
	}
	type spec struct {
		code, name, unit, last string // last inspection; "" = no certificate
		state                  domain.CertState
	}
	specs := []spec{
		{"P01", "张伟", "A00001", "2024-06-30", domain.CertActive},
		{"P02", "张敏", "A00001", "2024-06-30", domain.CertActive}, // same due date as P01
		{"P03", "王芳", "A00001", "2025-01-15", domain.CertActive},
		{"P04", "李娜", "A00001", "", domain.CertNone},
		{"P05", "刘洋", "A00002", "2024-11-30", domain.CertActive},
		{"P06", "陈静", "A00002", "2023-03-01", domain.CertSuspended},
		{"P07", "张磊", "A00002", "", domain.CertNone},
		{"P08", "杨勇", "A00003", "2024-06-30", domain.CertActive},
		{"P09", "赵杰", "A00003", "2022-12-31", domain.CertActive},
		{"P10", "黄强", "A00003", "", domain.CertNone},
	}
	var officers []store.NewOfficer
	for i, s := range specs {
		id := domain.MakeIDNumber("370102", domain.NewDate(1980, 1, 1+i), i, i%2 == 0)
		f.ids[s.code] = string(id)
		o := store.NewOfficer{
			Code: s.code, Name: s.name, IDNumberEnc: p.Seal(string(id), store.IDNumberAAD),
			IDNumberHash: p.BlindIndex(string(id)), IDNumberMasked: id.Masked(), Sex: id.Sex(),
			BirthDate: id.BirthDate(), UnitID: f.units[s.unit], Area: "济南市", Category: "城市管理",
			Staffing: domain.StaffingEstablished, HasPhoto: true,
		}
		if s.last != "" {
			last := domain.MustDate(s.last)
			due := domain.DefaultInspectionPolicy().NextDue(last)
			o.Cert = &store.NewCertificate{Type: domain.CertLawEnforcement, Number: "370100ZF" + fmt.Sprintf("%06d", i+1),
				State: s.state, IssuedOn: &last, LastInspectedOn: &last, NextDueOn: &due}
		}
		officers = append(officers, o)
	}
	if err := db.InsertOfficers(ctx, officers); err != nil {
		t.Fatal(err)
	}
	return f
}

// page walks every page of q and returns officer codes in order.
func walk(t *testing.T, s *store.Officers, q store.OfficerQuery) []string {
	t.Helper()
	var codes []string
	for pages := 0; pages < 50; pages++ {
		page, err := s.List(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range page.Items {
			codes = append(codes, o.Code)
		}
		if page.NextCursor == "" {
			return codes
		}
		q.Cursor = page.NextCursor
	}
	t.Fatal("pagination does not end")
	return nil
}

func TestOfficerListKeysetOrderAndFilters(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		f := newListFixture(t, db)
		s := store.NewOfficers(db)
		all := "P09 P06 P01 P02 P08 P05 P03 P04 P07 P10" // due asc, id tie-break, then undated by id
		for _, limit := range []int{1, 2, 3, 7, 10, 50} {
			got := strings.Join(walk(t, s, store.OfficerQuery{Limit: limit}), " ")
			if got != all {
				t.Errorf("limit %d: %s\nwant      %s", limit, got, all)
			}
		}
		cases := []struct {
			name string
			q    store.OfficerQuery
			want string
		}{
			{"province subtree", store.OfficerQuery{Region: "370000"}, all},
			{"city subtree 济南", store.OfficerQuery{Region: "370100"}, "P06 P01 P02 P05 P03 P04 P07"},
			{"county 历下区", store.OfficerQuery{Region: "370102"}, "P01 P02 P03 P04"},
			{"city 青岛", store.OfficerQuery{Region: "370200"}, "P09 P08 P10"},
			{"unit", store.OfficerQuery{UnitID: f.units["A00002"]}, "P06 P05 P07"},
			{"cert state", store.OfficerQuery{CertState: domain.CertSuspended}, "P06"},
			{"no certificate", store.OfficerQuery{NoDueOnly: true}, "P04 P07 P10"},
			{"due range", store.OfficerQuery{DueFrom: domain.MustDate("2026-06-30"), DueTo: domain.MustDate("2026-11-30")}, "P01 P02 P08 P05"},
			{"year 2024", store.OfficerQuery{Year: 2024}, "P01 P02 P08 P05"},
			{"year 2024 in 济南", store.OfficerQuery{Year: 2024, Region: "370100"}, "P01 P02 P05"},
			{"name prefix 张", store.OfficerQuery{NamePrefix: "张"}, "P01 P02 P07"},
			{"name prefix 张伟", store.OfficerQuery{NamePrefix: "张伟"}, "P01"},
			{"id number", store.OfficerQuery{IDHash: f.pii.BlindIndex(f.ids["P05"])}, "P05"},
			{"officer code", store.OfficerQuery{OfficerCode: "P08"}, "P08"},
			{"cert no", store.OfficerQuery{CertNo: "370100ZF000003"}, "P03"},
			{"nothing", store.OfficerQuery{OfficerCode: "nobody"}, ""},
		}
		for _, tc := range cases {
			for _, limit := range []int{2, 50} {
				tc.q.Limit = limit
				if got := strings.Join(walk(t, s, tc.q), " "); got != tc.want {
					t.Errorf("%s (limit %d): got %q, want %q", tc.name, limit, got, tc.want)
				}
			}
			n, err := s.Count(context.Background(), tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if want := len(strings.Fields(tc.want)); int(n) != want {
				t.Errorf("%s: count %d, want %d", tc.name, n, want)
			}
		}
	})
}

func TestOfficerListMapsRows(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		newListFixture(t, db)
		page, err := store.NewOfficers(db).List(context.Background(), store.OfficerQuery{OfficerCode: "P05", Limit: 1})
		if err != nil || len(page.Items) != 1 {
			t.Fatalf("%v %+v", err, page)
		}
		o := page.Items[0]
		if o.UnitName != "济南市市场监督管理局" || o.RegionCode != "370100" || o.CertNo == nil || *o.CertNo != "370100ZF000005" ||
			o.LastInspectedOn.String() != "2024-11-30" || o.NextDueOn.String() != "2026-11-30" || o.CertState != domain.CertActive ||
			o.CertType == nil || *o.CertType != domain.CertLawEnforcement || !strings.Contains(o.IDNumberMasked, "********") {
			t.Fatalf("mapped officer: %+v", o)
		}
	})
}

func TestOfficerGetIsScopedToTheRegion(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		newListFixture(t, db)
		s := store.NewOfficers(db)
		page, _ := s.List(context.Background(), store.OfficerQuery{OfficerCode: "P08", Limit: 1})
		id := page.Items[0].ID // 青岛
		if _, err := s.Get(context.Background(), id, "370200"); err != nil {
			t.Fatalf("inside: %v", err)
		}
		if _, err := s.Get(context.Background(), id, "370100"); domain.ErrorCode(err) != domain.CodeNotFound {
			t.Fatalf("outside the region: want not_found, got %v", err)
		}
	})
}

func TestBadCursorIsInvalid(t *testing.T) {
	db := storetest.OpenSQLite(t)
	for _, c := range []string{"x", "eyJpIjowfQ", "eyJkIjoiMjAxMC0wMi0zMCIsImkiOjF9"} { // garbage, id 0, impossible date
		_, err := store.NewOfficers(db).List(context.Background(), store.OfficerQuery{Limit: 5, Cursor: c})
		if domain.ErrorCode(err) != domain.CodeInvalid {
			t.Errorf("cursor %q: %v", c, err)
		}
	}
}
