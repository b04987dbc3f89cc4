package store

import (
	"context"
	"errors"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/lecms/lecms/api/domain"
)

// Writes of units (单位管理). Officer creation takes a share lock on its
// unit row and these writes an update lock, so on PostgreSQL a unit cannot
// lose its region or disappear while an officer is being added to it. On
// SQLite every write transaction already excludes the others.

// lockRows adds FOR UPDATE / FOR SHARE on PostgreSQL; SQLite's immediate
// transactions need none (and SQLite has no such clause).
func (db *DB) lockRows(tx *gorm.DB, strength string) *gorm.DB {
	if db.dialect == Postgres {
		return tx.Clauses(clause.Locking{Strength: strength})
	}
	return tx
}

// ValidUnitCode reports whether s is a unit code: 6 upper-case letters or
// digits, e.g. A00001.
func ValidUnitCode(s string) bool { return validUnitCode(s) }

// Create inserts one unit and returns its id. Its region must exist; a
// code in use is CodeConflict naming the code.
func (s *Units) Create(ctx context.Context, u NewUnit) (int64, error) {
	ids, err := s.db.InsertUnits(ctx, []NewUnit{u})
	if domain.ErrorCode(err) == domain.CodeConflict {
		return 0, &domain.Error{Code: domain.CodeConflict, Message: "单位编码 " + u.Code + " 已被其他单位使用", Err: err}
	}
	if err != nil {
		return 0, err
	}
	return ids[0], nil
}

// Update replaces the fields of unit id. A dissolved unit is not edited
// (CodeRuleViolated). The region may change only while no officer and no
// user account belongs to the unit: their region columns and scopes were
// taken from it (CodeConflict).
func (s *Units) Update(ctx context.Context, id int64, u NewUnit) error {
	if _, err := domain.ParseRegionCode(string(u.RegionCode)); err != nil {
		return domain.Errorf(domain.CodeInvalid, "行政区划代码“%s”无效", u.RegionCode)
	}
	err := s.db.ctx(ctx).Transaction(func(tx *gorm.DB) error {
		cur, err := s.lockUnit(tx, id)
		if err != nil {
			return err
		}
		if cur.Dissolved {
			return domain.Errorf(domain.CodeRuleViolated, "单位 %s 已撤销，不能修改", cur.Code)
		}
		if cur.RegionCode != string(u.RegionCode) {
			officers, users, err := unitMembers(tx, id)
			if err != nil {
				return err
			}
			if officers > 0 || users > 0 {
				return domain.Errorf(domain.CodeConflict,
					"单位 %s 已有 %d 名执法人员、%d 个用户账号，不能变更所属行政区划", cur.Code, officers, users)
			}
			var n int64
			if err := tx.Model(&regionRow{}).Where("code = ?", string(u.RegionCode)).Count(&n).Error; err != nil {
				return err
			}
			if n == 0 {
				return domain.Errorf(domain.CodeInvalid, "行政区划 %s 不存在", u.RegionCode)
			}
		}
		r := string(u.RegionCode)
		return tx.Model(&unitRow{}).Where("id = ?", id).Updates(map[string]any{
			"code": u.Code, "name": u.Name, "region_code": r, "prov_code": r[:2], "city_code": r[:4],
			"level": string(u.RegionCode.Level()), "credit_code": u.CreditCode, "contact": u.Contact,
			"phone": u.Phone, "updated_at": s.db.now(),
		}).Error
	})
	if isUniqueViolation(err) {
		return &domain.Error{Code: domain.CodeConflict, Message: "单位编码 " + u.Code + " 已被其他单位使用", Err: err}
	}
	return err
}

// Delete removes a unit that has no officers and no user accounts. A unit
// with officers is dissolved (Dissolve), never deleted: CodeConflict says so.
func (s *Units) Delete(ctx context.Context, id int64) error {
	return s.db.ctx(ctx).Transaction(func(tx *gorm.DB) error {
		cur, err := s.lockUnit(tx, id)
		if err != nil {
			return err
		}
		officers, users, err := unitMembers(tx, id)
		if err != nil {
			return err
		}
		switch {
		case officers > 0:
			return domain.Errorf(domain.CodeConflict,
				"单位 %s 有 %d 名执法人员，不能删除；单位撤销请使用“撤销单位”，其人员证件将依次注销", cur.Code, officers)
		case users > 0:
			return domain.Errorf(domain.CodeConflict, "单位 %s 仍有 %d 个用户账号，请先调整这些账号后再删除", cur.Code, users)
		}
		return tx.Delete(&unitRow{}, id).Error
	})
}

// Dissolve marks a unit dissolved (撤销). already reports that it was
// dissolved before, so a retried call changes nothing.
func (s *Units) Dissolve(ctx context.Context, id int64) (already bool, err error) {
	err = s.db.ctx(ctx).Transaction(func(tx *gorm.DB) error {
		cur, err := s.lockUnit(tx, id)
		if err != nil {
			return err
		}
		if already = cur.Dissolved; already {
			return nil
		}
		return tx.Model(&unitRow{}).Where("id = ?", id).
			Updates(map[string]any{"dissolved": true, "updated_at": s.db.now()}).Error
	})
	return already, err
}

// lockUnit reads a unit row for update inside tx.
func (s *Units) lockUnit(tx *gorm.DB, id int64) (unitRow, error) {
	var r unitRow
	err := s.db.lockRows(tx, "UPDATE").Where("id = ?", id).Take(&r).Error
	if isNotFound(err) {
		return r, domain.Errorf(domain.CodeNotFound, "执法单位不存在")
	}
	return r, err
}

// unitMembers counts the officers and user accounts of a unit.
func unitMembers(tx *gorm.DB, id int64) (officers, users int64, err error) {
	err = errors.Join(
		tx.Model(&officerRow{}).Where("unit_id = ?", id).Count(&officers).Error,
		tx.Model(&userRow{}).Where("unit_id = ?", id).Count(&users).Error,
	)
	return officers, users, err
}
