package store

import (
	"context"
	"strings"
	"time"

	"github.com/lecms/lecms/api/domain"
)

// APIClient is a registered third-party system.
type APIClient struct {
	ID          int64
	ClientID    string
	Name        string
	SecretHash  string
	Grants      []string
	ScopeRegion domain.RegionCode
	RatePerMin  int
	Disabled    bool
	CreatedAt   time.Time
}

// Clients stores API clients.
type Clients struct{ db *DB }

func NewClients(db *DB) *Clients { return &Clients{db: db} }

func clientFromRow(r apiClientRow) APIClient {
	return APIClient{ID: r.ID, ClientID: r.ClientID, Name: r.Name, SecretHash: r.SecretHash, Grants: strings.Fields(r.Grants),
		ScopeRegion: domain.RegionCode(r.ScopeRegion), RatePerMin: r.RatePerMin, Disabled: r.Disabled, CreatedAt: r.CreatedAt}
}

// Create registers a client.
func (s *Clients) Create(ctx context.Context, c APIClient, createdBy int64) (int64, error) {
	r := apiClientRow{ClientID: c.ClientID, Name: c.Name, SecretHash: c.SecretHash, Grants: strings.Join(c.Grants, " "),
		ScopeRegion: string(c.ScopeRegion), RatePerMin: c.RatePerMin, CreatedBy: createdBy}
	if err := s.db.ctx(ctx).Create(&r).Error; err != nil {
		if isUniqueViolation(err) {
			return 0, domain.Errorf(domain.CodeConflict, "客户端标识已存在")
		}
		return 0, err
	}
	return r.ID, nil
}

// ByClientID returns one client or not found.
func (s *Clients) ByClientID(ctx context.Context, clientID string) (APIClient, error) {
	var r apiClientRow
	if err := s.db.ctx(ctx).Where("client_id = ?", clientID).Take(&r).Error; err != nil {
		if isNotFound(err) {
			return APIClient{}, domain.Errorf(domain.CodeNotFound, "客户端不存在")
		}
		return APIClient{}, err
	}
	return clientFromRow(r), nil
}
