package domain

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

var (
	allCertStates = []CertState{CertNone, CertPending, CertActive, CertSuspended, CertRevoked, CertCancelled, CertVoid}
	allAppStates  = []AppState{AppDraft, AppSubmitted, AppUnitApproved, AppLegalApproved, AppInProduction,
		AppCompleted, AppReturned, AppWithdrawn, AppStale}
	allAppKinds = []AppKind{AppNewCard, AppReplacement, AppRenewal, AppInspection, AppCancellation, AppSuspension, AppRevocation}
)

func TestCertTransitions(t *testing.T) {
	// The allowed set, written out from DOMAIN.md rules 8-10; every other
	// pair, including self-loops and anything out of a terminal state, is refused.
	allowed := map[[2]CertState]bool{
		{CertPending, CertActive}:      true, // issued
		{CertPending, CertCancelled}:   true, // withdrawn after numbering / production cancelled
		{CertPending, CertVoid}:        true,
		{CertActive, CertSuspended}:    true,
		{CertSuspended, CertActive}:    true, // suspension lifted
		{CertActive, CertRevoked}:      true,
		{CertSuspended, CertRevoked}:   true,
		{CertActive, CertCancelled}:    true,
		{CertSuspended, CertCancelled}: true,
		{CertActive, CertVoid}:         true, // lost and declared void, or replaced
	}
	for _, from := range allCertStates {
		for _, to := range allCertStates {
			want := allowed[[2]CertState{from, to}]
			if got := CanTransitionCert(from, to); got != want {
				t.Errorf("CanTransitionCert(%s, %s) = %v, want %v", from, to, got, want)
			}
			err := CertTransition(from, to)
			if want {
				if err != nil {
					t.Errorf("CertTransition(%s, %s) = %v, want nil", from, to, err)
				}
				continue
			}
			var e *Error
			if !errors.As(err, &e) || e.Code != CodeRuleViolated {
				t.Fatalf("CertTransition(%s, %s) = %v, want rule_violated", from, to, err)
			}
			if !strings.Contains(e.Message, from.Label()) || !strings.Contains(e.Message, to.Label()) {
				t.Errorf("message %q does not name both states", e.Message)
			}
		}
	}
	for _, terminal := range []CertState{CertRevoked, CertCancelled, CertVoid, CertNone} {
		for _, to := range allCertStates {
			if CanTransitionCert(terminal, to) {
				t.Errorf("%s has an exit to %s", terminal, to)
			}
		}
	}
}

func TestAppTransitions(t *testing.T) {
	// Written out per kind so that a change to the flow must change this table.
	card := []string{
		"draft>submitted",
		"submitted>unit_approved", "submitted>returned", "submitted>withdrawn",
		"unit_approved>legal_approved", "unit_approved>returned",
		"returned>submitted", "returned>withdrawn",
		"legal_approved>in_production",
		"in_production>completed",
	}
	legal := []string{
		"submitted>legal_approved", "submitted>returned", "submitted>withdrawn",
		"returned>submitted", "returned>withdrawn",
		"legal_approved>completed",
	}
	allowed := map[AppKind][]string{
		AppNewCard:     card,
		AppReplacement: card,
		AppRenewal:     card,
		AppInspection: {
			"draft>submitted",
			"submitted>unit_approved", "submitted>returned", "submitted>withdrawn",
			"unit_approved>legal_approved", "unit_approved>returned",
			"returned>submitted", "returned>withdrawn",
			"legal_approved>completed", "legal_approved>stale",
		},
		AppCancellation: {
			"draft>submitted",
			"submitted>unit_approved", "submitted>returned", "submitted>withdrawn",
			"unit_approved>legal_approved", "unit_approved>returned",
			"returned>submitted", "returned>withdrawn",
			"legal_approved>completed",
		},
		AppSuspension: legal,
		AppRevocation: legal,
	}
	for _, kind := range append(slices.Clone(allAppKinds), "unknown") {
		for _, from := range allAppStates {
			var wantNext []AppState
			for _, to := range allAppStates {
				want := slices.Contains(allowed[kind], string(from)+">"+string(to))
				if want {
					wantNext = append(wantNext, to)
				}
				err := AppTransition(kind, from, to)
				if want != (err == nil) {
					t.Errorf("AppTransition(%s, %s, %s) = %v, want allowed=%v", kind, from, to, err, want)
				}
				if err != nil {
					var e *Error
					if !errors.As(err, &e) || e.Code != CodeRuleViolated ||
						!strings.Contains(e.Message, from.Label()) || !strings.Contains(e.Message, to.Label()) {
						t.Errorf("AppTransition(%s, %s, %s) error %v, want rule_violated naming both states", kind, from, to, err)
					}
				}
			}
			got := NextStates(kind, from)
			slices.Sort(got)
			slices.Sort(wantNext)
			if !slices.Equal(got, wantNext) {
				t.Errorf("NextStates(%s, %s) = %v, want %v", kind, from, got, wantNext)
			}
		}
		for _, terminal := range []AppState{AppCompleted, AppWithdrawn, AppStale} {
			if next := NextStates(kind, terminal); len(next) != 0 {
				t.Errorf("%s: terminal %s has exits %v", kind, terminal, next)
			}
		}
	}
}

func TestInitialAppState(t *testing.T) {
	for _, kind := range allAppKinds {
		want := AppDraft
		if kind == AppSuspension || kind == AppRevocation {
			want = AppSubmitted
		}
		if got := InitialAppState(kind); got != want {
			t.Errorf("InitialAppState(%s) = %s, want %s", kind, got, want)
		}
		// Every kind must be able to reach completion from where it starts.
		if !reaches(kind, InitialAppState(kind), AppCompleted) {
			t.Errorf("%s cannot reach completed", kind)
		}
	}
}

func reaches(kind AppKind, from, target AppState) bool {
	seen := map[AppState]bool{}
	queue := []AppState{from}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		if s == target {
			return true
		}
		if !seen[s] {
			seen[s] = true
			queue = append(queue, NextStates(kind, s)...)
		}
	}
	return false
}

func TestCertStateAfter(t *testing.T) {
	want := map[AppKind]CertState{
		AppNewCard:      CertActive,
		AppReplacement:  CertActive,
		AppRenewal:      CertActive,
		AppInspection:   CertActive,
		AppCancellation: CertCancelled,
		AppSuspension:   CertSuspended,
		AppRevocation:   CertRevoked,
	}
	for _, kind := range allAppKinds {
		got, ok := CertStateAfter(kind)
		if !ok || got != want[kind] {
			t.Errorf("CertStateAfter(%s) = %s, %v; want %s", kind, got, ok, want[kind])
		}
	}
	if _, ok := CertStateAfter("unknown"); ok {
		t.Error("CertStateAfter(unknown) reported ok")
	}
}

func TestLabels(t *testing.T) {
	certs := map[CertState]string{CertNone: "无证", CertPending: "待制证", CertActive: "有效", CertSuspended: "暂扣",
		CertRevoked: "吊销", CertCancelled: "注销", CertVoid: "作废"}
	for _, s := range allCertStates {
		if s.Label() != certs[s] {
			t.Errorf("%s.Label() = %q, want %q", s, s.Label(), certs[s])
		}
	}
	kinds := map[AppKind]string{AppNewCard: "办卡", AppReplacement: "补卡", AppRenewal: "换发", AppInspection: "年检",
		AppCancellation: "注销", AppSuspension: "暂扣", AppRevocation: "吊销"}
	for _, k := range allAppKinds {
		if k.Label() != kinds[k] {
			t.Errorf("%s.Label() = %q, want %q", k, k.Label(), kinds[k])
		}
	}
	states := map[AppState]string{AppDraft: "草稿", AppSubmitted: "待单位审核", AppUnitApproved: "待法制机构审核",
		AppLegalApproved: "审核通过", AppInProduction: "制证中", AppCompleted: "已完成", AppReturned: "已退回",
		AppWithdrawn: "已撤回", AppStale: "已过期"}
	for _, s := range allAppStates {
		if s.Label() != states[s] {
			t.Errorf("%s.Label() = %q, want %q", s, s.Label(), states[s])
		}
	}
	// Unknown values fall back to their code so messages still say something.
	if CertState("x").Label() != "x" || AppKind("y").Label() != "y" || AppState("z").Label() != "z" {
		t.Error("unknown values should label as themselves")
	}
}
