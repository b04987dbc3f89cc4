package store

import "time"

// Identity tables: signing keys, sessions (refresh-token families), refresh
// tokens, password history, rate-limit buckets and API clients. All state
// that login and refresh depend on lives here, so any replica can serve any
// request.

type signingKeyRow struct {
	KID        string    `gorm:"column:kid;primaryKey;size:32"`
	Alg        string    `gorm:"size:16;not null"`
	PrivateEnc []byte    `gorm:"not null"` // sealed with the data key
	Public     []byte    `gorm:"not null"`
	CreatedAt  time.Time `gorm:"not null;index"`
}

func (signingKeyRow) TableName() string { return "signing_keys" }

type sessionRow struct {
	ID         string `gorm:"primaryKey;size:32"`
	UserID     int64  `gorm:"not null;index"`
	IP         string `gorm:"size:64;not null;default:''"`
	UserAgent  string `gorm:"size:256;not null;default:''"`
	CreatedAt  time.Time
	LastSeenAt time.Time `gorm:"not null"`
	RevokedAt  *time.Time
	RevokeWhy  string `gorm:"size:32;not null;default:''"`
}

func (sessionRow) TableName() string { return "sessions" }

type refreshTokenRow struct {
	Hash      []byte    `gorm:"primaryKey"` // SHA-256 of the token: the token itself is never stored
	SessionID string    `gorm:"size:32;not null;index"`
	ExpiresAt time.Time `gorm:"not null"`
	UsedAt    *time.Time
	CreatedAt time.Time
}

func (refreshTokenRow) TableName() string { return "refresh_tokens" }

type passwordHistoryRow struct {
	ID           int64     `gorm:"primaryKey"`
	UserID       int64     `gorm:"not null;index"`
	PasswordHash string    `gorm:"size:256;not null"`
	CreatedAt    time.Time `gorm:"not null"`
}

func (passwordHistoryRow) TableName() string { return "password_history" }

type rateBucketRow struct {
	Key         string    `gorm:"primaryKey;size:128"`
	WindowStart time.Time `gorm:"not null"`
	Count       int       `gorm:"not null"`
}

func (rateBucketRow) TableName() string { return "rate_buckets" }

type apiClientRow struct {
	ID          int64  `gorm:"primaryKey"`
	ClientID    string `gorm:"size:64;not null;uniqueIndex"`
	Name        string `gorm:"size:128;not null"`
	SecretHash  string `gorm:"size:256;not null"`
	Grants      string `gorm:"size:512;not null"` // space-separated scopes
	ScopeRegion string `gorm:"size:6;not null"`
	RatePerMin  int    `gorm:"not null"`
	Disabled    bool   `gorm:"not null;default:false"`
	CreatedBy   int64  `gorm:"not null"`
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

func (apiClientRow) TableName() string { return "api_clients" }

func identityModels() []any {
	return []any{&signingKeyRow{}, &sessionRow{}, &refreshTokenRow{}, &passwordHistoryRow{}, &rateBucketRow{}, &apiClientRow{}}
}
