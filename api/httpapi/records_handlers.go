package httpapi

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"

	"github.com/labstack/echo/v5"

	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/records"
)

type recordsHandler struct{ svc *records.Service }

// createUnit adds a unit (单位管理 → 添加).
//
//	@Summary		Create a unit
//	@Description	The region must exist and lie in the caller's subtree; the level follows from the region. The credit code, when given, must carry a valid GB 32100 check character.
//	@Tags			records
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			body	body		records.UnitInput	true	"the unit"
//	@Success		201		{object}	domain.Unit
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		409		{object}	Problem
//	@Router			/api/v1/units [post]
func (h *recordsHandler) createUnit(c *echo.Context) error {
	var in records.UnitInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	u, err := h.svc.CreateUnit(c.Request().Context(), principalOf(c), in, clientOf(c))
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, fmt.Sprintf("/api/v1/units/%d", u.ID))
	return c.JSON(http.StatusCreated, u)
}

// getUnit returns one unit.
//
//	@Summary	Get a unit
//	@Tags		records
//	@Produce	json
//	@Security	Bearer
//	@Param		id	path		int	true	"unit id"	minimum(1)
//	@Success	200	{object}	domain.Unit
//	@Failure	400	{object}	Problem
//	@Failure	401	{object}	Problem
//	@Failure	403	{object}	Problem
//	@Failure	404	{object}	Problem
//	@Failure	429	{object}	Problem
//	@Router		/api/v1/units/{id} [get]
func (h *recordsHandler) getUnit(c *echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	u, err := h.svc.GetUnit(c.Request().Context(), principalOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, u)
}

// updateUnit edits a unit (单位管理 → 修改).
//
//	@Summary		Edit a unit
//	@Description	Replaces every field. A dissolved unit is not edited (422). The region may change only within the caller's subtree and only while no officer or user account belongs to the unit (409).
//	@Tags			records
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			id		path		int					true	"unit id"	minimum(1)
//	@Param			body	body		records.UnitInput	true	"the unit"
//	@Success		200		{object}	domain.Unit
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		404		{object}	Problem
//	@Failure		409		{object}	Problem
//	@Failure		422		{object}	Problem
//	@Router			/api/v1/units/{id} [put]
func (h *recordsHandler) updateUnit(c *echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in records.UnitInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	u, err := h.svc.UpdateUnit(c.Request().Context(), principalOf(c), id, in, clientOf(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, u)
}

// deleteUnit removes a unit entered by mistake.
//
//	@Summary		Delete a unit
//	@Description	Only a unit without officers and user accounts can be deleted; one with officers is dissolved instead (409 says so).
//	@Tags			records
//	@Security		Bearer
//	@Param			id	path	int	true	"unit id"	minimum(1)
//	@Success		204
//	@Failure		400	{object}	Problem
//	@Failure		401	{object}	Problem
//	@Failure		403	{object}	Problem
//	@Failure		404	{object}	Problem
//	@Failure		409	{object}	Problem
//	@Router			/api/v1/units/{id} [delete]
func (h *recordsHandler) deleteUnit(c *echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := h.svc.DeleteUnit(c.Request().Context(), principalOf(c), id, clientOf(c)); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// dissolveUnit dissolves a unit (撤销) and starts cancelling its certificates.
//
//	@Summary		Dissolve a unit
//	@Description	Marks the unit dissolved (it takes no new officers and is no longer edited) and starts the cancellation (注销) of its officers' certificates. Repeating the call is harmless and completes cancellations a failed call left out.
//	@Tags			records
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			id		path		int					true	"unit id"	minimum(1)
//	@Param			body	body		records.Dissolution	true	"why"
//	@Success		200		{object}	records.Dissolved
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		404		{object}	Problem
//	@Router			/api/v1/units/{id}/dissolve [post]
func (h *recordsHandler) dissolveUnit(c *echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in records.Dissolution
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	d, err := h.svc.DissolveUnit(c.Request().Context(), principalOf(c), id, in, clientOf(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, d)
}

// createOfficer records a new officer (档案管理 → 添加).
//
//	@Summary		Create an officer
//	@Description	Unit operators add officers to their own unit. The ID number is validated (GB 11643) and normalised; sex and birth date are taken from it unless given. One record per person: a second record for the same ID number is refused (409) naming the existing officer code.
//	@Tags			records
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			body	body		records.OfficerInput	true	"the officer"
//	@Success		201		{object}	records.OfficerProfile
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		409		{object}	Problem
//	@Failure		422		{object}	Problem
//	@Router			/api/v1/officers [post]
func (h *recordsHandler) createOfficer(c *echo.Context) error {
	var in records.OfficerInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	o, err := h.svc.CreateOfficer(c.Request().Context(), principalOf(c), in, clientOf(c))
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, fmt.Sprintf("/api/v1/officers/%d", o.ID))
	return c.JSON(http.StatusCreated, o)
}

// updateOfficer saves an edited officer record.
//
//	@Summary		Edit an officer
//	@Description	Replaces every editable field; send the version the form was loaded at. If someone saved in between, the edit is refused (409) and nothing changes. The unit does not change by an edit (see the transfer). While an application is in progress from submission to production, the printed fields (code, name, area) may not change: 422 `rule_violated` with one error per changed field (rule `locked_by_application`); the profile's `locked_fields` names them.
//	@Tags			records
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			id		path		int						true	"officer id"	minimum(1)
//	@Param			body	body		records.OfficerUpdate	true	"the officer at its version"
//	@Success		200		{object}	records.OfficerProfile
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		404		{object}	Problem
//	@Failure		409		{object}	Problem
//	@Failure		422		{object}	Problem
//	@Router			/api/v1/officers/{id} [put]
func (h *recordsHandler) updateOfficer(c *echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in records.OfficerUpdate
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	o, err := h.svc.UpdateOfficer(c.Request().Context(), principalOf(c), id, in, clientOf(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, o)
}

// officerProfile returns what the officer form needs.
//
//	@Summary		An officer's record for the edit form
//	@Description	The officer with its editable fields, version, exams and photo. The full ID number is included only for those who may edit the record (the unit operator of its unit); each such read is audited.
//	@Tags			records
//	@Produce		json
//	@Security		Bearer
//	@Param			id	path		int	true	"officer id"	minimum(1)
//	@Success		200	{object}	records.OfficerProfile
//	@Failure		400	{object}	Problem
//	@Failure		401	{object}	Problem
//	@Failure		403	{object}	Problem
//	@Failure		404	{object}	Problem
//	@Router			/api/v1/officers/{id}/profile [get]
func (h *recordsHandler) officerProfile(c *echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	o, err := h.svc.OfficerProfile(c.Request().Context(), principalOf(c), id, clientOf(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, o)
}

// addExam records an exam result.
//
//	@Summary	Record an exam result
//	@Tags		records
//	@Accept		json
//	@Produce	json
//	@Security	Bearer
//	@Param		id		path		int					true	"officer id"	minimum(1)
//	@Param		body	body		records.ExamInput	true	"the result"
//	@Success	201		{object}	records.Exam
//	@Failure	400		{object}	Problem
//	@Failure	401		{object}	Problem
//	@Failure	403		{object}	Problem
//	@Failure	404		{object}	Problem
//	@Router		/api/v1/officers/{id}/exams [post]
func (h *recordsHandler) addExam(c *echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in records.ExamInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	e, err := h.svc.AddExam(c.Request().Context(), principalOf(c), id, in, clientOf(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, e)
}

// putPhoto uploads an officer's ID photo.
//
//	@Summary		Upload an officer's ID photo
//	@Description	A JPEG or PNG, recognised by its content (never by file name or declared type), of at most 2 MB and 6000 px a side, at least 295×413 px, portrait (height/width 1.2–1.6; an EXIF orientation is honoured). Send it as multipart/form-data in field `photo` (or `file`), or as the raw request body (Content-Type image/jpeg or image/png). It is re-encoded as JPEG: no metadata (EXIF, GPS position) is kept. A refusal names its rule on field `photo`: format, corrupt, max_size, min_size, portrait; over 2 MB is 413. While an application is in progress from submission to production the photo (printed) may not change: 422 with rule `locked_by_application`.
//	@Tags			records
//	@Accept			mpfd
//	@Produce		json
//	@Security		Bearer
//	@Param			id		path		int		true	"officer id"	minimum(1)
//	@Param			photo	formData	file	false	"the photo (multipart/form-data); or send the image as the body"
//	@Success		200		{object}	records.PhotoInfo
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		404		{object}	Problem
//	@Failure		413		{object}	Problem
//	@Failure		422		{object}	Problem
//	@Router			/api/v1/officers/{id}/photo [put]
func (h *recordsHandler) putPhoto(c *echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	data, err := readPhoto(c.Request(), h.svc.MaxPhotoBytes())
	if err != nil {
		return err
	}
	info, err := h.svc.PutPhoto(c.Request().Context(), principalOf(c), id, data, clientOf(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, info)
}

// multipartSlack is what a multipart envelope may add to the photo itself.
const multipartSlack = 64 << 10

// errPhotoTooLarge marks a body cut off at the photo limit.
var errPhotoTooLarge = errors.New("photo too large")

// capped reads at most n bytes and then fails with errPhotoTooLarge.
type capped struct {
	r io.Reader
	n int64
}

func (c *capped) Read(p []byte) (int, error) {
	if c.n <= 0 { // one byte more tells "exactly n" from "more than n"
		var one [1]byte
		n, err := c.r.Read(one[:])
		if n > 0 {
			return 0, errPhotoTooLarge
		}
		return 0, err
	}
	if int64(len(p)) > c.n {
		p = p[:c.n]
	}
	n, err := c.r.Read(p)
	c.n -= int64(n)
	return n, err
}

// readPhoto reads the photo of a multipart form (field photo or file) or a
// raw body, never more than limit bytes of it: beyond that it is 413.
func readPhoto(r *http.Request, limit int64) ([]byte, error) {
	tooLarge := func(err error) bool {
		var sc echo.HTTPStatusCoder
		return errors.Is(err, errPhotoTooLarge) || (errors.As(err, &sc) && sc.StatusCode() == http.StatusRequestEntityTooLarge)
	}
	fail := func(err error) error {
		if tooLarge(err) {
			return echo.ErrStatusRequestEntityTooLarge
		}
		return domain.Invalid(domain.FieldError{Field: "photo", Rule: "upload", Message: "照片上传不完整，请重新上传"})
	}
	mt, params, _ := mime.ParseMediaType(r.Header.Get(echo.HeaderContentType))
	if mt != "multipart/form-data" {
		if r.ContentLength > limit {
			return nil, echo.ErrStatusRequestEntityTooLarge
		}
		b, err := io.ReadAll(&capped{r: r.Body, n: limit})
		if err != nil {
			return nil, fail(err)
		}
		return b, nil
	}
	if r.ContentLength > limit+multipartSlack {
		return nil, echo.ErrStatusRequestEntityTooLarge
	}
	mr := multipart.NewReader(&capped{r: r.Body, n: limit + multipartSlack}, params["boundary"])
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, domain.Invalid(domain.FieldError{Field: "photo", Rule: "required",
				Message: "请在表单字段 photo 中上传照片"})
		}
		if err != nil {
			return nil, fail(err)
		}
		if name := strings.ToLower(part.FormName()); name != "photo" && name != "file" {
			part.Close()
			continue
		}
		b, err := io.ReadAll(&capped{r: part, n: limit})
		if err != nil {
			return nil, fail(err)
		}
		return b, nil
	}
}

// photo serves an officer's ID photo.
//
//	@Summary		An officer's ID photo
//	@Description	The stored JPEG, to whoever may read the officer. Cacheable privately; the ETag is the photo's SHA-256, and If-None-Match with it answers 304 without the image.
//	@Tags			records
//	@Produce		jpeg,json
//	@Security		Bearer
//	@Param			id				path		int		true	"officer id"	minimum(1)
//	@Param			If-None-Match	header		string	false	"ETag of the copy the client holds"
//	@Success		200				{file}		binary	"the photo (image/jpeg)"
//	@Header			200				{string}	ETag	"quoted SHA-256 of the JPEG"
//	@Success		304				"the client's copy is current"
//	@Failure		400				{object}	Problem
//	@Failure		401				{object}	Problem
//	@Failure		403				{object}	Problem
//	@Failure		404				{object}	Problem
//	@Router			/api/v1/officers/{id}/photo [get]
func (h *recordsHandler) photo(c *echo.Context) error { return h.servePhoto(c, false) }

// thumbnail serves an officer's photo thumbnail (96×134).
//
//	@Summary		An officer's photo thumbnail
//	@Description	A 96×134 JPEG cut from the photo's centre, for lists. Cacheable privately with an ETag, like the photo.
//	@Tags			records
//	@Produce		jpeg,json
//	@Security		Bearer
//	@Param			id				path		int		true	"officer id"	minimum(1)
//	@Param			If-None-Match	header		string	false	"ETag of the copy the client holds"
//	@Success		200				{file}		binary	"the thumbnail (image/jpeg)"
//	@Header			200				{string}	ETag	"quoted SHA-256 of the photo, suffixed -thumb"
//	@Success		304				"the client's copy is current"
//	@Failure		400				{object}	Problem
//	@Failure		401				{object}	Problem
//	@Failure		403				{object}	Problem
//	@Failure		404				{object}	Problem
//	@Router			/api/v1/officers/{id}/photo/thumbnail [get]
func (h *recordsHandler) thumbnail(c *echo.Context) error { return h.servePhoto(c, true) }

// photoCacheControl lets the browser keep a photo for ten minutes and then
// revalidate it (304); never in shared caches, and per bearer token.
const photoCacheControl = "private, max-age=600"

func (h *recordsHandler) servePhoto(c *echo.Context, thumbnail bool) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	inm := c.Request().Header.Get("If-None-Match")
	var current func(string) bool
	if inm != "" {
		current = func(etag string) bool { return etagMatches(inm, etag) }
	}
	ph, err := h.svc.Photo(c.Request().Context(), principalOf(c), id, thumbnail, current)
	if err != nil {
		return err
	}
	hd := c.Response().Header()
	hd.Set("ETag", ph.ETag)
	hd.Set("Cache-Control", photoCacheControl) // replaces the API's no-store
	hd.Set("Vary", "Authorization")
	hd.Set("Last-Modified", ph.UpdatedAt.UTC().Format(http.TimeFormat))
	if ph.NotModified {
		return c.NoContent(http.StatusNotModified)
	}
	return c.Blob(http.StatusOK, "image/jpeg", ph.JPEG)
}

// etagMatches applies If-None-Match's weak comparison: "*" or any listed
// tag equal to etag, W/ prefixes ignored.
func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == strings.TrimPrefix(etag, "W/") {
			return true
		}
	}
	return false
}

// transferOfficer moves an officer to another unit (调动).
//
//	@Summary		Transfer an officer to another unit (调动)
//	@Description	For legal offices and administrators whose region holds both the officer's unit and the new one (else 403, or 404 when the officer is not visible). An ID number is on record once, so a person who moves keeps the record and it moves with them. Refused while an application is in progress (422, rule `open_application`), when a certificate is suspended or in production, or overdue for inspection (it can only be cancelled). The unit is printed on the card: every active certificate gets a renewal (换发) application opened for the new unit, waiting for its unit stamp (`renewal_application_ids`). Send the record's `version` (409 if someone changed it); `area` optionally replaces the printed 执法区域. Recorded in the officer's timeline and audited.
//	@Tags			records
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			id		path		int						true	"officer id"	minimum(1)
//	@Param			body	body		records.TransferInput	true	"the new unit and the reason"
//	@Success		201		{object}	records.TransferResult
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		404		{object}	Problem
//	@Failure		409		{object}	Problem
//	@Failure		422		{object}	Problem
//	@Router			/api/v1/officers/{id}/transfer [post]
func (h *recordsHandler) transferOfficer(c *echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in records.TransferInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	t, err := h.svc.TransferOfficer(c.Request().Context(), principalOf(c), id, in, clientOf(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, t)
}
