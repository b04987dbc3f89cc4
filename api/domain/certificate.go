package domain

// CertType is a certificate type; the list is configurable, these are the
// defaults (行政执法证, 行政执法监督证).
type CertType string

const (
	CertLawEnforcement CertType = "law_enforcement" // 行政执法证, number code ZF
	CertSupervision    CertType = "supervision"     // 行政执法监督证, number code JD
)

// CertState is a certificate's lifecycle state. CertNone is used only in
// lists, for officers who hold no certificate yet.
type CertState string

const (
	CertNone      CertState = "none"
	CertPending   CertState = "pending"   // applied/approved, awaiting production
	CertActive    CertState = "active"    // issued, chip written
	CertSuspended CertState = "suspended" // 暂扣
	CertRevoked   CertState = "revoked"   // 吊销
	CertCancelled CertState = "cancelled" // 注销
	CertVoid      CertState = "void"      // 作废 (lost and declared void, or replaced)
)

// Certificate is a law-enforcement certificate (执法证).
type Certificate struct {
	ID              int64      `json:"id"`
	OfficerID       int64      `json:"officer_id"`
	Type            CertType   `json:"type" enums:"law_enforcement,supervision"`
	Number          string     `json:"number,omitempty" example:"370100ZF000123"`
	State           CertState  `json:"state" enums:"pending,active,suspended,revoked,cancelled,void"`
	IssuedOn        *Date      `json:"issued_on" swaggertype:"string" format:"date" extensions:"x-nullable"`
	LastInspectedOn *Date      `json:"last_inspected_on" swaggertype:"string" format:"date" extensions:"x-nullable"`
	NextDueOn       *Date      `json:"next_due_on" swaggertype:"string" format:"date" extensions:"x-nullable"`
	ChipUID         string     `json:"chip_uid,omitempty"`
	CardSerial      string     `json:"card_serial,omitempty"`
	RegionCode      RegionCode `json:"region_code"`
}
