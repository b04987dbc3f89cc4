package domain

// Sex as derived from the ID number (17th digit odd = male).
type Sex string

const (
	SexMale   Sex = "M"
	SexFemale Sex = "F"
)

// Staffing is the employment status; only StaffingEstablished (在编) is
// eligible for a certificate (order 292).
type Staffing string

const (
	StaffingEstablished Staffing = "established" // 在编
	StaffingContract    Staffing = "contract"    // 合同
	StaffingDispatched  Staffing = "dispatched"  // 派遣
	StaffingSeconded    Staffing = "seconded"    // 借调
	StaffingTemporary   Staffing = "temporary"   // 临时
)

// Officer is a law-enforcement officer (执法人员) as shown to authorised
// users. The full ID number never leaves storage in this type: lists carry
// the masked form only.
type Officer struct {
	ID             int64      `json:"id" validate:"required"`
	Code           string     `json:"code" validate:"required" example:"3701000001"`
	Name           string     `json:"name" validate:"required" example:"张三"`
	IDNumberMasked string     `json:"id_number_masked" validate:"required" example:"370102********123X"`
	Sex            Sex        `json:"sex" validate:"required" enums:"M,F"`
	BirthDate      Date       `json:"birth_date" validate:"required" swaggertype:"string" format:"date" example:"1980-01-02"`
	UnitID         int64      `json:"unit_id" validate:"required"`
	UnitName       string     `json:"unit_name" validate:"required" example:"济南市市场监督管理局"`
	RegionCode     RegionCode `json:"region_code" validate:"required" example:"370100"`
	Area           string     `json:"area" validate:"required" example:"济南市"`
	Category       string     `json:"category" validate:"required" example:"市场监管"`
	Education      string     `json:"education,omitempty"`
	Post           string     `json:"post,omitempty"`
	Staffing       Staffing   `json:"staffing" validate:"required" enums:"established,contract,dispatched,seconded,temporary"`
	HasPhoto       bool       `json:"has_photo" validate:"required"`
	// The officer's current certificate, denormalised for the list.
	CertType        *CertType `json:"cert_type" validate:"required" enums:"law_enforcement,supervision" extensions:"x-nullable"`
	CertNo          *string   `json:"cert_no" validate:"required" example:"370100ZF000123" extensions:"x-nullable"`
	CertState       CertState `json:"cert_state" validate:"required" enums:"none,pending,active,suspended,revoked,cancelled,void"`
	LastInspectedOn *Date     `json:"last_inspected_on" validate:"required" swaggertype:"string" format:"date" example:"2010-06-30" extensions:"x-nullable"`
	NextDueOn       *Date     `json:"next_due_on" validate:"required" swaggertype:"string" format:"date" example:"2012-06-30" extensions:"x-nullable"`
	DueState        DueState  `json:"due_state" validate:"required" enums:"none,ok,due_soon,overdue"`
}

// OfficerFilter selects officers for a list. Zero values mean "any".
type OfficerFilter struct {
	Region      RegionCode // region subtree
	UnitID      int64
	CertState   CertState
	DueState    DueState
	Year        int    // 年检年度: year of the last inspection
	Name        string // prefix
	IDNumber    string // exact, normalised
	OfficerCode string // exact
	CertNo      string // exact
	Page        PageRequest
}
