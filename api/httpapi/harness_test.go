package httpapi_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lecms/lecms/api/audit"
	"github.com/lecms/lecms/api/authz"
	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/httpapi"
	"github.com/lecms/lecms/api/httpapi/apitest"
	"github.com/lecms/lecms/api/identity"
	"github.com/lecms/lecms/api/lifecycle"
	"github.com/lecms/lecms/api/password"
	"github.com/lecms/lecms/api/pii"
	"github.com/lecms/lecms/api/records"
	"github.com/lecms/lecms/api/registry"
	"github.com/lecms/lecms/api/settings"
	"github.com/lecms/lecms/api/store"
	"github.com/lecms/lecms/api/token"
	"github.com/lecms/lecms/docs"
)

// testClock is a settable clock shared by every service of a harness.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// memAudit keeps audit events for assertions.
type memAudit struct {
	mu     sync.Mutex
	events []domain.AuditEvent
}

func (m *memAudit) Record(_ context.Context, e domain.AuditEvent) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.events = append(m.events, e)
	return nil
}

func (m *memAudit) find(action, result string) []domain.AuditEvent {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []domain.AuditEvent
	for _, e := range m.events {
		if e.Action == action && (result == "" || e.Result == result) {
			out = append(out, e)
		}
	}
	return out
}

// harness is the real server (identity, authz, registry) on a real store.
type harness struct {
	t     *testing.T
	db    *store.DB
	clock *testClock
	audit *memAudit
	pii   *pii.Protector
	units map[string]int64
	e     http.Handler
}

const demoPw = "Test@2026x"

func newHarness(t *testing.T, db *store.DB) *harness { return newHarnessPolicy(t, db, "") }

// newHarnessPolicy adds policy lines to the repository's policy (for rules
// a province may configure, like one person holding two duties).
func newHarnessPolicy(t *testing.T, db *store.DB, extraPolicy string) *harness {
	t.Helper()
	ctx := context.Background()
	h := &harness{t: t, db: db, clock: &testClock{t: time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)}, audit: &memAudit{}, units: map[string]int64{}}
	var err error
	if h.pii, err = pii.New(pii.AES256GCM, bytes.Repeat([]byte{7}, 32)); err != nil {
		t.Fatal(err)
	}
	adapter, err := db.PolicyAdapter()
	if err != nil {
		t.Fatal(err)
	}
	if extraPolicy != "" {
		adapter = authz.PolicyText(authz.DefaultPolicyText() + "\n" + extraPolicy)
	}
	az, err := authz.New(adapter)
	if err != nil {
		t.Fatal(err)
	}
	hasher, err := password.NewWithParams(password.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, 4)
	if err != nil {
		t.Fatal(err)
	}
	cfg := identity.DefaultConfig()
	signer := token.NewSigner(store.NewSigningKeys(db, h.pii), cfg.AccessTTL, h.clock.Now)
	if err := signer.EnsureKey(ctx); err != nil {
		t.Fatal(err)
	}
	units := store.NewUnits(db)
	idn := identity.New(identity.Deps{Users: store.NewUsers(db), Sessions: store.NewSessions(db), Rates: store.NewRateLimits(db),
		Clients: store.NewClients(db), Units: units, Hasher: hasher, Signer: signer, Authz: az, Audit: h.audit, Now: h.clock.Now}, cfg)
	policies := settings.NewPolicySource(store.NewSettings(db), time.Minute, h.clock.Now)
	cst := time.FixedZone("CST", 8*3600)
	reg := registry.New(store.NewRegions(db), units, store.NewOfficers(db), h.pii, az, policies, h.clock.Now, cst)
	life := lifecycle.New(lifecycle.Deps{Apps: store.NewApplications(db), Officers: store.NewOfficers(db), Authz: az,
		Policies: policies, Audit: h.audit, Transfers: store.NewOfficers(db), Now: h.clock.Now, Loc: cst})
	recs := records.New(records.Deps{Units: units, Officers: store.NewOfficers(db), Photos: store.NewPhotos(db), Exams: store.NewExams(db),
		Regions: store.NewRegions(db), Reader: reg, PII: h.pii, Authz: az, Audit: h.audit, Cancel: life,
		Apps: store.NewApplications(db), Renew: life, Now: h.clock.Now, Loc: cst})
	trail, err := audit.New(store.NewAuditLog(db), audit.Options{Now: h.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	h.e = httpapi.New(h.withIssuance(httpapi.Deps{Log: testLogger(), DB: db, Registry: reg, Identity: idn, Lifecycle: life, Records: recs, Audit: trail,
		Policies: settings.NewPublisher(policies, settings.SecurityRules{Password: cfg.Password, MaxFailures: cfg.MaxFailures,
			LockFor: cfg.LockFor, IdleTimeout: cfg.IdleTimeout}),
		Auth: httpapi.TokenAuth{Verify: idn.Authenticate}, Authz: az, Clients: idn, BodyLimit: 1 << 20, SecureCookie: true,
		Spec: httpapi.Spec{Swagger2: docs.Swagger2(), OpenAPI3: docs.OpenAPI3()}}, policies, cst))
	h.fixture(hasher)
	return h
}

// fixture: regions, two units in 历下区 and one in 青岛, officers in each,
// and one account per role.
func (h *harness) fixture(hasher *password.Hasher) {
	ctx := context.Background()
	t := h.t
	if err := h.db.InsertRegions(ctx, []domain.Region{{Code: "370000", Name: "山东省"}, {Code: "370100", Name: "济南市"},
		{Code: "370102", Name: "历下区"}, {Code: "370200", Name: "青岛市"}, {Code: "370202", Name: "市南区"}}); err != nil {
		t.Fatal(err)
	}
	us := []store.NewUnit{{Code: "A00001", Name: "历下区城市管理局", RegionCode: "370102"},
		{Code: "A00002", Name: "历下区市场监督管理局", RegionCode: "370102"},
		{Code: "A00003", Name: "济南市市场监督管理局", RegionCode: "370100"},
		{Code: "A00004", Name: "市南区城市管理局", RegionCode: "370202"}}
	ids, err := h.db.InsertUnits(ctx, us)
	if err != nil {
		t.Fatal(err)
	}
	for i, u := range us {
		h.units[u.Code] = ids[i]
	}
	// Officer j of each unit: a (no certificate, exam passed), b (active,
	// last inspected 2024-12-31, due 2026-12-31: due soon, inspectable in
	// round 2024), c (active, last inspected 2024-10-01: overdue since
	// 2026-10-01). Officer d has no certificate and failed the exam.
	var officers []store.NewOfficer
	passed := []store.NewExam{{Kind: "general", TakenOn: domain.MustDate("2020-05-01"), Score: 85, Passed: true}}
	for i, u := range us {
		for j := 0; j < 4; j++ {
			id := domain.MakeIDNumber(u.RegionCode, domain.NewDate(1980+j, 3, 1+i), i*10+j, j%2 == 0)
			o := store.NewOfficer{Code: u.Code + "-" + string(rune('a'+j)), Name: "测试" + u.Code + string(rune('a'+j)),
				IDNumberEnc: h.pii.Seal(string(id), store.IDNumberAAD), IDNumberHash: h.pii.BlindIndex(string(id)),
				IDNumberMasked: id.Masked(), Sex: id.Sex(), BirthDate: id.BirthDate(), UnitID: ids[i], Area: u.Name[:9],
				Category: "城市管理", Staffing: domain.StaffingEstablished, HasPhoto: true, Exams: passed}
			switch j {
			case 1, 2:
				last := map[int]string{1: "2024-12-31", 2: "2024-10-01"}[j]
				l := domain.MustDate(last)
				due := domain.DefaultInspectionPolicy().NextDue(l)
				o.Cert = &store.NewCertificate{Type: domain.CertLawEnforcement, Number: fmt.Sprintf("%sZF%06d", u.RegionCode, 900+i*10+j),
					State: domain.CertActive, IssuedOn: &l, LastInspectedOn: &l, NextDueOn: &due}
			case 3:
				o.Exams = []store.NewExam{{Kind: "general", TakenOn: domain.MustDate("2020-05-01"), Score: 42, Passed: false}}
			}
			officers = append(officers, o)
		}
	}
	if err := h.db.InsertOfficers(ctx, officers); err != nil {
		t.Fatal(err)
	}
	hash, err := hasher.Hash(ctx, demoPw)
	if err != nil {
		t.Fatal(err)
	}
	unit := func(code string) *int64 { id := h.units[code]; return &id }
	users := []store.NewUser{
		{Username: "admin", Role: domain.RoleAdmin, ScopeRegion: "370000"},
		{Username: "jinan_admin", Role: domain.RoleAdmin, ScopeRegion: "370100"},
		{Username: "sft", Role: domain.RoleLegalReviewer, ScopeRegion: "370000"},
		{Username: "jinan", Role: domain.RoleLegalReviewer, ScopeRegion: "370100"},
		{Username: "lixia", Role: domain.RoleLegalReviewer, ScopeRegion: "370102"},
		{Username: "qingdao", Role: domain.RoleLegalReviewer, ScopeRegion: "370200"},
		{Username: "op", Role: domain.RoleUnitOperator, ScopeRegion: "370102", UnitID: unit("A00001")},
		{Username: "rev", Role: domain.RoleUnitReviewer, ScopeRegion: "370102", UnitID: unit("A00001")},
		{Username: "issuer", Role: domain.RoleCardIssuer, ScopeRegion: "370000"},
		{Username: "newbie", Role: domain.RoleUnitOperator, ScopeRegion: "370102", UnitID: unit("A00002"), MustChangePassword: true},
		// Targets of user administration in the authorization matrix, never signed in.
		{Username: "target_lixia", Role: domain.RoleLegalReviewer, ScopeRegion: "370102"},
		{Username: "target_qingdao", Role: domain.RoleLegalReviewer, ScopeRegion: "370202"},
	}
	for _, u := range users {
		u.DisplayName, u.PasswordHash = u.Username, hash
		if _, err := store.NewUsers(h.db).Create(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
}

// client returns an API test client with no credentials.
func (h *harness) client() *apitest.Client { return apitest.New(h.t, h.e) }

// login signs in and returns a client carrying the bearer token and the
// refresh cookie value.
func (h *harness) login(user string) (*apitest.Client, string) {
	h.t.Helper()
	c := h.client()
	r := c.Do(http.MethodPost, "/api/v1/auth/login", map[string]string{"username": user, "password": demoPw})
	if r.Status != 200 {
		h.t.Fatalf("login %s: %d %s", user, r.Status, r.Body)
	}
	var tok httpapi.TokenResponse
	r.JSON(h.t, &tok)
	c.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	return c, refreshCookieOf(h.t, r)
}

func refreshCookieOf(t *testing.T, r *apitest.Response) string {
	t.Helper()
	for _, sc := range r.Header.Values("Set-Cookie") {
		if strings.HasPrefix(sc, "lecms_refresh=") {
			return strings.SplitN(strings.TrimPrefix(sc, "lecms_refresh="), ";", 2)[0]
		}
	}
	t.Fatalf("no refresh cookie in %v", r.Header.Values("Set-Cookie"))
	return ""
}

// refresh calls the refresh endpoint with a cookie value.
func (h *harness) refresh(cookie string) *apitest.Response {
	c := h.client()
	c.Header.Set("Cookie", "lecms_refresh="+cookie)
	return c.Do(http.MethodPost, "/api/v1/auth/refresh", nil)
}

type apitestResponse = apitest.Response

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// testLogger discards server logs unless LECMS_TEST_LOG is set.
func testLogger() *slog.Logger {
	if os.Getenv("LECMS_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}
