// Package issuance runs production and the chip: city offices report their
// approved card applications to the province (报省法制办), the provincial
// card issuer (制证员) makes production batches and writes each card's chip
// under a write ticket the server signs, confirmed by a receipt the card
// agent signs; inspections get steps 4 and 5 (同步年检, 更换有效期标签).
// Every change is audited and recorded on the application's timeline.
package issuance

import (
	"context"
	"errors"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/lecms/lecms/api/authz"
	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/lifecycle"
	"github.com/lecms/lecms/api/store"
	"github.com/lecms/lecms/cardagent/sigalg"
)

// MaxBatch bounds a report or a production batch.
const MaxBatch = 5000

// SettingsReader reads configurable settings (the agent version).
type SettingsReader interface {
	Get(ctx context.Context, key string, v any) (bool, error)
}

// Deps are the service's collaborators.
type Deps struct {
	Store    *store.Issuance
	Apps     *store.Applications
	Authz    *authz.Enforcer
	Policies lifecycle.Policies
	Settings SettingsReader
	Audit    domain.Auditor
	Keys     *Keys
	Now      func() time.Time
	Loc      *time.Location // the province's civil time, for "today"
}

// Service implements production and chip writing.
type Service struct {
	Deps
	devices sync.Map // device key id → sigalg.Verifier (parsed once)

	pruneMu   sync.Mutex
	nextPrune time.Time
}

func New(d Deps) *Service {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Loc == nil {
		d.Loc = time.UTC
	}
	return &Service{Deps: d}
}

func (s *Service) today() domain.Date { return domain.DateOf(s.Now().In(s.Loc)) }

func actor(p domain.Principal) store.Actor { return store.Actor{ID: p.UserID, Name: p.Username} }

// audit records one event; a failing audit fails the request (an action
// that cannot be audited must not pass silently).
func (s *Service) audit(ctx context.Context, p domain.Principal, action, targetType string, targetID int64, result string, detail map[string]any) error {
	if s.Audit == nil {
		return nil
	}
	if err := s.Audit.Record(ctx, domain.AuditEvent{At: s.Now().UTC(), ActorID: p.UserID, ActorName: p.Username,
		Role: string(p.Role), Scope: p.Scope, Action: action, TargetType: targetType, TargetID: strconv.FormatInt(targetID, 10),
		Result: result, Detail: detail}); err != nil {
		return domain.Internal(err)
	}
	return nil
}

func (s *Service) auditMany(ctx context.Context, p domain.Principal, action string, ids []int64, detail map[string]any) error {
	for _, id := range ids {
		if err := s.audit(ctx, p, action, "application", id, domain.AuditSuccess, detail); err != nil {
			return err
		}
	}
	return nil
}

// refusal builds the error naming one broken rule: the rule is the stable
// code clients switch on.
func refusal(code domain.Code, field, rule, msg string) error {
	return &domain.Error{Code: code, Message: msg, Fields: []domain.FieldError{{Field: field, Rule: rule, Message: msg}}}
}

// refusedAll lists every refused item of a batch (all or none).
func refusedAll(msg string, rs []domain.Refusal) error {
	sort.Slice(rs, func(i, j int) bool { return rs[i].OfficerID < rs[j].OfficerID })
	code := domain.CodeRuleViolated
	allForbidden := true
	for _, r := range rs {
		allForbidden = allForbidden && (r.Rule == "jurisdiction" || r.Rule == "exists")
	}
	if allForbidden {
		code = domain.CodeForbidden
	}
	e := &domain.Error{Code: code, Message: msg + "：" + strconv.Itoa(len(rs)) + " 项不符合条件，本批次未做任何更改"}
	for _, r := range rs {
		e.Fields = append(e.Fields, domain.FieldError{Field: "applications/" + strconv.FormatInt(r.OfficerID, 10), Rule: r.Rule, Message: r.Message})
	}
	return e
}

func conflictOnStale(err error) error {
	if store.IsStale(err) || errors.Is(err, store.ErrStale) {
		return domain.Errorf(domain.CodeConflict, "申请已被他人处理或状态已变化，请刷新后重试")
	}
	return err
}

func dedupe(ids []int64) []int64 {
	seen := make(map[int64]bool, len(ids))
	out := make([]int64, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

func isCardKind(k domain.AppKind) bool {
	return k == domain.AppNewCard || k == domain.AppReplacement || k == domain.AppRenewal
}

// deviceKey returns the parsed public key of a registered agent.
func (s *Service) deviceKey(a store.CardAgent) (sigalg.Verifier, error) {
	if v, ok := s.devices.Load(a.KeyID); ok {
		return v.(sigalg.Verifier), nil
	}
	v, err := sigalg.ParsePublicKey(a.PublicKey)
	if err != nil {
		return nil, domain.Internal(err)
	}
	s.devices.Store(a.KeyID, v)
	return v, nil
}

// pruneNonces forgets expired receipt nonces at most every ten minutes.
func (s *Service) pruneNonces(ctx context.Context) {
	now := s.Now()
	s.pruneMu.Lock()
	due := !now.Before(s.nextPrune)
	if due {
		s.nextPrune = now.Add(10 * time.Minute)
	}
	s.pruneMu.Unlock()
	if due {
		_, _ = s.Store.PruneNonces(ctx, now.Add(-time.Hour))
	}
}
