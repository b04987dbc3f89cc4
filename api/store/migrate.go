package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// SchemaVersion is the version this build migrates to. Bump it with every
// schema change so operators can see what a database holds.
const SchemaVersion = 5

// migrationLockID serialises migrations when many replicas start at once.
const migrationLockID = 0x4c45434d53 // "LECMS"

// Migrate brings the schema to SchemaVersion. Re-running is a no-op.
func (db *DB) Migrate(ctx context.Context) error {
	return db.gorm.WithContext(ctx).Connection(func(conn *gorm.DB) error {
		if db.dialect == Postgres {
			if err := conn.Exec("SELECT pg_advisory_lock(?)", migrationLockID).Error; err != nil {
				return fmt.Errorf("migration lock: %w", err)
			}
			defer conn.Exec("SELECT pg_advisory_unlock(?)", migrationLockID)
		}
		if err := conn.AutoMigrate(schemaModels()...); err != nil {
			return fmt.Errorf("migrate tables: %w", err)
		}
		for _, stmt := range append(db.indexDDL(), db.auditDDL()...) {
			if err := conn.Exec(stmt).Error; err != nil {
				return fmt.Errorf("migrate index: %w\n%s", err, stmt)
			}
		}
		return conn.Where("version = ?", SchemaVersion).
			FirstOrCreate(&schemaVersionRow{Version: SchemaVersion, AppliedAt: time.Now().UTC()}).Error
	})
}

// CurrentVersion is the highest applied schema version, 0 for none.
func (db *DB) CurrentVersion(ctx context.Context) (int, error) {
	var v int
	err := db.ctx(ctx).Model(&schemaVersionRow{}).Select("COALESCE(MAX(version), 0)").Scan(&v).Error
	return v, err
}

// indexDDL holds the indexes GORM tags cannot express: composite keyset
// indexes for the real list queries, partial unique indexes, and the
// byte-order name index (PostgreSQL's C.UTF-8 collation cannot range-scan a
// LIKE prefix, so names are searched as a range under COLLATE "C").
func (db *DB) indexDDL() []string {
	nameIndex := `CREATE INDEX IF NOT EXISTS ix_officers_name ON officers (name)`
	if db.dialect == Postgres {
		nameIndex = `CREATE INDEX IF NOT EXISTS ix_officers_name ON officers ((name COLLATE "C"))`
	}
	return []string{
		// Officer list: region subtree (one equality column per level) then
		// due date and id, the keyset sort order.
		`CREATE INDEX IF NOT EXISTS ix_officers_prov_due ON officers (prov_code, next_due_on, id)`,
		`CREATE INDEX IF NOT EXISTS ix_officers_city_due ON officers (city_code, next_due_on, id)`,
		`CREATE INDEX IF NOT EXISTS ix_officers_region_due ON officers (region_code, next_due_on, id)`,
		`CREATE INDEX IF NOT EXISTS ix_officers_unit_due ON officers (unit_id, next_due_on, id)`,
		`CREATE INDEX IF NOT EXISTS ix_officers_cert_no ON officers (cert_no)`,
		nameIndex,
		// One live certificate per person per type (rule 2).
		`CREATE UNIQUE INDEX IF NOT EXISTS ux_certificates_live ON certificates (officer_id, type)
			WHERE state IN ('pending', 'active', 'suspended')`,
		// At most one application in progress per officer, race-proof.
		`CREATE UNIQUE INDEX IF NOT EXISTS ux_applications_open ON applications (officer_id)
			WHERE state IN ('draft', 'submitted', 'unit_approved', 'legal_approved', 'in_production', 'returned')`,
		// Approval queues: by level of the reviewing office, state, age.
		`CREATE INDEX IF NOT EXISTS ix_applications_city_state ON applications (city_code, state, id)`,
		`CREATE INDEX IF NOT EXISTS ix_applications_region_state ON applications (region_code, state, id)`,
		`CREATE INDEX IF NOT EXISTS ix_units_city_code ON units (city_code, code)`,
	}
}
