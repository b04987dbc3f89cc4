package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/lecms/lecms/api/domain"
)

// Issuance stores production (reports to the province, batches, cards) and
// chip writes (tickets, receipts, inspection syncs), and the card signing
// keys, sealed with the data key.
type Issuance struct {
	db     *DB
	sealer Sealer
}

func NewIssuance(db *DB, s Sealer) *Issuance { return &Issuance{db: db, sealer: s} }

// cardKinds are the application kinds that produce a card.
var cardKinds = []string{string(domain.AppNewCard), string(domain.AppReplacement), string(domain.AppRenewal)}

// Card item states.
const (
	CardPending = "pending" // in a batch, chip not written yet
	CardWritten = "written" // chip written and confirmed by a receipt
	CardIssued  = "issued"  // handed out (发放)
)

// ---- keys

func cardKeyAAD(purpose string) []byte { return []byte("card_keys." + purpose) }

// EnsureCardKey stores a key for purpose unless one exists, and returns the
// stored one: when several replicas start at once, one key wins and all use it.
func (s *Issuance) EnsureCardKey(ctx context.Context, purpose, alg, secret, public string) (string, string, error) {
	row := cardKeyRow{Purpose: purpose, Alg: alg, PrivateEnc: s.sealer.Seal(secret, cardKeyAAD(purpose)), Public: public,
		CreatedAt: time.Now().UTC()}
	if err := s.db.ctx(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&row).Error; err != nil {
		return "", "", err
	}
	alg, secret, found, err := s.CardKey(ctx, purpose)
	if err == nil && !found {
		err = fmt.Errorf("card key %s vanished", purpose)
	}
	return alg, secret, err
}

// CardKey returns the stored key for purpose, opened.
func (s *Issuance) CardKey(ctx context.Context, purpose string) (alg, secret string, found bool, err error) {
	var r cardKeyRow
	if err := s.db.ctx(ctx).Where("purpose = ?", purpose).Take(&r).Error; err != nil {
		if isNotFound(err) {
			return "", "", false, nil
		}
		return "", "", false, err
	}
	secret, err = s.sealer.Open(r.PrivateEnc, cardKeyAAD(purpose))
	if err != nil {
		return "", "", false, fmt.Errorf("card key %s: %w (was LECMS_DATA_KEY changed?)", purpose, err)
	}
	return r.Alg, secret, true, nil
}

// ---- card agents

// CardAgent is a registered card agent.
type CardAgent struct {
	ID             int64
	Name           string
	KeyID          string
	PublicKey      string
	Alg            string
	RegionCode     domain.RegionCode
	RegisteredBy   string
	CreatedAt      time.Time
	LastUsedAt     *time.Time // last write ticket signed for it
	DisabledAt     *time.Time // nil while enabled
	DisabledBy     string
	DisabledReason string
}

// Disabled says whether the agent may no longer write cards.
func (a CardAgent) Disabled() bool { return a.DisabledAt != nil }

func (r cardAgentRow) agent() CardAgent {
	return CardAgent{ID: r.ID, Name: r.Name, KeyID: r.KeyID, PublicKey: r.PublicKey, Alg: r.Alg,
		RegionCode: domain.RegionCode(r.RegionCode), RegisteredBy: r.RegisteredByName, CreatedAt: r.CreatedAt,
		LastUsedAt: r.LastUsedAt, DisabledAt: r.DisabledAt, DisabledBy: r.DisabledByName, DisabledReason: r.DisabledReason}
}

// AddAgent registers an agent; a device key registered before is a conflict.
func (s *Issuance) AddAgent(ctx context.Context, a CardAgent, byID int64, now time.Time) (CardAgent, error) {
	r := cardAgentRow{Name: a.Name, KeyID: a.KeyID, PublicKey: a.PublicKey, Alg: a.Alg, RegionCode: string(a.RegionCode),
		ProvCode: a.RegionCode.Province(), CityCode: cityOf(a.RegionCode), RegisteredBy: byID, RegisteredByName: a.RegisteredBy,
		CreatedAt: now}
	if err := s.db.ctx(ctx).Create(&r).Error; err != nil {
		if isUniqueViolation(err) {
			return CardAgent{}, &domain.Error{Code: domain.CodeConflict, Message: "该读卡客户端的设备密钥已登记",
				Fields: []domain.FieldError{{Field: "public_key", Rule: "unique", Message: "设备密钥已登记（密钥编号 " + a.KeyID + "）"}}}
		}
		return CardAgent{}, err
	}
	return r.agent(), nil
}

// Agents lists the agents registered in a region subtree, newest first.
func (s *Issuance) Agents(ctx context.Context, region domain.RegionCode) ([]CardAgent, error) {
	var rows []cardAgentRow
	if err := s.db.ctx(ctx).Scopes(inRegion("card_agents", region)).Order("id DESC").Limit(1000).Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]CardAgent, len(rows))
	for i, r := range rows {
		out[i] = r.agent()
	}
	return out, nil
}

// Agent returns the agent with id.
func (s *Issuance) Agent(ctx context.Context, id int64) (CardAgent, bool, error) {
	return s.agentWhere(ctx, "id = ?", id)
}

// AgentByKeyID returns the agent with a device key id (16 hex digits).
func (s *Issuance) AgentByKeyID(ctx context.Context, keyID string) (CardAgent, bool, error) {
	return s.agentWhere(ctx, "key_id = ?", keyID)
}

// ErrAgentState is returned by DisableAgent / EnableAgent when the agent is
// already in the state asked for (another user was quicker).
var ErrAgentState = errors.New("card agent already in that state")

// DisableAgent disables an enabled agent, recording who, when and why.
func (s *Issuance) DisableAgent(ctx context.Context, id int64, by Actor, reason string, now time.Time) (CardAgent, error) {
	return s.setAgentState(ctx, id, "disabled_at IS NULL", map[string]any{"disabled_at": now, "disabled_by": by.ID,
		"disabled_by_name": by.Name, "disabled_reason": reason})
}

// EnableAgent enables a disabled agent again.
func (s *Issuance) EnableAgent(ctx context.Context, id int64) (CardAgent, error) {
	return s.setAgentState(ctx, id, "disabled_at IS NOT NULL", map[string]any{"disabled_at": nil, "disabled_by": 0,
		"disabled_by_name": "", "disabled_reason": ""})
}

func (s *Issuance) setAgentState(ctx context.Context, id int64, from string, set map[string]any) (CardAgent, error) {
	var a CardAgent
	err := s.db.ctx(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&cardAgentRow{}).Where("id = ? AND "+from, id).Updates(set)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrAgentState
		}
		var r cardAgentRow
		if err := tx.Where("id = ?", id).Take(&r).Error; err != nil {
			return err
		}
		a = r.agent()
		return nil
	})
	return a, err
}

func (s *Issuance) agentWhere(ctx context.Context, cond string, arg any) (CardAgent, bool, error) {
	var r cardAgentRow
	if err := s.db.ctx(ctx).Where(cond, arg).Take(&r).Error; err != nil {
		if isNotFound(err) {
			return CardAgent{}, false, nil
		}
		return CardAgent{}, false, err
	}
	return r.agent(), true, nil
}

// ---- production: reports and queue

// Unreported returns the legally approved card applications of a city
// (4-digit city code) not yet reported to the province, in id order.
func (s *Issuance) Unreported(ctx context.Context, city string, max int) ([]int64, error) {
	var ids []int64
	err := s.db.ctx(ctx).Model(&applicationRow{}).
		Where("city_code = ? AND state = ? AND kind IN ?", city, string(domain.AppLegalApproved), cardKinds).
		Where("NOT EXISTS (SELECT 1 FROM production_reports pr WHERE pr.application_id = applications.id)").
		Order("id").Limit(max+1).Pluck("id", &ids).Error
	return ids, err
}

// Reported returns which of ids are reported to the province.
func (s *Issuance) Reported(ctx context.Context, ids []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	for _, part := range chunk(ids, 5000) {
		var got []int64
		if err := s.db.ctx(ctx).Model(&productionReportRow{}).Where("application_id IN ?", part).
			Pluck("application_id", &got).Error; err != nil {
			return nil, err
		}
		for _, id := range got {
			out[id] = true
		}
	}
	return out, nil
}

// ReportItem is an application reported to the province, at the version
// the reporting office saw.
type ReportItem struct {
	ID       int64
	Version  int
	CityCode string
}

// Actor is who does something, for timeline steps.
type Actor struct {
	ID   int64
	Name string
}

// Report records applications as reported to the province, all or none:
// each must still be legally approved at the version seen (else ErrStale),
// and none may be reported twice (else a conflict).
func (s *Issuance) Report(ctx context.Context, items []ReportItem, by Actor, now time.Time) error {
	return s.db.ctx(ctx).Transaction(func(tx *gorm.DB) error {
		if err := bumpApps(tx, pairsOf(items, func(i ReportItem) (int64, int) { return i.ID, i.Version }),
			domain.AppLegalApproved, domain.AppLegalApproved, now); err != nil {
			return err
		}
		rows := make([]productionReportRow, len(items))
		steps := make([]approvalStepRow, len(items))
		for i, it := range items {
			rows[i] = productionReportRow{ApplicationID: it.ID, CityCode: it.CityCode, ReportedBy: by.ID, ReportedByName: by.Name, ReportedAt: now}
			steps[i] = approvalStepRow{ApplicationID: it.ID, Step: "report", Decision: "submit", ActorID: by.ID, ActorName: by.Name,
				Comment: "报省法制办制证", At: now}
		}
		if err := tx.CreateInBatches(&rows, 1000).Error; err != nil {
			if isUniqueViolation(err) {
				return domain.Errorf(domain.CodeConflict, "有申请已报送，请刷新后重试")
			}
			return err
		}
		return tx.CreateInBatches(&steps, 1000).Error
	})
}

func pairsOf[T any](items []T, f func(T) (int64, int)) [][]any {
	out := make([][]any, len(items))
	for i, it := range items {
		id, v := f(it)
		out[i] = []any{id, v}
	}
	return out
}

// bumpApps moves applications (id, version pairs) from one state to
// another, raising their version; fewer rows than asked is ErrStale.
func bumpApps(tx *gorm.DB, pairs [][]any, from, to domain.AppState, now time.Time) error {
	for start := 0; start < len(pairs); start += 1000 {
		part := pairs[start:min(start+1000, len(pairs))]
		res := tx.Model(&applicationRow{}).Where("(id, version) IN ? AND state = ?", part, string(from)).
			Updates(map[string]any{"state": string(to), "version": gorm.Expr("version + 1"), "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		if int(res.RowsAffected) != len(part) {
			return ErrStale
		}
	}
	return nil
}

// QueueCity is one line of the province's production queue: the reported
// applications of a city (or of province-level units, CityCode xx0000)
// waiting for a batch.
type QueueCity struct {
	CityCode domain.RegionCode
	CityName string
	Count    int
	Oldest   time.Time
}

// queuedWhere selects applications waiting for production: legally
// approved card applications, reported by their city or of a
// province-level unit (those count as reported at once).
const queuedWhere = `applications.state = 'legal_approved' AND applications.kind IN ('new_card', 'replacement', 'renewal')
	AND (applications.city_code = applications.prov_code || '00'
		OR EXISTS (SELECT 1 FROM production_reports pr WHERE pr.application_id = applications.id))`

// Queue groups the production queue of a province (2-digit code) by city.
func (s *Issuance) Queue(ctx context.Context, prov string) ([]QueueCity, error) {
	var rows []struct {
		CityCode string
		CityName *string
		N        int
		Oldest   *string // a time on PostgreSQL, text on SQLite: read as text
	}
	err := s.db.ctx(ctx).Raw(`SELECT applications.city_code AS city_code, MIN(r.name) AS city_name, COUNT(*) AS n,
			MIN(COALESCE(pr.reported_at, applications.updated_at)) AS oldest
		FROM applications
		LEFT JOIN production_reports pr ON pr.application_id = applications.id
		LEFT JOIN regions r ON r.code = applications.city_code || '00'
		WHERE applications.prov_code = ? AND `+queuedWhere+`
		GROUP BY applications.city_code ORDER BY applications.city_code`, prov).Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	out := make([]QueueCity, len(rows))
	for i, r := range rows {
		q := QueueCity{CityCode: domain.RegionCode(r.CityCode + "00"), Count: r.N}
		if r.CityName != nil {
			q.CityName = *r.CityName
		}
		if r.Oldest != nil {
			if q.Oldest, err = parseTime(*r.Oldest); err != nil {
				return nil, err
			}
		}
		out[i] = q
	}
	return out, nil
}

// parseTime reads an aggregate over a timestamp column, scanned as text:
// PostgreSQL's time arrives formatted by database/sql, SQLite's as stored.
func parseTime(t string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05.999999999"} {
		if p, err := time.Parse(layout, t); err == nil {
			return p.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("unreadable time %q", t)
}

// QueuedIn returns the queued applications of a city (4-digit code, or
// "xx00" for province-level units), in id order.
func (s *Issuance) QueuedIn(ctx context.Context, city string, max int) ([]int64, error) {
	var ids []int64
	err := s.db.ctx(ctx).Model(&applicationRow{}).Where("applications.city_code = ?", city).Where(queuedWhere).
		Order("id").Limit(max+1).Pluck("id", &ids).Error
	return ids, err
}

// ---- production: batches

// BatchItem is an application put into production, at the version seen,
// with the pending certificate its card is for.
type BatchItem struct {
	ID            int64
	Version       int
	CertificateID int64
}

// CreateBatch makes a production batch, all or none: the applications move
// to in_production (ErrStale if one changed since it was seen), each gets a
// pending card and a timeline step.
func (s *Issuance) CreateBatch(ctx context.Context, prov, city string, items []BatchItem, by Actor, now time.Time) (int64, error) {
	var id int64
	err := s.db.ctx(ctx).Transaction(func(tx *gorm.DB) error {
		b := productionBatchRow{CityCode: city, ProvCode: prov, ItemCount: len(items), CreatedBy: by.ID, CreatedByName: by.Name, CreatedAt: now}
		if err := tx.Create(&b).Error; err != nil {
			return err
		}
		id = b.ID
		if err := bumpApps(tx, pairsOf(items, func(i BatchItem) (int64, int) { return i.ID, i.Version }),
			domain.AppLegalApproved, domain.AppInProduction, now); err != nil {
			return err
		}
		rows := make([]productionItemRow, len(items))
		steps := make([]approvalStepRow, len(items))
		for i, it := range items {
			rows[i] = productionItemRow{ApplicationID: it.ID, BatchID: b.ID, CertificateID: it.CertificateID, CardState: CardPending}
			steps[i] = approvalStepRow{ApplicationID: it.ID, Step: "production", Decision: "approve", ActorID: by.ID, ActorName: by.Name,
				Comment: fmt.Sprintf("制证批次 %d", b.ID), At: now}
		}
		if err := tx.CreateInBatches(&rows, 1000).Error; err != nil {
			if isUniqueViolation(err) {
				return domain.Errorf(domain.CodeConflict, "有申请已在制证批次中，请刷新后重试")
			}
			return err
		}
		return tx.CreateInBatches(&steps, 1000).Error
	})
	return id, err
}

// ProductionBatch is a batch with the number of its cards in each state.
type ProductionBatch struct {
	ID            int64
	CityCode      domain.RegionCode // "" for a batch made from ids across cities
	CityName      string
	ItemCount     int
	Pending       int
	Written       int
	Issued        int
	CreatedByName string
	CreatedAt     time.Time
}

type batchWithCounts struct {
	Row      productionBatchRow `gorm:"embedded"`
	CityName *string
	Pending  int
	Written  int
	Issued   int
}

func (w batchWithCounts) batch() ProductionBatch {
	b := ProductionBatch{ID: w.Row.ID, ItemCount: w.Row.ItemCount, Pending: w.Pending, Written: w.Written, Issued: w.Issued,
		CreatedByName: w.Row.CreatedByName, CreatedAt: w.Row.CreatedAt}
	if w.Row.CityCode != "" {
		b.CityCode = domain.RegionCode(w.Row.CityCode + "00")
	}
	if w.CityName != nil {
		b.CityName = *w.CityName
	}
	return b
}

func (s *Issuance) batches(ctx context.Context) *gorm.DB {
	count := func(state string) string {
		return "(SELECT COUNT(*) FROM production_items i WHERE i.batch_id = production_batches.id AND i.card_state = '" + state + "') AS " + state
	}
	return s.db.ctx(ctx).Table("production_batches").
		Select("production_batches.*, r.name AS city_name, " + count(CardPending) + ", " + count(CardWritten) + ", " + count(CardIssued)).
		Joins("LEFT JOIN regions r ON r.code = production_batches.city_code || '00'")
}

// Batches lists a province's batches, newest first, keyset paginated.
func (s *Issuance) Batches(ctx context.Context, prov string, page domain.PageRequest) (domain.Page[ProductionBatch], error) {
	q := s.batches(ctx).Where("production_batches.prov_code = ?", prov)
	if page.Cursor != "" {
		before, err := decodeIDCursor(page.Cursor)
		if err != nil {
			return domain.Page[ProductionBatch]{}, err
		}
		q = q.Where("production_batches.id < ?", before)
	}
	var rows []batchWithCounts
	if err := q.Order("production_batches.id DESC").Limit(page.Limit + 1).Find(&rows).Error; err != nil {
		return domain.Page[ProductionBatch]{}, err
	}
	out := domain.Page[ProductionBatch]{Items: make([]ProductionBatch, 0, len(rows))}
	for i, r := range rows {
		if i == page.Limit {
			out.NextCursor = idCursor{ID: rows[i-1].Row.ID}.encode()
			break
		}
		out.Items = append(out.Items, r.batch())
	}
	return out, nil
}

// ProductionItem is one card of a batch, with what is printed on it.
type ProductionItem struct {
	ApplicationID int64
	BatchID       int64
	Kind          domain.AppKind
	AppState      domain.AppState
	OfficerID     int64
	OfficerCode   string
	OfficerName   string
	UnitID        int64
	UnitCode      string
	UnitName      string
	RegionCode    domain.RegionCode
	CertificateID int64
	CertNo        string
	CardState     string
	ChipUID       string
	WrittenAt     *time.Time
	IssuedAt      *time.Time
}

type itemWithNames struct {
	Row         productionItemRow `gorm:"embedded"`
	Kind        string
	AppState    string
	OfficerID   int64
	OfficerCode string
	OfficerName string
	UnitID      int64
	UnitCode    string
	UnitName    string
	RegionCode  string
	CertNo      *string
}

func (w itemWithNames) item() ProductionItem {
	it := ProductionItem{ApplicationID: w.Row.ApplicationID, BatchID: w.Row.BatchID, Kind: domain.AppKind(w.Kind),
		AppState: domain.AppState(w.AppState), OfficerID: w.OfficerID, OfficerCode: w.OfficerCode, OfficerName: w.OfficerName,
		UnitID: w.UnitID, UnitCode: w.UnitCode, UnitName: w.UnitName, RegionCode: domain.RegionCode(w.RegionCode),
		CertificateID: w.Row.CertificateID, CardState: w.Row.CardState, ChipUID: w.Row.ChipUID, WrittenAt: w.Row.WrittenAt,
		IssuedAt: w.Row.IssuedAt}
	if w.CertNo != nil {
		it.CertNo = *w.CertNo
	}
	return it
}

func (s *Issuance) items(ctx context.Context) *gorm.DB {
	return s.db.ctx(ctx).Table("production_items").
		Select("production_items.*, a.kind AS kind, a.state AS app_state, a.officer_id AS officer_id, o.code AS officer_code, " +
			"o.name AS officer_name, a.unit_id AS unit_id, u.code AS unit_code, u.name AS unit_name, a.region_code AS region_code, " +
			"c.number AS cert_no").
		Joins("JOIN applications a ON a.id = production_items.application_id").
		Joins("JOIN officers o ON o.id = a.officer_id").
		Joins("JOIN units u ON u.id = a.unit_id").
		Joins("LEFT JOIN certificates c ON c.id = production_items.certificate_id")
}

// Batch returns a batch of a province and its cards in application order.
func (s *Issuance) Batch(ctx context.Context, prov string, id int64) (ProductionBatch, []ProductionItem, error) {
	var b batchWithCounts
	if err := s.batches(ctx).Where("production_batches.id = ? AND production_batches.prov_code = ?", id, prov).Take(&b).Error; err != nil {
		if isNotFound(err) {
			return ProductionBatch{}, nil, domain.Errorf(domain.CodeNotFound, "制证批次不存在")
		}
		return ProductionBatch{}, nil, err
	}
	var rows []itemWithNames
	if err := s.items(ctx).Where("production_items.batch_id = ?", id).Order("production_items.application_id").Find(&rows).Error; err != nil {
		return ProductionBatch{}, nil, err
	}
	items := make([]ProductionItem, len(rows))
	for i, r := range rows {
		items[i] = r.item()
	}
	return b.batch(), items, nil
}

// Item returns the card of an application, if it is in a batch.
func (s *Issuance) Item(ctx context.Context, appID int64) (ProductionItem, bool, error) {
	var r itemWithNames
	if err := s.items(ctx).Where("production_items.application_id = ?", appID).Take(&r).Error; err != nil {
		if isNotFound(err) {
			return ProductionItem{}, false, nil
		}
		return ProductionItem{}, false, err
	}
	return r.item(), true, nil
}

// Dispatch marks the written cards of a batch as handed out (发放) and
// returns their applications.
func (s *Issuance) Dispatch(ctx context.Context, prov string, batchID int64, by Actor, now time.Time) ([]int64, error) {
	var ids []int64
	err := s.db.ctx(ctx).Transaction(func(tx *gorm.DB) error {
		var b productionBatchRow
		if err := tx.Where("id = ? AND prov_code = ?", batchID, prov).Take(&b).Error; err != nil {
			if isNotFound(err) {
				return domain.Errorf(domain.CodeNotFound, "制证批次不存在")
			}
			return err
		}
		if err := tx.Model(&productionItemRow{}).Where("batch_id = ? AND card_state = ?", batchID, CardWritten).
			Order("application_id").Pluck("application_id", &ids).Error; err != nil {
			return err
		}
		if len(ids) == 0 {
			return &domain.Error{Code: domain.CodeRuleViolated, Message: "该批次没有已写卡、待发放的证件",
				Fields: []domain.FieldError{{Field: "batch", Rule: "nothing_written", Message: "没有已写卡的证件"}}}
		}
		for _, part := range chunk(ids, 5000) {
			if err := tx.Model(&productionItemRow{}).Where("application_id IN ? AND card_state = ?", part, CardWritten).
				Updates(map[string]any{"card_state": CardIssued, "issued_at": now}).Error; err != nil {
				return err
			}
		}
		steps := make([]approvalStepRow, len(ids))
		for i, id := range ids {
			steps[i] = approvalStepRow{ApplicationID: id, Step: "dispatch", Decision: "done", ActorID: by.ID, ActorName: by.Name,
				Comment: fmt.Sprintf("制证批次 %d 发放", batchID), At: now}
		}
		return tx.CreateInBatches(&steps, 1000).Error
	})
	return ids, err
}

// ---- chip writes

// ChipSubject is what a chip record is made of: the application, its
// officer and unit, and the certificate the card is for.
type ChipSubject struct {
	AppID         int64
	Kind          domain.AppKind
	State         domain.AppState
	Version       int
	OfficerID     int64
	UnitID        int64
	RegionCode    domain.RegionCode
	RoundDueOn    *domain.Date
	OfficerName   string
	Area          string
	Category      string
	UnitCode      string
	UnitName      string
	CertificateID int64 // 0: none
	CertNo        string
	CertState     domain.CertState
	ChipUID       string
	NextDueOn     *domain.Date
}

// Subject loads the chip subject of an application.
func (s *Issuance) Subject(ctx context.Context, appID int64) (ChipSubject, bool, error) {
	var r struct {
		ID            int64
		Kind          string
		State         string
		Version       int
		OfficerID     int64
		UnitID        int64
		RegionCode    string
		RoundDueOn    *domain.Date
		OfficerName   string
		Area          string
		Category      string
		UnitCode      string
		UnitName      string
		CertificateID *int64
		CertNo        *string
		CertState     *string
		ChipUID       *string
		NextDueOn     *domain.Date
	}
	err := s.db.ctx(ctx).Table("applications a").
		Select(`a.id, a.kind, a.state, a.version, a.officer_id, a.unit_id, a.region_code, a.round_due_on,
			o.name AS officer_name, o.area, o.category, u.code AS unit_code, u.name AS unit_name,
			c.id AS certificate_id, c.number AS cert_no, c.state AS cert_state, c.chip_uid, c.next_due_on`).
		Joins("JOIN officers o ON o.id = a.officer_id").
		Joins("JOIN units u ON u.id = a.unit_id").
		Joins("LEFT JOIN certificates c ON c.id = a.certificate_id").
		Where("a.id = ?", appID).Take(&r).Error
	if err != nil {
		if isNotFound(err) {
			return ChipSubject{}, false, nil
		}
		return ChipSubject{}, false, err
	}
	sub := ChipSubject{AppID: r.ID, Kind: domain.AppKind(r.Kind), State: domain.AppState(r.State), Version: r.Version,
		OfficerID: r.OfficerID, UnitID: r.UnitID, RegionCode: domain.RegionCode(r.RegionCode), RoundDueOn: r.RoundDueOn,
		OfficerName: r.OfficerName, Area: r.Area, Category: r.Category, UnitCode: r.UnitCode, UnitName: r.UnitName,
		NextDueOn: r.NextDueOn}
	if r.CertificateID != nil {
		sub.CertificateID = *r.CertificateID
	}
	if r.CertNo != nil {
		sub.CertNo = *r.CertNo
	}
	if r.CertState != nil {
		sub.CertState = domain.CertState(*r.CertState)
	}
	if r.ChipUID != nil {
		sub.ChipUID = *r.ChipUID
	}
	return sub, true, nil
}

// CertsWithChip returns the numbers of live certificates other than except
// whose chip has uid (a card belongs to one certificate).
func (s *Issuance) CertsWithChip(ctx context.Context, uid string, except int64) ([]string, error) {
	var nums []string
	err := s.db.ctx(ctx).Model(&certificateRow{}).
		Where("chip_uid = ? AND id <> ? AND state IN ?", uid, except, []string{"pending", "active", "suspended"}).
		Pluck("number", &nums).Error
	return nums, err
}

// CardTicket is a stored write ticket.
type CardTicket struct {
	Nonce          []byte
	ApplicationID  int64
	CertificateID  int64
	Purpose        string
	CertNo         string
	CardUID        string
	AgentID        int64
	DeviceKeyID    string
	Seq            uint32
	ValidUntil     domain.Date
	LastInspection domain.Date
	Token          string
	IssuedBy       int64
	IssuedAt       time.Time
	ExpiresAt      time.Time
	UsedAt         *time.Time
}

// SaveTicket stores a ticket the server signed.
func (s *Issuance) SaveTicket(ctx context.Context, t CardTicket) error {
	return s.db.ctx(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&cardTicketRow{Nonce: t.Nonce, ApplicationID: t.ApplicationID, CertificateID: t.CertificateID,
			Purpose: t.Purpose, CertNo: t.CertNo, CardUID: t.CardUID, AgentID: t.AgentID, DeviceKeyID: t.DeviceKeyID, Seq: int64(t.Seq),
			ValidUntil: t.ValidUntil, LastInspection: t.LastInspection, Token: t.Token, IssuedBy: t.IssuedBy, IssuedAt: t.IssuedAt,
			ExpiresAt: t.ExpiresAt}).Error; err != nil {
			return err
		}
		// The agent's last use, for the device list.
		return tx.Model(&cardAgentRow{}).Where("id = ?", t.AgentID).Update("last_used_at", t.IssuedAt).Error
	})
}

// Ticket returns the ticket with nonce.
func (s *Issuance) Ticket(ctx context.Context, nonce []byte) (CardTicket, bool, error) {
	var r cardTicketRow
	if err := s.db.ctx(ctx).Where("nonce = ?", nonce).Take(&r).Error; err != nil {
		if isNotFound(err) {
			return CardTicket{}, false, nil
		}
		return CardTicket{}, false, err
	}
	return CardTicket{Nonce: r.Nonce, ApplicationID: r.ApplicationID, CertificateID: r.CertificateID, Purpose: r.Purpose,
		CertNo: r.CertNo, CardUID: r.CardUID, AgentID: r.AgentID, DeviceKeyID: r.DeviceKeyID, Seq: uint32(r.Seq),
		ValidUntil: r.ValidUntil, LastInspection: r.LastInspection, Token: r.Token, IssuedBy: r.IssuedBy, IssuedAt: r.IssuedAt,
		ExpiresAt: r.ExpiresAt, UsedAt: r.UsedAt}, true, nil
}

// LastSeq is the highest record sequence confirmed written for a
// certificate's chip (0 if none), so the next record can be newer.
func (s *Issuance) LastSeq(ctx context.Context, certID int64) (uint32, error) {
	var seq *int64
	if err := s.db.ctx(ctx).Model(&cardTicketRow{}).Where("certificate_id = ? AND used_at IS NOT NULL", certID).
		Select("MAX(seq)").Scan(&seq).Error; err != nil {
		return 0, err
	}
	if seq == nil {
		return 0, nil
	}
	return uint32(*seq), nil
}

// NonceClaimer claims a receipt nonce inside the write's transaction.
type NonceClaimer func(ctx context.Context, nonce []byte, until time.Time) error

// ErrNonceUsed: the receipt nonce was claimed before.
var ErrNonceUsed = errors.New("store: receipt nonce already used")

// ChipWrite is a confirmed chip write (or, for inspections where allowed,
// a sync recorded by hand).
type ChipWrite struct {
	ApplicationID int64
	OfficerID     int64
	CertificateID int64
	Nonce         []byte // the ticket; nil for a manual sync
	CardUID       string
	Slot          int
	ReceiptAt     time.Time
	By            Actor
	Comment       string
	// The certificate's new dates: issue date (issue only), last inspection, next due.
	IssuedOn        domain.Date
	LastInspectedOn domain.Date
	NextDueOn       domain.Date
	Reason          string // manual sync
}

// confirm runs verify with a claimer bound to tx: the nonce is claimed in
// the same transaction as the write's effects, so a write that fails
// afterwards (a concurrent change) does not burn the receipt.
func (s *Issuance) confirm(ctx context.Context, verify func(NonceClaimer) error, effects func(tx *gorm.DB) error) error {
	return s.db.ctx(ctx).Transaction(func(tx *gorm.DB) error {
		if verify != nil {
			claim := func(ctx context.Context, nonce []byte, until time.Time) error {
				err := tx.WithContext(ctx).Create(&cardReceiptNonceRow{Nonce: nonce, ExpiresAt: until.UTC()}).Error
				if isUniqueViolation(err) {
					return ErrNonceUsed
				}
				return err
			}
			if err := verify(claim); err != nil {
				return err
			}
		}
		return effects(tx)
	})
}

func one(res *gorm.DB, what string) error {
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected != 1 {
		return fmt.Errorf("%w: %s", ErrStale, what)
	}
	return nil
}

// markTicket records the receipt on its ticket.
func markTicket(tx *gorm.DB, w ChipWrite, now time.Time) error {
	if w.Nonce == nil {
		return nil
	}
	slot := w.Slot
	receiptAt := w.ReceiptAt.UTC()
	return one(tx.Model(&cardTicketRow{}).Where("nonce = ? AND used_at IS NULL", w.Nonce).
		Updates(map[string]any{"used_at": now, "slot": slot, "receipt_at": receiptAt}), "ticket already used")
}

// ConfirmIssue completes a card application once its chip write is
// verified (verify claims the nonce): the certificate becomes active with
// the chip and its dates, the application completed, the card written.
func (s *Issuance) ConfirmIssue(ctx context.Context, w ChipWrite, verify func(NonceClaimer) error, now time.Time) error {
	return s.confirm(ctx, verify, func(tx *gorm.DB) error {
		if err := one(tx.Model(&applicationRow{}).Where("id = ? AND state = ?", w.ApplicationID, string(domain.AppInProduction)).
			Updates(map[string]any{"state": string(domain.AppCompleted), "version": gorm.Expr("version + 1"), "updated_at": now}),
			"application not in production"); err != nil {
			return err
		}
		if err := one(tx.Model(&certificateRow{}).Where("id = ? AND state = ?", w.CertificateID, string(domain.CertPending)).
			Updates(map[string]any{"state": string(domain.CertActive), "chip_uid": w.CardUID, "issued_on": w.IssuedOn,
				"last_inspected_on": w.LastInspectedOn, "next_due_on": w.NextDueOn, "version": gorm.Expr("version + 1"), "updated_at": now}),
			"certificate not pending"); err != nil {
			if isUniqueViolation(err) {
				return domain.Errorf(domain.CodeConflict, "该人员已有有效证件")
			}
			return err
		}
		if err := one(tx.Model(&productionItemRow{}).Where("application_id = ? AND card_state = ?", w.ApplicationID, CardPending).
			Updates(map[string]any{"card_state": CardWritten, "chip_uid": w.CardUID, "written_at": now}), "card not pending"); err != nil {
			return err
		}
		if err := markTicket(tx, w, now); err != nil {
			return err
		}
		if err := tx.Create(&approvalStepRow{ApplicationID: w.ApplicationID, Step: "chip_write", Decision: "done", ActorID: w.By.ID,
			ActorName: w.By.Name, Comment: w.Comment, At: now}).Error; err != nil {
			return err
		}
		return refreshOfficerCerts(tx, []int64{w.OfficerID}, now)
	})
}

// ConfirmSync records step 4 of an inspection: the certificate takes the
// new dates and one more inspection; the application stays open (legal
// approved) until the sticker is replaced. verify is nil for a manual sync.
func (s *Issuance) ConfirmSync(ctx context.Context, w ChipWrite, verify func(NonceClaimer) error, now time.Time) error {
	return s.confirm(ctx, verify, func(tx *gorm.DB) error {
		method := "chip"
		if w.Nonce == nil {
			method = "manual"
		}
		if err := one(tx.Model(&applicationRow{}).Where("id = ? AND state = ?", w.ApplicationID, string(domain.AppLegalApproved)).
			Updates(map[string]any{"version": gorm.Expr("version + 1"), "updated_at": now}), "application not legally approved"); err != nil {
			return err
		}
		if err := tx.Create(&inspectionSyncRow{ApplicationID: w.ApplicationID, CertificateID: w.CertificateID, Method: method,
			TicketNonce: w.Nonce, Reason: w.Reason, ActorID: w.By.ID, ActorName: w.By.Name, At: now,
			LastInspectedOn: w.LastInspectedOn, NextDueOn: w.NextDueOn}).Error; err != nil {
			if isUniqueViolation(err) {
				return fmt.Errorf("%w: already synced", ErrStale)
			}
			return err
		}
		upd := map[string]any{"last_inspected_on": w.LastInspectedOn, "next_due_on": w.NextDueOn,
			"inspections": gorm.Expr("inspections + 1"), "version": gorm.Expr("version + 1"), "updated_at": now}
		if w.CardUID != "" {
			upd["chip_uid"] = w.CardUID
		}
		if err := one(tx.Model(&certificateRow{}).Where("id = ? AND state = ?", w.CertificateID, string(domain.CertActive)).Updates(upd),
			"certificate not active"); err != nil {
			return err
		}
		if err := markTicket(tx, w, now); err != nil {
			return err
		}
		step, comment := "chip_sync", w.Comment
		if method == "manual" {
			step, comment = "manual_sync", "手工同步："+w.Reason
		}
		if err := tx.Create(&approvalStepRow{ApplicationID: w.ApplicationID, Step: step, Decision: "done", ActorID: w.By.ID,
			ActorName: w.By.Name, Comment: comment, At: now}).Error; err != nil {
			return err
		}
		return refreshOfficerCerts(tx, []int64{w.OfficerID}, now)
	})
}

// InspectionSync is step 4 (and 5) of an inspection as recorded.
type InspectionSync struct {
	ApplicationID   int64
	Method          string
	At              time.Time
	LastInspectedOn domain.Date
	NextDueOn       domain.Date
	StickerAt       *time.Time
}

// Synced returns the sync of an inspection application, if done.
func (s *Issuance) Synced(ctx context.Context, appID int64) (InspectionSync, bool, error) {
	var r inspectionSyncRow
	if err := s.db.ctx(ctx).Where("application_id = ?", appID).Take(&r).Error; err != nil {
		if isNotFound(err) {
			return InspectionSync{}, false, nil
		}
		return InspectionSync{}, false, err
	}
	return InspectionSync{ApplicationID: r.ApplicationID, Method: r.Method, At: r.At, LastInspectedOn: r.LastInspectedOn,
		NextDueOn: r.NextDueOn, StickerAt: r.StickerAt}, true, nil
}

// Sticker records step 5 (更换有效期标签) and completes the inspection.
func (s *Issuance) Sticker(ctx context.Context, appID int64, by Actor, now time.Time) error {
	return s.db.ctx(ctx).Transaction(func(tx *gorm.DB) error {
		if err := one(tx.Model(&inspectionSyncRow{}).Where("application_id = ? AND sticker_at IS NULL", appID).
			Updates(map[string]any{"sticker_at": now, "sticker_by": by.Name}), "not synced or sticker done"); err != nil {
			return err
		}
		if err := one(tx.Model(&applicationRow{}).Where("id = ? AND state = ?", appID, string(domain.AppLegalApproved)).
			Updates(map[string]any{"state": string(domain.AppCompleted), "version": gorm.Expr("version + 1"), "updated_at": now}),
			"application not legally approved"); err != nil {
			return err
		}
		return tx.Create(&approvalStepRow{ApplicationID: appID, Step: "sticker", Decision: "done", ActorID: by.ID, ActorName: by.Name,
			Comment: "已更换有效期标签", At: now}).Error
	})
}

// MarkStale moves legally approved inspections whose round's due date lies
// before today and that were never synced to stale (rule 6: such an
// approval can no longer be synced; the certificate must be cancelled).
// ids narrows to those applications; nil means all. It returns the ids moved.
func (s *Issuance) MarkStale(ctx context.Context, today domain.Date, ids []int64, by Actor, now time.Time) ([]int64, error) {
	var moved []int64
	err := s.db.ctx(ctx).Transaction(func(tx *gorm.DB) error {
		q := tx.Model(&applicationRow{}).Where("kind = ? AND state = ? AND round_due_on < ?",
			string(domain.AppInspection), string(domain.AppLegalApproved), today).
			Where("NOT EXISTS (SELECT 1 FROM inspection_syncs s WHERE s.application_id = applications.id)")
		if ids != nil {
			if len(ids) == 0 {
				return nil
			}
			q = q.Where("id IN ?", ids)
		}
		if err := q.Order("id").Limit(50000).Pluck("id", &moved).Error; err != nil {
			return err
		}
		for _, part := range chunk(moved, 5000) {
			if err := tx.Model(&applicationRow{}).Where("id IN ? AND state = ?", part, string(domain.AppLegalApproved)).
				Updates(map[string]any{"state": string(domain.AppStale), "version": gorm.Expr("version + 1"), "updated_at": now}).Error; err != nil {
				return err
			}
		}
		steps := make([]approvalStepRow, len(moved))
		for i, id := range moved {
			steps[i] = approvalStepRow{ApplicationID: id, Step: "stale", Decision: "expire", ActorID: by.ID, ActorName: by.Name,
				Comment: "审核通过后未在本年检周期内同步芯片，审核已过期，只能将原证件注销", At: now}
		}
		if len(steps) == 0 {
			return nil
		}
		return tx.CreateInBatches(&steps, 1000).Error
	})
	return moved, err
}

// PruneNonces forgets receipt nonces that expired before before (their
// tickets are refused as expired by then) and returns how many.
func (s *Issuance) PruneNonces(ctx context.Context, before time.Time) (int64, error) {
	res := s.db.ctx(ctx).Where("expires_at < ?", before.UTC()).Delete(&cardReceiptNonceRow{})
	return res.RowsAffected, res.Error
}

// IsStale reports a lost race in an issuance write.
func IsStale(err error) bool { return errors.Is(err, ErrStale) }

// CityCodeOf is the 4-digit city code of a 6-digit region code as stored
// in city_code columns ("xx00" for province-level regions).
func CityCodeOf(r domain.RegionCode) string { return cityOf(r) }
