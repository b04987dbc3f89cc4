package store

import (
	"context"
	"database/sql"

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

// officerListColumns are the columns a list row shows, in scanOfficers'
// order. Naming them (instead of officers.*) keeps the sealed ID number, its
// blind index and bookkeeping columns out of every page.
const officerListColumns = "officers.id, officers.code, officers.name, officers.id_number_masked, officers.sex, " +
	"officers.birth_date, officers.unit_id, units.name, officers.region_code, officers.area, officers.category, " +
	"officers.education, officers.post, officers.staffing, officers.has_photo, officers.cert_type, " +
	"officers.cert_no, officers.cert_state, officers.last_inspected_on, officers.next_due_on"

// scanOfficers reads list rows with rows.Scan: GORM's reflective Find cost
// about half of the server's CPU per page (docs/performance.md).
func scanOfficers(rows *sql.Rows, capacity int) ([]domain.Officer, error) {
	defer rows.Close()
	out := make([]domain.Officer, 0, capacity)
	for rows.Next() {
		var (
			o                          domain.Officer
			sex, region, staff, cstate string
			certType                   *string
		)
		if err := rows.Scan(&o.ID, &o.Code, &o.Name, &o.IDNumberMasked, &sex, &o.BirthDate, &o.UnitID,
			&o.UnitName, &region, &o.Area, &o.Category, &o.Education, &o.Post, &staff, &o.HasPhoto,
			&certType, &o.CertNo, &cstate, &o.LastInspectedOn, &o.NextDueOn); err != nil {
			return nil, err
		}
		o.Sex, o.RegionCode, o.Staffing, o.CertState = domain.Sex(sex), domain.RegionCode(region), domain.Staffing(staff), domain.CertState(cstate)
		if certType != nil {
			t := domain.CertType(*certType)
			o.CertType = &t
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// listPage runs one part of a list query and scans its rows.
func (s *Officers) listPage(db *gorm.DB, order string, limit int) ([]domain.Officer, error) {
	rows, err := s.selectPage(db).Order(order).Limit(limit).Rows()
	if err != nil {
		return nil, err
	}
	return scanOfficers(rows, limit)
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
	var rows []domain.Officer
	// Part 1: dated rows, unless the cursor is already past them.
	if !q.NoDueOnly && (q.Cursor == "" || cur.Due != "") {
		db := s.filtered(ctx, q).Where("officers.next_due_on IS NOT NULL")
		if q.Cursor != "" {
			// A row comparison, which both databases turn into an index bound.
			db = db.Where("(officers.next_due_on, officers.id) > (?, ?)", curDue, cur.ID)
		}
		var err error
		if rows, err = s.listPage(db, "officers.next_due_on, officers.id", want); err != nil {
			return page, err
		}
	}
	// Part 2: undated rows.
	if len(rows) < want && !q.datedOnly() {
		db := s.filtered(ctx, q).Where("officers.next_due_on IS NULL")
		if q.Cursor != "" && cur.Due == "" {
			db = db.Where("officers.id > ?", cur.ID)
		}
		more, err := s.listPage(db, "officers.id", want-len(rows))
		if err != nil {
			return page, err
		}
		rows = append(rows, more...)
	}
	if len(rows) > q.Limit {
		last := rows[q.Limit-1]
		c := dueCursor{ID: last.ID}
		if last.NextDueOn != nil {
			c.Due = last.NextDueOn.String()
		}
		page.NextCursor = c.encode()
		rows = rows[:q.Limit]
	}
	page.Items = rows
	return page, nil
}

func (s *Officers) selectPage(db *gorm.DB) *gorm.DB {
	return db.Select(officerListColumns).Joins("JOIN units ON units.id = officers.unit_id")
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
	db := s.db.ctx(ctx).Table("officers").Scopes(inRegion("officers", within)).Where("officers.id = ?", id)
	found, err := s.listPage(db, "officers.id", 1)
	if err != nil {
		return domain.Officer{}, err
	}
	if len(found) == 0 {
		return domain.Officer{}, domain.Errorf(domain.CodeNotFound, "执法人员不存在")
	}
	return found[0], nil
}

// FirstPageSQL is the SQL of the dated part of a list query with its
// arguments inlined, for EXPLAIN in tests and for pgbench to run the very
// statement the API runs.
func (s *Officers) FirstPageSQL(ctx context.Context, q OfficerQuery) string {
	return s.db.gorm.ToSQL(func(tx *gorm.DB) *gorm.DB {
		var rows []map[string]any
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
