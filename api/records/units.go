package records

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/lecms/lecms/api/authz"
	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/identity"
	"github.com/lecms/lecms/api/store"
)

// UnitInput is a unit as the 单位管理 form sends it, for creating and
// editing alike. The level is derived from the region.
type UnitInput struct {
	Code       string            `json:"code" validate:"required" example:"A00001" minLength:"6" maxLength:"6"`
	Name       string            `json:"name" validate:"required" example:"济南市市场监督管理局" maxLength:"128"`
	RegionCode domain.RegionCode `json:"region_code" validate:"required" example:"370100" minLength:"6" maxLength:"6"`
	CreditCode string            `json:"credit_code,omitempty" example:"11370100MB1234567C" maxLength:"18"` // 统一社会信用代码 (GB 32100)
	Contact    string            `json:"contact,omitempty" example:"王芳" maxLength:"64"`
	Phone      string            `json:"phone,omitempty" example:"0531-86012345" maxLength:"32"`
}

// Dissolution asks to dissolve (撤销) a unit.
type Dissolution struct {
	Reason string `json:"reason" validate:"required" example:"机构改革，职能并入济南市城市管理局" maxLength:"256"`
}

// Dissolved reports a dissolution.
type Dissolved struct {
	Unit domain.Unit `json:"unit" validate:"required"`
	// CancellationsStarted counts the certificate cancellations (注销)
	// this call started; a retried call starts only those still missing.
	CancellationsStarted int `json:"cancellations_started" validate:"required" example:"12"`
}

// validate normalises a unit form and names every bad field.
func (in UnitInput) validate() (store.NewUnit, error) {
	u := store.NewUnit{Code: strings.ToUpper(strings.TrimSpace(in.Code)), Name: strings.TrimSpace(in.Name),
		RegionCode: in.RegionCode, Contact: strings.TrimSpace(in.Contact), Phone: strings.TrimSpace(in.Phone)}
	var v domain.Validation
	if !store.ValidUnitCode(u.Code) {
		v.Add("code", "format", "单位编码应为6位大写字母或数字（如 A00001）")
	}
	switch n := utf8.RuneCountInString(u.Name); {
	case n == 0:
		v.Add("name", "required", "单位名称不能为空")
	case n > 128:
		v.Add("name", "max_length", "单位名称最多128个字")
	}
	if _, err := domain.ParseRegionCode(string(in.RegionCode)); err != nil {
		v.Add("region_code", "region_code", "行政区划代码应为6位数字（如 370102）")
	}
	if strings.TrimSpace(in.CreditCode) != "" {
		cc, err := ParseCreditCode("credit_code", in.CreditCode)
		if err != nil {
			f := err.(*domain.Error).Fields[0]
			v.Add(f.Field, f.Rule, f.Message)
		}
		u.CreditCode = cc
	}
	if utf8.RuneCountInString(u.Contact) > 64 {
		v.Add("contact", "max_length", "联系人最多64个字")
	}
	if len(u.Phone) > 32 || strings.Trim(u.Phone, "0123456789-+() ") != "" {
		v.Add("phone", "format", "联系电话只能包含数字、空格和 + - ( )，最多32位")
	}
	return u, v.Err()
}

// unitRegion checks that a region lies in p's unit-writing jurisdiction
// and exists.
func (s *Service) unitRegion(ctx context.Context, p domain.Principal, code domain.RegionCode) error {
	if !s.Authz.Can(p, "unit", authz.Write, authz.Target{Region: code}) {
		return domain.Errorf(domain.CodeForbidden, "行政区划 %s 不在您的管辖范围内", code)
	}
	if _, err := s.Regions.Get(ctx, code); err != nil {
		if domain.ErrorCode(err) == domain.CodeNotFound {
			return domain.Invalid(domain.FieldError{Field: "region_code", Rule: "exists", Message: "行政区划 " + string(code) + " 不存在"})
		}
		return err
	}
	return nil
}

// visibleUnit loads unit id if p may read it; otherwise it is not found.
func (s *Service) visibleUnit(ctx context.Context, p domain.Principal, id int64) (domain.Unit, error) {
	u, err := s.Units.Get(ctx, id)
	if err != nil {
		return u, err
	}
	if !s.Authz.Can(p, "unit", authz.Read, authz.Target{Region: u.RegionCode, UnitID: u.ID}) {
		return domain.Unit{}, domain.Errorf(domain.CodeNotFound, "执法单位不存在")
	}
	return u, nil
}

// writableUnit loads unit id for a write by p (not found outside p's view,
// forbidden when visible but not writable).
func (s *Service) writableUnit(ctx context.Context, p domain.Principal, id int64) (domain.Unit, error) {
	u, err := s.visibleUnit(ctx, p, id)
	if err != nil {
		return u, err
	}
	if !s.Authz.Can(p, "unit", authz.Write, authz.Target{Region: u.RegionCode, UnitID: u.ID}) {
		return domain.Unit{}, domain.Errorf(domain.CodeForbidden, "您无权修改执法单位 %s", u.Code)
	}
	return u, nil
}

// GetUnit returns one unit in p's jurisdiction.
func (s *Service) GetUnit(ctx context.Context, p domain.Principal, id int64) (domain.Unit, error) {
	return s.visibleUnit(ctx, p, id)
}

// CreateUnit adds a unit in p's region subtree.
func (s *Service) CreateUnit(ctx context.Context, p domain.Principal, in UnitInput, c identity.Client) (domain.Unit, error) {
	nu, err := in.validate()
	if err != nil {
		return domain.Unit{}, err
	}
	detail := map[string]any{"code": nu.Code, "region_code": nu.RegionCode}
	var id int64
	err = s.unitRegion(ctx, p, nu.RegionCode)
	if err == nil {
		id, err = s.Units.Create(ctx, nu)
	}
	if err := s.record(ctx, p, c, "unit.create", "unit", id, nu.RegionCode, err, detail); err != nil {
		return domain.Unit{}, err
	}
	return s.Units.Get(ctx, id)
}

// UpdateUnit replaces a unit's fields. Moving it to another region needs
// write access to both regions and a unit without officers or accounts.
func (s *Service) UpdateUnit(ctx context.Context, p domain.Principal, id int64, in UnitInput, c identity.Client) (domain.Unit, error) {
	cur, err := s.writableUnit(ctx, p, id)
	if err != nil {
		return domain.Unit{}, s.record(ctx, p, c, "unit.update", "unit", id, "", err, nil)
	}
	nu, err := in.validate()
	if err != nil {
		return domain.Unit{}, err
	}
	if nu.RegionCode != cur.RegionCode {
		err = s.unitRegion(ctx, p, nu.RegionCode)
	}
	if err == nil {
		err = s.Units.Update(ctx, id, nu)
	}
	detail := map[string]any{"code": nu.Code, "changed": unitChanges(cur, nu)}
	if err := s.record(ctx, p, c, "unit.update", "unit", id, cur.RegionCode, err, detail); err != nil {
		return domain.Unit{}, err
	}
	return s.Units.Get(ctx, id)
}

func unitChanges(cur domain.Unit, nu store.NewUnit) []string {
	changed := []string{}
	for _, f := range []struct {
		name     string
		old, new string
	}{
		{"code", cur.Code, nu.Code}, {"name", cur.Name, nu.Name}, {"region_code", string(cur.RegionCode), string(nu.RegionCode)},
		{"credit_code", cur.CreditCode, nu.CreditCode}, {"contact", cur.Contact, nu.Contact}, {"phone", cur.Phone, nu.Phone},
	} {
		if f.old != f.new {
			changed = append(changed, f.name)
		}
	}
	return changed
}

// DeleteUnit removes a unit entered by mistake. A unit with officers is
// never deleted (409): it is dissolved.
func (s *Service) DeleteUnit(ctx context.Context, p domain.Principal, id int64, c identity.Client) error {
	u, err := s.writableUnit(ctx, p, id)
	if err == nil {
		err = s.Units.Delete(ctx, id)
	}
	return s.record(ctx, p, c, "unit.delete", "unit", id, u.RegionCode, err, map[string]any{"code": u.Code})
}

// DissolveUnit marks a unit dissolved (撤销) and starts the cancellation of
// its officers' certificates. Repeating it is harmless: the unit stays
// dissolved and only missing cancellations are started, so a dissolution
// whose cancellations failed half-way is completed by calling it again.
func (s *Service) DissolveUnit(ctx context.Context, p domain.Principal, id int64, in Dissolution, c identity.Client) (Dissolved, error) {
	reason := strings.TrimSpace(in.Reason)
	switch n := utf8.RuneCountInString(reason); {
	case n == 0:
		return Dissolved{}, domain.Invalid(domain.FieldError{Field: "reason", Rule: "required", Message: "请填写撤销原因"})
	case n > 256:
		return Dissolved{}, domain.Invalid(domain.FieldError{Field: "reason", Rule: "max_length", Message: "撤销原因最多256个字"})
	}
	u, err := s.writableUnit(ctx, p, id)
	var already bool
	if err == nil {
		already, err = s.Units.Dissolve(ctx, id)
	}
	started := 0
	if err == nil && s.Cancel != nil {
		// TODO(lifecycle): cancellations run in the lifecycle service's own
		// transactions, after the unit is marked; Canceller is idempotent, so
		// a failure here is completed by dissolving again.
		started, err = s.Cancel.StartCancellations(ctx, p, id, reason)
		if err != nil && domain.ErrorCode(err) == domain.CodeInternal {
			err = &domain.Error{Code: domain.CodeInternal, Message: "单位已撤销，但证件注销未能全部启动，请再次执行撤销以完成", Err: err}
		}
	}
	detail := map[string]any{"code": u.Code, "reason": reason, "already_dissolved": already, "cancellations_started": started}
	if err := s.record(ctx, p, c, "unit.dissolve", "unit", id, u.RegionCode, err, detail); err != nil {
		return Dissolved{}, err
	}
	u, err = s.Units.Get(ctx, id)
	return Dissolved{Unit: u, CancellationsStarted: started}, err
}
