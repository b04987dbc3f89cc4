package domain

// Role is a user role (see DOMAIN.md "Who uses it").
type Role string

const (
	RoleUnitOperator  Role = "unit_operator"  // 单位经办人
	RoleUnitReviewer  Role = "unit_reviewer"  // 单位审核人
	RoleLegalReviewer Role = "legal_reviewer" // 法制机构审核人
	RoleCardIssuer    Role = "card_issuer"    // 制证员
	RoleAdmin         Role = "admin"          // 系统管理员
)

// Label is the role's Chinese name.
func (r Role) Label() string {
	switch r {
	case RoleUnitOperator:
		return "单位经办人"
	case RoleUnitReviewer:
		return "单位审核人"
	case RoleLegalReviewer:
		return "法制机构审核人"
	case RoleCardIssuer:
		return "制证员"
	case RoleAdmin:
		return "系统管理员"
	}
	return string(r)
}

// UnitRole reports whether the role acts for one unit only.
func (r Role) UnitRole() bool { return r == RoleUnitOperator || r == RoleUnitReviewer }

// ParseRole accepts only the known roles.
func ParseRole(s string) (Role, bool) {
	switch r := Role(s); r {
	case RoleUnitOperator, RoleUnitReviewer, RoleLegalReviewer, RoleCardIssuer, RoleAdmin:
		return r, true
	}
	return "", false
}

// User is an account as administrators and the user see it.
type User struct {
	ID                 int64      `json:"id" validate:"required"`
	Username           string     `json:"username" validate:"required" example:"lixia_operator"`
	DisplayName        string     `json:"display_name" validate:"required" example:"历下城管经办人"`
	Role               Role       `json:"role" validate:"required" enums:"unit_operator,unit_reviewer,legal_reviewer,card_issuer,admin"`
	Scope              RegionCode `json:"scope" validate:"required" example:"370102"`
	UnitID             *int64     `json:"unit_id" validate:"required" extensions:"x-nullable"`
	MustChangePassword bool       `json:"must_change_password" validate:"required"`
	Disabled           bool       `json:"disabled" validate:"required"`
	Locked             bool       `json:"locked" validate:"required"`
}
