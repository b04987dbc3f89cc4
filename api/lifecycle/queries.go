package lifecycle

import (
	"context"

	"github.com/lecms/lecms/api/authz"
	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/store"
)

// List returns applications in the caller's jurisdiction: unit roles see
// their unit's, legal offices their subtree (SameLevel narrows to the
// units they approve: the approval queue).
func (s *Service) List(ctx context.Context, p domain.Principal, f domain.AppFilter) (domain.Page[domain.Application], error) {
	if err := s.scope(p, &f); err != nil {
		return domain.Page[domain.Application]{}, err
	}
	return s.Apps.List(ctx, f)
}

// Count counts what List would page through (the count a batch by filter
// must quote back).
func (s *Service) Count(ctx context.Context, p domain.Principal, f domain.AppFilter) (int, error) {
	if err := s.scope(p, &f); err != nil {
		return 0, err
	}
	ids, err := s.Apps.IDs(ctx, f, MaxBatch*5)
	return len(ids), err
}

func (s *Service) scope(p domain.Principal, f *domain.AppFilter) error {
	if f.Region == "" {
		f.Region = p.Scope
	} else if !p.Scope.Contains(f.Region) {
		return domain.Errorf(domain.CodeForbidden, "行政区划 %s 不在您的管辖范围内", f.Region)
	}
	if p.UnitID != 0 {
		if f.UnitID != 0 && f.UnitID != p.UnitID {
			return domain.Errorf(domain.CodeForbidden, "只能查看本单位的申请")
		}
		f.UnitID = p.UnitID
	}
	return nil
}

// OfficerLookup finds an officer within the caller's reach.
type OfficerLookup interface {
	GetOfficer(ctx context.Context, p domain.Principal, id int64) (domain.Officer, error)
}

// Timeline returns an officer's application history, if the caller may
// see the officer (else not found).
func (s *Service) Timeline(ctx context.Context, p domain.Principal, officers OfficerLookup, officerID int64) ([]domain.Step, error) {
	o, err := officers.GetOfficer(ctx, p, officerID)
	if err != nil {
		return nil, err
	}
	if !s.Authz.Can(p, "officer", authz.Read, authz.Target{Region: o.RegionCode, UnitID: o.UnitID}) {
		return nil, domain.Errorf(domain.CodeNotFound, "执法人员不存在")
	}
	steps, err := s.Apps.Timeline(ctx, officerID)
	if err != nil {
		return nil, err
	}
	if s.Transfers != nil {
		moves, err := s.Transfers.Transfers(ctx, officerID)
		if err != nil {
			return nil, err
		}
		steps = mergeTransfers(steps, moves)
	}
	if steps == nil {
		steps = []domain.Step{}
	}
	return steps, nil
}

// TransferHistory lists an officer's transfers (implemented by store.Officers).
type TransferHistory interface {
	Transfers(ctx context.Context, officerID int64) ([]store.Transfer, error)
}

// mergeTransfers inserts the transfers into the steps by time (both oldest
// first); a transfer and the renewal it opened share the instant, and the
// transfer comes first.
func mergeTransfers(steps []domain.Step, moves []store.Transfer) []domain.Step {
	if len(moves) == 0 {
		return steps
	}
	out := make([]domain.Step, 0, len(steps)+len(moves))
	i := 0
	for _, m := range moves {
		for i < len(steps) && steps[i].At.Before(m.At) {
			out = append(out, steps[i])
			i++
		}
		out = append(out, domain.Step{Kind: domain.AppKind(domain.TimelineTransfer), Step: "transfer", Decision: "transfer",
			ActorName: m.ActorName, Comment: m.Reason, At: m.At,
			Transfer: &domain.StepTransfer{FromUnitID: m.FromUnitID, FromUnitName: m.FromUnitName,
				ToUnitID: m.ToUnitID, ToUnitName: m.ToUnitName}})
	}
	return append(out, steps[i:]...)
}
