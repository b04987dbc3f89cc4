package records

import (
	"context"

	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/store"
)

// OpenApplications finds an officer's application in progress
// (implemented by store.Applications).
type OpenApplications interface {
	OpenFor(ctx context.Context, officerID int64) (*store.OpenApplication, error)
}

// Printed fields (seed 申请办卡: 执法人员编码、姓名、所在单位、执法区域和照片是需要在
// 执法证卡上打印的数据). While an application is on its way from the unit's
// stamp to the card, the form the unit stamped carries their values, so
// they may not change underneath it.
func printedLabel(field string) string {
	switch field {
	case "code":
		return "执法人员编码"
	case "name":
		return "姓名"
	case "unit_id":
		return "所在单位"
	case "area":
		return "执法区域"
	case "photo":
		return "照片"
	}
	return field
}

// PrintedFields lists the printed fields in form order.
func PrintedFields() []string { return []string{"code", "name", "unit_id", "area", "photo"} }

// OpenApplication is the application in progress shown on the officer
// form, and whether it locks the printed fields.
type OpenApplication struct {
	ID     int64           `json:"id" validate:"required" example:"42"`
	Kind   domain.AppKind  `json:"kind" validate:"required" enums:"new_card,replacement,renewal,inspection,cancellation,suspension,revocation"`
	State  domain.AppState `json:"state" validate:"required" enums:"draft,submitted,unit_approved,legal_approved,in_production,returned"`
	Locks  bool            `json:"locks_printed_fields" validate:"required"`
	Reason string          `json:"reason" validate:"required" example:"该人员的换发申请正在办理（待单位审核），申请表上已盖章的打印字段不能修改"`
}

// openApplication returns officer id's application in progress, or nil.
func (s *Service) openApplication(ctx context.Context, id int64) (*OpenApplication, error) {
	if s.Apps == nil {
		return nil, nil
	}
	a, err := s.Apps.OpenFor(ctx, id)
	if err != nil || a == nil {
		return nil, err
	}
	return describeOpen(a), nil
}

// describeOpen explains an application in progress to the user.
func describeOpen(a *store.OpenApplication) *OpenApplication {
	out := &OpenApplication{ID: a.ID, Kind: a.Kind, State: a.State, Locks: a.Locks}
	if a.Locks {
		out.Reason = "该人员的" + a.Kind.Label() + "申请正在办理（" + a.State.Label() + "），申请表上已盖章的打印字段（执法人员编码、姓名、所在单位、执法区域、照片）不能修改；如须更正，请由审核人退回申请后修改"
	} else {
		out.Reason = "该人员的" + a.Kind.Label() + "申请" + a.State.Label() + "，修改后请重新提交"
	}
	return out
}

// printedGuard is the store-side check of the printed-field lock: it runs
// inside the write's transaction with the officer row locked, the lock
// application creation also takes, so an application submitted in the
// same instant is either seen here (and the write refused) or created
// after the write commits. changed names the printed fields the write
// touches given the stored record; the refused application's id goes into
// detail for the audit trail. nil when the lock is disabled (no Apps).
func (s *Service) printedGuard(changed func(cur store.OfficerFields) []string, detail map[string]any) store.EditGuard {
	if s.Apps == nil {
		return nil
	}
	return func(cur store.OfficerFields, a *store.OpenApplication) error {
		if a == nil || !a.Locks {
			return nil
		}
		fields := changed(cur)
		if len(fields) == 0 {
			return nil
		}
		detail["application_id"] = a.ID
		return lockedError(describeOpen(a), fields)
	}
}

// lockedError refuses changes to printed fields while an application that
// locks them is in progress, naming every field the change touches.
func lockedError(a *OpenApplication, fields []string) error {
	e := &domain.Error{Code: domain.CodeRuleViolated, Message: a.Reason}
	for _, f := range fields {
		e.Fields = append(e.Fields, domain.FieldError{Field: f, Rule: "locked_by_application",
			Message: printedLabel(f) + "打印在证件上，" + a.Kind.Label() + "申请办理期间不能修改"})
	}
	return e
}

// printedChanges names the printed fields an edit changes.
func printedChanges(a, b store.OfficerFields) []string {
	var out []string
	if a.Code != b.Code {
		out = append(out, "code")
	}
	if a.Name != b.Name {
		out = append(out, "name")
	}
	if a.Area != b.Area {
		out = append(out, "area")
	}
	return out
}
