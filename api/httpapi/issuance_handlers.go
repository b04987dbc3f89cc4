package httpapi

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v5"

	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/issuance"
	"github.com/lecms/lecms/api/lifecycle"
	"github.com/lecms/lecms/api/store"
)

// issuanceHandler serves production (制证) and chip writing. The wire
// types live here because the spec generator reads this package.
type issuanceHandler struct {
	svc *issuance.Service
}

func (h *issuanceHandler) service() (*issuance.Service, error) {
	if h == nil || h.svc == nil {
		return nil, domain.Errorf(domain.CodeUnavailable, "制证服务未配置")
	}
	return h.svc, nil
}

// ReportBody reports approved card applications to the province.
type ReportBody struct {
	ApplicationIDs []int64 `json:"application_ids"`
	All            bool    `json:"all"` // all of the office's approved card applications not yet reported
}

// ProductionQueueCity is one city's line of the production queue.
type ProductionQueueCity struct {
	CityCode domain.RegionCode `json:"city_code" validate:"required" example:"370100"` // 370000: province-level units (省直单位)
	CityName string            `json:"city_name" validate:"required" example:"济南市"`
	Count    int               `json:"count" validate:"required" example:"37"`
	Oldest   time.Time         `json:"oldest" validate:"required"` // when the oldest waiting application was reported
}

// BatchBody makes a production batch: a city's queue (with the count the
// issuer saw), or explicit application ids.
type BatchBody struct {
	City           domain.RegionCode `json:"city" example:"370100"`
	ExpectedCount  int               `json:"expected_count" example:"37"`
	ApplicationIDs []int64           `json:"application_ids"`
}

// BatchCreated is the batch made.
type BatchCreated struct {
	ID    int64   `json:"id" validate:"required"`
	Count int     `json:"count" validate:"required"`
	IDs   []int64 `json:"ids" validate:"required"`
}

// ProductionBatch is a batch with the number of its cards in each state.
type ProductionBatch struct {
	ID        int64             `json:"id" validate:"required"`
	CityCode  domain.RegionCode `json:"city_code" validate:"required" example:"370100"` // "" when made from ids
	CityName  string            `json:"city_name" validate:"required"`
	ItemCount int               `json:"item_count" validate:"required"`
	Pending   int               `json:"pending" validate:"required"`
	Written   int               `json:"written" validate:"required"`
	Issued    int               `json:"issued" validate:"required"`
	CreatedBy string            `json:"created_by" validate:"required"`
	CreatedAt time.Time         `json:"created_at" validate:"required"`
}

// ProductionBatchPage is one page of batches, newest first.
type ProductionBatchPage struct {
	Items      []ProductionBatch `json:"items" validate:"required"`
	NextCursor string            `json:"next_cursor,omitempty"`
}

// ProductionItem is one card of a batch.
type ProductionItem struct {
	ApplicationID    int64             `json:"application_id" validate:"required"`
	Kind             domain.AppKind    `json:"kind" validate:"required" enums:"new_card,replacement,renewal"`
	ApplicationState domain.AppState   `json:"application_state" validate:"required" enums:"in_production,completed"`
	OfficerID        int64             `json:"officer_id" validate:"required"`
	OfficerCode      string            `json:"officer_code" validate:"required"`
	OfficerName      string            `json:"officer_name" validate:"required"`
	UnitCode         string            `json:"unit_code" validate:"required" example:"A00001"`
	UnitName         string            `json:"unit_name" validate:"required"`
	RegionCode       domain.RegionCode `json:"region_code" validate:"required"`
	CertificateID    int64             `json:"certificate_id" validate:"required"`
	CertNo           string            `json:"cert_no" validate:"required" example:"370102ZF000913"`
	CardState        string            `json:"card_state" validate:"required" enums:"pending,written,issued"`
	ChipUID          string            `json:"chip_uid" validate:"required" example:"5C1D2E3F"`
	WrittenAt        *time.Time        `json:"written_at" validate:"required" extensions:"x-nullable"`
	IssuedAt         *time.Time        `json:"issued_at" validate:"required" extensions:"x-nullable"`
}

// ProductionBatchDetail is a batch and its cards.
type ProductionBatchDetail struct {
	Batch ProductionBatch  `json:"batch" validate:"required"`
	Items []ProductionItem `json:"items" validate:"required"`
}

// TicketBody asks for a write ticket for the card on the reader.
type TicketBody struct {
	CardUID     string `json:"card_uid" validate:"required" example:"5C1D2E3F"`   // read_card's uid
	AgentID     int64  `json:"agent_id" example:"1"`                              // the registered agent, or:
	DeviceKeyID string `json:"device_key_id" example:"80f893b4d97acb00"`          // hello's device_key_id
	CardRecord  string `json:"card_record" example:"TEMBAQCqAAAAAQ4zNzAxMDIw..."` // read_card's record_bytes, if the card holds a record
}

// WriteTicket is what the SPA passes to the card agent unchanged (ticket,
// record) and what the operator checks against the card.
type WriteTicket struct {
	ApplicationID  int64       `json:"application_id" validate:"required"`
	Purpose        string      `json:"purpose" validate:"required" enums:"issue,sync"`
	Ticket         string      `json:"ticket" validate:"required"` // base64url, for issue_card / sync_inspection
	Record         string      `json:"record" validate:"required"` // base64 of the signed chip record
	CertNo         string      `json:"cert_no" validate:"required" example:"370102ZF000913"`
	OfficerName    string      `json:"officer_name" validate:"required"`
	UnitName       string      `json:"unit_name" validate:"required"`
	CardUID        string      `json:"card_uid" validate:"required" example:"5C1D2E3F"`
	Seq            uint32      `json:"seq" validate:"required" example:"1"`
	ValidUntil     domain.Date `json:"valid_until" validate:"required" swaggertype:"string" format:"date" example:"2028-11-26"`
	LastInspection domain.Date `json:"last_inspection" validate:"required" swaggertype:"string" format:"date" example:"2026-11-26"`
	ExpiresAt      time.Time   `json:"expires_at" validate:"required"`
	DeviceKeyID    string      `json:"device_key_id" validate:"required"`
	Notice         string      `json:"notice" validate:"required"`
}

// ReceiptBody carries the card agent's receipt, unchanged.
type ReceiptBody struct {
	Receipt string `json:"receipt" validate:"required"`
}

// ChipWriteResult is the certificate after a confirmed chip write or step.
type ChipWriteResult struct {
	ApplicationID    int64            `json:"application_id" validate:"required"`
	ApplicationState domain.AppState  `json:"application_state" validate:"required" enums:"legal_approved,completed"`
	CertificateID    int64            `json:"certificate_id" validate:"required"`
	CertNo           string           `json:"cert_no" validate:"required"`
	CertState        domain.CertState `json:"cert_state" validate:"required" enums:"active"`
	ChipUID          string           `json:"chip_uid" validate:"required"`
	IssuedOn         *domain.Date     `json:"issued_on" validate:"required" swaggertype:"string" format:"date" extensions:"x-nullable"`
	LastInspectedOn  domain.Date      `json:"last_inspected_on" validate:"required" swaggertype:"string" format:"date"`
	NextDueOn        domain.Date      `json:"next_due_on" validate:"required" swaggertype:"string" format:"date"`
	Slot             string           `json:"slot,omitempty" enums:"A,B"`
	Seq              uint32           `json:"seq,omitempty"`
	NextStep         string           `json:"next_step" validate:"required" enums:",sticker"` // "sticker": replace the validity sticker (step 5)
	Notice           string           `json:"notice" validate:"required"`
}

// ManualSyncBody records an inspection's chip sync by hand.
type ManualSyncBody struct {
	Reason string `json:"reason" validate:"required" maxLength:"500" example:"芯片损坏无法读写，已核对卡面信息"`
}

// CardAgentBody registers a card agent's device key.
type CardAgentBody struct {
	Name      string `json:"name" validate:"required" maxLength:"64" example:"省司法厅制证室 1 号机"`
	PublicKey string `json:"public_key" validate:"required" example:"ed25519:SYOrsk88WcqcpFdkeAsobFwFOj62FzC4q2CRAg68pW8="`
}

// CardAgent is a registered card agent.
type CardAgent struct {
	ID           int64             `json:"id" validate:"required"`
	Name         string            `json:"name" validate:"required"`
	KeyID        string            `json:"key_id" validate:"required" example:"80f893b4d97acb00"`
	PublicKey    string            `json:"public_key" validate:"required"`
	Alg          string            `json:"alg" validate:"required" enums:"ed25519,sm2"`
	RegionCode   domain.RegionCode `json:"region_code" validate:"required"`
	RegisteredBy string            `json:"registered_by" validate:"required"`
	CreatedAt    time.Time         `json:"created_at" validate:"required"`
	// LastUsedAt is when the server last signed a write ticket for it (null: never).
	LastUsedAt *time.Time `json:"last_used_at" validate:"required" extensions:"x-nullable"`
	// Disabled agents get no write tickets and their receipts are refused (rule `agent_disabled`).
	Disabled       bool       `json:"disabled" validate:"required"`
	DisabledAt     *time.Time `json:"disabled_at" validate:"required" extensions:"x-nullable"`
	DisabledBy     string     `json:"disabled_by" validate:"required"`     // "" while enabled
	DisabledReason string     `json:"disabled_reason" validate:"required"` // "" while enabled
}

// CardAgentDisableBody disables a card agent: why is required.
type CardAgentDisableBody struct {
	Reason string `json:"reason" validate:"required" maxLength:"500" example:"设备丢失"`
}

// CardAgentEnableBody enables a disabled card agent; the reason is optional.
type CardAgentEnableBody struct {
	Reason string `json:"reason" maxLength:"500" example:"设备已找回，核查无异常"`
}

// InspectionSyncPolicy says how inspections may be synced in this province.
type InspectionSyncPolicy struct {
	// ManualChipSync: the card issuer may record step 4 by hand (POST /api/v1/inspections/{id}/manual-sync)
	// for a card whose chip cannot be written (lifecycle policy `manual_chip_sync`).
	ManualChipSync bool `json:"manual_chip_sync" validate:"required"`
}

// CardAgentVersion is the agent version the SPA expects.
type CardAgentVersion struct {
	Minimum  string `json:"minimum" validate:"required" example:"1.0.0"` // older agents must not write
	Latest   string `json:"latest" validate:"required" example:"1.0.0"`  // older agents should be updated
	Protocol int    `json:"protocol" validate:"required" example:"1"`
}

// CardServerKeys are the public keys the card agents are configured with.
type CardServerKeys struct {
	TicketKeys []string `json:"ticket_keys" validate:"required"` // config.json ticket_keys
	RecordKeys []string `json:"record_keys" validate:"required"` // config.json record_keys
	HashAlg    string   `json:"hash_alg" validate:"required" enums:"sha256,sm3"`
	Checksum   string   `json:"checksum" validate:"required" enums:"crc32,sm3"`
}

func batchOut(b store.ProductionBatch) ProductionBatch {
	return ProductionBatch{ID: b.ID, CityCode: b.CityCode, CityName: b.CityName, ItemCount: b.ItemCount, Pending: b.Pending,
		Written: b.Written, Issued: b.Issued, CreatedBy: b.CreatedByName, CreatedAt: b.CreatedAt}
}

func agentOut(a store.CardAgent) CardAgent {
	return CardAgent{ID: a.ID, Name: a.Name, KeyID: a.KeyID, PublicKey: a.PublicKey, Alg: a.Alg, RegionCode: a.RegionCode,
		RegisteredBy: a.RegisteredBy, CreatedAt: a.CreatedAt, LastUsedAt: a.LastUsedAt, Disabled: a.Disabled(),
		DisabledAt: a.DisabledAt, DisabledBy: a.DisabledBy, DisabledReason: a.DisabledReason}
}

func ticketOut(t issuance.TicketResult) WriteTicket {
	return WriteTicket{ApplicationID: t.ApplicationID, Purpose: t.Purpose, Ticket: t.Ticket, Record: t.Record, CertNo: t.CertNo,
		OfficerName: t.OfficerName, UnitName: t.UnitName, CardUID: t.CardUID, Seq: t.Seq, ValidUntil: t.ValidUntil,
		LastInspection: t.LastInspection, ExpiresAt: t.ExpiresAt, DeviceKeyID: t.DeviceKeyID, Notice: t.Notice}
}

func writeOut(w issuance.WriteResult) ChipWriteResult {
	return ChipWriteResult{ApplicationID: w.ApplicationID, ApplicationState: w.ApplicationState, CertificateID: w.CertificateID,
		CertNo: w.CertNo, CertState: w.CertState, ChipUID: w.ChipUID, IssuedOn: w.IssuedOn, LastInspectedOn: w.LastInspectedOn,
		NextDueOn: w.NextDueOn, Slot: w.Slot, Seq: w.Seq, NextStep: w.NextStep, Notice: w.Notice}
}

// report reports approved card applications to the province.
//
//	@Summary		Report approved card applications to the province (报省法制办)
//	@Description	A city legal office reports its city's (市直 and county) legally approved new-card, replacement and renewal applications to the provincial office for production: `application_ids`, or `all` not yet reported. All or none; a refusal (422) lists every item in `errors` (field `applications/{id}`). Province-level approvals need no report (they join the queue at once): rule `level`.
//	@Tags			production
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			body	body		ReportBody	true	"what to report"
//	@Success		201		{object}	lifecycle.BatchResult
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		409		{object}	Problem
//	@Failure		422		{object}	Problem
//	@Router			/api/v1/production/reports [post]
func (h *issuanceHandler) report(c *echo.Context) error {
	svc, err := h.service()
	if err != nil {
		return err
	}
	var in ReportBody
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	var res lifecycle.BatchResult
	if res, err = svc.Report(c.Request().Context(), principalOf(c), issuance.ReportRequest{ApplicationIDs: in.ApplicationIDs, All: in.All}); err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, res)
}

// queue shows the production queue by city.
//
//	@Summary		Production queue by city (待制证)
//	@Description	Reported (or province-level) legally approved card applications waiting for a batch, per city: count and when the oldest was reported.
//	@Tags			production
//	@Produce		json
//	@Security		Bearer
//	@Success		200	{array}		ProductionQueueCity
//	@Failure		401	{object}	Problem
//	@Failure		403	{object}	Problem
//	@Router			/api/v1/production/queue [get]
func (h *issuanceHandler) queue(c *echo.Context) error {
	svc, err := h.service()
	if err != nil {
		return err
	}
	q, err := svc.Queue(c.Request().Context(), principalOf(c))
	if err != nil {
		return err
	}
	out := make([]ProductionQueueCity, len(q))
	for i, x := range q {
		out[i] = ProductionQueueCity{CityCode: x.CityCode, CityName: x.CityName, Count: x.Count, Oldest: x.Oldest}
	}
	return c.JSON(http.StatusOK, out)
}

// createBatch makes a production batch.
//
//	@Summary		Create a production batch (制证批次)
//	@Description	From a city's queue (`city`, with the `expected_count` the issuer saw: 409 if it changed; `370000` for province-level units) or from `application_ids`. All or none: the applications move to `in_production` and each gets a pending card.
//	@Tags			production
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			body	body		BatchBody	true	"city or ids"
//	@Success		201		{object}	BatchCreated
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		409		{object}	Problem
//	@Failure		422		{object}	Problem
//	@Router			/api/v1/production/batches [post]
func (h *issuanceHandler) createBatch(c *echo.Context) error {
	svc, err := h.service()
	if err != nil {
		return err
	}
	var in BatchBody
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	res, err := svc.CreateBatch(c.Request().Context(), principalOf(c), issuance.BatchRequest{City: in.City,
		ExpectedCount: in.ExpectedCount, ApplicationIDs: in.ApplicationIDs})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, BatchCreated{ID: res.ID, Count: res.Count, IDs: res.IDs})
}

// listBatches lists production batches.
//
//	@Summary	List production batches, newest first
//	@Tags		production
//	@Produce	json
//	@Security	Bearer
//	@Param		limit	query		int		false	"page size"	minimum(1)	maximum(200)	default(50)
//	@Param		cursor	query		string	false	"cursor from the previous page"
//	@Success	200		{object}	ProductionBatchPage
//	@Failure	400		{object}	Problem
//	@Failure	401		{object}	Problem
//	@Failure	403		{object}	Problem
//	@Router		/api/v1/production/batches [get]
func (h *issuanceHandler) listBatches(c *echo.Context) error {
	svc, err := h.service()
	if err != nil {
		return err
	}
	q := newQuery(c)
	page := q.page()
	if err := q.err(); err != nil {
		return err
	}
	res, err := svc.Batches(c.Request().Context(), principalOf(c), page)
	if err != nil {
		return err
	}
	out := ProductionBatchPage{Items: make([]ProductionBatch, len(res.Items)), NextCursor: res.NextCursor}
	for i, b := range res.Items {
		out.Items[i] = batchOut(b)
	}
	return c.JSON(http.StatusOK, out)
}

// getBatch returns a batch and its cards.
//
//	@Summary	A production batch and its cards (pending / written / issued)
//	@Tags		production
//	@Produce	json
//	@Security	Bearer
//	@Param		id	path		int	true	"batch id"	minimum(1)
//	@Success	200	{object}	ProductionBatchDetail
//	@Failure	400	{object}	Problem
//	@Failure	401	{object}	Problem
//	@Failure	403	{object}	Problem
//	@Failure	404	{object}	Problem
//	@Router		/api/v1/production/batches/{id} [get]
func (h *issuanceHandler) getBatch(c *echo.Context) error {
	svc, err := h.service()
	if err != nil {
		return err
	}
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	b, items, err := svc.Batch(c.Request().Context(), principalOf(c), id)
	if err != nil {
		return err
	}
	out := ProductionBatchDetail{Batch: batchOut(b), Items: make([]ProductionItem, len(items))}
	for i, it := range items {
		out.Items[i] = ProductionItem{ApplicationID: it.ApplicationID, Kind: it.Kind, ApplicationState: it.AppState,
			OfficerID: it.OfficerID, OfficerCode: it.OfficerCode, OfficerName: it.OfficerName, UnitCode: it.UnitCode,
			UnitName: it.UnitName, RegionCode: it.RegionCode, CertificateID: it.CertificateID, CertNo: it.CertNo,
			CardState: it.CardState, ChipUID: it.ChipUID, WrittenAt: it.WrittenAt, IssuedAt: it.IssuedAt}
	}
	return c.JSON(http.StatusOK, out)
}

// dispatch hands out a batch's written cards.
//
//	@Summary		Hand out a batch's written cards (发放)
//	@Description	Every card of the batch whose chip write was confirmed (`written`) becomes `issued`. 422 (rule `nothing_written`) when none is written.
//	@Tags			production
//	@Produce		json
//	@Security		Bearer
//	@Param			id	path		int	true	"batch id"	minimum(1)
//	@Success		200	{object}	lifecycle.BatchResult
//	@Failure		400	{object}	Problem
//	@Failure		401	{object}	Problem
//	@Failure		403	{object}	Problem
//	@Failure		404	{object}	Problem
//	@Failure		422	{object}	Problem
//	@Router			/api/v1/production/batches/{id}/dispatch [post]
func (h *issuanceHandler) dispatch(c *echo.Context) error {
	svc, err := h.service()
	if err != nil {
		return err
	}
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var res lifecycle.BatchResult
	if res, err = svc.Dispatch(c.Request().Context(), principalOf(c), id); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, res)
}

func (h *issuanceHandler) ticket(c *echo.Context, do func(*issuance.Service, *echo.Context, int64, issuance.TicketRequest) (issuance.TicketResult, error)) error {
	svc, err := h.service()
	if err != nil {
		return err
	}
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in TicketBody
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	res, err := do(svc, c, id, issuance.TicketRequest{CardUID: in.CardUID, AgentID: in.AgentID, DeviceKeyID: in.DeviceKeyID,
		CardRecord: in.CardRecord})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, ticketOut(res))
}

func (h *issuanceHandler) receipt(c *echo.Context, do func(*issuance.Service, *echo.Context, int64, issuance.ReceiptRequest) (issuance.WriteResult, error)) error {
	svc, err := h.service()
	if err != nil {
		return err
	}
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in ReceiptBody
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	res, err := do(svc, c, id, issuance.ReceiptRequest{Receipt: in.Receipt})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, writeOut(res))
}

// issueTicket signs a new card's record and write ticket.
//
//	@Summary		Write ticket for a new card (写卡凭据：办卡 / 补卡 / 换发)
//	@Description	For an application in a production batch. The server signs the chip record (certificate number, name, unit, area, category, valid until one cycle from today, inspected today, the card's UID; provincial key) and a ticket (purpose `issue`, 5 minutes, bound to the certificate, card UID, record hash and the agent's device key; with the MIFARE card key). Pass `ticket` and `record` to the agent's `issue_card`. Rules in `errors[].rule`: `agent_not_registered`, `card_in_use`, `card_not_blank`, `record_invalid`, `record_too_large`, `state`.
//	@Tags			production
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			id		path		int			true	"application id"	minimum(1)
//	@Param			body	body		TicketBody	true	"the card and the agent"
//	@Success		201		{object}	WriteTicket
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		404		{object}	Problem
//	@Failure		409		{object}	Problem
//	@Failure		422		{object}	Problem
//	@Router			/api/v1/production/items/{id}/ticket [post]
func (h *issuanceHandler) issueTicket(c *echo.Context) error {
	return h.ticket(c, func(s *issuance.Service, c *echo.Context, id int64, r issuance.TicketRequest) (issuance.TicketResult, error) {
		return s.IssueTicket(c.Request().Context(), principalOf(c), id, r)
	})
}

// issueReceipt confirms a new card's chip write.
//
//	@Summary		Confirm a card's chip write (发证)
//	@Description	The agent's receipt, verified once with the registered device key against the ticket: the certificate becomes `active` with the chip UID, issue date, last inspection = issue date and next due date; the application `completed`; the card `written`. Refusals name their rule in `errors[].rule`: `replayed` (409), `ticket_expired`, `wrong_card`, `readback_mismatch`, `agent_not_registered`, `wrong_device`, `unknown_ticket`, `receipt_invalid` (422), `format` (400).
//	@Tags			production
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			id		path		int			true	"application id"	minimum(1)
//	@Param			body	body		ReceiptBody	true	"the agent's receipt"
//	@Success		200		{object}	ChipWriteResult
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		404		{object}	Problem
//	@Failure		409		{object}	Problem
//	@Failure		422		{object}	Problem
//	@Router			/api/v1/production/items/{id}/receipt [post]
func (h *issuanceHandler) issueReceipt(c *echo.Context) error {
	return h.receipt(c, func(s *issuance.Service, c *echo.Context, id int64, r issuance.ReceiptRequest) (issuance.WriteResult, error) {
		return s.IssueReceipt(c.Request().Context(), principalOf(c), id, r)
	})
}

// syncTicket signs an inspection's record and write ticket (step 4).
//
//	@Summary		Write ticket for an inspection's chip sync (同步年检, step 4)
//	@Description	For a legally approved inspection. The new record is inspected as of the round's due date and valid one cycle from it (not from today). `card_record` (read_card's record_bytes) is needed unless the server wrote the card's last record. If today is after the round's due date the approval is stale: the application becomes `stale` and 422 (rule `stale`) says the certificate must be cancelled. Pass the result to the agent's `sync_inspection`.
//	@Tags			inspections
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			id		path		int			true	"application id"	minimum(1)
//	@Param			body	body		TicketBody	true	"the card and the agent"
//	@Success		201		{object}	WriteTicket
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		404		{object}	Problem
//	@Failure		409		{object}	Problem
//	@Failure		422		{object}	Problem
//	@Router			/api/v1/inspections/{id}/ticket [post]
func (h *issuanceHandler) syncTicket(c *echo.Context) error {
	return h.ticket(c, func(s *issuance.Service, c *echo.Context, id int64, r issuance.TicketRequest) (issuance.TicketResult, error) {
		return s.SyncTicket(c.Request().Context(), principalOf(c), id, r)
	})
}

// syncReceipt confirms an inspection's chip sync.
//
//	@Summary		Confirm an inspection's chip sync (step 4)
//	@Description	The certificate's last inspection becomes the round's due date, its next due date one cycle later, its inspection count + 1. The application stays open (`legal_approved`, `next_step: sticker`) until the validity sticker is replaced (step 5). Receipt refusals as for cards.
//	@Tags			inspections
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			id		path		int			true	"application id"	minimum(1)
//	@Param			body	body		ReceiptBody	true	"the agent's receipt"
//	@Success		200		{object}	ChipWriteResult
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		404		{object}	Problem
//	@Failure		409		{object}	Problem
//	@Failure		422		{object}	Problem
//	@Router			/api/v1/inspections/{id}/receipt [post]
func (h *issuanceHandler) syncReceipt(c *echo.Context) error {
	return h.receipt(c, func(s *issuance.Service, c *echo.Context, id int64, r issuance.ReceiptRequest) (issuance.WriteResult, error) {
		return s.SyncReceipt(c.Request().Context(), principalOf(c), id, r)
	})
}

// sticker records step 5.
//
//	@Summary		Confirm the validity sticker was replaced (更换有效期标签, step 5)
//	@Description	After the chip sync: the inspection is complete (all five steps done).
//	@Tags			inspections
//	@Produce		json
//	@Security		Bearer
//	@Param			id	path		int	true	"application id"	minimum(1)
//	@Success		200	{object}	ChipWriteResult
//	@Failure		400	{object}	Problem
//	@Failure		401	{object}	Problem
//	@Failure		403	{object}	Problem
//	@Failure		404	{object}	Problem
//	@Failure		409	{object}	Problem
//	@Failure		422	{object}	Problem
//	@Router			/api/v1/inspections/{id}/sticker [post]
func (h *issuanceHandler) sticker(c *echo.Context) error {
	svc, err := h.service()
	if err != nil {
		return err
	}
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	res, err := svc.Sticker(c.Request().Context(), principalOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, writeOut(res))
}

// manualSync records step 4 by hand.
//
//	@Summary		Record an inspection's chip sync by hand (card issuer)
//	@Description	Where the province allows it (lifecycle policy `manual_chip_sync`), for a card whose chip cannot be written: same effect as a sync receipt, audited with the reason. Stale approvals are refused as for tickets.
//	@Tags			inspections
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			id		path		int				true	"application id"	minimum(1)
//	@Param			body	body		ManualSyncBody	true	"why"
//	@Success		200		{object}	ChipWriteResult
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		404		{object}	Problem
//	@Failure		409		{object}	Problem
//	@Failure		422		{object}	Problem
//	@Router			/api/v1/inspections/{id}/manual-sync [post]
func (h *issuanceHandler) manualSync(c *echo.Context) error {
	svc, err := h.service()
	if err != nil {
		return err
	}
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in ManualSyncBody
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	res, err := svc.ManualSync(c.Request().Context(), principalOf(c), id, in.Reason)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, writeOut(res))
}

// registerAgent registers a card agent.
//
//	@Summary		Register a card agent's device key
//	@Description	`public_key` is the first line of `lecms-cardagent -print-device-key` (or hello's `device_key`). Receipts are accepted only from registered keys. A key registered before is 409.
//	@Tags			card-agents
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			body	body		CardAgentBody	true	"name and device key"
//	@Success		201		{object}	CardAgent
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		409		{object}	Problem
//	@Router			/api/v1/card-agents [post]
func (h *issuanceHandler) registerAgent(c *echo.Context) error {
	svc, err := h.service()
	if err != nil {
		return err
	}
	var in CardAgentBody
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	a, err := svc.RegisterAgent(c.Request().Context(), principalOf(c), issuance.AgentRequest{Name: in.Name, PublicKey: in.PublicKey})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, agentOut(a))
}

// listAgents lists registered card agents.
//
//	@Summary	Registered card agents
//	@Tags		card-agents
//	@Produce	json
//	@Security	Bearer
//	@Success	200	{array}		CardAgent
//	@Failure	401	{object}	Problem
//	@Failure	403	{object}	Problem
//	@Router		/api/v1/card-agents [get]
func (h *issuanceHandler) listAgents(c *echo.Context) error {
	svc, err := h.service()
	if err != nil {
		return err
	}
	as, err := svc.Agents(c.Request().Context(), principalOf(c))
	if err != nil {
		return err
	}
	out := make([]CardAgent, len(as))
	for i, a := range as {
		out[i] = agentOut(a)
	}
	return c.JSON(http.StatusOK, out)
}

// disableAgent disables a registered card agent.
//
//	@Summary		Disable a card agent (停用读卡设备)
//	@Description	With a required `reason` (at most 500 characters). From then on the server signs no write ticket for the agent (422, rule `agent_disabled`) and refuses its receipts, also for tickets signed before (422, rule `agent_disabled`, audited as a refused receipt). Who, when and why are kept on the agent and audited (`card_agent.disable`). Already disabled: 409 (rule `disabled`). Agents outside the caller's region: 404.
//	@Tags			card-agents
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			id		path		int						true	"agent id"	minimum(1)
//	@Param			body	body		CardAgentDisableBody	true	"why"
//	@Success		200		{object}	CardAgent
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		404		{object}	Problem
//	@Failure		409		{object}	Problem
//	@Router			/api/v1/card-agents/{id}/disable [post]
func (h *issuanceHandler) disableAgent(c *echo.Context) error {
	svc, err := h.service()
	if err != nil {
		return err
	}
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in CardAgentDisableBody
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	a, err := svc.DisableAgent(c.Request().Context(), principalOf(c), id, in.Reason)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, agentOut(a))
}

// enableAgent enables a disabled card agent again.
//
//	@Summary		Enable a disabled card agent (启用读卡设备)
//	@Description	Tickets and receipts of the agent are accepted again. The optional `reason` is audited (`card_agent.enable`, with the reason it had been disabled for). Not disabled: 409 (rule `enabled`).
//	@Tags			card-agents
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			id		path		int					true	"agent id"	minimum(1)
//	@Param			body	body		CardAgentEnableBody	false	"why (optional)"
//	@Success		200		{object}	CardAgent
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		404		{object}	Problem
//	@Failure		409		{object}	Problem
//	@Router			/api/v1/card-agents/{id}/enable [post]
func (h *issuanceHandler) enableAgent(c *echo.Context) error {
	svc, err := h.service()
	if err != nil {
		return err
	}
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in CardAgentEnableBody
	if c.Request().ContentLength != 0 {
		if err := decodeJSON(c, &in); err != nil {
			return err
		}
	}
	a, err := svc.EnableAgent(c.Request().Context(), principalOf(c), id, in.Reason)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, agentOut(a))
}

// syncPolicy tells the SPA how inspections may be synced here.
//
//	@Summary		How inspections may be synced in this province
//	@Description	`manual_chip_sync`: whether step 4 may be recorded by hand for a card whose chip cannot be written (the setting `lifecycle_policy.manual_chip_sync`). Recording it also needs the permission `certificate:manual_sync` (card issuers).
//	@Tags			inspections
//	@Produce		json
//	@Security		Bearer
//	@Success		200	{object}	InspectionSyncPolicy
//	@Failure		401	{object}	Problem
//	@Failure		403	{object}	Problem
//	@Router			/api/v1/inspections/sync-policy [get]
func (h *issuanceHandler) syncPolicy(c *echo.Context) error {
	svc, err := h.service()
	if err != nil {
		return err
	}
	sp, err := svc.SyncPolicy(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, InspectionSyncPolicy{ManualChipSync: sp.ManualChipSync})
}

// agentVersion tells the SPA which agent versions to accept.
//
//	@Summary		Card agent versions (minimum, latest)
//	@Description	From the setting `card_agent_version`. The SPA compares the agent's `hello.version`: below `minimum` it does not write, below `latest` it suggests an update.
//	@Tags			card-agents
//	@Produce		json
//	@Security		Bearer
//	@Success		200	{object}	CardAgentVersion
//	@Failure		401	{object}	Problem
//	@Router			/api/v1/card-agents/version [get]
func (h *issuanceHandler) agentVersion(c *echo.Context) error {
	svc, err := h.service()
	if err != nil {
		return err
	}
	v, err := svc.AgentVersion(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, CardAgentVersion{Minimum: v.Minimum, Latest: v.Latest, Protocol: v.Protocol})
}

// serverKeys gives the public keys for the agents' configuration.
//
//	@Summary		Public keys for the card agents' config.json
//	@Description	`ticket_keys` (the agent refuses every write without one) and `record_keys` (optional record verification).
//	@Tags			card-agents
//	@Produce		json
//	@Security		Bearer
//	@Success		200	{object}	CardServerKeys
//	@Failure		401	{object}	Problem
//	@Router			/api/v1/card-agents/server-keys [get]
func (h *issuanceHandler) serverKeys(c *echo.Context) error {
	svc, err := h.service()
	if err != nil {
		return err
	}
	k := svc.ServerKeys()
	return c.JSON(http.StatusOK, CardServerKeys{TicketKeys: k.TicketKeys, RecordKeys: k.RecordKeys, HashAlg: k.HashAlg, Checksum: k.Checksum})
}
