// Package records writes the register's records: units (单位管理),
// officers (档案管理), their ID photos and exam results. Every write is
// authorised against the record's unit and region, and audited with
// personal data masked; reads of the full ID number are audited too.
package records

import (
	"context"
	"strconv"
	"time"

	"github.com/lecms/lecms/api/authz"
	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/identity"
	"github.com/lecms/lecms/api/store"
)

// Collaborators that tests or other packages may substitute.
type (
	// Protector seals ID numbers at rest (implemented by pii.Protector).
	Protector interface {
		Seal(plaintext string, aad []byte) []byte
		Open(sealed []byte, aad []byte) (string, error)
		BlindIndex(value string) []byte
	}
	// Authorizer decides single-record access (implemented by authz).
	Authorizer interface {
		Can(p domain.Principal, obj, act string, t authz.Target) bool
	}
	// OfficerReader is the read side's scoped officer view with its due
	// state (implemented by registry.Service).
	OfficerReader interface {
		GetOfficer(ctx context.Context, p domain.Principal, id int64) (domain.Officer, error)
	}
	// Canceller starts the cancellation (注销) of the live certificates of
	// every officer of a dissolved unit (cancellation trigger "单位撤销").
	// Implemented by the lifecycle service. It must be idempotent: a
	// retried dissolution calls it again and officers whose cancellation
	// is already under way are skipped. It returns how many it started;
	// p is the person who dissolved the unit (the applicant of record).
	Canceller interface {
		StartCancellations(ctx context.Context, p domain.Principal, unitID int64, reason string) (int, error)
	}
)

// Deps are the service's collaborators.
type Deps struct {
	Units      *store.Units
	Officers   *store.Officers
	Photos     *store.Photos
	Exams      *store.Exams
	Regions    *store.Regions
	Reader     OfficerReader
	PII        Protector
	Authz      Authorizer
	Audit      domain.Auditor
	Cancel     Canceller        // nil: dissolving a unit only marks it dissolved
	Apps       OpenApplications // nil: printed fields are never locked, transfers refused
	Renew      Renewer          // nil: transfers refused
	Now        func() time.Time
	Loc        *time.Location // the province's civil time, for "today"
	PhotoRules PhotoRules     // zero value: DefaultPhotoRules()
}

// Service implements the records write side.
type Service struct {
	Deps
	photoSlots chan struct{} // bounds concurrent image decoding (memory)
}

// New builds the service.
func New(d Deps) *Service {
	if d.PhotoRules == (PhotoRules{}) {
		d.PhotoRules = DefaultPhotoRules()
	}
	if d.Loc == nil {
		d.Loc = time.UTC
	}
	return &Service{Deps: d, photoSlots: make(chan struct{}, max(1, d.PhotoRules.Concurrency))}
}

func (s *Service) today() domain.Date { return domain.DateOf(s.Now().In(s.Loc)) }

// record writes one audit event for an attempted write. A success that
// cannot be audited fails (MLPS: no unaudited change); for a failed
// attempt the original error is returned whatever the audit does.
// Validation errors (400) are not audited: nothing was attempted. The
// event's scope is the region of the record acted on, so the offices of
// that region find it; a refusal, or a record never found, belongs to
// the actor's own scope.
func (s *Service) record(ctx context.Context, p domain.Principal, c identity.Client, action, targetType string,
	targetID int64, region domain.RegionCode, err error, detail map[string]any) error {
	code := domain.ErrorCode(err)
	if s.Audit == nil || (err != nil && code == domain.CodeInvalid) {
		return err
	}
	if region == "" || code == domain.CodeForbidden {
		region = p.Scope
	}
	e := domain.AuditEvent{At: s.Now().UTC(), ActorID: p.UserID, ActorName: p.Username, Role: string(p.Role),
		Scope: region, Action: action, TargetType: targetType, Result: domain.AuditSuccess, IP: c.IP,
		RequestID: c.RequestID, Detail: detail}
	if targetID != 0 {
		e.TargetID = strconv.FormatInt(targetID, 10)
	}
	if err != nil {
		e.Result = domain.AuditFailure
		if code == domain.CodeForbidden {
			e.Result = domain.AuditDenied
		}
		if e.Detail == nil {
			e.Detail = map[string]any{}
		}
		e.Detail["code"] = string(code)
		_ = s.Audit.Record(ctx, e)
		return err
	}
	if aerr := s.Audit.Record(ctx, e); aerr != nil {
		return domain.Internal(aerr)
	}
	return nil
}

// officerTarget is the authorization target of an officer record.
func officerTarget(r store.OfficerRecord) authz.Target {
	return authz.Target{Region: r.RegionCode, UnitID: r.UnitID}
}

// writableOfficer loads officer id for a write by p: outside p's view it is
// not found (existence does not leak), visible but not writable forbidden.
func (s *Service) writableOfficer(ctx context.Context, p domain.Principal, id int64) (store.OfficerRecord, error) {
	r, err := s.Officers.Record(ctx, id)
	if err != nil {
		return r, err
	}
	t := officerTarget(r)
	if !s.Authz.Can(p, "officer", authz.Read, t) {
		return store.OfficerRecord{}, domain.Errorf(domain.CodeNotFound, "执法人员不存在")
	}
	if !s.Authz.Can(p, "officer", authz.Write, t) {
		return store.OfficerRecord{}, domain.Errorf(domain.CodeForbidden, "您无权修改该执法人员的档案")
	}
	return r, nil
}
