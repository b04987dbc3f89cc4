package domain

// RegionLevel is the administrative level of a region or unit.
type RegionLevel string

const (
	LevelProvince RegionLevel = "province"
	LevelCity     RegionLevel = "city"
	LevelCounty   RegionLevel = "county"
)

// Region is one node of the GB/T 2260 administrative tree.
type Region struct {
	Code       RegionCode  `json:"code" validate:"required" example:"370102"`
	Name       string      `json:"name" validate:"required" example:"历下区"`
	Level      RegionLevel `json:"level" validate:"required" enums:"province,city,county"`
	ParentCode RegionCode  `json:"parent_code,omitempty" example:"370100"`
}

// RegionNode is a region with its children, for the tree endpoint.
type RegionNode struct {
	Code     RegionCode    `json:"code" validate:"required" example:"370100"`
	Name     string        `json:"name" validate:"required" example:"济南市"`
	Level    RegionLevel   `json:"level" validate:"required" enums:"province,city,county"`
	Children []*RegionNode `json:"children,omitempty"`
}
