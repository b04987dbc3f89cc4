// Package registry serves the records of the certificate register: the
// region tree, units and officers, always scoped to the caller's jurisdiction.
package registry

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lecms/lecms/api/authz"
	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/settings"
	"github.com/lecms/lecms/api/store"
)

// Dependencies of the service, as interfaces where tests may substitute.
type (
	RegionStore interface {
		All(ctx context.Context) ([]domain.Region, error)
	}
	UnitStore interface {
		List(ctx context.Context, f domain.UnitFilter) (domain.Page[domain.Unit], error)
	}
	OfficerStore interface {
		List(ctx context.Context, q store.OfficerQuery) (domain.Page[domain.Officer], error)
		Count(ctx context.Context, q store.OfficerQuery) (int64, error)
		Get(ctx context.Context, id int64, within domain.RegionCode) (domain.Officer, error)
	}
	Indexer interface {
		BlindIndex(value string) []byte
	}
	// Authorizer decides single-record access (implemented by authz).
	Authorizer interface {
		Can(p domain.Principal, obj, act string, t authz.Target) bool
	}
)

// Service answers register queries.
type Service struct {
	regions  RegionStore
	units    UnitStore
	officers OfficerStore
	pii      Indexer
	authz    Authorizer
	policy   *settings.PolicySource
	now      func() time.Time
	loc      *time.Location
}

// New builds the service. loc is the province's time zone: "today" for due
// states is the local calendar day (Asia/Shanghai), not UTC's.
func New(r RegionStore, u UnitStore, o OfficerStore, pii Indexer, az Authorizer, policy *settings.PolicySource, now func() time.Time, loc *time.Location) *Service {
	return &Service{regions: r, units: u, officers: o, pii: pii, authz: az, policy: policy, now: now, loc: loc}
}

func (s *Service) today() domain.Date { return domain.DateOf(s.now().In(s.loc)) }

// RegionTree returns the regions visible to p as a tree rooted at p's scope.
func (s *Service) RegionTree(ctx context.Context, p domain.Principal) ([]*domain.RegionNode, error) {
	all, err := s.regions.All(ctx)
	if err != nil {
		return nil, err
	}
	nodes := make(map[domain.RegionCode]*domain.RegionNode, len(all))
	roots := []*domain.RegionNode{}
	for _, r := range all { // ordered by code, so parents come first
		if p.Scope != "" && !p.Scope.Contains(r.Code) {
			continue
		}
		n := &domain.RegionNode{Code: r.Code, Name: r.Name, Level: r.Level}
		nodes[r.Code] = n
		if parent, ok := nodes[r.ParentCode]; ok {
			parent.Children = append(parent.Children, n)
		} else {
			roots = append(roots, n)
		}
	}
	return roots, nil
}

// ListUnits lists units in the caller's jurisdiction.
func (s *Service) ListUnits(ctx context.Context, p domain.Principal, f domain.UnitFilter) (domain.Page[domain.Unit], error) {
	region, err := narrow(p, f.Region)
	if err != nil {
		return domain.Page[domain.Unit]{}, err
	}
	f.Region = region
	return s.units.List(ctx, f)
}

// ListOfficers lists officers in the caller's jurisdiction with due states
// computed for today.
func (s *Service) ListOfficers(ctx context.Context, p domain.Principal, f domain.OfficerFilter) (domain.Page[domain.Officer], error) {
	q, pol, err := s.query(ctx, p, f)
	if err != nil {
		return domain.Page[domain.Officer]{}, err
	}
	page, err := s.officers.List(ctx, q)
	if err != nil {
		return page, err
	}
	today := s.today()
	for i := range page.Items {
		page.Items[i].DueState = pol.DueStateOn(page.Items[i].NextDueOn, today)
	}
	return page, nil
}

// CountOfficers counts what ListOfficers would page through.
func (s *Service) CountOfficers(ctx context.Context, p domain.Principal, f domain.OfficerFilter) (int64, error) {
	q, _, err := s.query(ctx, p, f)
	if err != nil {
		return 0, err
	}
	return s.officers.Count(ctx, q)
}

// GetOfficer returns one officer; outside the jurisdiction it is not found,
// so existence does not leak.
func (s *Service) GetOfficer(ctx context.Context, p domain.Principal, id int64) (domain.Officer, error) {
	o, err := s.officers.Get(ctx, id, p.Scope)
	if err != nil {
		return o, err
	}
	if !s.authz.Can(p, "officer", authz.Read, authz.Target{Region: o.RegionCode, UnitID: o.UnitID}) {
		return domain.Officer{}, domain.Errorf(domain.CodeNotFound, "执法人员不存在")
	}
	pol, err := s.policy.Inspection(ctx)
	if err != nil {
		return o, err
	}
	o.DueState = pol.DueStateOn(o.NextDueOn, s.today())
	return o, nil
}

// query validates a filter and resolves it to columns.
func (s *Service) query(ctx context.Context, p domain.Principal, f domain.OfficerFilter) (store.OfficerQuery, domain.InspectionPolicy, error) {
	region, err := narrow(p, f.Region)
	if err != nil {
		return store.OfficerQuery{}, domain.InspectionPolicy{}, err
	}
	pol, err := s.policy.Inspection(ctx)
	if err != nil {
		return store.OfficerQuery{}, pol, err
	}
	q := store.OfficerQuery{
		Region: region, UnitID: f.UnitID, CertState: f.CertState, Year: f.Year,
		NamePrefix: strings.TrimSpace(f.Name), OfficerCode: strings.TrimSpace(f.OfficerCode),
		CertNo: strings.TrimSpace(f.CertNo), Limit: f.Page.Limit, Cursor: f.Page.Cursor,
	}
	if p.UnitID != 0 {
		if f.UnitID != 0 && f.UnitID != p.UnitID {
			return q, pol, domain.Errorf(domain.CodeForbidden, "只能查看本单位的执法人员")
		}
		q.UnitID = p.UnitID
	}
	switch f.DueState {
	case "":
	case domain.DueNone:
		q.NoDueOnly = true
	default:
		q.DueFrom, q.DueTo = pol.DueRange(f.DueState, s.today())
	}
	if f.IDNumber != "" {
		id, err := domain.ParseIDNumber(f.IDNumber)
		if err != nil {
			return q, pol, err
		}
		q.IDHash = s.pii.BlindIndex(string(id))
	}
	if utf8.RuneCountInString(q.NamePrefix) > 32 {
		return q, pol, domain.Invalid(domain.FieldError{Field: "name", Rule: "max_length", Message: "姓名最多 32 个字"})
	}
	return q, pol, nil
}

// narrow intersects a requested region with the principal's scope: asking
// for a region outside one's jurisdiction is refused, asking for none means
// the whole jurisdiction.
func narrow(p domain.Principal, requested domain.RegionCode) (domain.RegionCode, error) {
	if requested == "" {
		return p.Scope, nil
	}
	if p.Scope != "" && !p.Scope.Contains(requested) {
		return "", domain.Errorf(domain.CodeForbidden, "行政区划 %s 不在您的管辖范围内", requested)
	}
	return requested, nil
}

// ParseYear validates an inspection year (年检年度).
func ParseYear(s string) (int, error) {
	y, err := strconv.Atoi(s)
	if err != nil || y < 1990 || y > 2100 {
		return 0, domain.Invalid(domain.FieldError{Field: "year", Rule: "range", Message: "年检年度应为 1990 至 2100 之间的年份"})
	}
	return y, nil
}
