package domain

// AppKind is the kind of an application (申请).
type AppKind string

const (
	AppNewCard      AppKind = "new_card"     // 办卡
	AppReplacement  AppKind = "replacement"  // 补卡
	AppRenewal      AppKind = "renewal"      // 换发
	AppInspection   AppKind = "inspection"   // 年检
	AppCancellation AppKind = "cancellation" // 注销
	AppSuspension   AppKind = "suspension"   // 暂扣 (legal offices only)
	AppRevocation   AppKind = "revocation"   // 吊销 (legal offices only)
)

// AppState is an application's state in the approval chain.
type AppState string

const (
	AppDraft         AppState = "draft"          // entered, not yet submitted
	AppSubmitted     AppState = "submitted"      // waiting for the unit reviewer
	AppUnitApproved  AppState = "unit_approved"  // waiting for the legal office
	AppLegalApproved AppState = "legal_approved" // approved; production / chip sync follows
	AppInProduction  AppState = "in_production"  // in a provincial production batch
	AppCompleted     AppState = "completed"      // card issued / chip synced / done
	AppReturned      AppState = "returned"       // rejected with a reason; applicant may amend
	AppWithdrawn     AppState = "withdrawn"      // withdrawn by the applicant
	AppStale         AppState = "stale"          // inspection approval not synced in its round
)

// Decision of one approval step.
type Decision string

const (
	DecisionApprove Decision = "approve"
	DecisionReject  Decision = "reject"
)
