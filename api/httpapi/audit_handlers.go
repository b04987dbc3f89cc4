package httpapi

import (
	"encoding/hex"
	"net/http"
	"time"

	"github.com/labstack/echo/v5"

	"github.com/lecms/lecms/api/audit"
	"github.com/lecms/lecms/api/domain"
)

type auditHandler struct{ trail *audit.Trail }

// AuditEvent is one entry of the audit trail (审计日志). It is the HTTP
// form of audit.Entry, declared here because the spec generator reads only
// this package and domain.
type AuditEvent struct {
	ID         int64          `json:"id" validate:"required" example:"1024"`
	At         time.Time      `json:"at" validate:"required" format:"date-time" example:"2026-03-01T08:00:00.123456Z"`
	ActorID    int64          `json:"actor_id,omitempty" example:"7"`
	ActorName  string         `json:"actor_name,omitempty" example:"jinan-admin"`
	Role       string         `json:"role,omitempty" example:"admin"`
	Scope      string         `json:"scope,omitempty" example:"370100"`
	Action     string         `json:"action" validate:"required" example:"officer.update"`
	TargetType string         `json:"target_type,omitempty" example:"officer"`
	TargetID   string         `json:"target_id,omitempty" example:"42"`
	Result     string         `json:"result" validate:"required" enums:"success,failure,denied"`
	IP         string         `json:"ip,omitempty" example:"10.1.2.3"`
	RequestID  string         `json:"request_id,omitempty" example:"5f0c2a9e1b7d4c3a8e6f0b1d"`
	Detail     map[string]any `json:"detail,omitempty" swaggertype:"object"`
	Hash       string         `json:"hash" validate:"required" example:"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"` // hex; links the event into the chain
}

// AuditEventPage is one keyset page of audit events, newest first.
type AuditEventPage struct {
	Items      []AuditEvent `json:"items" validate:"required"`
	NextCursor string       `json:"next_cursor,omitempty"`
}

func auditEventOf(e audit.Entry) AuditEvent {
	return AuditEvent{
		ID: e.ID, At: e.At, ActorID: e.ActorID, ActorName: e.ActorName, Role: e.Role, Scope: string(e.Scope),
		Action: e.Action, TargetType: e.TargetType, TargetID: e.TargetID, Result: e.Result, IP: e.IP,
		RequestID: e.RequestID, Detail: e.Detail, Hash: hex.EncodeToString(e.Hash),
	}
}

// listAuditEvents searches the audit trail within the caller's jurisdiction.
//
//	@Summary		Search the audit trail (审计日志)
//	@Description	Keyset-paginated, newest first. A city administrator sees the events of its region subtree; a province administrator also sees events without a region (anonymous logins, system jobs). Time bounds are RFC 3339; `to` is exclusive.
//	@Tags			audit
//	@Produce		json
//	@Param			region		query		string	false	"region subtree inside your jurisdiction (6-digit code)"	minLength(6)	maxLength(6)
//	@Param			from		query		string	false	"events at or after (RFC 3339)"							format(date-time)
//	@Param			to			query		string	false	"events before (RFC 3339)"								format(date-time)
//	@Param			actor_id	query		int		false	"actor user id"											minimum(1)
//	@Param			actor		query		string	false	"actor username, exact"									maxLength(64)
//	@Param			action		query		string	false	"action (officer.create) or family (officer)"			maxLength(64)
//	@Param			target_type	query		string	false	"target type, exact (officer, unit, application …)"		maxLength(32)
//	@Param			target_id	query		string	false	"target id, exact"										maxLength(64)
//	@Param			result		query		string	false	"result"												Enums(success, failure, denied)
//	@Param			request_id	query		string	false	"request id, exact"										maxLength(64)
//	@Param			limit		query		int		false	"page size"												minimum(1)	maximum(200)	default(50)
//	@Param			cursor		query		string	false	"cursor from the previous page"
//	@Success		200			{object}	AuditEventPage
//	@Failure		400			{object}	Problem
//	@Failure		401			{object}	Problem
//	@Failure		403			{object}	Problem
//	@Router			/api/v1/audit-events [get]
func (h *auditHandler) listAuditEvents(c *echo.Context) error {
	q := newQuery(c)
	f := audit.Filter{
		Region:     q.region("region"),
		From:       q.dateTime("from"),
		To:         q.dateTime("to"),
		ActorID:    q.int64("actor_id"),
		Actor:      q.str("actor", 64),
		Action:     q.str("action", 64),
		TargetType: q.str("target_type", 32),
		TargetID:   q.str("target_id", 64),
		Result:     q.oneOf("result", domain.AuditSuccess, domain.AuditFailure, domain.AuditDenied),
		RequestID:  q.str("request_id", 64),
		Page:       q.page(),
	}
	if err := q.err(); err != nil {
		return err
	}
	page, err := h.trail.Search(c.Request().Context(), principalOf(c), f)
	if err != nil {
		return err
	}
	out := AuditEventPage{Items: make([]AuditEvent, len(page.Items)), NextCursor: page.NextCursor}
	for i, e := range page.Items {
		out.Items[i] = auditEventOf(e)
	}
	return c.JSON(http.StatusOK, out)
}

// dateTime reads an RFC 3339 timestamp (with zone); it belongs with the
// other readers in params.go once this handler is wired.
func (q *query) dateTime(name string) time.Time {
	s := q.c.QueryParam(name)
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		q.v.Add(name, "date_time", name+" 应为 RFC 3339 时间（如 2026-03-01T08:00:00+08:00）")
		return time.Time{}
	}
	return t
}
