package issuance

import (
	"context"
	"fmt"
	"strconv"

	"github.com/lecms/lecms/api/authz"
	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/lifecycle"
	"github.com/lecms/lecms/api/store"
)

// ReportRequest reports applications to the province: explicit ids, or
// all of the office's legally approved card applications not yet reported.
type ReportRequest struct {
	ApplicationIDs []int64
	All            bool
}

// Report records a city legal office's approved card applications as
// reported to the province (报省法制办), all or none. Province-level
// approvals need no report; county offices' approvals are reported by
// their city.
func (s *Service) Report(ctx context.Context, p domain.Principal, req ReportRequest) (lifecycle.BatchResult, error) {
	switch p.Scope.Level() {
	case domain.LevelCity:
	case domain.LevelProvince:
		return lifecycle.BatchResult{}, refusal(domain.CodeRuleViolated, "scope", "level",
			"省级审核通过的申请无需报送，已直接进入省制证队列")
	default:
		return lifecycle.BatchResult{}, refusal(domain.CodeRuleViolated, "scope", "level",
			"由市级法制机构汇总本市（含区县）审核通过的申请报省法制办")
	}
	city := p.Scope.City()
	var ids []int64
	switch {
	case req.All && len(req.ApplicationIDs) > 0:
		return lifecycle.BatchResult{}, domain.Invalid(domain.FieldError{Field: "all", Rule: "exclusive", Message: "application_ids 与 all 只能选一"})
	case req.All:
		var err error
		if ids, err = s.Store.Unreported(ctx, city, MaxBatch); err != nil {
			return lifecycle.BatchResult{}, err
		}
		if len(ids) == 0 {
			return lifecycle.BatchResult{}, refusal(domain.CodeRuleViolated, "all", "empty", "没有待报送的审核通过申请")
		}
	case len(req.ApplicationIDs) == 0:
		return lifecycle.BatchResult{}, domain.Invalid(domain.FieldError{Field: "application_ids", Rule: "required", Message: "请选择申请，或报送全部（all）"})
	default:
		ids = dedupe(req.ApplicationIDs)
	}
	if len(ids) > MaxBatch {
		return lifecycle.BatchResult{}, domain.Invalid(domain.FieldError{Field: "application_ids", Rule: "max_items",
			Message: "一次最多报送 " + strconv.Itoa(MaxBatch) + " 项"})
	}
	apps, err := s.Apps.Get(ctx, ids)
	if err != nil {
		return lifecycle.BatchResult{}, err
	}
	reported, err := s.Store.Reported(ctx, ids)
	if err != nil {
		return lifecycle.BatchResult{}, err
	}
	byID := map[int64]domain.Application{}
	for _, a := range apps {
		byID[a.ID] = a
	}
	var rs []domain.Refusal
	var items []store.ReportItem
	for _, id := range ids {
		a, ok := byID[id]
		if !ok {
			rs = append(rs, domain.Refusal{OfficerID: id, Rule: "exists", Message: "申请不存在"})
			continue
		}
		who := a.OfficerName + "（" + a.Kind.Label() + "）："
		switch {
		case !s.Authz.Can(p, "production", "report", authz.Target{Region: a.RegionCode, UnitID: a.UnitID}) || a.RegionCode.City() != city:
			rs = append(rs, domain.Refusal{OfficerID: id, Rule: "jurisdiction", Message: who + "不在您的辖区"})
		case !isCardKind(a.Kind):
			rs = append(rs, domain.Refusal{OfficerID: id, Rule: "kind", Message: who + "只有办卡、补卡、换发需要报省制证"})
		case a.State != domain.AppLegalApproved:
			rs = append(rs, domain.Refusal{OfficerID: id, Rule: "state", Message: who + "当前状态为“" + a.State.Label() + "”，不能报送"})
		case reported[id]:
			rs = append(rs, domain.Refusal{OfficerID: id, Rule: "reported", Message: who + "已报送"})
		default:
			items = append(items, store.ReportItem{ID: id, Version: a.Version, CityCode: city})
		}
	}
	if len(rs) > 0 {
		return lifecycle.BatchResult{}, refusedAll("报送未执行", rs)
	}
	if err := s.Store.Report(ctx, items, actor(p), s.Now().UTC()); err != nil {
		return lifecycle.BatchResult{}, conflictOnStale(err)
	}
	if err := s.auditMany(ctx, p, "production.report", ids, map[string]any{"city": city + "00"}); err != nil {
		return lifecycle.BatchResult{}, err
	}
	return lifecycle.BatchResult{Count: len(ids), IDs: ids}, nil
}

// Queue is the province's production queue by city, within the caller's
// jurisdiction.
func (s *Service) Queue(ctx context.Context, p domain.Principal) ([]store.QueueCity, error) {
	all, err := s.Store.Queue(ctx, p.Scope.Province())
	if err != nil {
		return nil, err
	}
	out := make([]store.QueueCity, 0, len(all))
	for _, q := range all {
		if !p.Scope.Contains(q.CityCode) {
			continue
		}
		if q.CityCode.Level() == domain.LevelProvince {
			q.CityName = "省直单位"
		}
		out = append(out, q)
	}
	return out, nil
}

// BatchRequest makes a production batch: from the queue of one city (or
// of province-level units: the province's code) with the count the issuer
// saw, or from explicit application ids.
type BatchRequest struct {
	City           domain.RegionCode
	ExpectedCount  int
	ApplicationIDs []int64
}

// BatchCreated is the batch made.
type BatchCreated struct {
	ID    int64
	Count int
	IDs   []int64
}

// CreateBatch puts reported applications into production, all or none:
// they become in_production and each gets a pending card.
func (s *Service) CreateBatch(ctx context.Context, p domain.Principal, req BatchRequest) (BatchCreated, error) {
	prov := p.Scope.Province()
	var ids []int64
	city := ""
	switch {
	case req.City != "" && len(req.ApplicationIDs) > 0:
		return BatchCreated{}, domain.Invalid(domain.FieldError{Field: "city", Rule: "exclusive", Message: "city 与 application_ids 只能选一"})
	case req.City != "":
		if _, err := domain.ParseRegionCode(string(req.City)); err != nil || req.City.Level() == domain.LevelCounty {
			return BatchCreated{}, domain.Invalid(domain.FieldError{Field: "city", Rule: "region_code", Message: "city 应为市级代码（如 370100），省直单位用省级代码（370000）"})
		}
		if !p.Scope.Contains(req.City) {
			return BatchCreated{}, domain.Errorf(domain.CodeForbidden, "行政区划 %s 不在您的管辖范围内", req.City)
		}
		city = store.CityCodeOf(req.City)
		var err error
		if ids, err = s.Store.QueuedIn(ctx, city, MaxBatch); err != nil {
			return BatchCreated{}, err
		}
		if len(ids) > MaxBatch {
			ids = ids[:MaxBatch]
		}
		if len(ids) != req.ExpectedCount {
			return BatchCreated{}, &domain.Error{Code: domain.CodeConflict,
				Message: fmt.Sprintf("待制证申请已变化（您看到 %d 条，现在为 %d 条），请刷新后重新操作", req.ExpectedCount, len(ids)),
				Fields:  []domain.FieldError{{Field: "expected_count", Rule: "changed", Message: "待制证申请已变化"}}}
		}
		if len(ids) == 0 {
			return BatchCreated{}, refusal(domain.CodeRuleViolated, "city", "empty", "该市没有待制证的申请")
		}
	case len(req.ApplicationIDs) == 0:
		return BatchCreated{}, domain.Invalid(domain.FieldError{Field: "application_ids", Rule: "required", Message: "请选择申请，或按市（city）制证"})
	default:
		ids = dedupe(req.ApplicationIDs)
		if len(ids) > MaxBatch {
			return BatchCreated{}, domain.Invalid(domain.FieldError{Field: "application_ids", Rule: "max_items",
				Message: "一个批次最多 " + strconv.Itoa(MaxBatch) + " 项"})
		}
	}
	apps, err := s.Apps.Get(ctx, ids)
	if err != nil {
		return BatchCreated{}, err
	}
	reported, err := s.Store.Reported(ctx, ids)
	if err != nil {
		return BatchCreated{}, err
	}
	byID := map[int64]domain.Application{}
	for _, a := range apps {
		byID[a.ID] = a
	}
	var rs []domain.Refusal
	var items []store.BatchItem
	for _, id := range ids {
		a, ok := byID[id]
		if !ok {
			rs = append(rs, domain.Refusal{OfficerID: id, Rule: "exists", Message: "申请不存在"})
			continue
		}
		who := a.OfficerName + "（" + a.Kind.Label() + "）："
		provinceLevel := a.RegionCode.Level() == domain.LevelProvince
		switch {
		case !s.Authz.Can(p, "certificate", "issue", authz.Target{Region: a.RegionCode, UnitID: a.UnitID}):
			rs = append(rs, domain.Refusal{OfficerID: id, Rule: "jurisdiction", Message: who + "不在您的管辖范围"})
		case !isCardKind(a.Kind):
			rs = append(rs, domain.Refusal{OfficerID: id, Rule: "kind", Message: who + "不需要制证"})
		case a.State != domain.AppLegalApproved:
			rs = append(rs, domain.Refusal{OfficerID: id, Rule: "state", Message: who + "当前状态为“" + a.State.Label() + "”，不能制证"})
		case !reported[id] && !provinceLevel:
			rs = append(rs, domain.Refusal{OfficerID: id, Rule: "not_reported", Message: who + "所在市尚未报省法制办"})
		case a.CertificateID == nil:
			rs = append(rs, domain.Refusal{OfficerID: id, Rule: "certificate", Message: who + "没有待制作的证件"})
		default:
			items = append(items, store.BatchItem{ID: id, Version: a.Version, CertificateID: *a.CertificateID})
		}
	}
	if len(rs) > 0 {
		return BatchCreated{}, refusedAll("制证批次未创建", rs)
	}
	bid, err := s.Store.CreateBatch(ctx, prov, city, items, actor(p), s.Now().UTC())
	if err != nil {
		return BatchCreated{}, conflictOnStale(err)
	}
	if err := s.audit(ctx, p, "production.batch", "production_batch", bid, domain.AuditSuccess,
		map[string]any{"count": len(ids), "city": string(req.City)}); err != nil {
		return BatchCreated{}, err
	}
	if err := s.auditMany(ctx, p, "production.start", ids, map[string]any{"batch": bid}); err != nil {
		return BatchCreated{}, err
	}
	return BatchCreated{ID: bid, Count: len(ids), IDs: ids}, nil
}

// Batches lists the province's production batches, newest first.
func (s *Service) Batches(ctx context.Context, p domain.Principal, page domain.PageRequest) (domain.Page[store.ProductionBatch], error) {
	return s.Store.Batches(ctx, p.Scope.Province(), page)
}

// Batch returns a batch and its cards.
func (s *Service) Batch(ctx context.Context, p domain.Principal, id int64) (store.ProductionBatch, []store.ProductionItem, error) {
	b, items, err := s.Store.Batch(ctx, p.Scope.Province(), id)
	if err != nil {
		return b, nil, err
	}
	visible := items[:0]
	for _, it := range items {
		if s.Authz.Can(p, "production", authz.Read, authz.Target{Region: it.RegionCode, UnitID: it.UnitID}) {
			visible = append(visible, it)
		}
	}
	return b, visible, nil
}

// Dispatch marks a batch's written cards as handed out (发放).
func (s *Service) Dispatch(ctx context.Context, p domain.Principal, id int64) (lifecycle.BatchResult, error) {
	_, items, err := s.Store.Batch(ctx, p.Scope.Province(), id)
	if err != nil {
		return lifecycle.BatchResult{}, err
	}
	var ids []int64
	for _, it := range items {
		if it.CardState != store.CardWritten {
			continue
		}
		if !s.Authz.Can(p, "certificate", "issue", authz.Target{Region: it.RegionCode, UnitID: it.UnitID}) {
			return lifecycle.BatchResult{}, domain.Errorf(domain.CodeForbidden, "批次中有证件不在您的管辖范围")
		}
		ids = append(ids, it.ApplicationID)
	}
	if ids, err = s.Store.Dispatch(ctx, p.Scope.Province(), id, actor(p), s.Now().UTC()); err != nil {
		return lifecycle.BatchResult{}, err
	}
	if err := s.auditMany(ctx, p, "production.dispatch", ids, map[string]any{"batch": id}); err != nil {
		return lifecycle.BatchResult{}, err
	}
	return lifecycle.BatchResult{Count: len(ids), IDs: ids}, nil
}
