package audit

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/store"
)

// MinRetentionDays is the legal floor: MLPS level 3 keeps audit records
// at least six months. The database guards enforce the same floor.
const MinRetentionDays = store.MinAuditRetentionDays

// PolicyKey is the settings key of the audit policy.
const PolicyKey = "audit_policy"

// Policy is the configurable part of the audit rules.
type Policy struct {
	RetentionDays int `json:"retention_days"` // never below MinRetentionDays
}

// Policy returns the audit policy in force: the setting, raised to the
// legal floor if it is set lower (keeping longer is always allowed).
func (t *Trail) Policy(ctx context.Context) (Policy, error) {
	p := Policy{RetentionDays: MinRetentionDays}
	if t.settings != nil {
		if _, err := t.settings.Get(ctx, PolicyKey, &p); err != nil {
			return p, err
		}
	}
	p.RetentionDays = max(p.RetentionDays, MinRetentionDays)
	return p, nil
}

// PruneResult says what a prune removed.
type PruneResult struct {
	Before   domain.Date // events stamped before this day (local calendar) were eligible
	Removed  int64
	AnchorID int64 // the chain now starts after this id
}

// pruneBatch bounds each prune transaction, so appends wait at most one
// batch for the chain lock.
const pruneBatch = 1000

// Prune removes the events recorded before the start of day before (in the
// trail's time zone), oldest first. It refuses a day inside the retention
// period and a chain that does not verify (pruning would erase the
// evidence), and records its own run in the trail, refusals included.
// actor names the operator for that record.
func (t *Trail) Prune(ctx context.Context, before domain.Date, actor string) (PruneResult, error) {
	res := PruneResult{Before: before}
	pol, err := t.Policy(ctx)
	if err != nil {
		return res, err
	}
	today := domain.DateOf(t.now().In(t.loc))
	latest := today.AddDays(-pol.RetentionDays)
	ev := domain.AuditEvent{ActorName: actor, Action: "audit.prune", TargetType: "audit_trail", Result: domain.AuditDenied,
		Detail: map[string]any{"before": before.String(), "retention_days": pol.RetentionDays}}
	if before.IsZero() || before.After(latest) {
		err := domain.Errorf(domain.CodeRuleViolated, "审计日志至少保留 %d 天：只能清理 %s（含）之前的记录，%s 在保留期内",
			pol.RetentionDays, latest, before)
		return res, errors.Join(err, t.Record(ctx, ev))
	}
	rep, err := t.Verify(ctx)
	if err != nil {
		return res, err
	}
	if !rep.OK() {
		ev.Detail["broken_at"] = rep.Break.ID
		err := domain.Errorf(domain.CodeConflict, "审计链校验未通过（%s），拒绝清理：请先调查", rep.Break.Message)
		return res, errors.Join(err, t.Record(ctx, ev))
	}
	cutoff := time.Date(before.Year(), before.Month(), before.Day(), 0, 0, 0, 0, t.loc)
	for {
		n, err := t.log.PruneBatch(ctx, cutoff, pruneBatch)
		if err != nil {
			return res, fmt.Errorf("prune audit trail after %d events: %w", res.Removed, err)
		}
		if n == 0 {
			break
		}
		res.Removed += n
	}
	head, err := t.log.Head(ctx)
	if err != nil {
		return res, err
	}
	res.AnchorID = head.AnchorID
	ev.Result = domain.AuditSuccess
	ev.Detail["removed"] = res.Removed
	ev.Detail["anchor_id"] = res.AnchorID
	return res, t.Record(ctx, ev)
}
