package audit

import (
	"context"
	"time"

	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/store"
)

// Filter narrows an audit search. Zero fields do not filter.
type Filter struct {
	Region     domain.RegionCode // a subtree inside the caller's jurisdiction
	From, To   time.Time         // at in [From, To)
	ActorID    int64
	Actor      string // actor name (username), exact
	Action     string // an action, or a family: "officer" matches officer.create, officer.update …
	TargetType string
	TargetID   string
	Result     string // domain.AuditSuccess, AuditFailure or AuditDenied
	RequestID  string
	Page       domain.PageRequest
}

// Search lists events newest first within p's jurisdiction: an
// administrator of a city sees events whose scope lies in the city's
// subtree, a province administrator sees the whole province plus events
// without a scope (anonymous logins, system jobs). Who may read the trail
// at all (administrators) is decided by the authorization layer in front.
func (t *Trail) Search(ctx context.Context, p domain.Principal, f Filter) (domain.Page[Entry], error) {
	var page domain.Page[Entry]
	if p.UnitID != 0 {
		return page, domain.Errorf(domain.CodeForbidden, "单位用户无权查看审计日志")
	}
	if _, err := domain.ParseRegionCode(string(p.Scope)); err != nil {
		return page, domain.Errorf(domain.CodeForbidden, "您没有管辖范围，无权查看审计日志")
	}
	region := p.Scope
	if f.Region != "" {
		if !p.Scope.Contains(f.Region) {
			return page, domain.Errorf(domain.CodeForbidden, "行政区划 %s 不在您的管辖范围内", f.Region)
		}
		region = f.Region
	}
	var v domain.Validation
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		v.Add("to", "after_from", "结束时间应晚于开始时间")
	}
	if f.Action != "" && !validActionFilter(f.Action) {
		v.Add("action", "format", "操作类型应为小写英文单词，以点分隔（如 officer.create 或 officer）")
	}
	switch f.Result {
	case "", domain.AuditSuccess, domain.AuditFailure, domain.AuditDenied:
	default:
		v.Add("result", "enum", "result 只能是 success, failure, denied 之一")
	}
	if err := v.Err(); err != nil {
		return page, err
	}
	limit := f.Page.Limit
	if limit <= 0 || limit > domain.MaxPageSize {
		limit = domain.DefaultPageSize
	}
	res, err := t.log.Search(ctx, store.AuditQuery{
		Region: region, WithUnscoped: region.Level() == domain.LevelProvince,
		From: f.From, To: f.To, ActorID: f.ActorID, Actor: f.Actor, Action: f.Action,
		TargetType: f.TargetType, TargetID: f.TargetID, Result: f.Result, RequestID: f.RequestID,
		Limit: limit, Cursor: f.Page.Cursor,
	})
	if err != nil {
		return page, err
	}
	page.NextCursor = res.NextCursor
	page.Items = make([]Entry, len(res.Items))
	for i, s := range res.Items {
		page.Items[i] = entryFrom(s)
	}
	return page, nil
}
