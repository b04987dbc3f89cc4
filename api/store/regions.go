package store

import (
	"context"

	"github.com/lecms/lecms/api/domain"
)

// Regions reads the administrative tree.
type Regions struct{ db *DB }

func NewRegions(db *DB) *Regions { return &Regions{db: db} }

// All returns every region ordered by code (parents before children).
func (s *Regions) All(ctx context.Context) ([]domain.Region, error) {
	var rows []regionRow
	if err := s.db.ctx(ctx).Order("code").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]domain.Region, len(rows))
	for i, r := range rows {
		out[i] = domain.Region{Code: domain.RegionCode(r.Code), Name: r.Name,
			Level: domain.RegionLevel(r.Level), ParentCode: domain.RegionCode(r.ParentCode)}
	}
	return out, nil
}

// Get returns one region or a not-found error.
func (s *Regions) Get(ctx context.Context, code domain.RegionCode) (domain.Region, error) {
	var r regionRow
	if err := s.db.ctx(ctx).Where("code = ?", string(code)).Take(&r).Error; err != nil {
		if isNotFound(err) {
			return domain.Region{}, domain.Errorf(domain.CodeNotFound, "行政区划 %s 不存在", code)
		}
		return domain.Region{}, err
	}
	return domain.Region{Code: code, Name: r.Name, Level: domain.RegionLevel(r.Level), ParentCode: domain.RegionCode(r.ParentCode)}, nil
}

// Upsert inserts or renames regions, for seeding.
func (s *Regions) Upsert(ctx context.Context, regions []domain.Region) error {
	rows := make([]regionRow, len(regions))
	for i, r := range regions {
		rows[i] = regionRow{Code: string(r.Code), Name: r.Name, Level: string(r.Code.Level()), ParentCode: string(r.Code.Parent())}
	}
	return s.db.ctx(ctx).Save(&rows).Error
}
