package records

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lecms/lecms/api/authz"
	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/identity"
	"github.com/lecms/lecms/api/store"
)

// Renewer plans what a transfer does to the officer's certificates
// (implemented by the lifecycle service): the unit is printed on the card,
// so every live certificate is renewed (换发) by an application opened for
// the new unit. It refuses (CodeRuleViolated, naming the rule) when the
// officer has an application in progress or a certificate that cannot be
// renewed (suspended, in production, overdue for inspection).
type Renewer interface {
	TransferRenewals(ctx context.Context, p domain.Principal, officerID int64, from, to domain.Unit, reason string) ([]store.NewApplication, error)
}

// TransferInput moves an officer to another unit (调动).
type TransferInput struct {
	UnitID  int64  `json:"unit_id" validate:"required" minimum:"1" example:"17"`                     // the new unit
	Reason  string `json:"reason" validate:"required" maxLength:"500" example:"工作调动（济人社字〔2026〕12号）"` // 调动原因, e.g. the appointment order
	Version int    `json:"version" validate:"required" minimum:"1" example:"3"`                      // the officer record's version the user saw
	Area    string `json:"area,omitempty" maxLength:"64" example:"济南市"`                              // new 执法区域 (printed); empty keeps the current one
}

// TransferResult is a recorded transfer.
type TransferResult struct {
	ID           int64             `json:"id" validate:"required"`
	OfficerID    int64             `json:"officer_id" validate:"required"`
	FromUnitID   int64             `json:"from_unit_id" validate:"required"`
	FromUnitName string            `json:"from_unit_name" validate:"required" example:"济南市历下区城市管理局"`
	ToUnitID     int64             `json:"to_unit_id" validate:"required"`
	ToUnitName   string            `json:"to_unit_name" validate:"required" example:"济南市市场监督管理局"`
	ToRegion     domain.RegionCode `json:"to_region_code" validate:"required" example:"370100"`
	Reason       string            `json:"reason" validate:"required"`
	ActorName    string            `json:"actor_name" validate:"required"`
	At           time.Time         `json:"at" validate:"required"`
	// RenewalIDs are the renewal (换发) applications opened for the new
	// unit, one per live certificate; empty when the officer holds none.
	RenewalIDs []int64 `json:"renewal_application_ids" validate:"required"`
}

// TransferOfficer moves officer id to another unit. The caller's
// jurisdiction must cover both the old and the new unit (legal offices
// and administrators of a region containing both). Refused while an
// application is in progress; a live certificate is renewed through a
// renewal application opened for the new unit (the unit is printed on the
// card). Recorded in the officer's history and audited.
func (s *Service) TransferOfficer(ctx context.Context, p domain.Principal, id int64, in TransferInput, c identity.Client) (TransferResult, error) {
	const action = "officer.transfer"
	in.Reason, in.Area = strings.TrimSpace(in.Reason), strings.TrimSpace(in.Area)
	var v domain.Validation
	if in.UnitID <= 0 {
		v.Add("unit_id", "required", "请选择调入单位")
	}
	switch n := utf8.RuneCountInString(in.Reason); {
	case n == 0:
		v.Add("reason", "required", "请填写调动原因")
	case n > 500:
		v.Add("reason", "max_length", "调动原因最多500个字")
	}
	if in.Version < 1 {
		v.Add("version", "required", "缺少档案版本号（version），请刷新后重试")
	}
	if utf8.RuneCountInString(in.Area) > 64 {
		v.Add("area", "max_length", "执法区域最多64个字")
	}
	if err := v.Err(); err != nil {
		return TransferResult{}, err
	}
	r, err := s.Officers.Record(ctx, id)
	if err == nil && !s.Authz.Can(p, "officer", authz.Read, officerTarget(r)) {
		err = domain.Errorf(domain.CodeNotFound, "执法人员不存在")
	}
	if err == nil && !s.Authz.Can(p, "officer", "transfer", officerTarget(r)) {
		err = domain.Errorf(domain.CodeForbidden, "您无权调动该执法人员（调出单位不在您的管辖范围内）")
	}
	if err != nil {
		return TransferResult{}, s.record(ctx, p, c, action, "officer", id, "", err, nil)
	}
	detail := map[string]any{"code": r.Code, "from_unit_id": r.UnitID, "to_unit_id": in.UnitID, "reason": in.Reason}
	fail := func(err error) (TransferResult, error) {
		return TransferResult{}, s.record(ctx, p, c, action, "officer", id, r.RegionCode, err, detail)
	}
	to, err := s.Units.Get(ctx, in.UnitID)
	if domain.ErrorCode(err) == domain.CodeNotFound {
		return TransferResult{}, domain.Invalid(domain.FieldError{Field: "unit_id", Rule: "exists", Message: "调入单位不存在"})
	}
	if err != nil {
		return fail(err)
	}
	switch {
	case !s.Authz.Can(p, "officer", "transfer", authz.Target{Region: to.RegionCode, UnitID: to.ID}):
		return fail(&domain.Error{Code: domain.CodeForbidden, Message: "调入单位 " + to.Name + " 不在您的管辖范围内",
			Fields: []domain.FieldError{{Field: "unit_id", Rule: "jurisdiction", Message: "调入单位不在您的管辖范围内"}}})
	case to.ID == r.UnitID:
		return TransferResult{}, domain.Invalid(domain.FieldError{Field: "unit_id", Rule: "same_unit", Message: "调入单位与现所在单位相同"})
	case to.Dissolved:
		return fail(&domain.Error{Code: domain.CodeRuleViolated, Message: "单位 " + to.Name + " 已撤销，不能调入",
			Fields: []domain.FieldError{{Field: "unit_id", Rule: "dissolved", Message: "调入单位已撤销"}}})
	case s.Renew == nil || s.Apps == nil:
		return fail(domain.Errorf(domain.CodeUnavailable, "调动功能未启用"))
	}
	from, err := s.Units.Get(ctx, r.UnitID)
	if err != nil {
		return fail(err)
	}
	renewals, err := s.Renew.TransferRenewals(ctx, p, id, from, to, in.Reason)
	if err != nil {
		return fail(err)
	}
	t, err := s.Officers.Transfer(ctx, store.TransferPlan{OfficerID: id, Version: in.Version, ToUnitID: to.ID, Area: in.Area,
		ActorID: p.UserID, ActorName: p.Username, Reason: in.Reason, Renewals: renewals}, s.Now().UTC())
	if err != nil {
		return fail(err)
	}
	detail["from_unit_name"], detail["to_unit_name"], detail["renewal_application_ids"] = t.FromUnitName, t.ToUnitName, t.RenewalIDs
	if in.Area != "" && in.Area != r.Area {
		detail["area_changed"] = true
	}
	// The move belongs to both regions: the old office sees it leave, the
	// new one sees it arrive (and its renewal application).
	if err := s.record(ctx, p, c, action, "officer", id, r.RegionCode, nil, detail); err != nil {
		return TransferResult{}, err
	}
	if to.RegionCode != r.RegionCode {
		if err := s.record(ctx, p, c, action, "officer", id, to.RegionCode, nil, detail); err != nil {
			return TransferResult{}, err
		}
	}
	for _, appID := range t.RenewalIDs {
		if err := s.record(ctx, p, c, "application.create", "application", appID, to.RegionCode, nil,
			map[string]any{"kind": domain.AppRenewal, "officer_id": id, "transfer_id": t.ID}); err != nil {
			return TransferResult{}, err
		}
	}
	out := TransferResult{ID: t.ID, OfficerID: id, FromUnitID: t.FromUnitID, FromUnitName: t.FromUnitName, ToUnitID: t.ToUnitID,
		ToUnitName: t.ToUnitName, ToRegion: t.ToRegion, Reason: t.Reason, ActorName: t.ActorName, At: t.At, RenewalIDs: t.RenewalIDs}
	if out.RenewalIDs == nil {
		out.RenewalIDs = []int64{}
	}
	return out, nil
}
