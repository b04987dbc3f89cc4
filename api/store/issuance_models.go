package store

import (
	"time"

	"github.com/lecms/lecms/api/domain"
)

// Tables of production (制证) and chip writing: reports to the province,
// production batches and their cards, registered card agents, write
// tickets, the receipt replay guard, inspection chip syncs and the card
// signing keys. They join the schema through issuanceModels().

// productionReportRow marks a city's legally approved card application as
// reported to the province (报省法制办). Province-level approvals need no
// row: they count as reported at once.
type productionReportRow struct {
	ApplicationID  int64     `gorm:"primaryKey;autoIncrement:false"`
	CityCode       string    `gorm:"size:4;not null;index"`
	ReportedBy     int64     `gorm:"not null"`
	ReportedByName string    `gorm:"size:64;not null"`
	ReportedAt     time.Time `gorm:"not null"`
}

func (productionReportRow) TableName() string { return "production_reports" }

// productionBatchRow is one provincial production batch (制证批次).
type productionBatchRow struct {
	ID            int64     `gorm:"primaryKey"`
	CityCode      string    `gorm:"size:4;not null;default:''"` // the city it was made for; '' when made from ids
	ProvCode      string    `gorm:"size:2;not null;index"`
	ItemCount     int       `gorm:"not null"`
	CreatedBy     int64     `gorm:"not null"`
	CreatedByName string    `gorm:"size:64;not null"`
	CreatedAt     time.Time `gorm:"not null"`
}

func (productionBatchRow) TableName() string { return "production_batches" }

// productionItemRow is one card of a batch: pending until the chip write is
// confirmed by a receipt (written), then handed out (issued).
type productionItemRow struct {
	ApplicationID int64  `gorm:"primaryKey;autoIncrement:false"`
	BatchID       int64  `gorm:"not null;index"`
	CertificateID int64  `gorm:"not null"`
	CardState     string `gorm:"size:16;not null"`
	ChipUID       string `gorm:"size:32;not null;default:''"`
	WrittenAt     *time.Time
	IssuedAt      *time.Time
}

func (productionItemRow) TableName() string { return "production_items" }

// cardAgentRow is a registered card agent: the public half of its device
// key, which signs write receipts.
type cardAgentRow struct {
	ID               int64     `gorm:"primaryKey"`
	Name             string    `gorm:"size:64;not null"`
	KeyID            string    `gorm:"column:key_id;size:16;not null;uniqueIndex"`
	PublicKey        string    `gorm:"size:200;not null"`
	Alg              string    `gorm:"size:16;not null"`
	RegionCode       string    `gorm:"size:6;not null"`
	ProvCode         string    `gorm:"size:2;not null"`
	CityCode         string    `gorm:"size:4;not null"`
	RegisteredBy     int64     `gorm:"not null"`
	RegisteredByName string    `gorm:"size:64;not null"`
	CreatedAt        time.Time `gorm:"not null"`
	// LastUsedAt is when the server last signed a write ticket for it.
	LastUsedAt *time.Time
	// A disabled agent gets no tickets and its receipts are refused; who
	// disabled it, when and why (re-enabling clears them: the audit trail
	// keeps the history).
	DisabledAt     *time.Time
	DisabledBy     int64  `gorm:"not null;default:0"`
	DisabledByName string `gorm:"size:64;not null;default:''"`
	DisabledReason string `gorm:"size:512;not null;default:''"`
}

func (cardAgentRow) TableName() string { return "card_agents" }

// cardTicketRow is a write ticket the server signed, kept until its receipt
// arrives: the receipt is checked against it, and its record's dates are
// what the certificate takes.
type cardTicketRow struct {
	Nonce          []byte      `gorm:"primaryKey"`
	ApplicationID  int64       `gorm:"not null;index"`
	CertificateID  int64       `gorm:"not null;index"`
	Purpose        string      `gorm:"size:8;not null"`
	CertNo         string      `gorm:"size:32;not null"`
	CardUID        string      `gorm:"size:64;not null"` // upper-case hex
	AgentID        int64       `gorm:"not null"`
	DeviceKeyID    string      `gorm:"size:16;not null"`
	Seq            int64       `gorm:"not null"`
	ValidUntil     domain.Date `gorm:"type:date;not null"`
	LastInspection domain.Date `gorm:"type:date;not null"`
	Token          string      `gorm:"type:text;not null"`
	IssuedBy       int64       `gorm:"not null"`
	IssuedAt       time.Time   `gorm:"not null"`
	ExpiresAt      time.Time   `gorm:"not null"`
	UsedAt         *time.Time
	Slot           *int
	ReceiptAt      *time.Time
}

func (cardTicketRow) TableName() string { return "card_tickets" }

// cardReceiptNonceRow is the replay guard: a receipt is accepted once per
// ticket nonce (primary key). Rows may go after expires_at.
type cardReceiptNonceRow struct {
	Nonce     []byte    `gorm:"primaryKey"`
	ExpiresAt time.Time `gorm:"not null;index"`
}

func (cardReceiptNonceRow) TableName() string { return "card_receipt_nonces" }

// inspectionSyncRow records step 4 of an inspection (同步年检): the chip
// written with the new dates (or, where allowed, recorded by hand), and
// step 5 (更换有效期标签) once confirmed.
type inspectionSyncRow struct {
	ApplicationID   int64       `gorm:"primaryKey;autoIncrement:false"`
	CertificateID   int64       `gorm:"not null"`
	Method          string      `gorm:"size:8;not null"` // chip | manual
	TicketNonce     []byte      // chip: the ticket the receipt answered
	Reason          string      `gorm:"size:512;not null;default:''"` // manual: why
	ActorID         int64       `gorm:"not null"`
	ActorName       string      `gorm:"size:64;not null"`
	At              time.Time   `gorm:"not null"`
	LastInspectedOn domain.Date `gorm:"type:date;not null"`
	NextDueOn       domain.Date `gorm:"type:date;not null"`
	StickerAt       *time.Time
	StickerBy       string `gorm:"size:64;not null;default:''"`
}

func (inspectionSyncRow) TableName() string { return "inspection_syncs" }

// cardKeyRow is a card signing key (provincial record key, ticket key) or
// the MIFARE master secret, the private part sealed with the data key.
type cardKeyRow struct {
	Purpose    string    `gorm:"primaryKey;size:16"`
	Alg        string    `gorm:"size:16;not null"`
	PrivateEnc []byte    `gorm:"not null"`
	Public     string    `gorm:"size:200;not null;default:''"`
	CreatedAt  time.Time `gorm:"not null"`
}

func (cardKeyRow) TableName() string { return "card_keys" }

// issuanceModels is what production and chip writing add to the schema.
func issuanceModels() []any {
	return []any{&productionReportRow{}, &productionBatchRow{}, &productionItemRow{}, &cardAgentRow{},
		&cardTicketRow{}, &cardReceiptNonceRow{}, &inspectionSyncRow{}, &cardKeyRow{}}
}
