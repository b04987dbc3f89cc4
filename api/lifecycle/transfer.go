package lifecycle

import (
	"context"
	"strings"

	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/store"
)

// TransferRenewals plans the renewals (换发) a transfer (调动) of officer
// officerID from unit from to unit to opens: one per live certificate,
// since the unit is printed on the card. They start at the new unit's
// stamp (submitted) with the transferring user as applicant, and then pass
// the new unit's legal office like any renewal; the new card gets a number
// of the new unit's region. Refused (CodeRuleViolated, each reason a
// field error on "officer") when an application is in progress or a
// certificate cannot be renewed: suspended (settle the suspension first),
// pending (in production), or overdue for inspection (rule 5: it can only
// be cancelled).
func (s *Service) TransferRenewals(ctx context.Context, p domain.Principal, officerID int64, from, to domain.Unit, reason string) ([]store.NewApplication, error) {
	lp, err := s.Policies.Lifecycle(ctx)
	if err != nil {
		return nil, err
	}
	today := s.today()
	var apps []store.NewApplication
	var refusals []domain.FieldError
	refuse := func(rule, msg string) {
		refusals = append(refusals, domain.FieldError{Field: "officer", Rule: rule, Message: msg})
	}
	found := false
	for _, t := range lp.CertTypes {
		cands, err := s.Apps.Candidates(ctx, []int64{officerID}, t.Type)
		if err != nil {
			return nil, err
		}
		c, ok := cands[officerID]
		if !ok {
			continue
		}
		found = true
		if c.OpenApp {
			refuse("open_application", "有未办结的申请，须办结或撤回后才能调动")
			break
		}
		if c.Cert == nil {
			continue
		}
		label := t.Label
		switch c.Cert.State {
		case domain.CertActive:
			if c.Cert.NextDueOn != nil && today.After(*c.Cert.NextDueOn) {
				refuse("overdue", label+"已超过年检期限（"+c.Cert.NextDueOn.String()+"），只能注销后重新申请，请先注销证件再调动")
				continue
			}
			certID := c.Cert.ID
			apps = append(apps, store.NewApplication{Kind: domain.AppRenewal, State: domain.AppSubmitted, OfficerID: officerID,
				CertificateID: &certID, CertType: t.Type, UnitID: to.ID, RegionCode: to.RegionCode, ApplicantID: p.UserID,
				ApplicantName: p.Username, Reason: renewalReason(from.Name, to.Name, reason)})
		case domain.CertSuspended:
			refuse("cert_suspended", label+"处于暂扣状态，须先处理暂扣（吊销或注销）后再调动")
		case domain.CertPending:
			refuse("cert_pending", label+"正在制作中，须制证发放后再调动")
		}
	}
	if !found {
		return nil, domain.Errorf(domain.CodeNotFound, "执法人员不存在")
	}
	if len(refusals) > 0 {
		msgs := make([]string, len(refusals))
		for i, r := range refusals {
			msgs[i] = r.Message
		}
		return nil, &domain.Error{Code: domain.CodeRuleViolated, Message: "不能调动：" + strings.Join(msgs, "；"), Fields: refusals}
	}
	return apps, nil
}

// renewalReason is the renewal application's reason: where from, where to
// and why, within the application's 500 characters.
func renewalReason(from, to, reason string) string {
	r := []rune("调动换发：由" + from + "调入" + to + "（" + reason + "）")
	if len(r) > 500 {
		r = append(r[:499], '…')
	}
	return string(r)
}
