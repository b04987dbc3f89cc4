package domain

import "time"

// AppKind is the kind of an application (申请).
type AppKind string

const (
	AppNewCard      AppKind = "new_card"     // 办卡
	AppReplacement  AppKind = "replacement"  // 补卡
	AppRenewal      AppKind = "renewal"      // 换发
	AppInspection   AppKind = "inspection"   // 年检
	AppCancellation AppKind = "cancellation" // 注销
	AppSuspension   AppKind = "suspension"   // 暂扣 (legal offices only)
	AppRevocation   AppKind = "revocation"   // 吊销 (legal offices only)
)

// AppState is an application's state in the approval chain.
type AppState string

const (
	AppDraft         AppState = "draft"          // entered, not yet submitted
	AppSubmitted     AppState = "submitted"      // waiting for the unit reviewer
	AppUnitApproved  AppState = "unit_approved"  // waiting for the legal office
	AppLegalApproved AppState = "legal_approved" // approved; production / chip sync follows
	AppInProduction  AppState = "in_production"  // in a provincial production batch
	AppCompleted     AppState = "completed"      // card issued / chip synced / done
	AppReturned      AppState = "returned"       // rejected with a reason; applicant may amend
	AppWithdrawn     AppState = "withdrawn"      // withdrawn by the applicant
	AppStale         AppState = "stale"          // inspection approval not synced in its round
)

// Decision of one approval step.
type Decision string

const (
	DecisionApprove Decision = "approve"
	DecisionReject  Decision = "reject"
)

// Application is one officer's request of one kind, moving through the
// approval chain; batches act on many applications at once.
type Application struct {
	ID              int64      `json:"id" validate:"required"`
	Kind            AppKind    `json:"kind" validate:"required" enums:"new_card,replacement,renewal,inspection,cancellation,suspension,revocation"`
	State           AppState   `json:"state" validate:"required" enums:"draft,submitted,unit_approved,legal_approved,in_production,completed,returned,withdrawn,stale"`
	OfficerID       int64      `json:"officer_id" validate:"required"`
	OfficerCode     string     `json:"officer_code" validate:"required"`
	OfficerName     string     `json:"officer_name" validate:"required"`
	IDNumberMasked  string     `json:"id_number_masked" validate:"required"`
	UnitID          int64      `json:"unit_id" validate:"required"`
	UnitName        string     `json:"unit_name" validate:"required"`
	RegionCode      RegionCode `json:"region_code" validate:"required"`
	CertType        CertType   `json:"cert_type" validate:"required" enums:"law_enforcement,supervision"`
	CertificateID   *int64     `json:"certificate_id" validate:"required" extensions:"x-nullable"`
	CertNo          *string    `json:"cert_no" validate:"required" extensions:"x-nullable"`
	Reason          string     `json:"reason" validate:"required"`
	RoundYear       int        `json:"round_year" validate:"required"` // inspections: 年检年度
	RoundDueOn      *Date      `json:"round_due_on" validate:"required" swaggertype:"string" format:"date" extensions:"x-nullable"`
	ApplicantID     int64      `json:"applicant_id" validate:"required"`
	ApplicantName   string     `json:"applicant_name" validate:"required"`
	ReturnedComment string     `json:"returned_comment" validate:"required"`
	Version         int        `json:"version" validate:"required"`
	CreatedAt       time.Time  `json:"created_at" validate:"required"`
	UpdatedAt       time.Time  `json:"updated_at" validate:"required"`
	Chip            ChipFacts  `json:"chip" validate:"required"`
}

// ChipFacts are what the server knows of an application's chip: the
// certificate's chip, whether a chip write was confirmed by the card
// agent's receipt, and, for inspections, steps 4 and 5.
type ChipFacts struct {
	// UID is the certificate's chip UID (upper-case hex), "" while none is known.
	UID string `json:"uid" validate:"required" example:"5C1D2E3F"`
	// WrittenAt: the server accepted the agent's receipt for this
	// application's chip write (new card: the issue; inspection: the sync),
	// null while none was accepted (and for a sync recorded by hand).
	WrittenAt *time.Time `json:"written_at" validate:"required" extensions:"x-nullable"`
	// SyncedAt: inspections, step 4 recorded (by receipt or by hand).
	SyncedAt *time.Time `json:"synced_at" validate:"required" extensions:"x-nullable"`
	// SyncMethod: how step 4 was recorded: chip (receipt), manual (by hand), "" not yet.
	SyncMethod string `json:"sync_method" validate:"required" enums:",chip,manual"`
	// NextDueOn: inspections, the validity date step 4 recorded (what the new sticker shows).
	NextDueOn *Date `json:"next_due_on" validate:"required" swaggertype:"string" format:"date" extensions:"x-nullable"`
	// StickerAt: inspections, step 5 (validity sticker replaced).
	StickerAt *time.Time `json:"sticker_at" validate:"required" extensions:"x-nullable"`
}

// TimelineTransfer is the kind of a timeline entry that is no application:
// a move of the officer to another unit (调动), which has Step.Transfer.
const TimelineTransfer = "transfer"

// Step is one entry of an officer's timeline: a step of one of its
// applications, or a transfer (kind "transfer", application_id 0).
type Step struct {
	ApplicationID int64         `json:"application_id" validate:"required"`
	Kind          AppKind       `json:"kind" validate:"required" swaggertype:"string" enums:"new_card,replacement,renewal,inspection,cancellation,suspension,revocation,transfer"`
	Transfer      *StepTransfer `json:"transfer,omitempty"`
	Step          string        `json:"step" validate:"required" example:"legal_approve"`
	Decision      string        `json:"decision" validate:"required" example:"approve"`
	ActorName     string        `json:"actor_name" validate:"required"`
	Comment       string        `json:"comment" validate:"required"`
	At            time.Time     `json:"at" validate:"required"`
}

// StepTransfer is where a transfer moved the officer from and to.
type StepTransfer struct {
	FromUnitID   int64  `json:"from_unit_id" validate:"required"`
	FromUnitName string `json:"from_unit_name" validate:"required" example:"济南市历下区城市管理局"`
	ToUnitID     int64  `json:"to_unit_id" validate:"required"`
	ToUnitName   string `json:"to_unit_name" validate:"required" example:"济南市市场监督管理局"`
}

// AppFilter selects applications for queues and lists.
type AppFilter struct {
	Region    RegionCode // subtree
	SameLevel bool       // only units whose region equals Region (a legal office's own level)
	UnitID    int64
	Kind      AppKind
	State     AppState
	OfficerID int64
	Name      string
	Year      int // 年检年度: year of the officer's last inspection
	Page      PageRequest
}
