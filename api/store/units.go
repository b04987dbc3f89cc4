package store

import (
	"context"

	"github.com/lecms/lecms/api/domain"
)

// Units reads and writes law-enforcement units.
type Units struct{ db *DB }

func NewUnits(db *DB) *Units { return &Units{db: db} }

// unitWithRegion is a list row. The row is a named field: GORM ignores
// embedded fields of unexported types.
type unitWithRegion struct {
	Row        unitRow `gorm:"embedded"`
	RegionName string
}

func (w unitWithRegion) domain() domain.Unit {
	u := w.Row
	return domain.Unit{ID: u.ID, Code: u.Code, Name: u.Name, RegionCode: domain.RegionCode(u.RegionCode),
		RegionName: w.RegionName, Level: domain.RegionLevel(u.Level), CreditCode: u.CreditCode,
		Contact: u.Contact, Phone: u.Phone, Dissolved: u.Dissolved}
}

// List returns units of a region subtree in id order, keyset paginated.
func (s *Units) List(ctx context.Context, f domain.UnitFilter) (domain.Page[domain.Unit], error) {
	q := s.db.ctx(ctx).Table("units").
		Select("units.*, regions.name AS region_name").
		Joins("LEFT JOIN regions ON regions.code = units.region_code").
		Scopes(inRegion("units", f.Region))
	if f.Query != "" {
		lo, hi := prefixRange(f.Query)
		q = q.Where("(units.code = ? OR (units.name >= ? AND units.name < ?))", f.Query, lo, hi)
	}
	if f.Page.Cursor != "" {
		after, err := decodeIDCursor(f.Page.Cursor)
		if err != nil {
			return domain.Page[domain.Unit]{}, err
		}
		q = q.Where("units.id > ?", after)
	}
	var rows []unitWithRegion
	if err := q.Order("units.id").Limit(f.Page.Limit + 1).Find(&rows).Error; err != nil {
		return domain.Page[domain.Unit]{}, err
	}
	page := domain.Page[domain.Unit]{Items: make([]domain.Unit, 0, len(rows))}
	for i, r := range rows {
		if i == f.Page.Limit {
			page.NextCursor = idCursor{ID: rows[i-1].Row.ID}.encode()
			break
		}
		page.Items = append(page.Items, r.domain())
	}
	return page, nil
}

// Get returns one unit.
func (s *Units) Get(ctx context.Context, id int64) (domain.Unit, error) {
	var r unitWithRegion
	err := s.db.ctx(ctx).Table("units").Select("units.*, regions.name AS region_name").
		Joins("LEFT JOIN regions ON regions.code = units.region_code").
		Where("units.id = ?", id).Take(&r).Error
	if isNotFound(err) {
		return domain.Unit{}, domain.Errorf(domain.CodeNotFound, "执法单位不存在")
	}
	return r.domain(), err
}

// prefixRange turns a prefix search into a byte-order range [lo, hi), which
// a B-tree index can scan under any database.
func prefixRange(prefix string) (string, string) {
	return prefix, prefix + "\U0010FFFF"
}

// ByCode returns the unit with a 6-character code.
func (s *Units) ByCode(ctx context.Context, code string) (domain.Unit, error) {
	var r unitWithRegion
	err := s.db.ctx(ctx).Table("units").Select("units.*, regions.name AS region_name").
		Joins("LEFT JOIN regions ON regions.code = units.region_code").
		Where("units.code = ?", code).Take(&r).Error
	if isNotFound(err) {
		return domain.Unit{}, domain.Errorf(domain.CodeNotFound, "执法单位 %s 不存在", code)
	}
	return r.domain(), err
}
