package store

import (
	"context"

	"gorm.io/gorm"

	"github.com/lecms/lecms/api/domain"
)

// Officers reads officer records.
type Officers struct{ db *DB }

func NewOfficers(db *DB) *Officers { return &Officers{db: db} }

// OfficerQuery is a list request with every filter resolved to columns:
// due states are date ranges, the ID number is its blind index.
type OfficerQuery struct {
	Region      domain.RegionCode
	UnitID      int64
	CertState   domain.CertState
	DueFrom     domain.Date // inclusive, zero = open
	DueTo       domain.Date // inclusive, zero = open
	NoDueOnly   bool        // only officers without a due date
	Year        int         // year of the last inspection
	NamePrefix  string
	IDHash      []byte
	OfficerCode string
	CertNo      string
	Limit       int
	Cursor      string
}

// datedOnly reports whether the filters exclude rows without a due date.
func (q OfficerQuery) datedOnly() bool {
	return !q.DueFrom.IsZero() || !q.DueTo.IsZero() || q.Year != 0
}

// officerWithUnit is a list row. The row is a named field: GORM ignores
// embedded fields of unexported types.
type officerWithUnit struct {
	Row      officerRow `gorm:"embedded"`
	UnitName string
}

func (w officerWithUnit) domain() domain.Officer {
	r := w.Row
	o := domain.Officer{
		ID: r.ID, Code: r.Code, Name: r.Name, IDNumberMasked: r.IDNumberMasked, Sex: domain.Sex(r.Sex),
		BirthDate: r.BirthDate, UnitID: r.UnitID, UnitName: w.UnitName, RegionCode: domain.RegionCode(r.RegionCode),
		Area: r.Area, Category: r.Category, Education: r.Education, Post: r.Post,
		Staffing: domain.Staffing(r.Staffing), HasPhoto: r.HasPhoto, CertNo: r.CertNo,
		CertState: domain.CertState(r.CertState), LastInspectedOn: r.LastInspectedOn, NextDueOn: r.NextDueOn,
	}
	if r.CertType != nil {
		t := domain.CertType(*r.CertType)
		o.CertType = &t
	}
	return o
}

func (s *Officers) filtered(ctx context.Context, q OfficerQuery) *gorm.DB {
	db := s.db.ctx(ctx).Table("officers").Scopes(inRegion("officers", q.Region))
	if q.UnitID != 0 {
		db = db.Where("officers.unit_id = ?", q.UnitID)
	}
	if q.CertState != "" {
		db = db.Where("officers.cert_state = ?", string(q.CertState))
	}
	if !q.DueFrom.IsZero() {
		db = db.Where("officers.next_due_on >= ?", q.DueFrom)
	}
	if !q.DueTo.IsZero() {
		db = db.Where("officers.next_due_on <= ?", q.DueTo)
	}
	if q.NoDueOnly {
		db = db.Where("officers.next_due_on IS NULL")
	}
	if q.Year != 0 {
		db = db.Where("officers.last_inspected_on >= ? AND officers.last_inspected_on < ?",
			domain.NewDate(q.Year, 1, 1), domain.NewDate(q.Year+1, 1, 1))
	}
	if q.NamePrefix != "" {
		lo, hi := prefixRange(q.NamePrefix)
		col := "officers.name"
		if s.db.dialect == Postgres {
			col = `(officers.name COLLATE "C")` // matches ix_officers_name
		}
		db = db.Where(col+" >= ? AND "+col+" < ?", lo, hi)
	}
	if q.IDHash != nil {
		db = db.Where("officers.id_number_hash = ?", q.IDHash)
	}
	if q.OfficerCode != "" {
		db = db.Where("officers.code = ?", q.OfficerCode)
	}
	if q.CertNo != "" {
		db = db.Where("officers.cert_no = ?", q.CertNo)
	}
	return db
}

// List returns one keyset page ordered by due date then id; officers without
// a due date follow, in id order. Two index range scans serve the two parts.
func (s *Officers) List(ctx context.Context, q OfficerQuery) (domain.Page[domain.Officer], error) {
	var page domain.Page[domain.Officer]
	var cur dueCursor
	var curDue domain.Date
	if q.Cursor != "" {
		var err error
		if cur, curDue, err = decodeDueCursor(q.Cursor); err != nil {
			return page, err
		}
	}
	want := q.Limit + 1
	var rows []officerWithUnit
	// Part 1: dated rows, unless the cursor is already past them.
	if !q.NoDueOnly && (q.Cursor == "" || cur.Due != "") {
		db := s.filtered(ctx, q).Where("officers.next_due_on IS NOT NULL")
		if q.Cursor != "" {
			// A row comparison, which both databases turn into an index bound.
			db = db.Where("(officers.next_due_on, officers.id) > (?, ?)", curDue, cur.ID)
		}
		if err := s.selectPage(db).Order("officers.next_due_on, officers.id").Limit(want).Find(&rows).Error; err != nil {
			return page, err
		}
	}
	// Part 2: undated rows.
	if len(rows) < want && !q.datedOnly() {
		db := s.filtered(ctx, q).Where("officers.next_due_on IS NULL")
		if q.Cursor != "" && cur.Due == "" {
			db = db.Where("officers.id > ?", cur.ID)
		}
		var more []officerWithUnit
		if err := s.selectPage(db).Order("officers.id").Limit(want - len(rows)).Find(&more).Error; err != nil {
			return page, err
		}
		rows = append(rows, more...)
	}
	page.Items = make([]domain.Officer, 0, min(len(rows), q.Limit))
	for i, r := range rows {
		if i == q.Limit {
			last := rows[i-1].Row
			c := dueCursor{ID: last.ID}
			if last.NextDueOn != nil {
				c.Due = last.NextDueOn.String()
			}
			page.NextCursor = c.encode()
			break
		}
		page.Items = append(page.Items, r.domain())
	}
	return page, nil
}

func (s *Officers) selectPage(db *gorm.DB) *gorm.DB {
	return db.Select("officers.*, units.name AS unit_name").Joins("JOIN units ON units.id = officers.unit_id")
}

// Count counts the officers a query selects (cursor and limit ignored).
func (s *Officers) Count(ctx context.Context, q OfficerQuery) (int64, error) {
	var n int64
	err := s.filtered(ctx, q).Count(&n).Error
	return n, err
}

// Get returns one officer, restricted to a region subtree so that a record
// outside the caller's jurisdiction is indistinguishable from a missing one.
func (s *Officers) Get(ctx context.Context, id int64, within domain.RegionCode) (domain.Officer, error) {
	var r officerWithUnit
	err := s.selectPage(s.db.ctx(ctx).Table("officers").Scopes(inRegion("officers", within))).
		Where("officers.id = ?", id).Take(&r).Error
	if isNotFound(err) {
		return domain.Officer{}, domain.Errorf(domain.CodeNotFound, "执法人员不存在")
	}
	return r.domain(), err
}

// FirstPageSQL is the SQL of the dated part of a list query with its
// arguments inlined, for EXPLAIN in tests and for pgbench to run the very
// statement the API runs.
func (s *Officers) FirstPageSQL(ctx context.Context, q OfficerQuery) string {
	return s.db.gorm.ToSQL(func(tx *gorm.DB) *gorm.DB {
		var rows []officerWithUnit
		db := s.filtered(ctx, q).Session(&gorm.Session{DryRun: true}).Where("officers.next_due_on IS NOT NULL")
		return s.selectPage(db).Order("officers.next_due_on, officers.id").Limit(q.Limit + 1).Find(&rows)
	})
}

// IDs resolves a list query to officer ids (batches by filter), at most
// max+1 so callers can tell "too many".
func (s *Officers) IDs(ctx context.Context, q OfficerQuery, max int) ([]int64, error) {
	var ids []int64
	err := s.filtered(ctx, q).Order("officers.id").Limit(max+1).Pluck("officers.id", &ids).Error
	return ids, err
}
