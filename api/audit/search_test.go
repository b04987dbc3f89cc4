package audit_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/lecms/lecms/api/audit"
	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/store"
	"github.com/lecms/lecms/api/store/storetest"
)

var searchStart = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)

// searchFixture records events half a second apart (ids 1–10), so time
// bounds fall between sub-second timestamps.
func searchFixture(t *testing.T, db *store.DB) *audit.Trail {
	t.Helper()
	clk := newClock(searchStart, 500*time.Millisecond)
	tr := newTrail(t, db, audit.Options{Now: clk.Now})
	events := []domain.AuditEvent{
		{ActorID: 1, ActorName: "lixia", Scope: "370102", Action: "auth.login", Result: domain.AuditSuccess, RequestID: "r1"},                           // 1 历下区
		{ActorID: 1, ActorName: "lixia", Scope: "370102", Action: "officer.create", TargetType: "officer", TargetID: "11", Result: domain.AuditSuccess}, // 2
		{ActorID: 2, ActorName: "jinan", Scope: "370100", Action: "officer.update", TargetType: "officer", TargetID: "11", Result: domain.AuditDenied},  // 3 济南 itself
		{ActorID: 2, ActorName: "jinan", Scope: "370100", Action: "application.approve", TargetType: "application", TargetID: "5", Result: domain.AuditSuccess},
		{ActorID: 3, ActorName: "qingdao", Scope: "370202", Action: "officer.create", TargetType: "officer", TargetID: "12", Result: domain.AuditFailure}, // 5 青岛
		{ActorID: 3, ActorName: "qingdao", Scope: "370200", Action: "auth.logout", Result: domain.AuditSuccess, RequestID: "r1"},
		{ActorName: "zhangsan", Action: "auth.login", Result: domain.AuditFailure, IP: "203.0.113.9"}, // 7 unknown user: no scope
		{ActorID: 4, ActorName: "prov", Scope: "370000", Action: "setting.update", TargetType: "setting", TargetID: "inspection_policy", Result: domain.AuditSuccess},
		{ActorID: 1, ActorName: "lixia", Scope: "370102", Action: "officer_photo.upload", TargetType: "officer", TargetID: "11", Result: domain.AuditSuccess}, // 9
		{ActorID: 5, ActorName: "hebei", Scope: "130100", Action: "auth.login", Result: domain.AuditSuccess},                                                  // 10 another province
	}
	for i, e := range events {
		if err := tr.Record(context.Background(), e); err != nil {
			t.Fatalf("event %d: %v", i+1, err)
		}
	}
	return tr
}

// ids searches as p and returns the ids of every page, newest first.
func ids(t *testing.T, tr *audit.Trail, p domain.Principal, f audit.Filter) string {
	t.Helper()
	var out []string
	for range 20 {
		page, err := tr.Search(context.Background(), p, f)
		if err != nil {
			t.Fatalf("%+v: %v", f, err)
		}
		for _, e := range page.Items {
			out = append(out, fmt.Sprint(e.ID))
		}
		if page.NextCursor == "" {
			return strings.Join(out, " ")
		}
		f.Page.Cursor = page.NextCursor
	}
	t.Fatal("pagination does not end")
	return ""
}

func TestSearchIsScopedToTheJurisdiction(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		tr := searchFixture(t, db)
		cases := []struct {
			scope domain.RegionCode
			want  string
		}{
			{"370000", "9 8 7 6 5 4 3 2 1"}, // the province and scope-less events, not Hebei
			{"370100", "9 4 3 2 1"},         // 济南 and 历下区
			{"370102", "9 2 1"},
			{"370200", "6 5"}, // 青岛 does not see 济南
			{"370202", "5"},
			{"130000", "10 7"}, // every province administrator sees scope-less events
		}
		for _, tc := range cases {
			for _, limit := range []int{1, 2, 50} {
				p := domain.Principal{Username: "admin", Role: domain.RoleAdmin, Scope: tc.scope}
				if got := ids(t, tr, p, audit.Filter{Page: domain.PageRequest{Limit: limit}}); got != tc.want {
					t.Errorf("%s limit %d: %s, want %s", tc.scope, limit, got, tc.want)
				}
			}
		}
		// Narrowing inside the jurisdiction; a province narrowed to a city
		// no longer sees scope-less events.
		prov := domain.Principal{Scope: "370000"}
		if got := ids(t, tr, prov, audit.Filter{Region: "370100"}); got != "9 4 3 2 1" {
			t.Errorf("province narrowed to 济南: %s", got)
		}
		ctx := context.Background()
		for name, tc := range map[string]struct {
			p domain.Principal
			f audit.Filter
		}{
			"city asks for another city": {domain.Principal{Scope: "370200"}, audit.Filter{Region: "370100"}},
			"county asks for its city":   {domain.Principal{Scope: "370102"}, audit.Filter{Region: "370100"}},
			"unit user":                  {domain.Principal{Scope: "370102", UnitID: 3}, audit.Filter{}},
			"no scope":                   {domain.Principal{}, audit.Filter{}},
		} {
			if _, err := tr.Search(ctx, tc.p, tc.f); domain.ErrorCode(err) != domain.CodeForbidden {
				t.Errorf("%s: %v", name, err)
			}
		}
	})
}

func TestSearchFilters(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, db *store.DB) {
		tr := searchFixture(t, db)
		prov := domain.Principal{Scope: "370000"}
		at := func(id int) time.Time { return searchStart.Add(time.Duration(id-1) * 500 * time.Millisecond) }
		cases := []struct {
			name string
			f    audit.Filter
			want string
		}{
			{"action family", audit.Filter{Action: "auth"}, "7 6 1"},
			{"action family with dot", audit.Filter{Action: "officer."}, "5 3 2"}, // not officer_photo
			{"exact action", audit.Filter{Action: "auth.login"}, "7 1"},
			{"no such action", audit.Filter{Action: "auth.log"}, ""},
			{"actor id", audit.Filter{ActorID: 2}, "4 3"},
			{"actor name", audit.Filter{Actor: "zhangsan"}, "7"},
			{"target", audit.Filter{TargetType: "officer", TargetID: "11"}, "9 3 2"},
			{"target type", audit.Filter{TargetType: "application"}, "4"},
			{"result", audit.Filter{Result: domain.AuditFailure}, "7 5"},
			{"denied", audit.Filter{Result: domain.AuditDenied}, "3"},
			{"request id", audit.Filter{RequestID: "r1"}, "6 1"},
			// Sub-second bounds: [from, to) at half-second steps.
			{"from", audit.Filter{From: at(8)}, "9 8"},
			{"to", audit.Filter{To: at(3)}, "2 1"},
			{"range", audit.Filter{From: at(2), To: at(5)}, "4 3 2"},
			{"range between stamps", audit.Filter{From: at(2).Add(time.Millisecond), To: at(5).Add(time.Millisecond)}, "5 4 3"},
			{"range in another zone", audit.Filter{From: at(2).In(cst), To: at(4).In(cst)}, "3 2"},
			{"combined", audit.Filter{Action: "officer", Result: domain.AuditSuccess, From: at(1)}, "2"},
		}
		for _, tc := range cases {
			if got := ids(t, tr, prov, tc.f); got != tc.want {
				t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
			}
		}
		page, err := tr.Search(context.Background(), prov, audit.Filter{ActorID: 3, Page: domain.PageRequest{Limit: 1}})
		if err != nil || len(page.Items) != 1 {
			t.Fatalf("%+v %v", page, err)
		}
		e := page.Items[0]
		if e.ID != 6 || e.ActorName != "qingdao" || e.Scope != "370200" || e.Action != "auth.logout" || !e.At.Equal(at(6)) ||
			e.Result != domain.AuditSuccess || e.RequestID != "r1" || len(e.Hash) != 32 || e.Detail != nil || page.NextCursor == "" {
			t.Errorf("event fields: %+v", e)
		}
	})
}

func TestSearchRejectsBadFilters(t *testing.T) {
	db := storetest.OpenSQLite(t)
	tr := searchFixture(t, db)
	prov := domain.Principal{Scope: "370000"}
	for name, tc := range map[string]struct {
		f     audit.Filter
		field string
	}{
		"empty range":  {audit.Filter{From: searchStart, To: searchStart}, "to"},
		"bad action":   {audit.Filter{Action: "Auth%"}, "action"},
		"bad result":   {audit.Filter{Result: "ok"}, "result"},
		"bad cursor":   {audit.Filter{Page: domain.PageRequest{Cursor: "nope"}}, "cursor"},
		"wild action":  {audit.Filter{Action: "auth.*"}, "action"},
		"empty family": {audit.Filter{Action: "."}, "action"},
	} {
		_, err := tr.Search(context.Background(), prov, tc.f)
		var de *domain.Error
		if domain.ErrorCode(err) != domain.CodeInvalid || !asDomain(err, &de) || de.Fields[0].Field != tc.field {
			t.Errorf("%s: %v", name, err)
		}
	}
}
