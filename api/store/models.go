package store

import (
	"time"

	"github.com/lecms/lecms/api/domain"
)

// Row types map tables one to one. They stay in this package: the rest of
// the program sees domain types. Prov/City code columns copy the first 2/4
// digits of the region code so that a region subtree is an index range on
// an equality column instead of LIKE 'prefix%' (which C.UTF-8 cannot index).

type regionRow struct {
	Code       string `gorm:"primaryKey;size:6"`
	Name       string `gorm:"size:64;not null"`
	Level      string `gorm:"size:16;not null"`
	ParentCode string `gorm:"size:6;index"`
}

func (regionRow) TableName() string { return "regions" }

type unitRow struct {
	ID         int64  `gorm:"primaryKey"`
	Code       string `gorm:"size:6;not null;uniqueIndex"`
	Name       string `gorm:"size:128;not null"`
	RegionCode string `gorm:"size:6;not null;index"`
	ProvCode   string `gorm:"size:2;not null"`
	CityCode   string `gorm:"size:4;not null;index"`
	Level      string `gorm:"size:16;not null"`
	CreditCode string `gorm:"size:18"`
	Contact    string `gorm:"size:64"`
	Phone      string `gorm:"size:32"`
	Dissolved  bool   `gorm:"not null;default:false"`
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

func (unitRow) TableName() string { return "units" }

type officerRow struct {
	ID             int64        `gorm:"primaryKey"`
	Code           string       `gorm:"size:32;not null;uniqueIndex"`
	Name           string       `gorm:"size:64;not null"`
	IDNumberEnc    []byte       `gorm:"column:id_number_enc;not null"`
	IDNumberHash   []byte       `gorm:"column:id_number_hash;not null;uniqueIndex"`
	IDNumberMasked string       `gorm:"column:id_number_masked;size:18;not null"`
	Sex            string       `gorm:"size:1;not null"`
	BirthDate      domain.Date  `gorm:"type:date;not null"`
	UnitID         int64        `gorm:"not null"`
	RegionCode     string       `gorm:"size:6;not null"`
	ProvCode       string       `gorm:"size:2;not null"`
	CityCode       string       `gorm:"size:4;not null"`
	Area           string       `gorm:"size:64;not null;default:''"`
	Category       string       `gorm:"size:64;not null;default:''"`
	Education      string       `gorm:"size:32;not null;default:''"`
	Post           string       `gorm:"size:64;not null;default:''"`
	Staffing       string       `gorm:"size:16;not null"`
	HasPhoto       bool         `gorm:"not null;default:false"`
	TrainingHours  int          `gorm:"not null;default:0"`
	ReviewResult   string       `gorm:"size:16;not null;default:''"` // annual review (年度考核)
	SanctionLevel  string       `gorm:"size:16;not null;default:''"`
	SanctionUntil  *domain.Date `gorm:"type:date"`
	Version        int          `gorm:"not null;default:1"` // optimistic concurrency of edits
	// Current certificate, denormalised for the list (kept in step by the
	// same transaction that changes the certificate).
	CertID          *int64
	CertType        *string      `gorm:"size:32"`
	CertNo          *string      `gorm:"size:32"`
	CertState       string       `gorm:"size:16;not null;default:'none'"`
	LastInspectedOn *domain.Date `gorm:"type:date"`
	NextDueOn       *domain.Date `gorm:"type:date"`
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

func (officerRow) TableName() string { return "officers" }

type examRow struct {
	ID        int64       `gorm:"primaryKey"`
	OfficerID int64       `gorm:"not null;index"`
	Kind      string      `gorm:"size:16;not null"` // general | special
	TakenOn   domain.Date `gorm:"type:date;not null"`
	Score     float64     `gorm:"not null"`
	Passed    bool        `gorm:"not null"`
	CreatedAt time.Time
}

func (examRow) TableName() string { return "exam_records" }

type certificateRow struct {
	ID              int64        `gorm:"primaryKey"`
	OfficerID       int64        `gorm:"not null;index"`
	Type            string       `gorm:"size:32;not null"`
	Number          *string      `gorm:"size:32;uniqueIndex"`
	State           string       `gorm:"size:16;not null"`
	IssuedOn        *domain.Date `gorm:"type:date"`
	LastInspectedOn *domain.Date `gorm:"type:date"`
	NextDueOn       *domain.Date `gorm:"type:date"`
	ChipUID         string       `gorm:"size:32;not null;default:''"`
	CardSerial      string       `gorm:"size:32;not null;default:''"`
	RegionCode      string       `gorm:"size:6;not null"`
	ProvCode        string       `gorm:"size:2;not null"`
	CityCode        string       `gorm:"size:4;not null"`
	VoidReason      string       `gorm:"size:256;not null;default:''"`
	BarredUntil     *domain.Date `gorm:"type:date"`          // revocation bars a new application
	Inspections     int          `gorm:"not null;default:0"` // completed inspections: an exam is due every Nth
	Version         int          `gorm:"not null;default:1"`
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

func (certificateRow) TableName() string { return "certificates" }

type applicationRow struct {
	ID              int64        `gorm:"primaryKey"`
	Kind            string       `gorm:"size:16;not null"`
	State           string       `gorm:"size:16;not null"`
	OfficerID       int64        `gorm:"not null;index"`
	CertificateID   *int64       `gorm:"index"`
	CertType        string       `gorm:"size:32;not null"`
	UnitID          int64        `gorm:"not null;index"`
	RegionCode      string       `gorm:"size:6;not null"`
	ProvCode        string       `gorm:"size:2;not null"`
	CityCode        string       `gorm:"size:4;not null"`
	ApplicantID     int64        `gorm:"not null"`
	ApplicantName   string       `gorm:"size:64;not null"`
	Reason          string       `gorm:"size:512;not null;default:''"`
	Payload         string       `gorm:"type:text;not null;default:'{}'"` // kind-specific JSON (void notice, changes)
	RoundYear       int          `gorm:"not null;default:0"`              // inspections: 年检年度
	RoundDueOn      *domain.Date `gorm:"type:date"`                       // inspections: the due date being inspected
	ReturnedComment string       `gorm:"size:512;not null;default:''"`
	Version         int          `gorm:"not null;default:1"`
	SubmittedAt     *time.Time
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

func (applicationRow) TableName() string { return "applications" }

// numberSequenceRow allocates certificate numbers per region and type;
// the row lock of its UPDATE makes numbers unique under concurrency.
type numberSequenceRow struct {
	Key  string `gorm:"primaryKey;size:32"`
	Next int64  `gorm:"not null"`
}

func (numberSequenceRow) TableName() string { return "number_sequences" }

type approvalStepRow struct {
	ID            int64     `gorm:"primaryKey"`
	ApplicationID int64     `gorm:"not null;index"`
	Step          string    `gorm:"size:16;not null"` // unit | legal | production | chip_sync | sticker
	Decision      string    `gorm:"size:16;not null"`
	ActorID       int64     `gorm:"not null"`
	ActorName     string    `gorm:"size:64;not null"`
	Comment       string    `gorm:"size:512;not null;default:''"`
	At            time.Time `gorm:"not null"`
}

func (approvalStepRow) TableName() string { return "approval_steps" }

type userRow struct {
	ID                 int64  `gorm:"primaryKey"`
	Username           string `gorm:"size:64;not null;uniqueIndex"`
	DisplayName        string `gorm:"size:64;not null"`
	PasswordHash       string `gorm:"size:256;not null"`
	Role               string `gorm:"size:32;not null"`
	ScopeRegion        string `gorm:"size:6;not null"`
	UnitID             *int64 `gorm:"index"`
	MustChangePassword bool   `gorm:"not null;default:true"`
	FailedLogins       int    `gorm:"not null;default:0"`
	LockedUntil        *time.Time
	PasswordChangedAt  time.Time
	Disabled           bool `gorm:"not null;default:false"`
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

func (userRow) TableName() string { return "users" }

type auditRow struct {
	ID         int64     `gorm:"primaryKey"`
	At         time.Time `gorm:"not null;index"`
	ActorID    *int64
	ActorName  string `gorm:"size:64;not null;default:''"`
	Role       string `gorm:"size:32;not null;default:''"`
	Scope      string `gorm:"size:16;not null;default:''"`
	ProvCode   string `gorm:"size:2;not null;default:''"` // from Scope, for subtree search (see scope.go)
	CityCode   string `gorm:"size:4;not null;default:''"`
	Action     string `gorm:"size:64;not null;index"`
	TargetType string `gorm:"size:32;not null;default:''"`
	TargetID   string `gorm:"size:64;not null;default:''"`
	Result     string `gorm:"size:16;not null"`
	IP         string `gorm:"size:64;not null;default:''"`
	RequestID  string `gorm:"size:64;not null;default:''"`
	Detail     string `gorm:"type:text;not null;default:'{}'"`
	PrevHash   []byte
	Hash       []byte `gorm:"not null"`
}

func (auditRow) TableName() string { return "audit_events" }

// auditChainRow is the single row (id 1) holding the audit chain's state:
// the head (last appended row) and the anchor (last pruned row). Appends
// lock it, so the chain stays linear across replicas, and Verify compares
// the last row with the head, so deleting the newest rows is detected.
type auditChainRow struct {
	ID         int64  `gorm:"primaryKey;autoIncrement:false"`
	Algorithm  string `gorm:"size:16;not null;default:''"`
	HeadID     int64  `gorm:"not null;default:0"`
	HeadHash   []byte
	AnchorID   int64 `gorm:"not null;default:0"`
	AnchorHash []byte
	AnchorAt   *time.Time
	UpdatedAt  time.Time
}

func (auditChainRow) TableName() string { return "audit_chain" }

type settingRow struct {
	Key       string `gorm:"primaryKey;size:64"`
	Value     string `gorm:"type:text;not null"`
	UpdatedAt time.Time
	UpdatedBy string `gorm:"size:64;not null;default:''"`
}

func (settingRow) TableName() string { return "settings" }

type schemaVersionRow struct {
	Version   int `gorm:"primaryKey;autoIncrement:false"`
	AppliedAt time.Time
}

func (schemaVersionRow) TableName() string { return "schema_versions" }

// allModels is the schema in dependency order.
func allModels() []any {
	return []any{
		&regionRow{}, &unitRow{}, &officerRow{}, &examRow{}, &certificateRow{},
		&applicationRow{}, &numberSequenceRow{}, &approvalStepRow{}, &userRow{},
		&auditRow{}, &auditChainRow{}, &settingRow{}, &schemaVersionRow{},
	}
}

// schemaModels is every table this build migrates.
func schemaModels() []any {
	return append(append(append(allModels(), identityModels()...), issuanceModels()...), append(recordsModels(), transferModels()...)...)
}
