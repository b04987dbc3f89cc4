package httpapi_test

import (
	"bytes"
	"context"
	"fmt"
	"image/jpeg"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"
	"testing"

	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/httpapi"
	"github.com/lecms/lecms/api/httpapi/apitest"
	"github.com/lecms/lecms/api/records"
	"github.com/lecms/lecms/api/records/phototest"
	"github.com/lecms/lecms/api/store"
	"github.com/lecms/lecms/api/store/storetest"
)

// send posts a raw body with a content type.
func send(c *apitest.Client, method, path, contentType string, body []byte) *apitest.Response {
	c.Header.Set("Content-Type", contentType)
	defer c.Header.Del("Content-Type")
	return c.Do(method, path, body)
}

// multipartPhoto is a multipart/form-data body with one file part.
func multipartPhoto(field, filename, partType string, data []byte) (string, []byte) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	w.WriteField("note", "ignored")
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, field, filename))
	h.Set("Content-Type", partType)
	part, _ := w.CreatePart(h)
	part.Write(data)
	w.Close()
	return w.FormDataContentType(), b.Bytes()
}

// fixtureOfficer is the id of a harness officer by code.
func (h *harness) fixtureOfficer(code string) int64 {
	h.t.Helper()
	page, err := store.NewOfficers(h.db).List(context.Background(), store.OfficerQuery{OfficerCode: code, Limit: 1})
	if err != nil || len(page.Items) != 1 {
		h.t.Fatalf("fixture officer %s: %v %v", code, page, err)
	}
	return page.Items[0].ID
}

func newOfficerBody(code, id string) map[string]any {
	return map[string]any{"code": code, "name": "王五", "id_number": id, "area": "济南市历下区", "category": "城市管理",
		"staffing": "established", "training_hours": 24}
}

func rulesOf(p httpapi.Problem) map[string]string {
	out := map[string]string{}
	for _, e := range p.Errors {
		out[e.Field] = e.Rule
	}
	return out
}

func TestOfficerRecordsOverHTTP(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		op, _ := h.login("op")
		// Created in the operator's own unit, sex and birth date from the number.
		r := op.Do(http.MethodPost, "/api/v1/officers", newOfficerBody("A00001-0100", "11010519491231002x"))
		if r.Status != 201 {
			t.Fatalf("create: %d %s", r.Status, r.Body)
		}
		var created records.OfficerProfile
		r.JSON(t, &created)
		if created.Sex != domain.SexFemale || created.BirthDate.String() != "1949-12-31" || created.UnitID != h.units["A00001"] ||
			created.Version != 1 || created.IDNumber != "" || created.IDNumberMasked != "110105********002X" ||
			r.Header.Get("Location") != "/api/v1/officers/"+itoa(created.ID) {
			t.Fatalf("created: %+v %v", created, r.Header)
		}
		// The read side lists it.
		var o domain.Officer
		if r := op.Get("/api/v1/officers/" + itoa(created.ID)); r.Status != 200 {
			t.Fatalf("read: %d", r.Status)
		} else if r.JSON(t, &o); o.Code != "A00001-0100" || o.Area != "济南市历下区" {
			t.Fatalf("read: %+v", o)
		}
		// The editor's profile shows the full number (audited); a legal office's does not.
		var prof records.OfficerProfile
		op.Get("/api/v1/officers/"+itoa(created.ID)+"/profile").JSON(t, &prof)
		if prof.IDNumber != "11010519491231002X" || !prof.CanEdit || prof.TrainingHours != 24 {
			t.Fatalf("editor's profile: %+v", prof)
		}
		if ev := h.audit.find("officer.reveal_id_number", domain.AuditSuccess); len(ev) != 1 || ev[0].ActorName != "op" {
			t.Fatalf("reveal audit: %+v", ev)
		}
		jinan, _ := h.login("jinan")
		r = jinan.Get("/api/v1/officers/" + itoa(created.ID) + "/profile")
		var masked records.OfficerProfile
		r.JSON(t, &masked)
		if masked.IDNumber != "" || masked.CanEdit || masked.IDNumberMasked != "110105********002X" || strings.Contains(string(r.Body), "11010519491231002") {
			t.Fatalf("legal office's profile: %+v", masked)
		}

		// Edit with the version, correcting sex; the same version again is stale.
		edit := newOfficerBody("A00001-0100", "11010519491231002X")
		edit["version"], edit["sex"] = 1, "M"
		r = op.Do(http.MethodPut, "/api/v1/officers/"+itoa(created.ID), edit)
		if r.Status != 200 {
			t.Fatalf("edit: %d %s", r.Status, r.Body)
		}
		var edited records.OfficerProfile
		r.JSON(t, &edited)
		if edited.Sex != domain.SexMale || edited.Version != 2 || edited.BirthDate.String() != "1949-12-31" {
			t.Fatalf("edited: %+v", edited)
		}
		if p := problemOf(t, op.Do(http.MethodPut, "/api/v1/officers/"+itoa(created.ID), edit)); p.Status != 409 || p.Code != "conflict" ||
			!strings.Contains(p.Detail, "第 2 版") {
			t.Fatalf("stale version: %+v", p)
		}

		// An invalid ID number names the field and the rule.
		p := problemOf(t, op.Do(http.MethodPost, "/api/v1/officers", newOfficerBody("A00001-0101", "110105194912310021")))
		if p.Status != 400 || rulesOf(p)["id_number"] != "checksum" || !strings.Contains(p.Detail, "校验位") {
			t.Fatalf("bad ID number: %+v", p)
		}
		// The same person twice: 409 naming the existing officer code.
		p = problemOf(t, op.Do(http.MethodPost, "/api/v1/officers", newOfficerBody("A00001-0102", "110105194912310０2X")))
		if p.Status != 409 || !strings.Contains(p.Detail, "A00001-0100") {
			t.Fatalf("duplicate person: %+v", p)
		}
		// Another unit: creating there is forbidden, its officers are not found.
		other := newOfficerBody("A00002-0100", string(domain.MakeIDNumber("370102", domain.NewDate(1990, 5, 6), 77, true)))
		other["unit_id"] = h.units["A00002"]
		if p := problemOf(t, op.Do(http.MethodPost, "/api/v1/officers", other)); p.Status != 403 {
			t.Fatalf("create in another unit: %+v", p)
		}
		foreign := h.fixtureOfficer("A00002-a")
		edit["version"] = 1
		if p := problemOf(t, op.Do(http.MethodPut, "/api/v1/officers/"+itoa(foreign), edit)); p.Status != 404 {
			t.Fatalf("edit another unit's officer: %+v", p)
		}
		// A legal office has no officer:write at all.
		if p := problemOf(t, jinan.Do(http.MethodPost, "/api/v1/officers", other)); p.Status != 403 {
			t.Fatalf("legal office creates: %+v", p)
		}
		if got := h.audit.find("officer.create", domain.AuditDenied); len(got) != 1 {
			t.Errorf("denied create not audited: %+v", got)
		}

		// Exams go with the profile.
		r = op.Do(http.MethodPost, "/api/v1/officers/"+itoa(created.ID)+"/exams",
			map[string]any{"kind": "general", "taken_on": "2025-05-18", "score": 91, "passed": true})
		if r.Status != 201 {
			t.Fatalf("exam: %d %s", r.Status, r.Body)
		}
		if p := problemOf(t, op.Do(http.MethodPost, "/api/v1/officers/"+itoa(created.ID)+"/exams", map[string]any{"kind": "oral"})); p.Status != 400 ||
			len(p.Errors) != 4 {
			t.Fatalf("bad exam: %+v", p)
		}
		op.Get("/api/v1/officers/"+itoa(created.ID)+"/profile").JSON(t, &prof)
		if len(prof.Exams) != 1 || prof.Exams[0].Score != 91 || !prof.Exams[0].Passed || prof.Exams[0].TakenOn.String() != "2025-05-18" {
			t.Fatalf("exams in the profile: %+v", prof.Exams)
		}
	})
}

func TestOfficerPhotosOverHTTP(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		op, _ := h.login("op")
		id := h.fixtureOfficer("A00001-a")
		path := "/api/v1/officers/" + itoa(id) + "/photo"

		// A portrait JPEG carrying EXIF with a GPS position, as a form upload.
		withGPS := phototest.WithExif(phototest.JPEG(354, 472), 0)
		ct, body := multipartPhoto("photo", "me.jpg", "image/jpeg", withGPS)
		r := send(op, http.MethodPut, path, ct, body)
		if r.Status != 200 {
			t.Fatalf("upload: %d %s", r.Status, r.Body)
		}
		var info records.PhotoInfo
		r.JSON(t, &info)
		if info.Width != 354 || info.Height != 472 || len(info.SHA256) != 64 {
			t.Fatalf("photo info: %+v", info)
		}
		// Downloaded: a JPEG without any APP1 (EXIF) segment or GPS data.
		jinan, _ := h.login("jinan")
		r = jinan.Get(path)
		if r.Status != 200 || r.Header.Get("Content-Type") != "image/jpeg" || r.Header.Get("ETag") != `"`+info.SHA256+`"` ||
			!strings.HasPrefix(r.Header.Get("Cache-Control"), "private, max-age=") {
			t.Fatalf("download: %d %v", r.Status, r.Header)
		}
		if phototest.HasAPP1(r.Body) || bytes.Contains(r.Body, []byte("Exif")) || bytes.Contains(r.Body, []byte(phototest.GPSLatitudeMarker)) {
			t.Fatal("EXIF/GPS survived the upload")
		}
		if _, err := jpeg.Decode(bytes.NewReader(r.Body)); err != nil {
			t.Fatalf("download is not a JPEG: %v", err)
		}
		// The ETag revalidates with 304 and no body.
		jinan.Header.Set("If-None-Match", r.Header.Get("ETag"))
		r = jinan.Get(path)
		jinan.Header.Del("If-None-Match")
		if r.Status != 304 || len(r.Body) != 0 || r.Header.Get("ETag") != `"`+info.SHA256+`"` {
			t.Fatalf("If-None-Match: %d %d bytes", r.Status, len(r.Body))
		}
		r = jinan.Get(path + "/thumbnail")
		if r.Status != 200 || r.Header.Get("ETag") != `"`+info.SHA256+`-thumb"` {
			t.Fatalf("thumbnail: %d %v", r.Status, r.Header)
		}
		if img, err := jpeg.Decode(bytes.NewReader(r.Body)); err != nil || img.Bounds().Dx() != 96 || img.Bounds().Dy() != 134 {
			t.Fatalf("thumbnail image: %v", err)
		}
		var o domain.Officer
		jinan.Get("/api/v1/officers/"+itoa(id)).JSON(t, &o)
		if !o.HasPhoto {
			t.Error("has_photo not set")
		}
		if ev := h.audit.find("officer.photo_update", domain.AuditSuccess); len(ev) != 1 || ev[0].Detail["sha256"] != info.SHA256 {
			t.Errorf("upload audit: %+v", ev)
		}

		// A PNG as the raw body is re-encoded as JPEG.
		r = send(op, http.MethodPut, path, "image/png", phototest.PNG(300, 420))
		if r.Status != 200 {
			t.Fatalf("png: %d %s", r.Status, r.Body)
		}
		if got := op.Get(path); !bytes.HasPrefix(got.Body, []byte{0xFF, 0xD8, 0xFF}) {
			t.Fatal("a PNG upload is not served as JPEG")
		}
		// A PNG disguised as a .jpg / image/jpeg is handled by its content.
		ct, body = multipartPhoto("file", "photo.jpg", "image/jpeg", phototest.PNG(320, 440))
		if r := send(op, http.MethodPut, path, ct, body); r.Status != 200 {
			t.Fatalf("disguised png: %d %s", r.Status, r.Body)
		}
		truncated := phototest.JPEG(300, 420)
		for name, c := range map[string]struct {
			contentType string
			body        []byte
			rule        string
		}{
			"too small":    {"image/jpeg", phototest.JPEG(200, 280), "min_size"},
			"landscape":    {"image/jpeg", phototest.JPEG(800, 600), "portrait"},
			"corrupt":      {"image/jpeg", truncated[:len(truncated)/2], "corrupt"},
			"text as jpeg": {"image/jpeg", []byte("just some text, not a photo\n"), "format"},
			"bomb":         {"image/png", phototest.HugePNG(50000, 70000), "max_size"},
		} {
			p := problemOf(t, send(op, http.MethodPut, path, c.contentType, c.body))
			if p.Status != 400 || rulesOf(p)["photo"] != c.rule {
				t.Errorf("%s: %+v, want rule %s", name, p, c.rule)
			}
		}
		ct, body = multipartPhoto("photo", "notes.txt", "image/jpeg", []byte("hello"))
		if p := problemOf(t, send(op, http.MethodPut, path, ct, body)); rulesOf(p)["photo"] != "format" {
			t.Errorf("text file in a form: %+v", p)
		}
		big := append(phototest.JPEG(300, 420), bytes.Repeat([]byte{0}, 2<<20)...)
		if p := problemOf(t, send(op, http.MethodPut, path, "image/jpeg", big)); p.Status != 413 {
			t.Errorf("over 2 MB: %+v", p)
		}
		ct, body = multipartPhoto("photo", "big.jpg", "image/jpeg", big)
		if p := problemOf(t, send(op, http.MethodPut, path, ct, body)); p.Status != 413 {
			t.Errorf("over 2 MB in a form: %+v", p)
		}

		// Jurisdiction: another unit's officer is not found; a legal office may not upload.
		foreign := "/api/v1/officers/" + itoa(h.fixtureOfficer("A00002-a")) + "/photo"
		if p := problemOf(t, send(op, http.MethodPut, foreign, "image/jpeg", phototest.JPEG(300, 420))); p.Status != 404 {
			t.Errorf("another unit's officer: %+v", p)
		}
		if p := problemOf(t, op.Get(foreign)); p.Status != 404 {
			t.Errorf("another unit's photo: %+v", p)
		}
		if p := problemOf(t, send(jinan, http.MethodPut, path, "image/jpeg", phototest.JPEG(300, 420))); p.Status != 403 {
			t.Errorf("legal office uploads: %+v", p)
		}
		qingdao, _ := h.login("qingdao")
		if p := problemOf(t, qingdao.Get(path)); p.Status != 404 {
			t.Errorf("photo outside the jurisdiction: %+v", p)
		}
		if p := problemOf(t, op.Get("/api/v1/officers/"+itoa(h.fixtureOfficer("A00001-b"))+"/photo/thumbnail")); p.Status != 404 ||
			!strings.Contains(p.Detail, "没有照片") {
			t.Errorf("officer without a photo: %+v", p)
		}
	})
}

func TestUnitsOverHTTP(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		admin, _ := h.login("jinan_admin")
		unit := map[string]any{"code": "b10001", "name": "历下区司法局", "region_code": "370102",
			"credit_code": "11370102mb0000000e", "contact": "赵六", "phone": "0531-88880000"}
		p := problemOf(t, admin.Do(http.MethodPost, "/api/v1/units", unit))
		if p.Status != 400 || rulesOf(p)["credit_code"] != "checksum" {
			t.Fatalf("bad credit code: %+v", p)
		}
		unit["credit_code"] = "91350100M000100Y43"
		r := admin.Do(http.MethodPost, "/api/v1/units", unit)
		if r.Status != 201 {
			t.Fatalf("create: %d %s", r.Status, r.Body)
		}
		var u domain.Unit
		r.JSON(t, &u)
		if u.Code != "B10001" || u.Level != domain.LevelCounty || u.RegionName != "历下区" || r.Header.Get("Location") != "/api/v1/units/"+itoa(u.ID) {
			t.Fatalf("created: %+v", u)
		}
		if p := problemOf(t, admin.Do(http.MethodPost, "/api/v1/units", unit)); p.Status != 409 || !strings.Contains(p.Detail, "B10001") {
			t.Fatalf("duplicate code: %+v", p)
		}
		// Outside the subtree: 青岛.
		unit["code"], unit["region_code"] = "B10002", "370202"
		if p := problemOf(t, admin.Do(http.MethodPost, "/api/v1/units", unit)); p.Status != 403 {
			t.Fatalf("outside: %+v", p)
		}
		// Unit operators do not manage units.
		op, _ := h.login("op")
		if p := problemOf(t, op.Do(http.MethodPost, "/api/v1/units", unit)); p.Status != 403 {
			t.Fatalf("operator: %+v", p)
		}

		unit["code"], unit["region_code"], unit["name"] = "B10001", "370100", "济南市司法局"
		r = admin.Do(http.MethodPut, "/api/v1/units/"+itoa(u.ID), unit)
		if r.Status != 200 {
			t.Fatalf("edit: %d %s", r.Status, r.Body)
		}
		r.JSON(t, &u)
		if u.Level != domain.LevelCity || u.Name != "济南市司法局" {
			t.Fatalf("edited: %+v", u)
		}
		var got domain.Unit
		admin.Get("/api/v1/units/"+itoa(u.ID)).JSON(t, &got)
		if got != u {
			t.Fatalf("get: %+v, want %+v", got, u)
		}
		qingdao, _ := h.login("qingdao")
		if p := problemOf(t, qingdao.Get("/api/v1/units/"+itoa(u.ID))); p.Status != 404 {
			t.Fatalf("get outside: %+v", p)
		}

		// A unit with officers is not deleted; it is dissolved.
		lixiaUnit := itoa(h.units["A00001"])
		p = problemOf(t, admin.Do(http.MethodDelete, "/api/v1/units/"+lixiaUnit, nil))
		if p.Status != 409 || !strings.Contains(p.Detail, "名执法人员") || !strings.Contains(p.Detail, "撤销") {
			t.Fatalf("delete with officers: %+v", p)
		}
		r = admin.Do(http.MethodPost, "/api/v1/units/"+lixiaUnit+"/dissolve", map[string]string{"reason": "机构改革，职能划转"})
		if r.Status != 200 {
			t.Fatalf("dissolve: %d %s", r.Status, r.Body)
		}
		var d records.Dissolved
		r.JSON(t, &d)
		if !d.Unit.Dissolved || d.Unit.Code != "A00001" {
			t.Fatalf("dissolved: %+v", d)
		}
		if ev := h.audit.find("unit.dissolve", domain.AuditSuccess); len(ev) != 1 || ev[0].Detail["reason"] != "机构改革，职能划转" {
			t.Fatalf("dissolve audit: %+v", ev)
		}
		// The dissolved unit takes no new officers (422) and is not edited.
		if p := problemOf(t, op.Do(http.MethodPost, "/api/v1/officers", newOfficerBody("A00001-0200", "11010519491231002X"))); p.Status != 422 {
			t.Fatalf("officer in a dissolved unit: %+v", p)
		}
		if p := problemOf(t, admin.Do(http.MethodPut, "/api/v1/units/"+lixiaUnit,
			map[string]any{"code": "A00001", "name": "改名", "region_code": "370102"})); p.Status != 422 {
			t.Fatalf("edit a dissolved unit: %+v", p)
		}
		// An empty unit can be deleted.
		if r := admin.Do(http.MethodDelete, "/api/v1/units/"+itoa(u.ID), nil); r.Status != 204 {
			t.Fatalf("delete: %d %s", r.Status, r.Body)
		}
		if p := problemOf(t, admin.Get("/api/v1/units/"+itoa(u.ID))); p.Status != 404 {
			t.Fatalf("deleted: %+v", p)
		}
	})
}

// recordsProbes are the authorization-matrix probes of the records routes.
// Inside probes leave the fixture usable for every other probe: the unit
// deleted has officers (409), the dissolution lacks its reason (400).
func recordsProbes(h *harness) map[string]probe {
	units, err := store.NewUnits(h.db).List(context.Background(), domain.UnitFilter{Page: domain.PageRequest{Limit: 100}})
	if err != nil {
		h.t.Fatal(err)
	}
	unit := func(far bool) func(a actor) domain.Unit {
		return func(a actor) domain.Unit {
			for _, u := range units.Items {
				in := a.principal.Scope.Contains(u.RegionCode) && (a.principal.UnitID == 0 || a.principal.UnitID == u.ID)
				if in != far {
					return u
				}
			}
			return domain.Unit{} // nothing outside a province-wide jurisdiction: id 0, skipped
		}
	}
	unitPath := func(far bool, suffix string, body func(u domain.Unit) any) func(a actor) (string, any) {
		return func(a actor) (string, any) {
			u := unit(far)(a)
			var b any
			if body != nil {
				b = body(u)
			}
			return "/api/v1/units/" + itoa(u.ID) + suffix, b
		}
	}
	officerPath := func(far bool, suffix string, body any) func(a actor) (string, any) {
		return func(a actor) (string, any) {
			id := a.ownOfficer
			if far {
				id = a.farOfficer
			}
			return "/api/v1/officers/" + itoa(id) + suffix, body
		}
	}
	sameUnit := func(u domain.Unit) any {
		return map[string]any{"code": u.Code, "name": u.Name, "region_code": u.RegionCode}
	}
	newUnit := func(region func(a actor) string) func(a actor) (string, any) {
		return func(a actor) (string, any) {
			return "/api/v1/units", map[string]any{"code": fmt.Sprintf("M%05d", len(a.name)*1000+int(a.name[0])), "name": "矩阵" + a.name,
				"region_code": region(a)}
		}
	}
	newOfficer := func(far bool) func(a actor) (string, any) {
		return func(a actor) (string, any) {
			b := newOfficerBody("M-"+a.name, string(domain.MakeIDNumber("370102", domain.NewDate(1985, 1, 1+len(a.name)), 400, true)))
			if far {
				b["unit_id"] = unit(true)(a).ID
			}
			return "/api/v1/officers", b
		}
	}
	exam := map[string]any{"kind": "special", "taken_on": "2025-01-02", "score": 75, "passed": true}
	return map[string]probe{
		"POST /api/v1/units": {inside: newUnit(func(a actor) string { return string(a.principal.Scope) }),
			outside: newUnit(func(actor) string { return "110101" })},
		"GET /api/v1/units/:id":    {inside: unitPath(false, "", nil), outside: unitPath(true, "", nil)},
		"PUT /api/v1/units/:id":    {inside: unitPath(false, "", sameUnit), outside: unitPath(true, "", sameUnit)},
		"DELETE /api/v1/units/:id": {inside: unitPath(false, "", nil), outside: unitPath(true, "", nil)},
		"POST /api/v1/units/:id/dissolve": {
			inside:  unitPath(false, "/dissolve", func(domain.Unit) any { return map[string]string{"reason": ""} }),
			outside: unitPath(true, "/dissolve", func(domain.Unit) any { return map[string]string{"reason": "矩阵"} })},
		"POST /api/v1/officers":                    {inside: newOfficer(false), outside: newOfficer(true)},
		"PUT /api/v1/officers/:id":                 {inside: officerPath(false, "", map[string]any{"version": 1}), outside: officerPath(true, "", map[string]any{"version": 1})},
		"GET /api/v1/officers/:id/profile":         {inside: officerPath(false, "/profile", nil), outside: officerPath(true, "/profile", nil)},
		"POST /api/v1/officers/:id/exams":          {inside: officerPath(false, "/exams", exam), outside: officerPath(true, "/exams", exam)},
		"PUT /api/v1/officers/:id/photo":           {inside: officerPath(false, "/photo", phototest.JPEG(300, 420)), outside: officerPath(true, "/photo", phototest.JPEG(300, 420))},
		"GET /api/v1/officers/:id/photo":           {inside: officerPath(false, "/photo", nil), outside: officerPath(true, "/photo", nil)},
		"GET /api/v1/officers/:id/photo/thumbnail": {inside: officerPath(false, "/photo/thumbnail", nil), outside: officerPath(true, "/photo/thumbnail", nil)},
		// Inside: no reason, so whoever may transfer gets 400 and nothing moves
		// (a move would change the other probes' fixture). Outside: a complete
		// request for an officer beyond the caller's reach.
		"POST /api/v1/officers/:id/transfer": {
			inside: func(a actor) (string, any) {
				return "/api/v1/officers/" + itoa(a.ownOfficer) + "/transfer", map[string]any{"unit_id": unit(false)(a).ID, "version": 1}
			},
			outside: func(a actor) (string, any) {
				return "/api/v1/officers/" + itoa(a.farOfficer) + "/transfer",
					map[string]any{"unit_id": unit(false)(a).ID, "version": 1, "reason": "矩阵"}
			}},
	}
}
