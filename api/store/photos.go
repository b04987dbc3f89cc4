package store

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Photos stores officers' ID photos (one per officer) in the database, so
// every replica serves them and backups hold them with the records.
type Photos struct{ db *DB }

func NewPhotos(db *DB) *Photos { return &Photos{db: db} }

// Photo is a stored photo. JPEG or Thumbnail is empty when not asked for.
type Photo struct {
	OfficerID     int64
	JPEG          []byte
	Thumbnail     []byte
	SHA256        string // hex, of JPEG
	Width, Height int
	UpdatedAt     time.Time
}

// Put stores or replaces officer id's photo and sets officers.has_photo,
// in one transaction. guard, when not nil, runs first with the officer row
// locked and may refuse the upload (the photo is printed on the card; see
// EditGuard).
func (s *Photos) Put(ctx context.Context, p Photo, by int64, guard EditGuard) error {
	now := s.db.now()
	return s.db.ctx(ctx).Transaction(func(tx *gorm.DB) error {
		cur, err := lockOfficer(s.db, tx, p.OfficerID)
		if err != nil {
			return err
		}
		if err := guard.check(tx, cur); err != nil {
			return err
		}
		if err := tx.Table("officers").Where("id = ?", p.OfficerID).
			Updates(map[string]any{"has_photo": true, "updated_at": now}).Error; err != nil {
			return err
		}
		return tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "officer_id"}}, UpdateAll: true}).
			Create(&officerPhotoRow{OfficerID: p.OfficerID, JPEG: p.JPEG, Thumbnail: p.Thumbnail, SHA256: p.SHA256,
				Width: p.Width, Height: p.Height, UpdatedAt: now, UpdatedBy: by}).Error
	})
}

// Meta returns a photo without its bytes (for ETag checks and the
// profile); found is false when the officer has none.
func (s *Photos) Meta(ctx context.Context, officerID int64) (Photo, bool, error) {
	return s.get(ctx, officerID, "officer_id, sha256, width, height, updated_at")
}

// Get returns a photo with the JPEG (thumbnail false) or the thumbnail.
func (s *Photos) Get(ctx context.Context, officerID int64, thumbnail bool) (Photo, bool, error) {
	col := "jpeg"
	if thumbnail {
		col = "thumbnail"
	}
	return s.get(ctx, officerID, "officer_id, sha256, width, height, updated_at, "+col)
}

func (s *Photos) get(ctx context.Context, officerID int64, cols string) (Photo, bool, error) {
	var r officerPhotoRow
	err := s.db.ctx(ctx).Select(cols).Where("officer_id = ?", officerID).Take(&r).Error
	if isNotFound(err) {
		return Photo{}, false, nil
	}
	if err != nil {
		return Photo{}, false, err
	}
	return Photo{OfficerID: r.OfficerID, JPEG: r.JPEG, Thumbnail: r.Thumbnail, SHA256: r.SHA256,
		Width: r.Width, Height: r.Height, UpdatedAt: r.UpdatedAt}, true, nil
}
