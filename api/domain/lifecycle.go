package domain

import "slices"

// Label is the Chinese name of a certificate state, for messages and the UI.
func (s CertState) Label() string {
	switch s {
	case CertNone:
		return "无证"
	case CertPending:
		return "待制证"
	case CertActive:
		return "有效"
	case CertSuspended:
		return "暂扣"
	case CertRevoked:
		return "吊销"
	case CertCancelled:
		return "注销"
	case CertVoid:
		return "作废"
	}
	return string(s)
}

// certExits lists the allowed transitions. Revoked, cancelled and void are
// terminal: a void card stays void even when found (登报声明作废), and a
// new certificate is applied for instead. CertNone is a list placeholder,
// not a stored state, so it has no transitions.
func certExits(s CertState) []CertState {
	return map[CertState][]CertState{
		// Production may be cancelled, or the application withdrawn after a
		// number was assigned; a replacement voids the old pending number.
		CertPending:   {CertActive, CertCancelled, CertVoid},
		CertActive:    {CertSuspended, CertRevoked, CertCancelled, CertVoid},
		CertSuspended: {CertActive, CertRevoked, CertCancelled},
	}[s]
}

// CanTransitionCert reports whether a certificate may move from one state to another.
func CanTransitionCert(from, to CertState) bool {
	return slices.Contains(certExits(from), to)
}

// CertTransition returns nil when the transition is allowed, else a
// CodeRuleViolated error naming both states.
func CertTransition(from, to CertState) error {
	if CanTransitionCert(from, to) {
		return nil
	}
	return Errorf(CodeRuleViolated, "证件状态不能从“%s”变为“%s”", from.Label(), to.Label())
}

// Label is the Chinese name of an application kind.
func (k AppKind) Label() string {
	switch k {
	case AppNewCard:
		return "办卡"
	case AppReplacement:
		return "补卡"
	case AppRenewal:
		return "换发"
	case AppInspection:
		return "年检"
	case AppCancellation:
		return "注销"
	case AppSuspension:
		return "暂扣"
	case AppRevocation:
		return "吊销"
	}
	return string(k)
}

// Label is the Chinese name of an application state.
func (s AppState) Label() string {
	switch s {
	case AppDraft:
		return "草稿"
	case AppSubmitted:
		return "待单位审核"
	case AppUnitApproved:
		return "待法制机构审核"
	case AppLegalApproved:
		return "审核通过"
	case AppInProduction:
		return "制证中"
	case AppCompleted:
		return "已完成"
	case AppReturned:
		return "已退回"
	case AppWithdrawn:
		return "已撤回"
	case AppStale:
		return "已过期"
	}
	return string(s)
}

type appEdge struct {
	from, to AppState
	kinds    []AppKind
}

// appEdges is the whole application flow; its order fixes NextStates' order.
// Completed, withdrawn and stale are terminal. A function, not a package
// variable, so no caller can change the flow at run time.
func appEdges() []appEdge {
	// unitKinds are applied for by a unit and pass unit, then legal review.
	unitKinds := []AppKind{AppNewCard, AppReplacement, AppRenewal, AppInspection, AppCancellation}
	// legalKinds are created by a legal office directly in AppSubmitted and
	// approved in one legal step: there is no unit stamp to collect.
	legalKinds := []AppKind{AppSuspension, AppRevocation}
	// cardKinds produce a new card, so they pass through production.
	cardKinds := []AppKind{AppNewCard, AppReplacement, AppRenewal}
	allKinds := slices.Concat(unitKinds, legalKinds)
	return []appEdge{
		{AppDraft, AppSubmitted, unitKinds},
		{AppSubmitted, AppUnitApproved, unitKinds},
		{AppSubmitted, AppLegalApproved, legalKinds},
		{AppSubmitted, AppReturned, allKinds},
		{AppSubmitted, AppWithdrawn, allKinds},
		{AppUnitApproved, AppLegalApproved, unitKinds},
		{AppUnitApproved, AppReturned, unitKinds},
		{AppReturned, AppSubmitted, allKinds}, // amended and resubmitted
		{AppReturned, AppWithdrawn, allKinds},
		{AppLegalApproved, AppInProduction, cardKinds},
		// Inspection completes once the chip is synced and the sticker replaced
		// (rule 6); the other non-card kinds take effect on approval.
		{AppLegalApproved, AppCompleted, []AppKind{AppInspection, AppCancellation, AppSuspension, AppRevocation}},
		// An inspection approval not synced within its round can never be synced.
		{AppLegalApproved, AppStale, []AppKind{AppInspection}},
		{AppInProduction, AppCompleted, cardKinds},
	}
}

// InitialAppState is the state a new application of kind starts in.
func InitialAppState(kind AppKind) AppState {
	if kind == AppSuspension || kind == AppRevocation { // created by a legal office, no draft
		return AppSubmitted
	}
	return AppDraft
}

// NextStates lists the states an application of kind may move to from from;
// nil for terminal states and unknown kinds.
func NextStates(kind AppKind, from AppState) []AppState {
	var next []AppState
	for _, e := range appEdges() {
		if e.from == from && slices.Contains(e.kinds, kind) {
			next = append(next, e.to)
		}
	}
	return next
}

// AppTransition returns nil when the move is allowed, else a
// CodeRuleViolated error naming the kind and both states.
func AppTransition(kind AppKind, from, to AppState) error {
	if slices.Contains(NextStates(kind, from), to) {
		return nil
	}
	return Errorf(CodeRuleViolated, "%s申请不能从“%s”变为“%s”", kind.Label(), from.Label(), to.Label())
}

// CertStateAfter is the certificate state a completed application leads to.
// For card kinds it is the state of the new card once issued (a replaced
// card is voided separately); inspection leaves the card active.
func CertStateAfter(kind AppKind) (CertState, bool) {
	switch kind {
	case AppNewCard, AppReplacement, AppRenewal, AppInspection:
		return CertActive, true
	case AppCancellation:
		return CertCancelled, true
	case AppSuspension:
		return CertSuspended, true
	case AppRevocation:
		return CertRevoked, true
	}
	return "", false
}
