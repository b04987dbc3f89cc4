package store

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/lecms/lecms/api/domain"
)

func userFromRow(r userRow) User {
	return User{
		ID: r.ID, Username: r.Username, DisplayName: r.DisplayName, PasswordHash: r.PasswordHash,
		Role: domain.Role(r.Role), ScopeRegion: domain.RegionCode(r.ScopeRegion), UnitID: r.UnitID,
		MustChangePassword: r.MustChangePassword, FailedLogins: r.FailedLogins, LockedUntil: r.LockedUntil,
		PasswordChangedAt: r.PasswordChangedAt, Disabled: r.Disabled, CreatedAt: r.CreatedAt,
	}
}

// ByID returns one account or a CodeNotFound error.
func (s *Users) ByID(ctx context.Context, id int64) (User, error) {
	var r userRow
	if err := s.db.ctx(ctx).Where("id = ?", id).Take(&r).Error; err != nil {
		if isNotFound(err) {
			return User{}, domain.Errorf(domain.CodeNotFound, "用户不存在")
		}
		return User{}, err
	}
	return userFromRow(r), nil
}

// LoginFailed counts a failed login and locks the account for lockFor once
// failures reach max. One UPDATE, so concurrent failures all count.
func (s *Users) LoginFailed(ctx context.Context, id int64, now time.Time, max int, lockFor time.Duration) error {
	return s.db.ctx(ctx).Exec(`UPDATE users SET failed_logins = failed_logins + 1,
		locked_until = CASE WHEN failed_logins + 1 >= ? THEN ? ELSE locked_until END, updated_at = ?
		WHERE id = ?`, max, now.Add(lockFor), now, id).Error
}

// LoginSucceeded clears the failure count.
func (s *Users) LoginSucceeded(ctx context.Context, id int64, now time.Time) error {
	return s.db.ctx(ctx).Model(&userRow{}).Where("id = ?", id).
		Updates(map[string]any{"failed_logins": 0, "locked_until": nil, "updated_at": now}).Error
}

// Unlock clears a lockout.
func (s *Users) Unlock(ctx context.Context, id int64, now time.Time) error {
	return s.LoginSucceeded(ctx, id, now)
}

// SetDisabled disables or re-enables an account.
func (s *Users) SetDisabled(ctx context.Context, id int64, disabled bool, now time.Time) error {
	return s.db.ctx(ctx).Model(&userRow{}).Where("id = ?", id).
		Updates(map[string]any{"disabled": disabled, "updated_at": now}).Error
}

// SetPassword stores a new hash, records it in the history and keeps the
// last keep entries.
func (s *Users) SetPassword(ctx context.Context, id int64, hash string, mustChange bool, now time.Time, keep int) error {
	return s.db.ctx(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Model(&userRow{}).Where("id = ?", id).Updates(map[string]any{
			"password_hash": hash, "must_change_password": mustChange, "password_changed_at": now,
			"failed_logins": 0, "locked_until": nil, "updated_at": now,
		}).Error; err != nil {
			return err
		}
		if err := tx.Create(&passwordHistoryRow{UserID: id, PasswordHash: hash, CreatedAt: now}).Error; err != nil {
			return err
		}
		return tx.Where("user_id = ? AND id NOT IN (?)", id,
			tx.Model(&passwordHistoryRow{}).Select("id").Where("user_id = ?", id).Order("id DESC").Limit(keep)).
			Delete(&passwordHistoryRow{}).Error
	})
}

// PasswordHistory returns the last n password hashes, newest first; the
// current hash is included when it was set through SetPassword.
func (s *Users) PasswordHistory(ctx context.Context, id int64, n int) ([]string, error) {
	var hashes []string
	err := s.db.ctx(ctx).Model(&passwordHistoryRow{}).Where("user_id = ?", id).Order("id DESC").Limit(n).Pluck("password_hash", &hashes).Error
	return hashes, err
}

// UserFilter selects accounts for administration.
type UserFilter struct {
	Region domain.RegionCode // accounts whose scope lies in this subtree
	Query  string            // username or display-name prefix
	Limit  int
	Cursor string
}

// List returns accounts whose scope lies in the filter's region subtree,
// by id. The subtree test runs in SQL: scope_region equality columns do
// not exist on users, so the prefix of the 6-digit code is compared.
func (s *Users) List(ctx context.Context, f UserFilter) ([]User, string, error) {
	q := s.db.ctx(ctx).Model(&userRow{})
	switch f.Region.Level() {
	case domain.LevelProvince:
		q = q.Where("substr(scope_region, 1, 2) = ?", f.Region.Province())
	case domain.LevelCity:
		q = q.Where("substr(scope_region, 1, 4) = ?", f.Region.City())
	case domain.LevelCounty:
		q = q.Where("scope_region = ?", string(f.Region))
	}
	if f.Query != "" {
		lo, hi := prefixRange(f.Query)
		q = q.Where("((username >= ? AND username < ?) OR (display_name >= ? AND display_name < ?))", lo, hi, lo, hi)
	}
	if f.Cursor != "" {
		after, err := decodeIDCursor(f.Cursor)
		if err != nil {
			return nil, "", err
		}
		q = q.Where("id > ?", after)
	}
	var rows []userRow
	if err := q.Order("id").Limit(f.Limit + 1).Find(&rows).Error; err != nil {
		return nil, "", err
	}
	var next string
	if len(rows) > f.Limit {
		rows = rows[:f.Limit]
		next = idCursor{ID: rows[len(rows)-1].ID}.encode()
	}
	out := make([]User, len(rows))
	for i, r := range rows {
		out[i] = userFromRow(r)
	}
	return out, next, nil
}
