package lifecycle

import (
	"context"
	"strings"

	"github.com/lecms/lecms/api/authz"
	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/store"
)

// Actions on applications.
const (
	ActionApproveUnit  = "approve_unit"  // 单位审核通过 (the unit's stamp)
	ActionApproveLegal = "approve_legal" // 法制机构审核通过
	ActionReject       = "reject"        // 退回, with a reason
	ActionWithdraw     = "withdraw"      // 撤回 by the applicant's unit
	ActionResubmit     = "resubmit"      // 重新提交 after a return
)

// DecideRequest acts on several applications: explicit ids, or a filter
// with the count the user saw.
type DecideRequest struct {
	Action        string            `json:"action" validate:"required" enums:"approve_unit,approve_legal,reject,withdraw,resubmit"`
	IDs           []int64           `json:"ids"`
	Filter        *domain.AppFilter `json:"-"`
	ExpectedCount int               `json:"-"`
	Comment       string            `json:"comment" maxLength:"500"`
	// Versions are the versions the reviewer saw (id → version): an item
	// changed since by someone else makes the whole batch a 409.
	Versions map[int64]int `json:"versions"`
}

// rule is what an action needs: the state it starts from, where it goes,
// the permission and the timeline step.
type rule struct {
	from     []domain.AppState
	obj, act string
	step     string
}

func rules(action string) (rule, bool) {
	switch action {
	case ActionApproveUnit:
		return rule{[]domain.AppState{domain.AppSubmitted}, "application", "approve_unit", "unit_approve"}, true
	case ActionApproveLegal:
		return rule{[]domain.AppState{domain.AppUnitApproved, domain.AppSubmitted}, "application", "approve_legal", "legal_approve"}, true
	case ActionReject:
		return rule{[]domain.AppState{domain.AppSubmitted, domain.AppUnitApproved}, "application", "", "reject"}, true
	case ActionWithdraw:
		return rule{[]domain.AppState{domain.AppSubmitted, domain.AppReturned}, "application", "create", "withdraw"}, true
	case ActionResubmit:
		return rule{[]domain.AppState{domain.AppReturned}, "application", "create", "resubmit"}, true
	}
	return rule{}, false
}

// Decide applies an action to applications, all or none. Every item is
// checked (state, jurisdiction, separation of duties, the rules of its
// kind) before anything is written; the write then succeeds only if no
// other reviewer changed any item in between (else 409).
func (s *Service) Decide(ctx context.Context, p domain.Principal, req DecideRequest) (BatchResult, error) {
	rl, ok := rules(req.Action)
	if !ok {
		return BatchResult{}, domain.Invalid(domain.FieldError{Field: "action", Rule: "enum", Message: "操作无效"})
	}
	if req.Action == ActionReject && strings.TrimSpace(req.Comment) == "" {
		return BatchResult{}, domain.Invalid(domain.FieldError{Field: "comment", Rule: "required", Message: "退回须填写理由"})
	}
	if len([]rune(req.Comment)) > 500 {
		return BatchResult{}, domain.Invalid(domain.FieldError{Field: "comment", Rule: "max_length", Message: "意见最多 500 字"})
	}
	ids, err := s.selectApps(ctx, p, req)
	if err != nil {
		return BatchResult{}, err
	}
	apps, err := s.Apps.Get(ctx, ids)
	if err != nil {
		return BatchResult{}, err
	}
	byID := make(map[int64]domain.Application, len(apps))
	for _, a := range apps {
		byID[a.ID] = a
	}
	insp, err := s.Policies.Inspection(ctx)
	if err != nil {
		return BatchResult{}, err
	}
	lp, err := s.Policies.Lifecycle(ctx)
	if err != nil {
		return BatchResult{}, err
	}
	cands, err := s.candidates(ctx, apps, req.Action)
	if err != nil {
		return BatchResult{}, err
	}
	today := s.today()
	memo := &canMemo{az: s.Authz, seen: map[canKey]bool{}}
	var refusals, conflicts []domain.Refusal
	var changes []store.Change
	for _, id := range ids {
		a, ok := byID[id]
		if !ok {
			refusals = append(refusals, domain.Refusal{OfficerID: id, Rule: "exists", Message: "申请不存在"})
			continue
		}
		if v, ok := req.Versions[id]; ok && v != a.Version {
			conflicts = append(conflicts, domain.Refusal{OfficerID: id, Rule: "changed",
				Message: a.OfficerName + "（" + a.Kind.Label() + "）：已被他人处理（当前状态“" + a.State.Label() + "”）"})
			continue
		}
		if r := s.check(memo, p, a, rl, req.Action, lp); r != nil {
			refusals = append(refusals, *r)
			continue
		}
		if req.Action == ActionApproveLegal {
			if r := domain.CheckLegalApproval(a.Kind, cands[a.OfficerID], today, insp); r != nil {
				r.OfficerID = a.ID
				refusals = append(refusals, *r)
				continue
			}
		}
		c, err := s.change(p, a, req, today, lp)
		if err != nil {
			return BatchResult{}, err
		}
		changes = append(changes, c)
	}
	if len(conflicts) > 0 {
		return BatchResult{}, refused(domain.CodeConflict, "操作未执行", appField, append(conflicts, refusals...))
	}
	if len(refusals) > 0 {
		return BatchResult{}, refused(refusalCode(refusals), "操作未执行", appField, refusals)
	}
	if err := s.Apps.Apply(ctx, changes, s.Now().UTC()); err != nil {
		return BatchResult{}, stale(err)
	}
	if err := s.audit(ctx, p, "application."+req.Action, ids, map[string]any{"comment": req.Comment}); err != nil {
		return BatchResult{}, err
	}
	return BatchResult{Count: len(ids), IDs: ids}, nil
}

// refusalCode: items outside the caller's reach (or unknown) are 403;
// anything else the rules refused is 422.
func refusalCode(rs []domain.Refusal) domain.Code {
	if allRule(rs, "jurisdiction", "exists") {
		return domain.CodeForbidden
	}
	return domain.CodeRuleViolated
}

func allRule(rs []domain.Refusal, rules ...string) bool {
	for _, r := range rs {
		match := false
		for _, x := range rules {
			match = match || r.Rule == x
		}
		if !match {
			return false
		}
	}
	return true
}

// canMemo remembers authorization answers within one batch: ten thousand
// items usually share a handful of (unit, region) targets.
type canMemo struct {
	az   *authz.Enforcer
	seen map[canKey]bool
}

type canKey struct {
	obj, act string
	t        authz.Target
}

func (m *canMemo) can(p domain.Principal, obj, act string, t authz.Target) bool {
	k := canKey{obj, act, t}
	v, ok := m.seen[k]
	if !ok {
		v = m.az.Can(p, obj, act, t)
		m.seen[k] = v
	}
	return v
}

// check applies state, permission and separation of duties to one item.
func (s *Service) check(m *canMemo, p domain.Principal, a domain.Application, rl rule, action string, lp domain.LifecyclePolicy) *domain.Refusal {
	who := a.OfficerName + "（" + a.Kind.Label() + "）"
	fail := func(rule, msg string) *domain.Refusal {
		return &domain.Refusal{OfficerID: a.ID, Rule: rule, Message: who + "：" + msg}
	}
	target := authz.Target{Region: a.RegionCode, UnitID: a.UnitID}
	act := rl.act
	if action == ActionReject { // whoever may approve at this stage may return
		act = "approve_unit"
		if a.State == domain.AppUnitApproved || a.Kind == domain.AppSuspension || a.Kind == domain.AppRevocation {
			act = "approve_legal"
		}
	}
	if !m.can(p, rl.obj, act, target) {
		if act == "approve_legal" && m.can(p, "application", authz.Read, target) {
			return fail("level", "只能审核同级单位的申请（本申请属于 "+string(a.RegionCode)+"）")
		}
		return fail("jurisdiction", "不在您的管辖范围或您的角色无权此操作")
	}
	fromOK := false
	for _, f := range rl.from {
		fromOK = fromOK || a.State == f
	}
	// Suspension and revocation skip the unit step; other kinds never do.
	legalDirect := a.Kind == domain.AppSuspension || a.Kind == domain.AppRevocation
	if action == ActionApproveLegal && (a.State == domain.AppSubmitted) != legalDirect {
		fromOK = false
	}
	if !fromOK {
		return fail("state", "当前状态为“"+a.State.Label()+"”，不能执行此操作")
	}
	if action == ActionApproveUnit && lp.SeparateDuties && a.ApplicantID == p.UserID {
		return fail("separation_of_duties", "申请人不能审核自己提交的申请")
	}
	return nil
}

// change computes what an allowed action does.
func (s *Service) change(p domain.Principal, a domain.Application, req DecideRequest, today domain.Date, lp domain.LifecyclePolicy) (store.Change, error) {
	rl, _ := rules(req.Action)
	c := store.Change{ID: a.ID, Version: a.Version, From: a.State, Step: rl.step, Decision: "approve", ActorID: p.UserID,
		ActorName: p.Username, Comment: strings.TrimSpace(req.Comment), OfficerID: a.OfficerID, OldCert: a.CertificateID}
	switch req.Action {
	case ActionApproveUnit:
		c.To = domain.AppUnitApproved
	case ActionReject:
		c.To, c.Decision, c.Returned = domain.AppReturned, "reject", true
	case ActionWithdraw:
		c.To, c.Decision = domain.AppWithdrawn, "withdraw"
	case ActionResubmit:
		c.To, c.Decision = domain.AppSubmitted, "submit"
	case ActionApproveLegal:
		c.To = domain.AppLegalApproved
		newCert := func() error {
			info, _ := lp.TypeInfo(a.CertType)
			prefix, width, err := lp.NumberPrefix(a.RegionCode, info.Code)
			if err != nil {
				return err
			}
			c.NewCert = &store.NewCertPlan{Type: a.CertType, Region: a.RegionCode, Prefix: prefix, Width: width}
			return nil
		}
		switch a.Kind {
		case domain.AppNewCard:
			if err := newCert(); err != nil {
				return c, err
			}
		case domain.AppReplacement, domain.AppRenewal:
			c.OldCertTo, c.VoidReason = domain.CertVoid, a.Kind.Label()+"："+a.Reason
			if err := newCert(); err != nil {
				return c, err
			}
		case domain.AppCancellation:
			c.To, c.OldCertTo = domain.AppCompleted, domain.CertCancelled
		case domain.AppSuspension:
			c.To, c.OldCertTo = domain.AppCompleted, domain.CertSuspended
		case domain.AppRevocation:
			bar := today.AddMonths(12 * lp.RevocationBarYears)
			c.To, c.OldCertTo, c.BarredUntil = domain.AppCompleted, domain.CertRevoked, &bar
		}
	}
	// Immediate completions pass through legal_approved: check both hops.
	hops := []domain.AppState{c.To}
	if c.To == domain.AppCompleted {
		hops = []domain.AppState{domain.AppLegalApproved, domain.AppCompleted}
	}
	from := a.State
	for _, to := range hops {
		if err := domain.AppTransition(a.Kind, from, to); err != nil {
			return c, err
		}
		from = to
	}
	return c, nil
}

// candidates loads gate inputs for legal approvals only (others need none).
func (s *Service) candidates(ctx context.Context, apps []domain.Application, action string) (map[int64]domain.Candidate, error) {
	if action != ActionApproveLegal || len(apps) == 0 {
		return nil, nil
	}
	byType := map[domain.CertType][]int64{}
	for _, a := range apps {
		byType[a.CertType] = append(byType[a.CertType], a.OfficerID)
	}
	out := map[int64]domain.Candidate{}
	for t, ids := range byType {
		m, err := s.Apps.Candidates(ctx, ids, t)
		if err != nil {
			return nil, err
		}
		for k, v := range m {
			out[k] = v
		}
	}
	return out, nil
}

func (s *Service) selectApps(ctx context.Context, p domain.Principal, req DecideRequest) ([]int64, error) {
	if req.Filter == nil {
		if len(req.IDs) == 0 {
			return nil, domain.Invalid(domain.FieldError{Field: "ids", Rule: "required", Message: "请选择申请"})
		}
		if len(req.IDs) > MaxBatch {
			return nil, domain.Invalid(domain.FieldError{Field: "ids", Rule: "max_items", Message: "一次最多处理 20000 项"})
		}
		return uniqueIDs(req.IDs), nil
	}
	f := *req.Filter
	f.Region = p.Scope
	if p.UnitID != 0 {
		f.UnitID = p.UnitID
	}
	ids, err := s.Apps.IDs(ctx, f, MaxBatch)
	if err != nil {
		return nil, err
	}
	return ids, checkCount(len(ids), req.ExpectedCount)
}
