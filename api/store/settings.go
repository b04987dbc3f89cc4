package store

import (
	"context"
	"encoding/json"
	"time"

	"gorm.io/gorm/clause"
)

// Settings stores configurable rules as JSON documents by key.
type Settings struct{ db *DB }

func NewSettings(db *DB) *Settings { return &Settings{db: db} }

// Get decodes the setting into v; found is false when the key is unset.
func (s *Settings) Get(ctx context.Context, key string, v any) (found bool, err error) {
	var r settingRow
	if err := s.db.ctx(ctx).Where("key = ?", key).Take(&r).Error; err != nil {
		if isNotFound(err) {
			return false, nil
		}
		return false, err
	}
	return true, json.Unmarshal([]byte(r.Value), v)
}

// Put stores v under key.
func (s *Settings) Put(ctx context.Context, key string, v any, by string) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return s.db.ctx(ctx).Clauses(clause.OnConflict{UpdateAll: true}).
		Create(&settingRow{Key: key, Value: string(b), UpdatedAt: time.Now().UTC(), UpdatedBy: by}).Error
}
