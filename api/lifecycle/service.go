// Package lifecycle runs the certificate workflow: applications for a new
// card, replacement, renewal, inspection and cancellation (and suspension
// or revocation by legal offices), their two approvals, and what each
// approval does to certificates. Batches apply to all items or none; a
// refusal names every offending item and its reason.
package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/lecms/lecms/api/authz"
	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/store"
)

// MaxBatch bounds one batch request.
const MaxBatch = 20000

// Policies supplies the configurable rules.
type Policies interface {
	Inspection(ctx context.Context) (domain.InspectionPolicy, error)
	Lifecycle(ctx context.Context) (domain.LifecyclePolicy, error)
}

// OfficerIDs resolves an officer filter to ids (for batches by filter).
type OfficerIDs interface {
	IDs(ctx context.Context, q store.OfficerQuery, max int) ([]int64, error)
}

// Deps are the service's collaborators.
type Deps struct {
	Apps     *store.Applications
	Officers OfficerIDs
	Authz    *authz.Enforcer
	Policies Policies
	Audit    domain.Auditor
	// Transfers adds the officer's moves between units to the timeline
	// (nil: applications only).
	Transfers TransferHistory
	Now       func() time.Time
	Loc       *time.Location // the province's civil time, for "today"
}

// Service implements the workflow.
type Service struct{ Deps }

func New(d Deps) *Service { return &Service{d} }

func (s *Service) today() domain.Date { return domain.DateOf(s.Now().In(s.Loc)) }

// BatchResult reports a batch that went through.
type BatchResult struct {
	Count int     `json:"count" validate:"required" example:"12"`
	IDs   []int64 `json:"ids" validate:"required"`
}

// refused turns per-item refusals into one error listing all of them.
func refused(code domain.Code, msg string, field func(id int64) string, rs []domain.Refusal) error {
	sort.Slice(rs, func(i, j int) bool { return rs[i].OfficerID < rs[j].OfficerID })
	e := &domain.Error{Code: code, Message: fmt.Sprintf("%s：%d 项不符合条件，本批次未做任何更改", msg, len(rs))}
	for _, r := range rs {
		e.Fields = append(e.Fields, domain.FieldError{Field: field(r.OfficerID), Rule: r.Rule, Message: r.Message})
	}
	return e
}

// uniqueIDs drops repeated ids, keeping the first-seen order (a batch
// naming an item twice acts on it once).
func uniqueIDs(in []int64) []int64 {
	seen := make(map[int64]bool, len(in))
	out := make([]int64, 0, len(in))
	for _, id := range in {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

func officerField(id int64) string { return "officers/" + strconv.FormatInt(id, 10) }
func appField(id int64) string     { return "applications/" + strconv.FormatInt(id, 10) }

// checkCount implements "a filter with the count the user saw": if the
// selection changed since, the batch is refused rather than acting on rows
// the user never saw.
func checkCount(got, expected int) error {
	if got != expected {
		return &domain.Error{Code: domain.CodeConflict,
			Message: fmt.Sprintf("筛选结果已变化（您看到 %d 条，现在为 %d 条），请刷新后重新操作", expected, got),
			Fields:  []domain.FieldError{{Field: "expected_count", Rule: "changed", Message: "筛选结果已变化"}}}
	}
	return nil
}

func (s *Service) audit(ctx context.Context, p domain.Principal, action string, ids []int64, detail map[string]any) error {
	if s.Audit == nil {
		return nil
	}
	for _, id := range ids {
		if err := s.Audit.Record(ctx, domain.AuditEvent{At: s.Now().UTC(), ActorID: p.UserID, ActorName: p.Username,
			Role: string(p.Role), Scope: p.Scope, Action: action, TargetType: "application",
			TargetID: strconv.FormatInt(id, 10), Result: domain.AuditSuccess, Detail: detail}); err != nil {
			return domain.Internal(err)
		}
	}
	return nil
}

func stale(err error) error {
	if errors.Is(err, store.ErrStale) {
		return domain.Errorf(domain.CodeConflict, "申请已被他人处理，请刷新后重试")
	}
	return err
}
