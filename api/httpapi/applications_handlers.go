package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v5"

	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/lifecycle"
	"github.com/lecms/lecms/api/registry"
)

type applicationsHandler struct {
	svc      *lifecycle.Service
	registry *registry.Service
}

// OfficerSelection selects officers by filter, with the count the user saw.
type OfficerSelection struct {
	UnitID        int64            `json:"unit_id"`
	CertState     domain.CertState `json:"cert_state" enums:"none,pending,active,suspended,revoked,cancelled,void"`
	Year          int              `json:"year" example:"2024"`
	Name          string           `json:"name"`
	OfficerCode   string           `json:"officer_code"`
	CertNo        string           `json:"cert_no"`
	ExpectedCount int              `json:"expected_count" validate:"required" example:"37"`
}

// ApplyBody asks for applications: explicit officer ids, or a filter.
type ApplyBody struct {
	lifecycle.ApplyRequest
	Filter *OfficerSelection `json:"filter"`
}

// AppSelection selects applications by filter, with the count the user saw.
type AppSelection struct {
	Kind          domain.AppKind  `json:"kind" enums:"new_card,replacement,renewal,inspection,cancellation,suspension,revocation"`
	State         domain.AppState `json:"state" enums:"submitted,unit_approved,legal_approved,in_production,completed,returned,withdrawn,stale"`
	UnitID        int64           `json:"unit_id"`
	Name          string          `json:"name"`
	Year          int             `json:"year" minimum:"1990" maximum:"2100" example:"2024"` // 年检年度
	SameLevel     bool            `json:"same_level"`
	ExpectedCount int             `json:"expected_count" validate:"required" example:"37"`
}

// DecideBody acts on applications: explicit ids, or a filter.
type DecideBody struct {
	lifecycle.DecideRequest
	Filter *AppSelection `json:"filter"`
}

// ApplicationPage is one page of applications.
type ApplicationPage struct {
	Items      []domain.Application `json:"items" validate:"required"`
	NextCursor string               `json:"next_cursor,omitempty"`
}

// apply creates applications for officers.
//
//	@Summary		Apply (申请办卡 / 申请补卡 / 换发 / 年检申请 / 证件注销)
//	@Description	Creates one application per officer, all or none. Select officers by `officer_ids`, or by `filter` with the `expected_count` the user saw (refused with 409 if the selection changed). An officer whose record is edited or who is transferred while the request runs refuses the batch with 409 (rule `officer_changed`; retry after refreshing). Inspections need `round` (年检年度 = year of the last inspection): officers not in the round, or overdue, are refused. A refusal (422) lists every offending officer in `errors` (field `officers/{id}`) with its rule.
//	@Tags			applications
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			body	body		ApplyBody	true	"what to apply for"
//	@Success		201		{object}	lifecycle.BatchResult
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		409		{object}	Problem
//	@Failure		422		{object}	Problem
//	@Router			/api/v1/applications [post]
func (h *applicationsHandler) apply(c *echo.Context) error {
	var in ApplyBody
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	req := in.ApplyRequest
	if in.Filter != nil {
		req.Filter = &domain.OfficerFilter{UnitID: in.Filter.UnitID, CertState: in.Filter.CertState, Year: in.Filter.Year,
			Name: in.Filter.Name, OfficerCode: in.Filter.OfficerCode, CertNo: in.Filter.CertNo}
		req.ExpectedCount = in.Filter.ExpectedCount
	}
	if req.Kind == domain.AppSuspension || req.Kind == domain.AppRevocation {
		return domain.Invalid(domain.FieldError{Field: "kind", Rule: "enum", Message: "暂扣、吊销由法制机构通过 /api/v1/certificates/sanctions 办理"})
	}
	res, err := h.svc.Apply(c.Request().Context(), principalOf(c), req)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, res)
}

// SanctionBody suspends or revokes certificates.
type SanctionBody struct {
	Kind       domain.AppKind  `json:"kind" validate:"required" enums:"suspension,revocation"`
	CertType   domain.CertType `json:"cert_type" enums:"law_enforcement,supervision"`
	OfficerIDs []int64         `json:"officer_ids" validate:"required"`
	Reason     string          `json:"reason" validate:"required" maxLength:"500"`
}

// sanction suspends (暂扣) or revokes (吊销) certificates.
//
//	@Summary		Suspend or revoke certificates (legal offices, own level)
//	@Description	Takes effect at once. Revocation bars a new application for the configured period (default 2 years).
//	@Tags			applications
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			body	body		SanctionBody	true	"officers and reason"
//	@Success		201		{object}	lifecycle.BatchResult
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		409		{object}	Problem
//	@Failure		422		{object}	Problem
//	@Router			/api/v1/certificates/sanctions [post]
func (h *applicationsHandler) sanction(c *echo.Context) error {
	var in SanctionBody
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if in.Kind != domain.AppSuspension && in.Kind != domain.AppRevocation {
		return domain.Invalid(domain.FieldError{Field: "kind", Rule: "enum", Message: "只能是 suspension（暂扣）或 revocation（吊销）"})
	}
	res, err := h.svc.Apply(c.Request().Context(), principalOf(c), lifecycle.ApplyRequest{Kind: in.Kind, CertType: in.CertType,
		OfficerIDs: in.OfficerIDs, Reason: in.Reason})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, res)
}

// decide approves, returns, withdraws or resubmits applications.
//
//	@Summary		Decide on applications (单位审核 / 法制机构审核 / 退回 / 撤回 / 重新提交)
//	@Description	All or none. `approve_unit`: the unit reviewer's stamp (not by the applicant); `approve_legal`: the legal office of the same level, after the gates (exam, photo, 在编, sanction, review, bar; inspections: not overdue, exam every 2nd inspection); a new, replacement or renewal certificate gets its number and joins the production queue. `reject` needs a comment. Select by `ids` or by `filter` with `expected_count`. Another reviewer acting first → 409.
//	@Tags			applications
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			body	body		DecideBody	true	"the decision"
//	@Success		200		{object}	lifecycle.BatchResult
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		409		{object}	Problem
//	@Failure		422		{object}	Problem
//	@Router			/api/v1/applications/decisions [post]
func (h *applicationsHandler) decide(c *echo.Context) error {
	var in DecideBody
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	req := in.DecideRequest
	if in.Filter != nil {
		req.Filter = &domain.AppFilter{Kind: in.Filter.Kind, State: in.Filter.State, UnitID: in.Filter.UnitID,
			Name: in.Filter.Name, Year: in.Filter.Year, SameLevel: in.Filter.SameLevel}
		if y := in.Filter.Year; y != 0 && (y < 1990 || y > 2100) {
			return domain.Invalid(domain.FieldError{Field: "filter.year", Rule: "range", Message: "年检年度应为 1990 至 2100 之间的年份"})
		}
		req.ExpectedCount = in.Filter.ExpectedCount
	}
	res, err := h.svc.Decide(c.Request().Context(), principalOf(c), req)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, res)
}

func appFilter(c *echo.Context, withPage bool) (domain.AppFilter, error) {
	q := newQuery(c)
	f := domain.AppFilter{
		Region:    q.region("region"),
		SameLevel: q.oneOf("same_level", "true", "false") == "true",
		UnitID:    q.int64("unit_id"),
		Kind:      domain.AppKind(q.oneOf("kind", "new_card", "replacement", "renewal", "inspection", "cancellation", "suspension", "revocation")),
		State: domain.AppState(q.oneOf("state", "submitted", "unit_approved", "legal_approved", "in_production", "completed",
			"returned", "withdrawn", "stale")),
		OfficerID: q.int64("officer_id"),
		Name:      q.str("name", 32),
		Year:      q.year("year"),
	}
	if withPage {
		f.Page = q.page()
	}
	return f, q.err()
}

// list lists applications (queues).
//
//	@Summary		List applications (审核队列)
//	@Description	Unit roles see their unit's; legal offices their subtree; `same_level=true` narrows to the units the office approves.
//	@Tags			applications
//	@Produce		json
//	@Security		Bearer
//	@Param			region		query		string	false	"region subtree"	minLength(6)	maxLength(6)
//	@Param			same_level	query		bool	false	"only units whose region equals `region` (or the caller's)"
//	@Param			unit_id		query		int		false	"unit id"	minimum(1)
//	@Param			kind		query		string	false	"kind"		Enums(new_card, replacement, renewal, inspection, cancellation, suspension, revocation)
//	@Param			state		query		string	false	"state"		Enums(submitted, unit_approved, legal_approved, in_production, completed, returned, withdrawn, stale)
//	@Param			officer_id	query		int		false	"officer id"	minimum(1)
//	@Param			name		query		string	false	"officer name prefix"	maxLength(32)
//	@Param			year		query		int	false	"inspection year (年检年度): year of the officer's last inspection"	minimum(1990)	maximum(2100)
//	@Param			limit		query		int		false	"page size"	minimum(1)	maximum(200)	default(50)
//	@Param			cursor		query		string	false	"cursor from the previous page"
//	@Success		200			{object}	ApplicationPage
//	@Failure		400			{object}	Problem
//	@Failure		401			{object}	Problem
//	@Failure		403			{object}	Problem
//	@Router			/api/v1/applications [get]
func (h *applicationsHandler) list(c *echo.Context) error {
	f, err := appFilter(c, true)
	if err != nil {
		return err
	}
	page, err := h.svc.List(c.Request().Context(), principalOf(c), f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ApplicationPage(page))
}

// count counts applications matching the list filters.
//
//	@Summary	Count applications matching the list filters
//	@Tags		applications
//	@Produce	json
//	@Security	Bearer
//	@Param		region		query		string	false	"region subtree"	minLength(6)	maxLength(6)
//	@Param		same_level	query		bool	false	"only units whose region equals `region`"
//	@Param		unit_id		query		int		false	"unit id"	minimum(1)
//	@Param		kind		query		string	false	"kind"		Enums(new_card, replacement, renewal, inspection, cancellation, suspension, revocation)
//	@Param		state		query		string	false	"state"		Enums(submitted, unit_approved, legal_approved, in_production, completed, returned, withdrawn, stale)
//	@Param		officer_id	query		int		false	"officer id"	minimum(1)
//	@Param		name		query		string	false	"officer name prefix"	maxLength(32)
//	@Param		year		query		int	false	"inspection year (年检年度): year of the officer's last inspection"	minimum(1990)	maximum(2100)
//	@Success	200			{object}	Count
//	@Failure	400			{object}	Problem
//	@Failure	401			{object}	Problem
//	@Failure	403			{object}	Problem
//	@Router		/api/v1/applications/count [get]
func (h *applicationsHandler) count(c *echo.Context) error {
	f, err := appFilter(c, false)
	if err != nil {
		return err
	}
	n, err := h.svc.Count(c.Request().Context(), principalOf(c), f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, Count{Total: int64(n)})
}

// timeline returns an officer's history.
//
//	@Summary	An officer's application timeline
//	@Tags		applications
//	@Produce	json
//	@Security	Bearer
//	@Param		id	path		int	true	"officer id"	minimum(1)
//	@Success	200	{array}		domain.Step
//	@Failure	400	{object}	Problem
//	@Failure	401	{object}	Problem
//	@Failure	403	{object}	Problem
//	@Failure	404	{object}	Problem
//	@Router		/api/v1/officers/{id}/timeline [get]
func (h *applicationsHandler) timeline(c *echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	steps, err := h.svc.Timeline(c.Request().Context(), principalOf(c), h.registry, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, steps)
}
