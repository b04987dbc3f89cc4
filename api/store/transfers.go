package store

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/lecms/lecms/api/domain"
)

// transferRow records one move of an officer to another unit (调动). The
// unit names are copied so the history reads the same after a unit is
// renamed or deleted.
type transferRow struct {
	ID           int64     `gorm:"primaryKey"`
	OfficerID    int64     `gorm:"not null;index"`
	FromUnitID   int64     `gorm:"not null"`
	FromUnitName string    `gorm:"size:128;not null"`
	FromRegion   string    `gorm:"size:6;not null"`
	ToUnitID     int64     `gorm:"not null"`
	ToUnitName   string    `gorm:"size:128;not null"`
	ToRegion     string    `gorm:"size:6;not null"`
	ActorID      int64     `gorm:"not null"`
	ActorName    string    `gorm:"size:64;not null"`
	Reason       string    `gorm:"size:512;not null"`
	At           time.Time `gorm:"not null"`
}

func (transferRow) TableName() string { return "officer_transfers" }

func transferModels() []any { return []any{&transferRow{}} }

// transfer is the recorded move (without the renewals it opened).
func (r transferRow) transfer() Transfer {
	return Transfer{ID: r.ID, OfficerID: r.OfficerID, FromUnitID: r.FromUnitID, FromUnitName: r.FromUnitName,
		FromRegion: domain.RegionCode(r.FromRegion), ToUnitID: r.ToUnitID, ToUnitName: r.ToUnitName,
		ToRegion: domain.RegionCode(r.ToRegion), ActorName: r.ActorName, Reason: r.Reason, At: r.At}
}

// TransferPlan is a move of officer OfficerID (seen at Version) to unit
// ToUnitID, with the applications it opens (renewals of the certificates
// whose printed unit changes). Area, when not empty, replaces the
// enforcement area (执法区域), which usually changes with the unit.
type TransferPlan struct {
	OfficerID int64
	Version   int
	ToUnitID  int64
	Area      string
	ActorID   int64
	ActorName string
	Reason    string
	Renewals  []NewApplication // their UnitID and RegionCode are the new unit's
}

// Transfer is a recorded move.
type Transfer struct {
	ID           int64
	OfficerID    int64
	FromUnitID   int64
	FromUnitName string
	FromRegion   domain.RegionCode
	ToUnitID     int64
	ToUnitName   string
	ToRegion     domain.RegionCode
	ActorName    string
	Reason       string
	At           time.Time
	RenewalIDs   []int64
}

// Transfer moves an officer to another unit in one transaction: the
// officer's unit and region columns (and area) change if its version is
// still plan.Version (else CodeConflict), the move is recorded and the
// renewals are opened. The destination must exist and not be dissolved
// (CodeRuleViolated); an application in progress for the officer refuses
// the move (CodeRuleViolated). The check runs with the officer row locked
// FOR UPDATE, and Applications.Create share-locks the same row and refuses
// an application whose officer has moved (CodeConflict), so an application
// submitted concurrently either commits first and refuses the move, or
// waits and is refused itself; it never stays behind with the old unit.
func (s *Officers) Transfer(ctx context.Context, plan TransferPlan, now time.Time) (Transfer, error) {
	var out Transfer
	err := s.db.ctx(ctx).Transaction(func(tx *gorm.DB) error {
		var to unitRow
		if err := s.db.lockRows(tx, "SHARE").Where("id = ?", plan.ToUnitID).Take(&to).Error; err != nil {
			if isNotFound(err) {
				return domain.Errorf(domain.CodeNotFound, "调入单位不存在")
			}
			return err
		}
		if to.Dissolved {
			return domain.Errorf(domain.CodeRuleViolated, "单位 %s 已撤销，不能调入", to.Code)
		}
		cur, err := lockOfficer(s.db, tx, plan.OfficerID)
		if err != nil {
			return err
		}
		var from unitRow
		if err := tx.Select("id, name").Where("id = ?", cur.UnitID).Take(&from).Error; err != nil {
			return err
		}
		if cur.Version != plan.Version {
			return domain.Errorf(domain.CodeConflict,
				"该执法人员档案已被他人修改（您看到的是第 %d 版，当前为第 %d 版），请刷新后重试", plan.Version, cur.Version)
		}
		if cur.UnitID == to.ID {
			return domain.Invalid(domain.FieldError{Field: "unit_id", Rule: "same_unit", Message: "调入单位与现所在单位相同"})
		}
		open, err := openFor(tx, plan.OfficerID)
		if err != nil {
			return err
		}
		if open != nil {
			return openApplicationError()
		}
		upd := map[string]any{"unit_id": to.ID, "region_code": to.RegionCode, "prov_code": to.ProvCode,
			"city_code": to.CityCode, "version": gorm.Expr("version + 1"), "updated_at": now}
		if plan.Area != "" {
			upd["area"] = plan.Area
		}
		if err := tx.Table("officers").Where("id = ?", plan.OfficerID).Updates(upd).Error; err != nil {
			return err
		}
		r := transferRow{OfficerID: plan.OfficerID, FromUnitID: cur.UnitID, FromUnitName: from.Name,
			FromRegion: cur.RegionCode, ToUnitID: to.ID, ToUnitName: to.Name, ToRegion: to.RegionCode,
			ActorID: plan.ActorID, ActorName: plan.ActorName, Reason: plan.Reason, At: now}
		if err := tx.Create(&r).Error; err != nil {
			return err
		}
		out = r.transfer()
		if len(plan.Renewals) > 0 {
			ids, err := createApplications(tx, plan.Renewals, now)
			if err != nil {
				return err
			}
			out.RenewalIDs = ids
		}
		return nil
	})
	if err != nil {
		return Transfer{}, err
	}
	return out, nil
}

func openApplicationError() error {
	return &domain.Error{Code: domain.CodeRuleViolated, Message: "该执法人员有未办结的申请，须办结或撤回后才能调动",
		Fields: []domain.FieldError{{Field: "officer", Rule: "open_application", Message: "有未办结的申请"}}}
}

// Transfers returns an officer's moves, oldest first.
func (s *Officers) Transfers(ctx context.Context, officerID int64) ([]Transfer, error) {
	var rows []transferRow
	if err := s.db.ctx(ctx).Where("officer_id = ?", officerID).Order("at, id").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]Transfer, len(rows))
	for i, r := range rows {
		out[i] = r.transfer()
	}
	return out, nil
}
