package authz

import (
	"fmt"
	"strings"
	"testing"

	"github.com/lecms/lecms/api/domain"
)

func newFileEnforcer(t testing.TB) *Enforcer {
	t.Helper()
	e, err := New(FilePolicy())
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestPolicyFileLoads(t *testing.T) {
	e := newFileEnforcer(t)
	if n := strings.Count(e.Describe(), "\n"); n < 30 {
		t.Fatalf("only %d rules loaded from policy.csv", n)
	}
}

func TestRoleAndJurisdiction(t *testing.T) {
	e := newFileEnforcer(t)
	jinanLegal := domain.Principal{Role: domain.RoleLegalReviewer, Scope: "370100"}
	lixiaOp := domain.Principal{Role: domain.RoleUnitOperator, Scope: "370102", UnitID: 34}
	admin := domain.Principal{Role: domain.RoleAdmin, Scope: "370000"}
	client := domain.Principal{Grants: []string{"certificates:read"}, Scope: "370000"}
	cases := []struct {
		name     string
		p        domain.Principal
		obj, act string
		t        Target
		want     bool
	}{
		{"city legal office reads a county officer", jinanLegal, "officer", Read, Target{"370102", 34}, true},
		{"city legal office reads another city", jinanLegal, "officer", Read, Target{"370202", 90}, false},
		{"city legal office approves a city-level unit", jinanLegal, "application", "approve_legal", Target{"370100", 12}, true},
		{"city legal office cannot approve a county unit", jinanLegal, "application", "approve_legal", Target{"370102", 34}, false},
		{"legal office has no officer write", jinanLegal, "officer", Write, Target{"370102", 34}, false},
		{"operator reads own unit", lixiaOp, "officer", Read, Target{"370102", 34}, true},
		{"operator cannot read a sibling unit", lixiaOp, "officer", Read, Target{"370102", 35}, false},
		{"operator applies for own unit", lixiaOp, "application", "create", Target{"370102", 34}, true},
		{"operator cannot approve", lixiaOp, "application", "approve_unit", Target{"370102", 34}, false},
		{"operator reads region tree of own scope", lixiaOp, "region", Read, Own(lixiaOp), true},
		{"admin reads audit", admin, "audit", Read, Own(admin), true},
		{"admin of the province writes users in a county", admin, "user", Write, Target{"370102", 0}, true},
		{"admin cannot approve applications", admin, "application", "approve_legal", Target{"370000", 1}, false},
		{"client reads officers", client, "officer", Read, Target{"370102", 34}, true},
		{"client cannot write", client, "officer", Write, Target{"370102", 34}, false},
		{"nobody without a role", domain.Principal{Scope: "370000"}, "officer", Read, Target{"370102", 34}, false},
		{"unknown region code fails closed", jinanLegal, "officer", Read, Target{"", 34}, false},
	}
	for _, tc := range cases {
		if got := e.Can(tc.p, tc.obj, tc.act, tc.t); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestAllowedListsOwnPermissions(t *testing.T) {
	e := newFileEnforcer(t)
	got := strings.Join(e.Allowed(domain.Principal{Role: domain.RoleUnitReviewer, Scope: "370102", UnitID: 3}), " ")
	for _, want := range []string{"officer:read", "application:approve_unit"} {
		if !strings.Contains(got, want) {
			t.Errorf("unit reviewer permissions %q lack %s", got, want)
		}
	}
	if strings.Contains(got, "officer:write") {
		t.Errorf("unit reviewer must not write officers: %q", got)
	}
}

// The decision must not dominate a request: 10,000 principals over 500
// regions (their role assignments travel in tokens, so the enforcer holds
// role policies only and its cost does not grow with users).
func BenchmarkCan(b *testing.B) {
	e := newFileEnforcer(b)
	var regions []domain.RegionCode
	for c := 1; c <= 20; c++ {
		for d := 1; d <= 25; d++ {
			regions = append(regions, domain.RegionCode(fmt.Sprintf("37%02d%02d", c, d)))
		}
	}
	roles := []domain.Role{domain.RoleLegalReviewer, domain.RoleUnitOperator, domain.RoleAdmin, domain.RoleUnitReviewer}
	principals := make([]domain.Principal, 10000)
	for i := range principals {
		r := regions[i%len(regions)]
		p := domain.Principal{UserID: int64(i), Role: roles[i%len(roles)], Scope: r}
		if p.Role.UnitRole() {
			p.UnitID = int64(i % 2000)
		}
		principals[i] = p
	}
	i := 0
	for b.Loop() {
		p := principals[i%len(principals)]
		e.Can(p, "officer", Read, Target{Region: regions[(i*7)%len(regions)], UnitID: int64(i % 2000)})
		i++
	}
}
