package records_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lecms/lecms/api/audit"
	"github.com/lecms/lecms/api/authz"
	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/identity"
	"github.com/lecms/lecms/api/pii"
	"github.com/lecms/lecms/api/records"
	"github.com/lecms/lecms/api/records/phototest"
	"github.com/lecms/lecms/api/registry"
	"github.com/lecms/lecms/api/settings"
	"github.com/lecms/lecms/api/store"
	"github.com/lecms/lecms/api/store/storetest"
)

// fakeAudit records events for assertions and passes them on to the real
// trail, which refuses malformed events (and ID numbers in clear).
type fakeAudit struct {
	mu       sync.Mutex
	events   []domain.AuditEvent
	trail    domain.Auditor
	rejected []error
}

func (a *fakeAudit) Record(ctx context.Context, e domain.AuditEvent) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.events = append(a.events, e)
	if err := a.trail.Record(ctx, e); err != nil {
		a.rejected = append(a.rejected, err)
		return err
	}
	return nil
}

func (a *fakeAudit) find(action, result string) []domain.AuditEvent {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []domain.AuditEvent
	for _, e := range a.events {
		if e.Action == action && (result == "" || e.Result == result) {
			out = append(out, e)
		}
	}
	return out
}

// fakeCanceller records dissolutions the lifecycle service would act on.
type fakeCanceller struct {
	calls []string
	fail  error
}

func (f *fakeCanceller) StartCancellations(_ context.Context, p domain.Principal, unitID int64, reason string) (int, error) {
	f.calls = append(f.calls, p.Username+"|"+reason)
	if f.fail != nil {
		return 0, f.fail
	}
	return 3, nil
}

type fixture struct {
	svc    *records.Service
	db     *store.DB
	pii    *pii.Protector
	audit  *fakeAudit
	cancel *fakeCanceller
	units  map[string]int64
	// principals
	op, op2, jinanLegal, qingdaoLegal, lixiaAdmin domain.Principal
}

var now = func() time.Time { return time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC) }

func newFixture(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	p, err := pii.New(pii.AES256GCM, bytes.Repeat([]byte{3}, 32))
	if err != nil {
		t.Fatal(err)
	}
	az, err := authz.New(authz.FilePolicy())
	if err != nil {
		t.Fatal(err)
	}
	trail, err := audit.New(store.NewAuditLog(db), audit.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{db: db, pii: p, audit: &fakeAudit{trail: trail}, cancel: &fakeCanceller{}, units: map[string]int64{}}
	t.Cleanup(func() {
		for _, err := range f.audit.rejected {
			t.Errorf("the audit trail refused an event: %v", err)
		}
	})
	if err := db.InsertRegions(ctx, []domain.Region{{Code: "370000", Name: "山东省"}, {Code: "370100", Name: "济南市"},
		{Code: "370102", Name: "历下区"}, {Code: "370103", Name: "市中区"}, {Code: "370200", Name: "青岛市"}, {Code: "370202", Name: "市南区"}}); err != nil {
		t.Fatal(err)
	}
	us := []store.NewUnit{{Code: "A00001", Name: "历下区城市管理局", RegionCode: "370102"},
		{Code: "A00002", Name: "历下区市场监督管理局", RegionCode: "370102"},
		{Code: "A00004", Name: "市南区城市管理局", RegionCode: "370202"}}
	ids, err := db.InsertUnits(ctx, us)
	if err != nil {
		t.Fatal(err)
	}
	for i, u := range us {
		f.units[u.Code] = ids[i]
	}
	loc := time.FixedZone("CST", 8*3600)
	units, officers := store.NewUnits(db), store.NewOfficers(db)
	reader := registry.New(store.NewRegions(db), units, officers, p, az,
		settings.NewPolicySource(store.NewSettings(db), time.Minute, now), now, loc)
	f.svc = records.New(records.Deps{Units: units, Officers: officers, Photos: store.NewPhotos(db), Exams: store.NewExams(db),
		Regions: store.NewRegions(db), Reader: reader, PII: p, Authz: az, Audit: f.audit, Cancel: f.cancel, Now: now, Loc: loc})
	f.op = domain.Principal{UserID: 1, Username: "op", Role: domain.RoleUnitOperator, Scope: "370102", UnitID: f.units["A00001"]}
	f.op2 = domain.Principal{UserID: 2, Username: "op2", Role: domain.RoleUnitOperator, Scope: "370102", UnitID: f.units["A00002"]}
	f.jinanLegal = domain.Principal{UserID: 3, Username: "jinan", Role: domain.RoleLegalReviewer, Scope: "370100"}
	f.qingdaoLegal = domain.Principal{UserID: 4, Username: "qingdao", Role: domain.RoleLegalReviewer, Scope: "370200"}
	f.lixiaAdmin = domain.Principal{UserID: 5, Username: "lixia_admin", Role: domain.RoleAdmin, Scope: "370102"}
	return f
}

var cli = identity.Client{IP: "192.0.2.1", RequestID: "req-1"}

func validOfficer(code, id string) records.OfficerInput {
	return records.OfficerInput{Code: code, Name: "李四", IDNumber: id, Area: "济南市历下区", Category: "城市管理",
		Staffing: domain.StaffingEstablished}
}

func fieldRules(err error) map[string]string {
	out := map[string]string{}
	if de, ok := err.(*domain.Error); ok {
		for _, f := range de.Fields {
			out[f.Field] = f.Rule
		}
	}
	return out
}

func TestOfficerLifecycleOfARecord(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		// Lower-case x and full-width digits are accepted and normalised;
		// sex and birth date come from the number.
		pr, err := f.svc.CreateOfficer(ctx, f.op, validOfficer("A00001-0001", "11010519491231002x"), cli)
		if err != nil {
			t.Fatal(err)
		}
		if pr.Sex != domain.SexFemale || pr.BirthDate.String() != "1949-12-31" || pr.IDNumberMasked != "110105********002X" ||
			pr.UnitID != f.units["A00001"] || pr.RegionCode != "370102" || pr.Version != 1 || pr.IDNumber != "" || !pr.CanEdit ||
			pr.CertState != domain.CertNone || pr.DueState != domain.DueNone {
			t.Fatalf("created: %+v", pr)
		}
		ev := f.audit.find("officer.create", domain.AuditSuccess)
		if len(ev) != 1 || ev[0].TargetID == "" || ev[0].IP != "192.0.2.1" || ev[0].Detail["id_number"] != "110105********002X" {
			t.Fatalf("create audit: %+v", ev)
		}

		// The editor's profile carries the full number, and that read is audited.
		full, err := f.svc.OfficerProfile(ctx, f.op, pr.ID, cli)
		if err != nil || full.IDNumber != "11010519491231002X" {
			t.Fatalf("profile for the editor: %+v %v", full, err)
		}
		if ev := f.audit.find("officer.reveal_id_number", domain.AuditSuccess); len(ev) != 1 || ev[0].Detail["id_number"] != "110105********002X" {
			t.Fatalf("reveal audit: %+v", ev)
		}
		// A legal office sees the profile, masked, and cannot edit.
		legal, err := f.svc.OfficerProfile(ctx, f.jinanLegal, pr.ID, cli)
		if err != nil || legal.IDNumber != "" || legal.CanEdit {
			t.Fatalf("profile for a legal office: %+v %v", legal, err)
		}
		if len(f.audit.find("officer.reveal_id_number", "")) != 1 {
			t.Fatal("a masked profile was audited as a reveal")
		}

		// Correcting sex and birth date keeps what the user sent.
		in := records.OfficerUpdate{Version: 1, OfficerInput: validOfficer("A00001-0001", "11010519491231002X")}
		in.Sex, in.BirthDate = domain.SexMale, date("1950-01-01")
		in.SanctionLevel, in.SanctionUntil = "demerit", date("2027-06-30")
		up, err := f.svc.UpdateOfficer(ctx, f.op, pr.ID, in, cli)
		if err != nil || up.Sex != domain.SexMale || up.BirthDate.String() != "1950-01-01" || up.Version != 2 || up.SanctionLevel != "demerit" {
			t.Fatalf("update: %+v %v", up, err)
		}
		ev = f.audit.find("officer.update", domain.AuditSuccess)
		if len(ev) != 1 {
			t.Fatalf("update audit: %+v", ev)
		}
		changed, _ := json.Marshal(ev[0].Detail["changed"])
		if string(changed) != `["sex","birth_date","sanction_level","sanction_until"]` {
			t.Errorf("changed fields: %s", changed)
		}
		// Saving the version 1 form again is stale.
		if _, err := f.svc.UpdateOfficer(ctx, f.op, pr.ID, in, cli); domain.ErrorCode(err) != domain.CodeConflict {
			t.Fatalf("stale: %v", err)
		}
		if ev := f.audit.find("officer.update", domain.AuditFailure); len(ev) != 1 || ev[0].Detail["code"] != "conflict" {
			t.Fatalf("stale audit: %+v", ev)
		}
		// Nothing in the audit trail holds the full number.
		for _, e := range f.audit.events {
			b, _ := json.Marshal(e)
			if strings.Contains(string(b), "11010519491231002") {
				t.Fatalf("audit event holds the ID number: %s", b)
			}
		}
	})
}

func TestOfficerRefusals(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		// Every bad field is named at once.
		bad := records.OfficerInput{Code: "有空格 的编码", IDNumber: "110105194912310021", Sex: "X", Staffing: "volunteer",
			ReviewResult: "great", SanctionLevel: "demerit", TrainingHours: -1}
		_, err := f.svc.CreateOfficer(ctx, f.op, bad, cli)
		want := map[string]string{"code": "format", "name": "required", "area": "required", "id_number": "checksum", "sex": "enum",
			"staffing": "enum", "training_hours": "range", "review_result": "enum", "sanction_until": "required"}
		if got := fieldRules(err); len(got) != len(want) {
			t.Fatalf("rules %v, want %v (%v)", got, want, err)
		} else {
			for k, v := range want {
				if got[k] != v {
					t.Errorf("%s: rule %q, want %q", k, got[k], v)
				}
			}
		}
		// A future birth date in the number is refused too.
		if _, err := f.svc.CreateOfficer(ctx, f.op, validOfficer("F1", string(domain.MakeIDNumber("370102", domain.NewDate(2030, 1, 1), 1, true))), cli); fieldRules(err)["id_number"] != "birth_date" {
			t.Errorf("future birth: %v", err)
		}

		id := string(domain.MakeIDNumber("370102", domain.NewDate(1980, 2, 3), 5, true))
		first, err := f.svc.CreateOfficer(ctx, f.op, validOfficer("A00001-0002", id), cli)
		if err != nil {
			t.Fatal(err)
		}
		// The same person again, in another unit: 409 naming the existing record.
		_, err = f.svc.CreateOfficer(ctx, f.op2, validOfficer("A00002-0001", id), cli)
		if domain.ErrorCode(err) != domain.CodeConflict || !strings.Contains(err.Error(), "A00001-0002") {
			t.Fatalf("duplicate person: %v", err)
		}
		// Another unit's operator: creating there is forbidden, editing is not found.
		other := validOfficer("A00002-0002", string(domain.MakeIDNumber("370102", domain.NewDate(1981, 2, 3), 6, true)))
		other.UnitID = f.units["A00001"]
		if _, err := f.svc.CreateOfficer(ctx, f.op2, other, cli); domain.ErrorCode(err) != domain.CodeForbidden {
			t.Fatalf("create in another unit: %v", err)
		}
		if ev := f.audit.find("officer.create", domain.AuditDenied); len(ev) != 1 || ev[0].ActorName != "op2" {
			t.Errorf("denied create not audited: %+v", ev)
		}
		edit := records.OfficerUpdate{Version: 1, OfficerInput: validOfficer("A00001-0002", id)}
		if _, err := f.svc.UpdateOfficer(ctx, f.op2, first.ID, edit, cli); domain.ErrorCode(err) != domain.CodeNotFound {
			t.Fatalf("edit another unit's officer: %v", err)
		}
		// A legal office sees the officer but does not edit records.
		if _, err := f.svc.UpdateOfficer(ctx, f.jinanLegal, first.ID, edit, cli); domain.ErrorCode(err) != domain.CodeForbidden {
			t.Fatalf("legal office edits: %v", err)
		}
		// Moving an officer to another unit is not an edit; the version is required.
		edit.UnitID, edit.Version = f.units["A00002"], 0
		if r := fieldRules(mustErr(f.svc.UpdateOfficer(ctx, f.op, first.ID, edit, cli))); r["unit_id"] != "immutable" || r["version"] != "required" {
			t.Fatalf("unit change / missing version: %v", r)
		}
		// A non-unit role must name a unit.
		if r := fieldRules(mustErr(f.svc.CreateOfficer(ctx, f.jinanLegal, validOfficer("L1", id), cli))); r["unit_id"] != "required" {
			t.Fatalf("unit required: %v", r)
		}
	})
}

func mustErr[T any](_ T, err error) error { return err }

func date(s string) *domain.Date { d := domain.MustDate(s); return &d }

func TestUnitsInTheSubtree(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		in := records.UnitInput{Code: "b00009", Name: " 历下区司法局 ", RegionCode: "370102", CreditCode: "91350100m000100y43", Phone: "0531-1234567"}
		u, err := f.svc.CreateUnit(ctx, f.lixiaAdmin, in, cli)
		if err != nil || u.Code != "B00009" || u.Name != "历下区司法局" || u.Level != domain.LevelCounty || u.CreditCode != "91350100M000100Y43" {
			t.Fatalf("create: %+v %v", u, err)
		}
		// Outside the subtree: a sibling county, or a region that does not exist.
		in.Code, in.RegionCode = "B00010", "370103"
		if _, err := f.svc.CreateUnit(ctx, f.lixiaAdmin, in, cli); domain.ErrorCode(err) != domain.CodeForbidden {
			t.Fatalf("outside: %v", err)
		}
		if ev := f.audit.find("unit.create", domain.AuditDenied); len(ev) != 1 || ev[0].Scope != "370102" || ev[0].Detail["code"] != "forbidden" {
			t.Fatalf("denied create: %+v", ev)
		}
		in.RegionCode = "370199"
		if r := fieldRules(mustErr(f.svc.CreateUnit(ctx, f.jinanLegal, in, cli))); r["region_code"] != "exists" {
			t.Fatalf("unknown region: %v", r)
		}
		in.RegionCode, in.CreditCode = "370100", "91350100M000100Y44"
		if r := fieldRules(mustErr(f.svc.CreateUnit(ctx, f.jinanLegal, in, cli))); r["credit_code"] != "checksum" {
			t.Fatalf("credit code: %v", r)
		}
		// A unit operator has no unit:write at all.
		if _, err := f.svc.GetUnit(ctx, f.op, u.ID); domain.ErrorCode(err) != domain.CodeNotFound {
			t.Fatalf("operator reads another unit: %v", err)
		}
		if got, err := f.svc.GetUnit(ctx, f.op, f.units["A00001"]); err != nil || got.Code != "A00001" {
			t.Fatalf("operator reads own unit: %+v %v", got, err)
		}
		// Qingdao cannot see, edit or dissolve a 历下 unit.
		if _, err := f.svc.UpdateUnit(ctx, f.qingdaoLegal, u.ID, in, cli); domain.ErrorCode(err) != domain.CodeNotFound {
			t.Fatalf("edit outside: %v", err)
		}
		// Moving into a region outside the subtree is forbidden.
		in = records.UnitInput{Code: "B00009", Name: "历下区司法局", RegionCode: "370202"}
		if _, err := f.svc.UpdateUnit(ctx, f.jinanLegal, u.ID, in, cli); domain.ErrorCode(err) != domain.CodeForbidden {
			t.Fatalf("move outside: %v", err)
		}
		in.RegionCode, in.Contact = "370100", "张科长"
		if u, err = f.svc.UpdateUnit(ctx, f.jinanLegal, u.ID, in, cli); err != nil || u.Level != domain.LevelCity || u.Contact != "张科长" {
			t.Fatalf("move within: %+v %v", u, err)
		}
		if ev := f.audit.find("unit.update", domain.AuditSuccess); len(ev) != 1 {
			t.Fatalf("update audit: %+v", ev)
		} else if b, _ := json.Marshal(ev[0].Detail["changed"]); string(b) != `["region_code","credit_code","contact","phone"]` {
			t.Errorf("changed: %s", b)
		}
		if err := f.svc.DeleteUnit(ctx, f.jinanLegal, u.ID, cli); err != nil {
			t.Fatal(err)
		}
	})
}

func TestDeleteOrDissolveAUnitWithOfficers(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		unit := f.units["A00001"]
		if _, err := f.svc.CreateOfficer(ctx, f.op, validOfficer("A00001-0009", "11010519491231002X"), cli); err != nil {
			t.Fatal(err)
		}
		err := f.svc.DeleteUnit(ctx, f.lixiaAdmin, unit, cli)
		if domain.ErrorCode(err) != domain.CodeConflict || !strings.Contains(err.Error(), "撤销") {
			t.Fatalf("delete with officers: %v", err)
		}
		if _, err := f.svc.DissolveUnit(ctx, f.lixiaAdmin, unit, records.Dissolution{Reason: " "}, cli); fieldRules(err)["reason"] != "required" {
			t.Fatalf("no reason: %v", err)
		}
		if _, err := f.svc.DissolveUnit(ctx, f.qingdaoLegal, unit, records.Dissolution{Reason: "机构改革"}, cli); domain.ErrorCode(err) != domain.CodeNotFound {
			t.Fatalf("dissolve outside: %v", err)
		}
		// A failing lifecycle leaves the unit dissolved; dissolving again completes it.
		f.cancel.fail = domain.Internal(context.DeadlineExceeded)
		if _, err := f.svc.DissolveUnit(ctx, f.lixiaAdmin, unit, records.Dissolution{Reason: "机构改革"}, cli); domain.ErrorCode(err) != domain.CodeInternal ||
			!strings.Contains(err.(*domain.Error).Message, "再次") {
			t.Fatalf("failed cancellations: %v", err)
		}
		f.cancel.fail = nil
		d, err := f.svc.DissolveUnit(ctx, f.lixiaAdmin, unit, records.Dissolution{Reason: "机构改革"}, cli)
		if err != nil || !d.Unit.Dissolved || d.CancellationsStarted != 3 {
			t.Fatalf("dissolve: %+v %v", d, err)
		}
		if len(f.cancel.calls) != 2 || f.cancel.calls[1] != "lixia_admin|机构改革" {
			t.Fatalf("canceller calls: %v", f.cancel.calls)
		}
		if ev := f.audit.find("unit.dissolve", domain.AuditSuccess); len(ev) != 1 || ev[0].Detail["already_dissolved"] != true {
			t.Fatalf("dissolve audit: %+v", ev)
		}
		// A dissolved unit takes no new officers.
		_, err = f.svc.CreateOfficer(ctx, f.op, validOfficer("A00001-0010", string(domain.MakeIDNumber("370102", domain.NewDate(1990, 1, 1), 3, true))), cli)
		if domain.ErrorCode(err) != domain.CodeRuleViolated {
			t.Fatalf("officer in a dissolved unit: %v", err)
		}
	})
}

func TestPhotoAndExams(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		o, err := f.svc.CreateOfficer(ctx, f.op, validOfficer("A00001-0003", "11010519491231002X"), cli)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.PutPhoto(ctx, f.op, o.ID, []byte("not an image"), cli); fieldRules(err)["photo"] != "format" {
			t.Fatalf("text: %v", err)
		}
		info, err := f.svc.PutPhoto(ctx, f.op, o.ID, phototest.WithExif(phototest.JPEG(300, 420), 0), cli)
		if err != nil || info.Width != 300 || len(info.SHA256) != 64 {
			t.Fatalf("put: %+v %v", info, err)
		}
		if _, err := f.svc.PutPhoto(ctx, f.op2, o.ID, phototest.JPEG(300, 420), cli); domain.ErrorCode(err) != domain.CodeNotFound {
			t.Fatalf("other unit's photo: %v", err)
		}
		// Read: the legal office sees it; Qingdao does not.
		got, err := f.svc.Photo(ctx, f.jinanLegal, o.ID, false, nil)
		if err != nil || got.ETag != `"`+info.SHA256+`"` || phototest.HasAPP1(got.JPEG) {
			t.Fatalf("get: %v %v", got.ETag, err)
		}
		if _, err := f.svc.Photo(ctx, f.qingdaoLegal, o.ID, true, nil); domain.ErrorCode(err) != domain.CodeNotFound {
			t.Fatalf("outside: %v", err)
		}
		cur, err := f.svc.Photo(ctx, f.op, o.ID, true, func(etag string) bool { return etag == `"`+info.SHA256+`-thumb"` })
		if err != nil || !cur.NotModified || cur.JPEG != nil {
			t.Fatalf("not modified: %+v %v", cur, err)
		}

		passed, score := true, 86.5
		if _, err := f.svc.AddExam(ctx, f.op, o.ID, records.ExamInput{Kind: "law", TakenOn: date("2030-01-01"), Score: &score}, cli); len(fieldRules(err)) != 3 {
			t.Fatalf("bad exam: %v", err)
		}
		e, err := f.svc.AddExam(ctx, f.op, o.ID, records.ExamInput{Kind: "general", TakenOn: date("2024-05-18"), Score: &score, Passed: &passed}, cli)
		if err != nil || e.ID == 0 || !e.Passed {
			t.Fatalf("exam: %+v %v", e, err)
		}
		pr, err := f.svc.OfficerProfile(ctx, f.jinanLegal, o.ID, cli)
		if err != nil || !pr.HasPhoto || pr.Photo == nil || pr.Photo.SHA256 != info.SHA256 || len(pr.Exams) != 1 || pr.Exams[0].Score != 86.5 {
			t.Fatalf("profile: %+v %v", pr, err)
		}
		if ev := f.audit.find("officer.photo_update", domain.AuditSuccess); len(ev) != 1 || ev[0].Detail["sha256"] != info.SHA256 {
			t.Fatalf("photo audit: %+v", ev)
		}
		if ev := f.audit.find("officer.exam_add", domain.AuditSuccess); len(ev) != 1 {
			t.Fatalf("exam audit: %+v", ev)
		}
	})
}
