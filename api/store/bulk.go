package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/ncruces/go-sqlite3"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/lecms/lecms/api/domain"
)

// IDNumberAAD is the associated data ID numbers are sealed with
// (pii.Protector.Seal(id, IDNumberAAD)): a ciphertext copied into another
// column does not open.
var IDNumberAAD = []byte("officers.id_number")

// NewUnit is a unit to insert. Level, province and city codes are derived
// from RegionCode.
type NewUnit struct {
	Code       string // 6 characters, e.g. A00001
	Name       string
	RegionCode domain.RegionCode
	CreditCode string
	Contact    string
	Phone      string
}

// NewOfficer is an officer to insert with its current certificate and exam
// records. The ID number arrives already protected: the caller seals it
// with IDNumberAAD, computes the blind index and the masked form. The
// region columns are taken from the unit, which must exist.
type NewOfficer struct {
	Code           string
	Name           string
	IDNumberEnc    []byte
	IDNumberHash   []byte
	IDNumberMasked string
	Sex            domain.Sex
	BirthDate      domain.Date
	UnitID         int64
	Area           string
	Category       string
	Education      string
	Post           string
	Staffing       domain.Staffing
	HasPhoto       bool
	TrainingHours  int
	Cert           *NewCertificate // nil: no certificate yet
	Exams          []NewExam
}

// NewCertificate is an officer's current certificate. Number may be empty
// only while pending (numbers are assigned at approval).
type NewCertificate struct {
	Type            domain.CertType
	Number          string
	State           domain.CertState
	IssuedOn        *domain.Date
	LastInspectedOn *domain.Date
	NextDueOn       *domain.Date
	ChipUID         string
	CardSerial      string
	VoidReason      string
	BarredUntil     *domain.Date
	Inspections     int // completed inspections (an exam is due at every Nth)
}

// NewExam is one exam result.
type NewExam struct {
	Kind    string // general | special
	TakenOn domain.Date
	Score   float64
	Passed  bool
}

// InsertRegions inserts regions, renaming those that exist (idempotent).
// Level and parent are derived from the code.
func (db *DB) InsertRegions(ctx context.Context, regions []domain.Region) error {
	if len(regions) == 0 {
		return nil
	}
	rows := make([]regionRow, len(regions))
	for i, r := range regions {
		if _, err := domain.ParseRegionCode(string(r.Code)); err != nil {
			return domain.Errorf(domain.CodeInvalid, "第%d个行政区划代码“%s”无效", i+1, r.Code)
		}
		if strings.TrimSpace(r.Name) == "" {
			return domain.Errorf(domain.CodeInvalid, "行政区划 %s 缺少名称", r.Code)
		}
		rows[i] = regionRow{Code: string(r.Code), Name: r.Name, Level: string(r.Code.Level()), ParentCode: string(r.Code.Parent())}
	}
	return db.ctx(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "code"}},
		DoUpdates: clause.AssignmentColumns([]string{"name", "level", "parent_code"}),
	}).CreateInBatches(&rows, 500).Error
}

// InsertUnits inserts units in one transaction and returns their ids in
// input order. Every region must exist; a duplicate code fails the whole
// call with CodeConflict.
func (db *DB) InsertUnits(ctx context.Context, units []NewUnit) ([]int64, error) {
	if len(units) == 0 {
		return nil, nil
	}
	now := db.now()
	rows := make([]unitRow, len(units))
	codes := map[string]bool{}
	for i, u := range units {
		if !validUnitCode(u.Code) {
			return nil, domain.Errorf(domain.CodeInvalid, "第%d个单位编码“%s”应为6位字母或数字", i+1, u.Code)
		}
		if strings.TrimSpace(u.Name) == "" || utf8.RuneCountInString(u.Name) > 128 {
			return nil, domain.Errorf(domain.CodeInvalid, "单位 %s 的名称为空或过长", u.Code)
		}
		if _, err := domain.ParseRegionCode(string(u.RegionCode)); err != nil {
			return nil, domain.Errorf(domain.CodeInvalid, "单位 %s 的行政区划代码“%s”无效", u.Code, u.RegionCode)
		}
		codes[string(u.RegionCode)] = true
		rows[i] = unitRow{
			Code: u.Code, Name: u.Name, RegionCode: string(u.RegionCode), ProvCode: string(u.RegionCode[:2]),
			CityCode: string(u.RegionCode[:4]), Level: string(u.RegionCode.Level()), CreditCode: u.CreditCode,
			Contact: u.Contact, Phone: u.Phone, CreatedAt: now, UpdatedAt: now,
		}
	}
	var known []string
	if err := db.ctx(ctx).Model(&regionRow{}).Where("code IN ?", mapKeys(codes)).Pluck("code", &known).Error; err != nil {
		return nil, err
	}
	if len(known) != len(codes) {
		for _, u := range units {
			if !slices.Contains(known, string(u.RegionCode)) {
				return nil, domain.Errorf(domain.CodeInvalid, "单位 %s 的行政区划 %s 不存在", u.Code, u.RegionCode)
			}
		}
	}
	err := db.ctx(ctx).Transaction(func(tx *gorm.DB) error {
		return tx.CreateInBatches(&rows, 500).Error
	})
	if err != nil {
		return nil, conflictError(err)
	}
	ids := make([]int64, len(rows))
	for i := range rows {
		ids[i] = rows[i].ID
	}
	return ids, nil
}

func validUnitCode(s string) bool {
	if len(s) != 6 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// InsertOfficers inserts a batch of officers with their certificates and
// exam records. The batch is all-or-nothing: one transaction, so a
// duplicate officer code, ID number or certificate number (CodeConflict)
// or an unknown unit (CodeInvalid) leaves nothing behind. Each officer row
// carries its certificate's id, type, number, state and dates, equal to
// the certificate row. On PostgreSQL the rows go in with COPY (ids taken
// from the tables' sequences); on SQLite with batched INSERTs. Batches of
// ~10,000 suit both.
func (db *DB) InsertOfficers(ctx context.Context, officers []NewOfficer) error {
	if len(officers) == 0 {
		return nil
	}
	nCert, nExam := 0, 0
	unitIDs := map[int64]bool{}
	for i := range officers {
		o := &officers[i]
		if err := o.validate(); err != nil {
			return domain.Errorf(domain.CodeInvalid, "第%d条（%s）：%s", i+1, o.Code, err)
		}
		unitIDs[o.UnitID] = true
		if o.Cert != nil {
			nCert++
		}
		nExam += len(o.Exams)
	}
	regions, err := db.unitRegions(ctx, mapKeys(unitIDs))
	if err != nil {
		return err
	}
	for i := range officers {
		if _, ok := regions[officers[i].UnitID]; !ok {
			return domain.Errorf(domain.CodeInvalid, "第%d条（%s）：执法单位 %d 不存在", i+1, officers[i].Code, officers[i].UnitID)
		}
	}
	b := officerBatch{src: officers, regions: regions, now: db.now()}
	if db.dialect == Postgres {
		err = db.pgTx(ctx, func(tx pgx.Tx) error {
			var err error
			if b.officerIDs, err = pgNextIDs(ctx, tx, "officers", len(officers)); err != nil {
				return err
			}
			if b.certIDs, err = pgNextIDs(ctx, tx, "certificates", nCert); err != nil {
				return err
			}
			if b.examIDs, err = pgNextIDs(ctx, tx, "exam_records", nExam); err != nil {
				return err
			}
			b.build()
			return b.copyTo(ctx, tx)
		})
	} else {
		err = db.ctx(ctx).Transaction(func(tx *gorm.DB) error {
			// The transaction holds SQLite's write lock from BEGIN
			// (_txlock=immediate), so the ids cannot be taken meanwhile.
			var err error
			if b.officerIDs, err = sqliteNextIDs(tx, "officers", len(officers)); err != nil {
				return err
			}
			if b.certIDs, err = sqliteNextIDs(tx, "certificates", nCert); err != nil {
				return err
			}
			if b.examIDs, err = sqliteNextIDs(tx, "exam_records", nExam); err != nil {
				return err
			}
			b.build()
			// ~33 columns x 300 rows stays well under SQLite's 32766 variables.
			if err := tx.CreateInBatches(&b.officers, 300).Error; err != nil {
				return err
			}
			if err := tx.CreateInBatches(&b.certs, 500).Error; err != nil {
				return err
			}
			return tx.CreateInBatches(&b.exams, 1000).Error
		})
	}
	if err != nil {
		return conflictError(err)
	}
	return nil
}

func (o *NewOfficer) validate() error {
	switch {
	case o.Code == "" || len(o.Code) > 32:
		return errors.New("执法人员编码为空或超过32位")
	case strings.TrimSpace(o.Name) == "" || utf8.RuneCountInString(o.Name) > 64:
		return errors.New("姓名为空或过长")
	case len(o.IDNumberEnc) == 0 || len(o.IDNumberHash) == 0 || len(o.IDNumberMasked) != 18:
		return errors.New("身份证号未加密或缺少索引、脱敏值")
	case o.Sex != domain.SexMale && o.Sex != domain.SexFemale:
		return errors.New("性别无效")
	case o.BirthDate.IsZero():
		return errors.New("缺少出生日期")
	case o.UnitID <= 0:
		return errors.New("缺少执法单位")
	}
	switch o.Staffing {
	case domain.StaffingEstablished, domain.StaffingContract, domain.StaffingDispatched,
		domain.StaffingSeconded, domain.StaffingTemporary:
	default:
		return fmt.Errorf("编制情况“%s”无效", o.Staffing)
	}
	if c := o.Cert; c != nil {
		switch c.State {
		case domain.CertPending, domain.CertActive, domain.CertSuspended, domain.CertRevoked,
			domain.CertCancelled, domain.CertVoid:
		default:
			return fmt.Errorf("证件状态“%s”无效", c.State)
		}
		if c.Type == "" || len(c.Type) > 32 || len(c.Number) > 32 {
			return errors.New("证件类型为空或证件编号过长")
		}
		if c.Number == "" && (c.State == domain.CertActive || c.State == domain.CertSuspended) {
			return errors.New("已发放的证件缺少证件编号")
		}
		if c.State == domain.CertActive && (c.IssuedOn == nil || c.NextDueOn == nil) {
			return errors.New("有效证件缺少发证日期或下次年检日期")
		}
	}
	for _, e := range o.Exams {
		if e.Kind == "" || e.TakenOn.IsZero() {
			return errors.New("考试记录缺少类别或日期")
		}
	}
	return nil
}

// unitRegions maps unit ids to their region codes.
func (db *DB) unitRegions(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := make(map[int64]string, len(ids))
	for chunk := range slices.Chunk(ids, 1000) {
		var rows []struct {
			ID         int64
			RegionCode string
		}
		if err := db.ctx(ctx).Model(&unitRow{}).Select("id, region_code").Where("id IN ?", chunk).Find(&rows).Error; err != nil {
			return nil, err
		}
		for _, r := range rows {
			out[r.ID] = r.RegionCode
		}
	}
	return out, nil
}

// officerBatch turns NewOfficers into rows once the ids are known.
type officerBatch struct {
	src                          []NewOfficer
	regions                      map[int64]string
	now                          time.Time
	officerIDs, certIDs, examIDs []int64
	officers                     []officerRow
	certs                        []certificateRow
	exams                        []examRow
}

func (b *officerBatch) build() {
	b.officers = make([]officerRow, len(b.src))
	b.certs = make([]certificateRow, 0, len(b.certIDs))
	b.exams = make([]examRow, 0, len(b.examIDs))
	for i := range b.src {
		o := &b.src[i]
		region := b.regions[o.UnitID]
		r := officerRow{
			ID: b.officerIDs[i], Code: o.Code, Name: o.Name, IDNumberEnc: o.IDNumberEnc, IDNumberHash: o.IDNumberHash,
			IDNumberMasked: o.IDNumberMasked, Sex: string(o.Sex), BirthDate: o.BirthDate, UnitID: o.UnitID,
			RegionCode: region, ProvCode: region[:2], CityCode: region[:4], Area: o.Area, Category: o.Category,
			Education: o.Education, Post: o.Post, Staffing: string(o.Staffing), HasPhoto: o.HasPhoto,
			TrainingHours: o.TrainingHours, CertState: string(domain.CertNone), CreatedAt: b.now, UpdatedAt: b.now,
		}
		if c := o.Cert; c != nil {
			id := b.certIDs[len(b.certs)]
			cr := certificateRow{
				ID: id, OfficerID: r.ID, Type: string(c.Type), State: string(c.State), IssuedOn: c.IssuedOn,
				LastInspectedOn: c.LastInspectedOn, NextDueOn: c.NextDueOn, ChipUID: c.ChipUID, CardSerial: c.CardSerial,
				RegionCode: region, ProvCode: region[:2], CityCode: region[:4], VoidReason: c.VoidReason,
				BarredUntil: c.BarredUntil, Inspections: c.Inspections, Version: 1, CreatedAt: b.now, UpdatedAt: b.now,
			}
			if c.Number != "" {
				cr.Number = &c.Number
			}
			b.certs = append(b.certs, cr)
			// The list columns mirror the certificate row.
			r.CertID, r.CertType, r.CertNo, r.CertState = &cr.ID, &cr.Type, cr.Number, cr.State
			r.LastInspectedOn, r.NextDueOn = cr.LastInspectedOn, cr.NextDueOn
		}
		for _, e := range o.Exams {
			b.exams = append(b.exams, examRow{ID: b.examIDs[len(b.exams)], OfficerID: r.ID, Kind: e.Kind,
				TakenOn: e.TakenOn, Score: e.Score, Passed: e.Passed, CreatedAt: b.now})
		}
		b.officers[i] = r
	}
}

var (
	officerCopyCols = []string{"id", "code", "name", "id_number_enc", "id_number_hash", "id_number_masked",
		"sex", "birth_date", "unit_id", "region_code", "prov_code", "city_code", "area", "category", "education",
		"post", "staffing", "has_photo", "training_hours", "review_result", "sanction_level", "sanction_until",
		"cert_id", "cert_type", "cert_no", "cert_state", "last_inspected_on", "next_due_on", "created_at", "updated_at"}
	certCopyCols = []string{"id", "officer_id", "type", "number", "state", "issued_on", "last_inspected_on",
		"next_due_on", "chip_uid", "card_serial", "region_code", "prov_code", "city_code", "void_reason",
		"barred_until", "inspections", "version", "created_at", "updated_at"}
	examCopyCols = []string{"id", "officer_id", "kind", "taken_on", "score", "passed", "created_at"}
)

func (b *officerBatch) copyTo(ctx context.Context, tx pgx.Tx) error {
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"officers"}, officerCopyCols, pgx.CopyFromSlice(len(b.officers), func(i int) ([]any, error) {
		r := &b.officers[i]
		return []any{r.ID, r.Code, r.Name, r.IDNumberEnc, r.IDNumberHash, r.IDNumberMasked, r.Sex, r.BirthDate.Time(),
			r.UnitID, r.RegionCode, r.ProvCode, r.CityCode, r.Area, r.Category, r.Education, r.Post, r.Staffing,
			r.HasPhoto, r.TrainingHours, r.ReviewResult, r.SanctionLevel, pgDate(r.SanctionUntil),
			pgPtr(r.CertID), pgPtr(r.CertType), pgPtr(r.CertNo), r.CertState, pgDate(r.LastInspectedOn),
			pgDate(r.NextDueOn), r.CreatedAt, r.UpdatedAt}, nil
	})); err != nil {
		return fmt.Errorf("copy officers: %w", err)
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"certificates"}, certCopyCols, pgx.CopyFromSlice(len(b.certs), func(i int) ([]any, error) {
		r := &b.certs[i]
		return []any{r.ID, r.OfficerID, r.Type, pgPtr(r.Number), r.State, pgDate(r.IssuedOn), pgDate(r.LastInspectedOn),
			pgDate(r.NextDueOn), r.ChipUID, r.CardSerial, r.RegionCode, r.ProvCode, r.CityCode, r.VoidReason,
			pgDate(r.BarredUntil), r.Inspections, r.Version, r.CreatedAt, r.UpdatedAt}, nil
	})); err != nil {
		return fmt.Errorf("copy certificates: %w", err)
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"exam_records"}, examCopyCols, pgx.CopyFromSlice(len(b.exams), func(i int) ([]any, error) {
		r := &b.exams[i]
		return []any{r.ID, r.OfficerID, r.Kind, r.TakenOn.Time(), r.Score, r.Passed, r.CreatedAt}, nil
	})); err != nil {
		return fmt.Errorf("copy exam records: %w", err)
	}
	return nil
}

func pgDate(d *domain.Date) any {
	if d == nil || d.IsZero() {
		return nil
	}
	return d.Time()
}

func pgPtr[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// pgTx runs fn in a pgx transaction on one pooled connection, so COPY can
// be used; fn's error rolls everything back.
func (db *DB) pgTx(ctx context.Context, fn func(pgx.Tx) error) error {
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(driverConn any) error {
		sc, ok := driverConn.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("store: PostgreSQL driver connection is %T, not pgx", driverConn)
		}
		tx, err := sc.Conn().Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(context.WithoutCancel(ctx)) // no-op after Commit
		if err := fn(tx); err != nil {
			return err
		}
		return tx.Commit(ctx)
	})
}

// pgNextIDs takes n values from table's id sequence. The values are unique
// even with concurrent writers; they need not be contiguous.
func pgNextIDs(ctx context.Context, tx pgx.Tx, table string, n int) ([]int64, error) {
	if n == 0 {
		return nil, nil
	}
	rows, err := tx.Query(ctx, `SELECT nextval(pg_get_serial_sequence($1, 'id')) FROM generate_series(1, $2)`, table, n)
	if err != nil {
		return nil, err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("allocate %s ids: %w", table, err)
	}
	if len(ids) != n {
		return nil, fmt.Errorf("allocate %s ids: got %d, want %d", table, len(ids), n)
	}
	return ids, nil
}

// sqliteNextIDs reserves n ids after both the largest id and the
// AUTOINCREMENT high-water mark, so ids of deleted rows are never reused
// (inserting explicit ids moves sqlite_sequence forward).
func sqliteNextIDs(tx *gorm.DB, table string, n int) ([]int64, error) {
	if n == 0 {
		return nil, nil
	}
	var next int64
	err := tx.Raw(`SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = ?), 0),
		COALESCE((SELECT MAX(id) FROM `+table+`), 0)) + 1`, table).Scan(&next).Error
	if err != nil {
		return nil, fmt.Errorf("allocate %s ids: %w", table, err)
	}
	ids := make([]int64, n)
	for i := range ids {
		ids[i] = next + int64(i)
	}
	return ids, nil
}

func (db *DB) now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// isUniqueViolation recognises a unique or primary-key violation on either database.
func isUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505"
	}
	return errors.Is(err, sqlite3.CONSTRAINT_UNIQUE) || errors.Is(err, sqlite3.CONSTRAINT_PRIMARYKEY)
}

// conflictError turns a unique violation into a CodeConflict error naming
// the duplicated field; other errors pass through.
func conflictError(err error) error {
	if !isUniqueViolation(err) {
		return err
	}
	var what string
	s := err.Error()
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		s = pe.ConstraintName + " " + pe.Detail
	}
	switch {
	case strings.Contains(s, "id_number_hash"):
		what = "身份证号"
	case strings.Contains(s, "officers_code") || strings.Contains(s, "officers.code"):
		what = "执法人员编码"
	case strings.Contains(s, "certificates_number") || strings.Contains(s, "certificates.number"):
		what = "证件编号"
	case strings.Contains(s, "units_code") || strings.Contains(s, "units.code"):
		what = "单位编码"
	case strings.Contains(s, "certificates_live"):
		what = "有效证件（同一人同类证件只能有一个）"
	default:
		what = "数据"
	}
	return &domain.Error{Code: domain.CodeConflict, Message: what + "重复，本批数据均未保存", Err: err}
}

// Seeding support: small reads the generators need to continue numbering
// after what a database already holds.

// HasUnits reports whether any unit exists.
func (db *DB) HasUnits(ctx context.Context) (bool, error) {
	var ids []int64
	err := db.ctx(ctx).Model(&unitRow{}).Limit(1).Pluck("id", &ids).Error
	return len(ids) > 0, err
}

// UnitIDsByCode maps the given unit codes that exist to their ids.
func (db *DB) UnitIDsByCode(ctx context.Context, codes []string) (map[string]int64, error) {
	out := make(map[string]int64, len(codes))
	for chunk := range slices.Chunk(codes, 1000) {
		var rows []struct {
			ID   int64
			Code string
		}
		if err := db.ctx(ctx).Model(&unitRow{}).Select("id, code").Where("code IN ?", chunk).Find(&rows).Error; err != nil {
			return nil, err
		}
		for _, r := range rows {
			out[r.Code] = r.ID
		}
	}
	return out, nil
}

// MaxOfficerCode returns the greatest officer code starting with prefix
// ("" when there is none); an index range scan on the unique code index.
func (db *DB) MaxOfficerCode(ctx context.Context, prefix string) (string, error) {
	var codes []string
	lo, hi := prefixRange(prefix)
	err := db.ctx(ctx).Model(&officerRow{}).Where("code >= ? AND code < ?", lo, hi).
		Order("code DESC").Limit(1).Pluck("code", &codes).Error
	if err != nil || len(codes) == 0 {
		return "", err
	}
	return codes[0], nil
}

// MaxCertNumbers returns, for each distinct first prefixLen characters of
// the certificate numbers, the greatest number with that prefix.
func (db *DB) MaxCertNumbers(ctx context.Context, prefixLen int) (map[string]string, error) {
	var rows []struct {
		Prefix string
		Max    string
	}
	err := db.ctx(ctx).Model(&certificateRow{}).
		Select("substr(number, 1, ?) AS prefix, MAX(number) AS max", prefixLen).
		Where("number IS NOT NULL").Group("prefix").Find(&rows).Error
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(rows))
	for _, r := range rows {
		out[r.Prefix] = r.Max
	}
	return out, nil
}

func mapKeys[K comparable](m map[K]bool) []K {
	out := make([]K, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
