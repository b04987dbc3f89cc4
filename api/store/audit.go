package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/lecms/lecms/api/domain"
)

// AuditEntry is one row of the audit chain. The audit package fills the
// event fields, the store assigns ID and PrevHash under the chain lock and
// the Seal callback completes At and computes Hash.
type AuditEntry struct {
	ID         int64
	At         time.Time
	ActorID    *int64
	ActorName  string
	Role       string
	Scope      domain.RegionCode
	Action     string
	TargetType string
	TargetID   string
	Result     string
	IP         string
	RequestID  string
	Detail     string // a JSON object, stored and hashed byte for byte
	PrevHash   []byte
	Hash       []byte
	// ProvCode and CityCode are derived from Scope on write; they are read
	// back only so Verify can check nobody re-filed an event into another
	// jurisdiction (they are not covered by the hash).
	ProvCode string
	CityCode string
}

// AuditHead is the state of the chain: its hash algorithm, the last
// appended row (head) and the last pruned row (anchor). A fresh chain has
// zero ids and nil hashes.
type AuditHead struct {
	Exists     bool // false until the first append
	Algorithm  string
	HeadID     int64
	HeadHash   []byte
	AnchorID   int64
	AnchorHash []byte
	AnchorAt   *time.Time
}

// Seal completes an entry once its place in the chain is known (ID and
// PrevHash set): it stamps At if the caller gave none and computes Hash.
// It runs while the chain is locked.
type Seal func(e *AuditEntry) error

// AuditError is a sentinel error of the audit chain; constant, so no
// package state can be reassigned. Match with errors.Is.
type AuditError string

func (e AuditError) Error() string { return string(e) }

const (
	// ErrAuditAlgorithm means the chain was started with another hash
	// algorithm: one chain never mixes algorithms.
	ErrAuditAlgorithm AuditError = "audit chain uses another hash algorithm"
	// ErrAuditGap means pruning met a hole in the chain; it refuses to
	// anchor over it, which would erase the evidence.
	ErrAuditGap AuditError = "audit chain has a gap where pruning would start"
)

// AuditLog appends to, reads and prunes the audit chain.
type AuditLog struct{ db *DB }

func NewAuditLog(db *DB) *AuditLog { return &AuditLog{db: db} }

// Append adds e at the end of the chain in a transaction of its own.
func (l *AuditLog) Append(ctx context.Context, algorithm string, e AuditEntry, seal Seal) (AuditEntry, error) {
	err := l.db.InTx(ctx, func(tx *Tx) error {
		var err error
		e, err = l.AppendTx(ctx, tx, algorithm, e, seal)
		return err
	})
	return e, err
}

// AppendTx adds e at the end of the chain inside tx, so the event commits
// or rolls back with the change it describes. It locks the chain head until
// tx ends: call it last, just before commit, to keep that window short.
//
// Ids are assigned here (head + 1), not by a sequence: a rolled-back
// transaction consumes sequence values, and a gap must mean a deleted row.
func (l *AuditLog) AppendTx(ctx context.Context, tx *Tx, algorithm string, e AuditEntry, seal Seal) (AuditEntry, error) {
	g := tx.g.WithContext(ctx)
	head, err := lockAuditHead(g, tx.dialect)
	if err != nil {
		return e, err
	}
	if head.Algorithm != "" && head.Algorithm != algorithm {
		return e, fmt.Errorf("%w: chain %s, recorder %s", ErrAuditAlgorithm, head.Algorithm, algorithm)
	}
	e.ID, e.PrevHash = head.HeadID+1, head.HeadHash
	if err := seal(&e); err != nil {
		return e, err
	}
	e.At = e.At.UTC()
	err = g.Exec(`INSERT INTO audit_events (id, at, actor_id, actor_name, role, scope, prov_code, city_code,
			action, target_type, target_id, result, ip, request_id, detail, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ID, tx.dialect.timeArg(e.At), e.ActorID, e.ActorName, e.Role, string(e.Scope), e.Scope.Province(), e.Scope.City(),
		e.Action, e.TargetType, e.TargetID, e.Result, e.IP, e.RequestID, e.Detail, e.PrevHash, e.Hash).Error
	if err != nil {
		return e, fmt.Errorf("append audit event: %w", err)
	}
	e.ProvCode, e.CityCode = e.Scope.Province(), e.Scope.City()
	err = g.Exec(`UPDATE audit_chain SET algorithm = ?, head_id = ?, head_hash = ?, updated_at = ? WHERE id = 1`,
		algorithm, e.ID, e.Hash, tx.dialect.timeArg(time.Now())).Error
	if err != nil {
		return e, fmt.Errorf("advance audit chain head: %w", err)
	}
	return e, nil
}

// lockAuditHead reads the chain row and, on PostgreSQL, locks it FOR UPDATE
// until the transaction ends: every replica's appends queue on that one
// row, so the chain stays linear. On SQLite the transaction already holds
// the database write lock (BEGIN IMMEDIATE). The row is created on first
// use; ON CONFLICT makes concurrent first appends safe.
func lockAuditHead(g *gorm.DB, d Dialect) (AuditHead, error) {
	q := `SELECT algorithm, head_id, head_hash, anchor_id, anchor_hash, anchor_at FROM audit_chain WHERE id = 1`
	if d == Postgres {
		q += ` FOR UPDATE`
	}
	h, err := scanAuditHead(g.Raw(q))
	if err != nil || h.Exists {
		return h, err
	}
	if err := g.Exec(`INSERT INTO audit_chain (id, algorithm, head_id, anchor_id, updated_at)
		VALUES (1, '', 0, 0, ?) ON CONFLICT (id) DO NOTHING`, d.timeArg(time.Now())).Error; err != nil {
		return h, fmt.Errorf("create audit chain: %w", err)
	}
	if h, err = scanAuditHead(g.Raw(q)); err == nil && !h.Exists {
		err = errors.New("audit chain row missing after creation")
	}
	return h, err
}

func scanAuditHead(q *gorm.DB) (AuditHead, error) {
	var h AuditHead
	rows, err := q.Rows()
	if err != nil {
		return h, fmt.Errorf("read audit chain: %w", err)
	}
	defer rows.Close()
	if rows.Next() {
		var at *time.Time
		if err := rows.Scan(&h.Algorithm, &h.HeadID, &h.HeadHash, &h.AnchorID, &h.AnchorHash, &at); err != nil {
			return h, fmt.Errorf("read audit chain: %w", err)
		}
		h.Exists, h.AnchorAt = true, at
	}
	return h, rows.Err()
}

// Head returns the chain state without locking it.
func (l *AuditLog) Head(ctx context.Context) (AuditHead, error) {
	return scanAuditHead(l.db.ctx(ctx).Raw(
		`SELECT algorithm, head_id, head_hash, anchor_id, anchor_hash, anchor_at FROM audit_chain WHERE id = 1`))
}

// Range returns up to limit rows with afterID < id <= throughID in id
// order: Verify walks the chain with it in batches (one primary-key range
// scan each, whatever the table size).
func (l *AuditLog) Range(ctx context.Context, afterID, throughID int64, limit int) ([]AuditEntry, error) {
	return scanAuditEntries(l.db.ctx(ctx).Table("audit_events").Select(auditColumns).
		Where("id > ? AND id <= ?", afterID, throughID).Order("id").Limit(limit))
}

// auditColumns are the columns scanAuditEntries reads, in its order.
const auditColumns = `id, at, actor_id, actor_name, role, scope, action, target_type, target_id,
	result, ip, request_id, detail, prev_hash, hash, prov_code, city_code`

// scanAuditEntries runs q (selecting auditColumns) and scans explicitly,
// so what Verify hashes is exactly what the columns hold.
func scanAuditEntries(q *gorm.DB) ([]AuditEntry, error) {
	rows, err := q.Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var scope string
		if err := rows.Scan(&e.ID, &e.At, &e.ActorID, &e.ActorName, &e.Role, &scope, &e.Action, &e.TargetType,
			&e.TargetID, &e.Result, &e.IP, &e.RequestID, &e.Detail, &e.PrevHash, &e.Hash, &e.ProvCode, &e.CityCode); err != nil {
			return nil, err
		}
		e.At, e.Scope = e.At.UTC(), domain.RegionCode(scope)
		out = append(out, e)
	}
	return out, rows.Err()
}

// timeArg is how a timestamp is bound. SQLite keeps timestamps as text,
// and the driver writes RFC 3339 with a variable-length fraction, which does
// not sort as text ("10:00:00Z" > "10:00:00.5Z"); a fixed-width UTC form
// keeps comparisons and the at index correct. PostgreSQL takes the value.
func (d Dialect) timeArg(t time.Time) any {
	if d == SQLite {
		return t.UTC().Format("2006-01-02T15:04:05.000000Z")
	}
	return t.UTC()
}

// AuditQuery is an audit search with every filter resolved to columns.
type AuditQuery struct {
	Region       domain.RegionCode // subtree; "" = every event
	WithUnscoped bool              // with a province Region, also events that have no scope
	From, To     time.Time         // at in [From, To); zero = open
	ActorID      int64
	Actor        string // actor name, exact
	Action       string // an action ("auth.login") or a family ("auth" matches auth.*)
	TargetType   string
	TargetID     string
	Result       string
	RequestID    string
	Limit        int
	Cursor       string
}

// Search returns one keyset page, newest first (id descending: ids follow
// the chain, timestamps may not across replicas).
func (l *AuditLog) Search(ctx context.Context, q AuditQuery) (domain.Page[AuditEntry], error) {
	var page domain.Page[AuditEntry]
	db := l.db.ctx(ctx).Table("audit_events").Select(auditColumns)
	switch q.Region.Level() {
	case domain.LevelProvince:
		if q.WithUnscoped {
			db = db.Where("prov_code IN (?, '')", q.Region.Province())
		} else {
			db = db.Where("prov_code = ?", q.Region.Province())
		}
	case domain.LevelCity:
		db = db.Where("city_code = ?", q.Region.City())
	case domain.LevelCounty:
		db = db.Where("scope = ?", string(q.Region))
	}
	if !q.From.IsZero() {
		db = db.Where("at >= ?", l.db.dialect.timeArg(q.From))
	}
	if !q.To.IsZero() {
		db = db.Where("at < ?", l.db.dialect.timeArg(q.To))
	}
	if q.ActorID != 0 {
		db = db.Where("actor_id = ?", q.ActorID)
	}
	if q.Actor != "" {
		db = db.Where("actor_name = ?", q.Actor)
	}
	if q.Action != "" {
		// Actions are ASCII; a byte-order range finds a family through the
		// index. PostgreSQL's default collation is not byte order, hence
		// COLLATE "C", which ix_audit_events_action is built on.
		a, col := strings.TrimSuffix(q.Action, "."), "action"
		if l.db.dialect == Postgres {
			col = `(action COLLATE "C")`
		}
		db = db.Where("("+col+" = ? OR ("+col+" >= ? AND "+col+" < ?))", a, a+".", a+"/")
	}
	if q.TargetType != "" {
		db = db.Where("target_type = ?", q.TargetType)
	}
	if q.TargetID != "" {
		db = db.Where("target_id = ?", q.TargetID)
	}
	if q.Result != "" {
		db = db.Where("result = ?", q.Result)
	}
	if q.RequestID != "" {
		db = db.Where("request_id = ?", q.RequestID)
	}
	if q.Cursor != "" {
		after, err := decodeIDCursor(q.Cursor)
		if err != nil {
			return page, err
		}
		db = db.Where("id < ?", after)
	}
	rows, err := scanAuditEntries(db.Order("id DESC").Limit(q.Limit + 1))
	if err != nil {
		return page, err
	}
	if len(rows) > q.Limit {
		rows = rows[:q.Limit]
		page.NextCursor = idCursor{ID: rows[q.Limit-1].ID}.encode()
	}
	page.Items = rows
	if page.Items == nil {
		page.Items = []AuditEntry{}
	}
	return page, nil
}

// PruneBatch removes up to limit of the oldest rows, stopping at the first
// row stamped at or after before, so what remains is always a contiguous
// tail of the chain. The anchor moves to the last removed row in the same
// transaction, so Verify starts from it; the chain lock keeps appends out
// meanwhile. It returns the number of rows removed, 0 when none is left.
func (l *AuditLog) PruneBatch(ctx context.Context, before time.Time, limit int) (int64, error) {
	var removed int64
	err := l.db.InTx(ctx, func(tx *Tx) error {
		g := tx.g.WithContext(ctx)
		head, err := lockAuditHead(g, tx.dialect)
		if err != nil || head.HeadID == head.AnchorID {
			return err
		}
		var rows []auditRow
		if err := g.Select("id, at, hash").Where("id > ?", head.AnchorID).Order("id").Limit(limit).Find(&rows).Error; err != nil {
			return err
		}
		last := -1
		for i, r := range rows {
			if r.ID != head.AnchorID+int64(i)+1 {
				return fmt.Errorf("%w (row %d missing)", ErrAuditGap, head.AnchorID+int64(i)+1)
			}
			if !r.At.Before(before) {
				break
			}
			last = i
		}
		if last < 0 {
			return nil
		}
		anchor := rows[last]
		if tx.dialect == Postgres {
			// Transaction-local (is_local = true): the permission cannot
			// leak to the next user of this pooled connection.
			if err := g.Exec(`SELECT set_config('lecms.audit_prune', 'on', true)`).Error; err != nil {
				return err
			}
		}
		// Anchor first: the delete guards allow removing rows at or below
		// the anchor only.
		if err := g.Exec(`UPDATE audit_chain SET anchor_id = ?, anchor_hash = ?, anchor_at = ?, updated_at = ? WHERE id = 1`,
			anchor.ID, anchor.Hash, tx.dialect.timeArg(anchor.At), tx.dialect.timeArg(time.Now())).Error; err != nil {
			return fmt.Errorf("move audit anchor: %w", err)
		}
		res := g.Exec(`DELETE FROM audit_events WHERE id > ? AND id <= ?`, head.AnchorID, anchor.ID)
		if res.Error != nil {
			return fmt.Errorf("prune audit events: %w", res.Error)
		}
		if want := anchor.ID - head.AnchorID; res.RowsAffected != want {
			return fmt.Errorf("prune audit events: removed %d rows, want %d", res.RowsAffected, want)
		}
		removed = res.RowsAffected
		return nil
	})
	return removed, err
}

// MinAuditRetentionDays is the legal floor (MLPS level 3: six months) that
// the delete guards enforce in the database itself, below any setting.
// The guards below spell it out as '183 days': change both together.
const MinAuditRetentionDays = 183

// auditDDL indexes the audit search and installs the guards that make the
// chain append-only in the database: no UPDATE or DELETE of audit_events
// except pruned rows (at or below the anchor, older than six months, and on
// PostgreSQL only with lecms.audit_prune = 'on' set by PruneBatch), and the
// chain row may only move forward, its anchor only onto an existing row
// older than six months. Every statement is idempotent.
//
// The guards stop the application and careless operators; the table owner
// or a superuser can disable them, which is why Verify recomputes hashes.
func (db *DB) auditDDL() []string {
	action := `CREATE INDEX IF NOT EXISTS ix_audit_events_action ON audit_events (action, id)`
	if db.dialect == Postgres {
		action = `CREATE INDEX IF NOT EXISTS ix_audit_events_action ON audit_events ((action COLLATE "C"), id)`
	}
	ddl := []string{
		// Search: jurisdiction (one equality column per level), then the
		// exact-match filters, each ending in id for the newest-first keyset.
		`CREATE INDEX IF NOT EXISTS ix_audit_events_prov ON audit_events (prov_code, id)`,
		`CREATE INDEX IF NOT EXISTS ix_audit_events_city ON audit_events (city_code, id)`,
		`CREATE INDEX IF NOT EXISTS ix_audit_events_scope ON audit_events (scope, id)`,
		`CREATE INDEX IF NOT EXISTS ix_audit_events_target ON audit_events (target_type, target_id, id)`,
		`CREATE INDEX IF NOT EXISTS ix_audit_events_actor ON audit_events (actor_id, id)`,
		`CREATE INDEX IF NOT EXISTS ix_audit_events_actor_name ON audit_events (actor_name, id)`,
		`CREATE INDEX IF NOT EXISTS ix_audit_events_request ON audit_events (request_id)`,
		action,
	}
	if db.dialect == Postgres {
		return append(ddl, pgAuditEventsGuard, pgAuditChainGuard, pgAuditTriggers)
	}
	return append(ddl, sqliteAuditEventsNoUpdate, sqliteAuditEventsNoDelete, sqliteAuditChainNoDelete, sqliteAuditChainForward)
}

const (
	pgAuditEventsGuard = `CREATE OR REPLACE FUNCTION lecms_audit_events_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'DELETE'
		AND current_setting('lecms.audit_prune', true) = 'on'
		AND OLD.id <= (SELECT anchor_id FROM audit_chain WHERE id = 1)
		AND OLD.at < now() - interval '183 days' THEN
		RETURN OLD;
	END IF;
	RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP
		USING ERRCODE = 'insufficient_privilege',
		HINT = 'only "lecms audit prune" removes events, and only pruned events older than 183 days';
END
$$`
	pgAuditChainGuard = `CREATE OR REPLACE FUNCTION lecms_audit_chain_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'UPDATE'
		AND NEW.id = OLD.id
		AND NEW.head_id >= OLD.head_id
		AND (NEW.head_id > OLD.head_id OR NEW.head_hash IS NOT DISTINCT FROM OLD.head_hash)
		AND NEW.anchor_id >= OLD.anchor_id
		AND (NEW.anchor_id > OLD.anchor_id OR NEW.anchor_hash IS NOT DISTINCT FROM OLD.anchor_hash)
		AND (NEW.anchor_id = OLD.anchor_id OR (
			current_setting('lecms.audit_prune', true) = 'on'
			AND EXISTS (SELECT 1 FROM audit_events e WHERE e.id = NEW.anchor_id
				AND e.hash = NEW.anchor_hash AND e.at < now() - interval '183 days')))
		AND (OLD.algorithm = '' OR NEW.algorithm = OLD.algorithm) THEN
		RETURN NEW;
	END IF;
	RAISE EXCEPTION 'audit_chain only moves forward: % refused', TG_OP
		USING ERRCODE = 'insufficient_privilege';
END
$$`
	// CREATE OR REPLACE TRIGGER needs PostgreSQL 14; this works from 11.
	pgAuditTriggers = `DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = 'audit_events'::regclass AND tgname = 'audit_events_append_only') THEN
		CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
			FOR EACH ROW EXECUTE FUNCTION lecms_audit_events_guard();
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = 'audit_events'::regclass AND tgname = 'audit_events_no_truncate') THEN
		CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
			FOR EACH STATEMENT EXECUTE FUNCTION lecms_audit_events_guard();
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = 'audit_chain'::regclass AND tgname = 'audit_chain_forward_only') THEN
		CREATE TRIGGER audit_chain_forward_only BEFORE UPDATE OR DELETE ON audit_chain
			FOR EACH ROW EXECUTE FUNCTION lecms_audit_chain_guard();
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = 'audit_chain'::regclass AND tgname = 'audit_chain_no_truncate') THEN
		CREATE TRIGGER audit_chain_no_truncate BEFORE TRUNCATE ON audit_chain
			FOR EACH STATEMENT EXECUTE FUNCTION lecms_audit_chain_guard();
	END IF;
	-- A guard someone disabled comes back on at the next start (every
	-- start migrates); ALTER TABLE only runs when needed, since it locks.
	IF EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = 'audit_events'::regclass AND tgenabled = 'D'
			AND tgname IN ('audit_events_append_only', 'audit_events_no_truncate')) THEN
		ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only;
		ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_truncate;
	END IF;
	IF EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = 'audit_chain'::regclass AND tgenabled = 'D'
			AND tgname IN ('audit_chain_forward_only', 'audit_chain_no_truncate')) THEN
		ALTER TABLE audit_chain ENABLE TRIGGER audit_chain_forward_only;
		ALTER TABLE audit_chain ENABLE TRIGGER audit_chain_no_truncate;
	END IF;
END
$$`
)

// SQLite has no session settings: deleting is allowed below the anchor
// only, which PruneBatch moves first in the same transaction.
const (
	sqliteAuditEventsNoUpdate = `CREATE TRIGGER IF NOT EXISTS audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: UPDATE refused'); END`
	sqliteAuditEventsNoDelete = `CREATE TRIGGER IF NOT EXISTS audit_events_no_delete BEFORE DELETE ON audit_events
WHEN OLD.id > COALESCE((SELECT anchor_id FROM audit_chain WHERE id = 1), 0)
	OR julianday(OLD.at) >= julianday('now', '-183 days')
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: DELETE refused'); END`
	sqliteAuditChainNoDelete = `CREATE TRIGGER IF NOT EXISTS audit_chain_no_delete BEFORE DELETE ON audit_chain
BEGIN SELECT RAISE(ABORT, 'audit_chain only moves forward: DELETE refused'); END`
	sqliteAuditChainForward = `CREATE TRIGGER IF NOT EXISTS audit_chain_forward_only BEFORE UPDATE ON audit_chain
WHEN NEW.id <> OLD.id
	OR NEW.head_id < OLD.head_id
	OR (NEW.head_id = OLD.head_id AND NEW.head_hash IS NOT OLD.head_hash)
	OR NEW.anchor_id < OLD.anchor_id
	OR (NEW.anchor_id = OLD.anchor_id AND NEW.anchor_hash IS NOT OLD.anchor_hash)
	OR (OLD.algorithm <> '' AND NEW.algorithm <> OLD.algorithm)
	OR (NEW.anchor_id <> OLD.anchor_id AND NOT EXISTS (SELECT 1 FROM audit_events e WHERE e.id = NEW.anchor_id
		AND e.hash = NEW.anchor_hash AND julianday(e.at) < julianday('now', '-183 days')))
BEGIN SELECT RAISE(ABORT, 'audit_chain only moves forward: UPDATE refused'); END`
)
