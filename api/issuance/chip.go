package issuance

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/lecms/lecms/api/authz"
	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/store"
	"github.com/lecms/lecms/cardagent/cardkey"
	"github.com/lecms/lecms/cardagent/chiprecord"
	"github.com/lecms/lecms/cardagent/sigalg"
	"github.com/lecms/lecms/cardagent/ticket"
)

// TicketRequest asks for a write ticket for the card on the reader.
type TicketRequest struct {
	CardUID     string // read_card's uid: hex
	AgentID     int64  // the registered agent, by id…
	DeviceKeyID string // …or by its device key id (hello's device_key_id)
	// CardRecord is read_card's record_bytes (standard base64) when the card
	// holds a record: the new record must be newer than it.
	CardRecord string
}

// TicketResult is what the SPA hands to the agent (ticket and record,
// unchanged), with what the operator should check against the card.
type TicketResult struct {
	ApplicationID  int64
	Purpose        string
	Ticket         string
	Record         string // standard base64 of the encoded record
	CertNo         string
	OfficerName    string
	UnitName       string
	CardUID        string
	Seq            uint32
	ValidUntil     domain.Date
	LastInspection domain.Date
	ExpiresAt      time.Time
	DeviceKeyID    string
	Notice         string
}

// WriteResult is a certificate after a confirmed chip write or a step.
type WriteResult struct {
	ApplicationID    int64
	ApplicationState domain.AppState
	CertificateID    int64
	CertNo           string
	CertState        domain.CertState
	ChipUID          string
	IssuedOn         *domain.Date
	LastInspectedOn  domain.Date
	NextDueOn        domain.Date
	Slot             string
	Seq              uint32
	NextStep         string // "sticker" after a sync; "" when done
	Notice           string
}

// subject loads an application's chip subject and checks the caller may
// act on it: outside the caller's view it does not exist (404); visible
// but not the caller's to write is 403.
func (s *Service) subject(ctx context.Context, p domain.Principal, appID int64, act string) (store.ChipSubject, error) {
	sub, ok, err := s.Store.Subject(ctx, appID)
	if err != nil {
		return sub, err
	}
	if !ok {
		return sub, domain.Errorf(domain.CodeNotFound, "申请不存在")
	}
	t := authz.Target{Region: sub.RegionCode, UnitID: sub.UnitID}
	if !s.Authz.Can(p, "certificate", act, t) {
		if s.Authz.Can(p, "application", authz.Read, t) {
			return sub, domain.Errorf(domain.CodeForbidden, "该证件不在您的制证（同步）范围内")
		}
		return sub, domain.Errorf(domain.CodeNotFound, "申请不存在")
	}
	return sub, nil
}

// parseUID normalises a card UID: hex digits, separators ignored, 1 to 32 bytes.
func parseUID(s string) ([]byte, string, error) {
	clean := strings.NewReplacer(" ", "", ":", "", "-", "").Replace(strings.TrimSpace(s))
	b, err := hex.DecodeString(clean)
	if err != nil || len(b) == 0 || len(b) > 32 {
		return nil, "", domain.Invalid(domain.FieldError{Field: "card_uid", Rule: "format", Message: "卡片 UID 应为十六进制（读卡结果中的 uid）"})
	}
	return b, strings.ToUpper(hex.EncodeToString(b)), nil
}

// agentOf resolves the registered agent a ticket is for.
func (s *Service) agentOf(ctx context.Context, req TicketRequest) (store.CardAgent, error) {
	var (
		a     store.CardAgent
		found bool
		err   error
	)
	switch {
	case req.AgentID > 0:
		a, found, err = s.Store.Agent(ctx, req.AgentID)
	case req.DeviceKeyID != "":
		if _, perr := sigalg.ParseKeyID(strings.ToLower(req.DeviceKeyID)); perr != nil {
			return a, domain.Invalid(domain.FieldError{Field: "device_key_id", Rule: "format", Message: "设备密钥编号应为 16 位十六进制"})
		}
		a, found, err = s.Store.AgentByKeyID(ctx, strings.ToLower(req.DeviceKeyID))
	default:
		return a, domain.Invalid(domain.FieldError{Field: "agent_id", Rule: "required", Message: "请指定读卡客户端（agent_id 或 device_key_id）"})
	}
	if err != nil {
		return a, err
	}
	if !found {
		return a, refusal(domain.CodeRuleViolated, "agent_id", "agent_not_registered", "该读卡客户端未登记，请先由制证员或管理员登记其设备密钥")
	}
	if a.Disabled() {
		return a, refusal(domain.CodeRuleViolated, "agent_id", "agent_disabled",
			s.disabledText(a)+"，不能写卡：请换用其他读卡客户端，或请制证员、管理员在“读卡设备”中重新启用")
	}
	return a, nil
}

// cardRecord decodes and verifies what the card holds (read_card's
// record_bytes): it must be a record this province signed, for this chip.
func (s *Service) cardRecord(b64 string, uid []byte) (*chiprecord.Record, error) {
	if b64 == "" {
		return nil, nil
	}
	bad := func(msg string) error {
		return refusal(domain.CodeRuleViolated, "card_record", "record_invalid", msg)
	}
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return nil, domain.Invalid(domain.FieldError{Field: "card_record", Rule: "format", Message: "card_record 应为 base64（读卡结果中的 record_bytes）"})
	}
	rec, err := chiprecord.Decode(raw)
	if err != nil {
		return nil, bad("卡内记录无法识别或已损坏")
	}
	if err := chiprecord.Verify(rec, s.Keys.RecordKeys); err != nil {
		return nil, bad("卡内记录的签名无效（不是本系统写入的记录）")
	}
	if len(rec.CardUID) > 0 && !strings.EqualFold(hex.EncodeToString(rec.CardUID), hex.EncodeToString(uid)) {
		return nil, bad("卡内记录不属于这张卡片（疑似复制卡）")
	}
	return rec, nil
}

func chipDate(d domain.Date) chiprecord.Date {
	return chiprecord.Date{Year: d.Year(), Month: d.Month(), Day: d.Day()}
}

// written is what a ticket authorises: the chip record's contents.
type written struct {
	purpose        ticket.Purpose
	seq            uint32
	validUntil     domain.Date
	lastInspection domain.Date
}

// Signed is a signed chip record and the ticket for writing it.
type Signed struct {
	Ticket *ticket.Ticket
	Token  string
	Record []byte
}

// Sign builds and signs the chip record of sub and the write ticket for
// it: the server's whole cryptographic work before a write.
func (k *Keys) Sign(sub store.ChipSubject, uid []byte, w written, device sigalg.KeyID, now func() time.Time) (Signed, error) {
	tooLarge := refusal(domain.CodeRuleViolated, "record", "record_too_large", "执法区域和执法类别过长，芯片写不下，请精简后再制证")
	for _, f := range []string{sub.CertNo, sub.OfficerName, sub.UnitCode, sub.Area, sub.Category} {
		if len(f) > 255 { // a text field of the record holds at most 255 bytes
			return Signed{}, tooLarge
		}
	}
	rec := &chiprecord.Record{Seq: w.seq, CertNo: sub.CertNo, Name: sub.OfficerName, UnitCode: sub.UnitCode, Area: sub.Area,
		Category: sub.Category, ValidUntil: chipDate(w.validUntil), LastInspection: chipDate(w.lastInspection), CardUID: uid}
	if err := chiprecord.Sign(rec, k.Record); err != nil {
		return Signed{}, domain.Internal(err)
	}
	raw, err := chiprecord.Encode(rec, k.Checksum)
	if errors.Is(err, chiprecord.ErrTooLarge) {
		return Signed{}, tooLarge
	}
	if err != nil {
		return Signed{}, domain.Internal(err)
	}
	// The card key opens only this chip; ISO cards ignore it.
	ck, err := cardkey.Derive(k.HashAlg, k.Master, uid)
	if err != nil {
		return Signed{}, domain.Internal(err)
	}
	t, err := (&ticket.Issuer{Signer: k.Ticket, Now: now}).Issue(ticket.Request{Purpose: w.purpose, CertNo: sub.CertNo,
		CardUID: uid, Record: raw, HashAlg: k.HashAlg, CardKey: ck[:], Device: device})
	if err != nil {
		return Signed{}, domain.Internal(err)
	}
	tok, err := t.Encode()
	if err != nil {
		return Signed{}, domain.Internal(err)
	}
	return Signed{Ticket: t, Token: tok, Record: raw}, nil
}

// ticketFor signs, stores and audits a ticket for sub.
func (s *Service) ticketFor(ctx context.Context, p domain.Principal, sub store.ChipSubject, req TicketRequest, w written) (TicketResult, error) {
	uid, uidHex, err := parseUID(req.CardUID)
	if err != nil {
		return TicketResult{}, err
	}
	agent, err := s.agentOf(ctx, req)
	if err != nil {
		return TicketResult{}, err
	}
	device, err := sigalg.ParseKeyID(agent.KeyID)
	if err != nil {
		return TicketResult{}, domain.Internal(err)
	}
	if w.purpose == ticket.Sync && sub.ChipUID != "" && sub.ChipUID != uidHex {
		return TicketResult{}, refusal(domain.CodeRuleViolated, "card_uid", "wrong_card",
			fmt.Sprintf("这不是证件 %s 的卡片（该证件芯片 %s，读到的卡片 %s）", sub.CertNo, sub.ChipUID, uidHex))
	}
	others, err := s.Store.CertsWithChip(ctx, uidHex, sub.CertificateID)
	if err != nil {
		return TicketResult{}, err
	}
	if len(others) > 0 {
		return TicketResult{}, refusal(domain.CodeRuleViolated, "card_uid", "card_in_use",
			"该卡片已属于证件 "+strings.Join(others, "、")+"，请换一张新卡")
	}
	rec, err := s.cardRecord(req.CardRecord, uid)
	if err != nil {
		return TicketResult{}, err
	}
	last, err := s.Store.LastSeq(ctx, sub.CertificateID)
	if err != nil {
		return TicketResult{}, err
	}
	if rec != nil {
		if rec.CertNo != sub.CertNo {
			rule, msg := "card_not_blank", "卡片中已有证件 "+rec.CertNo+" 的记录，请换一张新卡"
			if w.purpose == ticket.Sync {
				rule, msg = "wrong_card", "卡片中是证件 "+rec.CertNo+" 的记录，不是证件 "+sub.CertNo
			}
			return TicketResult{}, refusal(domain.CodeRuleViolated, "card_record", rule, msg)
		}
		last = max(last, rec.Seq)
	} else if w.purpose == ticket.Sync && last == 0 {
		return TicketResult{}, domain.Invalid(domain.FieldError{Field: "card_record", Rule: "required",
			Message: "请先读卡，并提交读卡结果中的 record_bytes（同步年检须在原记录之上写入）"})
	}
	w.seq = last + 1
	signed, err := s.Keys.Sign(sub, uid, w, device, s.Now)
	if err != nil {
		return TicketResult{}, err
	}
	t := signed.Ticket
	if err := s.Store.SaveTicket(ctx, store.CardTicket{Nonce: t.Nonce, ApplicationID: sub.AppID, CertificateID: sub.CertificateID,
		Purpose: w.purpose.String(), CertNo: sub.CertNo, CardUID: uidHex, AgentID: agent.ID, DeviceKeyID: agent.KeyID, Seq: w.seq,
		ValidUntil: w.validUntil, LastInspection: w.lastInspection, Token: signed.Token, IssuedBy: p.UserID,
		IssuedAt: t.IssuedAt.UTC(), ExpiresAt: t.ExpiresAt.UTC()}); err != nil {
		return TicketResult{}, err
	}
	if err := s.audit(ctx, p, "card.ticket", "application", sub.AppID, domain.AuditSuccess, map[string]any{
		"purpose": w.purpose.String(), "cert_no": sub.CertNo, "card_uid": uidHex, "ticket_nonce": hex.EncodeToString(t.Nonce),
		"device_key_id": agent.KeyID, "agent": agent.Name, "seq": w.seq, "valid_until": w.validUntil.String()}); err != nil {
		return TicketResult{}, err
	}
	res := TicketResult{ApplicationID: sub.AppID, Purpose: w.purpose.String(), Ticket: signed.Token,
		Record: base64.StdEncoding.EncodeToString(signed.Record), CertNo: sub.CertNo, OfficerName: sub.OfficerName,
		UnitName: sub.UnitName, CardUID: uidHex, Seq: w.seq, ValidUntil: w.validUntil, LastInspection: w.lastInspection,
		ExpiresAt: t.ExpiresAt.UTC(), DeviceKeyID: agent.KeyID}
	if w.purpose == ticket.Sync {
		res.Notice = fmt.Sprintf("请核对卡面：姓名 %s，执法证号 %s；年审日期 %s，新有效期至 %s。同步成功后请更换有效期标签。",
			sub.OfficerName, sub.CertNo, w.lastInspection, w.validUntil)
	} else {
		res.Notice = fmt.Sprintf("请核对卡面：姓名 %s，执法证号 %s，单位 %s，有效期至 %s。", sub.OfficerName, sub.CertNo, sub.UnitName, w.validUntil)
	}
	return res, nil
}

// IssueTicket signs the record and write ticket of a new card (办卡, 补卡,
// 换发) in a production batch: valid from today for one inspection cycle.
func (s *Service) IssueTicket(ctx context.Context, p domain.Principal, appID int64, req TicketRequest) (TicketResult, error) {
	sub, err := s.subject(ctx, p, appID, "issue")
	if err != nil {
		return TicketResult{}, err
	}
	if err := s.issuable(ctx, sub); err != nil {
		return TicketResult{}, err
	}
	insp, err := s.Policies.Inspection(ctx)
	if err != nil {
		return TicketResult{}, err
	}
	today := s.today()
	return s.ticketFor(ctx, p, sub, req, written{purpose: ticket.Issue, validUntil: insp.NextDue(today), lastInspection: today})
}

// issuable checks a card application may have its chip written now.
func (s *Service) issuable(ctx context.Context, sub store.ChipSubject) error {
	if !isCardKind(sub.Kind) {
		return refusal(domain.CodeRuleViolated, "application", "kind", sub.Kind.Label()+"申请不制作新卡")
	}
	switch sub.State {
	case domain.AppInProduction:
	case domain.AppLegalApproved:
		return refusal(domain.CodeRuleViolated, "application", "state", "该申请尚未进入制证批次")
	case domain.AppCompleted:
		return refusal(domain.CodeConflict, "application", "state", "该证件已写卡发证")
	default:
		return refusal(domain.CodeRuleViolated, "application", "state", "当前状态为“"+sub.State.Label()+"”，不能写卡")
	}
	item, ok, err := s.Store.Item(ctx, sub.AppID)
	if err != nil {
		return err
	}
	if !ok || item.CardState != store.CardPending || sub.CertState != domain.CertPending {
		return refusal(domain.CodeConflict, "application", "state", "该证件已写卡")
	}
	return nil
}

// syncable checks an inspection may have its chip synced now. An approval
// whose round's due date has passed without a sync is stale (seed FAQ:
// 年检同步时提示的有效期标签与当年度不一致): it is marked so, and the
// only way forward is cancelling the certificate.
func (s *Service) syncable(ctx context.Context, p domain.Principal, sub store.ChipSubject) error {
	if sub.Kind != domain.AppInspection {
		return refusal(domain.CodeRuleViolated, "application", "kind", sub.Kind.Label()+"申请不需要同步年检")
	}
	staleMsg := fmt.Sprintf("该证件的年检审核已过期：审核通过后未在本年检周期内（%s 前）同步芯片，不能再进行年审，只能将原证件注销后重新申请办证",
		dateOr(sub.RoundDueOn))
	switch sub.State {
	case domain.AppLegalApproved:
	case domain.AppStale:
		return refusal(domain.CodeRuleViolated, "application", "stale", staleMsg)
	case domain.AppCompleted:
		return refusal(domain.CodeConflict, "application", "state", "该年检已完成")
	default:
		return refusal(domain.CodeRuleViolated, "application", "state", "当前状态为“"+sub.State.Label()+"”，不能同步年检")
	}
	if _, done, err := s.Store.Synced(ctx, sub.AppID); err != nil {
		return err
	} else if done {
		return refusal(domain.CodeConflict, "application", "synced", "芯片已同步，请更换有效期标签（第五步）")
	}
	if sub.RoundDueOn == nil {
		return domain.Internal(errors.New("inspection without a round due date"))
	}
	if s.today().After(*sub.RoundDueOn) {
		moved, err := s.Store.MarkStale(ctx, s.today(), []int64{sub.AppID}, actor(p), s.Now().UTC())
		if err != nil {
			return err
		}
		if len(moved) > 0 {
			if err := s.audit(ctx, p, "inspection.stale", "application", sub.AppID, domain.AuditSuccess,
				map[string]any{"round_due_on": sub.RoundDueOn.String()}); err != nil {
				return err
			}
		}
		return refusal(domain.CodeRuleViolated, "application", "stale", staleMsg)
	}
	if sub.CertState != domain.CertActive {
		return refusal(domain.CodeRuleViolated, "certificate", "state", "证件状态为“"+sub.CertState.Label()+"”，不能同步年检")
	}
	return nil
}

func dateOr(d *domain.Date) string {
	if d == nil {
		return "到期日"
	}
	return d.String()
}

// syncDates are an inspection's new dates: inspected as of the round's due
// date, valid one cycle from it (not from today).
func (s *Service) syncDates(ctx context.Context, sub store.ChipSubject) (last, next domain.Date, err error) {
	insp, err := s.Policies.Inspection(ctx)
	if err != nil {
		return last, next, err
	}
	return *sub.RoundDueOn, insp.NextDue(*sub.RoundDueOn), nil
}

// SyncTicket signs the record with the inspection's new dates and the
// write ticket for step 4 (同步年检).
func (s *Service) SyncTicket(ctx context.Context, p domain.Principal, appID int64, req TicketRequest) (TicketResult, error) {
	sub, err := s.subject(ctx, p, appID, "sync")
	if err != nil {
		return TicketResult{}, err
	}
	if err := s.syncable(ctx, p, sub); err != nil {
		return TicketResult{}, err
	}
	last, next, err := s.syncDates(ctx, sub)
	if err != nil {
		return TicketResult{}, err
	}
	return s.ticketFor(ctx, p, sub, req, written{purpose: ticket.Sync, validUntil: next, lastInspection: last})
}

// ReceiptRequest carries the agent's receipt, unchanged.
type ReceiptRequest struct {
	Receipt string
}

// guard is the replay guard of one confirmation: the nonce is claimed in
// the database transaction that applies the write.
type guard struct{ claim store.NonceClaimer }

func (g guard) Claim(ctx context.Context, nonce []byte, until time.Time) error {
	if err := g.claim(ctx, nonce, until); err != nil {
		if errors.Is(err, store.ErrNonceUsed) {
			return ticket.ErrReplay
		}
		return err
	}
	return nil
}

// receiptError turns a refused receipt into its stable rule.
func receiptError(err error) (error, string) {
	switch {
	case errors.Is(err, ticket.ErrReplay):
		return refusal(domain.CodeConflict, "receipt", "replayed", "该回执已提交过（重复提交）"), "replayed"
	case errors.Is(err, ticket.ErrExpired):
		return refusal(domain.CodeRuleViolated, "receipt", "ticket_expired", "写卡凭据已过期（有效期 5 分钟），请重新读卡并写卡"), "ticket_expired"
	case errors.Is(err, ticket.ErrWrongCard):
		return refusal(domain.CodeRuleViolated, "receipt", "wrong_card", "回执中的卡片不是写卡凭据指定的卡片"), "wrong_card"
	case errors.Is(err, ticket.ErrReadbackMismatch):
		return refusal(domain.CodeRuleViolated, "receipt", "readback_mismatch", "回执显示卡内数据与签发的记录不一致，请重新写卡"), "readback_mismatch"
	case errors.Is(err, ticket.ErrInvalid):
		return refusal(domain.CodeRuleViolated, "receipt", "receipt_invalid", "回执无效（签名不符、时间不符或不对应该写卡凭据）"), "receipt_invalid"
	}
	return err, ""
}

// checked is a receipt ready to be verified inside the write's transaction.
type checked struct {
	stored  store.CardTicket
	receipt *ticket.Receipt
	verify  func(store.NonceClaimer) error
	// rule is set when verify refused the receipt, for the audit trail,
	// which is written after the transaction (never inside it: the audit
	// store may need the database the transaction holds).
	rule   string
	detail map[string]any
}

// auditRefusal records a refused receipt.
func (s *Service) auditRefusal(ctx context.Context, p domain.Principal, appID int64, rule string, detail map[string]any) error {
	d := map[string]any{"rule": rule}
	for k, v := range detail {
		d[k] = v
	}
	return s.audit(ctx, p, "card.receipt", "application", appID, domain.AuditFailure, d)
}

// checkReceipt finds the ticket a receipt answers and prepares its
// verification with the registered device key. Refusals found here are
// audited at once; those of verify by finish.
func (s *Service) checkReceipt(ctx context.Context, p domain.Principal, sub store.ChipSubject, purpose ticket.Purpose, token string) (*checked, error) {
	token = strings.TrimSpace(token)
	if token == "" {
		return nil, domain.Invalid(domain.FieldError{Field: "receipt", Rule: "required", Message: "请提交读卡客户端返回的回执（receipt）"})
	}
	fail := func(err error, rule string, detail map[string]any) (*checked, error) {
		if aerr := s.auditRefusal(ctx, p, sub.AppID, rule, detail); aerr != nil {
			return nil, aerr
		}
		return nil, err
	}
	r, err := ticket.ParseReceipt(token)
	if err != nil {
		return fail(domain.Invalid(domain.FieldError{Field: "receipt", Rule: "format", Message: "回执格式无效"}), "format", nil)
	}
	detail := map[string]any{"ticket_nonce": hex.EncodeToString(r.TicketNonce), "device_key_id": r.KeyID.String(),
		"card_uid": strings.ToUpper(hex.EncodeToString(r.CardUID))}
	stored, ok, err := s.Store.Ticket(ctx, r.TicketNonce)
	if err != nil {
		return nil, err
	}
	if !ok || stored.ApplicationID != sub.AppID || stored.Purpose != purpose.String() {
		return fail(refusal(domain.CodeRuleViolated, "receipt", "unknown_ticket", "该回执不对应本申请签发的写卡凭据"), "unknown_ticket", detail)
	}
	agent, found, err := s.Store.AgentByKeyID(ctx, r.KeyID.String())
	if err != nil {
		return nil, err
	}
	if !found {
		return fail(refusal(domain.CodeRuleViolated, "receipt", "agent_not_registered",
			"回执由未登记的读卡客户端签名（设备密钥 "+r.KeyID.String()+"），不予接受"), "agent_not_registered", detail)
	}
	if agent.Disabled() {
		return fail(refusal(domain.CodeRuleViolated, "receipt", "agent_disabled",
			s.disabledText(agent)+"，其写卡回执不予接受：请换用其他读卡客户端重新写卡，或在“读卡设备”中重新启用后重试"), "agent_disabled", detail)
	}
	if agent.KeyID != stored.DeviceKeyID {
		return fail(refusal(domain.CodeRuleViolated, "receipt", "wrong_device", "回执不是由领取写卡凭据的读卡客户端签名"), "wrong_device", detail)
	}
	key, err := s.deviceKey(agent)
	if err != nil {
		return nil, err
	}
	t, err := ticket.Parse(stored.Token)
	if err != nil {
		return nil, domain.Internal(err)
	}
	c := &checked{stored: stored, receipt: r, detail: detail}
	c.verify = func(claim store.NonceClaimer) error {
		rv := ticket.ReceiptVerifier{Devices: sigalg.NewKeySet(key), Guard: guard{claim}, Now: s.Now}
		if _, err := rv.Verify(ctx, token, t); err != nil {
			mapped, rule := receiptError(err)
			c.rule = rule
			return mapped
		}
		return nil
	}
	if stored.UsedAt != nil {
		// The ticket's receipt was accepted before: verify in full (a forged
		// receipt is invalid, not a replay), with a guard that knows the
		// nonce is spent.
		err := c.verify(func(context.Context, []byte, time.Time) error { return store.ErrNonceUsed })
		if err == nil { // cannot happen: the claim is the verifier's last step
			err, c.rule = receiptError(ticket.ErrReplay)
		}
		return nil, s.finish(ctx, p, sub.AppID, c, err)
	}
	return c, nil
}

// finish audits a refusal found while verifying, after the transaction.
func (s *Service) finish(ctx context.Context, p domain.Principal, appID int64, c *checked, err error) error {
	if err != nil && c.rule != "" {
		if aerr := s.auditRefusal(ctx, p, appID, c.rule, c.detail); aerr != nil {
			return aerr
		}
	}
	return err
}

func slotName(s uint8) string {
	if s == 0 {
		return "A"
	}
	return "B"
}

// IssueReceipt confirms a new card's chip write: the certificate becomes
// active with its chip and dates, the application completed.
func (s *Service) IssueReceipt(ctx context.Context, p domain.Principal, appID int64, req ReceiptRequest) (WriteResult, error) {
	sub, err := s.subject(ctx, p, appID, "issue")
	if err != nil {
		return WriteResult{}, err
	}
	c, err := s.checkReceipt(ctx, p, sub, ticket.Issue, req.Receipt)
	if err != nil {
		return WriteResult{}, err
	}
	if err := s.issuable(ctx, sub); err != nil {
		return WriteResult{}, err
	}
	s.pruneNonces(ctx)
	t := c.stored
	issued := t.LastInspection
	w := store.ChipWrite{ApplicationID: sub.AppID, OfficerID: sub.OfficerID, CertificateID: sub.CertificateID, Nonce: t.Nonce,
		CardUID: t.CardUID, Slot: int(c.receipt.Slot), ReceiptAt: c.receipt.Time, By: actor(p),
		Comment:  fmt.Sprintf("写卡 %s，芯片 %s，有效期至 %s", t.CertNo, t.CardUID, t.ValidUntil),
		IssuedOn: issued, LastInspectedOn: issued, NextDueOn: t.ValidUntil}
	if err := s.finish(ctx, p, sub.AppID, c, s.Store.ConfirmIssue(ctx, w, c.verify, s.Now().UTC())); err != nil {
		return WriteResult{}, conflictOnStale(err)
	}
	if err := s.audit(ctx, p, "certificate.issue", "certificate", sub.CertificateID, domain.AuditSuccess, map[string]any{
		"application_id": sub.AppID, "cert_no": t.CertNo, "ticket_nonce": hex.EncodeToString(t.Nonce), "device_key_id": t.DeviceKeyID,
		"card_uid": t.CardUID, "slot": slotName(c.receipt.Slot), "seq": c.receipt.Seq,
		"receipt_time": c.receipt.Time.UTC().Format(time.RFC3339Nano)}); err != nil {
		return WriteResult{}, err
	}
	return WriteResult{ApplicationID: sub.AppID, ApplicationState: domain.AppCompleted, CertificateID: sub.CertificateID,
		CertNo: t.CertNo, CertState: domain.CertActive, ChipUID: t.CardUID, IssuedOn: &issued, LastInspectedOn: issued,
		NextDueOn: t.ValidUntil, Slot: slotName(c.receipt.Slot), Seq: c.receipt.Seq}, nil
}

func stickerNotice(next domain.Date) string {
	return "芯片已同步。请更换有效期标签（有效期至 " + next.String() + "），并确认“已更换标签”以完成年审。"
}

// SyncReceipt confirms step 4 of an inspection: the certificate takes the
// new dates; the application stays open until the sticker (step 5).
func (s *Service) SyncReceipt(ctx context.Context, p domain.Principal, appID int64, req ReceiptRequest) (WriteResult, error) {
	sub, err := s.subject(ctx, p, appID, "sync")
	if err != nil {
		return WriteResult{}, err
	}
	c, err := s.checkReceipt(ctx, p, sub, ticket.Sync, req.Receipt)
	if err != nil {
		return WriteResult{}, err
	}
	// The write happened under a ticket issued while the approval was
	// current: a receipt arriving just after midnight still counts, so
	// only the state is checked here, not the round's date.
	switch {
	case sub.State == domain.AppCompleted:
		return WriteResult{}, refusal(domain.CodeConflict, "application", "state", "该年检已完成")
	case sub.State != domain.AppLegalApproved:
		return WriteResult{}, refusal(domain.CodeRuleViolated, "application", "state", "当前状态为“"+sub.State.Label()+"”，不能同步年检")
	}
	s.pruneNonces(ctx)
	t := c.stored
	w := store.ChipWrite{ApplicationID: sub.AppID, OfficerID: sub.OfficerID, CertificateID: sub.CertificateID, Nonce: t.Nonce,
		CardUID: t.CardUID, Slot: int(c.receipt.Slot), ReceiptAt: c.receipt.Time, By: actor(p),
		Comment:         fmt.Sprintf("同步年检 %s，芯片 %s，年审日期 %s，有效期至 %s", t.CertNo, t.CardUID, t.LastInspection, t.ValidUntil),
		LastInspectedOn: t.LastInspection, NextDueOn: t.ValidUntil}
	if err := s.finish(ctx, p, sub.AppID, c, s.Store.ConfirmSync(ctx, w, c.verify, s.Now().UTC())); err != nil {
		return WriteResult{}, conflictOnStale(err)
	}
	if err := s.audit(ctx, p, "inspection.sync", "certificate", sub.CertificateID, domain.AuditSuccess, map[string]any{
		"application_id": sub.AppID, "cert_no": t.CertNo, "ticket_nonce": hex.EncodeToString(t.Nonce), "device_key_id": t.DeviceKeyID,
		"card_uid": t.CardUID, "slot": slotName(c.receipt.Slot), "seq": c.receipt.Seq, "last_inspected_on": t.LastInspection.String(),
		"next_due_on": t.ValidUntil.String(), "receipt_time": c.receipt.Time.UTC().Format(time.RFC3339Nano)}); err != nil {
		return WriteResult{}, err
	}
	return WriteResult{ApplicationID: sub.AppID, ApplicationState: domain.AppLegalApproved, CertificateID: sub.CertificateID,
		CertNo: t.CertNo, CertState: domain.CertActive, ChipUID: t.CardUID, LastInspectedOn: t.LastInspection, NextDueOn: t.ValidUntil,
		Slot: slotName(c.receipt.Slot), Seq: c.receipt.Seq, NextStep: "sticker", Notice: stickerNotice(t.ValidUntil)}, nil
}

// ManualSync records step 4 by hand where the province allows it (a card
// whose chip cannot be written), with the reason; audited.
func (s *Service) ManualSync(ctx context.Context, p domain.Principal, appID int64, reason string) (WriteResult, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return WriteResult{}, domain.Invalid(domain.FieldError{Field: "reason", Rule: "required", Message: "手工同步须填写原因"})
	}
	if len([]rune(reason)) > 500 {
		return WriteResult{}, domain.Invalid(domain.FieldError{Field: "reason", Rule: "max_length", Message: "原因最多 500 字"})
	}
	sub, err := s.subject(ctx, p, appID, "manual_sync")
	if err != nil {
		return WriteResult{}, err
	}
	lp, err := s.Policies.Lifecycle(ctx)
	if err != nil {
		return WriteResult{}, err
	}
	if !lp.ManualChipSync {
		return WriteResult{}, refusal(domain.CodeRuleViolated, "application", "manual_sync_disabled", "本省不允许手工同步年检，请使用读卡器同步芯片")
	}
	if err := s.syncable(ctx, p, sub); err != nil {
		return WriteResult{}, err
	}
	last, next, err := s.syncDates(ctx, sub)
	if err != nil {
		return WriteResult{}, err
	}
	w := store.ChipWrite{ApplicationID: sub.AppID, OfficerID: sub.OfficerID, CertificateID: sub.CertificateID, By: actor(p),
		LastInspectedOn: last, NextDueOn: next, Reason: reason}
	if err := s.Store.ConfirmSync(ctx, w, nil, s.Now().UTC()); err != nil {
		return WriteResult{}, conflictOnStale(err)
	}
	if err := s.audit(ctx, p, "inspection.manual_sync", "certificate", sub.CertificateID, domain.AuditSuccess, map[string]any{
		"application_id": sub.AppID, "cert_no": sub.CertNo, "reason": reason, "last_inspected_on": last.String(),
		"next_due_on": next.String()}); err != nil {
		return WriteResult{}, err
	}
	return WriteResult{ApplicationID: sub.AppID, ApplicationState: domain.AppLegalApproved, CertificateID: sub.CertificateID,
		CertNo: sub.CertNo, CertState: domain.CertActive, ChipUID: sub.ChipUID, LastInspectedOn: last, NextDueOn: next,
		NextStep: "sticker", Notice: stickerNotice(next)}, nil
}

// Sticker records step 5 (更换有效期标签): the inspection is complete.
func (s *Service) Sticker(ctx context.Context, p domain.Principal, appID int64) (WriteResult, error) {
	sub, err := s.subject(ctx, p, appID, "sync")
	if err != nil {
		return WriteResult{}, err
	}
	if sub.Kind != domain.AppInspection {
		return WriteResult{}, refusal(domain.CodeRuleViolated, "application", "kind", sub.Kind.Label()+"申请没有有效期标签步骤")
	}
	switch sub.State {
	case domain.AppLegalApproved:
	case domain.AppCompleted:
		return WriteResult{}, refusal(domain.CodeConflict, "application", "state", "该年检已完成")
	default:
		return WriteResult{}, refusal(domain.CodeRuleViolated, "application", "state", "当前状态为“"+sub.State.Label()+"”")
	}
	sync, done, err := s.Store.Synced(ctx, sub.AppID)
	if err != nil {
		return WriteResult{}, err
	}
	if !done {
		return WriteResult{}, refusal(domain.CodeRuleViolated, "application", "not_synced", "请先同步芯片（第四步），再更换有效期标签")
	}
	if sync.StickerAt != nil {
		return WriteResult{}, refusal(domain.CodeConflict, "application", "state", "有效期标签已确认更换")
	}
	if err := s.Store.Sticker(ctx, sub.AppID, actor(p), s.Now().UTC()); err != nil {
		return WriteResult{}, conflictOnStale(err)
	}
	if err := s.audit(ctx, p, "inspection.sticker", "application", sub.AppID, domain.AuditSuccess, map[string]any{
		"cert_no": sub.CertNo, "next_due_on": sync.NextDueOn.String()}); err != nil {
		return WriteResult{}, err
	}
	return WriteResult{ApplicationID: sub.AppID, ApplicationState: domain.AppCompleted, CertificateID: sub.CertificateID,
		CertNo: sub.CertNo, CertState: domain.CertActive, ChipUID: sub.ChipUID, LastInspectedOn: sync.LastInspectedOn,
		NextDueOn: sync.NextDueOn, Notice: "年审五个步骤已全部完成"}, nil
}
