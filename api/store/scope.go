package store

import (
	"gorm.io/gorm"

	"github.com/lecms/lecms/api/domain"
)

// inRegion restricts a table with prov_code/city_code/region_code columns to
// a region subtree using the equality column of the code's level, so the
// query is an index range scan at every level.
func inRegion(table string, code domain.RegionCode) func(*gorm.DB) *gorm.DB {
	return func(q *gorm.DB) *gorm.DB {
		if code == "" {
			return q
		}
		switch code.Level() {
		case domain.LevelProvince:
			return q.Where(table+".prov_code = ?", code.Province())
		case domain.LevelCity:
			return q.Where(table+".city_code = ?", code.City())
		}
		return q.Where(table+".region_code = ?", string(code))
	}
}
