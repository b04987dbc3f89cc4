package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v5"

	"github.com/lecms/lecms/api/domain"
)

// IDNumberCheck asks to validate an ID number.
type IDNumberCheck struct {
	IDNumber string `json:"id_number" validate:"required" example:"11010519491231002x" maxLength:"40"`
}

// IDNumberInfo is what an ID number says about its holder; forms use it to
// fill sex and birth date (seed: 生日和性别会根据身份证编号自动识别).
type IDNumberInfo struct {
	IDNumber   string            `json:"id_number" validate:"required" example:"11010519491231002X"`
	Masked     string            `json:"masked" validate:"required" example:"110105********002X"`
	Sex        domain.Sex        `json:"sex" validate:"required" enums:"M,F"`
	BirthDate  domain.Date       `json:"birth_date" validate:"required" swaggertype:"string" format:"date" example:"1949-12-31"`
	RegionCode domain.RegionCode `json:"region_code" validate:"required" example:"110105"`
}

// checkIDNumber validates and normalises an ID number (GB 11643).
//
//	@Summary	Validate an ID number and derive sex and birth date
//	@Tags		tools
//	@Accept		json
//	@Produce	json
//	@Security	Bearer
//	@Param		body	body		IDNumberCheck	true	"the number as typed"
//	@Success	200		{object}	IDNumberInfo
//	@Failure	400		{object}	Problem
//	@Failure	401		{object}	Problem
//	@Failure	403		{object}	Problem
//	@Failure	413		{object}	Problem
//	@Router		/api/v1/id-numbers/check [post]
func checkIDNumber(c *echo.Context) error {
	var in IDNumberCheck
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	id, err := domain.ParseIDNumber(in.IDNumber)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, IDNumberInfo{IDNumber: string(id), Masked: id.Masked(), Sex: id.Sex(),
		BirthDate: id.BirthDate(), RegionCode: id.Region()})
}
