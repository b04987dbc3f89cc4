package store

import "time"

// Tables of the records write side (units, officers, photos, exams). They
// join the schema through recordsModels(), which schemaModels() appends
// after the core models.

// officerPhotoRow holds an officer's ID photo, one per officer: the JPEG as
// re-encoded on upload (no metadata survives), its thumbnail, and the
// SHA-256 of the JPEG, which is the photo's ETag.
type officerPhotoRow struct {
	OfficerID int64     `gorm:"primaryKey;autoIncrement:false"`
	JPEG      []byte    `gorm:"column:jpeg;not null"`
	Thumbnail []byte    `gorm:"not null"`
	SHA256    string    `gorm:"column:sha256;size:64;not null"`
	Width     int       `gorm:"not null"`
	Height    int       `gorm:"not null"`
	UpdatedAt time.Time `gorm:"not null"`
	UpdatedBy int64     `gorm:"not null;default:0"`
}

func (officerPhotoRow) TableName() string { return "officer_photos" }

// recordsModels is what the records write side adds to the schema.
//
// It also needs officers.version (optimistic concurrency of edits), which
// must be a field of officerRow: GORM's AutoMigrate keys models by table
// name, so a second model for "officers" would replace officerRow instead
// of adding a column. officerRow carries
//
//	Version int `gorm:"not null;default:1"`
//
// Rows inserted without it (COPY, bulk inserts) start at version 1.
func recordsModels() []any {
	return []any{&officerPhotoRow{}}
}
