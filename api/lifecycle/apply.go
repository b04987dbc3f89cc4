package lifecycle

import (
	"context"
	"strings"

	"github.com/lecms/lecms/api/authz"
	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/store"
)

// VoidNotice is the public notice that declares a lost card void
// (登报声明作废): where and when it was published.
type VoidNotice struct {
	Newspaper   string      `json:"newspaper" example:"大众日报"`
	PublishedOn domain.Date `json:"published_on" swaggertype:"string" format:"date" example:"2026-11-20"`
}

// ApplyRequest asks for applications of one kind for several officers:
// explicit ids, or a filter with the count the user saw.
type ApplyRequest struct {
	Kind          domain.AppKind        `json:"kind" validate:"required" enums:"new_card,replacement,renewal,inspection,cancellation,suspension,revocation"`
	CertType      domain.CertType       `json:"cert_type" enums:"law_enforcement,supervision"`
	OfficerIDs    []int64               `json:"officer_ids"`
	Filter        *domain.OfficerFilter `json:"-"`
	ExpectedCount int                   `json:"expected_count"`
	Round         int                   `json:"round" example:"2024"` // inspections: 年检年度, required
	Reason        string                `json:"reason" maxLength:"500"`
	Loss          string                `json:"loss" enums:"lost,damaged"` // replacements
	VoidNotice    *VoidNotice           `json:"void_notice"`
}

// Apply creates the applications, all or none. Unit operators apply for
// their unit's officers; legal offices suspend or revoke at their level.
func (s *Service) Apply(ctx context.Context, p domain.Principal, req ApplyRequest) (BatchResult, error) {
	today := s.today()
	insp, err := s.Policies.Inspection(ctx)
	if err != nil {
		return BatchResult{}, err
	}
	lp, err := s.Policies.Lifecycle(ctx)
	if err != nil {
		return BatchResult{}, err
	}
	if req.CertType == "" {
		req.CertType = domain.CertLawEnforcement
	}
	if err := validateApply(req, lp); err != nil {
		return BatchResult{}, err
	}
	ids, err := s.selectOfficers(ctx, p, req)
	if err != nil {
		return BatchResult{}, err
	}
	cands, err := s.Apps.Candidates(ctx, ids, req.CertType)
	if err != nil {
		return BatchResult{}, err
	}
	legal := req.Kind == domain.AppSuspension || req.Kind == domain.AppRevocation
	var refusals []domain.Refusal
	var apps []store.NewApplication
	for _, id := range ids {
		c, ok := cands[id]
		if !ok {
			refusals = append(refusals, domain.Refusal{OfficerID: id, Rule: "exists", Message: "执法人员不存在"})
			continue
		}
		region := c.Region
		act, obj := "create", "application"
		if legal {
			act, obj = "suspend", "certificate"
		}
		if !s.Authz.Can(p, obj, act, authz.Target{Region: region, UnitID: c.UnitID}) {
			refusals = append(refusals, domain.Refusal{OfficerID: id, Rule: "jurisdiction", Message: c.Name + "：不在您的管辖范围内"})
			continue
		}
		if r := domain.CheckApply(req.Kind, c, today, req.Round, insp); r != nil {
			refusals = append(refusals, *r)
			continue
		}
		// OfficerVersion lets the store refuse the batch if the record
		// changes (an edit of a printed field, a transfer) between these
		// gates and the insert.
		a := store.NewApplication{Kind: req.Kind, State: domain.AppSubmitted, OfficerID: id, CertType: req.CertType,
			UnitID: c.UnitID, RegionCode: region, ApplicantID: p.UserID, ApplicantName: p.Username, Reason: strings.TrimSpace(req.Reason),
			OfficerVersion: c.Version}
		if c.Cert != nil && req.Kind != domain.AppNewCard {
			a.CertificateID = &c.Cert.ID
		}
		if req.Kind == domain.AppInspection {
			a.RoundYear, a.RoundDueOn = req.Round, c.Cert.NextDueOn
		}
		if req.Kind == domain.AppReplacement {
			a.Payload = map[string]any{"loss": req.Loss}
			if req.VoidNotice != nil {
				a.Payload["void_notice"] = req.VoidNotice
			}
		}
		apps = append(apps, a)
	}
	if len(refusals) > 0 {
		return BatchResult{}, refused(refusalCode(refusals), "申请未提交", officerField, refusals)
	}
	created, err := s.Apps.Create(ctx, apps, s.Now().UTC())
	if err != nil {
		return BatchResult{}, err
	}
	if err := s.audit(ctx, p, "application.create", created, map[string]any{"kind": req.Kind}); err != nil {
		return BatchResult{}, err
	}
	if legal { // a legal office's suspension or revocation takes effect at once
		return s.Decide(ctx, p, DecideRequest{Action: ActionApproveLegal, IDs: created, Comment: req.Reason})
	}
	return BatchResult{Count: len(created), IDs: created}, nil
}

func validateApply(req ApplyRequest, lp domain.LifecyclePolicy) error {
	var v domain.Validation
	switch req.Kind {
	case domain.AppNewCard, domain.AppReplacement, domain.AppRenewal, domain.AppInspection, domain.AppCancellation,
		domain.AppSuspension, domain.AppRevocation:
	default:
		v.Add("kind", "enum", "申请类型无效")
	}
	if _, ok := lp.TypeInfo(req.CertType); !ok {
		v.Add("cert_type", "enum", "证件类型无效")
	}
	if len(req.OfficerIDs) == 0 && req.Filter == nil {
		v.Add("officer_ids", "required", "请选择执法人员")
	}
	if len(req.OfficerIDs) > MaxBatch {
		v.Add("officer_ids", "max_items", "一次最多处理 20000 人")
	}
	if len([]rune(req.Reason)) > 500 {
		v.Add("reason", "max_length", "理由最多 500 字")
	}
	switch req.Kind {
	case domain.AppInspection:
		if req.Round < 1990 || req.Round > 2100 {
			v.Add("round", "required", "请填写年检年度（上次年检的年份），以免误将不属于本轮的人员提交年检")
		}
	case domain.AppCancellation:
		if !lp.ValidCancelReason(req.Reason) {
			v.Add("reason", "enum", "请从规定的注销原因中选择："+strings.Join(lp.CancelReasons, "、"))
		}
	case domain.AppReplacement:
		switch req.Loss {
		case "lost":
			if req.VoidNotice == nil || strings.TrimSpace(req.VoidNotice.Newspaper) == "" || req.VoidNotice.PublishedOn.IsZero() {
				v.Add("void_notice", "required", "遗失补卡须填写登报声明作废的报刊名称和刊登日期")
			}
		case "damaged":
		default:
			v.Add("loss", "enum", "请选择补卡原因：遗失或损坏")
		}
	case domain.AppSuspension, domain.AppRevocation, domain.AppRenewal:
		if strings.TrimSpace(req.Reason) == "" {
			v.Add("reason", "required", "请填写理由")
		}
	}
	return v.Err()
}

// selectOfficers resolves explicit ids (deduplicated) or a filter checked
// against the count the user saw.
func (s *Service) selectOfficers(ctx context.Context, p domain.Principal, req ApplyRequest) ([]int64, error) {
	if req.Filter == nil {
		return uniqueIDs(req.OfficerIDs), nil
	}
	q := store.OfficerQuery{Region: p.Scope, UnitID: p.UnitID, CertState: req.Filter.CertState, Year: req.Filter.Year,
		NamePrefix: req.Filter.Name, OfficerCode: req.Filter.OfficerCode, CertNo: req.Filter.CertNo}
	if req.Filter.UnitID != 0 {
		q.UnitID = req.Filter.UnitID
	}
	ids, err := s.Officers.IDs(ctx, q, MaxBatch)
	if err != nil {
		return nil, err
	}
	return ids, checkCount(len(ids), req.ExpectedCount)
}
