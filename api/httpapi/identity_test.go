package httpapi_test

import (
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/httpapi"
	"github.com/lecms/lecms/api/identity"
	"github.com/lecms/lecms/api/store"
	"github.com/lecms/lecms/api/store/storetest"
)

func TestLoginSetsAStrictRefreshCookieAndMeDescribesTheUser(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		r := h.client().Do(http.MethodPost, "/api/v1/auth/login", map[string]string{"username": "jinan", "password": demoPw})
		if r.Status != 200 {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		sc := strings.Join(r.Header.Values("Set-Cookie"), "\n")
		for _, want := range []string{"lecms_refresh=", "HttpOnly", "Secure", "SameSite=Strict", "Path=/api/v1/auth"} {
			if !strings.Contains(sc, want) {
				t.Errorf("refresh cookie lacks %s: %s", want, sc)
			}
		}
		var tok httpapi.TokenResponse
		r.JSON(t, &tok)
		if tok.ExpiresIn < 800 || tok.ExpiresIn > 900 || strings.Contains(string(r.Body), refreshCookieOf(t, r)) {
			t.Errorf("token response: expires_in %d; the refresh token must not be in the body", tok.ExpiresIn)
		}
		c := h.client()
		c.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		var me identity.Me
		c.Get("/api/v1/me").JSON(t, &me)
		if me.User.Username != "jinan" || me.User.Scope != "370100" || me.RoleLabel != "法制机构审核人" ||
			!strings.Contains(strings.Join(me.Permissions, " "), "application:approve_legal") || me.IdleTimeoutSeconds != 1800 {
			t.Errorf("me: %+v", me)
		}
		if got := h.audit.find("auth.login", domain.AuditSuccess); len(got) != 1 || got[0].ActorName != "jinan" || got[0].IP == "" {
			t.Errorf("login not audited: %+v", got)
		}
	})
}

func TestUnknownUserAndWrongPasswordLookTheSame(t *testing.T) {
	h := newHarness(t, storetest.OpenSQLite(t))
	c := h.client()
	wrong := problemOf(t, c.Do(http.MethodPost, "/api/v1/auth/login", map[string]string{"username": "jinan", "password": "Wrong@2026"}))
	unknown := problemOf(t, c.Do(http.MethodPost, "/api/v1/auth/login", map[string]string{"username": "nobody", "password": "Wrong@2026"}))
	if wrong.Status != 401 || wrong.Status != unknown.Status || wrong.Code != unknown.Code || wrong.Detail != unknown.Detail {
		t.Fatalf("wrong password %+v vs unknown user %+v", wrong, unknown)
	}
	if p := problemOf(t, c.Do(http.MethodPost, "/api/v1/auth/login", map[string]string{"username": "", "password": ""})); p.Status != 400 || len(p.Errors) != 2 {
		t.Errorf("empty credentials: %+v", p)
	}
}

func TestLockoutAfterFiveFailuresAndUnlock(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		c := h.client()
		bad := map[string]string{"username": "op", "password": "Wrong@2026"}
		for i := 1; i <= 4; i++ {
			if p := problemOf(t, c.Do(http.MethodPost, "/api/v1/auth/login", bad)); p.Code != "unauthorized" {
				t.Fatalf("failure %d: %+v", i, p)
			}
		}
		p := problemOf(t, c.Do(http.MethodPost, "/api/v1/auth/login", bad))
		if p.Status != http.StatusLocked || p.Code != "account_locked" || !strings.Contains(p.Detail, "锁定") {
			t.Fatalf("fifth failure: %+v", p)
		}
		// The right password does not open a locked account...
		good := map[string]string{"username": "op", "password": demoPw}
		if p := problemOf(t, c.Do(http.MethodPost, "/api/v1/auth/login", good)); p.Code != "account_locked" {
			t.Fatalf("locked account opened: %+v", p)
		}
		// ...until an administrator unlocks it.
		admin, _ := h.login("admin")
		var users httpapi.UserPage
		admin.Get("/api/v1/users?q=op").JSON(t, &users)
		if len(users.Items) != 1 || !users.Items[0].Locked {
			t.Fatalf("users: %+v", users)
		}
		if r := admin.Do(http.MethodPost, "/api/v1/users/"+itoa(users.Items[0].ID)+"/unlock", nil); r.Status != 204 {
			t.Fatalf("unlock: %d %s", r.Status, r.Body)
		}
		if r := c.Do(http.MethodPost, "/api/v1/auth/login", good); r.Status != 200 {
			t.Fatalf("after unlock: %d %s", r.Status, r.Body)
		}
		// Or the lock expires.
		for i := 0; i < 5; i++ {
			c.Do(http.MethodPost, "/api/v1/auth/login", bad)
		}
		h.clock.Advance(16 * time.Minute)
		if r := c.Do(http.MethodPost, "/api/v1/auth/login", good); r.Status != 200 {
			t.Fatalf("after the lock expired: %d %s", r.Status, r.Body)
		}
		// Unknown names lock the same way: no account enumeration.
		ghost := map[string]string{"username": "ghost", "password": "Wrong@2026"}
		var last httpapi.Problem
		for i := 0; i < 5; i++ {
			last = problemOf(t, c.Do(http.MethodPost, "/api/v1/auth/login", ghost))
		}
		if last.Code != "account_locked" {
			t.Errorf("unknown user after 5 failures: %+v", last)
		}
	})
}

func TestRefreshRotatesAndReuseRevokesTheFamily(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		_, first := h.login("lixia")
		r := h.refresh(first)
		if r.Status != 200 {
			t.Fatalf("refresh: %d %s", r.Status, r.Body)
		}
		second := refreshCookieOf(t, r)
		if second == first {
			t.Fatal("refresh token not rotated")
		}
		// Reusing the spent token (a thief replaying it) is refused...
		if p := problemOf(t, h.refresh(first)); p.Status != 401 {
			t.Fatalf("reuse: %+v", p)
		}
		// ...and kills the legitimate successor too.
		if p := problemOf(t, h.refresh(second)); p.Status != 401 {
			t.Fatalf("successor after reuse: %+v", p)
		}
		if len(h.audit.find("auth.refresh", domain.AuditDenied)) != 1 {
			t.Error("reuse not audited")
		}
		if p := problemOf(t, h.refresh("made-up")); p.Status != 401 {
			t.Errorf("unknown token: %+v", p)
		}
	})
}

func TestIdleSessionEnds(t *testing.T) {
	h := newHarness(t, storetest.OpenSQLite(t))
	_, rt := h.login("lixia")
	h.clock.Advance(20 * time.Minute)
	r := h.refresh(rt)
	if r.Status != 200 {
		t.Fatalf("active session: %d", r.Status)
	}
	h.clock.Advance(31 * time.Minute)
	if p := problemOf(t, h.refresh(refreshCookieOf(t, r))); p.Status != 401 || !strings.Contains(p.Detail, "未操作") {
		t.Fatalf("idle session: %+v", p)
	}
}

func TestLogoutRevokesTheSession(t *testing.T) {
	h := newHarness(t, storetest.OpenSQLite(t))
	c, rt := h.login("lixia")
	if r := c.Get("/api/v1/officers"); r.Status != 200 {
		t.Fatalf("before logout: %d", r.Status)
	}
	c.Header.Set("Cookie", "lecms_refresh="+rt)
	if r := c.Do(http.MethodPost, "/api/v1/auth/logout", nil); r.Status != 204 {
		t.Fatalf("logout: %d %s", r.Status, r.Body)
	}
	if p := problemOf(t, c.Get("/api/v1/officers")); p.Status != 401 {
		t.Errorf("access token after logout: %+v", p)
	}
	if p := problemOf(t, h.refresh(rt)); p.Status != 401 {
		t.Errorf("refresh after logout: %+v", p)
	}
}

func TestTamperedAndExpiredTokensAreRefused(t *testing.T) {
	h := newHarness(t, storetest.OpenSQLite(t))
	c, _ := h.login("lixia")
	tok := strings.TrimPrefix(c.Header.Get("Authorization"), "Bearer ")
	parts := strings.Split(tok, ".")
	claims, _ := base64.RawURLEncoding.DecodeString(parts[1])
	widened := strings.Replace(string(claims), `"scp":"370102"`, `"scp":"370000"`, 1)
	parts[1] = base64.RawURLEncoding.EncodeToString([]byte(widened))
	for name, bad := range map[string]string{
		"widened scope": strings.Join(parts, "."),
		"alg none":      base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + parts[1] + ".",
		"no token":      "",
	} {
		c.Header.Set("Authorization", "Bearer "+bad)
		if p := problemOf(t, c.Get("/api/v1/officers")); p.Status != 401 {
			t.Errorf("%s: %+v", name, p)
		}
	}
	c.Header.Set("Authorization", "Bearer "+tok)
	h.clock.Advance(16 * time.Minute)
	if p := problemOf(t, c.Get("/api/v1/officers")); p.Status != 401 {
		t.Errorf("expired: %+v", p)
	}
}

func TestForcedPasswordChange(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		c, _ := h.login("newbie")
		if p := problemOf(t, c.Get("/api/v1/officers")); p.Status != 403 || p.Code != "password_change_required" {
			t.Fatalf("before change: %+v", p)
		}
		if r := c.Get("/api/v1/me"); r.Status != 200 {
			t.Fatalf("me is open during the forced change: %d", r.Status)
		}
		cases := []struct{ old, new, field, rule string }{
			{"Wrong@2026", "Better#2027y", "old_password", "mismatch"},
			{demoPw, "short1A", "new_password", "min_length"},
			{demoPw, "alllowercase1", "new_password", "classes"},
			{demoPw, "Newbie@2027", "new_password", "not_username"},
			{demoPw, demoPw, "new_password", "history"},
		}
		for _, tc := range cases {
			p := problemOf(t, c.Do(http.MethodPost, "/api/v1/auth/password", map[string]string{"old_password": tc.old, "new_password": tc.new}))
			if p.Status != 400 || p.Errors[0].Field != tc.field || p.Errors[0].Rule != tc.rule {
				t.Errorf("%s → %s: %+v", tc.old, tc.new, p)
			}
		}
		if r := c.Do(http.MethodPost, "/api/v1/auth/password", map[string]string{"old_password": demoPw, "new_password": "Better#2027y"}); r.Status != 204 {
			t.Fatalf("change: %d %s", r.Status, r.Body)
		}
		r := h.client().Do(http.MethodPost, "/api/v1/auth/login", map[string]string{"username": "newbie", "password": "Better#2027y"})
		var tok httpapi.TokenResponse
		r.JSON(t, &tok)
		if tok.MustChangePassword {
			t.Fatal("still must change after changing")
		}
		c.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		if r := c.Get("/api/v1/officers"); r.Status != 200 {
			t.Errorf("after change: %d %s", r.Status, r.Body)
		}
		// Expiry: 90 days later the change is forced again.
		h.clock.Advance(91 * 24 * time.Hour)
		r = h.client().Do(http.MethodPost, "/api/v1/auth/login", map[string]string{"username": "newbie", "password": "Better#2027y"})
		r.JSON(t, &tok)
		if !tok.MustChangePassword {
			t.Error("an expired password is not forced to change")
		}
	})
}

func TestUnitUserSeesOnlyItsUnit(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		op, _ := h.login("op")
		var page httpapi.OfficerPage
		op.Get("/api/v1/officers?limit=200").JSON(t, &page)
		if len(page.Items) != 4 {
			t.Fatalf("unit operator sees %d officers, want its unit's 4", len(page.Items))
		}
		for _, o := range page.Items {
			if o.UnitID != h.units["A00001"] {
				t.Errorf("foreign officer in list: %+v", o)
			}
		}
		jinan, _ := h.login("jinan")
		var all httpapi.OfficerPage
		jinan.Get("/api/v1/officers?limit=200").JSON(t, &all)
		if len(all.Items) != 12 {
			t.Fatalf("济南 reviewer sees %d officers, want 12 (济南 subtree)", len(all.Items))
		}
		for _, o := range all.Items {
			want := 200
			if o.UnitID != h.units["A00001"] {
				want = 404 // a sibling unit's officer does not exist for the operator
			}
			if r := op.Get("/api/v1/officers/" + itoa(o.ID)); r.Status != want {
				t.Errorf("officer %d of unit %d: %d, want %d", o.ID, o.UnitID, r.Status, want)
			}
		}
		if p := problemOf(t, op.Get("/api/v1/officers?unit_id="+itoa(h.units["A00002"]))); p.Status != 403 {
			t.Errorf("filtering by another unit: %+v", p)
		}
	})
}

func TestAdministratorsGrantOnlyWithinTheirJurisdiction(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		jinanAdmin, _ := h.login("jinan_admin")
		create := func(body map[string]any) int {
			return jinanAdmin.Do(http.MethodPost, "/api/v1/users", body).Status
		}
		if s := create(map[string]any{"username": "lixia2", "display_name": "历下审核", "role": "legal_reviewer", "scope": "370102", "password": "Initial@2026"}); s != 201 {
			t.Errorf("city admin creating a county reviewer: %d", s)
		}
		if s := create(map[string]any{"username": "qd2", "display_name": "青岛审核", "role": "legal_reviewer", "scope": "370200", "password": "Initial@2026"}); s != 403 {
			t.Errorf("city admin creating in another city: %d", s)
		}
		if s := create(map[string]any{"username": "boss", "display_name": "省管理员", "role": "admin", "scope": "370000", "password": "Initial@2026"}); s != 403 {
			t.Errorf("city admin granting a province-wide admin: %d", s)
		}
		if s := create(map[string]any{"username": "qdop", "display_name": "青岛经办", "role": "unit_operator", "unit_id": h.units["A00004"], "password": "Initial@2026"}); s != 403 {
			t.Errorf("city admin creating a user of a 青岛 unit: %d", s)
		}
		if s := create(map[string]any{"username": "weak", "display_name": "弱密码", "role": "legal_reviewer", "scope": "370102", "password": "123"}); s != 400 {
			t.Errorf("weak initial password: %d", s)
		}
		if s := create(map[string]any{"username": "lixia2", "display_name": "重名", "role": "legal_reviewer", "scope": "370102", "password": "Initial@2026"}); s != 409 {
			t.Errorf("duplicate username: %d", s)
		}
		var page httpapi.UserPage
		jinanAdmin.Get("/api/v1/users?limit=200").JSON(t, &page)
		for _, u := range page.Items {
			if !domain.RegionCode("370100").Contains(u.Scope) {
				t.Errorf("济南 admin lists a user outside 济南: %+v", u)
			}
		}
		// The new user must change the initial password.
		r := h.client().Do(http.MethodPost, "/api/v1/auth/login", map[string]string{"username": "lixia2", "password": "Initial@2026"})
		var tok httpapi.TokenResponse
		r.JSON(t, &tok)
		if !tok.MustChangePassword {
			t.Error("a created user need not change the initial password")
		}
		// Non-admins cannot administer users at all.
		jinan, _ := h.login("jinan")
		if p := problemOf(t, jinan.Get("/api/v1/users")); p.Status != 403 {
			t.Errorf("legal reviewer listing users: %+v", p)
		}
		if len(h.audit.find("user.create", domain.AuditSuccess)) != 1 {
			t.Error("user creation not audited")
		}
	})
}

func TestAPIClientCredentialsAndLimits(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		admin, _ := h.login("admin")
		var cred identity.ClientCredentials
		r := admin.Do(http.MethodPost, "/api/v1/clients", map[string]any{"name": "案件系统", "grants": []string{"certificates:read"}, "scope": "370100", "rate_per_minute": 3})
		if r.Status != 201 {
			t.Fatalf("register: %d %s", r.Status, r.Body)
		}
		r.JSON(t, &cred)
		form := func(secret string) *apitestResponse {
			c := h.client()
			c.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			return c.Do(http.MethodPost, "/api/v1/oauth/token", []byte("grant_type=client_credentials&client_id="+cred.ClientID+"&client_secret="+secret))
		}
		if p := problemOf(t, form("wrong")); p.Status != 401 || p.Code != "invalid_client" {
			t.Fatalf("wrong secret: %+v", p)
		}
		r = form(cred.ClientSecret)
		if r.Status != 200 {
			t.Fatalf("token: %d %s", r.Status, r.Body)
		}
		var tok httpapi.OAuthToken
		r.JSON(t, &tok)
		c := h.client()
		c.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		var page httpapi.OfficerPage
		c.Get("/api/v1/officers").JSON(t, &page)
		if len(page.Items) != 12 {
			t.Errorf("client scoped to 济南 sees %d officers, want 12", len(page.Items))
		}
		if p := problemOf(t, c.Get("/api/v1/users")); p.Status != 403 {
			t.Errorf("client calling user admin: %+v", p)
		}
		c.Get("/api/v1/regions")
		c.Get("/api/v1/regions") // third metered call (the refused user-admin call is not metered)
		if p := problemOf(t, c.Get("/api/v1/regions")); p.Status != 429 {
			t.Errorf("4th call with a limit of 3/min: %+v", p)
		}
		if n := len(h.audit.find("api.call", "")); n < 4 {
			t.Errorf("client calls audited: %d", n)
		}
	})
}
