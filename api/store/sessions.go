package store

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Session is a login: one family of refresh tokens.
type Session struct {
	ID         string
	UserID     int64
	IP         string
	UserAgent  string
	CreatedAt  time.Time
	LastSeenAt time.Time
	RevokedAt  *time.Time
}

// Refresh outcomes the identity service tells apart (all are 401s to the
// client, but reuse is audited and kills the family).
var (
	ErrRefreshUnknown = errors.New("refresh token unknown")
	ErrRefreshReused  = errors.New("refresh token reused: session revoked")
	ErrRefreshExpired = errors.New("refresh token expired")
	ErrSessionRevoked = errors.New("session revoked")
	ErrSessionIdle    = errors.New("session idle too long: revoked")
)

// Sessions stores sessions and their refresh tokens (hashes only).
type Sessions struct{ db *DB }

func NewSessions(db *DB) *Sessions { return &Sessions{db: db} }

// Create starts a session with its first refresh token.
func (s *Sessions) Create(ctx context.Context, sess Session, tokenHash []byte, expires time.Time) error {
	return s.db.ctx(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&sessionRow{ID: sess.ID, UserID: sess.UserID, IP: sess.IP, UserAgent: sess.UserAgent,
			CreatedAt: sess.CreatedAt, LastSeenAt: sess.CreatedAt}).Error; err != nil {
			return err
		}
		return tx.Create(&refreshTokenRow{Hash: tokenHash, SessionID: sess.ID, ExpiresAt: expires, CreatedAt: sess.CreatedAt}).Error
	})
}

// Rotate spends a refresh token and stores its successor, in one
// transaction. A token used twice revokes its whole session (family), as
// does a session idle for longer than idle.
func (s *Sessions) Rotate(ctx context.Context, oldHash, newHash []byte, expires, now time.Time, idle time.Duration) (Session, error) {
	var out Session
	var revokeErr error
	err := s.db.ctx(ctx).Transaction(func(tx *gorm.DB) error {
		// forUpdate starts a fresh chain each time: a GORM chain with
		// clauses must not be reused across queries (conditions pile up).
		forUpdate := func() *gorm.DB {
			if s.db.dialect == Postgres {
				return tx.Clauses(clause.Locking{Strength: "UPDATE"})
			}
			return tx // SQLite: the immediate transaction already excludes writers
		}
		var rt refreshTokenRow
		if err := forUpdate().Where("hash = ?", oldHash).Take(&rt).Error; err != nil {
			if isNotFound(err) {
				return ErrRefreshUnknown
			}
			return err
		}
		var sr sessionRow
		if err := forUpdate().Where("id = ?", rt.SessionID).Take(&sr).Error; err != nil {
			return err
		}
		switch {
		case sr.RevokedAt != nil:
			return ErrSessionRevoked
		case rt.UsedAt != nil:
			revokeErr = ErrRefreshReused
			return revoke(tx, sr.ID, now, "reuse")
		case now.After(rt.ExpiresAt):
			return ErrRefreshExpired
		case now.Sub(sr.LastSeenAt) > idle:
			revokeErr = ErrSessionIdle
			return revoke(tx, sr.ID, now, "idle")
		}
		res := tx.Model(&refreshTokenRow{}).Where("hash = ? AND used_at IS NULL", oldHash).Update("used_at", now)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 { // lost a race with another use of the same token
			revokeErr = ErrRefreshReused
			return revoke(tx, sr.ID, now, "reuse")
		}
		if err := tx.Create(&refreshTokenRow{Hash: newHash, SessionID: sr.ID, ExpiresAt: expires, CreatedAt: now}).Error; err != nil {
			return err
		}
		if err := tx.Model(&sessionRow{}).Where("id = ?", sr.ID).Update("last_seen_at", now).Error; err != nil {
			return err
		}
		out = Session{ID: sr.ID, UserID: sr.UserID, IP: sr.IP, UserAgent: sr.UserAgent, CreatedAt: sr.CreatedAt, LastSeenAt: now}
		return nil
	})
	if err == nil && revokeErr != nil {
		err = revokeErr // the revocation committed; now report why
	}
	return out, err
}

func revoke(tx *gorm.DB, id string, now time.Time, why string) error {
	return tx.Model(&sessionRow{}).Where("id = ? AND revoked_at IS NULL", id).
		Updates(map[string]any{"revoked_at": now, "revoke_why": why}).Error
}

// SessionOf returns the session a refresh token belongs to (for logout).
func (s *Sessions) SessionOf(ctx context.Context, tokenHash []byte) (string, error) {
	var rt refreshTokenRow
	if err := s.db.ctx(ctx).Where("hash = ?", tokenHash).Take(&rt).Error; err != nil {
		if isNotFound(err) {
			return "", ErrRefreshUnknown
		}
		return "", err
	}
	return rt.SessionID, nil
}

// Revoke ends a session.
func (s *Sessions) Revoke(ctx context.Context, id string, now time.Time, why string) error {
	return revoke(s.db.ctx(ctx), id, now, why)
}

// RevokeUser ends every session of a user (password reset, disable).
func (s *Sessions) RevokeUser(ctx context.Context, userID int64, now time.Time, why string) error {
	return s.db.ctx(ctx).Model(&sessionRow{}).Where("user_id = ? AND revoked_at IS NULL", userID).
		Updates(map[string]any{"revoked_at": now, "revoke_why": why}).Error
}

// Active reports whether a session exists and is not revoked; access
// tokens name their session so logout and revocation take effect at once.
func (s *Sessions) Active(ctx context.Context, id string) (bool, error) {
	var n int64
	err := s.db.ctx(ctx).Model(&sessionRow{}).Where("id = ? AND revoked_at IS NULL", id).Count(&n).Error
	return n == 1, err
}
