package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v5"

	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/registry"
)

type registryHandler struct{ svc *registry.Service }

// OfficerPage is one keyset page of officers.
type OfficerPage struct {
	Items      []domain.Officer `json:"items" validate:"required"`
	NextCursor string           `json:"next_cursor,omitempty" example:"eyJkIjoiMjAxMi0wNi0zMCIsImkiOjEyM30"`
}

// UnitPage is one keyset page of units.
type UnitPage struct {
	Items      []domain.Unit `json:"items" validate:"required"`
	NextCursor string        `json:"next_cursor,omitempty"`
}

// Count is a number of records.
type Count struct {
	Total int64 `json:"total" validate:"required" example:"4821"`
}

// regionTree returns the administrative tree within the caller's jurisdiction.
//
//	@Summary	Region tree (行政区划)
//	@Tags		registry
//	@Produce	json
//	@Security	Bearer
//	@Success	200	{array}		domain.RegionNode
//	@Failure	401	{object}	Problem
//	@Failure	403	{object}	Problem
//	@Failure	429	{object}	Problem
//	@Router		/api/v1/regions [get]
func (h *registryHandler) regionTree(c *echo.Context) error {
	tree, err := h.svc.RegionTree(c.Request().Context(), principalOf(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, tree)
}

// listUnits lists units in a region subtree.
//
//	@Summary	List units (执法单位)
//	@Tags		registry
//	@Produce	json
//	@Security	Bearer
//	@Param		region	query		string	false	"region subtree (6-digit code)"	minLength(6)	maxLength(6)
//	@Param		q		query		string	false	"unit code, or name prefix"		maxLength(64)
//	@Param		limit	query		int		false	"page size"						minimum(1)	maximum(200)	default(50)
//	@Param		cursor	query		string	false	"cursor from the previous page"
//	@Success	200		{object}	UnitPage
//	@Failure	400		{object}	Problem
//	@Failure	401	{object}	Problem
//	@Failure	403		{object}	Problem
//	@Failure	429	{object}	Problem
//	@Router		/api/v1/units [get]
func (h *registryHandler) listUnits(c *echo.Context) error {
	q := newQuery(c)
	f := domain.UnitFilter{Region: q.region("region"), Query: q.str("q", 64), Page: q.page()}
	if err := q.err(); err != nil {
		return err
	}
	page, err := h.svc.ListUnits(c.Request().Context(), principalOf(c), f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, UnitPage(page))
}

// officerFilter reads the list filters; withPage adds limit and cursor.
func officerFilter(c *echo.Context, withPage bool) (domain.OfficerFilter, error) {
	q := newQuery(c)
	f := domain.OfficerFilter{
		Region:      q.region("region"),
		UnitID:      q.int64("unit_id"),
		CertState:   domain.CertState(q.oneOf("cert_state", "none", "pending", "active", "suspended", "revoked", "cancelled", "void")),
		DueState:    domain.DueState(q.oneOf("due_state", "none", "ok", "due_soon", "overdue")),
		Year:        q.year("year"),
		Name:        q.str("name", 32),
		IDNumber:    q.str("id_number", 32),
		OfficerCode: q.str("officer_code", 32),
		CertNo:      q.str("cert_no", 32),
	}
	if withPage {
		f.Page = q.page()
	}
	return f, q.err()
}

// listOfficers lists officers, most urgent inspection first.
//
//	@Summary		List officers (档案管理)
//	@Description	Keyset-paginated, ordered by next inspection due date then id; officers without a certificate come last. ID numbers are masked.
//	@Tags			registry
//	@Produce		json
//	@Security	Bearer
//	@Param			region			query		string	false	"region subtree (6-digit code)"	minLength(6)	maxLength(6)
//	@Param			unit_id			query		int		false	"unit id"						minimum(1)
//	@Param			cert_state		query		string	false	"certificate state"				Enums(none, pending, active, suspended, revoked, cancelled, void)
//	@Param			due_state		query		string	false	"inspection due state"			Enums(none, ok, due_soon, overdue)
//	@Param			year			query		int		false	"inspection year (年检年度): year of the last inspection"	minimum(1990)	maximum(2100)
//	@Param			name			query		string	false	"name prefix"					maxLength(32)
//	@Param			id_number		query		string	false	"ID number, exact (18 characters)"	maxLength(32)
//	@Param			officer_code	query		string	false	"officer code, exact"			maxLength(32)
//	@Param			cert_no			query		string	false	"certificate number, exact"		maxLength(32)
//	@Param			limit			query		int		false	"page size"						minimum(1)	maximum(200)	default(50)
//	@Param			cursor			query		string	false	"cursor from the previous page"
//	@Success		200				{object}	OfficerPage
//	@Failure		400				{object}	Problem
//	@Failure	401	{object}	Problem
//	@Failure		403				{object}	Problem
//	@Failure	429	{object}	Problem
//	@Router			/api/v1/officers [get]
func (h *registryHandler) listOfficers(c *echo.Context) error {
	f, err := officerFilter(c, true)
	if err != nil {
		return err
	}
	page, err := h.svc.ListOfficers(c.Request().Context(), principalOf(c), f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, OfficerPage(page))
}

// countOfficers counts officers matching the list filters.
//
//	@Summary	Count officers matching the list filters
//	@Tags		registry
//	@Produce	json
//	@Security	Bearer
//	@Param		region			query		string	false	"region subtree (6-digit code)"	minLength(6)	maxLength(6)
//	@Param		unit_id			query		int		false	"unit id"						minimum(1)
//	@Param		cert_state		query		string	false	"certificate state"				Enums(none, pending, active, suspended, revoked, cancelled, void)
//	@Param		due_state		query		string	false	"inspection due state"			Enums(none, ok, due_soon, overdue)
//	@Param		year			query		int		false	"inspection year (年检年度)"		minimum(1990)	maximum(2100)
//	@Param		name			query		string	false	"name prefix"					maxLength(32)
//	@Param		id_number		query		string	false	"ID number, exact"				maxLength(32)
//	@Param		officer_code	query		string	false	"officer code, exact"			maxLength(32)
//	@Param		cert_no			query		string	false	"certificate number, exact"		maxLength(32)
//	@Success	200				{object}	Count
//	@Failure	400				{object}	Problem
//	@Failure	401	{object}	Problem
//	@Failure	403				{object}	Problem
//	@Failure	429	{object}	Problem
//	@Router		/api/v1/officers/count [get]
func (h *registryHandler) countOfficers(c *echo.Context) error {
	f, err := officerFilter(c, false)
	if err != nil {
		return err
	}
	n, err := h.svc.CountOfficers(c.Request().Context(), principalOf(c), f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, Count{Total: n})
}

// getOfficer returns one officer.
//
//	@Summary	Get an officer
//	@Tags		registry
//	@Produce	json
//	@Security	Bearer
//	@Param		id	path		int	true	"officer id"	minimum(1)
//	@Success	200	{object}	domain.Officer
//	@Failure	400	{object}	Problem
//	@Failure	401	{object}	Problem
//	@Failure	403	{object}	Problem
//	@Failure	404	{object}	Problem
//	@Failure	429	{object}	Problem
//	@Router		/api/v1/officers/{id} [get]
func (h *registryHandler) getOfficer(c *echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	o, err := h.svc.GetOfficer(c.Request().Context(), principalOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, o)
}
