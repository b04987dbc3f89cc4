package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"time"

	"gorm.io/gorm"

	"github.com/lecms/lecms/api/domain"
)

// Applications stores applications, their timeline and the certificate
// changes approvals cause.
type Applications struct{ db *DB }

func NewApplications(db *DB) *Applications { return &Applications{db: db} }

// openStates are the states of an application still in progress; an officer
// has at most one (ux_applications_open).
func openStates() []string {
	return []string{string(domain.AppDraft), string(domain.AppSubmitted), string(domain.AppUnitApproved),
		string(domain.AppLegalApproved), string(domain.AppInProduction), string(domain.AppReturned)}
}

// chunk splits ids for IN lists (SQLite allows 32k parameters, PostgreSQL 65k).
func chunk(ids []int64, n int) [][]int64 {
	var out [][]int64
	for len(ids) > n {
		out, ids = append(out, ids[:n]), ids[n:]
	}
	if len(ids) > 0 {
		out = append(out, ids)
	}
	return out
}

// Candidates loads what the gates need about officers: the officer, the
// live (or latest) certificate of a type, exams, bars and open
// applications. A handful of queries whatever the number of officers.
func (s *Applications) Candidates(ctx context.Context, officerIDs []int64, certType domain.CertType) (map[int64]domain.Candidate, error) {
	out := make(map[int64]domain.Candidate, len(officerIDs))
	for _, ids := range chunk(officerIDs, 5000) {
		var officers []officerRow
		if err := s.db.ctx(ctx).Where("id IN ?", ids).Find(&officers).Error; err != nil {
			return nil, err
		}
		for _, o := range officers {
			out[o.ID] = domain.Candidate{OfficerID: o.ID, OfficerCode: o.Code, Name: o.Name, UnitID: o.UnitID,
				Region: domain.RegionCode(o.RegionCode), Area: o.Area, Version: o.Version,
				HasPhoto: o.HasPhoto, Staffing: domain.Staffing(o.Staffing), Review: o.ReviewResult, Sanction: o.SanctionLevel,
				SanctionTil: o.SanctionUntil}
		}
		var certs []certificateRow
		if err := s.db.ctx(ctx).Where("officer_id IN ? AND type = ?", ids, string(certType)).Order("id").Find(&certs).Error; err != nil {
			return nil, err
		}
		for _, c := range certs {
			cand, ok := out[c.OfficerID]
			if !ok {
				continue
			}
			live := c.State == string(domain.CertPending) || c.State == string(domain.CertActive) || c.State == string(domain.CertSuspended)
			if cand.Cert == nil || live || !isLive(cand.Cert.State) {
				dc := certDomain(c)
				cand.Cert, cand.Inspections = &dc, c.Inspections
			}
			if c.BarredUntil != nil && (cand.BarredUntil == nil || c.BarredUntil.After(*cand.BarredUntil)) {
				cand.BarredUntil = c.BarredUntil
			}
			out[c.OfficerID] = cand
		}
		var exams []struct {
			OfficerID int64
			Last      domain.Date
		}
		if err := s.db.ctx(ctx).Model(&examRow{}).Select("officer_id, MAX(taken_on) AS last").
			Where("officer_id IN ? AND passed", ids).Group("officer_id").Find(&exams).Error; err != nil {
			return nil, err
		}
		for _, e := range exams {
			cand := out[e.OfficerID]
			cand.PassedExam = true
			cand.ExamSince = cand.Cert != nil && cand.Cert.LastInspectedOn != nil && !e.Last.Before(*cand.Cert.LastInspectedOn)
			out[e.OfficerID] = cand
		}
		var open []int64
		if err := s.db.ctx(ctx).Model(&applicationRow{}).Where("officer_id IN ? AND state IN ?", ids, openStates()).
			Pluck("officer_id", &open).Error; err != nil {
			return nil, err
		}
		for _, id := range open {
			cand := out[id]
			cand.OpenApp = true
			out[id] = cand
		}
	}
	return out, nil
}

func isLive(s domain.CertState) bool {
	return s == domain.CertPending || s == domain.CertActive || s == domain.CertSuspended
}

func certDomain(c certificateRow) domain.Certificate {
	d := domain.Certificate{ID: c.ID, OfficerID: c.OfficerID, Type: domain.CertType(c.Type), State: domain.CertState(c.State),
		IssuedOn: c.IssuedOn, LastInspectedOn: c.LastInspectedOn, NextDueOn: c.NextDueOn, ChipUID: c.ChipUID,
		CardSerial: c.CardSerial, RegionCode: domain.RegionCode(c.RegionCode)}
	if c.Number != nil {
		d.Number = *c.Number
	}
	return d
}

// NewApplication is an application to create (state submitted).
type NewApplication struct {
	Kind          domain.AppKind
	State         domain.AppState
	OfficerID     int64
	CertificateID *int64
	CertType      domain.CertType
	UnitID        int64
	RegionCode    domain.RegionCode
	ApplicantID   int64
	ApplicantName string
	Reason        string
	Payload       map[string]any
	RoundYear     int
	RoundDueOn    *domain.Date
	// OfficerVersion is the officer record's version the eligibility gates
	// ran on (domain.Candidate.Version); Create refuses the batch when the
	// record has changed since. 0 skips that check (fixtures, and the
	// transfer's renewals, which are opened under the transfer's own lock).
	OfficerVersion int
}

// Create inserts applications and their first timeline step, all or none.
// A second open application for an officer violates ux_applications_open:
// a concurrent duplicate becomes a conflict, not a second row.
//
// The officers' rows are locked first (see lockApplicants), so creation is
// serialised with the writes that must not interleave with it: an edit or
// photo upload of printed fields (which re-checks for a locking
// application under the same row lock) and a transfer (which re-checks for
// an open application). Whichever commits first wins; the other is refused.
func (s *Applications) Create(ctx context.Context, apps []NewApplication, now time.Time) ([]int64, error) {
	var ids []int64
	err := s.db.ctx(ctx).Transaction(func(tx *gorm.DB) error {
		if err := s.lockApplicants(tx, apps); err != nil {
			return err
		}
		var err error
		ids, err = createApplications(tx, apps, now)
		return err
	})
	return ids, err
}

// lockApplicants share-locks the officer rows of apps (PostgreSQL; on
// SQLite the immediate transaction already excludes every other writer)
// and checks each application still matches its officer: the same unit and
// region (a transfer committed since the caller looked would otherwise
// leave the application with the old unit) and, when given, the version
// the gates saw (an edit committed since may have changed a printed field
// or what the gates decided on). A share lock is enough: edits and
// transfers take the row FOR UPDATE, so they wait for this transaction or
// it waits for them, while concurrent batches for the same officers do not
// queue behind each other (ux_applications_open settles those). Rows are
// locked in id order so overlapping batches cannot deadlock.
func (s *Applications) lockApplicants(tx *gorm.DB, apps []NewApplication) error {
	byOfficer := make(map[int64][]NewApplication, len(apps))
	for _, a := range apps {
		byOfficer[a.OfficerID] = append(byOfficer[a.OfficerID], a)
	}
	ids := make([]int64, 0, len(byOfficer))
	for id := range byOfficer {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, part := range chunk(ids, 5000) {
		var rows []officerRow
		if err := s.db.lockRows(tx, "SHARE").Select("id, code, name, unit_id, region_code, version").
			Where("id IN ?", part).Order("id").Find(&rows).Error; err != nil {
			return err
		}
		if len(rows) != len(part) {
			return domain.Errorf(domain.CodeNotFound, "有执法人员档案已不存在，申请未提交，请刷新后重试")
		}
		for _, o := range rows {
			for _, a := range byOfficer[o.ID] {
				moved := o.UnitID != a.UnitID || o.RegionCode != string(a.RegionCode)
				if moved || (a.OfficerVersion != 0 && o.Version != a.OfficerVersion) {
					return officerChangedError(o.ID, o.Code, o.Name, moved)
				}
			}
		}
	}
	return nil
}

// officerChangedError refuses a batch whose officer changed between the
// eligibility check and the insert. The field is named like the apply
// refusals' (officers/{id}) so clients point at the same row.
func officerChangedError(id int64, code, name string, moved bool) error {
	what := "档案已被修改"
	if moved {
		what = "已调动到其他单位"
	}
	msg := "执法人员 " + name + "（" + code + "）" + what + "，申请未提交，请刷新后重试"
	return &domain.Error{Code: domain.CodeConflict, Message: msg,
		Fields: []domain.FieldError{{Field: "officers/" + strconv.FormatInt(id, 10), Rule: "officer_changed", Message: msg}}}
}

// createApplications is Create inside a caller's transaction.
func createApplications(tx *gorm.DB, apps []NewApplication, now time.Time) ([]int64, error) {
	rows := make([]applicationRow, len(apps))
	for i, a := range apps {
		payload := "{}"
		if a.Payload != nil {
			b, err := json.Marshal(a.Payload)
			if err != nil {
				return nil, err
			}
			payload = string(b)
		}
		n := now
		rows[i] = applicationRow{Kind: string(a.Kind), State: string(a.State), OfficerID: a.OfficerID, CertificateID: a.CertificateID,
			CertType: string(a.CertType), UnitID: a.UnitID, RegionCode: string(a.RegionCode), ProvCode: a.RegionCode.Province(),
			CityCode: cityOf(a.RegionCode), ApplicantID: a.ApplicantID, ApplicantName: a.ApplicantName, Reason: a.Reason,
			Payload: payload, RoundYear: a.RoundYear, RoundDueOn: a.RoundDueOn, Version: 1, SubmittedAt: &n, CreatedAt: now, UpdatedAt: now}
	}
	if err := tx.CreateInBatches(&rows, 500).Error; err != nil {
		if isUniqueViolation(err) {
			return nil, domain.Errorf(domain.CodeConflict, "有人员已存在未办结的申请，请刷新后重试")
		}
		return nil, err
	}
	steps := make([]approvalStepRow, len(rows))
	for i, r := range rows {
		steps[i] = approvalStepRow{ApplicationID: r.ID, Step: "apply", Decision: "submit", ActorID: r.ApplicantID,
			ActorName: r.ApplicantName, Comment: r.Reason, At: now}
	}
	if err := tx.CreateInBatches(&steps, 1000).Error; err != nil {
		return nil, err
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	return ids, nil
}

// cityOf is the 4-digit city prefix, or the province's "xx00" for
// province-level regions so that city-level equality never matches them.
func cityOf(r domain.RegionCode) string {
	if c := r.City(); c != "" {
		return c
	}
	return r.Province() + "00"
}

// appWithNames is an application row joined with its officer, unit and
// chip facts, as scanApplications reads it.
type appWithNames struct {
	Row            applicationRow `gorm:"embedded"`
	OfficerCode    string
	OfficerName    string
	IDNumberMasked string
	UnitName       string
	CertNo         *string
	ChipUID        *string
	ItemWrittenAt  *time.Time // production_items.written_at
	SyncAt         *time.Time // inspection_syncs.at
	SyncMethod     *string
	SyncNextDueOn  *domain.Date
	StickerAt      *time.Time
}

// chip gathers an application's chip facts from its joined rows.
func (w appWithNames) chip() domain.ChipFacts {
	var c domain.ChipFacts
	if w.ChipUID != nil {
		c.UID = *w.ChipUID
	}
	c.WrittenAt = w.ItemWrittenAt
	if w.SyncMethod != nil {
		c.SyncMethod = *w.SyncMethod
		c.SyncedAt = w.SyncAt
		c.NextDueOn = w.SyncNextDueOn
		c.StickerAt = w.StickerAt
		if c.SyncMethod == "chip" {
			c.WrittenAt = w.SyncAt
		}
	}
	return c
}

func (w appWithNames) domain() domain.Application {
	r := w.Row
	return domain.Application{ID: r.ID, Kind: domain.AppKind(r.Kind), State: domain.AppState(r.State), OfficerID: r.OfficerID,
		OfficerCode: w.OfficerCode, OfficerName: w.OfficerName, IDNumberMasked: w.IDNumberMasked, UnitID: r.UnitID,
		UnitName: w.UnitName, RegionCode: domain.RegionCode(r.RegionCode), CertType: domain.CertType(r.CertType),
		CertificateID: r.CertificateID, CertNo: w.CertNo, Reason: r.Reason, RoundYear: r.RoundYear, RoundDueOn: r.RoundDueOn,
		ApplicantID: r.ApplicantID, ApplicantName: r.ApplicantName, ReturnedComment: r.ReturnedComment, Version: r.Version,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, Chip: w.chip()}
}

// appListColumns are what an application row shows, in scanApplications'
// order: named (not applications.*, which drags the payload and bookkeeping
// along) and scanned with rows.Scan, as the officer list is
// (docs/performance.md).
const appListColumns = "applications.id, applications.kind, applications.state, applications.officer_id, " +
	"applications.certificate_id, applications.cert_type, applications.unit_id, applications.region_code, " +
	"applications.applicant_id, applications.applicant_name, applications.reason, applications.round_year, " +
	"applications.round_due_on, applications.returned_comment, applications.version, applications.created_at, " +
	"applications.updated_at, officers.code, officers.name, officers.id_number_masked, units.name, " +
	"certificates.number, certificates.chip_uid, production_items.written_at, inspection_syncs.at, " +
	"inspection_syncs.method, inspection_syncs.next_due_on, inspection_syncs.sticker_at"

// scanApplications reads rows selected with appListColumns.
func scanApplications(rows *sql.Rows, capacity int) ([]domain.Application, error) {
	defer rows.Close()
	out := make([]domain.Application, 0, capacity)
	for rows.Next() {
		var w appWithNames
		r := &w.Row
		if err := rows.Scan(&r.ID, &r.Kind, &r.State, &r.OfficerID, &r.CertificateID, &r.CertType, &r.UnitID,
			&r.RegionCode, &r.ApplicantID, &r.ApplicantName, &r.Reason, &r.RoundYear, &r.RoundDueOn,
			&r.ReturnedComment, &r.Version, &r.CreatedAt, &r.UpdatedAt, &w.OfficerCode, &w.OfficerName,
			&w.IDNumberMasked, &w.UnitName, &w.CertNo, &w.ChipUID, &w.ItemWrittenAt, &w.SyncAt, &w.SyncMethod,
			&w.SyncNextDueOn, &w.StickerAt); err != nil {
			return nil, err
		}
		out = append(out, w.domain())
	}
	return out, rows.Err()
}

// joined adds the names and the chip facts (certificate chip, confirmed
// card write, inspection sync) to applications; both chip tables are
// keyed by application id.
func (s *Applications) joined(db *gorm.DB) *gorm.DB {
	return db.Table("applications").
		Select(appListColumns).
		Joins("JOIN officers ON officers.id = applications.officer_id").
		Joins("JOIN units ON units.id = applications.unit_id").
		Joins("LEFT JOIN certificates ON certificates.id = applications.certificate_id").
		Joins("LEFT JOIN production_items ON production_items.application_id = applications.id").
		Joins("LEFT JOIN inspection_syncs ON inspection_syncs.application_id = applications.id")
}

func (s *Applications) filtered(ctx context.Context, f domain.AppFilter) *gorm.DB {
	q := s.db.ctx(ctx)
	if f.SameLevel && f.Region != "" {
		q = q.Where("applications.region_code = ?", string(f.Region))
	} else {
		q = q.Scopes(inRegion("applications", f.Region))
	}
	if f.UnitID != 0 {
		q = q.Where("applications.unit_id = ?", f.UnitID)
	}
	if f.Kind != "" {
		q = q.Where("applications.kind = ?", string(f.Kind))
	}
	if f.State != "" {
		q = q.Where("applications.state = ?", string(f.State))
	}
	if f.OfficerID != 0 {
		q = q.Where("applications.officer_id = ?", f.OfficerID)
	}
	if f.Name != "" {
		lo, hi := prefixRange(f.Name)
		q = q.Where("officers.name >= ? AND officers.name < ?", lo, hi)
	}
	if f.Year != 0 { // 年检年度: the officer's last inspection in that year
		q = q.Where("officers.last_inspected_on >= ? AND officers.last_inspected_on < ?",
			domain.NewDate(f.Year, 1, 1), domain.NewDate(f.Year+1, 1, 1))
	}
	return q
}

// List returns applications in id order, keyset paginated.
func (s *Applications) List(ctx context.Context, f domain.AppFilter) (domain.Page[domain.Application], error) {
	q, err := s.pageQuery(ctx, f)
	if err != nil {
		return domain.Page[domain.Application]{}, err
	}
	rows, err := q.Rows()
	if err != nil {
		return domain.Page[domain.Application]{}, err
	}
	items, err := scanApplications(rows, f.Page.Limit+1)
	if err != nil {
		return domain.Page[domain.Application]{}, err
	}
	page := domain.Page[domain.Application]{Items: items}
	if len(items) > f.Page.Limit {
		page.NextCursor = idCursor{ID: items[f.Page.Limit-1].ID}.encode()
		page.Items = items[:f.Page.Limit]
	}
	return page, nil
}

// pageQuery is the statement of one List page (limit + 1 rows).
func (s *Applications) pageQuery(ctx context.Context, f domain.AppFilter) (*gorm.DB, error) {
	q := s.joined(s.filtered(ctx, f))
	if f.Page.Cursor != "" {
		after, err := decodeIDCursor(f.Page.Cursor)
		if err != nil {
			return nil, err
		}
		q = q.Where("applications.id > ?", after)
	}
	return q.Order("applications.id").Limit(f.Page.Limit + 1), nil
}

// PageSQL is the SQL of one List page with its arguments inlined, for
// EXPLAIN and for pgbench to run the very statement the API runs.
func (s *Applications) PageSQL(ctx context.Context, f domain.AppFilter) (string, error) {
	var qerr error
	sql := s.db.gorm.ToSQL(func(*gorm.DB) *gorm.DB {
		q, err := s.pageQuery(ctx, f)
		if err != nil {
			qerr = err
			return s.db.gorm
		}
		var rows []appWithNames
		return q.Session(&gorm.Session{DryRun: true}).Find(&rows)
	})
	return sql, qerr
}

// IDs resolves a filter to application ids (for batches by filter).
func (s *Applications) IDs(ctx context.Context, f domain.AppFilter, max int) ([]int64, error) {
	var ids []int64
	err := s.filtered(ctx, f).Table("applications").Joins("JOIN officers ON officers.id = applications.officer_id").
		Order("applications.id").Limit(max+1).Pluck("applications.id", &ids).Error
	return ids, err
}

// Get returns the applications with these ids (missing ids are absent).
func (s *Applications) Get(ctx context.Context, ids []int64) ([]domain.Application, error) {
	var out []domain.Application
	for _, part := range chunk(ids, 5000) {
		rows, err := s.joined(s.db.ctx(ctx)).Where("applications.id IN ?", part).Order("applications.id").Rows()
		if err != nil {
			return nil, err
		}
		got, err := scanApplications(rows, len(part))
		if err != nil {
			return nil, err
		}
		out = append(out, got...)
	}
	return out, nil
}

// Timeline returns the steps of an officer's applications, oldest first.
func (s *Applications) Timeline(ctx context.Context, officerID int64) ([]domain.Step, error) {
	var rows []struct {
		Row  approvalStepRow `gorm:"embedded"`
		Kind string
	}
	err := s.db.ctx(ctx).Table("approval_steps").Select("approval_steps.*, applications.kind AS kind").
		Joins("JOIN applications ON applications.id = approval_steps.application_id").
		Where("applications.officer_id = ?", officerID).Order("approval_steps.at, approval_steps.id").Scan(&rows).Error
	out := make([]domain.Step, len(rows))
	for i, r := range rows {
		out[i] = domain.Step{ApplicationID: r.Row.ApplicationID, Kind: domain.AppKind(r.Kind), Step: r.Row.Step,
			Decision: r.Row.Decision, ActorName: r.Row.ActorName, Comment: r.Row.Comment, At: r.Row.At}
	}
	return out, err
}

// Change is what one decision does to one application and its
// certificates; the lifecycle service computes it, Apply persists it.
type Change struct {
	ID          int64
	Version     int // the version the decision was made on
	From, To    domain.AppState
	Step        string
	Decision    string
	ActorID     int64
	ActorName   string
	Comment     string
	Returned    bool // store Comment as the returned comment
	OfficerID   int64
	OldCert     *int64 // the application's current certificate
	OldCertTo   domain.CertState
	VoidReason  string
	BarredUntil *domain.Date
	NewCert     *NewCertPlan // a new pending certificate with a number
}

// NewCertPlan asks for a new pending certificate with a fresh number.
type NewCertPlan struct {
	Type     domain.CertType
	Region   domain.RegionCode
	Prefix   string // number prefix from the template
	Width    int
	IssuedOn *domain.Date
}

// ErrStale is a lost race: another reviewer changed the application first.
var ErrStale = errors.New("application changed concurrently")

// Apply persists decisions in one transaction: every application must
// still be in the state and version the decision saw (else nothing is
// written and ErrStale returns), numbers are allocated, certificates
// created or moved, officers' list columns refreshed and steps recorded.
func (s *Applications) Apply(ctx context.Context, changes []Change, now time.Time) error {
	return s.db.ctx(ctx).Transaction(func(tx *gorm.DB) error {
		officers := map[int64]bool{}
		// Optimistic check and state change: one UPDATE per kind of change
		// and chunk, matching (id, version) pairs and the state seen; fewer
		// rows changed than asked means someone else got there first.
		type group struct {
			from, to domain.AppState
			comment  string // returned comment, when storing one
		}
		groups := map[group][]Change{}
		for _, c := range changes {
			g := group{from: c.From, to: c.To}
			if c.Returned {
				g.comment = c.Comment
			}
			groups[g] = append(groups[g], c)
			officers[c.OfficerID] = true
		}
		for g, cs := range groups {
			for start := 0; start < len(cs); start += 1000 {
				part := cs[start:min(start+1000, len(cs))]
				pairs := make([][]any, len(part))
				for i, c := range part {
					pairs[i] = []any{c.ID, c.Version}
				}
				upd := map[string]any{"state": string(g.to), "version": gorm.Expr("version + 1"), "updated_at": now}
				if g.comment != "" {
					upd["returned_comment"] = g.comment
				}
				res := tx.Model(&applicationRow{}).Where("(id, version) IN ? AND state = ?", pairs, string(g.from)).Updates(upd)
				if res.Error != nil {
					return res.Error
				}
				if int(res.RowsAffected) != len(part) {
					return ErrStale
				}
			}
		}
		// Old certificates.
		for _, c := range changes {
			if c.OldCert == nil || c.OldCertTo == "" {
				continue
			}
			upd := map[string]any{"state": string(c.OldCertTo), "version": gorm.Expr("version + 1"), "updated_at": now}
			if c.VoidReason != "" {
				upd["void_reason"] = c.VoidReason
			}
			if c.BarredUntil != nil {
				upd["barred_until"] = *c.BarredUntil
			}
			if err := tx.Model(&certificateRow{}).Where("id = ?", *c.OldCert).Updates(upd).Error; err != nil {
				return err
			}
		}
		if err := s.createCerts(tx, changes, now); err != nil {
			return err
		}
		steps := make([]approvalStepRow, len(changes))
		for i, c := range changes {
			steps[i] = approvalStepRow{ApplicationID: c.ID, Step: c.Step, Decision: c.Decision, ActorID: c.ActorID,
				ActorName: c.ActorName, Comment: c.Comment, At: now}
		}
		if err := tx.CreateInBatches(&steps, 1000).Error; err != nil {
			return err
		}
		return refreshOfficerCerts(tx, mapKeys(officers), now)
	})
}

// createCerts allocates numbers per prefix in blocks (one locked UPDATE per
// prefix, whatever the batch size) and inserts the pending certificates.
func (s *Applications) createCerts(tx *gorm.DB, changes []Change, now time.Time) error {
	need := map[string]int{}
	width := map[string]int{}
	for _, c := range changes {
		if c.NewCert != nil {
			need[c.NewCert.Prefix]++
			width[c.NewCert.Prefix] = c.NewCert.Width
		}
	}
	next := map[string]int64{}
	for prefix, n := range need {
		first, err := allocate(tx, prefix, n)
		if err != nil {
			return err
		}
		next[prefix] = first
	}
	var certs []certificateRow
	var owners []int // index into changes
	for i, c := range changes {
		if c.NewCert == nil {
			continue
		}
		num := domain.FormatNumber(c.NewCert.Prefix, next[c.NewCert.Prefix], width[c.NewCert.Prefix])
		next[c.NewCert.Prefix]++
		r := c.NewCert.Region
		certs = append(certs, certificateRow{OfficerID: c.OfficerID, Type: string(c.NewCert.Type), Number: &num,
			State: string(domain.CertPending), RegionCode: string(r), ProvCode: r.Province(), CityCode: cityOf(r),
			IssuedOn: c.NewCert.IssuedOn, Version: 1, CreatedAt: now, UpdatedAt: now})
		owners = append(owners, i)
	}
	if len(certs) == 0 {
		return nil
	}
	if err := tx.CreateInBatches(&certs, 500).Error; err != nil {
		if isUniqueViolation(err) {
			return domain.Errorf(domain.CodeConflict, "证件号冲突或人员已有有效证件，请刷新后重试")
		}
		return err
	}
	// Link each application to its officer's new pending certificate, set-based.
	appIDs := make([]int64, len(owners))
	for j, i := range owners {
		appIDs[j] = changes[i].ID
	}
	for _, part := range chunk(appIDs, 5000) {
		if err := tx.Exec(`UPDATE applications SET certificate_id = (SELECT c.id FROM certificates c
			WHERE c.officer_id = applications.officer_id AND c.type = applications.cert_type AND c.state = 'pending')
			WHERE id IN ?`, part).Error; err != nil {
			return err
		}
	}
	return nil
}

// allocate reserves n consecutive sequence numbers for prefix and returns
// the first. The sequence starts after the greatest existing number with
// the prefix (imported or seeded data), so numbers never collide.
func allocate(tx *gorm.DB, prefix string, n int) (int64, error) {
	lo, hi := prefixRange(prefix)
	if err := tx.Exec(`INSERT INTO number_sequences (key, next)
		SELECT ?, COALESCE(MAX(CAST(substr(number, ?) AS INTEGER)), 0) FROM certificates WHERE number >= ? AND number < ?
		ON CONFLICT (key) DO NOTHING`, prefix, len(prefix)+1, lo, hi).Error; err != nil {
		return 0, err
	}
	var last int64
	if err := tx.Raw(`UPDATE number_sequences SET next = next + ? WHERE key = ? RETURNING next`, n, prefix).Scan(&last).Error; err != nil {
		return 0, err
	}
	return last - int64(n) + 1, nil
}

// refreshOfficerCerts recomputes the officers' denormalised certificate
// columns from their certificates (the live one, else the latest): one
// UPDATE … FROM per chunk, the current certificate picked by a window
// function (PostgreSQL and SQLite ≥ 3.33 both run it). Officers without
// any certificate are not touched: they had none before either.
func refreshOfficerCerts(tx *gorm.DB, officerIDs []int64, now time.Time) error {
	for _, ids := range chunk(officerIDs, 5000) {
		if err := tx.Exec(`UPDATE officers SET cert_id = cur.id, cert_type = cur.type, cert_no = cur.number,
				cert_state = cur.state, last_inspected_on = cur.last_inspected_on, next_due_on = cur.next_due_on, updated_at = ?
			FROM (SELECT * FROM (SELECT c.id, c.officer_id, c.type, c.number, c.state, c.last_inspected_on, c.next_due_on,
					ROW_NUMBER() OVER (PARTITION BY c.officer_id
						ORDER BY CASE WHEN c.state IN ('pending', 'active', 'suspended') THEN 0 ELSE 1 END, c.id DESC) AS rn
				FROM certificates c WHERE c.officer_id IN ?) ranked WHERE rn = 1) cur
			WHERE officers.id = cur.officer_id`, now, ids).Error; err != nil {
			return err
		}
	}
	return nil
}

// lockingStates are the states in which the application form, stamped
// with the officer's printed fields, is on its way to a card or a chip:
// submitted up to production. A returned application is being amended, so
// it does not lock the record.
func lockingStates() []string {
	return []string{string(domain.AppSubmitted), string(domain.AppUnitApproved), string(domain.AppLegalApproved),
		string(domain.AppInProduction)}
}

// OpenApplication is an officer's application in progress.
type OpenApplication struct {
	ID    int64
	Kind  domain.AppKind
	State domain.AppState
	Locks bool // in a state that locks the printed fields
}

// OpenFor returns officer id's application in progress (there is at most
// one, ux_applications_open), or nil.
func (s *Applications) OpenFor(ctx context.Context, officerID int64) (*OpenApplication, error) {
	return openFor(s.db.ctx(ctx), officerID)
}

// openFor is OpenFor on tx, for writers that check it under the officer's
// row lock.
func openFor(tx *gorm.DB, officerID int64) (*OpenApplication, error) {
	var rows []applicationRow
	if err := tx.Select("id, kind, state").Where("officer_id = ? AND state IN ?", officerID, openStates()).
		Order("id").Limit(1).Find(&rows).Error; err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, nil
	}
	r := rows[0]
	return &OpenApplication{ID: r.ID, Kind: domain.AppKind(r.Kind), State: domain.AppState(r.State),
		Locks: slices.Contains(lockingStates(), r.State)}, nil
}
