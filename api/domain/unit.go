package domain

// Unit is a law-enforcement body (执法单位). It belongs to exactly one region
// and one level; the legal office of the same region reviews it.
type Unit struct {
	ID         int64       `json:"id" validate:"required"`
	Code       string      `json:"code" validate:"required" example:"A00001"`
	Name       string      `json:"name" validate:"required" example:"济南市市场监督管理局"`
	RegionCode RegionCode  `json:"region_code" validate:"required" example:"370100"`
	RegionName string      `json:"region_name" validate:"required" example:"济南市"`
	Level      RegionLevel `json:"level" validate:"required" enums:"province,city,county"`
	CreditCode string      `json:"credit_code,omitempty" example:"11370100004200000X"`
	Contact    string      `json:"contact,omitempty"`
	Phone      string      `json:"phone,omitempty"`
	Dissolved  bool        `json:"dissolved" validate:"required"`
}

// UnitFilter selects units for a list.
type UnitFilter struct {
	Region RegionCode // subtree; empty = all visible
	Query  string     // name or code prefix
	Page   PageRequest
}
