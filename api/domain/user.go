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
