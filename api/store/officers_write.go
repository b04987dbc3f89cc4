package store

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/lecms/lecms/api/domain"
)

// OfficerFields are an officer's editable fields (档案管理). The ID number
// arrives protected, as for NewOfficer: sealed with IDNumberAAD, its blind
// index and its masked form.
type OfficerFields struct {
	Code           string
	Name           string
	IDNumberEnc    []byte
	IDNumberHash   []byte
	IDNumberMasked string
	Sex            domain.Sex
	BirthDate      domain.Date
	UnitID         int64 // Create only: an edit never moves an officer to another unit
	Area           string
	Category       string
	Education      string
	Post           string
	Staffing       domain.Staffing
	TrainingHours  int
	ReviewResult   string
	SanctionLevel  string
	SanctionUntil  *domain.Date
}

// OfficerRecord is an officer's stored record as the edit form needs it.
type OfficerRecord struct {
	OfficerFields
	ID            int64
	RegionCode    domain.RegionCode
	UnitName      string
	UnitDissolved bool
	HasPhoto      bool
	Version       int
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// officerRecordRow scans officers.* with the version and unit columns.
type officerRecordRow struct {
	Row           officerRow `gorm:"embedded"`
	RecordVersion int
	UnitName      string
	UnitDissolved bool
}

// Record returns officer id's full record, or CodeNotFound. It is not
// scoped: callers authorise against RegionCode and UnitID.
func (s *Officers) Record(ctx context.Context, id int64) (OfficerRecord, error) {
	var w officerRecordRow
	err := s.db.ctx(ctx).Table("officers").
		Select("officers.*, officers.version AS record_version, units.name AS unit_name, units.dissolved AS unit_dissolved").
		Joins("JOIN units ON units.id = officers.unit_id").Where("officers.id = ?", id).Take(&w).Error
	if isNotFound(err) {
		return OfficerRecord{}, domain.Errorf(domain.CodeNotFound, "执法人员不存在")
	}
	if err != nil {
		return OfficerRecord{}, err
	}
	r := w.Row
	return OfficerRecord{
		OfficerFields: fieldsOf(r),
		ID:            r.ID, RegionCode: domain.RegionCode(r.RegionCode), UnitName: w.UnitName, UnitDissolved: w.UnitDissolved,
		HasPhoto: r.HasPhoto, Version: w.RecordVersion, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
	}, nil
}

// fieldsOf is the editable part of an officer row.
func fieldsOf(r officerRow) OfficerFields {
	return OfficerFields{
		Code: r.Code, Name: r.Name, IDNumberEnc: r.IDNumberEnc, IDNumberHash: r.IDNumberHash,
		IDNumberMasked: r.IDNumberMasked, Sex: domain.Sex(r.Sex), BirthDate: r.BirthDate, UnitID: r.UnitID,
		Area: r.Area, Category: r.Category, Education: r.Education, Post: r.Post,
		Staffing: domain.Staffing(r.Staffing), TrainingHours: r.TrainingHours, ReviewResult: r.ReviewResult,
		SanctionLevel: r.SanctionLevel, SanctionUntil: r.SanctionUntil,
	}
}

// EditGuard decides whether a write to an officer's record (an edit or a
// photo) may go ahead, given the officer's stored fields and the
// application in progress (nil when none). It runs inside the write's
// transaction with the officer row locked FOR UPDATE, and
// Applications.Create takes the same row lock, so no application can be
// submitted between the check and the commit: the printed-field lock is
// atomic with the write it guards. It returns a *domain.Error to refuse.
type EditGuard func(cur OfficerFields, open *OpenApplication) error

// lockOfficer locks officer id's row for a write of its record: FOR
// UPDATE on PostgreSQL; on SQLite the immediate transaction already holds
// the database's write lock.
func lockOfficer(db *DB, tx *gorm.DB, id int64) (officerRow, error) {
	var cur officerRow
	err := db.lockRows(tx, "UPDATE").Where("id = ?", id).Take(&cur).Error
	if isNotFound(err) {
		return cur, domain.Errorf(domain.CodeNotFound, "执法人员不存在")
	}
	return cur, err
}

// check runs g (when not nil) on the locked row cur and the officer's
// application in progress, read in the same transaction.
func (g EditGuard) check(tx *gorm.DB, cur officerRow) error {
	if g == nil {
		return nil
	}
	open, err := openFor(tx, cur.ID)
	if err != nil {
		return err
	}
	return g(fieldsOf(cur), open)
}

// Create inserts an officer into its unit, taking the region columns from
// the unit, and returns the new id (version 1). The unit must exist
// (CodeNotFound) and not be dissolved (CodeRuleViolated); a person already
// on record (same ID number) or an officer code in use is CodeConflict
// naming the existing officer code.
func (s *Officers) Create(ctx context.Context, f OfficerFields) (int64, error) {
	var id int64
	err := s.db.ctx(ctx).Transaction(func(tx *gorm.DB) error {
		var unit unitRow
		if err := s.db.lockRows(tx, "SHARE").Where("id = ?", f.UnitID).Take(&unit).Error; err != nil {
			if isNotFound(err) {
				return domain.Errorf(domain.CodeNotFound, "执法单位不存在")
			}
			return err
		}
		if unit.Dissolved {
			return domain.Errorf(domain.CodeRuleViolated, "单位 %s 已撤销，不能登记新的执法人员", unit.Code)
		}
		if err := officerDuplicates(tx, 0, f); err != nil {
			return err
		}
		now := s.db.now()
		r := officerRow{
			Code: f.Code, Name: f.Name, IDNumberEnc: f.IDNumberEnc, IDNumberHash: f.IDNumberHash,
			IDNumberMasked: f.IDNumberMasked, Sex: string(f.Sex), BirthDate: f.BirthDate, UnitID: unit.ID,
			RegionCode: unit.RegionCode, ProvCode: unit.ProvCode, CityCode: unit.CityCode, Area: f.Area,
			Category: f.Category, Education: f.Education, Post: f.Post, Staffing: string(f.Staffing),
			TrainingHours: f.TrainingHours, ReviewResult: f.ReviewResult, SanctionLevel: f.SanctionLevel,
			SanctionUntil: f.SanctionUntil, CertState: string(domain.CertNone), CreatedAt: now, UpdatedAt: now,
		}
		if err := tx.Create(&r).Error; err != nil {
			return err
		}
		id = r.ID
		return nil
	})
	if isUniqueViolation(err) { // a concurrent insert won the race past the checks
		return 0, s.duplicateError(ctx, 0, f, err)
	}
	return id, err
}

// Update replaces the editable fields of officer id if its version is
// still version, and returns the new version. A changed version is
// CodeConflict (someone saved in between); the unit and the certificate
// columns are not touched. guard, when not nil, runs after the version
// check with the row locked and may refuse the edit (see EditGuard).
func (s *Officers) Update(ctx context.Context, id int64, version int, f OfficerFields, guard EditGuard) (int, error) {
	err := s.db.ctx(ctx).Transaction(func(tx *gorm.DB) error {
		// The version is checked before the guard: once it matches, the
		// locked row is the record the user edited, so the guard compares
		// the edit against exactly what it replaces.
		cur, err := lockOfficer(s.db, tx, id)
		if err != nil {
			return err
		}
		if cur.Version != version {
			return domain.Errorf(domain.CodeConflict,
				"该执法人员档案已被他人修改（您编辑的是第 %d 版，当前为第 %d 版），请刷新后重新编辑", version, cur.Version)
		}
		if err := guard.check(tx, cur); err != nil {
			return err
		}
		// A taken ID number or code fails on the unique indexes;
		// duplicateError names the holder.
		return tx.Table("officers").Where("id = ?", id).Updates(map[string]any{
			"code": f.Code, "name": f.Name, "id_number_enc": f.IDNumberEnc, "id_number_hash": f.IDNumberHash,
			"id_number_masked": f.IDNumberMasked, "sex": string(f.Sex), "birth_date": f.BirthDate,
			"area": f.Area, "category": f.Category, "education": f.Education, "post": f.Post,
			"staffing": string(f.Staffing), "training_hours": f.TrainingHours, "review_result": f.ReviewResult,
			"sanction_level": f.SanctionLevel, "sanction_until": f.SanctionUntil,
			"version": gorm.Expr("version + 1"), "updated_at": s.db.now(),
		}).Error
	})
	if isUniqueViolation(err) {
		return 0, s.duplicateError(ctx, id, f, err)
	}
	if err != nil {
		return 0, err
	}
	return version + 1, nil
}

// officerDuplicates refuses an ID number or officer code that another
// officer (not self) already has, naming that officer's code.
func officerDuplicates(tx *gorm.DB, self int64, f OfficerFields) error {
	var other []officerRow
	err := tx.Select("id, code, id_number_hash").
		Where("(id_number_hash = ? OR code = ?) AND id <> ?", f.IDNumberHash, f.Code, self).Limit(2).Find(&other).Error
	if err != nil {
		return err
	}
	for _, o := range other {
		if string(o.IDNumberHash) == string(f.IDNumberHash) {
			return domain.Errorf(domain.CodeConflict,
				"身份证号 %s 已登记为执法人员 %s，同一人只能有一份档案", f.IDNumberMasked, o.Code)
		}
	}
	if len(other) > 0 {
		return domain.Errorf(domain.CodeConflict, "执法人员编码 %s 已被使用", f.Code)
	}
	return nil
}

// duplicateError turns a unique violation (an edit, or a concurrent
// writer past officerDuplicates) into officerDuplicates' message.
func (s *Officers) duplicateError(ctx context.Context, self int64, f OfficerFields, cause error) error {
	if err := officerDuplicates(s.db.ctx(ctx), self, f); err != nil {
		if de, ok := err.(*domain.Error); ok {
			de.Err = cause
		}
		return err
	}
	return conflictError(cause)
}
