package domain

import (
	"context"
	"time"
)

// Audit results.
const (
	AuditSuccess = "success"
	AuditFailure = "failure"
	AuditDenied  = "denied"
)

// AuditEvent is one entry of the audit trail: who, in which role and
// jurisdiction, did what to which record, with what result, from where.
// Detail must hold no personal data in clear (mask it first).
type AuditEvent struct {
	At         time.Time
	ActorID    int64
	ActorName  string
	Role       string
	Scope      RegionCode
	Action     string // e.g. auth.login, user.create, application.approve
	TargetType string
	TargetID   string
	Result     string
	IP         string
	RequestID  string
	Detail     map[string]any
}

// Auditor records audit events.
type Auditor interface {
	Record(ctx context.Context, e AuditEvent) error
}
