package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v5"

	"github.com/lecms/lecms/api/domain"
)

// Pinger checks a dependency is reachable.
type Pinger interface {
	Ping(ctx context.Context) error
}

type healthHandler struct{ db Pinger }

// Health is the body of the health endpoints.
type Health struct {
	Status string `json:"status" validate:"required" example:"ok"`
}

// live answers while the process runs.
//
//	@Summary	Liveness probe
//	@Tags		ops
//	@Produce	json
//	@Success	200	{object}	Health
//	@Router		/healthz [get]
func (h *healthHandler) live(c *echo.Context) error {
	return c.JSON(http.StatusOK, Health{Status: "ok"})
}

// ready answers 200 only when the database answers.
//
//	@Summary	Readiness probe (checks the database)
//	@Tags		ops
//	@Produce	json
//	@Success	200	{object}	Health
//	@Failure	503	{object}	Problem
//	@Router		/readyz [get]
func (h *healthHandler) ready(c *echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	if err := h.db.Ping(ctx); err != nil {
		return &domain.Error{Code: domain.CodeUnavailable, Message: "数据库不可用", Err: err}
	}
	return c.JSON(http.StatusOK, Health{Status: "ok"})
}
