package lifecycle

import (
	"context"

	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/store"
)

// DissolvedReason is the cancellation reason used when a unit is dissolved.
const DissolvedReason = "单位撤销"

// StartCancellations opens a cancellation (注销) for every live certificate
// of a dissolved unit's officers. The unit no longer exists to stamp them,
// so they start at the legal office's step (unit_approved) with the
// person who dissolved the unit as applicant. Idempotent: officers with an
// application under way are skipped. Returns how many it opened.
func (s *Service) StartCancellations(ctx context.Context, p domain.Principal, unitID int64, reason string) (int, error) {
	if reason == "" {
		reason = DissolvedReason
	}
	var ids []int64
	for _, st := range []domain.CertState{domain.CertActive, domain.CertSuspended} {
		part, err := s.Officers.IDs(ctx, store.OfficerQuery{UnitID: unitID, CertState: st}, MaxBatch*10)
		if err != nil {
			return 0, err
		}
		ids = append(ids, part...)
	}
	var apps []store.NewApplication
	lp, err := s.Policies.Lifecycle(ctx)
	if err != nil {
		return 0, err
	}
	for _, t := range lp.CertTypes {
		cands, err := s.Apps.Candidates(ctx, ids, t.Type)
		if err != nil {
			return 0, err
		}
		for _, id := range ids {
			c, ok := cands[id]
			if !ok || c.OpenApp || c.Cert == nil || (c.Cert.State != domain.CertActive && c.Cert.State != domain.CertSuspended) {
				continue
			}
			certID := c.Cert.ID
			apps = append(apps, store.NewApplication{Kind: domain.AppCancellation, State: domain.AppUnitApproved, OfficerID: id,
				CertificateID: &certID, CertType: t.Type, UnitID: c.UnitID, RegionCode: c.Region, ApplicantID: p.UserID,
				ApplicantName: p.Username, Reason: reason, OfficerVersion: c.Version})
		}
	}
	if len(apps) == 0 {
		return 0, nil
	}
	created, err := s.Apps.Create(ctx, apps, s.Now().UTC())
	if err != nil {
		return 0, err
	}
	return len(created), s.audit(ctx, p, "application.create", created, map[string]any{"kind": domain.AppCancellation, "reason": reason})
}
